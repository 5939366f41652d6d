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
