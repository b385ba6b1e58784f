/* ec_rnn_util.h - static helpers shared by the generic ec_rnn kernel files (internal,
 * not part of the runtime-min contract). */
#ifndef EC_RNN_UTIL_H
#define EC_RNN_UTIL_H
/* ec_rnn.c - generic C99 kernels of the rnn family (see ec_rnn.h). */
#include <math.h>
#include "ec_rnn.h"

static inline float act_apply(int32_t code, float alpha, float beta, float x)
{
    switch (code) {
    case EC_RNN_ACT_RELU: return x > 0.0f ? x : 0.0f;
    case EC_RNN_ACT_TANH: return tanhf(x);
    case EC_RNN_ACT_SIGMOID: return 1.0f / (1.0f + expf(-x));
    case EC_RNN_ACT_AFFINE: return alpha * x + beta;
    case EC_RNN_ACT_LEAKYRELU: return x >= 0.0f ? x : alpha * x;
    case EC_RNN_ACT_THRESHOLDEDRELU: return x >= alpha ? x : 0.0f;
    case EC_RNN_ACT_SCALEDTANH: return alpha * tanhf(beta * x);
    case EC_RNN_ACT_HARDSIGMOID: {
        float v = alpha * x + beta;
        return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
    }
    case EC_RNN_ACT_ELU: return x >= 0.0f ? x : alpha * (expf(x) - 1.0f);
    case EC_RNN_ACT_SOFTSIGN: return x / (1.0f + fabsf(x));
    case EC_RNN_ACT_SOFTPLUS: return x > 30.0f ? x : log1pf(expf(x));
    default: return x;
    }
}

/* Activation k of (act, ab) on v[0..n), pre-activations clipped when clip > 0. */
static inline void act_rows(float *v, int32_t n, const int32_t *act, const float *ab, int32_t k,
                     float clip)
{
    const int32_t code = act[k];
    const float alpha = ab[2 * k], beta = ab[2 * k + 1];
    int32_t j;
    for (j = 0; j < n; j++) {
        float x = v[j];
        if (clip > 0.0f) x = x < -clip ? -clip : x > clip ? clip : x;
        v[j] = act_apply(code, alpha, beta, x);
    }
}

/* y[j] (rows) += w[j] (rows, cols) . x (cols) */
static inline void gemv_acc(float *restrict y, const float *restrict w, const float *restrict x,
                     int32_t rows, int32_t cols)
{
    int32_t j, i;
    for (j = 0; j < rows; j++) {
        const float *wr = w + (size_t)j * (size_t)cols;
        float s = 0.0f;
        for (i = 0; i < cols; i++) s += wr[i] * x[i];
        y[j] += s;
    }
}

static inline void zero(float *v, int32_t n)
{
    int32_t j;
    for (j = 0; j < n; j++) v[j] = 0.0f;
}

static inline void copy(float *dst, const float *src, int32_t n)
{
    int32_t j;
    for (j = 0; j < n; j++) dst[j] = src[j];
}

/* Geometry of one call, shared by the three kernels. */
typedef struct rnn_geo {
    int32_t T, N, I, H, D, d, layout;
} rnn_geo;

static inline size_t x_off(const rnn_geo *g, int32_t t, int32_t n)
{
    size_t row = g->layout ? (size_t)n * (size_t)g->T + (size_t)t
                           : (size_t)t * (size_t)g->N + (size_t)n;
    return row * (size_t)g->I;
}

static inline size_t y_off(const rnn_geo *g, int32_t t, int32_t n)
{
    size_t row = g->layout
        ? ((size_t)n * (size_t)g->T + (size_t)t) * (size_t)g->D + (size_t)g->d
        : ((size_t)t * (size_t)g->D + (size_t)g->d) * (size_t)g->N + (size_t)n;
    return row * (size_t)g->H;
}

/* offset of row n of direction d in h0, yh, c0, yc */
static inline size_t s_off(const rnn_geo *g, int32_t n)
{
    size_t row = g->layout ? (size_t)n * (size_t)g->D + (size_t)g->d
                           : (size_t)g->d * (size_t)g->N + (size_t)n;
    return row * (size_t)g->H;
}

static inline int32_t seq_len(const int32_t *seq, int32_t n, int32_t T)
{
    int32_t len;
    if (!seq) return T;
    len = seq[n];
    return len < 0 ? 0 : len > T ? T : len;
}

/* state := src row (or 0 when src is NULL) */
static inline void load_state(float *s, const float *src, const rnn_geo *g, int32_t n)
{
    if (src) copy(s, src + s_off(g, n), g->H);
    else zero(s, g->H);
}

/* gate rows [0, rows) := Wb + Rb (or 0); b points at this direction's 2*GH biases */
static inline void init_bias(float *gate, const float *b, int32_t rows, int32_t GH)
{
    int32_t j;
    if (!b) {
        zero(gate, rows);
        return;
    }
    for (j = 0; j < rows; j++) gate[j] = b[j] + b[GH + j];
}

/* y rows of the steps after the sequence's end are zero */
static inline void zero_tail(float *y, const rnn_geo *g, int32_t n, int32_t len)
{
    int32_t t;
    if (!y) return;
    for (t = len; t < g->T; t++) zero(y + y_off(g, t, n), g->H);
}

#endif
