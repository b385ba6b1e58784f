#!/bin/sh
# run.sh - the kernel folder chain of a target (targets/*.xml <isa fallback="...">).
#
#   tests/isa/run.sh [EDGEC]
#
# A scratch root (EDGEC_ROOT) has runtime-min/{include,generic} of this tree and two
# test-only ISA folders: test-a (empty) and test-b, which overrides ec_conv_f32.c (the
# generic file with a marker line). A target with <isa fallback="test-b">test-a</isa>
# must copy test-b's ec_conv_f32.c and every other file from generic/, unchanged, and
# the result must build warning-free. A target naming an ISA with no folder fails with
# one line and status 1.
set -u
cd "$(dirname "$0")/../.." || exit 1
EDGEC=${1:-build/edgec}
case $EDGEC in /*) ;; *) EDGEC=$PWD/$EDGEC ;; esac
W=build/check-isa
rm -rf "$W"
R=$W/root
mkdir -p "$R/runtime-min/test-a" "$R/runtime-min/test-b" "$R/targets"
ln -s "$PWD/runtime-min/include" "$R/runtime-min/include"
ln -s "$PWD/runtime-min/generic" "$R/runtime-min/generic"
cp targets/target.xsd "$R/targets/"
{ echo "/* test-b override */"; cat runtime-min/generic/ec_conv_f32.c; } > "$R/runtime-min/test-b/ec_conv_f32.c"
cat > "$R/targets/chain.xml" <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<target name="chain">
  <description>test: a chain through two ISA folders</description>
  <isa fallback="test-b">test-a</isa>
  <alignment>16</alignment>
  <ram_bytes>0</ram_bytes>
  <flash_bytes>0</flash_bytes>
  <cc>cc</cc>
  <cflags>-std=c99 -O2</cflags>
</target>
X
sed 's/fallback="test-b"/fallback="test-b no-such-isa"/' "$R/targets/chain.xml" > "$R/targets/bad.xml"
fail=0
EDGEC_ROOT=$R "$EDGEC" tests/golden/conv.onnxtxt --target "$R/targets/chain.xml" -o "$W/out" --name conv >/dev/null \
    || { echo "isa: edgec failed on the chain target"; exit 1; }
head -1 "$W/out/ec_conv_f32.c" | grep -q "test-b override" || { echo "isa: ec_conv_f32.c is not test-b's override"; fail=1; }
n=0
for f in "$W"/out/ec_*.c "$W"/out/ec_*_util.h; do
    [ -e "$f" ] || continue
    b=$(basename "$f")
    [ "$b" = ec_conv_f32.c ] && continue
    n=$((n + 1))
    cmp -s "$f" "runtime-min/generic/$b" || { echo "isa: $b differs from runtime-min/generic/$b"; fail=1; }
done
[ "$n" -ge 2 ] || { echo "isa: expected other kernel files from generic/, found $n"; fail=1; }
for h in "$W"/out/ec_*.h; do
    b=$(basename "$h")
    [ -e "runtime-min/include/$b" ] || [ -e "runtime-min/generic/$b" ] || { echo "isa: stray header $b"; fail=1; }
done
for cc in gcc clang; do
    command -v $cc >/dev/null 2>&1 || continue
    (cd "$W/out" && for c in ./*.c; do $cc -std=c99 -Wall -Wextra -Werror -pedantic -c "$c" -o /dev/null || exit 1; done) \
        || { echo "isa: the chain target's C does not build cleanly with $cc"; fail=1; }
done
# the generic target copies the generic file
"$EDGEC" tests/golden/conv.onnxtxt -o "$W/gen" --name conv >/dev/null || { echo "isa: edgec failed"; fail=1; }
cmp -s "$W/gen/ec_conv_f32.c" runtime-min/generic/ec_conv_f32.c || { echo "isa: generic target did not copy generic/ec_conv_f32.c"; fail=1; }
# an unknown ISA: one line, status 1, no output
EDGEC_ROOT=$R "$EDGEC" tests/golden/conv.onnxtxt --target "$R/targets/bad.xml" -o "$W/bad" --name conv \
    >/dev/null 2>"$W/bad.err"
rc=$?
[ $rc -eq 1 ] || { echo "isa: unknown isa: exit status $rc, expected 1"; fail=1; }
[ "$(wc -l < "$W/bad.err")" -eq 1 ] || { echo "isa: unknown isa: expected one line:"; cat "$W/bad.err"; fail=1; }
grep -q "unknown isa 'no-such-isa'" "$W/bad.err" || { echo "isa: unknown isa: message:"; cat "$W/bad.err"; fail=1; }
[ ! -e "$W/bad" ] || { echo "isa: unknown isa: output written"; fail=1; }
[ $fail -eq 0 ] && echo "isa: chain override, generic copy, unknown isa OK ($n generic files checked)"
exit $fail
