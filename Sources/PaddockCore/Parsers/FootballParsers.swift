// Football values: scores, openfootball score objects, match statuses.

/// A football score, home side first.
public struct Score: Sendable, Hashable {
    public var home: Int
    public var away: Int

    public init(home: Int, away: Int) {
        self.home = home
        self.away = away
    }

    /// `2-1`.
    public var text: String { "\(home)-\(away)" }
}

/// How a match was decided.
public enum MatchDecision: String, Sendable, Hashable, CaseIterable {
    case regularTime, extraTime, penalties
}

/// The scores of one match as openfootball records them (`score.ft`, `.ht`, `.et`, `.p`).
public struct MatchScore: Sendable, Hashable {
    /// After 90 minutes.
    public var fullTime: Score
    public var halfTime: Score?
    /// After extra time (including the 90 minutes).
    public var extraTime: Score?
    /// The penalty shoot-out.
    public var penalties: Score?

    public init(fullTime: Score, halfTime: Score? = nil, extraTime: Score? = nil, penalties: Score? = nil) {
        self.fullTime = fullTime
        self.halfTime = halfTime
        self.extraTime = extraTime
        self.penalties = penalties
    }

    /// The score of play, shoot-out excluded: after extra time when there was some.
    public var final: Score { extraTime ?? fullTime }

    public var decidedBy: MatchDecision {
        penalties != nil ? .penalties : extraTime != nil ? .extraTime : .regularTime
    }
}

/// The state of a fixture.
public enum MatchStatus: String, Sendable, Hashable, CaseIterable {
    case scheduled, finished, postponed, cancelled, abandoned, awarded
}

extension ValueParsers {
    /// Parses a football score, home goals first.
    ///
    /// Accepts `2-1`, `2–1` (en dash), `2—1` (em dash), `2:1`, ` 2 - 1 ` (blanks anywhere between);
    /// goals have at most 3 digits. Unplayed or unknown scores (`?`, `-`, `P-P`, `v`, empty) and
    /// anything else are nil.
    public static func score(_ s: some StringProtocol) -> Score? {
        withBytes(s) { score(bytes: $0) }
    }

    /// ``score(_:)`` over the UTF-8 bytes of a value.
    public static func score(bytes b: UnsafeBufferPointer<UInt8>) -> Score? {
        var sc = Scanner(b)
        guard let home = sc.digits(max: 3), !Scanner.isDigit(sc.peek()) else { return nil }
        sc.skipBlanks()
        guard sc.skip(UInt8(ascii: ":")) || sc.skipDash() else { return nil }
        sc.skipBlanks()
        guard let away = sc.digits(max: 3), sc.isAtEnd else { return nil }
        return Score(home: home, away: away)
    }

    /// Builds the scores of an openfootball match from its `ft`, `ht`, `et` and `p` arrays.
    ///
    /// Each array must hold exactly two non-negative goal counts; `ft` is required. The scores
    /// must be consistent: half time no more than full time, full time no more than after extra
    /// time (openfootball's `et` includes the 90 minutes), and a shoot-out cannot end level.
    /// Returns nil otherwise (a match without `ft` is unplayed).
    public static func openfootballScore(ft: [Int]?, ht: [Int]? = nil, et: [Int]? = nil, p: [Int]? = nil) -> MatchScore? {
        func pair(_ a: [Int]?) -> Score?? {
            guard let a else { return .some(nil) }
            guard a.count == 2, a[0] >= 0, a[1] >= 0 else { return nil }
            return Score(home: a[0], away: a[1])
        }
        guard let full = pair(ft), let fullTime = full, let halfTime = pair(ht), let extraTime = pair(et),
              let penalties = pair(p) else { return nil }
        if let h = halfTime, h.home > fullTime.home || h.away > fullTime.away { return nil }
        if let e = extraTime, e.home < fullTime.home || e.away < fullTime.away { return nil }
        if let pens = penalties, pens.home == pens.away { return nil }
        return MatchScore(fullTime: fullTime, halfTime: halfTime, extraTime: extraTime, penalties: penalties)
    }

    /// Parses a match status, any case, ignoring `.`, `-`, `_` and blanks:
    ///
    /// - finished: `played`, `finished`, `FT`, `full time`, `complete(d)`;
    /// - scheduled: `scheduled`, `fixture`, `not started`, `NS`;
    /// - postponed: `postponed`, `PPD`, `P-P`;
    /// - cancelled: `cancelled`, `canceled`, `canc`;
    /// - abandoned: `abandoned`, `abd`, `A-A`;
    /// - awarded: `awarded`, `awd` (result given by the authorities).
    public static func matchStatus(_ s: some StringProtocol) -> MatchStatus? {
        withBytes(s) { matchStatus(bytes: $0) }
    }

    /// ``matchStatus(_:)`` over the UTF-8 bytes of a value.
    public static func matchStatus(bytes b: UnsafeBufferPointer<UInt8>) -> MatchStatus? {
        let sc = Scanner(b)
        guard !sc.isAtEnd else { return nil }
        for (word, status) in matchStatusWords where sc.restSpells(word) { return status }
        return nil
    }

    static let matchStatusWords: [(StaticString, MatchStatus)] = [
        ("played", .finished), ("finished", .finished), ("ft", .finished), ("fulltime", .finished),
        ("complete", .finished), ("completed", .finished),
        ("scheduled", .scheduled), ("fixture", .scheduled), ("notstarted", .scheduled), ("ns", .scheduled),
        ("postponed", .postponed), ("ppd", .postponed), ("pp", .postponed),
        ("cancelled", .cancelled), ("canceled", .cancelled), ("canc", .cancelled),
        ("abandoned", .abandoned), ("abd", .abandoned), ("aa", .abandoned),
        ("awarded", .awarded), ("awd", .awarded),
    ]
}

// MARK: - Field parsers

extension ValueParsers {
    /// `parser: season` (see `FieldParsers`).
    static let seasonEntry = ParserEntry(
        name: "season", summary: "a football season from 2016-17, 2016/17, 16/17, 9394, or a date in format (July to June) -> 2016-17",
        options: [.format, .pivotYear], compile: compileSeason)

    static func compileSeason(_ p: ParserConfig, _: Int) throws(ParserError) -> CompiledParser {
        .season(formats: try patterns(p, datetime: false), pivotYear: p.pivotYear ?? 50)
    }

    /// `parser: score`.
    static let scoreEntry = ParserEntry(
        name: "score", summary: "a score 2-1, 2:1 -> the home or away goals", parts: ["home", "away"]) { _, part in .score(away: part == 1) }

    /// `parser: match_status`.
    static let matchStatusEntry = ParserEntry(
        name: "match_status", summary: "FT, played, PPD, P-P, abandoned, awarded, ... -> \(MatchStatus.allCases.map(\.rawValue).joined(separator: ", "))") { _, _ in
            .matchStatus
        }

    static func runScore<W: ByteAppending>(_ b: UnsafeBufferPointer<UInt8>, away: Bool, _ out: inout W) -> Bool {
        guard let s = score(bytes: b) else { return false }
        appendInt(away ? s.away : s.home, to: &out)
        return true
    }

    static func runMatchStatus<W: ByteAppending>(_ b: UnsafeBufferPointer<UInt8>, _ out: inout W) -> Bool {
        guard let s = matchStatus(bytes: b) else { return false }
        out.appendString(s.rawValue)
        return true
    }

    static func runSeason<W: ByteAppending>(_ b: UnsafeBufferPointer<UInt8>, formats: [String], pivotYear: Int, _ out: inout W) -> Bool {
        guard let s = season(b, formats: formats, pivotYear: pivotYear) else { return false }
        out.appendString(s)
        return true
    }

    /// A football season as `YYYY-YY` from `2016-17`, `2016/17`, `2016/2017`, `16/17`, `9394` (two
    /// digit years through the pivot) or, when the parser has date formats, from a date: seasons run
    /// July to June, so `2016-10-01` is in 2016-17 (summer-finished seasons such as 2019-20 need the
    /// season text instead).
    static func season(_ b: UnsafeBufferPointer<UInt8>, formats: [String], pivotYear pivot: Int) -> String? {
        let text = String(decoding: b, as: UTF8.self)
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
        if !formats.isEmpty, let d = firstDate(b, formats: formats, pivotYear: pivot), let y = Int(d.prefix(4)), let m = Int(d.dropFirst(5).prefix(2)) {
            return render(m >= 7 ? y : y - 1)
        }
        return nil
    }
}
