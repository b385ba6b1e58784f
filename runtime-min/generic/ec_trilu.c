/* ec_trilu.c - generic kernel(s) declared in ec_shape.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_shape_util.h"


void ec_trilu(void *y, const void *x, int32_t elem_size, int32_t upper, int32_t k,
              int32_t batch, int32_t rows, int32_t cols)
{
    unsigned char *yp = (unsigned char *)y;
    const unsigned char *xp = (const unsigned char *)x;
    int32_t b, r, c, e;
    for (b = 0; b < batch; b++)
        for (r = 0; r < rows; r++)
            for (c = 0; c < cols; c++) {
                int64_t diff = (int64_t)c - r;
                int keep = upper ? diff >= k : diff <= k;
                if (keep) copy_bytes(yp, xp, elem_size);
                else for (e = 0; e < elem_size; e++) yp[e] = 0;
                yp += elem_size;
                xp += elem_size;
            }
}
