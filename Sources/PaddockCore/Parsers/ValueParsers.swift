/// Pure parsers for the text values found in sports data (dates, odds, race distances, weights,
/// times, beaten distances, positions, scores, money), called by name from declarative mappings.
///
/// Every parser takes the raw text of one field and returns a typed value, or nil when the text
/// cannot be parsed; none of them throws, allocates on the way in, or depends on the locale.
/// Surrounding whitespace (ASCII blanks and U+00A0 no-break space) is ignored everywhere, and
/// letters are matched case-insensitively. The parsers work on the UTF-8 bytes of the text: no
/// Foundation, no Regex.
///
/// The parsers are split by subject over the files of this folder:
/// - `DateParsers.swift`: ``date(_:format:pivotYear:)``, ``datetime(_:format:timeZone:)``,
///   ``timeZoneOffset(_:)``, ``isValidFormat(_:)``.
/// - `RacingParsers.swift`: ``odds(_:)``, ``distance(_:)``, ``weight(_:)``, ``raceTime(_:)``,
///   ``beatenDistance(_:)``, ``position(_:)``.
/// - `FootballParsers.swift`: ``score(_:)``, ``matchStatus(_:)``,
///   ``openfootballScore(ft:ht:et:p:)``.
/// - `MoneyParser.swift`: ``money(_:)``.
///
/// Each of those files also holds the `FieldParsers` entries of its parsers (what `parser:` names).
public enum ValueParsers {}

// MARK: - Byte scanning

extension ValueParsers {
    /// Runs `body` over the UTF-8 bytes of `s`, without copying when the string is stored
    /// contiguously (native Swift strings always are).
    @inline(__always)
    static func withBytes<S: StringProtocol, R>(_ s: S, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let r = s.utf8.withContiguousStorageIfAvailable(body) { return r }
        var copy = String(s)
        return copy.withUTF8(body)
    }

    /// A cursor over the UTF-8 bytes of one value, trimmed of surrounding whitespace.
    ///
    /// `peek` returns 0 past the end, so lookahead needs no bounds checks at the call sites (a
    /// NUL byte in the input never matches anything the parsers look for either).
    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        /// The cursor.
        var i: Int
        /// The end of the trimmed value.
        var end: Int

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            i = 0
            end = bytes.count
            while i < end {
                if Scanner.isBlank(bytes[i]) { i += 1 } else if i + 1 < end && bytes[i] == 0xC2 && bytes[i + 1] == 0xA0 { i += 2 } else { break }
            }
            while end > i {
                if Scanner.isBlank(bytes[end - 1]) { end -= 1 } else if end - i >= 2 && bytes[end - 2] == 0xC2 && bytes[end - 1] == 0xA0 { end -= 2 } else { break }
            }
        }

        @inline(__always) static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
        @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
        @inline(__always) static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) &- 0x61 < 26 }
        /// The ASCII lower case of `c` (other bytes unchanged).
        @inline(__always) static func lower(_ c: UInt8) -> UInt8 { c &- 0x41 < 26 ? c | 0x20 : c }

        var isAtEnd: Bool { i >= end }
        var remaining: Int { end - i }

        /// The byte `k` places after the cursor, or 0 past the end.
        @inline(__always) func peek(_ k: Int = 0) -> UInt8 { i + k < end ? bytes[i + k] : 0 }

        /// Skips `c` if it is next.
        @inline(__always) mutating func skip(_ c: UInt8) -> Bool {
            guard peek() == c else { return false }
            i += 1
            return true
        }

        /// Skips blanks (ASCII whitespace and no-break spaces); returns whether there were any.
        @discardableResult
        mutating func skipBlanks() -> Bool {
            let start = i
            while i < end {
                if Scanner.isBlank(bytes[i]) { i += 1 } else if peek() == 0xC2 && peek(1) == 0xA0 { i += 2 } else { break }
            }
            return i > start
        }

        /// Reads at least `min` and at most `max` decimal digits as an integer.
        mutating func digits(min: Int = 1, max: Int) -> Int? {
            var v = 0, n = 0
            while n < max, Scanner.isDigit(peek()) {
                v = v * 10 + Int(peek() - 0x30)
                i += 1
                n += 1
            }
            return n >= min ? v : nil
        }

        /// Reads `[digits][.digits]` (at least one digit; a dot must be followed by a digit; a
        /// leading dot only when `leadingDot`), with at most 15 significant digits so that the value
        /// converts to a Double exactly.
        mutating func decimal(leadingDot: Bool = true) -> DecimalText? {
            let start = i
            var d = DecimalText(mantissa: 0, scale: 0)
            var significant = 0
            var intDigits = 0
            while Scanner.isDigit(peek()) {
                let v = Int(peek() - 0x30)
                if d.mantissa != 0 || v != 0 { significant += 1 }
                guard significant <= 15 else { i = start; return nil }
                d.mantissa = d.mantissa * 10 + v
                intDigits += 1
                i += 1
            }
            if peek() == UInt8(ascii: "."), Scanner.isDigit(peek(1)), intDigits > 0 || leadingDot {
                i += 1
                while Scanner.isDigit(peek()) {
                    let v = Int(peek() - 0x30)
                    if d.mantissa != 0 || v != 0 { significant += 1 }
                    guard significant <= 15, d.scale < 22 else { i = start; return nil }
                    d.mantissa = d.mantissa * 10 + v
                    d.scale += 1
                    i += 1
                }
            }
            guard intDigits > 0 || d.scale > 0 else { i = start; return nil }
            return d
        }

        /// Reads a vulgar fraction character (`¼`, `½`, `¾`) as a number of quarters.
        mutating func quarters() -> Int? {
            guard peek() == 0xC2 else { return nil }
            let q: Int
            switch peek(1) {
            case 0xBC: q = 1
            case 0xBD: q = 2
            case 0xBE: q = 3
            default: return nil
            }
            i += 2
            return q
        }

        /// Skips a dash: `-`, en dash, em dash or minus sign.
        mutating func skipDash() -> Bool {
            if peek() == UInt8(ascii: "-") { i += 1; return true }
            if peek() == 0xE2 && peek(1) == 0x80 && (peek(2) == 0x93 || peek(2) == 0x94) { i += 3; return true }
            if peek() == 0xE2 && peek(1) == 0x88 && peek(2) == 0x92 { i += 3; return true }
            return false
        }

        /// The number of ASCII letters from the cursor.
        func letterCount() -> Int {
            var n = 0
            while Scanner.isLetter(peek(n)) { n += 1 }
            return n
        }

        /// Whether the `count` bytes from the cursor are the lower-case ASCII `word`, ignoring case.
        func letters(_ count: Int, equal word: StaticString) -> Bool {
            guard word.utf8CodeUnitCount == count, count <= remaining else { return false }
            let w = word.utf8Start
            for k in 0..<count where Scanner.lower(bytes[i + k]) != w[k] { return false }
            return true
        }

        /// Skips the lower-case ASCII `word` if it comes next, ignoring case.
        mutating func skipPrefix(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard n <= remaining else { return false }
            let w = word.utf8Start
            for k in 0..<n where Scanner.lower(bytes[i + k]) != w[k] { return false }
            i += n
            return true
        }

        /// Whether the rest of the value spells the lower-case ASCII `word`, ignoring case and any
        /// `.`, `-`, `_` and blanks (so `sht-hd` and `s.h` spell `shthd` and `sh`).
        func restSpells(_ word: StaticString) -> Bool {
            let w = word.utf8Start, n = word.utf8CodeUnitCount
            var k = 0, j = i
            while j < end {
                let c = bytes[j]
                j += 1
                if c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || Scanner.isBlank(c) { continue }
                guard k < n, Scanner.lower(c) == w[k] else { return false }
                k += 1
            }
            return k == n
        }

        /// Drops one pair of enclosing brackets, `(…)` or `[…]`, and the blanks inside them.
        mutating func dropEnclosingBrackets() {
            guard remaining >= 2 else { return }
            let open = bytes[i], close = bytes[end - 1]
            guard (open == UInt8(ascii: "(") && close == UInt8(ascii: ")")) || (open == UInt8(ascii: "[") && close == UInt8(ascii: "]")) else { return }
            i += 1
            end -= 1
            skipBlanks()
            while end > i && Scanner.isBlank(bytes[end - 1]) { end -= 1 }
        }
    }

    /// A decimal number as written: `mantissa / 10^scale`.
    struct DecimalText {
        var mantissa: Int
        var scale: Int

        /// The nearest Double (exact conversion: the mantissa is below 2^53 and 10^scale ≤ 10^22).
        var double: Double { Double(mantissa) / ValueParsers.powersOfTen[scale] }
    }

    /// 10^0 ... 10^22, all exact as Doubles.
    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]
}

// MARK: - Text output

extension ValueParsers {
    /// `value` with exactly `places` decimals (rounded half away from zero), or with at most
    /// `places` and no trailing zeros (nor a trailing dot) when `trimZeros`. Deterministic: no
    /// locale, no exponent for values below 10^15.
    public static func fixedText(_ value: Double, places: Int, trimZeros: Bool) -> String {
        var out: [UInt8] = []
        appendFixed(value, places: places, trimZeros: trimZeros, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends ``fixedText(_:places:trimZeros:)`` to `out`, without allocating a String.
    public static func appendFixed<W: ByteAppending>(_ value: Double, places: Int, trimZeros: Bool, to out: inout W) {
        precondition(places >= 0 && places <= 6)
        guard value.isFinite else { out.appendString(String(value)); return }
        let scale = Int(powersOfTen[places])
        let scaled = (value.magnitude * Double(scale)).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { out.appendString(String(value)); return }
        let units = Int(scaled)
        var fraction = units % scale
        var digits = places
        if trimZeros {
            while digits > 0 && fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        }
        if value < 0 && units != 0 { out.appendByte(UInt8(ascii: "-")) }
        appendInt(units / scale, to: &out)
        if digits > 0 {
            out.appendByte(UInt8(ascii: "."))
            var divisor = 1
            for _ in 1..<digits { divisor *= 10 }
            while divisor > 0 {
                out.appendByte(UInt8(truncatingIfNeeded: 0x30 + fraction / divisor % 10))
                divisor /= 10
            }
        }
    }

    /// Appends the decimal digits of `value` (with a `-` when negative).
    public static func appendInt<W: ByteAppending>(_ value: Int, to out: inout W) {
        if value < 0 {
            guard value != Int.min else { out.appendString(String(value)); return }
            out.appendByte(UInt8(ascii: "-"))
        }
        var v = value.magnitude
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        let n = withUnsafeMutableBytes(of: &tmp) { p -> Int in
            var k = 24
            repeat {
                k -= 1
                p[k] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                v /= 10
            } while v > 0
            out.appendBytes(UnsafeRawBufferPointer(rebasing: p[k...]))
            return 24 - k
        }
        _ = n
    }

    /// Writes `value` as `width` decimal digits, zero-padded, at `p`.
    @inline(__always)
    static func putDigits(_ value: Int, _ width: Int, _ p: UnsafeMutableBufferPointer<UInt8>, at: Int) {
        var v = value
        var k = at + width - 1
        while k >= at {
            p[k] = UInt8(0x30 + v % 10)
            v /= 10
            k -= 1
        }
    }
}
