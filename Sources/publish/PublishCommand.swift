import PaddockCLI
import PaddockCore
import PaddockPublish

/// `publish`: writes zstd snapshots atomically and the manifest consumers rely on.
public struct PublishCommand: Command {
    public static let name = "publish"
    public static let abstract = "Publish a run's derived tables as zstd-compressed CSV snapshots with a latest_successful_run.json manifest."
    public static let discussion = """
    Refuses (exit 1) when the run's data-quality report is missing or failed. Builds \
    <data>/processed/<pipeline>/snapshots/<run id>/ (tables as .csv.zst, and .ndjson.zst when configured, \
    datapackage.json, the run's manifest.json) in a staging folder, reads every file back, renames the \
    folder into place, and only then replaces <data>/processed/<pipeline>/latest_successful_run.json, which \
    gives each file's path, bytes, sha256 and row count. Publishing the same run id again changes nothing. \
    Snapshots beyond publish.keep (default 10) are deleted afterwards, never the one the manifest names. \
    One publish per pipeline at a time: a second one exits 75.

    --verify checks the latest snapshot against its manifest instead (exit 1 naming each mismatch). \
    --dry-run says what would be published and deleted. --compress IN --to OUT compresses a file the way \
    publish does.

    EXAMPLES
      publish --pipeline football --now 2025-06-01T00:00:00Z
      publish --pipeline football --verify
      publish --pipeline football --rows
      publish --pipeline football --table-rows
      publish --pipeline football --dry-run

    \(Help.exitCodes)
    """

    public var pipeline = PipelineOptions()
    public var runId, report, units, timings, startedAt, codeVersion, compressInput, compressOutput: String?
    public var verify = false, dryRun = false, rows = false, tableRows = false

    public init() {}

    public static var options: [OptionSpec<Self>] {[
        .group(\.pipeline),
        .value("run-id", \.runId, help: "The run id (default: the --now time, as 20250601T000000Z)."),
        .value("report", \.report, help: "The DQ report to check (default: <data>/derived/<pipeline>/dq_report.json)."),
        .flag("verify", \.verify, help: "Verify the latest snapshot's bytes, sha256 and rows against its manifest."),
        .flag("dry-run", \.dryRun, help: "Say what would be published and which snapshots retention would delete; write nothing."),
        .value("units", \.units, help: "The run's units (discover output), listed as the manifest's inputs."),
        .value("timings", \.timings, help: "A JSON object of step name to seconds, recorded as the manifest's steps."),
        .value("started-at", \.startedAt, help: "When the run started (ISO 8601); default: --now."),
        .value("code-version", \.codeVersion, help: "The code version to record (git describe); default: unknown."),
        .value("compress", \.compressInput, help: "Compress this file the way publish does (with --to), and print its bytes and sha256."),
        .value("to", \.compressOutput, help: "Output of --compress ('-' for stdout)."),
        .flag("rows", \.rows, help: "Print the rows the latest manifest lists, all tables together, and exit (for scripts: no JSON parsing of the manifest)."),
        .flag("table-rows", \.tableRows, help: "Print each table the latest manifest lists with its rows ('name rows', one a line), and exit."),
    ]}

    public func run() throws(PaddockError) {
        let config = try pipeline.loadConfig()
        let ws = pipeline.workspace
        let now = try pipeline.timestamp()
        let publisher = Publisher(config: config, workspace: ws, runId: runId ?? now.compact, now: now)
        if rows || tableRows {
            guard FileSystem.exists(publisher.manifestPath) else {
                throw PaddockError(.data, "no manifest at \(publisher.manifestPath)", hint: "nothing was published for pipeline \(config.pipeline) yet")
            }
            let tables = try Publisher.readTables(manifest: publisher.manifestPath)
            var out = Console.stdout
            if tableRows {
                for t in tables { out.appendString("\(t.name) \(t.rows)\n") }
            } else {
                out.appendString("\(tables.reduce(0) { $0 + max(0, $1.rows) })\n")
            }
            return
        }
        if verify {
            let problems = try publisher.verify()
            if problems.isEmpty {
                Console.info(tool: "publish", "verified \(publisher.manifestPath): every file matches")
                return
            }
            for p in problems { Console.printError("publish: mismatch: \(p)") }
            throw PaddockError(.checkFailed, "\(problems.count) mismatch\(problems.count == 1 ? "" : "es") against \(publisher.manifestPath)")
        }
        if let input = compressInput {
            guard let output = compressOutput else { throw PaddockError(.usage, "--compress needs --to") }
            let f = try Publisher.compress(input, to: output, level: publisher.level, workers: publisher.workers)
            if output == "-" {
                Console.info(tool: "publish", "\(f.bytes) bytes, sha256 \(f.sha256)")
                return
            }
            var out = Console.stdout
            out.appendString("{\"path\":")
            JSONWriter.appendString(output, to: &out)
            out.appendString(",\"bytes\":\(f.bytes),\"sha256\":\"\(f.sha256)\"}\n")
            return
        }
        let reportPath = report ?? ws.dqReportPath(config.pipeline)
        if dryRun {
            let dq = try publisher.checkReport(reportPath)
            let names = config.publish.tables.isEmpty ? config.tables.map(\.name) : config.publish.tables
            Console.info(tool: "publish", "would publish run \(publisher.runId) (dq \(dq.status)): \(names.joined(separator: ", "))")
            for id in try publisher.expiredSnapshots() {
                Console.info(tool: "publish", "would delete \(publisher.snapshotsDir)/\(id)")
            }
            return
        }
        var context = RunContext()
        context.codeVersion = codeVersion ?? "unknown"
        context.unitsFile = units
        if let startedAt {
            guard let t = Timestamp(parsing: startedAt) else { throw PaddockError(.usage, "invalid --started-at '\(startedAt)'") }
            context.startedAt = t
        }
        if let timings {
            context.steps = try withJSONFile(timings) { (root) throws(PaddockError) in
                root.members.map { ($0.key.string ?? "", $0.value.string ?? "null") }
            }
        }
        let tables = try publisher.publish(derivedDir: ws.derivedDir(config.pipeline), reportPath: reportPath, context: context)
        for t in tables {
            Console.info(tool: "publish", "\(t.name): \(t.rows) rows, \(t.bytes) bytes -> \(publisher.processedDir)/\(t.path)")
        }
        for id in try publisher.prune() {
            Console.info(tool: "publish", "deleted old snapshot \(id) (keep \(config.publish.keep))")
        }
        Console.info(tool: "publish", "manifest \(publisher.manifestPath) (run \(publisher.runId))")
    }
}
