#if canImport(Glibc)
import Glibc
#endif

/// The ledger of one pipeline, read once: for each unit, its newest stored copy (and its newest failure).
/// Memory grows with the number of units (a few hundred bytes each), not with their payloads.
public struct LedgerIndex: Sendable {
    public struct Entry: Sendable {
        public var rawPaths: [String]
        public var sha256: String
        public var etag: String?
        public var lastModified: String?
        public var fetchedAt: String
        public var parentFingerprint: String? = nil

        public init(rawPaths: [String], sha256: String, etag: String?, lastModified: String?, fetchedAt: String, parentFingerprint: String? = nil) {
            self.rawPaths = rawPaths
            self.sha256 = sha256
            self.etag = etag
            self.lastModified = lastModified
            self.fetchedAt = fetchedAt
            self.parentFingerprint = parentFingerprint
        }
    }
    public private(set) var stored: [String: Entry] = [:]
    public private(set) var failed: [String: String] = [:]

    public init() {}

    public static func load(_ workspace: Workspace, pipeline: String) throws(PaddockError) -> LedgerIndex {
        var index = LedgerIndex()
        try LedgerEntry.forEach(in: workspace.ledgerPath(pipeline)) { (e: LedgerEntry) throws(PaddockError) in
            switch e.status {
            case .stored:
                index.stored[e.unit] = Entry(rawPaths: e.rawPaths, sha256: e.sha256, etag: e.etag, lastModified: e.lastModified,
                                             fetchedAt: e.fetchedAt, parentFingerprint: e.parentFingerprint)
                index.failed[e.unit] = nil
            case .failed:
                index.failed[e.unit] = e.error ?? "failed"
            }
        }
        return index
    }

    public mutating func record(_ unit: String, _ entry: Entry) {
        stored[unit] = entry
        failed[unit] = nil
    }

    /// The refetch rule: whether extract would fetch (http) or store (files) `unit` of `source` at
    /// `now`, `--force` aside. `discover --new` and `extract` both ask this, and only this.
    ///
    /// Due: a unit with no stored copy (never stored, or only failed); a file whose bytes differ from
    /// the stored copy's; an http unit of a `newOnly` fan-out never again; of a `changedOnly` fan-out,
    /// exactly when its parent record changed; an undated http unit always (asked conditionally); a
    /// dated one when its date is within the source's `refetchDays` before `now`, or later.
    public func isDue(_ unit: WorkUnit, source: SourceConfig, now: Timestamp) -> Bool {
        guard let entry = stored[unit.id], !entry.rawPaths.isEmpty else { return true }
        guard unit.kind == .http || source.kind == .http else { return entry.sha256 != unit.sha256 }
        guard let http = source.http else { return true }
        if http.fetchOnce { return false }
        if http.changeDriven { return entry.parentFingerprint != unit.parentFingerprint }
        guard let date = unit.date, let day = DateWindow.day(date, now: now), let today = DateWindow.day("today", now: now) else { return true }
        return day >= today - http.refetchDays
    }
}

/// The append-only ledger of stored units.
public enum Ledger {
    /// Appends one complete line with a single `write(2)` on an `O_APPEND` descriptor, then fsyncs.
    public static func append(_ line: [UInt8], to path: String) throws(PaddockError) {
        try FileSystem.makeDirectories(FileSystem.parent(of: path))
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { throw PaddockError.system("cannot open ledger", path: path, errno: errno) }
        defer { close(fd) }
        let sink = FileDescriptorSink(fd: fd, name: path)
        try withBytes(line) { (b) throws(PaddockError) in try sink.write(b) }
        if fsync(fd) != 0 { throw PaddockError.system("fsync of ledger failed", path: path, errno: errno) }
    }
}
