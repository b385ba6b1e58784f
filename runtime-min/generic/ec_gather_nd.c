/* ec_gather_nd.c - generic kernel(s) declared in ec_shape.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_shape_util.h"


void ec_gather_nd(void *y, const void *x, const void *idx, int32_t elem_size, int32_t idx_dt,
                  int32_t nbatch, int32_t m, int32_t k, int32_t slice, int32_t xbatch,
                  const int32_t *dims, const int32_t *strides)
{
    unsigned char *yp = (unsigned char *)y;
    const unsigned char *xp = (const unsigned char *)x;
    int32_t b, j, t, ii = 0;
    for (b = 0; b < nbatch; b++) {
        for (j = 0; j < m; j++) {
            int64_t off = (int64_t)b * xbatch;
            for (t = 0; t < k; t++, ii++)
                off += wrap_index(read_index(idx, idx_dt, ii), dims[t]) * strides[t];
            copy_bytes(yp, xp + off * elem_size, slice * elem_size);
            yp += (int64_t)slice * elem_size;
        }
    }
}
