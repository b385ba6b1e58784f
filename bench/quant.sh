#!/bin/bash
# bench/quant.sh [EDGEC] - what quantization costs and saves at run time, float as the baseline
# of the same run.
#
#   samples/tinylm  float32, w8 and w4 (--quantize w8|w4, blocks of 32): wall time of 124 decode
#                   steps (24 over the prompt, 100 greedy; one process each, hyperfine), weight
#                   bytes of the decode step from --report-json,
#                   ratios against float32
#   samples/cnn     float32 and int8 (--quantize int8 --calib): milliseconds per image over the
#                   500 held-out images as the program measures them, weight bytes, ratios
#
# All programs are built with -O2 for this machine (generic C99 kernels, no SIMD). Not part of
# make test (timings depend on the machine and its load; run it on a quiet machine).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EDGEC=$(realpath "${1:-$ROOT/build/edgec}")
B=$(dirname "$EDGEC")
W=${BENCH_DIR:-/tmp/edgec-bench-quant}
RUNS=${RUNS:-5}
mkdir -p "$W"
weights() { sed -n 's/.*"totals":.*"weights_bytes": *\([0-9][0-9]*\).*/\1/p' "$1"; }

echo "== samples/tinylm: 124 decode steps (KV cache; 24 prompt, 100 greedy), $RUNS runs each"
for v in f32 w8 w4; do
  q=$([ "$v" = f32 ] && echo "" || echo "$v")
  make -s -C "$ROOT/samples/tinylm" all QUANT=$q B="$B" OPT=-O2 >/dev/null
  flags=$([ "$v" = f32 ] && echo "" || echo "--quantize $v")
  # shellcheck disable=SC2086
  "$EDGEC" "$ROOT/samples/tinylm/tinylm_step.onnx" -o "$W/step-$v" --name step --dim past=0..127 $flags \
    --report-json "$W/step-$v.json" >/dev/null
done
hyperfine -N -w 1 -r "$RUNS" --export-json "$W/tinylm.json" \
  -n f32 "$B/tinylm/f32/tinylm $ROOT/samples/tinylm generate 100" \
  -n w8 "$B/tinylm/w8/tinylm $ROOT/samples/tinylm generate 100" \
  -n w4 "$B/tinylm/w4/tinylm $ROOT/samples/tinylm generate 100" >/dev/null
/usr/bin/python3 - "$W" <<'PY'
import json, re, sys
w = sys.argv[1]
res = {r["command"]: r["mean"] for r in json.load(open(w + "/tinylm.json"))["results"]}
wb = {v: json.load(open("%s/step-%s.json" % (w, v)))["totals"]["weights_bytes"] for v in ("f32", "w8", "w4")}
print("  %-5s %12s %10s %14s %10s" % ("", "time (s)", "vs f32", "weights (B)", "vs f32"))
for v in ("f32", "w8", "w4"):
    print("  %-5s %12.4f %9.3fx %14d %9.3fx" % (v, res[v], res[v] / res["f32"], wb[v], wb[v] / wb["f32"]))
PY

echo "== samples/cnn: 500 held-out images"
make -s -C "$ROOT/samples/cnn" run-int8 B="$B" OUT="$W/cnn" CFLAGS=-O2 >"$W/cnn.log"
f=$(sed -n 's/^cnn (edgec float).* \([0-9.]*\) ms per image$/\1/p' "$W/cnn.log")
q=$(sed -n 's/^cnn (edgec int8).* \([0-9.]*\) ms per image$/\1/p' "$W/cnn.log")
fw=$(weights "$W/cnn/float.json"); qw=$(weights "$W/cnn/int8.json")
awk -v f="$f" -v q="$q" -v fw="$fw" -v qw="$qw" 'BEGIN {
  printf "  %-5s %12s %10s %14s %10s\n", "", "ms/image", "vs f32", "weights (B)", "vs f32"
  printf "  %-5s %12.3f %9.3fx %14d %9.3fx\n", "f32", f, 1, fw, 1
  printf "  %-5s %12.3f %9.3fx %14d %9.3fx\n", "int8", q, q / f, qw, qw / fw }'
