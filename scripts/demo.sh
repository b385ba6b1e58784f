#!/usr/bin/env bash
# scripts/demo.sh - compile samples/mlp/mlp.onnx with edgec, build the generated C with
# samples/mlp/main.c, run it, and say what happened. `make demo` runs this after building
# build/edgec; `make test` runs it once per C compiler (check-sample).
#
# Environment: B (build directory, default build), CC (default cc),
#              OUT (output directory, default $B/demo/mlp).
# Exits non-zero if any step fails or the logits differ from PyTorch's by more than 1e-4.
set -euo pipefail

B=${B:-build}
CC=${CC:-cc}
OUT=${OUT:-$B/demo/mlp}
EDGEC=$B/edgec
SAMPLE=samples/mlp
EXE=$OUT.exe
CFLAGS_DEMO="-std=c99 -Wall -Wextra -Werror -pedantic -O2"

step() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

[ -x "$EDGEC" ] || { echo "demo: $EDGEC is not built (run make first)" >&2; exit 1; }

cat <<EOF
edgec demo: $SAMPLE/mlp.onnx is a small classifier, an MLP 2 -> 32 -> 32 -> 3
(Gemm, Relu, Gemm, Relu, Gemm) that PyTorch trained to tell three interleaved 2-D spirals
apart ($SAMPLE/train.py). edgec compiles it to standalone C99; $SAMPLE/main.c runs that C
on 8 test points and compares its logits with the ones PyTorch computed ($SAMPLE/ref_data.h).
EOF

step "1/3 compile the model to C (the report: one line per step with its MACs, weight bytes and arena placement, then the totals)"
rm -rf "$OUT"
run "$EDGEC" "$SAMPLE/mlp.onnx" -o "$OUT" --name mlp --report
echo
echo "generated files (bytes):"
(cd "$OUT" && wc -c -- *) | sed 's/^/    /'
echo "the interface, $OUT/mlp.h:"
sed -n -e '/^#define MLP_ARENA_BYTES/p' -e '/^int mlp_run/p' "$OUT/mlp.h" | sed 's/^/    /'
echo "what mlp_run does, $OUT/mlp.c (one commented kernel call per step):"
grep -E '^ +(/\* node |ec_[a-z0-9_]+\()' "$OUT/mlp.c" | sed 's/^ */    /'

step "2/3 build the generated C with main.c ($CC, strict C99, warnings are errors)"
run "$CC" $CFLAGS_DEMO -I"$OUT" -I"$SAMPLE" "$OUT"/*.c "$SAMPLE/main.c" -o "$EXE" -lm

step "3/3 run it"
status=0
run "$EXE" || status=$?

echo
if [ "$status" -eq 0 ]; then
    echo "demo: OK - the generated C ($CC) reproduces PyTorch's logits within 1e-4 on every test point."
    echo "The weights are const arrays in $OUT/mlp_weights.c; the only working memory mlp_run"
    echo "uses is the caller's arena of MLP_ARENA_BYTES; no malloc, no stdio in the generated code."
else
    echo "demo: FAILED - $EXE exited with status $status (see above)." >&2
fi
exit "$status"
