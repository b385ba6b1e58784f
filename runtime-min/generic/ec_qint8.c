/* ec_qint8.c - portable C99 int8 kernels of static post-training
 * quantization (see ec_qint8.h). Integer arithmetic only. */
#include "ec_qint8.h"

/* One output position of a grouped conv: sum over the channels of its group
 * and the kernel window. opos: output coordinates; returns the accumulator. */
static int32_t conv_point(const int8_t *xg, const int8_t *wm, int32_t cg, int32_t isz,
                          int32_t ksz, int32_t x_zp, int32_t nd, const int32_t *p,
                          const int32_t *opos)
{
    const int32_t *in = p, *ks = p + 2 * nd, *st = p + 3 * nd, *dl = p + 4 * nd, *pb = p + 5 * nd;
    int32_t acc = 0, ci, kk, i;
    for (kk = 0; kk < ksz; kk++) {
        int32_t rem = kk, xoff = 0, ok = 1, kpos[EC_MAX_RANK];
        for (i = nd - 1; i >= 0; i--) {
            kpos[i] = rem % ks[i];
            rem /= ks[i];
        }
        for (i = 0; i < nd; i++) {
            int32_t ip = opos[i] * st[i] - pb[i] + kpos[i] * dl[i];
            if (ip < 0 || ip >= in[i]) { ok = 0; break; }
            xoff = xoff * in[i] + ip;
        }
        if (!ok) continue;
        for (ci = 0; ci < cg; ci++)
            acc += ((int32_t)xg[(size_t)ci * (size_t)isz + (size_t)xoff] - x_zp) *
                   (int32_t)wm[(size_t)ci * (size_t)ksz + (size_t)kk];
    }
    return acc;
}

/* First k in [0, kn) with 0 <= base + k * d (d > 0), and one past the last with base + k * d < lim. */
static int32_t k_first(int32_t base, int32_t d, int32_t kn)
{
    int32_t k = base >= 0 ? 0 : (-base + d - 1) / d;
    return k < kn ? k : kn;
}
static int32_t k_end(int32_t base, int32_t d, int32_t kn, int32_t lim)
{
    int32_t k;
    if (base >= lim) return 0;
    k = (lim - 1 - base) / d + 1;
    return k < kn ? k : kn;
}

/* The 2-D case of ec_s8_conv (images): the same sums in another order. For each output row,
 * up to EC_S8_CONV_CHUNK outputs of EC_S8_CONV_MB output channels (of one group) accumulate in
 * int32 on the stack while every tap (input channel, ky, kx) is added to all of them at once,
 * over the outputs whose input column exists: one load of an input feeds MB channels, and the
 * inner loop has no test. */
#define EC_S8_CONV_CHUNK 32
#define EC_S8_CONV_MB 4

/* acc[c][j] += (xs[j * sw] - x_zp) * wv[c] for j < cnt and the nc (1 or EC_S8_CONV_MB) channels;
 * restrict: the int8 input cannot alias the accumulators, so the compiler may vectorize */
static void taps(int32_t (*restrict acc)[EC_S8_CONV_CHUNK], int32_t j0, const int8_t *restrict xs,
                 int32_t cnt, int32_t sw, int32_t x_zp, const int32_t *wv, int32_t nc)
{
    int32_t j, k;
    if (nc == EC_S8_CONV_MB) {
        const int32_t w0 = wv[0], w1 = wv[1], w2 = wv[2], w3 = wv[3];
        for (j = 0; j < cnt; j++) {
            const int32_t v = (int32_t)xs[j * sw] - x_zp;
            acc[0][j0 + j] += v * w0;
            acc[1][j0 + j] += v * w1;
            acc[2][j0 + j] += v * w2;
            acc[3][j0 + j] += v * w3;
        }
        return;
    }
    for (k = 0; k < nc; k++)
        for (j = 0; j < cnt; j++) acc[k][j0 + j] += ((int32_t)xs[j * sw] - x_zp) * wv[k];
}

static void conv2d(int8_t *y, const int8_t *x, const int8_t *w, const int32_t *bias, int32_t n, int32_t c,
                   int32_t m, int32_t group, int32_t x_zp, int32_t y_zp, int32_t act_min, int32_t act_max,
                   const int32_t *rq, const int32_t *p)
{
    const int32_t ih = p[0], iw = p[1], oh = p[2], ow = p[3], kh = p[4], kw = p[5];
    const int32_t sh = p[6], sw = p[7], dh = p[8], dw = p[9], ph = p[10], pw = p[11];
    const int32_t cg = c / group, mg = m / group;
    const size_t isz = (size_t)ih * (size_t)iw, ksz = (size_t)kh * (size_t)kw;
    int32_t acc[EC_S8_CONV_MB][EC_S8_CONV_CHUNK], wv[EC_S8_CONV_MB];
    int32_t ni, mi, nc, k, oy, o0, ci, ky, kx, j;
    for (ni = 0; ni < n; ni++) {
        for (mi = 0; mi < m; mi += nc) {
            const int8_t *xg = x + ((size_t)ni * (size_t)c + (size_t)(mi / mg) * (size_t)cg) * isz;
            const int8_t *wm = w + (size_t)mi * (size_t)cg * ksz;
            /* EC_S8_CONV_MB channels at once while they stay in one group */
            nc = mi % mg + EC_S8_CONV_MB <= mg ? EC_S8_CONV_MB : 1;
            for (oy = 0; oy < oh; oy++) {
                const int32_t iy0 = oy * sh - ph, ky0 = k_first(iy0, dh, kh), ky1 = k_end(iy0, dh, kh, ih);
                for (o0 = 0; o0 < ow; o0 += EC_S8_CONV_CHUNK) {
                    const int32_t cn = ow - o0 < EC_S8_CONV_CHUNK ? ow - o0 : EC_S8_CONV_CHUNK;
                    for (k = 0; k < nc; k++)
                        for (j = 0; j < cn; j++) acc[k][j] = bias ? bias[mi + k] : 0;
                    for (ci = 0; ci < cg; ci++) {
                        const int8_t *xc = xg + (size_t)ci * isz;
                        for (ky = ky0; ky < ky1; ky++) {
                            const int8_t *xr = xc + (size_t)(iy0 + ky * dh) * (size_t)iw;
                            for (kx = 0; kx < kw; kx++) {
                                /* output o0 + j reads input column (o0 + j) * sw + off */
                                const int32_t off = o0 * sw + kx * dw - pw;
                                const int32_t j0 = k_first(off, sw, cn), j1 = k_end(off, sw, cn, iw);
                                const size_t t = ((size_t)ci * (size_t)kh + (size_t)ky) * (size_t)kw + (size_t)kx;
                                int32_t any = 0;
                                if (j0 >= j1) continue;
                                for (k = 0; k < nc; k++) {
                                    wv[k] = wm[(size_t)k * (size_t)cg * ksz + t];
                                    any |= wv[k];
                                }
                                if (any) taps(acc, j0, xr + off + j0 * sw, j1 - j0, sw, x_zp, wv, nc);
                            }
                        }
                    }
                    for (k = 0; k < nc; k++) {
                        int8_t *yo = y + ((size_t)ni * (size_t)m + (size_t)(mi + k)) * (size_t)oh * (size_t)ow;
                        const int32_t mu = rq[2 * (mi + k)], sv = rq[2 * (mi + k) + 1];
                        for (j = 0; j < cn; j++)
                            yo[(size_t)oy * (size_t)ow + (size_t)(o0 + j)] =
                                ec_s8_out(ec_s8_requant(acc[k][j], mu, sv), y_zp, act_min, act_max);
                    }
                }
            }
        }
    }
}

void ec_s8_conv(int8_t *y, const int8_t *x, const int8_t *w, const int32_t *bias,
                int32_t n, int32_t c, int32_t m, int32_t group, int32_t x_zp, int32_t y_zp,
                int32_t act_min, int32_t act_max, int32_t nd, const int32_t *rq,
                const int32_t *p)
{
    const int32_t *out = p + nd;
    const int32_t cg = c / group, mg = m / group;
    const int32_t isz = ec_prod(p, nd), osz = ec_prod(out, nd), ksz = ec_prod(p + 2 * nd, nd);
    int32_t ni, mi, j, i;
    if (nd == 2) {
        conv2d(y, x, w, bias, n, c, m, group, x_zp, y_zp, act_min, act_max, rq, p);
        return;
    }
    for (ni = 0; ni < n; ni++) {
        for (mi = 0; mi < m; mi++) {
            const int32_t gi = mi / mg;
            const int8_t *xg = x + ((size_t)ni * (size_t)c + (size_t)gi * (size_t)cg) * (size_t)isz;
            const int8_t *wm = w + (size_t)mi * (size_t)cg * (size_t)ksz;
            int8_t *yo = y + ((size_t)ni * (size_t)m + (size_t)mi) * (size_t)osz;
            const int32_t b = bias ? bias[mi] : 0;
            int32_t opos[EC_MAX_RANK];
            for (i = 0; i < nd; i++) opos[i] = 0;
            for (j = 0; j < osz; j++) {
                int32_t acc = b + conv_point(xg, wm, cg, isz, ksz, x_zp, nd, p, opos);
                yo[j] = ec_s8_out(ec_s8_requant(acc, rq[2 * mi], rq[2 * mi + 1]), y_zp, act_min,
                                  act_max);
                for (i = nd - 1; i >= 0; i--) {
                    if (++opos[i] < out[i]) break;
                    opos[i] = 0;
                }
            }
        }
    }
}

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

void ec_s8_fc(int8_t *y, const int8_t *x, const int8_t *w, const int32_t *bias,
              int32_t M, int32_t N, int32_t K, int32_t x_zp, int32_t y_zp,
              int32_t act_min, int32_t act_max, const int32_t *rq)
{
    int32_t i, j, k;
    for (i = 0; i < M; i++) {
        const int8_t *xr = x + (size_t)i * (size_t)K;
        for (j = 0; j < N; j++) {
            const int8_t *wr = w + (size_t)j * (size_t)K;
            int32_t acc = 0, wsum = 0;
            for (k = 0; k < K; k++) {
                acc += (int32_t)xr[k] * (int32_t)wr[k];
                wsum += wr[k];
            }
            /* sum (x - zp) w = sum x w - zp sum w */
            acc -= x_zp * wsum;
            if (bias) acc += bias[j];
            y[(size_t)i * (size_t)N + (size_t)j] =
                ec_s8_out(ec_s8_requant(acc, rq[2 * j], rq[2 * j + 1]), y_zp, act_min, act_max);
        }
    }
}

/* round_half_even(num / den), den > 0 */
static int32_t div_round_even(int32_t num, int32_t den)
{
    int32_t q = num / den, r = num % den;
    if (r < 0) { q -= 1; r += den; }          /* floor division */
    if (2 * r > den || (2 * r == den && (q & 1))) q += 1;
    return q;
}

void ec_s8_avgpool(int8_t *y, const int8_t *x, int32_t nc, int32_t count_include_pad,
                   int32_t x_zp, int32_t nd, const int32_t *p)
{
    const int32_t *in = p, *out = p + nd, *ks = p + 2 * nd, *st = p + 3 * nd;
    const int32_t *dl = p + 4 * nd, *pb = p + 5 * nd, *pe = p + 6 * nd;
    const int32_t isz = ec_prod(in, nd), osz = ec_prod(out, nd), ksz = ec_prod(ks, nd);
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

/* Walk a broadcast layout: calls BODY with element offsets ia, ib for each
 * output element iy in order. */
#define EC_S8_BCAST(BODY) do { \
        int32_t pos[EC_MAX_RANK], ia = 0, ib = 0, iy, total = 1, d; \
        for (d = 0; d < rank; d++) { pos[d] = 0; total *= dims[d]; } \
        for (iy = 0; iy < total; iy++) { \
            BODY; \
            for (d = rank - 1; d >= 0; d--) { \
                ia += a_strides[d]; \
                ib += b_strides[d]; \
                if (++pos[d] < dims[d]) break; \
                ia -= a_strides[d] * dims[d]; \
                ib -= b_strides[d] * dims[d]; \
                pos[d] = 0; \
            } \
        } \
    } while (0)

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
