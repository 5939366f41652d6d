import Foundation
import Testing

/// A pipeline definition is compiled and checked by every tool before it reads any data, and its paths
/// do not depend on the working folder.
struct PipelineDefinitionTests {
    /// For each section, a misspelled key and a value of the wrong type, planted in a copy of the
    /// football pipeline: (sed expression, the message expected after `file:line:column: `).
    static let corpus: [(String, String)] = [
        ("s/^    patterns: \\[\"\\*.json\"\\]/    patterns: [\"*.json\"]\\n    encodng: cp1252/",
         "unknown key 'encodng' in source 'openfootball' (did you mean 'encoding'?)"),
        ("s/^    format: json/    format: jsn/", "'format' in source 'openfootball': unknown value 'jsn' (did you mean 'json'?)"),
        ("s/^    primaryKey: \\[match_id\\]/    primaryKy: [match_id]/",
         "unknown key 'primaryKy' in table 'matches' (did you mean 'primaryKey'?)"),
        ("0,/^        type: string/s//        type: strin/", "'type' in field 'match_id' of table 'matches': unknown value 'strin' (did you mean 'string'?)"),
        ("0,/^        from: competition/s//        form: competition/",
         "unknown key 'form' in field 'competition' of table 'matches' (did you mean 'from'?)"),
        ("0,/^    severity: warn/s//    severty: warn/", "unknown key 'severty' in check 'matches_full_season' (did you mean 'severity'?)"),
        ("0,/^    min: 380/s//    min: many/", "'min' in check 'matches_full_season' must be a number, not 'many'"),
        ("s/^  keep: .*/  kep: 5/", "unknown key 'kep' in publish (did you mean 'keep'?)"),
    ]

    @Test("a typo in any section makes every tool exit 2 before reading data, naming file:line:column and the fix")
    func typoCorpus() throws {
        var script = """
        mkdir -p "$TMP/config/pipelines" "$TMP/empty"
        cp -r config/maps "$TMP/config/"
        export PADDOCK_CONFIG_DIR="$TMP/config"
        # A FIFO that never gets data: a tool that read its input before the definition would hang here
        # (opened read-write on fd 3, so that opening it does not block and it always has a writer).
        mkfifo "$TMP/never"
        exec 3<> "$TMP/never"
        i=0

        """
        for (sed, _) in Self.corpus {
            script += """
            i=$((i+1))
            sed -e '\(sed)' config/pipelines/football.yaml > "$TMP/config/pipelines/football.yaml"
            cmp -s config/pipelines/football.yaml "$TMP/config/pipelines/football.yaml" && echo "case $i: sed changed nothing"
            for tool in "discover --pipeline football" "extract --pipeline football --units $TMP/never" \\
                        "normalize --pipeline football --table matches $TMP/never" "dq-check --pipeline football" \\
                        "publish --pipeline football"; do
              timeout 10 $tool > "$TMP/out" 2> "$TMP/err" <&3; rc=$?
              echo "case $i ${tool%% *} exit $rc: $(head -1 "$TMP/err")"
            done

            """
        }
        let r = try ToolRunner.runInScratch(script)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == Self.corpus.count * 5, "\(r.stdout)\n\(r.stderr)")
        for (i, (_, message)) in Self.corpus.enumerated() {
            for tool in ["discover", "extract", "normalize", "dq-check", "publish"] {
                let line = lines.first { $0.hasPrefix("case \(i + 1) \(tool) ") } ?? "(none)"
                // `tool: error: $TMP/config/pipelines/football.yaml:LINE:COLUMN: message`
                let pattern = "^case \(i + 1) \(tool) exit 2: \(tool): error: \\$TMP/config/pipelines/football.yaml:[0-9]+:[0-9]+: "
                #expect(line.range(of: pattern, options: .regularExpression) != nil && line.hasSuffix(message), "\(line)")
            }
        }
    }

    @Test("a typo in an http source makes every tool exit 2 before any request or read, naming file:line:column and the fix", arguments: [
        ("0,/^    rateLimit: 10/s//    rateLimt: 10/", "unknown key 'rateLimt' in source 'events' (did you mean 'rateLimit'?)"),
        ("0,/^    tries: 5/s//    tries: five/", "'tries' in source 'events' must be a whole number, not 'five'"),
    ])
    func httpTypos(sed: String, message: String) throws {
        let r = try ToolRunner.runInScratch("""
        mkdir -p "$TMP/config/pipelines"
        cp -r config/maps "$TMP/config/"
        export PADDOCK_CONFIG_DIR="$TMP/config" EVENTS_API_URL=http://127.0.0.1:9
        mkfifo "$TMP/never"
        exec 3<> "$TMP/never"
        sed -e '\(sed)' config/pipelines/events.yaml > "$TMP/config/pipelines/events.yaml"
        for tool in "discover --pipeline events" "extract --pipeline events --discover" \\
                    "normalize --pipeline events --table events $TMP/never" "dq-check --pipeline events" "publish --pipeline events"; do
          timeout 10 $tool > /dev/null 2> "$TMP/err" <&3; echo "${tool%% *} exit $?: $(head -1 "$TMP/err")"
        done
        """)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(r.stdout)\(r.stderr)")
        for line in lines {
            let tool = line.split(separator: " ")[0]
            let pattern = "^\(tool) exit 2: \(tool): error: \\$TMP/config/pipelines/events.yaml:[0-9]+:[0-9]+: "
            #expect(line.range(of: pattern, options: .regularExpression) != nil && line.hasSuffix(message), "\(line)")
        }
    }

    @Test("make check and --check: 0 and ok for a valid definition, 2 with every problem listed")
    func checkOption() throws {
        let r = try ToolRunner.runInScratch("""
        mkdir -p "$TMP/config/pipelines"
        cp -r config/maps "$TMP/config/"
        export PADDOCK_CONFIG_DIR="$TMP/config"
        cp config/pipelines/football.yaml "$TMP/config/pipelines/"
        extract --pipeline football --check; echo "exit $?"
        sed -e 's/^    primaryKey:/    primaryKy:/' -e 's/^  keep: .*/  keep: 0/' -e 's/^pipeline: football/pipeline: broken\\nsources: [/' \\
          config/pipelines/football.yaml > "$TMP/config/pipelines/broken.yaml"
        dq-check --pipeline broken --check; echo "exit $?"
        sed -e 's/^    primaryKey:/    primaryKy:/' -e 's/^  keep: .*/  keep: 0/' -e 's/^pipeline: football/pipeline: typos/' config/pipelines/football.yaml > "$TMP/config/pipelines/typos.yaml"
        normalize --pipeline typos --check; echo "exit $?"
        """)
        let out = r.stdout.split(separator: "\n")
        #expect(out == ["exit 0", "exit 2", "exit 2"], "\(r.stderr)")
        let err = r.stderr.split(separator: "\n").map(String.init)
        #expect(err.first == "extract: $TMP/config/pipelines/football.yaml: ok (3 sources, 1 tables, 7 checks)")
        #expect(err.contains { $0.hasPrefix("dq-check: error: $TMP/config/pipelines/broken.yaml:") && $0.contains("YAML syntax error") }, "\(err)")
        let typos = err.filter { $0.hasPrefix("normalize: error:") }
        #expect(typos.count == 3, "\(typos)")
        #expect(typos[0].contains("unknown key 'primaryKy' in table 'matches' (did you mean 'primaryKey'?)"))
        #expect(typos[1].hasSuffix("'keep' in publish must be at least 1, not 0"))
        #expect(typos[2] == "normalize: error: pipeline definition $TMP/config/pipelines/typos.yaml has 2 problems; nothing was read or written")
    }

    @Test("relative roots and maps: a run from another working folder, with DATA_DIR elsewhere, publishes the same bytes")
    func pathsIndependentOfWorkingFolder() throws {
        let r = try ToolRunner.runInScratch("""
        set -e
        now=2025-06-01T00:00:00Z
        run() {
          discover --pipeline football --now $now | extract --pipeline football --units - --now $now 2>/dev/null \\
            | normalize --pipeline football --table matches --output "$DATA_DIR/derived/football/matches.ndjson" 2>/dev/null
          dq-check --pipeline football --now $now > /dev/null 2>&1 || true
          publish --pipeline football --now $now --run-id r1 2>/dev/null
        }
        # From the repository root, with the relative config folder.
        DATA_DIR="$TMP/a" PADDOCK_CONFIG_DIR=config run
        # From another folder, with the config folder given as an absolute path and DATA_DIR elsewhere.
        repo=$PWD
        mkdir -p "$TMP/elsewhere/data" && cd "$TMP/elsewhere"
        DATA_DIR="$TMP/b" PADDOCK_CONFIG_DIR="$repo/config" run
        cd "$TMP"
        for f in a/processed/football/snapshots/r1/*; do
          cmp "$f" "b/processed/football/snapshots/r1/$(basename "$f")" && echo "same: $(basename "$f")"
        done
        """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("same: matches.csv.zst"), "\(r.stdout)")
        #expect(r.stdout.contains("same: datapackage.json"), "\(r.stdout)")
        #expect(!r.stdout.contains("differ"), "\(r.stdout)")
    }
}
