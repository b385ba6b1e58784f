/* ec_str_check.c - generic kernel(s) declared in ec_string.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_string_util.h"


int32_t ec_str_check(const char *const *x, int32_t n, int32_t max_bytes)
{
    int32_t i, j;
    for (i = 0; i < n; i++) {
        if (!x[i]) return -1;
        for (j = 0; x[i][j]; j++)
            if (j >= max_bytes) return -1;
    }
    return 0;
}
