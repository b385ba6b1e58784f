#!/usr/bin/python3
"""Expected outputs of tests/golden/control.onnxtxt, computed with numpy from
the model's definition (not by edgec), for both values of the condition c.
Writes expected.h; run by hand: /usr/bin/python3 tests/control/make_expected.py"""
import os
import numpy as np

x = np.array([1.5, -2.0, 0.25, -0.5], dtype=np.float32)


def model(c):
    # y = If(c): then Relu(x), else Neg(x) * 0.5
    y = np.maximum(x, 0) if c else (-x) * np.float32(0.5)
    # Loop, 3 iterations: a = a + y; scan output s = a + a; acc = final a
    a = x.copy()
    steps = []
    for _ in range(3):
        a = a + y
        steps.append(a + a)
    return y, a, np.stack(steps)


def arr(name, v):
    v = np.asarray(v, dtype=np.float32).ravel()
    return "static const float %s[%d] = { %s };\n" % (
        name, v.size, ", ".join(float(e).hex() + "f" for e in v))


out = ["/* expected.h - written by make_expected.py (numpy); do not edit. */\n",
       arr("input_x", x)]
for c in (True, False):
    y, acc, steps = model(c)
    tag = "then" if c else "else"
    out += [arr("want_y_" + tag, y), arr("want_acc_" + tag, acc), arr("want_steps_" + tag, steps)]
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "expected.h"), "w") as f:
    f.write("".join(out))
