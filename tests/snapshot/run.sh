#!/usr/bin/env bash
# tests/snapshot/run.sh - everything edgec generates, in one folder, so that two compilers
# (before and after a refactoring) can be compared byte for byte.
#
#   tests/snapshot/run.sh EDGEC DIR          write the snapshot of EDGEC to DIR
#   tests/snapshot/run.sh --compare A B      compare two snapshots; exit 1 if they differ
#   MODEL_ONLY=1 tests/snapshot/run.sh --compare A B
#                                            only NAME.c, NAME.h, NAME_weights.* and reports
#                                            (not the runtime-min files copied beside them)
#
# DIR/conformance/FOLDER/TEST: every model of the ONNX conformance suite that EDGEC compiles,
# with the binds the conformance runner gives it (tests/conformance/run.py --snapshot).
# DIR/cases/NAME: the samples and the test models in the option sets `make test` uses
# (float, int8 PTQ with each calibration method, QDQ import, w8/w4, run-time dims, strings,
# control flow), with the --report text and the --report-json file. The temporary output
# folder is written as OUT in every file, since the provenance comment quotes `-o DIR`.
# EDGEC finds runtime-min/ from its own location (or $EDGEC_ROOT), so a snapshot of an old
# version is taken with an edgec built in a checkout of that version.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PY=${PYTHON:-/usr/bin/python3}

if [ "${1:-}" = --compare ]; then
    a=$2 b=$3
    if [ "${MODEL_ONLY:-}" = 1 ]; then
        # the runtime-min files are named ec_*.c/h; everything else is the model's
        filt() { (cd "$1" && find . -type f ! -name 'ec_*' | LC_ALL=C sort); }
    else
        filt() { (cd "$1" && find . -type f | LC_ALL=C sort); }
    fi
    fail=0
    if ! diff <(filt "$a") <(filt "$b") > /tmp/snapshot-files.$$; then
        echo "snapshot: file lists differ:"; head -40 /tmp/snapshot-files.$$; fail=1
    fi
    rm -f /tmp/snapshot-files.$$
    n=0 d=0
    while IFS= read -r f; do
        [ -f "$b/$f" ] || continue
        n=$((n + 1))
        if ! cmp -s "$a/$f" "$b/$f"; then
            d=$((d + 1)); fail=1
            [ $d -le 20 ] && echo "snapshot: differs: $f"
        fi
    done < <(filt "$a")
    echo "snapshot: $n files compared, $d differ"
    exit $fail
fi

EDGEC=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
DIR=$2
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
rm -rf "$DIR/conformance" "$DIR/cases"
mkdir -p "$DIR/cases"
work=$(mktemp -d /tmp/edgec-snapshot.XXXXXX)
trap 'rm -rf "$work"' EXIT

# one case: NAME MODEL [edgec options]; files with the output folder written as OUT
case_() {
    local name=$1 model=$2; shift 2
    local out=$work/$name
    rm -rf "$out"
    local rc=0
    (cd "$ROOT" && "$EDGEC" "$model" -o "$out" --name "${name//-/_}" "$@" \
         --report --report-json "$work/$name.json" > "$work/$name.report" 2>&1) || rc=$?
    mkdir -p "$DIR/cases/$name"
    if [ -d "$out" ]; then
        for f in "$out"/*; do
            sed "s#$out#OUT#g; s#$work#TMP#g" "$f" > "$DIR/cases/$name/$(basename "$f")"
        done
    fi
    sed "s#$out#OUT#g; s#$work#TMP#g" "$work/$name.report" > "$DIR/cases/$name/report.txt"
    [ -f "$work/$name.json" ] && sed "s#$out#OUT#g; s#$work#TMP#g" "$work/$name.json" > "$DIR/cases/$name/report.json"
    echo "exit $rc" >> "$DIR/cases/$name/report.txt"
}

case_ mlp samples/mlp/mlp.onnx
case_ cnn samples/cnn/cnn.onnx
case_ cnn-int8 samples/cnn/cnn.onnx --quantize int8 --calib samples/cnn/calib
case_ cnn-int8-pct samples/cnn/cnn.onnx --quantize int8 --calib samples/cnn/calib --calib-method percentile
case_ cnn-int8-ent samples/cnn/cnn.onnx --quantize int8 --calib samples/cnn/calib --calib-method entropy
case_ cnn-int8-err samples/cnn/cnn.onnx --quantize int8 --calib samples/cnn/calib --max-layer-error 0.02
case_ cnn-w8 samples/cnn/cnn.onnx --quantize w8
case_ tinylm samples/tinylm/tinylm.onnx
case_ tinylm-w8 samples/tinylm/tinylm.onnx --quantize w8
case_ tinylm-w4 samples/tinylm/tinylm.onnx --quantize w4
case_ step samples/tinylm/tinylm_step.onnx --dim past=0..127
case_ step-w4 samples/tinylm/tinylm_step.onnx --dim past=0..127 --quantize w4 --block 64
case_ quant-cnn tests/quant/cnn.onnx --quantize int8 --calib tests/quant/calib
case_ quant-qdq tests/quant/qdq.onnx
case_ wquant-w8 tests/wquant/lm.onnx --quantize w8
case_ wquant-w4 tests/wquant/lm.onnx --quantize w4
case_ symdim tests/symdim/decode.onnxtxt --dim past=0..8
case_ strings tests/strings/strs.onnxtxt --max-string-bytes 16
for m in "$ROOT"/tests/golden/*.onnxtxt; do
    case_ "golden-$(basename "$m" .onnxtxt)" "tests/golden/$(basename "$m")"
done
for m in "$ROOT"/tests/infer/*.onnxtxt; do
    case_ "infer-$(basename "$m" .onnxtxt)" "tests/infer/$(basename "$m")"
done
echo "snapshot: $(ls "$DIR/cases" | wc -l) cases"

"$PY" "$ROOT/tests/conformance/run.py" --edgec "$EDGEC" --jobs "${JOBS:-2}" --out "$work/conf" -q \
    --snapshot "$DIR/conformance" --snapshot-only | tail -2
echo "snapshot: $(find "$DIR/conformance" -name command.txt | wc -l) conformance models in $DIR"
