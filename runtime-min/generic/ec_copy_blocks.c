/* ec_copy_blocks.c - generic kernel(s) declared in ec_shape.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_shape_util.h"


void ec_copy_blocks(void *y, const void *x, int32_t nblocks, int32_t block_bytes,
                    int32_t y_offset, int32_t y_stride, int32_t x_offset, int32_t x_stride)
{
    unsigned char *yp;
    const unsigned char *xp;
    int32_t b;
    if (nblocks <= 0 || block_bytes <= 0) return; /* x may be an empty caller buffer */
    yp = (unsigned char *)y + y_offset;
    xp = (const unsigned char *)x + x_offset;
    for (b = 0; b < nblocks; b++)
        copy_bytes(yp + (int64_t)b * y_stride, xp + (int64_t)b * x_stride, block_bytes);
}
