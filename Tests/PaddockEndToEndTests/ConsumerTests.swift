import Foundation
import Testing

/// The published snapshot read by the tools analysts use: DuckDB, pandas and polars (installed by
/// `make test` in .venv-test) must get exactly the rows of the derived table, after verifying.
struct ConsumerTests {
    static let python = ToolRunner.repoRoot + "/.venv-test/bin/python"

    @Test("DuckDB, pandas and polars read the published CSV and NDJSON snapshots and get the derived rows",
          arguments: ["duckdb", "pandas", "polars"])
    func consumersGetTheDerivedRows(_ consumer: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.python),
                     "no \(Self.python): run 'make test' (its test-venv step installs duckdb, pandas, polars)")
        let scratch = try ToolRunner.makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let r = try ToolRunner.run("""
        set -e
        scripts/run_pipeline.sh --pipeline football --now 2025-06-01T00:00:00Z 2>/dev/null
        publish --pipeline football --verify 2>/dev/null
        "\(Self.python)" Tests/fixtures/read_snapshot.py "\(consumer)" "$DATA_DIR/processed/football" "$DATA_DIR/derived/football/matches.ndjson"
        """, scratch: scratch)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == """
        \(consumer) csv: 380 rows, 15 columns, equal to the derived table: True
        \(consumer) ndjson: 380 rows, 15 columns, equal to the derived table: True

        """)
    }
}
