/* ec_resize_f32.c - generic kernel(s) declared in ec_shape.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_shape_util.h"


void ec_resize_f32(float *y, const float *x, float extrapolation, int32_t rank,
                   const int32_t *ydims, const int32_t *taps, const int32_t *idx, const float *w)
{
    int32_t start[EC_MAX_RANK], c[EC_MAX_RANK], tc[EC_MAX_RANK];
    int64_t n = 1, i;
    int32_t d;
    for (d = 0; d < rank; d++) {
        start[d] = d == 0 ? 0 : start[d - 1] + ydims[d - 1] * taps[d - 1];
        c[d] = 0;
        n *= ydims[d];
    }
    for (i = 0; i < n; i++) {
        int out = 0;
        for (d = 0; d < rank; d++)
            if (idx[start[d] + c[d] * taps[d]] < 0) out = 1;
        if (out) {
            y[i] = extrapolation;
        } else {
            float acc = 0.0f;
            for (d = 0; d < rank; d++) tc[d] = 0;
            for (;;) {
                int64_t off = 0;
                float wt = 1.0f;
                for (d = 0; d < rank; d++) {
                    int32_t e = start[d] + c[d] * taps[d] + tc[d];
                    off += idx[e];
                    wt *= w[e];
                }
                acc += wt * x[off];
                for (d = rank - 1; d >= 0; d--) {
                    if (++tc[d] < taps[d]) break;
                    tc[d] = 0;
                }
                if (d < 0) break;
            }
            y[i] = acc;
        }
        for (d = rank - 1; d >= 0; d--) {
            if (++c[d] < ydims[d]) break;
            c[d] = 0;
        }
    }
}
