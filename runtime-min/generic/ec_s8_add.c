/* ec_s8_add.c - generic kernel(s) declared in ec_qint8.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_qint8_util.h"


void ec_s8_add(int8_t *y, const int8_t *a, const int8_t *b, int32_t a_zp, int32_t b_zp,
               int32_t y_zp, int32_t act_min, int32_t act_max, int32_t rank,
               const int32_t *dims, const int32_t *a_strides, const int32_t *b_strides,
               const int32_t *rq)
{
    EC_S8_BCAST({
        const int32_t va = ec_s8_requant(((int32_t)a[ia] - a_zp) * (1 << 20), rq[0], rq[1]);
        const int32_t vb = ec_s8_requant(((int32_t)b[ib] - b_zp) * (1 << 20), rq[2], rq[3]);
        y[iy] = ec_s8_out(ec_s8_requant(va + vb, rq[4], rq[5]), y_zp, act_min, act_max);
    });
}
