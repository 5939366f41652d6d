#if canImport(Glibc)
import Glibc
#endif

/// What happened to one unit during extraction.
public struct UnitOutcome: Sendable {
    public enum Status: String, Sendable { case stored, unchanged, failed, planned }
    public var unit: String
    public var status: Status
    public var rawPath: String?
    public var records: Int
    public var error: PaddockError?
}

/// Fetches units into the immutable raw store and streams their records as NDJSON with provenance.
///
/// Raw layout: `<data>/raw/<pipeline>/<unit id>/sha256-<first 16 hex>.<ext>` plus a `.meta.json`
/// sidecar. A payload is never rewritten: new content gets a new file beside the old one. Every unit
/// stored is appended to the ledger `<data>/index/<pipeline>/ledger.ndjson`.
public final class Extractor {
    public let config: PipelineConfig
    public let workspace: Workspace
    public let now: Timestamp
    public var force = false
    public var dryRun = false
    public var emitRecords = true
    private let out: OutputBuffer
    private var parser = JSONParser()

    public init(config: PipelineConfig, workspace: Workspace, now: Timestamp, out: OutputBuffer) {
        self.config = config
        self.workspace = workspace
        self.now = now
        self.out = out
    }

    /// The raw-store folder of a unit; refuses ids that would leave the raw store.
    public func rawFolder(for unit: WorkUnit) throws(PaddockError) -> String {
        let segments = unit.id.split(separator: "/", omittingEmptySubsequences: false)
        for s in segments where s.isEmpty || s == "." || s == ".." || s.contains("\0") {
            throw PaddockError(.data, "unit id '\(unit.id)' is not a safe relative path", hint: "ids may not hold empty, '.' or '..' segments")
        }
        return workspace.rawDir(config.pipeline) + "/" + unit.id
    }

    /// Extracts one unit: stores the payload (unless the same bytes are stored already) and emits its records.
    public func extract(_ unit: WorkUnit) throws(PaddockError) -> UnitOutcome {
        let source = try config.source(unit.source)
        let folder = try rawFolder(for: unit)
        let digest = try Digest.sha256(file: unit.path)
        if !unit.sha256.isEmpty && unit.sha256 != digest.hex {
            throw PaddockError(.temporary, "file changed since discover (sha256 differs)", at: SourceLocation(file: unit.path, unit: unit.id),
                               hint: "run discover again")
        }
        let ext = Self.extensionOf(unit.path)
        let rawPath = "\(folder)/sha256-\(digest.hex.prefix(16))\(ext)"
        if dryRun { return UnitOutcome(unit: unit.id, status: .planned, rawPath: rawPath, records: 0) }
        var status = UnitOutcome.Status.unchanged
        if force || !FileSystem.exists(rawPath) {
            try store(unit, from: unit.path, to: rawPath, sha256: digest.hex, bytes: digest.bytes)
            status = .stored
        }
        let records = emitRecords ? try emit(unit: unit, source: source, rawPath: rawPath) : 0
        return UnitOutcome(unit: unit.id, status: status, rawPath: rawPath, records: records)
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
        var meta: [UInt8] = []
        meta.appendStatic("{\"unit\":"); JSONWriter.appendString(unit.id, to: &meta)
        meta.appendStatic(",\"source\":"); JSONWriter.appendString(unit.source, to: &meta)
        meta.appendStatic(",\"origin\":"); JSONWriter.appendString(path, to: &meta)
        meta.appendStatic(",\"status\":\"stored\",\"fetched_at\":"); JSONWriter.appendString(now.iso8601, to: &meta)
        meta.appendStatic(",\"bytes\":"); meta.appendString(String(bytes))
        meta.appendStatic(",\"sha256\":"); JSONWriter.appendString(sha256, to: &meta)
        meta.appendStatic("}\n")
        try AtomicFileSink.write(meta, to: rawPath + ".meta.json")
        var line: [UInt8] = []
        line.appendStatic("{\"unit\":"); JSONWriter.appendString(unit.id, to: &line)
        line.appendStatic(",\"raw_path\":"); JSONWriter.appendString(rawPath, to: &line)
        line.appendStatic(",\"sha256\":"); JSONWriter.appendString(sha256, to: &line)
        line.appendStatic(",\"bytes\":"); line.appendString(String(bytes))
        line.appendStatic(",\"fetched_at\":"); JSONWriter.appendString(now.iso8601, to: &line)
        line.appendStatic(",\"status\":\"stored\"}\n")
        try Ledger.append(line, to: workspace.indexDir(config.pipeline) + "/ledger.ndjson")
    }

    /// Streams the records of a stored payload, each with `_unit`, `_raw` and `_line` or `_pointer`.
    private func emit(unit: WorkUnit, source: SourceConfig, rawPath: String) throws(PaddockError) -> Int {
        let format = source.format ?? Discovery.guessFormat(rawPath)
        var w = out
        var provenance: [UInt8] = []
        provenance.appendStatic("\"_unit\":"); JSONWriter.appendString(unit.id, to: &provenance)
        provenance.appendStatic(",\"_raw\":"); JSONWriter.appendString(rawPath, to: &provenance)
        var count = 0
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
                // The first records pointer that exists in this document wins (schema versions differ).
                let patterns = source.records.isEmpty ? [""] : source.records
                let chosen = patterns.first { JSONRecords.exists(root, $0) } ?? patterns[0]
                let parts = chosen.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
                try JSONRecords.expand(root, parts[...], pointer: "") { (node, pointer) throws(PaddockError) in
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
                        if let v = JSONRecords.resolve(ref, root: root, recordPointer: pointer) {
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
            if let d = source.delimiter, let b = d.utf8.first { options.delimiter = b }
            if let e = source.encoding, let enc = TextEncoding(name: e) { options.encoding = enc }
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
        return count
    }
}

/// Walking JSON documents along record pointers with `*` wildcards.
public enum JSONRecords {
    /// True when the pattern (with `*` wildcards) reaches at least one node.
    public static func exists(_ root: JSONNode, _ pattern: String) -> Bool {
        var found = false
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        try? expand(root, parts[...], pointer: "") { (_, _) throws(PaddockError) in found = true }
        return found
    }

    /// Resolves a carried field: an absolute JSON pointer (`/name`, from the document root) or a
    /// relative JSON pointer (`2/name`: up two levels from the record, then `/name`), so a match
    /// under `/rounds/3/matches/7` reaches its round's name with `2/name`.
    public static func resolve(_ ref: String, root: JSONNode, recordPointer: String) -> JSONNode? {
        guard let first = ref.first, first.isNumber else { return root.pointer(ref) }
        let digits = ref.prefix { $0.isNumber }
        guard let up = Int(digits) else { return nil }
        var segments = recordPointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard up <= segments.count else { return nil }
        segments = segments.dropLast(up)
        let base = segments.isEmpty ? "" : "/" + segments.joined(separator: "/")
        return root.pointer(base + ref.dropFirst(digits.count))
    }

    /// Calls `body` for every node matching `parts` below `node` (`*` matches every element or member),
    /// with the concrete JSON pointer of each.
    public static func expand(_ node: JSONNode, _ parts: ArraySlice<String>, pointer: String,
                              _ body: (JSONNode, String) throws(PaddockError) -> Void) throws(PaddockError) {
        guard let first = parts.first else {
            try body(node, pointer)
            return
        }
        let rest = parts.dropFirst()
        if first == "*" {
            switch node.kind {
            case .array:
                for (i, e) in node.elements.enumerated() { try expand(e, rest, pointer: "\(pointer)/\(i)", body) }
            case .object:
                for (k, v) in node.members {
                    let key = k.string ?? ""
                    try expand(v, rest, pointer: "\(pointer)/\(key.replacing("~", with: "~0").replacing("/", with: "~1"))", body)
                }
            default:
                return
            }
            return
        }
        if let next = node.pointer("/" + first) {
            try expand(next, rest, pointer: "\(pointer)/\(first)", body)
        }
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
