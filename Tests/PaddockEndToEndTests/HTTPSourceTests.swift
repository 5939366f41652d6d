import Foundation
import Testing

/// extract against scripts/fixture_api.py on 127.0.0.1, started and stopped by each test: faults
/// injected on the wire, a dead upstream, a rate limit, a kill mid-run, re-runs with nothing new,
/// fan-out, unsafe ids from a server, and API keys kept out of everything written.
@Suite(.serialized)
struct HTTPSourceTests {
    /// Starts the fixture API with the given options; `$API_URL` points at it; it stops with the script.
    static let startAPI = ToolRunner.fixtureAPI + """
    export PADDOCK_CONFIG_DIR=Tests/fixtures/config PADDOCK_PROGRESS=0
    now=2025-06-01T00:00:00Z
    check() { python3 "$FIXTURES/http/check_raw.py" "$DATA_DIR" "$1" "$TMP/units.ndjson" "$TMP/api.log"; }

    """

    @Test("429 with Retry-After, 500s, resets, slow answers, bodies cut short or stalled, and invalid JSON: every unit is stored once, byte-identical, or reported failed; a re-run fetches only the failed ones")
    func faultInjection() throws {
        let r = try ToolRunner.runInScratch(Self.startAPI + """
        cat > "$TMP/script.json" <<'EOF'
        {"/matches/2024-08-16": ["429", "ok"], "/matches/2024-08-17": ["500", "500", "ok"],
         "/matches/2024-08-18": ["reset", "ok"], "/matches/2024-08-19": ["slow", "ok"],
         "/matches/2024-08-20": ["truncate", "ok"], "/matches/2024-08-21": ["invalid", "ok"],
         "/matches/2024-08-22": ["503", "503", "503", "503", "503", "503"],
         "/matches/2024-08-23": ["nokey"],
         "/matches/2024-08-24": ["truncate", "truncate", "truncate", "truncate", "truncate", "truncate"],
         "/matches/2024-08-25": ["invalid", "reset", "500", "ok"], "/matches/2024-08-26": ["stall", "ok"]}
        EOF
        start_api --script "$TMP/script.json" --retry-after 1
        discover --pipeline api --now $now > "$TMP/units.ndjson"
        extract --pipeline api --now $now < "$TMP/units.ndjson" > "$TMP/records1.ndjson" 2> "$TMP/err1"
        echo "first run: exit $?"
        check api
        grep -c '"_unit"' "$TMP/records1.ndjson"
        grep 'error:' "$TMP/err1" | sed 's/127.0.0.1:[0-9]*/HOST/'
        tail -1 "$TMP/err1"
        grep -c 'retrying in' "$TMP/err1"
        # The 429 was answered with Retry-After: 1, and the retry waited for it.
        python3 -c '
        import json, sys
        ts = [json.loads(l)["t"] for l in open(sys.argv[1]) if "2024-08-16" in l]
        print("retry-after honoured:", ts[1] - ts[0] >= 0.95)' "$TMP/api.log"
        # Second run: the faults are spent; only the three failed units are requested again.
        lines=$(wc -l < "$TMP/api.log")
        extract --pipeline api --now $now < "$TMP/units.ndjson" > "$TMP/records2.ndjson" 2> "$TMP/err2"
        echo "second run: exit $?"
        tail -1 "$TMP/err2"
        tail -n +$((lines + 1)) "$TMP/api.log" | python3 -c 'import json, sys; print(sorted(json.loads(l)["path"] for l in sys.stdin))'
        check api
        grep -c '"_unit"' "$TMP/records2.ndjson"
        """)
        #expect(r.stdout == """
        first run: exit 2
        units 16: stored 13, failed 3, problems 0
        failed: matches/2024-08-22 (retryable)
        failed: matches/2024-08-23 (not retryable)
        failed: matches/2024-08-24 (retryable)
        20
        extract: error: http://HOST/matches/2024-08-22: HTTP 503 (Retry-After 1 s) (gave up after 6 tries)
        extract: error: http://HOST/matches/2024-08-23: the response for matches/2024-08-23 breaks its contract: it has no /matches
        extract: error: http://HOST/matches/2024-08-24: the response was cut short or malformed (gave up after 6 tries)
        extract: error: 3 of 16 units failed
        extract: hint: see the errors above; units that broke their contract need a look
        21
        retry-after honoured: True
        second run: exit 0
        extract: 16 units: 3 stored, 13 unchanged, 0 failed; 27 records; 3 HTTP requests
        ['/matches/2024-08-22', '/matches/2024-08-23', '/matches/2024-08-24']
        units 16: stored 16, failed 0, problems 0
        27

        """, "\(r.stderr)")
    }

    @Test("random faults on half of the requests (seeded): the store holds only complete bodies, and re-runs converge")
    func randomFaults() throws {
        let r = try ToolRunner.runInScratch(Self.startAPI + """
        start_api --fault-rate 0.5 --seed 11 --slow 2 --retry-after 0
        discover --pipeline api --now $now > "$TMP/units.ndjson"
        for run in 1 2 3 4 5; do
          extract --pipeline api --now $now --records none < "$TMP/units.ndjson" 2> "$TMP/err$run"
          status=$?
          check api | head -1 | sed "s/^/run $run: exit $status, /"
          [ $status = 0 ] && break
        done
        check api | grep -c '^problem:' || true
        """)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.last == "0", "\(r.stdout)\(r.stderr)")
        // Every run's store is consistent; the last run finishes.
        for line in lines.dropLast() {
            #expect(line.hasSuffix("problems 0"), "\(r.stdout)")
            #expect(line.contains("exit 0") || line.contains("exit 75"), "\(r.stdout)")
        }
        #expect(lines.dropLast().last?.contains("exit 0, units 16: stored 16, failed 0") == true, "\(r.stdout)")
    }

    @Test("a dead upstream: the circuit breaker (3 consecutive failed requests, 2 tries a unit) stops the run, exit 75, and says how many units were not attempted")
    func circuitBreaker() throws {
        let r = try ToolRunner.runInScratch(Self.startAPI + """
        export API_KEY=test-key-0123
        start_api --always 503 --retry-after 0
        extract --pipeline api_strict --now $now --discover > /dev/null 2> "$TMP/err"
        echo "answering 503: exit $?, $(wc -l < "$TMP/api.log") requests"
        grep -v 'retrying in' "$TMP/err" | sed 's/127.0.0.1:[0-9]*/HOST/'
        stop_api
        # Nothing listening at all.
        extract --pipeline api_strict --now $now --discover --data-dir "$TMP/d2" > /dev/null 2> "$TMP/err2"
        echo "refused: exit $?"
        grep -c 'Connection refused' "$TMP/err2"
        tail -2 "$TMP/err2"
        """)
        #expect(r.stdout == """
        answering 503: exit 75, 3 requests
        extract: error: http://HOST/matches/2024-08-16: HTTP 503 (Retry-After 0 s) (gave up after 2 tries)
        extract: hint: run extract again to retry the units that failed
        extract: error: http://HOST/matches/2024-08-17: HTTP 503 (Retry-After 0 s); the circuit breaker opened (3 consecutive failed requests)
        extract: 46 units: 0 stored, 0 unchanged, 2 failed, 44 not attempted; 0 records; 3 HTTP requests
        extract: error: stopped early: the circuit breaker of source matches opened: 3 consecutive failed requests; 44 units not attempted
        extract: hint: the upstream looks down; run extract again later (stored units are not fetched again)
        refused: exit 75
        3
        extract: error: stopped early: the circuit breaker of source matches opened: 3 consecutive failed requests; 44 units not attempted
        extract: hint: the upstream looks down; run extract again later (stored units are not fetched again)

        """, "\(r.stderr)")
    }

    @Test("rateLimit 8/s: the request rate the server sees stays within the limit plus 10%")
    func rateLimit() throws {
        let r = try ToolRunner.runInScratch(Self.startAPI + """
        export API_KEY=test-key-0123
        start_api
        extract --pipeline api_strict --now $now --discover --records none 2> "$TMP/err"
        echo "exit $?"
        python3 -c '
        import json, sys
        ts = sorted(json.loads(l)["t"] for l in open(sys.argv[1]))
        rate = (len(ts) - 1) / (ts[-1] - ts[0])
        # Also the busiest one-second stretch (9 fit in it at exact spacing; one more for the scheduling of the server).
        peak = max(sum(1 for u in ts if t <= u < t + 1.0) for t in ts)
        print(len(ts), "requests;", "mean rate within 8.8/s:", rate <= 8.8, "; busiest second within 10:", peak <= 10)
        print("rate", round(rate, 2), file=sys.stderr)' "$TMP/api.log"
        """)
        #expect(r.stdout == "exit 0\n46 requests; mean rate within 8.8/s: True ; busiest second within 10: True\n", "\(r.stderr)")
    }

    @Test("SIGKILL mid-run (after 6 units are stored), then run again: the remaining units are fetched, finished ones are not downloaded again")
    func killAndResume() throws {
        let r = try ToolRunner.runInScratch(Self.startAPI + """
        export API_KEY=test-key-0123
        start_api
        discover --pipeline api_strict --now $now > "$TMP/units.ndjson"
        extract --pipeline api_strict --now $now --records none < "$TMP/units.ndjson" 2> /dev/null &
        pid=$!
        # Kill once a few units are stored (polling, so a slow machine does not change the test).
        for _ in $(seq 1 600); do
          [ "$(grep -c '"status":"stored"' "$DATA_DIR/index/api_strict/ledger.ndjson" 2>/dev/null)" -ge 6 ] && break
          sleep 0.02
        done
        kill -9 $pid
        wait $pid 2>/dev/null
        done1=$(grep -c '"status":"stored"' "$DATA_DIR/index/api_strict/ledger.ndjson")
        echo "killed with $done1 of 46 stored: $([ "$done1" -ge 6 ] && [ "$done1" -lt 46 ] && echo mid-run)"
        grep '"status":"stored"' "$DATA_DIR/index/api_strict/ledger.ndjson" | python3 -c 'import json, sys; print("\\n".join("/matches/" + json.loads(l)["unit"].split("/")[-1] for l in sys.stdin))' > "$TMP/finished"
        lines=$(wc -l < "$TMP/api.log")
        extract --pipeline api_strict --now $now --records none < "$TMP/units.ndjson" 2> "$TMP/err2"
        echo "resumed: exit $?"
        tail -n +$((lines + 1)) "$TMP/api.log" | python3 -c '
        import json, sys
        finished = set(open(sys.argv[1]).read().split())
        again = [json.loads(l)["path"] for l in sys.stdin]
        print(len(again), "requests;", "finished units asked again:", len([p for p in again if p in finished]))' "$TMP/finished"
        check api_strict
        """)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 4, "\(r.stdout)\(r.stderr)")
        #expect(lines[0].hasSuffix("mid-run"), "\(r.stdout)")
        #expect(lines[1] == "resumed: exit 0")
        // The unit in flight at the kill may be asked again; none that were finished.
        #expect(lines[2].hasSuffix("finished units asked again: 0"), "\(r.stdout)")
        #expect(lines[3] == "units 46: stored 46, failed 0, problems 0")
    }

    @Test("nothing new: dated units outside refetchDays are not requested; undated ones get conditional requests answered 304; exit 0")
    func nothingNew() throws {
        let r = try ToolRunner.runInScratch(Self.startAPI + """
        start_api --files Tests/fixtures/http/files
        extract --pipeline api --now $now --discover --records none 2> /dev/null
        extract --pipeline api_files --now $now --discover > "$TMP/r1.ndjson" 2> /dev/null
        lines=$(wc -l < "$TMP/api.log")
        extract --pipeline api --now $now --discover --records none 2> "$TMP/err"
        echo "dated: exit $?: $(tail -1 "$TMP/err")"
        extract --pipeline api_files --now $now --discover > "$TMP/r2.ndjson" 2> "$TMP/err"
        echo "undated: exit $?: $(tail -1 "$TMP/err")"
        tail -n +$((lines + 1)) "$TMP/api.log" | python3 -c '
        import json, sys
        es = [json.loads(l) for l in sys.stdin]
        print(len(es), "requests:", sorted(set((e["path"], e["status"], e["conditional"]) for e in es)))'
        cmp "$TMP/r1.ndjson" "$TMP/r2.ndjson" && echo "same records"
        # Within refetchDays of --now, dated units are asked again, conditionally.
        extract --pipeline api --now 2024-08-31T12:00:00Z --discover --records none 2> "$TMP/err"
        echo "recent: exit $?: $(tail -1 "$TMP/err")"
        """)
        #expect(r.stdout == """
        dated: exit 0: extract: 16 units: 0 stored, 16 unchanged, 0 failed; 0 records
        undated: exit 0: extract: 3 units: 0 stored, 3 unchanged, 0 failed; 7 records; 3 HTTP requests
        3 requests: [('/files/a.json', 304, True), ('/files/b.json', 304, True), ('/files/index.json', 304, True)]
        same records
        recent: exit 0: extract: 16 units: 0 stored, 16 unchanged, 0 failed; 0 records; 4 HTTP requests

        """, "\(r.stderr)")
    }

    @Test("fan-out: ids from a parent's records become units; an id that would leave data/raw is rejected; duplicates are fetched once")
    func fanOutAndTraversal() throws {
        let r = try ToolRunner.runInScratch(Self.startAPI + """
        start_api --files Tests/fixtures/http/files
        extract --pipeline api_files --now $now --discover > "$TMP/records.ndjson" 2> "$TMP/err"
        echo "exit $?"
        sed 's/127.0.0.1:[0-9]*/HOST/' "$TMP/err"
        find "$DATA_DIR/raw" -type f -not -name '*.meta.json' | sed "s|$DATA_DIR/||" | sed 's/sha256-[0-9a-f]*/sha256-H/' | sort
        test ! -e /tmp/paddock-escape.json && echo "nothing outside data/raw"
        discover --pipeline api_files --now $now --source items 2>&1 | sed -E 's/127.0.0.1:[0-9]+/HOST/; s/,"fingerprint":[{][^}]*[}]//'
        """)
        #expect(r.stdout == """
        exit 0
        extract: warning: source items: value '../../../../tmp/paddock-escape.json' cannot be part of a unit id (a path under data/raw); skipped
        extract: 3 units: 3 stored, 0 unchanged, 0 failed; 7 records; 3 HTTP requests
        raw/api_files/index/index.json/sha256-H.json
        raw/api_files/items/a.json/sha256-H.json
        raw/api_files/items/b.json/sha256-H.json
        nothing outside data/raw
        discover: warning: source items: value '../../../../tmp/paddock-escape.json' cannot be part of a unit id (a path under data/raw); skipped
        {"version":1,"id":"items/a.json","source":"items","kind":"http","url":"http://HOST/files/a.json","format":"json","params":{"name":"index.json","id":"a.json"}}
        {"version":1,"id":"items/b.json","source":"items","kind":"http","url":"http://HOST/files/b.json","format":"json","params":{"name":"index.json","id":"b.json"}}

        """, "\(r.stderr)")
    }

    @Test("an API key given as a query parameter is sent, and appears in no file, sidecar, ledger line or message")
    func secretsStaySecret() throws {
        let r = try ToolRunner.runInScratch(Self.startAPI + """
        export API_KEY=s3cr3t-Key-123
        echo '{"/matches/2024-08-17": ["500", "ok"]}' > "$TMP/script.json"
        start_api --require-key --script "$TMP/script.json"
        extract --pipeline api_strict --now $now --from 2024-08-16 --to 2024-08-18 --discover > "$TMP/records.ndjson" 2> "$TMP/err"
        echo "exit $?"
        grep -c '"auth": true' "$TMP/api.log"
        grep -rl 's3cr3t' "$DATA_DIR" "$TMP/records.ndjson" "$TMP/err" | wc -l
        grep -o 'key=[A-Za-z]*' "$DATA_DIR/raw/api_strict/matches/2024-08-16/"*.meta.json | head -1
        unset API_KEY
        extract --pipeline api_strict --now $now --from 2024-08-16 --to 2024-08-18 --discover --force 2>&1 > /dev/null
        echo "exit $?"
        """)
        #expect(r.stdout == """
        exit 0
        4
        0
        key=REDACTED
        extract: error: Tests/fixtures/config/pipelines/api_strict.yaml:14:11: source matches needs the environment variable API_KEY (its API key), which is not set; export API_KEY=...
        extract: hint: see docs/sources.md (environment variables)
        exit 2

        """, "\(r.stderr)")
    }

    @Test("page pagination: pages fetched until an empty one, each stored, records from all; --gaps lists the dates with no raw data")
    func pagesAndGaps() throws {
        let r = try ToolRunner.runInScratch(Self.startAPI + """
        start_api
        extract --pipeline api_pages --now $now --discover 2> "$TMP/err" | python3 -c 'import json, sys; rs = [json.loads(l) for l in sys.stdin]; print(len(rs), "records from", len({r["_raw"] for r in rs}), "payloads")'
        tail -1 "$TMP/err"
        python3 -c 'import json, sys; e = json.loads(open(sys.argv[1]).readline()); print(len(e["raw_paths"]), "raw_paths in the ledger")' "$DATA_DIR/index/api_pages/ledger.ndjson"
        python3 -c 'import json, sys; print([json.loads(l)["query"] for l in open(sys.argv[1])])' "$TMP/api.log"
        # Gaps: of 2024-08-16..20, only the 17th and 19th are stored.
        extract --pipeline api --now $now --from 2024-08-17 --to 2024-08-17 --discover --records none 2> /dev/null
        extract --pipeline api --now $now --from 2024-08-19 --to 2024-08-19 --discover --records none 2> /dev/null
        discover --pipeline api --now $now --from 2024-08-16 --to 2024-08-20 --gaps | python3 -c 'import json, sys; print("gaps:", [json.loads(l)["date"] for l in sys.stdin])'
        discover --pipeline api --now 2024-08-25T08:00:00Z --days-back 9 --new 2>&1 | python3 -c 'import sys; print("new or due:", sys.stdin.read().strip().splitlines()[-1])'
        discover --pipeline api --from 2024-08-20 --to 2024-08-16 2>&1; echo "exit $?"
        discover --pipeline api --days-back 3 --from 2024-08-16 2>&1; echo "exit $?"
        """)
        #expect(r.stdout == """
        25 records from 3 payloads
        extract: 1 units: 1 stored, 0 unchanged, 0 failed; 25 records; 4 HTTP requests
        3 raw_paths in the ledger
        ['page=1&per_page=10', 'page=2&per_page=10', 'page=3&per_page=10', 'page=4&per_page=10']
        gaps: ['2024-08-16', '2024-08-18', '2024-08-20']
        new or due: discover: 8 of 10 units are new or due
        discover: error: --from 2024-08-20 is after --to 2024-08-16
        exit 64
        discover: error: --days-back cannot be combined with --from or --to
        exit 64

        """, "\(r.stderr)")
    }

    @Test("newOnly: entities are fetched once, when first seen; later runs list them but never ask again")
    func enrichment() throws {
        let r = try ToolRunner.runInScratch(Self.startAPI + """
        start_api --files Tests/fixtures/http/files
        extract --pipeline api_enrich --now $now --discover --records none 2>&1 | grep -v '^extract: \\(error\\|hint\\|warning\\)'
        discover --pipeline api_enrich --now $now 2> /dev/null | python3 -c 'import json, sys; print([json.loads(l)["id"] for l in sys.stdin])'
        extract --pipeline api_enrich --now $now --discover --records none 2>&1 | grep -v '^extract: \\(error\\|hint\\|warning\\)'
        """)
        #expect(r.stdout == """
        extract: 3 units: 3 stored, 0 unchanged, 0 failed; 0 records; 3 HTTP requests
        ['index/index.json', 'details/a.json', 'details/b.json']
        extract: 3 units: 0 stored, 3 unchanged, 0 failed; 0 records; 1 HTTP requests

        """, "\(r.stderr)")
    }

    @Test("cursor and offset pagination: every page fetched once, the last one ends it")
    func cursorAndOffset() throws {
        let r = try ToolRunner.runInScratch(Self.startAPI + """
        start_api
        extract --pipeline api_pages2 --now $now --discover 2> "$TMP/err" | python3 -c '
        import collections, json, sys
        c = collections.Counter(json.loads(l)["_unit"] for l in sys.stdin)
        print(dict(sorted(c.items())))'
        tail -1 "$TMP/err"
        python3 -c 'import json, sys; print([json.loads(l)["query"] for l in open(sys.argv[1])])' "$TMP/api.log"
        """)
        #expect(r.stdout == """
        {'by_cursor/all': 25, 'by_offset/all': 25}
        extract: 2 units: 2 stored, 0 unchanged, 0 failed; 50 records; 6 HTTP requests
        ['per_page=10', 'cursor=2&per_page=10', 'cursor=3&per_page=10', 'offset=0&limit=10', 'offset=10&limit=10', 'offset=20&limit=10']

        """, "\(r.stderr)")
    }

    @Test("a body over maxBytes fails its unit (not retried, exit 2) and nothing of it is stored; a smaller one is stored")
    func sizeLimit() throws {
        let r = try ToolRunner.runInScratch(Self.startAPI + """
        start_api --files Tests/fixtures/http/files
        extract --pipeline api_small --now $now --discover --records none 2>&1 | sed 's/127.0.0.1:[0-9]*/HOST/'
        echo "exit ${PIPESTATUS[0]}"
        find "$DATA_DIR/raw" -type f -not -name '*.meta.json' | sed "s|$DATA_DIR/||; s/sha256-[0-9a-f]*/sha256-H/"
        wc -l < "$TMP/api.log"
        """)
        #expect(r.stdout == """
        extract: error: http://HOST/files/index.json: response larger than the limit of 40 bytes
        extract: hint: raise the source's maxBytes if this is expected
        extract: 2 units: 1 stored, 0 unchanged, 1 failed; 0 records; 2 HTTP requests
        extract: error: 1 of 2 units failed
        extract: hint: see the errors above; units that broke their contract need a look
        exit 2
        raw/api_small/files/b.json/sha256-H.json
        2

        """, "\(r.stderr)")
    }

    @Test("events fan-out driven by change: lineups and incidents only for started events; a day later, only for events that changed or are new")
    func changeDrivenFanOut() throws {
        let r = try ToolRunner.runInScratch(Self.startAPI + """
        start_api --now 2024-08-17T16:00:00Z
        extract --pipeline events_src --now 2024-08-17T16:00:00Z --discover > /dev/null 2> "$TMP/err1"
        tail -1 "$TMP/err1"
        curl -s -X POST "$API_URL/_control/advance?days=1" > /dev/null
        lines=$(wc -l < "$TMP/api.log")
        # Before the events are fetched again, discovery sees the parents as stored: only they are due.
        discover --pipeline events_src --now 2024-08-18T16:00:00Z --new 2>&1 > /dev/null
        extract --pipeline events_src --now 2024-08-18T16:00:00Z --discover > /dev/null 2> "$TMP/err2"
        tail -1 "$TMP/err2"
        tail -n +$((lines + 1)) "$TMP/api.log" | python3 -c '
        import collections, json, sys
        per = collections.Counter()
        asked = collections.defaultdict(set)
        for l in sys.stdin:
            e = json.loads(l)
            parts = e["path"].split("/")
            endpoint = "events" if parts[1] == "events" else parts[3]
            per[(endpoint, e["status"])] += 1
            if endpoint != "events":
                asked[endpoint].add(int(parts[2]))
        print("requests per endpoint:", sorted(per.items()))
        print("finished before, unchanged, asked again:", any(12000001 in v for v in asked.values()))
        print("children asked:", {k: sorted(v) for k, v in sorted(asked.items())})'
        """)
        #expect(r.stdout == """
        extract: 10 units: 10 stored, 0 unchanged, 0 failed; 196 records; 10 HTTP requests
        discover: 2 of 10 units are new or due
        extract: 22 units: 17 stored, 5 unchanged, 0 failed; 511 records; 20 HTTP requests
        requests per endpoint: [(('events', 200), 2), (('incidents', 200), 9), (('lineups', 200), 6), (('lineups', 304), 3)]
        finished before, unchanged, asked again: False
        children asked: {'incidents': [12000002, 12000003, 12000004, 12000005, 12000006, 12000007, 12000008, 12000009, 12000010], 'lineups': [12000002, 12000003, 12000004, 12000005, 12000006, 12000007, 12000008, 12000009, 12000010]}

        """, "\(r.stderr)")
    }

    @Test("an unset ${VAR} in baseURL stops discover and extract before any work, naming file:line:column")
    func unsetEnvironment() throws {
        let r = try ToolRunner.runInScratch("""
        export PADDOCK_CONFIG_DIR=Tests/fixtures/config
        unset API_URL
        discover --pipeline api --now 2025-06-01T00:00:00Z > "$TMP/units" 2> "$TMP/err"; echo "discover exit $? units $(wc -l < "$TMP/units")"
        head -1 "$TMP/err"
        extract --pipeline api --now 2025-06-01T00:00:00Z --discover > /dev/null 2> "$TMP/err"; echo "extract exit $?"
        head -1 "$TMP/err"
        ls "$DATA_DIR" 2>/dev/null | wc -l
        """)
        #expect(r.stdout == """
        discover exit 2 units 0
        discover: error: Tests/fixtures/config/pipelines/api.yaml:7:14: source matches baseURL needs the environment variable API_URL, which is not set (or is empty); export API_URL=...
        extract exit 2
        extract: error: Tests/fixtures/config/pipelines/api.yaml:7:14: source matches baseURL needs the environment variable API_URL, which is not set (or is empty); export API_URL=...
        0

        """, "\(r.stderr)")
    }
}
