#!/bin/sh
# tests/strings/run.sh EDGEC - string tensors end to end: strs.onnxtxt compiled with
# --max-string-bytes 12, built with main.c as C99 under AddressSanitizer + UBSan (gcc and
# clang when present), and run: values against numpy's, the run-time bound check (a
# longer or NULL string makes strs_run return STRS_ERR_STRING_INPUT and write nothing).
set -u
EDGEC=${1:?usage: tests/strings/run.sh EDGEC}
cd "$(dirname "$0")/../.." || exit 2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/edgec-strings.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT INT TERM
"$EDGEC" tests/strings/strs.onnxtxt -o "$TMP/gen" --name strs --max-string-bytes 12 || exit 1
fail=0
for cc in gcc clang; do
    command -v $cc >/dev/null 2>&1 || continue
    if ! $cc -std=c99 -Wall -Wextra -Werror -pedantic -g -fsanitize=address,undefined \
            -fno-sanitize-recover=undefined -I "$TMP/gen" -o "$TMP/strs-$cc" "$TMP"/gen/*.c tests/strings/main.c -lm; then
        echo "strings: $cc cannot build the test"; fail=1; continue
    fi
    "$TMP/strs-$cc" || { echo "strings: $cc build failed its checks"; fail=1; }
done
exit $fail
