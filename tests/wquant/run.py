#!/usr/bin/python3
"""Weight-only quantization end to end (make check-wquant).

For each configuration (w8 and w4 with blocks of 32, w4 with blocks of 16) it
compiles tests/wquant/lm.onnx (gen_model.py) with edgec --quantize, builds the
generated C with a driver under AddressSanitizer and UBSan (-std=c99 -pedantic
-Werror), runs it and checks, against numpy code written from the layout in
docs/KERNELS.md and not from edgec:

  1. the packed weights in NAME_weights.c are byte for byte those numpy packs;
  2. the outputs match numpy's float64 forward pass on numpy's dequantized
     weights within TIGHT (float32 summation order only);
  3. the outputs stay within LOOSE of the float model, as a relative
     root-mean-square error (the quantization error; the figures are printed);
  4. --report-json's weight bytes before/after and bits per weight equal the
     figures numpy computes from its own packing; W5 (512 weights) stays float;
  5. P2, a copy of the constant P, is not stored (in the float build either):
     both Adds read P, which the quantized builds keep in int8 blocks (w4
     builds too) and expand at run time (BlockDequantize); the bool mask M is
     stored as bits (numpy's packbits, little bit order) and read as such.

Also: option errors (--block odd, --block without --quantize, unknown mode).
Needs python-onnx and numpy, no PyTorch.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
TIGHT = 2e-5      # max |edgec - numpy on dequantized weights| / max |numpy|
# ||edgec - float model|| / ||float model|| (root mean square): the quantization error
# itself, through five quantized layers of random weights with outliers planted
LOOSE = {8: 0.02, 4: 0.25}
MIN_WEIGHTS = 1024

TOKENS = np.array([[3, 17, 49, 0, 25], [-1, 8, 8, 33, -50]], dtype=np.int64)  # -1: row 49, -50: row 0


SCALE_STEPS = 10   # docs/KERNELS.md: the scale candidates, least squared error wins


def quant(x, d, lo, Q):
    """q = clamp(round half away from zero of x / d, lo, Q), 0 where d = 0 (float32 division)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        r = x / d
    r = np.where(d != 0, r, np.float32(0)).astype(np.float64)
    return np.clip(np.sign(r) * np.floor(np.abs(r) + 0.5), lo, Q)


def pack(m, bits, block):
    """m [R, K] float32 -> bytes, per docs/KERNELS.md (blocks along K, float16 scale)."""
    R, K = m.shape
    nb = -(-K // block)
    x = np.zeros((R, nb * block), dtype=np.float32)
    x[:, :K] = m
    x = x.reshape(R, nb, block)
    Q, lo = (np.float32(127), -127) if bits == 8 else (np.float32(7), -8)
    amax = np.abs(x).max(axis=2)
    first = np.abs(x).argmax(axis=2)                      # the first weight of largest magnitude
    msigned = np.take_along_axis(x, first[:, :, None], axis=2)[:, :, 0]
    best = np.full((R, nb), np.inf)
    d16 = np.zeros((R, nb), dtype=np.float16)
    for c in range((2 if bits == 4 else 1) * SCALE_STEPS):
        f = np.float32(1) - np.float32(0.025) * np.float32(c % SCALE_STEPS)
        if c < SCALE_STEPS:
            cand = (amax * f / Q).astype(np.float32).astype(np.float16)
        else:                                             # w4: -m maps to -8
            cand = (-msigned * f / np.float32(8)).astype(np.float32).astype(np.float16)
        dc = cand.astype(np.float32)
        qc = quant(x, dc[:, :, None], lo, Q)
        err = np.zeros((R, nb))
        for t in range(block):          # in block order, in float64, as the sum is defined
            e = x[:, :, t].astype(np.float64) - dc.astype(np.float64) * qc[:, :, t]
            err = err + e * e
        better = (err < best) & (amax > 0)
        best = np.where(better, err, best)
        d16 = np.where(better, cand, d16)
    d = d16.astype(np.float32)
    q = quant(x, d[:, :, None], lo, Q).astype(np.int64)
    deq = (q.astype(np.float32) * d[:, :, None]).reshape(R, nb * block)[:, :K]
    scale_bytes = d16.view(np.uint16).astype(np.int64)
    out = []
    for rr in range(R):
        for b in range(nb):
            s = int(scale_bytes[rr, b])
            out += [s & 0xff, s >> 8]
            qq = q[rr, b]
            if bits == 8:
                out += [int(v) & 0xff for v in qq]
            else:
                out += [(int(qq[2 * j]) & 15) | ((int(qq[2 * j + 1]) & 15) << 4) for j in range(block // 2)]
    return bytes(out), deq


def forward(p, tok):
    f = {k: v.astype(np.float64) for k, v in p.items()}
    emb = f["E"][np.where(tok < 0, tok + 50, tok)]
    h1 = np.maximum(emb @ f["W1"] + f["b1"], 0)
    h2 = (h1 @ f["W2"]).reshape(10, 64)
    h3 = 0.5 * (h2 @ f["W3"].T) + 2.0 * f["b3"]
    h4 = np.where(p["M"], h3.T @ f["W4"] + f["P"] + f["P2"], 0.0)
    logits = h4 @ f["W5"] + f["b5"]
    return h3, logits


# which matrix is packed how: rows of K along the reduction axis
ROWS = {
    "E": lambda a: a,          # Gather: embedding rows
    "W1": lambda a: a.T,       # MatMul B [K, N]: columns
    "W2": lambda a: a.T,
    "W3": lambda a: a,         # Gemm transB: B [N, K] rows
    "W4": lambda a: a.T,       # Gemm B [K, N]
    "P": lambda a: a,          # read by Add: rows along the last axis
}
# at 8 bits in every mode: P (read by Add: expanded at run time), E (an embedding table) and W3
# (fc3 computes the graph output h3)
EIGHT_BITS = ("P", "E", "W3")
BLOB_NAME = {"E": "E.w{b}b{B}", "W1": "W1.w{b}b{B}.T", "W2": "W2.w{b}b{B}.T", "W3": "W3.w{b}b{B}",
             "W4": "W4.w{b}b{B}.T",
             "P": "P.w{b}b{B}"}

DRIVER = r"""#include <stdio.h>
#include "model.h"
static unsigned char arena[MODEL_ARENA_BYTES] __attribute__((aligned(64)));
int main(int argc, char **argv)
{
    static const int64_t tok[10] = { %s };
    static float h3[480], logits[192];
    FILE *f;
    if (argc != 2 || model_run(arena, tok, h3, logits) != 0) return 1;
    f = fopen(argv[1], "wb");
    if (!f || fwrite(h3, 4, 480, f) != 480 || fwrite(logits, 4, 192, f) != 192 || fclose(f)) return 1;
    return 0;
}
"""


def weights_arrays(path):
    """name -> bytes of each uint8 array in NAME_weights.c, by its comment."""
    text = open(path).read()
    out = {}
    for m in re.finditer(r"/\* '([^']*)' uint8\[\d+\], \d+ bytes \*/\nconst uint8_t \w+\[\d+\] EC_WEIGHT_ALIGN = \{([^}]*)\}",
                         text):
        out[m.group(1)] = bytes(int(v.strip().rstrip("u")) for v in m.group(2).split(",") if v.strip())
    return out


class Checks(list):
    """Failure messages; counts every check made."""
    count = 0

    def check(self, ok, msg):
        self.count += 1
        if not ok:
            self.append(msg)


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit("FAIL: %s\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    return r


def check_config(edgec, cc, work, bits, block, params, ref_float, failures):
    tag = "w%d block %d" % (bits, block)
    out = os.path.join(work, "w%d_b%d" % (bits, block))
    rep = out + ".json"
    run([edgec, os.path.join(HERE, "lm.onnx"), "-o", out, "--quantize", "w%d" % bits, "--block", str(block),
         "--report-json", rep])
    with open(os.path.join(out, "driver.c"), "w") as f:
        f.write(DRIVER % ", ".join(str(int(t)) for t in TOKENS.ravel()))
    exe = os.path.join(out, "run")
    srcs = sorted(os.path.join(out, n) for n in os.listdir(out) if n.endswith(".c"))
    run([cc, "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O1", "-g", "-fsanitize=address,undefined",
         "-fno-sanitize-recover=undefined", "-I", out, "-o", exe] + srcs + ["-lm"])
    res = os.path.join(out, "out.bin")
    run([exe, res])
    got = np.fromfile(res, dtype=np.float32)
    got_h3, got_logits = got[:480].reshape(10, 48), got[480:].reshape(48, 4)

    # 1. packed bytes
    arrays = weights_arrays(os.path.join(out, "model_weights.c"))
    deq = dict(params)
    qweights = qbytes = 0
    for name, rows in ROWS.items():
        m = rows(params[name])
        nbits = 8 if name in EIGHT_BITS else bits
        blob, dq = pack(np.ascontiguousarray(m), nbits, block)
        deq[name] = rows(dq)          # back to the model's orientation
        if name == "P":
            deq["P2"] = deq["P"]      # stored once: both Adds read P
        key = BLOB_NAME[name].format(b=nbits, B=block)
        failures.check(arrays.get(key) == blob, "%s: packed %s differs from numpy's (%s)" %
                       (tag, name, "missing" if key not in arrays else "%d bytes" % len(arrays[key])))
        qweights += m.size
        qbytes += len(blob)
    # 2. against the float model on dequantized weights (tight) and 3. the float model (loose)
    ref_q = forward(deq, TOKENS)
    for label, g, rq, rf in (("h3", got_h3, ref_q[0], ref_float[0]), ("logits", got_logits, ref_q[1], ref_float[1])):
        tight = np.abs(g - rq).max() / np.abs(rq).max()
        loose = np.sqrt(((g - rf) ** 2).mean() / (rf ** 2).mean())
        print("  %-14s %-7s max|edgec - numpy(dequantized)|/max = %.2e (<= %.0e),"
              " rms(edgec - float model)/rms = %.4f (<= %.2f)" % (tag, label, tight, TIGHT, loose, LOOSE[bits]))
        failures.check(tight <= TIGHT, "%s %s: %.3e from numpy on dequantized weights" % (tag, label, tight))
        failures.check(loose <= LOOSE[bits], "%s %s: %.4f from the float model" % (tag, label, loose))
    # 4. report figures
    wq = json.load(open(rep))["weight_quantization"]
    fbytes = sum(params[n].nbytes for n in ("E", "W1", "b1", "W2", "W3", "b3", "W4", "W5", "b5", "P", "M", "zero"))
    qfloat = sum(params[n].nbytes for n in ROWS)
    mbits = np.packbits(params["M"].ravel(), bitorder="little").tobytes()     # M: bool, one byte each
    expect = {"weights_bytes_before": fbytes,
              "weights_bytes_after": fbytes - qfloat + qbytes - params["M"].nbytes + len(mbits),
              "quantized_weights": qweights, "quantized_bytes": qbytes}
    for k, v in expect.items():
        failures.check(wq[k] == v, "%s: report %s = %s, numpy finds %s" % (tag, k, wq[k], v))
    failures.check(abs(wq["bits_per_weight"] - 8.0 * qbytes / qweights) <= 1e-5,
                   "%s: report bits_per_weight %s, numpy %.6f" % (tag, wq["bits_per_weight"], 8.0 * qbytes / qweights))
    w5 = [t for t in wq["tensors"] if t["tensor"] == "W5"]
    failures.check(len(w5) == 1 and not w5[0]["quantized"] and "fewer than %d" % MIN_WEIGHTS in (w5[0]["why_float"] or ""),
                   "%s: W5 (512 weights) should be reported as left float: %s" % (tag, w5))
    failures.check(arrays.get("M.bits") == mbits, "%s: M.bits differs from numpy's packbits" % tag)
    failures.check("P2" not in arrays and "P" not in arrays and not any(t["tensor"] == "P2" for t in wq["tensors"]),
                   "%s: P2 (a copy of P) or float P stored: %s" % (tag, sorted(arrays)))
    print("  %-14s weights %d -> %d bytes (%.3fx), %.3f bits per quantized weight" %
          (tag, fbytes, expect["weights_bytes_after"], expect["weights_bytes_after"] / fbytes, 8.0 * qbytes / qweights))


def check_float(edgec, work, params, ref_float, failures):
    """The float build: P2, a copy of P, is stored once; results as numpy's float64."""
    out = os.path.join(work, "float")
    rep = out + ".json"
    run([edgec, os.path.join(HERE, "lm.onnx"), "-o", out, "--report-json", rep])
    text = open(os.path.join(out, "model_weights.c")).read()
    names = re.findall(r"/\* '([^']*)' \w+\[", text)
    failures.check("P" in names and "P2" not in names, "float build: constants stored %s; P2 is a copy of P" % names)
    total = json.load(open(rep))["totals"]["weights_bytes"]
    want = sum(params[n].nbytes for n in params if n not in ("P2", "shape10"))  # shape10: folded
    failures.check(total == want, "float build: weights_bytes %d, numpy finds %d without P2" % (total, want))
    print("  float          weights %d bytes: %s" % (total, ", ".join(names)))


def check_errors(edgec, work, failures):
    model = os.path.join(HERE, "lm.onnx")
    for args, msg in ((["--quantize", "w8", "--block", "7"], "--block 7: expected an even number"),
                      (["--block", "16"], "--block needs --quantize w8 or --quantize w4"),
                      (["--quantize", "w3"], "--quantize w3: unknown mode")):
        out = os.path.join(work, "err")
        r = subprocess.run([edgec, model, "-o", out] + args, capture_output=True, text=True)
        lines = r.stderr.strip().splitlines()
        failures.check(r.returncode == 1 and len(lines) == 1 and msg in lines[0] and not os.path.exists(out),
                       "edgec %s: expected one line with '%s', exit 1, no output; got %d %r" %
                       (" ".join(args), msg, r.returncode, r.stderr))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--edgec", default="build/edgec")
    ap.add_argument("--cc", default="gcc")
    args = ap.parse_args()
    model = onnx.load(os.path.join(HERE, "lm.onnx"))
    params = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    ref_float = forward(params, TOKENS)
    failures = Checks()
    with tempfile.TemporaryDirectory(prefix="edgec-wquant-") as work:
        for bits, block in ((8, 32), (4, 32), (4, 16)):
            check_config(args.edgec, args.cc, work, bits, block, params, ref_float, failures)
        check_float(args.edgec, work, params, ref_float, failures)
        check_errors(args.edgec, work, failures)
    for f in failures:
        print("FAIL: " + f)
    print("wquant: %d passed, %d failed" % (failures.count - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
