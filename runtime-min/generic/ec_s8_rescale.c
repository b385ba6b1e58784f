/* ec_s8_rescale.c - generic kernel(s) declared in ec_qint8.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_qint8_util.h"


void ec_s8_rescale(int8_t *y, const int8_t *x, int32_t x_zp, int32_t y_zp, int32_t outer,
                   int32_t inner, int32_t y_inner, int32_t off, const int32_t *rq)
{
    int32_t o, i;
    for (o = 0; o < outer; o++)
        for (i = 0; i < inner; i++)
            y[(size_t)o * (size_t)y_inner + (size_t)off + (size_t)i] =
                ec_s8_out(ec_s8_requant((int32_t)x[(size_t)o * (size_t)inner + (size_t)i] - x_zp,
                                        rq[0], rq[1]),
                          y_zp, -128, 127);
}
