#!/usr/bin/python3
"""gen_test_rnn.py - expected values for tests/unit/test_rnn.c.

A float64 numpy implementation of the ONNX RNN, GRU and LSTM equations (the
operator documentation's, written independently of edgec). Inputs come from
the same formula as fill() in test_rnn.c, so only the outputs are printed:

    /usr/bin/python3 tests/unit/gen_test_rnn.py > /tmp/rnn_ref.h

and the arrays are pasted into test_rnn.c.
"""
import numpy as np


def fill(n, k):
    # exact in float32: ((i * 7 + k * 13) % 17 - 8) / 16
    return np.array([((i * 7 + k * 13) % 17 - 8) / 16.0 for i in range(n)], dtype=np.float32).astype(np.float64)


ACT = {
    'Relu': lambda x, a, b: np.maximum(x, 0),
    'Tanh': lambda x, a, b: np.tanh(x),
    'Sigmoid': lambda x, a, b: 1 / (1 + np.exp(-x)),
    'Affine': lambda x, a, b: a * x + b,
    'LeakyRelu': lambda x, a, b: np.where(x >= 0, x, a * x),
    'ThresholdedRelu': lambda x, a, b: np.where(x >= a, x, 0),
    'ScaledTanh': lambda x, a, b: a * np.tanh(b * x),
    'HardSigmoid': lambda x, a, b: np.clip(a * x + b, 0, 1),
    'Elu': lambda x, a, b: np.where(x >= 0, x, a * (np.exp(x) - 1)),
    'Softsign': lambda x, a, b: x / (1 + np.abs(x)),
    'Softplus': lambda x, a, b: np.log(1 + np.exp(x)),
}


def run(kind, X, W, R, B, seq, h0, c0, P, acts, layout=0, direction='forward', clip=0.0, flag=0):
    """acts: per direction a list of (name, alpha, beta). Returns Y, Y_h, Y_c."""
    if layout:
        X = X.transpose(1, 0, 2)
        h0 = None if h0 is None else h0.transpose(1, 0, 2)
        c0 = None if c0 is None else c0.transpose(1, 0, 2)
    T, N, _ = X.shape
    D, GH, _ = W.shape
    H = R.shape[2]
    Y = np.zeros((T, D, N, H))
    YH = np.zeros((D, N, H))
    YC = np.zeros((D, N, H))
    cl = (lambda v: np.clip(v, -clip, clip)) if clip > 0 else (lambda v: v)
    for d in range(D):
        rev = direction == 'reverse' or d == 1
        f = [(lambda v, a=a: ACT[a[0]](cl(v), a[1], a[2])) for a in acts[d]]
        hh = [lambda v, a=a: ACT[a[0]](v, a[1], a[2]) for a in acts[d]]
        w, r = W[d], R[d]
        wb = B[d][:GH] if B is not None else np.zeros(GH)
        rb = B[d][GH:] if B is not None else np.zeros(GH)
        for n in range(N):
            L = T if seq is None else int(seq[n])
            h = np.zeros(H) if h0 is None else h0[d, n].copy()
            c = np.zeros(H) if c0 is None else c0[d, n].copy()
            steps = range(L - 1, -1, -1) if rev else range(L)
            for t in steps:
                x = X[t, n]
                if kind == 'RNN':
                    h = f[0](w @ x + r @ h + wb + rb)
                elif kind == 'GRU':
                    wz, wr, wh = np.split(w, 3)
                    rz, rr, rh = np.split(r, 3)
                    wbz, wbr, wbh = np.split(wb, 3)
                    rbz, rbr, rbh = np.split(rb, 3)
                    z = f[0](wz @ x + rz @ h + wbz + rbz)
                    rg = f[0](wr @ x + rr @ h + wbr + rbr)
                    if flag:
                        nn = f[1](wh @ x + rg * (rh @ h + rbh) + wbh)
                    else:
                        nn = f[1](wh @ x + rh @ (rg * h) + rbh + wbh)
                    h = (1 - z) * nn + z * h
                else:
                    g = w @ x + r @ h + wb + rb
                    gi, go, gf, gc = np.split(g, 4)
                    pi, po, pf = np.split(P[d], 3) if P is not None else (0, 0, 0)
                    i = f[0](gi + pi * c)
                    ff = 1 - i if flag else f[0](gf + pf * c)
                    cc = f[1](gc)
                    c = ff * c + i * cc
                    o = f[0](go + po * c)
                    h = o * hh[2](c)
                Y[t, d, n] = h
            YH[d, n] = h
            YC[d, n] = c
    if layout:
        return Y.transpose(2, 0, 1, 3), YH.transpose(1, 0, 2), YC.transpose(1, 0, 2)
    return Y, YH, YC


def arr(name, a):
    vals = ', '.join('%.9g' % v for v in a.ravel())
    print('static const double %s[%d] = { %s };' % (name, a.size, vals))


def case(name, kind, T, N, I, H, D, layout=0, direction='forward', bias=True, seq=None,
         init=True, peep=False, acts=None, clip=0.0, flag=0):
    G = {'RNN': 1, 'GRU': 3, 'LSTM': 4}[kind]
    X = fill(T * N * I, 1).reshape((N, T, I) if layout else (T, N, I))
    W = fill(D * G * H * I, 2).reshape(D, G * H, I)
    R = fill(D * G * H * H, 3).reshape(D, G * H, H)
    B = fill(D * 2 * G * H, 4).reshape(D, 2 * G * H) if bias else None
    sshape = (N, D, H) if layout else (D, N, H)
    h0 = fill(D * N * H, 5).reshape(sshape) if init else None
    c0 = fill(D * N * H, 6).reshape(sshape) if init and kind == 'LSTM' else None
    P = fill(D * 3 * H, 7).reshape(D, 3 * H) if peep else None
    Y, YH, YC = run(kind, X, W, R, B, seq, h0, c0, P, acts, layout, direction, clip, flag)
    print('/* %s */' % name)
    arr(name + '_y', Y)
    arr(name + '_yh', YH)
    if kind == 'LSTM':
        arr(name + '_yc', YC)


D1 = lambda *a: [list(a)]
case('rnn_fwd', 'RNN', 3, 2, 2, 3, 1, seq=[3, 2], acts=D1(('Tanh', 0, 0)))
case('rnn_leaky_rev', 'RNN', 3, 2, 2, 3, 1, direction='reverse', layout=1, bias=False,
     acts=D1(('LeakyRelu', 0.1, 0)))
case('gru_bidi', 'GRU', 3, 2, 2, 3, 2, direction='bidirectional', seq=[2, 3],
     acts=[[('Sigmoid', 0, 0), ('Tanh', 0, 0)], [('HardSigmoid', 0.3, 0.4), ('Softsign', 0, 0)]])
case('gru_lbr', 'GRU', 3, 2, 2, 3, 1, layout=1, flag=1, clip=0.5,
     acts=D1(('Sigmoid', 0, 0), ('Tanh', 0, 0)))
case('lstm_peep_bidi', 'LSTM', 3, 2, 2, 3, 2, direction='bidirectional', peep=True, seq=[3, 1],
     acts=[[('Sigmoid', 0, 0), ('Tanh', 0, 0), ('Tanh', 0, 0)]] * 2)
case('lstm_misc', 'LSTM', 2, 2, 3, 2, 1, layout=1, flag=1, clip=0.8, init=False,
     acts=D1(('HardSigmoid', 0.2, 0.5), ('Elu', 0.7, 0), ('ScaledTanh', 1.5, 0.5)))
