#!/usr/bin/env bash
# Runs one pipeline end to end: discover -> extract | normalize -> dq-check -> publish.
#
#   scripts/run_pipeline.sh --pipeline NAME [--now TIME] [--run-id ID]
#
# Environment: DATA_DIR (default data), PADDOCK_CONFIG_DIR (default config).
# Exit codes: those of the step that failed (1 checks failed, 2 runtime error, 64 usage, 75 retry).
set -euo pipefail

usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
pipeline="" now="" run_id=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --pipeline) pipeline=${2:?--pipeline needs a value}; shift 2 ;;
    --now) now=${2:?--now needs a value}; shift 2 ;;
    --run-id) run_id=${2:?--run-id needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run_pipeline: error: unknown argument '$1'" >&2; usage >&2; exit 64 ;;
  esac
done
[[ -n $pipeline ]] || { echo "run_pipeline: error: --pipeline is required" >&2; usage >&2; exit 64; }

export DATA_DIR=${DATA_DIR:-data}
now=${now:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}
run_id=${run_id:-$(echo "$now" | tr -d ':-')}
run_dir="$DATA_DIR/runs/$pipeline/$run_id"
derived="$DATA_DIR/derived/$pipeline"
mkdir -p "$run_dir" "$derived"
log() { echo "run_pipeline: $*" >&2; }
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
[[ $now == *T* ]] && started_at=$now
code_version=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)
timings="$run_dir/timings.json"
t0=$EPOCHREALTIME steps=""
# Records the seconds since the last call as the duration of step $1.
step_done() {
  local t1=$EPOCHREALTIME
  steps+="${steps:+, }\"$1\": $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
  t0=$t1
  echo "{$steps}" > "$timings"
}

log "pipeline $pipeline, run $run_id, data in $DATA_DIR"

log "discover"
bin/discover --pipeline "$pipeline" --now "$now" > "$run_dir/units.ndjson"
log "  $(wc -l < "$run_dir/units.ndjson") units"
step_done discover

# One extract pass per table, piped straight into normalize. Payloads already stored are not copied again.
for table in $(bin/normalize --pipeline "$pipeline" --list-tables); do
  log "extract | normalize --table $table"
  bin/extract --pipeline "$pipeline" --now "$now" --units "$run_dir/units.ndjson" \
    | bin/normalize --pipeline "$pipeline" --table "$table" \
        --output "$derived/$table.ndjson" --stats "$run_dir/$table.stats.json"
done
step_done extract_normalize

log "dq-check"
bin/dq-check --pipeline "$pipeline" --now "$now" --report "$derived/dq_report.json"
step_done dq_check

log "publish"
bin/publish --pipeline "$pipeline" --now "$now" --run-id "$run_id" --report "$derived/dq_report.json" \
  --units "$run_dir/units.ndjson" --timings "$timings" --started-at "$started_at" --code-version "$code_version"

log "published: $DATA_DIR/processed/$pipeline/latest_successful_run.json"
