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

/// Runs a pipeline's checks on its derived tables, one streaming pass per table.
///
/// Memory: `unique` and `relationships` remember a 64-bit hash per distinct key (of the checked table, of
/// the referenced table); the group checks (`group_count`, `group_exists`, `unresulted`) a count per group
/// key and, per row of the checked table (races, not runners), its line, key and the few values they
/// compare; every other check keeps counters and up to `maxSamples` failing rows.
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
    /// Distinct values per column that `drift` counts; a column with more is compared on its null rate only.
    public static let driftCategoryLimit = 1000

    public init(config: PipelineConfig) { self.config = config }

    final class State {
        let config: CheckConfig
        let type: CheckType
        let table: TableConfig
        // Read on every row: kept as plain stored values (reading `config` copies a struct of Strings).
        @exclusivity(unchecked) var slots: [Int] = []
        @exclusivity(unchecked) var minimum: Double?
        @exclusivity(unchecked) var maximum: Double?
        @exclusivity(unchecked) var allowed: [[UInt8]] = []
        @exclusivity(unchecked) var refKeys: Collector?
        @exclusivity(unchecked) var failing = 0
        @exclusivity(unchecked) var rows = 0
        @exclusivity(unchecked) var samples: [FailingRow] = []
        @exclusivity(unchecked) var seen = Set<UInt64>()
        @exclusivity(unchecked) var regex: Regex<AnyRegexOutput>?
        @exclusivity(unchecked) var errorIf: Threshold?
        @exclusivity(unchecked) var warnIf: Threshold?
        // freshness
        @exclusivity(unchecked) var newest: String?
        // gaps: the days seen (days since 1970-01-01)
        @exclusivity(unchecked) var days = Set<Int>()
        // schema: the table's fields by name
        @exclusivity(unchecked) var fieldIndex: [String: Int] = [:]
        @exclusivity(unchecked) var schemaPatterns: [Int: Regex<AnyRegexOutput>] = [:]
        /// schema: per field, what the row check needs, read once (no FieldConfig copy per row).
        @exclusivity(unchecked) var schemaFields: [(name: String, type: FieldType, required: Bool, minimum: Double?, maximum: Double?, text: Bool)] = []
        // drift: per column, nulls and value counts (nil once a column has too many distinct values)
        @exclusivity(unchecked) var nulls: [Int] = []
        @exclusivity(unchecked) var counts: [[String: Int]?] = []
        @exclusivity(unchecked) var driftNote: String?
        // group checks: the checked table's rows, kept for the end
        @exclusivity(unchecked) var pending: [(hash: UInt64, line: Int, key: [String], values: [String], unit: String?)] = []
        init(_ c: CheckConfig, table: TableConfig) {
            config = c
            type = c.type
            self.table = table
        }
    }

    /// What a table's pass collects for other tables' checks: key sets (relationships) and group counts.
    final class Collector {
        let columns: [String]
        @exclusivity(unchecked) var keys = Set<UInt64>()
        /// Per group key: rows, rows matching `where`, rows with the `if_any` / result column present.
        @exclusivity(unchecked) var counts: [UInt64: (rows: Int32, matching: Int32, present: Int32)] = [:]
        let whereColumn: String?
        let whereEquals: String?
        let presentColumn: String?
        let isGroup: Bool
        init(columns: [String], isGroup: Bool, whereColumn: String? = nil, whereEquals: String? = nil, presentColumn: String? = nil) {
            self.columns = columns
            self.isGroup = isGroup
            self.whereColumn = whereColumn
            self.whereEquals = whereEquals
            self.presentColumn = presentColumn
        }
    }

    /// Runs every check (optionally only those of `tables`) over `<derivedDir>/<table>.ndjson`.
    public func run(derivedDir: String, tables: Set<String>? = nil) throws(PaddockError) -> [CheckResult] {
        let checks = config.checks.filter { tables?.contains($0.table) ?? true }
        var states: [State] = []
        for c in checks {
            let s = State(c, table: try config.table(c.table))
            if let p = c.pattern {
                guard let re = try? Regex(p) else { throw PaddockError(.config, "check \(c.name): invalid pattern '\(p)'") }
                s.regex = re
            }
            if let t = c.errorIf {
                guard let th = Threshold(t) else { throw PaddockError(.config, "check \(c.name): invalid error_if '\(t)'", hint: "e.g. '> 0', '>= 10', '> 1%'") }
                s.errorIf = th
            }
            if let t = c.warnIf {
                guard let th = Threshold(t) else { throw PaddockError(.config, "check \(c.name): invalid warn_if '\(t)'", hint: "e.g. '> 0', '>= 10', '> 1%'") }
                s.warnIf = th
            }
            if s.errorIf == nil && s.warnIf == nil {
                if c.severity == .warn { s.warnIf = Threshold("> 0") } else { s.errorIf = Threshold("> 0") }
            }
            if s.type == .drift {
                // Category columns first, then the null-rate-only ones (no counts kept).
                s.nulls = Array(repeating: 0, count: c.columns.count + c.nullRateColumns.count)
                s.counts = Array(repeating: [:], count: c.columns.count) + Array(repeating: nil, count: c.nullRateColumns.count)
            }
            if s.type == .schema {
                for (i, f) in s.table.fields.enumerated() {
                    let c = f.constraints
                    s.schemaFields.append((f.name, f.type, c.required, c.minimum, c.maximum,
                                           c.enum != nil || c.minLength != nil || c.maxLength != nil || c.pattern != nil))
                    s.fieldIndex[f.name] = i
                    if let p = f.constraints.pattern, let re = try? Regex(p) { s.schemaPatterns[i] = re }
                }
            }
            states.append(s)
        }
        // What other tables must collect: referenced keys, group counts.
        var collectors: [String: [(check: String, collector: Collector)]] = [:]
        for s in states {
            let c = s.config
            switch s.type {
            case .relationships:
                collectors[c.to!, default: []].append((c.name, Collector(columns: c.toColumns, isGroup: false)))
            case .group_count, .group_exists, .unresulted:
                collectors[c.groupTable!, default: []].append((c.name, Collector(
                    columns: c.groupKey, isGroup: true, whereColumn: c.whereColumn, whereEquals: c.whereEquals,
                    presentColumn: s.type == .unresulted ? c.resultColumn : c.ifAny)))
            default:
                break
            }
        }
        // Referenced tables are read before the tables that refer to them.
        var order: [String] = []
        var remaining = config.tables.map(\.name).filter { name in states.contains { $0.config.table == name } || collectors[name] != nil }
        while !remaining.isEmpty {
            guard let next = remaining.first(where: { name in
                !states.contains { $0.config.table == name && $0.type == .relationships && remaining.contains($0.config.to!) && $0.config.to! != name }
            }) else {
                throw PaddockError(.config, "relationships checks refer to each other in a cycle: \(remaining.joined(separator: ", "))")
            }
            order.append(next)
            remaining.removeAll { $0 == next }
        }
        for name in order {
            let table = try config.table(name)
            let own = states.filter { $0.config.table == name }
            let mine = (collectors[name] ?? []).map(\.collector)
            // A self-referencing relationship (parent ids) needs the keys first: collected in the same pass
            // is not enough, so such a check sees the keys of the rows before it; none are declared here.
            try runTable(table, states: own, collectors: mine, referenced: { check in
                collectors[check.config.to!]?.first { $0.check == check.config.name }?.collector
            }, path: "\(derivedDir)/\(name).ndjson")
        }
        // Freshness of the raw extraction: the newest fetched_at of the ledger.
        for s in states where s.type == .freshness && s.config.of == "extraction" {
            let ledger = "\(indexDir ?? "")/ledger.ndjson"
            guard indexDir != nil, FileSystem.exists(ledger) else { continue }
            try forEachNDJSONRecord(ledger) { (entry: JSONNode, _: Int) throws(PaddockError) in
                if let t = entry["fetched_at"]?.string, s.newest == nil || t > s.newest! { s.newest = t }
            }
        }
        // Drift: null rates and category shares against the last published snapshot.
        for s in states where s.type == .drift { try compareWithSnapshot(s) }
        // Gaps: every day of the window with no row.
        for s in states where s.type == .gaps {
            guard let first = s.config.from.flatMap(Self.day) ?? s.days.min(), let last = s.config.until.flatMap(Self.day) ?? s.days.max(), first <= last else { continue }
            for d in first...last where !s.days.contains(d) {
                let text = Self.dateText(d)
                if s.config.exceptDays.contains(String(text.suffix(5))) { continue }
                try fail(s, FailingRow(line: 0, key: [text], values: []))
            }
            s.rows = last - first + 1
        }
        // Group checks: compare the kept rows with the group counts.
        for s in states where [.group_count, .group_exists, .unresulted].contains(s.type) {
            let counts = collectors[s.config.groupTable!]!.first { $0.check == s.config.name }!.collector.counts
            for row in s.pending {
                let g = counts[row.hash] ?? (0, 0, 0)
                var bad = false
                switch s.type {
                case .group_count:
                    // With `where:`, only the group rows that match it are counted (goals of one side).
                    bad = Int(row.values[0]) != Int(s.config.whereColumn == nil ? g.rows : g.matching)
                case .group_exists:
                    // Only groups with a result (any row with `if_any` present) must have `min` matching rows.
                    let eligible = s.config.ifAny == nil ? g.rows > 0 : g.present > 0
                    bad = eligible && Int(g.matching) < Int(s.config.min ?? 1)
                default:  // unresulted: the start has passed (grace included) and no group row has a result
                    if g.present == 0, let start = Self.start(date: row.values[0], time: row.values.count > 1 ? row.values[1] : nil) {
                        bad = start.seconds + (s.config.graceSeconds ?? 0) < now.seconds
                    }
                }
                if bad {
                    var values = row.values
                    if s.type == .group_count { values.append(String(s.config.whereColumn == nil ? g.rows : g.matching)) }
                    if s.type == .group_exists { values = [String(g.matching)] }
                    try fail(s, FailingRow(line: row.line, key: row.key, values: values, unit: row.unit))
                }
            }
            s.pending = []
        }
        return states.map(result)
    }

    /// `YYYY-MM-DD` and an optional `HH:MM[:SS]`, read as UTC.
    static func start(date: String, time: String?) -> Timestamp? {
        if let time, !time.isEmpty { return Timestamp(parsing: "\(date)T\(time.count == 5 ? time + ":00" : time)Z") }
        return Timestamp(parsing: "\(date)T00:00:00Z")
    }

    private func fail(_ s: State, _ row: FailingRow) throws(PaddockError) {
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

    func runTable(_ table: TableConfig, states: [State], collectors: [Collector], referenced: (State) -> Collector?,
                  path: String) throws(PaddockError) {
        guard FileSystem.exists(path) else {
            throw PaddockError(.io, "table \(table.name) has no derived file", at: SourceLocation(file: path),
                               hint: "run normalize --pipeline \(config.pipeline) --table \(table.name) first")
        }
        // Every column any check or collector reads gets a slot, located once per row.
        var needed = table.primaryKey + (table.fields.contains { $0.name == "source_unit" } ? ["source_unit"] : [])
        for st in states {
            let c = st.config
            needed += c.columns + c.nullRateColumns + [c.seasonColumn, c.compareColumn, c.dateColumn ?? "date", c.timeColumn, c.onlyColumn].compactMap { $0 }
            if st.type == .schema { needed += st.table.fields.map(\.name) }
        }
        for c in collectors { needed += c.columns + [c.whereColumn, c.presentColumn].compactMap { $0 } }
        let row = RowBinder(columns: needed)
        let pk = table.primaryKey.map(row.slot)
        let stateSlots = states.map { $0.config.columns.map(row.slot) }
        let nullRateSlots = states.map { $0.config.nullRateColumns.map(row.slot) }
        let seasonSlots = states.map { $0.config.seasonColumn.map(row.slot) }
        let compareSlots = states.map { $0.config.compareColumn.map(row.slot) }
        let dateSlots = states.map { $0.type == .unresulted ? row.slot($0.config.dateColumn ?? "date") : -1 }
        let timeSlots = states.map { $0.config.timeColumn.map(row.slot) }
        let onlySlots = states.map { $0.config.onlyColumn.map(row.slot) }
        let onlyBytes = states.map { Array(($0.config.onlyEquals ?? "").utf8) }
        let compareConstants: [String?] = states.map { s in s.config.compareValue.map { $0 == "now" ? now.iso8601 : $0 } }
        let allowed = states.map { ($0.config.values ?? []).map { Array($0.utf8) } }
        let schemaSlots = states.map { $0.type == .schema ? $0.table.fields.map { row.slot($0.name) } : [] }
        let collectorSlots = collectors.map { $0.columns.map(row.slot) }
        let whereSlots = collectors.map { $0.whereColumn.map(row.slot) }
        let whereBytes = collectors.map { Array(($0.whereEquals ?? "").utf8) }
        let presentSlots = collectors.map { $0.presentColumn.map(row.slot) }
        for (k, st) in states.enumerated() {
            st.slots = stateSlots[k]
            st.minimum = st.config.min
            st.maximum = st.config.max
            st.allowed = allowed[k]
            st.refKeys = st.type == .relationships ? referenced(st) : nil
        }
        func key() -> [String] { pk.map(row.text) }
        let unitSlot = table.fields.contains { $0.name == "source_unit" } ? row.slot("source_unit") : nil
        func unit() -> String? { unitSlot.flatMap { row.isBlank($0) ? nil : row.text($0) } }

        try TapeReader.forEach(path) { (base: UnsafeRawPointer, length: Int, tokens: UnsafeBufferPointer<JSONToken>, lineNumber: Int) throws(PaddockError) in
            row.bind(base: base, count: length, tokens: tokens)
            for (ci, c) in collectors.enumerated() {
                guard let h = row.hash(collectorSlots[ci]) else { continue }
                if !c.isGroup {
                    c.keys.insert(h)
                    continue
                }
                var e = c.counts[h] ?? (0, 0, 0)
                e.rows += 1
                if let w = whereSlots[ci], !row.isNull(w), row.equals(w, whereBytes[ci]) { e.matching += 1 }
                if let p = presentSlots[ci], !row.isBlank(p) { e.present += 1 }
                c.counts[h] = e
            }
            for k in 0..<states.count {
                let s = states[k]
                // `only:` keeps the rows this check is about (finished events, say).
                if let o = onlySlots[k], row.isNull(o) || !row.equals(o, onlyBytes[k]) { continue }
                s.rows += 1
                let slots = s.slots
                var bad = false
                switch s.type {
                case .unique:
                    if let h = row.hash(slots), !s.seen.insert(h).inserted { bad = true }
                case .not_null:
                    for v in slots where row.isBlank(v) { bad = true; break }
                case .range:
                    for v in slots where !row.isNull(v) {
                        guard let d = row.double(v) else { bad = true; break }
                        if let min = s.minimum, d < min { bad = true }
                        if let max = s.maximum, d > max { bad = true }
                    }
                case .accepted_values:
                    for v in slots where !row.isNull(v) {
                        var ok = false
                        for a in s.allowed where row.equals(v, a) { ok = true; break }
                        if !ok { bad = true }
                    }
                case .regex:
                    for v in slots where !row.isNull(v) {
                        if let re = s.regex, (try? re.wholeMatch(in: row.text(v))) == nil { bad = true }
                    }
                case .relationships:
                    if let h = row.hash(slots), let ref = s.refKeys, !ref.keys.contains(h) { bad = true }
                case .gaps:
                    if let v = slots.first, !row.isNull(v), let d = Self.day(row.text(v)) { s.days.insert(d) }
                case .drift:
                    for (i, v) in (slots + nullRateSlots[k]).enumerated() {
                        guard !row.isBlank(v) else { s.nulls[i] += 1; continue }
                        if s.counts[i] != nil {
                            s.counts[i]![row.text(v), default: 0] += 1
                            if s.counts[i]!.count > Self.driftCategoryLimit { s.counts[i] = nil }
                        }
                    }
                case .compare:
                    if let constant = compareConstants[k] {
                        if !row.isNull(slots[0]) {
                            bad = !Self.compare(row.text(slots[0]), constant, s.config.op ?? "!=")
                        }
                    } else if !row.isNull(slots[0]) && !row.isNull(slots[1]) {
                        bad = !Self.compare(row.text(slots[0]), row.text(slots[1]), s.config.op ?? "!=")
                    }
                case .date_in_season:
                    if !row.isNull(slots[0]), let season = seasonSlots[k], !row.isNull(season) {
                        let d = row.text(slots[0]), se = row.text(season)
                        if !Self.inSeason(d, season: se, starts: s.config.seasonStarts, ends: s.config.seasonEnds) {
                            try fail(s, FailingRow(line: lineNumber, key: key(), values: [d, se], unit: unit()))
                        }
                    }
                case .schema:
                    let problems = Self.schemaProblems(row, s, schemaSlots[k])
                    if !problems.isEmpty { try fail(s, FailingRow(line: lineNumber, key: key(), values: problems, unit: unit())) }
                case .freshness:
                    if let v = slots.first, !row.isNull(v) {
                        let t = row.text(v)
                        if s.newest == nil || t > s.newest! { s.newest = t }
                    }
                case .group_count, .group_exists, .unresulted:
                    if let h = row.hash(slots) {
                        let compared: [String]
                        switch s.type {
                        case .group_count: compared = [compareSlots[k].map(row.text) ?? ""]
                        case .unresulted: compared = [row.text(dateSlots[k]), timeSlots[k].map(row.text) ?? ""]
                        default: compared = []
                        }
                        s.pending.append((h, lineNumber, slots.map(row.text), compared, unit()))
                    }
                case .row_count:
                    break
                }
                if bad {
                    try fail(s, FailingRow(line: lineNumber, key: key(), values: slots.map(row.text), unit: unit()))
                }
            }
        }
    }

    func result(_ s: State) -> CheckResult {
        let c = s.config
        let failStatus: CheckResult.Status = c.severity == .warn ? .warn : .fail
        switch s.type {
        case .row_count:
            let low = c.min.map { Double(s.rows) < $0 } ?? false
            let high = c.max.map { Double(s.rows) > $0 } ?? false
            let ok = !low && !high
            func rows(_ n: String) -> String { n == "1" ? "1 row" : "\(n) rows" }
            let thr: String
            switch (c.min.map(Parsers.format), c.max.map(Parsers.format)) {
            case let (min?, max?): thr = min == max ? "exactly \(rows(min))" : "between \(min) and \(rows(max))"
            case let (min?, nil): thr = "at least \(rows(min))"
            case let (nil, max?): thr = "at most \(rows(max))"
            case (nil, nil): thr = "any number of rows"
            }
            return CheckResult(config: c, status: ok ? .pass : failStatus, observed: s.rows, rowsChecked: s.rows,
                               failingCount: ok ? 0 : 1, threshold: thr, samples: [],
                               message: ok ? nil : "\(rows(String(s.rows))), expected \(thr)")
        case .freshness:
            let maxAge = c.maxAgeSeconds ?? 0
            let what = c.of == "extraction" ? "extraction" : (c.columns.first ?? "")
            let thr = "newest \(what) at most \(c.maxAge ?? "0s") before \(now.iso8601)"
            guard let newest = s.newest else {
                return CheckResult(config: c, status: failStatus, observed: 0, rowsChecked: s.rows, failingCount: 1, threshold: thr,
                                   samples: [], message: c.of == "extraction" ? "no extraction in the ledger" : "no value in \(what)")
            }
            guard let t = Self.start(date: String(newest.prefix(10)), time: newest.count > 11 ? String(newest.dropFirst(11).prefix(8)) : nil) else {
                return CheckResult(config: c, status: failStatus, observed: 0, rowsChecked: s.rows, failingCount: 1, threshold: thr,
                                   samples: [], message: "newest \(c.columns.first ?? "") is \(newest), no date")
            }
            let age = now.seconds - t.seconds
            let ok = age <= maxAge
            return CheckResult(config: c, status: ok ? .pass : failStatus, observed: age, rowsChecked: s.rows, failingCount: ok ? 0 : 1,
                               threshold: thr, samples: [], message: ok ? nil : "newest \(what) is \(newest), \(Self.describe(seconds: age)) old")
        default:
            var status = CheckResult.Status.pass
            var thr: [String] = []
            if let e = s.errorIf {
                thr.append("error_if \(e)")
                if e.holds(failing: s.failing, rows: s.rows) { status = .fail }
            }
            if let w = s.warnIf {
                thr.append("warn_if \(w)")
                if status == .pass && w.holds(failing: s.failing, rows: s.rows) { status = .warn }
            }
            if s.type == .drift {
                thr.insert("changes above \(pct0(c.maxChange))", at: 0)
                let what = s.failing == 0 ? "no change above \(pct0(c.maxChange))" : "\(s.failing) null rates or category shares changed by more than \(pct0(c.maxChange))"
                return CheckResult(config: c, status: status, observed: s.failing, rowsChecked: s.rows, failingCount: s.failing,
                                   threshold: thr.joined(separator: ", "), samples: s.samples,
                                   message: s.driftNote.map { "\(what) \($0)" } ?? what)
            }
            return CheckResult(config: c, status: status, observed: s.failing, rowsChecked: s.rows, failingCount: s.failing,
                               threshold: thr.joined(separator: ", "), samples: s.samples,
                               message: s.failing == 0 ? nil : "\(s.failing) of \(s.rows) rows fail")
        }
    }

    /// Compares a drift check's counts with those of the table in the last published snapshot.
    func compareWithSnapshot(_ s: State) throws(PaddockError) {
        let c = s.config
        let manifest = "\(processedDir ?? "")/\(Workspace.FileName.latestManifest)"
        guard processedDir != nil, FileSystem.exists(manifest) else {
            s.driftNote = "no published snapshot to compare with"
            return
        }
        let dir = processedDir!
        let m = try Manifest.read(manifest)
        let entry = m.tables.first { $0.name == c.table }.map { (path: $0.file.path, run: m.runId) }
        guard let entry else {
            s.driftNote = "the last snapshot has no table \(c.table)"
            return
        }
        let reader = CSVReader(source: try Input.open("\(dir)/\(entry.path)"))
        let header = try reader.readHeader()
        let columns = c.columns + c.nullRateColumns
        let index = columns.map { header.firstIndex(of: $0) }
        var oldRows = 0
        var oldNulls = Array(repeating: 0, count: columns.count)
        var oldCounts: [[String: Int]?] = Array(repeating: [:], count: c.columns.count) + Array(repeating: nil, count: c.nullRateColumns.count)
        while let row = try reader.next() {
            oldRows += 1
            for (i, k) in index.enumerated() {
                guard let k, k < row.count, row.bytes(k).count > 0 else { oldNulls[i] += 1; continue }
                if oldCounts[i] != nil {
                    oldCounts[i]![row.string(k), default: 0] += 1
                    if oldCounts[i]!.count > Self.driftCategoryLimit { oldCounts[i] = nil }
                }
            }
        }
        s.driftNote = "against snapshot \(entry.run) (\(oldRows) rows)"
        func pct(_ x: Double) -> String { ValueParsers.fixedText(x * 100, places: 1, trimZeros: false) + "%" }
        let newRows = max(s.rows, 1), baseRows = max(oldRows, 1)
        for (i, column) in columns.enumerated() {
            let before = Double(oldNulls[i]) / Double(baseRows), after = Double(s.nulls[i]) / Double(newRows)
            if abs(after - before) > c.maxChange {
                try fail(s, FailingRow(line: 0, key: [column, "(null)"], values: [pct(before), pct(after)]))
            }
            guard let now = s.counts[i], let then = oldCounts[i] else { continue }
            for value in Set(now.keys).union(then.keys).sorted() {
                let b = Double(then[value] ?? 0) / Double(baseRows), a = Double(now[value] ?? 0) / Double(newRows)
                if abs(a - b) > c.maxChange {
                    try fail(s, FailingRow(line: 0, key: [column, value], values: [pct(b), pct(a)]))
                }
            }
        }
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

    /// Whether `date` falls in a `YYYY-YY` (or `YYYY`) season's window: `starts` (MM-DD) of its first year
    /// to `ends` (MM-DD) of the next. A season that cannot be read fails.
    static func inSeason(_ date: String, season: String, starts: String, ends: String) -> Bool {
        guard let year = Int(season.prefix(4)), Parsers.isoDate(String(date.prefix(10))) != nil else { return false }
        let from = "\(year)-\(starts)", to = "\(year + 1)-\(ends)"
        let d = String(date.prefix(10))
        return d >= from && d <= to
    }

    /// Days since 1970-01-01 of a `YYYY-MM-DD` (or the date part of a datetime).
    static func day(_ text: String) -> Int? {
        guard let d = Parsers.isoDate(String(text.prefix(10))) else { return nil }
        return Timestamp(parsing: "\(d)T00:00:00Z").map { $0.seconds / 86400 }
    }

    static func dateText(_ day: Int) -> String { String(Timestamp(seconds: day * 86400).iso8601.prefix(10)) }

    /// How a row breaks its table's Table Schema: `field: reason` for each problem, in the schema's field
    /// order, then the columns the schema does not declare (drift).
    static func schemaProblems(_ row: RowBinder, _ s: State, _ slots: [Int]) -> [String] {
        var problems: [String] = []
        var declaredPresent = 0
        for i in 0..<slots.count {
            let slot = slots[i]
            let kind = row.kind(slot)
            if kind == RowBinder.absent { problems.append("\(s.schemaFields[i].name): missing column"); continue }
            declaredPresent += 1
            if kind == RowBinder.null {
                if s.schemaFields[i].required { problems.append("\(s.schemaFields[i].name): required") }
                continue
            }
            let type = s.schemaFields[i].type
            let isString = kind == RowBinder.plain || kind == RowBinder.escaped
            // The common cases first, with no String made.
            if type == .string && isString && !s.schemaFields[i].text { continue }
            if (type == .integer || type == .number) && kind == RowBinder.number && s.schemaFields[i].minimum == nil
                && s.schemaFields[i].maximum == nil && !s.schemaFields[i].text {
                if type == .number { continue }
                if let b = row.rawBytes(slot), !b.contains(UInt8(ascii: ".")), !b.contains(where: { $0 | 0x20 == 0x65 }) { continue }
            }
            let f = s.table.fields[i]
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
            if s.schemaFields[i].text {
                let text = row.text(slot)
                if let e = c.enum, !e.contains(text) { problems.append("\(name): not in enum") }
                if let m = c.minLength, text.count < m { problems.append("\(name): shorter than \(m)") }
                if let m = c.maxLength, text.count > m { problems.append("\(name): longer than \(m)") }
                if let re = s.schemaPatterns[i], (try? re.wholeMatch(in: text)) == nil { problems.append("\(name): does not match the pattern") }
            }
        }
        if row.memberCount > declaredPresent {
            // Undeclared columns (or a declared one written twice): name them, the slow way.
            var seen = Set<String>()
            row.document()?.root.forEachMember { k, _ in
                guard let name = k.string else { return }
                if s.fieldIndex[name] == nil || !seen.insert(name).inserted { problems.append("\(name): not in the schema") }
            }
        }
        return problems
    }

    func pct0(_ x: Double) -> String { Parsers.format(x * 100) + " points" }

    static func describe(seconds: Int) -> String {
        if seconds >= 86400 { return "\(seconds / 86400)d \(seconds % 86400 / 3600)h" }
        if seconds >= 3600 { return "\(seconds / 3600)h \(seconds % 3600 / 60)m" }
        return "\(seconds)s"
    }
}

/// The `dq_report.json` document.
public enum CheckReport {
    public static func overallStatus(_ results: [CheckResult]) -> CheckResult.Status {
        if results.contains(where: { $0.status == .error }) { return .error }
        if results.contains(where: { $0.status == .fail }) { return .fail }
        if results.contains(where: { $0.status == .warn }) { return .warn }
        return .pass
    }

    /// The report of `results`, through the one type that owns the document (`DQReport`).
    public static func report(pipeline: String, generatedAt: Timestamp, results: [CheckResult]) -> DQReport {
        let count = { (s: CheckResult.Status) in results.filter { $0.status == s }.count }
        return DQReport(pipeline: pipeline, generatedAt: generatedAt.iso8601, status: overallStatus(results).rawValue,
                        summary: DQReport.Summary(pass: count(.pass), warn: count(.warn), fail: count(.fail), error: count(.error)),
                        checks: results.map { r in
                            DQReport.Check(name: r.config.name, table: r.config.table, type: r.config.type.rawValue, columns: r.config.columns,
                                           severity: r.config.severity.rawValue, status: r.status.rawValue, observed: r.observed,
                                           rowsChecked: r.rowsChecked, failingCount: r.failingCount, threshold: r.threshold, message: r.message,
                                           failingRows: r.samples.map { DQReport.FailingRow(line: $0.line, key: $0.key, values: $0.values, unit: $0.unit) })
                        })
    }

    public static func json(pipeline: String, generatedAt: Timestamp, results: [CheckResult]) -> String {
        String(decoding: report(pipeline: pipeline, generatedAt: generatedAt, results: results).bytes, as: UTF8.self)
    }
}
