import PaddockCore

/// Text shared by every tool's `--help`.
public enum Help {
    public static let exitCodes = """
    EXIT CODES
      0   success
      1   the answer is negative (checks failed, verification mismatch)
      2   runtime error (bad input, parse error, I/O error, bad config)
      64  usage error (unknown option, bad argument)
      75  temporary failure worth retrying (lock held, upstream unavailable)
    """
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

    /// Rows of a name and a text, the texts in one column, wrapped at 80 columns with a hanging indent.
    static func list(_ rows: [(String, String)], width: Int = 80) -> String {
        let column = min(2 + (rows.map(\.0.count).max() ?? 0) + 2, 26)
        let pad = String(repeating: " ", count: column)
        var out: [String] = []
        for (name, text) in rows {
            var line = "  " + name
            if line.count + 1 >= column {
                out.append(line)
                line = pad
            } else {
                line += String(repeating: " ", count: column - line.count)
            }
            var first = true
            for word in text.split(separator: " ") {
                if !first && line.count + 1 + word.count > width - 1 {
                    out.append(line)
                    line = pad + word
                } else {
                    line += (first ? "" : " ") + word
                }
                first = false
            }
            out.append(line)
        }
        return out.joined(separator: "\n")
    }
}
