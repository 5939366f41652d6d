import Foundation
import Testing

/// The football pipeline on the embedded sample, checked with tools nobody here wrote (zstd,
/// sha256sum, Python's csv module).
struct PipelineTests {
    static let now = "2025-06-01T00:00:00Z"

    func runPipeline(_ scratch: String) throws -> ToolRunner.Result {
        try ToolRunner.run("scripts/run_pipeline.sh --pipeline football --now \(Self.now)", scratch: scratch)
    }

    @Test("make run's pipeline publishes 380 matches and a manifest that matches the file")
    func publishesVerifiableSnapshot() throws {
        let scratch = try ToolRunner.makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let run = try runPipeline(scratch)
        try #require(run.status == 0, "pipeline failed: \(run.stderr)")
        let manifestPath = scratch + "/data/processed/football/latest_successful_run.json"
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifestPath))) as! [String: Any]
        #expect(manifest["pipeline"] as? String == "football")
        #expect(manifest["status"] as? String == "success")
        let tables = try #require(manifest["tables"] as? [[String: Any]])
        let matches = try #require(tables.first { $0["name"] as? String == "matches" })
        let file = scratch + "/data/processed/football/" + (matches["path"] as! String)
        let check = try ToolRunner.run("""
        stat -c %s "\(file)"
        sha256sum "\(file)" | cut -d' ' -f1
        zstd -dc "\(file)" | python3 -c 'import csv, sys; rows = list(csv.reader(sys.stdin)); print(len(rows) - 1, len(rows[0]), all(len(r) == len(rows[0]) for r in rows))'
        """, scratch: scratch)
        let lines = check.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 3, "\(check.stderr)")
        #expect(Int(lines[0]) == matches["bytes"] as? Int)
        #expect(lines[1] == matches["sha256"] as? String)
        #expect(lines[2] == "380 15 True")
        #expect(matches["rows"] as? Int == 380)
    }

    @Test("the same inputs and --now give byte-identical snapshots and manifests")
    func deterministic() throws {
        let a = try ToolRunner.makeScratch(), b = try ToolRunner.makeScratch()
        defer { try? FileManager.default.removeItem(atPath: a); try? FileManager.default.removeItem(atPath: b) }
        #expect(try runPipeline(a).status == 0)
        #expect(try runPipeline(b).status == 0)
        for rel in ["processed/football/snapshots/20250601T000000Z/matches.csv.zst", "derived/football/matches.ndjson",
                    "derived/football/dq_report.json", "derived/football/matches.schema.json"] {
            let da = try Data(contentsOf: URL(fileURLWithPath: "\(a)/data/\(rel)"))
            let db = try Data(contentsOf: URL(fileURLWithPath: "\(b)/data/\(rel)"))
            #expect(da == db, "\(rel) differs between runs")
        }
        let ma = try String(contentsOfFile: "\(a)/data/processed/football/latest_successful_run.json", encoding: .utf8)
        let mb = try String(contentsOfFile: "\(b)/data/processed/football/latest_successful_run.json", encoding: .utf8)
        // Step durations are the one field that differs between runs.
        let withoutSteps = { (m: String, dir: String) in
            m.replacingOccurrences(of: dir, with: "").replacingOccurrences(of: #""steps": \{[^}]*\}"#, with: "", options: .regularExpression)
        }
        #expect(withoutSteps(ma, a) == withoutSteps(mb, b))
    }

    @Test("re-running the pipeline with the same run id changes nothing")
    func idempotentRerun() throws {
        let scratch = try ToolRunner.makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        #expect(try runPipeline(scratch).status == 0)
        let manifest = scratch + "/data/processed/football/latest_successful_run.json"
        let before = try Data(contentsOf: URL(fileURLWithPath: manifest))
        let snapshot = scratch + "/data/processed/football/snapshots/20250601T000000Z/matches.csv.zst"
        let snapBefore = try Data(contentsOf: URL(fileURLWithPath: snapshot))
        let again = try runPipeline(scratch)
        #expect(again.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: manifest)) == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: snapshot)) == snapBefore)
        #expect(again.stderr.contains("extract: 1 units: 0 stored, 1 unchanged, 0 failed; 380 records"))
        // Nothing half-written is left behind.
        let leftovers = try ToolRunner.run("find \"$DATA_DIR\" -name '.paddock-tmp-*' -o -name '.staging-*'", scratch: scratch)
        #expect(leftovers.stdout.isEmpty)
    }

    @Test("a corrupted snapshot fails --verify, naming the file")
    func verifyDetectsCorruption() throws {
        let scratch = try ToolRunner.makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        #expect(try runPipeline(scratch).status == 0)
        let r = try ToolRunner.run("""
        f="$DATA_DIR/processed/football/snapshots/20250601T000000Z/matches.csv.zst"
        chmod u+w "$f"
        truncate -s -1 "$f"
        publish --pipeline football --verify
        """, scratch: scratch)
        #expect(r.status == 1)
        let manifest = try String(contentsOfFile: scratch + "/data/processed/football/latest_successful_run.json", encoding: .utf8)
        let bytes = try #require(manifest.firstMatch(of: /"bytes": ([0-9]+)/).flatMap { Int($0.1) })
        #expect(r.stderr.contains("publish: mismatch: $TMP/data/processed/football/snapshots/20250601T000000Z/matches.csv.zst: \(bytes - 1) bytes, manifest says \(bytes)"))
        #expect(r.stderr.contains("matches.csv.zst: sha256 "))
        #expect(r.stderr.contains("publish: error: "))
    }
}
