public import PaddockCore

/// The outcome of one check.
public struct CheckResult: Sendable {
    public enum Status: String, Sendable { case pass, warn, fail, error }
    public var config: CheckConfig
    public var status: Status
    /// What was measured: failing rows for row checks, the row count for row_count, the age in seconds of
    /// the newest value for freshness.
    public var observed: Int
    public var rowsChecked: Int
    public var failingCount: Int
    /// A description of the threshold (`error_if > 0`, `between 300 and 400 rows`).
    public var threshold: String
    /// Up to `maxSamples` failing rows: key values, line in the table file, and the value(s).
    public var samples: [FailingRow]
    public var message: String?
}

public struct FailingRow: Sendable {
    /// The line in the derived table (0 for what is not a row: a missing day, a drifted share).
    public var line: Int
    public var key: [String]
    public var values: [String]
    /// The raw unit the row came from (the table's `source_unit`), when it has one.
    public var unit: String? = nil
}

/// Where a check's run finds what lies outside the checked tables, and its clock.
public struct CheckEnvironment: Sendable {
    /// The reference time of `freshness` and `unresulted`.
    public var now: Timestamp
    /// `data/processed/<pipeline>`, where `drift` finds the last published snapshot.
    public var processedDir: String?
    /// `data/index/<pipeline>`, where `freshness` with `of: extraction` finds the extraction ledger.
    public var indexDir: String?
}

/// Runs a pipeline's checks on its derived tables, one streaming pass per table.
///
/// Each check type is one file under `Checks/`, registered in `CheckRegistry`; this runner only reads the
/// tables, in an order where referenced tables come first, and hands each row to the checks of its
/// table and to what other tables' checks collect from it.
///
/// Memory: `unique` and `relationships` remember a 64-bit hash per distinct key (of the checked table, of
/// the referenced table); the group checks (`group_count`, `group_exists`, `unresulted`) a count per group
/// key and, per row of the checked table (races, not runners), its line, key and the few values they
/// compare; `gaps` a day number per distinct day; `drift` up to 1,000 distinct values per column; every
/// other check keeps counters and up to `maxSamples` failing rows.
public struct CheckRunner {
    public let config: PipelineConfig
    public var maxSamples = 20
    /// The reference time of `freshness` and `unresulted`.
    public var now = Timestamp.now()
    /// Where every failing row goes (NDJSON), when set.
    public var failures: OutputBuffer?
    /// `data/processed/<pipeline>`, where `drift` finds the last published snapshot.
    public var processedDir: String?
    /// `data/index/<pipeline>`, where `freshness` with `of: extraction` finds the extraction ledger.
    public var indexDir: String?

    public init(config: PipelineConfig) { self.config = config }

    /// Runs every check (optionally only those of `tables`) over `<derivedDir>/<table>.ndjson`.
    public func run(derivedDir: String, tables: Set<String>? = nil) throws(PaddockError) -> [CheckResult] {
        let env = CheckEnvironment(now: now, processedDir: processedDir, indexDir: indexDir)
        let sink = FailureSink(maxSamples: maxSamples, failures: failures)
        var states: [CheckState] = []
        for c in config.checks where tables?.contains(c.table) ?? true {
            guard let spec = c.spec as? any RunnableCheck else {
                throw PaddockError(.config, "check \(c.name): type \(c.type) cannot run here")
            }
            states.append(spec.makeState(CheckContext(config: c, table: try config.table(c.table), sink: sink, env: env)))
        }
        // What other tables must collect: referenced keys, group counts.
        var collectors: [String: [Collector]] = [:]
        for s in states { if let (table, c) = s.collector() { collectors[table, default: []].append(c) } }
        // Referenced tables are read before the tables that refer to them.
        var order: [String] = []
        var remaining = config.tables.map(\.name).filter { name in states.contains { $0.config.table == name } || collectors[name] != nil }
        while !remaining.isEmpty {
            guard let next = remaining.first(where: { name in
                !states.contains { $0.config.table == name && $0.readsFirst.map { remaining.contains($0) && $0 != name } == true }
            }) else {
                throw PaddockError(.config, "relationships checks refer to each other in a cycle: \(remaining.joined(separator: ", "))")
            }
            order.append(next)
            remaining.removeAll { $0 == next }
        }
        for name in order {
            try runTable(try config.table(name), states: states.filter { $0.config.table == name }, collectors: collectors[name] ?? [],
                         path: "\(derivedDir)/\(name).ndjson")
        }
        for s in states { try s.finish() }
        return states.map { $0.result() }
    }

    func runTable(_ table: TableConfig, states: [CheckState], collectors: [Collector], path: String) throws(PaddockError) {
        guard FileSystem.exists(path) else {
            throw PaddockError(.io, "table \(table.name) has no derived file", at: SourceLocation(file: path),
                               hint: "run normalize --pipeline \(config.pipeline) --table \(table.name) first")
        }
        // Every column any check or collector reads gets a slot, located once per row.
        let hasUnit = table.fields.contains { $0.name == "source_unit" }
        var needed = table.primaryKey + (hasUnit ? ["source_unit"] : [])
        for s in states { needed += s.columnsRead + [s.config.onlyColumn].compactMap { $0 } }
        for c in collectors { needed += c.columns + [c.whereColumn, c.presentColumn].compactMap { $0 } }
        let row = RowBinder(columns: needed)
        let place = RowPlace(row: row, key: table.primaryKey.map(row.slot), unit: hasUnit ? row.slot("source_unit") : nil)
        for s in states { s.bind(row) }
        let onlySlots = states.map { $0.config.onlyColumn.map(row.slot) }
        let onlyBytes = states.map { Array(($0.config.onlyEquals ?? "").utf8) }
        for c in collectors { c.bind(row) }

        try TapeReader.forEach(path) { (base: UnsafeRawPointer, length: Int, tokens: UnsafeBufferPointer<JSONToken>, lineNumber: Int) throws(PaddockError) in
            row.bind(base: base, count: length, tokens: tokens)
            place.line = lineNumber
            for c in collectors { c.collect(row) }
            for k in 0..<states.count {
                // `only:` keeps the rows this check is about (finished events, say).
                if let o = onlySlots[k], row.isNull(o) || !row.equals(o, onlyBytes[k]) { continue }
                let s = states[k]
                s.rows += 1
                try s.check(row, place)
            }
        }
    }
}

/// Where failing rows go: the first `maxSamples` of each check into its result, every one to `failures`.
final class FailureSink {
    let maxSamples: Int
    let failures: OutputBuffer?

    init(maxSamples: Int, failures: OutputBuffer?) {
        self.maxSamples = maxSamples
        self.failures = failures
    }

    func fail(_ s: CheckState, _ row: FailingRow) throws(PaddockError) {
        s.failing += 1
        if s.samples.count < maxSamples { s.samples.append(row) }
        guard let failures else { return }
        var w = failures
        w.appendStatic("{\"check\":"); JSONWriter.appendString(s.config.name, to: &w)
        w.appendStatic(",\"table\":"); JSONWriter.appendString(s.config.table, to: &w)
        w.appendString(",\"line\":\(row.line),\"key\":[")
        for (j, v) in row.key.enumerated() { if j > 0 { w.appendByte(UInt8(ascii: ",")) }; JSONWriter.appendString(v, to: &w) }
        w.appendStatic("],\"values\":[")
        for (j, v) in row.values.enumerated() { if j > 0 { w.appendByte(UInt8(ascii: ",")) }; JSONWriter.appendString(v, to: &w) }
        w.appendStatic("]")
        if let u = row.unit { w.appendStatic(",\"unit\":"); JSONWriter.appendString(u, to: &w) }
        w.appendStatic("}\n")
        try failures.recordEnded()
    }
}

/// The row being checked: where it is, and its key and unit for a failing-row entry.
final class RowPlace {
    let row: RowBinder
    let keySlots: [Int]
    let unitSlot: Int?
    @exclusivity(unchecked) var line = 0

    init(row: RowBinder, key: [Int], unit: Int?) {
        self.row = row
        keySlots = key
        unitSlot = unit
    }

    var key: [String] { keySlots.map(row.text) }
    var unit: String? { unitSlot.flatMap { row.isBlank($0) ? nil : row.text($0) } }

    /// The failing-row entry of this row, with `values`.
    func failing(_ values: [String]) -> FailingRow { FailingRow(line: line, key: key, values: values, unit: unit) }
}

/// What another table's pass collects for a check: its key set (relationships) or its group counts.
final class Collector {
    let columns: [String]
    @exclusivity(unchecked) var keys = Set<UInt64>()
    /// Per group key: rows, rows matching `where`, rows with the `ifAny` / result column present.
    @exclusivity(unchecked) var counts: [UInt64: (rows: Int32, matching: Int32, present: Int32)] = [:]
    let whereColumn: String?
    let whereEquals: [UInt8]
    let presentColumn: String?
    let isGroup: Bool
    @exclusivity(unchecked) var slots: [Int] = []
    @exclusivity(unchecked) var whereSlot: Int?
    @exclusivity(unchecked) var presentSlot: Int?

    init(columns: [String], isGroup: Bool, whereColumn: String? = nil, whereEquals: String? = nil, presentColumn: String? = nil) {
        self.columns = columns
        self.isGroup = isGroup
        self.whereColumn = whereColumn
        self.whereEquals = Array((whereEquals ?? "").utf8)
        self.presentColumn = presentColumn
    }

    func bind(_ row: RowBinder) {
        slots = columns.map(row.slot)
        whereSlot = whereColumn.map(row.slot)
        presentSlot = presentColumn.map(row.slot)
    }

    func collect(_ row: RowBinder) {
        guard let h = row.hash(slots) else { return }
        guard isGroup else {
            keys.insert(h)
            return
        }
        var e = counts[h] ?? (0, 0, 0)
        e.rows += 1
        if let w = whereSlot, !row.isNull(w), row.equals(w, whereEquals) { e.matching += 1 }
        if let p = presentSlot, !row.isBlank(p) { e.present += 1 }
        counts[h] = e
    }
}
