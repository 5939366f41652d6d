/// The outcome of one check.
public struct CheckResult: Sendable {
    public enum Status: String, Sendable { case pass, warn, fail, error }
    public var config: CheckConfig
    public var status: Status
    /// What was measured: failing rows for row checks, the row count for row_count.
    public var observed: Int
    public var rowsChecked: Int
    public var failingCount: Int
    /// A description of the threshold (`0 failing rows`, `between 300 and 400 rows`).
    public var threshold: String
    /// Up to `maxSamples` failing rows: key values, line in the table file, and the value(s).
    public var samples: [FailingRow]
    public var message: String?
}

public struct FailingRow: Sendable {
    public var line: Int
    public var key: [String]
    public var values: [String]
}

/// Runs a pipeline's checks on its derived tables, one streaming pass per table.
///
/// Memory: `unique` remembers every distinct key it has seen (the key text), so it is bounded by the
/// number of distinct keys; the other checks keep only counters and up to `maxSamples` failing rows.
public struct CheckRunner {
    public let config: PipelineConfig
    public var maxSamples = 20

    public init(config: PipelineConfig) { self.config = config }

    /// Runs every check (optionally only those of `tables`) over `<derivedDir>/<table>.ndjson`.
    public func run(derivedDir: String, tables: Set<String>? = nil) throws(PaddockError) -> [CheckResult] {
        var results: [CheckResult] = []
        let byTable = Dictionary(grouping: config.checks.filter { tables?.contains($0.table) ?? true }, by: \.table)
        for table in config.tables where byTable[table.name] != nil {
            let path = "\(derivedDir)/\(table.name).ndjson"
            results += try runTable(table, checks: byTable[table.name]!, path: path)
        }
        // Keep the declaration order.
        return config.checks.compactMap { c in results.first { $0.config.name == c.name } }
    }

    final class State {
        let config: CheckConfig
        let type: CheckType
        var failing = 0
        var samples: [FailingRow] = []
        var seen = Set<String>()
        init(_ c: CheckConfig) { config = c; type = CheckType(rawValue: c.type)! }
    }

    func runTable(_ table: TableConfig, checks: [CheckConfig], path: String) throws(PaddockError) -> [CheckResult] {
        guard FileSystem.exists(path) else {
            throw PaddockError(.io, "table \(table.name) has no derived file", at: SourceLocation(file: path),
                               hint: "run normalize --pipeline \(config.pipeline) --table \(table.name) first")
        }
        let states = checks.map(State.init)
        var rows = 0
        try forEachNDJSONRecord(path) { root, lineNumber in
            rows += 1
            for s in states {
                let values = s.config.columns.map { root[$0] }
                var bad = false
                switch s.type {
                case .unique:
                    if values.allSatisfy({ $0 != nil && !$0!.isNull }) {
                        let key = values.map { $0!.cellText }.joined(separator: "\u{1F}")
                        if !s.seen.insert(key).inserted { bad = true }
                    }
                case .not_null:
                    bad = values.contains { $0 == nil || $0!.isNull || ($0!.kind == .string && $0!.rawBytes.isEmpty) }
                case .range:
                    for v in values {
                        guard let v, !v.isNull else { continue }
                        guard let d = Double(v.cellText) else { bad = true; break }
                        if let min = s.config.min, d < min { bad = true }
                        if let max = s.config.max, d > max { bad = true }
                    }
                case .accepted_values:
                    let allowed = s.config.values ?? []
                    for v in values {
                        guard let v, !v.isNull else { continue }
                        if !allowed.contains(v.cellText) { bad = true }
                    }
                case .row_count:
                    break
                }
                if bad {
                    s.failing += 1
                    if s.samples.count < maxSamples {
                        s.samples.append(FailingRow(line: lineNumber,
                                                    key: table.primaryKey.map { root[$0]?.cellText ?? "" },
                                                    values: values.map { $0?.cellText ?? "" }))
                    }
                }
            }
        }
        return states.map { s in
            let c = s.config
            if s.type == .row_count {
                let low = c.min.map { Double(rows) < $0 } ?? false
                let high = c.max.map { Double(rows) > $0 } ?? false
                let ok = !low && !high
                let thr = "between \(c.min.map(Parsers.format) ?? "0") and \(c.max.map(Parsers.format) ?? "any") rows"
                return CheckResult(config: c, status: ok ? .pass : (c.severity == "warn" ? .warn : .fail), observed: rows, rowsChecked: rows,
                                   failingCount: ok ? 0 : 1, threshold: thr, samples: [],
                                   message: ok ? nil : "\(rows) rows, expected \(thr)")
            }
            let status: CheckResult.Status = s.failing == 0 ? .pass : (c.severity == "warn" ? .warn : .fail)
            return CheckResult(config: c, status: status, observed: s.failing, rowsChecked: rows, failingCount: s.failing,
                               threshold: "0 failing rows", samples: s.samples,
                               message: s.failing == 0 ? nil : "\(s.failing) of \(rows) rows fail")
        }
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

    public static func json(pipeline: String, generatedAt: Timestamp, results: [CheckResult]) -> String {
        var w: [UInt8] = []
        let count = { (s: CheckResult.Status) in results.filter { $0.status == s }.count }
        w.appendStatic("{\n  \"report_version\": 1,\n  \"pipeline\": "); JSONWriter.appendString(pipeline, to: &w)
        w.appendStatic(",\n  \"generated_at\": "); JSONWriter.appendString(generatedAt.iso8601, to: &w)
        w.appendStatic(",\n  \"status\": "); JSONWriter.appendString(overallStatus(results).rawValue, to: &w)
        w.appendString(",\n  \"summary\": {\"pass\": \(count(.pass)), \"warn\": \(count(.warn)), \"fail\": \(count(.fail)), \"error\": \(count(.error))}")
        w.appendStatic(",\n  \"checks\": [")
        for (i, r) in results.enumerated() {
            w.appendStatic(i == 0 ? "\n    {" : ",\n    {")
            w.appendStatic("\"name\": "); JSONWriter.appendString(r.config.name, to: &w)
            w.appendStatic(", \"table\": "); JSONWriter.appendString(r.config.table, to: &w)
            w.appendStatic(", \"type\": "); JSONWriter.appendString(r.config.type, to: &w)
            w.appendStatic(", \"columns\": [")
            for (k, c) in r.config.columns.enumerated() { if k > 0 { w.appendStatic(", ") }; JSONWriter.appendString(c, to: &w) }
            w.appendStatic("], \"severity\": "); JSONWriter.appendString(r.config.severity, to: &w)
            w.appendStatic(", \"status\": "); JSONWriter.appendString(r.status.rawValue, to: &w)
            w.appendString(", \"observed\": \(r.observed), \"rows_checked\": \(r.rowsChecked), \"failing_count\": \(r.failingCount)")
            w.appendStatic(", \"threshold\": "); JSONWriter.appendString(r.threshold, to: &w)
            if let m = r.message { w.appendStatic(", \"message\": "); JSONWriter.appendString(m, to: &w) }
            w.appendStatic(", \"failing_rows\": [")
            for (k, s) in r.samples.enumerated() {
                if k > 0 { w.appendStatic(", ") }
                w.appendString("{\"line\": \(s.line), \"key\": [")
                for (j, v) in s.key.enumerated() { if j > 0 { w.appendStatic(", ") }; JSONWriter.appendString(v, to: &w) }
                w.appendStatic("], \"values\": [")
                for (j, v) in s.values.enumerated() { if j > 0 { w.appendStatic(", ") }; JSONWriter.appendString(v, to: &w) }
                w.appendStatic("]}")
            }
            w.appendStatic("]}")
        }
        w.appendStatic("\n  ]\n}\n")
        return String(decoding: w, as: UTF8.self)
    }
}
