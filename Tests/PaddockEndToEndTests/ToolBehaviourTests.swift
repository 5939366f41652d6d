import Foundation
import Testing

/// End-to-end behaviour every tool shares: help, usage errors, pipes, full disks.
struct ToolBehaviourTests {
    static let tools = ["discover", "extract", "normalize", "dq-check", "publish"]

    @Test("--help exits 0 with a one-line summary, the usage and an example", arguments: tools)
    func help(_ tool: String) throws {
        let scratch = try ToolRunner.makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let r = try ToolRunner.run("\(tool) --help", scratch: scratch)
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("OVERVIEW: "))
        #expect(r.stdout.contains("USAGE: \(tool) "))
        #expect(r.stdout.contains("EXAMPLES\n  \(tool) "))
        #expect(r.stdout.contains("EXIT CODES"))
        #expect(r.stderr.isEmpty)
    }

    @Test("an unknown option exits 64 with the usage on stderr", arguments: tools)
    func unknownOption(_ tool: String) throws {
        let scratch = try ToolRunner.makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let pipeline = tool == "normalize" ? "" : "--pipeline football "
        let r = try ToolRunner.run("\(tool) \(pipeline)--no-such-option", scratch: scratch)
        #expect(r.status == 64)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("\(tool): error: Unknown option '--no-such-option'\nUsage: \(tool) "))
    }

    @Test("an unknown pipeline is a usage error naming the pipelines there are", arguments: ["discover", "extract", "dq-check", "publish"])
    func unknownPipeline(_ tool: String) throws {
        let scratch = try ToolRunner.makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let r = try ToolRunner.run("\(tool) --pipeline nope", scratch: scratch)
        #expect(r.status == 64)
        #expect(r.stderr.contains("\(tool): error: no pipeline 'nope'"))
        #expect(r.stderr.contains("pipelines: events, football, racing"), "\(r.stderr)")
    }

    @Test("--source naming a source the pipeline does not have is a usage error naming the sources there are", arguments: ["discover", "extract"])
    func unknownSource(_ tool: String) throws {
        let r = try ToolRunner.runInScratch("\(tool) --pipeline football --source nope")
        #expect(r.status == 64)
        #expect(r.stderr == "\(tool): error: pipeline football has no source 'nope'\n\(tool): hint: sources: openfootball, footballcsv, footballdata\n", "\(r.stderr)")
    }

    /// A reader that goes away early (`| head -1`) ends the writer quietly, with exit 0 and no message.
    @Test("| head -1 on a large stream: first line out, exit 0, nothing on stderr")
    func headClosesPipe() throws {
        let scratch = try ToolRunner.makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let script = """
        set -o pipefail
        { echo 'a,b,c'; seq 1 300000 | awk '{print $1",x"$1",\\"y, "$1"\\""}'; } > "$TMP/big.csv"
        normalize --input-format csv --output-format ndjson "$TMP/big.csv" 2> "$TMP/err" | head -1
        echo "pipeline status $?"
        cat "$TMP/err"
        """
        let r = try ToolRunner.run(script, scratch: scratch)
        #expect(r.stdout == "{\"a\":\"1\",\"b\":\"x1\",\"c\":\"y, 1\"}\npipeline status 0\n")
        #expect(r.stderr.isEmpty)
    }

    /// A truncated zstd stream is an unreadable input, not an end of input with one bad record: every
    /// reader of records (conversion with --rejects, normalize one and two threads, CSV and NDJSON) stops
    /// with exit 2 and commits no output. (The loops now hand only `.record` errors to the quarantine or the
    /// rejects; this case guards that rule.)
    @Test("a truncated .zst input fails with exit 2 and commits nothing, even where bad records are kept aside", arguments: [
        "normalize --input-format ndjson --output-format ndjson --rejects \"$TMP/rejects\" --output \"$TMP/out\" \"$TMP/cut.ndjson.zst\"",
        "normalize --input-format csv --output-format ndjson --rejects \"$TMP/rejects\" --output \"$TMP/out\" \"$TMP/cut.csv.zst\"",
        "normalize --pipeline racing --table runners --threads 1 --quarantine \"$TMP/q\" --output \"$TMP/out\" \"$TMP/cut.csv.zst\"",
        "normalize --pipeline racing --table runners --threads 2 --quarantine \"$TMP/q\" --output \"$TMP/out\" \"$TMP/cut.csv.zst\"",
        "normalize --pipeline football --table matches --threads 1 --quarantine \"$TMP/q\" --output \"$TMP/out\" \"$TMP/cut.ndjson.zst\"",
        "normalize --pipeline football --table matches --threads 2 --quarantine \"$TMP/q\" --output \"$TMP/out\" \"$TMP/cut.ndjson.zst\"",
    ])
    func truncatedZstd(_ command: String) throws {
        let r = try ToolRunner.runInScratch("""
        python3 scripts/gen_racing.py runners --rows 20000 --seed 1 > "$TMP/runners.csv" 2>/dev/null || \
          { echo 'race_id,horse'; seq 1 20000 | awk '{print "r"$1",h"$1}'; } > "$TMP/runners.csv"
        seq 1 20000 | awk '{print "{\\"match_id\\":\\""$1"\\",\\"x\\":"$1"}"}' > "$TMP/m.ndjson"
        zstd -q -c "$TMP/runners.csv" | head -c 20000 > "$TMP/cut.csv.zst"
        zstd -q -c "$TMP/m.ndjson" | head -c 20000 > "$TMP/cut.ndjson.zst"
        echo old > "$TMP/out"
        \(command) 2> "$TMP/err"
        echo "exit $?"
        grep -c 'truncated' "$TMP/err"
        cat "$TMP/out"
        """)
        #expect(r.stdout == "exit 2\n1\nold\n", "\(r.stderr)")
    }

    /// `--output /dev/null` (or a pipe) is written to, never replaced: an atomic rename over it made
    /// /dev/null a regular file on a machine where the tools ran as root.
    @Test("an output that is a pipe or a device is written as it is and stays one; the atomic writer refuses to replace it")
    func specialOutput() throws {
        let r = try ToolRunner.runInScratch("""
        mkfifo "$TMP/fifo"
        timeout 10 cat "$TMP/fifo" > "$TMP/got" &
        timeout 10 normalize --input-format csv --output-format ndjson --output "$TMP/fifo" "$FIXTURES/quoted.csv"
        echo "exit $?"
        wait
        [ -p "$TMP/fifo" ] && echo "still a pipe"
        wc -l < "$TMP/got"
        normalize --input-format csv --output-format ndjson --output /dev/null "$FIXTURES/quoted.csv"; echo "dev null exit $?"
        normalize --pipeline football --table matches --quarantine /dev/null --stats /dev/null --output /dev/null < /dev/null 2> /dev/null; echo "quarantine and stats exit $?"
        [ -c /dev/null ] && echo "/dev/null still a device"
        """)
        #expect(r.stdout == "exit 0\nstill a pipe\n3\ndev null exit 0\nquarantine and stats exit 0\n/dev/null still a device\n", "\(r.stderr)")
    }

    /// The reliability trial: `ln -s . landing/loop` with `**/*.csv` gave 41 units of one file and 3 rows
    /// became 123, with every tool at exit 0 and no warning.
    @Test("a symlink loop in a landing tree lists each file once, with a warning; normalize of the units keeps 3 rows")
    func symlinkLoop() throws {
        let r = try ToolRunner.runInScratch("""
        export PADDOCK_CONFIG_DIR="$TMP/config"
        mkdir -p "$TMP/config/pipelines" "$TMP/landing/2024"
        printf 'a,b\\n1,x\\n2,y\\n3,z\\n' > "$TMP/landing/2024/r.csv"
        ln -s . "$TMP/landing/loop"
        cat > "$TMP/config/pipelines/loop.yaml" <<EOF
        pipeline: loop
        sources:
          - {name: s, kind: files, root: $TMP/landing, patterns: ["**/*.csv"]}
        tables: []
        EOF
        discover --pipeline loop > "$TMP/units" 2> "$TMP/err"
        echo "exit $? units $(wc -l < "$TMP/units")"
        sed "s|$TMP|T|g" "$TMP/err"
        extract --pipeline loop < "$TMP/units" 2> /dev/null | wc -l
        """)
        #expect(r.stdout == """
        exit 0 units 1
        discover: warning: source s: T/landing/loop: the same folder as one already listed (a link loop?); skipped
        3

        """, "\(r.stderr)")
    }

    /// The reliability trial: 300 killed runs left 197 temporary files (771 MiB) in data/derived.
    @Test("a temporary file left by a killed normalize is removed by the next write in its folder")
    func killedWriterLeftovers() throws {
        let r = try ToolRunner.runInScratch("""
        mkdir -p "$TMP/d"
        { echo 'a,b'; seq 1 3000000 | awk '{print $1",x"$1}'; } > "$TMP/big.csv"
        normalize --input-format csv --output-format ndjson --output "$TMP/d/t.ndjson" "$TMP/big.csv" &
        pid=$!
        for _ in $(seq 1 100); do ls -A "$TMP/d" | grep -q paddock-tmp && break; sleep 0.05; done
        kill -9 $pid; wait $pid 2>/dev/null
        echo "left after the kill: $(ls -A "$TMP/d" | grep -c paddock-tmp)"
        touch -d '1 hour ago' "$TMP/d"/.paddock-tmp-*
        printf 'a\\n1\\n' | normalize --input-format csv --output-format ndjson --output "$TMP/d/u.ndjson"
        echo "left after the next write: $(ls -A "$TMP/d" | grep -c paddock-tmp)"
        ls "$TMP/d"
        """)
        #expect(r.stdout == "left after the kill: 1\nleft after the next write: 0\nu.ndjson\n", "\(r.stderr)")
    }

    /// The trial: extract's summary said "3 records" when 6,017 had been streamed before a unit failed.
    @Test("extract's summary counts every record it streamed, those of a unit that failed part way included")
    func extractCountsStreamedRecords() throws {
        let r = try ToolRunner.runInScratch("""
        export PADDOCK_CONFIG_DIR="$TMP/config"
        mkdir -p "$TMP/config/pipelines" "$TMP/landing"
        printf 'a,b\\n1,x\\n2,y\\n3,z\\n' > "$TMP/landing/a.csv"
        { echo 'a,b'; seq 1 200000 | awk '{print $1",x"$1}'; } | zstd -q -c | head -c 40000 > "$TMP/landing/b.csv.zst"
        cat > "$TMP/config/pipelines/cut.yaml" <<EOF
        pipeline: cut
        sources:
          - {name: s, kind: files, root: $TMP/landing, patterns: ["*.csv", "*.csv.zst"], format: csv}
        tables: []
        EOF
        extract --pipeline cut --discover > "$TMP/out" 2> "$TMP/err"
        echo "exit $?"
        streamed=$(wc -l < "$TMP/out")
        said=$(grep -o '; [0-9]* records' "$TMP/err" | grep -o '[0-9]*')
        [ "$streamed" -gt 3 ] && echo "more than the good unit's 3 records were streamed"
        [ "$streamed" = "$said" ] && echo "the summary says as many"
        grep -c 'truncated' "$TMP/err"
        """)
        #expect(r.stdout == "exit 2\nmore than the good unit's 3 records were streamed\nthe summary says as many\n1\n", "\(r.stderr)")
    }

    @Test("writing to /dev/full gives exit 2 and a message", arguments: [
        "normalize --input-format csv \"$FIXTURES/quoted.csv\"",
        "discover --pipeline football",
        "extract --pipeline football --discover",
    ])
    func devFull(_ command: String) throws {
        let scratch = try ToolRunner.makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let r = try ToolRunner.run("\(command) > /dev/full", scratch: scratch)
        #expect(r.status == 2)
        #expect(r.stderr.contains("error: <stdout>: write failed: No space left on device"))
    }

    @Test("long work shows progress on stderr: plain lines when stderr is not a terminal, never on stdout")
    func progressLines() throws {
        let scratch = try ToolRunner.makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let r = try ToolRunner.run("""
        export PADDOCK_CONFIG_DIR=Tests/fixtures/config PADDOCK_PROGRESS_INTERVAL=0
        python3 -c 'import sys; sys.stdout.write("".join("{\\"event_id\\":%d,\\"home\\":1,\\"away\\":0}\\n" % i for i in range(140000)))' > "$TMP/results.ndjson"
        normalize --pipeline results --table first_wins "$TMP/results.ndjson" 2> "$TMP/err" | wc -l
        cat "$TMP/err" | sed 's/, [0-9.]*[kM]*\\/s$/, N\\/s/'
        PADDOCK_PROGRESS=0 normalize --pipeline results --table first_wins "$TMP/results.ndjson" 2>&1 > /dev/null | wc -l
        """, scratch: scratch)
        #expect(r.stdout == """
        140000
        normalize: 65536 records of first_wins, N/s
        normalize: 131072 records of first_wins, N/s
        normalize: first_wins: 140000 records in, 140000 written, 0 quarantined, 0 filtered
        1

        """, "\(r.stderr)")
    }
}
