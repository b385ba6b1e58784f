/* ec_s8_fc.c - generic kernel(s) declared in ec_qint8.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_qint8_util.h"


void ec_s8_fc(int8_t *y, const int8_t *x, const int8_t *w, const int32_t *bias,
              int32_t M, int32_t N, int32_t K, int32_t x_zp, int32_t y_zp,
              int32_t act_min, int32_t act_max, const int32_t *rq)
{
    int32_t i, j, k;
    for (i = 0; i < M; i++) {
        const int8_t *xr = x + (size_t)i * (size_t)K;
        for (j = 0; j < N; j++) {
            const int8_t *wr = w + (size_t)j * (size_t)K;
            int32_t acc = 0, wsum = 0;
            for (k = 0; k < K; k++) {
                acc += (int32_t)xr[k] * (int32_t)wr[k];
                wsum += wr[k];
            }
            /* sum (x - zp) w = sum x w - zp sum w */
            acc -= x_zp * wsum;
            if (bias) acc += bias[j];
            y[(size_t)i * (size_t)N + (size_t)j] =
                ec_s8_out(ec_s8_requant(acc, rq[2 * j], rq[2 * j + 1]), y_zp, act_min, act_max);
        }
    }
}
