#!/usr/bin/python3
"""make check-quant: static int8 post-training quantization, end to end.

tests/quant/cnn.onnx (tests/quant/make_model.py) is compiled by edgec in
float and with --quantize int8 --calib tests/quant/calib; both generated
programs are built (gcc, -std=c99 -Wall -Wextra -Werror -pedantic, ASan and
UBSan; clang syntax check) and run on the calibration and held-out sets.
References are computed here with numpy, independently of edgec:

  * float forward pass of the model in numpy; the float program must match
    it within 1e-4 + 1e-4 |ref|;
  * int8 program vs numpy float on the held-out sets: logits max abs error
    <= 5% of the largest |logit|, probabilities (Softmax, float) within 0.05
    absolute, cosine >= 0.999, top-1 agreement of logits >= 15/16;
  * --report-json figures: per output max/mean abs error, cosine and top-1
    agreement recomputed with numpy from the int8 program's outputs and the
    numpy float outputs on the calibration sets (tolerance 1e-4 relative);
    weight bytes before/after from the model's tensors and the scheme
    (int8 weights, int32 biases, 8 bytes of multiplier+shift per channel);
  * --quantize int8 without --calib: one line, exit 1, no output;
  * --keep-float and --max-layer-error: the named / failing layers are
    float in the report, with the reason, and the program still agrees;
  * percentile and entropy calibration: programs run, their report agrees
    with numpy (their top-1 agreement is printed, not asserted);
  * the same command twice gives the same bytes;
  * QDQ import: tests/quant/qdq.onnx (make_qdq.py: DequantizeLinear -> op ->
    QuantizeLinear everywhere) compiles to int8 ops only (no float Conv,
    Gemm, Add, pooling), and its program agrees with numpy evaluating the
    QDQ graph in float as the ONNX spec defines it: every logit within 2
    output steps, at least 90% of them exactly.
"""
import glob
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "conformance"))
import harness  # noqa: E402

EDGEC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "edgec")
OUT = os.path.join(ROOT, "build", "quant")
MODEL = os.path.join(HERE, "cnn.onnx")
CALIB = os.path.join(HERE, "calib")
HELDOUT = os.path.join(HERE, "heldout")
CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-g", "-O1",
          "-fsanitize=address,undefined", "-fno-sanitize-recover=undefined"]
failures = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        failures.append(what)


def sets(folder):
    return sorted(glob.glob(os.path.join(folder, "set_*")), key=lambda p: int(p.rsplit("_", 1)[1]))


def load_pb(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


# ---- numpy reference of the float model ----------------------------------------------
M = onnx.load(MODEL)
W = {t.name: numpy_helper.to_array(t) for t in M.graph.initializer}


def conv(x, w, b=None, pad=0, group=1):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = h + 2 * pad - kh + 1, wd + 2 * pad - kw + 1
    y = np.zeros((n, m, oh, ow))
    mg = m // group
    for o in range(m):
        gi = o // mg
        for ci in range(cg):
            for i in range(kh):
                for j in range(kw):
                    y[:, o] += w[o, ci, i, j] * xp[:, gi * cg + ci, i:i + oh, j:j + ow]
        if b is not None:
            y[:, o] += b[o]
    return y


def pool(x, k, f):
    n, c, h, w = x.shape
    return f(x.reshape(n, c, h // k, k, w // k, k), axis=(3, 5))


def forward(x):
    r1 = np.maximum(conv(x, W["c1_w"], W["c1_b"], pad=1), 0)
    dwc = np.clip(conv(r1, W["dw_w"], W["dw_b"], pad=1, group=8), 0, 6)
    mp = pool(dwc, 2, np.max)
    pra = np.maximum(conv(mp, W["pa_w"], W["pa_b"]), 0)
    pb = conv(mp, W["pb_w"], pad=1)
    sr = np.maximum(pra + pb, 0)
    m = pb * W["mul_c"]
    cat = np.concatenate([sr, m], axis=1)
    ap = pool(cat, 2, np.mean)
    flat = ap.mean(axis=(2, 3)).reshape(1, 32)
    hr = np.maximum(flat @ W["fc1_w"].T + W["fc1_b"], 0)
    logits = hr @ W["fc2_w"] + W["fc2_b"]
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return [logits, e / e.sum(axis=1, keepdims=True)]


# ---- building and running generated code -------------------------------------------------
def edgec(args, expect_ok=True):
    p = subprocess.run([EDGEC, MODEL] + args, capture_output=True, text=True)
    if expect_ok and p.returncode != 0:
        print(p.stdout, p.stderr)
        raise SystemExit("edgec failed: %s" % " ".join(args))
    return p


def build(gen):
    outs = [(onnx.TensorProto.FLOAT, [1, 10]), (onnx.TensorProto.FLOAT, [1, 10])]
    main_c = os.path.join(gen, "..", os.path.basename(gen) + "_main.c")
    with open(main_c, "w") as f:
        f.write(harness.generate("net", [(onnx.TensorProto.FLOAT, [1, 3, 16, 16])], outs))
    srcs = sorted(glob.glob(os.path.join(gen, "*.c")))
    exe = gen + "_run"
    subprocess.run(["gcc"] + CFLAGS + ["-I", gen, "-o", exe, main_c] + srcs + ["-lm"], check=True)
    subprocess.run(["clang", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-fsyntax-only",
                    "-I", gen] + srcs, check=True)
    return exe


def run(exe, folder):
    res = []
    work = exe + "_io"
    for s in sets(folder):
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(os.path.join(work, "in"))
        os.makedirs(os.path.join(work, "out"))
        load_pb(os.path.join(s, "input_0.pb")).astype("<f4").tofile(os.path.join(work, "in", "input_0.raw"))
        subprocess.run([exe, os.path.join(work, "in"), os.path.join(work, "out")], check=True)
        res.append([np.fromfile(os.path.join(work, "out", "output_%d.raw" % k), dtype="<f4").reshape(1, 10)
                    for k in range(2)])
    return res


def stack(res, k):
    return np.concatenate([r[k] for r in res], axis=0)


def compile_int8(name, extra):
    gen = os.path.join(OUT, name)
    js = os.path.join(OUT, name + ".json")
    edgec(["-o", gen, "--name", "net", "--quantize", "int8", "--calib", CALIB, "--report-json", js] + extra)
    with open(js) as f:
        return gen, json.load(f)["quantization"]


def qdq_reference(x):
    """The QDQ model evaluated in float64 per the ONNX operator definitions."""
    Q = {t.name: numpy_helper.to_array(t) for t in onnx.load(os.path.join(HERE, "qdq.onnx")).graph.initializer}

    def quant(v, p):
        return np.clip(np.round(v / Q[p + "_s"].astype(np.float64)) + Q[p + "_z"], -128, 127)

    def deq(q, p):
        return (q - Q[p + "_z"].astype(np.float64)) * Q[p + "_s"].astype(np.float64)

    def w(prefix):
        s = Q[prefix + "_ws"].astype(np.float64)
        return Q[prefix + "_wq"] * s.reshape((-1,) + (1,) * (Q[prefix + "_wq"].ndim - 1)), \
            Q[prefix + "_bq"] * Q[prefix + "_bs"].astype(np.float64)

    xd = deq(quant(x, "xq"), "xq")
    w1, b1 = w("c1")
    a1d = deq(quant(np.maximum(conv(xd, w1, b1, pad=1), 0), "a1q"), "a1q")
    mpd = deq(quant(pool(a1d, 2, np.max), "a1q"), "a1q")
    w2, b2 = w("c2")
    c2d = deq(quant(conv(mpd, w2, b2, pad=1), "c2q"), "c2q")
    sd = deq(quant(c2d + mpd, "sq"), "sq")
    gd = deq(quant(sd.mean(axis=(2, 3)), "sq"), "sq")
    w3, b3 = w("fc")
    lq = quant(gd @ w3.T + b3, "lq")
    return deq(lq, "lq"), Q["lq_s"]


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    ref_cal = [forward(load_pb(os.path.join(s, "input_0.pb"))) for s in sets(CALIB)]
    ref_held = [forward(load_pb(os.path.join(s, "input_0.pb"))) for s in sets(HELDOUT)]

    # float program == numpy
    edgec(["-o", os.path.join(OUT, "float"), "--name", "net"])
    got = run(build(os.path.join(OUT, "float")), HELDOUT)
    for k in range(2):
        a, b = stack(got, k), stack(ref_held, k)
        check(np.all(np.abs(a - b) <= 1e-4 + 1e-4 * np.abs(b)), "float program output %d matches numpy" % k)

    # int8 program vs numpy float
    gen, rep = compile_int8("int8", [])
    exe = build(gen)
    held = run(exe, HELDOUT)
    for k, name in enumerate(["logits", "prob"]):
        a, b = stack(held, k).astype(np.float64), stack(ref_held, k)
        err = np.abs(a - b).max()
        cos = (a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum())
        print("      held-out %s: max abs err %.5f (max |ref| %.3f), cosine %.6f" % (name, err, np.abs(b).max(), cos))
        if name == "logits":
            check(err <= 0.05 * np.abs(b).max(), "int8 logits within 5% of max |float| on held-out sets")
        else:
            check(err <= 0.05, "int8 probabilities within 0.05 (absolute) on held-out sets")
        check(cos >= 0.999, "int8 %s cosine >= 0.999 on held-out sets" % name)
    agree = int((stack(held, 0).argmax(1) == stack(ref_held, 0).argmax(1)).sum())
    print("      held-out top-1 agreement %d/16" % agree)
    check(agree >= 15, "int8 top-1 agreement >= 15/16 on held-out sets")

    # the report against numpy over the same outputs (calibration sets)
    cal = run(exe, CALIB)
    outs = {o["name"]: o for o in rep["outputs"]}
    for k, name in enumerate(["logits", "prob"]):
        a, b = stack(cal, k).astype(np.float64), stack(ref_cal, k)
        e = np.abs(a - b)
        cos = (a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum())
        o = outs[name]
        close = lambda x, y: abs(x - y) <= 1e-4 * max(abs(y), 1e-3)  # noqa: E731
        check(close(o["max_abs_error"], e.max()), "report %s max abs error %.6g == numpy %.6g"
              % (name, o["max_abs_error"], e.max()))
        check(close(o["mean_abs_error"], e.mean()), "report %s mean abs error %.6g == numpy %.6g"
              % (name, o["mean_abs_error"], e.mean()))
        check(abs(o["cosine"] - cos) <= 1e-6, "report %s cosine %.8f == numpy %.8f" % (name, o["cosine"], cos))
        top = int((a.argmax(1) == b.argmax(1)).sum())
        check(o.get("top1_rows") == len(a) and o.get("top1_agree") == top,
              "report %s top-1 %s/%s == numpy %d/%d" % (name, o.get("top1_agree"), o.get("top1_rows"), top, len(a)))
    fbytes = sum(v.nbytes for v in W.values() if v.dtype == np.float32)
    check(rep["weight_bytes_float"] == fbytes, "report float weight bytes %d == %d" % (rep["weight_bytes_float"], fbytes))
    wq = sum(W[n].size for n in ["c1_w", "dw_w", "pa_w", "pb_w", "fc1_w", "fc2_w"])
    bq = 4 * sum(W[n].size for n in ["c1_b", "dw_b", "pa_b", "fc1_b"])
    consts = W["mul_c"].size + W["fc2_b"].size             # int8 operands of Mul and Add
    chans = 8 + 8 + 16 + 16 + 24 + 10                       # output channels of conv/gemm/matmul
    rq = 8 * chans + 2 * 24 + 8 + 2 * 8                     # + 2 Add, 1 Mul, Concat of 2
    edges = 2 * 5                                           # quantize x, dequantize logits
    qbytes = wq + bq + consts + rq + edges
    check(rep["weight_bytes_quantized"] == qbytes,
          "report int8 weight bytes %d == %d" % (rep["weight_bytes_quantized"], qbytes))
    print("      weights: float %d B, int8 %d B (%.3fx)" % (fbytes, qbytes, qbytes / fbytes))
    types = {L["node"]: L["type"] for L in rep["layers"]}
    check(types.get("softmax") == "float" and all(t == "int8" for n, t in types.items() if n != "softmax"),
          "every layer but softmax is int8")

    # no calibration data: one clear line
    p = edgec(["-o", os.path.join(OUT, "nocalib"), "--quantize", "int8"], expect_ok=False)
    lines = p.stderr.strip().splitlines()
    check(p.returncode == 1 and len(lines) == 1 and "--calib" in lines[0]
          and not os.path.exists(os.path.join(OUT, "nocalib")),
          "--quantize int8 without --calib: one line, exit 1, no output (%r)" % p.stderr.strip())

    # mixed precision
    gen, rep = compile_int8("keep", ["--keep-float", "conv_b,fc1"])
    lay = {L["node"]: L for L in rep["layers"]}
    check(lay["conv_b"]["type"] == "float" and lay["conv_b"]["why"] == "--keep-float"
          and lay["fc1"]["type"] == "float" and lay["conv_a"]["type"] == "int8",
          "--keep-float conv_b,fc1: both float, reason --keep-float")
    held = run(build(gen), HELDOUT)
    agree = int((stack(held, 0).argmax(1) == stack(ref_held, 0).argmax(1)).sum())
    check(agree >= 15, "--keep-float program top-1 agreement %d/16 >= 15" % agree)

    E = 0.012
    gen, rep = compile_int8("maxerr", ["--max-layer-error", str(E)])
    kept = [L for L in rep["layers"] if L["type"] == "float" and "max-layer-error" in L["why"]]
    ok8 = [L for L in rep["layers"] if L["type"] == "int8"]
    check(len(kept) >= 1 and all(L["own_error"] <= E for L in ok8),
          "--max-layer-error %g: %s float, every int8 layer's own error <= E" % (E, [L["node"] for L in kept]))
    held = run(build(gen), HELDOUT)
    agree = int((stack(held, 0).argmax(1) == stack(ref_held, 0).argmax(1)).sum())
    check(agree >= 15, "--max-layer-error program top-1 agreement %d/16 >= 15" % agree)

    for method in ["percentile=99.9", "entropy"]:
        gen, rep = compile_int8(method.split("=")[0], ["--calib-method", method])
        exe = build(gen)
        held = run(exe, HELDOUT)
        agree = int((stack(held, 0).argmax(1) == stack(ref_held, 0).argmax(1)).sum())
        check(agree >= 15, "--calib-method %s: held-out top-1 agreement %d/16 >= 15" % (method, agree))
        cal = run(exe, CALIB)
        a, b = stack(cal, 0).astype(np.float64), stack(ref_cal, 0)
        o = rep["outputs"][0]
        check(rep["method"] == method and abs(o["max_abs_error"] - np.abs(a - b).max()) <= 1e-4 * np.abs(a - b).max()
              and o["top1_agree"] == int((a.argmax(1) == b.argmax(1)).sum()),
              "--calib-method %s: program runs, report's logits figures == numpy" % method)

    # a PyTorch export's Pad of zeros before AveragePool (samples/cnn) passes the int8 value
    # through, so the pool runs on int8 too instead of between a Dequantize and a Quantize
    root = os.path.dirname(os.path.dirname(HERE))
    js = os.path.join(OUT, "sample_cnn.json")
    p = subprocess.run([EDGEC, os.path.join(root, "samples", "cnn", "cnn.onnx"), "-o", os.path.join(OUT, "sample_cnn"),
                        "--quantize", "int8", "--calib", os.path.join(root, "samples", "cnn", "calib"),
                        "--report-json", js], capture_output=True, text=True)
    kinds = {L["node"]: L["type"] for L in json.load(open(js))["quantization"]["layers"]} if p.returncode == 0 else {}
    check(kinds.get("/features/features.17/Pad") == "int8" and kinds.get("/features/features.17/AveragePool") == "int8",
          "samples/cnn: the zero Pad and its AveragePool run on int8 (%s)" %
          {k: v for k, v in kinds.items() if "features.17" in k})

    # determinism
    d = os.path.join(OUT, "det")
    snaps = []
    for _ in range(2):
        shutil.rmtree(d, ignore_errors=True)
        edgec(["-o", d, "--name", "net", "--quantize", "int8", "--calib", CALIB])
        snaps.append({f: open(os.path.join(d, f), "rb").read() for f in sorted(os.listdir(d))})
    check(snaps[0] == snaps[1], "same command twice, same bytes")

    # QDQ import
    p = subprocess.run([EDGEC, os.path.join(HERE, "qdq.onnx"), "--emit-ir"], capture_output=True, text=True)
    ops = sorted(set(l.split("=", 1)[1].split()[0] for l in p.stdout.splitlines()
                     if " = " in l and l.startswith("   ") and "(" in l and not l.strip().startswith(("float", "int"))))
    check(p.returncode == 0 and ops == ["DequantizeLinear", "Flatten", "MaxPool", "QuantizeLinear", "edgec.QAdd",
                                        "edgec.QAvgPool", "edgec.QConv", "edgec.QFC"],
          "QDQ model: integer ops only, Q/DQ at the edges (%s)" % ops)
    gen = os.path.join(OUT, "qdq")
    subprocess.run([EDGEC, os.path.join(HERE, "qdq.onnx"), "-o", gen, "--name", "net"], check=True)
    main_c = os.path.join(OUT, "qdq_main.c")
    with open(main_c, "w") as f:
        f.write(harness.generate("net", [(onnx.TensorProto.FLOAT, [1, 3, 16, 16])], [(onnx.TensorProto.FLOAT, [1, 10])]))
    exe = gen + "_run"
    subprocess.run(["gcc"] + CFLAGS + ["-I", gen, "-o", exe, main_c] + sorted(glob.glob(os.path.join(gen, "*.c")))
                   + ["-lm"], check=True)
    steps, exact, total, worst = 0, 0, 0, 0.0
    for st in sets(HELDOUT) + sets(CALIB):
        work = exe + "_io"
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(os.path.join(work, "in"))
        os.makedirs(os.path.join(work, "out"))
        x = load_pb(os.path.join(st, "input_0.pb"))
        x.astype("<f4").tofile(os.path.join(work, "in", "input_0.raw"))
        subprocess.run([exe, os.path.join(work, "in"), os.path.join(work, "out")], check=True)
        got = np.fromfile(os.path.join(work, "out", "output_0.raw"), dtype="<f4").astype(np.float64)
        ref, step = qdq_reference(x.astype(np.float64))
        d = np.abs(got - ref.ravel()) / float(step)
        worst = max(worst, d.max())
        exact += int((d < 0.5).sum())
        total += d.size
    print("      QDQ: %d/%d logits exact, worst %.2f output steps" % (exact, total, worst))
    check(worst <= 2.0 + 1e-6 and exact >= 0.9 * total, "QDQ program agrees with the QDQ float semantics")

    print("check-quant: %d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
