/* ec_adagrad_f32.c - generic kernel(s) declared in ec_training.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
/* ec_training.c - optimizer steps (see ec_training.h). */
#include <math.h>
#include "ec_training.h"

void ec_adagrad_f32(float *x_new, float *h_new, const float *r, const int64_t *t, const float *x,
                    const float *g, const float *h, int32_t n, float decay, float eps, float norm)
{
    const double rr = (double)r[0] / (1.0 + (double)t[0] * (double)decay);
    int32_t i;
    for (i = 0; i < n; i++) {
        const double gr = (double)norm * x[i] + g[i];
        const double hn = h[i] + gr * gr;
        x_new[i] = (float)(x[i] - rr * gr / (sqrt(hn) + (double)eps));
        h_new[i] = (float)hn;
    }
}
