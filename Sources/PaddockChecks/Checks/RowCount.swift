public import PaddockCore

/// `row_count`: the table has from `min` to `max` rows.
public struct RowCountCheck: CheckKind, RunnableCheck {
    public static let type = "row_count"
    public static let summary = "the table (its rows that only: keeps) has from min to max rows"
    public static let keys = [CheckKey("min", "the fewest rows allowed"), CheckKey("max", "the most rows allowed")]

    public var columns: [String] { [] }
    public var min: Double?
    public var max: Double?

    public static func read(_ r: CheckReading) -> any CheckSpec { RowCountCheck(min: r.number("min"), max: r.number("max")) }

    public func validate(_ v: CheckValidation) {
        if let min, let max, min > max { v.fail("min", "min (\(Parsers.format(min))) is above max (\(Parsers.format(max)))") }
    }

    func makeState(_ context: CheckContext) -> CheckState { State(context, self) }

    final class State: CheckState {
        let spec: RowCountCheck

        init(_ context: CheckContext, _ spec: RowCountCheck) {
            self.spec = spec
            super.init(context)
        }

        override func result() -> CheckResult {
            let low = spec.min.map { Double(rows) < $0 } ?? false
            let high = spec.max.map { Double(rows) > $0 } ?? false
            let ok = !low && !high
            func count(_ n: String) -> String { n == "1" ? "1 row" : "\(n) rows" }
            let thr: String
            switch (spec.min.map(Parsers.format), spec.max.map(Parsers.format)) {
            case let (min?, max?): thr = min == max ? "exactly \(count(min))" : "between \(min) and \(count(max))"
            case let (min?, nil): thr = "at least \(count(min))"
            case let (nil, max?): thr = "at most \(count(max))"
            case (nil, nil): thr = "any number of rows"
            }
            return CheckResult(config: config, status: ok ? .pass : failStatus, observed: rows, rowsChecked: rows,
                               failingCount: ok ? 0 : 1, threshold: thr, samples: [],
                               message: ok ? nil : "\(count(String(rows))), expected \(thr)")
        }
    }
}
