#if canImport(Glibc)
import Glibc
#endif

/// Path helpers for resolving the paths a pipeline names.
public enum FilePaths {
    /// The folder holding `path`, worked out on the text: `config` → `.`, `.` → `..`, `../config` → `..`,
    /// `/srv/p/config` → `/srv/p`.
    public static func parent(_ path: String) -> String {
        normalize(path + "/..")
    }

    /// `path` with `.` segments, repeated slashes and `name/..` pairs removed (`a/./b/../c` → `a/c`).
    public static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var out: [Substring] = []
        for seg in path.split(separator: "/") where seg != "." {
            if seg == "..", let last = out.last, last != ".." { out.removeLast() } else if seg == "..", absolute, out.isEmpty { continue } else { out.append(seg) }
        }
        let joined = out.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// `path` taken from `base` when it is relative (`base` `.` leaves it as it is).
    public static func resolve(_ path: String, against base: String) -> String {
        if path.hasPrefix("/") || base == "." || base.isEmpty { return path }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }
}

/// Turns a pipeline definition's YAML into a typed, checked `PipelineConfig`.
///
/// One pass reads every key against the model, so misspelled keys (with a did-you-mean), values of the
/// wrong type, unknown choices and YAML syntax errors are all found, each with its `file:line:column`;
/// then every cross-reference is checked, regexes, thresholds, templates, transforms and parsers are
/// compiled, and value maps are read. Any error refuses the whole definition, listing them all.
public struct PipelineCompiler {
    public var workspace: Workspace
    /// The check types a pipeline may use (PaddockChecks' `CheckRegistry.catalog`).
    public var checks: CheckCatalog

    public init(workspace: Workspace, checks: CheckCatalog) {
        self.workspace = workspace
        self.checks = checks
    }

    /// - Parameter name: the name the definition is loaded as (its file name); its `pipeline:` must say it.
    public func compile(text: String, file: String, name: String? = nil) throws(PaddockError) -> PipelineConfig {
        let diags = ConfigDiagnostics(file: file)
        let config = read(text: text, diags: diags, expectedName: name)
        if let config {
            // Cross-references are checked even when some values did not read, so that one pass lists
            // every problem; but not inside a source, table or check that had a reading error, where
            // they would only repeat it ('dedupe needs a primaryKey' after 'unknown key primaryKy').
            let found = ConfigDiagnostics(file: file)
            validate(config, found)
            let starts = (config.sources.map(\.position) + config.tables.map(\.position) + config.checks.map(\.position)
                          + [config.publish.position]).sorted { ($0.line, $0.column) < ($1.line, $1.column) }
            func entity(_ p: ConfigPosition) -> ConfigPosition? { starts.last { ($0.line, $0.column) <= (p.line, p.column) } }
            let spoiled = Set(diags.errors.compactMap { entity($0.position).map { "\($0)" } })
            for d in found.errors where !spoiled.contains(entity(d.position).map { "\($0)" } ?? "") {
                diags.error(d.position, d.message)
            }
        }
        try diags.throwIfErrors(what: "pipeline definition \(file)")
        var c = config!
        c.file = file
        c.warnings = diags.warnings
        return c
    }

    /// Reads the YAML into the model; nil when the text is not YAML or not a mapping.
    func read(text: String, diags: ConfigDiagnostics, expectedName: String? = nil) -> PipelineConfig? {
        guard let node = diags.parse(text) else {
            if diags.errors.isEmpty { diags.error(ConfigPosition(line: 1, column: 1), "the file is empty; a pipeline needs at least 'pipeline:'") }
            return nil
        }
        guard let top = ConfigValue(node: node, diagnostics: diags, context: "at the top level", key: nil).map() else { return nil }
        let name = top.required("pipeline")?.text() ?? ""
        if let expectedName, top.value("pipeline") != nil, name != expectedName {
            // Tools find a pipeline's folders by this name: a copied file that kept another name would
            // share (and overwrite) that pipeline's data.
            diags.error(top.position(of: "pipeline"), "pipeline: says '\(name)', but the file defines pipeline '\(expectedName)'; they must be the same")
        }
        let description = top.text("description")
        var sources: [SourceConfig] = []
        for v in top.value("sources")?.list() ?? [] { if let s = readSource(v) { sources.append(s) } }
        var tables: [TableConfig] = []
        for v in top.value("tables")?.list() ?? [] { if let t = readTable(v) { tables.append(t) } }
        var checks: [CheckConfig] = []
        for v in top.value("checks")?.list() ?? [] { if let c = readCheck(v) { checks.append(c) } }
        let publish = top.map("publish", context: "in publish").map(readPublish) ?? PublishConfig()
        var maps: [String: ValueMapConfig] = [:]
        for e in top.value("maps")?.entries() ?? [] { if let m = readMap(e.value, name: e.name) { maps[e.name] = m } }
        top.finish()
        return PipelineConfig(pipeline: name, description: description, sources: sources, tables: tables, checks: checks,
                              publish: publish, maps: maps)
    }

    // MARK: sources

    func readSource(_ v: ConfigValue) -> SourceConfig? {
        guard let m = v.map("in a source") else { return nil }
        let name = m.required("name")?.text() ?? ""
        m.context = "in source '\(name)'"
        let kindValue = m.value("kind")
        let kind = kindValue.map { $0.choice(SourceKind.self) } ?? .files
        var root: String?
        var patterns = ["**"]
        var optional = false
        if kind == .files {
            if let r = m.value("root"), let text = r.text() {
                root = resolvePath(text, base: workspace.projectDir, at: r.position, diags: m.diagnostics, what: "'root' \(m.context)")
            }
            patterns = m.texts("patterns") ?? ["**"]
            optional = m.bool("optional") ?? false
        }
        let format = m.choice("format", PayloadFormat.self)
        let records = m.value("records")?.texts() ?? []
        let recordsMode = m.choice("recordsMode", RecordsPointerMode.self) ?? .first
        let carry = m.value("carry")?.textEntries()
        for name in (carry ?? [:]).keys.sorted() where SourceConfig.provenanceFields.contains(name) {
            m.diagnostics.error(m.position(of: "carry"), "carried field '\(name)' \(m.context) has the name of a field extract adds to every record (\(SourceConfig.provenanceFields.joined(separator: ", "))); rename it")
        }
        var delimiter: UInt8?
        if let d = m.value("delimiter"), let t = d.text() {
            delimiter = CSVReadOptions.delimiterByte(named: t)
            if delimiter == nil {
                m.diagnostics.error(d.position, "'delimiter' \(m.context) must be one ASCII character other than a quote or line break, or 'tab', not '\(t)'")
            }
        }
        var encoding: TextEncoding?
        if let e = m.value("encoding"), let t = e.text() {
            encoding = TextEncoding(name: t)
            if encoding == nil {
                var msg = "'encoding' \(m.context): unknown encoding '\(t)'"
                let names = ["utf-8", "cp1252", "windows-1252", "latin1", "iso-8859-1"]
                if let s = Suggest.closest(t, among: names) { msg += " (did you mean '\(s)'?)" } else { msg += "; use utf-8, cp1252 or latin1" }
                m.diagnostics.error(e.position, msg)
            }
        }
        let header = m.bool("header") ?? true
        var http: HTTPSourceConfig?
        switch kind {
        case .http?:
            http = HTTPSourceConfig(reading: m)
            m.notApplicable(SourceConfig.filesKeys, "is for files sources, not http sources")
        case .files?:
            m.notApplicable(HTTPSourceConfig.keys, "is for http sources, not files sources")
            if root == nil && m.value("root") == nil { m.diagnostics.error(m.position, "missing key 'root' \(m.context) (the folder its files are in)") }
        case nil:
            // An unknown kind: its own error says enough; the other keys cannot be judged.
            for k in m.writtenKeys { _ = m.value(k) }
        }
        m.finish()
        return SourceConfig(name: name, kind: kind ?? .files, root: root, patterns: patterns, format: format, records: records,
                            recordsMode: recordsMode, carry: carry, optional: optional, delimiter: delimiter, encoding: encoding,
                            header: header, http: http, position: m.position, keyPositions: m.positions)
    }

    /// `${VAR}` and `${VAR:-default}` expanded (`DATA_DIR` is always the data folder in use), then a
    /// relative path taken from `base`.
    func resolvePath(_ text: String, base: String, at: ConfigPosition, diags: ConfigDiagnostics, what: String) -> String? {
        var env = workspace.environment
        env["DATA_DIR"] = workspace.dataDir
        do {
            let expanded = try HTTPTemplate.expandEnvironment(text, env, what: what)
            guard !expanded.isEmpty else {
                diags.error(at, "\(what) is empty" + (text.isEmpty ? "" : " once '\(text)' is expanded") + ": it would stand for the whole folder \(base)")
                return nil
            }
            return FilePaths.resolve(expanded, against: base)
        } catch {
            diags.error(at, error.message)
            return nil
        }
    }

    // MARK: tables

    func readTable(_ v: ConfigValue) -> TableConfig? {
        guard let m = v.map("in a table") else { return nil }
        let name = m.required("name")?.text() ?? ""
        m.context = "in table '\(name)'"
        let description = m.text("description")
        let list = m.texts("sources")
        let one = m.text("source")
        let source = one ?? list?.first ?? ""
        if list == nil && one == nil { m.diagnostics.error(m.position, "missing key 'source' \(m.context) (or 'sources')") }
        if list != nil && one != nil {
            m.diagnostics.error(m.position(of: "source"), "give 'source' or 'sources' \(m.context), not both (a table reads every source listed in 'sources')")
        }
        if !name.isEmpty && !HTTPTemplate.isSafeIDPart(name) {
            m.diagnostics.error(m.position(of: "name"), "table name '\(name)' must be a plain name (letters, digits, -._~): it names files")
        }
        let primaryKey = m.texts("primaryKey") ?? []
        let dedupe = m.choice("dedupe", DedupePolicy.self) ?? .none
        var fields: [FieldConfig] = []
        if let fv = m.required("fields") {
            for f in fv.list() ?? [] { if let field = readField(f, table: name) { fields.append(field) } }
        }
        var bySource: [String: [String: FieldOverride]] = [:]
        for e in m.value("bySource")?.entries() ?? [] {
            var overrides: [String: FieldOverride] = [:]
            for fe in e.value.entries() ?? [] {
                guard let om = fe.value.map("in table '\(name)' bySource.\(e.name).\(fe.name)") else { continue }
                overrides[fe.name] = readOverride(om)
                om.finish()
            }
            bySource[e.name] = overrides
        }
        var filter: [FilterRule] = []
        for f in m.value("filter")?.list() ?? [] { if let r = readFilter(f, table: name) { filter.append(r) } }
        var foreignKeys: [ForeignKey] = []
        for f in m.value("foreignKeys")?.list() ?? [] { if let k = readForeignKey(f, table: name) { foreignKeys.append(k) } }
        m.finish()
        return TableConfig(name: name, description: description, source: source, sources: list ?? [source], primaryKey: primaryKey,
                           dedupe: dedupe, fields: fields, bySource: bySource, filter: filter, foreignKeys: foreignKeys,
                           position: m.position, keyPositions: m.positions)
    }

    func readField(_ v: ConfigValue, table: String) -> FieldConfig? {
        guard let m = v.map("in a field of table '\(table)'") else { return nil }
        let name = m.required("name")?.text() ?? ""
        m.context = "in field '\(name)' of table '\(table)'"
        let type = m.choice("type", FieldType.self) ?? .string
        let description = m.text("description")
        var from = m.texts("from") ?? []
        let template = m.text("template")
        let transforms = readTransforms(m)
        let nullValues = m.texts("nullValues") ?? [""]
        var constraints = FieldConstraints()
        if let cm = m.map("constraints") {
            constraints.required = cm.bool("required") ?? false
            constraints.minimum = cm.number("minimum")
            constraints.maximum = cm.number("maximum")
            constraints.enum = cm.texts("enum")
            constraints.pattern = readRegex(cm, "pattern")
            constraints.minLength = cm.int("minLength", in: 0...Int.max)
            constraints.maxLength = cm.int("maxLength", in: 0...Int.max)
            cm.finish()
        }
        let map = m.text("map")
        let unmapped = m.choice("unmapped", UnmappedPolicy.self) ?? .keep
        let parser = m.value("parser").flatMap { readParser($0, context: m.context) }
        let defaultValue = m.text("default")
        var rest: FieldConfig.RestSpec?
        if let r = m.value("rest") {
            if case .mapping = r.node {
                if let rm = r.map() {
                    rest = FieldConfig.RestSpec(except: rm.texts("except") ?? [])
                    rm.finish()
                }
            } else if r.bool() == true {
                rest = FieldConfig.RestSpec()
            }
        }
        if rest != nil && (!from.isEmpty || template != nil) {
            m.diagnostics.error(m.position(of: "rest"), "'rest' \(m.context) cannot go with 'from' or 'template'")
        }
        if rest != nil && type != .object {
            m.diagnostics.error(m.position(of: "rest"), "a rest field must have type object, not \(type.rawValue) (\(m.context))")
        }
        if let template { checkTemplate(template, at: m.position(of: "template"), m) }
        if from.isEmpty && template == nil && rest == nil { from = [name] }
        m.finish()
        return FieldConfig(name: name, type: type, description: description, from: from, template: template, transforms: transforms,
                           nullValues: nullValues, constraints: constraints, map: map, unmapped: unmapped, parser: parser,
                           defaultValue: defaultValue, rest: rest, position: m.position, keyPositions: m.positions)
    }

    func readOverride(_ m: ConfigMap) -> FieldOverride {
        let parser = m.value("parser").flatMap { readParser($0, context: m.context) }
        let template = m.text("template")
        if let template { checkTemplate(template, at: m.position(of: "template"), m) }
        return FieldOverride(from: m.texts("from"), template: template, transforms: m.value("transforms") == nil ? nil : readTransforms(m),
                             nullValues: m.texts("nullValues"), map: m.text("map"), parser: parser, defaultValue: m.text("default"))
    }

    /// Transforms, each compiled through the transform table (`Transforms`), so that an unknown one or a
    /// bad argument is refused at its item.
    func readTransforms(_ m: ConfigMap) -> [String] {
        guard let v = m.value("transforms"), let items = v.list(single: true) else { return [] }
        var out: [String] = []
        for item in items {
            guard let t = item.text() else { continue }
            do {
                _ = try Transforms.compile(t)
            } catch {
                m.diagnostics.error(item.position, "\(error.message) \(m.context)\(error.suggestion); transforms: \(Transforms.usageList)")
            }
            out.append(t)
        }
        return out
    }

    func checkTemplate(_ t: String, at: ConfigPosition, _ m: ConfigMap) {
        do { _ = try FieldTemplate.parse(t, field: "") } catch {
            m.diagnostics.error(at, "invalid template '\(t)' \(m.context): \(error.message)")
        }
    }

    /// A regular expression, compiled here so that a bad one is refused before any data is read.
    func readRegex(_ m: ConfigMap, _ key: String) -> String? {
        guard let v = m.value(key), let p = v.text() else { return nil }
        if (try? Regex(p)) == nil { m.diagnostics.error(v.position, "'\(key)' \(m.context): '\(p)' is not a valid regular expression") }
        return p
    }

    /// A parser and its options, compiled through the parser table (`FieldParsers`): an unknown parser,
    /// an option it does not take, and an invalid option value are refused where they are written.
    func readParser(_ v: ConfigValue, context: String) -> ParserConfig? {
        var p: ParserConfig
        var nameAt = v.position
        var optionAt: [ParserOption: ConfigPosition] = [:]
        if case .scalar = v.node {
            guard let name = v.text() else { return nil }
            p = ParserConfig(name: name)
        } else {
            guard let m = v.map("in the parser \(context)") else { return nil }
            let n = m.required("name")
            nameAt = n?.position ?? m.position
            p = ParserConfig(name: n?.text() ?? "")
            p.formats = m.texts("format") ?? []
            p.pivotYear = m.int("pivotYear", in: 0...99)
            p.timeZone = m.text("timeZone")
            p.part = m.text("part")
            m.finish()
            for option in ParserOption.allCases where m.writtenKeys.contains(option.rawValue) { optionAt[option] = m.position(of: option.rawValue) }
            // A missing name has its own error already.
            if n?.text() == nil { return nil }
        }
        do {
            _ = try FieldParsers.compile(p)
        } catch {
            if let option = error.option {
                v.diagnostics.error(optionAt[option] ?? nameAt, "'\(option.rawValue)' \(context): \(error.message)\(error.detail)")
            } else {
                v.diagnostics.error(nameAt, "\(error.message) \(context)\(error.detail)")
            }
            return nil
        }
        return p
    }

    func readFilter(_ v: ConfigValue, table: String) -> FilterRule? {
        guard let m = v.map("in a filter rule of table '\(table)'") else { return nil }
        let from = m.required("from")?.text() ?? ""
        var found: [(FilterCondition, [String])] = []
        if let vs = m.texts("in") { found.append((.in, vs)) }
        if let vs = m.texts("notIn") { found.append((.notIn, vs)) }
        if let b = m.bool("present") { found.append((b ? .present : .absent, [])) }
        if let p = readRegex(m, "matches") { found.append((.matches, [p])) }
        m.finish()
        guard found.count == 1 else {
            let written = ["in", "notIn", "present", "matches"].filter { m.writtenKeys.contains($0) }
            // A condition written with a bad value has its own error already.
            if written.count != 1 { m.diagnostics.error(m.position, "a filter rule needs exactly one of in, notIn, present, matches (\(m.context))") }
            return nil
        }
        return FilterRule(from: from, condition: found[0].0, values: found[0].1)
    }

    func readForeignKey(_ v: ConfigValue, table: String) -> ForeignKey? {
        guard let m = v.map("in a foreign key of table '\(table)'") else { return nil }
        let fields = m.required("fields")?.texts() ?? []
        var target = "", refs: [String] = []
        if let r = m.required("reference")?.map("in the reference of a foreign key of table '\(table)'") {
            target = r.text("resource") ?? r.text("table") ?? ""
            if target.isEmpty { m.diagnostics.error(r.position, "a foreign key reference needs resource: (the table) \(r.context)") }
            refs = r.required("fields")?.texts() ?? []
            r.finish()
        }
        m.finish()
        return ForeignKey(fields: fields, table: target, referencedFields: refs)
    }

    func readMap(_ v: ConfigValue, name: String) -> ValueMapConfig? {
        if case .scalar = v.node, let path = v.text() {
            guard let resolved = resolvePath(path, base: workspace.configDir, at: v.position, diags: v.diagnostics, what: "value map '\(name)'") else { return nil }
            guard FileSystem.exists(resolved) else {
                v.diagnostics.error(v.position, "value map '\(name)': \(resolved) does not exist (a relative path is taken from the config folder \(workspace.configDir))")
                return nil
            }
            let mapDiags = ConfigDiagnostics(file: resolved)
            let text: String
            do { text = try FileSystem.readText(resolved) } catch {
                v.diagnostics.error(v.position, "value map '\(name)': \(error.description)")
                return nil
            }
            var pairs: [String: String] = [:]
            if let node = mapDiags.parse(text) {
                pairs = ConfigValue(node: node, diagnostics: mapDiags, context: "in value map '\(name)'", key: nil).textEntries() ?? [:]
            }
            for d in mapDiags.errors { v.diagnostics.error(v.position, "value map '\(name)': \(d.description)") }
            return ValueMapConfig(path: resolved, pairs: pairs)
        }
        let inline = ConfigValue(node: v.node, diagnostics: v.diagnostics, context: "in value map '\(name)'", key: name)
        return ValueMapConfig(path: nil, pairs: inline.textEntries() ?? [:])
    }

    // MARK: checks

    func readCheck(_ v: ConfigValue) -> CheckConfig? {
        guard let m = v.map("in a check") else { return nil }
        let name = m.required("name")?.text() ?? ""
        m.context = "in check '\(name)'"
        let table = m.required("table")?.text() ?? ""
        guard let typeName = m.required("type")?.choice(among: checks.names), let kind = checks.kind(typeName) else {
            // Without a type the other keys cannot be judged; the type's own error says enough.
            for k in m.writtenKeys { _ = m.value(k) }
            return nil
        }
        let spec = kind.read(CheckReading(map: m, kind: kind, compiler: self))
        let common = Dictionary(uniqueKeysWithValues: CheckReading.commonKeys.map { ($0.name, $0) })
        var c = CheckConfig(name: name, table: table, type: typeName, spec: spec,
                            severity: m.choice("severity", CheckSeverity.self) ?? .error, description: m.text("description"),
                            position: m.position)
        for key in ["errorIf", "warnIf"] {
            guard let tv = m.value(key, old: common[key]?.old), let t = tv.text() else { continue }
            if Threshold(t) == nil {
                m.diagnostics.error(tv.position, "'\(key)' \(m.context): '\(t)' is not a threshold (e.g. '> 0', '>= 10', '> 1%')")
            } else if key == "errorIf" {
                c.errorIf = t
            } else {
                c.warnIf = t
            }
        }
        if let om = m.map("only") {
            c.onlyColumn = om.required("column")?.text()
            c.onlyEquals = om.required("equals")?.text()
            om.finish()
        }
        // The keys of other types are known words here: say they do not apply rather than "unknown".
        let own = Set(kind.keys.map(\.name))
        var others: [String] = []
        for k in checks.kinds where k.type != typeName {
            for key in k.keys where !own.contains(key.name) { others.append(key.name); if let o = key.old { others.append(o) } }
        }
        m.notApplicable(Array(Set(others)).sorted(), "does not apply to a \(typeName) check")
        m.finish()
        c.keyPositions = m.positions
        return c
    }

    // MARK: publish

    func readPublish(_ m: ConfigMap) -> PublishConfig {
        var p = PublishConfig()
        p.position = m.position
        p.tables = m.texts("tables") ?? []
        p.level = m.int("level", in: 1...19) ?? 3
        p.workers = m.int("workers", in: 0...64) ?? 2
        if let fv = m.value("formats"), let items = fv.list(single: true) {
            p.formats = items.compactMap { $0.choice(PublishFormat.self)?.rawValue }
        }
        p.keep = m.int("keep", in: 1...Int.max) ?? 10
        m.finish()
        return p
    }

    // MARK: cross-references

    /// Checks what no single value shows: names that refer to other parts of the pipeline, and
    /// compiles every table's mapping.
    func validate(_ config: PipelineConfig, _ d: ConfigDiagnostics) {
        var names = Set<String>()
        for s in config.sources {
            if !names.insert(s.name).inserted { d.error(s.position, "source '\(s.name)' is declared twice") }
            if !HTTPTemplate.isSafeIDPart(s.name) { d.error(s.position, "source name '\(s.name)' must be a plain name (letters, digits, -._~)") }
            s.http?.validate(source: s, in: config) { d.error($0, $1) }
        }
        let sourceNames = config.sources.map(\.name)
        let tableNames = config.tables.map(\.name)
        func unknown(_ what: String, _ name: String, among: [String]) -> String {
            var msg = "\(what) '\(name)', which is not declared"
            msg += Suggest.didYouMean(name, among: among)
            return msg
        }
        var tableSet = Set<String>()
        for t in config.tables {
            let fieldNames = t.fields.map(\.name)
            func column(_ name: String, _ what: String) -> String {
                var msg = "\(what) '\(name)', which is not a field of table \(t.name)"
                msg += Suggest.didYouMean(name, among: fieldNames)
                return msg
            }
            if !tableSet.insert(t.name).inserted { d.error(t.position, "table '\(t.name)' is declared twice") }
            for src in t.sources where !sourceNames.contains(src) {
                d.error(t.position(of: t.keyPositions["sources"] != nil ? "sources" : "source"), "table \(t.name) reads " + unknown("source", src, among: sourceNames))
            }
            for (src, overrides) in t.bySource.sorted(by: { $0.key < $1.key }) {
                let at = t.position(of: "bySource")
                if !t.sources.contains(src) { d.error(at, "table \(t.name): bySource names '\(src)', which is not one of its sources") }
                for name in overrides.keys.sorted() where !fieldNames.contains(name) {
                    d.error(at, "table \(t.name): bySource.\(src) names " + column(name, "field"))
                }
                for (name, o) in overrides.sorted(by: { $0.key < $1.key }) {
                    if let m = o.map, config.maps[m] == nil {
                        d.error(at, "table \(t.name): bySource.\(src).\(name): " + unknown("map", m, among: Array(config.maps.keys)) + " under maps:")
                    }
                }
            }
            var fieldSet = Set<String>()
            for f in t.fields {
                if !fieldSet.insert(f.name).inserted { d.error(f.position, "table \(t.name): field '\(f.name)' is declared twice") }
                if let m = f.map, config.maps[m] == nil {
                    d.error(f.position(of: "map"), "table \(t.name) field \(f.name): " + unknown("map", m, among: Array(config.maps.keys)) + " under maps:")
                }
                if let v = f.defaultValue, f.parser == nil, let problem = Self.typeProblem(v, f.type) {
                    d.error(f.position(of: "default"), "table \(t.name) field \(f.name): default '\(v)' \(problem)")
                }
                let c = f.constraints
                if let lo = c.minimum, let hi = c.maximum, lo > hi {
                    d.error(f.position(of: "constraints"), "table \(t.name) field \(f.name): minimum (\(Parsers.format(lo))) is above maximum (\(Parsers.format(hi)))")
                }
                if let lo = c.minLength, let hi = c.maxLength, lo > hi {
                    d.error(f.position(of: "constraints"), "table \(t.name) field \(f.name): minLength (\(lo)) is above maxLength (\(hi))")
                }
                if (c.minimum != nil || c.maximum != nil) && ![FieldType.integer, .number, .year].contains(f.type) {
                    d.error(f.position(of: "constraints"), "table \(t.name) field \(f.name): minimum and maximum apply to integer, number and year fields, not \(f.type.rawValue)")
                }
            }
            if t.dedupe != .none && t.primaryKey.isEmpty { d.error(t.position(of: "dedupe"), "table \(t.name): dedupe: \(t.dedupe.rawValue) needs a primaryKey") }
            for k in t.primaryKey where !fieldNames.contains(k) { d.error(t.position(of: "primaryKey"), "table \(t.name): primary key " + column(k, "field")) }
            let fkAt = t.position(of: "foreignKeys")
            for fk in t.foreignKeys {
                for k in fk.fields where !fieldNames.contains(k) { d.error(fkAt, "table \(t.name): foreign key " + column(k, "field")) }
                guard let target = config.tables.first(where: { $0.name == fk.table }) else {
                    d.error(fkAt, "table \(t.name): foreign key refers to " + unknown("table", fk.table, among: tableNames))
                    continue
                }
                if fk.referencedFields.count != fk.fields.count {
                    d.error(fkAt, "table \(t.name): foreign key \(fk.fields) and its reference \(fk.referencedFields) differ in length")
                }
                for k in fk.referencedFields where !target.fields.contains(where: { $0.name == k }) {
                    d.error(fkAt, "table \(t.name): foreign key refers to \(fk.table).\(k), which is not a field")
                }
            }
            // {$field} in a template: another field of the table, which has no template itself.
            var said = Set<String>()
            for fields in [t.fields] + t.sources.map({ t.fields(for: $0) }) {
                for f in fields {
                    for ref in FieldTemplate.fieldReferences(f.template ?? "") where !fields.contains(where: { $0.name == ref && $0.template == nil }) {
                        let msg = "table \(t.name) field \(f.name): template '\(f.template ?? "")' refers to {$\(ref)}, which is not a field of the table without a template of its own"
                        if said.insert(msg).inserted { d.error(f.position, msg) }
                    }
                }
            }
        }
        var checkNames = Set<String>()
        for c in config.checks {
            if !checkNames.insert(c.name).inserted { d.error(c.position(of: "name"), "check '\(c.name)' is declared twice") }
            validate(check: c, config, d)
        }
        for name in config.publish.tables where !tableNames.contains(name) {
            d.error(config.publish.position, "publish names " + unknown("table", name, among: tableNames))
        }
    }

    /// Why `text` is not a value of `type`, or nil when it is (for defaults, which are typed like values).
    static func typeProblem(_ text: String, _ type: FieldType) -> String? {
        switch type {
        case .integer: return Int(text) == nil ? "is not an integer" : nil
        case .number: return Double(text) == nil ? "is not a number" : nil
        case .boolean: return ["true", "false"].contains(text) ? nil : "is not true or false"
        case .year: return Int(text).map { (0...9999).contains($0) } == true ? nil : "is not a year"
        case .date: return Parsers.isoDate(text) == nil ? "is not a date (YYYY-MM-DD)" : nil
        case .datetime: return Timestamp(parsing: text) == nil ? "is not a date and time (ISO 8601)" : nil
        case .string, .time, .duration, .object, .array: return nil
        }
    }

    func validate(check c: CheckConfig, _ config: PipelineConfig, _ d: ConfigDiagnostics) {
        guard let t = config.tables.first(where: { $0.name == c.table }) else {
            d.error(c.position(of: "table"), "check \(c.name) is on table '\(c.table)', which is not declared"
                    + Suggest.didYouMean(c.table, among: config.tables.map(\.name)))
            return
        }
        let v = CheckValidation(check: c, table: t, config: config, diagnostics: d)
        for column in c.columns { v.column(column, v.columnsKey) }
        v.column(c.onlyColumn, "only")
        c.spec.validate(v)
    }
}
