/* ec_rnn.c - generic C99 kernels of the rnn family (see ec_rnn.h). */
#include <math.h>
#include "ec_rnn.h"

static float act_apply(int32_t code, float alpha, float beta, float x)
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
static void act_rows(float *v, int32_t n, const int32_t *act, const float *ab, int32_t k,
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
static void gemv_acc(float *restrict y, const float *restrict w, const float *restrict x,
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

static void zero(float *v, int32_t n)
{
    int32_t j;
    for (j = 0; j < n; j++) v[j] = 0.0f;
}

static void copy(float *dst, const float *src, int32_t n)
{
    int32_t j;
    for (j = 0; j < n; j++) dst[j] = src[j];
}

/* Geometry of one call, shared by the three kernels. */
typedef struct rnn_geo {
    int32_t T, N, I, H, D, d, layout;
} rnn_geo;

static size_t x_off(const rnn_geo *g, int32_t t, int32_t n)
{
    size_t row = g->layout ? (size_t)n * (size_t)g->T + (size_t)t
                           : (size_t)t * (size_t)g->N + (size_t)n;
    return row * (size_t)g->I;
}

static size_t y_off(const rnn_geo *g, int32_t t, int32_t n)
{
    size_t row = g->layout
        ? ((size_t)n * (size_t)g->T + (size_t)t) * (size_t)g->D + (size_t)g->d
        : ((size_t)t * (size_t)g->D + (size_t)g->d) * (size_t)g->N + (size_t)n;
    return row * (size_t)g->H;
}

/* offset of row n of direction d in h0, yh, c0, yc */
static size_t s_off(const rnn_geo *g, int32_t n)
{
    size_t row = g->layout ? (size_t)n * (size_t)g->D + (size_t)g->d
                           : (size_t)g->d * (size_t)g->N + (size_t)n;
    return row * (size_t)g->H;
}

static int32_t seq_len(const int32_t *seq, int32_t n, int32_t T)
{
    int32_t len;
    if (!seq) return T;
    len = seq[n];
    return len < 0 ? 0 : len > T ? T : len;
}

/* state := src row (or 0 when src is NULL) */
static void load_state(float *s, const float *src, const rnn_geo *g, int32_t n)
{
    if (src) copy(s, src + s_off(g, n), g->H);
    else zero(s, g->H);
}

/* gate rows [0, rows) := Wb + Rb (or 0); b points at this direction's 2*GH biases */
static void init_bias(float *gate, const float *b, int32_t rows, int32_t GH)
{
    int32_t j;
    if (!b) {
        zero(gate, rows);
        return;
    }
    for (j = 0; j < rows; j++) gate[j] = b[j] + b[GH + j];
}

/* y rows of the steps after the sequence's end are zero */
static void zero_tail(float *y, const rnn_geo *g, int32_t n, int32_t len)
{
    int32_t t;
    if (!y) return;
    for (t = len; t < g->T; t++) zero(y + y_off(g, t, n), g->H);
}

void ec_rnn_f32(float *y, float *yh, const float *x, const float *w, const float *r,
                const float *b, const int32_t *seq, const float *h0, float *work,
                int32_t T, int32_t N, int32_t I, int32_t H, int32_t D, int32_t d,
                int32_t reverse, int32_t layout, float clip,
                const int32_t *act, const float *ab)
{
    const rnn_geo g = { T, N, I, H, D, d, layout };
    const float *wd = w + (size_t)d * (size_t)H * (size_t)I;
    const float *rd = r + (size_t)d * (size_t)H * (size_t)H;
    const float *bd = b ? b + (size_t)d * 2u * (size_t)H : NULL;
    float *gate = work, *h = work + H;
    int32_t n, s;
    for (n = 0; n < N; n++) {
        const int32_t len = seq_len(seq, n, T);
        load_state(h, h0, &g, n);
        for (s = 0; s < len; s++) {
            const int32_t t = reverse ? len - 1 - s : s;
            init_bias(gate, bd, H, H);
            gemv_acc(gate, wd, x + x_off(&g, t, n), H, I);
            gemv_acc(gate, rd, h, H, H);
            act_rows(gate, H, act, ab, 0, clip);
            copy(h, gate, H);
            if (y) copy(y + y_off(&g, t, n), h, H);
        }
        zero_tail(y, &g, n, len);
        if (yh) copy(yh + s_off(&g, n), h, H);
    }
}

void ec_gru_f32(float *y, float *yh, const float *x, const float *w, const float *r,
                const float *b, const int32_t *seq, const float *h0, float *work,
                int32_t T, int32_t N, int32_t I, int32_t H, int32_t D, int32_t d,
                int32_t reverse, int32_t layout, float clip, int32_t linear_before_reset,
                const int32_t *act, const float *ab)
{
    const rnn_geo g = { T, N, I, H, D, d, layout };
    const int32_t GH = 3 * H;
    const float *wd = w + (size_t)d * (size_t)GH * (size_t)I;
    const float *rd = r + (size_t)d * (size_t)GH * (size_t)H;
    const float *rh = rd + (size_t)2 * (size_t)H * (size_t)H; /* Rh block */
    const float *bd = b ? b + (size_t)d * 2u * (size_t)GH : NULL;
    float *gate = work, *h = work + GH, *tmp = work + GH + H;
    float *z = gate, *rg = gate + H, *nn = gate + 2 * H;
    int32_t n, s, j;
    for (n = 0; n < N; n++) {
        const int32_t len = seq_len(seq, n, T);
        load_state(h, h0, &g, n);
        for (s = 0; s < len; s++) {
            const int32_t t = reverse ? len - 1 - s : s;
            /* z, r: W x + R h + Wb + Rb; n: W x + Wb so far */
            init_bias(gate, bd, 2 * H, GH);
            if (bd) copy(nn, bd + 2 * H, H);
            else zero(nn, H);
            gemv_acc(gate, wd, x + x_off(&g, t, n), GH, I);
            gemv_acc(gate, rd, h, 2 * H, H);
            act_rows(gate, 2 * H, act, ab, 0, clip);
            if (bd) copy(tmp, bd + GH + 2 * H, H); /* Rbh */
            else zero(tmp, H);
            if (linear_before_reset) {
                gemv_acc(tmp, rh, h, H, H);
                for (j = 0; j < H; j++) nn[j] += rg[j] * tmp[j];
            } else {
                /* tmp = Rbh + Rh (r * h); r * h goes to rg (r is not needed after) */
                for (j = 0; j < H; j++) rg[j] *= h[j];
                gemv_acc(tmp, rh, rg, H, H);
                for (j = 0; j < H; j++) nn[j] += tmp[j];
            }
            act_rows(nn, H, act, ab, 1, clip);
            for (j = 0; j < H; j++) h[j] = (1.0f - z[j]) * nn[j] + z[j] * h[j];
            if (y) copy(y + y_off(&g, t, n), h, H);
        }
        zero_tail(y, &g, n, len);
        if (yh) copy(yh + s_off(&g, n), h, H);
    }
}

void ec_lstm_f32(float *y, float *yh, float *yc, const float *x, const float *w, const float *r,
                 const float *b, const int32_t *seq, const float *h0, const float *c0,
                 const float *p, float *work,
                 int32_t T, int32_t N, int32_t I, int32_t H, int32_t D, int32_t d,
                 int32_t reverse, int32_t layout, float clip, int32_t input_forget,
                 const int32_t *act, const float *ab)
{
    const rnn_geo g = { T, N, I, H, D, d, layout };
    const int32_t GH = 4 * H;
    const float *wd = w + (size_t)d * (size_t)GH * (size_t)I;
    const float *rd = r + (size_t)d * (size_t)GH * (size_t)H;
    const float *bd = b ? b + (size_t)d * 2u * (size_t)GH : NULL;
    const float *pd = p ? p + (size_t)d * 3u * (size_t)H : NULL;
    float *gate = work, *h = work + GH, *c = work + GH + H;
    float *gi = gate, *go = gate + H, *gf = gate + 2 * H, *gc = gate + 3 * H;
    int32_t n, s, j;
    for (n = 0; n < N; n++) {
        const int32_t len = seq_len(seq, n, T);
        load_state(h, h0, &g, n);
        load_state(c, c0, &g, n);
        for (s = 0; s < len; s++) {
            const int32_t t = reverse ? len - 1 - s : s;
            init_bias(gate, bd, GH, GH);
            gemv_acc(gate, wd, x + x_off(&g, t, n), GH, I);
            gemv_acc(gate, rd, h, GH, H);
            if (pd)
                for (j = 0; j < H; j++) {
                    gi[j] += pd[j] * c[j];
                    gf[j] += pd[2 * H + j] * c[j];
                }
            act_rows(gi, H, act, ab, 0, clip);
            if (input_forget)
                for (j = 0; j < H; j++) gf[j] = 1.0f - gi[j];
            else
                act_rows(gf, H, act, ab, 0, clip);
            act_rows(gc, H, act, ab, 1, clip);
            for (j = 0; j < H; j++) c[j] = gf[j] * c[j] + gi[j] * gc[j];
            if (pd)
                for (j = 0; j < H; j++) go[j] += pd[H + j] * c[j];
            act_rows(go, H, act, ab, 0, clip);
            /* h = o * h(c), through gc (free now) */
            copy(gc, c, H);
            act_rows(gc, H, act, ab, 2, 0.0f);
            for (j = 0; j < H; j++) h[j] = go[j] * gc[j];
            if (y) copy(y + y_off(&g, t, n), h, H);
        }
        zero_tail(y, &g, n, len);
        if (yh) copy(yh + s_off(&g, n), h, H);
        if (yc) copy(yc + s_off(&g, n), c, H);
    }
}
