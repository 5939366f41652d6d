import Foundation
import Testing

/// scripts/run_pipeline.sh as an operator meets it: one run at a time, a history of runs, failures
/// logged with their stderr, a hook, metrics, and --resume from the step that failed.
struct RunPipelineTests {
    /// The trial: in 15 of 20 simultaneous starts the loser named the previous run or an empty name.
    @Test("a run refused the lock never names a holder whose process is gone (the previous run's name)")
    func staleHolderName() throws {
        let r = try ToolRunner.runInScratch("""
        mkdir -p "$DATA_DIR/index"
        sh -c 'exit 0' & dead=$!; wait $dead
        echo "20240101T000000Z (pid $dead, started long ago)" > "$DATA_DIR/index/.pipeline.lock.holder"
        flock "$DATA_DIR/index/.pipeline.lock" sh -c 'touch "$1/held"; while [ ! -e "$1/release" ]; do sleep 0.05; done' sh "$TMP" &
        while [ ! -e "$TMP/held" ]; do sleep 0.05; done
        scripts/run_pipeline.sh --pipeline football --now 2025-06-01T00:00:00Z 2> "$TMP/err"
        echo "exit $?"
        touch "$TMP/release"; wait
        grep -o 'error: .* holds the lock' "$TMP/err"
        """)
        #expect(r.stdout == "exit 75\nerror: another run (it has not written its name yet) holds the lock\n", "\(r.stderr)")
    }

    @Test("a second run while one holds the lock exits 75 and names the holder; both are in the history")
    func oneRunAtATime() throws {
        let r = try ToolRunner.runInScratch("""
        now=2025-06-01T00:00:00Z
        mkdir -p "$DATA_DIR/index"
        echo "20250601T000000Z (pid 1, started then)" > "$DATA_DIR/index/.pipeline.lock.holder"
        # Another run holds the lock until told to let go (no sleeps to race against a loaded machine).
        flock "$DATA_DIR/index/.pipeline.lock" sh -c 'touch "$1/held"; while [ ! -e "$1/release" ]; do sleep 0.05; done' sh "$TMP" &
        while [ ! -e "$TMP/held" ]; do sleep 0.05; done
        scripts/run_pipeline.sh --pipeline football --now $now --run-id second
        echo "second: exit $?"
        touch "$TMP/release"
        wait
        scripts/run_pipeline.sh --pipeline football --now $now --mode daily 2> /dev/null
        echo "first: exit $?"
        cut -d, -f1,2,3,6,7,8,9,10 "$DATA_DIR/index/pipeline_runs.csv"
        scripts/list_recent_runs.sh 5 | tail -2 | cut -c1-69 | sed 's/ *$//'
        grep -v '^#' "$DATA_DIR/index/metrics/paddock_football.prom" | cut -d' ' -f1
        """)
        #expect(r.stderr.contains("run_pipeline: error: 20250601T000000Z (pid 1, started then) holds the lock on $TMP/data; try again when it ends"), "\(r.stderr)")
        #expect(r.stdout == """
        second: exit 75
        first: exit 0
        run_id,pipeline,mode,steps_run,status,failed_step,rows_published,env
        second,football,manual,,fail,lock,0,dev
        20250601T000000Z,football,daily,fetch;discover;extract_normalize;dq_check;publish,ok,,380,dev
        second            football   manual    fail     lock              0
        20250601T000000Z  football   daily     ok                         380
        paddock_last_success_timestamp_seconds{pipeline="football"}
        paddock_last_run_duration_seconds{pipeline="football"}
        paddock_rows_published{pipeline="football"}

        """, "\(r.stderr)")
    }

    @Test("a failed dq-check is logged with its stderr, runs the hook, and --resume finishes the run with the same bytes as a clean one")
    func failureAndResume() throws {
        let r = try ToolRunner.runInScratch("""
        now=2025-06-01T00:00:00Z
        mkdir -p "$TMP/config/pipelines"
        cp -r config/maps "$TMP/config/"
        # A check that cannot pass: 381 matches in a season of 380.
        sed "s/min: 380/min: 381/; s/max: 380/max: 381/; s/    severity: warn//; s|root: data/samples|root: $PWD/data/samples|" config/pipelines/football.yaml > "$TMP/config/pipelines/football.yaml"
        export PADDOCK_CONFIG_DIR="$TMP/config"
        export PADDOCK_ON_FAILURE='echo "hook: $PIPELINE $RUN_ID $FAILED_STEP $EXIT_CODE" >> "$TMP/hook.log"'
        scripts/run_pipeline.sh --pipeline football --now $now 2> "$TMP/err1"
        echo "run: exit $?"
        grep -c "step dq_check failed (exit 1); resume with: scripts/run_pipeline.sh --pipeline football --resume 20250601T000000Z" "$TMP/err1"
        cat "$TMP/hook.log"
        head -1 "$DATA_DIR/index/pipeline_failures.log" | cut -d' ' -f3-
        grep -c "FAIL matches_full_season" "$DATA_DIR/index/pipeline_failures.log"
        test ! -e "$DATA_DIR/processed/football/latest_successful_run.json" && echo "not published"
        # Fixed: the definition changed, so the run keeps what it fetched and rebuilds the tables.
        sed "s|root: data/samples|root: $PWD/data/samples|" config/pipelines/football.yaml > "$TMP/config/pipelines/football.yaml"
        scripts/run_pipeline.sh --pipeline football --resume 20250601T000000Z 2> "$TMP/err2"
        echo "resume: exit $?"
        grep -c "resuming after: fetch$" "$TMP/err2"
        grep -c "run_pipeline: fetch" "$TMP/err2"
        cut -d, -f1,6,7,8,9 "$DATA_DIR/index/pipeline_runs.csv"
        # A clean run elsewhere publishes the same table bytes.
        DATA_DIR="$TMP/clean" scripts/run_pipeline.sh --pipeline football --now $now 2> /dev/null
        cmp "$DATA_DIR/processed/football/snapshots/20250601T000000Z/matches.csv.zst" "$TMP/clean/processed/football/snapshots/20250601T000000Z/matches.csv.zst" && echo "same bytes"
        """)
        #expect(r.stdout == """
        run: exit 1
        1
        hook: football 20250601T000000Z dq_check 1
        football run 20250601T000000Z: step dq_check failed (exit 1)
        1
        not published
        resume: exit 0
        1
        0
        run_id,steps_run,status,failed_step,rows_published
        20250601T000000Z,fetch;discover;extract_normalize,fail,dq_check,0
        20250601T000000Z,discover;extract_normalize;dq_check;publish,ok,,380
        same bytes

        """, "\(r.stderr)")
    }

    @Test("the HTTP server goes away in the middle of extract: the run fails at fetch, and --resume (server back) publishes the same bytes as a clean run, without asking finished units again")
    func resumeAfterUpstreamDied() throws {
        let r = try ToolRunner.runInScratch(ToolRunner.fixtureAPI + """
        now=2025-06-01T00:00:00Z
        export PADDOCK_CONFIG_DIR=Tests/fixtures/config PADDOCK_PROGRESS=0
        start_api --die-after 20
        scripts/run_pipeline.sh --pipeline api_matches --now $now 2> "$TMP/err1"
        echo "run: exit $?"
        grep -c "step fetch failed (exit 75); resume with: scripts/run_pipeline.sh --pipeline api_matches --resume 20250601T000000Z" "$TMP/err1"
        grep -o "circuit breaker of source matches opened: [^;]*" "$TMP/err1" | head -1
        wait $api_pid 2>/dev/null
        start_api
        scripts/run_pipeline.sh --pipeline api_matches --resume 20250601T000000Z 2> "$TMP/err2"
        echo "resume: exit $?"
        python3 -c '
        import collections, json, sys
        paths = collections.Counter(json.loads(l)["path"] for l in open(sys.argv[1]))
        print(len(paths), "days requested;", "asked twice:", sum(1 for c in paths.values() if c > 1))' "$TMP/api.log"
        cut -d, -f1,6,7,8 "$DATA_DIR/index/pipeline_runs.csv"
        # A clean run elsewhere publishes the same bytes.
        DATA_DIR="$TMP/clean" scripts/run_pipeline.sh --pipeline api_matches --now $now 2> "$TMP/err3"
        echo "clean: exit $?"
        for f in matches.csv.zst datapackage.json; do
          cmp "$DATA_DIR/processed/api_matches/snapshots/20250601T000000Z/$f" "$TMP/clean/processed/api_matches/snapshots/20250601T000000Z/$f" && echo "same $f"
        done
        """)
        #expect(r.stdout == """
        run: exit 75
        1
        circuit breaker of source matches opened: 3 consecutive failed requests
        resume: exit 0
        46 days requested; asked twice: 0
        run_id,steps_run,status,failed_step
        20250601T000000Z,,fail,fetch
        20250601T000000Z,fetch;discover;extract_normalize;dq_check;publish,ok,
        clean: exit 0
        same matches.csv.zst
        same datapackage.json

        """, "\(r.stderr)")
    }

    @Test("backfill of 24 months of racing in monthly windows, with progress; SIGKILL mid-run, then --resume finishes from the window that was cut and publishes the same bytes as a clean run")
    func backfillKillResume() throws {
        let r = try ToolRunner.runInScratch("""
        now=2025-06-01T00:00:00Z
        source "$FIXTURES/racing/config.sh"
        export PADDOCK_PROGRESS_INTERVAL=0
        python3 scripts/gen_racing.py tree --root "$TMP/landing" --months 24 --start 2023-06 --seed 9 --runners-per-month 400 > /dev/null
        backfill="scripts/run_pipeline.sh --pipeline racing --mode backfill --from 2023-06-01 --to 2025-05-31 --window-days 31 --now $now"
        setsid $backfill 2> "$TMP/err1" &
        pid=$!
        # Kill the whole run (script and tools) once a few windows are done.
        for _ in $(seq 1 400); do
          [ "$(grep -o 'fetch_[0-9-]*' "$DATA_DIR/runs/racing/20250601T000000Z/state" 2>/dev/null | wc -l)" -ge 4 ] && break
          sleep 0.05
        done
        kill -9 -- -$pid
        wait $pid 2>/dev/null
        # The tools of the killed run die with it, but not at once: wait until none is left (one still
        # exiting holds the run lock, and the resume would be told to retry later).
        for _ in $(seq 1 200); do pgrep -g $pid > /dev/null || break; sleep 0.05; done
        done1=$(grep -o 'fetch_[0-9-]*' "$DATA_DIR/runs/racing/20250601T000000Z/state" | wc -l)
        echo "killed after $done1 windows: $([ "$done1" -ge 4 ] && [ "$done1" -lt 24 ] && echo mid-backfill)"
        # One progress line per window started: the windows done, and the one cut, if any.
        started=$(grep -c "run_pipeline: backfill: window [0-9]* of 24 (" "$TMP/err1")
        [ "$started" -ge "$done1" ] && [ "$started" -le $((done1 + 1)) ] && echo "progress lines: one per window started" \
          || echo "progress lines: $started for $done1 windows done"
        grep -q "extract: [0-9]*/[0-9]* units" "$TMP/err1" && echo "extract progress: yes"
        scripts/run_pipeline.sh --pipeline racing --resume 20250601T000000Z 2> "$TMP/err2"
        echo "resume: exit $?"
        windows2=$(grep -c "run_pipeline: backfill: window" "$TMP/err2")
        echo "windows before and after the kill add up to 24 (the cut one counted once or twice): $((windows2 + done1 == 24 || windows2 + done1 == 25))"
        grep -o "backfill: window [0-9]* of 24 ([0-9-]*\\.\\.[0-9-]*)" "$TMP/err2" | tail -1
        cut -d, -f3,6,7,8 "$DATA_DIR/index/pipeline_runs.csv" | tail -1
        DATA_DIR="$TMP/clean" $backfill 2> /dev/null
        echo "clean: exit $?"
        for t in races runners horses; do
          cmp "$DATA_DIR/processed/racing/snapshots/20250601T000000Z/$t.csv.zst" "$TMP/clean/processed/racing/snapshots/20250601T000000Z/$t.csv.zst" && echo "same $t"
        done
        """)
        #expect(r.stdout == """
        killed after \(r.stdout.split(separator: "\n").first?.split(separator: " ")[2] ?? "") windows: mid-backfill
        progress lines: one per window started
        extract progress: yes
        resume: exit 0
        windows before and after the kill add up to 24 (the cut one counted once or twice): 1
        backfill: window 24 of 24 (2025-05-14..2025-05-31)
        backfill,fetch;discover;extract_normalize;dq_check;publish,ok,
        clean: exit 0
        same races
        same runners
        same horses

        """, "\(r.stderr)")
    }

    @Test("make tables is incremental: a second run rebuilds nothing; something newly stored (the ledger changes) rebuilds the tables")
    func incrementalMake() throws {
        let r = try ToolRunner.runInScratch("""
        tables() { make -s -o build tables PIPELINE=football DATA_DIR="$DATA_DIR" NOW=2025-06-01T00:00:00Z 2>&1 | grep -c '^normalize: matches' || true; }
        echo "first: $(tables) tables built"
        echo "again: $(tables) tables built"
        sleep 1.1; touch "$DATA_DIR/index/football/ledger.ndjson"
        echo "after a new store: $(tables) tables built"
        """)
        #expect(r.stdout == "first: 1 tables built\nagain: 0 tables built\nafter a new store: 1 tables built\n", "\(r.stderr)")
    }

    @Test("--allow-partial: a day that keeps failing does not stop the run; the rest is published and the run is recorded as partial")
    func allowPartial() throws {
        let r = try ToolRunner.runInScratch(ToolRunner.fixtureAPI + """
        now=2025-06-01T00:00:00Z
        export PADDOCK_CONFIG_DIR=Tests/fixtures/config PADDOCK_PROGRESS=0
        echo '{"/matches/2024-08-17": ["500", "500", "500", "500"]}' > "$TMP/script.json"
        start_api --script "$TMP/script.json"
        scripts/run_pipeline.sh --pipeline api_matches --now $now 2> "$TMP/err0"
        echo "without: exit $?"
        scripts/run_pipeline.sh --pipeline api_matches --now $now --run-id partial --allow-partial 2> "$TMP/err1"
        echo "with --allow-partial: exit $?"
        grep -c "going on with what is stored (--allow-partial)" "$TMP/err1"
        grep "not stored (skipped)" "$TMP/err1" | head -1
        cut -d, -f1,7,8,9 "$DATA_DIR/index/pipeline_runs.csv"
        """)
        #expect(r.stdout == """
        without: exit 75
        with --allow-partial: exit 0
        1
        extract: 46 units: 0 stored, 45 unchanged, 0 failed, 1 not stored (skipped); 54 records
        run_id,status,failed_step,rows_published
        20250601T000000Z,fail,fetch,0
        partial,partial,,54

        """, "\(r.stderr)")
    }

    @Test("--resume after the pipeline definition was fixed rebuilds the tables (the raw data is kept) and publishes what the fixed definition gives, the same bytes as a clean run")
    func resumeAfterDefinitionChanged() throws {
        let r = try ToolRunner.runInScratch("""
        now=2025-06-01T00:00:00Z
        mkdir -p "$TMP/config/pipelines"
        cp -r config/maps "$TMP/config/"
        # A broken table: away_team_id read from team1, so every team plays itself and a check fails.
        awk '/name: away_team_id/ { f = 1 } f && /from:/ { sub(/team2\\/name, team2/, "team1/name, team1"); f = 0 } 1' \\
          config/pipelines/football.yaml | sed "s|root: data/samples|root: $PWD/data/samples|" > "$TMP/config/pipelines/football.yaml"
        export PADDOCK_CONFIG_DIR="$TMP/config"
        scripts/run_pipeline.sh --pipeline football --now $now 2> "$TMP/err1"
        echo "run: exit $?"
        grep -c "step dq_check failed (exit 1)" "$TMP/err1"
        sed "s|root: data/samples|root: $PWD/data/samples|" config/pipelines/football.yaml > "$TMP/config/pipelines/football.yaml"
        requests=$(wc -l < "$DATA_DIR/index/football/ledger.ndjson")
        scripts/run_pipeline.sh --pipeline football --resume 20250601T000000Z 2> "$TMP/err2"
        echo "resume: exit $?"
        grep "definition" "$TMP/err2"
        grep -c "run_pipeline: extract | normalize --table matches" "$TMP/err2"
        echo "raw store kept: $([ "$(wc -l < "$DATA_DIR/index/football/ledger.ndjson")" = "$requests" ] && echo yes)"
        cut -d, -f1,6,7,8 "$DATA_DIR/index/pipeline_runs.csv"
        DATA_DIR="$TMP/clean" scripts/run_pipeline.sh --pipeline football --now $now 2> /dev/null
        cmp "$DATA_DIR/processed/football/snapshots/20250601T000000Z/matches.csv.zst" "$TMP/clean/processed/football/snapshots/20250601T000000Z/matches.csv.zst" && echo "same bytes"
        """)
        #expect(r.stdout == """
        run: exit 1
        1
        resume: exit 0
        run_pipeline: the definition of football ($TMP/config/pipelines/football.yaml) changed since run 20250601T000000Z started: rebuilding its tables from the stored raw data
        1
        raw store kept: yes
        run_id,steps_run,status,failed_step
        20250601T000000Z,fetch;discover;extract_normalize,fail,dq_check
        20250601T000000Z,discover;extract_normalize;dq_check;publish,ok,
        same bytes

        """, "\(r.stderr)")
    }

    @Test("a failure outside a step (an unknown --tables; the runner itself stopping) is recorded once: a history row, a failure-log entry and the hook")
    func failureOutsideAStep() throws {
        let r = try ToolRunner.runInScratch("""
        export PADDOCK_ON_FAILURE='echo "hook: $PIPELINE $RUN_ID $FAILED_STEP $EXIT_CODE" >> "$TMP/hook.log"'
        scripts/run_pipeline.sh --pipeline football --now 2025-06-01T00:00:00Z --tables nosuch 2> "$TMP/err"
        echo "exit $?"
        grep -c "no table 'nosuch'" "$TMP/err"
        cat "$TMP/hook.log"
        grep -c "^== " "$DATA_DIR/index/pipeline_failures.log"
        head -1 "$DATA_DIR/index/pipeline_failures.log" | cut -d' ' -f3-
        cut -d, -f1,6,7,8 "$DATA_DIR/index/pipeline_runs.csv"
        # The runner itself stops (set -e): here awk fails in the preflight.
        mkdir -p "$TMP/shadow"; printf '#!/bin/sh\\nexit 3\\n' > "$TMP/shadow/awk"; chmod +x "$TMP/shadow/awk"
        rm -f "$TMP/hook.log"
        PATH="$TMP/shadow:$PATH" DATA_DIR="$TMP/d2" scripts/run_pipeline.sh --pipeline football --now 2025-06-01T00:00:00Z 2> "$TMP/err2"
        echo "runner stopped: exit $?"
        grep -c "run_pipeline: error: run_pipeline.sh stopped at line [0-9]* (exit 3)" "$TMP/err2"
        cat "$TMP/hook.log"
        grep "^== " "$TMP/d2/index/pipeline_failures.log" | cut -d' ' -f3- | sed 's/line [0-9]*/line N/'
        cut -d, -f1,6,7,8 "$TMP/d2/index/pipeline_runs.csv" | tail -1
        """)
        #expect(r.stdout == """
        exit 64
        1
        hook: football 20250601T000000Z extract_normalize 64
        1
        football run 20250601T000000Z: step extract_normalize failed (exit 64)
        run_id,steps_run,status,failed_step
        20250601T000000Z,fetch;discover,fail,extract_normalize
        runner stopped: exit 3
        1
        hook: football 20250601T000000Z preflight 3
        football run 20250601T000000Z: step preflight failed (exit 3): run_pipeline.sh stopped at line N
        20250601T000000Z,,fail,preflight

        """, "\(r.stderr)")
    }

    @Test("SIGTERM in the middle of a step stops the tools, and records the run as failed once: history, failure log, hook")
    func sigterm() throws {
        let r = try ToolRunner.runInScratch(ToolRunner.fixtureAPI + """
        export PADDOCK_CONFIG_DIR=Tests/fixtures/config PADDOCK_PROGRESS=0
        export PADDOCK_ON_FAILURE='echo "hook: $PIPELINE $RUN_ID $FAILED_STEP $EXIT_CODE" >> "$TMP/hook.log"'
        # Every answer takes 5 s: the fetch is still running when the run is told to stop.
        echo '{"/matches/2024-08-16": ["slow"]}' > "$TMP/script.json"
        start_api --script "$TMP/script.json" --slow 5
        # As cron starts it: SIGTERM and SIGINT neither ignored nor blocked (a test runner may leave them so,
        # and a shell cannot trap a signal ignored when it started).
        python3 -c 'import os, signal, sys
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
        for s in (signal.SIGTERM, signal.SIGINT): signal.signal(s, signal.SIG_DFL)
        os.execvp(sys.argv[1], sys.argv[1:])' scripts/run_pipeline.sh --pipeline api_matches --now 2025-06-01T00:00:00Z 2> "$TMP/err" &
        pid=$!
        # Stopped while extract waits for the slow answer.
        for _ in $(seq 1 200); do grep -q "run_pipeline: fetch" "$TMP/err" && break; sleep 0.05; done
        sleep 1
        tree() { local c; for c in $(ps -o pid= --ppid "$1"); do echo "$c"; tree "$c"; done; }
        children=$(tree $pid)
        echo "tools running: $([ -n "$children" ] && echo yes)"
        kill -TERM $pid
        wait $pid
        echo "exit $?"
        sleep 0.2
        left=0; for c in $children; do kill -0 "$c" 2>/dev/null && left=$((left + 1)); done
        echo "tools left running: $left"
        cat "$TMP/hook.log"
        grep -c "^== " "$DATA_DIR/index/pipeline_failures.log"
        head -1 "$DATA_DIR/index/pipeline_failures.log" | cut -d' ' -f3-
        # The definition did not change: --resume goes on from the step that was stopped.
        scripts/run_pipeline.sh --pipeline api_matches --resume 20250601T000000Z 2> "$TMP/err2"
        echo "resume: exit $?, tables rebuilt: $(grep -c "definition of api_matches" "$TMP/err2")"
        cut -d, -f1,6,7,8 "$DATA_DIR/index/pipeline_runs.csv"
        """)
        #expect(r.stdout == """
        tools running: yes
        exit 143
        tools left running: 0
        hook: api_matches 20250601T000000Z fetch 143
        1
        api_matches run 20250601T000000Z: step fetch failed (exit 143): stopped by SIGTERM
        resume: exit 0, tables rebuilt: 0
        run_id,steps_run,status,failed_step
        20250601T000000Z,,fail,fetch
        20250601T000000Z,fetch;discover;extract_normalize;dq_check;publish,ok,

        """, "\(r.stderr)")
    }

    @Test("a DATA_DIR with a space and a single quote, and such a --tables value, break nothing: no command is spliced into a string")
    func quotesAndSpaces() throws {
        let r = try ToolRunner.runInScratch("""
        export DATA_DIR="$TMP/it's a data dir"
        scripts/run_pipeline.sh --pipeline football --now 2025-06-01T00:00:00Z 2> "$TMP/err"
        echo "exit $?"
        ls "$DATA_DIR/processed/football/snapshots/20250601T000000Z/" | grep -c matches
        bin/publish --pipeline football --verify 2> /dev/null; echo "verify: exit $?"
        scripts/run_pipeline.sh --pipeline football --now 2025-06-01T00:00:00Z --run-id q --tables "it's" 2> "$TMP/err2"
        echo "odd table: exit $?"
        grep -o "no table 'it's' in football" "$TMP/err2"
        """)
        #expect(r.stdout == """
        exit 0
        2
        verify: exit 0
        odd table: exit 64
        no table 'it's' in football

        """, "\(r.stderr)")
    }

    @Test("the tables of a run come from one pass over the raw store: one extract feeds races, runners and horses")
    func oneExtractForAllTables() throws {
        let r = try ToolRunner.runInScratch("""
        source "$FIXTURES/racing/config.sh"
        python3 scripts/gen_racing.py tree --root "$TMP/landing" --months 2 --start 2024-06 --seed 3 --runners-per-month 300 > /dev/null
        scripts/run_pipeline.sh --pipeline racing --now 2025-06-01T00:00:00Z 2> "$TMP/err"
        echo "exit $?"
        step="$DATA_DIR/runs/racing/20250601T000000Z/extract_normalize.stderr"
        echo "extract runs: $(grep -c '^extract: [0-9]* units: ' "$step")"
        grep -o '^run_pipeline: extract | normalize --table [a-z]*' "$step"
        for t in races runners horses; do echo "$t: $(grep -c . "$DATA_DIR/derived/racing/$t.ndjson" | sed 's/^[1-9][0-9]*$/rows/')"; done
        ls "$DATA_DIR/runs/racing/20250601T000000Z" | grep -c fifo
        """)
        #expect(r.stdout == """
        exit 0
        extract runs: 1
        run_pipeline: extract | normalize --table races
        run_pipeline: extract | normalize --table runners
        run_pipeline: extract | normalize --table horses
        races: rows
        runners: rows
        horses: rows
        0

        """, "\(r.stderr)")
    }

    /// The preflight asks `discover --hosts` for the hosts of the http sources (it read the YAML with sed
    /// before, which missed flow-style sources and expanded variables in its own way).
    @Test("preflight: an http host that does not answer is exit 75; an unset variable in a baseURL is exit 2 naming file:line:column")
    func preflightHosts() throws {
        let r = try ToolRunner.runInScratch("""
        EVENTS_API_URL=http://127.0.0.1:9 scripts/run_pipeline.sh --pipeline events --now 2024-08-20T00:00:00Z 2> "$TMP/err"
        echo "host down: exit $?"
        grep -o 'preflight: 127.0.0.1:9 (an http source of events) does not answer' "$TMP/err"
        bin/discover --pipeline events --hosts
        EVENTS_API_URL=https://api.example.com/v2 bin/discover --pipeline events --hosts --source events
        export PADDOCK_CONFIG_DIR=Tests/fixtures/config
        unset API_URL
        DATA_DIR="$TMP/d2" scripts/run_pipeline.sh --pipeline api --now 2024-08-20T00:00:00Z 2> "$TMP/err2"
        echo "unset variable: exit $?"
        grep -o 'preflight: Tests/fixtures/config/pipelines/api.yaml:7:14: source matches baseURL needs the environment variable API_URL' "$TMP/err2"
        """)
        #expect(r.stdout == """
        host down: exit 75
        preflight: 127.0.0.1:9 (an http source of events) does not answer
        127.0.0.1 8765
        127.0.0.1 8765
        127.0.0.1 8765
        api.example.com 443
        unset variable: exit 2
        preflight: Tests/fixtures/config/pipelines/api.yaml:7:14: source matches baseURL needs the environment variable API_URL

        """, "\(r.stderr)")
    }
}
