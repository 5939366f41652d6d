import Foundation
import Testing

/// football-data-style CSVs (two layouts) and openfootball JSON feed the same canonical `matches`
/// table: the same season from two sources gives the same keys and scores.
struct FootballSourcesTests {
    @Test("1993-94 and 2019-20 CSVs normalize into matches, and agree with other sources of the same season")
    func csvSourcesAgree() throws {
        let scratch = try ToolRunner.makeScratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let r = try ToolRunner.run("""
        set -e
        mkdir -p "$TMP/config/pipelines"
        cp -r config/maps "$TMP/config/"
        sed -e "s|root: \\${DATA_DIR}/landing/football/footballcsv|root: $PWD/Tests/fixtures/footballcsv|" \\
            -e "s|root: \\${DATA_DIR}/landing/football/footballdata|root: $PWD/Tests/fixtures/footballdata|" \\
            -e "s|root: data/samples/football|root: $PWD/data/samples/football|" \\
            config/pipelines/football.yaml > "$TMP/config/pipelines/football.yaml"
        export PADDOCK_CONFIG_DIR="$TMP/config"
        extract --pipeline football --discover --now 2025-06-01T00:00:00Z 2>/dev/null \\
          | normalize --pipeline football --table matches --output "$TMP/matches.ndjson" --quarantine "$TMP/q.ndjson"
        cat "$TMP/q.ndjson"
        python3 - "$TMP/matches.ndjson" <<'PY'
        import json, sys, collections
        by = collections.defaultdict(dict)
        for line in open(sys.argv[1]):
            r = json.loads(line)
            by[(r["source_unit"].split("/")[0], r["season"])][r["match_id"]] = r
        for k in sorted(by):
            print(k[0], k[1], len(by[k]))
        def same(a, b):
            ka, kb = set(by[a]), set(by[b])
            cols = ("home_goals", "away_goals", "home_goals_ht", "away_goals_ht")
            diffs = sum(1 for m in ka & kb for c in cols
                        if by[a][m][c] is not None and by[b][m][c] is not None and by[a][m][c] != by[b][m][c])
            print(a[1], a[0], "vs", b[0] + ":", "same keys" if ka == kb else f"{len(ka ^ kb)} keys differ", f"{diffs} score differences")
        same(("footballcsv", "1993-94"), ("footballdata", "1993-94"))
        same(("footballdata", "2024-25"), ("openfootball", "2024-25"))
        PY
        """, scratch: scratch)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == """
        footballcsv 1993-94 462
        footballcsv 2019-20 380
        footballdata 1993-94 462
        footballdata 2024-25 380
        openfootball 2024-25 380
        1993-94 footballcsv vs footballdata: same keys 0 score differences
        2024-25 footballdata vs openfootball: same keys 0 score differences

        """)
    }
}
