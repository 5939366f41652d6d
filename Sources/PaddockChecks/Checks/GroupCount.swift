public import PaddockCore

/// `group_count`: a row's count column equals the number of rows of its group in another table (a race's
/// `ran` and its runners).
public struct GroupCountCheck: CheckKind, RunnableCheck {
    public static let type = "group_count"
    public static let summary = "a row's compare: column equals the number of its group's rows in groupTable: (those matching where:)"
    public static let keys = GroupKeys.keys + [
        CheckKey("compare", "the column holding the expected number of group rows"),
        CheckKey("where", "only the group rows whose column equals a value count: {column: side, equals: home}"),
    ]

    public var group: GroupKeys
    public var compareColumn: String?
    public var whereColumn: String?
    public var whereEquals: String?
    public var columns: [String] { group.columns }

    public static func read(_ r: CheckReading) -> any CheckSpec {
        let w = r.columnEquals("where")
        return GroupCountCheck(group: .read(r), compareColumn: r.text("compare"), whereColumn: w?.column, whereEquals: w?.equals)
    }

    public func validate(_ v: CheckValidation) {
        group.validate(v, extra: [(whereColumn, "where")])
        v.column(compareColumn, "compare")
        if compareColumn == nil { v.fail("type", "group_count needs compare:") }
    }

    func makeState(_ context: CheckContext) -> CheckState { State(context, self) }

    final class State: GroupState {
        let compareColumn: String
        let counted: Bool
        @exclusivity(unchecked) var compareSlot = 0

        init(_ context: CheckContext, _ spec: GroupCountCheck) {
            compareColumn = spec.compareColumn ?? ""
            counted = spec.whereColumn != nil
            super.init(context, keys: spec.group, group: Collector(columns: spec.group.groupKey, isGroup: true,
                                                                    whereColumn: spec.whereColumn, whereEquals: spec.whereEquals))
        }

        override var columnsRead: [String] { config.columns + [compareColumn] }

        override func bind(_ row: RowBinder) {
            super.bind(row)
            compareSlot = row.slot(compareColumn)
        }

        override func compared(_ row: RowBinder) -> [String] { [row.text(compareSlot)] }

        // With `where:`, only the group rows that match it are counted (goals of one side).
        override func judge(_ values: [String], _ counts: (rows: Int32, matching: Int32, present: Int32)) -> [String]? {
            let n = counted ? counts.matching : counts.rows
            return Int(values[0]) == Int(n) ? nil : values + [String(n)]
        }
    }
}
