/// One line of the extraction ledger `index/<pipeline>/ledger.ndjson`: a unit stored (its payloads,
/// hash, size, validators) or failed (why, whether a later run may succeed). Version 1:
///
///     {"version":1,"unit":…,"raw_path":…[,"raw_paths":[…]],"sha256":…,"bytes":…,"fetched_at":…
///      [,"url":…][,"etag":…][,"last_modified":…][,"http_status":200][,"parent_fp":…],"status":"stored"}
///     {"version":1,"unit":…,"fetched_at":…,"error":…,"retryable":false,"attempts":1,"status":"failed"}
///
/// The ledger is a stream, read whole by every run (one line per unit per run), so the line is written
/// and read by hand here, the one place that knows it. Lines written before version 1 (no version;
/// `http_status` as a string) are read too; a line cut short by a crash is skipped.
public struct LedgerEntry: Sendable, Equatable {
    public static let currentVersion = 1
    public enum Status: String, Sendable { case stored, failed }

    public var version = LedgerEntry.currentVersion
    public var unit: String
    public var status: Status
    /// `--now` of the run, ISO 8601.
    public var fetchedAt: String
    // Stored.
    public var rawPaths: [String] = []
    public var sha256 = ""
    public var bytes = 0
    public var url: String?
    public var etag: String?
    public var lastModified: String?
    public var httpStatus: Int?
    public var parentFingerprint: String?
    // Failed.
    public var error: String?
    public var retryable = false
    public var attempts = 0

    /// A stored unit.
    public init(stored unit: String, rawPaths: [String], sha256: String, bytes: Int, fetchedAt: String, url: String? = nil, etag: String? = nil,
                lastModified: String? = nil, httpStatus: Int? = nil, parentFingerprint: String? = nil) {
        self.unit = unit; self.status = .stored; self.fetchedAt = fetchedAt; self.rawPaths = rawPaths; self.sha256 = sha256
        self.bytes = bytes; self.url = url; self.etag = etag; self.lastModified = lastModified; self.httpStatus = httpStatus
        self.parentFingerprint = parentFingerprint
    }

    /// A failed unit.
    public init(failed unit: String, fetchedAt: String, error: String, retryable: Bool, attempts: Int) {
        self.unit = unit; self.status = .failed; self.fetchedAt = fetchedAt; self.error = error; self.retryable = retryable
        self.attempts = attempts
    }

    /// The entry as one NDJSON line.
    public var line: [UInt8] {
        var w: [UInt8] = []
        w.appendStatic("{\"version\":"); w.appendString(String(version))
        w.appendStatic(",\"unit\":"); JSONWriter.appendString(unit, to: &w)
        func str(_ key: StaticString, _ v: String?) {
            guard let v else { return }
            w.appendStatic(key); JSONWriter.appendString(v, to: &w)
        }
        switch status {
        case .stored:
            w.appendStatic(",\"raw_path\":"); JSONWriter.appendString(rawPaths.first ?? "", to: &w)
            if rawPaths.count > 1 {
                w.appendStatic(",\"raw_paths\":[")
                for (i, p) in rawPaths.enumerated() {
                    if i > 0 { w.appendByte(UInt8(ascii: ",")) }
                    JSONWriter.appendString(p, to: &w)
                }
                w.appendByte(UInt8(ascii: "]"))
            }
            w.appendStatic(",\"sha256\":"); JSONWriter.appendString(sha256, to: &w)
            w.appendStatic(",\"bytes\":"); w.appendString(String(bytes))
            str(",\"fetched_at\":", fetchedAt)
            str(",\"url\":", url)
            str(",\"etag\":", etag)
            str(",\"last_modified\":", lastModified)
            if let httpStatus { w.appendStatic(",\"http_status\":"); w.appendString(String(httpStatus)) }
            str(",\"parent_fp\":", parentFingerprint)
            w.appendStatic(",\"status\":\"stored\"}\n")
        case .failed:
            str(",\"fetched_at\":", fetchedAt)
            str(",\"error\":", error ?? "failed")
            w.appendStatic(",\"retryable\":"); w.appendStatic(retryable ? "true" : "false")
            w.appendStatic(",\"attempts\":"); w.appendString(String(attempts))
            w.appendStatic(",\"status\":\"failed\"}\n")
        }
        return w
    }

    /// Reads one ledger line: nil for a line that is not an entry (cut short by a crash, or of a status
    /// this Paddock does not record); a version newer than this Paddock reads is an error at file:line.
    public static func decode(_ line: UnsafeRawBufferPointer, parser: inout JSONParser, file: String, lineNumber: Int) throws(PaddockError) -> LedgerEntry? {
        guard let doc = try? parser.parse(line) else { return nil }
        let r = doc.root
        let version = r["version"].flatMap { Int($0.string ?? "") } ?? 1
        guard version <= currentVersion else {
            throw PaddockError(.data, "ledger entry version \(version) is not supported (this Paddock reads versions 1 to \(currentVersion))",
                               at: SourceLocation(file: file, line: lineNumber), hint: "it was written by a newer Paddock: upgrade")
        }
        guard let unit = r["unit"]?.string, let status = r["status"]?.string.flatMap(Status.init(rawValue:)) else { return nil }
        let fetchedAt = r["fetched_at"]?.string ?? ""
        switch status {
        case .stored:
            var paths: [String] = []
            for e in r["raw_paths"]?.elements ?? [] { if let s = e.string { paths.append(s) } }
            if paths.isEmpty, let p = r["raw_path"]?.string { paths = [p] }
            var e = LedgerEntry(stored: unit, rawPaths: paths, sha256: r["sha256"]?.string ?? "", bytes: Int(r["bytes"]?.string ?? "") ?? 0,
                                fetchedAt: fetchedAt, url: r["url"]?.string, etag: r["etag"]?.string, lastModified: r["last_modified"]?.string,
                                httpStatus: r["http_status"].flatMap { Int($0.string ?? "") }, parentFingerprint: r["parent_fp"]?.string)
            e.version = version
            return e
        case .failed:
            var e = LedgerEntry(failed: unit, fetchedAt: fetchedAt, error: r["error"]?.string ?? "failed",
                                retryable: r["retryable"]?.kind == .true, attempts: Int(r["attempts"]?.string ?? "") ?? 0)
            e.version = version
            return e
        }
    }

    /// Every entry of the ledger at `path`, in order (none when it does not exist).
    public static func forEach(in path: String, _ body: (LedgerEntry) throws(PaddockError) -> Void) throws(PaddockError) {
        guard FileSystem.exists(path) else { return }
        let lines = LineReader(source: try Input.open(path))
        var parser = JSONParser()
        while let line = try lines.next() {
            if line.isEmpty { continue }
            if let e = try decode(line, parser: &parser, file: path, lineNumber: lines.lineNumber) { try body(e) }
        }
    }
}
