/// Counts of a normalize run. `recordsIn == written + quarantined + filtered` always holds;
/// `deduplicated` counts the rows among `filtered` that a `dedupe: first|last` policy replaced, and
/// `otherSource` the records from a source that does not feed the table.
public struct NormalizeStats: Sendable, Equatable {
    public var recordsIn = 0
    public var written = 0
    public var quarantined = 0
    public var filtered = 0
    public var deduplicated = 0
    /// Among `filtered`: records from a source that does not feed the table.
    public var otherSource = 0
    public init() {}

    public var json: String {
        "{\"records_in\":\(recordsIn),\"written\":\(written),\"quarantined\":\(quarantined),\"filtered\":\(filtered),\"deduplicated\":\(deduplicated),\"other_source\":\(otherSource)}\n"
    }
}

/// Streams raw records (NDJSON) through a `TableMapper`: mapped rows go to the output (NDJSON or CSV,
/// fields in schema order), and every record that cannot be mapped goes to the quarantine with its
/// origin, the field, the rule and a reason. Nothing is dropped silently.
public final class TableNormalizer {
    public let mapper: TableMapper
    public let outputFormat: RecordFormat
    public var csvWriter = CSVWriter()
    private let out: OutputBuffer
    private let quarantine: OutputBuffer
    private var parser = JSONParser()
    private var keyPrefixes: [[UInt8]] = []
    public private(set) var stats = NormalizeStats()
    private var headerWritten = false

    enum Dedupe: String { case none, first, last, error }
    private let dedupe: Dedupe
    private let keyIndexes: [Int]
    private var seenKeys = Set<String>()
    private var firstLine: [String: String] = [:]
    private var lastIndex: [String: Int] = [:]
    private var spooled = 0
    private var spool: SpoolFile?
    private let acceptsAllSources: Bool

    /// The source of a record from extract: the first segment of its `_unit`.
    static func sourceOf(_ record: JSONNode) -> String? {
        guard let unit = record["_unit"]?.string, let slash = unit.firstIndex(of: "/") else { return nil }
        return String(unit[..<slash])
    }

    public init(mapper: TableMapper, outputFormat: RecordFormat, out: OutputBuffer, quarantine: OutputBuffer) {
        self.mapper = mapper
        self.outputFormat = outputFormat
        self.out = out
        self.quarantine = quarantine
        dedupe = Dedupe(rawValue: mapper.table.dedupe) ?? .none
        acceptsAllSources = mapper.table.sources.isEmpty
        keyIndexes = mapper.table.primaryKey.compactMap { k in mapper.table.fields.firstIndex { $0.name == k } }
        for (i, f) in mapper.table.fields.enumerated() {
            var p: [UInt8] = [UInt8(ascii: i == 0 ? "{" : ",")]
            JSONWriter.appendString(f.name, to: &p)
            p.append(UInt8(ascii: ":"))
            keyPrefixes.append(p)
        }
    }

    /// Writes the CSV header (CSV output only); called before the first row, even with no rows.
    public func start() {
        guard outputFormat == .csv, !headerWritten else { return }
        headerWritten = true
        var w = out
        csvWriter.appendRow(mapper.table.fields.map(\.name), to: &w)
    }

    /// Maps every record of `input`.
    public func run(_ input: any ByteSource) throws(PaddockError) {
        start()
        let lines = LineReader(source: input)
        var w = out
        var q = quarantine
        while true {
            let line: UnsafeRawBufferPointer
            do {
                guard let l = try lines.next() else { break }
                line = l
            } catch {
                stats.recordsIn += 1
                stats.quarantined += 1
                writeQuarantine(&q, field: nil, rule: "line_length", reason: error.message, file: input.name, line: lines.lineNumber + 1, record: nil, rawLine: nil)
                try quarantine.recordEnded()
                continue
            }
            if line.isEmpty { continue }
            stats.recordsIn += 1
            let doc: JSONDocument
            do {
                doc = try parser.parse(line)
            } catch {
                stats.quarantined += 1
                writeQuarantine(&q, field: nil, rule: "json", reason: "invalid JSON: \(error.message) (at byte \(error.offset + 1))",
                                file: input.name, line: lines.lineNumber, record: nil, rawLine: line)
                try quarantine.recordEnded()
                continue
            }
            let root = doc.root
            guard root.kind == .object else {
                stats.quarantined += 1
                writeQuarantine(&q, field: nil, rule: "type", reason: "record is not a JSON object", file: input.name, line: lines.lineNumber, record: root, rawLine: nil)
                try quarantine.recordEnded()
                continue
            }
            // Explicit filter: a record from a source that does not feed this table is counted, not mapped.
            if !acceptsAllSources, let source = TableNormalizer.sourceOf(root), !mapper.table.sources.contains(source) {
                stats.filtered += 1
                stats.otherSource += 1
                continue
            }
            let values: [TypedValue]
            do {
                values = try mapper.map(root)
            } catch {
                stats.quarantined += 1
                writeQuarantine(&q, field: error.field, rule: error.rule, reason: error.reason, file: input.name, line: lines.lineNumber, record: root, rawLine: nil)
                try quarantine.recordEnded()
                continue
            }
            if dedupe != .none {
                let key = keyIndexes.map { values[$0].cellText }.joined(separator: "\u{1F}")
                switch dedupe {
                case .first:
                    if !seenKeys.insert(key).inserted {
                        stats.filtered += 1
                        stats.deduplicated += 1
                        continue
                    }
                case .error:
                    if let first = firstLine[key] {
                        stats.quarantined += 1
                        writeQuarantine(&q, field: mapper.table.primaryKey.joined(separator: ","), rule: "unique",
                                        reason: "duplicate primary key (first at \(first))", file: input.name, line: lines.lineNumber, record: root, rawLine: nil)
                        try quarantine.recordEnded()
                        continue
                    }
                    firstLine[key] = "\(input.name):\(lines.lineNumber)"
                case .last:
                    try spoolRow(values, key: key)
                    continue
                case .none:
                    break
                }
            }
            writeRow(values, to: &w)
            stats.written += 1
            try out.recordEnded()
        }
    }

    /// Ends the run: with `dedupe: last`, writes the spooled rows whose key was not seen again later.
    public func finish() throws(PaddockError) {
        guard dedupe == .last, let spool else { return }
        try spool.buffer.flush()
        var w = out
        var index = 0
        try forEachNDJSONRecord(spool.path) { (root, _) throws(PaddockError) in
            defer { index += 1 }
            guard let keyNode = root["k"], let key = keyNode.string, lastIndex[key] == index, let row = root["v"] else {
                stats.filtered += 1
                stats.deduplicated += 1
                return
            }
            // The spooled row holds the output fields in schema order.
            switch outputFormat {
            case .ndjson:
                JSONWriter.appendCompact(row, to: &w)
                w.appendByte(0x0A)
            case .csv:
                for (i, v) in row.elements.enumerated() {
                    if i > 0 { csvWriter.appendDelimiter(to: &w) }
                    csvWriter.appendField(v.cellText, to: &w)
                }
                csvWriter.appendLineEnd(to: &w)
            }
            stats.written += 1
            try out.recordEnded()
        }
        spool.remove()
        self.spool = nil
    }

    /// `dedupe: last` keeps every row in a spool file (key and values) and remembers, per key, the index of
    /// its last row: memory grows with the number of distinct keys, the rows themselves stay on disk.
    private func spoolRow(_ values: [TypedValue], key: String) throws(PaddockError) {
        if spool == nil { spool = try SpoolFile() }
        guard let spool else { return }
        var b = spool.buffer
        b.appendStatic("{\"k\":")
        JSONWriter.appendString(key, to: &b)
        b.appendStatic(",\"v\":")
        if outputFormat == .ndjson {
            writeRow(values, to: &b)
            b.count -= 1  // drop the newline writeRow ends with
        } else {
            b.appendByte(UInt8(ascii: "["))
            for (i, v) in values.enumerated() {
                if i > 0 { b.appendByte(UInt8(ascii: ",")) }
                JSONWriter.appendString(v.cellText, to: &b)
            }
            b.appendByte(UInt8(ascii: "]"))
        }
        b.appendStatic("}\n")
        lastIndex[key] = spooled
        spooled += 1
        try spool.buffer.recordEnded()
    }

    private func writeRow<W: ByteAppending>(_ values: [TypedValue], to w: inout W) {
        switch outputFormat {
        case .ndjson:
            for (i, v) in values.enumerated() {
                w.appendBytes(keyPrefixes[i])
                v.appendJSON(to: &w)
            }
            w.appendStatic(values.isEmpty ? "{}\n" : "}\n")
        case .csv:
            for (i, v) in values.enumerated() {
                if i > 0 { csvWriter.appendDelimiter(to: &w) }
                csvWriter.appendField(v.cellText, to: &w)
            }
            csvWriter.appendLineEnd(to: &w)
        }
    }

    /// One quarantine line: table, field, rule, reason, origin (input file:line and the record's own
    /// `_unit`, `_raw`, `_line`/`_pointer` provenance) and the original record.
    private func writeQuarantine(_ q: inout OutputBuffer, field: String?, rule: String, reason: String, file: String, line: Int,
                                 record: JSONNode?, rawLine: UnsafeRawBufferPointer?) {
        q.appendStatic("{\"table\":"); JSONWriter.appendString(mapper.table.name, to: &q)
        q.appendStatic(",\"field\":")
        if let field { JSONWriter.appendString(field, to: &q) } else { q.appendStatic("null") }
        q.appendStatic(",\"rule\":"); JSONWriter.appendString(rule, to: &q)
        q.appendStatic(",\"reason\":"); JSONWriter.appendString(reason, to: &q)
        q.appendStatic(",\"origin\":{\"file\":"); JSONWriter.appendString(file, to: &q)
        q.appendStatic(",\"line\":"); q.appendString(String(line))
        if let record {
            // The record's own provenance from extract: unit, raw file, and line or pointer in it.
            for (key, name) in [("_unit", "unit"), ("_raw", "raw"), ("_line", "raw_line"), ("_pointer", "raw_pointer")] {
                if let v = record[key] {
                    q.appendStatic(",\"")
                    q.appendString(name)
                    q.appendStatic("\":")
                    JSONWriter.appendCompact(v, to: &q)
                }
            }
        }
        q.appendStatic("},\"record\":")
        if let record {
            JSONWriter.appendCompact(record, to: &q)
        } else if let rawLine {
            // Not JSON: keep the line as a string (invalid UTF-8 replaced).
            JSONWriter.appendString(String(decoding: rawLine, as: UTF8.self), to: &q)
        } else {
            q.appendStatic("null")
        }
        q.appendStatic("}\n")
    }
}

/// A temporary file for rows that must wait (dedupe: last), removed when done.
final class SpoolFile {
    let path: String
    let buffer: OutputBuffer

    init() throws(PaddockError) {
        let dir = Workspace.environment()["TMPDIR"] ?? "/tmp"
        var template = Array("\(dir)/paddock-spool-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw PaddockError.system("cannot create a spool file", path: dir, errno: errno) }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        buffer = OutputBuffer(sink: FileDescriptorSink(fd: fd, name: path, ownsDescriptor: true))
    }

    func remove() { unlink(path) }

    deinit { unlink(path) }
}

#if canImport(Glibc)
import Glibc
#endif
