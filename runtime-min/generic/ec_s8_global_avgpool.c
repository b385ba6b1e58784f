/* ec_s8_global_avgpool.c - generic kernel(s) declared in ec_qint8.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_qint8_util.h"


void ec_s8_global_avgpool(int8_t *y, const int8_t *x, int32_t nc, int32_t s, int32_t x_zp)
{
    int32_t ci, j;
    for (ci = 0; ci < nc; ci++) {
        const int8_t *xc = x + (size_t)ci * (size_t)s;
        int32_t sum = 0;
        for (j = 0; j < s; j++) sum += (int32_t)xc[j] - x_zp;
        y[ci] = ec_s8_out(div_round_even(sum, s), x_zp, -128, 127);
    }
}
