/* ec_zero.c - generic kernel(s) declared in ec_control.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
/* ec_control.c - generic C99 kernels of control flow (see ec_control.h). */
#include "ec_control.h"

void ec_zero(void *y, int32_t nbytes)
{
    unsigned char *d = (unsigned char *)y;
    int32_t i;
    for (i = 0; i < nbytes; i++) d[i] = 0;
}
