#!/usr/bin/env bash
# The cron entry point: runs a pipeline with its output in a log file, keeps the last 30 logs, and
# exits 0 (published) or 1 (anything else: the history and the failure log say what).
#
#   scripts/run_scheduled_pipeline.sh PIPELINE [run_pipeline.sh options...]
#
#   # crontab: the racing pipeline every day at 01:00
#   0 1 * * * cd /srv/paddock && DATA_DIR=/srv/paddock/data scripts/run_scheduled_pipeline.sh racing --mode daily
#
# Environment: DATA_DIR (default data), LOG_DIR (default $DATA_DIR/logs), ENV (default prod here),
# PADDOCK_ON_FAILURE (a command run on failure), PADDOCK_CONFIG_DIR.
set -uo pipefail
[[ $# -ge 1 ]] || { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }
pipeline=$1; shift
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DATA_DIR=${DATA_DIR:-data} ENV=${ENV:-prod}
log_dir=${LOG_DIR:-$DATA_DIR/logs}
mkdir -p "$log_dir"
log="$log_dir/$pipeline-$(date -u +%Y%m%dT%H%M%SZ).log"
scripts/run_pipeline.sh --pipeline "$pipeline" "$@" > "$log" 2>&1
rc=$?
# Rotation: the newest 30 logs of this pipeline stay.
ls -1t "$log_dir/$pipeline-"*.log 2>/dev/null | tail -n +31 | xargs -r rm -f
[[ $rc -eq 0 ]] && exit 0
echo "run_scheduled_pipeline: $pipeline failed (exit $rc), see $log" >&2
exit 1
