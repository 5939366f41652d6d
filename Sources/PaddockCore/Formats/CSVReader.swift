import CCSV

/// Options of the CSV reader.
public struct CSVReadOptions: Sendable {
    /// The field delimiter (a single ASCII byte), `,` by default.
    public var delimiter: UInt8 = UInt8(ascii: ",")
    /// Whether the first row names the columns. Without a header, columns are named `1`, `2`, ...
    public var hasHeader = true
    /// The encoding of the input; anything other than UTF-8 is converted to UTF-8.
    public var encoding: TextEncoding = .utf8
    /// When true, rows whose field count differs from the header's are returned as they are;
    /// otherwise `next()` throws for them (and can be called again to go on).
    public var allowRagged = false
    /// The longest row accepted, in bytes.
    public var maxRowBytes = 16 << 20
    /// Bytes read from the source at a time.
    public var chunkSize = 1 << 16
    /// The column names of input that continues a file whose header row was read elsewhere (a piece of
    /// a file cut at row boundaries): no header row is read, and rows are checked against these names.
    public var header: [String]?
    /// The line number of the first byte (for a piece of a file).
    public var firstLine = 1

    public init() {}

    /// The delimiter byte a name stands for: `tab` or `\\t` for a tab, otherwise one ASCII character
    /// other than a quote or a line break; nil for anything else.
    public static func delimiterByte(named name: String) -> UInt8? {
        if name == "tab" || name == "\\t" || name == "\t" { return 0x09 }
        guard name.utf8.count == 1, let b = name.utf8.first, b < 0x80, b != 0x22, b != 0x0A, b != 0x0D else { return nil }
        return b
    }
}

/// Per-field flags, set while a field is copied out of libcsv.
struct CSVFieldFlags {
    /// The field holds a `"`, `\` or control byte: JSON output must escape it.
    static let needsEscape: UInt8 = 1
    /// The field holds bytes >= 0x80 (valid UTF-8 unless `invalidUTF8` is set).
    static let nonASCII: UInt8 = 2
    /// The field is not valid UTF-8.
    static let invalidUTF8: UInt8 = 4
}

struct CSVFieldSlot {
    var start: Int
    var length: Int
    var flags: UInt8
}

struct CSVRowSlot {
    var firstField: Int
    var fieldCount: Int
    var line: Int
    var overflow: Bool
}

/// All the mutable state the libcsv callbacks touch, kept in one struct behind one pointer: no
/// retain/release or exclusivity checks on the hot path.
struct CSVParseState {
    var bytes: UnsafeMutablePointer<UInt8>
    var bytesCapacity: Int
    var bytesCount = 0
    var fields: UnsafeMutablePointer<CSVFieldSlot>
    var fieldsCapacity: Int
    var fieldsCount = 0
    var rows: UnsafeMutablePointer<CSVRowSlot>
    var rowsCapacity: Int
    var rowsCount = 0
    /// The first field of the row being parsed.
    var rowFirstField = 0
    /// The physical line on which the next row starts.
    var line = 1
    /// Line breaks inside quoted fields of the current row.
    var rowBreaks = 0
    var lastTerminatorWasCR = false
    var maxRowBytes: Int
    var rowOverflow = false

    /// Bytes past `bytesCapacity` that may be written (and read) by whole-word copies.
    static let slack = 16

    init(maxRowBytes: Int) {
        bytesCapacity = 1 << 17
        bytes = .allocate(capacity: bytesCapacity + CSVParseState.slack)
        fieldsCapacity = 4096
        fields = .allocate(capacity: fieldsCapacity)
        rowsCapacity = 1024
        rows = .allocate(capacity: rowsCapacity)
        self.maxRowBytes = maxRowBytes
    }

    func deallocate() {
        bytes.deallocate()
        fields.deallocate()
        rows.deallocate()
    }

    mutating func growBytes(_ need: Int) {
        var cap = bytesCapacity * 2
        while cap < need { cap *= 2 }
        bytes = Self.moved(bytes, count: bytesCount, to: cap + CSVParseState.slack)
        bytesCapacity = cap
    }

    mutating func growFields() {
        fieldsCapacity *= 2
        fields = Self.moved(fields, count: fieldsCount, to: fieldsCapacity)
    }

    mutating func growRows() {
        rowsCapacity *= 2
        rows = Self.moved(rows, count: rowsCount, to: rowsCapacity)
    }

    /// A new buffer of `capacity` holding the first `count` elements of `old`, which is freed.
    static func moved<T>(_ old: UnsafeMutablePointer<T>, count: Int, to capacity: Int) -> UnsafeMutablePointer<T> {
        let new = UnsafeMutablePointer<T>.allocate(capacity: capacity)
        new.update(from: old, count: count)
        old.deallocate()
        return new
    }

    /// Drops consumed rows, moving the fields of the row in progress to the front.
    mutating func compact() {
        rowsCount = 0
        let keep = fieldsCount - rowFirstField
        if keep == 0 {
            fieldsCount = 0
            bytesCount = 0
            rowFirstField = 0
            return
        }
        let byteStart = fields[rowFirstField].start
        let byteLen = bytesCount - byteStart
        if byteStart > 0 { bytes.update(from: bytes + byteStart, count: byteLen) }
        for i in 0..<keep {
            var f = fields[rowFirstField + i]
            f.start -= byteStart
            fields[i] = f
        }
        fieldsCount = keep
        bytesCount = byteLen
        rowFirstField = 0
    }
}

/// libcsv's field callback (`cb1` of `csv_parse`): copies the field and classifies its bytes.
@inline(__always)
func csvFieldCallback(_ ptr: UnsafeMutableRawPointer?, _ len: Int, _ data: UnsafeMutableRawPointer?) {
    let s = data!.assumingMemoryBound(to: CSVParseState.self)
    if s.pointee.fieldsCount == s.pointee.fieldsCapacity { s.pointee.growFields() }
    let start = s.pointee.bytesCount
    var flags: UInt8 = 0
    if len > 0, let src = ptr?.assumingMemoryBound(to: UInt8.self) {
        let rowStart = s.pointee.rowFirstField < s.pointee.fieldsCount ? s.pointee.fields[s.pointee.rowFirstField].start : start
        if start + len - rowStart > s.pointee.maxRowBytes {
            s.pointee.rowOverflow = true
            s.pointee.rowBreaks += ByteScan.countLineBreaks(src, len)
        } else {
            if start + len > s.pointee.bytesCapacity { s.pointee.growBytes(start + len) }
            // Copy and classify in one pass, a word at a time (fields are short: a memmove call per
            // field costs more than the copy).
            let dst = s.pointee.bytes + start
            if ByteScan.copyCheckingJSONText(from: src, to: dst, count: len) {
                flags = csvClassify(src, len, state: s)
            }
            s.pointee.bytesCount = start + len
        }
    }
    s.pointee.fields[s.pointee.fieldsCount] = CSVFieldSlot(start: start, length: s.pointee.bytesCount - start, flags: flags)
    s.pointee.fieldsCount += 1
}

/// The slow path for a field that holds something other than plain ASCII text.
func csvClassify(_ p: UnsafePointer<UInt8>, _ n: Int, state s: UnsafeMutablePointer<CSVParseState>) -> UInt8 {
    var flags: UInt8 = 0
    var high = false
    var control = false
    for i in 0..<n {
        let b = p[i]
        if b >= 0x80 { high = true } else if b < 0x20 { control = true; flags |= CSVFieldFlags.needsEscape } else if b == 0x22 || b == 0x5C {
            flags |= CSVFieldFlags.needsEscape
        }
    }
    if high {
        flags |= CSVFieldFlags.nonASCII
        if ByteScan.firstInvalidUTF8(p, n) != nil { flags |= CSVFieldFlags.invalidUTF8 }
    }
    if control { s.pointee.rowBreaks += ByteScan.countLineBreaks(p, n) }
    return flags
}

/// libcsv's row callback (`cb2` of `csv_parse`): records a row and advances the line count.
@inline(__always)
func csvRowCallback(_ c: Int32, _ data: UnsafeMutableRawPointer?) {
    let s = data!.assumingMemoryBound(to: CSVParseState.self)
    let count = s.pointee.fieldsCount - s.pointee.rowFirstField
    if count == 0 {
        // CSV_REPALL_NL reports every line break: an LF right after a CR ends the same line (CRLF);
        // any other empty report is a blank line, which is skipped but counted.
        if c == 0x0A && s.pointee.lastTerminatorWasCR {
            s.pointee.lastTerminatorWasCR = false
            return
        }
        s.pointee.lastTerminatorWasCR = c == 0x0D
        if c >= 0 { s.pointee.line += 1 }
        return
    }
    s.pointee.lastTerminatorWasCR = c == 0x0D
    if s.pointee.rowsCount == s.pointee.rowsCapacity { s.pointee.growRows() }
    s.pointee.rows[s.pointee.rowsCount] = CSVRowSlot(firstField: s.pointee.rowFirstField, fieldCount: count,
                                                     line: s.pointee.line, overflow: s.pointee.rowOverflow)
    s.pointee.rowsCount += 1
    s.pointee.line += 1 + s.pointee.rowBreaks
    s.pointee.rowBreaks = 0
    s.pointee.rowOverflow = false
    s.pointee.rowFirstField = s.pointee.fieldsCount
}

/// A row handed out by `CSVReader.next()`. It is a view into the reader's buffers and stays valid until
/// the next call to `next()`.
public struct CSVRow {
    let state: UnsafeMutablePointer<CSVParseState>
    let slot: CSVRowSlot

    /// The number of fields in this row.
    public var count: Int { slot.fieldCount }
    /// The physical line (1-based) on which the row starts.
    public var line: Int { slot.line }

    /// The bytes of field `i` (UTF-8).
    @inline(__always)
    public func bytes(_ i: Int) -> UnsafeRawBufferPointer {
        let f = state.pointee.fields[slot.firstField + i]
        return UnsafeRawBufferPointer(start: state.pointee.bytes + f.start, count: f.length)
    }

    @inline(__always)
    func fieldSlot(_ i: Int) -> CSVFieldSlot { state.pointee.fields[slot.firstField + i] }

    /// True when field `i` holds bytes that must be escaped in a JSON string.
    public func needsJSONEscape(_ i: Int) -> Bool { fieldSlot(i).flags & CSVFieldFlags.needsEscape != 0 }

    /// Field `i` as a String.
    public func string(_ i: Int) -> String {
        String(decoding: bytes(i), as: UTF8.self)
    }

    /// All the fields as Strings.
    public var strings: [String] { (0..<count).map(string) }

    /// The bytes from the start of the first field to the end of the last (for size limits and stats).
    var span: Int {
        guard slot.fieldCount > 0 else { return 0 }
        let first = state.pointee.fields[slot.firstField]
        let last = state.pointee.fields[slot.firstField + slot.fieldCount - 1]
        return last.start + last.length - first.start
    }
}

/// Streams CSV rows from a byte source through libcsv, in constant memory.
///
/// It handles RFC 4180 quoting (delimiters, quotes and line breaks inside quotes), LF, CRLF and CR line
/// endings, a UTF-8 byte-order mark, headerless input, any single-byte delimiter, and Windows-1252 or
/// Latin-1 input. Ragged rows and invalid UTF-8 are reported with `file:line`; after such an error,
/// `next()` can be called again to go on with the following row.
public final class CSVReader {
    public let source: any ByteSource
    public let options: CSVReadOptions
    /// The column names: the header row, or `1`, `2`, ... for headerless input (set by the first row).
    @exclusivity(unchecked) public private(set) var header: [String] = []
    /// The line of the header row.
    @exclusivity(unchecked) public private(set) var headerLine = 0
    /// Rows returned so far (header excluded).
    @exclusivity(unchecked) public private(set) var rowsRead = 0
    /// The fields of the last row `next()` refused (ragged or not UTF-8), so it can be kept in a reject
    /// file; invalid UTF-8 is replaced with U+FFFD.
    @exclusivity(unchecked) public private(set) var lastRejectedRow: [String]?
    /// What the last failed `next()` was, for a quarantine: its rule (`encoding` for invalid UTF-8, `csv`
    /// otherwise), the fields as read (nil when there are none), and whether reading must stop (a quote
    /// never closed took the rest of the input).
    public func rejection(_ error: PaddockError) -> (rule: String, fields: [String]?, stop: Bool) {
        (error.message.contains("UTF-8") ? "encoding" : "csv", lastRejectedRow,
         lastRejectedRow == nil && error.message.contains("never closed"))
    }

    /// Hands every data row to `body`. A row that cannot be read (`.record` errors: the wrong number of
    /// fields, invalid UTF-8, too long, a quote never closed) goes to `unreadable` with what `rejection`
    /// says of it, and reading goes on (or ends, for a quote never closed). Any other error ends the read:
    /// a truncated or unreadable input is never taken for its end.
    @inlinable
    public func forEachRow(_ body: (CSVRow) throws(PaddockError) -> Void,
                           unreadable: (PaddockError, _ rule: String, _ fields: [String]?) throws(PaddockError) -> Void) throws(PaddockError) {
        while true {
            let row: CSVRow
            do {
                guard let r = try next() else { return }
                row = r
            } catch {
                guard error.kind == .record else { throw error }
                let r = rejection(error)
                try unreadable(error, r.rule, r.fields)
                if r.stop { return }
                continue
            }
            try body(row)
        }
    }

    /// Bytes read from the source so far (after decompression, before transcoding).
    @exclusivity(unchecked) public private(set) var bytesRead = 0

    private let parser: UnsafeMutablePointer<csv_parser>
    private let state: UnsafeMutablePointer<CSVParseState>
    private let chunk: UnsafeMutablePointer<UInt8>
    private let transcoded: UnsafeMutablePointer<UInt8>?
    @exclusivity(unchecked) private var rowCursor = 0
    @exclusivity(unchecked) private var ended = false
    @exclusivity(unchecked) private var started = false
    @exclusivity(unchecked) private var headerDone = false

    public init(source: any ByteSource, options: CSVReadOptions = CSVReadOptions()) {
        self.source = source
        parser = .allocate(capacity: 1)
        csv_init(parser, UInt8(CSV_REPALL_NL))
        csv_set_delim(parser, options.delimiter)
        // libcsv trims spaces around unquoted fields unless told that no byte is a space: keep them.
        csv_set_space_func(parser, paddock_csv_no_space)
        state = .allocate(capacity: 1)
        state.initialize(to: CSVParseState(maxRowBytes: options.maxRowBytes))
        state.pointee.line = options.firstLine
        var options = options
        options.chunkSize = max(options.chunkSize, 16)
        self.options = options
        chunk = .allocate(capacity: options.chunkSize)
        transcoded = options.encoding == .utf8 ? nil : .allocate(capacity: options.chunkSize * 3)
    }

    deinit {
        csv_free(parser)
        parser.deallocate()
        state.pointee.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
        chunk.deallocate()
        transcoded?.deallocate()
    }

    private var location: SourceLocation { SourceLocation(file: source.name) }

    /// Reads the header now (it is read by the first `next()` otherwise) and returns it.
    @discardableResult
    public func readHeader() throws(PaddockError) -> [String] {
        if !headerDone { try takeHeader() }
        return header
    }

    private func takeHeader() throws(PaddockError) {
        headerDone = true
        if let preset = options.header {
            header = preset
            return
        }
        guard options.hasHeader else { return }
        guard let slot = try nextSlot() else { return }
        let row = CSVRow(state: state, slot: slot)
        headerLine = slot.line
        for i in 0..<row.count where row.fieldSlot(i).flags & CSVFieldFlags.invalidUTF8 != 0 {
            throw PaddockError(.parse, "header field \(i + 1) is not valid UTF-8",
                               at: SourceLocation(file: source.name, line: slot.line),
                               hint: undecodableHint)
        }
        header = row.strings
    }

    /// Returns the next data row, or nil at the end of the input.
    ///
    /// Throws for a ragged row (unless `allowRagged`), a field that is not valid UTF-8, a row above
    /// `maxRowBytes`, or a failing source. Calling again after such an error goes on with the next row.
    public func next() throws(PaddockError) -> CSVRow? {
        if !headerDone { try takeHeader() }
        guard let slot = try nextSlot() else { return nil }
        let row = CSVRow(state: state, slot: slot)
        rowsRead += 1
        lastRejectedRow = nil
        if (!options.hasHeader || options.allowRagged) && options.header == nil && header.count < slot.fieldCount {
            header += (header.count..<slot.fieldCount).map { String($0 + 1) }
        }
        if slot.overflow {
            throw PaddockError(.record, "row is longer than \(options.maxRowBytes) bytes",
                               at: SourceLocation(file: source.name, line: slot.line),
                               hint: "is a quote left open? an unbalanced quote makes the rest of the file one field")
        }
        if !options.allowRagged && options.hasHeader && slot.fieldCount != header.count {
            lastRejectedRow = row.strings
            throw PaddockError(.record, "row has \(slot.fieldCount) field\(slot.fieldCount == 1 ? "" : "s"), the header has \(header.count)",
                               at: SourceLocation(file: source.name, line: slot.line))
        }
        for i in 0..<slot.fieldCount where row.fieldSlot(i).flags & CSVFieldFlags.invalidUTF8 != 0 {
            lastRejectedRow = row.strings
            let name = i < header.count ? header[i] : String(i + 1)
            throw PaddockError(.record, "field \(name) is not valid UTF-8",
                               at: SourceLocation(file: source.name, line: slot.line, field: nil),
                               hint: undecodableHint)
        }
        return row
    }

    /// What the first bytes of the input say it is, for the hint of a field that is not valid UTF-8: a
    /// gzip or zip archive, or binary data (NUL bytes), is not a text in another encoding.
    @exclusivity(unchecked) private var sniffed: [UInt8] = []

    var undecodableHint: String {
        let b = sniffed
        if b.count >= 2 && b[0] == 0x1F && b[1] == 0x8B { return "the file is gzip-compressed, not CSV text: gunzip it first (zstd is read as it is)" }
        if b.count >= 4 && b[0] == 0x50 && b[1] == 0x4B && b[2] == 0x03 && b[3] == 0x04 { return "the file is a zip archive (or an .xlsx workbook), not CSV text: extract or export the CSV first" }
        if b.contains(0) { return "the file holds NUL bytes: it looks binary (or UTF-16), not CSV text" }
        return "pass --encoding cp1252 (or latin1) if the file is not UTF-8"
    }

    private func nextSlot() throws(PaddockError) -> CSVRowSlot? {
        while rowCursor >= state.pointee.rowsCount {
            if ended { return nil }
            try fill()
        }
        let slot = state.pointee.rows[rowCursor]
        rowCursor += 1
        return slot
    }

    /// Reads one chunk and feeds it to libcsv; at the end of the source, calls `csv_fini`.
    private func fill() throws(PaddockError) {
        state.pointee.compact()
        rowCursor = 0
        var n = try source.read(into: chunk, count: options.chunkSize)
        bytesRead += n
        var data = UnsafePointer(chunk)
        if !started && n > 0 {
            started = true
            // A UTF-8 byte-order mark is dropped. (A short first read is topped up so the BOM is seen whole.)
            while n < 3 {
                let m = try source.read(into: chunk + n, count: options.chunkSize - n)
                if m == 0 { break }
                n += m
                bytesRead += m
            }
            sniffed = Array(UnsafeBufferPointer(start: chunk, count: min(n, 512)))
            if n >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF {
                data += 3
                n -= 3
                if n == 0 { return }  // the BOM was all there was in this read; not the end of input
            }
        }
        if n == 0 {
            ended = true
            // libcsv (outside strict mode) would silently close a quote left open at the end of input.
            if parser.pointee.pstate == 2 && parser.pointee.quoted != 0 {
                let line = state.pointee.line
                csv_fini(parser, { p, l, d in csvFieldCallback(p, l, d) }, { c, d in csvRowCallback(c, d) }, state)
                // Drop the row that swallowed the rest of the file and report it.
                state.pointee.rowsCount = rowCursor
                throw PaddockError(.record, "a quoted field opened on this line is never closed",
                                   at: SourceLocation(file: source.name, line: line),
                                   hint: "the rest of the file would be one field; fix the quote")
            }
            csv_fini(parser, { p, l, d in csvFieldCallback(p, l, d) }, { c, d in csvRowCallback(c, d) }, state)
            return
        }
        if let out = transcoded {
            n = TextEncoding.transcodeSingleByte(options.encoding, data, n, into: out)
            data = UnsafePointer(out)
        }
        let used = csv_parse(parser, data, n, { p, l, d in csvFieldCallback(p, l, d) }, { c, d in csvRowCallback(c, d) }, state)
        if used != n {
            let code = csv_error(parser)
            let text = String(cString: csv_strerror(code))
            throw PaddockError(.parse, "csv: \(text)", at: SourceLocation(file: source.name, line: state.pointee.line))
        }
    }
}
