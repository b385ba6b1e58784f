/* test_nn.c - nn-family kernels against naive references and hand-computed
 * values, and shape inference / diagnostics of the nn ops. */
#include <math.h>
#include <string.h>
#include "unit.h"
#include "ir.h"
#include "ec_nn.h"

static void check_near(const float *got, const double *want, int n, double tol, int line)
{
    int i;
    double maxdiff = 0;
    for (i = 0; i < n; i++) {
        double d = fabs((double)got[i] - want[i]);
        if (d > maxdiff) maxdiff = d;
        if (!(d <= tol * (1.0 + fabs(want[i]))))
            fail_msg("line %d: [%d] = %.9g, expected %.9g", line, i, (double)got[i], want[i]);
    }
}
#define CHECK(got, want, n) check_near(got, want, n, 1e-5, __LINE__)

/* deterministic pseudo-random floats in [-1, 1) */
static uint32_t rng = 12345;
static float frand(void)
{
    rng = rng * 1103515245u + 12345u;
    return (float)((rng >> 8) & 0xffff) / 32768.0f - 1.0f;
}
static void fill(float *p, int n)
{
    int i;
    for (i = 0; i < n; i++) p[i] = frand();
}

/* ---- conv geometry used by the reference ---------------------------------- */

typedef struct cgeo {
    int nd, n, c, m, group;
    int in[3], out[3], k[3], s[3], d[3], pb[3], pe[3];
} cgeo;

static void cgeo_params(const cgeo *g, int32_t *p)
{
    int i, nd = g->nd;
    for (i = 0; i < nd; i++) {
        p[i] = g->in[i]; p[nd + i] = g->out[i]; p[2 * nd + i] = g->k[i];
        p[3 * nd + i] = g->s[i]; p[4 * nd + i] = g->d[i]; p[5 * nd + i] = g->pb[i];
        p[6 * nd + i] = g->pe[i];
    }
}

static void cgeo_finish(cgeo *g)
{
    int i;
    for (i = g->nd; i < 3; i++) {
        g->in[i] = g->out[i] = g->k[i] = g->s[i] = g->d[i] = 1;
        g->pb[i] = g->pe[i] = 0;
    }
    for (i = 0; i < g->nd; i++)
        g->out[i] = (g->in[i] + g->pb[i] + g->pe[i] - ((g->k[i] - 1) * g->d[i] + 1)) / g->s[i] + 1;
}

static int isz(const cgeo *g) { return g->in[0] * g->in[1] * g->in[2]; }
static int osz(const cgeo *g) { return g->out[0] * g->out[1] * g->out[2]; }
static int ksz(const cgeo *g) { return g->k[0] * g->k[1] * g->k[2]; }

/* Naive direct convolution over (up to) 3 spatial dims, bounds checked per tap. */
static void ref_conv(double *y, const float *x, const float *w, const float *b, const cgeo *g)
{
    int cg = g->c / g->group, mg = g->m / g->group;
    int n, m, c, o0, o1, o2, k0, k1, k2;
    for (n = 0; n < g->n; n++)
    for (m = 0; m < g->m; m++)
    for (o0 = 0; o0 < g->out[0]; o0++)
    for (o1 = 0; o1 < g->out[1]; o1++)
    for (o2 = 0; o2 < g->out[2]; o2++) {
        double acc = b ? b[m] : 0.0;
        for (c = 0; c < cg; c++)
        for (k0 = 0; k0 < g->k[0]; k0++)
        for (k1 = 0; k1 < g->k[1]; k1++)
        for (k2 = 0; k2 < g->k[2]; k2++) {
            int i0 = o0 * g->s[0] - g->pb[0] + k0 * g->d[0];
            int i1 = o1 * g->s[1] - g->pb[1] + k1 * g->d[1];
            int i2 = o2 * g->s[2] - g->pb[2] + k2 * g->d[2];
            int ci = (m / mg) * cg + c;
            if (i0 < 0 || i0 >= g->in[0] || i1 < 0 || i1 >= g->in[1] || i2 < 0 || i2 >= g->in[2])
                continue;
            acc += (double)x[((n * g->c + ci) * g->in[0] + i0) * g->in[1] * g->in[2] + i1 * g->in[2] + i2] *
                   (double)w[((m * cg + c) * g->k[0] + k0) * g->k[1] * g->k[2] + k1 * g->k[2] + k2];
        }
        y[((n * g->m + m) * g->out[0] + o0) * g->out[1] * g->out[2] + o1 * g->out[2] + o2] = acc;
    }
}

static void run_conv_case(cgeo g)
{
    int32_t p[21];
    int nx, nw, ny, i;
    float *x, *w, *b, *y, *u, *xt;
    double *want, dot1 = 0, dot2 = 0;
    cgeo_finish(&g);
    nx = g.n * g.c * isz(&g);
    nw = g.m * (g.c / g.group) * ksz(&g);
    ny = g.n * g.m * osz(&g);
    x = test_malloc(sizeof(float) * (size_t)nx);
    w = test_malloc(sizeof(float) * (size_t)nw);
    b = test_malloc(sizeof(float) * (size_t)g.m);
    y = test_malloc(sizeof(float) * (size_t)ny);
    u = test_malloc(sizeof(float) * (size_t)ny);
    xt = test_malloc(sizeof(float) * (size_t)nx);
    want = test_malloc(sizeof(double) * (size_t)ny);
    fill(x, nx); fill(w, nw); fill(b, g.m); fill(u, ny);
    cgeo_params(&g, p);

    ec_conv_f32(y, x, w, b, g.n, g.c, g.m, g.group, g.nd, p);
    ref_conv(want, x, w, b, &g);
    check_near(y, want, ny, 1e-5, __LINE__);
    ec_conv_f32(y, x, w, NULL, g.n, g.c, g.m, g.group, g.nd, p);
    ref_conv(want, x, w, NULL, &g);
    check_near(y, want, ny, 1e-5, __LINE__);

    /* ConvTranspose is the adjoint of Conv: <u, conv(x)> = <conv_t(u), x>,
     * with the window parameters swapped (input <-> output sizes). */
    for (i = 0; i < g.nd; i++) {
        p[i] = g.out[i];
        p[g.nd + i] = g.in[i];
    }
    ec_conv_transpose_f32(xt, u, w, NULL, g.n, g.m, g.c, g.group, g.nd, p);
    for (i = 0; i < ny; i++) dot1 += (double)u[i] * want[i];
    for (i = 0; i < nx; i++) dot2 += (double)xt[i] * x[i];
    if (fabs(dot1 - dot2) > 1e-4 * (1 + fabs(dot1)))
        fail_msg("conv_transpose adjoint mismatch: %g vs %g", dot1, dot2);

    test_free(x); test_free(w); test_free(b); test_free(y); test_free(u); test_free(xt);
    test_free(want);
}

static void test_conv_vs_reference(void **state)
{
    (void)state;
    /* 1-D plain, padded, strided, dilated */
    run_conv_case((cgeo){ .nd = 1, .n = 2, .c = 3, .m = 4, .group = 1, .in = { 9 }, .k = { 3 },
                          .s = { 1 }, .d = { 1 }, .pb = { 0 }, .pe = { 0 } });
    run_conv_case((cgeo){ .nd = 1, .n = 1, .c = 2, .m = 2, .group = 2, .in = { 7 }, .k = { 5 },
                          .s = { 2 }, .d = { 1 }, .pb = { 2 }, .pe = { 1 } });
    run_conv_case((cgeo){ .nd = 1, .n = 1, .c = 1, .m = 3, .group = 1, .in = { 10 }, .k = { 3 },
                          .s = { 3 }, .d = { 2 }, .pb = { 1 }, .pe = { 3 } });
    /* 2-D: groups, asymmetric pads, strides, dilations */
    run_conv_case((cgeo){ .nd = 2, .n = 2, .c = 4, .m = 6, .group = 2, .in = { 6, 7 },
                          .k = { 3, 2 }, .s = { 1, 2 }, .d = { 1, 1 }, .pb = { 1, 0 },
                          .pe = { 0, 1 } });
    run_conv_case((cgeo){ .nd = 2, .n = 1, .c = 3, .m = 5, .group = 1, .in = { 8, 8 },
                          .k = { 3, 3 }, .s = { 2, 2 }, .d = { 2, 2 }, .pb = { 2, 1 },
                          .pe = { 1, 2 } });
    /* depthwise with multiplier 2 */
    run_conv_case((cgeo){ .nd = 2, .n = 1, .c = 4, .m = 8, .group = 4, .in = { 5, 6 },
                          .k = { 3, 3 }, .s = { 1, 1 }, .d = { 1, 1 }, .pb = { 1, 1 },
                          .pe = { 1, 1 } });
    /* kernel larger than input thanks to padding; 1x1 conv */
    run_conv_case((cgeo){ .nd = 2, .n = 1, .c = 2, .m = 2, .group = 1, .in = { 2, 2 },
                          .k = { 4, 4 }, .s = { 1, 1 }, .d = { 1, 1 }, .pb = { 2, 2 },
                          .pe = { 2, 2 } });
    run_conv_case((cgeo){ .nd = 2, .n = 3, .c = 5, .m = 7, .group = 1, .in = { 4, 3 },
                          .k = { 1, 1 }, .s = { 1, 1 }, .d = { 1, 1 }, .pb = { 0, 0 },
                          .pe = { 0, 0 } });
    /* 3-D */
    run_conv_case((cgeo){ .nd = 3, .n = 1, .c = 2, .m = 4, .group = 2, .in = { 4, 5, 6 },
                          .k = { 2, 3, 2 }, .s = { 1, 2, 2 }, .d = { 2, 1, 1 },
                          .pb = { 1, 1, 0 }, .pe = { 0, 1, 1 } });
}

static void test_conv_transpose_hand(void **state)
{
    /* ONNX's test_convtranspose_1d: x (1,1,3) = 0 1 2, w (1,2,3) all ones */
    static const float x[3] = { 0, 1, 2 }, w[6] = { 1, 1, 1, 1, 1, 1 };
    static const int32_t p[7] = { 3, 5, 3, 1, 1, 0, 0 };
    /* strides 2, SAME_UPPER: out 6, total pad 1 -> begin 0 (test_convtranspose_autopad_same row) */
    static const float x2[3] = { 0, 1, 2 }, w2[3] = { 1, 1, 1 };
    static const int32_t p2[7] = { 3, 6, 3, 2, 1, 0, 1 };
    static const float bias[2] = { 10, 20 };
    float y[10];
    (void)state;
    ec_conv_transpose_f32(y, x, w, NULL, 1, 1, 2, 1, 1, p);
    CHECK(y, ((const double[]){ 0, 1, 3, 3, 2, 0, 1, 3, 3, 2 }), 10);
    ec_conv_transpose_f32(y, x, w, bias, 1, 1, 2, 1, 1, p);
    CHECK(y, ((const double[]){ 10, 11, 13, 13, 12, 20, 21, 23, 23, 22 }), 10);
    ec_conv_transpose_f32(y, x2, w2, NULL, 1, 1, 1, 1, 1, p2);
    CHECK(y, ((const double[]){ 0, 0, 1, 1, 3, 2 }), 6);
}

static void test_maxpool(void **state)
{
    /* x (1,1,4,4) = 1..16 with the max in the bottom-right of each 2x2 */
    float x[16], y[4];
    int64_t idx[4];
    uint8_t xu[16], yu[4];
    static const int32_t p[14] = { 4, 4, 2, 2, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0 };
    /* k 3, pads 1, stride 2 -> 2x2 with windows clipped at the top/left */
    static const int32_t pp[14] = { 4, 4, 2, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1 };
    int i;
    (void)state;
    for (i = 0; i < 16; i++) { x[i] = (float)(i + 1); xu[i] = (uint8_t)(200 + i); }
    ec_maxpool_f32(y, idx, x, 1, 0, 2, p);
    CHECK(y, ((const double[]){ 6, 8, 14, 16 }), 4);
    assert_true(idx[0] == 5 && idx[1] == 7 && idx[2] == 13 && idx[3] == 15);
    ec_maxpool_f32(y, idx, x, 1, 1, 2, p);   /* column-major indices */
    assert_true(idx[0] == 5 && idx[1] == 13 && idx[2] == 7 && idx[3] == 15);
    ec_maxpool_f32(y, NULL, x, 1, 0, 2, pp);
    CHECK(y, ((const double[]){ 6, 8, 14, 16 }), 4);
    ec_maxpool_u8(yu, NULL, xu, 1, 0, 2, pp);
    assert_true(yu[0] == 205 && yu[1] == 207 && yu[2] == 213 && yu[3] == 215);
    /* two (n, c) planes: indices include the plane offset */
    {
        float x2[32], y2[8];
        int64_t i2[8];
        for (i = 0; i < 32; i++) x2[i] = (float)(i % 16);
        ec_maxpool_f32(y2, i2, x2, 2, 0, 2, p);
        assert_true(i2[4] == 21 && i2[7] == 31);
    }
}

static void test_avgpool_lppool(void **state)
{
    static const float x[4] = { 1, 2, 3, 4 };   /* (1,1,2,2) */
    /* k 3, pads 1 each side, stride 1 -> 2x2 */
    static const int32_t p[14] = { 2, 2, 2, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1 };
    /* k 2, stride 2, no pads -> 1x1 */
    static const int32_t p2[14] = { 2, 2, 1, 1, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0 };
    float y[4];
    (void)state;
    ec_avgpool_f32(y, x, 1, 0, 2, p);
    CHECK(y, ((const double[]){ 2.5, 2.5, 2.5, 2.5 }), 4);
    ec_avgpool_f32(y, x, 1, 1, 2, p);
    CHECK(y, ((const double[]){ 10.0 / 9, 10.0 / 9, 10.0 / 9, 10.0 / 9 }), 4);
    ec_lppool_f32(y, x, 1, 2.0f, 2, p2);
    CHECK(y, ((const double[]){ sqrt(30.0) }), 1);
    ec_global_avgpool_f32(y, x, 2, 2);
    CHECK(y, ((const double[]){ 1.5, 3.5 }), 2);
    ec_global_maxpool_f32(y, x, 1, 4);
    CHECK(y, ((const double[]){ 4 }), 1);
    ec_global_lppool_f32(y, x, 1, 4, 1.0f);
    CHECK(y, ((const double[]){ 10 }), 1);
}

static void test_maxunpool(void **state)
{
    static const float x[4] = { 5, 6, 7, 8 };
    static const int64_t idx[4] = { 5, 7, 13, 15 };
    static const int32_t same[8] = { 1, 1, 4, 4, 1, 1, 4, 4 };
    static const int32_t bigger[8] = { 1, 1, 4, 4, 1, 1, 5, 5 };
    float y[25];
    (void)state;
    ec_maxunpool_f32(y, x, idx, 4, 4, same);
    CHECK(y, ((const double[]){ 0, 0, 0, 0, 0, 5, 0, 6, 0, 0, 0, 0, 0, 7, 0, 8 }), 16);
    ec_maxunpool_f32(y, x, idx, 4, 4, bigger);
    CHECK(y, ((const double[]){ 0, 0, 0, 0, 0, 0, 5, 0, 6, 0, 0, 0, 0, 0, 0, 0, 7, 0, 8, 0,
                                0, 0, 0, 0, 0 }), 25);
}

static void test_norms(void **state)
{
    static const float x[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };   /* (1, 2, 4) */
    static const float sc[2] = { 2, 3 }, bi[2] = { 1, -1 }, mu[2] = { 2, 6 }, va[2] = { 4, 1 };
    float y[8], mean[2], inv[2];
    double m0 = 2.5, v = 1.25;
    (void)state;
    ec_batchnorm_f32(y, x, sc, bi, mu, va, 1, 2, 4, 0.0f);
    CHECK(y, ((const double[]){ 0, 1, 2, 3, -4, -1, 2, 5 }), 8);
    ec_instancenorm_f32(y, x, sc, bi, 1, 2, 4, 0.0f);
    CHECK(y, ((const double[]){ 2 * (1 - m0) / sqrt(v) + 1, 2 * (2 - m0) / sqrt(v) + 1,
                                2 * (3 - m0) / sqrt(v) + 1, 2 * (4 - m0) / sqrt(v) + 1,
                                3 * (-1.5) / sqrt(v) - 1, 3 * (-0.5) / sqrt(v) - 1,
                                3 * (0.5) / sqrt(v) - 1, 3 * (1.5) / sqrt(v) - 1 }), 8);
    /* layernorm over rows of 4, scale of 2 broadcast (j % 2), no bias */
    ec_layernorm_f32(y, mean, inv, x, sc, NULL, 2, 4, 2, 1, 0.0f);
    CHECK(mean, ((const double[]){ 2.5, 6.5 }), 2);
    CHECK(inv, ((const double[]){ 1 / sqrt(v), 1 / sqrt(v) }), 2);
    CHECK(y, ((const double[]){ 2 * -1.5 / sqrt(v), 3 * -0.5 / sqrt(v), 2 * 0.5 / sqrt(v),
                                3 * 1.5 / sqrt(v), 2 * -1.5 / sqrt(v), 3 * -0.5 / sqrt(v),
                                2 * 0.5 / sqrt(v), 3 * 1.5 / sqrt(v) }), 8);
    /* LRN size 3 over 2 channels: each sums both squares */
    ec_lrn_f32(y, x, 1, 2, 4, 3, 3.0f, 1.0f, 1.0f);
    CHECK(y, ((const double[]){ 1.0 / 27, 2.0 / 41, 3.0 / 59, 4.0 / 81,
                                5.0 / 27, 6.0 / 41, 7.0 / 59, 8.0 / 81 }), 8);
    /* MVN over axis 1 of (2, 4) (x as two rows) */
    {
        static const int32_t p[4] = { 2, 4, 0, 1 };
        double sd = sqrt(v) + 1e-9;
        ec_mvn_f32(y, x, 2, p);
        CHECK(y, ((const double[]){ -1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd,
                                    -1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd }), 8);
    }
}

static void ref_gemm(double *y, const float *a, const float *b, const float *c, int M, int N,
                     int K, int ta, int tb, double alpha, double beta, int csm, int csn)
{
    int i, j, k;
    for (i = 0; i < M; i++)
        for (j = 0; j < N; j++) {
            double s = 0;
            for (k = 0; k < K; k++)
                s += (double)(ta ? a[k * M + i] : a[i * K + k]) * (tb ? b[j * K + k] : b[k * N + j]);
            y[i * N + j] = alpha * s + (c ? beta * c[i * csm + j * csn] : 0.0);
        }
}

/* Training-mode batch norm, worked by hand: one channel, x = {1,2,3,4} over
 * n=2, s=2: batch mean 2.5, population variance 1.25. */
static void test_batchnorm_training(void **state)
{
    const float x[4] = { 1, 2, 3, 4 }, sc[1] = { 2 }, bi[1] = { 1 }, mu[1] = { 0 }, va[1] = { 1 };
    float y[4], rm[1], rv[1];
    int i;
    (void)state;
    ec_batchnorm_train_f32(y, rm, rv, x, sc, bi, mu, va, 2, 1, 2, 0.0f, 0.9f);
    for (i = 0; i < 4; i++)
        assert_true(fabsf(y[i] - ((x[i] - 2.5f) / sqrtf(1.25f) * 2.0f + 1.0f)) < 1e-6f);
    assert_true(fabsf(rm[0] - 0.25f) < 1e-6f);       /* 0 * 0.9 + 2.5 * 0.1 */
    assert_true(fabsf(rv[0] - 1.025f) < 1e-6f);      /* 1 * 0.9 + 1.25 * 0.1 */
    ec_batchnorm_train_f32(y, NULL, NULL, x, sc, bi, mu, va, 2, 1, 2, 0.0f, 0.9f); /* outputs optional */
}

static void test_gemm_matmul(void **state)
{
    enum { M = 5, N = 7, K = 6 };
    float a[M * K], b[K * N], c[M * N], y[4 * M * N];
    double want[4 * M * N];
    int ta, tb, i;
    (void)state;
    fill(a, M * K); fill(b, K * N); fill(c, M * N);
    for (ta = 0; ta < 2; ta++)
        for (tb = 0; tb < 2; tb++) {
            ec_gemm_f32(y, a, b, c, M, N, K, ta, tb, 0.5f, 2.0f, N, 1);
            ref_gemm(want, a, b, c, M, N, K, ta, tb, 0.5, 2.0, N, 1);
            check_near(y, want, M * N, 1e-5, __LINE__);
            ec_gemm_f32(y, a, b, c, M, N, K, ta, tb, 1.0f, 1.0f, 0, 1);   /* C row vector */
            ref_gemm(want, a, b, c, M, N, K, ta, tb, 1.0, 1.0, 0, 1);
            check_near(y, want, M * N, 1e-5, __LINE__);
            ec_gemm_f32(y, a, b, NULL, M, N, K, ta, tb, 1.0f, 1.0f, 0, 0);
            ref_gemm(want, a, b, NULL, M, N, K, ta, tb, 1.0, 1.0, 0, 0);
            check_near(y, want, M * N, 1e-5, __LINE__);
        }
    /* batched: a (2, 1, M, K) with a stride per outer batch, b (2, K, N) per inner batch */
    {
        float a2[2 * M * K], b2[2 * K * N];
        static const int32_t p[6] = { 2, 2, M * K, 0, 0, K * N };
        fill(a2, 2 * M * K); fill(b2, 2 * K * N);
        ec_matmul_f32(y, a2, b2, M, N, K, 2, p);
        for (i = 0; i < 4; i++) {
            ref_gemm(want + i * M * N, a2 + (i / 2) * M * K, b2 + (i % 2) * K * N, NULL, M, N, K,
                     0, 0, 1, 0, 0, 0);
        }
        check_near(y, want, 4 * M * N, 1e-5, __LINE__);
    }
}

static void test_einsum(void **state)
{
    static const float a[6] = { 1, 2, 3, 4, 5, 6 };   /* (2, 3) */
    static const float sq[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    float y[9];
    double yd[2];
    static const double ad[3] = { 1, 2, 3 }, bd[3] = { 4, 5, 6 };
    (void)state;
    {   /* ij->ji: labels j, i */
        static const int32_t p[6] = { 3, 2, 1, 3, 0, 0 };
        ec_einsum_f32(y, a, NULL, 2, 2, p);
        CHECK(y, ((const double[]){ 1, 4, 2, 5, 3, 6 }), 6);
    }
    {   /* ij->i */
        static const int32_t p[6] = { 2, 3, 3, 1, 0, 0 };
        ec_einsum_f32(y, a, NULL, 1, 2, p);
        CHECK(y, ((const double[]){ 6, 15 }), 2);
    }
    {   /* ii->i: stride 3 + 1 */
        static const int32_t p[3] = { 3, 4, 0 };
        ec_einsum_f32(y, sq, NULL, 1, 1, p);
        CHECK(y, ((const double[]){ 1, 5, 9 }), 3);
    }
    {   /* i,i-> (f64) */
        static const int32_t p[3] = { 3, 1, 1 };
        ec_einsum_f64(yd, ad, bd, 0, 1, p);
        assert_true(fabs(yd[0] - 32) < 1e-12);
    }
    {   /* ij,jk->ik with a (2,3) and sq (3,3): labels i k j */
        static const int32_t p[9] = { 2, 3, 3, 3, 0, 1, 0, 1, 3 };
        float want[6];
        int i, k, j;
        for (i = 0; i < 2; i++)
            for (k = 0; k < 3; k++) {
                want[i * 3 + k] = 0;
                for (j = 0; j < 3; j++) want[i * 3 + k] += a[i * 3 + j] * sq[j * 3 + k];
            }
        ec_einsum_f32(y, a, sq, 2, 3, p);
        CHECK(y, ((const double[]){ want[0], want[1], want[2], want[3], want[4], want[5] }), 6);
    }
}

/* ---- shape inference and diagnostics through the IR ----------------------- */

static ec_attr ints_attr(const char *name, int n, const int64_t *v)
{
    ec_attr a;
    memset(&a, 0, sizeof a);
    a.name = ec_strdup(name);
    a.type = EC_ATTR_INTS;
    a.n = n;
    a.ints = ec_alloc(sizeof(int64_t) * (size_t)n);
    memcpy(a.ints, v, sizeof(int64_t) * (size_t)n);
    return a;
}

/* X (xs) and W (ws) runtime inputs -> op -> Y; returns the graph with node 0. */
static ec_graph *two_input_graph(const char *op, int xr, const int64_t *xs, int wr,
                                 const int64_t *ws)
{
    ec_graph *g = ec_graph_new("g");
    ec_shape sx = ec_shape_make(xr, xs), sw = ec_shape_make(wr, ws);
    const char *in[2] = { "x", "w" }, *out[1] = { "y" };
    ec_diag_set_file("m.onnx");
    g->opset = 17;
    ec_add_input(g, "x", EC_DT_FLOAT, &sx);
    ec_add_input(g, "w", EC_DT_FLOAT, &sw);
    ec_add_node(g, op, "", "n0", in, 2, out, 1);
    ec_add_output(g, "y", EC_DT_UNDEFINED, NULL);
    return g;
}

static const ec_value *y_of(ec_graph *g)
{
    ec_verify(g);
    ec_toposort(g);
    ec_infer_and_fold(g);
    return &g->values.a[ec_value_find(g, "y")];
}

static void test_infer_conv(void **state)
{
    static const int64_t xs[4] = { 1, 4, 10, 9 }, ws[4] = { 6, 2, 3, 3 };
    static const int64_t st[2] = { 2, 2 };
    ec_graph *g;
    const ec_value *y;
    ec_attr a;
    (void)state;
    g = two_input_graph("Conv", 4, xs, 4, ws);
    a = ec_attr_new_int("group", 2);
    ec_node_add_attr(g, 0, &a);
    a = ints_attr("strides", 2, st);
    ec_node_add_attr(g, 0, &a);
    a = ec_attr_new_string("auto_pad", "SAME_UPPER");
    ec_node_add_attr(g, 0, &a);
    y = y_of(g);
    assert_int_equal(y->shape.rank, 4);
    assert_true(y->shape.dim[1] == 6 && y->shape.dim[2] == 5 && y->shape.dim[3] == 5);

    /* group does not divide the channels */
    g = two_input_graph("Conv", 4, xs, 4, ws);
    a = ec_attr_new_int("group", 3);
    ec_node_add_attr(g, 0, &a);
    EXPECT_FAIL(y_of(g));
    assert_non_null(strstr(ec_diag_last(), "not divisible by group"));

    /* kernel larger than the unpadded input */
    {
        static const int64_t big[4] = { 6, 4, 11, 3 };
        g = two_input_graph("Conv", 4, xs, 4, big);
        EXPECT_FAIL(y_of(g));
        assert_non_null(strstr(ec_diag_last(), "empty output"));
    }
}

static void test_infer_pool_matmul(void **state)
{
    static const int64_t xs[4] = { 1, 1, 4, 4 }, ks[2] = { 3, 3 }, st[2] = { 2, 2 };
    static const int64_t a3[3] = { 5, 2, 3 }, b1[1] = { 3 }, b4[4] = { 2, 1, 3, 7 };
    ec_graph *g;
    const ec_value *y;
    ec_attr at;
    const char *in[1] = { "x" }, *out[1] = { "y" };
    ec_shape s = ec_shape_make(4, xs);
    (void)state;
    /* MaxPool ceil_mode: (4 - 3) / 2 rounds up -> 2 */
    g = ec_graph_new("g");
    ec_add_input(g, "x", EC_DT_FLOAT, &s);
    ec_add_node(g, "MaxPool", "", "p", in, 1, out, 1);
    ec_add_output(g, "y", EC_DT_UNDEFINED, NULL);
    at = ints_attr("kernel_shape", 2, ks);
    ec_node_add_attr(g, 0, &at);
    at = ints_attr("strides", 2, st);
    ec_node_add_attr(g, 0, &at);
    at = ec_attr_new_int("ceil_mode", 1);
    ec_node_add_attr(g, 0, &at);
    y = y_of(g);
    assert_true(y->shape.dim[2] == 2 && y->shape.dim[3] == 2);

    /* MatMul (5,2,3) x (3) -> (5,2); (5,2,3) x (2,1,3,7) -> (2,5,2,7) */
    g = two_input_graph("MatMul", 3, a3, 1, b1);
    y = y_of(g);
    assert_int_equal(y->shape.rank, 2);
    assert_true(y->shape.dim[0] == 5 && y->shape.dim[1] == 2);
    g = two_input_graph("MatMul", 3, a3, 4, b4);
    y = y_of(g);
    assert_int_equal(y->shape.rank, 4);
    assert_true(y->shape.dim[0] == 2 && y->shape.dim[1] == 5 && y->shape.dim[2] == 2 &&
                y->shape.dim[3] == 7);
    /* inner dims differ */
    {
        static const int64_t b2[2] = { 4, 2 };
        g = two_input_graph("MatMul", 3, a3, 2, b2);
        EXPECT_FAIL(y_of(g));
        assert_non_null(strstr(ec_diag_last(), "inner dims differ"));
    }
}

static void test_infer_einsum(void **state)
{
    static const int64_t as[3] = { 2, 3, 4 }, bs[3] = { 2, 4, 5 };
    ec_graph *g;
    const ec_value *y;
    ec_attr at;
    (void)state;
    g = two_input_graph("Einsum", 3, as, 3, bs);
    at = ec_attr_new_string("equation", "bij, bjk -> bik");
    ec_node_add_attr(g, 0, &at);
    y = y_of(g);
    assert_int_equal(y->shape.rank, 3);
    assert_true(y->shape.dim[0] == 2 && y->shape.dim[1] == 3 && y->shape.dim[2] == 5);
    /* implicit output: labels seen once, alphabetical -> "ik" ... with b summed? b appears
     * twice so it is summed: (3, 5) */
    g = two_input_graph("Einsum", 3, as, 3, bs);
    at = ec_attr_new_string("equation", "bij,bjk");
    ec_node_add_attr(g, 0, &at);
    y = y_of(g);
    assert_int_equal(y->shape.rank, 2);
    assert_true(y->shape.dim[0] == 3 && y->shape.dim[1] == 5);
    /* label size mismatch */
    g = two_input_graph("Einsum", 3, as, 3, bs);
    at = ec_attr_new_string("equation", "bij,bik->bjk");
    ec_node_add_attr(g, 0, &at);
    EXPECT_FAIL(y_of(g));
    assert_non_null(strstr(ec_diag_last(), "label 'i' has sizes"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_vs_reference),
        cmocka_unit_test(test_conv_transpose_hand),
        cmocka_unit_test(test_maxpool),
        cmocka_unit_test(test_avgpool_lppool),
        cmocka_unit_test(test_maxunpool),
        cmocka_unit_test(test_norms),
        cmocka_unit_test(test_batchnorm_training),
        cmocka_unit_test(test_gemm_matmul),
        cmocka_unit_test(test_einsum),
        cmocka_unit_test(test_infer_conv),
        cmocka_unit_test(test_infer_pool_matmul),
        cmocka_unit_test(test_infer_einsum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
