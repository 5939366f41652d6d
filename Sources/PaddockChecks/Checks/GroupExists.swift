public import PaddockCore

/// `group_exists`: a row's group has at least `min` rows matching `where` (a resulted race has a winner).
public struct GroupExistsCheck: CheckKind, RunnableCheck {
    public static let type = "group_exists"
    public static let summary = "a row's group in groupTable: has at least min: (default 1) rows matching where:"
    public static let keys = GroupKeys.keys + [
        CheckKey("where", "the group rows that count: {column: position, equals: \"1\"}"),
        CheckKey("ifAny", old: "if_any", "only groups with a row where this column has a value are checked (default: any group row)"),
        CheckKey("min", "the fewest matching rows (default 1)"),
    ]

    public var group: GroupKeys
    public var whereColumn: String?
    public var whereEquals: String?
    public var ifAny: String?
    public var min: Double?
    public var columns: [String] { group.columns }

    public static func read(_ r: CheckReading) -> any CheckSpec {
        let w = r.columnEquals("where")
        return GroupExistsCheck(group: .read(r), whereColumn: w?.column, whereEquals: w?.equals, ifAny: r.text("ifAny"), min: r.number("min"))
    }

    public func validate(_ v: CheckValidation) {
        group.validate(v, extra: [(whereColumn, "where"), (ifAny, "ifAny")])
        if whereColumn == nil { v.fail("type", "group_exists needs where:") }
    }

    func makeState(_ context: CheckContext) -> CheckState { State(context, self) }

    final class State: GroupState {
        let anyRow: Bool
        let least: Int

        init(_ context: CheckContext, _ spec: GroupExistsCheck) {
            anyRow = spec.ifAny == nil
            least = Int(spec.min ?? 1)
            super.init(context, keys: spec.group, group: Collector(columns: spec.group.groupKey, isGroup: true, whereColumn: spec.whereColumn,
                                                                    whereEquals: spec.whereEquals, presentColumn: spec.ifAny))
        }

        // Only groups with a result (a row with `ifAny` present) must have `min` matching rows.
        override func judge(_ values: [String], _ counts: (rows: Int32, matching: Int32, present: Int32)) -> [String]? {
            let eligible = anyRow ? counts.rows > 0 : counts.present > 0
            return eligible && Int(counts.matching) < least ? [String(counts.matching)] : nil
        }
    }
}
