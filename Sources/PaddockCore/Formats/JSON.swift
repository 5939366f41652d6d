/// The kind of a JSON value.
public enum JSONKind: UInt8, Sendable {
    case object, array, string, number, `true`, `false`, null
}

/// One entry of a parsed document's tape. Objects are followed by their key/value tokens, arrays by
/// their elements; `end` is the index just past a value's subtree, so a value can be skipped in O(1).
public struct JSONToken: Sendable {
    public var kind: JSONKind
    /// For strings: the content holds backslash escapes.
    public var escaped: Bool
    /// Offset of the value in the document: for strings the first byte after the opening quote.
    public var start: Int32
    /// For strings the content length, for numbers the text length, for containers the member count.
    public var length: Int32
    /// Index of the token after this value's subtree.
    public var end: Int32
}

/// Limits that protect the parser from hostile input.
public struct JSONLimits: Sendable {
    /// The deepest nesting of objects and arrays accepted.
    public var maxDepth = 128
    public init(maxDepth: Int = 128) { self.maxDepth = maxDepth }
}

/// A JSON syntax error at a byte offset of the parsed text.
public struct JSONSyntaxError: Error, Sendable {
    public var message: String
    public var offset: Int

    /// The error as a PaddockError located at `file:line`, with the column (1-based byte offset).
    public func paddockError(file: String, line: Int?) -> PaddockError {
        PaddockError(.parse, "invalid JSON: \(message) (at byte \(offset + 1))", at: SourceLocation(file: file, line: line))
    }
}

/// A byte-level JSON parser that produces a tape of tokens without allocating per value.
///
/// It accepts exactly RFC 8259 JSON: nesting up to a depth limit, all escapes, `\u` surrogate pairs
/// (lone surrogates are rejected), UTF-8 validated, and numbers kept exactly as written.
public struct JSONParser {
    public var limits: JSONLimits
    var tokens: [JSONToken] = []

    public init(limits: JSONLimits = JSONLimits()) {
        self.limits = limits
        tokens.reserveCapacity(256)
    }

    /// Parses one JSON text. The returned document refers to `bytes`, which must outlive it.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONDocument {
        tokens.removeAll(keepingCapacity: true)
        guard bytes.count < Int(Int32.max) else { throw JSONSyntaxError(message: "document larger than 2 GiB", offset: 0) }
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw JSONSyntaxError(message: "empty input", offset: 0)
        }
        var scanner = JSONScanner(p: base, n: bytes.count, maxDepth: limits.maxDepth)
        try scanner.parseValue(depth: 0, into: &tokens)
        scanner.skipWhitespace()
        if scanner.i != scanner.n { throw JSONSyntaxError(message: "unexpected data after the value", offset: scanner.i) }
        return JSONDocument(bytes: bytes, tokens: tokens)
    }
}

struct JSONScanner {
    let p: UnsafePointer<UInt8>
    let n: Int
    let maxDepth: Int
    var i = 0

    init(p: UnsafePointer<UInt8>, n: Int, maxDepth: Int) {
        self.p = p
        self.n = n
        self.maxDepth = maxDepth
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while i < n {
            let b = p[i]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { i += 1 } else { return }
        }
    }

    func fail(_ message: String) -> JSONSyntaxError { JSONSyntaxError(message: message, offset: i) }

    func describeByte() -> String {
        guard i < n else { return "end of input" }
        let b = p[i]
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16, uppercase: true))"
    }

    mutating func parseValue(depth: Int, into tokens: inout [JSONToken]) throws(JSONSyntaxError) {
        skipWhitespace()
        guard i < n else { throw fail("unexpected end of input") }
        switch p[i] {
        case UInt8(ascii: "{"): try parseObject(depth: depth, into: &tokens)
        case UInt8(ascii: "["): try parseArray(depth: depth, into: &tokens)
        case UInt8(ascii: "\""): try parseString(into: &tokens)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber(into: &tokens)
        case UInt8(ascii: "t"): try literal("true", .true, into: &tokens)
        case UInt8(ascii: "f"): try literal("false", .false, into: &tokens)
        case UInt8(ascii: "n"): try literal("null", .null, into: &tokens)
        default: throw fail("unexpected \(describeByte())")
        }
    }

    mutating func literal(_ word: StaticString, _ kind: JSONKind, into tokens: inout [JSONToken]) throws(JSONSyntaxError) {
        let len = word.utf8CodeUnitCount
        guard i + len <= n, memcmp(p + i, word.utf8Start, len) == 0 else { throw fail("unexpected \(describeByte())") }
        let idx = Int32(tokens.count)
        tokens.append(JSONToken(kind: kind, escaped: false, start: Int32(i), length: Int32(len), end: idx + 1))
        i += len
    }

    mutating func parseObject(depth: Int, into tokens: inout [JSONToken]) throws(JSONSyntaxError) {
        if depth >= maxDepth { throw fail("nesting deeper than \(maxDepth) levels") }
        let idx = tokens.count
        tokens.append(JSONToken(kind: .object, escaped: false, start: Int32(i), length: 0, end: 0))
        i += 1
        var count: Int32 = 0
        skipWhitespace()
        if i < n && p[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipWhitespace()
                guard i < n, p[i] == UInt8(ascii: "\"") else { throw fail("expected a string key, found \(describeByte())") }
                try parseString(into: &tokens)
                skipWhitespace()
                guard i < n, p[i] == UInt8(ascii: ":") else { throw fail("expected ':' after an object key, found \(describeByte())") }
                i += 1
                try parseValue(depth: depth + 1, into: &tokens)
                count += 1
                skipWhitespace()
                guard i < n else { throw fail("unexpected end of input inside an object") }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == UInt8(ascii: "}") { i += 1; break }
                throw fail("expected ',' or '}' in an object, found \(describeByte())")
            }
        }
        tokens[idx].length = count
        tokens[idx].end = Int32(tokens.count)
    }

    mutating func parseArray(depth: Int, into tokens: inout [JSONToken]) throws(JSONSyntaxError) {
        if depth >= maxDepth { throw fail("nesting deeper than \(maxDepth) levels") }
        let idx = tokens.count
        tokens.append(JSONToken(kind: .array, escaped: false, start: Int32(i), length: 0, end: 0))
        i += 1
        var count: Int32 = 0
        skipWhitespace()
        if i < n && p[i] == UInt8(ascii: "]") {
            i += 1
        } else {
            while true {
                try parseValue(depth: depth + 1, into: &tokens)
                count += 1
                skipWhitespace()
                guard i < n else { throw fail("unexpected end of input inside an array") }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == UInt8(ascii: "]") { i += 1; break }
                throw fail("expected ',' or ']' in an array, found \(describeByte())")
            }
        }
        tokens[idx].length = count
        tokens[idx].end = Int32(tokens.count)
    }

    @inline(__always)
    func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    mutating func hex4(at j: Int) throws(JSONSyntaxError) -> UInt32 {
        guard j + 4 <= n else { throw JSONSyntaxError(message: "truncated \\u escape", offset: j) }
        var v: UInt32 = 0
        for k in 0..<4 {
            guard let h = hexValue(p[j + k]) else { throw JSONSyntaxError(message: "invalid \\u escape", offset: j + k) }
            v = v << 4 | h
        }
        return v
    }

    mutating func parseString(into tokens: inout [JSONToken]) throws(JSONSyntaxError) {
        i += 1
        let start = i
        var escaped = false
        while true {
            while i + 8 <= n && ByteScan.jsonAttention(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) == 0 { i += 8 }
            guard i < n else { throw JSONSyntaxError(message: "unterminated string", offset: start - 1) }
            let b = p[i]
            if b == UInt8(ascii: "\"") { break }
            if b == UInt8(ascii: "\\") {
                escaped = true
                guard i + 1 < n else { throw fail("unterminated string") }
                switch p[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    let v = try hex4(at: i + 2)
                    if v >= 0xD800 && v <= 0xDBFF {
                        guard i + 12 <= n, p[i + 6] == UInt8(ascii: "\\"), p[i + 7] == UInt8(ascii: "u") else {
                            throw fail("lone high surrogate in \\u escape")
                        }
                        let lo = try hex4(at: i + 8)
                        guard lo >= 0xDC00 && lo <= 0xDFFF else { throw fail("high surrogate not followed by a low surrogate") }
                        i += 12
                    } else if v >= 0xDC00 && v <= 0xDFFF {
                        throw fail("lone low surrogate in \\u escape")
                    } else {
                        i += 6
                    }
                default:
                    i += 1
                    throw fail("invalid escape \\\(describeByte())")
                }
                continue
            }
            if b < 0x20 { throw fail("control character in a string (must be escaped)") }
            if b >= 0x80 {
                // Validate one UTF-8 sequence.
                let len: Int
                switch b {
                case 0xC2...0xDF: len = 2
                case 0xE0...0xEF: len = 3
                case 0xF0...0xF4: len = 4
                default: throw fail("invalid UTF-8")
                }
                guard i + len <= n, ByteScan.firstInvalidUTF8(p + i, len) == nil else { throw fail("invalid UTF-8") }
                i += len
                continue
            }
            i += 1
        }
        let idx = Int32(tokens.count)
        tokens.append(JSONToken(kind: .string, escaped: escaped, start: Int32(start), length: Int32(i - start), end: idx + 1))
        i += 1
    }

    mutating func parseNumber(into tokens: inout [JSONToken]) throws(JSONSyntaxError) {
        let start = i
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n else { throw fail("truncated number") }
        if p[i] == UInt8(ascii: "0") {
            i += 1
        } else if p[i] >= UInt8(ascii: "1") && p[i] <= UInt8(ascii: "9") {
            while i < n && p[i] >= UInt8(ascii: "0") && p[i] <= UInt8(ascii: "9") { i += 1 }
        } else {
            throw fail("invalid number")
        }
        if i < n && p[i] == UInt8(ascii: ".") {
            i += 1
            let d = i
            while i < n && p[i] >= UInt8(ascii: "0") && p[i] <= UInt8(ascii: "9") { i += 1 }
            if i == d { throw fail("invalid number: digits expected after '.'") }
        }
        if i < n && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) { i += 1 }
            let d = i
            while i < n && p[i] >= UInt8(ascii: "0") && p[i] <= UInt8(ascii: "9") { i += 1 }
            if i == d { throw fail("invalid number: digits expected in the exponent") }
        }
        let idx = Int32(tokens.count)
        tokens.append(JSONToken(kind: .number, escaped: false, start: Int32(start), length: Int32(i - start), end: idx + 1))
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A parsed JSON text: the bytes and the tape. It borrows the bytes it was parsed from.
public struct JSONDocument {
    public let bytes: UnsafeRawBufferPointer
    public let tokens: [JSONToken]

    /// The top-level value.
    public var root: JSONNode { JSONNode(doc: self, index: 0) }
}

/// A value inside a `JSONDocument`.
public struct JSONNode {
    public let doc: JSONDocument
    public let index: Int

    /// The node of `doc`'s token at `index`.
    public init(doc: JSONDocument, index: Int) {
        self.doc = doc
        self.index = index
    }

    @inline(__always) var token: JSONToken { doc.tokens[index] }

    public var kind: JSONKind { token.kind }
    public var isNull: Bool { token.kind == .null }

    /// The raw bytes: a string's content (escapes not decoded), a number's text, a literal.
    public var rawBytes: UnsafeRawBufferPointer {
        let t = token
        if t.kind == .object || t.kind == .array {
            return UnsafeRawBufferPointer(rebasing: doc.bytes[Int(t.start)..<Int(t.start)])
        }
        return UnsafeRawBufferPointer(rebasing: doc.bytes[Int(t.start)..<Int(t.start + t.length)])
    }

    /// For strings: whether the content holds escapes.
    public var hasEscapes: Bool { token.escaped }

    /// The number of members of an object or elements of an array; 0 for scalars.
    public var count: Int {
        let t = token
        return (t.kind == .object || t.kind == .array) ? Int(t.length) : 0
    }

    /// The decoded value of a string, the text of a number or literal; nil for containers and null.
    public var string: String? {
        switch token.kind {
        case .string:
            if !token.escaped { return String(decoding: rawBytes, as: UTF8.self) }
            var out: [UInt8] = []
            JSONNode.unescape(rawBytes, into: &out)
            return String(decoding: out, as: UTF8.self)
        case .number, .true, .false: return String(decoding: rawBytes, as: UTF8.self)
        case .null, .object, .array: return nil
        }
    }

    /// The text a CSV cell gets for this value: strings decoded, numbers as written, `true`/`false`,
    /// an empty cell for null, and compact JSON for objects and arrays.
    public var cellText: String {
        switch token.kind {
        case .null: return ""
        case .object, .array: return compactJSON
        default: return string ?? ""
        }
    }

    /// The value re-serialised as compact JSON (strings keep their escapes as written).
    public var compactJSON: String {
        var out: [UInt8] = []
        JSONWriter.appendCompact(self, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The members of an object, in document order.
    public var members: [(key: JSONNode, value: JSONNode)] {
        guard token.kind == .object else { return [] }
        var result: [(key: JSONNode, value: JSONNode)] = []
        result.reserveCapacity(Int(token.length))
        var k = index + 1
        let end = Int(token.end)
        while k < end {
            let key = JSONNode(doc: doc, index: k)
            let value = JSONNode(doc: doc, index: k + 1)
            result.append((key, value))
            k = Int(doc.tokens[k + 1].end)
        }
        return result
    }

    /// Calls `body` for each member of an object, in document order, without allocating.
    @inline(__always)
    public func forEachMember<E: Error>(_ body: (JSONNode, JSONNode) throws(E) -> Void) throws(E) {
        guard token.kind == .object else { return }
        var k = index + 1
        let end = Int(token.end)
        while k < end {
            try body(JSONNode(doc: doc, index: k), JSONNode(doc: doc, index: k + 1))
            k = Int(doc.tokens[k + 1].end)
        }
    }

    /// The elements of an array, in order.
    public var elements: [JSONNode] {
        guard token.kind == .array else { return [] }
        var result: [JSONNode] = []
        var k = index + 1
        let end = Int(token.end)
        while k < end {
            result.append(JSONNode(doc: doc, index: k))
            k = Int(doc.tokens[k].end)
        }
        return result
    }

    /// True when this string node equals `key` (decoding escapes when present).
    public func stringEquals(_ key: String) -> Bool {
        guard token.kind == .string else { return false }
        if token.escaped { return string == key }
        var k = key
        return k.withUTF8 { kb in
            let raw = rawBytes
            return kb.count == raw.count && (kb.count == 0 || memcmp(kb.baseAddress!, raw.baseAddress!, kb.count) == 0)
        }
    }

    /// The value of the first member named `key`, for objects.
    public subscript(key: String) -> JSONNode? {
        guard token.kind == .object else { return nil }
        var k = index + 1
        let end = Int(token.end)
        while k < end {
            if JSONNode(doc: doc, index: k).stringEquals(key) { return JSONNode(doc: doc, index: k + 1) }
            k = Int(doc.tokens[k + 1].end)
        }
        return nil
    }

    /// Element `i` of an array.
    public subscript(i: Int) -> JSONNode? {
        guard token.kind == .array, i >= 0, i < Int(token.length) else { return nil }
        var k = index + 1
        for _ in 0..<i { k = Int(doc.tokens[k].end) }
        return JSONNode(doc: doc, index: k)
    }

    /// Resolves an RFC 6901 JSON pointer (`/rounds/0/matches`, `~1` for `/`, `~0` for `~`).
    public func pointer(_ pointer: String) -> JSONNode? {
        if pointer.isEmpty { return self }
        guard pointer.hasPrefix("/") else { return nil }
        var node = self
        for raw in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let part = String(raw).replacing("~1", with: "/").replacing("~0", with: "~")
            switch node.kind {
            case .object:
                guard let next = node[part] else { return nil }
                node = next
            case .array:
                // RFC 6901: an index is 0 or digits without a leading zero.
                guard part.allSatisfy({ $0.isASCII && $0.isNumber }), part == "0" || !part.hasPrefix("0"),
                      let i = Int(part), let next = node[i] else { return nil }
                node = next
            default:
                return nil
            }
        }
        return node
    }

    /// Decodes the escapes of a JSON string's raw content into UTF-8 bytes (the content is valid).
    public static func unescape(_ raw: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        var i = 0
        let n = raw.count
        while i < n {
            let b = raw[i]
            if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
            let e = raw[i + 1]
            switch e {
            case UInt8(ascii: "b"): out.append(0x08); i += 2
            case UInt8(ascii: "f"): out.append(0x0C); i += 2
            case UInt8(ascii: "n"): out.append(0x0A); i += 2
            case UInt8(ascii: "r"): out.append(0x0D); i += 2
            case UInt8(ascii: "t"): out.append(0x09); i += 2
            case UInt8(ascii: "u"):
                var v = hex(raw, i + 2)
                i += 6
                if v >= 0xD800 && v <= 0xDBFF {
                    let lo = hex(raw, i + 2)
                    v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
                    i += 6
                }
                appendUTF8(v, to: &out)
            default: out.append(e); i += 2
            }
        }
    }

    static func hex(_ raw: UnsafeRawBufferPointer, _ j: Int) -> UInt32 {
        var v: UInt32 = 0
        for k in 0..<4 {
            let b = raw[j + k]
            let d: UInt8 = b <= UInt8(ascii: "9") ? b - UInt8(ascii: "0") : (b | 0x20) - UInt8(ascii: "a") + 10
            v = v << 4 | UInt32(d)
        }
        return v
    }

    static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80: out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6))); out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12))); out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18))); out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}

