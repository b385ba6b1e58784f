/* ec_onehot.c - generic kernel(s) declared in ec_shape.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_shape_util.h"


void ec_onehot(void *y, const void *idx, const void *values, int32_t elem_size, int32_t idx_dt,
               int32_t outer, int32_t depth, int32_t inner)
{
    unsigned char *yp = (unsigned char *)y;
    const unsigned char *off = (const unsigned char *)values;
    const unsigned char *on = off + elem_size;
    int32_t o, d, i;
    for (o = 0; o < outer; o++)
        for (d = 0; d < depth; d++)
            for (i = 0; i < inner; i++, yp += elem_size) {
                int64_t v = read_index(idx, idx_dt, o * inner + i);
                if (v < 0) v += depth;
                copy_bytes(yp, v == d ? on : off, elem_size);
            }
}
