/// A pipeline definition, read from `config/pipelines/<name>.yaml`: its sources, its canonical tables
/// (Frictionless Table Schema plus a mapping from raw records), its checks and what it publishes.
///
/// It is built only by `PipelineCompiler`, which refuses unknown keys and values, checks every
/// cross-reference and compiles what can be compiled before any tool reads data.
public struct PipelineConfig: Sendable {
    public var pipeline: String
    public var description: String?
    public var sources: [SourceConfig]
    public var tables: [TableConfig]
    public var checks: [CheckConfig]
    public var publish: PublishConfig
    /// Value maps fields can name with `map:`: each a YAML file of `value: replacement` (a path relative
    /// to the config folder) or inline pairs.
    public var maps: [String: ValueMapConfig]
    /// Where the definition was read from.
    public var file: String = ""
    /// Earlier spellings and other warnings found while reading it.
    public var warnings: [ConfigDiagnostic] = []

    /// The table named `name`, or a config error listing the tables there are.
    public func table(_ name: String) throws(PaddockError) -> TableConfig {
        guard let t = tables.first(where: { $0.name == name }) else {
            var hint = "tables: \(tables.map(\.name).joined(separator: ", "))"
            if let s = Suggest.closest(name, among: tables.map(\.name)) { hint = "did you mean '\(s)'? (\(hint))" }
            throw PaddockError(.usage, "pipeline \(pipeline) has no table '\(name)'", hint: hint)
        }
        return t
    }

    public func source(_ name: String) throws(PaddockError) -> SourceConfig {
        guard let s = sources.first(where: { $0.name == name }) else {
            throw PaddockError(.config, "pipeline \(pipeline) has no source '\(name)'")
        }
        return s
    }

    /// Refuses, before any work, to fetch `sources` (all http sources when empty) when the environment
    /// lacks a variable they need: every missing one is listed with where it is written.
    /// - Parameter requests: also the headers' and auth's variables (extract); discover needs `baseURL` only.
    public func requireEnvironment(_ env: [String: String], sources names: [String], requests: Bool) throws(PaddockError) {
        var problems: [String] = []
        for s in sources where names.isEmpty || names.contains(s.name) {
            for (at, message) in s.http?.environmentProblems(source: s, env: env, requests: requests) ?? [] {
                problems.append("\(file):\(at): \(message)")
            }
        }
        guard !problems.isEmpty else { return }
        var e = PaddockError(.config, problems.count == 1 ? problems[0] : "\(problems.count) environment variables are missing for pipeline \(pipeline)",
                             hint: "see docs/sources.md (environment variables)")
        if problems.count > 1 { e.details = problems }
        throw e
    }

    /// Refuses (as a usage error) source names given on the command line that the pipeline does not declare.
    public func requireSources(_ names: [String]) throws(PaddockError) {
        for name in names where !sources.contains(where: { $0.name == name }) {
            throw PaddockError(.usage, "pipeline \(pipeline) has no source '\(name)'", hint: "sources: \(sources.map(\.name).joined(separator: ", "))")
        }
    }
}

/// An entry of a pipeline definition (a source, table, field or check) that knows where it and each of
/// its keys are written, so that messages about it can point there.
public protocol ConfigEntry: Sendable {
    var position: ConfigPosition { get }
    var keyPositions: [String: ConfigPosition] { get }
}

extension ConfigEntry {
    /// Where `key`'s value is written (the whole entry's position when it is not written).
    public func position(of key: String) -> ConfigPosition { keyPositions[key] ?? position }
}

/// The kinds of source.
public enum SourceKind: String, ConfigChoice { case files, http }

/// The payload formats a source can declare.
public enum PayloadFormat: String, ConfigChoice { case json, ndjson, csv }

/// Which `records` pointers of a document are used.
public enum RecordsPointerMode: String, ConfigChoice {
    /// The first pointer that exists in a document (schema versions nest records differently).
    case first
    /// Every pointer, in turn.
    case all
}

/// Where a pipeline's units of work come from. `files`: a root folder and glob patterns; `http`: a
/// base URL and a path template over parameters (see `HTTPSourceConfig` and docs/sources.md).
public struct SourceConfig: ConfigEntry {
    public var name: String
    public var kind: SourceKind
    /// For `files`: the folder searched, resolved (docs/pipelines.md#paths): `${VAR}` expanded, and a
    /// relative path taken from the project folder (the parent of the config folder).
    public var root: String?
    /// For `files`: glob patterns relative to `root` (`*`, `?`, `**` for any folders).
    public var patterns: [String]
    /// The payload format: json, ndjson or csv (default: from the file name).
    public var format: PayloadFormat?
    /// For json payloads: JSON pointers to the records, `*` for every element (`/matches/*`). With several,
    /// the first that exists in a document is used (schema versions nest records differently).
    public var records: [String]
    /// `first` (default): the first `records` pointer that exists in a document is used; `all`: every one,
    /// in turn.
    public var recordsMode: RecordsPointerMode
    /// Fields added to every record: a JSON pointer into the whole document (`competition: /name`) or a
    /// relative JSON pointer from the record (`round: 2/name`).
    public var carry: [String: String]?
    /// When true, a missing root folder means no units (a landing folder not used yet) instead of an error.
    public var optional: Bool
    /// CSV payload options: the delimiter byte, the text encoding, and whether the first row is a header.
    public var delimiter: UInt8?
    public var encoding: TextEncoding?
    public var header: Bool
    /// For `http`: everything about requests (nil for `files`).
    public var http: HTTPSourceConfig?
    public var position: ConfigPosition = ConfigPosition(line: 1, column: 1)
    /// Where each key's value is written, for messages about it.
    public var keyPositions: [String: ConfigPosition] = [:]

    /// The keys of a source that only files sources take.
    public static let filesKeys = ["root", "patterns", "optional"]

    /// The fields extract adds to every record, which `carry` cannot name.
    public static let provenanceFields = ["_unit", "_raw", "_pointer"]
}

/// Rows sharing a primary key.
public enum DedupePolicy: String, ConfigChoice {
    /// All written; dq-check's unique check finds them.
    case none
    /// The first wins.
    case first
    /// The last wins: amended results replace older ones.
    case last
    /// Later ones are quarantined.
    case error
}

/// A canonical table: its Table Schema fields with their mapping, its primary key and its source.
public struct TableConfig: ConfigEntry {
    public var name: String
    public var description: String?
    /// The source whose records feed this table.
    public var source: String
    /// Every source whose records feed this table (default: `source` alone).
    public var sources: [String]
    public var primaryKey: [String]
    /// Rows sharing a primary key (default `none`).
    public var dedupe: DedupePolicy
    public var fields: [FieldConfig]
    /// Per-source changes to the fields' mapping: source name -> field name -> what differs (`from`,
    /// `template`, `transforms`, `nullValues`, `map`, `parser`). A record's source is the first segment of
    /// its `_unit`.
    public var bySource: [String: [String: FieldOverride]]
    /// Record-level filter: a record must pass every rule to be mapped; the others are counted as filtered.
    public var filter: [FilterRule]
    /// Frictionless foreign keys: fields of this table that refer to another table's fields.
    public var foreignKeys: [ForeignKey]
    public var position: ConfigPosition = ConfigPosition(line: 1, column: 1)
    /// Where each key's value is written, for messages about it.
    public var keyPositions: [String: ConfigPosition] = [:]

    /// The fields as mapped for records of `source`: the table's fields with that source's overrides.
    public func fields(for source: String) -> [FieldConfig] {
        guard let overrides = bySource[source] else { return fields }
        return fields.map { f in overrides[f.name].map { f.applying($0) } ?? f }
    }
}

/// Frictionless Table Schema field types Paddock types values into.
public enum FieldType: String, ConfigChoice {
    case string, integer, number, boolean, date, time, datetime, year, duration
    /// A JSON object (written as compact JSON: raw in NDJSON, as text in CSV).
    case object
    /// A JSON array (written as compact JSON).
    case array
}

/// A foreign key, as Frictionless writes it: `{fields: [race_id], reference: {resource: races, fields: [race_id]}}`
/// (`table:` is accepted for `resource:`; a single field may be written without brackets).
public struct ForeignKey: Sendable {
    public var fields: [String]
    public var table: String
    public var referencedFields: [String]
}

/// What a filter rule asks of a record's value.
public enum FilterCondition: Sendable {
    /// The value is one of `values`.
    case `in`
    /// The value is absent, or not one of `values`.
    case notIn
    /// The value is present and not empty.
    case present
    /// The value is absent or empty.
    case absent
    /// The value matches the regular expression `values[0]` as a whole.
    case matches
}

/// A record-level filter rule (`filter:` of a table): records that fail a rule are not mapped, and are
/// counted as filtered, by rule, in the stats. Example: `{from: status, notIn: [void, abandoned]}`.
public struct FilterRule: Sendable {
    /// The raw record's key or JSON pointer the rule reads.
    public var from: String
    public var condition: FilterCondition
    public var values: [String]

    /// The rule as written, for stats and messages: `status notIn [void]`.
    public var description: String {
        switch condition {
        case .in: return "\(from) in [\(values.joined(separator: ", "))]"
        case .notIn: return "\(from) notIn [\(values.joined(separator: ", "))]"
        case .present: return "\(from) present"
        case .absent: return "\(from) absent"
        case .matches: return "\(from) matches \(values.first ?? "")"
        }
    }
}

/// What to do with a value a field's map does not hold.
public enum UnmappedPolicy: String, ConfigChoice {
    /// Keep the value as it is.
    case keep
    /// Quarantine the record.
    case error
}

/// One field of a table: its schema (name, type, constraints) and where its value comes from.
public struct FieldConfig: ConfigEntry {
    public var name: String
    public var type: FieldType
    public var description: String?
    /// A key of the raw record, or a JSON pointer into it (`/score/ft/0`). Fallbacks follow: the first
    /// one present and not null wins.
    public var from: [String]
    /// Instead of `from`: a template over record keys or pointers, `{date}-{team1}-{team2}`.
    public var template: String?
    /// Transforms applied in order to the text before parsing: trim, lower, upper, slug.
    public var transforms: [String]
    /// Texts that mean "no value" (default: the empty string).
    public var nullValues: [String]
    public var constraints: FieldConstraints
    /// A value map (declared under `maps:`) applied after the transforms.
    public var map: String?
    /// What to do with a value the map does not hold: `keep` it (default) or quarantine the record (`error`).
    public var unmapped: UnmappedPolicy
    /// A named value parser with its options (`{name: date, format: "%d/%m/%y"}`), applied before typing.
    public var parser: ParserConfig?
    /// The text used when the source gives no value (absent, null, a null token, or a parser's "nothing"):
    /// it is typed and checked like any value.
    public var defaultValue: String?
    /// Instead of `from` or `template`: the members of the record that no field of the table reads by name
    /// (in `from`, a template or a filter), less the names in `except` and those starting with `_`
    /// (provenance), as one JSON object. A member that fields only look into with a pointer (`/player/id`)
    /// stays whole. No such member: no value. For CSV input, the columns no field reads, with their
    /// non-empty cells as strings. `rest: true` or `rest: {except: [name, ...]}`; the type must be `object`.
    public var rest: RestSpec?
    public var position: ConfigPosition = ConfigPosition(line: 1, column: 1)
    /// Where each key's value is written, for messages about it.
    public var keyPositions: [String: ConfigPosition] = [:]

    /// What a `rest` field leaves out besides the members other fields read.
    public struct RestSpec: Sendable {
        public var except: [String]

        public init(except: [String] = []) { self.except = except }
    }

    /// This field with a source's overrides applied: `from` replaces a template and vice versa.
    public func applying(_ o: FieldOverride) -> FieldConfig {
        var f = self
        if let from = o.from { f.from = from; f.template = nil; f.rest = nil }
        if let t = o.template { f.template = t; f.from = []; f.rest = nil }
        if let t = o.transforms { f.transforms = t }
        if let n = o.nullValues { f.nullValues = n }
        if let m = o.map { f.map = m }
        if let p = o.parser { f.parser = p }
        if let d = o.defaultValue { f.defaultValue = d }
        return f
    }
}

/// What a source changes in a field's mapping (see `TableConfig.bySource`).
public struct FieldOverride: Sendable {
    public var from: [String]?
    public var template: String?
    public var transforms: [String]?
    public var nullValues: [String]?
    public var map: String?
    public var parser: ParserConfig?
    public var defaultValue: String?
}

/// A value map: a file of pairs, or inline pairs.
public struct ValueMapConfig: Sendable {
    /// The file, resolved against the config folder; nil for inline pairs.
    public var path: String?
    /// The pairs (read from the file when the pipeline is loaded).
    public var pairs: [String: String]
}

/// A named value parser and its options.
public struct ParserConfig: Sendable {
    public var name: String
    /// For date, datetime and season: the format, or several (the first that parses wins).
    public var formats: [String]
    public var format: String? { formats.first }
    public var pivotYear: Int?
    /// For datetime: the zone of times written without one (UTC, GMT or a fixed offset like +01:00).
    public var timeZone: String?
    /// For parsers with several outputs (a score's home or away goals): which one.
    public var part: String?

    public init(name: String, formats: [String] = [], pivotYear: Int? = nil, timeZone: String? = nil, part: String? = nil) {
        self.name = name
        self.formats = formats
        self.pivotYear = pivotYear
        self.timeZone = timeZone
        self.part = part
    }
}

/// Table Schema constraints.
public struct FieldConstraints: Sendable {
    public var required: Bool = false
    public var minimum: Double?
    public var maximum: Double?
    public var `enum`: [String]?
    public var pattern: String?
    public var minLength: Int?
    public var maxLength: Int?

    public init() {}
}

/// How a failing check counts: `error` fails the run, `warn` only reports.
public enum CheckSeverity: String, ConfigChoice { case error, warn }

/// A declared data-quality check (see docs/checks.md): what every check has, and its type's own spec
/// (one type per check, registered in PaddockChecks' `CheckRegistry`).
public struct CheckConfig: ConfigEntry {
    public var name: String
    public var table: String
    /// The check type (`unique`, `range`, …), a name of the registry.
    public var type: String
    /// The type's own options, typed.
    public var spec: any CheckSpec
    /// `error` (the default) fails the run; `warn` only reports.
    public var severity: CheckSeverity
    public var description: String?
    /// Thresholds on the failing rows (`> 0`, `>= 10`, `> 1%`); default: the severity's `> 0`.
    public var errorIf: String?
    public var warnIf: String?
    /// Only the rows of `table` whose `onlyColumn` equals `onlyEquals` are checked (`only: {column: status, equals: finished}`).
    public var onlyColumn: String?
    public var onlyEquals: String?
    public var position: ConfigPosition = ConfigPosition(line: 1, column: 1)
    /// Where each key's value is written, for messages about it.
    public var keyPositions: [String: ConfigPosition] = [:]

    /// The checked columns.
    public var columns: [String] { spec.columns }

    /// `90s`, `90m`, `36h`, `3d`, `2w`, or several (`1d12h`), in seconds.
    public static func seconds(_ text: String) -> Int? {
        var total = 0, number = 0, digits = 0
        for ch in text where ch != " " {
            if let d = ch.wholeNumberValue, ch.isASCII { number = number * 10 + d; digits += 1; continue }
            guard digits > 0 else { return nil }
            switch ch {
            case "s": total += number
            case "m": total += number * 60
            case "h": total += number * 3600
            case "d": total += number * 86400
            case "w": total += number * 604800
            default: return nil
            }
            number = 0; digits = 0
        }
        return digits == 0 && !text.isEmpty ? total : nil
    }
}

/// The file formats publish writes per table.
public enum PublishFormat: String, ConfigChoice { case csv, ndjson }

/// What `publish` writes.
public struct PublishConfig: Sendable {
    /// Tables published (default: all).
    public var tables: [String] = []
    /// zstd level (default 3).
    public var level: Int = 3
    /// zstd worker threads (default 2).
    public var workers: Int = 2
    /// File formats written per table: csv always, ndjson when listed (default [csv]).
    public var formats: [String] = ["csv"]
    /// Snapshots kept (default 10); older ones are deleted, never the one the manifest points to.
    public var keep: Int = 10
    public var position: ConfigPosition = ConfigPosition(line: 1, column: 1)

    public init() {}
}
