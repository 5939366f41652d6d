public import PaddockCore

/// `drift`: columns' null rates and category shares change by at most `maxChange` against the last
/// published snapshot. Remembers up to `categoryLimit` distinct values per column.
public struct DriftCheck: CheckKind, RunnableCheck {
    public static let type = "drift"
    public static let summary = "the columns' null rates and category shares moved by at most maxChange: since the last published snapshot"
    public static let keys = CheckKey.columns + [
        CheckKey("maxChange", old: "max_change", "the largest change of a null rate or share, 0 to 1 (default 0.1: ten points)"),
        CheckKey("nullRate", old: "null_rate", "columns compared on their null rate only (times, ids, free text)"),
    ]
    /// Distinct values per column that are counted; a column with more is compared on its null rate only.
    public static let categoryLimit = 1000

    public var columns: [String]
    public var maxChange: Double
    public var nullRateColumns: [String]

    public static func read(_ r: CheckReading) -> any CheckSpec {
        DriftCheck(columns: r.columns(), maxChange: r.number("maxChange") ?? 0.1, nullRateColumns: r.texts("nullRate") ?? [])
    }

    public func validate(_ v: CheckValidation) {
        for col in nullRateColumns { v.column(col, "nullRate") }
        if columns.isEmpty && nullRateColumns.isEmpty { v.fail("type", "drift needs columns: or nullRate:") }
        if !(maxChange > 0 && maxChange < 1) { v.fail("maxChange", "maxChange must be between 0 and 1 (a share of the rows), not \(Parsers.format(maxChange))") }
    }

    func makeState(_ context: CheckContext) -> CheckState { State(context, self) }

    final class State: CheckState {
        let spec: DriftCheck
        // Per column (category columns first, then the null-rate-only ones): nulls, and value counts (nil
        // once a column has too many distinct values, and always for null-rate-only columns).
        @exclusivity(unchecked) var nulls: [Int]
        @exclusivity(unchecked) var counts: [[String: Int]?]
        @exclusivity(unchecked) var note: String?

        init(_ context: CheckContext, _ spec: DriftCheck) {
            self.spec = spec
            nulls = Array(repeating: 0, count: spec.columns.count + spec.nullRateColumns.count)
            counts = Array(repeating: [:], count: spec.columns.count) + Array(repeating: nil, count: spec.nullRateColumns.count)
            super.init(context)
        }

        override var columnsRead: [String] { spec.columns + spec.nullRateColumns }

        override func bind(_ row: RowBinder) { slots = columnsRead.map(row.slot) }

        override func check(_ row: RowBinder, _ place: RowPlace) throws(PaddockError) {
            for (i, v) in slots.enumerated() {
                guard !row.isBlank(v) else { nulls[i] += 1; continue }
                if counts[i] != nil {
                    counts[i]![row.text(v), default: 0] += 1
                    if counts[i]!.count > DriftCheck.categoryLimit { counts[i] = nil }
                }
            }
        }

        /// Compares the counts with those of the table in the last published snapshot.
        override func finish() throws(PaddockError) {
            let manifest = "\(env.processedDir ?? "")/\(Workspace.FileName.latestManifest)"
            guard let dir = env.processedDir, FileSystem.exists(manifest) else {
                note = "no published snapshot to compare with"
                return
            }
            let table = config.table
            let m = try Manifest.read(manifest)
            let entry = m.tables.first { $0.name == table }.map { (path: $0.file.path, run: m.runId) }
            guard let entry else {
                note = "the last snapshot has no table \(table)"
                return
            }
            let reader = CSVReader(source: try Input.open("\(dir)/\(entry.path)"))
            let header = try reader.readHeader()
            let columns = columnsRead
            let index = columns.map { header.firstIndex(of: $0) }
            var oldRows = 0
            var oldNulls = Array(repeating: 0, count: columns.count)
            var oldCounts: [[String: Int]?] = Array(repeating: [:], count: spec.columns.count) + Array(repeating: nil, count: spec.nullRateColumns.count)
            while let row = try reader.next() {
                oldRows += 1
                for (i, k) in index.enumerated() {
                    guard let k, k < row.count, row.bytes(k).count > 0 else { oldNulls[i] += 1; continue }
                    if oldCounts[i] != nil {
                        oldCounts[i]![row.string(k), default: 0] += 1
                        if oldCounts[i]!.count > DriftCheck.categoryLimit { oldCounts[i] = nil }
                    }
                }
            }
            note = "against snapshot \(entry.run) (\(oldRows) rows)"
            func pct(_ x: Double) -> String { ValueParsers.fixedText(x * 100, places: 1, trimZeros: false) + "%" }
            let newRows = max(rows, 1), baseRows = max(oldRows, 1)
            for (i, column) in columns.enumerated() {
                let before = Double(oldNulls[i]) / Double(baseRows), after = Double(nulls[i]) / Double(newRows)
                if abs(after - before) > spec.maxChange {
                    try fail(FailingRow(line: 0, key: [column, "(null)"], values: [pct(before), pct(after)]))
                }
                guard let now = counts[i], let then = oldCounts[i] else { continue }
                for value in Set(now.keys).union(then.keys).sorted() {
                    let b = Double(then[value] ?? 0) / Double(baseRows), a = Double(now[value] ?? 0) / Double(newRows)
                    if abs(a - b) > spec.maxChange {
                        try fail(FailingRow(line: 0, key: [column, value], values: [pct(b), pct(a)]))
                    }
                }
            }
        }

        override func result() -> CheckResult {
            let (status, thresholds) = thresholdStatus()
            let points = Parsers.format(spec.maxChange * 100) + " points"
            let what = failing == 0 ? "no change above \(points)" : "\(failing) null rates or category shares changed by more than \(points)"
            return CheckResult(config: config, status: status, observed: failing, rowsChecked: rows, failingCount: failing,
                               threshold: (["changes above \(points)"] + thresholds).joined(separator: ", "), samples: samples,
                               message: note.map { "\(what) \($0)" } ?? what)
        }
    }
}
