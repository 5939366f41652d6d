#!/usr/bin/env bash
# A backfill of a generated racing landing tree (24 months, about 1.1M runners by default), killed
# with SIGKILL part way through and resumed, with the figures for docs/performance.md.
#
#   scripts/bench_backfill.sh [--meetings-scale F] [--kill-after-windows K] [--work DIR]
#
# Uses the release tools (builds them if needed through bin/). Prints the timings, the windows done
# before the kill, the rows published and the peak RSS of the biggest step.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=4 kill_after=10 work=${TMPDIR:-/tmp}/paddock-bench-backfill
while [[ $# -gt 0 ]]; do
  case $1 in
    --meetings-scale) scale=$2; shift 2 ;;
    --kill-after-windows) kill_after=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "bench_backfill: unknown argument $1" >&2; exit 64 ;;
  esac
done
rm -rf "$work" && mkdir -p "$work/config/pipelines"
cp -r config/maps "$work/config/"
sed "s|root: \${DATA_DIR}/landing/racing|root: $work/landing|" config/pipelines/racing.yaml > "$work/config/pipelines/racing.yaml"
export PADDOCK_CONFIG_DIR="$work/config" DATA_DIR="$work/data"
bin/discover --help > /dev/null   # builds the tools when needed
t0=$EPOCHREALTIME
python3 scripts/gen_racing.py tree --root "$work/landing" --months 24 --start 2023-06 --seed 42 --meetings-scale "$scale" > /dev/null 2> "$work/gen.err"
t1=$EPOCHREALTIME
files=$(find "$work/landing" -name '*_*.csv' | wc -l)
bytes=$(du -sb "$work/landing" | cut -f1)
now=2025-06-01T00:00:00Z
backfill=(scripts/run_pipeline.sh --pipeline racing --mode backfill --from 2023-06-01 --to 2025-05-31 --window-days 31 --now $now)
setsid "${backfill[@]}" 2> "$work/run1.err" &
pid=$!
while :; do
  n=$( (grep -o 'fetch_[0-9-]*' "$DATA_DIR/runs/racing/20250601T000000Z/state" 2>/dev/null || true) | wc -l)
  [[ $n -ge $kill_after ]] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.05
done
kill -9 -- -$pid 2>/dev/null || true
wait $pid 2>/dev/null || true
for _ in $(seq 1 200); do pgrep -g $pid > /dev/null || break; sleep 0.05; done   # the killed tools exit, and free the lock
t2=$EPOCHREALTIME
done1=$(grep -o 'fetch_[0-9-]*' "$DATA_DIR/runs/racing/20250601T000000Z/state" | wc -l)
t3=$EPOCHREALTIME
[[ $done1 -lt 24 ]] || { echo "bench_backfill: the run ended before the kill; use a smaller --kill-after-windows" >&2; exit 2; }
/usr/bin/time -f '%M' -o "$work/resume.rss" scripts/run_pipeline.sh --pipeline racing --resume 20250601T000000Z 2> "$work/run2.err"
t4=$EPOCHREALTIME
windows2=$(grep -c 'run_pipeline: backfill: window' "$work/run2.err")
# A clean run of the whole range, for the cost of a backfill without a kill.
t5=$EPOCHREALTIME
DATA_DIR="$work/clean" /usr/bin/time -f '%M' -o "$work/clean.rss" "${backfill[@]}" 2> "$work/clean.err"
t6=$EPOCHREALTIME
same=yes
snapshot=$(bin/discover --pipeline racing --path snapshots)/20250601T000000Z
clean_snapshot=$(DATA_DIR="$work/clean" bin/discover --pipeline racing --path snapshots)/20250601T000000Z
for t in races runners horses; do
  cmp -s "$snapshot/$t.csv.zst" "$clean_snapshot/$t.csv.zst" || same=no
done
rows=$(bin/publish --pipeline racing --table-rows | tr '\n' ' ')   # the tool reads its own manifest
python3 - <<PY
secs = lambda a, b: float(b) - float(a)
print(f"landing tree: $files files, {int('$bytes') / 1e6:.1f} MB, generated in {secs('$t0', '$t1'):.1f} s")
print(f"published rows: $rows")
print(f"killed after $done1 windows ({secs('$t1', '$t2'):.1f} s); resume ran $windows2 windows and the rest in {secs('$t3', '$t4'):.1f} s, peak RSS {int(open('$work/resume.rss').read()) / 1024:.0f} MiB")
print(f"clean backfill of the whole range: {secs('$t5', '$t6'):.1f} s, peak RSS {int(open('$work/clean.rss').read()) / 1024:.0f} MiB")
print(f"resumed snapshot identical to the clean one: $same")
PY
grep -m3 'extract: [0-9]*/[0-9]* units' "$work/clean.err" | sed 's/^/progress sample: /' || true
grep 'backfill: window' "$work/clean.err" | sed -n '1p;$p' | sed 's/^/progress sample: /'
