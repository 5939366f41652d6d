@testable import PaddockCore
import Testing

/// `Workspace` is the one owner of the data folder's paths and file names.
@Suite("Workspace")
struct WorkspaceTests {
    let ws = Workspace(configDir: "cfg", dataDir: "d", environment: [:])

    @Test("every path is built from the data folder and the file names in one place")
    func paths() {
        #expect(ws.ledgerPath("p") == "d/index/p/ledger.ndjson")
        #expect(ws.manifestPath("p") == "d/processed/p/latest_successful_run.json")
        #expect(ws.snapshotManifestPath("p", run: "r") == "d/processed/p/snapshots/r/manifest.json")
        #expect(ws.dqReportPath("p") == "d/derived/p/dq_report.json")
        #expect(ws.quarantinePath("p", table: "t") == "d/derived/p/t.quarantine.ndjson")
        #expect(ws.unitsPath("p", run: "r") == "d/runs/p/r/units.ndjson")
        #expect(ws.statsPath("p", run: "r", table: "t") == "d/runs/p/r/t.stats.json")
        #expect(Workspace.sidecarPath(ofPayload: "d/raw/p/u/sha256-ab.json") == "d/raw/p/u/sha256-ab.json.meta.json")
    }

    @Test("a script asks for a path by name; run and table paths keep {run_id} and {table} for it to fill in")
    func namedPaths() throws {
        #expect(try ws.namedPath("ledger", pipeline: "p") == "d/index/p/ledger.ndjson")
        #expect(try ws.namedPath("stats", pipeline: "p") == "d/runs/p/{run_id}/{table}.stats.json")
        let e = #expect(throws: PaddockError.self) { try ws.namedPath("ledgr", pipeline: "p") }
        #expect(e?.kind == .usage && e?.hint?.contains("did you mean 'ledger'?") == true)
    }

    /// The scripts and the Makefile of the repository.
    static let scripts: [String] = {
        let root = FilePaths.parent(FilePaths.parent(FilePaths.parent(#filePath)))
        let names = ((try? FileSystem.list(root + "/scripts")) ?? []).filter { $0.hasSuffix(".sh") }.sorted()
        return names.map { "\(root)/scripts/\($0)" } + ["\(root)/Makefile"]
    }()

    @Test("no script or Makefile spells a document's file name: they ask a tool (discover --path, publish --rows)",
          arguments: ["ledger.ndjson", "latest_successful_run.json", "dq_report.json", "units.ndjson", ".meta.json",
                      ".stats.json", ".quarantine.ndjson", "manifest.json"])
    func noFileNamesInScripts(name: String) throws {
        #expect(Self.scripts.count > 3)
        for path in Self.scripts {
            let lines = try FileSystem.readText(path).split(separator: "\n")
            let offending = lines.enumerated().filter { $0.element.contains(name) && !$0.element.trimmingPrefix(while: \.isWhitespace).hasPrefix("#") }
            #expect(offending.isEmpty, "\(path):\(offending.first.map { $0.offset + 1 } ?? 0) spells \(name)")
        }
    }
}
