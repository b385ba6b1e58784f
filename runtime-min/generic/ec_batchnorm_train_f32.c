/* ec_batchnorm_train_f32.c - generic kernel(s) declared in ec_nn.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_nn_util.h"


void ec_batchnorm_train_f32(float *y, float *run_mean, float *run_var, const float *x,
                            const float *scale, const float *bias, const float *mean,
                            const float *var, int32_t n, int32_t c, int32_t s, float eps,
                            float momentum)
{
    int32_t ni, ci, i;
    for (ci = 0; ci < c; ci++) {
        float sum = 0.0f, sq = 0.0f, mu, bvar, a;
        const float cnt = (float)n * (float)s;
        for (ni = 0; ni < n; ni++) {
            const float *xr = x + ((size_t)ni * (size_t)c + (size_t)ci) * (size_t)s;
            for (i = 0; i < s; i++) sum += xr[i];
        }
        mu = cnt > 0.0f ? sum / cnt : 0.0f;
        for (ni = 0; ni < n; ni++) {
            const float *xr = x + ((size_t)ni * (size_t)c + (size_t)ci) * (size_t)s;
            for (i = 0; i < s; i++) {
                float d = xr[i] - mu;
                sq += d * d;
            }
        }
        bvar = cnt > 0.0f ? sq / cnt : 0.0f;
        a = scale[ci] / sqrtf(bvar + eps);
        for (ni = 0; ni < n; ni++) {
            const size_t base = ((size_t)ni * (size_t)c + (size_t)ci) * (size_t)s;
            for (i = 0; i < s; i++) y[base + (size_t)i] = (x[base + (size_t)i] - mu) * a + bias[ci];
        }
        if (run_mean) run_mean[ci] = mean[ci] * momentum + mu * (1.0f - momentum);
        if (run_var) run_var[ci] = var[ci] * momentum + bvar * (1.0f - momentum);
    }
}
