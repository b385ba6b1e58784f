/* ec_global_avgpool_f32.c - generic kernel(s) declared in ec_nn.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_nn_util.h"


void ec_global_avgpool_f32(float *y, const float *x, int32_t nc, int32_t s)
{
    int32_t q, i;
    for (q = 0; q < nc; q++) {
        const float *xq = x + (size_t)q * (size_t)s;
        float sum = 0.0f;
        for (i = 0; i < s; i++) sum += xq[i];
        y[q] = sum / (float)s;
    }
}
