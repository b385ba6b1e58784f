/* ec_gather_strided.c - generic kernel(s) declared in ec_shape.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_shape_util.h"


void ec_gather_strided(void *y, const void *x, int32_t elem_size, int32_t rank, int32_t base,
                       const int32_t *ydims, const int32_t *strides)
{
    unsigned char *yp = (unsigned char *)y;
    const unsigned char *xp = (const unsigned char *)x;
    int32_t idx[EC_MAX_RANK];
    int32_t d, last = rank - 1, n = ydims[last], step = strides[last], i;
    int64_t outer = 1, o;
    for (d = 0; d < rank; d++) {
        idx[d] = 0;
        if (d < last) outer *= ydims[d];
        if (ydims[d] == 0) return;
    }
    for (o = 0; o < outer; o++) {
        int64_t off = base;
        for (d = 0; d < last; d++) off += (int64_t)idx[d] * strides[d];
        if (step == 1 && (int64_t)n * elem_size <= INT32_MAX) {
            copy_bytes(yp, xp + off * elem_size, n * elem_size);
            yp += (int64_t)n * elem_size;
        } else {
            for (i = 0; i < n; i++, yp += elem_size, off += step)
                copy_bytes(yp, xp + off * elem_size, elem_size);
        }
        for (d = last - 1; d >= 0; d--) {
            if (++idx[d] < ydims[d]) break;
            idx[d] = 0;
        }
    }
}
