/* ec_conv_f32.c - generic kernel(s) declared in ec_nn.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_nn_util.h"


/* ---- convolution --------------------------------------------------------- */
/* For each (n, m) output plane: bias, then for every input channel of the group
 * and every kernel position, an axpy along the last output dim over the range
 * where the input is inside (no per-element bounds checks). */
void ec_conv_f32(float *y, const float *x, const float *w, const float *b,
                 int32_t n, int32_t c, int32_t m, int32_t group, int32_t nd, const int32_t *p)
{
    const int32_t *in = p, *out = p + nd, *ks = p + 2 * nd, *st = p + 3 * nd;
    const int32_t *dl = p + 4 * nd, *pb = p + 5 * nd;
    const int32_t last = nd - 1;
    const int32_t cg = c / group, mg = m / group;
    const int32_t isz = ec_prod(in, nd), osz = ec_prod(out, nd), ksz = ec_prod(ks, nd);
    const int32_t olast = out[last], rows = olast > 0 ? osz / olast : 0;
    int32_t ni, mi, ci, kk, j;

    for (ni = 0; ni < n; ni++) {
        for (mi = 0; mi < m; mi++) {
            float *yo = y + ((size_t)ni * (size_t)m + (size_t)mi) * (size_t)osz;
            const int32_t g = mi / mg;
            const float bv = b ? b[mi] : 0.0f;
            for (j = 0; j < osz; j++) yo[j] = bv;
            if (osz == 0) continue;
            for (ci = 0; ci < cg; ci++) {
                const float *xi = x + ((size_t)ni * (size_t)c + (size_t)(g * cg + ci)) * (size_t)isz;
                const float *wk = w + ((size_t)mi * (size_t)cg + (size_t)ci) * (size_t)ksz;
                for (kk = 0; kk < ksz; kk++) {
                    int32_t kpos[EC_MAX_RANK], opos[EC_MAX_RANK];
                    const float wv = wk[kk];
                    int32_t off, lo, hi, r, i;
                    ec_unflatten(kk, ks, nd, kpos);
                    off = kpos[last] * dl[last] - pb[last];
                    lo = ec_first_in(off, st[last]);
                    hi = clamp_hi(ec_end_in(off, st[last], in[last]), olast);
                    if (lo >= hi) continue;
                    for (i = 0; i < last; i++) opos[i] = 0;
                    for (r = 0; r < rows; r++) {
                        int32_t xoff = 0, ok = 1, o;
                        float *yr = yo + (size_t)r * (size_t)olast;
                        for (i = 0; i < last; i++) {
                            int32_t ip = opos[i] * st[i] - pb[i] + kpos[i] * dl[i];
                            if (ip < 0 || ip >= in[i]) { ok = 0; break; }
                            xoff = xoff * in[i] + ip;
                        }
                        if (ok) {
                            const float *xr = xi + (size_t)xoff * (size_t)in[last];
                            const int32_t s = st[last];
                            if (s == 1) axpy_f32(yr + lo, xr + lo + off, wv, hi - lo);
                            else for (o = lo; o < hi; o++) yr[o] += wv * xr[o * s + off];
                        }
                        /* next output row */
                        for (i = last - 1; i >= 0; i--) {
                            if (++opos[i] < out[i]) break;
                            opos[i] = 0;
                        }
                    }
                }
            }
        }
    }
}
