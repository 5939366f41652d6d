public import PaddockCore
import PaddockHashing
#if canImport(Glibc)
import Glibc
#endif

/// One published file, as the manifest records it (its path relative to the pipeline's processed folder).
public typealias PublishedFile = Manifest.File

/// One published table: its main file (CSV) and, when configured, an NDJSON copy, as the manifest lists it.
public typealias PublishedTable = Manifest.Table

extension Manifest.Table {
    public var path: String { file.path }
    public var bytes: Int { file.bytes }
    public var sha256: String { file.sha256 }
    public var allFiles: [Manifest.File] { [file] + extraFiles }
}

/// What a run tells publish about itself, for the manifest.
public struct RunContext: Sendable {
    public var startedAt: Timestamp?
    /// `git describe` of the code that ran, or "unknown".
    public var codeVersion = "unknown"
    /// Step name and seconds, in order (from the run's timings file).
    public var steps: [(String, String)] = []
    /// The units the run extracted (discover's NDJSON), for the manifest's inputs.
    public var unitsFile: String?

    public init() {}
}

/// Writes zstd-compressed snapshots of a run's derived tables and, last, the
/// `latest_successful_run.json` manifest.
///
/// The snapshot is built in a staging folder beside `snapshots/` (files, `datapackage.json`, the run's
/// `manifest.json`), every file is read back, and the folder is renamed into place; only then is the
/// manifest copied over `latest_successful_run.json`, atomically. A consumer sees the previous complete
/// snapshot or the new complete one, never a part. One publish at a time per pipeline (a lock file).
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
    public var snapshotsDir: String { workspace.snapshotsDir(config.pipeline) }
    public var manifestPath: String { workspace.manifestPath(config.pipeline) }

    /// What publish takes from the DQ report: its counts, and its bytes (kept in the snapshot).
    public struct ReportSummary: Sendable {
        public var status: String
        public var pass: Int, warn: Int, fail: Int
        public var bytes: [UInt8]
    }

    /// Reads the DQ report once and refuses (exit 1) when it is missing or failed.
    public func checkReport(_ path: String) throws(PaddockError) -> ReportSummary {
        guard FileSystem.exists(path) else {
            throw PaddockError(.checkFailed, "refusing to publish: no data-quality report at \(path)",
                               hint: "run dq-check --pipeline \(config.pipeline) first")
        }
        let bytes = try FileSystem.readFile(path, limit: 64 << 20)
        let report = try DQReport.decode(bytes, file: path)
        let n = report.summary
        guard report.status == "pass" || report.status == "warn" else {
            throw PaddockError(.checkFailed, "refusing to publish: data-quality report status is '\(report.status)' (\(n.fail) failed)",
                               at: SourceLocation(file: path), hint: "fix the data or the checks, run dq-check again")
        }
        return ReportSummary(status: report.status, pass: n.pass, warn: n.warn, fail: n.fail, bytes: bytes)
    }

    /// Takes the pipeline's publish lock (`flock`), or fails with a temporary error naming the holder.
    public func lock() throws(PaddockError) -> Int32 {
        try FileSystem.makeDirectories(processedDir)
        let path = processedDir + "/.publish.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { throw PaddockError.system("cannot open lock", path: path, errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? FileSystem.readText(path))?.trimmingCharacters(in: "\n") ?? "?"
            close(fd)
            throw PaddockError(.temporary, "another publish of \(config.pipeline) is running (\(holder))", at: SourceLocation(file: path),
                               hint: "wait for it, then run again")
        }
        ftruncate(fd, 0)
        let me = "pid \(getpid()), run \(runId)\n"
        _ = me.withCString { write(fd, $0, strlen($0)) }
        return fd
    }

    /// Publishes the run. Returns the tables written (or found, when this run was published already).
    public func publish(derivedDir: String, reportPath: String, context: RunContext = RunContext()) throws(PaddockError) -> [PublishedTable] {
        let dq = try checkReport(reportPath)
        guard runId.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }), !runId.isEmpty, !runId.hasPrefix(".") else {
            throw PaddockError(.usage, "invalid run id '\(runId)'", hint: "letters, digits, '-', '_' and '.'")
        }
        let lockFD = try lock()
        defer { close(lockFD) }
        try removeLeftovers()
        let final = workspace.snapshotDir(config.pipeline, run: runId)
        let tables: [PublishedTable]
        if FileSystem.exists(final + "/" + Workspace.FileName.snapshotManifest) {
            // Idempotent: this run is published already (perhaps killed before the manifest was
            // replaced): point the manifest at it again, bytes unchanged. But only for the same content:
            // the tables are built again aside and compared, so that a run id used twice (two runs in
            // one second) is refused instead of reported published with the other run's tables.
            tables = try Publisher.readTables(manifest: final + "/" + Workspace.FileName.snapshotManifest)
            let check = "\(processedDir)/.staging-verify-\(runId)-\(getpid())"
            defer { try? FileSystem.removeTree(check) }
            let now = try build(final: check, derivedDir: derivedDir, dq: dq, context: context)
            for t in now {
                let before = tables.first { $0.name == t.name }
                guard let before, before.sha256 == t.sha256 else {
                    let was = before.map { "\($0.rows) rows, sha256 \($0.sha256.prefix(12))" } ?? "absent"
                    throw PaddockError(.data, "run \(runId) is already published with other content: table \(t.name) was \(was), is now \(t.rows) rows, sha256 \(t.sha256.prefix(12))",
                                       at: SourceLocation(file: final), hint: "publish this run under a new --run-id")
                }
            }
        } else {
            if FileSystem.exists(final) {
                throw PaddockError(.data, "snapshot folder \(final) exists without a manifest", at: SourceLocation(file: final),
                                   hint: "it was not made by publish; move it away")
            }
            tables = try build(final: final, derivedDir: derivedDir, dq: dq, context: context)
        }
        // The manifest is written last: a copy of the run's own manifest.
        let runManifest = try FileSystem.readFile(final + "/" + Workspace.FileName.snapshotManifest)
        try AtomicFileSink.write(runManifest, to: manifestPath)
        return tables
    }

    /// Builds the snapshot in a staging folder and renames it to `final`.
    func build(final: String, derivedDir: String, dq: ReportSummary, context: RunContext) throws(PaddockError) -> [PublishedTable] {
        try FileSystem.makeDirectories(snapshotsDir)
        let staging = "\(processedDir)/.staging-\(runId)-\(getpid())"
        try? FileSystem.removeTree(staging)
        try FileSystem.makeDirectories(staging)
        do {
            var tables: [PublishedTable] = []
            let names = config.publish.tables.isEmpty ? config.tables.map(\.name) : config.publish.tables
            for name in names {
                tables.append(try writeTable(try config.table(name), from: "\(derivedDir)/\(Workspace.FileName.table(name))", stagingDir: staging))
            }
            try AtomicFileSink.write(dataPackageJSON(tables), to: staging + "/" + Workspace.FileName.dataPackage)
            // The report this snapshot passed, kept with it: the one in derived/ is replaced by the next run.
            try AtomicFileSink.write(dq.bytes, to: staging + "/" + Workspace.FileName.dqReport)
            let manifest = try manifest(tables: tables, previous: previousRunId(), dq: dq, context: context)
            try AtomicFileSink.write(manifest.bytes, to: staging + "/" + Workspace.FileName.snapshotManifest)
            try FileSystem.syncDirectory(staging)
            try FileSystem.rename(staging, to: final)
            return tables
        } catch {
            try? FileSystem.removeTree(staging)
            throw error
        }
    }

    /// Removes what a killed publish can leave: staging folders and temporary files. Safe under the lock.
    func removeLeftovers() throws(PaddockError) {
        for name in (try? FileSystem.list(processedDir)) ?? [] where name.hasPrefix(".staging-") || name.hasPrefix(FileSystem.temporaryPrefix) {
            try? FileSystem.removeTree("\(processedDir)/\(name)")
        }
    }

    func previousRunId() -> String? {
        guard FileSystem.exists(manifestPath) else { return nil }
        return try? Manifest.read(manifestPath).runId
    }

    /// Writes one table as CSV (and NDJSON when configured) through zstd into the staging folder,
    /// then reads each file back to check it decodes completely with the same row count.
    func writeTable(_ table: TableConfig, from path: String, stagingDir: String) throws(PaddockError) -> PublishedTable {
        guard FileSystem.exists(path) else {
            throw PaddockError(.io, "table \(table.name) has no derived file", at: SourceLocation(file: path),
                               hint: "run normalize --pipeline \(config.pipeline) --table \(table.name) first")
        }
        let withNDJSON = config.publish.formats.contains("ndjson")
        let csv = try CompressedFile(path: "\(stagingDir)/\(table.name).csv.zst", level: level, workers: workers)
        let ndjson = withNDJSON ? try CompressedFile(path: "\(stagingDir)/\(table.name).ndjson.zst", level: level, workers: workers) : nil
        var w = csv.out
        let writer = CSVWriter()
        let columns = table.fields.map(\.name)
        writer.appendRow(columns, to: &w)
        let dateField = table.fields.first { $0.type == .date || $0.type == .datetime }?.name
        var minDate: String?, maxDate: String?
        var rows = 0
        try forEachNDJSONRecord(path) { (root, _) throws(PaddockError) in
            for (i, c) in columns.enumerated() {
                if i > 0 { writer.appendDelimiter(to: &w) }
                if let v = root[c], !v.isNull { writer.appendField(v.cellText, to: &w) }
            }
            writer.appendLineEnd(to: &w)
            if let ndjson {
                var n = ndjson.out
                JSONWriter.appendCompact(root, to: &n)
                n.appendByte(0x0A)
                try ndjson.out.recordEnded()
            }
            if let dateField, let d = root[dateField]?.string {
                if minDate == nil || d < minDate! { minDate = d }
                if maxDate == nil || d > maxDate! { maxDate = d }
            }
            rows += 1
            try csv.out.recordEnded()
        }
        let csvFile = try csv.commit(relativePath: "\(Workspace.FileName.snapshots)/\(runId)/\(table.name).csv.zst", format: "csv")
        var extra: [PublishedFile] = []
        if let ndjson {
            extra.append(try ndjson.commit(relativePath: "\(Workspace.FileName.snapshots)/\(runId)/\(table.name).ndjson.zst", format: "ndjson"))
        }
        for f in [csvFile] + extra {
            let local = stagingDir + "/" + FileSystem.lastComponent(of: f.path)
            let readBack = f.format == "csv" ? try Publisher.countCSVRows(local) : try Publisher.countNDJSONRows(local)
            guard readBack == rows else {
                throw PaddockError(.internal, "read-back of \(f.path) found \(readBack) rows, wrote \(rows)", at: SourceLocation(file: local))
            }
        }
        return PublishedTable(name: table.name, file: csvFile, rows: rows,
                              schemaHash: "sha256:" + Digest.sha256(table.tableSchemaJSON()), primaryKey: table.primaryKey,
                              eventDateField: dateField, eventDateMin: minDate, eventDateMax: maxDate, extraFiles: extra)
    }

    /// Data rows of a (possibly compressed) CSV file with a header; fails on a truncated or corrupt file.
    public static func countCSVRows(_ path: String) throws(PaddockError) -> Int {
        let reader = CSVReader(source: try Input.open(path))
        try reader.readHeader()
        var rows = 0
        while try reader.next() != nil { rows += 1 }
        return rows
    }

    /// Records of a (possibly compressed) NDJSON file; fails on a truncated or corrupt file.
    public static func countNDJSONRows(_ path: String) throws(PaddockError) -> Int {
        var rows = 0
        try forEachNDJSONRecord(path) { (_, _) throws(PaddockError) in rows += 1 }
        return rows
    }

    /// The Frictionless Data Package describing the snapshot's files.
    func dataPackageJSON(_ tables: [PublishedTable]) throws(PaddockError) -> String {
        var w: [UInt8] = []
        w.appendStatic("{\n  \"profile\": \"data-package\",\n  \"name\": ")
        JSONWriter.appendString(config.pipeline.lowercased(), to: &w)
        w.appendStatic(",\n  \"resources\": [")
        var first = true
        for t in tables {
            let schema = try config.table(t.name).tableSchemaJSON()
            for f in t.allFiles {
                w.appendStatic(first ? "\n    {" : ",\n    {")
                first = false
                w.appendStatic("\"name\": ")
                JSONWriter.appendString(f.format == "csv" ? t.name : "\(t.name)-\(f.format)", to: &w)
                w.appendStatic(", \"path\": "); JSONWriter.appendString(FileSystem.lastComponent(of: f.path), to: &w)
                w.appendStatic(", \"format\": "); JSONWriter.appendString(f.format, to: &w)
                w.appendStatic(", \"mediatype\": "); JSONWriter.appendString(f.format == "csv" ? "text/csv" : "application/x-ndjson", to: &w)
                w.appendStatic(", \"encoding\": \"utf-8\", \"compression\": \"zstd\"")
                w.appendString(", \"bytes\": \(f.bytes), \"hash\": \"sha256:\(f.sha256)\", \"rows\": \(t.rows), \"schema\": ")
                // The Table Schema inline, compact: re-encoded from its parse, so that text inside its
                // strings (a description with two spaces) stays as it is.
                try withJSON(Array(schema.utf8), file: "Table Schema of \(t.name)") { (root) throws(PaddockError) in JSONWriter.appendCompact(root, to: &w) }
                w.appendStatic("}")
            }
        }
        w.appendStatic("\n  ]\n}\n")
        return String(decoding: w, as: UTF8.self)
    }

    /// sha256 of the pipeline definition and the value maps it names.
    func configHash() throws(PaddockError) -> String {
        var bytes = try FileSystem.readFile(workspace.pipelinePath(config.pipeline))
        for name in config.maps.keys.sorted() {
            if let p = config.maps[name]?.path { bytes += try FileSystem.readFile(p) }
        }
        return Digest.sha256(bytes)
    }

    /// The run's manifest (`Manifest` owns the document).
    func manifest(tables: [PublishedTable], previous: String?, dq: ReportSummary, context: RunContext) throws(PaddockError) -> Manifest {
        var inputs: [Manifest.Input] = []
        if let units = context.unitsFile {
            for u in try WorkUnit.readAll(units) { inputs.append(Manifest.Input(unit: u.id, sha256: u.sha256.isEmpty ? nil : u.sha256)) }
        }
        var steps: [String: Double?] = [:]
        for (name, seconds) in context.steps { steps[name] = Parsers.isJSONNumber(seconds) ? Double(seconds) : nil }
        let snapshot = "\(Workspace.FileName.snapshots)/\(runId)"
        return Manifest(pipeline: config.pipeline, runId: runId, previousRunId: previous == runId ? nil : previous,
                        startedAt: (context.startedAt ?? now).iso8601, finishedAt: now.iso8601, steps: steps,
                        codeVersion: context.codeVersion, configHash: "sha256:" + (try configHash()), snapshot: snapshot,
                        inputs: inputs, tables: tables,
                        dq: Manifest.DQ(status: dq.status, pass: dq.pass, warn: dq.warn, fail: dq.fail,
                                        report: "\(snapshot)/\(Workspace.FileName.dqReport)"))
    }

    /// The tables a manifest lists.
    public static func readTables(manifest path: String) throws(PaddockError) -> [PublishedTable] {
        try Manifest.read(path).tables
    }

    /// Checks every file the latest manifest lists: bytes, sha256 and row count.
    /// - Returns: one line per mismatch, empty when everything matches.
    public func verify() throws(PaddockError) -> [String] {
        guard FileSystem.exists(manifestPath) else {
            throw PaddockError(.checkFailed, "no manifest at \(manifestPath): nothing was published", hint: "run publish first")
        }
        var problems: [String] = []
        for t in try Publisher.readTables(manifest: manifestPath) {
            for f in t.allFiles {
                let path = processedDir + "/" + f.path
                guard FileSystem.exists(path) else { problems.append("\(path): missing"); continue }
                let digest = try Digest.sha256(file: path)
                if digest.bytes != f.bytes { problems.append("\(path): \(digest.bytes) bytes, manifest says \(f.bytes)") }
                if digest.hex != f.sha256 { problems.append("\(path): sha256 \(digest.hex), manifest says \(f.sha256)") }
                do {
                    let rows = f.format == "csv" ? try Publisher.countCSVRows(path) : try Publisher.countNDJSONRows(path)
                    if rows != t.rows { problems.append("\(path): \(rows) rows, manifest says \(t.rows)") }
                } catch {
                    problems.append("\(path): cannot be read: \(error.message)")
                }
            }
        }
        return problems
    }

    /// Snapshots beyond the newest `keep`, oldest first; never the one the manifest points to.
    public func expiredSnapshots() throws(PaddockError) -> [String] {
        guard FileSystem.isDirectory(snapshotsDir) else { return [] }
        let current = previousRunId()
        // Oldest first by the time their manifest gives, then by id; a folder without a readable
        // manifest (not made by publish) sorts first.
        var runs: [(at: String, id: String)] = []
        for id in try FileSystem.list(snapshotsDir) {
            let m = "\(snapshotsDir)/\(id)/\(Workspace.FileName.snapshotManifest)"
            let at = try? Manifest.read(m).finishedAt
            runs.append((at ?? "", id))
        }
        runs.sort { ($0.at, $0.id) < ($1.at, $1.id) }
        let keep = config.publish.keep
        guard runs.count > keep else { return [] }
        return runs.prefix(runs.count - keep).map(\.id).filter { $0 != current }
    }

    /// Deletes the expired snapshots (see `expiredSnapshots`), under the publish lock.
    public func prune() throws(PaddockError) -> [String] {
        let lockFD = try lock()
        defer { close(lockFD) }
        let expired = try expiredSnapshots()
        for id in expired {
            // Moved out of snapshots/ first (one rename), so a crash mid-delete never leaves a partial
            // snapshot there; the next publish removes the moved folder with the other leftovers.
            let doomed = "\(processedDir)/.staging-expired-\(id)-\(getpid())"
            try FileSystem.rename("\(snapshotsDir)/\(id)", to: doomed)
            try FileSystem.removeTree(doomed)
        }
        if !expired.isEmpty { try FileSystem.syncDirectory(snapshotsDir) }
        return expired
    }

    /// Compresses one file the way publish does (same level and workers, sha256 of the output): to a
    /// file atomically, or to standard output for `-`.
    public static func compress(_ input: String, to output: String, level: Int32, workers: Int32) throws(PaddockError) -> PublishedFile {
        let src = try FileDescriptorSource(path: input)
        let file = try CompressedFile(path: output == "-" ? nil : output, level: level, workers: workers)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try withMutableBytes(&chunk) { (b) throws(PaddockError) -> Int in try src.read(into: b.baseAddress!, count: b.count) }
            if n == 0 { break }
            try withBytes(chunk) { (b) throws(PaddockError) in try file.zstd.write(UnsafeRawBufferPointer(rebasing: b[0..<n])) }
        }
        return try file.commit(relativePath: output, format: "binary")
    }
}

/// An atomic file written through zstd, counting and hashing the compressed bytes.
final class CompressedFile {
    /// The atomic file, or nil when writing to standard output.
    let sink: AtomicFileSink?
    let hashing: HashingSink
    let zstd: ZstdCompressingSink
    let out: OutputBuffer

    init(path: String?, level: Int32, workers: Int32) throws(PaddockError) {
        let file = try path.map { p throws(PaddockError) in try AtomicFileSink(path: p, mode: 0o444) }
        sink = file
        hashing = HashingSink(inner: file ?? FileDescriptorSink.standardOutput())
        zstd = try ZstdCompressingSink(inner: hashing, level: level, workers: workers)
        out = OutputBuffer(sink: zstd, chunkSize: 1 << 20)
    }

    /// Ends the zstd frame, fsyncs and renames the file into place.
    func commit(relativePath: String, format: String) throws(PaddockError) -> PublishedFile {
        try out.finish()
        try sink?.commit()
        return PublishedFile(path: relativePath, format: format, compression: "zstd", bytes: hashing.byteCount, sha256: hashing.digestHex ?? "")
    }
}
