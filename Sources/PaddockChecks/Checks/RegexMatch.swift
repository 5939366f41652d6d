public import PaddockCore

/// `regex`: each value of the columns matches a pattern as a whole.
public struct RegexCheck: CheckKind, RunnableCheck {
    public static let type = "regex"
    public static let summary = "each value of the columns matches pattern: as a whole (nulls are skipped)"
    public static let keys = CheckKey.columns + [CheckKey("pattern", "the regular expression")]

    public var columns: [String]
    /// Compiled when the pipeline loads (a bad one is refused there).
    public var pattern: String?

    public static func read(_ r: CheckReading) -> any CheckSpec { RegexCheck(columns: r.columns(), pattern: r.regex("pattern")) }

    public func validate(_ v: CheckValidation) {
        if pattern == nil { v.fail("type", "regex needs pattern:") }
    }

    func makeState(_ context: CheckContext) -> CheckState { State(context, self) }

    final class State: CheckState {
        let regex: Regex<AnyRegexOutput>?

        init(_ context: CheckContext, _ spec: RegexCheck) {
            regex = spec.pattern.flatMap { try? Regex($0) }
            super.init(context)
        }

        override func check(_ row: RowBinder, _ place: RowPlace) throws(PaddockError) {
            guard let regex else { return }
            for v in slots where !row.isNull(v) {
                if (try? regex.wholeMatch(in: row.text(v))) == nil { return try fail(place.failing(slots.map(row.text))) }
            }
        }
    }
}
