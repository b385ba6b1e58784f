/* ec_cast_str_f32.c - generic kernel(s) declared in ec_string.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_string_util.h"


void ec_cast_str_f32(float *y, const char *const *x, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) y[i] = ec_str_to_f32(x[i]);
}
