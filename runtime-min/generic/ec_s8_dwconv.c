/* ec_s8_dwconv.c - generic kernel(s) declared in ec_qint8.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_qint8_util.h"


void ec_s8_dwconv(int8_t *y, const int8_t *x, const int8_t *w, const int32_t *bias,
                  int32_t n, int32_t c, int32_t m, int32_t x_zp, int32_t y_zp,
                  int32_t act_min, int32_t act_max, const int32_t *rq, const int32_t *p)
{
    const int32_t ih = p[0], iw = p[1], oh = p[2], ow = p[3], kh = p[4], kw = p[5];
    const int32_t sh = p[6], sw = p[7], dh = p[8], dw = p[9], ph = p[10], pw = p[11];
    const int32_t mult = m / c;
    int32_t ni, mi, oy, ox, ky, kx;
    for (ni = 0; ni < n; ni++) {
        for (mi = 0; mi < m; mi++) {
            const int8_t *xc = x + ((size_t)ni * (size_t)c + (size_t)(mi / mult)) * (size_t)ih * (size_t)iw;
            const int8_t *wm = w + (size_t)mi * (size_t)kh * (size_t)kw;
            int8_t *yo = y + ((size_t)ni * (size_t)m + (size_t)mi) * (size_t)oh * (size_t)ow;
            const int32_t b = bias ? bias[mi] : 0, mu = rq[2 * mi], sv = rq[2 * mi + 1];
            for (oy = 0; oy < oh; oy++) {
                for (ox = 0; ox < ow; ox++) {
                    int32_t acc = b;
                    for (ky = 0; ky < kh; ky++) {
                        const int32_t iy = oy * sh - ph + ky * dh;
                        if (iy < 0 || iy >= ih) continue;
                        for (kx = 0; kx < kw; kx++) {
                            const int32_t ix = ox * sw - pw + kx * dw;
                            if (ix < 0 || ix >= iw) continue;
                            acc += ((int32_t)xc[(size_t)iy * (size_t)iw + (size_t)ix] - x_zp) *
                                   (int32_t)wm[ky * kw + kx];
                        }
                    }
                    yo[(size_t)oy * (size_t)ow + (size_t)ox] =
                        ec_s8_out(ec_s8_requant(acc, mu, sv), y_zp, act_min, act_max);
                }
            }
        }
    }
}
