import Foundation
@testable import PaddockCore
import PaddockChecks
import Testing

/// The pipeline compiler: every key is read against the model, so a misspelling or a value of the wrong
/// type in any section is refused with its file:line:column, all problems at once.
@Suite("Pipeline compiler")
struct PipelineCompilerTests {
    /// A pipeline with every section: a files source, an http source, a table with fields, checks and
    /// publish. Each corpus case changes one line of it.
    static let base = """
    pipeline: t
    sources:
      - name: files1
        kind: files
        root: landing
        patterns: ["*.csv"]
        encoding: cp1252
        delimiter: ";"
      - name: api
        kind: http
        baseURL: http://127.0.0.1:1
        path: /e/{date}
        params:
          date: {dates: {from: 2024-01-01, to: today}}
        tries: 3
    tables:
      - name: runners
        source: files1
        primaryKey: [id]
        dedupe: last
        fields:
          - name: id
            type: integer
            from: ID
          - name: horse
            type: string
            transforms: [trim]
    checks:
      - name: id_unique
        table: runners
        type: unique
        column: id
        severity: warn
      - name: few
        table: runners
        type: row_count
        min: 1
    publish:
      keep: 3
      formats: [csv]
    """

    /// The problems compiling `yaml` gives (each `file:line:column: message`), empty when it compiles.
    static func problems(_ yaml: String) -> [String] {
        let ws = Workspace(configDir: "/nonexistent/config", dataDir: "/nonexistent/data", environment: [:])
        do {
            _ = try PipelineCompiler(workspace: ws, checks: CheckRegistry.catalog).compile(text: yaml, file: "x.yaml")
            return []
        } catch {
            return error.details.isEmpty ? [error.description] : error.details
        }
    }

    /// `base` with the line containing `old` replaced by `new`, and the 1-based line number of the change.
    static func variant(_ old: String, _ new: String) -> (String, Int) {
        var lines = base.components(separatedBy: "\n")
        let i = lines.firstIndex { $0.contains(old) }!
        lines[i] = lines[i].replacingOccurrences(of: old, with: new)
        return (lines.joined(separator: "\n"), i + 1)
    }

    /// The 1-based line of `base` (or `yaml`) holding `text`.
    static func line(of text: String, in yaml: String = base) -> Int {
        yaml.components(separatedBy: "\n").firstIndex { $0.contains(text) }! + 1
    }

    @Test("the base pipeline compiles")
    func baseCompiles() {
        #expect(Self.problems(Self.base) == [])
    }

    /// Misspelled keys, one per section, each refused at its line and column with the right suggestion.
    @Test("a misspelled key in each section is refused at file:line:column with a suggestion", arguments: [
        ("encoding: cp1252", "encodng: cp1252", "unknown key 'encodng' in source 'files1' (did you mean 'encoding'?)"),
        ("patterns:", "patern:", "unknown key 'patern' in source 'files1' (did you mean 'patterns'?)"),
        ("tries: 3", "tires: 3", "unknown key 'tires' in source 'api' (did you mean 'tries'?)"),
        ("primaryKey:", "primaryKy:", "unknown key 'primaryKy' in table 'runners' (did you mean 'primaryKey'?)"),
        ("dedupe: last", "dedup: last", "unknown key 'dedup' in table 'runners' (did you mean 'dedupe'?)"),
        ("from: ID", "form: ID", "unknown key 'form' in field 'id' of table 'runners' (did you mean 'from'?)"),
        ("severity: warn", "severty: warn", "unknown key 'severty' in check 'id_unique' (did you mean 'severity'?)"),
        ("keep: 3", "kepe: 3", "unknown key 'kepe' in publish (did you mean 'keep'?)"),
    ])
    func misspelledKey(old: String, new: String, expected: String) {
        let (yaml, line) = Self.variant(old, new)
        let column = yaml.components(separatedBy: "\n")[line - 1].prefix { $0 == " " || $0 == "-" }.count + 1
        #expect(Self.problems(yaml) == ["x.yaml:\(line):\(column): \(expected)"])
    }

    /// Values of the wrong type or outside their vocabulary, one per section.
    @Test("a wrong-typed or unknown value in each section is refused at file:line:column", arguments: [
        ("encoding: cp1252", "encoding: cp1521", "'encoding' in source 'files1': unknown encoding 'cp1521' (did you mean 'cp1252'?)"),
        ("delimiter: \";\"", "delimiter: ab", "'delimiter' in source 'files1' must be one ASCII character other than a quote or line break, or 'tab', not 'ab'"),
        ("tries: 3", "tries: three", "'tries' in source 'api' must be a whole number, not 'three'"),
        ("dedupe: last", "dedupe: latest", "'dedupe' in table 'runners': unknown value 'latest' (did you mean 'last'?)"),
        ("type: integer", "type: integr", "'type' in field 'id' of table 'runners': unknown value 'integr' (did you mean 'integer'?)"),
        ("transforms: [trim]", "transforms: [trimm]", "unknown transform 'trimm' in field 'horse' of table 'runners' (did you mean 'trim'?); transforms: trim, lower, upper, slug, regex:PATTERN, split:SEPARATOR:INDEX"),
        ("severity: warn", "severity: warning", "'severity' in check 'id_unique': unknown value 'warning' (did you mean 'warn'?)"),
        ("min: 1", "min: one", "'min' in check 'few' must be a number, not 'one'"),
        ("keep: 3", "keep: [3]", "'keep' in publish must be a single value, not a list"),
        ("formats: [csv]", "formats: [csv, parquet]", "'formats' in publish: unknown value 'parquet'; expected one of csv, ndjson"),
    ])
    func wrongValue(old: String, new: String, expected: String) {
        let (yaml, line) = Self.variant(old, new)
        let text = yaml.components(separatedBy: "\n")[line - 1]
        let key = String(new.prefix { $0 != ":" })
        let valueStart = text.range(of: key + ": ")!.upperBound
        var column = text.distance(from: text.startIndex, to: valueStart) + 1
        // A value inside a flow list points at the item.
        if new.hasSuffix("]"), !new.hasPrefix("keep"), let bad = new.split(separator: "[").last?.split(separator: ",").last {
            column = text.distance(from: text.startIndex, to: text.range(of: bad.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "]", with: ""))!.lowerBound) + 1
        }
        #expect(Self.problems(yaml) == ["x.yaml:\(line):\(column): \(expected)"])
    }

    @Test("every problem is listed at once, in file order")
    func allProblems() {
        var yaml = Self.variant("primaryKey:", "primaryKy:").0
        yaml = yaml.replacingOccurrences(of: "severity: warn", with: "severty: warn")
        yaml = yaml.replacingOccurrences(of: "keep: 3", with: "keep: 0")
        let p = Self.problems(yaml)
        #expect(p.count == 3, "\(p)")
        #expect(p.map { Int($0.split(separator: ":")[1])! } == [Self.line(of: "primaryKy", in: yaml), Self.line(of: "severty", in: yaml), Self.line(of: "keep: 0", in: yaml)])
        #expect(p[2].hasSuffix("'keep' in publish must be at least 1, not 0"))
    }

    @Test("a typo and a broken reference elsewhere are listed together; consequences of the typo are not")
    func referencesWithReadingErrors() {
        var yaml = Self.variant("primaryKey:", "primaryKy:").0
        yaml = yaml.replacingOccurrences(of: "column: id", with: "column: idd")
        let p = Self.problems(yaml)
        // Not also "dedupe: last needs a primaryKey": that follows from the typo, in the same table.
        #expect(p.count == 2, "\(p)")
        #expect(p.first?.contains("unknown key 'primaryKy'") == true && p.last?.contains("has no column 'idd' (did you mean 'id'?)") == true, "\(p)")
    }

    @Test("YAML syntax errors name their line and column", arguments: [
        ("pipeline: t\nsources:\n  - name: a\n   kind: files\n", "x.yaml:4:4: YAML syntax error: did not find expected '-' indicator"),
        ("pipeline: t\ntables: [a, b\n", "x.yaml:3:1: YAML syntax error"),
        ("pipeline: t\npipeline: u\n", "x.yaml:2:1: key 'pipeline' is given twice in the same mapping (first at line 1, column 1)"),
        ("pipeline: \"t\n", "x.yaml:2:1: YAML syntax error"),
    ])
    func syntaxErrors(yaml: String, prefix: String) {
        let p = Self.problems(yaml)
        #expect(p.count == 1 && p[0].hasPrefix(prefix), "\(p)")
    }

    @Test("cross-references name what is wrong and suggest the name meant")
    func crossReferences() {
        var p = Self.problems(Self.base.replacingOccurrences(of: "source: files1", with: "source: file1"))
        #expect(p == ["x.yaml:\(Self.line(of: "source: files1")):13: table runners reads source 'file1', which is not declared (did you mean 'files1'?)"])
        p = Self.problems(Self.base.replacingOccurrences(of: "column: id", with: "column: idd"))
        #expect(p == ["x.yaml:\(Self.line(of: "column: id")):13: check id_unique: table runners has no column 'idd' (did you mean 'id'?)"])
        p = Self.problems(Self.base.replacingOccurrences(of: "type: unique", with: "type: unique\n    pattern: x"))
        #expect(p == ["x.yaml:\(Self.line(of: "type: unique") + 1):5: key 'pattern' does not apply to a unique check in check 'id_unique'"])
    }

    @Test("old snake_case keys still work, with a warning naming the new spelling")
    func oldSpellings() throws {
        let yaml = Self.base.replacingOccurrences(of: "    min: 1", with: "    min: 1\n    error_if: '> 0'")
        let ws = Workspace(configDir: "/x/config", dataDir: "/x/data", environment: [:])
        let c = try PipelineCompiler(workspace: ws, checks: CheckRegistry.catalog).compile(text: yaml, file: "x.yaml")
        #expect(c.checks[1].errorIf == "> 0")
        #expect(c.warnings.map(\.description) == ["x.yaml:\(Self.line(of: "error_if", in: yaml)):5: 'error_if' is the old spelling of 'errorIf' in check 'few'; write 'errorIf' (the old one will stop working in the next release)"])
    }

    @Test("delimiter: tab means a tab, and an unknown encoding is refused")
    func delimiterAndEncoding() throws {
        let ws = Workspace(configDir: "/x/config", dataDir: "/x/data", environment: [:])
        let c = try PipelineCompiler(workspace: ws, checks: CheckRegistry.catalog).compile(text: Self.base.replacingOccurrences(of: "delimiter: \";\"", with: "delimiter: tab"), file: "x.yaml")
        #expect(c.sources[0].delimiter == 0x09)
        #expect(c.sources[0].encoding == .cp1252)
        #expect(Self.problems(Self.base.replacingOccurrences(of: "encoding: cp1252", with: "encoding: ebcdic")) ==
                ["x.yaml:7:15: 'encoding' in source 'files1': unknown encoding 'ebcdic'; use utf-8, cp1252 or latin1"])
    }

    @Test("relative roots start at the project folder, ${DATA_DIR} and ${VAR:-default} expand, maps start at the config folder")
    func paths() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paddock-paths-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/proj/config/maps", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "A: b\n".write(toFile: dir + "/proj/config/maps/m.yaml", atomically: true, encoding: .utf8)
        let ws = Workspace(configDir: dir + "/proj/config", dataDir: "/srv/data", environment: ["LAND": "/mnt/land"])
        let yaml = """
        pipeline: t
        sources:
          - {name: a, kind: files, root: samples}
          - {name: b, kind: files, root: "${DATA_DIR}/landing"}
          - {name: c, kind: files, root: "${LAND}/x"}
          - {name: d, kind: files, root: "${NOPE:-/opt}/y"}
        maps:
          m: maps/m.yaml
        """
        let c = try PipelineCompiler(workspace: ws, checks: CheckRegistry.catalog).compile(text: yaml, file: "x.yaml")
        #expect(c.sources.map(\.root) == [dir + "/proj/samples", "/srv/data/landing", "/mnt/land/x", "/opt/y"])
        #expect(c.maps["m"]?.pairs == ["A": "b"])
        let missing = Self.problems("pipeline: t\nsources:\n  - {name: a, kind: files, root: \"${NOPE}/x\"}\n")
        #expect(missing.count == 1 && missing[0].hasPrefix("x.yaml:3:34: 'root' in source 'a' needs the environment variable NOPE"), "\(missing)")
    }

    @Test("a carried field named like a provenance field, and newOnly with changedOnly, are refused at load")
    func carryAndFanOut() {
        let carry = Self.problems("pipeline: t\nsources:\n  - {name: a, kind: files, root: x, carry: {_unit: /id}}\n")
        #expect(carry == ["x.yaml:3:44: carried field '_unit' in source 'a' has the name of a field extract adds to every record (_unit, _raw, _pointer); rename it"])
        let fanOut = Self.problems("""
        pipeline: t
        sources:
          - {name: p, kind: http, baseURL: "http://h", path: /p}
          - name: c
            kind: http
            baseURL: "http://h"
            path: /c/{id}
            params:
              id: {fromSource: p, pointer: /id, newOnly: true, changedOnly: [/status]}
        """)
        #expect(fanOut == ["x.yaml:9:7: source c: parameter id: newOnly (fetch once) and changedOnly (fetch again when the parent changed) contradict each other; keep one"])
    }

    @Test("the project folder is the config folder's parent, worked out on the text", arguments: [
        ("config", "."), (".", ".."), ("..", "../.."), ("../config", ".."), ("Tests/fixtures/config", "Tests/fixtures"),
        ("/srv/p/config/", "/srv/p"), ("/config", "/"), ("a/./b/../config", "a"),
    ])
    func projectFolder(config: String, project: String) {
        #expect(FilePaths.parent(config) == project)
    }

    /// A small pipeline for the cases below: a files source `s`, a table `r` (id, name, d) and `extra`.
    static func small(source: String = "{name: s, kind: files, root: land}", table: String = "", fields: String = "",
                      checks: String = "", top: String = "") -> String {
        """
        pipeline: t
        sources:
          - \(source)
        tables:
          - name: r
            source: s
        \(table)    fields:
              - {name: id, type: integer}
              - {name: name}
              - {name: d, type: date}
        \(fields)checks:
        \(checks.isEmpty ? "  - {name: c0, table: r, type: row_count, min: 1}" : checks)
        \(top)
        """
    }

    @Test("what a careful reviewer found passing silently is refused, each at its key", arguments: [
        (small(table: "    sources: [s]\n"), "give 'source' or 'sources' in table 'r', not both"),
        (small(source: "{name: s, kind: files, root: \"\"}"), "'root' in source 's' is empty: it would stand for the whole folder"),
        (small(source: "{name: s, kind: http, baseURL: 'http://h', path: /x, root: land}"), "key 'root' is for files sources, not http sources in source 's'"),
        (small(checks: "  - {name: c, table: r, type: row_count, min: 1}\n  - {name: c, table: r, type: row_count, max: 9}"), "check 'c' is declared twice"),
        (small(checks: "  - {name: g, table: r, type: gaps, column: d, start: 2024-09-01, end: 2024-01-01}"), "the window starts (2024-09-01) after it ends (2024-01-01)"),
        (small(checks: "  - {name: g, table: r, type: gaps, column: d, exceptDays: [Mon]}"), "'Mon' is not a day of the year (MM-DD"),
        (small(checks: "  - {name: s, table: r, type: date_in_season, column: d, season: name, seasonStarts: 13-45}"), "'13-45' is not a day of the year"),
        (small(checks: "  - {name: x, table: r, type: range, column: id, min: 5, max: 1}"), "min (5) is above max (1)"),
        (small(checks: "  - {name: x, table: r, type: freshness, column: d, of: extraction, maxAge: 1d}"), "a column or, with of: extraction, the extraction; not both"),
        (small(checks: "  - {name: x, table: r, type: freshness, column: d, maxAge: 0d}"), "maxAge must be more than 0"),
        (small(checks: "  - {name: x, table: r, type: unique, column: id, columns: [name]}"), "give 'column' or 'columns' in check 'x', not both"),
        (small(fields: "      - {name: n2, type: integer, default: abc}\n"), "default 'abc' is not an integer"),
        (small(fields: "      - {name: n3, type: string, nullValues: [NA, ~]}\n"), "holds an empty value (~, null or nothing)"),
        (small(fields: "      - {name: n4, type: integer, constraints: {minimum: 10, maximum: 1}}\n"), "minimum (10) is above maximum (1)"),
        (small(fields: "      - {name: n5, type: date, constraints: {minimum: 1}}\n"), "minimum and maximum apply to integer, number and year fields, not date"),
        (small(fields: "      - {name: n6, type: datetime, parser: {name: datetime, format: \"%Q\"}}\n"), "invalid date format '%Q'"),
        (small(fields: "      - {name: n7, type: int}\n"), "unknown value 'int' (did you mean 'integer'?)"),
        (small(table: "    bySource: {s: {name: {map: nope}}}\n"), "bySource.s.name: map 'nope', which is not declared"),
        (small(table: "    filter: [{from: x, present: no}]\n"), "'present' in a filter rule of table 'r' must be true or false, not 'no'"),
        (small(top: "publish: {tables: [rr]}"), "publish names table 'rr', which is not declared (did you mean 'r'?)"),
    ])
    func reviewCorpus(yaml: String, expected: String) {
        let p = Self.problems(yaml)
        #expect(p.count == 1 && p[0].contains(expected), "\(p)")
    }

    @Test("a file's pipeline: must be its own name; names that make folders must be plain")
    func names() {
        let ws = Workspace(configDir: "/x/config", dataDir: "/x/data", environment: [:])
        do {
            _ = try PipelineCompiler(workspace: ws, checks: CheckRegistry.catalog).compile(text: Self.small(), file: "copy.yaml", name: "copy")
            Issue.record("accepted a pipeline named t in copy.yaml")
        } catch {
            #expect(error.details == ["copy.yaml:1:11: pipeline: says 't', but the file defines pipeline 'copy'; they must be the same"])
        }
        #expect(Self.problems(Self.small().replacingOccurrences(of: "- name: r", with: "- name: ../r")).first?.contains("table name '../r' must be a plain name") == true)
    }

    @Test("YAML merge keys, a byte order mark and a tab are handled as YAML users expect")
    func yamlSpecials() {
        let merged = """
        pipeline: t
        sources:
          - &base {name: a, kind: files, root: land, format: csv}
          - <<: *base
            name: b
        """
        #expect(Self.problems(merged) == [])
        #expect(Self.problems("\u{FEFF}" + merged) == [])
        let tab = Self.problems("pipeline: t\nsources:\n\t- {name: a, root: x}\n")
        #expect(tab.count == 1 && tab[0].hasSuffix("the line holds a tab, and YAML indents with spaces only"), "\(tab)")
        let nullInMap = Self.problems("pipeline: t\nmaps:\n  teams: {Arsenal FC: ~}\n")
        #expect(nullInMap == ["x.yaml:3:23: 'Arsenal FC' in value map 'teams' has an empty value (~, null or nothing); quote it ('') if you mean the empty text"], "\(nullInMap)")
    }

    @Test("suggestions: close names only")
    func suggestions() {
        #expect(Suggest.closest("primaryKy", among: ["primaryKey", "name"]) == "primaryKey")
        #expect(Suggest.closest("group_table", among: ["groupTable", "groupKey"]) == "groupTable")
        #expect(Suggest.closest("form", among: ["from", "type"]) == "from")
        #expect(Suggest.closest("colour", among: ["name", "type", "from"]) == nil)
    }
}
