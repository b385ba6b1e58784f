/* ec_quant.c - generic C99 kernels of the quant family (see ec_quant.h for
 * shapes, the requantization scheme and its rounding). */
#include <math.h>
#include "ec_quant.h"

/* ---- helpers --------------------------------------------------------------- */

/* An int32 accumulated modulo 2^32 (unsigned, so wrapping is defined). */
static int32_t wrap_s32(uint32_t u)
{
    return u <= (uint32_t)INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
}

/* Round half to even, for finite v. */
static float round_even(float v)
{
    float r = floorf(v), d = v - r;
    if (d > 0.5f || (d == 0.5f && fmodf(r, 2.0f) != 0.0f)) r += 1.0f;
    return r;
}

/* saturate(round_half_even(v) + zp) into [lo, hi]; NaN gives zp. */
static int32_t quant_sat(float v, int32_t zp, int32_t lo, int32_t hi)
{
    float r;
    if (v != v) return zp;
    if (v >= 4194304.0f) return hi;    /* 2^22: far beyond any range below */
    if (v <= -4194304.0f) return lo;
    r = round_even(v) + (float)zp;
    if (r <= (float)lo) return lo;
    if (r >= (float)hi) return hi;
    return (int32_t)r;
}

static int32_t clamp_s64(int64_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : v > hi ? hi : (int32_t)v;
}

/* y[i] += a * (x[i] - xz) modulo 2^32, i < n; no overlap (vectorizes). */
#define EC_QAXPY(T, S) \
static void qaxpy_##S(uint32_t *restrict y, const T *restrict x, int32_t a, int32_t xz, int32_t n) \
{ \
    int32_t i; \
    for (i = 0; i < n; i++) y[i] += (uint32_t)(a * ((int32_t)x[i] - xz)); \
}
EC_QAXPY(uint8_t, u8)
EC_QAXPY(int8_t, s8)

/* ---- requantization ---------------------------------------------------------- */

void ec_quant_multiplier(int32_t *rq, float x_scale, float w_scale, float y_scale)
{
    const float real = x_scale * w_scale / y_scale;
    float m;
    int e;
    if (!(real > 0.0f)) {                       /* <= 0, NaN */
        rq[0] = 0;
        rq[1] = 0;
        return;
    }
    if (real > 3.0e38f) {                       /* inf (or near it): saturate */
        rq[0] = INT32_MAX;
        rq[1] = 31;
        return;
    }
    m = frexpf(real, &e);                       /* real = m * 2^e, m in [0.5, 1) */
    if (e < -31) {                              /* below 2^-32: always rounds to 0 */
        rq[0] = 0;
        rq[1] = 0;
    } else if (e > 31) {
        rq[0] = INT32_MAX;
        rq[1] = 31;
    } else {
        rq[0] = (int32_t)(m * 2147483648.0f);   /* exact: 24 significant bits */
        rq[1] = (int32_t)e;
    }
}

/* ---- QuantizeLinear / DequantizeLinear ------------------------------------------- */

#define EC_QUANTIZE(TX, TY, SX, SY, LO, HI) \
void ec_quantize_linear_##SX##_##SY(TY *y, const TX *x, const float *scale, const TY *zp, \
                                    int32_t outer, int32_t ch, int32_t inner) \
{ \
    int32_t o, k, i; \
    for (o = 0; o < outer; o++) { \
        for (k = 0; k < ch; k++) { \
            const size_t base = ((size_t)o * (size_t)ch + (size_t)k) * (size_t)inner; \
            const float s = scale[k]; \
            const int32_t z = zp ? (int32_t)zp[k] : 0; \
            for (i = 0; i < inner; i++) \
                y[base + (size_t)i] = (TY)quant_sat((float)x[base + (size_t)i] / s, z, LO, HI); \
        } \
    } \
}

EC_QUANTIZE(float, uint8_t, f32, u8, 0, 255)
EC_QUANTIZE(float, int8_t, f32, s8, -128, 127)
EC_QUANTIZE(int32_t, uint8_t, s32, u8, 0, 255)
EC_QUANTIZE(int32_t, int8_t, s32, s8, -128, 127)

#define EC_DEQUANTIZE(T, S) \
void ec_dequantize_linear_##S(float *y, const T *x, const float *scale, const T *zp, \
                              int32_t outer, int32_t ch, int32_t inner) \
{ \
    int32_t o, k, i; \
    for (o = 0; o < outer; o++) { \
        for (k = 0; k < ch; k++) { \
            const size_t base = ((size_t)o * (size_t)ch + (size_t)k) * (size_t)inner; \
            const float s = scale[k]; \
            const int64_t z = zp ? (int64_t)zp[k] : 0; \
            for (i = 0; i < inner; i++) \
                y[base + (size_t)i] = (float)((int64_t)x[base + (size_t)i] - z) * s; \
        } \
    } \
}

EC_DEQUANTIZE(uint8_t, u8)
EC_DEQUANTIZE(int8_t, s8)
EC_DEQUANTIZE(int32_t, s32)

void ec_dynamic_quantize_linear_u8(uint8_t *y, float *y_scale, uint8_t *y_zp, const float *x,
                                   int32_t n)
{
    float lo = 0.0f, hi = 0.0f, scale;
    int32_t i, zp;
    for (i = 0; i < n; i++) {
        if (x[i] < lo) lo = x[i];
        if (x[i] > hi) hi = x[i];
    }
    scale = (hi - lo) / 255.0f;
    if (!(scale > 0.0f) || scale > 3.0e38f) {   /* all zeros, or NaN/inf in x */
        scale = scale > 0.0f ? scale : 0.0f;
        for (i = 0; i < n; i++) y[i] = 0;
        if (y_scale) *y_scale = scale;
        if (y_zp) *y_zp = 0;
        return;
    }
    zp = quant_sat(0.0f - lo / scale, 0, 0, 255);
    for (i = 0; i < n; i++) y[i] = (uint8_t)quant_sat(x[i] / scale, zp, 0, 255);
    if (y_scale) *y_scale = scale;
    if (y_zp) *y_zp = (uint8_t)zp;
}

/* ---- integer matrix products -------------------------------------------------- */

/* One (M, K) @ (K, N) product into acc rows, row by row:
 *     acc[j] = sum_k (a[i][k] - azp_i) * b[k][j]  -  bzp_j * sum_k (a[i][k] - azp_i)
 * (the per-column b zero point factored out of the inner loop), then
 * STORE(i, row) consumes the row. Arithmetic is modulo 2^32 in uint32. */
#define EC_MM_ROWS(TA, TB, QAXPY_B, a, b, a_zp, b_zp, a_zp_n, b_zp_n, M, N, K, acc, STORE) \
    do { \
        int32_t i_, k_, j_; \
        for (i_ = 0; i_ < (M); i_++) { \
            const TA *ar_ = (a) + (size_t)i_ * (size_t)(K); \
            const int32_t az_ = (a_zp) ? (int32_t)(a_zp)[(a_zp_n) == 1 ? 0 : i_] : 0; \
            uint32_t rs_ = 0; \
            for (j_ = 0; j_ < (N); j_++) (acc)[j_] = 0; \
            for (k_ = 0; k_ < (K); k_++) { \
                const int32_t av_ = (int32_t)ar_[k_] - az_; \
                const TB *br_ = (b) + (size_t)k_ * (size_t)(N); \
                rs_ += (uint32_t)av_; \
                if (av_ == 0) continue; \
                QAXPY_B((acc), br_, av_, 0, (N)); \
            } \
            if (b_zp) { \
                if ((b_zp_n) == 1) { \
                    const uint32_t c_ = rs_ * (uint32_t)(int32_t)(b_zp)[0]; \
                    for (j_ = 0; j_ < (N); j_++) (acc)[j_] -= c_; \
                } else { \
                    for (j_ = 0; j_ < (N); j_++) (acc)[j_] -= rs_ * (uint32_t)(int32_t)(b_zp)[j_]; \
                } \
            } \
            STORE; \
        } \
    } while (0)

#define EC_BATCH_BEGIN(r, p, M, N, K) \
    { \
        const int32_t *dims_ = (p), *sa_ = (p) + (r), *sb_ = (p) + 2 * (r); \
        int32_t pos_[EC_MAX_RANK], nb_ = ec_prod(dims_, (r)), q_, t_; \
        for (t_ = 0; t_ < (r); t_++) pos_[t_] = 0; \
        for (q_ = 0; q_ < nb_; q_++) { \
            size_t oa_ = 0, ob_ = 0, oy_ = (size_t)q_ * (size_t)(M) * (size_t)(N); \
            for (t_ = 0; t_ < (r); t_++) { \
                oa_ += (size_t)pos_[t_] * (size_t)sa_[t_]; \
                ob_ += (size_t)pos_[t_] * (size_t)sb_[t_]; \
            }
#define EC_BATCH_END(r) \
            ec_next_pos(pos_, dims_, (r)); \
        } \
    }

#define EC_MATMUL_INTEGER(TA, TB, SB, S) \
void ec_matmul_integer_##S(int32_t *y, const TA *a, const TB *b, const TA *a_zp, const TB *b_zp, \
                           int32_t M, int32_t N, int32_t K, int32_t a_zp_n, int32_t b_zp_n, \
                           int32_t r, const int32_t *p) \
{ \
    EC_BATCH_BEGIN(r, p, M, N, K) \
    uint32_t *acc = (uint32_t *)(y + oy_); \
    EC_MM_ROWS(TA, TB, qaxpy_##SB, a + oa_, b + ob_, a_zp, b_zp, a_zp_n, b_zp_n, M, N, K, acc, acc += N); \
    EC_BATCH_END(r) \
}

EC_MATMUL_INTEGER(uint8_t, uint8_t, u8, u8u8)
EC_MATMUL_INTEGER(uint8_t, int8_t, s8, u8s8)
EC_MATMUL_INTEGER(int8_t, uint8_t, u8, s8u8)
EC_MATMUL_INTEGER(int8_t, int8_t, s8, s8s8)

/* ---- integer convolution ------------------------------------------------------ */

/* The (ni, mi) output plane of conv(x - x_zp, w - w_zp) + bias into acc (osz
 * values, modulo 2^32): for every input channel of the group and every kernel
 * position, an axpy along the last output dim over the range where the input
 * is inside (padding is x_zp, i.e. contributes nothing). */
#define EC_CONV_PLANE(TX, TW, SX, S) \
static void conv_plane_##S(uint32_t *acc, const TX *x, const TW *w, int32_t bias, int32_t xz, \
                           int32_t wz, int32_t ni, int32_t mi, int32_t c, int32_t m, \
                           int32_t group, int32_t nd, const int32_t *p) \
{ \
    const int32_t *in = p, *out = p + nd, *ks = p + 2 * nd, *st = p + 3 * nd; \
    const int32_t *dl = p + 4 * nd, *pb = p + 5 * nd; \
    const int32_t last = nd - 1, cg = c / group, mg = m / group, g = mi / mg; \
    const int32_t isz = ec_prod(in, nd), osz = ec_prod(out, nd), ksz = ec_prod(ks, nd); \
    const int32_t olast = out[last], rows = olast > 0 ? osz / olast : 0; \
    int32_t ci, kk, j; \
    for (j = 0; j < osz; j++) acc[j] = (uint32_t)bias; \
    if (osz == 0) return; \
    for (ci = 0; ci < cg; ci++) { \
        const TX *xi = x + ((size_t)ni * (size_t)c + (size_t)(g * cg + ci)) * (size_t)isz; \
        const TW *wk = w + ((size_t)mi * (size_t)cg + (size_t)ci) * (size_t)ksz; \
        for (kk = 0; kk < ksz; kk++) { \
            int32_t kpos[EC_MAX_RANK], opos[EC_MAX_RANK]; \
            const int32_t wv = (int32_t)wk[kk] - wz; \
            const int32_t s = st[last]; \
            int32_t off, lo, hi, r, i; \
            if (wv == 0) continue; \
            ec_unflatten(kk, ks, nd, kpos); \
            off = kpos[last] * dl[last] - pb[last]; \
            lo = ec_first_in(off, s); \
            hi = ec_end_in(off, s, in[last]); \
            if (hi > olast) hi = olast; \
            if (lo >= hi) continue; \
            for (i = 0; i < last; i++) opos[i] = 0; \
            for (r = 0; r < rows; r++) { \
                int32_t xoff = 0, ok = 1, o; \
                for (i = 0; i < last; i++) { \
                    int32_t ip = opos[i] * st[i] - pb[i] + kpos[i] * dl[i]; \
                    if (ip < 0 || ip >= in[i]) { ok = 0; break; } \
                    xoff = xoff * in[i] + ip; \
                } \
                if (ok) { \
                    const TX *xr = xi + (size_t)xoff * (size_t)in[last]; \
                    uint32_t *ar = acc + (size_t)r * (size_t)olast; \
                    if (s == 1) \
                        qaxpy_##SX(ar + lo, xr + lo + off, wv, xz, hi - lo); \
                    else \
                        for (o = lo; o < hi; o++) \
                            ar[o] += (uint32_t)(wv * ((int32_t)xr[o * s + off] - xz)); \
                } \
                for (i = last - 1; i >= 0; i--) { \
                    if (++opos[i] < out[i]) break; \
                    opos[i] = 0; \
                } \
            } \
        } \
    } \
}

#define EC_CONV_INTEGER(TX, TW, SX, S) \
EC_CONV_PLANE(TX, TW, SX, S) \
void ec_conv_integer_##S(int32_t *y, const TX *x, const TW *w, const TX *x_zp, const TW *w_zp, \
                         int32_t n, int32_t c, int32_t m, int32_t group, int32_t w_zp_n, \
                         int32_t nd, const int32_t *p) \
{ \
    const int32_t osz = ec_prod(p + nd, nd); \
    const int32_t xz = x_zp ? (int32_t)x_zp[0] : 0; \
    int32_t ni, mi; \
    for (ni = 0; ni < n; ni++) \
        for (mi = 0; mi < m; mi++) \
            conv_plane_##S((uint32_t *)(y + ((size_t)ni * (size_t)m + (size_t)mi) * (size_t)osz), \
                           x, w, 0, xz, w_zp ? (int32_t)w_zp[w_zp_n == 1 ? 0 : mi] : 0, \
                           ni, mi, c, m, group, nd, p); \
}

EC_CONV_INTEGER(uint8_t, uint8_t, u8, u8u8)
EC_CONV_INTEGER(uint8_t, int8_t, u8, u8s8)
EC_CONV_INTEGER(int8_t, uint8_t, s8, s8u8)
EC_CONV_INTEGER(int8_t, int8_t, s8, s8s8)

/* ---- QLinearMatMul / QLinearConv ---------------------------------------------- */

/* rq (2 * nq) from x_scale[0], w_scale[0..nq), y_scale[0]. */
static void multipliers(int32_t *rq, const float *x_scale, const float *w_scale,
                        const float *y_scale, int32_t nq)
{
    int32_t k;
    for (k = 0; k < nq; k++) ec_quant_multiplier(rq + 2 * k, x_scale[0], w_scale[k], y_scale[0]);
}

#define EC_QLINEAR(TX, TW, TY, SW, SXW, S, LO, HI) \
void ec_qlinear_matmul_##S(TY *y, int32_t *acc, const TX *a, const TW *b, const TX *a_zp, \
                           const TW *b_zp, const TY *y_zp, int32_t M, int32_t N, int32_t K, \
                           int32_t bn, int32_t r, const int32_t *rq, const int32_t *p) \
{ \
    const int32_t yz = y_zp ? (int32_t)y_zp[0] : 0; \
    uint32_t *ua = (uint32_t *)acc; \
    EC_BATCH_BEGIN(r, p, M, N, K) \
    TY *yr = y + oy_; \
    int32_t j; \
    EC_MM_ROWS(TX, TW, qaxpy_##SW, a + oa_, b + ob_, a_zp, b_zp, 1, bn, M, N, K, ua, { \
        for (j = 0; j < N; j++) { \
            const int32_t *q = rq + (bn == 1 ? 0 : 2 * j); \
            yr[j] = (TY)clamp_s64(ec_requantize(wrap_s32(ua[j]), q[0], q[1]) + yz, LO, HI); \
        } \
        yr += N; \
    }); \
    EC_BATCH_END(r) \
} \
void ec_qlinear_matmul_rt_##S(TY *y, int32_t *work, const TX *a, const TW *b, const TX *a_zp, \
                              const TW *b_zp, const TY *y_zp, const float *a_scale, \
                              const float *b_scale, const float *y_scale, int32_t M, int32_t N, \
                              int32_t K, int32_t bn, int32_t r, const int32_t *p) \
{ \
    multipliers(work + N, a_scale, b_scale, y_scale, bn); \
    ec_qlinear_matmul_##S(y, work, a, b, a_zp, b_zp, y_zp, M, N, K, bn, r, work + N, p); \
} \
void ec_qlinear_conv_##S(TY *y, int32_t *acc, const TX *x, const TW *w, const int32_t *bias, \
                         const TX *x_zp, const TW *w_zp, const TY *y_zp, int32_t n, int32_t c, \
                         int32_t m, int32_t group, int32_t wn, int32_t nd, const int32_t *rq, \
                         const int32_t *p) \
{ \
    const int32_t osz = ec_prod(p + nd, nd); \
    const int32_t xz = x_zp ? (int32_t)x_zp[0] : 0, yz = y_zp ? (int32_t)y_zp[0] : 0; \
    uint32_t *ua = (uint32_t *)acc; \
    int32_t ni, mi, j; \
    for (ni = 0; ni < n; ni++) { \
        for (mi = 0; mi < m; mi++) { \
            TY *yo = y + ((size_t)ni * (size_t)m + (size_t)mi) * (size_t)osz; \
            const int32_t ch = wn == 1 ? 0 : mi; \
            const int32_t mult = rq[2 * ch], shift = rq[2 * ch + 1]; \
            conv_plane_##SXW(ua, x, w, bias ? bias[mi] : 0, xz, w_zp ? (int32_t)w_zp[ch] : 0, \
                             ni, mi, c, m, group, nd, p); \
            for (j = 0; j < osz; j++) \
                yo[j] = (TY)clamp_s64(ec_requantize(wrap_s32(ua[j]), mult, shift) + yz, LO, HI); \
        } \
    } \
} \
void ec_qlinear_conv_rt_##S(TY *y, int32_t *work, const TX *x, const TW *w, const int32_t *bias, \
                            const TX *x_zp, const TW *w_zp, const TY *y_zp, const float *x_scale, \
                            const float *w_scale, const float *y_scale, int32_t n, int32_t c, \
                            int32_t m, int32_t group, int32_t wn, int32_t nd, const int32_t *p) \
{ \
    const int32_t osz = ec_prod(p + nd, nd); \
    multipliers(work + osz, x_scale, w_scale, y_scale, wn); \
    ec_qlinear_conv_##S(y, work, x, w, bias, x_zp, w_zp, y_zp, n, c, m, group, wn, nd, \
                        work + osz, p); \
}

EC_QLINEAR(uint8_t, uint8_t, uint8_t, u8, u8u8, u8u8u8, 0, 255)
EC_QLINEAR(uint8_t, uint8_t, int8_t, u8, u8u8, u8u8s8, -128, 127)
EC_QLINEAR(uint8_t, int8_t, uint8_t, s8, u8s8, u8s8u8, 0, 255)
EC_QLINEAR(uint8_t, int8_t, int8_t, s8, u8s8, u8s8s8, -128, 127)
EC_QLINEAR(int8_t, uint8_t, uint8_t, u8, s8u8, s8u8u8, 0, 255)
EC_QLINEAR(int8_t, uint8_t, int8_t, u8, s8u8, s8u8s8, -128, 127)
EC_QLINEAR(int8_t, int8_t, uint8_t, s8, s8s8, s8s8u8, 0, 255)
EC_QLINEAR(int8_t, int8_t, int8_t, s8, s8s8, s8s8s8, -128, 127)
