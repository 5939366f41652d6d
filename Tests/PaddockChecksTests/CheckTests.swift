import Foundation
@testable import PaddockCore
@testable import PaddockChecks
import PaddockTestSupport
import Testing

/// Each check type made to pass, warn and fail on purpose-built tables.
@Suite("dq-check engine")
struct CheckTests {
    static let tables = """
    tables:
      - name: races
        source: feed
        primaryKey: [race_id]
        fields:
          - {name: race_id}
          - {name: date, type: date}
          - {name: off_time, type: time}
          - {name: ran, type: integer}
          - {name: course}
      - name: runners
        source: feed
        primaryKey: [race_id, number]
        fields:
          - {name: race_id}
          - {name: number, type: integer}
          - {name: position, type: integer}
          - {name: horse_id}
          - {name: lbs, type: integer}
      - name: horses
        source: feed
        primaryKey: [horse_id]
        fields:
          - {name: horse_id}
      - name: games
        source: feed
        primaryKey: [season, home, away]
        fields:
          - {name: season}
          - {name: round}
          - {name: home}
          - {name: away}
          - {name: date, type: date}
      - name: odd
        source: feed
        primaryKey: [id]
        fields:
          - {name: id, type: integer, constraints: {required: true, minimum: 1}}
          - {name: code, constraints: {enum: [a, b]}}
          - {name: when, type: date}
          - {name: meta, type: object}
          - {name: tags, type: array}
    """

    // r1: 3 runners, ran 3, a winner. r2: ran 3 but 2 runners, no winner though resulted. r3: in the past,
    // no results. r4: in the future, no results. Runner r1/3's horse is unknown; r1/2 weighs 250.
    static let data: [String: String] = [
        "races": """
        {"race_id":"r1","date":"2025-05-30","off_time":"14:00:00","ran":3,"course":"Ascot"}
        {"race_id":"r2","date":"2025-05-30","off_time":"15:00:00","ran":3,"course":"ascot"}
        {"race_id":"r3","date":"2025-05-31","off_time":"16:00:00","ran":1,"course":"Ayr"}
        {"race_id":"r4","date":"2025-06-02","off_time":"12:00:00","ran":1,"course":"Bath"}

        """,
        "runners": """
        {"race_id":"r1","number":1,"position":1,"horse_id":"a","lbs":140}
        {"race_id":"r1","number":2,"position":2,"horse_id":"b","lbs":250}
        {"race_id":"r1","number":3,"position":3,"horse_id":"zz","lbs":130}
        {"race_id":"r2","number":1,"position":2,"horse_id":"a","lbs":140}
        {"race_id":"r2","number":2,"position":null,"horse_id":"b","lbs":140}
        {"race_id":"r3","number":1,"position":null,"horse_id":"c","lbs":140}
        {"race_id":"r4","number":1,"position":null,"horse_id":"c","lbs":140}
        {"race_id":"r4","number":1,"position":null,"horse_id":"c","lbs":140}

        """,
        "games": """
        {"season":"2024-25","round":"1","home":"a","away":"b","date":"2024-08-17"}
        {"season":"2024-25","round":"1","home":"c","away":"c","date":"2024-08-17"}
        {"season":"2024-25","round":"1","home":"a","away":"b","date":"2025-09-01"}
        {"season":"2019-20","round":"38","home":"d","away":"e","date":"2020-07-26"}

        """,
        "odd": """
        {"id":1,"code":"a","when":"2025-01-01","meta":{"a":[1]},"tags":[]}
        {"id":"2","code":"c","when":"2025-02-30","meta":"{}","tags":{},"extra":1}
        {"code":"a","when":"2025-01-01","meta":null,"tags":null}
        {"id":0,"code":null,"when":null,"meta":{},"tags":[{}]}

        """,
        "horses": """
        {"horse_id":"a"}
        {"horse_id":"b"}
        {"horse_id":"c"}

        """,
    ]

    /// Runs `checksYAML` over the tables above at 2025-06-01T00:00:00Z; returns the results by name and
    /// the --failures NDJSON.
    static func run(_ checksYAML: String, snapshot: String? = nil, ledger: String? = nil,
                    now: String = "2025-06-01T00:00:00Z") throws -> (results: [String: CheckResult], failures: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paddock-checks-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/pipelines", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/derived", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        pipeline: t
        sources:
          - {name: feed, kind: files, root: ., patterns: ["*.ndjson"]}
        \(tables)
        checks:
        \(checksYAML)
        """.write(toFile: dir + "/pipelines/t.yaml", atomically: true, encoding: .utf8)
        for (name, text) in data { try text.write(toFile: "\(dir)/derived/\(name).ndjson", atomically: true, encoding: .utf8) }
        let config = try Workspace(configDir: dir, dataDir: dir).loadPipeline("t", checks: CheckRegistry.catalog)
        var runner = CheckRunner(config: config)
        if let ledger {
            try FileManager.default.createDirectory(atPath: dir + "/index", withIntermediateDirectories: true)
            try ledger.write(toFile: dir + "/index/ledger.ndjson", atomically: true, encoding: .utf8)
            runner.indexDir = dir + "/index"
        }
        if let snapshot {
            // A published snapshot of races: the manifest and the table (uncompressed here).
            try FileManager.default.createDirectory(atPath: dir + "/processed/snapshots/s1", withIntermediateDirectories: true)
            try snapshot.write(toFile: dir + "/processed/snapshots/s1/races.csv", atomically: true, encoding: .utf8)
            let table = Manifest.Table(name: "races", file: .init(path: "snapshots/s1/races.csv", format: "csv", compression: "", bytes: 0, sha256: ""),
                                       rows: 0, schemaHash: "", primaryKey: [], eventDateField: nil, eventDateMin: nil, eventDateMax: nil, extraFiles: [])
            let manifest = Manifest(pipeline: "racing", runId: "s1", previousRunId: nil, startedAt: "", finishedAt: "", steps: [:], codeVersion: "",
                                    configHash: "", snapshot: "snapshots/s1", inputs: [], tables: [table],
                                    dq: .init(status: "pass", pass: 0, warn: 0, fail: 0, report: ""))
            try StoreCoding.write(manifest, to: dir + "/processed/latest_successful_run.json", pretty: true)
            runner.processedDir = dir + "/processed"
        }
        runner.now = Timestamp(parsing: now)!
        let sink = MemorySink()
        runner.failures = OutputBuffer(sink: sink)
        let results = try runner.run(derivedDir: dir + "/derived")
        try runner.failures!.flush()
        return (Dictionary(uniqueKeysWithValues: results.map { ($0.config.name, $0) }), sink.text)
    }

    static func summary(_ r: CheckResult) -> String {
        "\(r.status.rawValue) \(r.failingCount): " + r.samples.map { "\($0.line)\($0.key)\($0.values)" }.joined(separator: " ")
    }

    @Test("row checks: unique, not_null, range, accepted_values, regex fail on exactly the bad rows")
    func rowChecks() throws {
        let r = try Self.run("""
          - {name: u, table: runners, type: unique, columns: [race_id, number]}
          - {name: nn, table: runners, type: not_null, column: position}
          - {name: rg, table: runners, type: range, column: lbs, min: 100, max: 200}
          - {name: av, table: races, type: accepted_values, column: course, values: [Ascot, Ayr, Bath]}
          - {name: re, table: races, type: regex, column: course, pattern: "[A-Z][a-z]+"}
        """).results
        #expect(Self.summary(r["u"]!) == "fail 1: 8[\"r4\", \"1\"][\"r4\", \"1\"]")
        #expect(Self.summary(r["nn"]!).hasPrefix("fail 4: 5[\"r2\", \"2\"]"))
        #expect(Self.summary(r["rg"]!) == "fail 1: 2[\"r1\", \"2\"][\"250\"]")
        #expect(Self.summary(r["av"]!) == "fail 1: 2[\"r2\"][\"ascot\"]")
        #expect(Self.summary(r["re"]!) == "fail 1: 2[\"r2\"][\"ascot\"]")
    }

    @Test("severities and thresholds: warn, error_if, warn_if with counts and percentages")
    func thresholds() throws {
        let r = try Self.run("""
          - {name: warned, table: runners, type: not_null, column: position, severity: warn}
          - {name: tolerated, table: runners, type: not_null, column: position, errorIf: "> 4"}
          - {name: at_limit, table: runners, type: not_null, column: position, errorIf: ">= 4"}
          - {name: pct_warn, table: runners, type: not_null, column: position, errorIf: "> 60%", warnIf: "> 40%"}
          - {name: pct_fail, table: runners, type: not_null, column: position, errorIf: "> 40%"}
          - {name: clean, table: horses, type: unique, column: horse_id}
        """).results
        #expect(r["warned"]!.status == .warn)
        #expect(r["tolerated"]!.status == .pass && r["tolerated"]!.failingCount == 4)
        #expect(r["tolerated"]!.threshold == "error_if > 4")
        #expect(r["at_limit"]!.status == .fail)
        #expect(r["pct_warn"]!.status == .warn)  // 4 of 8 = 50%
        #expect(r["pct_warn"]!.threshold == "error_if > 60%, warn_if > 40%")
        #expect(r["pct_fail"]!.status == .fail)
        #expect(r["clean"]!.status == .pass && r["clean"]!.threshold == "error_if > 0")
        #expect(Threshold("bogus") == nil && Threshold(">") == nil && Threshold("> -1") == nil)
    }

    @Test("reconciliation: relationships, group_count, group_exists and unresulted report exactly the planted rows")
    func reconciliation() throws {
        let (r, failures) = try Self.run("""
          - {name: unresolved_horses, table: runners, type: relationships, column: horse_id, to: horses}
          - {name: race_known, table: runners, type: relationships, column: race_id, to: races, field: race_id}
          - {name: runner_count_mismatch, table: races, type: group_count, column: race_id, groupTable: runners, compare: ran}
          - {name: missing_winners, table: races, type: group_exists, column: race_id, groupTable: runners, where: {column: position, equals: 1}, ifAny: position}
          - {name: unresulted_passed, table: races, type: unresulted, column: race_id, groupTable: runners, resultColumn: position, date: date, time: off_time, grace: 2h}
        """)
        #expect(Self.summary(r["unresolved_horses"]!) == "fail 1: 3[\"r1\", \"3\"][\"zz\"]")
        #expect(r["race_known"]!.status == .pass)
        // r2 has 2 runners for ran 3; r4 has 2 (a duplicated runner) for ran 1.
        #expect(Self.summary(r["runner_count_mismatch"]!) == "fail 2: 2[\"r2\"][\"3\", \"2\"] 4[\"r4\"][\"1\", \"2\"]")
        // r2 has a result (a second place) and no winner; r3 and r4 have no results, so no winner is due.
        #expect(Self.summary(r["missing_winners"]!) == "fail 1: 2[\"r2\"][\"0\"]")
        // r3 started on 2025-05-31 16:00 and has no result at 2025-06-01; r4 has not started.
        #expect(Self.summary(r["unresulted_passed"]!) == "fail 1: 3[\"r3\"][\"2025-05-31\", \"16:00:00\"]")
        let lines = failures.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines.first == #"{"check":"unresolved_horses","table":"runners","line":3,"key":["r1","3"],"values":["zz"]}"#)
    }

    @Test("freshness and row_count against --now")
    func freshnessAndRowCount() throws {
        let r = try Self.run("""
          - {name: fresh, table: races, type: freshness, column: date, maxAge: 3d}
          - {name: stale, table: races, type: freshness, column: date, maxAge: 12h, severity: warn}
          - {name: count_ok, table: races, type: row_count, min: 4, max: 4}
          - {name: count_bad, table: runners, type: row_count, min: 10}
        """).results
        // The newest date is 2025-06-02 (a card for a race not yet run): -1 day old.
        #expect(r["fresh"]!.status == .pass)
        #expect(r["fresh"]!.observed == -86400)
        #expect(r["count_ok"]!.status == .pass)
        #expect(r["count_bad"]!.status == .fail && r["count_bad"]!.message == "8 rows, expected at least 10 rows")
        let r2 = try Self.run("""
          - {name: stale, table: runners, type: freshness, column: race_id, maxAge: 1h, severity: warn}
        """).results
        #expect(r2["stale"]!.status == .warn && r2["stale"]!.message == "newest race_id is r4, no date")
        // The newest raw extraction, from the extract ledger: stored payloads only (a failed fetch
        // brought nothing new).
        let ledger = """
        {"unit":"races/a","fetched_at":"2025-05-30T10:00:00Z","status":"stored"}
        {"version":1,"unit":"races/b","fetched_at":"2025-05-31T12:00:00Z","status":"stored"}
        {"version":1,"unit":"races/c","fetched_at":"2025-05-31T23:00:00Z","error":"HTTP 503","retryable":true,"attempts":5,"status":"failed"}

        """
        let extraction = try Self.run("""
          - {name: day, table: races, type: freshness, of: extraction, maxAge: 1d}
          - {name: hours, table: races, type: freshness, of: extraction, maxAge: 6h}
        """, ledger: ledger).results
        #expect(extraction["day"]!.status == .pass && extraction["day"]!.observed == 12 * 3600)
        #expect(extraction["hours"]!.status == .fail && extraction["hours"]!.message == "newest extraction is 2025-05-31T12:00:00Z, 12h 0m old")
        #expect(try Self.run("  - {name: none, table: races, type: freshness, of: extraction, maxAge: 1d}").results["none"]!.message == "no extraction in the ledger")
        // Ten days later the newest race (2 June) is 8 days old.
        let later = try Self.run("""
          - {name: fresh, table: races, type: freshness, column: date, maxAge: 3d}
        """, now: "2025-06-10T00:00:00Z").results["fresh"]!
        #expect(later.status == .fail && later.observed == 8 * 86400)
        #expect(later.message == "newest date is 2025-06-02, 8d 0h old")
        #expect(CheckConfig.seconds("1d12h") == 129600 && CheckConfig.seconds("90m") == 5400 && CheckConfig.seconds("3x") == nil && CheckConfig.seconds("h") == nil)
    }

    @Test("schema: types, constraints, missing and undeclared columns, per row; gaps: days of the window with no row")
    func schemaAndGaps() throws {
        let r = try Self.run("""
          - {name: odd_schema, table: odd, type: schema}
          - {name: races_schema, table: races, type: schema}
          - {name: race_days, table: races, type: gaps, column: date}
          - {name: race_days_window, table: races, type: gaps, column: date, start: 2025-05-28, end: 2025-06-02, severity: warn}
          - {name: race_days_except, table: races, type: gaps, column: date, exceptDays: ["06-01"]}
        """).results
        #expect(Self.summary(r["odd_schema"]!) == """
        fail 3: 2["2"]["id: not an integer", "code: not in enum", "when: not a date", "meta: not an object", "tags: not an array", "extra: not in the schema"] 3[""]["id: missing column"] 4["0"]["id: below 1"]
        """)
        #expect(r["races_schema"]!.status == .pass)
        #expect(Self.summary(r["race_days"]!) == "fail 1: 0[\"2025-06-01\"][]")
        #expect(r["race_days"]!.rowsChecked == 4)
        #expect(r["race_days_except"]!.status == .pass)
        #expect(Self.summary(r["race_days_window"]!) == "warn 3: 0[\"2025-05-28\"][] 0[\"2025-05-29\"][] 0[\"2025-06-01\"][]")
    }

    @Test("compare two columns, date_in_season, and a unique team pair per round")
    func footballSuite() throws {
        let r = try Self.run("""
          - {name: differ, table: games, type: compare, columns: [home, away], op: "!="}
          - {name: in_season, table: games, type: date_in_season, column: date, season: season}
          - {name: strict_season, table: games, type: date_in_season, column: date, season: season, seasonEnds: "06-30"}
          - {name: pair_once, table: games, type: unique, columns: [season, round, home, away]}
          - {name: ordered, table: games, type: compare, columns: [round, season], op: "<"}
        """).results
        #expect(Self.summary(r["differ"]!) == "fail 1: 2[\"2024-25\", \"c\", \"c\"][\"c\", \"c\"]")
        #expect(Self.summary(r["in_season"]!) == "fail 1: 3[\"2024-25\", \"a\", \"b\"][\"2025-09-01\", \"2024-25\"]")
        // With the season ending on 30 June, 2019-20's last matchday (26 July 2020) is out.
        #expect(r["strict_season"]!.failingCount == 2)
        #expect(Self.summary(r["pair_once"]!) == "fail 1: 3[\"2024-25\", \"a\", \"b\"][\"2024-25\", \"1\", \"a\", \"b\"]")
        // Not both numbers: compared as text, so "1" < "2024-25" holds and "38" < "2019-20" does not.
        #expect(Self.summary(r["ordered"]!).hasPrefix("fail 1: 4["))
        #expect(CompareCheck.State.compare("9", "10", "<") && !CompareCheck.State.compare("9", "10a", "<"))
    }

    @Test("drift: null rates and category shares against the last published snapshot")
    func drift() throws {
        let checks = """
          - {name: drift, table: races, type: drift, columns: [course], nullRate: [off_time], maxChange: 0.1, severity: warn}
        """
        let snapshot = """
        race_id,date,off_time,ran,course
        r1,2025-05-01,,3,Ascot
        r2,2025-05-01,,3,Ascot
        r3,2025-05-01,,3,Ascot
        r4,2025-05-02,,3,Ayr

        """
        let (r, failures) = try Self.run(checks, snapshot: snapshot)
        let d = r["drift"]!
        #expect(d.status == .warn)
        // Ascot 75% -> 25%, ascot and Bath 0% -> 25%, off_time null 100% -> 0%; Ayr stays at 25%.
        #expect(Self.summary(d) == "warn 4: 0[\"course\", \"Ascot\"][\"75.0%\", \"25.0%\"] 0[\"course\", \"Bath\"][\"0.0%\", \"25.0%\"] 0[\"course\", \"ascot\"][\"0.0%\", \"25.0%\"] 0[\"off_time\", \"(null)\"][\"100.0%\", \"0.0%\"]")
        #expect(d.message == "4 null rates or category shares changed by more than 10 points against snapshot s1 (4 rows)")
        #expect(failures.split(separator: "\n").count == 4)
        // The same data as the snapshot: no change. No snapshot at all: a pass that says so.
        let same = """
        race_id,date,off_time,ran,course
        r1,2025-05-30,14:00:00,3,Ascot
        r2,2025-05-30,15:00:00,3,ascot
        r3,2025-05-31,16:00:00,1,Ayr
        r4,2025-06-02,12:00:00,1,Bath

        """
        #expect(try Self.run(checks, snapshot: same).results["drift"]!.status == .pass)
        let none = try Self.run(checks).results["drift"]!
        #expect(none.status == .pass && none.message == "no change above 10 points no published snapshot to compare with")
    }

    @Test("every check type warns instead of failing with severity: warn, and passes on clean data", arguments: [
        "{name: x, table: runners, type: unique, columns: [race_id, number]}",
        "{name: x, table: runners, type: not_null, column: position}",
        "{name: x, table: runners, type: range, column: lbs, min: 100, max: 200}",
        "{name: x, table: races, type: accepted_values, column: course, values: [Ascot, Ayr, Bath]}",
        "{name: x, table: races, type: regex, column: course, pattern: \"[A-Z][a-z]+\"}",
        "{name: x, table: odd, type: schema}",
        "{name: x, table: runners, type: row_count, min: 10}",
        "{name: x, table: odd, type: freshness, column: when, maxAge: 1h}",
        "{name: x, table: races, type: gaps, column: date}",
        "{name: x, table: runners, type: relationships, column: horse_id, to: horses}",
        "{name: x, table: races, type: group_count, column: race_id, groupTable: runners, compare: ran}",
        "{name: x, table: races, type: group_exists, column: race_id, groupTable: runners, where: {column: position, equals: 1}, ifAny: position}",
        "{name: x, table: races, type: unresulted, column: race_id, groupTable: runners, resultColumn: position, date: date, time: off_time}",
        "{name: x, table: games, type: compare, columns: [home, away], op: \"!=\"}",
        "{name: x, table: games, type: date_in_season, column: date, season: season}",
    ])
    func warnSeverity(_ check: String) throws {
        let failing = try Self.run("  - " + check).results["x"]!
        #expect(failing.status == .fail, "\(check)")
        let warned = try Self.run("  - " + check.dropLast() + ", severity: warn}").results["x"]!
        #expect(warned.status == .warn, "\(check)")
        // A threshold above what fails lets it pass (row_count and freshness have their own bounds).
        if !check.contains("row_count") && !check.contains("freshness") {
            let tolerated = try Self.run("  - " + check.dropLast() + ", errorIf: \"> 100\"}").results["x"]!
            #expect(tolerated.status == .pass, "\(check)")
        }
    }

    @Test("config errors: unknown table in relationships, missing compare, bad threshold, bad duration")
    func configErrors() throws {
        for (yaml, fragment) in [
            ("- {name: x, table: runners, type: relationships, column: horse_id, to: nags}", "table 'nags' is not declared"),
            ("- {name: x, table: races, type: group_count, column: race_id, groupTable: runners}", "group_count needs compare:"),
            ("- {name: x, table: races, type: freshness, column: date, maxAge: soon}", "is not a duration"),
        ] {
            do {
                _ = try Self.run("  " + yaml)
                Issue.record("accepted: \(yaml)")
            } catch {
                let text = ((error as? PaddockError)?.details ?? []).joined(separator: "\n") + "\(error)"
                #expect(text.contains(fragment), "\(text)")
            }
        }
        do {
            _ = try Self.run("  - {name: x, table: races, type: unique, column: race_id, errorIf: many}")
            Issue.record("accepted a bad threshold")
        } catch {
            let text = ((error as? PaddockError)?.details ?? []).joined(separator: "\n")
            #expect(text.contains("'errorIf' in check 'x': 'many' is not a threshold"), "\(text)")
        }
    }
}
