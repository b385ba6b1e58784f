#!/usr/bin/python3
"""Write float16/bfloat16 test cases in the ONNX test-data layout: OUT/node/test_f16_*/.

Ops whose kernels are float32-only compute float16 inputs in float32 (ir/infer.c inserts the
casts). Each case is one node with float16 inputs (random, fixed seed); its expected output is
computed here with numpy, in float32 from the same float16 values, then rounded to float16 -
independently of edgec. tests/f16/run.sh runs them through tests/conformance/run.py --data OUT.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = sys.argv[1]
rng = np.random.default_rng(7)
H = np.float16


def half(shape, lo=-2.0, hi=2.0):
    return rng.uniform(lo, hi, size=shape).astype(H)


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def conv2d(x, w, b):  # NCHW, stride 1, no padding
    n, c, hh, ww = x.shape
    m, _, kh, kw = w.shape
    y = np.zeros((n, m, hh - kh + 1, ww - kw + 1), np.float32)
    for i in range(y.shape[2]):
        for j in range(y.shape[3]):
            y[:, :, i, j] = np.tensordot(x[:, :, i:i + kh, j:j + kw], w, axes=([1, 2, 3], [1, 2, 3]))
    return y + b.reshape(1, -1, 1, 1)


def case(name, op, inputs, attrs, ref, opset=17, consts=None, outs=1):
    """inputs: list of (name, float16 array); consts: initializers (name, array)."""
    d = os.path.join(OUT, "node", "test_f16_" + name)
    os.makedirs(os.path.join(d, "test_data_set_0"), exist_ok=True)
    consts = consts or []
    out_names = ["y%d" % k for k in range(outs)]
    node = helper.make_node(op, [n for n, _ in inputs] + [n for n, _ in consts], out_names, **attrs)
    vi = [helper.make_tensor_value_info(n, onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[a.dtype], a.shape) for n, a in inputs]
    refs = ref(*[a.astype(np.float32) for _, a in inputs], *[np.asarray(a) for _, a in consts])
    if not isinstance(refs, tuple):
        refs = (refs,)
    refs = [np.asarray(r) for r in refs]
    refs = [r.astype(H) if r.dtype == np.float32 or r.dtype == np.float64 else r for r in refs]
    vo = [helper.make_tensor_value_info(n, onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[r.dtype], r.shape)
          for n, r in zip(out_names, refs)]
    g = helper.make_graph([node], "f16_" + name, vi, vo,
                          [numpy_helper.from_array(np.asarray(a), n) for n, a in consts])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)]),
              os.path.join(d, "model.onnx"))
    for k, (n, a) in enumerate(inputs):
        with open(os.path.join(d, "test_data_set_0", "input_%d.pb" % k), "wb") as f:
            f.write(numpy_helper.from_array(a, n).SerializeToString())
    for k, r in enumerate(refs):
        with open(os.path.join(d, "test_data_set_0", "output_%d.pb" % k), "wb") as f:
            f.write(numpy_helper.from_array(r, out_names[k]).SerializeToString())


x = half((3, 8))
s, b = half((8,), 0.5, 1.5), half((8,), -0.5, 0.5)


def layernorm(x, s, b):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + 1e-5) * s.astype(np.float32) + b.astype(np.float32)


case("layernorm", "LayerNormalization", [("x", x)], {"axis": -1}, layernorm, consts=[("s", s), ("b", b)])
case("layernorm_inputs", "LayerNormalization", [("x", x), ("s", s), ("b", b)], {"axis": -1},
     lambda x, s, b: layernorm(x, s, b))
case("softmax", "Softmax", [("x", x)], {"axis": -1}, lambda x: softmax(x, -1), opset=13)
case("softmax_axis0", "Softmax", [("x", x)], {"axis": 0}, lambda x: softmax(x, 0), opset=13)
case("logsoftmax", "LogSoftmax", [("x", x)], {"axis": 1}, lambda x: np.log(softmax(x, 1)), opset=13)
case("reducemean", "ReduceMean", [("x", x)], {"axes": [1], "keepdims": 1}, lambda x: x.mean(1, keepdims=True), opset=13)
case("reducesum", "ReduceSum", [("x", x)], {}, lambda x, a: x.sum(0, keepdims=True), opset=13,
     consts=[("axes", np.array([0], np.int64))])
case("reducemax", "ReduceMax", [("x", x)], {"keepdims": 0}, lambda x: x.max(), opset=13)
case("argmax", "ArgMax", [("x", x)], {"axis": 1}, lambda x: x.argmax(1)[:, None].astype(np.int64), opset=13)
case("topk", "TopK", [("x", x)], {"axis": 1}, lambda x, k: (-np.sort(-x, 1)[:, :3], np.argsort(-x, 1, kind="stable")[:, :3].astype(np.int64)),
     opset=13, consts=[("k", np.array([3], np.int64))], outs=2)
case("cumsum", "CumSum", [("x", x)], {}, lambda x, a: np.cumsum(x, 1), opset=13,
     consts=[("axis", np.array(1, np.int64))])
w = half((8, 5))
case("matmul", "MatMul", [("x", x)], {}, lambda x, w: x @ w.astype(np.float32), opset=13, consts=[("w", w)])
case("matmul_inputs", "MatMul", [("x", x), ("w", w)], {}, lambda x, w: x @ w, opset=13)
case("gemm", "Gemm", [("x", x)], {"transB": 1, "alpha": 0.5}, lambda x, w, c: 0.5 * x @ w.astype(np.float32).T + c.astype(np.float32),
     opset=13, consts=[("w", half((5, 8))), ("c", half((5,)))])
case("einsum", "Einsum", [("x", x), ("w", w)], {"equation": "ij,jk->ik"}, lambda x, w: np.einsum("ij,jk->ik", x, w), opset=13)
img = half((1, 2, 6, 6))
cw, cb = half((3, 2, 3, 3), -0.5, 0.5), half((3,), -0.5, 0.5)
case("conv", "Conv", [("x", img)], {}, lambda x, w, bb: conv2d(x, w.astype(np.float32), bb.astype(np.float32)),
     opset=13, consts=[("w", cw), ("b", cb)])
case("maxpool", "MaxPool", [("x", img)], {"kernel_shape": [2, 2], "strides": [2, 2]},
     lambda x: x.reshape(1, 2, 3, 2, 3, 2).max(axis=(3, 5)), opset=13)
case("globalavgpool", "GlobalAveragePool", [("x", img)], {}, lambda x: x.mean(axis=(2, 3), keepdims=True), opset=13)
bs, bb2, bm, bv = half((2,), 0.5, 1.5), half((2,)), half((2,)), half((2,), 0.5, 2.0)
case("batchnorm", "BatchNormalization", [("x", img)], {"epsilon": 1e-5},
     lambda x, s_, b_, m_, v_: (x - m_.astype(np.float32).reshape(1, 2, 1, 1)) / np.sqrt(v_.astype(np.float32).reshape(1, 2, 1, 1) + 1e-5)
     * s_.astype(np.float32).reshape(1, 2, 1, 1) + b_.astype(np.float32).reshape(1, 2, 1, 1),
     opset=15, consts=[("s", bs), ("b", bb2), ("m", bm), ("v", bv)])
print("wrote %s/node/test_f16_*" % OUT)
