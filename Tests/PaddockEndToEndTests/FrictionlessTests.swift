import Foundation
import Testing

/// External validation: frictionless-py (installed in .venv-test by `make test`), a validator nobody
/// here wrote, finds every derived table valid against the Table Schema normalize writes beside it.
struct FrictionlessTests {
    static let python = ToolRunner.repoRoot + "/.venv-test/bin/python"

    static func requireFrictionless() throws {
        try #require(FileManager.default.isExecutableFile(atPath: python),
                     "no \(python): run 'make test' (its test-venv step installs frictionless)")
    }

    @Test("football matches and racing races, runners and horses are valid against their Table Schemas")
    func derivedTablesAreValid() throws {
        try Self.requireFrictionless()
        let r = try ToolRunner.runInScratch("""
        set -euo pipefail
        now=2025-06-01T00:00:00Z
        out="$TMP/csv"
        mkdir -p "$out"
        # football: the embedded openfootball sample, through extract.
        extract --pipeline football --discover --now $now 2>/dev/null \\
          | normalize --pipeline football --table matches --output "$out/matches.csv" 2>/dev/null
        # racing: a generated landing tree with planted bad values (they go to quarantine, not to the tables).
        source "$FIXTURES/racing/make_tables.sh" "$out" csv --months 2 --start 2024-01 --seed 11 --runners-per-month 600 --inject-bad 8
        "\(Self.python)" "$FIXTURES/frictionless_validate.py" \\
          "$out/matches.csv" "$out/matches.schema.json" "$out/races.csv" "$out/races.schema.json" \\
          "$out/runners.csv" "$out/runners.schema.json" "$out/horses.csv" "$out/horses.schema.json"
        # the planted values were quarantined (so the check above saw real rejections kept out)
        echo "quarantined: $(cat "$out"/*.q.ndjson | wc -l)"
        """)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(r.stdout)")
        for table in ["matches", "races", "runners", "horses"] {
            #expect(lines.contains { $0.hasPrefix("\(table).csv: valid, ") }, "\(table): \(r.stdout)")
        }
        #expect(lines.first { $0.hasPrefix("matches.csv") } == "matches.csv: valid, 380 rows")
        let quarantined = Int(lines.last?.split(separator: " ").last ?? "") ?? 0
        #expect(quarantined >= 8, "\(r.stdout)")
    }

    @Test("frictionless checks the racing foreign keys: a runner whose race is missing is reported")
    func foreignKeysAreChecked() throws {
        try Self.requireFrictionless()
        let r = try ToolRunner.runInScratch("""
        set -euo pipefail
        now=2025-06-01T00:00:00Z
        out="$TMP/csv"
        source "$FIXTURES/racing/make_tables.sh" "$out" csv --months 1 --start 2024-03 --seed 3 --runners-per-month 300
        grep -c foreignKeys "$out/runners.schema.json"
        sed -i 2d "$out/races.csv"    # drop the first race: its runners now point nowhere
        "\(Self.python)" "$FIXTURES/frictionless_validate.py" \
          "$out/races.csv" "$out/races.schema.json" "$out/runners.csv" "$out/runners.schema.json" "$out/horses.csv" "$out/horses.schema.json" || echo "exit $?"
        """)
        #expect(r.stdout.hasPrefix("1\nraces.csv: valid"), "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("runners.csv: INVALID"), "\(r.stdout)")
        #expect(r.stdout.contains("foreign-key 2 None for \"race_id\""), "\(r.stdout)")
        #expect(r.stdout.contains("horses.csv: valid"), "\(r.stdout)")
        #expect(r.stdout.hasSuffix("exit 1\n"), "\(r.stdout)")
    }

    @Test("frictionless does report a row that breaks the schema (the check can fail)")
    func invalidTableIsReported() throws {
        try Self.requireFrictionless()
        let r = try ToolRunner.runInScratch("""
        extract --pipeline football --discover --now 2025-06-01T00:00:00Z 2>/dev/null \\
          | normalize --pipeline football --table matches --output "$TMP/matches.csv" 2>/dev/null
        # corrupt one goal count: the schema says integer with a minimum of 0
        sed -i '3s/,[0-9]*,\\([0-9]*\\),\\([0-9]*\\),\\([0-9]*\\),openfootball/,-4,\\1,\\2,\\3,openfootball/' "$TMP/matches.csv"
        "\(Self.python)" "$FIXTURES/frictionless_validate.py" "$TMP/matches.csv" "$TMP/matches.schema.json"
        echo "exit $?"
        """)
        #expect(r.stdout.contains("matches.csv: INVALID"), "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("constraint-error"), "\(r.stdout)")
        #expect(r.stdout.hasSuffix("exit 1\n"), "\(r.stdout)")
    }
}
