/* ec_adam_f32.c - generic kernel(s) declared in ec_training.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
/* ec_training.c - optimizer steps (see ec_training.h). */
#include <math.h>
#include "ec_training.h"

void ec_adam_f32(float *x_new, float *v_new, float *h_new, const float *r, const int64_t *t,
                 const float *x, const float *g, const float *v, const float *h, int32_t n,
                 float alpha, float beta, float eps, float norm, float norm_post)
{
    const double a = alpha, b = beta, tt = (double)t[0];
    const double rr = t[0] > 0 ? (double)r[0] * sqrt(1.0 - pow(b, tt)) / (1.0 - pow(a, tt))
                               : (double)r[0];
    int32_t i;
    for (i = 0; i < n; i++) {
        const double gr = (double)norm * x[i] + g[i];
        const double vn = a * v[i] + (1.0 - a) * gr;
        const double hn = b * h[i] + (1.0 - b) * gr * gr;
        x_new[i] = (float)((1.0 - (double)norm_post) * (x[i] - rr * vn / (sqrt(hn) + (double)eps)));
        v_new[i] = (float)vn;
        h_new[i] = (float)hn;
    }
}
