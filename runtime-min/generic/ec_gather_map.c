/* ec_gather_map.c - generic kernel(s) declared in ec_shape.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_shape_util.h"


void ec_gather_map(void *y, const void *x, const void *fill_in, int32_t elem_size, int32_t rank,
                   const int32_t *ydims, const int32_t *offs, const int32_t *fill_bits)
{
    unsigned char *yp = (unsigned char *)y;
    const unsigned char *xp = (const unsigned char *)x;
    const unsigned char *fill = fill_in ? (const unsigned char *)fill_in : (const unsigned char *)fill_bits;
    int32_t start[EC_MAX_RANK], idx[EC_MAX_RANK];
    int32_t d, last = rank - 1, n = ydims[last];
    const int32_t *lt;
    int64_t outer = 1, o;
    for (d = 0, start[0] = 0; d < rank; d++) {
        if (d > 0) start[d] = start[d - 1] + ydims[d - 1];
        idx[d] = 0;
        if (d < last) outer *= ydims[d];
        if (ydims[d] == 0) return;
    }
    lt = offs + start[last];
    for (o = 0; o < outer; o++) {
        int64_t base = 0;
        int out = 0;
        int32_t i;
        for (d = 0; d < last; d++) {
            int32_t v = offs[start[d] + idx[d]];
            if (v < 0) out = 1;
            base += v;
        }
        for (i = 0; i < n; i++, yp += elem_size) {
            if (out || lt[i] < 0)
                copy_bytes(yp, fill, elem_size);
            else
                copy_bytes(yp, xp + (base + lt[i]) * elem_size, elem_size);
        }
        for (d = last - 1; d >= 0; d--) {
            if (++idx[d] < ydims[d]) break;
            idx[d] = 0;
        }
    }
}
