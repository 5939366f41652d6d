import Foundation
import Testing

/// The three openfootball schema versions of the same season normalize into the same canonical matches.
struct SchemaDriftTests {
    @Test("openfootball 2016-17 v1, v2 and v3 give the same canonical matches, keys and scores")
    func threeSchemaVersions() throws {
        let scratch = try ToolRunner.makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // The football pipeline, pointed at the three versions of 2016-17.
        let r = try ToolRunner.run("""
        set -e
        mkdir -p "$TMP/config/pipelines"
        cp -r config/maps "$TMP/config/"
        sed "s|root: data/samples/football|root: $PWD/Tests/fixtures/openfootball-2016-17|" config/pipelines/football.yaml \\
          > "$TMP/config/pipelines/football.yaml"
        export PADDOCK_CONFIG_DIR="$TMP/config"
        extract --pipeline football --discover --now 2025-06-01T00:00:00Z \\
          | normalize --pipeline football --table matches --output "$TMP/matches.ndjson" --quarantine "$TMP/q.ndjson"
        wc -l < "$TMP/q.ndjson"
        python3 - "$TMP/matches.ndjson" <<'PY'
        import json, sys, collections
        rows = collections.defaultdict(list)
        for line in open(sys.argv[1]):
            r = json.loads(line)
            rows[r["source_unit"].split("schema-")[1][:2]].append(r)
        keys = {}
        for v in sorted(rows):
            c = collections.Counter(r["match_id"] for r in rows[v])
            keys[v] = set(c)
            print(v, len(rows[v]), "rows", len(c), "keys, duplicated:", sorted(k for k, n in c.items() if n > 1))
        print("v2 keys == v3 keys:", keys["v2"] == keys["v3"])
        print("v3 keys not in v1:", sorted(keys["v3"] - keys["v1"]), "v1 keys not in v3:", sorted(keys["v1"] - keys["v3"]))
        diffs, compared = 0, 0
        for mid in keys["v3"]:
            found = [[r for r in rows[v] if r["match_id"] == mid] for v in sorted(rows)]
            if any(len(f) != 1 for f in found):
                continue
            for col in ("home_goals", "away_goals", "home_goals_ht", "away_goals_ht"):
                vals = [f[0][col] for f in found if f[0][col] is not None]
                compared += len(vals) > 1
                diffs += len(set(vals)) > 1
        print("score comparisons:", compared, "differences:", diffs)
        PY
        """, scratch: scratch)
        #expect(r.status == 0, "\(r.stderr)")
        // v1 (written in August 2016) lists the 2017-03-12 Liverpool v Burnley fixture as a second Burnley v
        // Liverpool, an upstream error that the unique-key check reports. Everything else agrees.
        #expect(r.stdout == """
        0
        v1 380 rows 379 keys, duplicated: ['2016-17-burnley-liverpool']
        v2 380 rows 380 keys, duplicated: []
        v3 380 rows 380 keys, duplicated: []
        v2 keys == v3 keys: True
        v3 keys not in v1: ['2016-17-liverpool-burnley'] v1 keys not in v3: []
        score comparisons: 756 differences: 0

        """)
    }
}
