#!/usr/bin/python3
"""Write the small test model of the int8 PTQ tests and its input sets.

  /usr/bin/python3 tests/quant/make_model.py

tests/quant/cnn.onnx: a random-weight CNN classifier, input x [1,3,16,16]:
  Conv 3->8 3x3 pad 1 + Relu            (fused Relu)
  Conv depthwise 8 3x3 pad 1 + Clip 0..6 (depthwise, fused Clip)
  MaxPool 2x2                            (8x8)
  Conv 1x1 8->16 + Relu  \\
  Conv 3x3 8->16 (no bias) -> Add -> Relu (residual add, standalone Relu)
  Concat(axis 1) with Mul(branch, const) (different scales into one)
  AveragePool 2x2                        (4x4)
  GlobalAveragePool, Reshape [1,32]
  Gemm 32->24 + Relu, MatMul 24->10, Add const bias -> logits [1,10]
  Softmax -> prob [1,10]                 (stays float)
Weights are Gaussian with a fixed seed; calib/set_N and heldout/set_N hold
input_0.pb (x) drawn from a fixed smooth-image-like distribution.
"""
import os
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261121)


def w(name, *shape, scale=None):
    fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else shape[0]
    s = scale if scale is not None else np.sqrt(2.0 / fan_in)
    return numpy_helper.from_array((rng.standard_normal(shape) * s).astype(np.float32), name)


inits = [
    w("c1_w", 8, 3, 3, 3), w("c1_b", 8, scale=0.1),
    w("dw_w", 8, 1, 3, 3), w("dw_b", 8, scale=0.1),
    w("pa_w", 16, 8, 1, 1), w("pa_b", 16, scale=0.1),
    w("pb_w", 16, 8, 3, 3),
    w("mul_c", 1, 16, 1, 1, scale=0.5),
    numpy_helper.from_array(np.array([1, 32], dtype=np.int64), "shape"),
    w("fc1_w", 24, 32), w("fc1_b", 24, scale=0.1),
    w("fc2_w", 24, 10, scale=0.3),
    w("fc2_b", 10, scale=0.1),
    numpy_helper.from_array(np.array(0.0, dtype=np.float32), "clip_lo"),
    numpy_helper.from_array(np.array(6.0, dtype=np.float32), "clip_hi"),
]
N = helper.make_node
nodes = [
    N("Conv", ["x", "c1_w", "c1_b"], ["c1"], name="conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
    N("Relu", ["c1"], ["r1"], name="relu1"),
    N("Conv", ["r1", "dw_w", "dw_b"], ["dw"], name="dwconv", group=8, kernel_shape=[3, 3],
      pads=[1, 1, 1, 1]),
    N("Clip", ["dw", "clip_lo", "clip_hi"], ["dwc"], name="clip6"),
    N("MaxPool", ["dwc"], ["mp"], name="maxpool", kernel_shape=[2, 2], strides=[2, 2]),
    N("Conv", ["mp", "pa_w", "pa_b"], ["pa"], name="conv_a", kernel_shape=[1, 1]),
    N("Relu", ["pa"], ["pra"], name="relu_a"),
    N("Conv", ["mp", "pb_w"], ["pb"], name="conv_b", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
    N("Add", ["pra", "pb"], ["s"], name="add"),
    N("Relu", ["s"], ["sr"], name="relu_add"),
    N("Mul", ["pb", "mul_c"], ["m"], name="mul"),
    N("Concat", ["sr", "m"], ["cat"], name="concat", axis=1),
    N("AveragePool", ["cat"], ["ap"], name="avgpool", kernel_shape=[2, 2], strides=[2, 2]),
    N("GlobalAveragePool", ["ap"], ["gap"], name="gap"),
    N("Reshape", ["gap", "shape"], ["flat"], name="reshape"),
    N("Gemm", ["flat", "fc1_w", "fc1_b"], ["h"], name="fc1", transB=1),
    N("Relu", ["h"], ["hr"], name="relu_fc1"),
    N("MatMul", ["hr", "fc2_w"], ["mm"], name="fc2"),
    N("Add", ["mm", "fc2_b"], ["logits"], name="fc2_bias"),
    N("Softmax", ["logits"], ["prob"], name="softmax", axis=1),
]
graph = helper.make_graph(
    nodes, "ptq_cnn",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
    [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10]),
     helper.make_tensor_value_info("prob", TensorProto.FLOAT, [1, 10])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="make_model.py")
model.ir_version = 7
onnx.checker.check_model(model)
onnx.save(model, os.path.join(HERE, "cnn.onnx"))


def image():
    # smooth random field plus a little noise, roughly in [-2, 2]
    base = rng.standard_normal((1, 3, 4, 4)).astype(np.float32)
    up = np.kron(base, np.ones((1, 1, 4, 4), dtype=np.float32))
    return (up + 0.3 * rng.standard_normal((1, 3, 16, 16))).astype(np.float32)


for folder, count in (("calib", 48), ("heldout", 16)):
    for i in range(count):
        d = os.path.join(HERE, folder, "set_%d" % i)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "input_0.pb"), "wb") as f:
            f.write(numpy_helper.from_array(image(), "x").SerializeToString())
print("wrote cnn.onnx, calib/ and heldout/")
