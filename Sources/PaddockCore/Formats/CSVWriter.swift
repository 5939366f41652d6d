/// Writes RFC 4180 CSV: a field is quoted when it holds the delimiter, a quote, CR or LF, and quotes
/// inside are doubled. Rows end with LF (or CRLF). Deterministic.
public struct CSVWriter: Sendable {
    public var delimiter: UInt8
    public var crlf: Bool

    public init(delimiter: UInt8 = UInt8(ascii: ","), crlf: Bool = false) {
        self.delimiter = delimiter
        self.crlf = crlf
    }

    /// True when `bytes` must be quoted.
    @inlinable
    public func needsQuotes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for b in bytes where b == delimiter || b == 0x22 || b == 0x0A || b == 0x0D { return true }
        return false
    }

    /// Appends one field (without the delimiter before it).
    @inlinable
    public func appendField<W: ByteAppending>(_ bytes: UnsafeRawBufferPointer, to w: inout W) {
        guard needsQuotes(bytes) else {
            w.appendBytes(bytes)
            return
        }
        w.appendByte(0x22)
        var runStart = 0
        for (i, b) in bytes.enumerated() where b == 0x22 {
            w.appendBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart...i]))
            w.appendByte(0x22)
            runStart = i + 1
        }
        w.appendBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart...]))
        w.appendByte(0x22)
    }

    @inlinable
    public func appendField<W: ByteAppending>(_ s: String, to w: inout W) {
        var s = s
        s.withUTF8 { appendField(UnsafeRawBufferPointer($0), to: &w) }
    }

    @inlinable
    public func appendDelimiter<W: ByteAppending>(to w: inout W) { w.appendByte(delimiter) }

    @inlinable
    public func appendLineEnd<W: ByteAppending>(to w: inout W) {
        if crlf { w.appendByte(0x0D) }
        w.appendByte(0x0A)
    }

    /// Appends `""`: a row whose only field is empty must not be written as a blank line, which
    /// readers skip. Call it for such rows instead of writing nothing.
    public func appendLoneEmptyField<W: ByteAppending>(to w: inout W) {
        w.appendByte(0x22)
        w.appendByte(0x22)
    }

    /// Appends a whole row of strings.
    public func appendRow<W: ByteAppending>(_ fields: [String], to w: inout W) {
        if fields.count == 1 && fields[0].isEmpty {
            appendLoneEmptyField(to: &w)
            appendLineEnd(to: &w)
            return
        }
        for (i, f) in fields.enumerated() {
            if i > 0 { w.appendByte(delimiter) }
            appendField(f, to: &w)
        }
        appendLineEnd(to: &w)
    }
}
