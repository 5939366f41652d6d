import PaddockCore
#if canImport(Glibc)
import Glibc
#endif

/// Progress of long work on stderr. On a terminal, one line rewritten in place at most 4 times a second
/// (units done of total, rows/s, ETA); otherwise a plain log line every 30 seconds, so that logs of long
/// runs show life without flooding. `PADDOCK_PROGRESS=0` turns it off; `PADDOCK_PROGRESS_INTERVAL`
/// (seconds) changes the pace.
public final class Progress {
    let tool: String
    let tty: Bool
    let enabled: Bool
    private let start: Double
    private var last: Double
    private var shown = false
    private let interval: Double

    public init(tool: String) {
        self.tool = tool
        tty = Console.stderrIsTTY
        let env = Workspace.environment()
        enabled = env["PADDOCK_PROGRESS"] != "0"
        interval = env["PADDOCK_PROGRESS_INTERVAL"].flatMap(Double.init) ?? (Console.stderrIsTTY ? 0.25 : 30)
        start = Progress.now()
        last = start
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    var elapsed: Double { Progress.now() - start }

    /// Shows `done` of `total` (nil when unknown) `what`, with the rate and, with a total, the ETA.
    public func update(done: Int, total: Int?, what: String, extra: String = "") {
        guard enabled else { return }
        let t = Progress.now()
        guard t - last >= interval else { return }
        last = t
        let secs = max(t - start, 1e-6)
        let rate = Double(done) / secs
        var text = "\(tool): \(done)"
        if let total { text += "/\(total)" }
        text += " \(what), \(Progress.format(rate))/s"
        if let total, rate > 0, done < total { text += ", ETA \(Progress.duration(Double(total - done) / rate))" }
        if !extra.isEmpty { text += ", \(extra)" }
        if tty {
            Console.printRaw("\r\u{1B}[K" + text)
            shown = true
        } else {
            Console.printError(text)
        }
    }

    /// Clears the progress line (before the tool's summary).
    public func finish() {
        if shown { Console.printRaw("\r\u{1B}[K") }
        shown = false
    }

    static func format(_ x: Double) -> String {
        if x >= 1e6 { return "\(Int(x / 1e5) / 10).\(Int(x / 1e5) % 10)M" }
        if x >= 1e4 { return "\(Int(x / 1e3))k" }
        return String(Int(x))
    }

    static func duration(_ s: Double) -> String {
        let n = Int(s.rounded())
        return n >= 3600 ? "\(n / 3600)h\(n % 3600 / 60)m" : n >= 60 ? "\(n / 60)m\(n % 60)s" : "\(n)s"
    }
}
