#!/bin/sh
# run.sh - golden tests of code generation.
#
#   tests/golden/run.sh [EDGEC]          compare (diff -u) against the committed files
#   GOLDEN_UPDATE=1 tests/golden/run.sh  rewrite the committed files instead
#
# Every tests/golden/M.onnxtxt (ONNX text syntax) is compiled from the repository root with
#   edgec tests/golden/M.onnxtxt -o build/golden/M --name M
# (the command line is part of the provenance comment, so it is fixed here) and
# its M.h, M.c, M_weights.h and M_weights.c are compared with tests/golden/M/.
# The generated C must also compile warning-free as C99 with gcc and clang.
# The models are written by hand in the ONNX text syntax, so a reviewer reads them as text.
set -u
cd "$(dirname "$0")/../.." || exit 1
EDGEC=${1:-build/edgec}
CFLAGS_GEN="-std=c99 -Wall -Wextra -Werror -pedantic"
fail=0
n=0
for model in tests/golden/*.onnxtxt; do
    m=$(basename "$model" .onnxtxt)
    out=build/golden/$m
    rm -rf "$out"
    n=$((n + 1))
    if ! "$EDGEC" "$model" -o "$out" --name "$m" >/dev/null; then
        echo "golden: $m: edgec failed"; fail=1; continue
    fi
    for f in "$m.h" "$m.c" "${m}_weights.h" "${m}_weights.c"; do
        if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
            mkdir -p "tests/golden/$m"
            cp "$out/$f" "tests/golden/$m/$f"
        elif ! diff -u "tests/golden/$m/$f" "$out/$f"; then
            echo "golden: $m: $f differs (GOLDEN_UPDATE=1 tests/golden/run.sh to accept)"; fail=1
        fi
    done
    for cc in gcc clang; do
        command -v $cc >/dev/null 2>&1 || continue
        if ! (cd "$out" && for c in ./*.c; do $cc $CFLAGS_GEN -c "$c" -o /dev/null || exit 1; done); then
            echo "golden: $m: generated C does not compile cleanly with $cc"; fail=1
        fi
    done
done
[ "$n" -gt 0 ] || { echo "golden: no models"; exit 1; }
if [ "$fail" = 0 ]; then
    if [ "${GOLDEN_UPDATE:-}" = 1 ]; then echo "golden: $n models updated"; else echo "golden: $n models OK"; fi
fi
exit $fail
