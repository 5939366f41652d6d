import PaddockCLI
import PaddockCore
import PaddockChecks

/// `dq-check`: runs a pipeline's declared data-quality checks and writes a JSON report.
public struct DQCheckCommand: Command {
    public static let name = "dq-check"
    public static let abstract = "Run a pipeline's declared data-quality checks over its derived tables and write a JSON report."
    public static let discussion = """
    Checks are declared under 'checks:' in the pipeline definition; docs/checks.md gives every key. \
    The check types:
    \(Help.list(CheckRegistry.kinds.map { ($0.type, $0.summary) }))

    Every check has a severity (error or warn), optional thresholds on the failing rows, warnIf and \
    errorIf ('> 0', '>= 10', '> 1%'), and only: {column: C, equals: V} to check some rows only. \
    Each table is read once \
    (<data>/derived/<pipeline>/<table>.ndjson), referenced tables first. The report (default \
    <data>/derived/<pipeline>/dq_report.json) gives each check's status, observed value, threshold, \
    failing count and up to --max-samples failing rows with their keys and lines; --failures writes \
    every failing row as NDJSON; a summary goes to stderr. \
    Exit 0 when everything passed (warnings allowed), 1 when a check failed.

    EXAMPLES
      dq-check --pipeline football
      dq-check --pipeline racing --now 2025-06-01T00:00:00Z --failures /tmp/failing.ndjson
      dq-check --pipeline football --report /tmp/report.json --table matches

    \(Help.exitCodes)
    """

    public var pipeline = PipelineOptions()
    public var report, failures: String?
    public var tables: [String] = []
    public var maxSamples = 20

    public init() {}

    public static var options: [OptionSpec<Self>] {[
        .group(\.pipeline),
        .value("report", \.report, help: "Where to write the JSON report (default: <data>/derived/<pipeline>/dq_report.json)."),
        .repeated("table", \.tables, help: "Only run the checks of this table (repeatable)."),
        .value("max-samples", \.maxSamples, help: "Failing rows kept per check in the report."),
        .value("failures", \.failures, help: "Write every failing row here, as NDJSON (check, table, line, key, values)."),
    ]}

    public func run() throws(PaddockError) {
        let config = try pipeline.loadConfig()
        let ws = pipeline.workspace
        for t in tables { _ = try config.table(t) }
        var runner = CheckRunner(config: config)
        runner.maxSamples = maxSamples
        runner.now = try pipeline.timestamp()
        runner.processedDir = ws.processedDir(config.pipeline)
        runner.indexDir = ws.indexDir(config.pipeline)
        let failureFile = try failures.map { path throws(PaddockError) in try OutputTarget(path: path) }
        runner.failures = failureFile?.buffer
        let results = try runner.run(derivedDir: ws.derivedDir(config.pipeline), tables: tables.isEmpty ? nil : Set(tables))
        try failureFile?.commit()
        let reportPath = report ?? ws.dqReportPath(config.pipeline)
        try AtomicFileSink.write(CheckReport.json(pipeline: config.pipeline, generatedAt: try pipeline.timestamp(), results: results), to: reportPath)
        for r in results {
            let mark = r.status.rawValue.uppercased()
            Console.printError("dq-check: \(mark) \(r.config.name) (\(r.config.table), \(r.config.type)): \(r.message ?? "ok")")
        }
        let overall = CheckReport.overallStatus(results)
        Console.printError("dq-check: \(results.count) checks: \(results.filter { $0.status == .pass }.count) pass, \(results.filter { $0.status == .warn }.count) warn, \(results.filter { $0.status == .fail }.count) fail; report \(reportPath)")
        if overall == .fail || overall == .error {
            throw PaddockError(.checkFailed, "data-quality checks failed", hint: "see \(reportPath)")
        }
    }
}
