import Foundation
import Testing

/// Golden end-to-end cases, Miller style: each folder of Tests/golden holds `cmd` (a bash script),
/// `expout`, `experr` and `exitcode`. The case runs the built tools and compares stdout, stderr and the
/// exit code. `PADDOCK_UPDATE_GOLDEN=1 make test` re-records the expectations; review the diff in git.
struct GoldenTests {
    static let goldenDir = ToolRunner.repoRoot + "/Tests/golden"

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: goldenDir)) ?? []).filter {
            FileManager.default.fileExists(atPath: "\(goldenDir)/\($0)/cmd")
        }.sorted()
    }

    /// Replaces values that legitimately differ between machines and runs (file mtimes, the git
    /// version, step durations) with placeholders.
    static func sanitize(_ s: String) -> String {
        s.replacingOccurrences(of: #""mtime":[0-9]+"#, with: #""mtime":<MTIME>"#, options: .regularExpression)
            .replacingOccurrences(of: #""code_version": "[^"]*""#, with: #""code_version": "<GIT DESCRIBE>""#, options: .regularExpression)
            .replacingOccurrences(of: #""steps": \{[^}]*\}"#, with: #""steps": {<TIMINGS>}"#, options: .regularExpression)
    }

    @Test("golden case", arguments: cases)
    func golden(_ name: String) throws {
        let dir = "\(Self.goldenDir)/\(name)"
        let script = try String(contentsOfFile: "\(dir)/cmd", encoding: .utf8)
        let scratch = try ToolRunner.makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let r = try ToolRunner.run(script, scratch: scratch)
        let out = Self.sanitize(r.stdout), err = Self.sanitize(r.stderr)
        if ProcessInfo.processInfo.environment["PADDOCK_UPDATE_GOLDEN"] == "1" {
            try out.write(toFile: "\(dir)/expout", atomically: true, encoding: .utf8)
            try err.write(toFile: "\(dir)/experr", atomically: true, encoding: .utf8)
            try "\(r.status)\n".write(toFile: "\(dir)/exitcode", atomically: true, encoding: .utf8)
            return
        }
        let expout = try String(contentsOfFile: "\(dir)/expout", encoding: .utf8)
        let experr = try String(contentsOfFile: "\(dir)/experr", encoding: .utf8)
        let code = Int32(try String(contentsOfFile: "\(dir)/exitcode", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(out == expout, "stdout of \(name)")
        #expect(err == experr, "stderr of \(name)")
        #expect(r.status == code, "exit code of \(name)")
    }
}
