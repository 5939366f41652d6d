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
}
