public import PaddockCore

/// What the group checks (`group_count`, `group_exists`, `unresulted`) share: each row of the checked
/// table (a race) is a group key of another table (its runners), whose rows are counted per key.
///
/// Memory: a count per group key, and per checked row its line, key and the few values compared.
public struct GroupKeys: Sendable {
    /// The checked table's columns that make the key.
    public var columns: [String]
    /// The table whose rows are grouped, and its key columns (default: the same names).
    public var groupTable: String?
    public var groupKey: [String]

    static let keys = CheckKey.columns + [
        CheckKey("groupTable", old: "group_table", "the table whose rows are grouped"),
        CheckKey("groupKey", old: "group_key", "its key columns (default: the checked columns' names)"),
    ]

    static func read(_ r: CheckReading) -> GroupKeys {
        let columns = r.columns()
        let key = r.texts("groupKey") ?? []
        return GroupKeys(columns: columns, groupTable: r.text("groupTable"), groupKey: key.isEmpty ? columns : key)
    }

    /// Checks the group table and its columns, and `extra` columns of the group table (key, column).
    func validate(_ v: CheckValidation, extra: [(String?, String)]) {
        v.otherTable(groupTable, "groupTable", columns: groupKey.map { ($0, "groupKey") } + extra.compactMap { c, k in c.map { ($0, k) } })
        if groupKey.count != columns.count { v.fail("groupKey", "columns and groupKey differ in length") }
    }
}

/// The state the group checks share: the checked rows are kept until every table was read.
class GroupState: CheckState {
    let group: Collector
    let groupTable: String
    /// Per checked row: its group's hash, line, key, the values compared, its unit.
    @exclusivity(unchecked) var pending: [(hash: UInt64, line: Int, key: [String], values: [String], unit: String?)] = []

    init(_ context: CheckContext, keys: GroupKeys, group: Collector) {
        self.group = group
        groupTable = keys.groupTable ?? ""
        super.init(context)
    }

    override func collector() -> (table: String, Collector)? { (groupTable, group) }

    /// The values of the row kept for the end.
    func compared(_ row: RowBinder) -> [String] { [] }

    override func check(_ row: RowBinder, _ place: RowPlace) throws(PaddockError) {
        if let h = row.hash(slots) { pending.append((h, place.line, slots.map(row.text), compared(row), place.unit)) }
    }

    /// The failing values of a kept row whose group counted `counts`, or nil when it passes.
    func judge(_ values: [String], _ counts: (rows: Int32, matching: Int32, present: Int32)) -> [String]? { nil }

    override func finish() throws(PaddockError) {
        for row in pending {
            if let values = judge(row.values, group.counts[row.hash] ?? (0, 0, 0)) {
                try fail(FailingRow(line: row.line, key: row.key, values: values, unit: row.unit))
            }
        }
        pending = []
    }
}
