/* ec_gather_elements.c - generic kernel(s) declared in ec_shape.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_shape_util.h"


void ec_gather_elements(void *y, const void *x, const void *idx, int32_t elem_size, int32_t idx_dt,
                        int32_t axis, int32_t rank, const int32_t *xdims, const int32_t *idims)
{
    unsigned char *yp = (unsigned char *)y;
    const unsigned char *xp = (const unsigned char *)x;
    int32_t c[EC_MAX_RANK], xstride[EC_MAX_RANK];
    int64_t n = 1, i;
    int32_t d;
    for (d = rank - 1; d >= 0; d--) {
        xstride[d] = d == rank - 1 ? 1 : xstride[d + 1] * xdims[d + 1];
        c[d] = 0;
        n *= idims[d];
    }
    for (i = 0; i < n; i++) {
        int64_t off = 0;
        for (d = 0; d < rank; d++) {
            int64_t v = d == axis ? wrap_index(read_index(idx, idx_dt, (int32_t)i), xdims[d]) : c[d];
            off += v * xstride[d];
        }
        copy_bytes(yp + i * elem_size, xp + off * elem_size, elem_size);
        for (d = rank - 1; d >= 0; d--) {
            if (++c[d] < idims[d]) break;
            c[d] = 0;
        }
    }
}
