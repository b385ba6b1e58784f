/* ec_s8_avgpool.c - generic kernel(s) declared in ec_qint8.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_qint8_util.h"


void ec_s8_avgpool(int8_t *y, const int8_t *x, int32_t nc, int32_t count_include_pad,
                   int32_t x_zp, int32_t nd, const int32_t *p)
{
    const int32_t *in = p, *out = p + nd, *ks = p + 2 * nd, *st = p + 3 * nd;
    const int32_t *dl = p + 4 * nd, *pb = p + 5 * nd, *pe = p + 6 * nd;
    const int32_t isz = prod32(in, nd), osz = prod32(out, nd), ksz = prod32(ks, nd);
    int32_t ci, j, kk, i;
    for (ci = 0; ci < nc; ci++) {
        const int8_t *xc = x + (size_t)ci * (size_t)isz;
        int32_t opos[EC_MAX_RANK];
        for (i = 0; i < nd; i++) opos[i] = 0;
        for (j = 0; j < osz; j++) {
            int32_t sum = 0, cnt = 0;
            for (kk = 0; kk < ksz; kk++) {
                int32_t rem = kk, xoff = 0, inside = 1, padded = 1, kpos[EC_MAX_RANK];
                for (i = nd - 1; i >= 0; i--) {
                    kpos[i] = rem % ks[i];
                    rem /= ks[i];
                }
                for (i = 0; i < nd; i++) {
                    const int32_t ip = opos[i] * st[i] - pb[i] + kpos[i] * dl[i];
                    if (ip < 0 || ip >= in[i]) inside = 0;
                    if (ip < -pb[i] || ip >= in[i] + pe[i]) padded = 0;
                    xoff = xoff * in[i] + ip;
                }
                if (inside || (count_include_pad && padded)) cnt++;
                if (inside) sum += (int32_t)xc[xoff] - x_zp;    /* padding adds 0 */
            }
            y[(size_t)ci * (size_t)osz + (size_t)j] =
                ec_s8_out(cnt > 0 ? div_round_even(sum, cnt) : 0, x_zp, -128, 127);
            for (i = nd - 1; i >= 0; i--) {
                if (++opos[i] < out[i]) break;
                opos[i] = 0;
            }
        }
    }
}
