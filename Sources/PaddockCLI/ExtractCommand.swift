import ArgumentParser
import PaddockCore

/// `extract`: stores each unit's payload immutably under data/raw and streams its records.
public struct ExtractCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Fetch units into the immutable raw store and stream their records as NDJSON with provenance.",
        discussion: """
        Reads units (discover's NDJSON) from --units FILE ('-' for stdin), or discovers them itself with \
        --discover. With neither, units are read from stdin when it is a pipe or a file, and discovered \
        otherwise. Each payload is copied atomically to \
        <data>/raw/<pipeline>/<unit id>/sha256-<hash>.<ext> with a .meta.json sidecar and a line in the \
        ledger <data>/index/<pipeline>/ledger.ndjson. Payloads already stored with the same bytes are not \
        copied again. Every record goes to stdout with _unit, _raw and _line (CSV, NDJSON) or _pointer (JSON).

        EXAMPLES
          extract --pipeline football > records.ndjson
          discover --pipeline football | extract --pipeline football | normalize --pipeline football --table matches
          extract --pipeline football --dry-run

        \(Help.exitCodes)
        """
    )

    @OptionGroup public var options: PipelineOptions

    @Flag(name: .customLong("discover"), help: "Discover units instead of reading them from stdin.")
    public var discover = false

    @Option(name: .customLong("units"), help: "Read units from this NDJSON file ('-' for stdin).")
    public var unitsFile: String?

    @Flag(name: .customLong("force"), help: "Store payloads again even when the same bytes are stored.")
    public var force = false

    @Flag(name: .customLong("dry-run"), help: "Only say what would be stored; write nothing.")
    public var dryRun = false

    @Flag(name: .customLong("no-records"), help: "Store payloads but do not emit records.")
    public var noRecords = false

    public init() {}

    public func run() throws {
        let config = try options.loadConfig()
        let ws = options.workspace
        let units: [WorkUnit]
        if let unitsFile {
            units = try readUnits(unitsFile)
        } else if discover || !Self.stdinHasData() {
            units = try Discovery.units(of: config)
        } else {
            units = try readUnits("-")
        }
        let extractor = Extractor(config: config, workspace: ws, now: try options.timestamp(), out: Console.stdout)
        extractor.force = force
        extractor.dryRun = dryRun
        extractor.emitRecords = !noRecords
        var failed = 0
        var stored = 0
        var unchanged = 0
        var records = 0
        let progress = Progress(tool: "extract")
        for (i, unit) in units.enumerated() {
            progress.update(done: i, total: units.count, what: "units", extra: "\(records) records")
            switch Self.extractOne(extractor, unit) {
            case .success(let r):
                switch r.status {
                case .stored: stored += 1
                case .unchanged: unchanged += 1
                case .planned: Console.info(tool: "extract", "would store \(unit.id) as \(r.rawPath ?? "")")
                case .failed: failed += 1
                }
                records += r.records
            case .failure(let error):
                if error.kind == .brokenPipe || error.kind == .usage { throw error }
                // A failed unit is reported and the others go on.
                failed += 1
                var e = error
                if e.location == nil { e.location = SourceLocation(file: unit.path, unit: unit.id) }
                Console.error(tool: "extract", e)
            }
        }
        try Console.flushStdout()
        progress.finish()
        if !dryRun {
            Console.info(tool: "extract", "\(units.count) units: \(stored) stored, \(unchanged) unchanged, \(failed) failed; \(records) records")
        }
        if failed > 0 { throw PaddockError(.temporary, "\(failed) of \(units.count) units failed", hint: "run extract again to retry them") }
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

    func readUnits(_ path: String) throws(PaddockError) -> [WorkUnit] {
        let lines = LineReader(source: try Input.open(path))
        var parser = JSONParser()
        var units: [WorkUnit] = []
        while let line = try lines.next() {
            if line.isEmpty { continue }
            units.append(try WorkUnit.parse(line, parser: &parser, file: lines.source.name, lineNumber: lines.lineNumber))
        }
        return units
    }
}

#if canImport(Glibc)
import Glibc
#endif
