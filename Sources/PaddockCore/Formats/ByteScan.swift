/// Byte-level scanning helpers shared by the CSV and JSON code: SWAR tests on 8-byte words and UTF-8
/// validation.
enum ByteScan {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Non-zero when any byte of `w` is zero.
    @inline(__always)
    static func hasZero(_ w: UInt64) -> UInt64 { (w &- ones) & ~w & highs }

    /// Non-zero when any byte of `w` needs attention in a JSON string: a control byte (< 0x20), `"`,
    /// `\` or a byte >= 0x80.
    @inline(__always)
    static func jsonAttention(_ w: UInt64) -> UInt64 {
        let control = (w &- ones &* 0x20) & ~w & highs
        return (w & highs) | control | hasZero(w ^ (ones &* 0x22)) | hasZero(w ^ (ones &* 0x5C))
    }

    /// Loads up to 7 trailing bytes into a word padded with spaces (which need no attention).
    @inline(__always)
    static func loadTail(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var w: UInt64 = 0x2020_2020_2020_2020
        withUnsafeMutableBytes(of: &w) { dst in
            dst.baseAddress!.copyMemory(from: p, byteCount: n)
        }
        return w
    }

    /// True when `n` bytes at `p` hold nothing that needs escaping in JSON and are plain ASCII.
    @inline(__always)
    static func isPlainJSONText(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        var acc: UInt64 = 0
        while i + 8 <= n {
            acc |= jsonAttention(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
            i += 8
        }
        if i < n { acc |= jsonAttention(loadTail(p + i, n - i)) }
        return acc == 0
    }

    /// Copies `n` bytes from `src` to `dst` a word at a time and says whether any needs attention in a
    /// JSON string (see `jsonAttention`). `dst` must have 8 writable bytes past `n`; `src` is read only
    /// within its `n` bytes.
    @inline(__always)
    static func copyCheckingJSONText(from src: UnsafePointer<UInt8>, to dst: UnsafeMutablePointer<UInt8>, count n: Int) -> Bool {
        var acc: UInt64 = 0
        if n >= 8 {
            var i = 0
            while i + 8 <= n {
                let w = UnsafeRawPointer(src + i).loadUnaligned(as: UInt64.self)
                acc |= jsonAttention(w)
                UnsafeMutableRawPointer(dst + i).storeBytes(of: w, as: UInt64.self)
                i += 8
            }
            if i < n {
                // The last word overlaps bytes already copied and checked.
                let w = UnsafeRawPointer(src + n - 8).loadUnaligned(as: UInt64.self)
                acc |= jsonAttention(w)
                UnsafeMutableRawPointer(dst + n - 8).storeBytes(of: w, as: UInt64.self)
            }
        } else {
            var w: UInt64 = 0x2020_2020_2020_2020
            for i in 0..<n { w = (w & ~(0xFF << (UInt64(i) * 8))) | UInt64(src[i]) << (UInt64(i) * 8) }
            acc = jsonAttention(w)
            UnsafeMutableRawPointer(dst).storeBytes(of: w, as: UInt64.self)
        }
        return acc != 0
    }

    /// Copies `n` bytes a word at a time; both sides must have 8 bytes of slack past `n`.
    @inline(__always)
    static func copyWords(from src: UnsafePointer<UInt8>, to dst: UnsafeMutablePointer<UInt8>, count n: Int) {
        var i = 0
        while i < n {
            UnsafeMutableRawPointer(dst + i).storeBytes(of: UnsafeRawPointer(src + i).loadUnaligned(as: UInt64.self), as: UInt64.self)
            i += 8
        }
    }

    /// Validates UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
    /// - Returns: the offset of the first invalid byte, or nil when all is valid.
    static func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        var i = 0
        while i < n {
            // ASCII run, a word at a time.
            while i + 8 <= n && UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) & highs == 0 { i += 8 }
            if i >= n { break }
            let b0 = p[i]
            if b0 < 0x80 { i += 1; continue }
            var need = 0
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return i
            }
            if i + need >= n { return i }
            let b1 = p[i + 1]
            if b1 < lo || b1 > hi { return i }
            var k = 2
            while k <= need {
                let b = p[i + k]
                if b < 0x80 || b > 0xBF { return i }
                k += 1
            }
            i += need + 1
        }
        return nil
    }

    /// Counts line breaks (LF, CRLF and lone CR each count once) in `n` bytes at `p`.
    static func countLineBreaks(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var count = 0
        var i = 0
        while i < n {
            let b = p[i]
            if b == 0x0A {
                count += 1
            } else if b == 0x0D {
                count += 1
                if i + 1 < n && p[i + 1] == 0x0A { i += 1 }
            }
            i += 1
        }
        return count
    }
}

/// Text encodings Paddock can read and convert to UTF-8.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    /// Windows-1252, as used by football-data.co.uk. The five undefined bytes map to C1 controls
    /// (as the WHATWG Encoding Standard does).
    case cp1252 = "cp1252"
    /// ISO-8859-1.
    case latin1 = "latin1"

    /// Accepts common spellings: utf8, UTF-8, windows-1252, cp1252, latin1, iso-8859-1.
    public init?(name: String) {
        switch name.lowercased() {
        case "utf-8", "utf8": self = .utf8
        case "cp1252", "windows-1252", "win1252": self = .cp1252
        case "latin1", "latin-1", "iso-8859-1", "iso8859-1": self = .latin1
        default: return nil
        }
    }

    /// Code points of Windows-1252 bytes 0x80...0x9F.
    static let cp1252High: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// Transcodes a single-byte encoding to UTF-8, appending to `out` (at most 3 bytes per input byte).
    /// - Returns: the number of bytes written.
    static func transcodeSingleByte(_ enc: TextEncoding, _ src: UnsafePointer<UInt8>, _ n: Int,
                                    into out: UnsafeMutablePointer<UInt8>) -> Int {
        var o = 0
        for i in 0..<n {
            let b = src[i]
            if b < 0x80 { out[o] = b; o += 1; continue }
            var cp = UInt32(b)
            if enc == .cp1252 && b < 0xA0 { cp = UInt32(cp1252High[Int(b - 0x80)]) }
            if cp < 0x800 {
                out[o] = UInt8(0xC0 | (cp >> 6)); out[o + 1] = UInt8(0x80 | (cp & 0x3F)); o += 2
            } else {
                out[o] = UInt8(0xE0 | (cp >> 12)); out[o + 1] = UInt8(0x80 | ((cp >> 6) & 0x3F))
                out[o + 2] = UInt8(0x80 | (cp & 0x3F)); o += 3
            }
        }
        return o
    }
}
