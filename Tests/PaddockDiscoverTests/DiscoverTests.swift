import Foundation
@testable import PaddockCore
@testable import PaddockDiscover
import PaddockChecks
import Testing

/// Discovery on its own: path patterns, named parts, and the units of a files source.
@Suite("Discover")
struct DiscoverTests {
    @Test("globs: * and ? stay in one segment, ** spans any number", arguments: [
        ("*.csv", "a.csv", true), ("*.csv", "x/a.csv", false), ("**/*.csv", "a.csv", true),
        ("**/*.csv", "x/y/a.csv", true), ("x/?.json", "x/a.json", true), ("x/?.json", "x/ab.json", false),
        ("**", "anything/at/all", true), ("gb/**/runners_*.csv", "gb/flat/2024-05/runners_1.csv", true),
        ("gb/**/runners_*.csv", "ire/flat/2024-05/runners_1.csv", false),
    ])
    func glob(pattern: String, path: String, matches: Bool) {
        #expect(Glob(pattern).matches(path) == matches)
    }

    @Test("named parts are captured per segment, and give a date window for yyyy, mm and dd")
    func namedParts() throws {
        let p = NamedPattern("{region}/{code}/{yyyy}-{mm}/runners_*.csv")
        let parts = try #require(p.match("gb/flat/2024-05/runners_x.csv"))
        #expect(parts.map { "\($0.name)=\($0.value)" } == ["region=gb", "code=flat", "yyyy=2024", "mm=05"])
        #expect(p.match("gb/flat/2024-05/races_x.csv") == nil)
        let may = try #require(NamedPattern.period(parts))
        #expect(DateWindow.format(may.from, "%Y-%m-%d") == "2024-05-01" && DateWindow.format(may.to, "%Y-%m-%d") == "2024-05-31")
        // An impossible day is not a day: the file counts for its month.
        let april = try #require(NamedPattern.period([.init("yyyy", "2025"), .init("mm", "04"), .init("dd", "31")]))
        #expect(DateWindow.format(april.from, "%Y-%m-%d") == "2025-04-01" && DateWindow.format(april.to, "%Y-%m-%d") == "2025-04-30")
    }

    @Test("a files source lists matching files in bytewise path order, with ids relative to its root and sha256 fingerprints")
    func filesUnits() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paddock-discover-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/project/config/pipelines", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/project/land/b", withIntermediateDirectories: true)
        for (name, text) in [("land/a.json", "{}"), ("land/b/c.json", "[]"), ("land/B.json", "{}"), ("land/skip.csv", "x"), ("land/.hidden.json", "{}")] {
            try text.write(toFile: dir + "/project/" + name, atomically: true, encoding: .utf8)
        }
        try """
        pipeline: t
        sources:
          - {name: s, kind: files, root: land, patterns: ["**/*.json"]}
        """.write(toFile: dir + "/project/config/pipelines/t.yaml", atomically: true, encoding: .utf8)
        let config = try Workspace(configDir: dir + "/project/config", dataDir: dir + "/data").loadPipeline("t", checks: CheckRegistry.catalog)
        let units = try Discovery.units(of: config)
        #expect(units.map(\.id) == ["s/B.json", "s/a.json", "s/b/c.json"])
        #expect(units.allSatisfy { $0.path.hasPrefix(dir + "/project/land/") })
        #expect(units.first { $0.id == "s/a.json" }?.sha256 == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
    }

    /// The reliability trial's `ln -s . landing/loop` with `**/*.csv` gave 41 units of one file.
    @Test("the landing walk lists each real file once: link loops, second names and links outside the root are skipped with a warning; undecodable names too")
    func safeWalk() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paddock-walk-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/root/a", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir + "/outside", withIntermediateDirectories: true)
        try "x\n".write(toFile: dir + "/root/a/r.csv", atomically: true, encoding: .utf8)
        try "y\n".write(toFile: dir + "/outside/secret.csv", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: dir + "/root/loop", withDestinationPath: ".")
        try fm.createSymbolicLink(atPath: dir + "/root/a/same.csv", withDestinationPath: "r.csv")
        try fm.createSymbolicLink(atPath: dir + "/root/out", withDestinationPath: dir + "/outside")
        try fm.createSymbolicLink(atPath: dir + "/root/gone.csv", withDestinationPath: "nowhere.csv")
        // A name in Latin-1 (0xE9), not UTF-8: no String path can name it.
        let bad = Array((dir + "/root/caf").utf8CString.dropLast()) + [CChar(bitPattern: 0xE9), CChar(bitPattern: 0x2E), 0x63, 0x73, 0x76, 0]
        let fd = bad.withUnsafeBufferPointer { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
        #expect(fd >= 0)
        close(fd)
        var warnings: [String] = []
        let files = try Discovery.walk(dir + "/root") { warnings.append($0) }
        #expect(files == ["a/r.csv"])
        let said = warnings.map { $0.replacingOccurrences(of: dir, with: "D") }
        #expect(said.contains("D/root/a/same.csv: the same file as a/r.csv; listed once"), "\(said)")
        #expect(said.contains("D/root/loop: the same folder as one already listed (a link loop?); skipped"), "\(said)")
        #expect(said.contains { $0.hasPrefix("D/root/out: a symbolic link to ") && $0.hasSuffix("outside the root D/root; skipped") }, "\(said)")
        #expect(said.contains("D/root/gone.csv: a symbolic link that leads nowhere; skipped"), "\(said)")
        #expect(said.contains { $0.hasSuffix(": the file name is not valid UTF-8; skipped (rename it)") }, "\(said)")
        #expect(said.count == 5, "\(said)")
    }
}
