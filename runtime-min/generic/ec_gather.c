/* ec_gather.c - generic kernel(s) declared in ec_shape.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_shape_util.h"


void ec_gather(void *y, const void *x, const void *idx, int32_t elem_size, int32_t idx_dt,
               int32_t outer, int32_t axis_dim, int32_t inner, int32_t nidx)
{
    unsigned char *yp = (unsigned char *)y;
    const unsigned char *xp = (const unsigned char *)x;
    int64_t blk = (int64_t)inner * elem_size;
    int32_t o, j;
    if (blk <= 0) return; /* an empty output; x may be an empty caller buffer */
    for (o = 0; o < outer; o++) {
        for (j = 0; j < nidx; j++) {
            int64_t v = wrap_index(read_index(idx, idx_dt, j), axis_dim);
            copy_bytes(yp, xp + ((int64_t)o * axis_dim + v) * blk, (int32_t)blk);
            yp += blk;
        }
    }
}
