#!/bin/sh
# determinism.sh - the same model and options give the same bytes.
#
#   tests/golden/determinism.sh [EDGEC]
#
# Compiles every golden model and every sample model twice, each time from its own
# working directory with the same relative output path (so the recorded
# command line is the same), then cmp's every generated file and the JSON report.
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
EDGEC=$(cd "$(dirname "${1:-build/edgec}")" && pwd)/$(basename "${1:-build/edgec}")
tmp=build/determinism
rm -rf "$tmp"
fail=0
n=0
for model in tests/golden/*.onnxtxt samples/*/*.onnx; do
    [ -f "$model" ] || continue
    m=$(basename "$model"); m=${m%.onnxtxt}; m=${m%.onnx}
    # a model with a symbolic dim gets a value for it (samples/tinylm's decode step)
    opts=
    case $model in samples/tinylm/tinylm_step.onnx) opts="--dim past=8" ;; esac
    for run in a b; do
        mkdir -p "$tmp/$run/$m"
        if ! (cd "$tmp/$run/$m" && "$EDGEC" "$root/$model" -o out --name "$m" $opts --report-json report.json >/dev/null); then
            echo "determinism: $model: edgec failed"; fail=1; continue 2
        fi
    done
    n=$((n + 1))
    (cd "$tmp/a/$m" && find . -type f | sort) > "$tmp/a.list"
    (cd "$tmp/b/$m" && find . -type f | sort) > "$tmp/b.list"
    if ! cmp -s "$tmp/a.list" "$tmp/b.list"; then
        echo "determinism: $model: the two runs wrote different files"; fail=1; continue
    fi
    for f in $(cat "$tmp/a.list"); do
        cmp "$tmp/a/$m/$f" "$tmp/b/$m/$f" || { echo "determinism: $model: $f differs"; fail=1; }
    done
done
[ "$n" -gt 0 ] || { echo "determinism: no models"; exit 1; }
[ "$fail" = 0 ] && echo "determinism: $n models, identical output"
exit $fail
