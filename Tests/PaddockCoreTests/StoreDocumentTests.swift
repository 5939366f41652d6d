@testable import PaddockCore
import PaddockTestSupport
import Testing

/// The store documents: each one type that encodes and decodes it, with a version it checks.
@Suite("Store documents")
struct StoreDocumentTests {
    func decode<D: StoreDocument>(_ type: D.Type, _ text: String) throws(PaddockError) -> D {
        try StoreCoding.decode(type, from: Array(text.utf8), file: "doc.json")
    }

    @Test("a sidecar round-trips, keys sorted, slashes as they are, one line")
    func sidecarRoundTrip() throws {
        let s = Sidecar(unit: "matches/2024-08-16", source: "matches", origin: "http://h/x?key=REDACTED", httpStatus: 200,
                        fetchedAt: "2025-06-01T00:00:00Z", bytes: 7, sha256: "ab", etag: "\"v1\"", attempts: 2)
        let text = String(decoding: StoreCoding.encode(s), as: UTF8.self)
        #expect(text == #"{"attempts":2,"bytes":7,"etag":"\"v1\"","fetched_at":"2025-06-01T00:00:00Z","http_status":200,"origin":"http://h/x?key=REDACTED","sha256":"ab","source":"matches","status":"stored","unit":"matches/2024-08-16","version":1}"# + "\n")
        #expect(try decode(Sidecar.self, text) == s)
    }

    @Test("sidecars written before version 1 still read: http (\"status\": 200, url) and files (\"status\":\"stored\", origin)")
    func oldSidecarShapes() throws {
        let http = try decode(Sidecar.self, #"{"unit":"m/1","source":"m","url":"http://h/m/1","status":200,"fetched_at":"2025-06-01T00:00:00Z","bytes":3,"sha256":"cd","etag":"\"e\"","attempts":1}"#)
        #expect(http.origin == "http://h/m/1" && http.httpStatus == 200 && http.status == "stored" && http.version == 1 && http.etag == "\"e\"")
        let file = try decode(Sidecar.self, #"{"unit":"l/a.csv","source":"l","origin":"land/a.csv","status":"stored","fetched_at":"2025-06-01T00:00:00Z","bytes":3,"sha256":"ef"}"#)
        #expect(file.origin == "land/a.csv" && file.httpStatus == nil && file.status == "stored")
        // Both are written back in the one shape.
        #expect(String(decoding: StoreCoding.encode(http), as: UTF8.self).contains(#""http_status":200,"origin":"http://h/m/1","sha256":"cd","source":"m","status":"stored""#))
    }

    @Test("a version newer than this Paddock reads is refused, naming the file and the document")
    func futureVersionRefused() throws {
        let e = #expect(throws: PaddockError.self) {
            try decode(Sidecar.self, #"{"version":2,"unit":"u","source":"s","origin":"o","status":"stored","fetched_at":"t","bytes":1,"sha256":"x"}"#)
        }
        #expect(e?.kind == .data)
        #expect(e?.description.contains("doc.json") == true && e?.message.contains("sidecar version 2 is not supported") == true)
        let missing = #expect(throws: PaddockError.self) { try decode(Sidecar.self, #"{"version":1,"unit":"u"}"#) }
        #expect(missing?.message.hasPrefix("not a valid sidecar: no source") == true)
    }

    @Test("a DQ report round-trips (report_version, sorted keys, pretty); an old one without failing rows reads; report_version 2 is refused")
    func dqReport() throws {
        let r = DQReport(pipeline: "p", generatedAt: "2025-06-01T00:00:00Z", status: "fail", summary: .init(pass: 1, fail: 1),
                         checks: [.init(name: "u", table: "t", type: "unique", columns: ["id"], severity: "error", status: "fail", observed: 1,
                                        rowsChecked: 3, failingCount: 1, threshold: "error_if > 0", message: "1 of 3 rows fail",
                                        failingRows: [.init(line: 2, key: ["7"], values: ["7"], unit: "s/a.csv")])])
        let text = String(decoding: r.bytes, as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"checks\": [\n    {\"columns\": [\"id\"], ") && text.contains("\"report_version\": 1"))
        #expect(try decode(DQReport.self, text) == r)
        let old = try decode(DQReport.self, #"{"status": "pass", "summary": {"pass": 1, "warn": 0, "fail": 0}}"#)
        #expect(old.status == "pass" && old.summary.pass == 1 && old.checks.isEmpty)
        let e = #expect(throws: PaddockError.self) { try decode(DQReport.self, #"{"report_version": 2, "status": "pass"}"#) }
        #expect(e?.message.contains("data-quality report version 2 is not supported") == true)
    }

    /// A manifest as publish wrote it before manifests were a Codable type.
    static let oldManifest = """
    {
      "manifest_version": 1,
      "pipeline": "football",
      "run_id": "20250601T000000Z",
      "previous_run_id": null,
      "status": "success",
      "started_at": "2025-06-01T00:00:00Z",
      "finished_at": "2025-06-01T00:00:00Z",
      "steps": {"fetch": 0.105, "discover": null},
      "code_version": "abc",
      "config_hash": "sha256:38",
      "snapshot": "snapshots/20250601T000000Z",
      "inputs": [
        {"unit": "openfootball/2024-25_en.1.json", "sha256": "c3"}
      ],
      "tables": [
        {"name": "matches", "path": "snapshots/20250601T000000Z/matches.csv.zst", "format": "csv", "compression": "zstd", "bytes": 8984, "sha256": "3c", "rows": 380, "schema_hash": "sha256:96", "primary_key": ["match_id"], "event_date_field": "date", "event_date_min": "2024-08-16", "event_date_max": "2025-05-25", "extra_files": [{"format": "ndjson", "path": "snapshots/20250601T000000Z/matches.ndjson.zst", "compression": "zstd", "bytes": 12915, "sha256": "36"}]}
      ],
      "dq": {"status": "pass", "pass": 7, "warn": 0, "fail": 0, "report": "snapshots/20250601T000000Z/dq_report.json"}
    }
    """

    @Test("a manifest written before reads; written again it round-trips, absent values as null; manifest_version 2 is refused")
    func manifest() throws {
        let m = try decode(Manifest.self, Self.oldManifest)
        #expect(m.runId == "20250601T000000Z" && m.previousRunId == nil && m.steps["discover"] == .some(nil))
        #expect(m.tables.first?.file.bytes == 8984 && m.tables.first?.extraFiles.first?.format == "ndjson" && m.tables.first?.rows == 380)
        #expect(m.inputs == [Manifest.Input(unit: "openfootball/2024-25_en.1.json", sha256: "c3")])
        let text = String(decoding: m.bytes, as: UTF8.self)
        #expect(text.contains("\"previous_run_id\": null") && text.contains("\"manifest_version\": 1"))
        #expect(try decode(Manifest.self, text) == m)
        #expect(m.bytes == (try decode(Manifest.self, text)).bytes)
        let newer = Self.oldManifest.replacing("\"manifest_version\": 1", with: "\"manifest_version\": 2")
        let e = #expect(throws: PaddockError.self) { try decode(Manifest.self, newer) }
        #expect(e?.message.contains("manifest version 2 is not supported") == true)
    }

    @Test("normalize statistics round-trip on one line with a version; stats written before (no version) read")
    func runStats() throws {
        let s = RunStats(recordsIn: 5, written: 3, quarantined: 1, filtered: 1, deduplicated: 0, otherSource: 1, filteredByRule: ["b": 0, "a": 1])
        let text = String(decoding: s.bytes, as: UTF8.self)
        #expect(text == #"{"deduplicated":0,"filtered":1,"filtered_by_rule":{"a":1,"b":0},"other_source":1,"quarantined":1,"records_in":5,"version":1,"written":3}"# + "\n")
        #expect(try decode(RunStats.self, text) == s)
        let old = try decode(RunStats.self, #"{"records_in":2,"written":1,"quarantined":1,"filtered":0}"#)
        #expect(old.version == 1 && old.recordsIn == 2 && old.filteredByRule.isEmpty)
    }

    func ledgerLine(_ text: String, lineNumber: Int = 1) throws(PaddockError) -> LedgerEntry? {
        var parser = JSONParser()
        let bytes = Array(text.utf8)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        defer { buffer.deallocate() }
        buffer.copyBytes(from: bytes)
        return try LedgerEntry.decode(UnsafeRawBufferPointer(rebasing: buffer[0..<bytes.count]), parser: &parser, file: "ledger.ndjson", lineNumber: lineNumber)
    }

    @Test("ledger entries round-trip through their one line, stored and failed")
    func ledgerRoundTrip() throws {
        let stored = LedgerEntry(stored: "m/1", rawPaths: ["d/raw/p/m/1/sha256-a.json", "d/raw/p/m/1/sha256-b.json"], sha256: "ab", bytes: 9,
                                 fetchedAt: "2025-06-01T00:00:00Z", url: "http://h/m/1", etag: "\"e\"", httpStatus: 200, parentFingerprint: "fp")
        let text = String(decoding: stored.line, as: UTF8.self)
        #expect(text.hasPrefix(#"{"version":1,"unit":"m/1","raw_path":"d/raw/p/m/1/sha256-a.json","raw_paths":["#) && text.hasSuffix(#","http_status":200,"parent_fp":"fp","status":"stored"}"# + "\n"))
        #expect(try ledgerLine(text) == stored)
        let failed = LedgerEntry(failed: "m/2", fetchedAt: "2025-06-01T00:00:00Z", error: "HTTP 500", retryable: true, attempts: 4)
        #expect(try ledgerLine(String(decoding: failed.line, as: UTF8.self)) == failed)
    }

    @Test("ledger lines written before version 1 read (http_status as text); a cut line is skipped; version 2 is refused at file:line")
    func ledgerOldAndFuture() throws {
        let old = try #require(try ledgerLine(#"{"unit":"m/1","raw_path":"r","sha256":"ab","bytes":3,"fetched_at":"t","url":"u","http_status":"304","status":"stored"}"#))
        #expect(old.httpStatus == 304 && old.rawPaths == ["r"] && old.version == 1)
        #expect(try ledgerLine(#"{"unit":"m/1","raw_path":"r","sha"#) == nil)
        let e = #expect(throws: PaddockError.self) { try ledgerLine(#"{"version":2,"unit":"m/1","status":"stored"}"#, lineNumber: 7) }
        #expect(e?.description.contains("ledger.ndjson:7") == true && e?.message.contains("ledger entry version 2 is not supported") == true)
    }

    @Test("a quarantine entry is written by its head, the record and its tail, and reads back; version 2 is refused at file:line")
    func quarantineRoundTrip() throws {
        let sink = MemorySink()
        var q = OutputBuffer(sink: sink)
        var parser = JSONParser()
        let source = Array(#"{"a":"x","_unit":"m/1","_raw":"r.json","_pointer":"/events/3"}"#.utf8)
        let doc = try source.withUnsafeBytes { b in try parser.parse(b) }
        QuarantineEntry.appendHead(table: "t", field: "a", rule: "parse", reason: "not a number: 'x'", file: "in.ndjson", line: 4,
                                   provenanceOf: doc.root, to: &q)
        JSONWriter.appendCompact(doc.root, to: &q)
        QuarantineEntry.appendTail(to: &q)
        try q.flush()
        let text = String(decoding: sink.bytes, as: UTF8.self)
        #expect(text == #"{"version":1,"table":"t","field":"a","rule":"parse","reason":"not a number: 'x'","origin":{"file":"in.ndjson","line":4,"unit":"m/1","raw":"r.json","raw_pointer":"/events/3"},"record":{"a":"x","_unit":"m/1","_raw":"r.json","_pointer":"/events/3"}}"# + "\n")
        let read = try Array(text.utf8.dropLast()).withUnsafeBytes { b in try QuarantineEntry.decode(try parser.parse(b).root, file: "q", line: 1) }
        #expect(read == QuarantineEntry(table: "t", field: "a", rule: "parse", reason: "not a number: 'x'",
                                        origin: .init(file: "in.ndjson", line: 4, unit: "\"m/1\"", raw: "\"r.json\"", rawPointer: "\"/events/3\""),
                                        record: #"{"a":"x","_unit":"m/1","_raw":"r.json","_pointer":"/events/3"}"#))
        // Entries written before the version was added read as version 1.
        let old = Array(#"{"table":"t","field":null,"rule":"unique","reason":"r","origin":{"file":"f","line":2},"record":null}"#.utf8)
        let oldEntry = try old.withUnsafeBytes { b in try QuarantineEntry.decode(try parser.parse(b).root, file: "q", line: 1) }
        #expect(oldEntry.version == 1 && oldEntry.field == nil && oldEntry.record == "null")
        let future = Array(#"{"version":2,"table":"t","rule":"r","reason":"r","origin":{"file":"f","line":2},"record":null}"#.utf8)
        let e = #expect(throws: PaddockError.self) { try future.withUnsafeBytes { b in _ = try QuarantineEntry.decode(try parser.parse(b).root, file: "q.ndjson", line: 9) } }
        #expect(e?.description.contains("q.ndjson:9") == true)
    }

    @Test("a unit line carries its version and reads back; lines without one read; version 2 is refused")
    func unitLines() throws {
        var parser = JSONParser()
        func parse(_ text: String) throws -> WorkUnit {
            try Array(text.utf8).withUnsafeBytes { b in try WorkUnit.parse(b, parser: &parser, file: "units", lineNumber: 3) }
        }
        let u = try parse(#"{"id":"s/a.csv","source":"s","kind":"file","path":"/l/a.csv","format":"csv","fingerprint":{"size":3,"mtime":1,"sha256":"ab"}}"#)
        let line = u.ndjson()
        #expect(line.hasPrefix(#"{"version":1,"id":"s/a.csv","source":"s","kind":"file""#))
        #expect(try parse(String(line.dropLast())).ndjson() == line)
        #expect(throws: PaddockError.self) { try parse(#"{"version":2,"id":"s/a.csv","source":"s","kind":"file","path":"/l/a.csv"}"#) }
    }
}
