#!/bin/bash
# tests/weights_file/run.sh EDGEC OUTDIR - `edgec --weights-file` end to end.
#
# samples/mlp compiled with --weights-file: the generated C, built with
# -std=c99 -Wall -Wextra -Werror -pedantic under ASan/UBSan, maps
# mlp_weights.bin with the generated POSIX loader and must reproduce PyTorch's
# logits (samples/mlp/ref_data.h); the weights must be byte-identical to the
# float values of the model (checked with python-onnx); a file with one byte
# changed, a truncated file and another model's file must be rejected by
# mlp_weights_check with the documented codes (-4, -2, -2/-3).
set -euo pipefail
EDGEC=${1:?edgec}
OUT=${2:?outdir}
CC=${CC:-cc}
rm -rf "$OUT" && mkdir -p "$OUT"
"$EDGEC" samples/mlp/mlp.onnx -o "$OUT/gen" --name mlp --weights-file
test ! -e "$OUT/gen/mlp_weights.c" || { echo "FAIL: mlp_weights.c written with --weights-file"; exit 1; }
CFLAGS="-std=c99 -Wall -Wextra -Werror -pedantic -g -fsanitize=address,undefined -fno-sanitize-recover=undefined"
# the loader is POSIX: it defines _POSIX_C_SOURCE itself
$CC $CFLAGS -DWEIGHTS_FILE -I "$OUT/gen" -I samples/mlp "$OUT"/gen/*.c samples/mlp/main.c -lm -o "$OUT/mlp"
"$OUT/mlp" "$OUT/gen/mlp_weights.bin" > "$OUT/run.log" || { cat "$OUT/run.log"; echo "FAIL: run"; exit 1; }
grep -E '^(weights:|max abs difference)' "$OUT/run.log"
# the blob holds the model's initializers bit for bit, at the offsets the header gives
/usr/bin/python3 - "$OUT/gen" <<'PY'
import re, sys, onnx, numpy as np
from onnx import numpy_helper
gen = sys.argv[1]
blob = open(gen + "/mlp_weights.bin", "rb").read()
assert blob[:8] == b"EDGECWTS", blob[:8]
offs = re.findall(r"#define MLP_W\d+_OFFSET (\d+)u /\* '([^']+)'", open(gen + "/mlp_weights.h").read())
inits = {t.name: numpy_helper.to_array(t) for t in onnx.load("samples/mlp/mlp.onnx").graph.initializer}
for off, name in offs:
    a = inits[name]
    got = np.frombuffer(blob, dtype=a.dtype, count=a.size, offset=int(off))
    assert int(off) % 64 == 0 and got.tobytes() == a.tobytes(), name
print("weights file: %d tensors at 64-byte aligned offsets, bit-identical to the model" % len(offs))
PY
expect_reject() { # file code what
    if "$OUT/mlp" "$1" > "$OUT/bad.log"; then echo "FAIL: $3 accepted"; exit 1; fi
    grep -q "weights file rejected: error $2\$" "$OUT/bad.log" || { cat "$OUT/bad.log"; echo "FAIL: $3: expected error $2"; exit 1; }
    echo "rejected as expected ($3): error $2"
}
cp "$OUT/gen/mlp_weights.bin" "$OUT/flip.bin"
printf '\x55' | dd of="$OUT/flip.bin" bs=1 seek=1000 conv=notrunc status=none
expect_reject "$OUT/flip.bin" -4 "one data byte changed"
head -c 4000 "$OUT/gen/mlp_weights.bin" > "$OUT/short.bin"
expect_reject "$OUT/short.bin" -2 "truncated"
cp "$OUT/gen/mlp_weights.bin" "$OUT/magic.bin"
printf 'X' | dd of="$OUT/magic.bin" bs=1 seek=0 conv=notrunc status=none
expect_reject "$OUT/magic.bin" -3 "header changed"
expect_reject "$OUT/missing.bin" -5 "missing file"
echo "weights-file: OK"
