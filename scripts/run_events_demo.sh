#!/usr/bin/env bash
# The events pipeline end to end against the local fixture API: starts scripts/fixture_api.py on
# 127.0.0.1 (a free port), runs scripts/run_pipeline.sh --pipeline events, publishes, and stops the
# server, whatever happens.
#
#   scripts/run_events_demo.sh [--now TIME] [fixture_api.py options...]    (make run-events)
#
# --now (default 2024-09-01T23:00:00Z) is both the server's clock and the run's. Other options go to
# the fixture API: --fault-rate 0.2 --seed 3, --rate-limit 5, --plant-goal-mismatch 12000003, ...
# Extra run_pipeline.sh options can be given in $RUN_PIPELINE_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
now=2024-09-01T23:00:00Z
if [[ ${1:-} == --now ]]; then now=$2; shift 2; fi
export DATA_DIR=${DATA_DIR:-data}
mkdir -p "$DATA_DIR/logs"
port_file=$(mktemp)
rm -f "$port_file"
python3 scripts/fixture_api.py --port-file "$port_file" --now "$now" --log "$DATA_DIR/logs/fixture_api.log" "$@" \
  > /dev/null 2> "$DATA_DIR/logs/fixture_api.err" &
api=$!
trap 'kill "$api" 2>/dev/null; wait "$api" 2>/dev/null; rm -f "$port_file"' EXIT
for _ in $(seq 1 200); do [[ -s $port_file ]] && break; sleep 0.05; done
[[ -s $port_file ]] || { echo "run_events_demo: error: the fixture API did not start (see $DATA_DIR/logs/fixture_api.err)" >&2; exit 2; }
export EVENTS_API_URL="http://127.0.0.1:$(cat "$port_file")"
echo "run_events_demo: fixture API at $EVENTS_API_URL, clock $now" >&2
# shellcheck disable=SC2086
scripts/run_pipeline.sh --pipeline events --now "$now" ${RUN_PIPELINE_OPTS:-}
