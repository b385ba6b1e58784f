#!/usr/bin/python3
"""Run the ONNX conformance tests (libonnx test data) through edgec.

For every test directory under DATA/{node,pytorch-converted,pytorch-operator,simple}:
  1. edgec MODEL -o TMP --name model  (every int64 graph input is bound to its
     test_data_set_0/input_K.pb with --bind; symbolic input dims get --dim)
     sequence inputs get --seq NAME=[shape],... and optional ones --optional
     NAME=present|none, from test_data_set_0's SequenceProto/OptionalProto;
     string inputs get --max-string-bytes NAME=N, N their longest string in
     any data set;
     when edgec names an input it needs at compile time ("(--bind NAME=FILE.pb)",
     e.g. an If condition deciding an optional's presence), that input is bound
     and edgec run again;
     exit != 0 -> unsupported (the first line edgec printed is the reason);
     killed by a signal, sanitizer report or timeout -> crash
  2. a generated main.c (tests/conformance/harness.py) is built with every .c
     in TMP:  cc -std=c99 -Wall -Wextra -Werror -pedantic -g
                 -fsanitize=address,undefined -fno-sanitize-recover=undefined
     (runtime-min sources are compiled once per run, see --no-objcache)
     failure -> compile error (its first error line)
  3. it is run on every test_data_set_N with an arena of exactly
     NAME_ARENA_BYTES; exit != 0, sanitizer output, timeout or NAME_run
     returning non-zero -> crash
  4. sequence/optional inputs and outputs are flattened into their element
     tensors (one argument each, in order; none for an empty optional);
     output shapes documented in NAME.h must be the expected ones (as many as
     expected), an expected-empty optional output must be documented as none,
     and every
     output is compared with output_K.pb: floats |got-ref| <= 1e-4 + 1e-3*|ref|
     (NaN matches NaN), integers, bool and strings exactly -> otherwise wrong
Time limits: edgec 60 s, cc 60 s, each run 60 s.

Results: OUT/results.tsv (one line per test), OUT/summary.md (tables per
folder and per op, unsupported reasons by count, every failure); the
per-folder table and the pass rate are printed.

Exit status: 0, unless --check is given and a selected test did not pass
(then 1), or on a usage error (2).  With --check the last line printed is
"N passed, M failed".
"""

import argparse
import collections
import concurrent.futures
import glob
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = "/usr/share/libonnx-testdata/data"
FOLDERS = ["node", "pytorch-converted", "pytorch-operator", "simple"]
STATUSES = ["pass", "wrong", "unsupported", "compile error", "crash"]
TOTAL_TESTS = 1072
NAME = "model"
TIMEOUT = {"edgec": 60, "cc": 60, "run": 60}
CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic",
          "-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-g"]
SAN_ENV = {
    "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=0:exitcode=86",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1:exitcode=87",
}
SAN_MARKERS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
               "runtime error:", "MemorySanitizer", "ThreadSanitizer")

# ops that say little about what a multi-node test is testing
TRIVIAL_OPS = {"Constant", "Identity", "Cast", "CastLike", "Shape", "Size", "Reshape",
               "Unsqueeze", "Squeeze", "Flatten", "Concat", "Gather", "Slice",
               "ConstantOfShape", "Transpose", "Expand"}


class Result:
    __slots__ = ("test", "folder", "op", "status", "detail", "seconds", "shape_bound")

    def __init__(self, test, folder, op, status, detail, seconds=0.0, shape_bound=()):
        self.test, self.folder, self.op = test, folder, op
        self.status, self.detail, self.seconds = status, detail, seconds
        self.shape_bound = shape_bound   # names of inputs bound as shape-deciding


# --------------------------------------------------------------------------
# test discovery and naming

def discover(data):
    tests = []
    for f in FOLDERS:
        d = os.path.join(data, f)
        if not os.path.isdir(d):
            continue
        for t in sorted(os.listdir(d)):
            if os.path.isfile(os.path.join(d, t, "model.onnx")):
                tests.append("%s/%s" % (f, t))
    return tests


_SCHEMA_NAMES = None


def schema_names():
    global _SCHEMA_NAMES
    if _SCHEMA_NAMES is None:
        names = set()
        try:
            for s in onnx.defs.get_all_schemas_with_history():
                if s.domain in ("", "ai.onnx"):
                    names.add(s.name)
        except Exception:  # noqa: BLE001
            pass
        _SCHEMA_NAMES = names
    return _SCHEMA_NAMES


def _norm(s):
    return re.sub(r"[^a-z0-9]", "", s.lower())


def test_op(test, model):
    """The op a test is about.

    One distinct op (Constant aside) -> that op.  Otherwise the longest
    ONNX op name that prefixes the test name (test_softmax_axis_0_expanded ->
    Softmax), preferring ops present in the model; otherwise the model's
    first op that is not a trivial data-movement op.  A FOO_expanded test
    (a function body inlined) counts for the op of its FOO sibling."""
    if test.endswith("_expanded"):
        sib = os.path.join(DATA, test[:-len("_expanded")], "model.onnx")
        if os.path.isfile(sib):
            try:
                return test_op(test[:-len("_expanded")], onnx.load(sib))
            except Exception:  # noqa: BLE001
                pass
    ops = []
    for n in model.graph.node:
        if n.op_type not in ops:
            ops.append(n.op_type)
    core = [o for o in ops if o != "Constant"]
    if len(core) == 1:
        return core[0]
    base = test.split("/", 1)[1]
    base = re.sub(r"^test_", "", base)
    base = re.sub(r"^operator_", "", base)
    nb = _norm(base)
    for pool in (ops, schema_names()):
        best = ""
        for o in pool:
            if nb.startswith(_norm(o)) and len(o) > len(best):
                best = o
        if best:
            return best
    for o in core:
        if o not in TRIVIAL_OPS:
            return o
    return core[0] if core else "(none)"


# --------------------------------------------------------------------------
# running one test

def first_line(text, pred=None):
    for line in text.splitlines():
        s = line.strip()
        if s and (pred is None or pred(s)):
            return s
    return ""


def sanitizer_line(text):
    """One line for a sanitizer report: the error kind, the access and the
    first stack frame, without addresses; "" if there is no report."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not any(m in line for m in SAN_MARKERS):
            continue
        s = re.sub(r"^==\d+==\s*", "", line.strip())
        if "runtime error:" in s:
            return s
        s = re.sub(r"^ERROR:\s*", "", s)
        s = re.sub(r"\s+on (unknown )?address 0x[0-9a-f]+.*$", "", s)
        extra = []
        for nxt in lines[i + 1:i + 40]:
            n = nxt.strip()
            m = re.match(r"(READ|WRITE) of size (\d+)", n)
            if m and not extra:
                extra.append("%s of size %s" % (m.group(1), m.group(2)))
            m = re.match(r"#\d+ 0x[0-9a-f]+ in (\S+) (\S+)", n)
            if m:
                extra.append("in %s %s" % (m.group(1), os.path.basename(m.group(2))))
                break
        return s + ((" (" + ", ".join(extra) + ")") if extra else "")
    return ""


def run_cmd(cmd, timeout, cwd=None, env=None):
    """(returncode or None on timeout, stdout+stderr text)."""
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout,
                           start_new_session=True)
        return p.returncode, p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode("utf-8", "replace") if e.stdout else ""
        return None, out


def signame(rc):
    try:
        return signal.Signals(-rc).name
    except ValueError:
        return "signal %d" % -rc


def clean_msg(msg, paths):
    for p, r in paths:
        if p:
            msg = msg.replace(p, r)
    return msg


def input_files(ds):
    fs = glob.glob(os.path.join(ds, "input_*.pb"))
    return sorted(fs, key=lambda p: int(re.findall(r"\d+", os.path.basename(p))[0]))


def output_files(ds):
    fs = glob.glob(os.path.join(ds, "output_*.pb"))
    return sorted(fs, key=lambda p: int(re.findall(r"\d+", os.path.basename(p))[0]))


def compare(dt, shape, got_raw, ref_raw):
    """None if equal within tolerance, else a short description."""
    got = harness.raw_to_compare(dt, got_raw)
    ref = harness.raw_to_compare(dt, ref_raw)
    if got.size != ref.size:
        return "size %d != %d" % (got.size, ref.size)
    if got.size == 0:
        return None
    if dt == onnx.TensorProto.STRING:
        bad = [i for i in range(ref.size) if bytes(got[i]) != bytes(ref[i])]
        if not bad:
            return None
        return "%d/%d strings differ, first at %d: %r, expected %r" % (
            len(bad), ref.size, bad[0], bytes(got[bad[0]]), bytes(ref[bad[0]]))
    if dt in harness.FLOAT_TYPES:
        g = got.astype(np.float64)
        r = ref.astype(np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            diff = np.abs(g - r)
            ok = (diff <= 1e-4 + 1e-3 * np.abs(r)) | (np.isnan(g) & np.isnan(r)) | (g == r)
        bad = ~ok
        if not bad.any():
            return None
        d = diff[bad]
        d = d[~np.isnan(d)]
        md = float(d.max()) if d.size else float("nan")
        return "max abs diff %.3g (%d/%d mismatched)" % (md, int(bad.sum()), got.size)
    g = got.astype(np.int64) if got.dtype != np.uint64 else got
    r = ref.astype(np.int64) if ref.dtype != np.uint64 else ref
    bad = g != r
    if not bad.any():
        return None
    if g.dtype == np.uint64:
        md = int(np.max(np.maximum(g[bad], r[bad]) - np.minimum(g[bad], r[bad])))
    else:
        md = int(np.max(np.abs(g[bad].astype(np.float64) - r[bad].astype(np.float64))))
    return "max abs diff %d (%d/%d mismatched)" % (md, int(bad.sum()), got.size)


HDR_OUT = re.compile(r"^\s*\*\s+out\s+\S+:\s+\w+\[([^\]]*)\]")


def header_out_shapes(gen):
    """Output shapes documented in the generated header ("out  y: float[3,4]"),
    as [(dims, dd)]: a data-dependent dim ("int64[2,<=12]") gives its upper
    bound in dims and its index as dd (None when there is none); None when the
    header does not document them all as numbers."""
    try:
        with open(os.path.join(gen, NAME + ".h")) as f:
            text = f.read()
    except OSError:
        return None
    shapes = []
    for line in text.splitlines():
        m = HDR_OUT.match(line)
        if m:
            dims = [d.strip() for d in m.group(1).split(",") if d.strip()]
            if not all(re.fullmatch(r"(<=)?\d+", d) for d in dims):
                return None
            dd = [i for i, d in enumerate(dims) if d.startswith("<=")]
            if len(dd) > 1:
                return None
            shapes.append((tuple(int(d.lstrip("<=")) for d in dims), dd[0] if dd else None))
    return shapes or None


def header_says_none(gen, name):
    """True if the generated header says optional output NAME is empty."""
    try:
        with open(os.path.join(gen, NAME + ".h")) as f:
            text = f.read()
    except OSError:
        return False
    return ("optional output '%s': none" % name) in text


def fits(shape, bound, dd):
    """shape is bound with dim dd (the data-dependent one) at most its bound."""
    return len(shape) == len(bound) and all(
        s == b if i != dd else 0 <= s <= b for i, (s, b) in enumerate(zip(shape, bound)))


def reason_key(detail):
    """Unsupported reason without the per-test parts (path, node index and name)."""
    s = re.sub(r"^edgec:\s*", "", detail)
    s = re.sub(r"^TEST/model\.onnx:\s*", "", s)
    s = re.sub(r"\bnode \d+ '[^']*'\s*", "", s)
    s = re.sub(r"\binput '[^']*':", "input '...':", s)
    s = re.sub(r"'[^']{25,}'", "'...'", s)   # long generated value names
    return s


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def source_key(args, gen, src):
    """Content hash of src, the headers of gen it includes (transitively),
    the compiler and the flags; None if src is the model's own code."""
    base = os.path.basename(src)
    if base.startswith(NAME + ".") or base.startswith(NAME + "_"):
        return None
    h = hashlib.sha256()
    h.update(("%s\0%s\0" % (args.cc, " ".join(CFLAGS))).encode())
    todo, seen = [src], set()
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        try:
            with open(f, "rb") as fh:
                data = fh.read()
        except OSError:
            continue
        h.update(os.path.basename(f).encode() + b"\0" + data + b"\0")
        for inc in INCLUDE.findall(data.decode("utf-8", "replace")):
            if inc.startswith(NAME + ".") or inc.startswith(NAME + "_"):
                return None   # depends on the model's own headers
            todo.append(os.path.join(gen, inc))
    return h.hexdigest()


def compile_harness(args, gen, srcs, main_c, exe, work):
    """cc CFLAGS -I gen gen/*.c main.c -lm, with the runtime-min sources
    (identical across tests) compiled once per run into OUT/objcache."""
    objs, rest = [], []
    for src in srcs:
        key = source_key(args, gen, src) if args.objcache else None
        if key is None:
            rest.append(src)
            continue
        obj = os.path.join(args.objcache, key + ".o")
        if not os.path.exists(obj):
            tmp = "%s.%d.%d.tmp" % (obj, os.getpid(), threading.get_ident())
            rc, out = run_cmd([args.cc] + CFLAGS + ["-I", gen, "-c", src, "-o", tmp],
                              TIMEOUT["cc"], cwd=work)
            if rc != 0:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                return rc, out
            os.replace(tmp, obj)
        objs.append(obj)
    cmd = [args.cc] + CFLAGS + ["-I", gen, "-o", exe] + rest + [main_c] + objs + ["-lm"]
    return run_cmd(cmd, TIMEOUT["cc"], cwd=work)


def run_test(test, args):
    t0 = time.time()
    folder = test.split("/", 1)[0]
    tdir = os.path.join(args.data, test)
    model_path = os.path.join(tdir, "model.onnx")
    op = "?"
    shape_bound = set()
    names = []

    def res(status, detail):
        return Result(test, folder, op, status, detail.replace("\t", " ").replace("\n", " "),
                      time.time() - t0, tuple(names[k] for k in sorted(shape_bound)))

    try:
        model = onnx.load(model_path)
    except Exception as e:  # noqa: BLE001
        return res("unsupported", "runner: cannot load model: %s" % e)
    op = test_op(test, model)
    g = model.graph
    inits = {i.name for i in g.initializer}
    ginputs = [i for i in g.input if i.name not in inits]
    datasets = sorted(glob.glob(os.path.join(tdir, "test_data_set_*")),
                      key=lambda p: int(p.rsplit("_", 1)[1]))
    if not datasets:
        return res("unsupported", "runner: no test data")
    ds0_inputs = input_files(datasets[0])

    work = tempfile.mkdtemp(prefix="edgec-conf-")
    keep_dir = None
    if args.keep:
        keep_dir = os.path.join(args.out, "work", test)
    try:
        gen = os.path.join(work, "gen")
        cmd = [args.edgec, model_path, "-o", gen, "--name", NAME]
        bound = set()        # input indices bound with --bind (shape_bound: those
        dims = {}            # edgec listed as shape-deciding, see above)
        for k, vi in enumerate(ginputs):
            tt = vi.type.tensor_type if vi.type.HasField("tensor_type") else None
            if tt is not None and tt.elem_type == onnx.TensorProto.INT64 and k < len(ds0_inputs):
                cmd += ["--bind", "%s=%s" % (vi.name, ds0_inputs[k])]
                bound.add(k)
            elif tt is not None and tt.HasField("shape") and k < len(ds0_inputs):
                syms = [(i, d.dim_param) for i, d in enumerate(tt.shape.dim) if d.dim_param]
                if syms:
                    try:
                        shape = harness.load_tensor(ds0_inputs[k]).dims
                        for i, p in syms:
                            if i < len(shape) and p not in dims:
                                dims[p] = int(shape[i])
                    except harness.HarnessError:
                        pass
        for p, v in sorted(dims.items()):
            cmd += ["--dim", "%s=%d" % (p, v)]
        # string inputs: their bound is the longest string of any data set (exactly
        # at the bound, so the generated run-time check is tested at its edge)
        for k, vi in enumerate(ginputs):
            tt = vi.type.tensor_type if vi.type.HasField("tensor_type") else None
            if tt is None or tt.elem_type != onnx.TensorProto.STRING:
                continue
            longest = 0
            for ds in datasets:
                fs = input_files(ds)
                if k < len(fs):
                    try:
                        longest = max([longest] + [len(s) for s in harness.load_tensor(fs[k]).string_data])
                    except harness.HarnessError:
                        pass
            cmd += ["--max-string-bytes", "%s=%d" % (vi.name, longest)]
        # sequences and optionals: length, element shapes and presence from test_data_set_0
        for k, vi in enumerate(ginputs):
            kind = harness.value_kind(vi.type)
            if kind == "tensor" or k >= len(ds0_inputs):
                continue
            try:
                vk, ts = harness.load_value(ds0_inputs[k], vi.type)
            except harness.HarnessError as e:
                return res("unsupported", "runner: %s" % e)
            if vk.startswith("optional"):
                cmd += ["--optional", "%s=%s" % (vi.name, "none" if vk == "optional-none" else "present")]
            if vk in ("sequence", "optional-sequence"):
                cmd += ["--seq", "%s=%s" % (vi.name, harness.shape_arg(ts) if ts else "0")]
        paths = [(gen, "OUT"), (work, "TMP"), (tdir, "TEST")]
        names[:] = [vi.name for vi in ginputs]
        for _ in range(len(ginputs) + 1):
            rc, out = run_cmd(cmd, TIMEOUT["edgec"])
            if rc != 0 and rc is not None and rc > 0 and not sanitizer_line(out):
                # shape-deciding inputs: bind the ones edgec names, then retry
                lrc, lout = run_cmd([a for a in cmd if a not in ("-o", gen)] + ["--list-shape-inputs"],
                                    TIMEOUT["edgec"])
                want = [names.index(n) for n in lout.split("\n") if n in names] if lrc == 0 else []
                want = [k for k in want if k not in bound and k < len(ds0_inputs)
                        and harness.value_kind(ginputs[k].type) == "tensor"]
                if want:
                    for k in want:
                        cmd += ["--bind", "%s=%s" % (names[k], ds0_inputs[k])]
                        bound.add(k)
                        shape_bound.add(k)
                    continue
            break
        if rc is None:
            return res("crash", "edgec: timeout after %d s" % TIMEOUT["edgec"])
        san = sanitizer_line(out)
        if rc < 0:
            return res("crash", "edgec: killed by %s%s" % (signame(rc), (": " + san) if san else ""))
        if san:
            return res("crash", "edgec: " + clean_msg(san, paths))
        if rc != 0:
            msg = clean_msg(first_line(out), paths) or "exit status %d, no message" % rc
            return res("unsupported", msg)
        if args.snapshot:
            # the generated files, with the temporary output folder written as OUT, so two
            # compilers' output can be compared byte for byte (tests/snapshot/)
            snap = os.path.join(args.snapshot, test)
            shutil.rmtree(snap, ignore_errors=True)
            os.makedirs(snap)
            for fn in sorted(os.listdir(gen)):
                with open(os.path.join(gen, fn), "rb") as f:
                    data = f.read().replace(gen.encode(), b"OUT")
                with open(os.path.join(snap, fn), "wb") as f:
                    f.write(data)
            with open(os.path.join(snap, "command.txt"), "w") as f:
                f.write(" ".join(cmd[1:]).replace(gen, "OUT").replace(tdir, "TEST") + "\n")
            if args.snapshot_only:
                return res("pass", "")

        # the harness: signature from the model, sizes from the data
        run_inputs = []
        try:
            for k, vi in enumerate(ginputs):
                if k in bound:
                    continue
                if k >= len(ds0_inputs):
                    raise harness.HarnessError("no data for input %d" % k)
                for t in harness.load_value(ds0_inputs[k], vi.type)[1]:
                    dt, shape, _ = harness.tensor_raw(t)
                    run_inputs.append((dt, shape))
            outs0 = output_files(datasets[0])
            if len(outs0) != len(g.output):
                raise harness.HarnessError("%d output files for %d graph outputs"
                                           % (len(outs0), len(g.output)))
            run_outputs = []
            out_names = []   # graph output name (and element) of each flattened output
            none_outputs = []   # optional outputs expected empty
            for k, p in enumerate(outs0):
                vk, ts = harness.load_value(p, g.output[k].type)
                if vk == "optional-none":
                    none_outputs.append(g.output[k].name)
                for j, t in enumerate(ts):
                    dt, shape, _ = harness.tensor_raw(t)
                    run_outputs.append((dt, shape))
                    out_names.append(g.output[k].name + ("[%d]" % j if "sequence" in vk else ""))
        except harness.HarnessError as e:
            return res("unsupported", "runner: %s" % clean_msg(str(e), paths))

        # outputs with a data-dependent dim (NonZero, Unique, ...): the
        # buffer is the header's upper bound, NAME_run reports the actual size
        hshapes = header_out_shapes(gen)
        dyn = {}   # output index -> (upper-bound shape, data-dependent dim)
        if hshapes is not None and len(hshapes) != len(run_outputs):
            return res("wrong", "the header documents %d outputs, the test has %d tensors"
                       % (len(hshapes), len(run_outputs)))
        if hshapes is not None:
            for k, (dt, shape) in enumerate(run_outputs):
                hs, dd = hshapes[k]
                if dd is not None and fits(tuple(shape), hs, dd):
                    dyn[k] = (hs, dd)
                elif hs != tuple(shape):
                    return res("wrong", "output %d (%s) shape [%s], expected [%s]"
                               % (k, out_names[k],
                                  ",".join(("<=" if i == dd else "") + str(d) for i, d in enumerate(hs)),
                                  ",".join(map(str, shape))))
        alloc_outputs = [(dt, dyn[k][0] if k in dyn else shape)
                         for k, (dt, shape) in enumerate(run_outputs)]

        main_c = os.path.join(work, "main.c")
        with open(main_c, "w") as f:
            f.write(harness.generate(NAME, run_inputs, alloc_outputs, sorted(dyn)))
        exe = os.path.join(work, "harness")
        srcs = sorted(glob.glob(os.path.join(gen, "*.c")))
        rc, out = compile_harness(args, gen, srcs, main_c, exe, work)
        if rc is None:
            return res("compile error", "cc: timeout after %d s" % TIMEOUT["cc"])
        if rc != 0:
            line = first_line(out, lambda s: "error" in s) or first_line(out) \
                or "cc exit status %d" % rc
            return res("compile error", clean_msg(line, paths))

        for name in none_outputs:
            if not header_says_none(gen, name):
                return res("wrong", "optional output %s is expected empty; the header does not say so"
                           % name)

        env = dict(os.environ)
        env.update(SAN_ENV)
        for ds in datasets:
            dsn = os.path.basename(ds)
            ind = os.path.join(work, dsn, "in")
            outd = os.path.join(work, dsn, "out")
            os.makedirs(ind)
            os.makedirs(outd)
            ins = input_files(ds)
            outs = output_files(ds)
            refs = []
            try:
                j = 0
                for k in range(len(ginputs)):
                    if k in bound:
                        if ds != datasets[0] and \
                                harness.tensor_raw(harness.load_tensor(ins[k]))[2].tobytes() != \
                                harness.tensor_raw(harness.load_tensor(ds0_inputs[k]))[2].tobytes():
                            raise harness.HarnessError(
                                "%s: input %d is bound at compile time (--bind) but differs from "
                                "test_data_set_0" % (dsn, k))
                        continue
                    for t in harness.load_value(ins[k], ginputs[k].type)[1]:
                        dt, shape, raw = harness.tensor_raw(t)
                        if j >= len(run_inputs) or (dt, shape) != run_inputs[j]:
                            raise harness.HarnessError("%s: input %d differs from test_data_set_0"
                                                       % (dsn, k))
                        harness.write_raw(os.path.join(ind, "input_%d.raw" % j), dt, raw)
                        j += 1
                for k, p in enumerate(outs):
                    for t in harness.load_value(p, g.output[k].type)[1]:
                        dt, shape, raw = harness.tensor_raw(t)
                        j = len(refs)
                        if j < len(run_outputs) and j in dyn and dt == run_outputs[j][0] \
                                and fits(shape, *dyn[j]):
                            pass   # the data-dependent size may differ between data sets
                        elif j >= len(run_outputs) or (dt, shape) != run_outputs[j]:
                            raise harness.HarnessError("%s: output %d differs from test_data_set_0"
                                                       % (dsn, k))
                        refs.append((dt, shape, raw))
                if len(refs) != len(run_outputs):
                    raise harness.HarnessError("%s: outputs differ from test_data_set_0" % dsn)
            except (harness.HarnessError, IndexError) as e:
                return res("unsupported", "runner: %s" % e)
            rc, out = run_cmd([exe, ind, outd], TIMEOUT["run"], cwd=work, env=env)
            if rc is None:
                return res("crash", "run: timeout after %d s" % TIMEOUT["run"])
            san = sanitizer_line(out)
            if san:
                return res("crash", clean_msg(san, paths))
            if rc < 0:
                return res("crash", "killed by %s" % signame(rc))
            if rc != 0:
                return res("crash", clean_msg(first_line(out), paths) or "exit status %d" % rc)
            for k, (dt, shape, ref) in enumerate(refs):
                p = os.path.join(outd, "output_%d.raw" % k)
                got = harness.read_raw(p, dt, ref)
                if k in dyn:
                    dd = dyn[k][1]
                    ext = np.fromfile(os.path.join(outd, "extent_%d.raw" % k), dtype="<i8")
                    if ext.size != 1 or int(ext[0]) != shape[dd]:
                        return res("wrong", "%s output %d (%s): size of dim %d reported as %s, "
                                   "expected %d" % (dsn, k, out_names[k], dd,
                                                    ext.tolist(), shape[dd]))
                    got = got[:ref.size]   # stored packed in its actual shape
                why = compare(dt, shape, got, ref)
                if why:
                    name = out_names[k]
                    return res("wrong", "%s output %d (%s) %s: %s"
                               % (dsn, k, name, "x".join(map(str, shape)) or "scalar", why))
        return res("pass", "")
    except Exception as e:  # noqa: BLE001 - a runner bug must not stop the suite
        return res("crash", "runner exception: %s: %s" % (type(e).__name__, e))
    finally:
        if keep_dir:
            shutil.rmtree(keep_dir, ignore_errors=True)
            os.makedirs(os.path.dirname(keep_dir), exist_ok=True)
            shutil.copytree(work, keep_dir, symlinks=True)
        shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------
# reporting

def table(rows, key_title, keys):
    """Markdown table: key, total, one column per status, pass %."""
    hdr = [key_title, "total"] + STATUSES + ["pass %"]
    lines = ["| " + " | ".join(hdr) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(hdr) - 1)) + "|"]
    tot = collections.Counter()
    for k in keys:
        c = rows[k]
        n = sum(c.values())
        tot.update(c)
        lines.append("| %s | %d | %s | %.1f |" % (
            k, n, " | ".join(str(c[s]) for s in STATUSES), 100.0 * c["pass"] / n if n else 0))
    n = sum(tot.values())
    lines.append("| **all** | %d | %s | %.1f |" % (
        n, " | ".join(str(tot[s]) for s in STATUSES), 100.0 * tot["pass"] / n if n else 0))
    return lines


def shape_bound_line(results):
    sb = [r for r in results if r.shape_bound]
    return ("%d tests needed shape-deciding inputs bound at compile time "
            "(edgec --list-shape-inputs), %d of them pass"
            % (len(sb), sum(1 for r in sb if r.status == "pass")))


def summarize(results, full):
    by_folder = collections.defaultdict(collections.Counter)
    by_op = collections.defaultdict(collections.Counter)
    reasons = collections.Counter()
    other = collections.defaultdict(collections.Counter)
    for r in results:
        by_folder[r.folder][r.status] += 1
        by_op[r.op][r.status] += 1
        if r.status == "unsupported":
            reasons[reason_key(r.detail)] += 1
        elif r.status in ("compile error", "crash"):
            other[r.status][re.sub(r"\b\d+\b", "N", r.detail)[:160]] += 1
    npass = sum(1 for r in results if r.status == "pass")
    L = ["# edgec conformance", ""]
    if full:
        L.append("**%d / %d passed (%.1f%% of the %d ONNX conformance tests)**"
                 % (npass, TOTAL_TESTS, 100.0 * npass / TOTAL_TESTS, TOTAL_TESTS))
    else:
        L.append("**%d / %d selected tests passed (%.1f%%; %.1f%% of all %d)**"
                 % (npass, len(results), 100.0 * npass / max(1, len(results)),
                    100.0 * npass / TOTAL_TESTS, TOTAL_TESTS))
    sb = [r for r in results if r.shape_bound]
    L.append("")
    L.append(shape_bound_line(results))
    L += ["", "## Per folder", ""]
    L += table(by_folder, "folder", [f for f in FOLDERS if f in by_folder])
    L += ["", "## Per op", ""]
    L += table(by_op, "op", sorted(by_op, key=lambda k: k.lower()))
    L += ["", "## Unsupported reasons (per-test path and node left out)", "", "| count | reason |", "|---:|---|"]
    for msg, n in sorted(reasons.items(), key=lambda x: (-x[1], x[0])):
        L.append("| %d | %s |" % (n, msg.replace("|", "\\|")))
    for st in ("compile error", "crash"):
        if other[st]:
            L += ["", "## %s (numbers as N)" % st.capitalize(), "", "| count | first line |", "|---:|---|"]
            for msg, n in sorted(other[st].items(), key=lambda x: (-x[1], x[0])):
                L.append("| %d | %s |" % (n, msg.replace("|", "\\|")))
    if sb:
        L += ["", "## Shape-deciding inputs bound at compile time", "",
              "| test | status | inputs bound |", "|---|---|---|"]
        for r in sb:
            L.append("| %s | %s | %s |" % (r.test, r.status, ", ".join(r.shape_bound)))
    fails = [r for r in results if r.status in ("wrong", "crash", "compile error")]
    if fails:
        L += ["", "## Wrong, compile errors and crashes", "", "| test | status | detail |", "|---|---|---|"]
        for r in sorted(fails, key=lambda r: (r.status, r.test)):
            L.append("| %s | %s | %s |" % (r.test, r.status, r.detail.replace("|", "\\|")))
    return L, by_folder, npass


def read_list(path):
    out = []
    with open(path) as f:
        for line in f:
            s = line.split("#", 1)[0].strip()
            if s:
                out.append(s)
    return out


def edgec_root(exe):
    """The source tree edgec would find from its own location (runtime-min/)."""
    d = os.path.dirname(os.path.realpath(exe))
    while True:
        if os.path.isfile(os.path.join(d, "runtime-min", "include", "ec_rt.h")):
            return d
        up = os.path.dirname(d)
        if up == d:
            return None
        d = up


def snapshot_edgec(exe, out):
    """Copy edgec to OUT/bin/edgec, so that a rebuild of build/edgec during the
    run (other people run make too) cannot fail or mix versions."""
    dst_dir = os.path.join(out, "bin")
    os.makedirs(dst_dir, exist_ok=True)
    dst = os.path.join(dst_dir, os.path.basename(exe))
    for _ in range(20):
        try:
            with open(exe, "rb") as f:
                head = f.read(4)
            st1 = os.stat(exe)
            shutil.copy2(exe, dst + ".tmp")
            st2 = os.stat(exe)
            if st1.st_mtime == st2.st_mtime and st1.st_size == st2.st_size \
                    and os.access(exe, os.X_OK) and (head == b"\x7fELF" or head[:2] == b"#!"):
                os.replace(dst + ".tmp", dst)
                return dst
        except OSError:
            pass
        time.sleep(3)   # being relinked
    raise SystemExit("run.py: cannot take a stable copy of %s" % exe)


def main():
    ap = argparse.ArgumentParser(
        description=__doc__,
        epilog="Results go to OUT/results.tsv and OUT/summary.md. "
               "Exit status 1 only with --check when a selected test does not pass. "
               "edgec is copied to OUT/bin/ first (EDGEC_ROOT set to its source tree), "
               "so rebuilding it during a run is harmless.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edgec", default=os.path.join(ROOT, "build", "edgec"),
                    help="the compiler to test (default: build/edgec of this tree)")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="tests run in parallel (default 2)")
    ap.add_argument("--filter", metavar="REGEX",
                    help="only tests whose FOLDER/TEST name matches REGEX (re.search)")
    ap.add_argument("--list", metavar="FILE",
                    help="only the tests named in FILE (FOLDER/TEST per line, # comments)")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "conformance"),
                    help="results directory (default build/conformance)")
    ap.add_argument("--keep", action="store_true",
                    help="keep each test's generated code, harness and raw files in OUT/work/FOLDER/TEST")
    ap.add_argument("--snapshot", metavar="DIR",
                    help="copy each test's generated files to DIR/FOLDER/TEST (output folder "
                         "written as OUT), for tests/snapshot/")
    ap.add_argument("--snapshot-only", action="store_true",
                    help="with --snapshot: stop after compiling (no harness, no run); a test "
                         "edgec compiles counts as passed")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if any selected test does not pass; last line is 'N passed, M failed'")
    ap.add_argument("--update-expected", action="store_true",
                    help="rewrite tests/conformance/expected_pass.txt from this run: selected tests "
                         "are added if they pass and removed if not; unselected lines are kept "
                         "(so a full run rewrites the file)")
    ap.add_argument("--expected", default=os.path.join(HERE, "expected_pass.txt"),
                    help="the expected-pass file for --update-expected (default %(default)s)")
    ap.add_argument("--data", default=DATA, help="test data root (default %(default)s)")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"),
                    help="C compiler for the harness (default $CC or cc)")
    ap.add_argument("--no-objcache", dest="objcache", action="store_false",
                    help="compile every test's runtime-min sources afresh instead of caching "
                         "their objects (by content) in OUT/objcache for the run")
    ap.add_argument("--quiet", "-q", action="store_true", help="no per-test progress lines")
    args = ap.parse_args()

    if not os.path.exists(args.edgec):
        print("run.py: %s does not exist (run make first)" % args.edgec, file=sys.stderr)
        return 2
    args.edgec = os.path.abspath(args.edgec)
    root = edgec_root(args.edgec)
    if root and not os.environ.get("EDGEC_ROOT"):
        os.environ["EDGEC_ROOT"] = root
    args.out = os.path.abspath(args.out)
    tests = discover(args.data)
    if not tests:
        print("run.py: no tests under %s" % args.data, file=sys.stderr)
        return 2
    full = True
    if args.list:
        wanted = read_list(args.list)
        known = set(tests)
        missing = [t for t in wanted if t not in known]
        if missing:
            print("run.py: %s names unknown tests: %s" % (args.list, ", ".join(missing[:5])),
                  file=sys.stderr)
            return 2
        ws = set(wanted)
        tests = [t for t in tests if t in ws]
        full = False
    if args.filter:
        rx = re.compile(args.filter)
        tests = [t for t in tests if rx.search(t)]
        full = False
    os.makedirs(args.out, exist_ok=True)
    args.edgec = snapshot_edgec(args.edgec, args.out)
    if args.objcache:
        args.objcache = os.path.join(args.out, "objcache")
        shutil.rmtree(args.objcache, ignore_errors=True)
        os.makedirs(args.objcache)

    results = []
    lock = threading.Lock()
    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        futs = {ex.submit(run_test, t, args): t for t in tests}
        for i, fu in enumerate(concurrent.futures.as_completed(futs), 1):
            r = fu.result()
            with lock:
                results.append(r)
                if not args.quiet:
                    print("[%d/%d] %-13s %s%s" % (i, len(tests), r.status, r.test,
                                                  (": " + r.detail) if r.detail else ""),
                          flush=True)
    results.sort(key=lambda r: r.test)

    with open(os.path.join(args.out, "results.tsv"), "w") as f:
        f.write("test\tfolder\top\tstatus\tseconds\tdetail\tshape_bound\n")
        for r in results:
            f.write("%s\t%s\t%s\t%s\t%.1f\t%s\t%s\n" % (r.test, r.folder, r.op, r.status, r.seconds,
                                                    r.detail, ",".join(r.shape_bound)))
    lines, by_folder, npass = summarize(results, full)
    with open(os.path.join(args.out, "summary.md"), "w") as f:
        f.write("\n".join(lines) + "\n")

    print()
    print("\n".join(table(by_folder, "folder", [f for f in FOLDERS if f in by_folder])))
    print()
    print(lines[2])
    print(shape_bound_line(results))
    print("results: %s/results.tsv, %s/summary.md (%.0f s)" % (args.out, args.out, time.time() - t0))

    if args.update_expected:
        old = set(read_list(args.expected)) if os.path.exists(args.expected) else set()
        sel = {r.test for r in results}
        new = (old - sel) | {r.test for r in results if r.status == "pass"}
        with open(args.expected, "w") as f:
            for t in sorted(new):
                f.write(t + "\n")
        print("%s: %d tests (%+d)" % (args.expected, len(new), len(new) - len(old)))

    failed = [r for r in results if r.status != "pass"]
    if args.check:
        for r in failed:
            print("FAIL %s: %s%s" % (r.test, r.status, (": " + r.detail) if r.detail else ""))
        print("%d passed, %d failed" % (npass, len(failed)))
        return 1 if failed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
