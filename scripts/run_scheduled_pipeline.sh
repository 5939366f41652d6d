#!/usr/bin/env bash
# The cron entry point: runs a pipeline with its output in a log file, keeps the last 30 logs, and
# exits 0 (published) or 1 (anything else: the history and the failure log say what).
#
#   scripts/run_scheduled_pipeline.sh PIPELINE [run_pipeline.sh options...]
#
#   # crontab: the racing pipeline every day at 01:00
#   0 1 * * * cd /srv/paddock && DATA_DIR=/srv/paddock/data scripts/run_scheduled_pipeline.sh racing --mode daily
#
# Environment: ENV (default prod here) picks the section of config/env.yaml that fills DATA_DIR, LOG_DIR
# and the rest where the environment leaves them unset; PADDOCK_ON_FAILURE (a command run on failure),
# PADDOCK_CONFIG_DIR, and the API keys the pipeline's http sources name.
set -uo pipefail
[[ $# -ge 1 ]] || { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }
pipeline=$1; shift
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export ENV=${ENV:-prod}
source scripts/env.sh
paddock_load_env || exit 1
export DATA_DIR=${DATA_DIR:-data}
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
