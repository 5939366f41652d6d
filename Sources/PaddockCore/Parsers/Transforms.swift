/// A transform ready to run: its regex, if any, compiled.
public struct CompiledTransform {
    let name: String
    let regex: Regex<AnyRegexOutput>?

    public init(_ name: String) {
        self.name = name
        regex = name.hasPrefix("regex:") ? try? Regex(String(name.dropFirst(6))) : nil
    }

    public func apply(_ s: String) -> String? {
        guard let regex else { return name.hasPrefix("regex:") ? nil : Transforms.apply(name, s) }
        guard let m = try? regex.firstMatch(in: s) else { return nil }
        if m.output.count > 1, let g = m.output[1].substring { return String(g) }
        return String(s[m.range])
    }
}

/// Text transforms applied before parsing, in order: `trim`, `lower`, `upper`, `slug`, and
/// `regex:PATTERN`, which keeps the first capture group of the first match (the whole match when the
/// pattern has no group) and gives no value when nothing matches.
public enum Transforms {
    public static let names = ["trim", "lower", "upper", "slug", "regex:", "split:"]

    /// True when `name` is a transform Paddock knows (with a valid pattern for `regex:`, a separator and
    /// an index for `split:`).
    public static func isValid(_ name: String) -> Bool {
        if name.hasPrefix("regex:") { return (try? Regex(String(name.dropFirst(6)))) != nil }
        if name.hasPrefix("split:") { return splitSpec(name) != nil }
        return names.contains(name)
    }

    /// What is wrong with a transform as written, or nil when it is valid.
    public static func problem(_ name: String) -> String? {
        if name.hasPrefix("regex:") {
            return (try? Regex(String(name.dropFirst(6)))) == nil ? "'\(name.dropFirst(6))' in transform '\(name)' is not a valid regular expression" : nil
        }
        if name.hasPrefix("split:") { return splitSpec(name) == nil ? "transform '\(name)' needs split:SEPARATOR:INDEX (index 0-based, negative from the end)" : nil }
        return names.contains(name) && !name.hasSuffix(":") ? nil : "unknown transform '\(name)'"
    }

    /// `split:SEP:INDEX` → (separator bytes, index); the index is 0-based, negative from the end.
    public static func splitSpec(_ name: String) -> (separator: [UInt8], index: Int)? {
        let rest = name.dropFirst(6)
        guard let colon = rest.lastIndex(of: ":"), let index = Int(rest[rest.index(after: colon)...]) else { return nil }
        let sep = Array(rest[..<colon].utf8)
        return sep.isEmpty ? nil : (sep, index)
    }

    public static func apply(_ name: String, _ s: String) -> String? {
        switch name {
        case "trim": return s.trimmingCharacters(in: " \t\r\n")
        case "lower": return s.lowercased()
        case "upper": return s.uppercased()
        case "slug":
            var out = ""
            var dash = false
            for ch in s.lowercased().unicodeScalars where ch != "'" && ch != "\u{2019}" {
                if ch.properties.isAlphabetic || ("0"..."9").contains(ch) {
                    if dash && !out.isEmpty { out += "-" }
                    dash = false
                    out.unicodeScalars.append(ch)
                } else {
                    dash = true
                }
            }
            return out
        case _ where name.hasPrefix("split:"):
            guard let (sep, index) = splitSpec(name) else { return s }
            let parts = Array(s.utf8).split(separator: sep, omittingEmptySubsequences: false)
            let i = index < 0 ? parts.count + index : index
            return i >= 0 && i < parts.count ? String(decoding: parts[i], as: UTF8.self) : nil
        default:
            // `regex:` is applied by CompiledTransform, which compiles the pattern once; an unknown name
            // (refused when a pipeline loads) leaves the text as it is.
            guard name.hasPrefix("regex:") else { return s }
            return CompiledTransform(name).apply(s)
        }
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
