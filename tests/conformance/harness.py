"""Harness generator for the edgec conformance runner.

Turns ONNX TensorProto files into raw little-endian buffers and writes a
C99 main.c that loads them, calls NAME_run() with a 64-byte-aligned arena,
and writes the outputs back as raw files.  The harness passes pointers
positionally, so the (sanitized) C names of the model's inputs and outputs
do not matter.

Sequence and optional values (onnx.SequenceProto / onnx.OptionalProto files,
told apart by the graph input's or output's declared type) are flattened:
edgec makes one argument per sequence element, in order, and none for an
absent optional (see load_value).

Raw element encodings (what the harness reads and writes):
  float/double/intN/uintN  native little-endian
  bool                     one byte per element (0 or 1)
  float16, bfloat16        uint16 bit patterns
  string                   each element's bytes and a NUL, in order (the harness
                           passes an array of `const char *`; see write_raw,
                           read_raw)
"""

import numpy as np
import onnx
from onnx import numpy_helper

TP = onnx.TensorProto

# ONNX dtype -> (C type of the pointer, numpy dtype of the raw file, is_float)
CTYPES = {
    TP.FLOAT: ("float", np.float32),
    TP.DOUBLE: ("double", np.float64),
    TP.INT8: ("int8_t", np.int8),
    TP.INT16: ("int16_t", np.int16),
    TP.INT32: ("int32_t", np.int32),
    TP.INT64: ("int64_t", np.int64),
    TP.UINT8: ("uint8_t", np.uint8),
    TP.UINT16: ("uint16_t", np.uint16),
    TP.UINT32: ("uint32_t", np.uint32),
    TP.UINT64: ("uint64_t", np.uint64),
    TP.FLOAT16: ("uint16_t", np.uint16),
    TP.BFLOAT16: ("uint16_t", np.uint16),
    TP.BOOL: ("bool", np.uint8),
    TP.STRING: ("const char *", object),
}

FLOAT_TYPES = (TP.FLOAT, TP.DOUBLE, TP.FLOAT16, TP.BFLOAT16)


class HarnessError(Exception):
    """The test cannot be expressed with the generated-code contract."""


def dtype_name(dt):
    try:
        return TP.DataType.Name(dt)
    except ValueError:
        return "dtype %d" % dt


def load_tensor(path):
    """Read a TensorProto file; returns the TensorProto.

    Raises HarnessError for files that hold something else (sequences,
    optionals, maps)."""
    with open(path, "rb") as f:
        data = f.read()
    t = TP()
    try:
        t.ParseFromString(data)
    except Exception as e:  # noqa: BLE001 - protobuf raises various types
        raise HarnessError("cannot parse %s as a TensorProto: %s" % (path, e))
    if not t.HasField("data_type") or t.data_type == TP.UNDEFINED:
        raise HarnessError("%s is not a tensor (sequence/optional test data?)" % path)
    return t


def value_kind(type_proto):
    """'tensor', 'sequence' or 'optional' for an ONNX TypeProto."""
    w = type_proto.WhichOneof("value")
    if w == "sequence_type":
        return "sequence"
    if w == "optional_type":
        return "optional"
    return "tensor"


def _parse(cls, path):
    with open(path, "rb") as f:
        data = f.read()
    m = cls()
    try:
        m.ParseFromString(data)
    except Exception as e:  # noqa: BLE001
        raise HarnessError("cannot parse %s as a %s: %s" % (path, cls.__name__, e))
    return m


def _seq_tensors(sp, path):
    if sp.elem_type != onnx.SequenceProto.TENSOR:
        raise HarnessError("%s: only sequences of tensors are supported" % path)
    return list(sp.tensor_values)


def load_value(path, type_proto):
    """Read the test-data file of a graph input/output of the given declared
    type. Returns (kind, tensors): kind 'tensor' (one TensorProto),
    'sequence' (its element tensors), 'optional-none' (no tensor),
    'optional-tensor' (one) or 'optional-sequence' (the elements)."""
    kind = value_kind(type_proto)
    if kind == "tensor":
        return "tensor", [load_tensor(path)]
    if kind == "sequence":
        return "sequence", _seq_tensors(_parse(onnx.SequenceProto, path), path)
    op = _parse(onnx.OptionalProto, path)
    if op.HasField("tensor_value"):
        return "optional-tensor", [op.tensor_value]
    if op.HasField("sequence_value"):
        return "optional-sequence", _seq_tensors(op.sequence_value, path)
    if op.elem_type not in (onnx.OptionalProto.UNDEFINED, onnx.OptionalProto.TENSOR,
                            onnx.OptionalProto.SEQUENCE):
        raise HarnessError("%s: optional of an unsupported type" % path)
    return "optional-none", []


def shape_arg(tensors):
    """--seq's list of element shapes: [2,3],[4]"""
    return ",".join("[%s]" % ",".join(str(int(d)) for d in t.dims) for t in tensors)


def tensor_raw(t):
    """(dtype, shape tuple, raw numpy array in the harness encoding)."""
    dt = t.data_type
    if dt not in CTYPES:
        raise HarnessError("%s tensors are not part of the C contract" % dtype_name(dt))
    shape = tuple(int(d) for d in t.dims)
    npdt = CTYPES[dt][1]
    if dt == TP.STRING:
        a = np.array(list(t.string_data), dtype=object)
        n = int(np.prod(shape)) if shape else 1
        if a.size != n:
            raise HarnessError("tensor has %d elements, dims say %d" % (a.size, n))
        if any(b"\0" in s for s in a):
            raise HarnessError("a string holds a NUL byte: not a C string")
        return dt, shape, a
    if dt == TP.BFLOAT16:
        if t.raw_data:
            a = np.frombuffer(t.raw_data, dtype="<u2").astype(np.uint16)
        else:
            a = np.array(t.int32_data, dtype=np.uint32).astype(np.uint16)
    else:
        a = numpy_helper.to_array(t)
        if dt == TP.FLOAT16:
            a = np.ascontiguousarray(a, dtype=np.float16).view(np.uint16)
        elif dt == TP.BOOL:
            a = np.ascontiguousarray(a).astype(np.bool_).astype(np.uint8)
        else:
            a = np.ascontiguousarray(a).astype(npdt, copy=False)
    a = np.ascontiguousarray(a).reshape(-1).astype(np.dtype(npdt).newbyteorder("<"), copy=False)
    n = int(np.prod(shape)) if shape else 1
    if a.size != n:
        raise HarnessError("tensor has %d elements, dims say %d" % (a.size, n))
    return dt, shape, a


def write_raw(path, dt, raw):
    """Write a raw buffer (tensor_raw's third value) in the harness encoding."""
    if dt == TP.STRING:
        with open(path, "wb") as f:
            f.write(b"".join(bytes(s) + b"\0" for s in raw))
    else:
        raw.tofile(path)


def read_raw(path, dt, ref):
    """Read what the harness wrote for an output like ref (tensor_raw's third value)."""
    if dt == TP.STRING:
        with open(path, "rb") as f:
            parts = f.read().split(b"\0")
        if not parts or parts[-1] != b"":
            return np.array([], dtype=object)
        return np.array(parts[:-1], dtype=object)
    return np.fromfile(path, dtype=ref.dtype)


def raw_to_compare(dt, raw):
    """Raw harness buffer -> numpy array suitable for comparison.

    float16/bfloat16 become float32; bool/ints stay integers."""
    if dt == TP.FLOAT16:
        return raw.view(np.float16).astype(np.float32)
    if dt == TP.BFLOAT16:
        return (raw.astype(np.uint32) << 16).view(np.float32)
    return raw


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def nbytes(dt, shape):
    return numel(shape) * np.dtype(CTYPES[dt][1]).itemsize


def c_ident(name):
    return "".join(c if c.isalnum() or c == "_" else "_" for c in name)


def generate(name, inputs, outputs, extents=()):
    """C source of the harness.

    name     model name as given to edgec --name (a C identifier)
    inputs   [(dtype, shape)] of the run-time inputs, in NAME_run order
    outputs  [(dtype, shape)] of the outputs, in NAME_run order (for an output
             with a data-dependent dim, the upper-bound shape of NAME.h)
    extents  indices of the outputs with a data-dependent dim, ascending: each
             gets an int64_t * argument after the outputs, in that order, and
             its value is written to OUTDIR/extent_K.raw (int64)

    Usage of the program: main INDIR OUTDIR; reads INDIR/input_K.raw and
    writes OUTDIR/output_K.raw.  Exit codes: 0 ok, 2 harness I/O problem,
    3 NAME_run returned non-zero."""
    upper = name.upper()
    L = []
    w = L.append
    w("/* conformance harness for %s (generated by tests/conformance/harness.py) */" % name)
    w("#define _POSIX_C_SOURCE 200112L")
    w("#include <stdbool.h>")
    w("#include <stdint.h>")
    w("#include <stdio.h>")
    w("#include <stdlib.h>")
    w("#include <string.h>")
    w('#include "%s.h"' % name)
    w("")
    w("static void *xalloc(size_t n)")
    w("{")
    w("    void *p = malloc(n ? n : 1);")
    w("    if (!p) {")
    w('        fprintf(stderr, "harness: out of memory\\n");')
    w("        exit(2);")
    w("    }")
    w("    return p;")
    w("}")
    w("")
    w("static void path_of(char *buf, size_t n, const char *dir, const char *what, int k)")
    w("{")
    w('    if (snprintf(buf, n, "%s/%s_%d.raw", dir, what, k) >= (int)n) {')
    w('        fprintf(stderr, "harness: path too long\\n");')
    w("        exit(2);")
    w("    }")
    w("}")
    w("")
    if any(dt != TP.STRING for dt, _ in inputs):
        emit_load(w)
    if any(dt == TP.STRING for dt, _ in inputs):
        emit_load_strings(w)
    if extents or any(dt != TP.STRING for dt, _ in outputs):
        emit_save(w)
    if any(dt == TP.STRING for dt, _ in outputs):
        emit_save_strings(w)
    emit_main(w, name, inputs, outputs, extents)
    return "\n".join(L) + "\n"


def emit_load(w):
    w("static void *load(const char *dir, int k, size_t bytes)")
    w("{")
    w("    char path[4096];")
    w("    FILE *f;")
    w("    void *p = xalloc(bytes);")
    w("    size_t got;")
    w('    path_of(path, sizeof path, dir, "input", k);')
    w('    f = fopen(path, "rb");')
    w("    if (!f) {")
    w('        fprintf(stderr, "harness: cannot open %s\\n", path);')
    w("        exit(2);")
    w("    }")
    w("    got = fread(p, 1, bytes, f);")
    w("    if (got != bytes || fgetc(f) != EOF) {")
    w('        fprintf(stderr, "harness: %s: size mismatch\\n", path);')
    w("        exit(2);")
    w("    }")
    w("    fclose(f);")
    w("    return p;")
    w("}")
    w("")

def emit_load_strings(w):
    w("/* input_K.raw holds n strings, each ended by a NUL: an array of n pointers */")
    w("static const char **load_strings(const char *dir, int k, size_t n, char **text)")
    w("{")
    w("    char path[4096];")
    w("    FILE *f;")
    w("    size_t len = 0, cap = 4096, got, i;")
    w("    char *t = xalloc(cap);")
    w("    const char **p = xalloc(n * sizeof *p);")
    w('    path_of(path, sizeof path, dir, "input", k);')
    w('    f = fopen(path, "rb");')
    w("    if (!f) {")
    w('        fprintf(stderr, "harness: cannot open %s\\n", path);')
    w("        exit(2);")
    w("    }")
    w("    while ((got = fread(t + len, 1, cap - len, f)) > 0) {")
    w("        len += got;")
    w("        if (len == cap) {")
    w("            char *u = xalloc(cap * 2);")
    w("            memcpy(u, t, len);")
    w("            free(t);")
    w("            t = u;")
    w("            cap *= 2;")
    w("        }")
    w("    }")
    w("    fclose(f);")
    w("    for (i = 0, got = 0; i < n; i++) {")
    w("        p[i] = t + got;")
    w("        while (got < len && t[got]) got++;")
    w("        if (got == len) {")
    w('            fprintf(stderr, "harness: %s: fewer than %lu strings\\n", path, (unsigned long)n);')
    w("            exit(2);")
    w("        }")
    w("        got++;")
    w("    }")
    w("    if (got != len) {")
    w('        fprintf(stderr, "harness: %s: more than %lu strings\\n", path, (unsigned long)n);')
    w("        exit(2);")
    w("    }")
    w("    *text = t;")
    w("    return p;")
    w("}")
    w("")


def emit_save_strings(w):
    w("static void save_strings(const char *dir, int k, const char *const *p, size_t n)")
    w("{")
    w("    char path[4096];")
    w("    FILE *f;")
    w("    size_t i;")
    w("    int ok;")
    w('    path_of(path, sizeof path, dir, "output", k);')
    w('    f = fopen(path, "wb");')
    w("    ok = f != NULL;")
    w("    for (i = 0; ok && i < n; i++)")
    w("        ok = p[i] && fwrite(p[i], 1, strlen(p[i]) + 1, f) == strlen(p[i]) + 1;")
    w("    if (!f || fclose(f) != 0 || !ok) {")
    w('        fprintf(stderr, "harness: cannot write %s\\n", path);')
    w("        exit(2);")
    w("    }")
    w("}")
    w("")


def emit_save(w):
    w("static void save(const char *dir, const char *what, int k, const void *p, size_t bytes)")
    w("{")
    w("    char path[4096];")
    w("    FILE *f;")
    w('    path_of(path, sizeof path, dir, what, k);')
    w('    f = fopen(path, "wb");')
    w("    if (!f || fwrite(p, 1, bytes, f) != bytes || fclose(f) != 0) {")
    w('        fprintf(stderr, "harness: cannot write %s\\n", path);')
    w("        exit(2);")
    w("    }")
    w("}")
    w("")


def emit_main(w, name, inputs, outputs, extents):
    upper = name.upper()
    w("int main(int argc, char **argv)")
    w("{")
    w("    void *arena = NULL;")
    w("    size_t arena_bytes = (size_t)(%s_ARENA_BYTES);" % upper)
    w("    int rc;")
    for k, (dt, shape) in enumerate(inputs):
        w("    %s *in%d;" % (CTYPES[dt][0], k))
        if dt == TP.STRING:
            w("    char *in%d_text;" % k)
    for k, (dt, shape) in enumerate(outputs):
        w("    %s *out%d;" % (CTYPES[dt][0], k))
    for k in extents:
        w("    int64_t ext%d = -1;" % k)
    if any(dt == TP.STRING for dt, _ in outputs):
        w('    static const char poison[] = "\\177unwritten";')
        w("    size_t i;")
    w("")
    w("    if (argc != 3) {")
    w('        fprintf(stderr, "usage: %s INDIR OUTDIR\\n", argv[0]);')
    w("        return 2;")
    w("    }")
    w("    /* exactly NAME_ARENA_BYTES (at least 1), 64-byte aligned, so that")
    w("       AddressSanitizer sees any access past the planned arena */")
    w("    if (posix_memalign(&arena, 64, arena_bytes ? arena_bytes : 1) != 0) {")
    w('        fprintf(stderr, "harness: cannot allocate the arena\\n");')
    w("        return 2;")
    w("    }")
    w("    /* garbage, so that reading the arena before writing it shows */")
    w("    memset(arena, 0xA5, arena_bytes ? arena_bytes : 1);")
    for k, (dt, shape) in enumerate(inputs):
        if dt == TP.STRING:
            w("    in%d = load_strings(argv[1], %d, %du, &in%d_text);" % (k, k, numel(shape), k))
        else:
            w("    in%d = load(argv[1], %d, %du);" % (k, k, nbytes(dt, shape)))
    for k, (dt, shape) in enumerate(outputs):
        if dt == TP.STRING:
            n = numel(shape)
            w("    out%d = xalloc(%du * sizeof *out%d);" % (k, n if n else 1, k))
            w("    for (i = 0; i < %du; i++) out%d[i] = poison; /* unwritten elements mismatch */" % (n, k))
            continue
        nb = nbytes(dt, shape)
        w("    out%d = xalloc(%du);" % (k, nb))
        w("    memset(out%d, 0x7F, %du); /* poison: unwritten elements mismatch */" % (k, nb if nb else 1))
    args = ["arena"] + ["in%d" % k for k in range(len(inputs))] + ["out%d" % k for k in range(len(outputs))] \
        + ["&ext%d" % k for k in extents]
    w("")
    w("    rc = %s_run(%s);" % (name, ", ".join(args)))
    w("    if (rc != 0) {")
    w('        fprintf(stderr, "harness: %s_run returned %%d\\n", rc);' % name)
    w("        return 3;")
    w("    }")
    for k, (dt, shape) in enumerate(outputs):
        if dt == TP.STRING:
            w("    save_strings(argv[2], %d, out%d, %du);" % (k, k, numel(shape)))
        else:
            w("    save(argv[2], \"output\", %d, out%d, %du);" % (k, k, nbytes(dt, shape)))
    for k in extents:
        w("    save(argv[2], \"extent\", %d, &ext%d, sizeof ext%d);" % (k, k, k))
    for k, (dt, shape) in enumerate(inputs):
        w("    free(in%d);" % k if dt != TP.STRING else "    free((void *)in%d);" % k)
        if dt == TP.STRING:
            w("    free(in%d_text);" % k)
    for k, (dt, shape) in enumerate(outputs):
        w("    free(out%d);" % k if dt != TP.STRING else "    free((void *)out%d);" % k)
    w("    free(arena);")
    w("    return 0;")
    w("}")
