#!/bin/bash
# tests/cross/run.sh EDGEC - the generated C and runtime-min on other targets (make check-cross).
#
# 1. Compiles, without a warning (-std=c99 -Wall -Wextra -Werror -pedantic -O2), what edgec
#    generates for samples/mlp, samples/cnn (float and int8) and samples/tinylm's decode step
#    (w4, run-time dim) with arm-none-eabi-gcc for a Cortex-M4F and a Cortex-M0 (no FPU) and
#    with aarch64-linux-gnu-gcc.
# 2. Links the CNN sample for aarch64 (static) and runs it under qemu-aarch64 on the 500
#    held-out images: the float build within 1e-4 of PyTorch's logits, the int8 build's
#    logits byte for byte those of the same build on this machine (integer arithmetic).
set -euo pipefail
EDGEC=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$(dirname "$EDGEC")/check-cross
rm -rf "$W" && mkdir -p "$W"
for tool in arm-none-eabi-gcc aarch64-linux-gnu-gcc qemu-aarch64; do
    command -v "$tool" >/dev/null || { echo "check-cross: $tool not found (scripts/deps.sh installs it)"; exit 1; }
done
STRICT="-std=c99 -Wall -Wextra -Werror -pedantic -O2"

cd "$ROOT"
"$EDGEC" samples/mlp/mlp.onnx -o "$W/mlp" --name mlp
"$EDGEC" samples/cnn/cnn.onnx -o "$W/cnn-float" --name cnn
"$EDGEC" samples/cnn/cnn.onnx -o "$W/cnn-int8" --name cnn --quantize int8 --calib samples/cnn/calib
"$EDGEC" samples/tinylm/tinylm_step.onnx -o "$W/step-w4" --name step --dim past=0..127 --quantize w4

n=0
for target in "arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16" \
              "arm-none-eabi-gcc -mcpu=cortex-m0 -mthumb -mfloat-abi=soft" \
              "aarch64-linux-gnu-gcc"; do
    for d in mlp cnn-float cnn-int8 step-w4; do
        for f in "$W/$d"/*.c; do
            # shellcheck disable=SC2086
            $target $STRICT -I"$W/$d" -c "$f" -o "$W/obj.o" 2>"$W/cc.log" ||
                { echo "FAIL: $target: $f"; cat "$W/cc.log"; exit 1; }
            n=$((n + 1))
        done
    done
    flags=${target#"${target%% *}"}
    echo "check-cross: ${target%% *}${flags:+ (${flags# })}: every file of mlp, cnn float/int8, tinylm step w4 compiles"
done
echo "check-cross: $n compilations, no warning"

# the CNN on aarch64 under qemu-user
for v in float int8; do
    aarch64-linux-gnu-gcc $STRICT -static -I"$W/cnn-$v" "$W/cnn-$v"/*.c samples/cnn/main.c -o "$W/cnn-$v-a64" -lm
done
cc $STRICT -I"$W/cnn-int8" "$W/cnn-int8"/*.c samples/cnn/main.c -o "$W/cnn-int8-host" -lm
qemu-aarch64 "$W/cnn-float-a64" samples/cnn/cnn_test.bin --label "aarch64 float" --tolerance 1e-4 |
    grep -E 'accuracy, aarch64|max abs'
"$W/cnn-int8-host" samples/cnn/cnn_test.bin --label "host int8" --save-logits "$W/int8-host.bin" >/dev/null
qemu-aarch64 "$W/cnn-int8-a64" samples/cnn/cnn_test.bin --label "aarch64 int8" \
    --save-logits "$W/int8-a64.bin" | grep -E 'accuracy, aarch64'
cmp "$W/int8-host.bin" "$W/int8-a64.bin" ||
    { echo "FAIL: the int8 build's logits differ between this machine and aarch64"; exit 1; }
echo "check-cross: int8 logits on aarch64 identical to this machine's ($(stat -c %s "$W/int8-a64.bin") bytes)"
