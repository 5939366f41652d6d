#!/usr/bin/env python3
"""Python-side anchors for scripts/bench.sh (run inside .venv-bench).

    bench_anchors.py csv2ndjson ENGINE IN.csv OUT [--threads N] [--timing FILE]
    bench_anchors.py map-runners duckdb IN.ndjson OUT [--threads N] [--timing FILE]
    bench_anchors.py versions

map-runners is the racing `runners` mapping of config/pipelines/racing.yaml written as
DuckDB SQL over the NDJSON (every value a string): the same 24 output columns, with
integer casts (bad -> null), the position split into place and status, beaten
distances with the rpscrape words (nk, hd, ...), weights in lbs or stones-pounds,
finishing times in m:ss.ff or seconds, fractional odds (and Evens) to decimal with the
favourite marker, the horse's slug, and the prize money without its currency symbol.
It is the equivalent work, not the same rules: Paddock's parsers accept more spellings
and quarantine what they cannot read, which this SQL turns into nulls.

ENGINE is one of:
    polars         pl.read_csv(all columns as strings) + DataFrame.write_ndjson
    polars-stream  pl.scan_csv(...).sink_ndjson (streaming engine)
    duckdb         COPY (SELECT * FROM read_csv(..., all_varchar)) TO OUT (FORMAT JSON)
    python         csv.reader + json.dumps, stdlib only (also the fallback used to
                   make the NDJSON input when bin/normalize is not there yet)

All engines write the same bytes: one JSON object per row, keys in header order,
every value a JSON string (empty fields stay "" rather than null), compact
separators, non-ASCII unescaped.

The work is timed inside the process, after the imports and set-up, with
time.perf_counter(); the seconds go to --timing FILE (or stderr). Thread counts are
fixed before the engine is imported (POLARS_MAX_THREADS, SET threads).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

NO_NULL = "__paddock_bench_no_null__"     # a null string that never occurs in the data


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def run_polars(inp: str, out: str, threads: int, stream: bool) -> float:
    os.environ["POLARS_MAX_THREADS"] = str(threads)
    import polars as pl
    if pl.thread_pool_size() != threads:
        raise SystemExit(f"polars thread pool is {pl.thread_pool_size()}, wanted {threads}")
    t0 = time.perf_counter()
    if stream:
        pl.scan_csv(inp, infer_schema=False, empty_string_is_null=False).sink_ndjson(out)
    else:
        df = pl.read_csv(inp, infer_schema=False, empty_string_is_null=False)
        df.write_ndjson(out)
    return time.perf_counter() - t0


def run_duckdb(inp: str, out: str, threads: int) -> float:
    import duckdb
    con = duckdb.connect()
    con.execute(f"SET threads={int(threads)}")
    sql = (f"COPY (SELECT * FROM read_csv({_sql_str(inp)}, all_varchar=true, header=true, "
           f"nullstr={_sql_str(NO_NULL)})) TO {_sql_str(out)} (FORMAT JSON, USE_TMP_FILE false)")
    t0 = time.perf_counter()
    con.execute(sql)
    return time.perf_counter() - t0


RUNNERS_SQL = r"""
SELECT
  race_key AS race_id,
  TRY_CAST(num AS INTEGER) AS number,
  CASE WHEN regexp_full_match(trim(pos), '(=|[Dd][Hh] ?)?[0-9]+(=| ?[Dd][Hh])?') THEN 'finished'
       ELSE upper(replace(replace(trim(pos), '.', ''), '-', '')) END AS finish_status,
  TRY_CAST(regexp_extract(pos, '^(?:=|[Dd][Hh] ?)?([0-9]+)', 1) AS INTEGER) AS position,
  TRY_CAST(NULLIF(draw, '') AS INTEGER) AS draw,
  CASE lower(btn) WHEN 'nk' THEN 0.3 WHEN 'hd' THEN 0.2 WHEN 'shd' THEN 0.1 WHEN 'snk' THEN 0.25
       WHEN 'nse' THEN 0.05 WHEN 'dht' THEN 0.0 WHEN 'dist' THEN 30.0 ELSE TRY_CAST(NULLIF(btn, '') AS DOUBLE) END AS beaten_lengths,
  CASE lower(ovr_btn) WHEN 'nk' THEN 0.3 WHEN 'hd' THEN 0.2 WHEN 'shd' THEN 0.1 WHEN 'snk' THEN 0.25
       WHEN 'nse' THEN 0.05 WHEN 'dht' THEN 0.0 WHEN 'dist' THEN 30.0 ELSE TRY_CAST(NULLIF(ovr_btn, '') AS DOUBLE) END AS beaten_lengths_total,
  horse,
  trim(regexp_replace(lower(replace(horse, chr(39), '')), '[^a-z0-9]+', '-', 'g'), '-') AS horse_id,
  TRY_CAST(age AS INTEGER) AS age,
  NULLIF(sex, '') AS sex,
  CASE WHEN contains(lbs, '-') THEN TRY_CAST(split_part(lbs, '-', 1) AS INTEGER) * 14 + TRY_CAST(split_part(lbs, '-', 2) AS INTEGER)
       ELSE TRY_CAST(lbs AS INTEGER) END AS weight_lbs,
  NULLIF(hg, '') AS headgear,
  CASE WHEN contains(time, ':') THEN TRY_CAST(split_part(time, ':', 1) AS DOUBLE) * 60 + TRY_CAST(split_part(time, ':', 2) AS DOUBLE)
       ELSE TRY_CAST(NULLIF(time, '') AS DOUBLE) END AS finish_time_secs,
  CASE WHEN lower(dec) LIKE 'ev%' THEN 2.0
       ELSE round(TRY_CAST(regexp_extract(dec, '^([0-9]+)/', 1) AS DOUBLE) / TRY_CAST(regexp_extract(dec, '/([0-9]+)', 1) AS DOUBLE) + 1, 4) END AS odds_decimal,
  NULLIF(regexp_extract(upper(dec), '(JF|CF|F)$', 1), '') AS favourite,
  NULLIF(jockey, '') AS jockey,
  NULLIF(trainer, '') AS trainer,
  NULLIF(owner, '') AS owner,
  TRY_CAST(NULLIF("or", '-') AS INTEGER) AS official_rating,
  TRY_CAST(NULLIF(rpr, '-') AS INTEGER) AS rpr,
  TRY_CAST(regexp_replace(prize_raw, '[^0-9.]', '', 'g') AS DOUBLE) AS prize,
  NULL AS source_unit
FROM read_json({src}, format='newline_delimited', records=true, columns={columns})
"""

RUNNERS_COLUMNS = ["race_key", "num", "pos", "draw", "ovr_btn", "btn", "horse", "age", "sex", "lbs", "hg", "time",
                   "secs", "dec", "jockey", "trainer", "prize", "prize_raw", "or", "rpr", "sire", "dam", "damsire",
                   "owner", "comment"]


def run_duckdb_map_runners(inp: str, out: str, threads: int) -> float:
    import duckdb
    con = duckdb.connect()
    con.execute(f"SET threads={int(threads)}")
    columns = "{" + ", ".join(f"{_sql_str(c)}: 'VARCHAR'" for c in RUNNERS_COLUMNS) + "}"
    select = RUNNERS_SQL.format(src=_sql_str(inp), columns=columns)
    sql = f"COPY ({select}) TO {_sql_str(out)} (FORMAT JSON, USE_TMP_FILE false)"
    t0 = time.perf_counter()
    con.execute(sql)
    return time.perf_counter() - t0


def run_python(inp: str, out: str) -> float:
    import csv
    import json
    t0 = time.perf_counter()
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with open(inp, newline="", encoding="utf-8") as f, \
            open(out, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as g:
        r = csv.reader(f)
        header = next(r)
        write = g.write
        for row in r:
            write(dumps(dict(zip(header, row))))
            write("\n")
    return time.perf_counter() - t0


def versions() -> None:
    import platform
    out = [f"python {platform.python_version()}"]
    for mod in ("polars", "duckdb"):
        try:
            m = __import__(mod)
            out.append(f"{mod} {m.__version__}")
        except Exception as e:          # noqa: BLE001 - report, don't fail
            out.append(f"{mod} missing ({type(e).__name__})")
    print(", ".join(out))


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "versions":
        versions()
        return 0
    p = argparse.ArgumentParser(description="Python anchors for scripts/bench.sh")
    p.add_argument("task", choices=["csv2ndjson", "map-runners"])
    p.add_argument("engine", choices=["polars", "polars-stream", "duckdb", "python"])
    p.add_argument("inp")
    p.add_argument("out")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--timing", help="file to write the in-process seconds to")
    a = p.parse_args()
    if a.task == "map-runners":
        if a.engine != "duckdb":
            raise SystemExit("map-runners: only the duckdb engine")
        secs = run_duckdb_map_runners(a.inp, a.out, a.threads)
    elif a.engine in ("polars", "polars-stream"):
        secs = run_polars(a.inp, a.out, a.threads, a.engine == "polars-stream")
    elif a.engine == "duckdb":
        secs = run_duckdb(a.inp, a.out, a.threads)
    else:
        secs = run_python(a.inp, a.out)
    if a.timing:
        with open(a.timing, "w") as f:
            f.write(f"{secs:.6f}\n")
    else:
        print(f"{secs:.6f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
