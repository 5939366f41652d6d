import Foundation
import Testing

/// publish's promise: after any crash the manifest names a complete, verifiable snapshot.
struct PublishTests {
    /// Writes `rows` generated rows as the derived table of the `bulk` test pipeline and checks them.
    static let setup = """
    set -e
    export PADDOCK_CONFIG_DIR=Tests/fixtures/config
    mkdir -p "$DATA_DIR/derived/bulk"
    awk -v n="$ROWS" 'BEGIN { for (i = 1; i <= n; i++) printf "{\\"id\\":%d,\\"name\\":\\"runner %d, \\\\\\"quoted\\\\\\"\\",\\"day\\":\\"2024-%02d-%02d\\",\\"note\\":\\"line one\\\\nline two\\"}\\n", i, i, i % 12 + 1, i % 28 + 1 }' \\
      > "$DATA_DIR/derived/bulk/rows.ndjson"
    dq-check --pipeline bulk --now 2025-01-01T00:00:00Z 2>/dev/null
    """

    @Test("SIGKILL at 50 random moments: the manifest always verifies, and a re-run completes")
    func crashTest() throws {
        let scratch = try ToolRunner.makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let r = try ToolRunner.run(Self.setup + """

        # One whole publish, timed: the kills below land at random moments within that time.
        t0=$EPOCHREALTIME
        publish --pipeline bulk --now 2025-01-01T00:00:00Z --run-id base 2>/dev/null
        duration=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
        killed=0 verified=0
        for i in $(seq 1 50); do
          publish --pipeline bulk --now 2025-01-02T00:00:00Z --run-id "run$i" 2>/dev/null &
          pid=$!
          sleep "$(awk -v d="$duration" -v r="$RANDOM" 'BEGIN { printf "%.3f", d * r / 32768 }')"
          kill -9 "$pid" 2>/dev/null && killed=$((killed + 1)) || true
          wait "$pid" 2>/dev/null || true
          python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$DATA_DIR/processed/bulk/latest_successful_run.json"
          publish --pipeline bulk --verify 2>/dev/null && verified=$((verified + 1))
        done
        echo "verified $verified of 50 (killed mid-run: $killed)"
        # Re-running the last killed publication completes it.
        publish --pipeline bulk --now 2025-01-02T00:00:00Z --run-id run50 2>/dev/null
        publish --pipeline bulk --verify 2>&1
        python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["run_id"])' "$DATA_DIR/processed/bulk/latest_successful_run.json"
        ls "$DATA_DIR/processed/bulk/snapshots" | wc -l
        # Retention: after six more complete runs, publish.keep (5) snapshots remain, the newest.
        for d in 1 2 3 4 5 6; do publish --pipeline bulk --now "2025-02-0${d}T00:00:00Z" --run-id "later$d" 2>/dev/null; done
        ls "$DATA_DIR/processed/bulk/snapshots" | tr '\n' ' '; echo
        ls -a "$DATA_DIR/processed/bulk" | grep -c '^\\.staging-\\|^\\.paddock-tmp-' || true
        """, scratch: scratch, extraEnv: ["ROWS": "150000"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 6, "\(r.stdout)\n\(r.stderr)")
        #expect(lines[0].hasPrefix("verified 50 of 50"))
        // Some kills must land while publish is running, or the test proves nothing.
        let killed = Int(lines[0].split(separator: " ").last!.dropLast()) ?? 0
        #expect(killed >= 25, "\(lines[0])")
        #expect(lines[1].hasPrefix("publish: verified "))
        #expect(lines[2] == "run50")
        // Completed runs beyond publish.keep (5) were deleted; how many completed depends on the kills.
        #expect((1...5).contains(Int(lines[3]) ?? 0), "\(lines[3]) snapshots")
        #expect(lines[4] == "later2 later3 later4 later5 later6 ")
        #expect(lines[5] == "0")  // nothing half-written left behind
    }

    @Test("truncating or flipping one byte of a published file fails --verify, naming the file", arguments: ["truncate", "flip"])
    func corruption(_ how: String) throws {
        let scratch = try ToolRunner.makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let damage = how == "truncate"
            ? "truncate -s -1 \"$f\""
            : "printf '\\\\x00' | dd of=\"$f\" bs=1 seek=100 count=1 conv=notrunc 2>/dev/null"
        let r = try ToolRunner.run(Self.setup + """

        publish --pipeline bulk --now 2025-01-01T00:00:00Z --run-id one 2>/dev/null
        f="$DATA_DIR/processed/bulk/snapshots/one/rows.csv.zst"
        chmod u+w "$f"
        \(damage)
        publish --pipeline bulk --verify
        """, scratch: scratch, extraEnv: ["ROWS": "2000"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("publish: mismatch: $TMP/data/processed/bulk/snapshots/one/rows.csv.zst: sha256 "))
        #expect(!r.stderr.contains("rows.ndjson.zst"))
        #expect(r.stderr.contains("publish: error: "))
    }

    @Test("a second publish while one runs exits 75 and names the holder")
    func concurrentPublish() throws {
        let scratch = try ToolRunner.makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let r = try ToolRunner.run(Self.setup + """

        mkdir -p "$DATA_DIR/processed/bulk"
        exec 9> "$DATA_DIR/processed/bulk/.publish.lock"
        flock 9
        echo "pid 1, run other" >&9
        set +e
        publish --pipeline bulk --now 2025-01-01T00:00:00Z --run-id two
        echo "exit $?"
        """, scratch: scratch, extraEnv: ["ROWS": "10"])
        #expect(r.stdout == "exit 75\n")
        #expect(r.stderr.contains("publish: error: "))
        #expect(r.stderr.contains("another publish of bulk is running"))
    }
}
