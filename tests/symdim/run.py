"""Run-time symbolic dims (--dim NAME=MIN..MAX), end to end.

    /usr/bin/python3 tests/symdim/run.py EDGEC

decode.onnxtxt is one transformer decode step whose KV cache has the symbolic
length `past`. It is compiled once with a range of `past`; the generated C is
built with AddressSanitizer and UBSan and run at several values of `past`
(the minimum and the maximum among them), and its outputs are compared with
a forward pass written here in numpy from the weights in the model file. A
value out of the range must return the documented negative code and leave the
outputs alone. Models that use a dim in ways a run-time value cannot follow,
and a symbolic dim not given, must fail with one line naming the node or dim.
"""
import hashlib
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnx.parser
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODEL = os.path.join(HERE, "decode.onnxtxt")
H, DH, V = 2, 4, 11
SAN = ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-fno-omit-frame-pointer", "-g", "-O1"]

DRIVER = r"""
#include <stdio.h>
#include <stdlib.h>
#include "model.h"

static unsigned char arena[MODEL_ARENA_BYTES] __attribute__((aligned(64)));

/* driver TOK PAST IN OUT: IN holds past_k then past_v (float32); OUT gets the
 * return code (int32) then logits, present_k, present_v. Buffers are sized for
 * PAST (at least one element, so that past 0 has a real pointer). */
int main(int argc, char **argv)
{
    long long tok, past;
    size_t n, np1, i;
    float *pk, *pv, *logits, *ck, *cv;
    FILE *f;
    int32_t rc;
    int64_t t;
    if (argc != 5) return 2;
    tok = atoll(argv[1]);
    past = atoll(argv[2]);
    n = past > 0 ? (size_t)past * 8 : 1;
    np1 = past >= 0 ? (size_t)(past + 1) * 8 : 1;
    pk = calloc(n, sizeof *pk);
    pv = calloc(n, sizeof *pv);
    logits = malloc(11 * sizeof *logits);
    ck = malloc(np1 * sizeof *ck);
    cv = malloc(np1 * sizeof *cv);
    if (!pk || !pv || !logits || !ck || !cv) return 2;
    f = fopen(argv[3], "rb");
    if (!f) return 2;
    /* out-of-range calls get a short (empty) file */
    if (past > 0 && (fread(pk, sizeof *pk, n, f) != n || fread(pv, sizeof *pv, n, f) != n) && past <= 8)
        fprintf(stderr, "short input file\n");
    fclose(f);
    for (i = 0; i < 11; i++) logits[i] = 12345.0f;
    for (i = 0; i < np1; i++) ck[i] = cv[i] = 12345.0f;
    t = tok;
    rc = (int32_t)model_run(arena, &t, pk, pv, logits, ck, cv, (int64_t)past);
    f = fopen(argv[4], "wb");
    if (!f) return 2;
    fwrite(&rc, sizeof rc, 1, f);
    fwrite(logits, sizeof *logits, 11, f);
    fwrite(ck, sizeof *ck, np1, f);
    fwrite(cv, sizeof *cv, np1, f);
    fclose(f);
    free(pk); free(pv); free(logits); free(ck); free(cv);
    return 0;
}
"""


def load_weights():
    text = open(MODEL).read()
    # onnx 1.12's parser reads no node names ("[name] y = Op(x)")
    text = re.sub(r"(?m)^(\s*)\[\w+\] ", r"\1", text)
    model = onnx.parser.parse_model(text)
    return {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}


def erf(x):
    return np.vectorize(math.erf)(x.astype(np.float64))


def reference(w, tok, past_k, past_v):
    """The decode step, written from the model's description (float64)."""
    f = lambda a: np.asarray(a, dtype=np.float64)
    emb = f(w["E"])[[tok]]                                  # [1, D]
    mu = emb.mean(-1, keepdims=True)
    var = ((emb - mu) ** 2).mean(-1, keepdims=True)
    xn = (emb - mu) / np.sqrt(var + 1e-5) * f(w["ln_g"]) + f(w["ln_b"])
    q = xn @ f(w["Wq"])
    k = xn @ f(w["Wk"]) + f(w["bk"])
    v = xn @ f(w["Wv"]) + f(w["bv"])
    qh = q.reshape(1, 1, H, DH).transpose(0, 2, 1, 3)       # [1, H, 1, DH]
    present_k = np.concatenate([f(past_k), k.reshape(1, H, 1, DH)], axis=2)
    present_v = np.concatenate([f(past_v), v.reshape(1, H, 1, DH)], axis=2)
    s = qh @ present_k.transpose(0, 1, 3, 2) / np.sqrt(DH)   # [1, H, 1, past+1]
    s = np.minimum(s, 2.5)
    e = np.exp(s - s.max(-1, keepdims=True))
    p = e / e.sum(-1, keepdims=True)
    o = p @ present_v                                        # [1, H, 1, DH]
    mv = present_v.mean(axis=2, keepdims=True)
    km = present_k[:, :, -1:, : DH // 2].mean(axis=3, keepdims=True)
    o = o + (mv - km) * 0.125
    h = emb + o.transpose(0, 2, 1, 3).reshape(1, -1) @ f(w["Wo"])
    h1 = h @ f(w["W1"])
    g = 0.5 * h1 * (1 + erf(h1 / np.sqrt(2)))
    ff = g - np.tanh(h1) * np.sqrt(h1 ** 2 + 1) - 0.25
    return ff @ f(w["W2"]), present_k, present_v


class Failed(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failed(msg)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def compile_model(edgec, model, outdir, *args):
    r = run([edgec, model, "-o", outdir] + list(args))
    if r.returncode != 0:
        raise Failed("edgec failed: %s" % (r.stderr.strip() or r.stdout.strip()))


def build(outdir, cache):
    """Build with gcc, ASan and UBSan; the runtime-min objects are cached by content."""
    shutil.copy(os.path.join(cache, "..", "driver.c"), outdir)
    exe = os.path.join(outdir, "driver")
    objs = []
    for name in sorted(f for f in os.listdir(outdir) if f.endswith(".c")):
        src = os.path.join(outdir, name)
        # runtime-min files include only runtime-min headers: the same text builds the same object
        key = hashlib.sha1(open(src, "rb").read()).hexdigest()
        obj = os.path.join(cache, key + ".o") if name.startswith("ec_") else src[:-2] + ".o"
        if not os.path.exists(obj):
            r = run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"] + SAN
                    + ["-I", outdir, "-c", "-o", obj, src])
            check(r.returncode == 0, "%s does not build cleanly with gcc:\n%s" % (name, r.stderr))
        objs.append(obj)
    r = run(["gcc"] + SAN + ["-o", exe] + objs + ["-lm"])
    check(r.returncode == 0, "cannot link the driver:\n%s" % r.stderr)
    # the model's own C (the runtime-min files are checked by the golden tests) with clang too
    if shutil.which("clang"):
        r = run(["clang", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", outdir, "-c",
                 "-o", os.devnull, os.path.join(outdir, "model.c")])
        check(r.returncode == 0, "model.c does not build cleanly with clang:\n%s" % r.stderr)
    return exe


def call(exe, tmp, tok, past, pk, pv):
    inp, outp = os.path.join(tmp, "in.bin"), os.path.join(tmp, "out.bin")
    with open(inp, "wb") as f:
        f.write(np.asarray(pk, np.float32).tobytes() + np.asarray(pv, np.float32).tobytes())
    r = run([exe, str(tok), str(past), inp, outp])
    check(r.returncode == 0 and not r.stderr, "driver failed at past=%d (exit %d):\n%s"
          % (past, r.returncode, r.stderr[-3000:]))
    raw = open(outp, "rb").read()
    rc = int(np.frombuffer(raw[:4], np.int32)[0])
    fl = np.frombuffer(raw[4:], np.float32)
    n = max(past + 1, 1) * H * DH
    return rc, fl[:V].reshape(1, V), fl[V:V + n], fl[V + n:V + 2 * n]


def close(got, want, what):
    want = np.asarray(want, np.float64).reshape(-1)
    got = np.asarray(got, np.float64).reshape(-1)
    check(got.shape == want.shape, "%s: %d values, expected %d" % (what, got.size, want.size))
    err = np.abs(got - want)
    tol = 1e-5 + 1e-4 * np.abs(want)
    check(bool(np.all(err <= tol)), "%s: max abs error %.3g" % (what, float(err.max())))


def test_decode(edgec, tmp, w):
    """A range 0..8: run at every value of interest against numpy."""
    out = os.path.join(tmp, "r08")
    compile_model(edgec, MODEL, out, "--dim", "past=0..8")
    h = open(os.path.join(out, "model.h")).read()
    check("int64_t past);" in h, "model_run does not end with the dim argument:\n" + h)
    check("#define MODEL_PAST_MIN 0" in h and "#define MODEL_PAST_MAX 8" in h, "range macros missing")
    check("#define MODEL_ERR_DIM (-1)" in h, "error code not documented in the header")
    exe = build(out, os.path.join(tmp, "objs"))
    rng = np.random.default_rng(3)
    for past in (0, 1, 2, 5, 7, 8):
        tok = int(rng.integers(0, V))
        pk = rng.standard_normal((1, H, past, DH)).astype(np.float32)
        pv = rng.standard_normal((1, H, past, DH)).astype(np.float32)
        rc, logits, ck, cv = call(exe, tmp, tok, past, pk, pv)
        check(rc == 0, "model_run returned %d at past=%d" % (rc, past))
        rl, rk, rv = reference(w, tok, pk, pv)
        close(logits, rl, "logits at past=%d" % past)
        close(ck, rk, "present_k at past=%d" % past)
        close(cv, rv, "present_v at past=%d" % past)
    for past in (9, 100, -1):
        rc, logits, ck, cv = call(exe, tmp, 0, past, np.zeros(0), np.zeros(0))
        check(rc == -1, "model_run returned %d at out-of-range past=%d, expected MODEL_ERR_DIM" % (rc, past))
        check(bool(np.all(logits == 12345.0)), "model_run wrote outputs at out-of-range past=%d" % past)
    return "decode past=0..8: past 0,1,2,5,7,8 match numpy; 9,100,-1 -> MODEL_ERR_DIM"


def test_default_min(edgec, tmp, w):
    """`..MAX` means 1..MAX: 0 is out of range there."""
    out = os.path.join(tmp, "r_16")
    compile_model(edgec, MODEL, out, "--dim", "past=..16")
    exe = build(out, os.path.join(tmp, "objs"))
    rng = np.random.default_rng(5)
    for past in (1, 16, 9):
        pk = rng.standard_normal((1, H, past, DH)).astype(np.float32)
        pv = rng.standard_normal((1, H, past, DH)).astype(np.float32)
        rc, logits, ck, cv = call(exe, tmp, 4, past, pk, pv)
        check(rc == 0, "model_run returned %d at past=%d" % (rc, past))
        rl, rk, rv = reference(w, 4, pk, pv)
        close(logits, rl, "logits at past=%d (..16)" % past)
        close(ck, rk, "present_k at past=%d (..16)" % past)
    rc = call(exe, tmp, 0, 0, np.zeros(0), np.zeros(0))[0]
    check(rc == -1, "past=0 with --dim past=..16 returned %d, expected MODEL_ERR_DIM" % rc)
    return "decode past=..16: past 1,9,16 match numpy; 0 -> MODEL_ERR_DIM"


PREFILL_DRIVER = r"""
#include <stdio.h>
#include <stdlib.h>
#include "model.h"

static unsigned char arena[MODEL_ARENA_BYTES] __attribute__((aligned(64)));

/* driver B S IN OUT: IN holds x [B,S,4]; OUT gets the return code, y [B,S,4], m [B,4]. */
int main(int argc, char **argv)
{
    long long b, s;
    size_t n, nm;
    float *x, *y, *m;
    FILE *f;
    int32_t rc;
    if (argc != 5) return 2;
    b = atoll(argv[1]);
    s = atoll(argv[2]);
    n = (size_t)(b * s * 4);
    nm = (size_t)(b * 4);
    x = malloc(n * sizeof *x);
    y = malloc(n * sizeof *y);
    m = malloc(nm * sizeof *m);
    f = fopen(argv[3], "rb");
    if (!x || !y || !m || !f || fread(x, sizeof *x, n, f) != n) return 2;
    fclose(f);
    rc = (int32_t)model_run(arena, x, y, m, (int64_t)b, (int64_t)s);
    f = fopen(argv[4], "wb");
    if (!f) return 2;
    fwrite(&rc, sizeof rc, 1, f);
    fwrite(y, sizeof *y, n, f);
    fwrite(m, sizeof *m, nm, f);
    fclose(f);
    free(x); free(y); free(m);
    return 0;
}
"""


def prefill_model(rng):
    """Self-attention over a sequence: x [B,S,4], scores [B,2,S,S] (S squared)."""
    ws = {k: (rng.standard_normal((4, 4)) * 0.5).astype(np.float32) for k in ("Wq", "Wk", "Wv")}
    inits = ",\n".join("   float[4,4] %s = {%s}" % (k, ", ".join("%.9g" % x for x in w.reshape(-1)))
                        for k, w in ws.items())
    text = """<ir_version: 8, opset_import: ["" : 17]>
prefill (float[B,S,4] x) => (float[B,S,4] y, float[B,4] m)
<
%s,
   int64[4] heads = {0, 0, 2, 2},
   int64[3] merged = {0, 0, -1},
   float scale = {0.707106769},
   int64[1] ax1 = {1}
>
{
   [q_proj] q = MatMul (x, Wq)
   [k_proj] k = MatMul (x, Wk)
   [v_proj] v = MatMul (x, Wv)
   [q_split] q4 = Reshape (q, heads)
   [k_split] k4 = Reshape (k, heads)
   [v_split] v4 = Reshape (v, heads)
   [q_t] qh = Transpose<perm = [0, 2, 1, 3]> (q4)
   [k_t] kh = Transpose<perm = [0, 2, 3, 1]> (k4)
   [v_t] vh = Transpose<perm = [0, 2, 1, 3]> (v4)
   [scores] s = MatMul (qh, kh)
   [scaled] ss = Mul (s, scale)
   [softmax] p = Softmax<axis = -1> (ss)
   [attend] o = MatMul (p, vh)
   [merge_t] ot = Transpose<perm = [0, 2, 1, 3]> (o)
   [merge] om = Reshape (ot, merged)
   [residual] y = Add (om, x)
   [mean] m = ReduceMean<keepdims = 0> (y, ax1)
}
""" % inits
    return text, ws


def prefill_reference(ws, x):
    x = x.astype(np.float64)
    B, S, _ = x.shape
    heads = lambda t: t.reshape(B, S, 2, 2).transpose(0, 2, 1, 3)
    q, k, v = (heads(x @ ws[n].astype(np.float64)) for n in ("Wq", "Wk", "Wv"))
    s = q @ k.transpose(0, 1, 3, 2) * 0.707106769
    e = np.exp(s - s.max(-1, keepdims=True))
    o = (e / e.sum(-1, keepdims=True)) @ v
    y = o.transpose(0, 2, 1, 3).reshape(B, S, 4) + x
    return y, y.mean(axis=1)


def test_two_dims(edgec, tmp):
    """Two run-time dims, B and S (scores grow as S*S): B=1..2, S=1..50."""
    rng = np.random.default_rng(11)
    text, ws = prefill_model(rng)
    model = os.path.join(tmp, "prefill.onnxtxt")
    with open(model, "w") as f:
        f.write(text)
    out = os.path.join(tmp, "prefill")
    compile_model(edgec, model, out, "--dim", "S=1..50", "--dim", "B=..2")
    h = open(os.path.join(out, "model.h")).read()
    check("float *m, int64_t B, int64_t S);" in h, "dims not in first-use order B, S:\n" + h)
    c = open(os.path.join(out, "model.c")).read()
    check(re.search(r"\bS \* S\b", c) is not None, "no S*S extent in the generated code")
    with open(os.path.join(tmp, "driver.c"), "w") as f:
        f.write(PREFILL_DRIVER)
    try:
        exe = build(out, os.path.join(tmp, "objs"))
    finally:
        with open(os.path.join(tmp, "driver.c"), "w") as f:
            f.write(DRIVER)
    for b, s in ((1, 1), (2, 50), (1, 50), (2, 1), (2, 17), (1, 2)):
        x = rng.standard_normal((b, s, 4)).astype(np.float32)
        inp, outp = os.path.join(tmp, "in.bin"), os.path.join(tmp, "out.bin")
        with open(inp, "wb") as f:
            f.write(x.tobytes())
        r = run([exe, str(b), str(s), inp, outp])
        check(r.returncode == 0 and not r.stderr, "prefill driver failed at B=%d, S=%d:\n%s"
              % (b, s, r.stderr[-3000:]))
        raw = open(outp, "rb").read()
        check(int(np.frombuffer(raw[:4], np.int32)[0]) == 0, "model_run failed at B=%d, S=%d" % (b, s))
        got = np.frombuffer(raw[4:], np.float32)
        ry, rm = prefill_reference(ws, x)
        close(got[:ry.size], ry, "y at B=%d, S=%d" % (b, s))
        close(got[ry.size:], rm, "m at B=%d, S=%d" % (b, s))
    return "prefill B=..2, S=1..50: (B,S) = (1,1) (2,50) (1,50) (2,1) (2,17) (1,2) match numpy"


def expect_error(edgec, tmp, text, args, pattern, what):
    model = os.path.join(tmp, what + ".onnxtxt")
    with open(model, "w") as f:
        f.write(text)
    out = os.path.join(tmp, what + "_out")
    r = run([edgec, model, "-o", out] + args)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 1, "%s: exit %d, expected 1 (stderr: %s)" % (what, r.returncode, r.stderr))
    check(len(lines) == 1 and re.search(pattern, lines[0]) is not None,
          "%s: expected one line matching %r, got:\n%s" % (what, pattern, r.stderr))
    check(not os.path.exists(out), "%s: output written despite the error" % what)
    return "%s: %s" % (what, lines[0])


CONV = """<ir_version: 8, opset_import: ["" : 17]>
g (float[1,1,L] x) => (float[1,1,M] y)
<float[1,1,3] w = {1, 2, 3}>
{
   [strided] y = Conv<strides = [2]> (x, w)
}
"""

SHAPE_CONST = """<ir_version: 8, opset_import: ["" : 17]>
g (float[1,N] x) => (float[1,N] y)
{
   [shape] s = Shape (x)
   [fill] c = ConstantOfShape<value = float[1] {2}> (s)
   [add] y = Add (x, c)
}
"""

QMM = """<ir_version: 8, opset_import: ["" : 17]>
g (uint8[past,2,3] a, uint8[past,3,4] b) => (int32[past,2,4] y, uint8[past,2,4] z)
<float sa = {0.5}, uint8 za = {3}, float sb = {0.25}, uint8 zb = {7}, float sz = {0.375}, uint8 zz = {100}>
{
   [mmi] y = MatMulInteger (a, b, za, zb)
   [qmm] z = QLinearMatMul (a, sa, za, b, sb, zb, sz, zz)
}
"""

QMM_DRIVER = r"""
#include <stdio.h>
#include <stdlib.h>
#include "model.h"

static unsigned char arena[MODEL_ARENA_BYTES + 1] __attribute__((aligned(64)));

/* driver PAST IN OUT: IN holds a then b (uint8); OUT gets the return code
 * (int32), y (int32) then z (uint8). */
int main(int argc, char **argv)
{
    long long past;
    size_t na, nb, ny;
    unsigned char *a, *b, *z;
    int32_t *y, rc;
    FILE *f;
    if (argc != 4) return 2;
    past = atoll(argv[1]);
    na = (size_t)past * 6; nb = (size_t)past * 12; ny = (size_t)past * 8;
    a = malloc(na + 1); b = malloc(nb + 1); y = malloc((ny + 1) * sizeof *y); z = malloc(ny + 1);
    if (!a || !b || !y || !z) return 2;
    f = fopen(argv[2], "rb");
    if (!f || fread(a, 1, na, f) != na || fread(b, 1, nb, f) != nb) return 2;
    fclose(f);
    rc = (int32_t)model_run(arena, a, b, y, z, (int64_t)past);
    f = fopen(argv[3], "wb");
    if (!f) return 2;
    fwrite(&rc, sizeof rc, 1, f);
    fwrite(y, sizeof *y, ny, f);
    fwrite(z, 1, ny, f);
    fclose(f);
    free(a); free(b); free(y); free(z);
    return 0;
}
"""


def test_quant_batch_dims(edgec, tmp):
    """MatMulInteger and QLinearMatMul whose batch dim is the run-time dim of both
    operands (past=1..8: at past=1 the dim is not a broadcast 1), as MatMul."""
    model = os.path.join(tmp, "qmm.onnxtxt")
    with open(model, "w") as f:
        f.write(QMM)
    out = os.path.join(tmp, "qmm")
    compile_model(edgec, model, out, "--dim", "past=1..8")
    with open(os.path.join(tmp, "driver.c"), "w") as f:
        f.write(QMM_DRIVER)
    try:
        exe = build(out, os.path.join(tmp, "objs"))
    finally:
        with open(os.path.join(tmp, "driver.c"), "w") as f:
            f.write(DRIVER)
    rng = np.random.default_rng(5)
    for past in (1, 2, 5, 8):
        a = rng.integers(0, 256, (past, 2, 3), dtype=np.uint8)
        b = rng.integers(0, 256, (past, 3, 4), dtype=np.uint8)
        inp, outp = os.path.join(tmp, "in.bin"), os.path.join(tmp, "out.bin")
        with open(inp, "wb") as f:
            f.write(a.tobytes() + b.tobytes())
        r = run([exe, str(past), inp, outp])
        check(r.returncode == 0 and not r.stderr, "qmm driver failed at past=%d:\n%s" % (past, r.stderr[-3000:]))
        raw = open(outp, "rb").read()
        check(int(np.frombuffer(raw[:4], np.int32)[0]) == 0, "model_run failed at past=%d" % past)
        acc = (a.astype(np.int64) - 3) @ (b.astype(np.int64) - 7)
        y = np.frombuffer(raw[4:4 + 32 * past], np.int32).reshape(acc.shape)
        check(np.array_equal(y, acc), "MatMulInteger at past=%d: %s, numpy %s" % (past, y, acc))
        zr = np.clip(np.rint(acc * (0.5 * 0.25 / 0.375)) + 100, 0, 255)
        z = np.frombuffer(raw[4 + 32 * past:], np.uint8).reshape(acc.shape)
        check(np.abs(z.astype(np.int64) - zr).max() <= 1, "QLinearMatMul at past=%d: %s, numpy %s" % (past, z, zr))
    return "MatMulInteger, QLinearMatMul over [past,2,3] @ [past,3,4], past=1..8: 1 2 5 8 match numpy"


def batch_mismatch(op):
    """A model whose two batch dims are different run-time dims p and q."""
    if op == "MatMul":
        ins, call, y = "float[p,2,3] a, float[q,3,4] b", "MatMul (a, b)", "float"
    elif op == "MatMulInteger":
        ins, call, y = "uint8[p,2,3] a, uint8[q,3,4] b", "MatMulInteger (a, b)", "int32"
    else:
        ins, call, y = "uint8[p,2,3] a, uint8[q,3,4] b", "QLinearMatMul (a, s, z, b, s, z, s, z)", "uint8"
    return ('<ir_version: 8, opset_import: ["" : 17]>\n'
            "g (%s) => (%s[r,2,4] y)\n<float s = {0.5}, uint8 z = {1}>\n{\n   [mm] y = %s\n}\n" % (ins, y, call))


def main():
    edgec = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "edgec")
    edgec = os.path.abspath(edgec)
    w = load_weights()
    results, failed = [], 0
    tmp = tempfile.mkdtemp(prefix="edgec-symdim-")
    with open(os.path.join(tmp, "driver.c"), "w") as f:
        f.write(DRIVER)
    tests = [
        lambda: test_decode(edgec, tmp, w),
        lambda: test_default_min(edgec, tmp, w),
        lambda: test_two_dims(edgec, tmp),
        lambda: expect_error(edgec, tmp, open(MODEL).read(), [],
                             r"^edgec: .*symbolic dim 'past' needs a value", "dim_not_given"),
        lambda: expect_error(edgec, tmp, CONV, ["--dim", "L=4..20"],
                             r"^edgec: .*node .*'strided' \(Conv\): .*not a polynomial in L", "strided_conv"),
        lambda: expect_error(edgec, tmp, SHAPE_CONST, ["--dim", "N=1..9"],
                             r"^edgec: .*node .*'add' \(Add\): reads the constant .*depends on N", "shape_constant"),
        lambda: expect_error(edgec, tmp, CONV, ["--dim", "L=5..3"], r"MIN is larger than MAX", "bad_range"),
        lambda: test_quant_batch_dims(edgec, tmp),
    ] + [
        (lambda op: lambda: expect_error(edgec, tmp, batch_mismatch(op), ["--dim", "p=1..4", "--dim", "q=1..4"],
                                         r"^edgec: .*\(with p=3, q=4\): node .*'mm' \(%s\): batch dims 3 and 4 do not "
                                         r"broadcast$" % op, "batch_mismatch_" + op))(op)
        for op in ("MatMul", "MatMulInteger", "QLinearMatMul")
    ]
    os.makedirs(os.path.join(tmp, "objs"))
    for t in tests:
        try:
            results.append("ok   " + t())
        except Failed as e:
            failed += 1
            results.append("FAIL %s" % e)
    for r in results:
        print("symdim: " + r)
    print("symdim: %d passed, %d failed" % (len(tests) - failed, failed))
    if not failed:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
