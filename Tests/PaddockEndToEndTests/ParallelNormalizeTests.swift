import Foundation
import Testing

/// Table mode on worker threads gives the very bytes of one thread: rows, quarantine (in input order,
/// with the same origins) and stats, from CSV and from NDJSON, over many batches with bad rows among them.
struct ParallelNormalizeTests {
    @Test("--threads 1, 2 and 3 write identical output, quarantine and stats, from CSV and NDJSON")
    func threadsGiveTheSameBytes() throws {
        let r = try ToolRunner.runInScratch("""
        set -euo pipefail
        python3 scripts/gen_racing.py runners --rows 30000 --seed 5 --out "$TMP/clean.csv"
        # Plant bad rows: unreadable prices, ragged rows, invalid UTF-8, blank lines, quoted line breaks, stray quotes.
        awk -f "$FIXTURES/plant_bad_runners.awk" "$TMP/clean.csv" > "$TMP/runners.csv"
        # The NDJSON input: the rows conversion can read (the ragged and non-UTF-8 ones go to its rejects).
        normalize --input-format csv --output-format ndjson --rejects "$TMP/rejects.ndjson" "$TMP/runners.csv" > "$TMP/runners.ndjson" 2>/dev/null
        for input in csv ndjson; do
          for t in 1 2 3; do
            normalize --pipeline racing --table runners --threads $t "$TMP/runners.$input" \\
              --quarantine "$TMP/q-$input-$t.ndjson" --stats "$TMP/s-$input-$t.json" > "$TMP/o-$input-$t.ndjson" 2>/dev/null
          done
          for t in 2 3; do
            cmp "$TMP/o-$input-1.ndjson" "$TMP/o-$input-$t.ndjson"
            cmp "$TMP/q-$input-1.ndjson" "$TMP/q-$input-$t.ndjson"
            cmp "$TMP/s-$input-1.json" "$TMP/s-$input-$t.json"
          done
          echo "$input: $(cat "$TMP/s-$input-1.json")"
          echo "$input quarantine: $(python3 -c 'import json,sys,collections; c=collections.Counter((r["field"], r["rule"]) for r in map(json.loads, open(sys.argv[1]))); print(sorted(c.items(), key=str))' "$TMP/q-$input-1.ndjson")"
        done
        # CRLF line ends, cut into pieces the same way.
        sed 's/$/\r/' "$TMP/runners.csv" > "$TMP/crlf.csv"
        for t in 1 3; do
          normalize --pipeline racing --table runners --threads $t "$TMP/crlf.csv" --quarantine "$TMP/qc-$t.ndjson" > "$TMP/oc-$t.ndjson" 2>/dev/null
        done
        cmp "$TMP/oc-1.ndjson" "$TMP/oc-3.ndjson"
        cmp "$TMP/qc-1.ndjson" "$TMP/qc-3.ndjson"
        # The rows from CSV and from NDJSON agree.
        cmp "$TMP/o-csv-1.ndjson" "$TMP/o-ndjson-1.ndjson" && echo "csv = ndjson"
        """)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(r.stdout)")
        // 30 prices (997), 32 ragged rows (1999, 1709), 11 rows with invalid UTF-8 (2503); 30000 = written + quarantined.
        #expect(lines.first?.hasPrefix("csv: {") == true && lines.first?.contains("\"records_in\":30000,") == true, "\(r.stdout)")
        #expect(lines.last == "csv = ndjson", "\(r.stdout)")
        #expect(lines[1].contains("('odds_decimal', 'parser')"), "\(r.stdout)")
        #expect(lines[1].contains("(None, 'csv')"), "\(r.stdout)")
        #expect(lines[1].contains("(None, 'encoding')"), "\(r.stdout)")
        #expect(lines[2].hasPrefix("ndjson: {") && lines[2].contains("\"quarantined\":30,\"records_in\":29957,\"version\":1,\"written\":29927}"), "\(r.stdout)")
    }
}
