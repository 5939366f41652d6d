@testable import PaddockCLI
import PaddockCore
import Testing

/// A command with one option of every kind, and a shared group, as the tools declare them.
private struct Sample: Command {
    static let name = "sample"
    static let abstract = "A sample command."
    static let discussion = "What it does."

    var pipeline = PipelineOptions()
    var format: RecordFormat?
    var limit = 20
    var tags: [String] = []
    var verbose = false
    var files: [String] = []

    static var options: [OptionSpec<Self>] {[
        .group(\.pipeline),
        .value("format", \.format, help: "The format."),
        .value("limit", \.limit, help: "The limit."),
        .repeated("tag", \.tags, help: "A tag (repeatable)."),
        .flag("verbose", \.verbose, help: "Say more."),
        .positional("files", \.files, help: "Input files."),
    ]}

    func validate() throws(UsageError) {
        if tags.contains("bad") { throw UsageError("--tag bad is refused") }
    }

    func run() throws(PaddockError) {}
}

/// A command without positional arguments.
private struct NoFiles: Command {
    static let name = "nofiles"
    static let abstract = "No files."
    static let discussion = ""
    var check = false
    static var options: [OptionSpec<Self>] {[.flag("check", \.check, help: "Check.")]}
    func run() throws(PaddockError) {}
}

@Suite("command-line parser")
struct CommandLineParserTests {
    private func parse(_ args: String) throws(UsageError) -> Sample? {
        try CommandLineParser.parse(Sample.self, args.split(separator: " ").map(String.init))
    }

    private func usageError(_ args: String) -> String? {
        do throws(UsageError) {
            _ = try parse(args)
            return nil
        } catch {
            return error.message
        }
    }

    @Test("both --name value and --name=value; groups fill their property; the last of a single option counts")
    func forms() throws {
        let s = try #require(try parse("--pipeline football --format=csv --limit 3 --limit=4 --data-dir=/d --verbose"))
        #expect(s.pipeline.pipeline == "football")
        #expect(s.pipeline.folders.dataDir == "/d")
        #expect(s.format == .csv)
        #expect(s.limit == 4)
        #expect(s.verbose)
    }

    @Test("defaults stay when an option is not given")
    func defaults() throws {
        let s = try #require(try parse("--pipeline p"))
        #expect(s.limit == 20 && s.format == nil && s.tags.isEmpty && !s.verbose && !s.pipeline.check)
    }

    @Test("repeatable options keep every value in order; positionals too, '-' among them")
    func repeatedAndPositional() throws {
        let s = try #require(try parse("a --tag x --pipeline p - --tag y b"))
        #expect(s.tags == ["x", "y"])
        #expect(s.files == ["a", "-", "b"])
    }

    @Test("-- ends the options: what follows is positional")
    func doubleDash() throws {
        let s = try #require(try parse("--pipeline p -- --verbose -x"))
        #expect(!s.verbose)
        #expect(s.files == ["--verbose", "-x"])
    }

    @Test("-h or --help anywhere before -- asks for the help, whatever else is there")
    func help() throws {
        #expect(try parse("--nope -h") == nil)
        #expect(try parse("--limit x --help") == nil)
        #expect(try parse("--pipeline p -- --help")?.files == ["--help"])
    }

    @Test("usage errors, worded as before", arguments: [
        ("--pipeline p --no-such-option", "Unknown option '--no-such-option'"),
        ("--pipeline p --limt 3", "Unknown option '--limt'. Did you mean '--limit'?"),
        ("--pipeline p --Help", "Unknown option '--Help'. Did you mean '--help'?"),
        ("--pipeline p -x", "Unknown option '-x'"),
        ("--pipeline p --limit x", "The value 'x' is invalid for '--limit <limit>'"),
        ("--pipeline p --format xml", "The value 'xml' is invalid for '--format <format>'. Please provide one of 'csv' and 'ndjson'."),
        ("--pipeline p --limit", "Missing value for '--limit <limit>'"),
        ("--pipeline p --limit=", "Missing value for '--limit <limit>'"),
        ("--pipeline p --limit -3", "Missing value for '--limit <limit>'"),
        ("--pipeline p --verbose=yes", "The option '--verbose' does not take any value, but 'yes' was specified."),
        ("--pipeline p --help=1", "The option '--help' does not take any value, but '1' was specified."),
        ("--limit 3", "Missing expected argument '--pipeline <pipeline>'"),
        ("--pipeline p --tag bad", "--tag bad is refused"),
    ])
    func errors(_ args: String, _ message: String) {
        #expect(usageError(args) == message)
    }

    @Test("a value that starts with '-' goes with '='")
    func dashValue() throws {
        #expect(try parse("--pipeline p --limit=-3")?.limit == -3)
    }

    @Test("an argument where there are no positionals is unexpected")
    func unexpected() {
        #expect(throws: UsageError("Unexpected argument 'extra'")) { try CommandLineParser.parse(NoFiles.self, ["--check", "extra"]) }
    }

    @Test("'a' and 'b'; 'a', 'b' or 'c'")
    func alternatives() {
        #expect(CommandLineParser.alternatives(["all", "new", "none"]) == "'all', 'new' or 'none'")
        #expect(CommandLineParser.alternatives(["csv", "ndjson"]) == "'csv' and 'ndjson'")
    }
}

@Suite("help screen")
struct HelpTests {
    @Test("the usage line lists each option; help lists each with its values and default, within 79 columns")
    func screen() {
        #expect(Help.usage(Sample.self) == "sample --pipeline <pipeline> [--config-dir <config-dir>] [--data-dir <data-dir>] [--now <now>] [--check] [--format <format>] [--limit <limit>] [--tag <tag> ...] [--verbose] [<files> ...]")
        let text = Help.screen(Sample.self)
        #expect(text.hasPrefix("OVERVIEW: A sample command.\n\nWhat it does.\n\nUSAGE: sample --pipeline <pipeline> [--config-dir <config-dir>]\n              [--data-dir <data-dir>]"))
        #expect(text.contains("\nARGUMENTS:\n  <files>                 Input files.\n\nOPTIONS:\n"))
        #expect(text.contains("\n  --format <format>       The format. (values: csv, ndjson)\n"))
        #expect(text.contains("\n  --limit <limit>         The limit. (default: 20)\n"))
        #expect(text.contains("\n  --config-dir <config-dir>\n                          Folder of pipeline definitions (default:\n"))
        #expect(text.hasSuffix("  -h, --help              Show help information.\n\n"))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 79 })
    }

    @Test("long lines are wrapped at spaces; an indented one (an example) goes on 4 columns further in")
    func paragraphs() {
        let example = "  tool " + Array(repeating: "--option value", count: 6).joined(separator: " ")
        #expect(Help.paragraphs(example) == "  tool --option value --option value --option value --option value --option\n      value --option value")
        #expect(Help.paragraphs("short\n\nlines") == "short\n\nlines")
    }
}
