#!/bin/sh
# tests/bad/run.sh EDGEC - bad-input tests.
#
# For each model below, `EDGEC MODEL -o DIR` must exit with status 1, print
# exactly one line on stderr that starts with "edgec: MODEL: " and contains
# every expected substring (the node as "node N 'name' (Op): " where there is
# one), leave DIR absent or empty, and trigger no sanitizer report (run it on
# build/asan/edgec). The models come from make_models.py (committed).
#
# Prints one line per failure and "N passed, M failed" last; exits 1 on failure.

EDGEC=${1:?usage: tests/bad/run.sh EDGEC}
HERE=$(cd "$(dirname "$0")" && pwd)
# Models are named relative to the repository root so messages are stable.
cd "$HERE/../.." || exit 2
BAD=tests/bad

# A sanitizer report must not pass for the expected exit status 1.
ASAN_OPTIONS="exitcode=86:detect_leaks=1:abort_on_error=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
UBSAN_OPTIONS="exitcode=87:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS UBSAN_OPTIONS

TMP=$(mktemp -d "${TMPDIR:-/tmp}/edgec-bad.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT INT TERM

pass=0
fail=0

# case_args "OPTIONS" MODEL SUBSTRING... : the same with edgec options
case_args() {
    extra=$1
    shift
    case_ "$@"
    extra=""
}

extra=""
# outcome LABEL ERRFILE: count the case as passed when $why is empty, else print why and the
# first lines of ERRFILE
outcome() {
    if [ -z "$why" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $1: $why"
        sed -n '1,5s/^/    | /p' "$2"
    fi
}

# case MODEL SUBSTRING... : one expectation
case_() {
    model=$1
    shift
    name=$(basename "$model" .onnx)
    out="$TMP/out-$name"
    err="$TMP/err-$name"
    # shellcheck disable=SC2086 # $extra: options, split on spaces
    "$EDGEC" "$model" -o "$out" $extra >"$TMP/stdout" 2>"$err"
    status=$?
    why=""
    lines=$(wc -l <"$err" | tr -d ' ')
    first=$(head -n 1 "$err")
    if grep -q -e 'Sanitizer' -e 'runtime error:' -e 'LeakSanitizer' "$err"; then
        why="sanitizer report"
    elif [ "$status" -ne 1 ]; then
        why="exit status $status, expected 1"
    elif [ "$lines" -ne 1 ]; then
        why="$lines lines on stderr, expected 1"
    else
        case "$first" in
        "edgec: $model: "*) ;;
        *) why="message does not start with 'edgec: $model: '" ;;
        esac
    fi
    if [ -z "$why" ]; then
        for want in "$@"; do
            case "$first" in
            *"$want"*) ;;
            *) why="message lacks '$want'"; break ;;
            esac
        done
    fi
    if [ -z "$why" ] && [ -d "$out" ] && [ -n "$(ls -A "$out")" ]; then
        why="output directory is not empty"
    fi
    if [ -z "$why" ] && [ -s "$TMP/stdout" ]; then
        why="wrote to stdout"
    fi
    outcome "$model" "$err"
}

# ---- file-level problems (frontend) ----------------------------------------
case_ $BAD/missing.onnx            "cannot open file: No such file or directory"
case_ $BAD/empty.onnx              "file is empty"
case_ $BAD/truncated.onnx          "not a valid ONNX model (protobuf parse failed)"
case_ $BAD/random.onnx             "not a valid ONNX model"
case_ $BAD/deep_nesting.onnx       "messages nested more than 100 deep"
case_ $BAD/ir_version.onnx         "unsupported IR version 99"
case_ $BAD/opset.onnx              "unsupported opset version 99"
case_ $BAD/no_outputs.onnx         "graph has no outputs"

# ---- tensors (frontend) ------------------------------------------------------
case_ $BAD/dim_overflow.onnx       "initializer 'W': dim product overflows int64"
case_ $BAD/input_dim_overflow.onnx "input 'X': dim product overflows int64"
case_ $BAD/negative_dim.onnx       "initializer 'W': negative dim -3"
case_ $BAD/raw_size.onnx           "initializer 'W': raw_data has 20 bytes" "need 24"
case_ $BAD/external_escape.onnx    "external data path '../escape.bin' leaves the model's folder"
case_ $BAD/external_absolute.onnx  "external data path '/etc/passwd' is absolute"
case_ $BAD/deep_subgraph.onnx      "sub-graphs nested more than 16 deep" "(If): "

# ---- graph structure and types (verifier, inference) ------------------------
case_ $BAD/unknown_op.onnx         "node 0 'foo' (FooBar): " "unsupported op"
case_ $BAD/undefined_value.onnx    "node 1 'add' (Add): " "undefined value 'nowhere'"
case_ $BAD/cycle.onnx              "node 0 'a' (Add): " "cycle"
case_ $BAD/duplicate_def.onnx      "node 1 'r1' (Relu): " "'Y' is already defined"
case_ $BAD/rank_mismatch.onnx      "node 0 'mm' (MatMul): " "inner dims differ"
case_ $BAD/dtype_mismatch.onnx     "node 0 'add' (Add): " "same dtype"

# ---- sequences and optionals (ir/ops/seq.c, --seq, --optional) -------------
case_ $BAD/seq_no_len.onnx         "graph input 'S' is a sequence: give its length (--seq S=N)"
case_ $BAD/seq_at_range.onnx       "node 1 'at' (SequenceAt): " "position 5 is out of range for a sequence of 2 elements (input 'pos')"
case_ $BAD/seq_at_runtime.onnx     "node 1 'at' (SequenceAt): " "position 'pos' must be known at compile time (--bind pos=FILE.pb)"
case_ $BAD/opt_get_none.onnx       "graph input 'O' is optional: say whether it is given (--optional O=present or --optional O=none)"
case_args "--optional O=none" $BAD/opt_get_none.onnx "node 0 'get' (OptionalGetElement): " "the optional 'O' is empty (known at compile time)"
case_args "--seq X=2" $BAD/seq_at_range.onnx "--seq X: graph input 'X' is a tensor, not a sequence"
case_args "--seq S=[3]" $BAD/seq_no_len.onnx "--seq S: element 0 has shape [3], the input's elements are declared [2]"

# ---- data-dependent sizes (NonZero, Unique, ...) reach only graph outputs ----
case_ $BAD/data_dep_consumed.onnxtxt "node 1 '' (Transpose): " "input 0 ('nz') has a data-dependent size" "only be a graph output"
case_ $BAD/data_dep_twice.onnxtxt    "node 1 '' (Identity): " "input 0 ('Y') has a data-dependent size"
# ---- string tensors (--max-string-bytes, Cast, StringNormalizer) ---------------
case_ $BAD/str_no_bound.onnx       "graph input 'S' is a string tensor: give the most bytes one of its strings may have (--max-string-bytes N"
case_args "--max-string-bytes X=4" $BAD/str_no_bound.onnx "--max-string-bytes X: the model has no graph input 'X'"
case_args "--max-string-bytes 8" $BAD/str_cast_int.onnx "node 0 'c' (Cast): " "cast from string to int64 is not supported (string <-> float only)"
case_args "--max-string-bytes 8" $BAD/str_identity.onnx "node 0 'id' (Identity): " "string tensors are not supported by Identity"
case_ $BAD/str_const.onnx          "node 0 'c' (Cast): " "input 0 ('C'): string constants are not supported"
case_args "--max-string-bytes 8" $BAD/str_norm_action.onnx "node 0 'sn' (StringNormalizer): " "case_change_action 'TITLE' is not one of LOWER, UPPER, NONE"
case_args "--max-string-bytes 8" $BAD/str_norm_rank.onnx "node 0 'sn' (StringNormalizer): " "has shape [2,3]; StringNormalizer takes [C] or [1,C]"

# ---- hostile command lines and files: a FIFO must not hang edgec, a bad output place fails
# before anything is written. cmd_case LABEL SUBSTRING -- EDGEC-ARGS...: exit status 1 within
# 20 s, one line on stderr containing SUBSTRING, no sanitizer report, nothing written to
# $TMP/cmd-out (the -o DIR of the cases that name it) nor to $TMP/cmd.json.
cmd_case() {
    label=$1 want=$2
    shift 3
    rm -rf "$TMP/cmd-out" "$TMP/cmd.json"
    timeout 20 "$EDGEC" "$@" >"$TMP/stdout" 2>"$TMP/err"
    status=$?
    why=""
    if grep -q -e 'Sanitizer' -e 'runtime error:' "$TMP/err"; then why="sanitizer report"
    elif [ "$status" -eq 124 ]; then why="hangs (killed after 20 s)"
    elif [ "$status" -ne 1 ]; then why="exit status $status, expected 1"
    elif [ "$(wc -l <"$TMP/err" | tr -d ' ')" -ne 1 ]; then why="not one line on stderr"
    elif ! grep -q -F -e "$want" "$TMP/err"; then why="message lacks '$want'"
    elif [ -e "$TMP/cmd-out" ] && [ -n "$(ls -A "$TMP/cmd-out")" ]; then why="output directory is not empty"
    elif [ -e "$TMP/cmd.json" ]; then why="the JSON report was written"
    elif ls -a "$TMP" | grep -q '\.tmp[0-9]'; then why="a temporary file was left"
    fi
    outcome "$label" "$TMP/err"
}
M=samples/mlp/mlp.onnx
mkfifo "$TMP/fifo.onnx" "$TMP/fifo.onnxtxt" "$TMP/fifo.xml" "$TMP/fifo.pb"
: > "$TMP/a-file"
cmd_case "-o ''" "edgec: -o: the output directory name is empty" -- "$M" -o ""
cmd_case "-o FILE" "-o names an existing file, not a directory" -- "$M" -o "$TMP/a-file"
cmd_case "--report-json unwritable" "cannot write the JSON report: No such file or directory" -- \
    "$M" -o "$TMP/cmd-out" --report-json "$TMP/no/such/dir/r.json"
cmd_case "--report-json DIR" "--report-json names a directory or special file" -- "$M" -o "$TMP/cmd-out" --report-json "$TMP"
cmd_case "--name 9x" "--name '9x' is not a C identifier" -- "$M" -o "$TMP/cmd-out" --name 9x
cmd_case "--name _Foo" "are reserved in C" -- "$M" -o "$TMP/cmd-out" --name _Foo
cmd_case "--name __x" "are reserved in C" -- "$M" -o "$TMP/cmd-out" --name __x
cmd_case "--name ec_x" "the prefix ec_ belongs to the runtime-min kernels" -- "$M" -o "$TMP/cmd-out" --name ec_x
cmd_case "FIFO model" "fifo.onnx: not a regular file" -- "$TMP/fifo.onnx" -o "$TMP/cmd-out"
cmd_case "FIFO text model" "fifo.onnxtxt: not a regular file" -- "$TMP/fifo.onnxtxt" -o "$TMP/cmd-out"
cmd_case "FIFO target" "fifo.xml: not a regular file" -- "$M" -o "$TMP/cmd-out" --target "$TMP/fifo.xml"
cmd_case "FIFO --bind" "not a regular file" -- "$M" -o "$TMP/cmd-out" --bind "input=$TMP/fifo.pb"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
