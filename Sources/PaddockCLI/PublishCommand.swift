import ArgumentParser
import PaddockCore

/// `publish`: writes zstd snapshots atomically and the manifest consumers rely on.
public struct PublishCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish a run's derived tables as zstd-compressed CSV snapshots with a latest_successful_run.json manifest.",
        discussion: """
        Refuses (exit 1) when the run's data-quality report is missing or failed. Builds \
        <data>/processed/<pipeline>/snapshots/<run id>/ in a staging folder, reads every file back, renames \
        the folder into place, and only then replaces <data>/processed/<pipeline>/latest_successful_run.json, \
        which gives each table's path, bytes, sha256 and row count. Publishing the same run id again changes \
        nothing. --verify checks the latest snapshot against its manifest instead (exit 1 on a mismatch).

        EXAMPLES
          publish --pipeline football --now 2025-06-01T00:00:00Z
          publish --pipeline football --verify

        \(Help.exitCodes)
        """
    )

    @OptionGroup public var options: PipelineOptions

    @Option(name: .customLong("run-id"), help: "The run id (default: the --now time, as 20250601T000000Z).")
    public var runId: String?

    @Option(name: .customLong("report"), help: "The DQ report to check (default: <data>/derived/<pipeline>/dq_report.json).")
    public var report: String?

    @Flag(name: .customLong("verify"), help: "Verify the latest snapshot's bytes, sha256 and rows against its manifest.")
    public var verify = false

    public init() {}

    public func run() throws {
        let config = try options.loadConfig()
        let ws = options.workspace
        let now = try options.timestamp()
        let publisher = Publisher(config: config, workspace: ws, runId: runId ?? now.compact, now: now)
        if verify {
            let problems = try publisher.verify()
            if problems.isEmpty {
                Console.info(tool: "publish", "verified \(publisher.manifestPath): every file matches")
                return
            }
            for p in problems { Console.printError("publish: mismatch: \(p)") }
            throw PaddockError(.checkFailed, "\(problems.count) mismatch\(problems.count == 1 ? "" : "es") against \(publisher.manifestPath)")
        }
        let reportPath = report ?? "\(ws.derivedDir(config.pipeline))/dq_report.json"
        let tables = try publisher.publish(derivedDir: ws.derivedDir(config.pipeline), reportPath: reportPath)
        for t in tables {
            Console.info(tool: "publish", "\(t.name): \(t.rows) rows, \(t.bytes) bytes -> \(publisher.processedDir)/\(t.path)")
        }
        Console.info(tool: "publish", "manifest \(publisher.manifestPath) (run \(publisher.runId))")
    }
}
