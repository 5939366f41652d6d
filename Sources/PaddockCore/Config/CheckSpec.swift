/// One key a check type takes, with its earlier spelling and what it means. The registry's keys are
/// what the compiler accepts, what `dq-check --list-checks` prints and what docs/checks.md lists.
public struct CheckKey: Sendable {
    public let name: String
    /// The snake_case spelling of releases before camelCase keys; still read, with a warning.
    public let old: String?
    public let help: String

    public init(_ name: String, old: String? = nil, _ help: String) {
        self.name = name
        self.old = old
        self.help = help
    }

    /// `column:` / `columns:`, which most checks take.
    public static let columns = [CheckKey("column", "the checked column"), CheckKey("columns", "the checked columns")]
}

/// The typed options of one check, read and checked when a pipeline loads.
public protocol CheckSpec: Sendable {
    /// The checked columns (as dq_report.json lists them).
    var columns: [String] { get }
    /// Checks what needs the rest of the pipeline: the columns and tables the check names, and the keys
    /// it needs together. Called only when the check's own keys read without error.
    func validate(_ v: CheckValidation)
}

/// A check type as the pipeline compiler sees it: its name, a line about it, its keys, and how its spec
/// is read. The types are registered in one table (`CheckRegistry` in PaddockChecks), which every tool
/// hands to the compiler.
public protocol CheckKind: SendableMetatype {
    /// The `type:` that selects it.
    static var type: String { get }
    /// One line: what it checks.
    static var summary: String { get }
    /// The keys it takes besides the common ones (`CheckReading.commonKeys`).
    static var keys: [CheckKey] { get }
    /// Reads the keys into a spec; problems go to the reading's diagnostics.
    static func read(_ r: CheckReading) -> any CheckSpec
}

/// The check types a pipeline may use.
public struct CheckCatalog: Sendable {
    public let kinds: [any CheckKind.Type]

    public init(_ kinds: [any CheckKind.Type]) { self.kinds = kinds }

    public var names: [String] { kinds.map { $0.type } }

    public func kind(_ type: String) -> (any CheckKind.Type)? { kinds.first { $0.type == type } }
}

/// A check's mapping, read by its type: only the type's own keys (and the common ones) can be read, each
/// checked as it is read.
public struct CheckReading {
    /// The keys of every check, whatever its type.
    public static let commonKeys = [
        CheckKey("name", "the check's name, unique in the pipeline"),
        CheckKey("table", "the checked table"),
        CheckKey("type", "the check type"),
        CheckKey("description", "what the check is for (reported)"),
        CheckKey("severity", "error (the default) fails the run; warn only reports"),
        CheckKey("errorIf", old: "error_if", "threshold on the failing rows that fails the check ('> 0', '>= 10', '> 1%')"),
        CheckKey("warnIf", old: "warn_if", "threshold on the failing rows that makes the check warn"),
        CheckKey("only", "checks only the rows whose column equals a value: {column: status, equals: finished}"),
    ]

    public let map: ConfigMap
    let keys: [String: CheckKey]
    let compiler: PipelineCompiler

    init(map: ConfigMap, kind: any CheckKind.Type, compiler: PipelineCompiler) {
        self.map = map
        self.compiler = compiler
        var k: [String: CheckKey] = [:]
        for key in kind.keys { k[key.name] = key }
        keys = k
    }

    public var diagnostics: ConfigDiagnostics { map.diagnostics }

    /// The value of one of the type's keys (its old spelling read too).
    public func value(_ key: String) -> ConfigValue? {
        guard let k = keys[key] else { preconditionFailure("check key '\(key)' is not in its type's table") }
        return map.value(key, old: k.old)
    }

    public func text(_ key: String) -> String? { value(key)?.text() }
    public func texts(_ key: String) -> [String]? { value(key)?.texts() }
    public func number(_ key: String) -> Double? { value(key)?.number() }

    /// `one:` or `many:`, not both; empty when neither is given.
    public func oneOrMany(_ one: String, _ many: String) -> [String] {
        let a = value(one)?.text(), b = value(many)?.texts()
        if a != nil && b != nil { map.diagnostics.error(map.position(of: one), "give '\(one)' or '\(many)' \(map.context), not both") }
        return a.map { [$0] } ?? b ?? []
    }

    /// `column:` or `columns:`.
    public func columns() -> [String] { oneOrMany("column", "columns") }

    /// A duration (`90m`, `36h`, `3d`, `1d12h`) as written.
    public func duration(_ key: String) -> String? {
        guard let v = value(key), let t = v.text() else { return nil }
        guard CheckConfig.seconds(t) != nil else {
            map.diagnostics.error(v.position, "'\(key)' \(map.context): '\(t)' is not a duration (e.g. 90m, 36h, 3d, 1d12h)")
            return nil
        }
        return t
    }

    /// A date, `YYYY-MM-DD`.
    public func date(_ key: String) -> String? {
        guard let v = value(key), let t = v.text() else { return nil }
        guard Parsers.isoDate(t) != nil else {
            map.diagnostics.error(v.position, "'\(key)' \(map.context): '\(t)' is not a date (YYYY-MM-DD)")
            return nil
        }
        return t
    }

    /// A regular expression, compiled here so that a bad one is refused before any data is read.
    public func regex(_ key: String) -> String? {
        _ = keys[key]!
        return compiler.readRegex(map, key)
    }

    /// A mapping `{column: C, equals: V}`, as `where:` and `only:` are written.
    public func columnEquals(_ key: String) -> (column: String?, equals: String?)? {
        guard let m = value(key)?.map() else { return nil }
        let r = (m.required("column")?.text(), m.required("equals")?.text())
        m.finish()
        return r
    }
}

/// What a check's `validate` can ask about the rest of the pipeline, and where it reports.
public struct CheckValidation {
    public let check: CheckConfig
    /// The checked table (it exists: a check on a missing table stops before its spec is validated).
    public let table: TableConfig
    public let config: PipelineConfig
    let diagnostics: ConfigDiagnostics

    /// A problem with the value of `key` (the check's start when the key is not written).
    public func fail(_ key: String, _ message: String) {
        diagnostics.error(check.position(of: key), "check \(check.name): \(message)")
    }

    /// The key the checked columns were written under, for messages.
    public var columnsKey: String { check.keyPositions["column"] != nil ? "column" : "columns" }

    public func isWritten(_ key: String) -> Bool { check.keyPositions[key] != nil }

    /// Reports `column` (written under `key`) when `table` has no such column.
    public func has(_ table: TableConfig, _ column: String, _ key: String) {
        guard !table.fields.contains(where: { $0.name == column }) else { return }
        fail(key, "table \(table.name) has no column '\(column)'" + Suggest.didYouMean(column, among: table.fields.map(\.name)))
    }

    /// Reports a column of the checked table that does not exist.
    public func column(_ column: String?, _ key: String) {
        if let column { has(table, column, key) }
    }

    /// The table another key names (`to:`, `groupTable:`), with its columns checked; nil (reported) when
    /// it is not given or not declared.
    @discardableResult
    public func otherTable(_ name: String?, _ key: String, columns: [(column: String, key: String)]) -> TableConfig? {
        guard let name else { fail(key, "\(check.type) needs \(key):"); return nil }
        guard let o = config.tables.first(where: { $0.name == name }) else {
            fail(key, "table '\(name)' is not declared" + Suggest.didYouMean(name, among: config.tables.map(\.name)))
            return nil
        }
        for c in columns { has(o, c.column, c.key) }
        return o
    }

    /// `MM-DD` of a day that exists in a leap year.
    public static func isMonthDay(_ s: String) -> Bool {
        let p = s.split(separator: "-", omittingEmptySubsequences: false)
        guard p.count == 2, p[0].count == 2, p[1].count == 2, let m = Int(p[0]), let d = Int(p[1]) else { return false }
        return CivilCalendar.isRealDay(2024, m, d)
    }
}
