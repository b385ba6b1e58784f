/* ec_rnn_f32.c - generic kernel(s) declared in ec_rnn.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_rnn_util.h"


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
