#!/usr/bin/env python3
"""DuckDB running the racing dq suite's checks as SQL: the anchor for `dq-check --pipeline racing`.

    bench_dq.py DERIVED_DIR [--threads N] [--now 2025-06-01T00:00:00Z]

DERIVED_DIR holds races.ndjson, runners.ndjson and horses.ndjson (normalize's output). The 20 checks of
config/pipelines/racing.yaml are written as SQL over tables loaded once from the NDJSON: unique keys,
required fields, ranges, accepted values, the runners schema (types of every typed column), gap days,
the drift aggregates (category counts and null counts; there is no snapshot to compare with),
relationships (anti-joins), runner counts against `ran`, missing winners and unresulted races. Prints
the failing count of each check, then the seconds inside the process (loading included, imports
excluded) on stderr.
"""
import argparse
import sys
import time

CHECKS = {
    "races_key_unique": "SELECT count(*) FROM (SELECT race_id FROM races GROUP BY race_id HAVING count(*) > 1)",
    "races_required_fields": """SELECT count(*) FROM races WHERE race_id IS NULL OR race_id = '' OR date IS NULL
        OR course IS NULL OR course = '' OR off_time IS NULL OR distance_yards IS NULL OR ran IS NULL""",
    "races_ran_in_range": "SELECT count(*) FROM races WHERE ran < 1 OR ran > 40",
    "races_region": "SELECT count(*) FROM races WHERE region NOT IN ('gb', 'ire')",
    "races_type": "SELECT count(*) FROM races WHERE race_type NOT IN ('Flat', 'Hurdle', 'Chase', 'NH Flat')",
    "runners_key_unique": "SELECT count(*) FROM (SELECT race_id, number FROM runners GROUP BY ALL HAVING count(*) > 1)",
    "runners_required_fields": """SELECT count(*) FROM runners WHERE race_id IS NULL OR race_id = '' OR number IS NULL
        OR horse_id IS NULL OR horse_id = '' OR finish_status IS NULL OR finish_status = '' OR weight_lbs IS NULL""",
    "runners_weight_in_range": "SELECT count(*) FROM runners WHERE weight_lbs < 100 OR weight_lbs > 200",
    "runners_odds_in_range": "SELECT count(*) FROM runners WHERE odds_decimal < 1.01 OR odds_decimal > 1001",
    "runners_finish_status": """SELECT count(*) FROM runners WHERE finish_status NOT IN
        ('finished', 'PU', 'F', 'UR', 'BD', 'RO', 'SU', 'DSQ', 'REF', 'RR', 'VOID', 'CO', 'LFT', 'NR')""",
    "horses_key_unique": "SELECT count(*) FROM (SELECT horse_id FROM horses GROUP BY horse_id HAVING count(*) > 1)",
    "horses_required_fields": "SELECT count(*) FROM horses WHERE horse_id IS NULL OR horse_id = '' OR horse IS NULL OR horse = ''",
    "runners_schema": """SELECT count(*) FROM runners WHERE race_id IS NULL OR number IS NULL OR number < 1
        OR finish_status IS NULL OR horse IS NULL OR horse_id IS NULL OR weight_lbs IS NULL
        OR (position IS NOT NULL AND TRY_CAST(position AS BIGINT) IS NULL)
        OR (draw IS NOT NULL AND TRY_CAST(draw AS BIGINT) IS NULL)
        OR (age IS NOT NULL AND TRY_CAST(age AS BIGINT) IS NULL)
        OR (official_rating IS NOT NULL AND TRY_CAST(official_rating AS BIGINT) IS NULL)
        OR (rpr IS NOT NULL AND TRY_CAST(rpr AS BIGINT) IS NULL)
        OR (beaten_lengths IS NOT NULL AND TRY_CAST(beaten_lengths AS DOUBLE) IS NULL)
        OR (finish_time_secs IS NOT NULL AND TRY_CAST(finish_time_secs AS DOUBLE) IS NULL)
        OR (odds_decimal IS NOT NULL AND TRY_CAST(odds_decimal AS DOUBLE) IS NULL)
        OR (prize IS NOT NULL AND TRY_CAST(prize AS DOUBLE) IS NULL)""",
    "race_days": """SELECT count(*) FROM (SELECT CAST(d AS DATE) AS day FROM generate_series(
        (SELECT min(date) FROM races), (SELECT max(date) FROM races), INTERVAL 1 DAY) t(d)) g
        WHERE strftime(day, '%m-%d') NOT IN ('12-24', '12-25') AND day NOT IN (SELECT DISTINCT date FROM races)""",
    "runners_drift": """SELECT (SELECT count(*) FROM (SELECT finish_status, count(*) FROM runners GROUP BY ALL))
        + (SELECT count(*) FROM (SELECT sex, count(*) FROM runners GROUP BY ALL))
        + (SELECT count(*) FROM (SELECT headgear, count(*) FROM runners GROUP BY ALL))
        + (SELECT count(official_rating) + count(draw) + count(finish_time_secs) + count(odds_decimal) FROM runners) * 0""",
    "runners_race_known": "SELECT count(*) FROM runners r ANTI JOIN races USING (race_id)",
    "unresolved_horses": "SELECT count(*) FROM runners r ANTI JOIN horses USING (horse_id)",
    "runner_count_mismatch": """SELECT count(*) FROM races LEFT JOIN (SELECT race_id, count(*) AS n FROM runners GROUP BY race_id) c
        USING (race_id) WHERE coalesce(c.n, 0) != ran""",
    "missing_winners": """SELECT count(*) FROM (SELECT race_id FROM runners GROUP BY race_id
        HAVING count(position) > 0 AND count(*) FILTER (WHERE position = 1) = 0)""",
    "unresulted_passed": """SELECT count(*) FROM races WHERE CAST(date AS DATE) + CAST(off_time AS TIME) + INTERVAL 2 HOUR
        < TIMESTAMP '{now}' AND race_id NOT IN (SELECT race_id FROM runners WHERE position IS NOT NULL)""",
}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("derived")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--now", default="2025-06-01T00:00:00Z")
    a = p.parse_args()
    import duckdb
    con = duckdb.connect()
    con.execute(f"SET threads={a.threads}")
    now = a.now.replace("T", " ").rstrip("Z")
    t0 = time.perf_counter()
    for t in ("races", "runners", "horses"):
        con.execute(f"CREATE TABLE {t} AS SELECT * FROM read_json('{a.derived}/{t}.ndjson', format='newline_delimited')")
    results = {name: con.execute(sql.replace("{now}", now)).fetchone()[0] for name, sql in CHECKS.items()}
    secs = time.perf_counter() - t0
    for name, n in results.items():
        print(f"{name}: {n}")
    print(f"{secs:.6f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
