/* ec_lstm_f32.c - generic kernel(s) declared in ec_rnn.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_rnn_util.h"


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
