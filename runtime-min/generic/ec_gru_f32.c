/* ec_gru_f32.c - generic kernel(s) declared in ec_rnn.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_rnn_util.h"


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
