public import PaddockCore

/// `accepted_values`: each value of the columns is one of a list.
public struct AcceptedValuesCheck: CheckKind, RunnableCheck {
    public static let type = "accepted_values"
    public static let summary = "each value of the columns is one of values: (nulls are skipped)"
    public static let keys = CheckKey.columns + [CheckKey("values", "the values allowed")]

    public var columns: [String]
    public var values: [String]?

    public static func read(_ r: CheckReading) -> any CheckSpec { AcceptedValuesCheck(columns: r.columns(), values: r.texts("values")) }

    public func validate(_ v: CheckValidation) {
        if columns.isEmpty { v.fail("type", "accepted_values needs column: or columns:") }
        if values == nil { v.fail("type", "accepted_values needs values:") }
    }

    func makeState(_ context: CheckContext) -> CheckState { State(context, self) }

    final class State: CheckState {
        let allowed: [[UInt8]]

        init(_ context: CheckContext, _ spec: AcceptedValuesCheck) {
            allowed = (spec.values ?? []).map { Array($0.utf8) }
            super.init(context)
        }

        override func check(_ row: RowBinder, _ place: RowPlace) throws(PaddockError) {
            for v in slots where !row.isNull(v) {
                var ok = false
                for a in allowed where row.equals(v, a) { ok = true; break }
                if !ok { return try fail(place.failing(slots.map(row.text))) }
            }
        }
    }
}
