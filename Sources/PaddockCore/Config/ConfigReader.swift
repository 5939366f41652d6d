/// A place in a configuration file: 1-based line and column.
public struct ConfigPosition: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// One problem found in a configuration file, with where it is and, when there is one, a suggestion.
public struct ConfigDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var file: String
    public var position: ConfigPosition
    public var message: String

    /// `file:line:column: message`, as compilers write it.
    public var description: String { "\(file):\(position): \(message)" }
}

/// Collects the problems found while reading one configuration file, in file order.
public final class ConfigDiagnostics: @unchecked Sendable {
    public let file: String
    public private(set) var items: [ConfigDiagnostic] = []

    public init(file: String) { self.file = file }

    public func error(_ at: ConfigPosition, _ message: String) {
        items.append(ConfigDiagnostic(severity: .error, file: file, position: at, message: message))
    }

    public func warning(_ at: ConfigPosition, _ message: String) {
        items.append(ConfigDiagnostic(severity: .warning, file: file, position: at, message: message))
    }

    public var errors: [ConfigDiagnostic] { sorted.filter { $0.severity == .error } }
    public var warnings: [ConfigDiagnostic] { sorted.filter { $0.severity == .warning } }

    private var sorted: [ConfigDiagnostic] {
        items.enumerated().sorted { a, b in
            (a.element.position.line, a.element.position.column, a.offset) < (b.element.position.line, b.element.position.column, b.offset)
        }.map(\.element)
    }

    /// Throws one config error listing every error found (each `file:line:column: message` in
    /// `details`), or returns when there is none.
    public func throwIfErrors(what: String) throws(PaddockError) {
        let errs = errors
        guard !errs.isEmpty else { return }
        let count = errs.count == 1 ? "1 problem" : "\(errs.count) problems"
        var e = PaddockError(.config, "\(what) has \(count); nothing was read or written", at: nil)
        e.details = errs.map(\.description)
        throw e
    }

    /// Parses YAML text into a node tree. A syntax error, or a key given twice in one mapping, is
    /// recorded with its line and column and gives nil.
    func parse(_ text: String) -> YAMLNode? {
        do {
            return try YAMLDocument.parse(text)
        } catch {
            var msg = error.message.hasPrefix("key '") ? error.message : "YAML syntax error: \(error.message)"
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let line = error.position.line
            if line >= 1, line <= lines.count, lines[line - 1].contains("\t") {
                msg += "; the line holds a tab, and YAML indents with spaces only"
            }
            self.error(error.position, msg)
            return nil
        }
    }
}

/// A closed vocabulary of a configuration value: its spellings are its raw values.
public protocol ConfigChoice: RawRepresentable, CaseIterable, Sendable where RawValue == String {}

/// One value of a configuration file, with its position, read against what the model expects.
///
/// Every reading method records a problem (with the value's line and column) instead of throwing,
/// so one pass over a file finds all of its problems; a value that does not read gives nil.
public struct ConfigValue {
    let node: YAMLNode
    public let diagnostics: ConfigDiagnostics
    /// Where the value sits, for messages: `in table 'runners'`.
    public let context: String
    /// The key this value was given under (for messages), if any.
    public let key: String?

    public var position: ConfigPosition { node.position }

    private var what: String { key.map { "'\($0)'" + (context.isEmpty ? "" : " \(context)") } ?? "value\(context.isEmpty ? "" : " \(context)")" }

    /// True for `~`, `null` and an empty plain value.
    public var isNull: Bool {
        if case .scalar(let s) = node, s.plain, ["", "~", "null", "Null", "NULL"].contains(s.string) { return true }
        return false
    }

    /// A scalar as text (numbers and booleans as written).
    public func text() -> String? {
        guard case .scalar(let s) = node else {
            diagnostics.error(position, "\(what) must be a single value, not \(kindName)")
            return nil
        }
        return s.string
    }

    /// A scalar, or a list of scalars, as texts.
    public func texts() -> [String]? {
        if case .sequence(let seq) = node {
            var out: [String] = []
            for item in seq {
                let v = ConfigValue(node: item, diagnostics: diagnostics, context: context, key: key)
                if v.isNull {
                    diagnostics.error(v.position, "\(what) holds an empty value (~, null or nothing); quote it ('') if you mean the empty text")
                    return nil
                }
                guard let t = v.text() else { return nil }
                out.append(t)
            }
            return out
        }
        return text().map { [$0] }
    }

    /// A whole number, in `range` when given.
    public func int(in range: ClosedRange<Int>? = nil) -> Int? {
        guard let t = text() else { return nil }
        guard let v = Int(t.filter { $0 != "_" }) else {
            diagnostics.error(position, "\(what) must be a whole number, not '\(t)'")
            return nil
        }
        if let range, !range.contains(v) {
            diagnostics.error(position, "\(what) must be \(Self.describe(range)), not \(v)")
            return nil
        }
        return v
    }

    /// A number, in `range` when given.
    public func number(in range: ClosedRange<Double>? = nil) -> Double? {
        guard let t = text() else { return nil }
        guard let v = Double(t), v.isFinite else {
            diagnostics.error(position, "\(what) must be a number, not '\(t)'")
            return nil
        }
        if let range, !range.contains(v) {
            diagnostics.error(position, "\(what) must be between \(Parsers.format(range.lowerBound)) and \(Parsers.format(range.upperBound)), not \(t)")
            return nil
        }
        return v
    }

    /// `true` or `false` (YAML's yes/no/on/off are refused: they are too easy to write by accident).
    public func bool() -> Bool? {
        guard let t = text() else { return nil }
        switch t {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default:
            diagnostics.error(position, "\(what) must be true or false, not '\(t)'")
            return nil
        }
    }

    /// One of a closed vocabulary, with a suggestion when the text is close to one.
    public func choice<E: ConfigChoice>(_ type: E.Type) -> E? {
        choice(among: E.allCases.map(\.rawValue)).flatMap(E.init(rawValue:))
    }

    /// One of `names` (the entries of a registry), with a suggestion when the text is close to one.
    public func choice(among names: [String]) -> String? {
        guard let t = text() else { return nil }
        if names.contains(t) { return t }
        var msg = "\(what): unknown value '\(t)'"
        if let s = Suggest.closest(t, among: names) { msg += " (did you mean '\(s)'?)" } else { msg += "; expected one of \(names.joined(separator: ", "))" }
        diagnostics.error(position, msg)
        return nil
    }

    /// The value as a mapping whose keys are checked against those the reader asks for.
    public func map(_ context: String? = nil) -> ConfigMap? {
        guard case .mapping(let m) = node else {
            diagnostics.error(position, "\(what) must be a mapping (key: value), not \(kindName)")
            return nil
        }
        return ConfigMap(m, diagnostics: diagnostics, context: context ?? self.context)
    }

    /// The value as a list (a single non-list value is a list of one when `single` is true).
    public func list(single: Bool = false) -> [ConfigValue]? {
        switch node {
        case .sequence(let seq):
            return seq.map { ConfigValue(node: $0, diagnostics: diagnostics, context: context, key: key) }
        default:
            if single { return [self] }
            diagnostics.error(position, "\(what) must be a list, not \(kindName)")
            return nil
        }
    }

    /// The value as a mapping of names the user chooses (sources, maps, headers) to values, in file order.
    public func entries() -> [(name: String, position: ConfigPosition, value: ConfigValue)]? {
        guard case .mapping(let m) = node else {
            diagnostics.error(position, "\(what) must be a mapping (name: value), not \(kindName)")
            return nil
        }
        var out: [(String, ConfigPosition, ConfigValue)] = []
        for (k, v) in m {
            guard case .scalar(let ks) = k else {
                diagnostics.error(k.position, "a key \(context) must be a plain name")
                continue
            }
            out.append((ks.string, k.position, ConfigValue(node: v, diagnostics: diagnostics, context: context, key: ks.string)))
        }
        return out
    }

    /// A mapping of names to texts (`headers`, `query`, `carry`, inline value maps).
    public func textEntries() -> [String: String]? {
        guard let es = entries() else { return nil }
        var out: [String: String] = [:]
        for e in es {
            if e.value.isNull {
                diagnostics.error(e.value.position, "'\(e.name)' \(context) has an empty value (~, null or nothing); quote it ('') if you mean the empty text")
                continue
            }
            if let t = e.value.text() { out[e.name] = t }
        }
        return out
    }

    var kindName: String {
        switch node {
        case .scalar(let s): return "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }

    static func describe(_ r: ClosedRange<Int>) -> String {
        if r.upperBound == Int.max { return "at least \(r.lowerBound)" }
        return "between \(r.lowerBound) and \(r.upperBound)"
    }
}

/// A mapping of a configuration file, read key by key. Every key the reader asks for is known; at
/// `finish()`, the keys of the file that nobody asked for are reported as unknown, with the closest
/// known key as a suggestion.
public final class ConfigMap {
    let mapping: YAMLMapping
    public let diagnostics: ConfigDiagnostics
    /// Where this mapping sits, for messages: `in table 'runners'`.
    public var context: String
    private var asked: [String] = []
    private var oldSpellings: [String: String] = [:]
    /// Keys that exist elsewhere but not here, with why: `does not apply to a unique check`.
    private var elsewhere: [String: String] = [:]
    /// The positions of the values read, by key.
    public private(set) var positions: [String: ConfigPosition] = [:]

    init(_ mapping: YAMLMapping, diagnostics: ConfigDiagnostics, context: String) {
        self.mapping = Self.merged(mapping)
        self.diagnostics = diagnostics
        self.context = context
    }

    /// The mapping with YAML merge keys applied (`<<: *defaults` or `<<: [*a, *b]`): keys written in the
    /// mapping win over merged ones, and earlier merged mappings over later ones.
    static func merged(_ m: YAMLMapping) -> YAMLMapping {
        guard m.keys.contains(where: { $0.scalarText == "<<" }) else { return m }
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        var seen = Set<String>()
        for (k, v) in m where k.scalarText != "<<" {
            pairs.append((k, v))
            if let s = k.scalarText { seen.insert(s) }
        }
        for (k, v) in m where k.scalarText == "<<" {
            let sources: [YAMLNode]
            if case .sequence(let seq) = v { sources = seq.items } else { sources = [v] }
            for case .mapping(let inner) in sources {
                for (ik, iv) in merged(inner) where !seen.contains(ik.scalarText ?? "") {
                    pairs.append((ik, iv))
                    if let s = ik.scalarText { seen.insert(s) }
                }
            }
        }
        return YAMLMapping(pairs: pairs, position: m.position)
    }

    /// Where the mapping starts.
    public var position: ConfigPosition { mapping.position }

    /// Where the value of `key` is, or the mapping's own position.
    public func position(of key: String) -> ConfigPosition { positions[key] ?? position }

    /// The keys written in this mapping, in file order.
    public var writtenKeys: [String] { mapping.keys.compactMap(\.scalarText) }

    /// The value of `key`, or nil when it is absent or null. `old` is an earlier spelling of the key,
    /// still read, with a warning that names the new one.
    public func value(_ key: String, old: String? = nil) -> ConfigValue? {
        asked.append(key)
        var node = mapping[key]
        var name = key
        if let old {
            oldSpellings[old] = key
            if let o = mapping[old] {
                if node != nil {
                    diagnostics.error((keyNode(old)?.position ?? position), "both '\(old)' and '\(key)' are given \(context); '\(old)' is the old spelling of '\(key)'")
                } else {
                    diagnostics.warning((keyNode(old)?.position ?? position), "'\(old)' is the old spelling of '\(key)' \(context); write '\(key)' (the old one will stop working in the next release)")
                    node = o
                    name = old
                }
            }
        }
        guard let node else { return nil }
        positions[key] = node.position
        let v = ConfigValue(node: node, diagnostics: diagnostics, context: context, key: name)
        return v.isNull ? nil : v
    }

    /// The value of a key that must be there; its absence is reported.
    public func required(_ key: String) -> ConfigValue? {
        guard let v = value(key) else {
            diagnostics.error(position, "missing key '\(key)' \(context)")
            return nil
        }
        return v
    }

    public func text(_ key: String, old: String? = nil) -> String? { value(key, old: old)?.text() }
    public func texts(_ key: String, old: String? = nil) -> [String]? { value(key, old: old)?.texts() }
    public func int(_ key: String, old: String? = nil, in range: ClosedRange<Int>? = nil) -> Int? { value(key, old: old)?.int(in: range) }
    public func number(_ key: String, old: String? = nil, in range: ClosedRange<Double>? = nil) -> Double? { value(key, old: old)?.number(in: range) }
    public func bool(_ key: String) -> Bool? { value(key)?.bool() }
    public func choice<E: ConfigChoice>(_ key: String, _ type: E.Type) -> E? { value(key)?.choice(type) }
    public func map(_ key: String, old: String? = nil, context: String? = nil) -> ConfigMap? { value(key, old: old)?.map(context) }

    /// Marks keys as known here but not applicable, so that they are reported with `why` rather than
    /// as unknown.
    public func notApplicable(_ keys: [String], _ why: String) {
        for k in keys where elsewhere[k] == nil && !asked.contains(k) { elsewhere[k] = why }
    }

    /// Reports every key of the mapping that was not asked for.
    public func finish() {
        for (k, _) in mapping {
            guard case .scalar(let ks) = k else {
                diagnostics.error(k.position, "a key \(context) must be a plain name")
                continue
            }
            let name = ks.string
            if asked.contains(name) || oldSpellings[name] != nil { continue }
            if let why = elsewhere[name] {
                diagnostics.error(k.position, "key '\(name)' \(why) \(context)")
                continue
            }
            var msg = "unknown key '\(name)' \(context)"
            msg += Suggest.didYouMean(name, among: asked)
            diagnostics.error(k.position, msg)
        }
    }

    private func keyNode(_ name: String) -> YAMLNode? {
        mapping.keys.first { $0.scalarText == name }
    }
}

/// Did-you-mean suggestions for misspelled keys and values.
public enum Suggest {
    /// ` (did you mean 'x'?)` for the name closest to `word`, or nothing.
    public static func didYouMean(_ word: String, among names: [String]) -> String {
        closest(word, among: names).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// The name closest to `word`: the same letters ignoring case and `_`/`-`, or within an edit
    /// distance of about a third of its length.
    public static func closest(_ word: String, among names: [String]) -> String? {
        let w = fold(word)
        if let same = names.first(where: { fold($0) == w }) { return same }
        var best: (String, Int)?
        for n in names {
            let d = distance(w, fold(n))
            if best == nil || d < best!.1 { best = (n, d) }
        }
        guard let best else { return nil }
        let n = fold(best.0)
        if best.1 <= max(1, max(w.count, n.count) / 3) { return best.0 }
        // A word that begins with a known name, or one that begins with it (`warning` for `warn`, `int`
        // for `integer`).
        return names.first { name in
            let f = fold(name)
            return min(w.count, f.count) >= 3 && (w.starts(with: f) || f.starts(with: w))
        }
    }

    static func fold(_ s: String) -> [Character] {
        Array(s.lowercased().filter { $0 != "_" && $0 != "-" })
    }

    /// Damerau–Levenshtein distance (optimal string alignment): a swap of two neighbours counts one.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
