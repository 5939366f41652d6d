#!/usr/bin/env bash
# Benchmark dq-check's racing suite against DuckDB running the same checks as SQL, in one run.
#
#   scripts/bench_dq.sh [--months 86] [--runs 5] [--duck-runs 3]
#
# Data: a generated landing tree without sampling (scripts/gen_racing.py tree --start 2015-01
# --seed 42; 86 months is about 1M runners), normalized into races, runners and horses under
# data/bench/dq-<months>m/ (cached). Paddock: wall time and peak RSS of `dq-check --pipeline racing`
# (/usr/bin/time). DuckDB: scripts/bench_dq.py, the same 20 checks as SQL over tables loaded once from
# the same NDJSON, timed inside the process (imports excluded), 1 and 2 threads, in .venv-bench.
# Medians. MB = 10^6 bytes of derived NDJSON.
set -euo pipefail
cd "$(dirname "$0")/.."
MONTHS=86 RUNS=5 DUCK_RUNS=3
while [ $# -gt 0 ]; do
  case $1 in
    --months) MONTHS=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --duck-runs) DUCK_RUNS=$2; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_dq.sh: unknown argument $1" >&2; exit 64 ;;
  esac
  shift
done
BIN=${PADDOCK_BIN:-.build/release}
[ -x "$BIN/dq-check" ] || swift build -c release >&2
VPY=.venv-bench/bin/python
[ -x "$VPY" ] && "$VPY" -c 'import duckdb' 2>/dev/null || { python3 -m venv .venv-bench && "$VPY" -m pip install -q duckdb polars; }
root=data/bench/dq-${MONTHS}m
derived=$root/data/derived/racing
if [ ! -s "$derived/horses.ndjson" ]; then
  echo "generating $MONTHS months into $root ..." >&2
  rm -rf "$root" && mkdir -p "$derived"
  python3 scripts/gen_racing.py tree --root "$root/landing" --months "$MONTHS" --start 2015-01 --seed 42 >&2
  find "$root/landing" -name 'races_*.csv' | sort > "$root/races.list"
  find "$root/landing" -name 'runners_*.csv' | sort > "$root/runners.list"
  for t in races runners horses; do
    list=$root/runners.list; [ $t = races ] && list=$root/races.list
    # xargs would split the list over several calls: normalize reads every file in one call instead.
    mapfile -t files < "$list"
    "$BIN/normalize" --pipeline racing --table $t --output "$derived/$t.ndjson" --quarantine "$derived/$t.q.ndjson" "${files[@]}" >&2
  done
fi
bytes=$(cat "$derived"/races.ndjson "$derived"/runners.ndjson "$derived"/horses.ndjson | wc -c)
median() { sort -g | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else printf "%.6f\n", (a[NR/2]+a[NR/2+1])/2 }'; }
cat "$derived"/*.ndjson > /dev/null
walls=() rss=0
for ((i = 0; i < RUNS; i++)); do
  DATA_DIR=$root/data /usr/bin/time -f '%e %M' -o /tmp/bench_dq.time "$BIN/dq-check" --pipeline racing --now 2025-06-01T00:00:00Z > /dev/null 2>&1 || true
  read -r w m < /tmp/bench_dq.time
  walls+=("$w"); [ "$m" -gt "$rss" ] && rss=$m
done
p=$(printf '%s\n' "${walls[@]}" | median)
echo "| tool | s | MB/s | Paddock ÷ tool | peak RSS MiB |"
echo "|---|---:|---:|---:|---:|"
awk -v s="$p" -v b="$bytes" -v r="$rss" 'BEGIN{printf "| Paddock dq-check | %.3f | %.1f | 1.00 | %.0f |\n", s, b/1e6/s, r/1024}'
for th in 1 2; do
  secs=() drss=0
  for ((i = 0; i < DUCK_RUNS; i++)); do
    /usr/bin/time -f '%M' -o /tmp/bench_dq.rss "$VPY" scripts/bench_dq.py "$derived" --threads $th 2> /tmp/bench_dq.err > /dev/null
    secs+=("$(tail -n 1 /tmp/bench_dq.err)"); m=$(cat /tmp/bench_dq.rss); [ "$m" -gt "$drss" ] && drss=$m
  done
  d=$(printf '%s\n' "${secs[@]}" | median)
  awk -v s="$d" -v p="$p" -v b="$bytes" -v r="$drss" -v t="$th" 'BEGIN{printf "| DuckDB %d thread(s), in-process | %.3f | %.1f | %.2f | %.0f |\n", t, s, b/1e6/s, s/p, r/1024}'
done
echo
echo "derived NDJSON: $bytes bytes ($(wc -l < "$derived/runners.ndjson") runners); medians of $RUNS (Paddock) and $DUCK_RUNS (DuckDB)"
