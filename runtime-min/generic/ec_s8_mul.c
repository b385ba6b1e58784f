/* ec_s8_mul.c - generic kernel(s) declared in ec_qint8.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_qint8_util.h"


void ec_s8_mul(int8_t *y, const int8_t *a, const int8_t *b, int32_t a_zp, int32_t b_zp,
               int32_t y_zp, int32_t act_min, int32_t act_max, int32_t rank,
               const int32_t *dims, const int32_t *a_strides, const int32_t *b_strides,
               const int32_t *rq)
{
    EC_S8_BCAST({
        const int32_t acc = ((int32_t)a[ia] - a_zp) * ((int32_t)b[ib] - b_zp);
        y[iy] = ec_s8_out(ec_s8_requant(acc, rq[0], rq[1]), y_zp, act_min, act_max);
    });
}
