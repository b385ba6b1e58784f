/* ec_global_maxpool_f32.c - generic kernel(s) declared in ec_nn.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_nn_util.h"


void ec_global_maxpool_f32(float *y, const float *x, int32_t nc, int32_t s)
{
    int32_t q, i;
    for (q = 0; q < nc; q++) {
        const float *xq = x + (size_t)q * (size_t)s;
        float best = xq[0];
        for (i = 1; i < s; i++)
            if (xq[i] > best) best = xq[i];
        y[q] = best;
    }
}
