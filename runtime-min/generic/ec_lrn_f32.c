/* ec_lrn_f32.c - generic kernel(s) declared in ec_nn.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_nn_util.h"


void ec_lrn_f32(float *y, const float *x, int32_t n, int32_t c, int32_t s, int32_t size,
                float alpha, float beta, float bias)
{
    const int32_t before = (size - 1) / 2, after = size / 2;
    int32_t ni, ci, i, k;
    for (ni = 0; ni < n; ni++) {
        const float *xn = x + (size_t)ni * (size_t)c * (size_t)s;
        float *yn = y + (size_t)ni * (size_t)c * (size_t)s;
        for (ci = 0; ci < c; ci++) {
            const int32_t k0 = ci - before < 0 ? 0 : ci - before;
            const int32_t k1 = ci + after >= c ? c - 1 : ci + after;
            for (i = 0; i < s; i++) {
                float sq = 0.0f;
                for (k = k0; k <= k1; k++) {
                    float v = xn[(size_t)k * (size_t)s + (size_t)i];
                    sq += v * v;
                }
                yn[(size_t)ci * (size_t)s + (size_t)i] =
                    xn[(size_t)ci * (size_t)s + (size_t)i] /
                    powf(bias + alpha / (float)size * sq, beta);
            }
        }
    }
}
