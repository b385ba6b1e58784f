/* ec_cast_f32_str.c - generic kernel(s) declared in ec_string.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_string_util.h"


void ec_cast_f32_str(const char **y, char *pool, const float *x, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        char *p = pool + (size_t)i * EC_STR_F32_BYTES;
        ec_str_from_f32(p, x[i]);
        y[i] = p;
    }
}
