/* ec_control.c - generic C99 kernels of control flow (see ec_control.h). */
#include "ec_control.h"

void ec_iter_s64(int64_t *y, int32_t i)
{
    y[0] = (int64_t)i;
}

void ec_zero(void *y, int32_t nbytes)
{
    unsigned char *d = (unsigned char *)y;
    int32_t i;
    for (i = 0; i < nbytes; i++) d[i] = 0;
}
