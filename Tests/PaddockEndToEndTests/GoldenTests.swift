import Foundation
import Testing

/// Golden end-to-end cases, Miller style: each folder of Tests/golden holds `cmd` (a bash script),
/// `expout`, `experr` and `exitcode`. The case runs the built tools and compares stdout, stderr and the
/// exit code. `PADDOCK_UPDATE_GOLDEN=1 make test` re-records the expectations and fails every case it
/// re-recorded, saying what it wrote; review the diff in git, then run the tests again without it.
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
        let update = ProcessInfo.processInfo.environment["PADDOCK_UPDATE_GOLDEN"] == "1"
        for problem in try Self.verdict("\(Self.goldenDir)/\(name)", update: update) {
            Issue.record(Comment(rawValue: problem))
        }
    }

    /// Runs the case in `dir` and says what is wrong: stdout, stderr or exit code differing from the
    /// expectations; with `update`, the expectations are re-recorded instead.
    static func verdict(_ dir: String, update: Bool) throws -> [String] {
        let name = URL(fileURLWithPath: dir).lastPathComponent
        let script = try String(contentsOfFile: "\(dir)/cmd", encoding: .utf8)
        let scratch = try ToolRunner.makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let r = try ToolRunner.run(script, scratch: scratch)
        let out = Self.sanitize(r.stdout), err = Self.sanitize(r.stderr)
        if update {
            // Re-recording never passes: what was written has to be reviewed before it is trusted.
            var changed: [String] = []
            for (file, text) in [("expout", out), ("experr", err), ("exitcode", "\(r.status)\n")] {
                if (try? String(contentsOfFile: "\(dir)/\(file)", encoding: .utf8)) != text { changed.append(file) }
                try text.write(toFile: "\(dir)/\(file)", atomically: true, encoding: .utf8)
            }
            return ["re-recorded \(name) (expout, experr, exitcode \(r.status)); "
                    + (changed.isEmpty ? "nothing changed" : "changed: \(changed.joined(separator: ", "))")
                    + ". Review the diff in git, then run the tests again without PADDOCK_UPDATE_GOLDEN"]
        }
        let expout = try String(contentsOfFile: "\(dir)/expout", encoding: .utf8)
        let experr = try String(contentsOfFile: "\(dir)/experr", encoding: .utf8)
        let code = Int32(try String(contentsOfFile: "\(dir)/exitcode", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
        var problems: [String] = []
        if out != expout { problems.append("stdout of \(name) differs:\n\(out)") }
        if err != experr { problems.append("stderr of \(name) differs:\n\(err)") }
        if r.status != code { problems.append("exit code of \(name): \(r.status), expected \(code.map(String.init) ?? "?")") }
        return problems
    }

    @Test("re-record mode writes the expectations and fails, saying what it recorded; the next run without it passes")
    func reRecordFails() throws {
        let dir = try ToolRunner.makeScratch() + "/echo-case"
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: dir).deletingLastPathComponent().path) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "echo out; echo err >&2; exit 3\n".write(toFile: "\(dir)/cmd", atomically: true, encoding: .utf8)
        let recorded = try Self.verdict(dir, update: true)
        #expect(recorded.count == 1)
        #expect(recorded.first?.hasPrefix("re-recorded echo-case (expout, experr, exitcode 3)") == true, "\(recorded)")
        #expect(try String(contentsOfFile: "\(dir)/expout", encoding: .utf8) == "out\n")
        #expect(try String(contentsOfFile: "\(dir)/experr", encoding: .utf8) == "err\n")
        #expect(try String(contentsOfFile: "\(dir)/exitcode", encoding: .utf8) == "3\n")
        #expect(try Self.verdict(dir, update: false) == [])
        try "echo other\n".write(toFile: "\(dir)/cmd", atomically: true, encoding: .utf8)
        #expect(try Self.verdict(dir, update: false).count == 3)
    }
}
