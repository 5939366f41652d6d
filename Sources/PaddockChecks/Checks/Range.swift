public import PaddockCore

/// `range`: each value of the columns is a number within `min` and `max`.
public struct RangeCheck: CheckKind, RunnableCheck {
    public static let type = "range"
    public static let summary = "each value of the columns is a number from min to max (nulls are skipped)"
    public static let keys = CheckKey.columns + [CheckKey("min", "the smallest value allowed"), CheckKey("max", "the largest value allowed")]

    public var columns: [String]
    public var min: Double?
    public var max: Double?

    public static func read(_ r: CheckReading) -> any CheckSpec {
        RangeCheck(columns: r.columns(), min: r.number("min"), max: r.number("max"))
    }

    public func validate(_ v: CheckValidation) {
        if columns.isEmpty { v.fail("type", "range needs column: or columns:") }
        if min == nil && max == nil { v.fail("type", "range needs min:, max: or both") }
        if let min, let max, min > max { v.fail("min", "min (\(Parsers.format(min))) is above max (\(Parsers.format(max)))") }
    }

    func makeState(_ context: CheckContext) -> CheckState { State(context, self) }

    final class State: CheckState {
        let minimum: Double?
        let maximum: Double?

        init(_ context: CheckContext, _ spec: RangeCheck) {
            minimum = spec.min
            maximum = spec.max
            super.init(context)
        }

        override func check(_ row: RowBinder, _ place: RowPlace) throws(PaddockError) {
            for v in slots where !row.isNull(v) {
                guard let d = row.double(v) else { return try fail(place.failing(slots.map(row.text))) }
                if let min = minimum, d < min { return try fail(place.failing(slots.map(row.text))) }
                if let max = maximum, d > max { return try fail(place.failing(slots.map(row.text))) }
            }
        }
    }
}
