#!/usr/bin/env bash
# Benchmark publish's compression against the zstd CLI on the same 1M-row CSV, in one run.
#
#   scripts/bench_publish.sh [--runs 5] [--rows 1000000]
#
# Both compress at level 3 with two worker threads, input warm in the page cache, output to /dev/null:
# libzstd through Paddock (publish --compress, the code path publish uses for every table, sha256 of
# the output included) against the CLI. A second pair writes real files (publish: temporary file,
# fsync, rename; the CLI: no fsync). Prints medians in MB/s of input and the ratio Paddock ÷ zstd.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5 rows=1000000
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_publish: unknown argument $1" >&2; exit 64 ;;
  esac
done
command -v zstd >/dev/null || { echo "bench_publish: zstd CLI missing (apt-get install zstd)" >&2; exit 2; }
csv=data/bench/runners_$rows.csv
[[ -f $csv ]] || python3 scripts/gen_racing.py runners --rows "$rows" --seed 42 --out "$csv"
bin/publish --help > /dev/null   # build first, outside the timings
out=$(mktemp -d "${TMPDIR:-/tmp}/bench_publish.XXXXXX")
trap 'rm -rf "$out"' EXIT
bytes=$(stat -c %s "$csv")
cat "$csv" > /dev/null

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
time_it() {  # prints seconds for one run of "$@"
  local t0=$EPOCHREALTIME
  "$@" > /dev/null
  awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.4f\n", b - a }'
}
paddock_null() { .build/release/publish --pipeline football --compress "$csv" --to - 2>/dev/null; }
cli_null() { zstd -q -3 -T2 -c "$csv"; }
paddock_file() { .build/release/publish --pipeline football --compress "$csv" --to "$out/p.csv.zst"; }
cli_file() { zstd -q -f -3 -T2 "$csv" -o "$out/z.csv.zst"; }

# Interleaved runs, so both see the same machine.
pn=() zn=() pf=() zf=()
for _ in $(seq "$runs"); do
  pn+=("$(time_it paddock_null)"); zn+=("$(time_it cli_null)")
  pf+=("$(time_it paddock_file)"); zf+=("$(time_it cli_file)")
done
med() { printf '%s\n' "$@" | median; }
mbps() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
p=$(med "${pn[@]}") z=$(med "${zn[@]}") p2=$(med "${pf[@]}") z2=$(med "${zf[@]}")
version=$(zstd --version | grep -o 'v[0-9.]*' | head -1)
echo "| task | Paddock s | Paddock MB/s | zstd $version s | zstd MB/s | Paddock ÷ zstd |"
echo "|---|---:|---:|---:|---:|---:|"
echo "| level 3, 2 workers, to /dev/null | $p | $(mbps "$p") | $z | $(mbps "$z") | $(ratio "$z" "$p") |"
echo "| level 3, 2 workers, to a file (Paddock: fsync + rename) | $p2 | $(mbps "$p2") | $z2 | $(mbps "$z2") | $(ratio "$z2" "$p2") |"
echo
echo "input: $csv, $bytes bytes; medians of $runs interleaved runs; output $(stat -c %s "$out/p.csv.zst") bytes (Paddock), $(stat -c %s "$out/z.csv.zst") (CLI, which also records the content size)"
