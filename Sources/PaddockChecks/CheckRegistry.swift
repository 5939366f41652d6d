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

