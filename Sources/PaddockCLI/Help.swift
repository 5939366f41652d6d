import PaddockCore

/// The `--help` screen and the usage line, both made from a command's options table.
public enum Help {
    /// Text shared by every tool's `--help`.
    public static let exitCodes = """
    EXIT CODES
      0   success
      1   the answer is negative (checks failed, verification mismatch)
      2   runtime error (bad input, parse error, I/O error, bad config)
      64  usage error (unknown option, bad argument)
      75  temporary failure worth retrying (lock held, upstream unavailable)
    """

    /// The longest line of a help screen: 79 characters, which fit 80 columns with the cursor after them.
    static let lineLength = 79
    /// The column where the help of each option starts.
    static let helpColumn = 26

    /// The whole `--help` screen: OVERVIEW, the discussion, USAGE, ARGUMENTS and OPTIONS, each option with
    /// its help, the values it accepts and its default.
    public static func screen<C: Command>(_ type: C.Type) -> String {
        let table = OptionSpec.flatten(C.options)
        var out = lines(wrap(words("OVERVIEW: " + C.abstract), first: lineLength, rest: lineLength)) + "\n\n"
        out += paragraphs(C.discussion) + "\n\n"
        let lead = "USAGE: \(C.name) "
        let usage = wrap(synopsis(table).map { Substring($0) }, first: lineLength - lead.count, rest: lineLength - lead.count)
        out += lead + lines(usage, indent: lead.count) + "\n\n"
        let positionals = table.filter { $0.kind == .positional }
        if !positionals.isEmpty {
            out += "ARGUMENTS:\n" + positionals.map { entry($0.label, $0.help) }.joined() + "\n"
        }
        out += "OPTIONS:\n"
        for spec in table where spec.kind != .positional {
            var notes: [String] = []
            if let choices = spec.choices { notes.append("values: " + choices.joined(separator: ", ")) }
            if let d = spec.defaultText() { notes.append("default: " + d) }
            out += entry(spec.label, spec.help + (notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")"))
        }
        return out + entry("-h, --help", "Show help information.") + "\n"
    }

    /// The usage line of error messages, on one line: `tool [<options>] --pipeline <pipeline>`.
    public static func usage<C: Command>(_ type: C.Type) -> String {
        ([C.name] + synopsis(OptionSpec.flatten(C.options))).joined(separator: " ")
    }

    /// Each option as in the usage line (`[--name <name>]`); with more than 12, only `[<options>]` and
    /// those that must be given or are positional.
    static func synopsis<C>(_ table: [OptionSpec<C>]) -> [String] {
        let shown = table.count > 12 ? table.filter { $0.isRequired || $0.kind == .positional } : table
        let items = shown.map { spec in
            switch spec.kind {
            case .repeated, .positional: return "[\(spec.label) ...]"
            default: return spec.isRequired ? spec.label : "[\(spec.label)]"
            }
        }
        return table.count > 12 ? ["[<options>]"] + items : items
    }

    /// `  label` padded to the help column, then the help wrapped in that column; a label too long for
    /// it stands on a line of its own.
    static func entry(_ label: String, _ help: String, column: Int = helpColumn) -> String {
        let lead = "  " + label
        let text = lines(wrap(words(help), first: lineLength - column, rest: lineLength - column), indent: column)
        if lead.count < column { return lead + String(repeating: " ", count: column - lead.count) + text + "\n" }
        return lead + "\n" + String(repeating: " ", count: column) + text + "\n"
    }

    /// Text whose lines longer than `lineLength` are wrapped; a wrapped line that is indented (an
    /// example) goes on 4 columns further in.
    static func paragraphs(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard line.count > lineLength else { return String(line) }
            let indent = line.prefix(while: { $0 == " " }).count
            let hanging = indent == 0 ? 0 : indent + 4
            let pieces = wrap(words(line), first: lineLength - indent, rest: lineLength - hanging)
            return String(repeating: " ", count: indent) + lines(pieces, indent: hanging)
        }.joined(separator: "\n")
    }

    static func words<S: StringProtocol>(_ text: S) -> [Substring] {
        String(text).split(separator: " ")
    }

    /// The words in lines of at most `first` characters for the first line and `rest` for the others;
    /// a longer word stands alone.
    static func wrap(_ words: [Substring], first: Int, rest: Int) -> [String] {
        var result: [String] = []
        var line = ""
        for word in words {
            let width = result.isEmpty ? first : rest
            if !line.isEmpty && line.count + 1 + word.count > width {
                result.append(line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        return result + [line]
    }

    /// The lines joined, each after the first indented by `indent` spaces.
    static func lines(_ lines: [String], indent: Int = 0) -> String {
        lines.joined(separator: "\n" + String(repeating: " ", count: indent))
    }
}

extension Help {
    /// The transforms a field can apply, one per line from the transform table (`Transforms`).
    public static var transforms: String {
        "TRANSFORMS (a field's transforms:, applied in order before its parser)\n"
            + list(Transforms.entries.map { ($0.usage, $0.summary) })
    }

    /// The value parsers a field can name, one per line from the parser table (`FieldParsers`), with
    /// the options each takes.
    public static var parsers: String {
        "PARSERS (a field's parser: NAME, or {name: NAME, OPTION: VALUE, ...})\n"
            + list(FieldParsers.entries.map { e in
                var text = e.summary
                let options = e.options.filter { $0 != .part }.map(\.rawValue)
                if !options.isEmpty { text += "; options: \(options.joined(separator: ", "))" }
                if !e.parts.isEmpty { text += "; part: \(e.parts.joined(separator: ", ")) (default \(e.parts[0]))" }
                return (e.name, text)
            })
    }

    /// Rows of a name and a text, the texts in one column (after the longest name, at most at the options'
    /// help column), wrapped with a hanging indent: the entries of a registry.
    public static func list(_ rows: [(String, String)]) -> String {
        let column = min(2 + (rows.map(\.0.count).max() ?? 0) + 2, helpColumn)
        return String(rows.map { entry($0.0, $0.1, column: column) }.joined().dropLast())
    }
}
