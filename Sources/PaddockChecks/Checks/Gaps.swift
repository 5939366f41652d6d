public import PaddockCore

/// `gaps`: every day of a window has at least one row. Remembers one number per distinct day.
public struct GapsCheck: CheckKind, RunnableCheck {
    public static let type = "gaps"
    public static let summary = "every day from start: to end: (default: the first and last day in the date column) has a row"
    public static let keys = CheckKey.columns + [
        CheckKey("start", "the window's first day (YYYY-MM-DD)"),
        CheckKey("end", "the window's last day (YYYY-MM-DD)"),
        CheckKey("exceptDays", old: "except_days", "days of the year with no fixtures by design (MM-DD: 12-25)"),
    ]

    public var columns: [String]
    public var from: String?
    public var until: String?
    public var exceptDays: [String]

    public static func read(_ r: CheckReading) -> any CheckSpec {
        GapsCheck(columns: r.columns(), from: r.date("start"), until: r.date("end"), exceptDays: r.texts("exceptDays") ?? [])
    }

    public func validate(_ v: CheckValidation) {
        if columns.count != 1 { v.fail(v.columnsKey, "gaps needs one date column") }
        if let a = from, let b = until, a > b { v.fail("start", "the window starts (\(a)) after it ends (\(b))") }
        for day in exceptDays where !CheckValidation.isMonthDay(day) { v.fail("exceptDays", "'\(day)' is not a day of the year (MM-DD, e.g. 12-25)") }
    }

    func makeState(_ context: CheckContext) -> CheckState { State(context, self) }

    final class State: CheckState {
        let spec: GapsCheck
        /// The days seen (days since 1970-01-01).
        @exclusivity(unchecked) var days = Set<Int>()

        init(_ context: CheckContext, _ spec: GapsCheck) {
            self.spec = spec
            super.init(context)
        }

        override func check(_ row: RowBinder, _ place: RowPlace) throws(PaddockError) {
            if let v = slots.first, !row.isNull(v), let d = CheckDates.day(row.text(v)) { days.insert(d) }
        }

        // Every day of the window with no row fails.
        override func finish() throws(PaddockError) {
            guard let first = spec.from.flatMap(CheckDates.day) ?? days.min(), let last = spec.until.flatMap(CheckDates.day) ?? days.max(),
                  first <= last else { return }
            for d in first...last where !days.contains(d) {
                let text = CheckDates.dateText(d)
                if spec.exceptDays.contains(String(text.suffix(5))) { continue }
                try fail(FailingRow(line: 0, key: [text], values: []))
            }
            rows = last - first + 1
        }
    }
}
