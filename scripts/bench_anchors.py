#!/usr/bin/env python3
"""Python-side anchors for scripts/bench.sh (run inside .venv-bench).

    bench_anchors.py csv2ndjson ENGINE IN.csv OUT [--threads N] [--timing FILE]
    bench_anchors.py versions

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
    p.add_argument("task", choices=["csv2ndjson"])
    p.add_argument("engine", choices=["polars", "polars-stream", "duckdb", "python"])
    p.add_argument("inp")
    p.add_argument("out")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--timing", help="file to write the in-process seconds to")
    a = p.parse_args()
    if a.engine in ("polars", "polars-stream"):
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
