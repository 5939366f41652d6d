public import PaddockCore

/// `not_null`: every row has a value (not null, not empty) in each column.
public struct NotNullCheck: CheckKind, RunnableCheck {
    public static let type = "not_null"
    public static let summary = "every row has a value (not null and not empty) in each column"
    public static let keys = CheckKey.columns

    public var columns: [String]

    public static func read(_ r: CheckReading) -> any CheckSpec { NotNullCheck(columns: r.columns()) }

    public func validate(_ v: CheckValidation) {
        if columns.isEmpty { v.fail("type", "not_null needs column: or columns:") }
    }

    func makeState(_ context: CheckContext) -> CheckState { State(context) }

    final class State: CheckState {
        override func check(_ row: RowBinder, _ place: RowPlace) throws(PaddockError) {
            for v in slots where row.isBlank(v) {
                try fail(place.failing(slots.map(row.text)))
                return
            }
        }
    }
}
