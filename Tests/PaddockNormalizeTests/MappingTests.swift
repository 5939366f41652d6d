import Foundation
@testable import PaddockCore
@testable import PaddockNormalize
import PaddockTestSupport
import PaddockChecks
import Testing

/// The mapping engine on its own: a table declared in YAML, records in (NDJSON or CSV), rows, quarantine
/// and stats out.
@Suite("Mapping engine")
struct MappingTests {
    /// Loads `tablesYAML` as the tables of a pipeline `t` and returns its first table's config.
    static func table(_ tablesYAML: String) throws -> TableConfig {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paddock-map-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/pipelines", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        pipeline: t
        sources:
          - {name: feed, kind: files, root: ., patterns: ["*.ndjson"]}
        tables:
        \(tablesYAML)
        """.write(toFile: dir + "/pipelines/t.yaml", atomically: true, encoding: .utf8)
        let config = try Workspace(configDir: dir, dataDir: dir).loadPipeline("t", checks: CheckRegistry.catalog)
        return config.tables[0]
    }

    /// The error that refuses `tablesYAML` when the pipeline loads, described; nil when it is accepted.
    static func refusal(_ tablesYAML: String) -> String? {
        do {
            _ = try table(tablesYAML)
            return nil
        } catch {
            return ((error as? PaddockError)?.details ?? []).joined(separator: "\n") + "\(error)"
        }
    }

    struct Run {
        var out: String
        var quarantine: [[String: Any]]
        var stats: NormalizeStats
    }

    static func run(_ table: TableConfig, ndjson: String? = nil, csv: String? = nil, format: RecordFormat = .ndjson, maxRead: Int = Int.max) throws -> Run {
        let out = MemorySink(), q = MemorySink()
        let outBuffer = OutputBuffer(sink: out), qBuffer = OutputBuffer(sink: q)
        let n = TableNormalizer(mapper: try TableMapper(table: table), outputFormat: format, out: outBuffer, quarantine: qBuffer)
        if let ndjson { try n.run(MemorySource(ndjson, maxRead: maxRead, name: "in.ndjson")) }
        if let csv { try n.runCSV(MemorySource(csv, maxRead: maxRead, name: "in.csv"), options: CSVReadOptions()) }
        try n.finish()
        try outBuffer.flush()
        try qBuffer.flush()
        let quarantine = q.text.split(separator: "\n").map {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:]
        }
        let s = n.stats
        #expect(s.recordsIn == s.written + s.quarantined + s.filtered, "conservation: \(s)")
        return Run(out: out.text, quarantine: quarantine, stats: s)
    }

    static let runners = """
      - name: runners
        source: feed
        primaryKey: [race_id, number]
        fields:
          - {name: race_id, from: race_key, constraints: {required: true}}
          - {name: number, type: integer, from: num, constraints: {required: true, minimum: 1}}
          - {name: place, type: integer, from: pos, parser: {name: position, part: place}}
          - {name: status, from: pos, parser: {name: position, part: status}}
          - {name: odds, type: number, from: dec, parser: {name: odds, part: decimal}}
          - {name: fav, from: dec, parser: {name: odds, part: favourite}}
          - {name: lbs, type: integer, from: [lbs, wgt], parser: weight}
          - {name: secs, type: number, from: time, parser: race_time}
          - {name: horse_id, template: "{horse}", transforms: [slug]}
          - {name: jockey, from: jockey, transforms: [trim, upper], nullValues: ["", "-"]}
    """

    @Test("NDJSON and CSV input give the same rows; values are parsed, typed and written in schema order")
    func csvAndNDJSONAgree() throws {
        let table = try Self.table(Self.runners)
        let ndjson = """
        {"race_key":"r1","num":"3","pos":"1","dec":"5/2F","lbs":"9-7","time":"1:12.45","horse":"Kauto's Star (FR)","jockey":" r. walsh "}
        {"race_key":"r1","num":"07","pos":"PU","dec":"Evens","lbs":"","wgt":"140","time":"","horse":"Denman","jockey":"-"}
        {"race_key":"r1","num":4,"pos":"=2","dec":"11/10JF","lbs":"133lb","time":"72.5","horse":"Naïve Élan","jockey":"Ruby \\"R\\" Walsh"}

        """
        let csv = """
        race_key,num,pos,dec,lbs,wgt,time,horse,jockey
        r1,3,1,5/2F,9-7,,1:12.45,Kauto's Star (FR), r. walsh\u{20}
        r1,07,PU,Evens,,140,,Denman,-
        r1,4,=2,11/10JF,133lb,,72.5,Naïve Élan,"Ruby ""R"" Walsh"

        """
        let expected = """
        {"race_id":"r1","number":3,"place":1,"status":"finished","odds":3.5,"fav":"F","lbs":133,"secs":72.45,"horse_id":"kautos-star-fr","jockey":"R. WALSH"}
        {"race_id":"r1","number":7,"place":null,"status":"PU","odds":2,"fav":null,"lbs":null,"secs":null,"horse_id":"denman","jockey":null}
        {"race_id":"r1","number":4,"place":2,"status":"finished","odds":2.1,"fav":"JF","lbs":133,"secs":72.5,"horse_id":"naïve-élan","jockey":"RUBY \\"R\\" WALSH"}

        """
        for maxRead in readSizes {
            #expect(try Self.run(table, ndjson: ndjson, maxRead: maxRead).out == expected)
            #expect(try Self.run(table, csv: csv, maxRead: maxRead).out == expected)
        }
        // An empty CSV cell is a present, empty text (as in NDJSON from extract): it does not fall through
        // to the next source; the default null value makes it null.
        // CSV output of the same rows.
        let rows = try Self.run(table, csv: csv, format: .csv).out
        #expect(rows.hasPrefix("race_id,number,place,status,odds,fav,lbs,secs,horse_id,jockey\nr1,3,1,finished,3.5,F,133,72.45,kautos-star-fr,R. WALSH\n"))
    }

    @Test("bad values are quarantined with field, rule, reason and origin (file:line); CSV rows keep their columns")
    func quarantine() throws {
        let table = try Self.table(Self.runners)
        let csv = """
        race_key,num,pos,dec,lbs,time,horse,jockey
        r1,1,1,5/2,9-7,72.1,A,x
        r1,0,2,5/2,9-7,72.1,B,x
        r1,2,3,SP,9-7,72.1,C,x
        r1,3,4,5/2,9-7,72.1,D
        ,4,5,5/2,9-7,72.1,E,x
        r1,x5,6,5/2,9-7,72.1,F,x

        """
        let r = try Self.run(table, csv: csv)
        #expect(r.stats.recordsIn == 6)
        #expect(r.stats.written == 1)
        #expect(r.stats.quarantined == 5)
        let summary = r.quarantine.map { q -> String in
            let origin = q["origin"] as? [String: Any] ?? [:]
            return "\(origin["line"] ?? "?") \(q["field"] as? String ?? "-") \(q["rule"] ?? "?"): \(q["reason"] ?? "")"
        }
        #expect(summary == [
            "3 number minimum: field number: 0 is below the minimum 1",
            "4 odds parser: field odds: 'SP' is not a valid odds (decimal)",
            "5 - csv: row has 7 fields, the header has 8",
            "6 race_id required: field race_id is required but race_key has no value",
            "7 number type: field number: 'x5' is not an integer",
        ])
        // The original CSV row is kept as an object named by the header.
        #expect((r.quarantine[0]["record"] as? [String: String])?["num"] == "0")
        #expect((r.quarantine[2]["record"] as? [String: String])?["horse"] == "D")
    }

    @Test("filter rules leave records out, counted by rule; the rest are mapped")
    func filterRules() throws {
        let table = try Self.table("""
          - name: results
            source: feed
            filter:
              - {from: status, notIn: [void, abandoned]}
              - {from: id, present: true}
              - {from: code, matches: "[a-z]+"}
            fields:
              - {name: id, type: integer, from: id}
              - {name: status, from: status}
        """)
        let r = try Self.run(table, ndjson: """
        {"id":1,"status":"finished","code":"flat"}
        {"id":2,"status":"void","code":"flat"}
        {"status":"finished","code":"flat"}
        {"id":"","status":"finished","code":"flat"}
        {"id":5,"status":"abandoned","code":"flat"}
        {"id":6,"code":"jumps"}
        {"id":7,"status":"finished","code":"JUMPS"}

        """)
        #expect(r.out == "{\"id\":1,\"status\":\"finished\"}\n{\"id\":6,\"status\":null}\n")
        #expect(r.stats.filtered == 5)
        #expect(r.stats.filteredByRule == ["status notIn [void, abandoned]": 2, "id present": 2, "code matches [a-z]+": 1])
        #expect(r.stats.json.contains("\"filtered_by_rule\":{\"code matches [a-z]+\":1,\"id present\":2,\"status notIn [void, abandoned]\":2}"))
    }

    @Test("year and duration types; integers are written as Int writes them")
    func yearAndDuration() throws {
        let table = try Self.table("""
          - name: t
            source: feed
            fields:
              - {name: season, type: year, from: y}
              - {name: time, type: duration, from: d}
              - {name: n, type: integer, from: n}
        """)
        let r = try Self.run(table, ndjson: """
        {"y":"2024","d":"PT1M12.45S","n":"+007"}
        {"y":"24","d":"PT1M","n":"-0"}
        {"y":"2024","d":"1:12","n":"1"}
        {"y":"2024","d":"P1Y2M3DT4H5M6S","n":"99999999999999999999"}

        """)
        #expect(r.out == "{\"season\":2024,\"time\":\"PT1M12.45S\",\"n\":7}\n")
        #expect(r.quarantine.map { "\($0["field"]!) \($0["rule"]!)" } == ["season type", "time type", "n type"])
        #expect(Parsers.isDuration("P2W") && Parsers.isDuration("P1DT0.5S") && !Parsers.isDuration("P") && !Parsers.isDuration("PT") && !Parsers.isDuration("P1.5D"))
    }

    @Test("the first member of a name wins; null and absent fall through to the next source; pointers and escaped keys work")
    func sourcesAndPointers() throws {
        let table = try Self.table("""
          - name: t
            source: feed
            fields:
              - {name: a, from: [x, y]}
              - {name: goals, type: integer, from: [/score/ft/0, goals]}
              - {name: tag, from: "t\\u00e4g"}
              - {name: obj, from: o}
        """)
        let r = try Self.run(table, ndjson: """
        {"x":null,"y":"why","score":{"ft":[2,1]},"täg":"k","o":{"b":[1,"2"]}}
        {"x":"first","x":"second","goals":"3","t\\u00e4g":"escaped"}

        """)
        #expect(r.out == """
        {"a":"why","goals":2,"tag":"k","obj":"{\\"b\\":[1,\\"2\\"]}"}
        {"a":"first","goals":3,"tag":"escaped","obj":null}

        """)
    }

    @Test("split:SEP:INDEX keeps one part (empty parts count, negative from the end); default fills a missing value")
    func splitAndDefault() throws {
        let table = try Self.table("""
          - name: t
            source: feed
            fields:
              - {name: first, from: name, transforms: ["split: :0"]}
              - {name: last, from: name, transforms: ["split: :-1"]}
              - {name: course, from: race_key, transforms: ["split:_:1"]}
              - {name: third, from: path, transforms: ["split:/:2"]}
              - {name: draw, type: integer, from: draw, default: 0}
              - {name: going, from: going, default: Unknown}
        """)
        let r = try Self.run(table, ndjson: """
        {"name":"Rapid Boy (GB)","race_key":"2015-01-01_haydock_1345","path":"a//c","draw":""}
        {"name":"Solo","race_key":"x","path":"a/b","draw":"3","going":"Good"}

        """)
        #expect(r.out == """
        {"first":"Rapid","last":"(GB)","course":"haydock","third":"c","draw":0,"going":"Unknown"}
        {"first":"Solo","last":"Solo","course":null,"third":null,"draw":3,"going":"Good"}

        """)
        #expect(Transforms.apply("split:/:1", "a//c") == "" && Transforms.apply("split:/:-1", "a//c") == "c")
        #expect((try? Transforms.compile("split:/")) == nil && (try? Transforms.compile("split::1")) == nil && (try? Transforms.compile("split:::1")) != nil)
    }

    @Test("a config with an invalid filter or an unknown type is refused with the table and field named")
    func configErrors() throws {
        let unknownType = Self.refusal("""
          - name: t
            source: feed
            fields:
              - {name: a, type: money, from: x}
        """)
        #expect(unknownType?.contains("'type' in field 'a' of table 't': unknown value 'money'") == true, "\(unknownType ?? "accepted")")
        // Refused when the pipeline loads, before any record is read.
        let badFilter = Self.refusal("""
          - name: t
            source: feed
            filter: [{from: x, matches: "("}]
            fields: [{name: a, from: x}]
        """)
        #expect(badFilter?.contains(":7:33: 'matches' in a filter rule of table 't': '(' is not a valid regular expression") == true, "\(badFilter ?? "accepted")")
    }

    @Test("rest: the members no field takes whole, as one JSON object; pointers keep their member; _names and except are left out; none is null")
    func restField() throws {
        let table = try Self.table("""
          - name: incidents
            source: feed
            filter: [{from: kind, notIn: [skip]}]
            fields:
              - {name: type, from: incidentType}
              - {name: player_id, type: integer, from: /player/id}
              - {name: home_score, type: integer, from: homeScore}
              - {name: label, template: "{minute}'"}
              - {name: detail, type: object, rest: {except: [noise]}}
        """)
        let r = try Self.run(table, ndjson: """
        {"incidentType":"goal","minute":12,"player":{"id":5,"name":"A \\"B\\""},"homeScore":1,"assist1":{"id":7},"_line":3,"noise":1,"kind":"x"}
        {"incidentType":"period","minute":45,"text":"HT","tags":[1, 2],"sp ace":null}
        {"incidentType":"card","minute":50,"_unit":"feed/a"}
        {"incidentType":"card","kind":"skip"}

        """)
        #expect(r.out == """
        {"type":"goal","player_id":5,"home_score":1,"label":"12'","detail":{"player":{"id":5,"name":"A \\"B\\""},"assist1":{"id":7}}}
        {"type":"period","player_id":null,"home_score":null,"label":"45'","detail":{"text":"HT","tags":[1,2],"sp ace":null}}
        {"type":"card","player_id":null,"home_score":null,"label":"50'","detail":null}

        """)
        #expect(r.stats.written == 3 && r.stats.filtered == 1)

        // CSV: the columns no field reads, their non-empty cells as strings; to CSV, the object as JSON text.
        let csvTable = try Self.table("""
          - name: odds
            source: feed
            fields:
              - {name: home, from: HomeTeam}
              - {name: odds, type: object, rest: true}
        """)
        let csv = "HomeTeam,B365H,B365D,Referee\nArsenal,1.5,,\"Dean, M\"\nSpurs,,,\n"
        #expect(try Self.run(csvTable, csv: csv).out == """
        {"home":"Arsenal","odds":{"B365H":"1.5","Referee":"Dean, M"}}
        {"home":"Spurs","odds":null}

        """)
        #expect(try Self.run(csvTable, csv: csv, format: .csv).out == "home,odds\nArsenal,\"{\"\"B365H\"\":\"\"1.5\"\",\"\"Referee\"\":\"\"Dean, M\"\"}\"\nSpurs,\n")
    }

    @Test("object and array types: a container or JSON text of that kind, written compact; anything else is quarantined")
    func containerTypes() throws {
        let table = try Self.table("""
          - name: t
            source: feed
            fields:
              - {name: id, type: integer}
              - {name: meta, type: object}
              - {name: tags, type: array}
        """)
        let r = try Self.run(table, ndjson: """
        {"id":1,"meta":{"a": [1, {"b":null}]},"tags":[ "x" ]}
        {"id":2,"meta":"{\\"a\\": 1}","tags":"[]"}
        {"id":3,"meta":[1],"tags":[]}
        {"id":4,"meta":{},"tags":"x"}
        {"id":5,"meta":"{bad","tags":null}

        """)
        #expect(r.out == """
        {"id":1,"meta":{"a":[1,{"b":null}]},"tags":["x"]}
        {"id":2,"meta":{"a":1},"tags":[]}

        """)
        let reasons = r.quarantine.map { "\($0["rule"] ?? ""): \($0["reason"] ?? "")" }
        #expect(reasons == ["type: field meta: '[1]' is not a JSON object", "type: field tags: 'x' is not a JSON array",
                            "type: field meta: '{bad' is not a JSON object"], "\(reasons)")
        // The Table Schema says object and array, as Frictionless reads them.
        #expect(table.tableSchemaJSON().contains(#"{"name": "meta", "type": "object"}"#))
    }

    @Test("a rest field with from, or with a type other than object, is refused")
    func restConfigErrors() throws {
        let withFrom = Self.refusal("""
          - name: t
            source: feed
            fields: [{name: a, type: object, from: x, rest: true}]
        """)
        #expect(withFrom?.contains("'rest' in field 'a' of table 't' cannot go with 'from' or 'template'") == true, "\(withFrom ?? "accepted")")
        let notObject = Self.refusal("""
          - name: t
            source: feed
            fields: [{name: a, type: string, rest: true}]
        """)
        #expect(notObject?.contains("a rest field must have type object, not string (in field 'a' of table 't')") == true, "\(notObject ?? "accepted")")
    }
}
