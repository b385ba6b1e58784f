/* ec_iter_s64.c - generic kernel(s) declared in ec_control.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
/* ec_control.c - generic C99 kernels of control flow (see ec_control.h). */
#include "ec_control.h"

void ec_iter_s64(int64_t *y, int32_t i)
{
    y[0] = (int64_t)i;
}
