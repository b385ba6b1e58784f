/* ec_nn.c - generic C99 kernels of the nn family (see ec_nn.h for shapes). */
#include <math.h>
#include "ec_nn.h"

/* ---- helpers --------------------------------------------------------------- */

static int32_t clamp_hi(int32_t v, int32_t hi)
{
    return v < hi ? v : hi;
}

/* y[i] += a * x[i], i < n; y and x do not overlap (vectorizes). */
static void axpy_f32(float *restrict y, const float *restrict x, float a, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) y[i] += a * x[i];
}

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

/* ---- pooling ------------------------------------------------------------- */

/* Iterator over the in-bounds positions of one pooling window. */
typedef struct win_it {
    int32_t nd;
    int32_t lo[EC_MAX_RANK], hi[EC_MAX_RANK], cur[EC_MAX_RANK];
    int32_t start[EC_MAX_RANK];     /* input position of kernel index 0 */
    int32_t step[EC_MAX_RANK];      /* dilation * row-major input stride */
    int32_t off;                    /* flat input offset of the current position */
    int32_t count;                  /* in-bounds positions of the window */
} win_it;

/* Set up the window of output position opos; false if it is empty. */
static int win_begin(win_it *it, const int32_t *opos, int32_t nd, const int32_t *p)
{
    const int32_t *in = p, *ks = p + 2 * nd, *st = p + 3 * nd, *dl = p + 4 * nd, *pb = p + 5 * nd;
    int32_t i, stride = 1;
    it->nd = nd;
    it->off = 0;
    it->count = 1;
    for (i = nd - 1; i >= 0; i--) {
        int32_t s0 = opos[i] * st[i] - pb[i];
        it->start[i] = s0;
        it->lo[i] = ec_first_in(s0, dl[i]);
        it->hi[i] = clamp_hi(ec_end_in(s0, dl[i], in[i]), ks[i]);
        if (it->lo[i] >= it->hi[i]) { it->count = 0; return 0; }
        it->count *= it->hi[i] - it->lo[i];
        it->cur[i] = it->lo[i];
        it->step[i] = dl[i] * stride;
        it->off += (s0 + it->lo[i] * dl[i]) * stride;
        stride *= in[i];
    }
    return 1;
}

/* Advance to the next position; false at the end. */
static int win_next(win_it *it)
{
    int32_t i;
    for (i = it->nd - 1; i >= 0; i--) {
        if (++it->cur[i] < it->hi[i]) {
            it->off += it->step[i];
            return 1;
        }
        it->off -= (it->hi[i] - 1 - it->lo[i]) * it->step[i];
        it->cur[i] = it->lo[i];
    }
    return 0;
}

#define EC_MAXPOOL(T, SUF, LOWEST) \
void ec_maxpool_##SUF(T *y, int64_t *idx, const T *x, int32_t nc, int32_t storage_order, \
                      int32_t nd, const int32_t *p) \
{ \
    const int32_t *in = p, *out = p + nd, *dl = p + 4 * nd; \
    const int32_t isz = ec_prod(in, nd), osz = ec_prod(out, nd); \
    int32_t q, o, i; \
    for (q = 0; q < nc; q++) { \
        const T *xq = x + (size_t)q * (size_t)isz; \
        T *yq = y + (size_t)q * (size_t)osz; \
        int32_t opos[EC_MAX_RANK]; \
        for (i = 0; i < nd; i++) opos[i] = 0; \
        for (o = 0; o < osz; o++) { \
            win_it it; \
            T best = LOWEST; \
            int64_t where = -1; \
            if (win_begin(&it, opos, nd, p)) { \
                int32_t boff = -1; \
                int32_t bcur[EC_MAX_RANK]; \
                do { \
                    T v = xq[it.off]; \
                    if (boff < 0 || v > best) { \
                        best = v; \
                        boff = it.off; \
                        if (storage_order) for (i = 0; i < nd; i++) bcur[i] = it.cur[i]; \
                    } \
                } while (win_next(&it)); \
                if (storage_order) { \
                    int64_t r = 0, s = 1; \
                    for (i = 0; i < nd; i++) { \
                        r += (int64_t)(it.start[i] + bcur[i] * dl[i]) * s; \
                        s *= in[i]; \
                    } \
                    where = r; \
                } else { \
                    where = boff; \
                } \
                where += (int64_t)q * isz; \
            } \
            yq[o] = best; \
            if (idx) idx[(size_t)q * (size_t)osz + (size_t)o] = where; \
            ec_next_pos(opos, out, nd); \
        } \
    } \
}

EC_MAXPOOL(float, f32, -HUGE_VALF)
EC_MAXPOOL(uint8_t, u8, 0)
EC_MAXPOOL(int8_t, s8, -128)

void ec_avgpool_f32(float *y, const float *x, int32_t nc, int32_t count_include_pad,
                    int32_t nd, const int32_t *p)
{
    const int32_t *in = p, *out = p + nd, *ks = p + 2 * nd, *st = p + 3 * nd;
    const int32_t *dl = p + 4 * nd, *pb = p + 5 * nd, *pe = p + 6 * nd;
    const int32_t isz = ec_prod(in, nd), osz = ec_prod(out, nd);
    int32_t q, o, i;
    for (q = 0; q < nc; q++) {
        const float *xq = x + (size_t)q * (size_t)isz;
        float *yq = y + (size_t)q * (size_t)osz;
        int32_t opos[EC_MAX_RANK];
        for (i = 0; i < nd; i++) opos[i] = 0;
        for (o = 0; o < osz; o++) {
            win_it it;
            float sum = 0.0f;
            int32_t count = 0;
            if (win_begin(&it, opos, nd, p)) {
                do sum += xq[it.off]; while (win_next(&it));
                count = it.count;
            }
            if (count_include_pad) {
                /* window positions inside the padded input */
                count = 1;
                for (i = 0; i < nd; i++) {
                    int32_t s0 = opos[i] * st[i]; /* in padded coordinates */
                    int32_t lo = 0;
                    int32_t hi = clamp_hi(ec_end_in(s0, dl[i], in[i] + pb[i] + pe[i]), ks[i]);
                    count *= hi > lo ? hi - lo : 0;
                }
            }
            yq[o] = count > 0 ? sum / (float)count : 0.0f;
            ec_next_pos(opos, out, nd);
        }
    }
}

void ec_lppool_f32(float *y, const float *x, int32_t nc, float pw, int32_t nd, const int32_t *p)
{
    const int32_t *in = p, *out = p + nd;
    const int32_t isz = ec_prod(in, nd), osz = ec_prod(out, nd);
    int32_t q, o, i;
    for (q = 0; q < nc; q++) {
        const float *xq = x + (size_t)q * (size_t)isz;
        float *yq = y + (size_t)q * (size_t)osz;
        int32_t opos[EC_MAX_RANK];
        for (i = 0; i < nd; i++) opos[i] = 0;
        for (o = 0; o < osz; o++) {
            win_it it;
            float sum = 0.0f;
            if (win_begin(&it, opos, nd, p)) {
                do sum += powf(fabsf(xq[it.off]), pw); while (win_next(&it));
            }
            yq[o] = powf(sum, 1.0f / pw);
            ec_next_pos(opos, out, nd);
        }
    }
}

void ec_global_avgpool_f32(float *y, const float *x, int32_t nc, int32_t s)
{
    int32_t q, i;
    for (q = 0; q < nc; q++) {
        const float *xq = x + (size_t)q * (size_t)s;
        float sum = 0.0f;
        for (i = 0; i < s; i++) sum += xq[i];
        y[q] = sum / (float)s;
    }
}

void ec_global_maxpool_f32(float *y, const float *x, int32_t nc, int32_t s)
{
    int32_t q, i;
    for (q = 0; q < nc; q++) {
        const float *xq = x + (size_t)q * (size_t)s;
        float best = xq[0];
        for (i = 1; i < s; i++)
            if (xq[i] > best) best = xq[i];
        y[q] = best;
    }
}

void ec_global_lppool_f32(float *y, const float *x, int32_t nc, int32_t s, float pw)
{
    int32_t q, i;
    for (q = 0; q < nc; q++) {
        const float *xq = x + (size_t)q * (size_t)s;
        float sum = 0.0f;
        for (i = 0; i < s; i++) sum += powf(fabsf(xq[i]), pw);
        y[q] = powf(sum, 1.0f / pw);
    }
}

void ec_maxunpool_f32(float *y, const float *x, const int64_t *idx, int32_t nx, int32_t rank,
                      const int32_t *p)
{
    const int32_t *id = p, *od = p + rank;
    const int32_t ny = ec_prod(od, rank);
    int64_t ni = 1;
    int32_t i, j;
    for (i = 0; i < rank; i++) ni *= id[i];
    for (i = 0; i < ny; i++) y[i] = 0.0f;
    for (j = 0; j < nx; j++) {
        int64_t f = idx[j], off = 0, stride = 1;
        if (f < 0 || f >= ni) continue;
        for (i = rank - 1; i >= 0; i--) {
            int64_t c = f % id[i];
            f /= id[i];
            if (c >= od[i]) break;
            off += c * stride;
            stride *= od[i];
        }
        if (i < 0) y[off] = x[j];
    }
}

/* ---- normalization ------------------------------------------------------- */

void ec_batchnorm_f32(float *y, const float *x, const float *scale, const float *bias,
                      const float *mean, const float *var, int32_t n, int32_t c, int32_t s,
                      float eps)
{
    int32_t ni, ci, i;
    for (ni = 0; ni < n; ni++) {
        for (ci = 0; ci < c; ci++) {
            const size_t base = ((size_t)ni * (size_t)c + (size_t)ci) * (size_t)s;
            const float a = scale[ci] / sqrtf(var[ci] + eps);
            const float mu = mean[ci], bb = bias[ci];
            for (i = 0; i < s; i++) y[base + (size_t)i] = (x[base + (size_t)i] - mu) * a + bb;
        }
    }
}

void ec_batchnorm_train_f32(float *y, float *run_mean, float *run_var, const float *x,
                            const float *scale, const float *bias, const float *mean,
                            const float *var, int32_t n, int32_t c, int32_t s, float eps,
                            float momentum)
{
    int32_t ni, ci, i;
    for (ci = 0; ci < c; ci++) {
        float sum = 0.0f, sq = 0.0f, mu, bvar, a;
        const float cnt = (float)n * (float)s;
        for (ni = 0; ni < n; ni++) {
            const float *xr = x + ((size_t)ni * (size_t)c + (size_t)ci) * (size_t)s;
            for (i = 0; i < s; i++) sum += xr[i];
        }
        mu = cnt > 0.0f ? sum / cnt : 0.0f;
        for (ni = 0; ni < n; ni++) {
            const float *xr = x + ((size_t)ni * (size_t)c + (size_t)ci) * (size_t)s;
            for (i = 0; i < s; i++) {
                float d = xr[i] - mu;
                sq += d * d;
            }
        }
        bvar = cnt > 0.0f ? sq / cnt : 0.0f;
        a = scale[ci] / sqrtf(bvar + eps);
        for (ni = 0; ni < n; ni++) {
            const size_t base = ((size_t)ni * (size_t)c + (size_t)ci) * (size_t)s;
            for (i = 0; i < s; i++) y[base + (size_t)i] = (x[base + (size_t)i] - mu) * a + bias[ci];
        }
        if (run_mean) run_mean[ci] = mean[ci] * momentum + mu * (1.0f - momentum);
        if (run_var) run_var[ci] = var[ci] * momentum + bvar * (1.0f - momentum);
    }
}

/* mean and 1/sqrt(variance + eps) of n floats (two passes, in float: no
 * double arithmetic on single-precision FPUs) */
static void moments(const float *x, int32_t n, float eps, float *mean, float *invstd)
{
    float sum = 0.0f, sq = 0.0f, mu;
    int32_t i;
    for (i = 0; i < n; i++) sum += x[i];
    mu = n > 0 ? sum / (float)n : 0.0f;
    for (i = 0; i < n; i++) {
        float d = x[i] - mu;
        sq += d * d;
    }
    *mean = mu;
    *invstd = 1.0f / sqrtf((n > 0 ? sq / (float)n : 0.0f) + eps);
}

void ec_instancenorm_f32(float *y, const float *x, const float *scale, const float *bias,
                         int32_t n, int32_t c, int32_t s, float eps)
{
    int32_t ni, ci, i;
    for (ni = 0; ni < n; ni++) {
        for (ci = 0; ci < c; ci++) {
            const size_t base = ((size_t)ni * (size_t)c + (size_t)ci) * (size_t)s;
            float mu, inv;
            moments(x + base, s, eps, &mu, &inv);
            for (i = 0; i < s; i++)
                y[base + (size_t)i] = (x[base + (size_t)i] - mu) * inv * scale[ci] + bias[ci];
        }
    }
}

void ec_layernorm_f32(float *y, float *mean, float *invstd, const float *x,
                      const float *scale, const float *bias, int32_t outer, int32_t inner,
                      int32_t sn, int32_t bn, float eps)
{
    int32_t r, j;
    for (r = 0; r < outer; r++) {
        const size_t base = (size_t)r * (size_t)inner;
        float mu, inv;
        moments(x + base, inner, eps, &mu, &inv);
        for (j = 0; j < inner; j++) {
            float v = (x[base + (size_t)j] - mu) * inv * scale[j % sn];
            if (bias) v += bias[j % bn];
            y[base + (size_t)j] = v;
        }
        if (mean) mean[r] = mu;
        if (invstd) invstd[r] = inv;
    }
}

void ec_lrn_f32(float *y, const float *x, int32_t n, int32_t c, int32_t s, int32_t size,
                float alpha, float beta, float bias)
{
    const int32_t before = (size - 1) / 2, after = size / 2;
    int32_t ni, ci, i, k;
    for (ni = 0; ni < n; ni++) {
        const float *xn = x + (size_t)ni * (size_t)c * (size_t)s;
        float *yn = y + (size_t)ni * (size_t)c * (size_t)s;
        for (ci = 0; ci < c; ci++) {
            const int32_t k0 = ci - before < 0 ? 0 : ci - before;
            const int32_t k1 = ci + after >= c ? c - 1 : ci + after;
            for (i = 0; i < s; i++) {
                float sq = 0.0f;
                for (k = k0; k <= k1; k++) {
                    float v = xn[(size_t)k * (size_t)s + (size_t)i];
                    sq += v * v;
                }
                yn[(size_t)ci * (size_t)s + (size_t)i] =
                    xn[(size_t)ci * (size_t)s + (size_t)i] /
                    powf(bias + alpha / (float)size * sq, beta);
            }
        }
    }
}

/* Offset of the idx-th element among the axes whose reduced flag equals want. */
static size_t sub_offset(int32_t idx, int32_t rank, const int32_t *dims, const int32_t *red,
                         int32_t want)
{
    size_t off = 0, stride = 1;
    int32_t i;
    for (i = rank - 1; i >= 0; i--) {
        if ((red[i] != 0) == (want != 0)) {
            off += (size_t)(idx % dims[i]) * stride;
            idx /= dims[i];
        }
        stride *= (size_t)dims[i];
    }
    return off;
}

void ec_mvn_f32(float *y, const float *x, int32_t rank, const int32_t *p)
{
    const int32_t *dims = p, *red = p + rank;
    int32_t nkeep = 1, nred = 1, i, k, r;
    for (i = 0; i < rank; i++) {
        if (red[i]) nred *= dims[i];
        else nkeep *= dims[i];
    }
    if (nkeep == 0 || nred == 0) return;
    for (k = 0; k < nkeep; k++) {
        const size_t base = sub_offset(k, rank, dims, red, 0);
        float sum = 0.0f, sq = 0.0f, mu, sd;
        for (r = 0; r < nred; r++) sum += x[base + sub_offset(r, rank, dims, red, 1)];
        mu = sum / (float)nred;
        for (r = 0; r < nred; r++) {
            float d = x[base + sub_offset(r, rank, dims, red, 1)] - mu;
            sq += d * d;
        }
        sd = sqrtf(sq / (float)nred) + 1e-9f;
        for (r = 0; r < nred; r++) {
            size_t o = base + sub_offset(r, rank, dims, red, 1);
            y[o] = (x[o] - mu) / sd;
        }
    }
}

/* ---- matrix products ----------------------------------------------------- */

/* y = alpha * A' B' + beta * C. Loop order i-k-j (rows of B streamed) unless B
 * is transposed, then i-j-k (dot products of contiguous rows). */
#define EC_GEMM(T, SUF) \
static void axpy_##SUF##_row(T *restrict y, const T *restrict x, T a, int32_t n) \
{ \
    int32_t i; \
    for (i = 0; i < n; i++) y[i] += a * x[i]; \
} \
\
static T dot_##SUF(const T *restrict a, const T *restrict b, int32_t n) \
{ \
    T s = 0; \
    int32_t i; \
    for (i = 0; i < n; i++) s += a[i] * b[i]; \
    return s; \
} \
\
static void gemm_##SUF(T *y, const T *a, const T *b, const T *c, int32_t M, int32_t N, \
                       int32_t K, int32_t ta, int32_t tb, T alpha, T beta, int32_t csm, \
                       int32_t csn) \
{ \
    int32_t i, j, k; \
    for (i = 0; i < M; i++) { \
        T *yr = y + (size_t)i * (size_t)N; \
        if (c) { \
            for (j = 0; j < N; j++) yr[j] = beta * c[(size_t)i * (size_t)csm + (size_t)j * (size_t)csn]; \
        } else { \
            for (j = 0; j < N; j++) yr[j] = 0; \
        } \
        if (!tb) { \
            for (k = 0; k < K; k++) { \
                const T aik = alpha * (ta ? a[(size_t)k * (size_t)M + (size_t)i] \
                                          : a[(size_t)i * (size_t)K + (size_t)k]); \
                axpy_##SUF##_row(yr, b + (size_t)k * (size_t)N, aik, N); \
            } \
        } else { \
            for (j = 0; j < N; j++) { \
                const T *br = b + (size_t)j * (size_t)K; \
                T s = 0; \
                if (ta) { \
                    for (k = 0; k < K; k++) s += a[(size_t)k * (size_t)M + (size_t)i] * br[k]; \
                } else { \
                    s = dot_##SUF(a + (size_t)i * (size_t)K, br, K); \
                } \
                yr[j] += alpha * s; \
            } \
        } \
    } \
} \
\
void ec_gemm_##SUF(T *y, const T *a, const T *b, const T *c, int32_t M, int32_t N, int32_t K, \
                   int32_t trans_a, int32_t trans_b, float alpha, float beta, int32_t c_sm, \
                   int32_t c_sn) \
{ \
    gemm_##SUF(y, a, b, c, M, N, K, trans_a, trans_b, (T)alpha, (T)beta, c_sm, c_sn); \
} \
\
void ec_matmul_##SUF(T *y, const T *a, const T *b, int32_t M, int32_t N, int32_t K, \
                     int32_t r, const int32_t *p) \
{ \
    const int32_t *dims = p, *sa = p + r, *sb = p + 2 * r; \
    int32_t pos[EC_MAX_RANK]; \
    int32_t nb = ec_prod(dims, r), q, i; \
    for (i = 0; i < r; i++) pos[i] = 0; \
    for (q = 0; q < nb; q++) { \
        size_t oa = 0, ob = 0; \
        for (i = 0; i < r; i++) { \
            oa += (size_t)pos[i] * (size_t)sa[i]; \
            ob += (size_t)pos[i] * (size_t)sb[i]; \
        } \
        gemm_##SUF(y + (size_t)q * (size_t)M * (size_t)N, a + oa, b + ob, 0, M, N, K, 0, 0, \
                   1, 0, 0, 0); \
        ec_next_pos(pos, dims, r); \
    } \
}

EC_GEMM(float, f32)
EC_GEMM(double, f64)

/* Output labels outermost: for each output element, sum over the odometer of
 * the contracted labels. */
#define EC_EINSUM(T, SUF) \
void ec_einsum_##SUF(T *y, const T *a, const T *b, int32_t nout, int32_t nlab, \
                     const int32_t *p) \
{ \
    const int32_t *dims = p, *sa = p + nlab, *sb = p + 2 * nlab; \
    const int32_t nsum = nlab - nout; \
    const int32_t ny = ec_prod(dims, nout), ns = ec_prod(dims + nout, nsum); \
    int32_t opos[EC_MAX_RANK * 2], spos[EC_MAX_RANK * 2]; \
    int32_t q, s, i; \
    for (i = 0; i < nout; i++) opos[i] = 0; \
    for (q = 0; q < ny; q++) { \
        size_t ba = 0, bb = 0; \
        T acc = 0; \
        for (i = 0; i < nout; i++) { \
            ba += (size_t)opos[i] * (size_t)sa[i]; \
            bb += (size_t)opos[i] * (size_t)sb[i]; \
        } \
        for (i = 0; i < nsum; i++) spos[i] = 0; \
        for (s = 0; s < ns; s++) { \
            size_t oa = ba, ob = bb; \
            for (i = 0; i < nsum; i++) { \
                oa += (size_t)spos[i] * (size_t)sa[nout + i]; \
                ob += (size_t)spos[i] * (size_t)sb[nout + i]; \
            } \
            acc += b ? a[oa] * b[ob] : a[oa]; \
            ec_next_pos(spos, dims + nout, nsum); \
        } \
        y[q] = acc; \
        ec_next_pos(opos, dims, nout); \
    } \
}

EC_EINSUM(float, f32)
EC_EINSUM(double, f64)
