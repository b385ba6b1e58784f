/* ec_maxunpool_f32.c - generic kernel(s) declared in ec_nn.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_nn_util.h"


void ec_maxunpool_f32(float *y, const float *x, const int64_t *idx, int32_t nx, int32_t rank,
                      const int32_t *p)
{
    const int32_t *id = p, *od = p + rank;
    const int32_t ny = ec_prod(od, rank);
    int64_t ni = 1;
    int32_t i, j;
    for (i = 0; i < rank; i++) ni *= id[i];
    for (i = 0; i < ny; i++) y[i] = 0.0f;
    for (j = 0; j < nx; j++) {
        int64_t f = idx[j], off = 0, stride = 1;
        if (f < 0 || f >= ni) continue;
        for (i = rank - 1; i >= 0; i--) {
            int64_t c = f % id[i];
            f /= id[i];
            if (c >= od[i]) break;
            off += c * stride;
            stride *= od[i];
        }
        if (i < 0) y[off] = x[j];
    }
}
