public import PaddockCore

/// `date_in_season`: a row's date falls in the window of its season.
public struct DateInSeasonCheck: CheckKind, RunnableCheck {
    public static let type = "date_in_season"
    public static let summary = "the date column falls in its season's window (season: 2024-25 runs from seasonStarts: 2024 to seasonEnds: 2025)"
    public static let keys = CheckKey.columns + [
        CheckKey("season", "the season column (2024-25 or 2024)"),
        CheckKey("seasonStarts", old: "season_starts", "MM-DD of the season's first year when it starts (default 07-01)"),
        CheckKey("seasonEnds", old: "season_ends", "MM-DD of the next year when it ends (default 08-31)"),
    ]

    public var columns: [String]
    public var seasonColumn: String?
    public var seasonStarts: String
    public var seasonEnds: String

    public static func read(_ r: CheckReading) -> any CheckSpec {
        DateInSeasonCheck(columns: r.columns(), seasonColumn: r.text("season"), seasonStarts: r.text("seasonStarts") ?? "07-01",
                          seasonEnds: r.text("seasonEnds") ?? "08-31")
    }

    public func validate(_ v: CheckValidation) {
        if columns.count != 1 || seasonColumn == nil { v.fail("type", "date_in_season needs one date column and season: (a column of \(v.table.name))") }
        v.column(seasonColumn, "season")
        for (k, day) in [("seasonStarts", seasonStarts), ("seasonEnds", seasonEnds)] where !CheckValidation.isMonthDay(day) {
            v.fail(k, "'\(day)' is not a day of the year (MM-DD, e.g. 07-01)")
        }
    }

    func makeState(_ context: CheckContext) -> CheckState { State(context, self) }

    final class State: CheckState {
        let spec: DateInSeasonCheck
        @exclusivity(unchecked) var seasonSlot = 0

        init(_ context: CheckContext, _ spec: DateInSeasonCheck) {
            self.spec = spec
            super.init(context)
        }

        override var columnsRead: [String] { config.columns + [spec.seasonColumn ?? ""] }

        override func bind(_ row: RowBinder) {
            super.bind(row)
            seasonSlot = row.slot(spec.seasonColumn ?? "")
        }

        override func check(_ row: RowBinder, _ place: RowPlace) throws(PaddockError) {
            guard !row.isNull(slots[0]), !row.isNull(seasonSlot) else { return }
            let d = row.text(slots[0]), season = row.text(seasonSlot)
            if !Self.inSeason(d, season: season, starts: spec.seasonStarts, ends: spec.seasonEnds) {
                try fail(place.failing([d, season]))
            }
        }

        /// Whether `date` falls in a `YYYY-YY` (or `YYYY`) season's window: `starts` (MM-DD) of its first
        /// year to `ends` (MM-DD) of the next. A season that cannot be read fails.
        static func inSeason(_ date: String, season: String, starts: String, ends: String) -> Bool {
            guard let year = Int(season.prefix(4)), Parsers.isoDate(String(date.prefix(10))) != nil else { return false }
            let from = "\(year)-\(starts)", to = "\(year + 1)-\(ends)"
            let d = String(date.prefix(10))
            return d >= from && d <= to
        }
    }
}
