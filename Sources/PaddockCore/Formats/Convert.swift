/// Record formats that tools read and write.
public enum RecordFormat: String, Sendable, CaseIterable {
    case csv
    case ndjson

    /// Guesses a format from a file name (`.csv`, `.ndjson`, `.jsonl`, with or without `.zst`).
    public static func guess(path: String?) -> RecordFormat? {
        guard var p = path, p != "-" else { return nil }
        if p.hasSuffix(".zst") { p.removeLast(4) }
        if p.hasSuffix(".csv") || p.hasSuffix(".tsv") { return .csv }
        if p.hasSuffix(".ndjson") || p.hasSuffix(".jsonl") { return .ndjson }
        return nil
    }
}

/// What a conversion did.
public struct ConversionStats: Sendable, Equatable {
    public var recordsIn = 0
    public var recordsOut = 0
    public var rejected = 0
    public var bytesIn = 0
    public init() {}
}

/// Receives records that could not be read or converted, with the reason and origin.
public protocol RejectSink: AnyObject {
    func reject(_ error: PaddockError, raw: String?) throws(PaddockError)
}

/// Writes rejected records as NDJSON: `{"file","line","error","raw"}`.
public final class NDJSONRejectWriter: RejectSink {
    private let out: OutputBuffer
    public private(set) var count = 0

    public init(out: OutputBuffer) { self.out = out }

    public func reject(_ error: PaddockError, raw: String?) throws(PaddockError) {
        count += 1
        var w = out
        w.appendStatic("{\"file\":")
        JSONWriter.appendString(error.location?.file ?? "", to: &w)
        w.appendStatic(",\"line\":")
        if let line = error.location?.line { w.appendString(String(line)) } else { w.appendStatic("null") }
        w.appendStatic(",\"error\":")
        JSONWriter.appendString(error.message, to: &w)
        w.appendStatic(",\"raw\":")
        if let raw { JSONWriter.appendString(raw, to: &w) } else { w.appendStatic("null") }
        w.appendStatic("}\n")
        try out.recordEnded()
    }

    public func finish() throws(PaddockError) { try out.finish() }
}

/// Lossless conversion between CSV and NDJSON, as a streaming filter in constant memory.
///
/// CSV to NDJSON gives one object per row, every value a JSON string (empty fields are `""`), keys in
/// header order. NDJSON to CSV takes its header from the first record's keys; strings are written
/// decoded, numbers as written, `true`/`false`, null as an empty field, objects and arrays as compact
/// JSON. A record with a key not in the header is an error.
public struct FormatConverter {
    public var inputFormat: RecordFormat
    public var outputFormat: RecordFormat
    public var csvOptions = CSVReadOptions()
    public var csvWriter = CSVWriter()
    public var jsonLimits = JSONLimits()
    public var maxLineBytes = 64 << 20

    public init(inputFormat: RecordFormat, outputFormat: RecordFormat) {
        self.inputFormat = inputFormat
        self.outputFormat = outputFormat
    }

    /// Converts everything from `input` to `output`. Bad records go to `rejects` when given; without
    /// it, the first bad record stops the conversion with its error.
    public func run(input: any ByteSource, output: OutputBuffer, rejects: (any RejectSink)? = nil) throws(PaddockError) -> ConversionStats {
        switch (inputFormat, outputFormat) {
        case (.csv, .ndjson): return try csvToNDJSON(input, output, rejects)
        case (.csv, .csv): return try csvToCSV(input, output, rejects)
        case (.ndjson, _): return try ndjsonTo(input, output, rejects)
        }
    }

    /// A row as one line of CSV (for reject files).
    private func csvLine(_ fields: [String]) -> String {
        var b: [UInt8] = []
        csvWriter.appendRow(fields, to: &b)
        if b.last == 0x0A { b.removeLast() }
        if b.last == 0x0D { b.removeLast() }
        return String(decoding: b, as: UTF8.self)
    }

    /// Handles a record that cannot be converted: passes it to the reject sink, or rethrows it.
    private func handle(_ error: PaddockError, raw: String?, _ rejects: (any RejectSink)?, _ stats: inout ConversionStats) throws(PaddockError) {
        guard let rejects else { throw error }
        stats.rejected += 1
        try rejects.reject(error, raw: raw)
    }

    /// Reads every CSV row, counting records and passing unreadable rows to `rejects` (or throwing),
    /// and hands each good row to `body`, which writes it.
    private func eachCSVRow(_ reader: CSVReader, _ out: OutputBuffer, _ rejects: (any RejectSink)?,
                            _ body: (CSVRow) -> Void) throws(PaddockError) -> ConversionStats {
        var stats = ConversionStats()
        try reader.forEachRow { (row: CSVRow) throws(PaddockError) in
            stats.recordsIn += 1
            body(row)
            stats.recordsOut += 1
            try out.recordEnded()
        } unreadable: { (error, _, fields) throws(PaddockError) in
            stats.recordsIn += 1
            try handle(error, raw: fields.map(csvLine), rejects, &stats)
        }
        stats.bytesIn = reader.bytesRead
        return stats
    }

    private func csvToNDJSON(_ input: any ByteSource, _ out: OutputBuffer, _ rejects: (any RejectSink)?) throws(PaddockError) -> ConversionStats {
        let reader = CSVReader(source: input, options: csvOptions)
        try reader.readHeader()
        let writer = NDJSONRowWriter(keys: reader.header)
        return try eachCSVRow(reader, out, rejects) { row in
            if row.count > writer.keyCount { writer.extend(to: reader.header) }
            writer.write(row, to: out)
        }
    }

    private func csvToCSV(_ input: any ByteSource, _ out: OutputBuffer, _ rejects: (any RejectSink)?) throws(PaddockError) -> ConversionStats {
        let reader = CSVReader(source: input, options: csvOptions)
        var w = out
        let header = try reader.readHeader()
        if csvOptions.hasHeader { csvWriter.appendRow(header, to: &w) }
        return try eachCSVRow(reader, out, rejects) { row in
            if row.count == 1 && row.bytes(0).isEmpty { csvWriter.appendLoneEmptyField(to: &w) }
            for i in 0..<row.count {
                if i > 0 { w.appendByte(csvWriter.delimiter) }
                csvWriter.appendField(row.bytes(i), to: &w)
            }
            csvWriter.appendLineEnd(to: &w)
        }
    }

    private func ndjsonTo(_ input: any ByteSource, _ out: OutputBuffer, _ rejects: (any RejectSink)?) throws(PaddockError) -> ConversionStats {
        let lines = LineReader(source: input, maxLineBytes: maxLineBytes)
        var parser = JSONParser(limits: jsonLimits)
        var stats = ConversionStats()
        var header: [String]? = nil
        var headerBytes: [[UInt8]] = []
        var columnOf: [String: Int] = [:]
        // A cell is nil (missing), raw bytes of the line, or decoded text held in `scratch`.
        var cells: [UnsafeRawBufferPointer?] = []
        var inScratch: [Bool] = []
        var scratch: [[UInt8]] = []
        var w = out
        try lines.forEach { (line: UnsafeRawBufferPointer) throws(PaddockError) in
            if line.isEmpty || line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
            stats.recordsIn += 1
            let doc: JSONDocument
            do throws(JSONSyntaxError) {
                doc = try parser.parse(line)
            } catch {
                try handle(error.paddockError(file: input.name, line: lines.lineNumber), raw: String(decoding: line, as: UTF8.self), rejects, &stats)
                return
            }
            let root = doc.root
            if outputFormat == .ndjson {
                JSONWriter.appendCompact(root, to: &w)
                w.appendByte(0x0A)
                stats.recordsOut += 1
                try out.recordEnded()
                return
            }
            guard root.kind == .object else {
                try handle(PaddockError(.parse, "expected a JSON object per line for CSV output",
                                        at: SourceLocation(file: input.name, line: lines.lineNumber)),
                           raw: String(decoding: line, as: UTF8.self), rejects, &stats)
                return
            }
            if header == nil {
                var names: [String] = []
                root.forEachMember { k, _ in names.append(k.string ?? "") }
                header = names
                headerBytes = names.map { Array($0.utf8) }
                for (i, n) in names.enumerated() where columnOf[n] == nil { columnOf[n] = i }
                cells = Array(repeating: nil, count: names.count)
                inScratch = Array(repeating: false, count: names.count)
                scratch = Array(repeating: [], count: names.count)
                csvWriter.appendRow(names, to: &w)
            }
            for i in cells.indices { cells[i] = nil; inScratch[i] = false }
            var position = 0
            var unknownKey: String? = nil
            root.forEachMember { k, v in
                // Fast path: the key sits where it sat in the first record.
                var col = -1
                if position < headerBytes.count && !k.hasEscapes {
                    let raw = k.rawBytes
                    if headerBytes[position].withUnsafeBytes({ $0.elementsEqual(raw) }) { col = position }
                }
                if col < 0 {
                    let name = k.string ?? ""
                    guard let c = columnOf[name] else { unknownKey = name; return }
                    col = c
                }
                position += 1
                switch v.kind {
                case .null: cells[col] = UnsafeRawBufferPointer(start: nil, count: 0)
                case .string where !v.hasEscapes, .number, .true, .false: cells[col] = v.rawBytes
                default:
                    scratch[col].removeAll(keepingCapacity: true)
                    if v.kind == .string {
                        JSONNode.unescape(v.rawBytes, into: &scratch[col])
                    } else {
                        JSONWriter.appendCompact(v, to: &scratch[col])
                    }
                    inScratch[col] = true
                }
            }
            if let unknownKey {
                try handle(PaddockError(.parse, "key \"\(unknownKey)\" is not a column of the CSV header (taken from the first record)",
                                        at: SourceLocation(file: input.name, line: lines.lineNumber),
                                        hint: "give every record the same keys, or convert with a table schema"),
                           raw: String(decoding: line, as: UTF8.self), rejects, &stats)
                return
            }
            if cells.count == 1 && (inScratch[0] ? scratch[0].isEmpty : (cells[0]?.isEmpty ?? true)) {
                csvWriter.appendLoneEmptyField(to: &w)
            }
            for i in cells.indices {
                if i > 0 { w.appendByte(csvWriter.delimiter) }
                if inScratch[i] {
                    scratch[i].withUnsafeBytes { csvWriter.appendField($0, to: &w) }
                } else if let c = cells[i] {
                    csvWriter.appendField(c, to: &w)
                }
            }
            csvWriter.appendLineEnd(to: &w)
            stats.recordsOut += 1
            try out.recordEnded()
        } unreadable: { (error, _) throws(PaddockError) in
            stats.recordsIn += 1
            try handle(error, raw: nil, rejects, &stats)
        }
        stats.bytesIn = lines.bytesRead
        return stats
    }
}

/// Writes CSV rows as NDJSON objects with string values, with the key prefixes encoded once into one
/// flat buffer (no reference counting in the hot loop).
final class NDJSONRowWriter {
    /// For field i, bytes `prefixStart[i]..<prefixStart[i+1]` of `prefixBytes`: `{"key":"` (i = 0) or `","key":"`.
    @exclusivity(unchecked) private var prefixBytes: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var prefixStart: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private var prefixTotal = 0
    @exclusivity(unchecked) private(set) var keyCount = 0

    init(keys: [String]) {
        prefixBytes = .allocate(capacity: 1)
        prefixStart = .allocate(capacity: 1)
        prefixStart[0] = 0
        extend(to: keys)
    }

    deinit {
        prefixBytes.deallocate()
        prefixStart.deallocate()
    }

    func extend(to keys: [String]) {
        var all: [UInt8] = []
        var starts: [Int] = []
        for (i, k) in keys.enumerated() {
            starts.append(all.count)
            all.append(contentsOf: Array((i == 0 ? "{" : "\",").utf8))
            JSONWriter.appendString(k, to: &all)
            all.append(contentsOf: Array(":\"".utf8))
        }
        starts.append(all.count)
        prefixBytes.deallocate()
        prefixStart.deallocate()
        prefixBytes = .allocate(capacity: all.count + 16)  // slack for whole-word copies
        prefixBytes.initialize(repeating: 0, count: all.count + 16)
        prefixBytes.update(from: all, count: all.count)
        prefixStart = .allocate(capacity: starts.count)
        prefixStart.initialize(from: starts, count: starts.count)
        prefixTotal = all.count
        keyCount = keys.count
    }

    /// Writes one row; fields beyond `keyCount` are not written (the caller extends the keys first).
    @inline(__always)
    func write(_ row: CSVRow, to out: OutputBuffer) {
        let n = min(row.count, keyCount)
        // Worst case: every byte escaped as \u00XX.
        var p = out.reserve(prefixTotal + row.span * 6 + 3 + 16 * (n + 1))
        let start = p
        let fields = row.state.pointee.fields + row.slot.firstField
        let bytes = row.state.pointee.bytes
        for i in 0..<n {
            let ps = prefixStart[i]
            let pl = prefixStart[i + 1] - ps
            ByteScan.copyWords(from: prefixBytes + ps, to: p, count: pl)
            p += pl
            let f = fields[i]
            if f.flags & CSVFieldFlags.needsEscape == 0 {
                // The arena has slack past its fields, so whole words can be copied.
                ByteScan.copyWords(from: bytes + f.start, to: p, count: f.length)
                p += f.length
            } else {
                p = NDJSONRowWriter.escape(bytes + f.start, f.length, into: p)
            }
        }
        if n == 0 {
            p.pointee = UInt8(ascii: "{"); p += 1
            p.pointee = UInt8(ascii: "}"); p += 1
        } else {
            p.pointee = 0x22; p += 1
            p.pointee = UInt8(ascii: "}"); p += 1
        }
        p.pointee = 0x0A; p += 1
        out.commit(start.distance(to: p))
    }

    static func escape(_ src: UnsafePointer<UInt8>, _ n: Int, into dst: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var d = dst
        for i in 0..<n {
            let b = src[i]
            if b >= 0x20 && b != 0x22 && b != 0x5C { d.pointee = b; d += 1; continue }
            d.pointee = UInt8(ascii: "\\"); d += 1
            switch b {
            case 0x22: d.pointee = 0x22
            case 0x5C: d.pointee = 0x5C
            case 0x0A: d.pointee = UInt8(ascii: "n")
            case 0x0D: d.pointee = UInt8(ascii: "r")
            case 0x09: d.pointee = UInt8(ascii: "t")
            case 0x08: d.pointee = UInt8(ascii: "b")
            case 0x0C: d.pointee = UInt8(ascii: "f")
            default:
                d.pointee = UInt8(ascii: "u"); d += 1
                d.pointee = UInt8(ascii: "0"); d += 1
                d.pointee = UInt8(ascii: "0"); d += 1
                d.pointee = JSONWriter.hexDigits[Int(b >> 4)]; d += 1
                d.pointee = JSONWriter.hexDigits[Int(b & 0xF)]
            }
            d += 1
        }
        return d
    }
}
