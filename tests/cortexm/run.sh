#!/bin/bash
# tests/cortexm/run.sh EDGEC - samples/cnn's int8 build on a Cortex-M4F, bare metal under
# qemu-system-arm (mps2-an386), against the same build on this machine (make check-cortexm).
#
# Compiles the model with --quantize int8, runs the host build on the first N held-out images
# of samples/cnn/cnn_test.bin and writes the images and the host's logits into images.h, builds
# tests/cortexm/main.c with the generated C and targets/cm (startup, semihosting, linker
# script; from the shared target recipes) for -mcpu=cortex-m4 -mfloat-abi=hard, runs it
# under QEMU (the device checks its logits bit for bit and sets the exit code) and prints the
# flash and RAM the program takes (arm-none-eabi-size).
set -euo pipefail
EDGEC=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$(dirname "$EDGEC")/check-cortexm
N=${N_IMAGES:-32}
for tool in arm-none-eabi-gcc arm-none-eabi-size qemu-system-arm; do
    command -v "$tool" >/dev/null || { echo "check-cortexm: $tool not found (scripts/deps.sh installs it)"; exit 1; }
done
rm -rf "$W" && mkdir -p "$W"
cd "$ROOT"
"$EDGEC" samples/cnn/cnn.onnx -o "$W/gen" --name cnn --quantize int8 --calib samples/cnn/calib --report-json "$W/int8.json"
cc -std=c99 -O2 -I"$W/gen" "$W/gen"/*.c samples/cnn/main.c -o "$W/host" -lm
"$W/host" samples/cnn/cnn_test.bin --save-logits "$W/host-logits.bin" >/dev/null
/usr/bin/python3 - samples/cnn/cnn_test.bin "$W/host-logits.bin" "$N" "$W/images.h" <<'PY'
import struct, sys
data, logits, n, out = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read(), int(sys.argv[3]), sys.argv[4]
assert data[:8] == b"EDGECNN1"
total, h, w, classes = struct.unpack("<4I", data[8:24])
labels = data[24:24 + total]
pix = data[24 + total:24 + total + total * h * w]
with open(out, "w") as f:
    f.write("/* written by tests/cortexm/run.sh: the first %d images of samples/cnn/cnn_test.bin and\n"
            " * the host int8 build's logits (IEEE float32 bit patterns) */\n" % n)
    f.write("#define N_IMAGES %d\n#define IMAGE_PIXELS %d\n#define N_CLASSES %d\n" % (n, h * w, classes))
    f.write("static const unsigned char images[N_IMAGES][IMAGE_PIXELS] = {\n")
    for i in range(n):
        f.write("  {%s},\n" % ",".join(str(b) for b in pix[i * h * w:(i + 1) * h * w]))
    f.write("};\nstatic const unsigned char labels[N_IMAGES] = {%s};\n" % ",".join(str(b) for b in labels[:n]))
    f.write("static const uint32_t host_logits[N_IMAGES][N_CLASSES] = {\n")
    for i in range(n):
        v = struct.unpack("<%dI" % classes, logits[4 * classes * i:4 * classes * (i + 1)])
        f.write("  {%s},\n" % ",".join("0x%08xu" % x for x in v))
    f.write("};\n")
PY
CPU="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"
CM="-ffunction-sections -fdata-sections -specs=nosys.specs -nostartfiles -Ltargets/cm -Wl,--gc-sections"
# the generated C and main.c under the product's warning flags; the startup files without -pedantic
for f in "$W/gen"/*.c tests/cortexm/main.c; do
    # shellcheck disable=SC2086
    arm-none-eabi-gcc $CPU -std=c99 -Wall -Wextra -Werror -pedantic -O2 -ffunction-sections -fdata-sections \
        -I"$W/gen" -I"$W" -c "$f" -o "$W/$(basename "$f" .c).o"
done
# shellcheck disable=SC2086
arm-none-eabi-gcc $CPU -O2 $CM -Tan386.ld -o "$W/cnn-m4.elf" "$W"/*.o targets/cm/startup.c targets/cm/semihost.c -lm
rc=0
timeout 300 qemu-system-arm -M mps2-an386 -nographic -semihosting-config enable=on,target=native \
    -kernel "$W/cnn-m4.elf" </dev/null | tee "$W/run.log" || rc=$?
arm-none-eabi-size -A "$W/cnn-m4.elf" | awk '$1 == ".text" || $1 == ".data" { flash += $2 }
    $1 == ".data" || $1 == ".bss" { ram += $2 }
    END { printf "check-cortexm: flash %d bytes (code, weights, test images), RAM %d bytes (.data + .bss, arena included), stack not counted\n", flash, ram }'
[ "$rc" -eq 0 ] || { echo "FAIL: the Cortex-M4 run exited with $rc"; exit 1; }
grep -q "bit-identical to the host's for $N," "$W/run.log" || { echo "FAIL: not every image matched"; exit 1; }
echo "check-cortexm: OK"
