"""Writes tests/symdim/decode.onnxtxt: one transformer decode step with a KV
cache whose past length is the symbolic dim `past` (fixed seed, small sizes).

    /usr/bin/python3 tests/symdim/gen_model.py

The committed .onnxtxt is what the test uses; run.py recomputes the model
with numpy from the weights it reads back from that file.
"""
import os
import re
import numpy as np
import onnx
import onnx.parser
from onnx import helper, numpy_helper, TensorProto as TP

H, DH, V, F = 2, 4, 11, 16
D = H * DH


TYPES = {TP.FLOAT: "float", TP.INT64: "int64", TP.DOUBLE: "double", TP.BOOL: "bool"}


def to_text(model):
    """The model in the ONNX text syntax (onnx 1.12 has no printer)."""
    g = model.graph

    def vi(v):
        t = v.type.tensor_type
        dims = [d.dim_param if d.dim_param else str(d.dim_value) for d in t.shape.dim]
        return "%s[%s] %s" % (TYPES[t.elem_type], ",".join(dims), v.name)

    def attr(a):
        if a.type == onnx.AttributeProto.INT:
            return "%s = %d" % (a.name, a.i)
        if a.type == onnx.AttributeProto.FLOAT:
            return "%s = %.9g" % (a.name, a.f)
        if a.type == onnx.AttributeProto.INTS:
            return "%s = [%s]" % (a.name, ", ".join(str(i) for i in a.ints))
        raise ValueError(a.name)

    def init(t):
        a = numpy_helper.to_array(t)
        fmt = "%.9g" if a.dtype == np.float32 else "%d"
        vals = ", ".join(fmt % x for x in a.reshape(-1))
        shape = "[%s]" % ",".join(str(d) for d in a.shape) if a.shape else ""
        return "   %s%s %s = {%s}" % (TYPES[t.data_type], shape, t.name, vals)

    out = ['<ir_version: %d, opset_import: ["" : %d]>' % (model.ir_version, model.opset_import[0].version)]
    out.append("%s (%s) => (%s)" % (g.name, ", ".join(vi(v) for v in g.input),
                                     ", ".join(vi(v) for v in g.output)))
    out.append("<\n" + ",\n".join(init(t) for t in g.initializer) + "\n>")
    out.append("{")
    for n in g.node:
        at = "<%s>" % ", ".join(attr(a) for a in n.attribute) if n.attribute else ""
        out.append("   [%s] %s = %s%s (%s)" % (n.name, ", ".join(n.output), n.op_type, at, ", ".join(n.input)))
    out.append("}")
    return "\n".join(out)


def strip_node_names(text):
    """onnx 1.12's parser does not read node names ("[name] y = Op(x)")."""
    return re.sub(r"(?m)^(\s*)\[\w+\] ", r"\1", text)


def main():
    rng = np.random.default_rng(7)

    def w(name, *shape, scale=0.5):
        return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)

    def c64(name, vals):
        return numpy_helper.from_array(np.array(vals, dtype=np.int64), name)

    def cf(name, val):
        return numpy_helper.from_array(np.array(val, dtype=np.float32), name)

    inits = [
        w("E", V, D), w("ln_g", D), w("ln_b", D, scale=0.1),
        w("Wq", D, D), w("Wk", D, D), w("bk", D, scale=0.1), w("Wv", D, D), w("bv", D, scale=0.1),
        w("Wo", D, D), w("W1", D, F), w("W2", F, V),
        c64("shape_q", [1, 1, H, DH]), c64("shape_k", [1, H, 1, DH]), c64("shape_v", [0, H, 1, -1]),
        c64("shape_o", [1, -1]), c64("ax2", [2]), c64("last_start", [-1]),
        c64("last_end", [2**62]), c64("half_start", [0]), c64("half_end", [DH // 2]), c64("ax3", [3]),
        cf("scale", np.sqrt(DH)), cf("lim", 2.5), cf("mix", 0.125), cf("half", 0.5), cf("one", 1.0),
        cf("sqrt2", np.sqrt(2.0)), cf("two", 2.0), cf("quarter", 0.25),
    ]
    N = helper.make_node
    nodes = [
        N("Gather", ["E", "tok"], ["emb"], name="embed", axis=0),
        N("LayerNormalization", ["emb", "ln_g", "ln_b"], ["xn"], name="ln", axis=-1, epsilon=1e-5),
        N("MatMul", ["xn", "Wq"], ["q"], name="q_proj"),
        N("Gemm", ["xn", "Wk", "bk"], ["k"], name="k_proj"),
        N("MatMul", ["xn", "Wv"], ["v0"], name="v_proj"),
        N("Add", ["v0", "bv"], ["v"], name="v_bias"),
        N("Reshape", ["q", "shape_q"], ["q4"], name="q_split"),
        N("Transpose", ["q4"], ["qh"], name="q_heads", perm=[0, 2, 1, 3]),
        N("Reshape", ["k", "shape_k"], ["k4"], name="k_split"),
        N("Reshape", ["v", "shape_v"], ["v4"], name="v_split"),
        N("Concat", ["past_k", "k4"], ["present_k"], name="cache_k", axis=2),
        N("Concat", ["past_v", "v4"], ["present_v"], name="cache_v", axis=2),
        N("Transpose", ["present_k"], ["kt"], name="k_t", perm=[0, 1, 3, 2]),
        N("MatMul", ["qh", "kt"], ["s"], name="scores"),
        N("Div", ["s", "scale"], ["ss"], name="scaled"),
        N("Less", ["ss", "lim"], ["below"], name="below_lim"),
        N("Where", ["below", "ss", "lim"], ["sc"], name="clamp"),
        N("Cast", ["sc"], ["sc64"], name="to_f64", to=TP.DOUBLE),
        N("Cast", ["sc64"], ["sc32"], name="to_f32", to=TP.FLOAT),
        N("Squeeze", ["sc32", "ax2"], ["sq"], name="squeeze_q"),
        N("Softmax", ["sq"], ["p"], name="softmax", axis=-1),
        N("Unsqueeze", ["p", "ax2"], ["pu"], name="unsqueeze_q"),
        N("MatMul", ["pu", "present_v"], ["o"], name="attend"),
        N("ReduceMean", ["present_v"], ["mv"], name="mean_v", axes=[2], keepdims=1),
        N("Slice", ["present_k", "last_start", "last_end", "ax2"], ["klast"], name="last_k"),
        N("Slice", ["klast", "half_start", "half_end", "ax3"], ["khalf"], name="half_k"),
        N("ReduceMean", ["khalf"], ["km"], name="mean_k", axes=[3], keepdims=1),
        N("Sub", ["mv", "km"], ["mvk"], name="centre"),
        N("Mul", ["mvk", "mix"], ["mvs"], name="mix_mean"),
        N("Add", ["o", "mvs"], ["o2"], name="add_mean"),
        N("Transpose", ["o2"], ["ot"], name="merge_t", perm=[0, 2, 1, 3]),
        N("Reshape", ["ot", "shape_o"], ["of"], name="merge"),
        N("MatMul", ["of", "Wo"], ["attn"], name="o_proj"),
        N("Add", ["emb", "attn"], ["h"], name="residual"),
        N("MatMul", ["h", "W1"], ["h1"], name="ffn_in"),
        N("Div", ["h1", "sqrt2"], ["hs"], name="gelu_div"),
        N("Erf", ["hs"], ["he"], name="gelu_erf"),
        N("Add", ["he", "one"], ["he1"], name="gelu_add"),
        N("Mul", ["h1", "half"], ["hh"], name="gelu_half"),
        N("Mul", ["hh", "he1"], ["g"], name="gelu"),
        N("Tanh", ["h1"], ["t"], name="tanh"),
        N("Pow", ["h1", "two"], ["pw"], name="square"),
        N("Add", ["pw", "one"], ["pw1"], name="square_1"),
        N("Sqrt", ["pw1"], ["rt"], name="root"),
        N("Mul", ["t", "rt"], ["tr"], name="tanh_root"),
        N("Sub", ["g", "tr"], ["f0"], name="ffn_mix"),
        N("Sub", ["f0", "quarter"], ["f"], name="ffn_shift"),
        N("MatMul", ["f", "W2"], ["logits"], name="ffn_out"),
    ]
    graph = helper.make_graph(
        nodes, "decode",
        [helper.make_tensor_value_info("tok", TP.INT64, [1]),
         helper.make_tensor_value_info("past_k", TP.FLOAT, [1, H, "past", DH]),
         helper.make_tensor_value_info("past_v", TP.FLOAT, [1, H, "past", DH])],
        [helper.make_tensor_value_info("logits", TP.FLOAT, [1, V]),
         helper.make_tensor_value_info("present_k", TP.FLOAT, [1, H, "past_1", DH]),
         helper.make_tensor_value_info("present_v", TP.FLOAT, [1, H, "past_1", DH])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model, full_check=True)
    text = to_text(model)
    back = onnx.parser.parse_model(strip_node_names(text))
    onnx.checker.check_model(back, full_check=True)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "decode.onnxtxt"), "w") as f:
        f.write("# One transformer decode step with a KV cache of symbolic length `past`\n"
                "# (written by tests/symdim/gen_model.py; the test recomputes it with numpy).\n")
        f.write(text)
        f.write("\n")


if __name__ == "__main__":
    main()
