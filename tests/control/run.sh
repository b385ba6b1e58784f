#!/bin/sh
# run.sh - numerical test of control flow: tests/golden/control.onnxtxt compiled
# and run with its If condition flipping between runs, against numpy's values
# (tests/control/expected.h), built with AddressSanitizer and UBSan.
#   tests/control/run.sh [EDGEC]
set -eu
cd "$(dirname "$0")/../.."
EDGEC=${1:-build/edgec}
out=build/control
rm -rf "$out"
"$EDGEC" tests/golden/control.onnxtxt -o "$out/gen" --name control
cc -std=c99 -Wall -Wextra -Werror -pedantic -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
   -I "$out/gen" -I tests/control -o "$out/control" tests/control/main.c "$out"/gen/*.c -lm
"$out/control"
echo "control: ok"
