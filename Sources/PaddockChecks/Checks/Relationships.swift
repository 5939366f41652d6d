public import PaddockCore

/// `relationships`: the columns' values exist as a key of another table. Remembers a 64-bit hash per
/// distinct key of the referenced table.
public struct RelationshipsCheck: CheckKind, RunnableCheck {
    public static let type = "relationships"
    public static let summary = "the columns' values exist in the columns (field: or fields:) of table to:"
    public static let keys = CheckKey.columns + [
        CheckKey("to", "the referenced table"),
        CheckKey("field", "the referenced column (default: the same name)"),
        CheckKey("fields", "the referenced columns (default: the same names)"),
    ]

    public var columns: [String]
    public var to: String?
    public var toColumns: [String]

    public static func read(_ r: CheckReading) -> any CheckSpec {
        let columns = r.columns()
        let fields = r.oneOrMany("field", "fields")
        return RelationshipsCheck(columns: columns, to: r.text("to"), toColumns: fields.isEmpty ? columns : fields)
    }

    public func validate(_ v: CheckValidation) {
        let key = v.isWritten("field") ? "field" : "fields"
        v.otherTable(to, "to", columns: toColumns.map { ($0, key) })
        if toColumns.count != columns.count { v.fail(v.columnsKey, "columns and fields differ in length") }
    }

    func makeState(_ context: CheckContext) -> CheckState { State(context, self) }

    final class State: CheckState {
        let to: String
        let referenced: Collector

        init(_ context: CheckContext, _ spec: RelationshipsCheck) {
            to = spec.to ?? ""
            referenced = Collector(columns: spec.toColumns, isGroup: false)
            super.init(context)
        }

        override var readsFirst: String? { to }

        override func collector() -> (table: String, Collector)? { (to, referenced) }

        // A self-referencing relationship (parent ids) sees the keys of the rows before it: its table is
        // collected in the same pass.
        override func check(_ row: RowBinder, _ place: RowPlace) throws(PaddockError) {
            if let h = row.hash(slots), !referenced.keys.contains(h) { try fail(place.failing(slots.map(row.text))) }
        }
    }
}
