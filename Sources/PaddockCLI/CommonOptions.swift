import PaddockCore
import PaddockChecks
#if canImport(Glibc)
import Glibc
#endif

/// Record format options shared by every tool that reads or writes records.
public struct FormatOptions: ParsableOptions {
    public var inputFormat, outputFormat: RecordFormat?
    public var delimiter = ","
    public var encoding = "utf-8"
    public var noHeader = false, crlf = false

    public init() {}

    public static var options: [OptionSpec<Self>] {[
        .value("input-format", \.inputFormat, help: "Input record format: csv or ndjson (default: from the file name, else ndjson)."),
        .value("output-format", \.outputFormat, help: "Output record format: csv or ndjson (default: ndjson)."),
        .value("delimiter", \.delimiter, help: "CSV field delimiter, one ASCII character; 'tab' for a tab."),
        .flag("no-header", \.noHeader, help: "CSV input has no header row; columns are named 1, 2, ..."),
        .value("encoding", \.encoding, help: "Input text encoding: utf-8, cp1252 (windows-1252) or latin1."),
        .flag("crlf", \.crlf, help: "End CSV output rows with CRLF instead of LF."),
    ]}

    public func delimiterByte() throws(PaddockError) -> UInt8 {
        guard let b = CSVReadOptions.delimiterByte(named: delimiter) else {
            throw PaddockError(.usage, "--delimiter must be one ASCII character other than a quote or line break, or 'tab'")
        }
        return b
    }

    public func csvReadOptions() throws(PaddockError) -> CSVReadOptions {
        var o = CSVReadOptions()
        o.delimiter = try delimiterByte()
        o.hasHeader = !noHeader
        guard let enc = TextEncoding(name: encoding) else {
            throw PaddockError(.usage, "unknown --encoding '\(encoding)'", hint: "use utf-8, cp1252 or latin1")
        }
        o.encoding = enc
        return o
    }

    public func csvWriter() throws(PaddockError) -> CSVWriter {
        CSVWriter(delimiter: try delimiterByte(), crlf: crlf)
    }
}

/// The folders of pipeline definitions and of data: every tool that reads a pipeline takes them.
public struct FolderOptions: ParsableOptions {
    public var configDir, dataDir: String?

    public init() {}

    public static var options: [OptionSpec<Self>] {[
        .value("config-dir", \.configDir, help: "Folder of pipeline definitions (default: $PADDOCK_CONFIG_DIR or config)."),
        .value("data-dir", \.dataDir, help: "Data folder (default: $DATA_DIR or data)."),
    ]}

    public var workspace: Workspace { Workspace(configDir: configDir, dataDir: dataDir) }
}

/// Options shared by the tools that work on a pipeline.
public struct PipelineOptions: ParsableOptions {
    public var pipeline = ""
    public var folders = FolderOptions()
    public var now: String?
    public var check = false

    public init() {}

    public static var options: [OptionSpec<Self>] {[
        .required("pipeline", \.pipeline, help: "Pipeline name; its definition is <config-dir>/pipelines/<name>.yaml."),
        .group(\.folders),
        .value("now", \.now, help: "The current time, ISO 8601 or epoch seconds; fixes timestamps for reproducible runs."),
        .flag("check", \.check, help: "Only check the pipeline definition: exit 0 when it is valid, 2 listing every problem (file:line:column)."),
    ]}

    public var workspace: Workspace { folders.workspace }

    public func loadConfig() throws(PaddockError) -> PipelineConfig { try loadPipeline(pipeline, from: workspace, checkOnly: check) }

    public func timestamp() throws(PaddockError) -> Timestamp {
        guard let now else { return Timestamp.now() }
        guard let t = Timestamp(parsing: now) else {
            throw PaddockError(.usage, "invalid --now '\(now)'", hint: "use ISO 8601 (2025-05-25T18:00:00Z) or epoch seconds")
        }
        return t
    }
}

/// Loads a pipeline definition for a tool, before it reads any data: its warnings (old spellings of
/// keys) go to stderr; with `checkOnly`, a valid definition is reported and the tool exits 0.
public func loadPipeline(_ name: String, from workspace: Workspace, checkOnly: Bool) throws(PaddockError) -> PipelineConfig {
    let config = try workspace.loadPipeline(name, checks: CheckRegistry.catalog)
    for w in config.warnings { Console.warning(tool: Console.tool, w.description) }
    if checkOnly {
        Console.info(tool: Console.tool, "\(config.file): ok (\(config.sources.count) sources, \(config.tables.count) tables, \(config.checks.count) checks)")
        exit(0)
    }
    return config
}


/// The date window of http sources with a date parameter.
public struct WindowOptions: ParsableOptions {
    public var from, to: String?
    public var daysBack: Int?

    public init() {}

    public static var options: [OptionSpec<Self>] {[
        .value("from", \.from, help: "First date of the window (YYYY-MM-DD, today or today-N)."),
        .value("to", \.to, help: "Last date of the window (default with --from: today)."),
        .value("days-back", \.daysBack, help: "The window is the last N days up to today (--now's date)."),
    ]}

    /// The window asked for, or nil for each source's own dates.from/to.
    public func window(now: Timestamp) throws(PaddockError) -> DateWindow? {
        if let daysBack {
            guard from == nil && to == nil else { throw PaddockError(.usage, "--days-back cannot be combined with --from or --to") }
            guard daysBack >= 0 else { throw PaddockError(.usage, "--days-back must be 0 or more") }
            let today = Int((Double(now.seconds) / 86400).rounded(.down))
            return DateWindow(from: today - daysBack, to: today)
        }
        guard from != nil || to != nil else { return nil }
        guard let f = from else { throw PaddockError(.usage, "--to needs --from") }
        guard let a = DateWindow.day(f, now: now) else { throw PaddockError(.usage, "invalid --from '\(f)'", hint: "use YYYY-MM-DD, today or today-N") }
        guard let b = DateWindow.day(to ?? "today", now: now) else { throw PaddockError(.usage, "invalid --to '\(to ?? "")'", hint: "use YYYY-MM-DD, today or today-N") }
        guard a <= b else { throw PaddockError(.usage, "--from \(f) is after --to \(to ?? "today")") }
        return DateWindow(from: a, to: b)
    }
}
