#if canImport(Glibc)
import Glibc
#endif

/// One published file, as the manifest records it.
public struct PublishedTable: Sendable, Equatable {
    public var name: String
    /// Relative to the pipeline's processed folder (where the manifest is).
    public var path: String
    public var format: String
    public var compression: String
    public var bytes: Int
    public var sha256: String
    public var rows: Int
    public var primaryKey: [String]
}

/// Reads a small JSON file and hands its root to `body`.
public func withJSONFile<R>(_ path: String, _ body: (JSONNode) throws(PaddockError) -> R) throws(PaddockError) -> R {
    let bytes = try FileSystem.readFile(path, limit: 64 << 20)
    var parser = JSONParser()
    let r: Result<R, PaddockError> = bytes.withUnsafeBytes { b in
        do throws(PaddockError) {
            let doc: JSONDocument
            do throws(JSONSyntaxError) { doc = try parser.parse(b) } catch { throw error.paddockError(file: path, line: nil) }
            return .success(try body(doc.root))
        } catch {
            return .failure(error)
        }
    }
    return try r.get()
}

/// Writes zstd-compressed CSV snapshots of a run's derived tables and, last, the
/// `latest_successful_run.json` manifest.
///
/// The snapshot is built in a staging folder beside `snapshots/` and renamed into place, so a
/// consumer sees either no snapshot or a complete one; the manifest is replaced atomically afterwards,
/// so it always points to a complete snapshot.
public struct Publisher {
    public let config: PipelineConfig
    public let workspace: Workspace
    public let runId: String
    public let now: Timestamp
    public var level: Int32
    public var workers: Int32

    public init(config: PipelineConfig, workspace: Workspace, runId: String, now: Timestamp) {
        self.config = config
        self.workspace = workspace
        self.runId = runId
        self.now = now
        self.level = Int32(config.publish.level)
        self.workers = Int32(config.publish.workers)
    }

    public var processedDir: String { workspace.processedDir(config.pipeline) }
    public var manifestPath: String { processedDir + "/latest_successful_run.json" }

    /// Reads the DQ report and refuses (exit 1) when it is missing or failed.
    public func checkReport(_ path: String) throws(PaddockError) -> (status: String, pass: Int, warn: Int, fail: Int) {
        guard FileSystem.exists(path) else {
            throw PaddockError(.checkFailed, "refusing to publish: no data-quality report at \(path)",
                               hint: "run dq-check --pipeline \(config.pipeline) first")
        }
        return try withJSONFile(path) { (root) throws(PaddockError) in
            let status = root["status"]?.string ?? "missing"
            let s = root["summary"]
            let n = { (k: String) in Int(s?[k]?.string ?? "") ?? 0 }
            guard status == "pass" || status == "warn" else {
                throw PaddockError(.checkFailed, "refusing to publish: data-quality report status is '\(status)' (\(n("fail")) failed)",
                                   at: SourceLocation(file: path), hint: "fix the data or the checks, run dq-check again")
            }
            return (status, n("pass"), n("warn"), n("fail"))
        }
    }

    /// Publishes the run. Returns the tables written (or found, when this run was published already).
    public func publish(derivedDir: String, reportPath: String) throws(PaddockError) -> [PublishedTable] {
        let dq = try checkReport(reportPath)
        guard runId.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }), !runId.isEmpty, !runId.hasPrefix(".") else {
            throw PaddockError(.usage, "invalid run id '\(runId)'")
        }
        let snapshots = processedDir + "/snapshots"
        let final = "\(snapshots)/\(runId)"
        let previous = previousRunId()
        var tables: [PublishedTable]
        if FileSystem.exists(final) {
            // Idempotent: this run is published already; check it and point the manifest at it.
            tables = try Publisher.readTables(manifest: final + "/manifest.json")
        } else {
            try FileSystem.makeDirectories(snapshots)
            let staging = "\(processedDir)/.staging-\(runId)-\(getpid())"
            try? FileSystem.removeTree(staging)
            try FileSystem.makeDirectories(staging)
            do {
                tables = []
                let names = config.publish.tables.isEmpty ? config.tables.map(\.name) : config.publish.tables
                for name in names {
                    let table = try config.table(name)
                    tables.append(try writeTable(table, from: "\(derivedDir)/\(name).ndjson", stagingDir: staging))
                }
                let runManifest = manifestJSON(tables: tables, previous: previous, dq: dq, reportPath: reportPath)
                try AtomicFileSink.write(runManifest, to: staging + "/manifest.json")
                try FileSystem.syncDirectory(staging)
                try FileSystem.rename(staging, to: final)
            } catch {
                try? FileSystem.removeTree(staging)
                throw error
            }
        }
        let manifest = manifestJSON(tables: tables, previous: previous == runId ? nil : previous, dq: dq, reportPath: reportPath)
        try AtomicFileSink.write(manifest, to: manifestPath)
        return tables
    }

    func previousRunId() -> String? {
        guard FileSystem.exists(manifestPath) else { return nil }
        return try? withJSONFile(manifestPath) { (r) throws(PaddockError) in r["run_id"]?.string }
    }

    /// Writes one table as CSV (header in schema order) through zstd into the staging folder, then
    /// reads it back to check it decodes completely with the same row count.
    func writeTable(_ table: TableConfig, from path: String, stagingDir: String) throws(PaddockError) -> PublishedTable {
        guard FileSystem.exists(path) else {
            throw PaddockError(.io, "table \(table.name) has no derived file", at: SourceLocation(file: path),
                               hint: "run normalize --pipeline \(config.pipeline) --table \(table.name) first")
        }
        let fileName = "\(table.name).csv.zst"
        let file = try AtomicFileSink(path: "\(stagingDir)/\(fileName)", mode: 0o444)
        let hashing = HashingSink(inner: file)
        let zstd = try ZstdCompressingSink(inner: hashing, level: level, workers: workers)
        let out = OutputBuffer(sink: zstd, chunkSize: 1 << 20)
        var w = out
        let writer = CSVWriter()
        let columns = table.fields.map(\.name)
        writer.appendRow(columns, to: &w)
        var rows = 0
        try forEachNDJSONRecord(path) { (root, _) throws(PaddockError) in
            for (i, c) in columns.enumerated() {
                if i > 0 { writer.appendDelimiter(to: &w) }
                if let v = root[c], !v.isNull { writer.appendField(v.cellText, to: &w) }
            }
            writer.appendLineEnd(to: &w)
            rows += 1
            try out.recordEnded()
        }
        try out.finish()
        try file.commit()
        let bytes = hashing.byteCount
        let sha = hashing.digestHex ?? ""
        let readBack = try Publisher.countCSVRows("\(stagingDir)/\(fileName)")
        guard readBack == rows else {
            throw PaddockError(.internal, "read-back of \(fileName) found \(readBack) rows, wrote \(rows)", at: SourceLocation(file: stagingDir + "/" + fileName))
        }
        return PublishedTable(name: table.name, path: "snapshots/\(runId)/\(fileName)", format: "csv", compression: "zstd",
                              bytes: bytes, sha256: sha, rows: rows, primaryKey: table.primaryKey)
    }

    /// Data rows of a (possibly compressed) CSV file with a header; fails on a truncated or corrupt file.
    public static func countCSVRows(_ path: String) throws(PaddockError) -> Int {
        let reader = CSVReader(source: try Input.open(path))
        try reader.readHeader()
        var rows = 0
        while try reader.next() != nil { rows += 1 }
        return rows
    }

    func manifestJSON(tables: [PublishedTable], previous: String?, dq: (status: String, pass: Int, warn: Int, fail: Int), reportPath: String) -> String {
        var w: [UInt8] = []
        w.appendStatic("{\n  \"manifest_version\": 1,\n  \"pipeline\": "); JSONWriter.appendString(config.pipeline, to: &w)
        w.appendStatic(",\n  \"run_id\": "); JSONWriter.appendString(runId, to: &w)
        w.appendStatic(",\n  \"previous_run_id\": ")
        if let previous { JSONWriter.appendString(previous, to: &w) } else { w.appendStatic("null") }
        w.appendStatic(",\n  \"status\": \"success\",\n  \"published_at\": "); JSONWriter.appendString(now.iso8601, to: &w)
        w.appendStatic(",\n  \"snapshot\": "); JSONWriter.appendString("snapshots/\(runId)", to: &w)
        w.appendStatic(",\n  \"tables\": [")
        for (i, t) in tables.enumerated() {
            w.appendStatic(i == 0 ? "\n    {" : ",\n    {")
            w.appendStatic("\"name\": "); JSONWriter.appendString(t.name, to: &w)
            w.appendStatic(", \"path\": "); JSONWriter.appendString(t.path, to: &w)
            w.appendStatic(", \"format\": "); JSONWriter.appendString(t.format, to: &w)
            w.appendStatic(", \"compression\": "); JSONWriter.appendString(t.compression, to: &w)
            w.appendString(", \"bytes\": \(t.bytes), \"sha256\": \"\(t.sha256)\", \"rows\": \(t.rows), \"primary_key\": [")
            for (k, c) in t.primaryKey.enumerated() { if k > 0 { w.appendStatic(", ") }; JSONWriter.appendString(c, to: &w) }
            w.appendStatic("]}")
        }
        w.appendStatic("\n  ],\n  \"dq\": {\"status\": "); JSONWriter.appendString(dq.status, to: &w)
        w.appendString(", \"pass\": \(dq.pass), \"warn\": \(dq.warn), \"fail\": \(dq.fail), \"report\": ")
        JSONWriter.appendString(reportPath, to: &w)
        w.appendStatic("}\n}\n")
        return String(decoding: w, as: UTF8.self)
    }

    /// The tables a manifest lists.
    public static func readTables(manifest path: String) throws(PaddockError) -> [PublishedTable] {
        try withJSONFile(path) { (root) throws(PaddockError) in
            guard let tables = root["tables"], tables.kind == .array else {
                throw PaddockError(.data, "manifest has no tables list", at: SourceLocation(file: path))
            }
            return tables.elements.map { t in
                PublishedTable(name: t["name"]?.string ?? "", path: t["path"]?.string ?? "", format: t["format"]?.string ?? "",
                               compression: t["compression"]?.string ?? "", bytes: Int(t["bytes"]?.string ?? "") ?? -1,
                               sha256: t["sha256"]?.string ?? "", rows: Int(t["rows"]?.string ?? "") ?? -1,
                               primaryKey: t["primary_key"]?.elements.compactMap(\.string) ?? [])
            }
        }
    }

    /// Checks every file the latest manifest lists: bytes, sha256 and row count.
    /// - Returns: one line per mismatch, empty when everything matches.
    public func verify() throws(PaddockError) -> [String] {
        guard FileSystem.exists(manifestPath) else {
            throw PaddockError(.checkFailed, "no manifest at \(manifestPath): nothing was published", hint: "run publish first")
        }
        var problems: [String] = []
        for t in try Publisher.readTables(manifest: manifestPath) {
            let path = processedDir + "/" + t.path
            guard FileSystem.exists(path) else { problems.append("\(path): missing"); continue }
            let digest = try Digest.sha256(file: path)
            if digest.bytes != t.bytes { problems.append("\(path): \(digest.bytes) bytes, manifest says \(t.bytes)") }
            if digest.hex != t.sha256 { problems.append("\(path): sha256 \(digest.hex), manifest says \(t.sha256)") }
            do {
                let rows = try Publisher.countCSVRows(path)
                if rows != t.rows { problems.append("\(path): \(rows) rows, manifest says \(t.rows)") }
            } catch {
                problems.append("\(path): cannot be read: \(error.message)")
            }
        }
        return problems
    }
}
