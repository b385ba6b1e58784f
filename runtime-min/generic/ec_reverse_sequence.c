/* ec_reverse_sequence.c - generic kernel(s) declared in ec_shape.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_shape_util.h"


void ec_reverse_sequence(void *y, const void *x, const void *lens, int32_t elem_size,
                         int32_t lens_dt, int32_t time_axis, int32_t t, int32_t b, int32_t inner)
{
    unsigned char *yp = (unsigned char *)y;
    const unsigned char *xp = (const unsigned char *)x;
    int64_t blk = (int64_t)inner * elem_size;
    int32_t bi, ti;
    for (bi = 0; bi < b; bi++) {
        int64_t len = read_index(lens, lens_dt, bi);
        if (len < 0) len = 0;
        if (len > t) len = t;
        for (ti = 0; ti < t; ti++) {
            int64_t src = ti < len ? len - 1 - ti : ti;
            int64_t yo = time_axis == 0 ? (int64_t)ti * b + bi : (int64_t)bi * t + ti;
            int64_t xo = time_axis == 0 ? src * b + bi : (int64_t)bi * t + src;
            copy_bytes(yp + yo * blk, xp + xo * blk, (int32_t)blk);
        }
    }
}
