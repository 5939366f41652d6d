import Foundation
import Testing

/// Record selection and carried fields that nested API payloads need (lineups: players under /home and
/// /away), through `discover | extract`, so the unit's parameters survive the NDJSON between them.
struct SourceFeatureTests {
    @Test("recordsMode all, a member name from N levels up (2#), an index (0#), and a unit parameter ($event)")
    func lineups() throws {
        let r = try ToolRunner.runInScratch("""
        export PADDOCK_CONFIG_DIR=Tests/fixtures/config
        discover --pipeline lineups | extract --pipeline lineups --units - 2>/dev/null | python3 -c '
        import json, sys
        for l in sys.stdin:
            r = json.loads(l)
            print(r["player"]["id"], r["side"], r["index"], r["event_id"], r["confirmed"], r["_pointer"])'
        """)
        #expect(r.stdout == """
        1 home 0 12000001 True /home/players/0
        2 home 1 12000001 True /home/players/1
        3 away 0 12000001 True /away/players/0

        """, "\(r.stderr)")
    }

    @Test("a carried field whose name is a member of the record is an error naming the unit, the record's line and the key (exit 2), not a duplicate key")
    func carryCollision() throws {
        let r = try ToolRunner.runInScratch("""
        export PADDOCK_CONFIG_DIR="$TMP/config" PADDOCK_PROGRESS=0
        mkdir -p "$TMP/landing" "$TMP/config/pipelines"
        printf '{"race": {"id": 7, "region": "GB"},\\n "runners": [\\n  {"horse": "Kauto Star", "region": "FR"},\\n  {"horse": "Denman", "region": "IRE"}\\n]}\\n' > "$TMP/landing/r7.json"
        write() {
          cat > "$TMP/config/pipelines/races.yaml" <<EOF
        pipeline: races
        sources:
          - {name: races, kind: files, root: $TMP/landing, patterns: ["*.json"], records: /runners/*, carry: {$1: /race/region, race_id: /race/id}}
        tables: []
        EOF
        }
        write region
        extract --pipeline races > "$TMP/out.ndjson" 2> "$TMP/err"
        echo "carry region: exit $?, $(wc -l < "$TMP/out.ndjson") records"
        sed "s/raw\\/races\\/races\\/r7.json\\/sha256-[0-9a-f]*/RAW/" "$TMP/err"
        write race_region
        extract --pipeline races 2> /dev/null | python3 -c '
        import json, sys
        for l in sys.stdin:
            r = json.loads(l)
            print(r["horse"], r["region"], r["race_region"], r["race_id"])'
        """)
        #expect(r.stdout == """
        carry region: exit 2, 0 records
        extract: error: $TMP/data/RAW.json:3: unit races/r7.json: the carried field 'region' collides with a member of the record at /runners/0
        extract: hint: rename the carried field in source races, e.g. carry: {races_region: /race/region}
        extract: 1 units: 0 stored, 0 unchanged, 1 failed; 0 records
        extract: error: 1 of 1 units failed
        extract: hint: see the errors above; units that broke their contract need a look
        Kauto Star FR GB 7
        Denman IRE GB 7

        """, "\(r.stderr)")
    }
}
