#!/usr/bin/env bash
# Runs the Swift Testing suite against the release tools (what `make test` calls after building).
# The whole output goes to the terminal and to .build/test.log; when the run fails, the failures are
# repeated at the end, each cut short, so that the last lines of a CI log say what failed and where.
set -uo pipefail
cd "$(dirname "$0")/.."
log=.build/test.log
mkdir -p .build
PADDOCK_BIN=${PADDOCK_BIN:-$PWD/.build/release} swift test --skip-build --disable-xctest "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" != 0 ]; then
  echo
  echo "== failures (whole output in $log) =="
  # An issue starts at "✘ Test ... recorded an issue" and runs until the next line that starts with
  # a test event symbol; "↳" lines (comments) belong to it.
  awk '
    /^✘ .* recorded an issue/ { inb = 1; n = 0; issues++ ; print (length($0) > 400 ? substr($0, 1, 400) " ..." : $0); next }
    /^(◇|✔|✘|↳ Testing|↳ Target|􀟈|􁁛|􀢄)/ { inb = 0 }
    inb { n++; if (n <= 12) print "    " (length($0) > 200 ? substr($0, 1, 200) " ..." : $0); else if (n == 13) print "    ..." }
    END { if (!issues) print "(no issue lines found: the test binary may have crashed; see the log)" }
  ' "$log"
  grep -E '^✘ Test run' "$log" || echo "✘ the test run ended with status $status"
fi
exit "$status"
