/// A typed value of a canonical table.
public enum TypedValue: Sendable, Equatable {
    case null
    case string(String)
    /// A number or boolean, as its JSON text.
    case literal(String)

    /// The text of a CSV cell.
    public var cellText: String {
        switch self {
        case .null: return ""
        case .string(let s), .literal(let s): return s
        }
    }

    public func appendJSON<W: ByteAppending>(to w: inout W) {
        switch self {
        case .null: w.appendStatic("null")
        case .string(let s): JSONWriter.appendString(s, to: &w)
        case .literal(let s): w.appendString(s)
        }
    }
}

/// Why a record could not be mapped: the field and the rule it broke.
public struct MappingFailure: Error, Sendable {
    public var field: String
    /// `required`, `type`, `minimum`, `maximum`, `enum`, `pattern`, `minLength`, `maxLength`.
    public var rule: String
    public var reason: String
}

/// Maps raw records (parsed JSON objects) onto a table: each field's source, transforms, type and
/// constraints, as declared in the pipeline definition.
public struct TableMapper: Sendable {
    public let table: TableConfig
    let fields: [CompiledField]

    struct CompiledField: @unchecked Sendable {
        let config: FieldConfig
        let type: FieldType
        let template: [TemplatePart]?
        /// Transforms with their regexes compiled once (compiling one per value cost most of the time).
        let transforms: [CompiledTransform]
        /// The pattern constraint, compiled once.
        let pattern: Regex<AnyRegexOutput>?
    }

    enum TemplatePart: Sendable {
        case text(String)
        case value(String)
    }

    /// Value maps by name, loaded from the pipeline's `maps:`.
    let maps: [String: [String: String]]
    /// Output field index by name, for `{$field}` template references.
    let fieldIndex: [String: Int]

    /// Fields as mapped for the records of each source that has overrides (`bySource`).
    let fieldsBySource: [String: [CompiledField]]

    public init(table: TableConfig, maps: [String: [String: String]] = [:]) throws(PaddockError) {
        self.table = table
        self.maps = maps
        var index: [String: Int] = [:]
        for (i, f) in table.fields.enumerated() { index[f.name] = i }
        fieldIndex = index
        fields = try Self.compile(table.fields, table: table.name, maps: maps, index: index)
        var bySource: [String: [CompiledField]] = [:]
        for source in table.bySource.keys {
            bySource[source] = try Self.compile(table.fields(for: source), table: "\(table.name) (source \(source))", maps: maps, index: index)
        }
        fieldsBySource = bySource
    }

    static func compile(_ configs: [FieldConfig], table: String, maps: [String: [String: String]], index: [String: Int]) throws(PaddockError) -> [CompiledField] {
        var compiled: [CompiledField] = []
        for f in configs {
            guard let type = FieldType(rawValue: f.type) else {
                throw PaddockError(.config, "table \(table) field \(f.name): unknown type '\(f.type)'")
            }
            if let p = f.constraints.pattern, (try? Regex(p)) == nil {
                throw PaddockError(.config, "table \(table) field \(f.name): invalid pattern '\(p)'")
            }
            if let m = f.map, maps[m] == nil {
                throw PaddockError(.config, "table \(table) field \(f.name): unknown map '\(m)'")
            }
            for tr in f.transforms where !Transforms.isValid(tr) {
                throw PaddockError(.config, "table \(table) field \(f.name): unknown transform '\(tr)'",
                                   hint: "transforms: trim, lower, upper, slug, regex:PATTERN")
            }
            if let p = f.parser {
                guard let parts = FieldParsers.parts[p.name] else {
                    throw PaddockError(.config, "table \(table) field \(f.name): unknown parser '\(p.name)'",
                                       hint: "parsers: \(FieldParsers.names.sorted().joined(separator: ", "))")
                }
                if let part = p.part, !parts.contains(part) {
                    throw PaddockError(.config, "table \(table) field \(f.name): parser \(p.name) has no part '\(part)'",
                                       hint: parts.isEmpty ? "it has one value" : "parts: \(parts.joined(separator: ", "))")
                }
                if p.name == "date" || p.name == "season", let format = p.formats.first(where: { !ValueParsers.isValidFormat($0) }) {
                    throw PaddockError(.config, "table \(table) field \(f.name): invalid date format '\(format)'")
                }
            }
            compiled.append(CompiledField(config: f, type: type,
                                          template: try f.template.map { t throws(PaddockError) in try TableMapper.parseTemplate(t, field: f.name) },
                                          transforms: f.transforms.map(CompiledTransform.init),
                                          pattern: f.constraints.pattern.flatMap { try? Regex($0) }))
        }
        for f in compiled {
            for case .value(let ref) in f.template ?? [] where ref.hasPrefix("$") {
                let name = String(ref.dropFirst())
                guard let i = index[name], compiled[i].template == nil else {
                    throw PaddockError(.config, "table \(table) field \(f.config.name): template refers to {\(ref)}, which is not a field without a template")
                }
            }
        }
        return compiled
    }

    /// Loads the pipeline's value maps and builds the mapper of one table.
    public init(table: TableConfig, pipeline: PipelineConfig) throws(PaddockError) {
        var maps: [String: [String: String]] = [:]
        for (name, m) in pipeline.maps { maps[name] = try m.load() }
        try self.init(table: table, maps: maps)
    }

    static func parseTemplate(_ t: String, field: String) throws(PaddockError) -> [TemplatePart] {
        var parts: [TemplatePart] = []
        var rest = Substring(t)
        while let open = rest.firstIndex(of: "{") {
            if open > rest.startIndex { parts.append(.text(String(rest[..<open]))) }
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw PaddockError(.config, "field \(field): unclosed '{' in template '\(t)'")
            }
            parts.append(.value(String(rest[rest.index(after: open)..<close])))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        return parts
    }

    /// Looks up a key (`team1`) or a JSON pointer (`/score/ft/0`) in a record.
    static func lookup(_ record: JSONNode, _ path: String) -> JSONNode? {
        path.hasPrefix("/") ? record.pointer(path) : record[path]
    }

    /// The text of a raw value, or nil when absent or null.
    static func text(_ node: JSONNode?) -> String? {
        guard let node, node.kind != .null else { return nil }
        return node.cellText
    }

    /// Maps one record to the table's values, in schema order, or says why it cannot.
    ///
    /// Fields without a template come first (in order), then templated fields, which may refer to
    /// record values (`{date}`, `{/score/ft/0}`) and to other fields' typed values (`{$home_team}`).
    public func map(_ record: JSONNode) throws(MappingFailure) -> [TypedValue] {
        let fields = fieldsBySource.isEmpty ? self.fields : fields(for: record)
        var values = [TypedValue](repeating: .null, count: fields.count)
        for (i, f) in fields.enumerated() where f.template == nil {
            var text: String?
            for path in f.config.from {
                if let t = TableMapper.text(TableMapper.lookup(record, path)) { text = t; break }
            }
            values[i] = try value(text, field: f)
        }
        for (i, f) in fields.enumerated() {
            guard let template = f.template else { continue }
            var s = ""
            var missing = false
            for part in template {
                switch part {
                case .text(let t): s += t
                case .value(let ref):
                    if ref.hasPrefix("$") {
                        let v = values[fieldIndex[String(ref.dropFirst())]!]
                        if v == .null { missing = true } else { s += v.cellText }
                    } else if let v = TableMapper.text(TableMapper.lookup(record, ref)) {
                        s += v
                    } else {
                        missing = true
                    }
                }
            }
            values[i] = try value(missing ? nil : s, field: f)
        }
        return values
    }

    /// The fields for a record's source: the first segment of its `_unit`.
    func fields(for record: JSONNode) -> [CompiledField] {
        guard let unit = record["_unit"], unit.kind == .string else { return fields }
        let raw = unit.rawBytes
        guard let slash = raw.firstIndex(of: UInt8(ascii: "/")) else { return fields }
        let source = String(decoding: UnsafeRawBufferPointer(rebasing: raw[..<slash]), as: UTF8.self)
        return fieldsBySource[source] ?? fields
    }

    /// Transforms, null values, value map and parser, then the type and constraints.
    func value(_ raw: String?, field f: CompiledField) throws(MappingFailure) -> TypedValue {
        var text = raw
        for tr in f.transforms {
            guard let t = text else { break }
            text = tr.apply(t)
        }
        if let t = text, f.config.nullValues.contains(t) { text = nil }
        if let t = text, let name = f.config.map, let m = maps[name] {
            if let mapped = m[t] {
                text = mapped
            } else if f.config.unmapped == "error" {
                throw MappingFailure(field: f.config.name, rule: "map", reason: "field \(f.config.name): '\(t)' is not in map \(name)")
            }
        }
        if let t = text, let p = f.config.parser {
            switch FieldParsers.parse(p, t) {
            case .value(let v): text = v
            case .empty: text = nil
            case .invalid:
                throw MappingFailure(field: f.config.name, rule: "parser", reason: "field \(f.config.name): '\(t)' is not a valid \(FieldParsers.describe(p))")
            }
        }
        return try Self.typed(text, field: f)
    }

    static func typed(_ text: String?, field f: CompiledField) throws(MappingFailure) -> TypedValue {
        let c = f.config.constraints
        let name = f.config.name
        guard let text else {
            if c.required {
                throw MappingFailure(field: name, rule: "required", reason: "field \(name) is required but \(f.config.from.isEmpty ? "its template" : f.config.from.joined(separator: " / ")) has no value")
            }
            return .null
        }
        let value: TypedValue
        var numeric: Double? = nil
        switch f.type {
        case .string:
            value = .string(text)
        case .integer:
            guard let i = Int(text) else { throw MappingFailure(field: name, rule: "type", reason: "field \(name): '\(text)' is not an integer") }
            value = .literal(String(i))
            numeric = Double(i)
        case .number:
            guard let d = Double(text), d.isFinite else { throw MappingFailure(field: name, rule: "type", reason: "field \(name): '\(text)' is not a number") }
            value = .literal(Parsers.isJSONNumber(text) ? text : String(d))
            numeric = d
        case .boolean:
            switch text.lowercased() {
            case "true", "yes", "y", "1": value = .literal("true")
            case "false", "no", "n", "0": value = .literal("false")
            default: throw MappingFailure(field: name, rule: "type", reason: "field \(name): '\(text)' is not a boolean")
            }
        case .date:
            guard let d = Parsers.isoDate(text) else { throw MappingFailure(field: name, rule: "type", reason: "field \(name): '\(text)' is not a date (YYYY-MM-DD)") }
            value = .string(d)
        case .time:
            guard let t = Parsers.time(text) else { throw MappingFailure(field: name, rule: "type", reason: "field \(name): '\(text)' is not a time (HH:MM or HH:MM:SS)") }
            value = .string(t)
        case .datetime:
            guard let ts = Timestamp(parsing: text) else { throw MappingFailure(field: name, rule: "type", reason: "field \(name): '\(text)' is not a datetime (ISO 8601)") }
            value = .string(ts.iso8601)
        }
        if let n = numeric {
            if let min = c.minimum, n < min { throw MappingFailure(field: name, rule: "minimum", reason: "field \(name): \(text) is below the minimum \(Parsers.format(min))") }
            if let max = c.maximum, n > max { throw MappingFailure(field: name, rule: "maximum", reason: "field \(name): \(text) is above the maximum \(Parsers.format(max))") }
        }
        let s = value.cellText
        if let e = c.enum, !e.contains(s) {
            throw MappingFailure(field: name, rule: "enum", reason: "field \(name): '\(s)' is not one of \(e.joined(separator: ", "))")
        }
        if let minLength = c.minLength, s.count < minLength {
            throw MappingFailure(field: name, rule: "minLength", reason: "field \(name): '\(s)' is shorter than \(minLength)")
        }
        if let maxLength = c.maxLength, s.count > maxLength {
            throw MappingFailure(field: name, rule: "maxLength", reason: "field \(name): '\(s)' is longer than \(maxLength)")
        }
        if let p = c.pattern, let re = f.pattern, (try? re.wholeMatch(in: s)) == nil {
            throw MappingFailure(field: name, rule: "pattern", reason: "field \(name): '\(s)' does not match \(p)")
        }
        return value
    }

    /// The Frictionless Table Schema of this table, as JSON.
    public func tableSchemaJSON() -> String { table.tableSchemaJSON() }
}

extension TableConfig {
    /// The Frictionless Table Schema of this table, as JSON (fields, constraints, primary key).
    public func tableSchemaJSON() -> String {
        var w: [UInt8] = []
        w.appendStatic("{\n  \"fields\": [\n")
        for (i, f) in fields.enumerated() {
            w.appendStatic("    {\"name\": "); JSONWriter.appendString(f.name, to: &w)
            w.appendStatic(", \"type\": "); JSONWriter.appendString(f.type, to: &w)
            if let d = f.description { w.appendStatic(", \"description\": "); JSONWriter.appendString(d, to: &w) }
            var cons: [String] = []
            let c = f.constraints
            if c.required { cons.append("\"required\": true") }
            if let v = c.minimum { cons.append("\"minimum\": \(Parsers.format(v))") }
            if let v = c.maximum { cons.append("\"maximum\": \(Parsers.format(v))") }
            if let v = c.minLength { cons.append("\"minLength\": \(v)") }
            if let v = c.maxLength { cons.append("\"maxLength\": \(v)") }
            if let v = c.pattern { var b: [UInt8] = []; JSONWriter.appendString(v, to: &b); cons.append("\"pattern\": " + String(decoding: b, as: UTF8.self)) }
            if let v = c.enum {
                var b: [UInt8] = []
                for (k, e) in v.enumerated() { if k > 0 { b.appendStatic(", ") }; JSONWriter.appendString(e, to: &b) }
                cons.append("\"enum\": [" + String(decoding: b, as: UTF8.self) + "]")
            }
            if !cons.isEmpty { w.appendString(", \"constraints\": {" + cons.joined(separator: ", ") + "}") }
            w.appendStatic("}")
            w.appendStatic(i + 1 < fields.count ? ",\n" : "\n")
        }
        w.appendStatic("  ]")
        if !primaryKey.isEmpty {
            w.appendStatic(",\n  \"primaryKey\": [")
            for (i, k) in primaryKey.enumerated() { if i > 0 { w.appendStatic(", ") }; JSONWriter.appendString(k, to: &w) }
            w.appendStatic("]")
        }
        w.appendStatic(",\n  \"missingValues\": [\"\"]\n}\n")
        return String(decoding: w, as: UTF8.self)
    }
}

/// A transform ready to run: its regex, if any, compiled.
struct CompiledTransform {
    let name: String
    let regex: Regex<AnyRegexOutput>?

    init(_ name: String) {
        self.name = name
        regex = name.hasPrefix("regex:") ? try? Regex(String(name.dropFirst(6))) : nil
    }

    func apply(_ s: String) -> String? {
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
    public static let names = ["trim", "lower", "upper", "slug", "regex:"]

    /// True when `name` is a transform Paddock knows (with a valid pattern for `regex:`).
    public static func isValid(_ name: String) -> Bool {
        if name.hasPrefix("regex:") { return (try? Regex(String(name.dropFirst(6)))) != nil }
        return names.contains(name)
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
        default:
            // `regex:` is applied by CompiledTransform, which compiles the pattern once; an unknown name
            // (refused when a pipeline loads) leaves the text as it is.
            guard name.hasPrefix("regex:") else { return s }
            return CompiledTransform(name).apply(s)
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

/// Value parsers shared by normalize and dq-check.
public enum Parsers {
    /// Validates `YYYY-MM-DD` (a real calendar date) and returns it.
    public static func isoDate(_ s: String) -> String? {
        let b = Array(s.utf8)
        guard b.count == 10, b[4] == 45, b[7] == 45 else { return nil }
        guard let y = Int(s.prefix(4)), let m = Int(s.dropFirst(5).prefix(2)), let d = Int(s.suffix(2)) else { return nil }
        guard (1...12).contains(m), d >= 1, d <= daysIn(month: m, year: y) else { return nil }
        return s
    }

    public static func daysIn(month m: Int, year y: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `HH:MM` or `HH:MM:SS` to `HH:MM:SS`.
    public static func time(_ s: String) -> String? {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
              let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        if parts.count == 3 {
            guard let sec = Int(parts[2]), (0..<61).contains(sec) else { return nil }
            return s
        }
        return s + ":00"
    }

    /// True when `s` is a JSON number as written (so it can be output unchanged).
    public static func isJSONNumber(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { b in
            guard b.count > 0 else { return false }
            var scanner = JSONScanner(p: b.baseAddress!, n: b.count, maxDepth: 1)
            var tokens: [JSONToken] = []
            guard (try? scanner.parseNumber(into: &tokens)) != nil else { return false }
            return scanner.i == b.count
        }
    }

    /// A number without a trailing `.0` when it is whole.
    public static func format(_ d: Double) -> String {
        if d == d.rounded() && abs(d) < 1e15 { return String(Int(d)) }
        return String(d)
    }
}
