import Foundation
@testable import PaddockCore
@testable import PaddockDiscover
@testable import PaddockExtract
import PaddockTestSupport
import PaddockChecks
import Testing

/// The raw store's sidecars, as extract writes them for files and for http sources.
@Suite("Raw store sidecars")
struct SidecarShapeTests {
    @Test("files and http payloads get sidecars of one shape: \"status\":\"stored\", the origin, a version; http adds http_status")
    func oneShape() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paddock-sidecar-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/config/pipelines", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/land", withIntermediateDirectories: true)
        try "{\"a\":1}\n".write(toFile: dir + "/land/a.ndjson", atomically: true, encoding: .utf8)
        try """
        pipeline: t
        sources:
          - {name: land, kind: files, root: land, format: ndjson}
          - name: api
            kind: http
            baseURL: http://example.invalid
            path: /x/{name}
            id: "{name}"
            params:
              name: {values: [one]}
        tables: []
        """.write(toFile: dir + "/config/pipelines/t.yaml", atomically: true, encoding: .utf8)
        let ws = Workspace(configDir: dir + "/config", dataDir: dir + "/data")
        let config = try ws.loadPipeline("t", checks: CheckRegistry.catalog)
        let now = Timestamp(seconds: 1_748_736_000)
        let extractor = try Extractor(config: config, workspace: ws, now: now, out: OutputBuffer(sink: MemorySink()))
        extractor.transport = ScriptedTransport([], clock: FakeClock())
        extractor.clock = FakeClock()
        let units = try Discovery.units(of: config, context: DiscoveryContext(workspace: ws, now: now, window: nil), ledger: LedgerIndex())
        #expect(units.count == 2)
        var sidecars: [String: [String: Any]] = [:]
        for unit in units {
            let outcome = try extractor.extract(unit)
            let raw = try #require(outcome.rawPath)
            let data = try Data(contentsOf: URL(fileURLWithPath: raw + ".meta.json"))
            sidecars[unit.source] = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        let files = try #require(sidecars["land"]), http = try #require(sidecars["api"])
        #expect(files["status"] as? String == "stored")
        #expect(http["status"] as? String == "stored")
        #expect(http["http_status"] as? Int == 200)
        #expect(files["version"] as? Int == 1 && http["version"] as? Int == 1)
        #expect((files["origin"] as? String)?.hasSuffix("land/a.ndjson") == true)
        #expect(http["origin"] as? String == "http://example.invalid/x/one")
        let shared: Set<String> = ["version", "unit", "source", "origin", "status", "fetched_at", "bytes", "sha256"]
        #expect(shared.isSubset(of: Set(files.keys)) && shared.isSubset(of: Set(http.keys)))
        // Both read back through the one type.
        #expect(try Sidecar.read(ofPayload: try #require(extractor.ledger.stored["api/one"]?.rawPaths.first)).httpStatus == 200)
    }
}
