// Field parsers: the named value parsers a field can declare with `parser:` (see docs/pipelines.md).
//
// One table, `FieldParsers.entries`, holds every parser: its name, the options it takes and which of
// them it needs, its parts (for parsers that give several values), a one-line summary, and its compile
// step. Each entry is written next to its parser, in the file of its family (DateParsers.swift,
// FootballParsers.swift, RacingParsers.swift, MoneyParser.swift). Compiling a `ParserConfig` validates
// its options once, when the pipeline loads, and gives a `CompiledParser`, whose `run` parses a value
// with no lookup by name. The pipeline compiler, the mapping engine, `normalize --help` and the docs
// test all read the table.

/// An option a parser can take besides its name.
public enum ParserOption: String, CaseIterable, Sendable {
    /// One date pattern or a list (the first that parses wins).
    case format
    /// The year below which two-digit years are in the 2000s.
    case pivotYear
    /// The zone of times written without one.
    case timeZone
    /// Which value of a parser that gives several.
    case part
}

/// A value parser as the table knows it.
public struct ParserEntry: Sendable {
    public let name: String
    /// One line for `--help` and messages.
    public let summary: String
    /// The options it takes (`part` exactly when it has parts).
    public let options: [ParserOption]
    /// The options it cannot do without.
    public let required: [ParserOption]
    /// The values it can give, the default first; empty when it gives one.
    public let parts: [String]
    /// Validates the options that need more than being allowed (formats, zones) and prepares the parser;
    /// `part` is the index of the part asked for in `parts` (0 when it has none).
    let compile: @Sendable (_ config: ParserConfig, _ part: Int) throws(ParserError) -> CompiledParser

    public init(name: String, summary: String, options: [ParserOption] = [], required: [ParserOption] = [], parts: [String] = [],
                compile: @escaping @Sendable (_ config: ParserConfig, _ part: Int) throws(ParserError) -> CompiledParser) {
        self.name = name
        self.summary = summary
        self.options = parts.isEmpty || options.contains(.part) ? options : options + [.part]
        self.required = required
        self.parts = parts
        self.compile = compile
    }
}

/// Why a parser and its options cannot be compiled: a lowercase message, the option it is about (so
/// that the error points at it), and a did-you-mean or a list of what is possible.
public struct ParserError: Error, Sendable, Equatable {
    public var message: String
    /// The option at fault; nil for the parser's name.
    public var option: ParserOption?
    /// ` (did you mean 'date'?)`, `; parsers: ...`, or empty.
    public var detail: String = ""

    public init(_ message: String, option: ParserOption? = nil, detail: String = "") {
        self.message = message
        self.option = option
        self.detail = detail
    }
}

/// The value-parser table. Adding a parser: its entry and its run in its family's file, a case of
/// `CompiledParser`, and a line here.
public enum FieldParsers {
    public static let entries: [ParserEntry] = [
        ValueParsers.dateEntry, ValueParsers.datetimeEntry,
        ValueParsers.seasonEntry, ValueParsers.scoreEntry, ValueParsers.matchStatusEntry,
        ValueParsers.oddsEntry, ValueParsers.distanceEntry, ValueParsers.weightEntry, ValueParsers.raceTimeEntry,
        ValueParsers.beatenDistanceEntry, ValueParsers.positionEntry,
        ValueParsers.moneyEntry,
    ]

    /// The entry named `name`.
    public static func entry(named name: String, in entries: [ParserEntry] = entries) -> ParserEntry? {
        entries.first { $0.name == name }
    }

    /// Compiles a parser and its options.
    /// - Throws: `ParserError` for an unknown parser (with a suggestion from the table's names), an option
    ///   it does not take or lacks, a part it does not have, or an invalid option value.
    public static func compile(_ p: ParserConfig, in entries: [ParserEntry] = entries) throws(ParserError) -> CompiledParser {
        guard let entry = entry(named: p.name, in: entries) else {
            let names = entries.map(\.name)
            let suggestion = Suggest.didYouMean(p.name, among: names)
            throw ParserError("unknown parser '\(p.name)'", detail: suggestion.isEmpty ? "; parsers: \(names.joined(separator: ", "))" : suggestion)
        }
        for option in ParserOption.allCases where p.has(option) && !entry.options.contains(option) {
            let takes = entry.options.isEmpty ? "it takes no options" : "it takes \(entry.options.map(\.rawValue).joined(separator: ", "))"
            throw ParserError("parser \(p.name) takes no \(option.rawValue)", option: option,
                              detail: option == .part && entry.parts.isEmpty ? ": it gives one value" : "; \(takes)")
        }
        for option in entry.required where !p.has(option) {
            throw ParserError("parser \(p.name) needs \(option.rawValue)")
        }
        var part = 0
        if let asked = p.part {
            guard let k = entry.parts.firstIndex(of: asked) else {
                throw ParserError("parser \(p.name) has no part '\(asked)'", option: .part, detail: "; parts: \(entry.parts.joined(separator: ", "))")
            }
            part = k
        }
        return try entry.compile(p, part)
    }

    /// `date (format %d/%m/%y)`, for messages.
    public static func describe(_ p: ParserConfig) -> String {
        var s = p.name
        if !p.formats.isEmpty { s += " (format \(p.formats.joined(separator: " or ")))" }
        if let part = p.part { s += " (\(part))" }
        return s
    }

    /// What a parser made of a text.
    public enum Outcome: Equatable, Sendable {
        /// The text of the typed value.
        case value(String)
        /// Valid text with nothing for this part (no place for `PU`, no favourite marker): null.
        case empty
        /// Not valid for this parser.
        case invalid
    }

    /// Parses `text` with `p` compiled once (each call): for tests and one-off uses, not for a loop.
    public static func parse(_ p: ParserConfig, _ text: String) -> Outcome {
        guard let compiled = try? compile(p) else { return .invalid }
        var out: [UInt8] = []
        var text = text
        guard text.withUTF8({ compiled.run($0, into: &out) }) else { return .invalid }
        return out.isEmpty ? .empty : .value(String(decoding: out, as: UTF8.self))
    }
}

extension ParserConfig {
    /// Whether the option is written.
    func has(_ option: ParserOption) -> Bool {
        switch option {
        case .format: return !formats.isEmpty
        case .pivotYear: return pivotYear != nil
        case .timeZone: return timeZone != nil
        case .part: return part != nil
        }
    }
}

/// A parser ready to run, chosen once when the pipeline loads (see `FieldParsers`). Each case's run is
/// next to its parser.
public enum CompiledParser {
    case date(formats: [String], pivotYear: Int)
    case datetime(formats: [String], zoneOffset: Int?, pivotYear: Int)
    case season(formats: [String], pivotYear: Int)
    case score(away: Bool)
    case matchStatus
    case odds(favourite: Bool)
    case distance(DistanceUnit)
    case weight
    case raceTime
    case beatenDistance
    case position(PositionPart)
    case money(currency: Bool)

    /// Parses the bytes of one value and appends the text of the typed value to `out` (nothing for a
    /// valid text with no value for the part asked for). False when the text is not valid for the parser.
    @inline(__always)
    public func run<W: ByteAppending>(_ b: UnsafeBufferPointer<UInt8>, into out: inout W) -> Bool {
        switch self {
        case .date(let formats, let pivotYear): return ValueParsers.runDate(b, formats: formats, pivotYear: pivotYear, &out)
        case .datetime(let formats, let zone, let pivotYear): return ValueParsers.runDatetime(b, formats: formats, zoneOffset: zone, pivotYear: pivotYear, &out)
        case .season(let formats, let pivotYear): return ValueParsers.runSeason(b, formats: formats, pivotYear: pivotYear, &out)
        case .score(let away): return ValueParsers.runScore(b, away: away, &out)
        case .matchStatus: return ValueParsers.runMatchStatus(b, &out)
        case .odds(let favourite): return ValueParsers.runOdds(b, favourite: favourite, &out)
        case .distance(let unit): return ValueParsers.runDistance(b, unit, &out)
        case .weight: return ValueParsers.runWeight(b, &out)
        case .raceTime: return ValueParsers.runRaceTime(b, &out)
        case .beatenDistance: return ValueParsers.runBeatenDistance(b, &out)
        case .position(let part): return ValueParsers.runPosition(b, part, &out)
        case .money(let currency): return ValueParsers.runMoney(b, currency: currency, &out)
        }
    }
}
