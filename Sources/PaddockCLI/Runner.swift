import PaddockCore
#if canImport(Glibc)
import Glibc
#endif

/// The one place where Paddock's tools print errors and exit.
///
/// Parses the command line against the command's options table: `--help` prints the help screen and
/// exits 0; a usage error prints `tool: error: message`, the usage line and a pointer to `--help`, and
/// exits 64. Then runs the command, and turns a `PaddockError` into `tool: error: location: message`
/// (plus a hint) on stderr and the error kind's exit code. A closed stdout (`| head`) ends the tool
/// quietly with exit 0.
public func runTool<C: Command>(_ command: C.Type) -> Never {
    signal(SIGPIPE, SIG_IGN)
    let tool = C.name
    Console.tool = tool
    let parsed: C?
    do throws(UsageError) {
        parsed = try CommandLineParser.parse(C.self, Array(CommandLine.arguments.dropFirst()))
    } catch {
        Console.printError("\(tool): error: \(error.message)\nUsage: \(Help.usage(C.self))\nSee '\(tool) --help' for more.")
        exit(PaddockError.Kind.usage.exitCode)
    }
    do throws(PaddockError) {
        if let parsed {
            try parsed.run()
        } else {
            Console.stdout.appendString(Help.screen(C.self))
        }
        try Console.flushStdout()
        exit(0)
    } catch {
        if error.kind == .brokenPipe { exit(0) }
        Console.error(tool: tool, error)
        exit(error.exitCode)
    }
}

/// stderr for people: messages, warnings, progress. Writes go straight to fd 2.
public enum Console {
    /// The name of the running tool, for messages.
    nonisolated(unsafe) public static var tool = "paddock"

    /// The stdout buffer shared by the tool (data only).
    nonisolated(unsafe) public static var stdout = OutputBuffer(sink: FileDescriptorSink.standardOutput())

    public static func flushStdout() throws(PaddockError) {
        try stdout.finish()
    }

    public static func printError(_ text: String) {
        var line = text
        if !line.hasSuffix("\n") { line += "\n" }
        printRaw(line)
    }

    /// Writes `text` to stderr as it is (no newline added).
    public static func printRaw(_ text: String) {
        var line = text
        line.withUTF8 { b in
            var p = b.baseAddress!
            var left = b.count
            while left > 0 {
                let n = write(2, p, left)
                if n <= 0 { if errno == EINTR { continue }; return }
                p += n
                left -= n
            }
        }
    }

    /// `tool: error: file:line: message` and, when there is one, `tool: hint: ...`.
    public static func error(tool: String, _ error: PaddockError) {
        var text = error.details.map { "\(tool): error: \($0)\n" }.joined() + "\(tool): error: \(error)"
        if let hint = error.hint { text += "\n\(tool): hint: \(hint)" }
        printError(text)
    }

    public static func warning(tool: String, _ message: String) {
        printError("\(tool): warning: \(message)")
    }

    public static func info(tool: String, _ message: String) {
        printError("\(tool): \(message)")
    }

    /// True when stderr is a terminal (progress bars and colour only then).
    public static var stderrIsTTY: Bool { isatty(2) == 1 }
}
