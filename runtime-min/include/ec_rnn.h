/* ec_rnn.h - runtime-min kernels of the rnn family: RNN, GRU, LSTM.
 *
 * One call runs one direction d of a layer with D directions (D = 2 for
 * bidirectional: the compiler emits one call for d = 0 and one for d = 1).
 * Shapes are ONNX's, with T steps, N batch rows, I inputs, H hidden units and
 * G gates (RNN 1, GRU 3, LSTM 4):
 *
 *   x     layout 0: (T, N, I)        layout 1: (N, T, I)
 *   w     (D, G*H, I)   gate blocks in ONNX order (GRU z r h, LSTM i o f c)
 *   r     (D, G*H, H)
 *   b     (D, 2*G*H)    [Wb, Rb], or NULL (zero)
 *   seq   (N) int32 sequence lengths, or NULL (all T); clamped to [0, T]
 *   h0    layout 0: (D, N, H)        layout 1: (N, D, H); NULL (zero)
 *   c0    like h0 (LSTM), NULL (zero)
 *   p     (D, 3*H) LSTM peepholes [Pi, Po, Pf], or NULL (zero)
 *   y     layout 0: (T, D, N, H)     layout 1: (N, T, D, H); NULL if unused
 *   yh    like h0: the hidden state after the last valid step; NULL if unused
 *   yc    like h0 (LSTM): the last cell state; NULL if unused
 *
 * Steps t >= seq[n] of row n are zero in y. reverse: the row runs from step
 * seq[n]-1 down to 0 (direction "reverse", or d = 1 of bidirectional).
 * Each batch row is run on its own: per step one gemv with w and one with r,
 * straight on the weights as given.
 *
 * Activations: act[k] is an EC_RNN_ACT_* code and ab[2k], ab[2k+1] its alpha
 * and beta (ignored by functions without parameters). RNN uses act[0] (f);
 * GRU act[0] (f: z, r) and act[1] (g: h); LSTM act[0] (f: i, o, f),
 * act[1] (g: c) and act[2] (h: output). clip > 0 clamps every gate's
 * pre-activation to [-clip, clip]; clip <= 0 does not clip.
 *
 * work: scratch of EC_RNN_WORK_FLOATS(G, H) floats.
 */
#ifndef EC_RNN_H
#define EC_RNN_H

#include "ec_rt.h"

/* Scratch floats a call needs: G gate rows, and the state rows h, c and r*h. */
#define EC_RNN_WORK_FLOATS(G, H) (((G) + 3) * (H))

enum {
    EC_RNN_ACT_RELU = 0,
    EC_RNN_ACT_TANH = 1,
    EC_RNN_ACT_SIGMOID = 2,
    EC_RNN_ACT_AFFINE = 3,          /* alpha * x + beta */
    EC_RNN_ACT_LEAKYRELU = 4,       /* x >= 0 ? x : alpha * x */
    EC_RNN_ACT_THRESHOLDEDRELU = 5, /* x >= alpha ? x : 0 */
    EC_RNN_ACT_SCALEDTANH = 6,      /* alpha * tanh(beta * x) */
    EC_RNN_ACT_HARDSIGMOID = 7,     /* max(0, min(1, alpha * x + beta)) */
    EC_RNN_ACT_ELU = 8,             /* x >= 0 ? x : alpha * (exp(x) - 1) */
    EC_RNN_ACT_SOFTSIGN = 9,        /* x / (1 + |x|) */
    EC_RNN_ACT_SOFTPLUS = 10        /* log(1 + exp(x)) */
};

/* RNN: h = f(W x + R h + Wb + Rb). act: 1 code, ab: 2 floats. */
void ec_rnn_f32(float *y, float *yh, const float *x, const float *w, const float *r,
                const float *b, const int32_t *seq, const float *h0, float *work,
                int32_t T, int32_t N, int32_t I, int32_t H, int32_t D, int32_t d,
                int32_t reverse, int32_t layout, float clip,
                const int32_t *act, const float *ab);

/* GRU: z = f(Wz x + Rz h + Wbz + Rbz), r = f(Wr x + Rr h + Wbr + Rbr),
 *   linear_before_reset 0: n = g(Wh x + Rh (r * h) + Wbh + Rbh)
 *   linear_before_reset 1: n = g(Wh x + r * (Rh h + Rbh) + Wbh)
 *   h = (1 - z) * n + z * h. act: 2 codes, ab: 4 floats. */
void ec_gru_f32(float *y, float *yh, const float *x, const float *w, const float *r,
                const float *b, const int32_t *seq, const float *h0, float *work,
                int32_t T, int32_t N, int32_t I, int32_t H, int32_t D, int32_t d,
                int32_t reverse, int32_t layout, float clip, int32_t linear_before_reset,
                const int32_t *act, const float *ab);

/* LSTM: i = f(Wi x + Ri h + Pi * c + Wbi + Rbi), f = f(Wf x + Rf h + Pf * c + Wbf + Rbf)
 * (input_forget: f = 1 - i), c' = g(Wc x + Rc h + Wbc + Rbc), c = f * c + i * c',
 * o = f(Wo x + Ro h + Po * c + Wbo + Rbo) with the new c, h = o * h(c).
 * act: 3 codes, ab: 6 floats. */
void ec_lstm_f32(float *y, float *yh, float *yc, const float *x, const float *w, const float *r,
                 const float *b, const int32_t *seq, const float *h0, const float *c0,
                 const float *p, float *work,
                 int32_t T, int32_t N, int32_t I, int32_t H, int32_t D, int32_t d,
                 int32_t reverse, int32_t layout, float clip, int32_t input_forget,
                 const int32_t *act, const float *ab);

#endif
