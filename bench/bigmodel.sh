#!/bin/bash
# bench/bigmodel.sh [EDGEC] - compile time and peak memory of edgec on a large float model.
#
# Makes a ~100 MB model (6 Linear(2048, 2048) + ReLU layers, exported by PyTorch when
# python3-torch is installed, else the same Gemm graph written with python-onnx), then
# compiles it with /usr/bin/time -v, plain and with --weights-file, and prints wall time,
# peak RSS and the ratio of peak RSS to the model's file size. Baseline in the same run:
# `cat MODEL > /dev/null` (reading the file once). Not part of make test (100 MB, ~10 s).
set -euo pipefail
EDGEC=${1:-build/edgec}
W=${BENCH_DIR:-/tmp/edgec-bench-big}
mkdir -p "$W"
if [ ! -f "$W/big.onnx" ]; then
/usr/bin/python3 - "$W/big.onnx" <<'PY'
import sys
out = sys.argv[1]
try:
    import torch
    torch.manual_seed(0)
    layers = []
    for _ in range(6):
        layers += [torch.nn.Linear(2048, 2048), torch.nn.ReLU()]
    m = torch.nn.Sequential(*layers).eval()
    torch.onnx.export(m, torch.randn(1, 2048), out, opset_version=13,
                      input_names=["x"], output_names=["y"])
    print("model: PyTorch export")
except ImportError:
    import numpy as np, onnx
    from onnx import helper, numpy_helper, TensorProto
    rng = np.random.default_rng(0)
    nodes, inits, x = [], [], "x"
    for i in range(6):
        w = (rng.standard_normal((2048, 2048)) / 45).astype(np.float32)
        b = (rng.standard_normal(2048) / 45).astype(np.float32)
        inits += [numpy_helper.from_array(w, "w%d" % i), numpy_helper.from_array(b, "b%d" % i)]
        nodes += [helper.make_node("Gemm", [x, "w%d" % i, "b%d" % i], ["g%d" % i], transB=1),
                  helper.make_node("Relu", ["g%d" % i], ["r%d" % i])]
        x = "r%d" % i
    nodes[-1].output[0] = "y"
    g = helper.make_graph(nodes, "big", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2048])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2048])], inits)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), out)
    print("model: python-onnx")
PY
fi
size=$(stat -c %s "$W/big.onnx")
measure() { # label cmd...
    local label=$1; shift
    /usr/bin/time -v "$@" > /dev/null 2> "$W/time.log" || { cat "$W/time.log"; exit 1; }
    local wall rss
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$W/time.log")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$W/time.log")
    awk -v l="$label" -v w="$wall" -v r="$rss" -v s="$size" \
        'BEGIN { printf "%-34s wall %8s  peak RSS %7.1f MB  RSS/model %.2fx\n", l, w, r / 1024, r * 1024 / s }'
}
printf 'model: %s, %.1f MB\n' "$W/big.onnx" "$(awk -v s="$size" 'BEGIN{print s/1e6}')"
measure "baseline: cat model" cat "$W/big.onnx"
rm -rf "$W/out" "$W/out-bin"
measure "edgec -o DIR" "$EDGEC" "$W/big.onnx" -o "$W/out" --name big
measure "edgec -o DIR --weights-file" "$EDGEC" "$W/big.onnx" -o "$W/out-bin" --name big --weights-file
ls -l "$W/out/big_weights.c" "$W/out-bin/big_weights.bin" | awk '{printf "  %s: %.1f MB\n", $9, $5/1e6}'
