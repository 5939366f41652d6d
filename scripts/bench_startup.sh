#!/usr/bin/env bash
# Start-up time of the five tools, beside /bin/true and empty Swift programs for scale, in one run.
#
#   scripts/bench_startup.sh [--runs 30] [BIN_DIR ...]      (default BIN_DIR: .build/release)
#
# Each command runs RUNS times (default 30) and the median is reported, with the minimum. Timing: wall
# time of the whole process, bash $EPOCHREALTIME just before and after each run, output to /dev/null.
# The runs are interleaved (round 1 of every command, then round 2, ...), so that a burst of load on a
# shared machine falls on every command alike; with several BIN_DIRs (a build before and after a change)
# their tools are interleaved too. The load average (`uptime`) is printed before and after: a figure
# taken under load is not comparable with one taken on an idle machine.
#
# The commands:
#   /bin/true                       the cost of fork and exec from bash
#   empty Swift program             `swiftc -O` of an empty file: the Swift runtime's own start-up
#   ... importing FoundationEssentials  the same, linking FoundationEssentials
#   normalize                       --input-format csv --output-format ndjson < a one-row CSV
#   discover, extract, dq-check, publish   --help > /dev/null (none of the tools has --version)
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C

runs=30
dirs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --runs=*) runs=${1#--runs=}; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench_startup: error: unknown option '$1'" >&2; exit 64 ;;
    *) dirs+=("$1"); shift ;;
  esac
done
[ ${#dirs[@]} -gt 0 ] || dirs=(.build/release)
for d in "${dirs[@]}"; do
  for t in discover extract normalize dq-check publish; do
    [ -x "$d/$t" ] || { echo "bench_startup: error: $d/$t is missing (swift build -c release first)" >&2; exit 2; }
  done
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'a,b\n1,2\n' > "$tmp/one.csv"
: > "$tmp/empty.swift"
printf 'import FoundationEssentials\nlet d = Date()\nif d.timeIntervalSince1970 < 0 { print(d) }\n' > "$tmp/essentials.swift"
swiftc -O "$tmp/empty.swift" -o "$tmp/empty-swift" 2>/dev/null
swiftc -O "$tmp/essentials.swift" -o "$tmp/essentials-swift" 2>/dev/null

# name<TAB>command, run with bash -c semantics but without a subshell: eval in this shell.
labels=("/bin/true" "empty Swift program" "Swift program importing FoundationEssentials")
commands=("/bin/true" "$tmp/empty-swift" "$tmp/essentials-swift")
for d in "${dirs[@]}"; do
  labels+=("$d/normalize (one-row CSV)")
  commands+=("$d/normalize --input-format csv --output-format ndjson < $tmp/one.csv")
  for t in discover extract dq-check publish; do
    labels+=("$d/$t --help")
    commands+=("$d/$t --help")
  done
done

# Every command once, untimed, so that the files are in the page cache.
for c in "${commands[@]}"; do eval "$c" > /dev/null 2>&1 || true; done

echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; $(swift --version 2>/dev/null | head -1)"
echo "load before: $(uptime | sed 's/.*load average: //')"
declare -a times
for ((r = 0; r < runs; r++)); do
  for i in "${!commands[@]}"; do
    t0=$EPOCHREALTIME
    eval "${commands[$i]}" > /dev/null 2>&1 || true
    t1=$EPOCHREALTIME
    times[$i]+="$(( ${t1//[.,]/} - ${t0//[.,]/} )) "
  done
done
echo "load after:  $(uptime | sed 's/.*load average: //')"
echo
echo "| command | median ms | min ms |"
echo "|---|---:|---:|"
for i in "${!commands[@]}"; do
  # shellcheck disable=SC2086
  read -r median min < <(printf '%s\n' ${times[$i]} | sort -n | awk '
    { v[NR] = $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f %.2f\n", m / 1000, v[1] / 1000 }')
  echo "| ${labels[$i]} | $median | $min |"
done
