/* ec_instancenorm_f32.c - generic kernel(s) declared in ec_nn.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_nn_util.h"


void ec_instancenorm_f32(float *y, const float *x, const float *scale, const float *bias,
                         int32_t n, int32_t c, int32_t s, float eps)
{
    int32_t ni, ci, i;
    for (ni = 0; ni < n; ni++) {
        for (ci = 0; ci < c; ci++) {
            const size_t base = ((size_t)ni * (size_t)c + (size_t)ci) * (size_t)s;
            float mu, inv;
            moments(x + base, s, eps, &mu, &inv);
            for (i = 0; i < s; i++)
                y[base + (size_t)i] = (x[base + (size_t)i] - mu) * inv * scale[ci] + bias[ci];
        }
    }
}
