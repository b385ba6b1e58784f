#!/usr/bin/python3
"""gen_models.py - writes the tiny .onnx models of the golden tests (committed).

    /usr/bin/python3 tests/golden/gen_models.py

Each model exercises a part of code generation:
  chain.onnx    Add with a constant, Relu (in place), Reshape (a view), MatMul, Softmax:
                weights, arena offsets, views without code
  conv.onnx     Conv + Relu + MaxPool + Flatten + Gemm: int arrays, scratch-free nn calls
  edges.onnx    names to sanitize ("in.put:0", "1st", "float"), a graph input that is also
                copied to an output, a constant output, special floats (inf, -0.0, nan,
                subnormal) in the weights, an int64 constant
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def save(model, name):
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, name))


def chain():
    w = numpy_helper.from_array(np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4), "w")
    m = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(4, 3) / 8, "m")
    shape = numpy_helper.from_array(np.array([4, 2], dtype=np.int64), "shape")
    nodes = [
        helper.make_node("Add", ["x", "w"], ["a"], name="add"),
        helper.make_node("Relu", ["a"], ["r"], name="relu"),
        helper.make_node("Reshape", ["r", "shape"], ["v"], name="view"),
        helper.make_node("Transpose", ["v"], ["t"], name="tr", perm=[1, 0]),
        helper.make_node("MatMul", ["t", "m"], ["p"], name="mm"),
        helper.make_node("Softmax", ["p"], ["y"], name="sm", axis=-1),
    ]
    g = helper.make_graph(nodes, "chain",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])],
                          [w, m, shape])
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), "chain.onnx")


def conv():
    rng = np.random.default_rng(7)
    w = numpy_helper.from_array(rng.standard_normal((2, 1, 3, 3)).astype(np.float32), "conv.w")
    b = numpy_helper.from_array(np.array([0.5, -0.25], dtype=np.float32), "conv.b")
    fw = numpy_helper.from_array(rng.standard_normal((3, 8)).astype(np.float32), "fc.w")
    fb = numpy_helper.from_array(np.zeros(3, dtype=np.float32), "fc.b")
    nodes = [
        helper.make_node("Conv", ["img", "conv.w", "conv.b"], ["c"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["cr"], name="relu1"),
        helper.make_node("MaxPool", ["cr"], ["mp"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["mp"], ["f"], name="flat"),
        helper.make_node("Gemm", ["f", "fc.w", "fc.b"], ["logits"], name="fc", transB=1),
    ]
    g = helper.make_graph(nodes, "conv",
                          [helper.make_tensor_value_info("img", TensorProto.FLOAT, [1, 1, 4, 4])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 3])],
                          [w, b, fw, fb])
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), "conv.onnx")


def edges():
    special = np.array([np.inf, -np.inf, -0.0, 1e-45, np.float32(3.4028235e38), 0.1], dtype=np.float32)
    k = numpy_helper.from_array(special, "k/special")
    c = numpy_helper.from_array(np.array([-9223372036854775808, 7, 2**40], dtype=np.int64), "const.out")
    nodes = [
        helper.make_node("Mul", ["in.put:0", "k/special"], ["1st"], name="mul"),
        helper.make_node("Neg", ["1st"], ["float"], name="neg"),
        helper.make_node("Identity", ["in.put:0"], ["copy"], name="id"),
    ]
    g = helper.make_graph(nodes, "edges",
                          [helper.make_tensor_value_info("in.put:0", TensorProto.FLOAT, [6])],
                          [helper.make_tensor_value_info("float", TensorProto.FLOAT, [6]),
                           helper.make_tensor_value_info("copy", TensorProto.FLOAT, [6]),
                           helper.make_tensor_value_info("const.out", TensorProto.INT64, [3])],
                          [k, c])
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), "edges.onnx")


if __name__ == "__main__":
    chain()
    conv()
    edges()
