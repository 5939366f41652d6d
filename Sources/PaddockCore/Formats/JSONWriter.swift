/// Writes JSON text: escaped strings and compact re-serialisation of parsed values. Deterministic: the
/// same values always give the same bytes.
public enum JSONWriter {
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `bytes` (valid UTF-8) as the content of a JSON string, escaping `"`, `\` and control bytes.
    public static func appendEscaped<W: ByteAppending>(_ bytes: UnsafeRawBufferPointer, to w: inout W) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        if ByteScan.isPlainJSONText(base, bytes.count) {
            w.appendBytes(bytes)
        } else {
            appendEscapedSlow(base, bytes.count, to: &w)
        }
    }

    static func appendEscapedSlow<W: ByteAppending>(_ p: UnsafePointer<UInt8>, _ n: Int, to w: inout W) {
        var runStart = 0
        for i in 0..<n {
            let b = p[i]
            guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
            if i > runStart { w.appendBytes(UnsafeRawBufferPointer(start: p + runStart, count: i - runStart)) }
            runStart = i + 1
            w.appendByte(UInt8(ascii: "\\"))
            switch b {
            case 0x22: w.appendByte(0x22)
            case 0x5C: w.appendByte(0x5C)
            case 0x0A: w.appendByte(UInt8(ascii: "n"))
            case 0x0D: w.appendByte(UInt8(ascii: "r"))
            case 0x09: w.appendByte(UInt8(ascii: "t"))
            case 0x08: w.appendByte(UInt8(ascii: "b"))
            case 0x0C: w.appendByte(UInt8(ascii: "f"))
            default:
                w.appendStatic("u00")
                w.appendByte(hexDigits[Int(b >> 4)])
                w.appendByte(hexDigits[Int(b & 0xF)])
            }
        }
        if n > runStart { w.appendBytes(UnsafeRawBufferPointer(start: p + runStart, count: n - runStart)) }
    }

    /// Appends a quoted, escaped JSON string.
    public static func appendString<W: ByteAppending>(_ s: String, to w: inout W) {
        w.appendByte(0x22)
        var s = s
        s.withUTF8 { appendEscaped(UnsafeRawBufferPointer($0), to: &w) }
        w.appendByte(0x22)
    }

    /// Appends a parsed value as compact JSON. Strings keep their escapes as written; numbers their text.
    public static func appendCompact<W: ByteAppending>(_ node: JSONNode, to w: inout W) {
        let t = node.token
        switch t.kind {
        case .string:
            w.appendByte(0x22)
            w.appendBytes(node.rawBytes)
            w.appendByte(0x22)
        case .number, .true, .false, .null:
            w.appendBytes(node.rawBytes)
        case .object:
            w.appendByte(UInt8(ascii: "{"))
            var first = true
            node.forEachMember { k, v in
                if !first { w.appendByte(UInt8(ascii: ",")) }
                first = false
                appendCompact(k, to: &w)
                w.appendByte(UInt8(ascii: ":"))
                appendCompact(v, to: &w)
            }
            w.appendByte(UInt8(ascii: "}"))
        case .array:
            w.appendByte(UInt8(ascii: "["))
            var k = node.index + 1
            let end = Int(t.end)
            var first = true
            while k < end {
                if !first { w.appendByte(UInt8(ascii: ",")) }
                first = false
                appendCompact(JSONNode(doc: node.doc, index: k), to: &w)
                k = Int(node.doc.tokens[k].end)
            }
            w.appendByte(UInt8(ascii: "]"))
        }
    }
}

/// Reads lines from a byte source, in constant memory: a line is handed out as a view into the reader's
/// buffer, valid until the next call. LF and CRLF endings are accepted; a UTF-8 BOM at the start is
/// dropped; lines longer than `maxLineBytes` are reported, and skipped if `next()` is called again.
public final class LineReader {
    public let source: any ByteSource
    public let maxLineBytes: Int
    /// The number of the line last returned (1-based).
    @exclusivity(unchecked) public private(set) var lineNumber = 0
    @exclusivity(unchecked) public private(set) var bytesRead = 0

    @exclusivity(unchecked) private var buffer: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var start = 0
    @exclusivity(unchecked) private var end = 0
    @exclusivity(unchecked) private var eof = false
    @exclusivity(unchecked) private var started = false
    @exclusivity(unchecked) private var skippingLongLine = false

    public init(source: any ByteSource, maxLineBytes: Int = 64 << 20, bufferSize: Int = 1 << 18) {
        self.source = source
        self.maxLineBytes = maxLineBytes
        self.capacity = bufferSize
        self.buffer = .allocate(capacity: bufferSize)
    }

    deinit { buffer.deallocate() }

    /// Returns the next line without its line break, or nil at the end of input.
    ///
    /// A line longer than `maxLineBytes` (line break excluded) is reported with its number and
    /// skipped; the next call goes on with the line after it.
    public func next() throws(PaddockError) -> UnsafeRawBufferPointer? {
        while true {
            if let nl = findNewline() {
                lineNumber += 1
                let lineStart = start
                start = nl + 1
                if skippingLongLine {
                    skippingLongLine = false
                    continue
                }
                var len = nl - lineStart
                if len > 0 && buffer[lineStart + len - 1] == 0x0D { len -= 1 }
                if len > maxLineBytes { throw tooLong(lineNumber) }
                return UnsafeRawBufferPointer(start: buffer + lineStart, count: len)
            }
            if eof {
                guard start < end else { return nil }
                lineNumber += 1
                let lineStart = start
                start = end
                if skippingLongLine { skippingLongLine = false; return nil }
                var len = end - lineStart
                if len > 0 && buffer[lineStart + len - 1] == 0x0D { len -= 1 }
                if len > maxLineBytes { throw tooLong(lineNumber) }
                return UnsafeRawBufferPointer(start: buffer + lineStart, count: len)
            }
            try refill()
        }
    }

    /// Hands every line to `body` (empty ones too). A line over the limit (a `.record` error) goes to
    /// `unreadable` with its line number, and reading goes on; any other error ends the read: a truncated
    /// or unreadable input is never taken for its end.
    @inlinable
    public func forEach(_ body: (UnsafeRawBufferPointer) throws(PaddockError) -> Void,
                        unreadable: (PaddockError, _ line: Int) throws(PaddockError) -> Void) throws(PaddockError) {
        while true {
            let line: UnsafeRawBufferPointer
            do {
                guard let l = try next() else { return }
                line = l
            } catch {
                guard error.kind == .record else { throw error }
                try unreadable(error, error.location?.line ?? lineNumber + 1)
                continue
            }
            try body(line)
        }
    }

    private func tooLong(_ line: Int) -> PaddockError {
        PaddockError(.record, "line is longer than \(maxLineBytes) bytes", at: SourceLocation(file: source.name, line: line))
    }

    private func findNewline() -> Int? {
        guard start < end else { return nil }
        guard let p = memchr(buffer + start, 0x0A, end - start) else { return nil }
        return buffer.distance(to: p.assumingMemoryBound(to: UInt8.self))
    }

    private func refill() throws(PaddockError) {
        // Move the partial line to the front.
        if start > 0 {
            if end > start { buffer.update(from: buffer + start, count: end - start) }
            end -= start
            start = 0
        }
        // A partial line already past the limit (plus room for CRLF): report once, then drop bytes
        // until the next line break.
        if end > maxLineBytes + 1 {
            end = 0
            if !skippingLongLine {
                skippingLongLine = true
                throw tooLong(lineNumber + 1)
            }
        }
        if end == capacity {
            let newCap = max(min(capacity * 2, maxLineBytes + 2), capacity + 1)
            let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: newCap)
            nb.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = nb
            capacity = newCap
        }
        let n = try source.read(into: buffer + end, count: capacity - end)
        if n == 0 { eof = true; return }
        bytesRead += n
        end += n
        if !started && end >= 3 {
            started = true
            if buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { start = 3 }
        }
    }
}

/// Calls `body` with each record (parsed JSON) of an NDJSON file and its line number; blank lines are
/// skipped and an invalid line stops with its file:line.
public func forEachNDJSONRecord(_ path: String, _ body: (JSONNode, Int) throws(PaddockError) -> Void) throws(PaddockError) {
    let lines = LineReader(source: try Input.open(path))
    var parser = JSONParser()
    while let line = try lines.next() {
        if line.isEmpty { continue }
        let doc: JSONDocument
        do { doc = try parser.parse(line) } catch { throw error.paddockError(file: path, line: lines.lineNumber) }
        try body(doc.root, lines.lineNumber)
    }
}

#if canImport(Glibc)
import Glibc
#endif
