/* ec_conv_transpose_f32.c - generic kernel(s) declared in ec_nn.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_nn_util.h"


/* Scatter form: every input element adds w * x to the outputs it reaches. */
void ec_conv_transpose_f32(float *y, const float *x, const float *w, const float *b,
                           int32_t n, int32_t c, int32_t m, int32_t group, int32_t nd,
                           const int32_t *p)
{
    const int32_t *in = p, *out = p + nd, *ks = p + 2 * nd, *st = p + 3 * nd;
    const int32_t *dl = p + 4 * nd, *pb = p + 5 * nd;
    const int32_t last = nd - 1;
    const int32_t cg = c / group, mg = m / group;
    const int32_t isz = ec_prod(in, nd), osz = ec_prod(out, nd), ksz = ec_prod(ks, nd);
    const int32_t ilast = in[last], rows = ilast > 0 ? isz / ilast : 0;
    int32_t ni, mi, ci, kk, j;

    for (ni = 0; ni < n; ni++) {
        for (mi = 0; mi < m; mi++) {
            float *yo = y + ((size_t)ni * (size_t)m + (size_t)mi) * (size_t)osz;
            const float bv = b ? b[mi] : 0.0f;
            for (j = 0; j < osz; j++) yo[j] = bv;
        }
        if (isz == 0 || osz == 0) continue;
        for (ci = 0; ci < c; ci++) {
            const int32_t g = ci / cg;
            const float *xi = x + ((size_t)ni * (size_t)c + (size_t)ci) * (size_t)isz;
            for (mi = 0; mi < mg; mi++) {
                float *yo = y + ((size_t)ni * (size_t)m + (size_t)(g * mg + mi)) * (size_t)osz;
                const float *wk = w + ((size_t)ci * (size_t)mg + (size_t)mi) * (size_t)ksz;
                for (kk = 0; kk < ksz; kk++) {
                    int32_t kpos[EC_MAX_RANK], ipos[EC_MAX_RANK];
                    const float wv = wk[kk];
                    int32_t off, lo, hi, r, i;
                    ec_unflatten(kk, ks, nd, kpos);
                    off = kpos[last] * dl[last] - pb[last];
                    lo = ec_first_in(off, st[last]);
                    hi = clamp_hi(ec_end_in(off, st[last], out[last]), ilast);
                    if (lo >= hi) continue;
                    for (i = 0; i < last; i++) ipos[i] = 0;
                    for (r = 0; r < rows; r++) {
                        int32_t yoff = 0, ok = 1, q;
                        for (i = 0; i < last; i++) {
                            int32_t op = ipos[i] * st[i] - pb[i] + kpos[i] * dl[i];
                            if (op < 0 || op >= out[i]) { ok = 0; break; }
                            yoff = yoff * out[i] + op;
                        }
                        if (ok) {
                            float *yr = yo + (size_t)yoff * (size_t)out[last];
                            const float *xr = xi + (size_t)r * (size_t)ilast;
                            const int32_t s = st[last];
                            if (s == 1) axpy_f32(yr + lo + off, xr + lo, wv, hi - lo);
                            else for (q = lo; q < hi; q++) yr[q * s + off] += wv * xr[q];
                        }
                        for (i = last - 1; i >= 0; i--) {
                            if (++ipos[i] < in[i]) break;
                            ipos[i] = 0;
                        }
                    }
                }
            }
        }
    }
}
