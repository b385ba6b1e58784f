/* ec_momentum_f32.c - generic kernel(s) declared in ec_training.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
/* ec_training.c - optimizer steps (see ec_training.h). */
#include <math.h>
#include "ec_training.h"

void ec_momentum_f32(float *x_new, float *v_new, const float *r, const int64_t *t, const float *x,
                     const float *g, const float *v, int32_t n, float alpha, float beta, float norm,
                     int32_t nesterov)
{
    const double bb = t[0] > 0 ? (double)beta : 1.0, rr = r[0];
    int32_t i;
    for (i = 0; i < n; i++) {
        const double gr = (double)norm * x[i] + g[i];
        const double vn = (double)alpha * v[i] + bb * gr;
        x_new[i] = (float)(nesterov ? x[i] - rr * (gr + (double)alpha * vn) : x[i] - rr * vn);
        v_new[i] = (float)vn;
    }
}
