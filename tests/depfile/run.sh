#!/usr/bin/env bash
# tests/depfile/run.sh EDGEC - the depfile (-MD, -MF, -MT, -MP) as make reads it.
#
# 1. samples/mlp with -MD -MP: DIR/NAME.d names the model and the target XML; make, reading
#    it, finds the outputs up to date, then out of date after the model or the target XML is
#    touched (and up to date again after a rebuild), and a deleted input does not stop make (-MP).
# 2. the CNN quantized with --calib: every calibration file is a dependency (64 of them).
# 3. a model with external data (written here with python-onnx) and a --bind file: both listed.
# 4. -MF FILE -MT TARGET: the rule's target is TARGET, '$' doubled; bad uses are one-line errors
#    and an unwritable -MF leaves no output.
set -euo pipefail
EDGEC=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PY=${PYTHON:-/usr/bin/python3}
T=$(mktemp -d /tmp/edgec-depfile.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T"
fail() { echo "check-depfile: FAIL: $*"; exit 1; }

# 1. make reads the depfile
cp "$ROOT/samples/mlp/mlp.onnx" m.onnx
mkdir -p tg && cp "$ROOT/targets/generic.xml" tg/board.xml
cat > Makefile <<'MK'
out/model.c: m.onnx
	$(EDGEC) m.onnx -o out --target tg/board.xml -MD -MP
-include out/model.d
MK
make -s EDGEC="$EDGEC" >/dev/null
grep -q '^ m.onnx' out/model.d || fail "model.d lacks the model: $(cat out/model.d)"
grep -q '^ tg/board.xml' out/model.d || fail "model.d lacks the target XML"
make -q EDGEC="$EDGEC" || fail "outputs not up to date right after the build"
sleep 1; touch tg/board.xml
make -q EDGEC="$EDGEC" && fail "touching the target XML did not make the outputs out of date"
make -s EDGEC="$EDGEC" >/dev/null; make -q EDGEC="$EDGEC" || fail "not up to date after the rebuild"
sleep 1; touch m.onnx
make -q EDGEC="$EDGEC" && fail "touching the model did not make the outputs out of date"
make -s EDGEC="$EDGEC" >/dev/null
cp tg/board.xml keep.xml; rm tg/board.xml
rc=0; make -q EDGEC="$EDGEC" 2>err.txt || rc=$?
[ $rc -le 1 ] && ! grep -q "No rule to make target" err.txt || fail "a deleted input stops make despite -MP"
echo "check-depfile: make rebuilds when the model or target XML changes, not otherwise"

# 2. calibration files
"$EDGEC" "$ROOT/samples/cnn/cnn.onnx" -o cnn --quantize int8 --calib "$ROOT/samples/cnn/calib" -MD
n=$(grep -c '/calib/set_[0-9]*/input_0.pb' cnn/model.d || true)
want=$(ls -d "$ROOT"/samples/cnn/calib/set_* | wc -l)
[ "$n" = "$want" ] || fail "cnn: $n calibration files in the depfile, expected $want"
echo "check-depfile: --calib: all $n calibration files listed"

# 3. external data and --bind
"$PY" - <<'PYEOF'
import numpy as np, onnx
from onnx import helper as h, numpy_helper as nh, TensorProto as T
w = nh.from_array(np.arange(64, dtype=np.float32).reshape(8, 8), "W")
g = h.make_graph([h.make_node("MatMul", ["X", "W"], ["Y"])], "g",
                 [h.make_tensor_value_info("X", T.FLOAT, [2, 8])],
                 [h.make_tensor_value_info("Y", T.FLOAT, [2, 8])], [w])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
onnx.save_model(m, "ext.onnx", save_as_external_data=True, location="ext weights.bin",
                size_threshold=0)
open("x.pb", "wb").write(nh.from_array(np.ones((2, 8), np.float32), "X").SerializeToString())
PYEOF
"$EDGEC" ext.onnx -o ext --bind X=x.pb -MD
grep -q '^ ext\\ weights.bin' ext/model.d || fail "external data file (with its space escaped) not listed: $(cat ext/model.d)"
grep -q '^ x.pb' ext/model.d || fail "--bind file not listed"
echo "check-depfile: external data and --bind files listed"

# 4. -MF/-MT, and bad uses
"$EDGEC" m.onnx -o o4 -MF dep4.d -MT 'lib$m.a'
head -1 dep4.d | grep -q '^lib\$\$m.a:' || fail "-MT target not as given: $(head -1 dep4.d)"
[ ! -e o4/model.d ] || fail "-MF still wrote DIR/NAME.d"
bad() { local want=$1; shift
    if "$EDGEC" "$@" > out.txt 2> err.txt; then fail "edgec $* succeeded"; fi
    [ "$(wc -l < err.txt)" = 1 ] && grep -q -F -- "$want" err.txt || fail "edgec $*: $(cat err.txt)"; }
bad "-MT needs -MD or -MF" m.onnx -o o5 -MT x
bad "-MP needs -MD or -MF" m.onnx -o o5 -MP
bad "-MF: the file name is empty" m.onnx -o o5 -MF ""
bad "cannot write the depfile" m.onnx -o o5 -MF no/such/dir/d.d
[ ! -e o5 ] || [ -z "$(ls -A o5)" ] || fail "an unwritable -MF left files in -o DIR"
echo "check-depfile: -MF/-MT as given; bad uses are one-line errors, no output left"
