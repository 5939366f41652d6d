#if canImport(Glibc)
import Glibc
#endif

// Transforms: the text steps a field applies, in order, before its null values, map and parser.
//
// One table, `Transforms.entries`, holds every transform: its name, the argument it takes, a one-line
// summary, and its compile step. Compiling a transform as written (`trim`, `regex:[0-9]+`,
// `split:/:-1`) validates it and prepares it once (a regex is compiled there); what it gives is a
// `CompiledTransform`, whose `apply` runs it per value with no lookup by name. The pipeline compiler,
// the mapping engine, `normalize --help` and the docs test all read this table.

/// A transform as the table knows it.
public struct TransformEntry: Sendable {
    /// The name written before any `:` (`regex`).
    public let name: String
    /// The argument written after `name:` (`PATTERN`, `SEPARATOR:INDEX`), or nil when it takes none.
    public let argument: String?
    /// One line for `--help` and messages.
    public let summary: String
    /// Validates the argument (nil when none was written) and prepares the transform; throws the reason
    /// it is invalid.
    let compile: @Sendable (_ argument: String?) throws(TransformError) -> CompiledTransform

    /// How the transform is written: `trim`, `regex:PATTERN`.
    public var usage: String { argument.map { "\(name):\($0)" } ?? name }
}

/// Why a transform as written cannot be compiled: a lowercase message and, for an unknown name, the
/// did-you-mean suffix.
public struct TransformError: Error, Sendable, Equatable {
    public var message: String
    /// ` (did you mean 'trim'?)`, or empty.
    public var suggestion: String = ""
}

/// The transform table. Adding a transform: an entry here, a case of `CompiledTransform` and its run.
public enum Transforms {
    public static let entries: [TransformEntry] = [
        TransformEntry(name: "trim", argument: nil, summary: "remove blanks (space, tab, CR, LF) at both ends") { _ in .trim },
        TransformEntry(name: "lower", argument: nil, summary: "lower case (Unicode)") { _ in .lower },
        TransformEntry(name: "upper", argument: nil, summary: "upper case (Unicode)") { _ in .upper },
        TransformEntry(name: "slug", argument: nil,
                       summary: "lower-case letters and digits joined by '-', apostrophes dropped: O'Brien Jr. -> obrien-jr") { _ in .slug },
        TransformEntry(name: "regex", argument: "PATTERN",
                       summary: "the first capture group of the first match (the whole match without a group); no value when none",
                       compile: compileRegex),
        TransformEntry(name: "split", argument: "SEPARATOR:INDEX",
                       summary: "part INDEX (0-based, negative from the end) of the text cut at each SEPARATOR; no value when none",
                       compile: compileSplit),
    ]

    /// The entry named `name`.
    public static func entry(named name: String) -> TransformEntry? {
        entries.first { $0.name == name }
    }

    /// Every transform as written, for messages: `trim, lower, upper, slug, regex:PATTERN, split:SEPARATOR:INDEX`.
    public static var usageList: String { entries.map(\.usage).joined(separator: ", ") }

    /// Compiles a transform as written: `trim`, `regex:PATTERN`, `split:SEPARATOR:INDEX`.
    /// - Throws: `TransformError` for an unknown name (with a suggestion from the table's names), an
    ///   argument given to a transform that takes none or missing from one that needs it, or an invalid
    ///   argument.
    public static func compile(_ spec: String) throws(TransformError) -> CompiledTransform {
        let colon = spec.firstIndex(of: ":")
        let name = colon.map { String(spec[..<$0]) } ?? spec
        let argument = colon.map { String(spec[spec.index(after: $0)...]) }
        guard let entry = entry(named: name) else {
            throw TransformError(message: "unknown transform '\(spec)'", suggestion: Suggest.didYouMean(name, among: entries.map(\.name)))
        }
        switch (entry.argument, argument) {
        case (nil, _?): throw TransformError(message: "transform '\(name)' takes no argument, not '\(spec)'")
        case (let wanted?, nil): throw TransformError(message: "transform '\(spec)' needs \(name):\(wanted)")
        default: return try entry.compile(argument)
        }
    }

    static func compileRegex(_ pattern: String?) throws(TransformError) -> CompiledTransform {
        let pattern = pattern ?? ""
        guard let regex = try? Regex(pattern) else {
            throw TransformError(message: "'\(pattern)' in transform 'regex:\(pattern)' is not a valid regular expression")
        }
        return .regex(CompiledRegex(regex))
    }

    static func compileSplit(_ argument: String?) throws(TransformError) -> CompiledTransform {
        let rest = argument ?? ""
        guard let colon = rest.lastIndex(of: ":"), let index = Int(rest[rest.index(after: colon)...]), colon > rest.startIndex else {
            throw TransformError(message: "transform 'split:\(rest)' needs split:SEPARATOR:INDEX (index 0-based, negative from the end)")
        }
        return .split(separator: Array(rest[..<colon].utf8), index: index)
    }

    /// `spec` run over `s` once (compiled each call): for tests and one-off uses, not for a loop.
    public static func apply(_ spec: String, _ s: String) -> String? {
        (try? compile(spec))?.apply(s)
    }
}

/// Where a transform writes a value it changes: bytes that stay where they are until the record is
/// done (the mapping engine's arena). A value is written with `begin()`, appends, then `end()`.
public protocol ValueScratch: ByteAppending {
    mutating func begin()
    mutating func end() -> UnsafeRawBufferPointer
}

/// A transform ready to run, chosen once when the pipeline loads (see `Transforms`).
public enum CompiledTransform {
    case trim, lower, upper, slug
    case regex(CompiledRegex)
    case split(separator: [UInt8], index: Int)

    /// Runs the transform over `text`: the result is a part of `text` or a value written to `scratch`;
    /// nil when the transform gives no value (a regex that does not match, a split without that part).
    @inline(__always)
    public func apply<S: ValueScratch>(_ text: UnsafeRawBufferPointer, _ scratch: inout S) -> UnsafeRawBufferPointer? {
        switch self {
        case .trim: return Self.trim(text)
        case .lower: return Self.changeCase(text, lower: true, &scratch)
        case .upper: return Self.changeCase(text, lower: false, &scratch)
        case .slug: return Self.slug(text, &scratch)
        case .regex(let compiled): return Self.firstMatch(compiled.regex, text, &scratch)
        case .split(let separator, let index): return Self.split(text, separator: separator, index: index)
        }
    }

    /// Runs the transform over a String.
    public func apply(_ s: String) -> String? {
        var s = s
        let scratch = GrowingScratch()
        var out = scratch
        return s.withUTF8 { b in apply(UnsafeRawBufferPointer(b), &out).map { String(decoding: $0, as: UTF8.self) } }
    }

    static func isASCII(_ b: UnsafeRawBufferPointer) -> Bool {
        for c in b where c >= 0x80 { return false }
        return true
    }

    @inline(__always)
    static func isTrimmed(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    static func trim(_ text: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var s = 0, e = text.count
        while s < e, isTrimmed(text[s]) { s += 1 }
        while e > s, isTrimmed(text[e - 1]) { e -= 1 }
        return UnsafeRawBufferPointer(rebasing: text[s..<e])
    }

    static func changeCase<S: ValueScratch>(_ text: UnsafeRawBufferPointer, lower: Bool, _ out: inout S) -> UnsafeRawBufferPointer {
        out.begin()
        guard isASCII(text) else {
            let s = String(decoding: text, as: UTF8.self)
            out.appendString(lower ? s.lowercased() : s.uppercased())
            return out.end()
        }
        for c in text {
            out.appendByte(lower ? (c &- 0x41 < 26 ? c | 0x20 : c) : (c &- 0x61 < 26 ? c & ~0x20 : c))
        }
        return out.end()
    }

    static func slug<S: ValueScratch>(_ text: UnsafeRawBufferPointer, _ out: inout S) -> UnsafeRawBufferPointer {
        out.begin()
        guard isASCII(text) else {
            var dash = false, empty = true
            for ch in String(decoding: text, as: UTF8.self).lowercased().unicodeScalars where ch != "'" && ch != "\u{2019}" {
                if ch.properties.isAlphabetic || ("0"..."9").contains(ch) {
                    if dash && !empty { out.appendByte(UInt8(ascii: "-")) }
                    dash = false
                    empty = false
                    out.appendString(String(ch))
                } else {
                    dash = true
                }
            }
            return out.end()
        }
        var dash = false, empty = true
        for c in text where c != UInt8(ascii: "'") {
            let l = c &- 0x41 < 26 ? c | 0x20 : c
            if l &- 0x61 < 26 || l &- 0x30 < 10 {
                if dash && !empty { out.appendByte(UInt8(ascii: "-")) }
                dash = false
                empty = false
                out.appendByte(l)
            } else {
                dash = true
            }
        }
        return out.end()
    }

    static func firstMatch<S: ValueScratch>(_ regex: Regex<AnyRegexOutput>, _ text: UnsafeRawBufferPointer, _ out: inout S) -> UnsafeRawBufferPointer? {
        let s = String(decoding: text, as: UTF8.self)
        guard let m = try? regex.firstMatch(in: s) else { return nil }
        out.begin()
        if m.output.count > 1, let g = m.output[1].substring { out.appendString(String(g)) } else { out.appendString(String(s[m.range])) }
        return out.end()
    }

    /// Part `index` of `text` cut at each `separator` (empty parts count; a negative index counts from the
    /// end); nil when there is no such part.
    static func split(_ text: UnsafeRawBufferPointer, separator sep: [UInt8], index: Int) -> UnsafeRawBufferPointer? {
        let n = text.count, m = sep.count
        return sep.withUnsafeBytes { s -> UnsafeRawBufferPointer? in
            func nextSeparator(from i: Int) -> Int? {
                var j = i
                while j + m <= n {
                    if memcmp(text.baseAddress! + j, s.baseAddress!, m) == 0 { return j }
                    j += 1
                }
                return nil
            }
            var k = index
            if k < 0 {
                var parts = 1, i = 0
                while let j = nextSeparator(from: i) { parts += 1; i = j + m }
                k += parts
                if k < 0 { return nil }
            }
            var start = 0
            for _ in 0..<k {
                guard let j = nextSeparator(from: start) else { return nil }
                start = j + m
            }
            return UnsafeRawBufferPointer(rebasing: text[start..<(nextSeparator(from: start) ?? n)])
        }
    }
}

/// A compiled regular expression. A class, so that `CompiledTransform` has a layout known when it is
/// compiled: `Regex` comes from a resilient library, and an enum holding one directly is copied through
/// its type metadata, a cost on every value.
public final class CompiledRegex {
    public let regex: Regex<AnyRegexOutput>

    public init(_ regex: Regex<AnyRegexOutput>) { self.regex = regex }
}

/// A `ValueScratch` over one growing allocation, for running a transform outside the mapping engine.
final class GrowingScratch: ValueScratch {
    private var storage: UnsafeMutableRawPointer = .allocate(byteCount: 64, alignment: 1)
    private var capacity = 64
    private var used = 0
    private var start = 0

    deinit { storage.deallocate() }

    func begin() { start = used }
    func end() -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage + start, count: used - start) }
    func appendByte(_ byte: UInt8) { withUnsafeBytes(of: byte) { appendBytes($0) } }

    func appendBytes(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        if used + bytes.count > capacity {
            capacity = max(capacity * 2, used + bytes.count)
            let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 1)
            grown.copyMemory(from: storage, byteCount: used)
            storage.deallocate()
            storage = grown
        }
        (storage + used).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        used += bytes.count
    }
}

extension String {
    public func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

/// Value parsers shared by normalize and dq-check.
public enum Parsers {
    /// Validates `YYYY-MM-DD` (a real calendar date: ``CivilCalendar/isRealDay(_:_:_:)``) and returns it.
    public static func isoDate(_ s: String) -> String? {
        let b = Array(s.utf8)
        guard b.count == 10, b[4] == 45, b[7] == 45 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int? {
            var v = 0
            for i in from..<(from + len) {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard let y = num(0, 4), let m = num(5, 2), let d = num(8, 2), CivilCalendar.isRealDay(y, m, d) else { return nil }
        return s
    }

    /// `HH:MM` or `HH:MM:SS` (two digits each, 00:00:00 to 23:59:59) to `HH:MM:SS`. A leap second
    /// (`:60`) is refused, as by `parser: datetime` and `--now`.
    public static func time(_ s: String) -> String? {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ $0.utf8.count == 2 && $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }),
              let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        if parts.count == 3 {
            guard let sec = Int(parts[2]), (0..<60).contains(sec) else { return nil }
            return s
        }
        return s + ":00"
    }

    /// An ISO 8601 duration as Frictionless reads it: `P1Y2M3DT4H5M6.5S`, `PT1M12.45S`, `P2W`.
    public static func isDuration(_ s: String) -> Bool {
        var b = Array(s.utf8)[...]
        guard b.first == UInt8(ascii: "P"), b.count > 1 else { return false }
        b = b.dropFirst()
        var inTime = false, any = false, lastOrder = -1, sawFraction = false
        let dateUnits: [UInt8] = Array("YMWD".utf8), timeUnits: [UInt8] = Array("HMS".utf8)
        while let c = b.first {
            if c == UInt8(ascii: "T") {
                guard !inTime, b.count > 1 else { return false }
                inTime = true; lastOrder = -1; b = b.dropFirst(); continue
            }
            var digits = 0, fraction = false
            while let d = b.first, d &- 0x30 < 10 || (d == UInt8(ascii: ".") && !fraction && digits > 0) {
                if d == UInt8(ascii: ".") { fraction = true }
                digits += 1; b = b.dropFirst()
            }
            guard digits > 0, let unit = b.first, !sawFraction else { return false }
            let units = inTime ? timeUnits : dateUnits
            guard let order = units.firstIndex(of: unit), order > lastOrder else { return false }
            if fraction && !(inTime && unit == UInt8(ascii: "S")) { return false }
            sawFraction = fraction
            lastOrder = order; any = true; b = b.dropFirst()
        }
        return any
    }

    /// True when `s` is a JSON number as written (so it can be output unchanged).
    public static func isJSONNumber(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { isJSONNumber(UnsafeRawBufferPointer($0)) }
    }

    /// True when the bytes are a JSON number as written.
    public static func isJSONNumber(_ b: UnsafeRawBufferPointer) -> Bool {
        let n = b.count
        var i = 0
        @inline(__always) func digits() -> Int {
            let start = i
            while i < n && b[i] &- 0x30 < 10 { i += 1 }
            return i - start
        }
        if i < n && b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n else { return false }
        if b[i] == UInt8(ascii: "0") { i += 1 } else if digits() == 0 { return false }
        if i < n && b[i] == UInt8(ascii: ".") {
            i += 1
            if digits() == 0 { return false }
        }
        if i < n && (b[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            if i < n && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
            if digits() == 0 { return false }
        }
        return i == n
    }


    /// A number without a trailing `.0` when it is whole.
    public static func format(_ d: Double) -> String {
        if d == d.rounded() && abs(d) < 1e15 { return String(Int(d)) }
        return String(d)
    }
}
