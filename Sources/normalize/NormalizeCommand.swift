import PaddockCLI
import PaddockCore
import PaddockNormalize

/// `normalize`: maps raw records onto typed canonical tables, or converts between CSV and NDJSON.
public struct NormalizeCommand: Command {
    public static let name = "normalize"
    public static let abstract = "Map raw records onto typed canonical tables, quarantining what cannot be mapped; or convert between CSV and NDJSON."
    public static let discussion = """
    With --pipeline and --table, records (NDJSON from extract) are mapped onto the table declared in \
    config/pipelines/<pipeline>.yaml: fields are parsed and typed, constraints are checked, and rows that \
    fail go to the quarantine file with their origin and reason. Records in = written + quarantined + filtered.

    With no table, normalize is a lossless format converter: CSV to NDJSON gives one object per row with \
    every value a string ("" for empty fields) and keys in header order; NDJSON to CSV takes the header \
    from the first record's keys.

    Reads the FILE arguments in order, or stdin when there is none or for '-'. Files ending in .zst, or \
    starting with the zstd magic number, are decompressed. Data goes to stdout, messages to stderr.

    EXAMPLES
      normalize --input-format csv --output-format ndjson < in.csv > out.ndjson
      normalize --output-format csv runners.ndjson.zst > runners.csv
      normalize --encoding cp1252 --input-format csv E0.csv | head -3
      extract --pipeline football | normalize --pipeline football \\
          --table matches > matches.ndjson

    \(Help.transforms)

    \(Help.parsers)

    \(Help.exitCodes)
    """

    public var format = FormatOptions()
    public var folders = FolderOptions()
    public var pipeline, table, quarantine, rejects, output, stats: String?
    public var threads: Int?
    public var listTables = false, check = false
    public var files: [String] = []

    public init() {}

    public static var options: [OptionSpec<Self>] {[
        .group(\.format),
        .value("pipeline", \.pipeline, help: "Pipeline name; its definition is config/pipelines/<name>.yaml."),
        .value("table", \.table, help: "Canonical table to produce (needs --pipeline)."),
        .group(\.folders),
        .value("quarantine", \.quarantine, help: "Where rejected records go, as NDJSON (default with --table: data/derived/<pipeline>/<table>.quarantine.ndjson)."),
        .value("rejects", \.rejects, help: "In conversion mode, write unreadable records here (NDJSON with file, line, error, raw) and go on, instead of stopping at the first one."),
        .value("output", \.output, help: "Write the output to this file atomically instead of stdout."),
        .value("stats", \.stats, help: "Write run statistics (records in, written, quarantined, filtered) to this JSON file."),
        .value("threads", \.threads, help: "Table mode: worker threads mapping records (default: the number of CPUs, at most 4; 1 maps on the calling thread). Output is the same whatever the number."),
        .flag("list-tables", \.listTables, help: "Print the tables the pipeline declares, one per line, and exit."),
        .flag("check", \.check, help: "Only check the pipeline definition (needs --pipeline): exit 0 when it is valid, 2 listing every problem (file:line:column)."),
        .positional("files", \.files, help: "Input files ('-' for stdin). Default: stdin."),
    ]}

    public func validate() throws(UsageError) {
        if table != nil && pipeline == nil { throw UsageError("--table needs --pipeline") }
        if check && pipeline == nil { throw UsageError("--check needs --pipeline") }
        if pipeline != nil && table == nil && !listTables && !check { throw UsageError("--pipeline needs --table (or --list-tables)") }
        if listTables && pipeline == nil { throw UsageError("--list-tables needs --pipeline") }
    }

    public func run() throws(PaddockError) {
        if check, let pipeline {
            _ = try loadPipeline(pipeline, from: folders.workspace, checkOnly: true)
        }
        if listTables, let pipeline {
            let config = try loadPipeline(pipeline, from: folders.workspace, checkOnly: false)
            var out = Console.stdout
            for t in config.tables { out.appendString(t.name + "\n") }
            return
        }
        if let pipeline, let table {
            try runMapping(pipeline: pipeline, table: table)
        } else {
            try runConversion()
        }
    }

    func runConversion() throws(PaddockError) {
        let inputs = files.isEmpty ? ["-"] : files
        let out = try OutputTarget(path: output)
        var rejectWriter: NDJSONRejectWriter? = nil
        var rejectTarget: OutputTarget? = nil
        if let rejects {
            let t = try OutputTarget(path: rejects)
            rejectTarget = t
            rejectWriter = NDJSONRejectWriter(out: t.buffer)
        }
        var total = ConversionStats()
        for (index, path) in inputs.enumerated() {
            let inFormat = format.inputFormat ?? RecordFormat.guess(path: path) ?? .ndjson
            var converter = FormatConverter(inputFormat: inFormat, outputFormat: format.outputFormat ?? .ndjson)
            converter.csvOptions = try format.csvReadOptions()
            converter.csvWriter = try format.csvWriter()
            if index > 0 && inFormat == .csv && converter.outputFormat == .csv {
                // Only the first file's header is written when several CSV files are concatenated.
                converter.csvOptions.hasHeader = true
            }
            let source = try Input.open(path)
            let s = try converter.run(input: source, output: out.buffer, rejects: rejectWriter)
            total.recordsIn += s.recordsIn
            total.recordsOut += s.recordsOut
            total.rejected += s.rejected
        }
        try out.commit()
        try rejectTarget?.commit()
        if total.rejected > 0, let rejects {
            Console.warning(tool: "normalize", "\(total.rejected) of \(total.recordsIn) records rejected, see \(rejects)")
        }
        if let stats {
            try AtomicFileSink.write("{\"records_in\":\(total.recordsIn),\"written\":\(total.recordsOut),\"rejected\":\(total.rejected)}\n", to: stats)
        }
    }
}
