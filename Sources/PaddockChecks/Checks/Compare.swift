public import PaddockCore

/// `compare`: two columns of a row, or a column and a constant, compare as `op` says.
public struct CompareCheck: CheckKind, RunnableCheck {
    public static let type = "compare"
    public static let summary = "the first column compares with the second (or with value:) as op: says, numerically when both are numbers"
    public static let keys = CheckKey.columns + [
        CheckKey("op", "one of != = < <= > >="),
        CheckKey("value", "a constant instead of the second column; now is --now as ISO 8601"),
    ]
    static let operators = ["!=", "=", "<", "<=", ">", ">="]

    public var columns: [String]
    public var op: String?
    public var value: String?

    public static func read(_ r: CheckReading) -> any CheckSpec { CompareCheck(columns: r.columns(), op: r.text("op"), value: r.text("value")) }

    public func validate(_ v: CheckValidation) {
        let opOK = Self.operators.contains(op ?? "")
        if columns.count != (value == nil ? 2 : 1) || !opOK {
            v.fail(op != nil && !opOK ? "op" : v.columnsKey, "compare needs two columns (or one and value:) and op: one of != = < <= > >=")
        }
    }

    func makeState(_ context: CheckContext) -> CheckState { State(context, self) }

    final class State: CheckState {
        let op: String
        let constant: String?

        init(_ context: CheckContext, _ spec: CompareCheck) {
            op = spec.op ?? "!="
            constant = spec.value.map { $0 == "now" ? context.env.now.iso8601 : $0 }
            super.init(context)
        }

        override func check(_ row: RowBinder, _ place: RowPlace) throws(PaddockError) {
            guard !row.isNull(slots[0]) else { return }
            let bad: Bool
            if let constant {
                bad = !Self.compare(row.text(slots[0]), constant, op)
            } else {
                guard !row.isNull(slots[1]) else { return }
                bad = !Self.compare(row.text(slots[0]), row.text(slots[1]), op)
            }
            if bad { try fail(place.failing(slots.map(row.text))) }
        }

        /// `a op b`, numerically when both are numbers, else as text.
        static func compare(_ a: String, _ b: String, _ op: String) -> Bool {
            if let x = Double(a), let y = Double(b) { return holds(x, y, op) }
            return holds(a, b, op)
        }

        static func holds<T: Comparable>(_ x: T, _ y: T, _ op: String) -> Bool {
            switch op {
            case "=": return x == y
            case "<": return x < y
            case "<=": return x <= y
            case ">": return x > y
            case ">=": return x >= y
            default: return x != y
            }
        }
    }
}
