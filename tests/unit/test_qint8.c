/* test_qint8.c - the int8 PTQ kernels (runtime-min ec_qint8.h) against
 * scalar references written here: plain nested loops over explicit NCHW
 * indices, accumulation in int64, and the requantization rule written as
 * long double arithmetic (exact for |acc * mult| < 2^63: 64-bit
 * significand) rounded half to even with nearbyintl. Add and Mul are also
 * checked against real arithmetic (dequantize, add / multiply, quantize):
 * within one output step. */
#include <math.h>
#include <string.h>
#include <stdlib.h>
#include "unit.h"
#include "ir.h"
#include "ec_quant.h"
#include "ec_qint8.h"

static uint32_t rng = 777;
static int32_t rnd(int32_t lo, int32_t hi) /* uniform in [lo, hi] */
{
    rng = rng * 1103515245u + 12345u;
    return lo + (int32_t)(((rng >> 8) & 0xffffffu) % (uint32_t)(hi - lo + 1));
}

/* reference requantization: clamp(round_half_even(acc * mult * 2^(shift-31)) + zp) */
static int32_t ref_rq(int64_t acc, int32_t mult, int32_t shift, int32_t zp, int32_t lo, int32_t hi)
{
    long double v = ldexpl((long double)acc * (long double)mult, shift - 31);
    long double r = nearbyintl(v) + zp;
    if (r < lo) r = lo;
    if (r > hi) r = hi;
    return (int32_t)r;
}

static void test_requant_rounding(void **state)
{
    (void)state;
    /* mult 2^30, shift 0: real 0.5 -> ties go to even */
    assert_int_equal(ec_s8_requant(1, 1 << 30, 0), 0);     /* 0.5 -> 0 */
    assert_int_equal(ec_s8_requant(3, 1 << 30, 0), 2);     /* 1.5 -> 2 */
    assert_int_equal(ec_s8_requant(5, 1 << 30, 0), 2);     /* 2.5 -> 2 */
    assert_int_equal(ec_s8_requant(-3, 1 << 30, 0), -2);   /* -1.5 -> -2 */
    assert_int_equal(ec_s8_requant(-5, 1 << 30, 0), -2);   /* -2.5 -> -2 */
    assert_int_equal(ec_s8_requant(7, 1 << 30, 1), 7);     /* real 1 */
    assert_int_equal(ec_s8_out(300, 0, -128, 127), 127);
    assert_int_equal(ec_s8_out(-300, 5, -128, 127), -128);
    assert_int_equal(ec_s8_out(-10, 3, -5, 127), -5);
    for (int i = 0; i < 20000; i++) {
        int32_t acc = rnd(-2000000, 2000000), mult = rnd(1 << 30, 0x7fffffff), shift = rnd(-20, 2);
        assert_int_equal(ec_s8_out(ec_s8_requant(acc, mult, shift), 3, -128, 127),
                         ref_rq(acc, mult, shift, 3, -128, 127));
    }
}

static void fill8(int8_t *p, int n, int lo, int hi)
{
    for (int i = 0; i < n; i++) p[i] = (int8_t)rnd(lo, hi);
}

static void rq_random(int32_t *rq, int n)
{
    for (int k = 0; k < n; k++) {
        /* real scales around 1e-3 .. 1e-2, as x_scale * w_scale / y_scale gives */
        ec_quant_multiplier(rq + 2 * k, 0.02f * (float)rnd(1, 100) / 100.0f, 0.01f, 0.05f);
    }
}

/* 2-D grouped conv reference */
static void ref_conv2d(int8_t *y, const int8_t *x, const int8_t *w, const int32_t *bias, int n, int c,
                       int m, int group, int ih, int iw, int kh, int kw, int sh, int sw, int dh, int dw,
                       int pt, int pl, int oh, int ow, int xzp, int yzp, int lo, int hi, const int32_t *rq)
{
    int cg = c / group, mg = m / group;
    for (int b = 0; b < n; b++)
        for (int o = 0; o < m; o++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    int64_t acc = bias ? bias[o] : 0;
                    for (int ci = 0; ci < cg; ci++)
                        for (int ky = 0; ky < kh; ky++)
                            for (int kx = 0; kx < kw; kx++) {
                                int iy = oy * sh - pt + ky * dh, ix = ox * sw - pl + kx * dw;
                                int ch = (o / mg) * cg + ci;
                                if (iy < 0 || iy >= ih || ix < 0 || ix >= iw) continue;
                                acc += (int64_t)(x[((b * c + ch) * ih + iy) * iw + ix] - xzp) *
                                       w[((o * cg + ci) * kh + ky) * kw + kx];
                            }
                    y[((b * m + o) * oh + oy) * ow + ox] =
                        (int8_t)ref_rq(acc, rq[2 * o], rq[2 * o + 1], yzp, lo, hi);
                }
}

static void conv_case(int n, int c, int m, int group, int ih, int iw, int kh, int kw, int sh, int sw,
                      int dh, int dw, int pt, int pl, int pb, int pr, bool with_bias, bool dwkern)
{
    int oh = (ih + pt + pb - ((kh - 1) * dh + 1)) / sh + 1, ow = (iw + pl + pr - ((kw - 1) * dw + 1)) / sw + 1;
    int nx = n * c * ih * iw, nw = m * (c / group) * kh * kw, ny = n * m * oh * ow;
    int8_t *x = malloc((size_t)nx), *w = malloc((size_t)nw), *y = malloc((size_t)ny), *r = malloc((size_t)ny);
    int32_t *bias = malloc(sizeof(int32_t) * (size_t)m), *rq = malloc(sizeof(int32_t) * 2 * (size_t)m);
    int32_t p[14] = { ih, iw, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr };
    int xzp = rnd(-128, 127), yzp = rnd(-20, 20), lo = rnd(-128, -100), hi = rnd(100, 127);
    fill8(x, nx, -128, 127);
    fill8(w, nw, -127, 127);
    for (int k = 0; k < m; k++) bias[k] = rnd(-5000, 5000);
    rq_random(rq, m);
    ref_conv2d(r, x, w, with_bias ? bias : NULL, n, c, m, group, ih, iw, kh, kw, sh, sw, dh, dw, pt, pl,
               oh, ow, xzp, yzp, lo, hi, rq);
    memset(y, 0x55, (size_t)ny);
    if (dwkern)
        ec_s8_dwconv(y, x, w, with_bias ? bias : NULL, n, c, m, xzp, yzp, lo, hi, rq, p);
    else
        ec_s8_conv(y, x, w, with_bias ? bias : NULL, n, c, m, group, xzp, yzp, lo, hi, 2, rq, p);
    assert_memory_equal(y, r, (size_t)ny);
    free(x); free(w); free(y); free(r); free(bias); free(rq);
}

static void test_conv(void **state)
{
    (void)state;
    conv_case(1, 3, 8, 1, 9, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, false);
    conv_case(2, 4, 6, 2, 8, 8, 3, 2, 2, 1, 1, 2, 0, 1, 2, 0, true, false);
    conv_case(1, 8, 16, 1, 5, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, false, false);
    conv_case(1, 6, 6, 6, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, false);   /* depthwise, generic kernel */
    /* 6 output channels per group: four at once, then two one by one; rows longer than the
     * 2-D path's chunk of 32 outputs, a stride of 2 */
    conv_case(1, 4, 12, 2, 5, 70, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, false);
    conv_case(2, 3, 5, 1, 9, 75, 3, 5, 2, 2, 1, 2, 1, 2, 0, 3, false, false);
}

static void test_conv_1d(void **state)
{
    /* nd = 1: the 2-D reference with a height of 1 */
    int8_t x[2 * 3 * 10], w[4 * 3 * 3], y[2 * 4 * 5], r[2 * 4 * 5];
    int32_t bias[4], rq[8], p[7] = { 10, 5, 3, 2, 1, 1, 0 };
    (void)state;
    fill8(x, (int)sizeof x, -128, 127);
    fill8(w, (int)sizeof w, -127, 127);
    for (int k = 0; k < 4; k++) bias[k] = rnd(-1000, 1000);
    rq_random(rq, 4);
    ref_conv2d(r, x, w, bias, 2, 3, 4, 1, 1, 10, 1, 3, 1, 2, 1, 1, 0, 1, 1, 5, -7, 4, -128, 127, rq);
    ec_s8_conv(y, x, w, bias, 2, 3, 4, 1, -7, 4, -128, 127, 1, rq, p);
    assert_memory_equal(y, r, sizeof y);
}

static void test_dwconv(void **state)
{
    (void)state;
    conv_case(1, 8, 8, 8, 9, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, true);
    conv_case(2, 4, 8, 4, 10, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, true, true);  /* multiplier 2, stride 2 */
    conv_case(1, 5, 5, 5, 8, 8, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, false, true);  /* dilation 2 */
}

static void test_fc(void **state)
{
    enum { M = 5, N = 7, K = 33 };
    int8_t x[M * K], w[N * K], y[M * N];
    int32_t bias[N], rq[2 * N];
    int xzp = 17, yzp = -9;
    (void)state;
    fill8(x, M * K, -128, 127);
    fill8(w, N * K, -127, 127);
    for (int j = 0; j < N; j++) bias[j] = rnd(-20000, 20000);
    rq_random(rq, N);
    ec_s8_fc(y, x, w, bias, M, N, K, xzp, yzp, -128, 127, rq);
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            int64_t acc = bias[j];
            for (int k = 0; k < K; k++) acc += (int64_t)(x[i * K + k] - xzp) * w[j * K + k];
            assert_int_equal(y[i * N + j], ref_rq(acc, rq[2 * j], rq[2 * j + 1], yzp, -128, 127));
        }
    ec_s8_fc(y, x, w, NULL, M, N, K, xzp, yzp, -60, 60, rq);
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            int64_t acc = 0;
            for (int k = 0; k < K; k++) acc += (int64_t)(x[i * K + k] - xzp) * w[j * K + k];
            assert_int_equal(y[i * N + j], ref_rq(acc, rq[2 * j], rq[2 * j + 1], yzp, -60, 60));
        }
}

static int ref_div_even(int64_t s, int64_t d)
{
    return (int)nearbyintl((long double)s / (long double)d);
}

static void test_avgpool(void **state)
{
    enum { NC = 3, IH = 7, IW = 6, KH = 3, KW = 2, SH = 2, SW = 2, PT = 1, PL = 1, PB = 1, PR = 0 };
    const int OH = (IH + PT + PB - KH) / SH + 1, OW = (IW + PL + PR - KW) / SW + 1;
    int8_t x[NC * IH * IW], y[NC * 4 * 4];
    int32_t p[14] = { IH, IW, OH, OW, KH, KW, SH, SW, 1, 1, PT, PL, PB, PR };
    const int zp = -13;
    (void)state;
    fill8(x, NC * IH * IW, -128, 127);
    for (int cip = 0; cip < 2; cip++) {
        ec_s8_avgpool(y, x, NC, cip, zp, 2, p);
        for (int c = 0; c < NC; c++)
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++) {
                    int64_t s = 0, cnt = 0;
                    for (int ky = 0; ky < KH; ky++)
                        for (int kx = 0; kx < KW; kx++) {
                            int iy = oy * SH - PT + ky, ix = ox * SW - PL + kx;
                            if (iy >= 0 && iy < IH && ix >= 0 && ix < IW) {
                                s += x[(c * IH + iy) * IW + ix] - zp;
                                cnt++;
                            } else if (cip && iy < IH + PB && ix < IW + PR) {
                                cnt++;
                            }
                        }
                    assert_int_equal(y[(c * OH + oy) * OW + ox], ref_div_even(s, cnt) + zp);
                }
    }
    {
        int8_t g[NC];
        ec_s8_global_avgpool(g, x, NC, IH * IW, zp);
        for (int c = 0; c < NC; c++) {
            int64_t s = 0;
            for (int i = 0; i < IH * IW; i++) s += x[c * IH * IW + i] - zp;
            assert_int_equal(g[c], ref_div_even(s, IH * IW) + zp);
        }
    }
    {
        /* ties go to even: mean of {1, 2} = 1.5 -> 2, of {2, 3} = 2.5 -> 2, of {-1, -2} -> -2 */
        int8_t t[6] = { 1, 2, 2, 3, -1, -2 }, o[3];
        ec_s8_global_avgpool(o, t, 3, 2, 0);
        assert_int_equal(o[0], 2);
        assert_int_equal(o[1], 2);
        assert_int_equal(o[2], -2);
        /* the tie is decided on the real value: zp 1, {2, 3} - 1 = 1.5 -> 2, + 1 = 3 */
        ec_s8_global_avgpool(o, t + 2, 1, 2, 1);
        assert_int_equal(o[0], 3);
    }
}

/* The compiler's multipliers for QAdd (ir/ops/qint8.c's formulas). */
static void add_rq(int32_t *rq, float sa, float sb, float sy)
{
    float twice = 2.0f * (sa > sb ? sa : sb);
    ec_quant_multiplier(rq, sa, 1.0f, twice);
    ec_quant_multiplier(rq + 2, sb, 1.0f, twice);
    ec_quant_multiplier(rq + 4, twice, 1.0f, sy * 1048576.0f);
}

static void test_add_mul(void **state)
{
    /* a (2, 3, 4), b (3, 1) broadcast over the batch and the last dim */
    int8_t a[24], b[3], y[24], z[24];
    int32_t dims[3] = { 2, 3, 4 }, ast[3] = { 12, 4, 1 }, bst[3] = { 0, 1, 0 }, rq[6], mq[2];
    const float sa = 0.05f, sb = 0.02f, sy = 0.07f, sm = 0.01f;
    const int za = 3, zb = -7, zy = -2, zm = 5;
    (void)state;
    fill8(a, 24, -128, 127);
    fill8(b, 3, -128, 127);
    add_rq(rq, sa, sb, sy);
    ec_quant_multiplier(mq, sa, sb, sm);
    ec_s8_add(y, a, b, za, zb, zy, -128, 127, 3, dims, ast, bst, rq);
    ec_s8_mul(z, a, b, za, zb, zm, -128, 127, 3, dims, ast, bst, mq);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 4; k++) {
                int e = (i * 3 + j) * 4 + k;
                double ra = sa * (a[e] - za), rb = sb * (b[j] - zb);
                double want = nearbyint((ra + rb) / sy) + zy;
                double wantm = nearbyint(ra * rb / sm) + zm;
                want = want < -128 ? -128 : want > 127 ? 127 : want;
                wantm = wantm < -128 ? -128 : wantm > 127 ? 127 : wantm;
                /* the 20-bit fixed-point path may differ from real arithmetic by one step */
                assert_true(fabs(y[e] - want) <= 1);
                assert_true(fabs(z[e] - wantm) <= 1);
                /* exact integer reference of the mul rule */
                assert_int_equal(z[e], ref_rq((int64_t)(a[e] - za) * (b[j] - zb), mq[0], mq[1], zm, -128, 127));
                /* exact integer reference of the add rule */
                {
                    int32_t va = ref_rq((int64_t)(a[e] - za) * (1 << 20), rq[0], rq[1], 0, INT32_MIN, INT32_MAX);
                    int32_t vb = ref_rq((int64_t)(b[j] - zb) * (1 << 20), rq[2], rq[3], 0, INT32_MIN, INT32_MAX);
                    assert_int_equal(y[e], ref_rq((int64_t)va + vb, rq[4], rq[5], zy, -128, 127));
                }
            }
    /* fused Relu bound */
    ec_s8_add(y, a, b, za, zb, zy, zy, 127, 3, dims, ast, bst, rq);
    for (int e = 0; e < 24; e++) assert_true(y[e] >= zy);
}

static void test_rescale(void **state)
{
    /* concat of x (2, 3) at offset 2 of y (2, 6) */
    int8_t x[6], y[12];
    int32_t rq[2];
    (void)state;
    fill8(x, 6, -128, 127);
    memset(y, 99, sizeof y);
    ec_quant_multiplier(rq, 0.03f, 1.0f, 0.05f);
    ec_s8_rescale(y, x, 10, -4, 2, 3, 6, 2, rq);
    for (int o = 0; o < 2; o++)
        for (int i = 0; i < 6; i++) {
            int8_t v = y[o * 6 + i];
            if (i < 2 || i >= 5) {
                assert_int_equal(v, 99);
            } else {
                assert_int_equal(v, ref_rq(x[o * 3 + i - 2] - 10, rq[0], rq[1], -4, -128, 127));
            }
        }
    /* same scale and zero point: a copy */
    ec_quant_multiplier(rq, 0.05f, 1.0f, 0.05f);
    ec_s8_rescale(y, x, 0, 0, 1, 6, 6, 0, rq);
    assert_memory_equal(y, x, 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requant_rounding),
        cmocka_unit_test(test_conv),
        cmocka_unit_test(test_conv_1d),
        cmocka_unit_test(test_dwconv),
        cmocka_unit_test(test_fc),
        cmocka_unit_test(test_avgpool),
        cmocka_unit_test(test_add_mul),
        cmocka_unit_test(test_rescale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
