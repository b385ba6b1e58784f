#!/usr/bin/env bash
# scripts/check-readme.sh - README.md quotes `edgec --help` verbatim (the indented block after
# the line "$ build/edgec --help"); fail with a diff when the two disagree.
# Usage: scripts/check-readme.sh [EDGEC]   (default build/edgec)
set -euo pipefail
EDGEC=${1:-build/edgec}
quoted=$(awk '/^    \$ build\/edgec --help$/ { on = 1; next }
              on && /^(    |$)/ { print; next }
              on { exit }' README.md | sed -e 's/^    //' -e '${/^$/d}')
actual=$("$EDGEC" --help)
if [ "$quoted" != "$actual" ]; then
    echo "README.md: the 'edgec --help' block differs from $EDGEC --help (- README, + actual):" >&2
    diff -u <(printf '%s\n' "$quoted") <(printf '%s\n' "$actual") | tail -n +3 >&2 || true
    exit 1
fi
echo "README.md: the edgec --help block matches $EDGEC --help"
