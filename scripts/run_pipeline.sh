#!/usr/bin/env bash
# Runs one pipeline end to end: discover -> extract | normalize -> dq-check -> publish.
#
#   scripts/run_pipeline.sh --pipeline NAME [--mode daily|backfill|manual] [--from D --to D | --days-back N]
#                           [--tables T,...] [--force] [--dry-run] [--allow-partial] [--window-days N]
#                           [--now TIME] [--run-id ID] [--resume RUN_ID]
#
# Modes: daily takes the last N days (--days-back, default $PADDOCK_DAILY_DAYS or 3), asked again because
# results get amended; backfill takes --from..--to in windows of --window-days (default 31), each
# recorded when done, so --resume goes on from the window that was cut; manual takes what it is given.
# Preflight first: the tools run, the data folder is writable with $PADDOCK_MIN_FREE_MB (default 200)
# free, and each http source's host answers.
#
# One run at a time per data folder: a second run exits 75 and names the run holding the lock.
# Each run is recorded in $DATA_DIR/index/pipeline_runs.csv; a failure also goes to
# $DATA_DIR/index/pipeline_failures.log with the last lines of the failed step's stderr, and runs
# $PADDOCK_ON_FAILURE (a shell command; PIPELINE, RUN_ID, FAILED_STEP, EXIT_CODE are set) when given.
# A Prometheus textfile ($PADDOCK_METRICS_DIR, default $DATA_DIR/index/metrics) holds the last success
# time, duration and rows published. --resume RUN_ID goes on with a failed run from the step that failed;
# when the pipeline definition changed since that run started (its sha256 is kept in the run's state), the
# fetched raw data is kept and the tables are rebuilt from it. Any failure (a step, the script itself, or
# SIGTERM/SIGINT, which also stop the running tools) is recorded once: history, failure log, hook.
# Environment: DATA_DIR, PADDOCK_CONFIG_DIR (default config), ENV (dev, staging or prod; default dev),
# with defaults per ENV from config/env.yaml (docs/setup.md).
# Exit codes: those of the step that failed (1 checks failed, 2 runtime error, 64 usage, 75 retry).
set -euo pipefail

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
pipeline="" now="" run_id="" mode="manual" tables="" resume="" from="" to="" days_back="" force="" dry_run="" allow_partial="" window_days=31
while [[ $# -gt 0 ]]; do
  case $1 in
    --pipeline) pipeline=${2:?--pipeline needs a value}; shift 2 ;;
    --now) now=${2:?--now needs a value}; shift 2 ;;
    --run-id) run_id=${2:?--run-id needs a value}; shift 2 ;;
    --mode) mode=${2:?--mode needs a value}; shift 2 ;;
    --tables) tables=${2:?--tables needs a value}; shift 2 ;;
    --resume) resume=${2:?--resume needs a run id}; shift 2 ;;
    --from) from=${2:?--from needs a date}; shift 2 ;;
    --to) to=${2:?--to needs a date}; shift 2 ;;
    --days-back) days_back=${2:?--days-back needs a number}; shift 2 ;;
    --window-days) window_days=${2:?--window-days needs a number}; shift 2 ;;
    --force) force="--force"; shift ;;
    --dry-run) dry_run=1; shift ;;
    --allow-partial) allow_partial=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run_pipeline: error: unknown argument '$1'" >&2; usage >&2; exit 64 ;;
  esac
done
[[ -n $pipeline ]] || { echo "run_pipeline: error: --pipeline is required" >&2; usage >&2; exit 64; }
case $mode in daily|backfill|manual) ;; *) echo "run_pipeline: error: --mode must be daily, backfill or manual" >&2; exit 64 ;; esac
if [[ $mode == backfill && -z $resume ]]; then
  [[ $from =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ && $to =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] \
    || { echo "run_pipeline: error: --mode backfill needs --from and --to as YYYY-MM-DD" >&2; exit 64; }
fi
[[ $window_days =~ ^[1-9][0-9]*$ ]] || { echo "run_pipeline: error: --window-days must be a positive integer" >&2; exit 64; }

# config/env.yaml for $ENV (dev by default) fills what the environment does not set.
source "$root/scripts/env.sh"
paddock_load_env || exit $?
[[ $mode == daily && -z $from && -z $days_back ]] && days_back=${PADDOCK_DAILY_DAYS:-3}
export DATA_DIR=${DATA_DIR:-data}
index="$DATA_DIR/index"
mkdir -p "$index"
log() { echo "run_pipeline: $*" >&2; }
# The tools own every path of the data folder (Workspace): ask them, never spell a file name here.
# Paths of a run or a table come with {run_id} and {table}, filled in by `fill`.
path_of() { bin/discover --pipeline "$pipeline" --path "$1"; }
fill() { local p=${1//\{run_id\}/$run_id}; echo "${p//\{table\}/${2:-}}"; }

# One run at a time per data folder.
exec 9> "$index/.pipeline.lock"
if ! flock -n 9; then
  # The holder writes its name at once after taking the lock: wait a moment for a name whose process
  # is alive, so that a stale name (the previous run's) or a half-written one is never reported.
  holder=""
  for _ in $(seq 1 40); do
    line=$(cat "$index/.pipeline.lock.holder" 2>/dev/null || true)
    if [[ $line =~ \(pid\ ([0-9]+), ]] && kill -0 "${BASH_REMATCH[1]}" 2>/dev/null; then holder=$line; break; fi
    sleep 0.05
  done
  holder=${holder:-"another run (it has not written its name yet)"}
  log "error: $holder holds the lock on $DATA_DIR; try again when it ends"
  started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  # Recorded in the history too (appended under its own lock, so lines never mix).
  (
    flock 8
    [[ -s "$index/pipeline_runs.csv" ]] || echo "run_id,pipeline,mode,started_utc,ended_utc,steps_run,status,failed_step,rows_published,env" >> "$index/pipeline_runs.csv"
    echo "${run_id:-locked-out},$pipeline,$mode,$started,$started,,fail,lock,0,${ENV:-dev}" >> "$index/pipeline_runs.csv"
  ) 8>> "$index/.history.lock"
  exit 75
fi
# The lock is ours: say so first (written whole, then renamed), before any slower work.
[[ -n $resume ]] || now=${now:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}
echo "${resume:-${run_id:-$(echo "$now" | tr -d ':-')}} (pid $$, started $(date -u +%Y-%m-%dT%H:%M:%SZ))" > "$index/.pipeline.lock.holder.$$"
mv -f "$index/.pipeline.lock.holder.$$" "$index/.pipeline.lock.holder"

# The pipeline definition, as it is now; a resumed run compares it with the one it started with.
cfg=$(path_of definition) || exit 2
config_hash=$(sha256sum < "$cfg"); config_hash=${config_hash%% *}
done_steps="" saved_hash=""
if [[ -n $resume ]]; then
  run_id=$resume
  run_tmpl=$(path_of run)
  state_file="$(fill "$run_tmpl")/state"
  [[ -f $state_file ]] || { log "error: no run $run_id of $pipeline to resume"; exit 64; }
  # The resumed run keeps its time (deterministic outputs) and starts at the step that failed.
  while IFS= read -r line; do
    value=${line#*=}
    case ${line%%=*} in
      now) now=$value ;; done) done_steps=$value ;; mode) mode=$value ;; from) from=$value ;; to) to=$value ;;
      days_back) days_back=$value ;; tables) tables=$value ;; window_days) window_days=$value ;;
      force) force=$value ;; allow_partial) allow_partial=$value ;; config_hash) saved_hash=$value ;;
    esac
  done < "$state_file"
  if [[ $saved_hash != "$config_hash" ]]; then
    # Tables built by the old definition are stale: keep what was fetched, redo the rest.
    log "the definition of $pipeline ($cfg) changed since run $run_id started: rebuilding its tables from the stored raw data"
    kept=""
    for step in $done_steps; do if [[ $step == fetch* ]]; then kept+="${kept:+ }$step"; fi; done
    done_steps=$kept
  fi
fi
now=${now:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}
run_id=${run_id:-$(echo "$now" | tr -d ':-')}
run_tmpl=$(path_of run)
units_tmpl=$(path_of units)
table_path=$(path_of table)
stats_path=$(path_of stats)
derived=$(path_of derived)
run_dir=$(fill "$run_tmpl") units=$(fill "$units_tmpl")
mkdir -p "$run_dir" "$derived"
wall_started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
started_at=$wall_started
[[ $now == *T* ]] && started_at=$now
code_version=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)
timings="$run_dir/timings.json"
t_start=$EPOCHREALTIME t0=$EPOCHREALTIME steps=""
# The step timings as text of our own (timings.json is written from it, never read back).
[[ -n $resume && -f "$run_dir/timings.steps" ]] && steps=$(< "$run_dir/timings.steps")
steps_run=""
save_state() {  # written whole, then renamed: a kill never leaves half a state
  { echo "now=$now"; echo "done=$done_steps"; echo "mode=$mode"; echo "from=$from"; echo "to=$to"
    echo "days_back=$days_back"; echo "tables=$tables"; echo "window_days=$window_days"
    echo "force=$force"; echo "allow_partial=$allow_partial"; echo "config_hash=$config_hash"; } > "$run_dir/state.tmp"
  mv -f "$run_dir/state.tmp" "$run_dir/state"
}
save_state

# The date window, as discover and extract take it.
win=()
[[ -n $from ]] && win=(--from "$from" --to "${to:-today}")
[[ -n $days_back ]] && win=(--days-back "$days_back")

# Records the seconds since the last call as the duration of step $1, and the step as done.
step_done() {
  local t1=$EPOCHREALTIME
  steps+="${steps:+, }\"$1\": $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
  t0=$t1
  echo "$steps" > "$run_dir/timings.steps"
  echo "{$steps}" > "$timings"
  done_steps+="${done_steps:+ }$1"
  [[ $1 == fetch_* ]] || steps_run+="${steps_run:+ }$1"
  save_state
}
is_done() { [[ " $done_steps " == *" $1 "* ]]; }

record() {  # status failed_step rows
  local ended
  ended=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  (
    flock 8
    [[ -s "$index/pipeline_runs.csv" ]] || echo "run_id,pipeline,mode,started_utc,ended_utc,steps_run,status,failed_step,rows_published,env" >> "$index/pipeline_runs.csv"
    echo "$run_id,$pipeline,$mode,$wall_started,$ended,${steps_run// /;},$1,$2,$3,${ENV:-dev}" >> "$index/pipeline_runs.csv"
  ) 8>> "$index/.history.lock"
}

# A failed run, recorded once whatever ended it: a history row, a failure-log entry with the last lines
# of the step's stderr, and the PADDOCK_ON_FAILURE hook. $1 step, $2 exit code, $3 why (optional).
finished="" current_step=setup step_pid="" err_at=""
fail_run() {
  [[ -z $finished ]] || return 0
  finished=1
  local step=$1 rc=$2 why=${3:-}
  record fail "$step" 0
  {
    echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) $pipeline run $run_id: step $step failed (exit $rc)${why:+: $why}"
    if [[ -f "$run_dir/$step.stderr" ]]; then tail -n 20 "$run_dir/$step.stderr"; fi
  } >> "$index/pipeline_failures.log"
  if [[ -n ${PADDOCK_ON_FAILURE:-} ]]; then
    PIPELINE=$pipeline RUN_ID=$run_id FAILED_STEP=$step EXIT_CODE=$rc bash -c "$PADDOCK_ON_FAILURE" || log "on-failure hook exited $?"
  fi
}
# A process and all its descendants, signalled together (so that no reader sees its writer end first).
stop_tree() {
  local pids=() queue=("$1") p c
  while [[ ${#queue[@]} -gt 0 ]]; do
    p=${queue[0]} queue=("${queue[@]:1}")
    pids+=("$p")
    for c in $(ps -o pid= --ppid "$p" 2> /dev/null); do queue+=("$c"); done
  done
  kill -TERM "${pids[@]}" 2> /dev/null || true
}
on_signal() {  # $1 signal name, $2 exit code
  trap '' TERM INT
  log "stopped by SIG$1 during step $current_step"
  [[ -z $step_pid ]] || stop_tree "$step_pid"
  fail_run "$current_step" "$2" "stopped by SIG$1"
  exit "$2"
}
on_exit() {
  local rc=$?
  [[ $rc -eq 0 || -n $finished ]] && return
  [[ -z $err_at ]] || log "error: $err_at (exit $rc)"
  fail_run "$current_step" "$rc" "$err_at"
}
trap on_exit EXIT
trap 'on_signal TERM 143' TERM
trap 'on_signal INT 130' INT
set -o errtrace  # the ERR trap in functions too
trap 'err_at="run_pipeline.sh stopped at line $LINENO"' ERR

# Runs step $1: the rest is the command (a tool, or a function below), in the background so that a signal
# is handled at once. Its stderr is kept in the run folder and shown after it; a failure ends the run.
run_step() {
  local name=$1; shift
  local rc=0
  current_step=$name
  "$@" 2> "$run_dir/$name.stderr" &
  step_pid=$!
  wait "$step_pid" || rc=$?
  step_pid=""
  cat "$run_dir/$name.stderr" >&2
  if [[ $rc -eq 75 && $name == fetch* && -n $allow_partial ]]; then
    log "step $name: some units failed (exit 75); going on with what is stored (--allow-partial)"
    partial=1
    rc=0
  fi
  if [[ $rc -ne 0 ]]; then
    log "step $name failed (exit $rc); resume with: scripts/run_pipeline.sh --pipeline $pipeline --resume $run_id"
    fail_run "$name" "$rc"
    exit "$rc"
  fi
  step_done "$name"
}

log "pipeline $pipeline, run $run_id, data in $DATA_DIR"
[[ -n $resume ]] && log "resuming after: ${done_steps:-nothing}"

partial=""
# Preflight: what a run needs before it starts.
preflight() {
  current_step=preflight
  local problem=""
  bin/discover --help > /dev/null 2>&1 || problem="the tools do not run (bin/discover --help failed); run make build"
  if [[ -z $problem ]] && ! { touch "$DATA_DIR/.preflight" && rm -f "$DATA_DIR/.preflight"; } 2>/dev/null; then
    problem="$DATA_DIR is not writable"
  fi
  local free_mb
  free_mb=$(df -Pk "$DATA_DIR" | awk 'NR == 2 { print int($4 / 1024) }')
  if [[ -z $problem && $free_mb -lt ${PADDOCK_MIN_FREE_MB:-200} ]]; then
    problem="only $free_mb MB free in $DATA_DIR (PADDOCK_MIN_FREE_MB=${PADDOCK_MIN_FREE_MB:-200})"
  fi
  if [[ -n $problem ]]; then log "error: preflight: $problem"; fail_run preflight 2 "$problem"; exit 2; fi
  # http sources: the host of each baseURL answers (discover --hosts expands the variables as a fetch does).
  local hosts host port
  if ! hosts=$(bin/discover --pipeline "$pipeline" --hosts 2> "$run_dir/preflight.err"); then
    problem=$(grep -m1 'error:' "$run_dir/preflight.err" | sed 's/^discover: error: //')
    log "error: preflight: ${problem:-discover --hosts failed}"; fail_run preflight 2 "${problem:-discover --hosts failed}"; exit 2
  fi
  while read -r host port; do
    [[ -n $host ]] || continue
    if ! timeout 5 bash -c 'exec 3<> "/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null; then
      log "error: preflight: $host:$port (an http source of $pipeline) does not answer"
      fail_run preflight 75 "$host:$port does not answer"
      exit 75
    fi
  done <<< "$hosts"
  log "preflight: ok (the tools run, the data folder is writable with enough free space, http sources answer)"
}
[[ -n $dry_run ]] || preflight

if [[ -n $dry_run ]]; then
  log "dry run: what extract would fetch"
  bin/extract --pipeline "$pipeline" --now "$now" --discover --dry-run "${win[@]}" ${force:+--force} >&2
  exit 0
fi

# Fetch: every unit of the window into the raw store (source by source, so fan-out sources see what
# their parents stored). Backfill takes the range in windows, each recorded when done.
if ! is_done fetch; then
  current_step=fetch
  if [[ $mode == backfill ]]; then
    start=$(date -u -d "$from" +%s) end=$(date -u -d "$to" +%s)
    n=$(( (end - start) / 86400 / window_days + 1 ))
    i=0
    for (( t = start; t <= end; t += window_days * 86400 )); do
      i=$((i + 1))
      a=$(date -u -d "@$t" +%Y-%m-%d)
      b=$(date -u -d "@$(( t + (window_days - 1) * 86400 < end ? t + (window_days - 1) * 86400 : end ))" +%Y-%m-%d)
      is_done "fetch_$a" && continue
      log "backfill: window $i of $n ($a..$b)"
      run_step "fetch_$a" bin/extract --pipeline "$pipeline" --now "$now" --discover --records none --from "$a" --to "$b" ${force:+--force}
    done
    current_step=fetch
    step_done fetch
  else
    log "fetch"
    run_step fetch bin/extract --pipeline "$pipeline" --now "$now" --discover --records none "${win[@]}" ${force:+--force}
  fi
fi

# The tables are built from everything the sources hold (each source's own window), not only from the
# window just fetched: a daily run publishes the whole season so far, not three days of it.
if ! is_done discover; then
  log "discover"
  list_units() { bin/discover --pipeline "$pipeline" --now "$now" > "$units"; }
  run_step discover list_units
  log "  $(wc -l < "$units") units"
fi

# The tables, from the records of the raw store (extract --stored-only), read once for all of them.
if ! is_done extract_normalize; then
  current_step=extract_normalize
  listed=$(bin/normalize --pipeline "$pipeline" --list-tables)
  mapfile -t all_tables <<< "$listed"
  selected=()
  [[ -z $tables ]] || IFS=, read -ra selected <<< "$tables"
  for table in "${selected[@]}"; do
    [[ " ${all_tables[*]} " == *" $table "* ]] || { log "error: no table '$table' in $pipeline (tables: ${all_tables[*]})"; exit 64; }
  done
  [[ ${#selected[@]} -gt 0 ]] || selected=("${all_tables[@]}")
  # One pass over the raw store for all tables: extract's records go through tee to one normalize per
  # table, each reading its own FIFO; their stderr is shown table by table, in order.
  build_tables() {
    local table fifo pids=() fifos=() i rc=0 r
    for table in "${selected[@]}"; do
      log "extract | normalize --table $table"
      fifo="$run_dir/$table.records.fifo"
      rm -f "$fifo"
      mkfifo "$fifo"
      fifos+=("$fifo")
      bin/normalize --pipeline "$pipeline" --table "$table" --output "$(fill "$table_path" "$table")" --stats "$(fill "$stats_path" "$table")" \
        < "$fifo" 2> "$run_dir/$table.normalize.stderr" &
      pids+=("$!")
    done
    # tee -p: a normalize that stops early does not stop the others.
    bin/extract --pipeline "$pipeline" --now "$now" --units "$units" --stored-only ${allow_partial:+--allow-missing} \
      | tee -p "${fifos[@]}" > /dev/null || rc=$?
    for i in "${!pids[@]}"; do
      r=0
      wait "${pids[$i]}" || r=$?
      [[ $rc -ne 0 ]] || rc=$r
      cat "$run_dir/${selected[$i]}.normalize.stderr" >&2
    done
    rm -f "${fifos[@]}"
    return "$rc"
  }
  run_step extract_normalize build_tables
fi

if ! is_done dq_check; then
  log "dq-check"
  run_step dq_check bin/dq-check --pipeline "$pipeline" --now "$now"
fi

log "publish"
run_step publish bin/publish --pipeline "$pipeline" --now "$now" --run-id "$run_id" \
  --units "$units" --timings "$timings" --started-at "$started_at" --code-version "$code_version"
current_step=finish

manifest=$(path_of manifest)
rows=$(bin/publish --pipeline "$pipeline" --rows 2> /dev/null || echo 0)   # the tool reads its own manifest
record "$([[ -n $partial ]] && echo partial || echo ok)" "" "$rows"
finished=1
# Prometheus textfile collector: written whole to a temp file, then renamed.
metrics_dir=${PADDOCK_METRICS_DIR:-$index/metrics}
mkdir -p "$metrics_dir"
seconds=$(awk -v a="$t_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')
cat > "$metrics_dir/paddock_$pipeline.prom.tmp" <<EOF
# HELP paddock_last_success_timestamp_seconds When the pipeline last published (Unix time).
# TYPE paddock_last_success_timestamp_seconds gauge
paddock_last_success_timestamp_seconds{pipeline="$pipeline"} $(date -u +%s)
# HELP paddock_last_run_duration_seconds How long the last successful run took.
# TYPE paddock_last_run_duration_seconds gauge
paddock_last_run_duration_seconds{pipeline="$pipeline"} $seconds
# HELP paddock_rows_published Rows in the last published snapshot.
# TYPE paddock_rows_published gauge
paddock_rows_published{pipeline="$pipeline"} $rows
EOF
mv "$metrics_dir/paddock_$pipeline.prom.tmp" "$metrics_dir/paddock_$pipeline.prom"
log "published: $manifest"
