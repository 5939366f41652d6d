public import PaddockCore
import PaddockDiscover
import PaddockHashing
#if canImport(Glibc)
import Glibc
#endif

/// What happened to one unit during extraction.
public struct UnitOutcome: Sendable {
    public enum Status: String, Sendable { case stored, unchanged, failed, planned, missing }
    public var unit: String
    public var status: Status
    public var rawPath: String?
    public var error: PaddockError?
    /// HTTP requests made for this unit (attempts, pages).
    public var requests: Int = 0
}

/// Which records `extract` streams: those of every unit in scope (`all`: unchanged units are read
/// from the raw store, not fetched), only those of units stored by this run (`new`), or none.
public enum RecordsMode: String, Sendable, CaseIterable { case all, new, none }

/// Fetches units into the immutable raw store and streams their records as NDJSON with provenance.
///
/// Raw layout: `<data>/raw/<pipeline>/<unit id>/sha256-<first 16 hex>.<ext>` plus a `.meta.json`
/// sidecar. A payload is never rewritten: new content gets a new file beside the old one. Every unit
/// stored is appended to the ledger `<data>/index/<pipeline>/ledger.ndjson`, and so is every failure.
public final class Extractor {
    public let config: PipelineConfig
    public let workspace: Workspace
    public let now: Timestamp
    public var force = false
    public var dryRun = false
    /// Records written to the output so far, those of units that failed part way included.
    public private(set) var recordsStreamed = 0
    public var records = RecordsMode.all
    /// Never fetch: stream the records of each unit's stored copy (the ledger's newest); a unit never
    /// stored fails as retryable.
    public var storedOnly = false
    /// With storedOnly: a unit never stored is skipped (reported as missing) instead of failing.
    public var allowMissing = false
    public var emitRecords: Bool {
        get { records != .none }
        set { records = newValue ? .all : .none }
    }
    /// The ledger as read at the start, updated as units are stored.
    public private(set) var ledger: LedgerIndex
    /// How http sources are fetched (nil: http units fail with a config error).
    public var transport: (any HTTPTransport)?
    public var clock: any FetchClock = SystemClock()
    public var environment: [String: String] = Workspace.environment()
    /// Called when a request is retried: unit id, reason, seconds of wait.
    public var onRetry: ((String, String, Double) -> Void)?
    private var fetchers: [String: Fetcher] = [:]
    private let out: OutputBuffer
    private var parser = JSONParser()

    public init(config: PipelineConfig, workspace: Workspace, now: Timestamp, out: OutputBuffer) throws(PaddockError) {
        self.config = config
        self.workspace = workspace
        self.now = now
        self.out = out
        ledger = try LedgerIndex.load(workspace, pipeline: config.pipeline)
    }

    /// HTTP requests made so far, over all sources.
    public var requests: Int { fetchers.values.reduce(0) { $0 + $1.requests } }

    /// Why the run must stop (an http source's circuit breaker opened), if it must.
    public var stopReason: String? {
        for (name, f) in fetchers.sorted(by: { $0.key < $1.key }) {
            if let r = f.breaker.openReason { return "the circuit breaker of source \(name) opened: \(r)" }
        }
        return nil
    }

    /// The raw-store folder of a unit; refuses ids that would leave the raw store.
    public func rawFolder(for unit: WorkUnit) throws(PaddockError) -> String {
        let segments = unit.id.split(separator: "/", omittingEmptySubsequences: false)
        for s in segments where s.isEmpty || s == "." || s == ".." || s.contains("\0") {
            throw PaddockError(.data, "unit id '\(unit.id)' is not a safe relative path", hint: "ids may not hold empty, '.' or '..' segments")
        }
        guard segments.first.map(String.init) == unit.source else {
            throw PaddockError(.data, "unit id '\(unit.id)' does not start with its source '\(unit.source)'")
        }
        return workspace.rawDir(config.pipeline) + "/" + unit.id
    }

    /// Extracts one unit: stores the payload (unless the same bytes are stored already) and emits its records.
    public func extract(_ unit: WorkUnit) throws(PaddockError) -> UnitOutcome {
        let source = try config.source(unit.source)
        if storedOnly {
            _ = try rawFolder(for: unit)
            guard let entry = ledger.stored[unit.id], !entry.rawPaths.isEmpty else {
                if allowMissing { return UnitOutcome(unit: unit.id, status: .missing, rawPath: nil) }
                return UnitOutcome(unit: unit.id, status: .failed, rawPath: nil,
                                   error: PaddockError(.temporary, "not in the raw store", at: SourceLocation(file: unit.origin, unit: unit.id),
                                                       hint: "run extract without --stored-only first"))
            }
            if records != .none { for p in entry.rawPaths { try emit(unit: unit, source: source, rawPath: p) } }
            return UnitOutcome(unit: unit.id, status: .unchanged, rawPath: entry.rawPaths.first)
        }
        if unit.kind == .http || source.kind == .http { return try extractHTTP(unit, source: source) }
        let folder = try rawFolder(for: unit)
        let digest = try Digest.sha256(file: unit.path)
        if !unit.sha256.isEmpty && unit.sha256 != digest.hex {
            throw PaddockError(.temporary, "file changed since discover (sha256 differs)", at: SourceLocation(file: unit.path, unit: unit.id),
                               hint: "run discover again")
        }
        let ext = Self.extensionOf(unit.path)
        let rawPath = "\(folder)/sha256-\(digest.hex.prefix(16))\(ext)"
        if dryRun {
            var stored = unit
            stored.sha256 = digest.hex
            let due = force || ledger.isDue(stored, source: source, now: now)
            return UnitOutcome(unit: unit.id, status: due ? .planned : .unchanged, rawPath: rawPath)
        }
        var status = UnitOutcome.Status.unchanged
        if force || !FileSystem.exists(rawPath) {
            try store(unit, from: unit.path, to: rawPath, sha256: digest.hex, bytes: digest.bytes)
            status = .stored
        } else if ledger.stored[unit.id]?.sha256 != digest.hex {
            // Stored by a run killed before its ledger line: the ledger catches up.
            try appendLedger(unit: unit, rawPaths: [rawPath], sha256: digest.hex, bytes: digest.bytes)
        }
        if records == .all || (records == .new && status == .stored) { try emit(unit: unit, source: source, rawPath: rawPath) }
        return UnitOutcome(unit: unit.id, status: status, rawPath: rawPath)
    }

    // MARK: http units

    private func fetcher(for source: SourceConfig, _ http: HTTPSourceConfig) throws(PaddockError) -> Fetcher {
        if let f = fetchers[source.name] { return f }
        guard let transport else { throw PaddockError(.config, "source \(source.name): no HTTP transport in this build") }
        let f = Fetcher(transport: transport, policy: http.retryPolicy,
                        limiter: RateLimiter(requestsPerSecond: http.rateLimit, clock: clock),
                        breaker: CircuitBreaker(consecutive: http.breaker.consecutive, window: http.breaker.window, failureRate: http.breaker.failureRate),
                        clock: clock)
        fetchers[source.name] = f
        return f
    }

    /// The secret of a source's auth, from the environment.
    private func secret(_ source: SourceConfig, _ http: HTTPSourceConfig) throws(PaddockError) -> String? {
        guard let auth = http.auth else { return nil }
        guard let v = environment[auth.env], !v.isEmpty else {
            throw PaddockError(.config, "source \(source.name) needs the environment variable \(auth.env) (its API key), which is not set",
                               hint: "export \(auth.env)=...")
        }
        return v
    }

    /// Replaces the secret wherever it appears (URLs in messages from lower layers).
    static func redact(_ text: String, _ secret: String?) -> String {
        // Short secrets would match ordinary words; the URLs written down never hold one anyway.
        guard let secret, secret.count >= 8 else { return text }
        return text.replacing(secret, with: "REDACTED").replacing(HTTPTemplate.percentEncode(secret), with: "REDACTED")
    }

    /// Checks a body before it is stored: complete and parseable for its format, contract pointers present.
    func validate(_ body: [UInt8], format: String, contract: [String], unit: String = "") -> (reason: String, retry: Bool)? {
        switch format {
        case "json":
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(body.count, 1), alignment: 8)
            defer { buffer.deallocate() }
            body.withUnsafeBytes { if body.count > 0 { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: body.count) } }
            let doc: JSONDocument
            do {
                doc = try parser.parse(UnsafeRawBufferPointer(rebasing: buffer[0..<body.count]))
            } catch {
                return ("invalid JSON in the response (\(error.paddockError(file: "body", line: nil).message))", true)
            }
            for pointer in contract where !JSONRecords.exists(doc.root, pointer) {
                return ("the response\(unit.isEmpty ? "" : " for \(unit)") breaks its contract: it has no \(pointer)", false)
            }
        case "ndjson":
            var ok = true
            var lineNo = 0
            var reason = ""
            body.withUnsafeBytes { raw in
                var start = 0
                for i in 0...raw.count where i == raw.count || raw[i] == 0x0A {
                    lineNo += 1
                    if i > start {
                        do { _ = try parser.parse(UnsafeRawBufferPointer(rebasing: raw[start..<i])) } catch {
                            ok = false
                            reason = "invalid JSON on line \(lineNo) of the response"
                            break
                        }
                    }
                    start = i + 1
                }
            }
            if !ok { return (reason, true) }
        default:
            break
        }
        return nil
    }

    private func extractHTTP(_ unit: WorkUnit, source: SourceConfig) throws(PaddockError) -> UnitOutcome {
        guard let http = source.http else { throw PaddockError(.config, "source \(source.name) has no http settings") }
        let folder = try rawFolder(for: unit)
        let previous = ledger.stored[unit.id]
        let location = SourceLocation(file: unit.url, unit: unit.id)
        if dryRun {
            let due = force || ledger.isDue(unit, source: source, now: now)
            return UnitOutcome(unit: unit.id, status: due ? .planned : .unchanged, rawPath: previous?.rawPaths.first)
        }
        func emitPrevious(_ status: UnitOutcome.Status, requests: Int, error: PaddockError? = nil) throws(PaddockError) -> UnitOutcome {
            if let previous, records == .all {
                for p in previous.rawPaths { try emit(unit: unit, source: source, rawPath: p) }
            }
            return UnitOutcome(unit: unit.id, status: status, rawPath: previous?.rawPaths.first, error: error, requests: requests)
        }
        if previous != nil, !force, !ledger.isDue(unit, source: source, now: now) {
            return try emitPrevious(.unchanged, requests: 0)
        }
        let fetcher = try fetcher(for: source, http)
        let secret = try secret(source, http)
        var headers: [(String, String)] = []
        for (k, v) in http.headers.sorted(by: { $0.key < $1.key }) {
            headers.append((k, try HTTPTemplate.expandEnvironment(v, environment, what: "source \(source.name) header \(k)")))
        }
        if let auth = http.auth, let secret, auth.query == nil {
            headers.append((auth.header ?? "Authorization", auth.scheme.map { "\($0) \(secret)" } ?? secret))
        }
        let conditional = previous != nil && !force && http.pagination == nil
        if conditional, let etag = previous?.etag { headers.append(("If-None-Match", etag)) }
        if conditional, let lm = previous?.lastModified { headers.append(("If-Modified-Since", lm)) }
        let format = unit.format.isEmpty ? (source.format?.rawValue ?? "json") : unit.format
        fetcher.onRetry = { [weak self] why, wait in self?.onRetry?(unit.id, Self.redact(why, secret), wait) }

        var rawPaths: [String] = []
        var totalBytes = 0
        var hashes: [String] = []
        let requestsBefore = fetcher.requests
        var lastResponse: FetchResponse?
        // The first page: page/offset start at `start`; a cursor request starts without a cursor ("").
        var pageValue: String? = http.pagination.map { $0.style == .cursor ? "" : String($0.start) }
        var pages = 0
        var anyNew = false
        repeat {
            var url = unit.url
            if let p = http.pagination, let v = pageValue {
                var query: [String] = []
                if !v.isEmpty { query.append("\(HTTPTemplate.percentEncode(p.param))=\(HTTPTemplate.percentEncode(v))") }
                if let sp = p.sizeParam { query.append("\(HTTPTemplate.percentEncode(sp))=\(p.size)") }
                if !query.isEmpty { url += (url.contains("?") ? "&" : "?") + query.joined(separator: "&") }
            }
            // The URL written down (sidecar, messages) carries REDACTED where the key goes.
            var shownURL = url
            if let auth = http.auth, let q = auth.query, let secret {
                url += (url.contains("?") ? "&" : "?") + "\(HTTPTemplate.percentEncode(q))=\(HTTPTemplate.percentEncode(secret))"
                shownURL += (shownURL.contains("?") ? "&" : "?") + "\(HTTPTemplate.percentEncode(q))=REDACTED"
            }
            let request = FetchRequest(url: url, headers: headers, timeout: http.timeout, maxBytes: http.maxBytes)
            let outcome = fetcher.fetch(request, where: location) { body in self.validate(body, format: format, contract: http.contract, unit: unit.id) }
            switch outcome {
            case .notModified:
                if let previous {
                    if previous.parentFingerprint != unit.parentFingerprint {
                        // Unchanged, but asked because the parent changed: remember the parent as it is now.
                        try appendLedger(unit: unit, rawPaths: previous.rawPaths, sha256: previous.sha256,
                                         bytes: previous.rawPaths.reduce(0) { $0 + ((try? FileSystem.fileInfo($1).size) ?? 0) },
                                         url: Self.redact(unit.url, secret), etag: previous.etag,
                                         lastModified: previous.lastModified, httpStatus: 304)
                    }
                    return try emitPrevious(.unchanged, requests: fetcher.requests - requestsBefore)
                }
                let e = PaddockError(.data, "HTTP 304 to a request that was not conditional", at: location)
                try recordFailure(unit, e, attempts: 1)
                return UnitOutcome(unit: unit.id, status: .failed, rawPath: nil, error: e, requests: fetcher.requests - requestsBefore)
            case .failed(var e, let attempts):
                e.message = Self.redact(e.message, secret)
                if e.location == nil { e.location = location }
                try recordFailure(unit, e, attempts: attempts)
                // The last good copy (if any) still feeds this run's tables.
                return try emitPrevious(.failed, requests: fetcher.requests - requestsBefore, error: e)
            case .body(let r, _):
                let sha = Digest.sha256(r.body)
                let ext = format == "csv" ? ".csv" : format == "ndjson" ? ".ndjson" : ".json"
                let rawPath = "\(folder)/sha256-\(sha.prefix(16))\(ext)"
                if force || !FileSystem.exists(rawPath) {
                    try FileSystem.makeDirectories(folder)
                    try storeBytes(r.body, to: rawPath)
                    try writeSidecar(unit: unit, rawPath: rawPath, url: shownURL, response: r, sha256: sha,
                                     attempts: fetcher.requests - requestsBefore)
                    anyNew = true
                }
                rawPaths.append(rawPath)
                hashes.append(sha)
                totalBytes += r.body.count
                lastResponse = r
                pages += 1
                guard let p = http.pagination else { pageValue = nil; break }
                // Next page, or stop.
                let count = recordCount(r.body, source: source)
                switch p.style {
                case .cursor:
                    pageValue = cursorValue(r.body, pointer: p.cursor ?? "")
                case .offset:
                    pageValue = count < p.size ? nil : String(Int(pageValue ?? "0")! + p.size)
                default:
                    pageValue = count == 0 ? nil : String(Int(pageValue ?? "1")! + 1)
                }
                if count == 0 && pages > 1 {
                    // The empty last page ends the unit and holds no records: it is not kept.
                    rawPaths.removeLast(); hashes.removeLast()
                }
                if pages >= p.maxPages && pageValue != nil {
                    // Stopping here would record a truncated unit as complete.
                    let e = PaddockError(.data, "more than maxPages (\(p.maxPages)) pages", at: location,
                                         hint: "raise pagination.maxPages, or check that the server's paging ends")
                    try recordFailure(unit, e, attempts: fetcher.requests - requestsBefore)
                    return try emitPrevious(.failed, requests: fetcher.requests - requestsBefore, error: e)
                }
            }
        } while pageValue != nil
        let sha = hashes.count == 1 ? hashes[0] : Digest.sha256(hashes.joined(separator: "\n"))
        let etag = lastResponse?.header("etag"), lastModified = lastResponse?.header("last-modified")
        let changed = anyNew || previous?.sha256 != sha || previous?.rawPaths != rawPaths
        if changed || previous?.etag != etag || previous?.lastModified != lastModified || previous?.parentFingerprint != unit.parentFingerprint {
            try appendLedger(unit: unit, rawPaths: rawPaths, sha256: sha, bytes: totalBytes, url: Self.redact(unit.url, secret),
                             etag: etag, lastModified: lastModified, httpStatus: lastResponse?.status)
        }
        let status: UnitOutcome.Status = changed ? .stored : .unchanged
        if records == .all || (records == .new && status == .stored) {
            for p in rawPaths { try emit(unit: unit, source: source, rawPath: p) }
        }
        return UnitOutcome(unit: unit.id, status: status, rawPath: rawPaths.first, requests: fetcher.requests - requestsBefore)
    }

    private func recordCount(_ body: [UInt8], source: SourceConfig) -> Int {
        var n = 0
        body.withUnsafeBytes { raw in
            guard let doc = try? parser.parse(raw) else { return }
            try? JSONRecords.forEachRecord(doc.root, of: source) { (_, _) throws(PaddockError) in n += 1 }
        }
        return n
    }

    private func cursorValue(_ body: [UInt8], pointer: String) -> String? {
        body.withUnsafeBytes { raw -> String? in
            guard let doc = try? parser.parse(raw), let v = doc.root.pointer(pointer), v.kind != .null, let s = v.string, !s.isEmpty else { return nil }
            return s
        }
    }

    /// Writes a payload atomically (temp, fsync, rename, fsync of the folder), read-only.
    private func storeBytes(_ bytes: [UInt8], to path: String) throws(PaddockError) {
        let sink = try AtomicFileSink(path: path, noReplace: !force, mode: 0o444)
        try withBytes(bytes) { (b) throws(PaddockError) in try sink.write(b) }
        if force { FileSystem.remove(path) }
        try sink.commit()
    }

    private func writeSidecar(unit: WorkUnit, rawPath: String, url: String, response: FetchResponse, sha256: String, attempts: Int) throws(PaddockError) {
        try Sidecar(unit: unit.id, source: unit.source, origin: url, httpStatus: response.status, fetchedAt: now.iso8601,
                    bytes: response.body.count, sha256: sha256, etag: response.header("etag"), lastModified: response.header("last-modified"),
                    contentType: response.header("content-type"), attempts: attempts).write(beside: rawPath)
    }

    /// A ledger line for a stored unit; the in-memory index follows.
    private func appendLedger(unit: WorkUnit, rawPaths: [String], sha256: String, bytes: Int, url: String? = nil, etag: String? = nil,
                              lastModified: String? = nil, httpStatus: Int? = nil) throws(PaddockError) {
        let entry = LedgerEntry(stored: unit.id, rawPaths: rawPaths, sha256: sha256, bytes: bytes, fetchedAt: now.iso8601, url: url, etag: etag,
                                lastModified: lastModified, httpStatus: httpStatus, parentFingerprint: unit.parentFingerprint)
        try Ledger.append(entry.line, to: workspace.ledgerPath(config.pipeline))
        ledger.record(unit.id, LedgerIndex.Entry(rawPaths: rawPaths, sha256: sha256, etag: etag, lastModified: lastModified,
                                                 fetchedAt: now.iso8601, parentFingerprint: unit.parentFingerprint))
    }

    /// A ledger line for a unit that failed, with the reason and whether a later run may succeed.
    private func recordFailure(_ unit: WorkUnit, _ error: PaddockError, attempts: Int) throws(PaddockError) {
        let entry = LedgerEntry(failed: unit.id, fetchedAt: now.iso8601, error: error.message, retryable: error.kind == .temporary, attempts: attempts)
        try Ledger.append(entry.line, to: workspace.ledgerPath(config.pipeline))
    }

    /// Appends an object's members as `"key":value,` each (the caller closes the object).
    static func appendMembers<W: ByteAppending>(of node: JSONNode, to w: inout W) {
        node.forEachMember { k, v in
            JSONWriter.appendCompact(k, to: &w)
            w.appendByte(UInt8(ascii: ":"))
            JSONWriter.appendCompact(v, to: &w)
            w.appendByte(UInt8(ascii: ","))
        }
    }

    /// The first carried field (name and reference) whose name is also a member of `record` (or is
    /// `value`, which holds a record that is not an object), if any.
    static func carryCollision(_ record: JSONNode, _ carry: [(key: String, value: String)]) -> (String, String)? {
        for (name, ref) in carry {
            if record.kind != .object {
                if name == "value" { return (name, ref) }
                continue
            }
            var found = false
            record.forEachMember { k, _ in if !found && k.stringEquals(name) { found = true } }
            if found { return (name, ref) }
        }
        return nil
    }

    static func extensionOf(_ path: String) -> String {
        let name = FileSystem.lastComponent(of: path)
        for e in [".csv.zst", ".json.zst", ".ndjson.zst", ".jsonl.zst", ".csv", ".json", ".ndjson", ".jsonl", ".zst"] where name.hasSuffix(e) { return e }
        return ""
    }

    /// Copies the payload atomically into the store, then writes its sidecar and a ledger line.
    private func store(_ unit: WorkUnit, from path: String, to rawPath: String, sha256: String, bytes: Int) throws(PaddockError) {
        let src = try FileDescriptorSource(path: path)
        let sink = try AtomicFileSink(path: rawPath, noReplace: !force, mode: 0o444)
        let hashing = HashingSink(inner: sink)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try withMutableBytes(&chunk) { (b) throws(PaddockError) -> Int in try src.read(into: b.baseAddress!, count: b.count) }
            if n == 0 { break }
            try withBytes(chunk) { (b) throws(PaddockError) in try hashing.write(UnsafeRawBufferPointer(rebasing: b[0..<n])) }
        }
        try hashing.finish()
        guard hashing.digestHex == sha256 else {
            sink.abort()
            throw PaddockError(.temporary, "file changed while it was copied", at: SourceLocation(file: path, unit: unit.id))
        }
        if force { FileSystem.remove(rawPath) }
        try sink.commit()
        try Sidecar(unit: unit.id, source: unit.source, origin: path, fetchedAt: now.iso8601, bytes: bytes, sha256: sha256).write(beside: rawPath)
        try appendLedger(unit: unit, rawPaths: [rawPath], sha256: sha256, bytes: bytes)
    }

    /// Streams the records of a stored payload, each with `_unit`, `_raw` and `_line` or `_pointer`.
    /// Streams the records of one stored payload, counted in `recordsStreamed`.
    private func emit(unit: WorkUnit, source: SourceConfig, rawPath: String) throws(PaddockError) {
        let format = source.format?.rawValue ?? Discovery.guessFormat(rawPath)
        var w = out
        var provenance: [UInt8] = []
        provenance.appendStatic("\"_unit\":"); JSONWriter.appendString(unit.id, to: &provenance)
        provenance.appendStatic(",\"_raw\":"); JSONWriter.appendString(rawPath, to: &provenance)
        var count = 0
        // Counted even when the unit fails part way: those records were streamed all the same.
        defer { recordsStreamed += count }
        switch format {
        case "json":
            let array = try Input.readAll(try Input.open(rawPath))
            // The document refers to these bytes, which live until the end of this case.
            let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(array.count, 1), alignment: 8)
            defer { bytes.deallocate() }
            array.withUnsafeBytes { bytes.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: array.count) }
            let doc: JSONDocument
            do {
                doc = try parser.parse(UnsafeRawBufferPointer(rebasing: bytes[0..<array.count]))
            } catch {
                throw error.paddockError(file: rawPath, line: nil)
            }
            do {
                let root = doc.root
                let carry = (source.carry ?? [:]).sorted(by: { $0.key < $1.key })
                try JSONRecords.forEachRecord(root, of: source) { (node, pointer) throws(PaddockError) in
                    // A carried name that is also a member of the record would be a duplicate key, and
                    // readers keep one of the two silently: refuse it, and say where.
                    if !carry.isEmpty, let (name, ref) = Self.carryCollision(node, carry) {
                        throw PaddockError(.data, "unit \(unit.id): the carried field '\(name)' collides with a member of the record at \(pointer)",
                                           at: SourceLocation(file: rawPath, line: JSONRecords.line(of: node), unit: unit.id),
                                           hint: "rename the carried field in source \(source.name), e.g. carry: {\(source.name)_\(name): \(ref)}")
                    }
                    w.appendByte(UInt8(ascii: "{"))
                    if node.kind == .object {
                        Self.appendMembers(of: node, to: &w)
                    } else {
                        w.appendStatic("\"value\":")
                        JSONWriter.appendCompact(node, to: &w)
                        w.appendByte(UInt8(ascii: ","))
                    }
                    for (name, ref) in carry {
                        JSONWriter.appendString(name, to: &w)
                        w.appendByte(UInt8(ascii: ":"))
                        if ref.hasPrefix("$") {
                            // A parameter of the unit (an http unit's event id, a file's {yyyy}).
                            if let v = unit.param(String(ref.dropFirst())) { JSONWriter.appendString(v, to: &w) } else { w.appendStatic("null") }
                        } else if let key = JSONRecords.resolveKey(ref, recordPointer: pointer) {
                            JSONWriter.appendString(key, to: &w)
                        } else if let v = JSONRecords.resolve(ref, root: root, recordPointer: pointer) {
                            JSONWriter.appendCompact(v, to: &w)
                        } else {
                            w.appendStatic("null")
                        }
                        w.appendByte(UInt8(ascii: ","))
                    }
                    w.appendBytes(provenance)
                    w.appendStatic(",\"_pointer\":")
                    JSONWriter.appendString(pointer, to: &w)
                    w.appendStatic("}\n")
                    count += 1
                    try out.recordEnded()
                }
            }
        case "csv":
            var options = CSVReadOptions()
            if let b = source.delimiter { options.delimiter = b }
            if let enc = source.encoding { options.encoding = enc }
            options.hasHeader = source.header
            let reader = CSVReader(source: try Input.open(rawPath), options: options)
            let header = try reader.readHeader()
            let keys: [[UInt8]] = header.map { var k: [UInt8] = []; JSONWriter.appendString($0, to: &k); k.appendByte(UInt8(ascii: ":")); return k }
            while let row = try reader.next() {
                w.appendByte(UInt8(ascii: "{"))
                for i in 0..<row.count {
                    w.appendBytes(keys[i])
                    w.appendByte(0x22)
                    JSONWriter.appendEscaped(row.bytes(i), to: &w)
                    w.appendStatic("\",")
                }
                w.appendBytes(provenance)
                w.appendStatic(",\"_line\":")
                w.appendString(String(row.line))
                w.appendStatic("}\n")
                count += 1
                try out.recordEnded()
            }
        case "ndjson":
            try forEachNDJSONRecord(rawPath) { (root, lineNumber) throws(PaddockError) in
                w.appendByte(UInt8(ascii: "{"))
                Self.appendMembers(of: root, to: &w)
                w.appendBytes(provenance)
                w.appendStatic(",\"_line\":")
                w.appendString(String(lineNumber))
                w.appendStatic("}\n")
                count += 1
                try out.recordEnded()
            }
        default:
            throw PaddockError(.config, "source \(source.name): cannot read records from format '\(format)'", at: SourceLocation(file: rawPath, unit: unit.id),
                               hint: "set format: json, ndjson or csv")
        }
    }
}
