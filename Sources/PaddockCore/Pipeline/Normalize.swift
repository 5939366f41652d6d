/// Counts of a normalize run. `recordsIn == written + quarantined + filtered` always holds.
public struct NormalizeStats: Sendable, Equatable {
    public var recordsIn = 0
    public var written = 0
    public var quarantined = 0
    public var filtered = 0
    public init() {}

    public var json: String {
        "{\"records_in\":\(recordsIn),\"written\":\(written),\"quarantined\":\(quarantined),\"filtered\":\(filtered)}\n"
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

    public init(mapper: TableMapper, outputFormat: RecordFormat, out: OutputBuffer, quarantine: OutputBuffer) {
        self.mapper = mapper
        self.outputFormat = outputFormat
        self.out = out
        self.quarantine = quarantine
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
            let values: [TypedValue]
            do {
                values = try mapper.map(root)
            } catch {
                stats.quarantined += 1
                writeQuarantine(&q, field: error.field, rule: error.rule, reason: error.reason, file: input.name, line: lines.lineNumber, record: root, rawLine: nil)
                try quarantine.recordEnded()
                continue
            }
            writeRow(values, to: &w)
            stats.written += 1
            try out.recordEnded()
        }
    }

    private func writeRow(_ values: [TypedValue], to w: inout OutputBuffer) {
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
