public import PaddockCore

/// Every check type dq-check runs, in one table: each entry is one file under `Checks/` with its name,
/// keys, spec, reading, validation, run and a line about it. The pipeline compiler reads checks through
/// it; `dq-check --list-checks` and docs/checks.md list its entries.
public enum CheckRegistry {
    public static let kinds: [any CheckKind.Type] = [
        UniqueCheck.self, NotNullCheck.self, RangeCheck.self, AcceptedValuesCheck.self, RegexCheck.self, RowCountCheck.self,
        RelationshipsCheck.self, GroupCountCheck.self, GroupExistsCheck.self, UnresultedCheck.self, FreshnessCheck.self,
        SchemaCheck.self, GapsCheck.self, CompareCheck.self, DateInSeasonCheck.self, DriftCheck.self,
    ]

    public static let catalog = CheckCatalog(kinds)

    /// One line per entry, its type and what it checks (for `dq-check --help`).
    public static func summaries() -> String {
        let width = kinds.map { $0.type.count }.max() ?? 0
        let indent = String(repeating: " ", count: width + 4)
        return kinds.map { kind in
            // Wrapped here, with a hanging indent, to fit the 80 columns of a help screen.
            var lines = ["  " + kind.type.padding(width) + " "]
            for word in kind.summary.split(separator: " ") {
                if lines[lines.count - 1].count + word.count + 1 > 79 { lines.append(indent + word) } else { lines[lines.count - 1] += " " + word }
            }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// The entries as the Markdown of docs/checks.md's "Keys of each check type" (a test keeps the two the same).
    public static func markdown() -> String {
        var out = "Every check takes " + CheckReading.commonKeys.map { "`\($0.name)`" }.joined(separator: ", ") + ".\n"
        for k in kinds {
            out += "\n#### `\(k.type)`\n\n\(k.summary.prefix(1).uppercased() + k.summary.dropFirst()).\n"
            guard !k.keys.isEmpty else { out += "\nNo other keys.\n"; continue }
            out += "\n| key | meaning |\n|---|---|\n"
            for key in k.keys { out += "| `\(key.name)`\(key.old.map { " (was `\($0)`)" } ?? "") | \(key.help) |\n" }
        }
        return out
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String { self + String(repeating: " ", count: Swift.max(0, width - count)) }
}
