import Foundation
@testable import PaddockCore
import Testing

/// The transform table (`Transforms`): every entry described, compile errors with suggestions, and what
/// each compiled transform gives.
@Suite("Transform table")
struct TransformTableTests {
    @Test("every transform has a unique name and a one-line summary")
    func described() {
        let names = Transforms.entries.map(\.name)
        #expect(Set(names).count == names.count)
        for e in Transforms.entries {
            #expect(!e.name.isEmpty && !e.name.contains(":"), "\(e.name)")
            #expect(!e.summary.isEmpty && !e.summary.contains("\n"), "\(e.name)")
            #expect(e.summary.first?.isLowercase == true || e.summary.first?.isLetter == false, "\(e.name): \(e.summary)")
        }
        #expect(Transforms.usageList == "trim, lower, upper, slug, regex:PATTERN, split:SEPARATOR:INDEX")
    }

    /// One example per entry: a transform added to the table needs one here.
    static let examples: [(spec: String, input: String, output: String?)] = [
        ("trim", " \tRapid Boy \r\n", "Rapid Boy"),
        ("lower", "ÉCLAIR Du Val", "éclair du val"),
        ("upper", "straße", "STRASSE"),
        ("slug", "O'Brien Jr. (IRE)", "obrien-jr-ire"),
        ("regex:([0-9]{4}/[0-9]{2})", "Premier League 2016/17", "2016/17"),
        ("split:_:1", "2015-01-01_haydock_1345", "haydock"),
    ]

    @Test("each transform gives its value", arguments: examples)
    func runs(spec: String, input: String, output: String?) throws {
        #expect(try Transforms.compile(spec).apply(input) == output)
    }

    @Test("every transform in the table has an example")
    func everyEntryHasAnExample() {
        let tested = Set(Self.examples.map { $0.spec.split(separator: ":", maxSplits: 1).first.map(String.init) ?? "" })
        #expect(Set(Transforms.entries.map(\.name)).subtracting(tested).isEmpty)
    }

    @Test("edge cases: no match, no such part, non-ASCII slugs, a regex without a group")
    func edges() {
        #expect(Transforms.apply("regex:[0-9]+", "no digits") == nil)
        #expect(Transforms.apply("regex:[0-9]+", "race 12 of 14") == "12")
        #expect(Transforms.apply("split:/:5", "a/b") == nil && Transforms.apply("split:/:-3", "a/b") == nil)
        #expect(Transforms.apply("split:/:-1", "a/b") == "b" && Transforms.apply("split:::1", "a:b") == "b")
        #expect(Transforms.apply("slug", "Cœur d’Alène 2") == "cœur-dalène-2")
        #expect(Transforms.apply("trim", "   ") == "")
    }

    @Test("a bad transform is refused with the reason and, for a near miss, a suggestion from the table", arguments: [
        ("trimm", "unknown transform 'trimm'", " (did you mean 'trim'?)"),
        ("slugg", "unknown transform 'slugg'", " (did you mean 'slug'?)"),
        ("regx:[0-9]", "unknown transform 'regx:[0-9]'", " (did you mean 'regex'?)"),
        ("capitalize", "unknown transform 'capitalize'", ""),
        ("trim:both", "transform 'trim' takes no argument, not 'trim:both'", ""),
        ("regex", "transform 'regex' needs regex:PATTERN", ""),
        ("split", "transform 'split' needs split:SEPARATOR:INDEX", ""),
        ("regex:([0-9]", "'([0-9]' in transform 'regex:([0-9]' is not a valid regular expression", ""),
        ("split:/", "transform 'split:/' needs split:SEPARATOR:INDEX (index 0-based, negative from the end)", ""),
        ("split::1", "transform 'split::1' needs split:SEPARATOR:INDEX (index 0-based, negative from the end)", ""),
        ("split:/:x", "transform 'split:/:x' needs split:SEPARATOR:INDEX (index 0-based, negative from the end)", ""),
    ])
    func refused(spec: String, message: String, suggestion: String) {
        #expect(throws: TransformError(message: message, suggestion: suggestion)) { try Transforms.compile(spec) }
    }
}

/// The value-parser table (`FieldParsers`): every entry described, options checked at compile time,
/// and what each compiled parser gives.
@Suite("Parser table")
struct ParserTableTests {
    @Test("every parser has a unique name, a one-line summary, and takes part exactly when it has parts")
    func described() {
        let names = FieldParsers.entries.map(\.name)
        #expect(Set(names).count == names.count)
        for e in FieldParsers.entries {
            #expect(!e.summary.isEmpty && !e.summary.contains("\n"), "\(e.name)")
            #expect(e.options.contains(.part) == !e.parts.isEmpty, "\(e.name)")
            #expect(e.required.allSatisfy(e.options.contains), "\(e.name) requires an option it does not take")
        }
    }

    /// One example per entry and part: a parser added to the table needs one here.
    static let examples: [(parser: ParserConfig, input: String, output: FieldParsers.Outcome)] = [
        (ParserConfig(name: "date"), "2024-08-16", .value("2024-08-16")),
        (ParserConfig(name: "date", formats: ["%d/%m/%Y", "%d/%m/%y"], pivotYear: 30), "14/08/29", .value("2029-08-14")),
        (ParserConfig(name: "datetime", timeZone: "+01:00"), "2024-08-16 20:00", .value("2024-08-16T19:00:00Z")),
        (ParserConfig(name: "datetime", formats: ["epoch", "%d/%m/%Y %H:%M"], timeZone: "UTC"), "16/08/2024 20:00", .value("2024-08-16T20:00:00Z")),
        (ParserConfig(name: "season"), "16/17", .value("2016-17")),
        (ParserConfig(name: "season", formats: ["%Y-%m-%d"]), "2017-03-01", .value("2016-17")),
        (ParserConfig(name: "score", part: "away"), "2-1", .value("1")),
        (ParserConfig(name: "score"), "?", .invalid),
        (ParserConfig(name: "match_status"), "P-P", .value("postponed")),
        (ParserConfig(name: "odds"), "5/2", .value("3.5")),
        (ParserConfig(name: "odds", part: "favourite"), "5/2", .empty),
        (ParserConfig(name: "distance", part: "furlongs"), "1m2f110y", .value("10.5")),
        (ParserConfig(name: "distance", part: "metres"), "5f", .value("1005.84")),
        (ParserConfig(name: "weight"), "9-7", .value("133")),
        (ParserConfig(name: "race_time"), "1:12.45", .value("72.45")),
        (ParserConfig(name: "beaten_distance"), "shd", .value("0.1")),
        (ParserConfig(name: "position", part: "status"), "PU", .value("PU")),
        (ParserConfig(name: "position", part: "dead_heat"), "DH1", .value("true")),
        (ParserConfig(name: "position"), "PU", .empty),
        (ParserConfig(name: "money", part: "currency"), "£3,105.75", .value("GBP")),
        (ParserConfig(name: "money"), "£3,105.75", .value("3105.75")),
    ]

    @Test("each parser gives its value", arguments: examples)
    func runs(parser: ParserConfig, input: String, output: FieldParsers.Outcome) {
        #expect(FieldParsers.parse(parser, input) == output, "\(FieldParsers.describe(parser))")
    }

    @Test("every parser in the table, and every part, has an example")
    func everyEntryHasAnExample() {
        for e in FieldParsers.entries {
            let mine = Self.examples.filter { $0.parser.name == e.name }
            #expect(!mine.isEmpty, "no example for parser \(e.name)")
            for part in e.parts.dropFirst() { #expect(mine.contains { $0.parser.part == part }, "no example for \(e.name) part \(part)") }
        }
    }

    @Test("a bad parser or option is refused with the option at fault and a suggestion from the table", arguments: [
        (ParserConfig(name: "dat"), ParserError("unknown parser 'dat'", detail: " (did you mean 'date'?)")),
        (ParserConfig(name: "race-time"), ParserError("unknown parser 'race-time'", detail: " (did you mean 'race_time'?)")),
        (ParserConfig(name: "colour"), ParserError("unknown parser 'colour'", detail: "; parsers: " + FieldParsers.entries.map(\.name).joined(separator: ", "))),
        (ParserConfig(name: "weight", formats: ["%d"]), ParserError("parser weight takes no format", option: .format, detail: "; it takes no options")),
        (ParserConfig(name: "score", timeZone: "UTC"), ParserError("parser score takes no timeZone", option: .timeZone, detail: "; it takes part")),
        (ParserConfig(name: "odds", pivotYear: 50), ParserError("parser odds takes no pivotYear", option: .pivotYear, detail: "; it takes part")),
        (ParserConfig(name: "date", timeZone: "UTC"), ParserError("parser date takes no timeZone", option: .timeZone, detail: "; it takes format, pivotYear")),
        (ParserConfig(name: "weight", part: "stones"), ParserError("parser weight takes no part", option: .part, detail: ": it gives one value")),
        (ParserConfig(name: "score", part: "draw"), ParserError("parser score has no part 'draw'", option: .part, detail: "; parts: home, away")),
        (ParserConfig(name: "date", formats: ["%d/%m/%Y", "%Q"]), ParserError("invalid date format '%Q'", option: .format,
                                                                               detail: "; a date pattern such as %d/%m/%Y (iso8601 and epoch are datetime formats)")),
        (ParserConfig(name: "date", formats: ["iso8601"]), ParserError("invalid date format 'iso8601'", option: .format,
                                                                      detail: "; a date pattern such as %d/%m/%Y (iso8601 and epoch are datetime formats)")),
        (ParserConfig(name: "datetime", formats: ["%H:%M"]), ParserError("invalid date format '%H:%M'", option: .format)),
        (ParserConfig(name: "datetime", timeZone: "Europe/London"), ParserError("'Europe/London' is not UTC, GMT or a fixed offset like +01:00", option: .timeZone)),
    ])
    func refused(parser: ParserConfig, error: ParserError) {
        #expect(throws: error) { try FieldParsers.compile(parser) }
    }

    @Test("an option an entry requires is refused when missing")
    func requiredOption() throws {
        let entry = ParserEntry(name: "fixture_date", summary: "a date in the given format", options: [.format], required: [.format]) { p, _ in
            .date(formats: p.formats, pivotYear: 50)
        }
        #expect(throws: ParserError("parser fixture_date needs format")) { try FieldParsers.compile(ParserConfig(name: "fixture_date"), in: [entry]) }
        _ = try FieldParsers.compile(ParserConfig(name: "fixture_date", formats: ["%d/%m/%Y"]), in: [entry])
    }
}

/// The pipeline compiler refuses a bad transform or parser where it is written (file:line:column).
@Suite("Registries in the pipeline compiler")
struct RegistryCompilerTests {
    static func yaml(_ field: String) -> String {
        """
        pipeline: t
        sources:
          - {name: s, kind: files, root: landing}
        tables:
          - name: r
            source: s
            fields:
              - name: a
        \(field)
        """
    }

    static func problems(_ field: String) -> [String] { PipelineCompilerTests.problems(yaml(field)) }

    @Test("a bad transform or parser option is refused at its own line and column", arguments: [
        ("        parser: {name: weight, format: \"%d/%m/%Y\"}", "format: ",
         "'format' in field 'a' of table 'r': parser weight takes no format; it takes no options"),
        ("        parser: {name: date, timeZone: UTC}", "timeZone: ",
         "'timeZone' in field 'a' of table 'r': parser date takes no timeZone; it takes format, pivotYear"),
        ("        parser: {name: score, part: draw}", "part: ",
         "'part' in field 'a' of table 'r': parser score has no part 'draw'; parts: home, away"),
        ("        parser: {name: datetime, timeZone: Europe/London}", "timeZone: ",
         "'timeZone' in field 'a' of table 'r': 'Europe/London' is not UTC, GMT or a fixed offset like +01:00"),
        ("        parser: {name: dat, format: \"%d\"}", "name: ",
         "unknown parser 'dat' in field 'a' of table 'r' (did you mean 'date'?)"),
        ("        parser: positon", "parser: ",
         "unknown parser 'positon' in field 'a' of table 'r' (did you mean 'position'?)"),
        ("        transforms: [trim, slugg]", "slugg",
         "unknown transform 'slugg' in field 'a' of table 'r' (did you mean 'slug'?); transforms: trim, lower, upper, slug, regex:PATTERN, split:SEPARATOR:INDEX"),
        ("        transforms: [\"split:/\"]", "\"split",
         "transform 'split:/' needs split:SEPARATOR:INDEX (index 0-based, negative from the end) in field 'a' of table 'r'; transforms: trim, lower, upper, slug, regex:PATTERN, split:SEPARATOR:INDEX"),
    ])
    func refusedAtPosition(field: String, at: String, message: String) {
        let text = Self.yaml(field)
        let lines = text.components(separatedBy: "\n")
        let line = lines.firstIndex { $0 == field }! + 1
        let range = field.range(of: at)!
        let column = field.distance(from: field.startIndex, to: at.hasSuffix(": ") ? range.upperBound : range.lowerBound) + 1
        #expect(Self.problems(field) == ["x.yaml:\(line):\(column): \(message)"])
    }

    @Test("every parser option a parser takes is accepted")
    func optionsAccepted() {
        #expect(Self.problems("        parser: {name: datetime, format: [iso8601, \"%d/%m/%y %H:%M\"], timeZone: \"+01:00\", pivotYear: 30}") == [])
        #expect(Self.problems("        parser: {name: season, format: \"%d/%m/%Y\", pivotYear: 60}") == [])
        #expect(Self.problems("        parser: {name: distance, part: metres}\n        transforms: [trim, \"regex:([0-9]+)\"]") == [])
    }
}
