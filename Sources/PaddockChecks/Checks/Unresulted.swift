public import PaddockCore

/// `unresulted`: no row whose start (date and time, plus a grace) has passed lacks a result in its group.
public struct UnresultedCheck: CheckKind, RunnableCheck {
    public static let type = "unresulted"
    public static let summary = "no row started (date:, time:, plus grace:) before --now without a result in its group's resultColumn:"
    public static let keys = GroupKeys.keys + [
        CheckKey("resultColumn", old: "result_column", "the group table's column that holds a result"),
        CheckKey("date", "the checked table's date column (default: date)"),
        CheckKey("time", "the checked table's time column (HH:MM[:SS], UTC)"),
        CheckKey("grace", "how long after the start a result may take (90m, 2h)"),
    ]

    public var group: GroupKeys
    public var resultColumn: String?
    public var dateColumn: String?
    public var timeColumn: String?
    public var grace: String?
    public var columns: [String] { group.columns }

    public static func read(_ r: CheckReading) -> any CheckSpec {
        UnresultedCheck(group: .read(r), resultColumn: r.text("resultColumn"), dateColumn: r.text("date"), timeColumn: r.text("time"),
                        grace: r.duration("grace"))
    }

    public func validate(_ v: CheckValidation) {
        group.validate(v, extra: [(resultColumn, "resultColumn")])
        if resultColumn == nil { v.fail("type", "unresulted needs resultColumn:") }
        v.column(dateColumn ?? "date", "date")
        v.column(timeColumn, "time")
    }

    func makeState(_ context: CheckContext) -> CheckState { State(context, self) }

    final class State: GroupState {
        let dateColumn: String
        let timeColumn: String?
        let grace: Int
        @exclusivity(unchecked) var dateSlot = 0
        @exclusivity(unchecked) var timeSlot: Int?

        init(_ context: CheckContext, _ spec: UnresultedCheck) {
            dateColumn = spec.dateColumn ?? "date"
            timeColumn = spec.timeColumn
            grace = spec.grace.flatMap(CheckConfig.seconds) ?? 0
            super.init(context, keys: spec.group, group: Collector(columns: spec.group.groupKey, isGroup: true, presentColumn: spec.resultColumn))
        }

        override var columnsRead: [String] { config.columns + [dateColumn] + [timeColumn].compactMap { $0 } }

        override func bind(_ row: RowBinder) {
            super.bind(row)
            dateSlot = row.slot(dateColumn)
            timeSlot = timeColumn.map(row.slot)
        }

        override func compared(_ row: RowBinder) -> [String] { [row.text(dateSlot), timeSlot.map(row.text) ?? ""] }

        // The start has passed (grace included) and no group row has a result.
        override func judge(_ values: [String], _ counts: (rows: Int32, matching: Int32, present: Int32)) -> [String]? {
            guard counts.present == 0, let start = CheckDates.start(date: values[0], time: values.count > 1 ? values[1] : nil) else { return nil }
            return start.seconds + grace < env.now.seconds ? values : nil
        }
    }
}
