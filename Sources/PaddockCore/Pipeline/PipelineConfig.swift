import Yams

/// A pipeline definition, read from `config/pipelines/<name>.yaml`: its sources, its canonical tables
/// (Frictionless Table Schema plus a mapping from raw records), its checks and what it publishes.
public struct PipelineConfig: Decodable, Sendable {
    public var pipeline: String
    public var description: String?
    public var sources: [SourceConfig]
    public var tables: [TableConfig]
    public var checks: [CheckConfig]
    public var publish: PublishConfig
    /// Value maps fields can name with `map:`: each a YAML file of `value: replacement` (a path
    /// relative to the working folder) or inline pairs.
    public var maps: [String: ValueMapConfig]

    enum CodingKeys: String, CodingKey { case pipeline, description, sources, tables, checks, publish, maps }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pipeline = try c.decode(String.self, forKey: .pipeline)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        sources = try c.decodeIfPresent([SourceConfig].self, forKey: .sources) ?? []
        tables = try c.decodeIfPresent([TableConfig].self, forKey: .tables) ?? []
        checks = try c.decodeIfPresent([CheckConfig].self, forKey: .checks) ?? []
        publish = try c.decodeIfPresent(PublishConfig.self, forKey: .publish) ?? PublishConfig()
        maps = try c.decodeIfPresent([String: ValueMapConfig].self, forKey: .maps) ?? [:]
    }

    /// The table named `name`, or a config error listing the tables there are.
    public func table(_ name: String) throws(PaddockError) -> TableConfig {
        guard let t = tables.first(where: { $0.name == name }) else {
            throw PaddockError(.usage, "pipeline \(pipeline) has no table '\(name)'",
                               hint: "tables: \(tables.map(\.name).joined(separator: ", "))")
        }
        return t
    }

    public func source(_ name: String) throws(PaddockError) -> SourceConfig {
        guard let s = sources.first(where: { $0.name == name }) else {
            throw PaddockError(.config, "pipeline \(pipeline) has no source '\(name)'")
        }
        return s
    }

    /// Refuses (as a usage error) source names given on the command line that the pipeline does not declare.
    public func requireSources(_ names: [String]) throws(PaddockError) {
        for name in names where !sources.contains(where: { $0.name == name }) {
            throw PaddockError(.usage, "pipeline \(pipeline) has no source '\(name)'", hint: "sources: \(sources.map(\.name).joined(separator: ", "))")
        }
    }
}

/// Where a pipeline's files live. Every path can be overridden by the environment, so running against
/// another data folder needs no code change.
public struct Workspace: Sendable {
    /// The folder of pipeline definitions: `--config-dir`, `$PADDOCK_CONFIG_DIR`, or `config`.
    public var configDir: String
    /// The data folder: `--data-dir`, `$DATA_DIR`, or `data`.
    public var dataDir: String

    public init(configDir: String? = nil, dataDir: String? = nil, environment: [String: String] = Workspace.environment()) {
        self.configDir = configDir ?? environment["PADDOCK_CONFIG_DIR"] ?? "config"
        self.dataDir = dataDir ?? environment["DATA_DIR"] ?? "data"
    }

    public func pipelinePath(_ name: String) -> String { "\(configDir)/pipelines/\(name).yaml" }
    public func rawDir(_ pipeline: String) -> String { "\(dataDir)/raw/\(pipeline)" }
    public func derivedDir(_ pipeline: String) -> String { "\(dataDir)/derived/\(pipeline)" }
    public func processedDir(_ pipeline: String) -> String { "\(dataDir)/processed/\(pipeline)" }
    public func indexDir(_ pipeline: String) -> String { "\(dataDir)/index/\(pipeline)" }

    /// Loads and validates a pipeline definition.
    public func loadPipeline(_ name: String) throws(PaddockError) -> PipelineConfig {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), !name.isEmpty else {
            throw PaddockError(.usage, "invalid pipeline name '\(name)'", hint: "use letters, digits, - and _")
        }
        let path = pipelinePath(name)
        guard FileSystem.exists(path) else {
            let known = (try? FileSystem.list("\(configDir)/pipelines"))?.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) } ?? []
            throw PaddockError(.usage, "no pipeline '\(name)': \(path) does not exist",
                               hint: known.isEmpty ? "run from the repository root or set PADDOCK_CONFIG_DIR" : "pipelines: \(known.joined(separator: ", "))")
        }
        let text = try FileSystem.readText(path)
        let config: PipelineConfig
        do {
            config = try YAMLDecoder().decode(PipelineConfig.self, from: text)
        } catch {
            throw PaddockError(.config, "invalid pipeline definition: \(Self.describe(error))", at: SourceLocation(file: path))
        }
        try config.validate(path: path)
        return config
    }

    public static func environment() -> [String: String] {
        var env: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { env[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return env
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? DecodingError {
            switch e {
            case .keyNotFound(let key, let ctx):
                return "missing key '\(key.stringValue)' at \(path(ctx.codingPath))"
            case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .dataCorrupted(let ctx):
                return "\(ctx.debugDescription) at \(path(ctx.codingPath))"
            @unknown default:
                return "\(e)"
            }
        }
        return "\(error)"
    }

    static func path(_ keys: [any CodingKey]) -> String {
        if keys.isEmpty { return "top level" }
        var s = ""
        for k in keys {
            if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
        }
        return s
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension PipelineConfig {
    /// Checks the cross-references a decoder cannot: table sources, check tables and columns, field types.
    func validate(path: String) throws(PaddockError) {
        let loc = SourceLocation(file: path)
        var names = Set<String>()
        for s in sources {
            guard names.insert(s.name).inserted else { throw PaddockError(.config, "source \(s.name) is declared twice", at: loc) }
            guard HTTPTemplate.isSafeIDPart(s.name) else { throw PaddockError(.config, "source name '\(s.name)' must be a plain name", at: loc) }
            guard s.recordsMode == "first" || s.recordsMode == "all" else {
                throw PaddockError(.config, "source \(s.name): recordsMode must be first or all", at: loc)
            }
            switch s.kind {
            case "files": break
            case "http": try s.http?.validate(source: s.name, in: self, at: loc)
            default: throw PaddockError(.config, "source \(s.name): unknown kind '\(s.kind)'", at: loc, hint: "use files or http")
            }
        }
        for t in tables {
            for src in t.sources where !sources.contains(where: { $0.name == src }) {
                throw PaddockError(.config, "table \(t.name) reads source '\(src)', which is not declared", at: loc)
            }
            for (src, overrides) in t.bySource {
                if !t.sources.contains(src) {
                    throw PaddockError(.config, "table \(t.name): bySource names '\(src)', which is not one of its sources", at: loc)
                }
                for name in overrides.keys where !t.fields.contains(where: { $0.name == name }) {
                    throw PaddockError(.config, "table \(t.name): bySource.\(src) names field '\(name)', which is not declared", at: loc)
                }
            }
            for f in t.fields where FieldType(rawValue: f.type) == nil {
                throw PaddockError(.config, "table \(t.name) field \(f.name): unknown type '\(f.type)'", at: loc,
                                   hint: "types: \(FieldType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            for f in t.fields {
                if f.rest != nil && f.type != FieldType.object.rawValue {
                    throw PaddockError(.config, "table \(t.name) field \(f.name): a rest field must have type object, not \(f.type)", at: loc)
                }
                if let m = f.map, maps[m] == nil {
                    throw PaddockError(.config, "table \(t.name) field \(f.name): map '\(m)' is not declared under maps:", at: loc)
                }
            }
            if t.dedupe != "none" && t.primaryKey.isEmpty {
                throw PaddockError(.config, "table \(t.name): dedupe: \(t.dedupe) needs a primaryKey", at: loc)
            }
            for k in t.primaryKey where !t.fields.contains(where: { $0.name == k }) {
                throw PaddockError(.config, "table \(t.name): primary key field '\(k)' is not a field", at: loc)
            }
            for fk in t.foreignKeys {
                for k in fk.fields where !t.fields.contains(where: { $0.name == k }) {
                    throw PaddockError(.config, "table \(t.name): foreign key field '\(k)' is not a field", at: loc)
                }
                guard let target = tables.first(where: { $0.name == fk.table }) else {
                    throw PaddockError(.config, "table \(t.name): foreign key refers to table '\(fk.table)', which is not declared", at: loc)
                }
                guard fk.referencedFields.count == fk.fields.count else {
                    throw PaddockError(.config, "table \(t.name): foreign key \(fk.fields) and its reference \(fk.referencedFields) differ in length", at: loc)
                }
                for k in fk.referencedFields where !target.fields.contains(where: { $0.name == k }) {
                    throw PaddockError(.config, "table \(t.name): foreign key refers to \(fk.table).\(k), which is not a field", at: loc)
                }
            }
        }
        for c in checks {
            guard let t = tables.first(where: { $0.name == c.table }) else {
                throw PaddockError(.config, "check \(c.name) is on table '\(c.table)', which is not declared", at: loc)
            }
            guard CheckType(rawValue: c.type) != nil else {
                throw PaddockError(.config, "check \(c.name): unknown type '\(c.type)'", at: loc,
                                   hint: "types: \(CheckType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            for col in c.columns where !t.fields.contains(where: { $0.name == col }) {
                throw PaddockError(.config, "check \(c.name): table \(t.name) has no column '\(col)'", at: loc)
            }
            func other(_ name: String?, _ what: String, _ cols: [String]) throws(PaddockError) {
                guard let name else { throw PaddockError(.config, "check \(c.name): \(c.type) needs \(what)", at: loc) }
                guard let o = tables.first(where: { $0.name == name }) else {
                    throw PaddockError(.config, "check \(c.name): table '\(name)' is not declared", at: loc)
                }
                for col in cols where !o.fields.contains(where: { $0.name == col }) {
                    throw PaddockError(.config, "check \(c.name): table \(name) has no column '\(col)'", at: loc)
                }
            }
            if let only = c.onlyColumn, !t.fields.contains(where: { $0.name == only }) {
                throw PaddockError(.config, "check \(c.name): only: names '\(only)', which is not a column of \(t.name)", at: loc)
            }
            switch CheckType(rawValue: c.type)! {
            case .relationships:
                try other(c.to, "to: (the referenced table)", c.toColumns)
                if c.toColumns.count != c.columns.count {
                    throw PaddockError(.config, "check \(c.name): columns and fields differ in length", at: loc)
                }
            case .group_count, .group_exists, .unresulted:
                try other(c.groupTable, "group_table:", c.groupKey + [c.whereColumn, c.ifAny, c.resultColumn].compactMap { $0 })
                if c.groupKey.count != c.columns.count {
                    throw PaddockError(.config, "check \(c.name): columns and group_key differ in length", at: loc)
                }
                for col in [c.compareColumn, c.dateColumn, c.timeColumn].compactMap({ $0 }) where !t.fields.contains(where: { $0.name == col }) {
                    throw PaddockError(.config, "check \(c.name): table \(t.name) has no column '\(col)'", at: loc)
                }
                if c.type == "group_count" && c.compareColumn == nil { throw PaddockError(.config, "check \(c.name): group_count needs compare:", at: loc) }
                if c.type == "group_exists" && c.whereColumn == nil { throw PaddockError(.config, "check \(c.name): group_exists needs where:", at: loc) }
                if c.type == "unresulted" && c.resultColumn == nil { throw PaddockError(.config, "check \(c.name): unresulted needs result_column:", at: loc) }
            case .regex:
                if c.pattern == nil { throw PaddockError(.config, "check \(c.name): regex needs pattern:", at: loc) }
            case .freshness:
                if c.maxAge == nil || (c.of == nil && c.columns.count != 1) || (c.of != nil && c.of != "extraction") {
                    throw PaddockError(.config, "check \(c.name): freshness needs max_age: and one column, or of: extraction", at: loc)
                }
            case .compare:
                guard c.columns.count == (c.compareValue == nil ? 2 : 1), let op = c.op, ["!=", "=", "<", "<=", ">", ">="].contains(op) else {
                    throw PaddockError(.config, "check \(c.name): compare needs two columns (or one and value:) and op: one of != = < <= > >=", at: loc)
                }
            case .date_in_season:
                guard c.columns.count == 1, let season = c.seasonColumn, t.fields.contains(where: { $0.name == season }) else {
                    throw PaddockError(.config, "check \(c.name): date_in_season needs one date column and season: (a column of \(t.name))", at: loc)
                }
            case .drift:
                for col in c.nullRateColumns where !t.fields.contains(where: { $0.name == col }) {
                    throw PaddockError(.config, "check \(c.name): table \(t.name) has no column '\(col)'", at: loc)
                }
                if c.columns.isEmpty && c.nullRateColumns.isEmpty || !(c.maxChange > 0 && c.maxChange < 1) {
                    throw PaddockError(.config, "check \(c.name): drift needs columns and a max_change between 0 and 1", at: loc)
                }
            case .gaps:
                if c.columns.count != 1 { throw PaddockError(.config, "check \(c.name): gaps needs one date column", at: loc) }
                for d in [c.from, c.until].compactMap({ $0 }) where Parsers.isoDate(d) == nil {
                    throw PaddockError(.config, "check \(c.name): '\(d)' is not a date (YYYY-MM-DD)", at: loc)
                }
            default:
                break
            }
        }
        for name in publish.tables where !tables.contains(where: { $0.name == name }) {
            throw PaddockError(.config, "publish names table '\(name)', which is not declared", at: loc)
        }
    }
}

/// Where a pipeline's units of work come from. `files`: a root folder and glob patterns; `http`: a
/// base URL and a path template over parameters (see `HTTPSourceConfig` and docs/sources.md).
public struct SourceConfig: Decodable, Sendable {
    public var name: String
    public var kind: String
    /// For `files`: the folder searched, relative to the working folder.
    public var root: String?
    /// For `files`: glob patterns relative to `root` (`*`, `?`, `**` for any folders).
    public var patterns: [String]
    /// The payload format: json, ndjson or csv (default: from the file name).
    public var format: String?
    /// For json payloads: JSON pointers to the records, `*` for every element (`/matches/*`). With several,
    /// the first that exists in a document is used (schema versions nest records differently).
    public var records: [String]
    /// `first` (default): the first `records` pointer that exists in a document is used; `all`: every one,
    /// in turn.
    public var recordsMode: String
    /// Fields added to every record: a JSON pointer into the whole document (`competition: /name`) or a
    /// relative JSON pointer from the record (`round: 2/name`).
    public var carry: [String: String]?
    /// When true, a missing root folder means no units (a landing folder not used yet) instead of an error.
    public var optional: Bool
    /// CSV payload options.
    public var delimiter: String?
    public var encoding: String?
    /// For `http`: everything about requests (nil for `files`).
    public var http: HTTPSourceConfig?

    enum CodingKeys: String, CodingKey { case name, kind, root, patterns, format, records, recordsMode, carry, optional, delimiter, encoding }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? "files"
        root = try c.decodeIfPresent(String.self, forKey: .root)
        patterns = try c.decodeIfPresent([String].self, forKey: .patterns) ?? ["**"]
        format = try c.decodeIfPresent(String.self, forKey: .format)
        if let one = try? c.decodeIfPresent(String.self, forKey: .records) {
            records = [one]
        } else {
            records = try c.decodeIfPresent([String].self, forKey: .records) ?? []
        }
        recordsMode = try c.decodeIfPresent(String.self, forKey: .recordsMode) ?? "first"
        carry = try c.decodeIfPresent([String: String].self, forKey: .carry)
        optional = try c.decodeIfPresent(Bool.self, forKey: .optional) ?? false
        delimiter = try c.decodeIfPresent(String.self, forKey: .delimiter)
        encoding = try c.decodeIfPresent(String.self, forKey: .encoding)
        http = kind == "http" ? try HTTPSourceConfig(from: decoder) : nil
    }
}

/// A canonical table: its Table Schema fields with their mapping, its primary key and its source.
public struct TableConfig: Decodable, Sendable {
    public var name: String
    public var description: String?
    /// The source whose records feed this table.
    public var source: String
    /// Every source whose records feed this table (default: `source` alone).
    public var sources: [String]
    public var primaryKey: [String]
    /// Rows sharing a primary key: `none` (default: all written, dq-check's unique check finds them),
    /// `first` (the first wins), `last` (the last wins: amended results replace older ones) or `error`
    /// (later ones are quarantined).
    public var dedupe: String
    public var fields: [FieldConfig]
    /// Per-source changes to the fields' mapping: source name -> field name -> what differs (`from`,
    /// `template`, `transforms`, `nullValues`, `map`, `parser`). A record's source is the first segment of
    /// its `_unit`.
    public var bySource: [String: [String: FieldOverride]]
    /// Record-level filter: a record must pass every rule to be mapped; the others are counted as filtered.
    public var filter: [FilterRule]
    /// Frictionless foreign keys: fields of this table that refer to another table's fields.
    public var foreignKeys: [ForeignKey]

    enum CodingKeys: String, CodingKey { case name, description, source, sources, primaryKey, dedupe, fields, bySource, filter, foreignKeys }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        let list = try c.decodeIfPresent([String].self, forKey: .sources)
        source = try c.decodeIfPresent(String.self, forKey: .source) ?? list?.first ?? ""
        sources = list ?? [source]
        primaryKey = try c.decodeIfPresent([String].self, forKey: .primaryKey) ?? []
        dedupe = try c.decodeIfPresent(String.self, forKey: .dedupe) ?? "none"
        guard ["none", "first", "last", "error"].contains(dedupe) else {
            throw DecodingError.dataCorruptedError(forKey: .dedupe, in: c, debugDescription: "dedupe must be none, first, last or error, not '\(dedupe)'")
        }
        fields = try c.decode([FieldConfig].self, forKey: .fields)
        bySource = try c.decodeIfPresent([String: [String: FieldOverride]].self, forKey: .bySource) ?? [:]
        filter = try c.decodeIfPresent([FilterRule].self, forKey: .filter) ?? []
        foreignKeys = try c.decodeIfPresent([ForeignKey].self, forKey: .foreignKeys) ?? []
    }

    /// The fields as mapped for records of `source`: the table's fields with that source's overrides.
    public func fields(for source: String) -> [FieldConfig] {
        guard let overrides = bySource[source] else { return fields }
        return fields.map { f in overrides[f.name].map { f.applying($0) } ?? f }
    }
}

/// Frictionless Table Schema field types Paddock types values into.
public enum FieldType: String, Sendable, CaseIterable {
    case string, integer, number, boolean, date, time, datetime, year, duration
    /// A JSON object (written as compact JSON: raw in NDJSON, as text in CSV).
    case object
    /// A JSON array (written as compact JSON).
    case array
}

/// A foreign key, as Frictionless writes it: `{fields: [race_id], reference: {resource: races, fields: [race_id]}}`
/// (`table:` is accepted for `resource:`; a single field may be written without brackets).
public struct ForeignKey: Decodable, Sendable {
    public var fields: [String]
    public var table: String
    public var referencedFields: [String]

    enum CodingKeys: String, CodingKey { case fields, reference }
    enum ReferenceKeys: String, CodingKey { case resource, table, fields }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        fields = try Self.names(c, .fields)
        let r = try c.nestedContainer(keyedBy: ReferenceKeys.self, forKey: .reference)
        guard let t = try r.decodeIfPresent(String.self, forKey: .resource) ?? r.decodeIfPresent(String.self, forKey: .table) else {
            throw DecodingError.dataCorruptedError(forKey: .resource, in: r, debugDescription: "a foreign key reference needs resource: (the table)")
        }
        table = t
        referencedFields = try Self.names(r, .fields)
    }

    static func names<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> [String] {
        if let one = try? c.decode(String.self, forKey: key) { return [one] }
        return try c.decode([String].self, forKey: key)
    }
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
public struct FilterRule: Decodable, Sendable {
    /// The raw record's key or JSON pointer the rule reads.
    public var from: String
    public var condition: FilterCondition
    public var values: [String]

    enum CodingKeys: String, CodingKey { case from, `in`, notIn, present, matches }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        from = try c.decode(String.self, forKey: .from)
        var found: [(FilterCondition, [String])] = []
        if let v = try c.decodeIfPresent([String].self, forKey: .in) { found.append((.in, v)) }
        if let v = try c.decodeIfPresent([String].self, forKey: .notIn) { found.append((.notIn, v)) }
        if let v = try c.decodeIfPresent(Bool.self, forKey: .present) { found.append((v ? .present : .absent, [])) }
        if let v = try c.decodeIfPresent(String.self, forKey: .matches) { found.append((.matches, [v])) }
        guard found.count == 1 else {
            throw DecodingError.dataCorruptedError(forKey: .from, in: c, debugDescription: "a filter rule needs exactly one of in, notIn, present, matches")
        }
        (condition, values) = found[0]
    }

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

/// One field of a table: its schema (name, type, constraints) and where its value comes from.
public struct FieldConfig: Decodable, Sendable {
    public var name: String
    public var type: String
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
    public var unmapped: String
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

    /// What a `rest` field leaves out besides the members other fields read.
    public struct RestSpec: Decodable, Sendable {
        public var except: [String]

        public init(except: [String] = []) { self.except = except }

        enum CodingKeys: String, CodingKey { case except }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            except = try c.decodeIfPresent([String].self, forKey: .except) ?? []
        }
    }

    enum CodingKeys: String, CodingKey { case name, type, description, from, template, transforms, nullValues, constraints, map, unmapped, parser, `default`, rest }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        type = try c.decodeIfPresent(String.self, forKey: .type) ?? "string"
        description = try c.decodeIfPresent(String.self, forKey: .description)
        if let one = try? c.decodeIfPresent(String.self, forKey: .from) {
            from = [one]
        } else {
            from = try c.decodeIfPresent([String].self, forKey: .from) ?? []
        }
        template = try c.decodeIfPresent(String.self, forKey: .template)
        transforms = try c.decodeIfPresent([String].self, forKey: .transforms) ?? []
        nullValues = try c.decodeIfPresent([String].self, forKey: .nullValues) ?? [""]
        constraints = try c.decodeIfPresent(FieldConstraints.self, forKey: .constraints) ?? FieldConstraints()
        map = try c.decodeIfPresent(String.self, forKey: .map)
        unmapped = try c.decodeIfPresent(String.self, forKey: .unmapped) ?? "keep"
        parser = try c.decodeIfPresent(ParserConfig.self, forKey: .parser)
        defaultValue = try Self.scalarText(c, .default)
        if let on = try? c.decodeIfPresent(Bool.self, forKey: .rest) {
            rest = on ? RestSpec() : nil
        } else {
            rest = try c.decodeIfPresent(RestSpec.self, forKey: .rest)
        }
        if rest != nil && (!from.isEmpty || template != nil) {
            throw DecodingError.dataCorruptedError(forKey: .rest, in: c, debugDescription: "field \(name): rest: cannot go with from: or template:")
        }
        if from.isEmpty && template == nil && rest == nil { from = [name] }
    }

    /// A YAML scalar as text (`default: 0` and `default: "0"` are the same).
    static func scalarText<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> String? {
        if let s = try? c.decodeIfPresent(String.self, forKey: key) { return s }
        if let i = try? c.decodeIfPresent(Int.self, forKey: key) { return String(i) }
        if let d = try? c.decodeIfPresent(Double.self, forKey: key) { return String(d) }
        if let b = try c.decodeIfPresent(Bool.self, forKey: key) { return b ? "true" : "false" }
        return nil
    }
}

/// What a source changes in a field's mapping (see `TableConfig.bySource`).
public struct FieldOverride: Decodable, Sendable {
    public var from: [String]?
    public var template: String?
    public var transforms: [String]?
    public var nullValues: [String]?
    public var map: String?
    public var parser: ParserConfig?
    public var defaultValue: String?

    enum CodingKeys: String, CodingKey { case from, template, transforms, nullValues, map, parser, `default` }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let one = try? c.decodeIfPresent(String.self, forKey: .from) {
            from = [one]
        } else {
            from = try c.decodeIfPresent([String].self, forKey: .from)
        }
        template = try c.decodeIfPresent(String.self, forKey: .template)
        transforms = try c.decodeIfPresent([String].self, forKey: .transforms)
        nullValues = try c.decodeIfPresent([String].self, forKey: .nullValues)
        map = try c.decodeIfPresent(String.self, forKey: .map)
        parser = try c.decodeIfPresent(ParserConfig.self, forKey: .parser)
        defaultValue = try FieldConfig.scalarText(c, .default)
    }
}

extension FieldConfig {
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

/// A value map: a file of pairs, or inline pairs.
public struct ValueMapConfig: Decodable, Sendable {
    public var path: String?
    public var pairs: [String: String]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let path = try? c.decode(String.self) {
            self.path = path
            pairs = [:]
        } else {
            path = nil
            pairs = try c.decode([String: String].self)
        }
    }

    /// The pairs, reading the file when the map is one.
    public func load() throws(PaddockError) -> [String: String] {
        guard let path else { return pairs }
        let text = try FileSystem.readText(path)
        do {
            return try YAMLDecoder().decode([String: String].self, from: text)
        } catch {
            throw PaddockError(.config, "invalid value map: \(Workspace.describe(error))", at: SourceLocation(file: path),
                               hint: "a value map is a YAML mapping of text to text")
        }
    }
}

/// A named value parser and its options.
public struct ParserConfig: Decodable, Sendable {
    public var name: String
    /// For date, datetime and season: the format, or several (the first that parses wins).
    public var formats: [String]
    public var format: String? { formats.first }
    public var pivotYear: Int?
    /// For datetime: the zone of times written without one (UTC, GMT or a fixed offset like +01:00).
    public var timeZone: String?
    /// For parsers with several outputs (a score's home or away goals): which one.
    public var part: String?

    enum CodingKeys: String, CodingKey { case name, format, pivotYear, timeZone, part }

    public init(from decoder: any Decoder) throws {
        if let one = try? decoder.singleValueContainer().decode(String.self) {
            name = one
            formats = []
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        if let one = try? c.decodeIfPresent(String.self, forKey: .format) {
            formats = [one]
        } else {
            formats = try c.decodeIfPresent([String].self, forKey: .format) ?? []
        }
        pivotYear = try c.decodeIfPresent(Int.self, forKey: .pivotYear)
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone)
        part = try c.decodeIfPresent(String.self, forKey: .part)
    }
}

/// Table Schema constraints.
public struct FieldConstraints: Decodable, Sendable {
    public var required: Bool = false
    public var minimum: Double?
    public var maximum: Double?
    public var `enum`: [String]?
    public var pattern: String?
    public var minLength: Int?
    public var maxLength: Int?

    public init() {}

    enum CodingKeys: String, CodingKey { case required, minimum, maximum, `enum`, pattern, minLength, maxLength }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? false
        minimum = try c.decodeIfPresent(Double.self, forKey: .minimum)
        maximum = try c.decodeIfPresent(Double.self, forKey: .maximum)
        `enum` = try c.decodeIfPresent([String].self, forKey: .enum)
        pattern = try c.decodeIfPresent(String.self, forKey: .pattern)
        minLength = try c.decodeIfPresent(Int.self, forKey: .minLength)
        maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength)
    }
}

/// The kinds of check dq-check runs.
public enum CheckType: String, Sendable, CaseIterable {
    case unique, not_null, range, accepted_values, regex, row_count, relationships, group_count, group_exists, unresulted, freshness
    case schema, gaps, compare, date_in_season, drift
}

/// A declared data-quality check (see docs/checks.md).
public struct CheckConfig: Decodable, Sendable {
    public var name: String
    public var table: String
    public var type: String
    /// The checked columns (`column:` or `columns:`); for the group checks, the table's key.
    public var columns: [String]
    /// `error` (the default) fails the run; `warn` only reports.
    public var severity: String
    public var min: Double?
    public var max: Double?
    public var values: [String]?
    public var description: String?
    /// regex: the pattern each value must match as a whole.
    public var pattern: String?
    /// relationships: the referenced table and its columns (default: the same names).
    public var to: String?
    public var toColumns: [String]
    /// group checks: the table whose rows are grouped, and its key columns (default: `columns`).
    public var groupTable: String?
    public var groupKey: [String]
    /// group_count: the column holding the expected number of group rows.
    public var compareColumn: String?
    /// group_exists: the group rows that count (`where: {column: position, equals: "1"}`), at least `min`
    /// (default 1) of them, in groups that have a row with `if_any` present (default: any group row).
    public var whereColumn: String?
    public var whereEquals: String?
    public var ifAny: String?
    /// unresulted: the group column that holds a result, the date and time columns of the start, and the
    /// grace after the start (`2h`).
    public var resultColumn: String?
    public var dateColumn: String?
    public var timeColumn: String?
    public var grace: String?
    public var graceSeconds: Int? { grace.flatMap(CheckConfig.seconds) }
    /// freshness: the largest age of the newest value (`36h`, `3d`).
    public var maxAge: String?
    /// freshness: `extraction` measures the newest raw extraction (the ledger's `fetched_at`) instead of
    /// a column.
    public var of: String?
    public var maxAgeSeconds: Int? { maxAge.flatMap(CheckConfig.seconds) }
    /// gaps: the window of expected days, `start:` and `end:` (`YYYY-MM-DD`; default: the first and last day
    /// in the column).
    public var from: String?
    public var until: String?
    /// gaps: days of the year with no fixtures by design (`MM-DD`: `12-25`).
    public var exceptDays: [String]
    /// compare: how the first column must compare with the second (`!=`, `=`, `<`, `<=`, `>`, `>=`).
    public var op: String?
    /// date_in_season: the season column (`2024-25`) and the window of a season, `MM-DD` in its first year
    /// to `MM-DD` in its second (default `07-01` to `08-31`: late-finishing seasons such as 2019-20 included).
    public var seasonColumn: String?
    public var seasonStarts: String
    public var seasonEnds: String
    /// drift: the largest change allowed in a column's null rate or in a category's share of the rows,
    /// against the last published snapshot (default 0.1: ten percentage points).
    public var maxChange: Double
    /// drift: columns compared on their null rate only (times, ids, free text: no categories).
    public var nullRateColumns: [String]
    /// Thresholds on the failing rows (`> 0`, `>= 10`, `> 1%`); default: the severity's `> 0`.
    public var errorIf: String?
    /// Only the rows of `table` whose `onlyColumn` equals `onlyEquals` are checked (`only: {column: status, equals: finished}`).
    public var onlyColumn: String?
    public var onlyEquals: String?
    /// compare: a constant instead of the second column; `now` is `--now` as ISO 8601.
    public var compareValue: String?
    public var warnIf: String?

    enum CodingKeys: String, CodingKey {
        case name, table, type, columns, column, severity, min, max, values, description, pattern, to, field, fields
        case group_table, group_key, compare, `where`, if_any, result_column, date, time, grace, max_age, error_if, warn_if
        case from = "start", until = "end", except_days, op, season, season_starts, season_ends, max_change, null_rate, of
        case only, value
    }
    enum WhereKeys: String, CodingKey { case column, equals }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        table = try c.decode(String.self, forKey: .table)
        type = try c.decode(String.self, forKey: .type)
        if let one = try c.decodeIfPresent(String.self, forKey: .column) {
            columns = [one]
        } else {
            columns = try c.decodeIfPresent([String].self, forKey: .columns) ?? []
        }
        severity = try c.decodeIfPresent(String.self, forKey: .severity) ?? "error"
        min = try c.decodeIfPresent(Double.self, forKey: .min)
        max = try c.decodeIfPresent(Double.self, forKey: .max)
        values = try c.decodeIfPresent([String].self, forKey: .values)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        pattern = try c.decodeIfPresent(String.self, forKey: .pattern)
        to = try c.decodeIfPresent(String.self, forKey: .to)
        if let one = try c.decodeIfPresent(String.self, forKey: .field) {
            toColumns = [one]
        } else {
            toColumns = try c.decodeIfPresent([String].self, forKey: .fields) ?? []
        }
        if toColumns.isEmpty { toColumns = columns }
        groupTable = try c.decodeIfPresent(String.self, forKey: .group_table)
        if let one = try? c.decodeIfPresent(String.self, forKey: .group_key) {
            groupKey = [one]
        } else {
            groupKey = try c.decodeIfPresent([String].self, forKey: .group_key) ?? []
        }
        if groupKey.isEmpty { groupKey = columns }
        compareColumn = try c.decodeIfPresent(String.self, forKey: .compare)
        if c.contains(.where) {
            let w = try c.nestedContainer(keyedBy: WhereKeys.self, forKey: .where)
            whereColumn = try w.decode(String.self, forKey: .column)
            whereEquals = try FieldConfig.scalarText(w, .equals)
        }
        if c.contains(.only) {
            let w = try c.nestedContainer(keyedBy: WhereKeys.self, forKey: .only)
            onlyColumn = try w.decode(String.self, forKey: .column)
            onlyEquals = try FieldConfig.scalarText(w, .equals)
        }
        compareValue = try FieldConfig.scalarText(c, .value)
        ifAny = try c.decodeIfPresent(String.self, forKey: .if_any)
        resultColumn = try c.decodeIfPresent(String.self, forKey: .result_column)
        dateColumn = try c.decodeIfPresent(String.self, forKey: .date)
        timeColumn = try c.decodeIfPresent(String.self, forKey: .time)
        grace = try c.decodeIfPresent(String.self, forKey: .grace)
        maxAge = try c.decodeIfPresent(String.self, forKey: .max_age)
        of = try c.decodeIfPresent(String.self, forKey: .of)
        from = try c.decodeIfPresent(String.self, forKey: .from)
        until = try c.decodeIfPresent(String.self, forKey: .until)
        exceptDays = try c.decodeIfPresent([String].self, forKey: .except_days) ?? []
        op = try c.decodeIfPresent(String.self, forKey: .op)
        seasonColumn = try c.decodeIfPresent(String.self, forKey: .season)
        seasonStarts = try c.decodeIfPresent(String.self, forKey: .season_starts) ?? "07-01"
        seasonEnds = try c.decodeIfPresent(String.self, forKey: .season_ends) ?? "08-31"
        maxChange = try c.decodeIfPresent(Double.self, forKey: .max_change) ?? 0.1
        nullRateColumns = try c.decodeIfPresent([String].self, forKey: .null_rate) ?? []
        errorIf = try FieldConfig.scalarText(c, .error_if)
        warnIf = try FieldConfig.scalarText(c, .warn_if)
        guard severity == "error" || severity == "warn" else {
            throw DecodingError.dataCorruptedError(forKey: .severity, in: c, debugDescription: "severity must be warn or error, not '\(severity)'")
        }
        for (key, text) in [(CodingKeys.grace, grace), (.max_age, maxAge)] {
            if let text, CheckConfig.seconds(text) == nil {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "'\(text)' is not a duration (e.g. 90m, 36h, 3d, 1d12h)")
            }
        }
    }

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

/// What `publish` writes.
public struct PublishConfig: Decodable, Sendable {
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

    public init() {}

    enum CodingKeys: String, CodingKey { case tables, level, workers, formats, keep }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tables = try c.decodeIfPresent([String].self, forKey: .tables) ?? []
        level = try c.decodeIfPresent(Int.self, forKey: .level) ?? 3
        workers = try c.decodeIfPresent(Int.self, forKey: .workers) ?? 2
        formats = try c.decodeIfPresent([String].self, forKey: .formats) ?? ["csv"]
        keep = try c.decodeIfPresent(Int.self, forKey: .keep) ?? 10
        guard formats.allSatisfy({ $0 == "csv" || $0 == "ndjson" }) else {
            throw DecodingError.dataCorruptedError(forKey: .formats, in: c, debugDescription: "publish formats are csv and ndjson")
        }
        guard keep >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .keep, in: c, debugDescription: "publish keep must be at least 1")
        }
    }
}
