public import PaddockCore

/// `unique`: no two rows share the values of the columns. Remembers a 64-bit hash per distinct key.
public struct UniqueCheck: CheckKind, RunnableCheck {
    public static let type = "unique"
    public static let summary = "no two rows share the values of the columns (rows with a null in them are skipped)"
    public static let keys = CheckKey.columns

    public var columns: [String]

    public static func read(_ r: CheckReading) -> any CheckSpec { UniqueCheck(columns: r.columns()) }

    public func validate(_ v: CheckValidation) {
        if columns.isEmpty { v.fail("type", "unique needs column: or columns:") }
    }

    func makeState(_ context: CheckContext) -> CheckState { State(context) }

    final class State: CheckState {
        @exclusivity(unchecked) var seen = Set<UInt64>()

        override func check(_ row: RowBinder, _ place: RowPlace) throws(PaddockError) {
            if let h = row.hash(slots), !seen.insert(h).inserted { try fail(place.failing(slots.map(row.text))) }
        }
    }
}
