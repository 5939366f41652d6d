public import PaddockCore

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
                            DQReport.Check(name: r.config.name, table: r.config.table, type: r.config.type, columns: r.config.columns,
                                           severity: r.config.severity.rawValue, status: r.status.rawValue, observed: r.observed,
                                           rowsChecked: r.rowsChecked, failingCount: r.failingCount, threshold: r.threshold, message: r.message,
                                           failingRows: r.samples.map { DQReport.FailingRow(line: $0.line, key: $0.key, values: $0.values, unit: $0.unit) })
                        })
    }

    public static func json(pipeline: String, generatedAt: Timestamp, results: [CheckResult]) -> String {
        String(decoding: report(pipeline: pipeline, generatedAt: generatedAt, results: results).bytes, as: UTF8.self)
    }
}
