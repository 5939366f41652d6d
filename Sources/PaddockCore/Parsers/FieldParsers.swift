/// The named value parsers a field can declare with `parser:` (see docs/pipelines.md). Each turns
/// source text into the text of a typed value, or nil when the text is not valid for it; the mapping
/// engine then quarantines the record with rule `parser`.
public enum FieldParsers {
    /// Parser names, with the parts (`part:`) of the ones that give several values.
    public static let parts: [String: [String]] = [
        "date": [], "datetime": [], "season": [],
        "score": ["home", "away"], "match_status": [],
        "odds": ["decimal", "favourite"], "distance": ["yards", "metres", "furlongs"],
        "weight": [], "race_time": [], "beaten_distance": [],
        "position": ["place", "status", "dead_heat"], "money": ["amount", "currency"],
    ]

    public static var names: Set<String> { Set(parts.keys) }

    /// What a parser made of a text.
    public enum Outcome: Equatable, Sendable {
        /// The text of the typed value.
        case value(String)
        /// Valid text with nothing for this part (no place for `PU`, no favourite marker): null.
        case empty
        /// Not valid for this parser.
        case invalid
    }

    /// Parses `text` with the parser `p`.
    public static func parse(_ p: ParserConfig, _ text: String) -> Outcome {
        guard let v = apply(p, text) else { return .invalid }
        return v.isEmpty ? .empty : .value(v)
    }

    /// Parses `text` with the parser `p`; nil when the text is not valid for it, "" when it is valid but
    /// has no value for the requested part.
    public static func apply(_ p: ParserConfig, _ text: String) -> String? {
        let part = p.part ?? parts[p.name]?.first
        switch p.name {
        case "date":
            return date(p, text)
        case "datetime":
            return ValueParsers.datetime(text, format: p.format, timeZone: p.timeZone)
        case "season":
            return season(p, text)
        case "score":
            guard let s = ValueParsers.score(text) else { return nil }
            return String(part == "away" ? s.away : s.home)
        case "match_status":
            return ValueParsers.matchStatus(text)?.rawValue
        case "odds":
            guard let o = ValueParsers.odds(text) else { return nil }
            return part == "favourite" ? (o.favourite?.rawValue ?? "") : o.decimalText
        case "distance":
            guard let d = ValueParsers.distance(text) else { return nil }
            switch part {
            case "metres": return ValueParsers.fixedText(d.metres, places: 2, trimZeros: true)
            case "furlongs": return ValueParsers.fixedText(d.furlongs, places: 4, trimZeros: true)
            default: return String(d.yards)
            }
        case "weight":
            return ValueParsers.weight(text).map(String.init)
        case "race_time":
            return ValueParsers.raceTime(text).map { ValueParsers.fixedText($0, places: 2, trimZeros: true) }
        case "beaten_distance":
            return ValueParsers.beatenDistance(text).map { ValueParsers.fixedText($0, places: 2, trimZeros: true) }
        case "position":
            guard let pos = ValueParsers.position(text) else { return nil }
            switch part {
            case "status": return pos.status.code ?? "finished"
            case "dead_heat": return pos.deadHeat ? "true" : "false"
            default: return pos.place.map(String.init) ?? ""
            }
        case "money":
            guard let m = ValueParsers.money(text) else { return nil }
            return part == "currency" ? (m.currency ?? "") : m.amountText
        default:
            return nil
        }
    }

    /// A football season as `YYYY-YY` from `2016-17`, `2016/17`, `2016/2017`, `16/17`, `9394` (two
    /// digit years through the pivot) or, when the parser has date formats, from a date: seasons run
    /// July to June, so `2016-10-01` is in 2016-17 (summer-finished seasons such as 2019-20 need the
    /// season text instead).
    static func season(_ p: ParserConfig, _ text: String) -> String? {
        let pivot = p.pivotYear ?? 50
        func full(_ yy: Int) -> Int { yy < pivot ? 2000 + yy : 1900 + yy }
        func render(_ start: Int) -> String {
            let end = (start + 1) % 100
            return "\(start)-\(end < 10 ? "0" : "")\(end)"
        }
        let digits = text.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "_" }).map(String.init)
        if digits.count == 2, digits.allSatisfy({ $0.allSatisfy(\.isASCII) && Int($0) != nil }) {
            let a = Int(digits[0])!, b = Int(digits[1])!
            let start = digits[0].count == 4 ? a : (digits[0].count == 2 ? full(a) : -1)
            let endTwo = digits[1].count == 4 ? b % 100 : (digits[1].count == 2 ? b : -1)
            if start > 0, endTwo >= 0, (start + 1) % 100 == endTwo { return render(start) }
        }
        if text.count == 4, let v = Int(text), (v / 100 + 1) % 100 == v % 100 { return render(full(v / 100)) }
        if !p.formats.isEmpty, let d = date(p, text), let y = Int(d.prefix(4)), let m = Int(d.dropFirst(5).prefix(2)) {
            return render(m >= 7 ? y : y - 1)
        }
        return nil
    }

    /// A date in the first of the parser's formats that fits (ISO `%Y-%m-%d` when none is given).
    static func date(_ p: ParserConfig, _ text: String) -> String? {
        let formats = p.formats.isEmpty ? ["%Y-%m-%d"] : p.formats
        for f in formats {
            if let d = ValueParsers.date(text, format: f, pivotYear: p.pivotYear ?? 50) { return d }
        }
        return nil
    }

    /// `date (format %d/%m/%y)`, for messages.
    public static func describe(_ p: ParserConfig) -> String {
        var s = p.name
        if !p.formats.isEmpty { s += " (format \(p.formats.joined(separator: " or ")))" }
        if let part = p.part { s += " (\(part))" }
        return s
    }
}
