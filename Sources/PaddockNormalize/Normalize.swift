public import PaddockCore
/// Counts of a normalize run. `recordsIn == written + quarantined + filtered` always holds;
/// `deduplicated` counts the rows among `filtered` that a `dedupe: first|last` policy replaced,
/// `otherSource` the records from a source that does not feed the table, and `filteredByRule` the
/// records a `filter:` rule left out, by rule.
public struct NormalizeStats: Sendable, Equatable {
    public var recordsIn = 0
    public var written = 0
    public var quarantined = 0
    public var filtered = 0
    public var deduplicated = 0
    /// Among `filtered`: records from a source that does not feed the table.
    public var otherSource = 0
    /// Among `filtered`: records left out by each `filter:` rule (the first rule they fail).
    public var filteredByRule: [String: Int] = [:]
    public init() {}

    /// The counts as the document `--stats` writes (`RunStats` owns it).
    public var document: RunStats {
        RunStats(recordsIn: recordsIn, written: written, quarantined: quarantined, filtered: filtered, deduplicated: deduplicated,
                 otherSource: otherSource, filteredByRule: filteredByRule)
    }

    public var json: String { String(decoding: document.bytes, as: UTF8.self) }
}

/// Streams raw records (NDJSON, or CSV rows) through a `TableMapper`: mapped rows go to the output
/// (NDJSON or CSV, fields in schema order), and every record that cannot be mapped goes to the quarantine
/// with its origin, the field, the rule and a reason. Nothing is dropped silently.
public final class TableNormalizer: TableRunner {
    public let mapper: TableMapper
    public let outputFormat: RecordFormat
    @exclusivity(unchecked) public var csvWriter = CSVWriter()
    let out: OutputBuffer
    let quarantine: OutputBuffer
    @exclusivity(unchecked) private var parser = JSONParser()
    /// `{"name":` / `,"name":` of each output field, one after another (offsets in `keyPrefixEnds`).
    private let keyPrefixes: UnsafeMutableRawBufferPointer
    @exclusivity(unchecked) private var keyPrefixEnds: [Int] = []
    public internal(set) var stats = NormalizeStats()
    @exclusivity(unchecked) private var headerWritten = false
    /// False for the workers of a parallel run: the header is written once, by the driver.
    @exclusivity(unchecked) var writesHeader = true
    /// Called with the records read so far, every 65,536 records (for progress displays).
    @exclusivity(unchecked) public var onProgress: ((Int) -> Void)?

    enum Dedupe: String { case none, first, last, error }
    private let dedupe: Dedupe
    private let keyIndexes: [Int]
    @exclusivity(unchecked) private var seenKeys = Set<String>()
    @exclusivity(unchecked) private var firstLine: [String: String] = [:]
    @exclusivity(unchecked) private var lastIndex: [String: Int] = [:]
    @exclusivity(unchecked) private var spooled = 0
    @exclusivity(unchecked) private var spool: SpoolFile?
    private let acceptsAllSources: Bool

    /// The record a quarantine entry keeps.
    enum Original {
        case json(JSONNode)
        case csv(CSVRow, header: [String])
        case batchRow(UnsafeRawPointer, UnsafeBufferPointer<RecordBatch.Field>, header: [String])
        case line(UnsafeRawBufferPointer)
        case none
    }

    public init(mapper: TableMapper, outputFormat: RecordFormat, out: OutputBuffer, quarantine: OutputBuffer) {
        self.mapper = mapper
        self.outputFormat = outputFormat
        self.out = out
        self.quarantine = quarantine
        dedupe = Dedupe(rawValue: mapper.table.dedupe.rawValue) ?? .none
        acceptsAllSources = mapper.table.sources.isEmpty
        keyIndexes = mapper.table.primaryKey.compactMap { k in mapper.table.fields.firstIndex { $0.name == k } }
        var prefixes: [UInt8] = []
        for (i, f) in mapper.table.fields.enumerated() {
            prefixes.append(UInt8(ascii: i == 0 ? "{" : ","))
            JSONWriter.appendString(f.name, to: &prefixes)
            prefixes.append(UInt8(ascii: ":"))
            keyPrefixEnds.append(prefixes.count)
        }
        keyPrefixes = .allocate(byteCount: max(prefixes.count, 1), alignment: 1)
        prefixes.withUnsafeBytes { keyPrefixes.copyMemory(from: $0) }
    }

    deinit {
        keyPrefixes.deallocate()
    }

    /// Writes the CSV header (CSV output only); called before the first row, even with no rows.
    public func start() {
        guard outputFormat == .csv, !headerWritten, writesHeader else { return }
        headerWritten = true
        var w = out
        csvWriter.appendRow(mapper.table.fields.map(\.name), to: &w)
    }

    /// Maps every record of an NDJSON input.
    public func run(_ input: any ByteSource) throws(PaddockError) {
        start()
        let lines = LineReader(source: input)
        try lines.forEach { (line: UnsafeRawBufferPointer) throws(PaddockError) in
            if !line.isEmpty { try processLine(line, file: input.name, lineNumber: lines.lineNumber) }
        } unreadable: { (error, line) throws(PaddockError) in
            stats.recordsIn += 1
            try reject(field: nil, rule: "line_length", reason: error.message, file: input.name, line: line, record: .none)
        }
    }

    /// Parses, maps and writes one NDJSON line (not empty).
    @inline(__always)
    func processLine(_ line: UnsafeRawBufferPointer, file: String, lineNumber: Int) throws(PaddockError) {
        stats.recordsIn += 1
        let doc: JSONDocument
        do {
            doc = try parser.parse(line)
        } catch {
            try reject(field: nil, rule: "json", reason: "invalid JSON: \(error.message) (at byte \(error.offset + 1))",
                       file: file, line: lineNumber, record: .line(line))
            return
        }
        let root = doc.root
        guard root.kind == .object else {
            try reject(field: nil, rule: "type", reason: "record is not a JSON object", file: file, line: lineNumber, record: .json(root))
            return
        }
        mapper.bind(doc)
        try process(file: file, line: lineNumber, record: .json(root))
    }

    /// Maps the records of a batch (NDJSON lines or CSV rows cut by `ParallelTableNormalizer`), in order.
    func run(batch b: RecordBatch) throws(PaddockError) {
        if b.isCSV { mapper.bindHeader(b.header) }
        try withBytes(b.bytes) { (bytes: UnsafeRawBufferPointer) throws(PaddockError) in
            try withElements(b.fields) { (fields: UnsafeBufferPointer<RecordBatch.Field>) throws(PaddockError) in
            let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
            for k in 0..<b.items.count {
                let item = b.items[k]
                switch item.kind {
                case RecordBatch.line:
                    try processLine(UnsafeRawBufferPointer(start: base + item.start, count: item.count), file: b.file, lineNumber: item.line)
                case RecordBatch.row:
                    stats.recordsIn += 1
                    let row = UnsafeBufferPointer(rebasing: fields[item.start..<item.start + item.count])
                    mapper.bind(fieldsOf: base, row)
                    try process(file: b.file, line: item.line, record: .batchRow(base, row, header: b.header))
                default:
                    let e = b.errors[item.start]
                    stats.recordsIn += 1
                    try reject(field: nil, rule: e.rule, reason: e.message, file: b.file, line: item.line, record: .none,
                               fields: e.fields.map { (b.header, $0) })
                }
            }
            }
        }
    }

    /// Maps every row of a CSV input; column names are the raw record's keys.
    public func runCSV(_ input: any ByteSource, options: CSVReadOptions) throws(PaddockError) {
        start()
        let reader = CSVReader(source: input, options: options)
        let header = try reader.readHeader()
        mapper.bindHeader(header)
        try reader.forEachRow { (row: CSVRow) throws(PaddockError) in
            stats.recordsIn += 1
            mapper.bind(row)
            try process(file: input.name, line: row.line, record: .csv(row, header: header))
        } unreadable: { (error, rule, fields) throws(PaddockError) in
            // A ragged row or invalid UTF-8: quarantined with the fields as read.
            stats.recordsIn += 1
            try reject(field: nil, rule: rule, reason: error.message, file: input.name, line: error.location?.line ?? 0,
                       record: .none, fields: fields.map { (header, $0) })
        }
    }

    /// Filters, maps, deduplicates and writes the bound record.
    @inline(__always)
    private func process(file: String, line: Int, record: Original) throws(PaddockError) {
        if stats.recordsIn & 0xFFFF == 0, let onProgress { onProgress(stats.recordsIn) }
        // Explicit filters: a record from a source that does not feed this table, or one that fails a
        // `filter:` rule, is counted, not mapped.
        if !acceptsAllSources, let source = mapper.recordSource, !mapper.table.sources.contains(source) {
            stats.filtered += 1
            stats.otherSource += 1
            return
        }
        if !mapper.filterPlan.isEmpty, let rule = mapper.failedFilter() {
            stats.filtered += 1
            stats.filteredByRule[rule, default: 0] += 1
            return
        }
        do {
            try mapper.mapBound()
        } catch {
            try reject(field: error.field, rule: error.rule, reason: error.reason, file: file, line: line, record: record)
            return
        }
        if dedupe != .none {
            let key = keyIndexes.map { mapper.values[$0].text }.joined(separator: "\u{1F}")
            switch dedupe {
            case .first:
                if !seenKeys.insert(key).inserted {
                    stats.filtered += 1
                    stats.deduplicated += 1
                    return
                }
            case .error:
                if let first = firstLine[key] {
                    try reject(field: mapper.table.primaryKey.joined(separator: ","), rule: "unique",
                               reason: "duplicate primary key (first at \(first))", file: file, line: line, record: record)
                    return
                }
                firstLine[key] = "\(file):\(line)"
            case .last:
                try spoolRow(key: key)
                return
            case .none:
                break
            }
        }
        var w = out
        writeRow(to: &w)
        stats.written += 1
        try out.recordEnded()
    }

    private func reject(field: String?, rule: String, reason: String, file: String, line: Int, record: Original,
                        fields: (header: [String], values: [String])? = nil) throws(PaddockError) {
        stats.quarantined += 1
        var q = quarantine
        writeQuarantine(&q, field: field, rule: rule, reason: reason, file: file, line: line, record: record, fields: fields)
        try quarantine.recordEnded()
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
    private func spoolRow(key: String) throws(PaddockError) {
        if spool == nil { spool = try SpoolFile() }
        guard let spool else { return }
        var b = spool.buffer
        b.appendStatic("{\"k\":")
        JSONWriter.appendString(key, to: &b)
        b.appendStatic(",\"v\":")
        if outputFormat == .ndjson {
            writeNDJSONRow(to: &b)
        } else {
            b.appendByte(UInt8(ascii: "["))
            for (i, v) in mapper.values.enumerated() {
                if i > 0 { b.appendByte(UInt8(ascii: ",")) }
                b.appendByte(0x22)
                JSONWriter.appendEscaped(v.bytes, to: &b)
                b.appendByte(0x22)
            }
            b.appendByte(UInt8(ascii: "]"))
        }
        b.appendStatic("}\n")
        lastIndex[key] = spooled
        spooled += 1
        try spool.buffer.recordEnded()
    }

    /// The mapped values as one JSON object, fields in schema order (no newline).
    private func writeNDJSONRow<W: ByteAppending>(to w: inout W) {
        let values = mapper.values
        let prefixes = UnsafeRawBufferPointer(keyPrefixes)
        var start = 0
        for i in 0..<values.count {
            let end = keyPrefixEnds[i]
            w.appendBytes(UnsafeRawBufferPointer(rebasing: prefixes[start..<end]))
            start = end
            let v = values[i]
            switch v.kind {
            case MappedValue.string:
                w.appendByte(0x22)
                JSONWriter.appendEscaped(v.bytes, to: &w)
                w.appendByte(0x22)
            case MappedValue.literal:
                w.appendBytes(v.bytes)
            default:
                w.appendStatic("null")
            }
        }
        if values.isEmpty { w.appendStatic("{}") } else { w.appendByte(UInt8(ascii: "}")) }
    }

    private func writeRow<W: ByteAppending>(to w: inout W) {
        switch outputFormat {
        case .ndjson:
            writeNDJSONRow(to: &w)
            w.appendByte(0x0A)
        case .csv:
            let values = mapper.values
            for i in 0..<values.count {
                if i > 0 { csvWriter.appendDelimiter(to: &w) }
                csvWriter.appendField(values[i].bytes, to: &w)
            }
            csvWriter.appendLineEnd(to: &w)
        }
    }

    /// One quarantine line (`QuarantineEntry`, which owns the document): its head, then the original record.
    private func writeQuarantine(_ q: inout OutputBuffer, field: String?, rule: String, reason: String, file: String, line: Int,
                                 record: Original, fields: (header: [String], values: [String])?) {
        var provenance: JSONNode?
        if case .json(let node) = record { provenance = node }
        QuarantineEntry.appendHead(table: mapper.table.name, field: field, rule: rule, reason: reason, file: file, line: line,
                                   provenanceOf: provenance, to: &q)
        switch record {
        case .json(let node):
            JSONWriter.appendCompact(node, to: &q)
        case .csv(let row, let header):
            // The CSV row as an object, columns named by the header (extra cells by their position).
            q.appendByte(UInt8(ascii: "{"))
            for i in 0..<row.count {
                if i > 0 { q.appendByte(UInt8(ascii: ",")) }
                JSONWriter.appendString(i < header.count ? header[i] : String(i + 1), to: &q)
                q.appendStatic(":\"")
                JSONWriter.appendEscaped(row.bytes(i), to: &q)
                q.appendByte(0x22)
            }
            q.appendByte(UInt8(ascii: "}"))
        case .batchRow(let base, let row, let header):
            q.appendByte(UInt8(ascii: "{"))
            for i in 0..<row.count {
                if i > 0 { q.appendByte(UInt8(ascii: ",")) }
                JSONWriter.appendString(i < header.count ? header[i] : String(i + 1), to: &q)
                q.appendStatic(":\"")
                JSONWriter.appendEscaped(UnsafeRawBufferPointer(start: base + Int(row[i].offset), count: Int(row[i].length)), to: &q)
                q.appendByte(0x22)
            }
            q.appendByte(UInt8(ascii: "}"))
        case .line(let rawLine):
            // Not JSON: keep the line as a string (invalid UTF-8 replaced).
            JSONWriter.appendString(String(decoding: rawLine, as: UTF8.self), to: &q)
        case .none:
            if let fields {
                q.appendByte(UInt8(ascii: "{"))
                for (i, v) in fields.values.enumerated() {
                    if i > 0 { q.appendByte(UInt8(ascii: ",")) }
                    JSONWriter.appendString(i < fields.header.count ? fields.header[i] : String(i + 1), to: &q)
                    q.appendByte(UInt8(ascii: ":"))
                    JSONWriter.appendString(v, to: &q)
                }
                q.appendByte(UInt8(ascii: "}"))
            } else {
                q.appendStatic("null")
            }
        }
        QuarantineEntry.appendTail(to: &q)
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
