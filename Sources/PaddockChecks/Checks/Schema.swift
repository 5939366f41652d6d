public import PaddockCore

/// `schema`: every row conforms to its table's Table Schema: types, constraints, and no undeclared column.
public struct SchemaCheck: CheckKind, RunnableCheck {
    public static let type = "schema"
    public static let summary = "every row conforms to the table's Table Schema: types, required, minimum/maximum, enum, length, pattern, no undeclared column"
    public static let keys: [CheckKey] = []

    public var columns: [String] { [] }

    public static func read(_ r: CheckReading) -> any CheckSpec { SchemaCheck() }

    public func validate(_ v: CheckValidation) {}

    func makeState(_ context: CheckContext) -> CheckState { State(context) }

    final class State: CheckState {
        /// Per field, what the row check needs, read once (no FieldConfig copy per row).
        let fields: [(name: String, type: FieldType, required: Bool, minimum: Double?, maximum: Double?, text: Bool)]
        let fieldIndex: [String: Int]
        let patterns: [Int: Regex<AnyRegexOutput>]

        override init(_ context: CheckContext) {
            var fields: [(name: String, type: FieldType, required: Bool, minimum: Double?, maximum: Double?, text: Bool)] = []
            var index: [String: Int] = [:]
            var patterns: [Int: Regex<AnyRegexOutput>] = [:]
            for (i, f) in context.table.fields.enumerated() {
                let c = f.constraints
                fields.append((f.name, f.type, c.required, c.minimum, c.maximum, c.enum != nil || c.minLength != nil || c.maxLength != nil || c.pattern != nil))
                index[f.name] = i
                if let p = c.pattern, let re = try? Regex(p) { patterns[i] = re }
            }
            self.fields = fields
            fieldIndex = index
            self.patterns = patterns
            super.init(context)
        }

        override var columnsRead: [String] { table.fields.map(\.name) }

        override func bind(_ row: RowBinder) { slots = table.fields.map { row.slot($0.name) } }

        override func check(_ row: RowBinder, _ place: RowPlace) throws(PaddockError) {
            let problems = self.problems(row)
            if !problems.isEmpty { try fail(place.failing(problems)) }
        }

        /// How a row breaks its table's Table Schema: `field: reason` for each problem, in the schema's
        /// field order, then the columns the schema does not declare (drift).
        func problems(_ row: RowBinder) -> [String] {
            var problems: [String] = []
            var declaredPresent = 0
            for i in 0..<slots.count {
                let slot = slots[i]
                let kind = row.kind(slot)
                if kind == RowBinder.absent { problems.append("\(fields[i].name): missing column"); continue }
                declaredPresent += 1
                if kind == RowBinder.null {
                    if fields[i].required { problems.append("\(fields[i].name): required") }
                    continue
                }
                let type = fields[i].type
                let isString = kind == RowBinder.plain || kind == RowBinder.escaped
                // The common cases first, with no String made.
                if type == .string && isString && !fields[i].text { continue }
                if (type == .integer || type == .number) && kind == RowBinder.number && fields[i].minimum == nil
                    && fields[i].maximum == nil && !fields[i].text {
                    if type == .number { continue }
                    if let b = row.rawBytes(slot), !b.contains(UInt8(ascii: ".")), !b.contains(where: { $0 | 0x20 == 0x65 }) { continue }
                }
                let f = table.fields[i]
                let name = f.name
                let c = f.constraints
                var number: Double?
                switch type {
                case .string: if !isString { problems.append("\(name): not a string") }
                case .integer, .year:
                    if kind == RowBinder.number, let b = row.rawBytes(slot), !b.contains(UInt8(ascii: ".")), !b.contains(where: { $0 | 0x20 == 0x65 }),
                       let d = row.double(slot) { number = d } else { problems.append("\(name): not an integer") }
                case .number:
                    if kind == RowBinder.number, let d = row.double(slot) { number = d } else { problems.append("\(name): not a number") }
                case .boolean: if kind != RowBinder.literalTrue && kind != RowBinder.literalFalse { problems.append("\(name): not a boolean") }
                case .date: if !isString || Parsers.isoDate(row.text(slot)) == nil { problems.append("\(name): not a date") }
                case .time: if !isString || Parsers.time(row.text(slot)) != row.text(slot) { problems.append("\(name): not a time (HH:MM:SS)") }
                case .datetime: if !isString || Timestamp(parsing: row.text(slot))?.iso8601 != row.text(slot) { problems.append("\(name): not a UTC datetime") }
                case .duration: if !isString || !Parsers.isDuration(row.text(slot)) { problems.append("\(name): not a duration") }
                case .object: if kind != RowBinder.container || row.node(slot)?.kind != .object { problems.append("\(name): not an object") }
                case .array: if kind != RowBinder.container || row.node(slot)?.kind != .array { problems.append("\(name): not an array") }
                }
                if let n = number {
                    if let m = c.minimum, n < m { problems.append("\(name): below \(Parsers.format(m))") }
                    if let m = c.maximum, n > m { problems.append("\(name): above \(Parsers.format(m))") }
                }
                if fields[i].text {
                    let text = row.text(slot)
                    if let e = c.enum, !e.contains(text) { problems.append("\(name): not in enum") }
                    if let m = c.minLength, text.count < m { problems.append("\(name): shorter than \(m)") }
                    if let m = c.maxLength, text.count > m { problems.append("\(name): longer than \(m)") }
                    if let re = patterns[i], (try? re.wholeMatch(in: text)) == nil { problems.append("\(name): does not match the pattern") }
                }
            }
            if row.memberCount > declaredPresent {
                // Undeclared columns (or a declared one written twice): name them, the slow way.
                var seen = Set<String>()
                row.document()?.root.forEachMember { k, _ in
                    guard let name = k.string else { return }
                    if fieldIndex[name] == nil || !seen.insert(name).inserted { problems.append("\(name): not in the schema") }
                }
            }
            return problems
        }
    }
}
