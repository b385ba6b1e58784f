/* ec_layernorm_f32.c - generic kernel(s) declared in ec_nn.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_nn_util.h"


void ec_layernorm_f32(float *y, float *mean, float *invstd, const float *x,
                      const float *scale, const float *bias, int32_t outer, int32_t inner,
                      int32_t sn, int32_t bn, float eps)
{
    int32_t r, j;
    for (r = 0; r < outer; r++) {
        const size_t base = (size_t)r * (size_t)inner;
        float mu, inv;
        moments(x + base, inner, eps, &mu, &inv);
        for (j = 0; j < inner; j++) {
            float v = (x[base + (size_t)j] - mu) * inv * scale[j % sn];
            if (bias) v += bias[j % bn];
            y[base + (size_t)j] = v;
        }
        if (mean) mean[r] = mu;
        if (invstd) invstd[r] = inv;
    }
}
