import PaddockCLI
import PaddockCore
import PaddockDiscover
import PaddockExtract
import PaddockCurl

/// `extract`: stores each unit's payload immutably under data/raw and streams its records.
public struct ExtractCommand: Command {
    public static let name = "extract"
    public static let abstract = "Fetch units into the immutable raw store and stream their records as NDJSON with provenance."
    public static let discussion = """
    Reads units (discover's NDJSON) from --units FILE ('-' for stdin), or discovers them itself with \
    --discover (source by source, so fan-out sources see what their parent just stored). With \
    neither, units are read from stdin when it is a pipe or a file, and discovered otherwise.

    Files are copied, http units fetched (rate limit, retries with backoff and Retry-After, circuit \
    breaker, conditional requests, validation against the source's contract), each payload stored \
    atomically as <data>/raw/<pipeline>/<unit id>/sha256-<hash>.<ext> with a .meta.json sidecar and a \
    line in the ledger <data>/index/<pipeline>/ledger.ndjson. Unchanged units are not fetched again: \
    files with the same bytes, http units stored and older than the source's refetchDays (others are \
    asked conditionally). A unit that fails is reported and recorded, and the others go on.

    Records go to stdout with _unit, _raw and _line (CSV, NDJSON) or _pointer (JSON). See \
    docs/sources.md.

    EXAMPLES
      extract --pipeline football > records.ndjson
      discover --pipeline football | extract --pipeline football | normalize --pipeline football --table matches
      extract --pipeline events --days-back 3 --discover --records new
      extract --pipeline football --dry-run

    Exit 75 when some units failed in a way worth retrying (run again: stored units are not fetched \
    again) or the circuit breaker stopped the run; exit 2 when a unit failed in a way a retry will \
    not fix (a broken contract, a 404).

    \(Help.exitCodes)
    """

    public var pipeline = PipelineOptions()
    public var window = WindowOptions()
    public var unitsFile: String?
    public var sources: [String] = []
    public var records = RecordsMode.all
    public var discover = false, force = false, dryRun = false, storedOnly = false, allowMissing = false, noRecords = false

    public init() {}

    public static var options: [OptionSpec<Self>] {[
        .group(\.pipeline),
        .group(\.window),
        .flag("discover", \.discover, help: "Discover units instead of reading them from stdin."),
        .value("units", \.unitsFile, help: "Read units from this NDJSON file ('-' for stdin)."),
        .repeated("source", \.sources, help: "With discovery: only this source's units (repeatable)."),
        .flag("force", \.force, help: "Fetch and store every unit again, unconditionally, even when unchanged."),
        .flag("dry-run", \.dryRun, help: "Only say what would be fetched or stored; write nothing, request nothing."),
        .value("records", \.records, help: "Records to stream: all (every unit in scope; unchanged ones from the raw store), new (units stored by this run) or none."),
        .flag("stored-only", \.storedOnly, help: "Fetch nothing: stream the records of the copies already in the raw store."),
        .flag("allow-missing", \.allowMissing, help: "With --stored-only: skip units never stored (counted as missing) instead of failing."),
        .flag("no-records", \.noRecords, help: "Store payloads but do not emit records (--records none)."),
    ]}

    /// Counts of one run, for the summary and the exit code.
    struct Tally {
        var units = 0, stored = 0, unchanged = 0, failed = 0, retryable = 0, notAttempted = 0, missing = 0
    }

    public func run() throws(PaddockError) {
        let config = try pipeline.loadConfig()
        let ws = pipeline.workspace
        let now = try pipeline.timestamp()
        try config.requireSources(sources)
        if !storedOnly { try config.requireEnvironment(ws.environment, sources: sources, requests: !dryRun) }
        let extractor = try Extractor(config: config, workspace: ws, now: now, out: Console.stdout)
        extractor.force = force
        extractor.dryRun = dryRun
        extractor.records = noRecords ? .none : records
        extractor.storedOnly = storedOnly
        extractor.allowMissing = allowMissing
        if allowMissing && !storedOnly { throw PaddockError(.usage, "--allow-missing goes with --stored-only") }
        if !storedOnly && config.sources.contains(where: { $0.kind == .http }) {
            extractor.transport = CurlTransport()
            extractor.onRetry = { unit, why, wait in
                Console.info(tool: "extract", "\(unit): \(why); retrying in \(Fetcher.seconds(wait))")
            }
        }
        var tally = Tally()
        let progress = Progress(tool: "extract")
        if let unitsFile {
            try extract(try readUnits(unitsFile), extractor, &tally, progress)
        } else if discover || !Self.stdinHasData() {
            // Source by source, so that fan-out sources see the units their parent stored just before.
            var context = DiscoveryContext(workspace: ws, now: now, window: try window.window(now: now))
            context.onWarning = { Console.warning(tool: "extract", $0) }
        context.onRejected = { e in Console.warning(tool: "extract", "\(e.message); skipped") }
            for source in config.sources where sources.isEmpty || sources.contains(source.name) {
                let units = try Discovery.units(of: source, in: config, context: context, ledger: extractor.ledger)
                if try !extract(units, extractor, &tally, progress) { break }
            }
        } else {
            try extract(try readUnits("-"), extractor, &tally, progress)
        }
        try Console.flushStdout()
        progress.finish()
        if !dryRun {
            var line = "\(tally.units) units: \(tally.stored) stored, \(tally.unchanged) unchanged, \(tally.failed) failed"
            if tally.notAttempted > 0 { line += ", \(tally.notAttempted) not attempted" }
            if tally.missing > 0 { line += ", \(tally.missing) not stored (skipped)" }
            // Every record that went to stdout, those of a unit that failed part way included.
            line += "; \(extractor.recordsStreamed) records"
            if extractor.requests > 0 { line += "; \(extractor.requests) HTTP requests" }
            Console.info(tool: "extract", line)
        }
        if let reason = extractor.stopReason {
            throw PaddockError(.temporary, "stopped early: \(reason); \(tally.notAttempted) units not attempted",
                               hint: "the upstream looks down; run extract again later (stored units are not fetched again)")
        }
        if tally.failed > 0 {
            let kind: PaddockError.Kind = tally.retryable == tally.failed ? .temporary : .data
            throw PaddockError(kind, "\(tally.failed) of \(tally.units) units failed",
                               hint: kind == .temporary ? "run extract again to retry them" : "see the errors above; units that broke their contract need a look")
        }
    }

    /// Extracts `units` in order; false when the run must stop (circuit breaker open).
    @discardableResult
    func extract(_ units: [WorkUnit], _ extractor: Extractor, _ tally: inout Tally, _ progress: Progress) throws(PaddockError) -> Bool {
        for (i, unit) in units.enumerated() {
            if extractor.stopReason != nil {
                tally.notAttempted += units.count - i
                tally.units += units.count - i
                return false
            }
            progress.update(done: i, total: units.count, what: "units", extra: "\(extractor.recordsStreamed) records")
            tally.units += 1
            switch Self.extractOne(extractor, unit) {
            case .success(let r):
                switch r.status {
                case .stored: tally.stored += 1
                case .unchanged: tally.unchanged += 1
                case .missing: tally.missing += 1
                case .planned: Console.info(tool: "extract", "would fetch \(unit.id)\(r.rawPath.map { " (stored as \($0))" } ?? "")")
                case .failed:
                    tally.failed += 1
                    if r.error?.kind == .temporary { tally.retryable += 1 }
                    if let e = r.error { Console.error(tool: "extract", e) }
                }
            case .failure(let error):
                if error.kind == .brokenPipe || error.kind == .usage || error.kind == .config { throw error }
                // A failed unit is reported and the others go on.
                tally.failed += 1
                if error.kind == .temporary { tally.retryable += 1 }
                var e = error
                if e.location == nil { e.location = SourceLocation(file: unit.origin, unit: unit.id) }
                Console.error(tool: "extract", e)
            }
        }
        return extractor.stopReason == nil
    }

    static func extractOne(_ extractor: Extractor, _ unit: WorkUnit) -> Result<UnitOutcome, PaddockError> {
        do throws(PaddockError) { return .success(try extractor.extract(unit)) } catch { return .failure(error) }
    }

    /// True when stdin is a pipe or a regular file (not a terminal, not /dev/null).
    static func stdinHasData() -> Bool {
        var st = stat()
        guard fstat(0, &st) == 0 else { return false }
        let type = st.st_mode & S_IFMT
        return type == S_IFIFO || type == S_IFREG
    }

    func readUnits(_ path: String) throws(PaddockError) -> [WorkUnit] { try WorkUnit.readAll(path) }
}

#if canImport(Glibc)
import Glibc
#endif
extension RecordsMode: ArgumentValue {}
