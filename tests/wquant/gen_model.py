#!/usr/bin/python3
"""Writes tests/wquant/lm.onnx: a small language-model-shaped network with random
weights (fixed seed) that exercises every case of weight-only quantization:

  tok int64 [2, 5] -> Gather(E [50, 72])             embedding, D = 72: last block padded
  -> MatMul(W1 [72, 100]) + b1 -> Relu                 K = 72 (padded), A of rank 3
  -> MatMul(W2 [100, 64])                              K = 100 (padded)
  -> Reshape [10, 64] -> Gemm(W3 [48, 64], transB=1, alpha 0.5, C b3 [48], beta 2)
  -> Gemm(transA=1, W4 [10, 128])                      A [K=10, M=48], K < block
  -> Add(P [48, 128]) -> Add(P2)                       a constant only elementwise ops read:
                                                       int8 blocks, expanded at run time;
                                                       P2 is a copy of P (stored once)
  -> Where(M [48, 128] bool, ., zero)                  a constant mask: stored as bits
  -> Gemm(W5 [128, 4], C b5 [1, 4])                    512 weights: stays float
outputs: h3 [10, 48] and logits [48, 4].

Run once by hand (python-onnx and numpy only); the model is committed.
"""
import os
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    rng = np.random.default_rng(20240611)

    def w(*shape, scale=0.2):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    inits = {
        "E": w(50, 72, scale=1.0),
        "W1": w(72, 100),
        "b1": w(100, scale=0.1),
        "W2": w(100, 64),
        "W3": w(48, 64),
        "b3": w(48, scale=0.1),
        "W4": w(10, 128),
        "W5": w(128, 4),
        "b5": w(1, 4, scale=0.1),
        "shape10": np.array([10, 64], dtype=np.int64),
    }
    inits["P"] = w(48, 128, scale=0.5)
    inits["P2"] = inits["P"].copy()
    inits["M"] = rng.random((48, 128)) < 0.7
    inits["zero"] = np.zeros((1,), dtype=np.float32)
    # a few large weights so that blocks differ a lot in scale
    inits["W2"][3, 7] = 2.5
    inits["W3"][5, :32] *= 8.0
    nodes = [
        helper.make_node("Gather", ["E", "tok"], ["emb"], name="embed"),
        helper.make_node("MatMul", ["emb", "W1"], ["h1m"], name="fc1"),
        helper.make_node("Add", ["h1m", "b1"], ["h1a"], name="fc1_bias"),
        helper.make_node("Relu", ["h1a"], ["h1"], name="relu1"),
        helper.make_node("MatMul", ["h1", "W2"], ["h2"], name="fc2"),
        helper.make_node("Reshape", ["h2", "shape10"], ["h2r"], name="flatten"),
        helper.make_node("Gemm", ["h2r", "W3", "b3"], ["h3"], name="fc3", transB=1, alpha=0.5, beta=2.0),
        helper.make_node("Gemm", ["h3", "W4"], ["h4"], name="fc4", transA=1),
        helper.make_node("Add", ["h4", "P"], ["h4p"], name="pos"),
        helper.make_node("Add", ["h4p", "P2"], ["h4q"], name="pos2"),
        helper.make_node("Where", ["M", "h4q", "zero"], ["h4m"], name="mask"),
        helper.make_node("Gemm", ["h4m", "W5", "b5"], ["logits"], name="head"),
    ]
    graph = helper.make_graph(
        nodes, "wquant_lm",
        [helper.make_tensor_value_info("tok", TensorProto.INT64, [2, 5])],
        [helper.make_tensor_value_info("h3", TensorProto.FLOAT, [10, 48]),
         helper.make_tensor_value_info("logits", TensorProto.FLOAT, [48, 4])],
        [numpy_helper.from_array(v, k) for k, v in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="tests/wquant/gen_model.py")
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, "lm.onnx"))


if __name__ == "__main__":
    main()
