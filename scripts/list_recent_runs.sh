#!/usr/bin/env bash
# Lists the most recent pipeline runs from $DATA_DIR/index/pipeline_runs.csv, newest last.
#
#   scripts/list_recent_runs.sh [N]     (default 10)
set -euo pipefail
n=${1:-10}
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "list_recent_runs: error: N must be a positive integer" >&2; exit 64; }
history="${DATA_DIR:-data}/index/pipeline_runs.csv"
[[ -s $history ]] || { echo "list_recent_runs: no runs recorded in $history" >&2; exit 0; }
{ head -n 1 "$history"; tail -n +2 "$history" | tail -n "$n"; } | awk -F, '
  { printf "%-17s %-10s %-9s %-8s %-17s %s  %s -> %s\n", $1, $2, $3, $7, $8, $9, $4, $5 }'
