#!/usr/bin/env bash
# Benchmark Paddock's record layer and racing mapping (bin/normalize) against anchor tools, in one run.
#
#   scripts/bench.sh [--quick] [--rows "100000 1000000"] [--runs 5] [--slow-runs 3] [--tasks "convert map"]
#
# Environment (flags win):
#   ROWS="100000 1000000"  data sizes (runner rows)
#   RUNS=5                 timed runs per fast tool (Paddock, polars, DuckDB); median
#   SLOW_RUNS=3            timed runs per slow tool (Miller, jq); median
#   SLOW_MAX_ROWS=1000000  slow tools run on sizes up to this; bigger sizes reuse the
#                          MB/s measured on the largest size run (marked "scaled")
#   SEED=42                generator seed
#   TASKS="convert map"    which tables: format conversion (1-3), racing runners mapping (4-5)
#   PADDOCK_NORMALIZE=bin/normalize   the binary under test
#   PYTHON=python3         interpreter used to create .venv-bench
#   BENCH_DATA=data/bench  where the data and the results go
#
# Data: data/bench/runners_<N>.csv (scripts/gen_racing.py, cached) and
# data/bench/runners_<N>.ndjson (bin/normalize csv->ndjson, or the Python fallback
# while bin/normalize is missing; remade with Paddock once it exists).
# Results: printed as markdown and written to data/bench/results-<timestamp>.md.
#
# Timing: wall time of the whole process (bash $EPOCHREALTIME around the command),
# peak RSS from /usr/bin/time -f %M, input warm in the page cache (read once
# before each task), output to /dev/null. For the Python anchors (polars, DuckDB) the
# figure used for MB/s and the ratio is the time measured inside the process around
# the work only (start-up and imports excluded): the stricter comparison for Paddock.
# MB/s = input bytes / 1e6 / seconds. Ratio = Paddock MB/s / tool MB/s.
set -euo pipefail

cd "$(dirname "$0")/.."

QUICK=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --rows) ROWS=$2; shift ;;
    --rows=*) ROWS=${1#*=} ;;
    --runs) RUNS=$2; shift ;;
    --runs=*) RUNS=${1#*=} ;;
    --slow-runs) SLOW_RUNS=$2; shift ;;
    --slow-runs=*) SLOW_RUNS=${1#*=} ;;
    --tasks) TASKS=$2; shift ;;
    --tasks=*) TASKS=${1#*=} ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

ROWS=${ROWS:-"100000 1000000"}
TASKS=${TASKS:-"convert map"}
want() { [[ " $TASKS " == *" $1 "* ]]; }
RUNS=${RUNS:-5}
SLOW_RUNS=${SLOW_RUNS:-3}
if [ "$QUICK" = 1 ]; then ROWS=100000; RUNS=3; SLOW_RUNS=3; fi
SLOW_MAX_ROWS=${SLOW_MAX_ROWS:-1000000}
SEED=${SEED:-42}
PADDOCK=${PADDOCK_NORMALIZE:-bin/normalize}
PYTHON=${PYTHON:-python3}
DATA=${BENCH_DATA:-data/bench}
VENV=.venv-bench
VPY=$VENV/bin/python

log() { printf '%s\n' "$*" >&2; }
die() { log "bench.sh: $*"; exit 1; }

[ -n "${EPOCHREALTIME:-}" ] || die "needs bash >= 5 (EPOCHREALTIME)"
for n in $ROWS $RUNS $SLOW_RUNS $SLOW_MAX_ROWS; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "not a positive integer: '$n'"
done

# ------------------------------------------------------------------ prerequisites
missing=()
command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found (needed for the generator)"
HAVE_MLR=1; command -v mlr >/dev/null 2>&1 || { HAVE_MLR=0; missing+=("mlr (apt-get install miller)"); }
HAVE_JQ=1;  command -v jq  >/dev/null 2>&1 || { HAVE_JQ=0;  missing+=("jq (apt-get install jq)"); }
HAVE_TIME=1; [ -x /usr/bin/time ] || { HAVE_TIME=0; missing+=("/usr/bin/time (apt-get install time): peak RSS not measured"); }
if [ ${#missing[@]} -gt 0 ]; then
  log "bench.sh: missing, their rows are skipped:"
  for m in "${missing[@]}"; do log "  - $m"; done
fi

HAVE_PADDOCK=0
if [ -x "$PADDOCK" ]; then HAVE_PADDOCK=1; else log "bench.sh: $PADDOCK not found or not executable: Paddock rows are n/a"; fi

HAVE_VENV=0
if [ ! -x "$VPY" ]; then
  log "creating $VENV and installing polars, duckdb ..."
  if "$PYTHON" -m venv "$VENV" >&2 && "$VPY" -m pip install -q --disable-pip-version-check polars duckdb >&2; then :; else
    log "bench.sh: could not set up $VENV (pip install polars duckdb failed)"
    rm -rf "$VENV"
  fi
fi
if [ -x "$VPY" ] && "$VPY" -c 'import polars, duckdb' 2>/dev/null; then HAVE_VENV=1
else
  if [ -x "$VPY" ]; then
    log "bench.sh: polars/duckdb missing in $VENV; trying pip install"
    "$VPY" -m pip install -q --disable-pip-version-check polars duckdb >&2 || true
    "$VPY" -c 'import polars, duckdb' 2>/dev/null && HAVE_VENV=1
  fi
  [ "$HAVE_VENV" = 1 ] || log "bench.sh: polars/DuckDB rows are skipped"
fi

mkdir -p "$DATA"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/paddock-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# Engines that take an output path write to this symlink: whatever they do to the
# path (a temp file and rename, say), /dev/null itself is never touched.
SINK=$TMP/sink.out
ln -s /dev/null "$SINK"

# ------------------------------------------------------------------ data
filesize() { stat -c %s "$1"; }

make_csv() {  # rows
  local n=$1 f=$DATA/runners_$1.csv
  if [ ! -s "$f" ]; then
    log "generating $f (seed $SEED) ..."
    local t0=$EPOCHREALTIME
    "$PYTHON" scripts/gen_racing.py runners --rows "$n" --seed "$SEED" --out "$f"
    log "  $(filesize "$f") bytes in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}') s"
  fi
}

make_ndjson() {  # rows
  local n=$1 csv=$DATA/runners_$1.csv nd=$DATA/runners_$1.ndjson
  local src=$nd.made-by
  if [ -s "$nd" ] && [ -f "$src" ]; then
    # made by the Python fallback earlier: remake with Paddock once it exists
    if [ "$(cat "$src")" = paddock ] || [ "$HAVE_PADDOCK" = 0 ]; then return 0; fi
  fi
  rm -f "$nd" "$src"
  if [ "$HAVE_PADDOCK" = 1 ]; then
    log "making $nd with $PADDOCK ..."
    if "$PADDOCK" --input-format csv --output-format ndjson < "$csv" > "$nd.tmp" 2> "$TMP/err" \
       && [ "$(wc -l < "$nd.tmp")" -eq "$n" ]; then
      mv "$nd.tmp" "$nd"; echo paddock > "$src"; return 0
    fi
    log "  $PADDOCK failed or wrote the wrong line count ($(head -c 300 "$TMP/err")); using the Python fallback"
  fi
  log "making $nd with the Python fallback (csv + json) ..."
  "$PYTHON" scripts/bench_anchors.py csv2ndjson python "$csv" "$nd.tmp" --timing /dev/null
  [ "$(wc -l < "$nd.tmp")" -eq "$n" ] || die "Python NDJSON conversion wrote the wrong line count"
  mv "$nd.tmp" "$nd"; echo python > "$src"
}

warm() { cat "$1" > /dev/null; }

# ------------------------------------------------------------------ measuring
median() { sort -g | awk '{a[NR]=$1} END{ if (NR==0) {print "nan"; exit} if (NR%2) print a[(NR+1)/2]; else printf "%.6f\n", (a[NR/2]+a[NR/2+1])/2 }'; }

# run_cmd INPUT CMD... : one run, stdin from INPUT, stdout to /dev/null.
# Sets R_WALL (s), R_RSS (MiB or n/a), R_RC.
run_cmd() {
  local in=$1; shift
  local t0 t1
  R_RC=0
  if [ "$HAVE_TIME" = 1 ]; then
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%M' -o "$TMP/rss" "$@" < "$in" > /dev/null 2> "$TMP/err" || R_RC=$?
    t1=$EPOCHREALTIME
    R_RSS=$(tail -n 1 "$TMP/rss" | awk '{printf "%.0f", $1/1024}')
  else
    t0=$EPOCHREALTIME
    "$@" < "$in" > /dev/null 2> "$TMP/err" || R_RC=$?
    t1=$EPOCHREALTIME
    R_RSS=n/a
  fi
  R_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.6f", b-a}')
}

# check_lines EXPECTED INPUT CMD... : run once with output counted (also a warm-up).
# Tools that take an output path get it as @OUT@ in CMD.
check_lines() {
  local want=$1 in=$2; shift 2
  local args=() a got
  for a in "$@"; do args+=("${a//@OUT@/$TMP/check.out}"); done
  rm -f "$TMP/check.out"
  if printf '%s\n' "$@" | grep -q '@OUT@'; then
    "${args[@]}" < "$in" > /dev/null 2> "$TMP/err" || return 1
  else
    "${args[@]}" < "$in" > "$TMP/check.out" 2> "$TMP/err" || return 1
  fi
  got=$(wc -l < "$TMP/check.out")
  rm -f "$TMP/check.out"
  if [ "$got" -ne "$want" ]; then
    log "  output has $got lines, expected $want"; return 1
  fi
}

# Result rows collected per table: "tool|median|MB/s|rss|note"
ROWS_OUT=()
CHECK=1
PADDOCK_MBS=""

add_row() { ROWS_OUT+=("$1|$2|$3|$4|$5"); }

# bench TOOL KIND RUNS BYTES EXPECTED_LINES INPUT CMD...
#   KIND: plain | inproc (CMD gets --timing FILE appended, in-process time is used)
bench() {
  local tool=$1 kind=$2 runs=$3 bytes=$4 want=$5 in=$6; shift 6
  local i walls=() inprocs=() rss_max=0 cmd=("$@")
  log "  $tool"
  if [ "$CHECK" = 1 ] && ! check_lines "$want" "$in" "${cmd[@]}"; then
    log "  $tool failed: $(head -c 400 "$TMP/err")"
    add_row "$tool" "failed" "" "" "$(head -c 160 "$TMP/err" | tr '\n|' '  ')"
    return 0
  fi
  for ((i = 0; i < runs; i++)); do
    local run=()
    local a; for a in "${cmd[@]}"; do run+=("${a//@OUT@/$SINK}"); done
    if [ "$kind" = inproc ]; then run+=(--timing "$TMP/inproc"); rm -f "$TMP/inproc"; fi
    run_cmd "$in" "${run[@]}"
    if [ "$R_RC" -ne 0 ]; then
      log "  $tool exited $R_RC: $(head -c 400 "$TMP/err")"
      add_row "$tool" "failed" "" "" "exit $R_RC: $(head -c 160 "$TMP/err" | tr '\n|' '  ')"
      return 0
    fi
    walls+=("$R_WALL")
    [ "$kind" = inproc ] && inprocs+=("$(cat "$TMP/inproc")")
    if [ "$R_RSS" != n/a ] && [ "$R_RSS" -gt "$rss_max" ]; then rss_max=$R_RSS; fi
  done
  local wall med mbs note=""
  wall=$(printf '%s\n' "${walls[@]}" | median)
  [ "$HAVE_TIME" = 1 ] || rss_max=n/a
  if [ "$kind" = inproc ]; then
    med=$(printf '%s\n' "${inprocs[@]}" | median)
    note=$(awk -v w="$wall" -v b="$bytes" 'BEGIN{printf "in-process time; whole process %.3f s = %.1f MB/s", w, b/1e6/w}')
  else
    med=$wall
  fi
  mbs=$(awk -v s="$med" -v b="$bytes" 'BEGIN{printf "%.1f", b/1e6/s}')
  add_row "$tool" "$med" "$mbs" "$rss_max" "${note:+$note; }median of $runs"
  LAST_MBS=$mbs
}

# A slow tool on a size above SLOW_MAX_ROWS: reuse the MB/s of a smaller size.
scaled_row() {  # TOOL BYTES KEY
  local tool=$1 bytes=$2 key=$3 mbs
  mbs=${SCALED[$key]:-}
  if [ -z "$mbs" ]; then add_row "$tool" "skipped" "" "" "rows > SLOW_MAX_ROWS and no smaller size measured"; return; fi
  add_row "$tool" "$(awk -v m="$mbs" -v b="$bytes" 'BEGIN{printf "%.3f", b/1e6/m}')" "$mbs" "" "scaled by bytes from ${SCALED_FROM[$key]} rows"
}

# Slow tools check their line count only on the first size they run on.
declare -A SCALED=() SCALED_FROM=() CHECKED=()
slow() {  # KEY N TOOL BYTES WANT IN CMD...
  local key=$1 n=$2; shift 2
  if [ "$n" -le "$SLOW_MAX_ROWS" ]; then
    LAST_MBS=""
    CHECK=1; [ -n "${CHECKED[$key]:-}" ] && CHECK=0
    bench "$1" plain "$SLOW_RUNS" "$2" "$3" "$4" "${@:5}"
    CHECK=1; CHECKED[$key]=1
    if [ -n "$LAST_MBS" ]; then SCALED[$key]=$LAST_MBS; SCALED_FROM[$key]=$n; fi
  else
    scaled_row "$1" "$2" "$key"
  fi
}

paddock() {  # TOOL BYTES WANT IN ARGS...
  local tool=$1 bytes=$2 want=$3 in=$4; shift 4
  if [ "$HAVE_PADDOCK" = 0 ]; then
    add_row "$tool" "n/a" "n/a" "n/a" "$PADDOCK missing"; PADDOCK_MBS=""; return
  fi
  LAST_MBS=""
  bench "$tool" plain "$RUNS" "$bytes" "$want" "$in" "$PADDOCK" "$@"
  PADDOCK_MBS=$LAST_MBS
}

emit_table() {  # TITLE
  local title=$1 r tool med mbs rss note ratio
  {
    printf '\n### %s\n\n' "$title"
    printf '| tool | median s | MB/s | Paddock ÷ tool | peak RSS MiB | notes |\n'
    printf '|---|---:|---:|---:|---:|---|\n'
    for r in "${ROWS_OUT[@]}"; do
      IFS='|' read -r tool med mbs rss note <<< "$r"
      ratio="n/a"
      if [ -n "$PADDOCK_MBS" ] && [[ $mbs =~ ^[0-9.]+$ ]]; then
        ratio=$(awk -v p="$PADDOCK_MBS" -v t="$mbs" 'BEGIN{ if (t > 0) printf "%.2f", p/t; else print "n/a" }')
      fi
      [[ $med =~ ^[0-9.]+$ ]] && med=$(awk -v s="$med" 'BEGIN{printf "%.3f", s}')
      printf '| %s | %s | %s | %s | %s | %s |\n' "$tool" "$med" "${mbs:-}" "$ratio" "${rss:-}" "$note"
    done
  } | tee -a "$REPORT"
  ROWS_OUT=()
}

# ------------------------------------------------------------------ Paddock warm-up
# bin/normalize may be a launcher that builds the release binary when sources are
# newer: call it once first so that a build never lands in a timed run, and measure
# the fixed cost of one call (which matters on the small sizes).
PADDOCK_KIND=binary; PADDOCK_STARTUP=n/a
if [ "$HAVE_PADDOCK" = 1 ]; then
  [ "$(head -c 4 "$PADDOCK" | od -An -c | tr -d ' ')" = '177ELF' ] || PADDOCK_KIND="script/launcher"
  printf 'a,b\n1,2\n' > "$TMP/one.csv"
  log "warming up $PADDOCK (a launcher may build first) ..."
  if "$PADDOCK" --input-format csv --output-format ndjson < "$TMP/one.csv" > /dev/null 2> "$TMP/err"; then
    st=()
    for _ in 1 2 3 4 5 6 7; do run_cmd "$TMP/one.csv" "$PADDOCK" --input-format csv --output-format ndjson; st+=("$R_WALL"); done
    PADDOCK_STARTUP=$(printf '%s\n' "${st[@]}" | median | awk '{printf "%.1f ms", $1*1000}')
  else
    log "  warm-up failed: $(head -c 300 "$TMP/err")"
  fi
fi

# ------------------------------------------------------------------ report header
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
REPORT=$DATA/results-$STAMP.md
: > "$REPORT"

ver() { timeout 10 "$@" < /dev/null 2>/dev/null | head -n 1 || true; }
{
  echo "# Paddock record-layer benchmark ($STAMP)"
  echo
  echo "- machine: $(nproc) cores ($(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo none)$(git diff --quiet HEAD 2>/dev/null || echo ' (dirty)')"
  if [ "$HAVE_PADDOCK" = 1 ]; then
    pv=$(ver "$PADDOCK" --version); echo "- paddock: $PADDOCK (${pv:-no --version output}; $PADDOCK_KIND); start-up on a 1-row CSV: $PADDOCK_STARTUP"
  else
    echo "- paddock: $PADDOCK missing: rows n/a"
  fi
  if [ "$HAVE_VENV" = 1 ]; then echo "- $("$VPY" scripts/bench_anchors.py versions)"; fi
  if [ "$HAVE_MLR" = 1 ]; then echo "- $(ver mlr --version)"; fi
  if [ "$HAVE_JQ" = 1 ]; then echo "- $(ver jq --version)"; fi
  echo "- runs: $RUNS (fast tools), $SLOW_RUNS (Miller, jq); medians; seed $SEED; slow tools up to $SLOW_MAX_ROWS rows"
  echo "- MB = 10^6 bytes of input; ratio = Paddock MB/s ÷ tool MB/s (> 1: Paddock faster)"
  echo "- polars/DuckDB: MB/s from the time inside the process (imports and start-up excluded); whole-process time in notes"
  echo "- Miller runs with -S (no type inference: values stay strings, as in the other tools' output; also faster than its default)"
  if [ ${#missing[@]} -gt 0 ]; then echo "- missing: ${missing[*]}"; fi
} | tee -a "$REPORT"

# ------------------------------------------------------------------ runs
for N in $ROWS; do
  make_csv "$N"
  make_ndjson "$N"
  CSV=$DATA/runners_$N.csv
  ND=$DATA/runners_$N.ndjson
  CB=$(filesize "$CSV"); NB=$(filesize "$ND")
  echo | tee -a "$REPORT"
  printf '## %s rows: CSV %s bytes (%.1f MB), NDJSON %s bytes (%.1f MB, made by %s)\n' \
    "$N" "$CB" "$(awk -v b="$CB" 'BEGIN{print b/1e6}')" "$NB" "$(awk -v b="$NB" 'BEGIN{print b/1e6}')" \
    "$(cat "$ND.made-by")" | tee -a "$REPORT"

  if want convert; then
  # 1. CSV -> NDJSON
  log "[$N] csv -> ndjson"
  warm "$CSV"
  paddock "Paddock normalize" "$CB" "$N" "$CSV" --input-format csv --output-format ndjson
  if [ "$HAVE_VENV" = 1 ]; then
    for th in 1 2; do
      bench "polars read_csv+write_ndjson, $th thr" inproc "$RUNS" "$CB" "$N" "$CSV" \
        "$VPY" scripts/bench_anchors.py csv2ndjson polars "$CSV" @OUT@ --threads "$th"
    done
    bench "polars scan_csv+sink_ndjson, 1 thr" inproc "$RUNS" "$CB" "$N" "$CSV" \
      "$VPY" scripts/bench_anchors.py csv2ndjson polars-stream "$CSV" @OUT@ --threads 1
    for th in 1 2; do
      bench "DuckDB COPY read_csv all_varchar, $th thr" inproc "$RUNS" "$CB" "$N" "$CSV" \
        "$VPY" scripts/bench_anchors.py csv2ndjson duckdb "$CSV" @OUT@ --threads "$th"
    done
  fi
  [ "$HAVE_MLR" = 0 ] || slow mlr-c2j "$N" "Miller -S --icsv --ojsonl cat" "$CB" "$N" "$CSV" mlr -S --icsv --ojsonl cat
  emit_table "$N rows: CSV -> NDJSON ($(awk -v b="$CB" 'BEGIN{printf "%.1f", b/1e6}') MB in)"

  # 2. NDJSON -> NDJSON
  log "[$N] ndjson -> ndjson"
  warm "$ND"
  paddock "Paddock normalize" "$NB" "$N" "$ND" --input-format ndjson --output-format ndjson
  [ "$HAVE_JQ" = 0 ] || slow jq-j2j "$N" "jq -c ." "$NB" "$N" "$ND" jq -c .
  [ "$HAVE_MLR" = 0 ] || slow mlr-j2j "$N" "Miller -S --ijsonl --ojsonl cat" "$NB" "$N" "$ND" mlr -S --ijsonl --ojsonl cat
  emit_table "$N rows: NDJSON -> NDJSON passthrough ($(awk -v b="$NB" 'BEGIN{printf "%.1f", b/1e6}') MB in)"

  # 3. NDJSON -> CSV
  log "[$N] ndjson -> csv"
  warm "$ND"
  paddock "Paddock normalize" "$NB" "$((N + 1))" "$ND" --input-format ndjson --output-format csv
  [ "$HAVE_MLR" = 0 ] || slow mlr-j2c "$N" "Miller -S --ijsonl --ocsv cat" "$NB" "$((N + 1))" "$ND" mlr -S --ijsonl --ocsv cat
  emit_table "$N rows: NDJSON -> CSV ($(awk -v b="$NB" 'BEGIN{printf "%.1f", b/1e6}') MB in)"
  fi

  if want map; then
  # 4. The racing runners mapping (config/pipelines/racing.yaml: casts, odds, times, beaten distances,
  #    positions, weights, slugs, money) from CSV. Gate: >= 1.2x polars 1 thread converting the same
  #    CSV to NDJSON, peak RSS <= 64 MiB.
  log "[$N] racing runners mapping from CSV"
  warm "$CSV"
  MAP=(--pipeline racing --table runners --quarantine "$TMP/quarantine.ndjson")
  paddock "Paddock normalize --table runners" "$CB" "$N" "$CSV" --input-format csv "${MAP[@]}"
  if [ "$HAVE_PADDOCK" = 1 ]; then
    bench "Paddock normalize --table runners --threads 1" plain "$RUNS" "$CB" "$N" "$CSV" "$PADDOCK" --input-format csv --threads 1 "${MAP[@]}"
  fi
  if [ "$HAVE_VENV" = 1 ]; then
    for th in 1 2; do
      bench "polars read_csv+write_ndjson (no mapping), $th thr" inproc "$RUNS" "$CB" "$N" "$CSV" \
        "$VPY" scripts/bench_anchors.py csv2ndjson polars "$CSV" @OUT@ --threads "$th"
    done
  fi
  emit_table "$N rows: racing runners mapping from CSV ($(awk -v b="$CB" 'BEGIN{printf "%.1f", b/1e6}') MB in)"

  # 5. The same mapping from NDJSON, against DuckDB running the equivalent SQL (bench_anchors.py
  #    map-runners). Gate: >= 1.0x DuckDB with 2 threads.
  log "[$N] racing runners mapping from NDJSON"
  warm "$ND"
  paddock "Paddock normalize --table runners" "$NB" "$N" "$ND" --input-format ndjson "${MAP[@]}"
  if [ "$HAVE_PADDOCK" = 1 ]; then
    bench "Paddock normalize --table runners --threads 1" plain "$RUNS" "$NB" "$N" "$ND" "$PADDOCK" --input-format ndjson --threads 1 "${MAP[@]}"
  fi
  if [ "$HAVE_VENV" = 1 ]; then
    for th in 2 1; do
      bench "DuckDB equivalent SQL (map-runners), $th thr" inproc "$RUNS" "$NB" "$N" "$ND" \
        "$VPY" scripts/bench_anchors.py map-runners duckdb "$ND" @OUT@ --threads "$th"
    done
  fi
  emit_table "$N rows: racing runners mapping from NDJSON ($(awk -v b="$NB" 'BEGIN{printf "%.1f", b/1e6}') MB in)"
  fi
done

[ -c /dev/null ] || log "bench.sh: WARNING: /dev/null is no longer a character device!"
log ""
log "written: $REPORT"
