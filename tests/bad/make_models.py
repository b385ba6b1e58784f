#!/usr/bin/python3
"""Write the bad-input models of tests/bad/ (run by tests/bad/run.sh).

    /usr/bin/python3 tests/bad/make_models.py [OUTDIR]   (default: tests/bad)

Each model is wrong in one way that edgec must diagnose in one line and exit 1.
The generated files are committed, so `make test` does not need to run this.
Deterministic: the same bytes every run (fixed seed, no timestamps).
"""
import os
import random
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))


def model(nodes, inputs, outputs, inits=(), ir=8, opset=17, extra_opsets=()):
    g = helper.make_graph(nodes, "bad", inputs, outputs, initializer=list(inits))
    m = helper.make_model(g, producer_name="edgec-tests",
                          opset_imports=[helper.make_opsetid("", opset)] + list(extra_opsets))
    m.ir_version = ir
    return m


def vi(name, dt, shape):
    return helper.make_tensor_value_info(name, dt, shape)


def save(name, m):
    data = m if isinstance(m, bytes) else m.SerializeToString()
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def raw_tensor(name, dt, dims, raw):
    t = TensorProto()
    t.name = name
    t.data_type = dt
    t.dims.extend(dims)
    t.raw_data = raw
    return t


def relu(x="X", y="Y", name="relu"):
    return helper.make_node("Relu", [x], [y], name=name)


F = TensorProto.FLOAT


def main():
    os.makedirs(OUT, exist_ok=True)

    # empty.onnx: zero bytes
    save("empty.onnx", b"")

    # truncated.onnx: a valid model cut at half its length (the cut lands in
    # the weight bytes, so the length prefix runs past the end)
    w = np.arange(64 * 64, dtype=np.float32).reshape(64, 64) / 100
    good = model([helper.make_node("MatMul", ["X", "W"], ["Y"], name="mm")],
                 [vi("X", F, [1, 64])], [vi("Y", F, [1, 64])],
                 [numpy_helper.from_array(w, "W")])
    b = good.SerializeToString()
    save("truncated.onnx", b[: len(b) // 2])

    # random.onnx: 512 random bytes, fixed seed
    rng = random.Random(1234)
    save("random.onnx", bytes(rng.randrange(256) for _ in range(512)))

    # unknown_op.onnx
    save("unknown_op.onnx", model([helper.make_node("FooBar", ["X"], ["Y"], name="foo")],
                                  [vi("X", F, [2, 3])], [vi("Y", F, [2, 3])]))

    # undefined_value.onnx: node 1 reads a value nothing defines
    save("undefined_value.onnx", model(
        [relu("X", "T", "r0"), helper.make_node("Add", ["T", "nowhere"], ["Y"], name="add")],
        [vi("X", F, [2, 3])], [vi("Y", F, [2, 3])]))

    # cycle.onnx: A reads B's output, B reads A's
    save("cycle.onnx", model(
        [helper.make_node("Add", ["X", "B"], ["A"], name="a"),
         helper.make_node("Relu", ["A"], ["B"], name="b"),
         relu("A", "Y", "out")],
        [vi("X", F, [2, 3])], [vi("Y", F, [2, 3])]))

    # rank_mismatch.onnx: MatMul [2,3] x [4,5]
    save("rank_mismatch.onnx", model(
        [helper.make_node("MatMul", ["X", "W"], ["Y"], name="mm")],
        [vi("X", F, [2, 3])], [vi("Y", F, [2, 5])],
        [numpy_helper.from_array(np.ones((4, 5), np.float32), "W")]))

    # dtype_mismatch.onnx: Add float + int64
    save("dtype_mismatch.onnx", model(
        [helper.make_node("Add", ["X", "K"], ["Y"], name="add")],
        [vi("X", F, [2, 3])], [vi("Y", F, [2, 3])],
        [numpy_helper.from_array(np.ones((2, 3), np.int64), "K")]))

    # dim_overflow.onnx: initializer dims whose product overflows int64
    save("dim_overflow.onnx", model(
        [helper.make_node("Add", ["X", "W"], ["Y"], name="add")],
        [vi("X", F, [2, 3])], [vi("Y", F, [2, 3])],
        [raw_tensor("W", F, [2**32, 2**32], b"\0" * 24)]))

    # input_dim_overflow.onnx: a graph input whose static dims overflow
    save("input_dim_overflow.onnx", model(
        [relu()], [vi("X", F, [2**40, 2**40])], [vi("Y", F, None)]))

    # negative_dim.onnx
    save("negative_dim.onnx", model(
        [helper.make_node("Add", ["X", "W"], ["Y"], name="add")],
        [vi("X", F, [2, 3])], [vi("Y", F, [2, 3])],
        [raw_tensor("W", F, [2, -3], b"\0" * 24)]))

    # raw_size.onnx: raw_data shorter than the dims need
    save("raw_size.onnx", model(
        [helper.make_node("Add", ["X", "W"], ["Y"], name="add")],
        [vi("X", F, [2, 3])], [vi("Y", F, [2, 3])],
        [raw_tensor("W", F, [2, 3], b"\0" * 20)]))

    # external_escape.onnx: external data path with ".."
    t = raw_tensor("W", F, [2, 3], b"")
    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "../escape.bin"), ("offset", "0"), ("length", "24")):
        e = t.external_data.add()
        e.key, e.value = k, v
    save("external_escape.onnx", model(
        [helper.make_node("Add", ["X", "W"], ["Y"], name="add")],
        [vi("X", F, [2, 3])], [vi("Y", F, [2, 3])], [t]))

    # external_absolute.onnx: external data path that is absolute
    t2 = TensorProto()
    t2.CopyFrom(t)
    t2.external_data[0].value = "/etc/passwd"
    save("external_absolute.onnx", model(
        [helper.make_node("Add", ["X", "W"], ["Y"], name="add")],
        [vi("X", F, [2, 3])], [vi("Y", F, [2, 3])], [t2]))

    # ir_version.onnx: IR 99
    save("ir_version.onnx", model([relu()], [vi("X", F, [2])], [vi("Y", F, [2])], ir=99))

    # opset.onnx: opset 99
    save("opset.onnx", model([relu()], [vi("X", F, [2])], [vi("Y", F, [2])], opset=99))

    # deep_subgraph.onnx: If bodies nested 40 deep
    def body(depth):
        if depth == 0:
            n = helper.make_node("Identity", ["X"], ["o0"], name="leaf")
        else:
            n = helper.make_node("If", ["C"], ["o%d" % depth], name="if%d" % depth,
                                 then_branch=body(depth - 1), else_branch=body(0))
        return helper.make_graph([n], "b%d" % depth, [], [vi("o%d" % depth, F, [2])])
    save("deep_subgraph.onnx", model(
        [helper.make_node("If", ["C"], ["Y"], name="top", then_branch=body(20),
                          else_branch=body(0))],
        [vi("C", TensorProto.BOOL, []), vi("X", F, [2])], [vi("Y", F, [2])]))

    # deep_nesting.onnx: an input type nested 5000 deep (stack exhaustion
    # bait), encoded by hand and merged into a valid model's graph
    tp = bytes([0x0a, 0x02, 0x08, 0x01])  # TypeProto{tensor_type{elem_type: FLOAT}}
    for _ in range(5000):
        tp = _field(4, _field(1, tp))     # TypeProto{sequence_type{elem_type: tp}}
    extra = _field(7, _field(11, _field(1, b"Z") + _field(2, tp)))
    m = model([relu()], [vi("X", F, [2])], [vi("Y", F, [2])])
    save("deep_nesting.onnx", m.SerializeToString() + extra)

    # no_outputs.onnx: a graph without outputs
    save("no_outputs.onnx", model([relu()], [vi("X", F, [2])], []))

    # duplicate_def.onnx: two nodes define the same value
    save("duplicate_def.onnx", model(
        [relu("X", "Y", "r0"), relu("X", "Y", "r1")],
        [vi("X", F, [2])], [vi("Y", F, [2])]))

    # sequences and optionals (resolved at compile time, ir/ops/seq.c)
    seq_f2 = helper.make_tensor_sequence_value_info("S", F, [2])
    # seq_no_len.onnx: a sequence graph input, compiled without --seq
    save("seq_no_len.onnx", model(
        [helper.make_node("SequenceLength", ["S"], ["Y"], name="len")],
        [seq_f2], [vi("Y", TensorProto.INT64, [])]))
    # seq_at_range.onnx: SequenceAt at position 5 of a 2-element sequence
    save("seq_at_range.onnx", model(
        [helper.make_node("SequenceConstruct", ["X", "X"], ["S"], name="make"),
         helper.make_node("SequenceAt", ["S", "pos"], ["Y"], name="at")],
        [vi("X", F, [2])], [vi("Y", F, [2])],
        inits=[numpy_helper.from_array(np.array(5, dtype=np.int64), "pos")]))
    # seq_at_runtime.onnx: SequenceAt at a position known only at run time
    save("seq_at_runtime.onnx", model(
        [helper.make_node("SequenceConstruct", ["X", "X"], ["S"], name="make"),
         helper.make_node("SequenceAt", ["S", "pos"], ["Y"], name="at")],
        [vi("X", F, [2]), vi("pos", TensorProto.INT32, [])], [vi("Y", F, [2])]))
    # opt_get_none.onnx: OptionalGetElement of an optional compiled as none
    opt_f2 = helper.make_value_info("O", helper.make_optional_type_proto(
        helper.make_tensor_type_proto(F, [2])))
    save("opt_get_none.onnx", model(
        [helper.make_node("OptionalGetElement", ["O"], ["Y"], name="get")],
        [opt_f2], [vi("Y", F, [2])]))

    # ---- string tensors
    S = TensorProto.STRING
    # str_no_bound.onnx: a string graph input (compiled without --max-string-bytes)
    save("str_no_bound.onnx", model(
        [helper.make_node("Cast", ["S"], ["Y"], name="c", to=F)],
        [vi("S", S, [3])], [vi("Y", F, [3])]))
    # str_cast_int.onnx: Cast from string to int64 (only float is read)
    save("str_cast_int.onnx", model(
        [helper.make_node("Cast", ["S"], ["Y"], name="c", to=TensorProto.INT64)],
        [vi("S", S, [3])], [vi("Y", TensorProto.INT64, [3])]))
    # str_identity.onnx: an op that does not take string tensors
    save("str_identity.onnx", model(
        [helper.make_node("Identity", ["S"], ["Y"], name="id")],
        [vi("S", S, [3])], [vi("Y", S, [3])]))
    # str_const.onnx: a string initializer (string constants have no C form)
    save("str_const.onnx", model(
        [helper.make_node("Cast", ["C"], ["Y"], name="c", to=F)],
        [], [vi("Y", F, [2])],
        inits=[helper.make_tensor("C", S, [2], [b"1.5", b"2"])]))
    # str_norm_action.onnx: StringNormalizer with a case_change_action ONNX does not define
    save("str_norm_action.onnx", model(
        [helper.make_node("StringNormalizer", ["S"], ["Y"], name="sn", case_change_action="TITLE")],
        [vi("S", S, [3])], [vi("Y", S, [3])]))
    # str_norm_rank.onnx: StringNormalizer of a [2, 3] tensor (only [C] and [1, C])
    save("str_norm_rank.onnx", model(
        [helper.make_node("StringNormalizer", ["S"], ["Y"], name="sn", stopwords=["a"])],
        [vi("S", S, [2, 3])], [vi("Y", S, [2, 3])]))


def _varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(num, payload):
    """A length-delimited protobuf field."""
    return _varint(num << 3 | 2) + _varint(len(payload)) + payload


if __name__ == "__main__":
    main()
