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

    /// Parses `text` with the parser `p`; nil when the text is not valid for it.
    public static func apply(_ p: ParserConfig, _ text: String) -> String? {
        let part = p.part ?? parts[p.name]?.first
        switch p.name {
        case "date":
            return ValueParsers.date(text, format: p.format ?? "%Y-%m-%d", pivotYear: p.pivotYear ?? 50)
        case "datetime":
            return ValueParsers.datetime(text, format: p.format, timeZone: p.timeZone)
        case "season":
            // The football season a date falls in, seasons running July to June: 2016-10-01 -> 2016-17.
            guard let d = ValueParsers.date(text, format: p.format ?? "%Y-%m-%d", pivotYear: p.pivotYear ?? 50),
                  let y = Int(d.prefix(4)), let m = Int(d.dropFirst(5).prefix(2)) else { return nil }
            let start = m >= 7 ? y : y - 1
            let end = (start + 1) % 100
            return "\(start)-\(end < 10 ? "0" : "")\(end)"
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

    /// `date (format %d/%m/%y)`, for messages.
    public static func describe(_ p: ParserConfig) -> String {
        var s = p.name
        if let f = p.format { s += " (format \(f))" }
        if let part = p.part { s += " (\(part))" }
        return s
    }
}
