#!/bin/sh
# tests/layers/run.sh - the one-way layering of the compiler's sources (see the Makefile):
#
#   rank 0  runtime-min/include
#   rank 1  ir/ (and ir/ops/)
#   rank 2  frontend/, build/gen (protobuf-c and flex/bison output, version.h)
#   rank 3  compiler/ (the passes; edgec.h)
#   rank 4  codegen/
#   rank 5  compiler/main.c, the driver
#
# 1. Probes: a one-line file that includes a header is compiled with each layer's include
#    list (passed by make, the same lists the build uses). A header of the same or a lower
#    layer must compile; a header of a higher layer must fail with "not found".
# 2. Every #include "x" in ir/ frontend/ compiler/ codegen/ names a header of the same or
#    a lower layer. The checker is first run on a planted upward include, which it must
#    report, so that it cannot pass by finding nothing.
#
# usage: tests/layers/run.sh CC BUILD_GEN RT_INC IR_INC FRONTEND_INC COMPILER_INC CODEGEN_INC
set -u
CC=$1 GEN=$2
INC0=$3 INC1=$4 INC2=$5 INC3=$6 INC4=$7
work=$(mktemp -d /tmp/edgec-layers.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail=0 n=0

inc_of() { eval "echo \"\$INC$1\""; }
name_of() {
    case $1 in 0) echo runtime-min;; 1) echo ir;; 2) echo frontend;; 3) echo compiler;; 4) echo codegen;; esac
}

# the headers of each layer (every .h of its folders)
headers_of() {
    case $1 in
    0) ls runtime-min/include/*.h;;
    1) ls ir/*.h;;
    2) ls frontend/*.h;;
    3) ls compiler/*.h;;
    4) ls codegen/*.h;;
    esac
}

# probe LAYER HEADER expect(ok|fail)
probe() {
    layer=$1 h=$2 want=$3
    n=$((n + 1))
    printf '#include "%s"\nint ec_layer_probe;\n' "$(basename "$h")" > "$work/probe.c"
    # shellcheck disable=SC2046
    if $CC -std=c11 -D_POSIX_C_SOURCE=200809L -fsyntax-only $(inc_of "$layer") "$work/probe.c" \
            > "$work/log" 2>&1; then
        got=ok
    else
        got=fail
    fi
    if [ "$got" != "$want" ]; then
        echo "check-layers: $(name_of "$layer") including $h: expected $want, got $got"
        sed 's/^/    /' "$work/log" | head -5
        fail=1
    elif [ "$want" = fail ] && ! grep -q -i 'no such file\|not found' "$work/log"; then
        echo "check-layers: $(name_of "$layer") including $h failed, but not as a missing header:"
        sed 's/^/    /' "$work/log" | head -5
        fail=1
    fi
}

# 1. probes: every layer against one header of each lower layer and every header above
for layer in 0 1 2 3 4; do
    for other in 0 1 2 3 4; do
        if [ "$other" -le "$layer" ]; then
            case $other in
            0) probe "$layer" ec_rt.h ok;;
            1) probe "$layer" ir/program.h ok; probe "$layer" ir/buf.h ok;;
            2) probe "$layer" frontend/frontend.h ok;;
            3) probe "$layer" compiler/edgec.h ok;;
            4) probe "$layer" codegen/codegen.h ok;;
            esac
        else
            for h in $(headers_of "$other"); do probe "$layer" "$h" fail; done
        fi
    done
done

# 2. the include lines. rank_of_file FILE; rank_of_header NAME (-1: unknown)
rank_of_file() {
    case $1 in
    compiler/main.c) echo 5;;
    runtime-min/*) echo 0;;
    ir/*) echo 1;;
    frontend/*) echo 2;;
    compiler/*) echo 3;;
    codegen/*) echo 4;;
    *) echo "${LAYER_OF_TEST_FILE:-9}";;
    esac
}
rank_of_header() {
    if [ -f "runtime-min/include/$1" ]; then echo 0
    elif [ -f "ir/$1" ]; then echo 1
    elif [ -f "frontend/$1" ] || [ -f "$GEN/$1" ]; then echo 2
    else case $1 in onnx.pb-c.h|onnx_text.tab.h|onnx_text.lex.h|version.h) echo 2; return;; esac
        if [ -f "compiler/$1" ]; then echo 3
        elif [ -f "codegen/$1" ]; then echo 4
        else echo -1; fi
    fi
}
# check FILE...: prints one line per upward or unknown include; returns 1 if any
check_includes() {
    bad=0
    for f in "$@"; do
        fr=$(rank_of_file "$f")
        for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
            hr=$(rank_of_header "$(basename "$h")")
            case $h in */*) echo "check-layers: $f includes \"$h\": a path, not a name the layer's -I finds"; bad=1; continue;; esac
            if [ "$hr" -lt 0 ]; then
                echo "check-layers: $f includes \"$h\", which is in no layer"; bad=1
            elif [ "$hr" -gt "$fr" ]; then
                echo "check-layers: $f (rank $fr) includes \"$h\" of a higher layer (rank $hr)"; bad=1
            fi
        done
    done
    return $bad
}

# the checker must catch a planted upward include (an ir/ file including edgec.h)
printf '#include "ir.h"\n#include "edgec.h"\n' > "$work/planted.c"
if LAYER_OF_TEST_FILE=1 check_includes "$work/planted.c" > "$work/log"; then
    echo "check-layers: the include checker missed an ir/ file including edgec.h"; fail=1
fi
files=$(ls ir/*.c ir/*.h ir/ops/*.c frontend/*.c frontend/*.h frontend/*.l frontend/*.y \
           compiler/*.c compiler/*.h codegen/*.c codegen/*.h 2>/dev/null)
check_includes $files || fail=1

nf=$(echo "$files" | wc -w)
if [ $fail = 0 ]; then
    echo "check-layers: $n include probes as expected, $nf source files include only their own or lower layers"
fi
exit $fail
