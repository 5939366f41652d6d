import Foundation
@testable import PaddockCore
@testable import PaddockPublish
import PaddockChecks
import Testing

/// Publishing on its own: a snapshot and its manifest from a derived table and a DQ report.
@Suite("Publish")
struct PublishUnitTests {
    /// A workspace with a pipeline `t` (table `rows`: id, name), two derived rows and a DQ report.
    struct Fixture {
        let dir: String
        let config: PipelineConfig
        let workspace: Workspace
        var derived: String { workspace.derivedDir("t") }
        var report: String { derived + "/dq_report.json" }

        init(status: String = "pass") throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("paddock-publish-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir + "/config/pipelines", withIntermediateDirectories: true)
            try """
            pipeline: t
            sources: [{name: s, kind: files, root: land}]
            tables:
              - name: rows
                source: s
                primaryKey: [id]
                fields: [{name: id, type: integer}, {name: name, type: string, description: "name  as  written"}]
            publish: {keep: 2}
            """.write(toFile: dir + "/config/pipelines/t.yaml", atomically: true, encoding: .utf8)
            workspace = Workspace(configDir: dir + "/config", dataDir: dir + "/data")
            config = try workspace.loadPipeline("t", checks: CheckRegistry.catalog)
            try FileManager.default.createDirectory(atPath: workspace.derivedDir("t"), withIntermediateDirectories: true)
            try "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b,c\"}\n".write(toFile: workspace.derivedDir("t") + "/rows.ndjson", atomically: true, encoding: .utf8)
            try "{\"status\": \"\(status)\", \"summary\": {\"pass\": 1, \"warn\": 0, \"fail\": \(status == "fail" ? 1 : 0)}}\n"
                .write(toFile: workspace.derivedDir("t") + "/dq_report.json", atomically: true, encoding: .utf8)
        }

        func publisher(_ run: String) -> Publisher { Publisher(config: config, workspace: workspace, runId: run, now: Timestamp(seconds: 1_748_736_000)) }
        func files(_ run: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: workspace.processedDir("t") + "/snapshots/" + run)) ?? []).sorted() }
        func cleanup() { try? FileManager.default.removeItem(atPath: dir) }
    }

    @Test("a snapshot holds the tables, the Table Schemas, the report it passed and its manifest; the manifest is the same bytes")
    func snapshot() throws {
        let f = try Fixture()
        defer { f.cleanup() }
        let tables = try f.publisher("r1").publish(derivedDir: f.derived, reportPath: f.report)
        #expect(tables.map(\.name) == ["rows"] && tables[0].rows == 2)
        #expect(f.files("r1") == ["datapackage.json", "dq_report.json", "manifest.json", "rows.csv.zst"])
        let latest = try String(contentsOfFile: f.workspace.processedDir("t") + "/latest_successful_run.json", encoding: .utf8)
        #expect(latest == (try String(contentsOfFile: f.workspace.processedDir("t") + "/snapshots/r1/manifest.json", encoding: .utf8)))
        #expect(latest.contains("\"report\": \"snapshots/r1/dq_report.json\""))
        #expect(try f.publisher("r1").verify() == [])
    }

    @Test("datapackage.json keeps the Table Schema's text as it is: two spaces in a description stay two")
    func dataPackageKeepsDescriptions() throws {
        let f = try Fixture()
        defer { f.cleanup() }
        _ = try f.publisher("r1").publish(derivedDir: f.derived, reportPath: f.report)
        let text = try String(contentsOfFile: f.workspace.snapshotDir("t", run: "r1") + "/datapackage.json", encoding: .utf8)
        #expect(text.contains("\"description\":\"name  as  written\""), "\(text)")
        let package = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let resources = try #require(package["resources"] as? [[String: Any]])
        let fields = try #require((resources.first?["schema"] as? [String: Any])?["fields"] as? [[String: Any]])
        #expect(fields.last?["description"] as? String == "name  as  written")
    }

    @Test("publishing a run again with the same tables changes nothing; with other tables under the same run id it is refused (exit 2); a failed or missing report refuses with exit 1")
    func idempotentAndRefusals() throws {
        let f = try Fixture()
        defer { f.cleanup() }
        _ = try f.publisher("r1").publish(derivedDir: f.derived, reportPath: f.report)
        let snapshot = f.workspace.processedDir("t") + "/snapshots/r1/rows.csv.zst"
        let before = try Data(contentsOf: URL(fileURLWithPath: snapshot))
        _ = try f.publisher("r1").publish(derivedDir: f.derived, reportPath: f.report)
        #expect(try Data(contentsOf: URL(fileURLWithPath: snapshot)) == before)
        // A run id used again over other content (two runs in one second) was reported published.
        try "{\"id\":9}\n".write(toFile: f.derived + "/rows.ndjson", atomically: true, encoding: .utf8)
        do {
            _ = try f.publisher("r1").publish(derivedDir: f.derived, reportPath: f.report)
            Issue.record("published other tables under a run id already used")
        } catch {
            #expect(error.kind == .data && error.message.contains("run r1 is already published with other content: table rows was"), "\(error)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: snapshot)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.workspace.processedDir("t")).filter { $0.hasPrefix(".staging") || $0.hasPrefix(".paddock-tmp") }.isEmpty)

        let failed = try Fixture(status: "fail")
        defer { failed.cleanup() }
        do {
            _ = try failed.publisher("r1").publish(derivedDir: failed.derived, reportPath: failed.report)
            Issue.record("published with a failed report")
        } catch {
            #expect(error.kind == .checkFailed && error.message.contains("status is 'fail'"))
        }
        do {
            _ = try failed.publisher("r2").publish(derivedDir: failed.derived, reportPath: failed.derived + "/none.json")
            Issue.record("published without a report")
        } catch {
            #expect(error.kind == .checkFailed && error.message.contains("no data-quality report"))
        }
        #expect(!FileManager.default.fileExists(atPath: failed.workspace.processedDir("t") + "/latest_successful_run.json"))
    }
}
