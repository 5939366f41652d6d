#if canImport(Glibc)
import Glibc
#endif
import PaddockCLI
import PaddockCore
import PaddockDiscover

/// `discover`: lists the units of work a pipeline's sources offer, as NDJSON.
public struct DiscoverCommand: Command {
    public static let name = "discover"
    public static let abstract = "List the units of work a pipeline's sources offer, one NDJSON object per unit."
    public static let discussion = """
    A files source gives one unit per file: id (<source>/<relative path>), path, format and a \
    fingerprint (size, mtime, sha256), in bytewise path order. An http source gives one unit per \
    request: id, url (never with credentials), params, the date when dated, and the fingerprint of \
    the copy stored last (etag, last_modified, sha256). Dated http sources take the window of \
    --from/--to or --days-back, else their own dates.from/to. Fan-out sources (ids from a parent's \
    records) list the ids in the parent's stored units. The same inputs give the same output.

    --new keeps the units extract would fetch or store, by extract's own rule: never stored, changed \
    files, stored http units that are undated or still inside their refetchDays, changedOnly children \
    whose parent changed (never newOnly children); extract --dry-run lists the same. --gaps keeps the \
    units with no stored raw data at all.

    --path NAME prints one path of the pipeline's data folder and exits, so that scripts never spell \
    a file name again: definition, raw, index, ledger, derived, table, quarantine, dq-report, processed, \
    manifest, snapshots, runs, run, units, stats. Paths of a run or a table hold {run_id} and {table}. \
    --hosts prints 'host port' of each http source's baseURL, variables expanded as for a fetch (the \
    runner's preflight checks that they answer).

    EXAMPLES
      discover --pipeline football
      discover --pipeline football --only '*2024-25*' | extract --pipeline football
      discover --pipeline events --from 2024-08-01 --to 2024-08-31 --gaps
      discover --pipeline events --days-back 3 --new | extract --pipeline events
      discover --pipeline football --path ledger

    \(Help.exitCodes)
    """

    public var pipeline = PipelineOptions()
    public var window = WindowOptions()
    public var only: String?
    public var sources: [String] = []
    public var new = false, gaps = false

    public var path: String?
    public var hosts = false

    public init() {}

    public static var options: [OptionSpec<Self>] {[
        .group(\.pipeline),
        .group(\.window),
        .value("only", \.only, help: "Keep only units whose id or relative path matches this glob."),
        .repeated("source", \.sources, help: "Only this source's units (repeatable)."),
        .flag("new", \.new, help: "Keep only units not yet extracted, or changed since they were."),
        .flag("gaps", \.gaps, help: "Keep only units that have no stored raw data."),
        .value("path", \.path, help: "Print the path named NAME (ledger, manifest, dq-report, units, stats, ...) and exit."),
        .flag("hosts", \.hosts, help: "Print 'host port' of each http source's baseURL (variables expanded as for a fetch), one a line, and exit."),
    ]}

    public func run() throws(PaddockError) {
        let config = try pipeline.loadConfig()
        if let path {
            var out = Console.stdout
            out.appendString(try pipeline.workspace.namedPath(path, pipeline: config.pipeline) + "\n")
            return
        }
        if hosts {
            try config.requireEnvironment(pipeline.workspace.environment, sources: sources, requests: false)
            var out = Console.stdout
            for s in config.sources where sources.isEmpty || sources.contains(s.name) {
                guard let http = s.http else { continue }
                let url = try HTTPTemplate.expandEnvironment(http.baseURL, pipeline.workspace.environment, what: "source \(s.name) baseURL")
                guard let (host, port) = HTTPTemplate.hostAndPort(url) else {
                    throw PaddockError(.config, "source \(s.name): baseURL '\(url)' is not an http or https URL")
                }
                out.appendString("\(host) \(port)\n")
            }
            return
        }
        let now = try pipeline.timestamp()
        if new && gaps { throw PaddockError(.usage, "--new and --gaps cannot be combined") }
        try config.requireSources(sources)
        try config.requireEnvironment(pipeline.workspace.environment, sources: sources, requests: false)
        var context = DiscoveryContext(workspace: pipeline.workspace, now: now, window: try window.window(now: now))
        // A value a server supplies that cannot be part of an id skips that unit only (as extract does).
        context.onRejected = { e in Console.warning(tool: "discover", "\(e.message); skipped") }
        context.onWarning = { Console.warning(tool: "discover", $0) }
        let ledger = try LedgerIndex.load(pipeline.workspace, pipeline: config.pipeline)
        let units = try Discovery.units(of: config, context: context, ledger: ledger, only: only,
                                        sources: sources.isEmpty ? nil : Set(sources))
        var out = Console.stdout
        var kept = 0
        for unit in units {
            if gaps && ledger.stored[unit.id] != nil { continue }
            if new, try !ledger.isDue(unit, source: config.source(unit.source), now: now) { continue }
            out.appendString(unit.ndjson())
            try out.recordEnded()
            kept += 1
        }
        try Console.flushStdout()
        if new || gaps {
            Console.info(tool: "discover", "\(kept) of \(units.count) units are \(gaps ? "gaps (no stored raw data)" : "new or due")")
        }
    }
}
