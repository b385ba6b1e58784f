/* ec_lp_norm_f32.c - generic kernel(s) declared in ec_signal.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_signal_util.h"


void ec_lp_norm_f32(float *y, const float *x, int32_t outer, int32_t n, int32_t inner, int32_t p)
{
    int32_t o, i, j;
    for (o = 0; o < outer; o++) {
        for (i = 0; i < inner; i++) {
            const int64_t base = (int64_t)o * n * inner + i;
            float s = 0.0f;
            for (j = 0; j < n; j++) {
                const float v = x[base + (int64_t)j * inner];
                s += p == 1 ? fabsf(v) : v * v;
            }
            if (p != 1) s = sqrtf(s);
            for (j = 0; j < n; j++)
                y[base + (int64_t)j * inner] = s != 0.0f ? x[base + (int64_t)j * inner] / s : 0.0f;
        }
    }
}
