#!/usr/bin/env bash
# scripts/deps.sh - the Debian (bookworm) packages edgec needs, in one place.
#
#   scripts/deps.sh            check every package (build + tests); install the missing ones
#   scripts/deps.sh build      the same for the packages `make` and `make demo` need
#   scripts/deps.sh --list     print every package name, one per line (used by .ci/run)
#
# As root, missing packages are installed with apt-get (after an apt-get update). As another
# user, the apt-get command is printed and the script fails if anything is missing.
# Exit status: 0 when everything asked for is installed.
set -euo pipefail

# Needed to build build/edgec and to compile the generated C (make, make demo).
BUILD_PKGS=(
    make gcc libc6-dev pkg-config
    protobuf-c-compiler libprotobuf-c-dev   # protoc-c and libprotobuf-c: the .onnx reader
    libonnx-dev                             # /usr/include/onnx/onnx.proto, the schema
    libxml2-dev                             # targets/*.xml
    flex bison                              # the ONNX text syntax reader
)
# Needed only by make test / make conformance.
TEST_PKGS=(
    clang                                   # generated C must build with gcc and clang
    libcmocka-dev                           # unit tests
    libonnx-testdata                        # the ONNX conformance suite
    python3 python3-onnx python3-numpy      # conformance runner and harness generator
    gcc-arm-none-eabi libnewlib-arm-none-eabi   # check-cross, check-cortexm: Cortex-M builds
    qemu-system-arm                         # check-cortexm: runs the Cortex-M4F build
    gcc-aarch64-linux-gnu qemu-user         # check-cross: aarch64 build, run under qemu-aarch64
)

want=all
case "${1:-}" in
    --list) printf '%s\n' "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}"; exit 0 ;;
    build)  want=build ;;
    ""|all) ;;
    *) echo "usage: scripts/deps.sh [build|all|--list]" >&2; exit 2 ;;
esac

pkgs=("${BUILD_PKGS[@]}")
[ "$want" = all ] && pkgs+=("${TEST_PKGS[@]}")

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps: no dpkg here (not Debian?); not checking packages: ${pkgs[*]}" >&2
    exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all ${#pkgs[@]} Debian packages ($want) are installed"
    exit 0
fi

echo "deps: missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: not root, so not installing; run:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y "${missing[@]}"
echo "deps: installed ${missing[*]}"
