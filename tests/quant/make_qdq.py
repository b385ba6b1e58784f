#!/usr/bin/python3
"""Write tests/quant/qdq.onnx: a QDQ-format int8 model (the layout QAT and
other quantization tools export), with scales computed here in numpy.

  /usr/bin/python3 tests/quant/make_qdq.py     (after make_model.py: uses calib/)

x [1,3,16,16] -> Q -> DQ -> Conv(DQ(w int8, per channel), DQ(b int32)) -> Relu -> Q
  -> DQ -> MaxPool -> Q -> DQ -> Conv(DQ(w), DQ(b)) -> Q -> DQ -> Add(with the MaxPool's DQ) -> Q
  -> DQ -> GlobalAveragePool -> Q -> DQ -> Flatten -> Q -> DQ -> Gemm(DQ(w), DQ(b)) -> Q
  -> DQ -> logits [1,10]
Weights are Gaussian (fixed seed), int8 symmetric per output channel; activation
scales come from the float model's min/max over the calibration sets (numpy).
"""
import glob
import os
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)


def conv(x, w, b, pad):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    y = np.zeros((n, m, h + 2 * pad - kh + 1, wd + 2 * pad - kw + 1))
    for o in range(m):
        for ci in range(cg):
            for i in range(kh):
                for j in range(kw):
                    y[:, o] += w[o, ci, i, j] * xp[:, ci, i:i + y.shape[2], j:j + y.shape[3]]
        y[:, o] += b[o]
    return y


w1 = rng.standard_normal((8, 3, 3, 3)) * 0.3
b1 = rng.standard_normal(8) * 0.1
w2 = rng.standard_normal((8, 8, 3, 3)) * 0.15
b2 = rng.standard_normal(8) * 0.1
w3 = rng.standard_normal((10, 8)) * 0.5
b3 = rng.standard_normal(10) * 0.1


def float_forward(x):
    a1 = np.maximum(conv(x, w1, b1, 1), 0)
    mp = a1.reshape(1, 8, 8, 2, 8, 2).max(axis=(3, 5))
    c2 = conv(mp, w2, b2, 1)
    s = c2 + mp
    g = s.mean(axis=(2, 3))
    return {"x": x, "a1": a1, "mp": mp, "c2": c2, "s": s, "g": g, "logits": g @ w3.T + b3}


xs = []
for p in sorted(glob.glob(os.path.join(HERE, "calib", "set_*", "input_0.pb"))):
    t = onnx.TensorProto()
    t.ParseFromString(open(p, "rb").read())
    xs.append(numpy_helper.to_array(t).astype(np.float64))
acts = [float_forward(x) for x in xs]


def act_params(name):
    lo = min(0.0, min(a[name].min() for a in acts))
    hi = max(0.0, max(a[name].max() for a in acts))
    s = (hi - lo) / 255.0
    return np.float32(s), np.int8(np.clip(np.round(-128 - lo / s), -128, 127))


def wq(w):
    amax = np.abs(w.reshape(w.shape[0], -1)).max(axis=1)
    s = (amax / 127.0).astype(np.float32)
    q = np.clip(np.round(w / s.reshape((-1,) + (1,) * (w.ndim - 1))), -127, 127).astype(np.int8)
    return q, s


inits, nodes = [], []
N = helper.make_node


def const(name, arr):
    inits.append(numpy_helper.from_array(arr, name))
    return name


def q(src, dst, name):
    s, z = act_params(name)
    nodes.append(N("QuantizeLinear", [src, const(dst + "_s", np.array(s)), const(dst + "_z", np.array(z))],
                   [dst], name=dst + "_Q"))
    return s


def dq(src, dst, sname):
    nodes.append(N("DequantizeLinear", [src, sname + "_s", sname + "_z"], [dst], name=dst + "_DQ"))


def weights(prefix, w, b, xs_):
    q_, s = wq(w)
    const(prefix + "_wq", q_)
    const(prefix + "_ws", s)
    const(prefix + "_wz", np.zeros(len(s), dtype=np.int8))
    nodes.append(N("DequantizeLinear", [prefix + "_wq", prefix + "_ws", prefix + "_wz"], [prefix + "_w"],
                   name=prefix + "_w_DQ", axis=0))
    bs = (xs_ * s).astype(np.float32)
    const(prefix + "_bq", np.round(b / bs).astype(np.int32))
    const(prefix + "_bs", bs)
    const(prefix + "_bz", np.zeros(len(s), dtype=np.int32))
    nodes.append(N("DequantizeLinear", [prefix + "_bq", prefix + "_bs", prefix + "_bz"], [prefix + "_b"],
                   name=prefix + "_b_DQ", axis=0))


sx = q("x", "xq", "x")
dq("xq", "xd", "xq")
weights("c1", w1, b1, sx)
nodes.append(N("Conv", ["xd", "c1_w", "c1_b"], ["c1"], name="conv1", pads=[1, 1, 1, 1]))
nodes.append(N("Relu", ["c1"], ["a1"], name="relu1"))
sa1 = q("a1", "a1q", "a1")
dq("a1q", "a1d", "a1q")
nodes.append(N("MaxPool", ["a1d"], ["mp"], name="maxpool", kernel_shape=[2, 2], strides=[2, 2]))
nodes.append(N("QuantizeLinear", ["mp", "a1q_s", "a1q_z"], ["mpq"], name="mpq_Q"))  # same params
nodes.append(N("DequantizeLinear", ["mpq", "a1q_s", "a1q_z"], ["mpd"], name="mpd_DQ"))
weights("c2", w2, b2, sa1)
nodes.append(N("Conv", ["mpd", "c2_w", "c2_b"], ["c2"], name="conv2", pads=[1, 1, 1, 1]))
q("c2", "c2q", "c2")
dq("c2q", "c2d", "c2q")
nodes.append(N("Add", ["c2d", "mpd"], ["s"], name="add"))
ss = q("s", "sq", "s")
dq("sq", "sd", "sq")
nodes.append(N("GlobalAveragePool", ["sd"], ["g4"], name="gap"))
nodes.append(N("QuantizeLinear", ["g4", "sq_s", "sq_z"], ["gq"], name="gq_Q"))
nodes.append(N("DequantizeLinear", ["gq", "sq_s", "sq_z"], ["gd"], name="gd_DQ"))
nodes.append(N("Flatten", ["gd"], ["f"], name="flatten"))
nodes.append(N("QuantizeLinear", ["f", "sq_s", "sq_z"], ["fq"], name="fq_Q"))
nodes.append(N("DequantizeLinear", ["fq", "sq_s", "sq_z"], ["fd"], name="fd_DQ"))
q3, s3 = wq(w3)
const("fc_wq", q3)
const("fc_ws", s3)
const("fc_wz", np.zeros(10, dtype=np.int8))
nodes.append(N("DequantizeLinear", ["fc_wq", "fc_ws", "fc_wz"], ["fc_w"], name="fc_w_DQ", axis=0))
bs3 = (ss * s3).astype(np.float32)
const("fc_bq", np.round(b3 / bs3).astype(np.int32))
const("fc_bs", bs3)
const("fc_bz", np.zeros(10, dtype=np.int32))
nodes.append(N("DequantizeLinear", ["fc_bq", "fc_bs", "fc_bz"], ["fc_b"], name="fc_b_DQ", axis=0))
nodes.append(N("Gemm", ["fd", "fc_w", "fc_b"], ["l"], name="fc", transB=1))
q("l", "lq", "logits")
dq("lq", "logits", "lq")

graph = helper.make_graph(nodes, "qdq_cnn",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="make_qdq.py")
model.ir_version = 7
onnx.checker.check_model(model)
onnx.save(model, os.path.join(HERE, "qdq.onnx"))
print("wrote qdq.onnx")
