/* test_quant.c - quant-family kernels against hand-computed values and naive
 * references, the requantization arithmetic, and the ops through the IR
 * (shapes, compile-time vs run-time multipliers, folding, diagnostics). */
#include <math.h>
#include <string.h>
#include "unit.h"
#include "ir.h"
#include "ec_quant.h"

/* deterministic pseudo-random bytes */
static uint32_t rng = 2024;
static uint32_t urand(void)
{
    rng = rng * 1103515245u + 12345u;
    return (rng >> 8) & 0xffffu;
}

/* ---- requantization ---------------------------------------------------------- */

static void test_multiplier(void **state)
{
    int32_t rq[2];
    (void)state;
    ec_quant_multiplier(rq, 1.0f, 0.5f, 1.0f);            /* 0.5 = 2^30 / 2^31 * 2^0 */
    assert_int_equal(rq[0], 1 << 30);
    assert_int_equal(rq[1], 0);
    ec_quant_multiplier(rq, 3.0f, 1.0f, 1.0f);            /* 3 = 0.75 * 2^2 */
    assert_int_equal(rq[0], 1610612736);
    assert_int_equal(rq[1], 2);
    ec_quant_multiplier(rq, 0.25f, 0.25f, 4.0f);          /* 1/64 = 0.5 * 2^-5 */
    assert_int_equal(rq[0], 1 << 30);
    assert_int_equal(rq[1], -5);
    /* the multiplier is exactly the float real scale */
    ec_quant_multiplier(rq, 0.0066f, 0.00705f, 0.0107f);
    {
        float real = 0.0066f * 0.00705f / 0.0107f;
        assert_true((double)rq[0] * ldexp(1.0, rq[1] - 31) == (double)real);
        assert_true(rq[0] >= (1 << 30));
    }
    /* degenerate scales */
    ec_quant_multiplier(rq, 0.0f, 1.0f, 1.0f);
    assert_int_equal(rq[0], 0);
    ec_quant_multiplier(rq, -1.0f, 1.0f, 1.0f);
    assert_int_equal(rq[0], 0);
    ec_quant_multiplier(rq, 1e-30f, 1e-10f, 1.0f);        /* below 2^-32 */
    assert_int_equal(rq[0], 0);
    ec_quant_multiplier(rq, 1.0f, 1.0f, 0.0f);            /* inf: saturate */
    assert_int_equal(rq[0], INT32_MAX);
    assert_int_equal(rq[1], 31);
}

static void test_requantize_rounding(void **state)
{
    int32_t half[2], r3[2];
    (void)state;
    ec_quant_multiplier(half, 1.0f, 0.5f, 1.0f);
    /* ties to even, both signs */
    assert_int_equal(ec_requantize(5, half[0], half[1]), 2);     /* 2.5 */
    assert_int_equal(ec_requantize(7, half[0], half[1]), 4);     /* 3.5 */
    assert_int_equal(ec_requantize(3, half[0], half[1]), 2);     /* 1.5 */
    assert_int_equal(ec_requantize(1, half[0], half[1]), 0);     /* 0.5 */
    assert_int_equal(ec_requantize(-5, half[0], half[1]), -2);
    assert_int_equal(ec_requantize(-7, half[0], half[1]), -4);
    assert_int_equal(ec_requantize(-1, half[0], half[1]), 0);
    assert_int_equal(ec_requantize(8, half[0], half[1]), 4);
    /* 3 * 2^0.. : real = 3 -> left scaling */
    ec_quant_multiplier(r3, 3.0f, 1.0f, 1.0f);
    assert_int_equal(ec_requantize(-1000, r3[0], r3[1]), -3000);
    /* extremes stay exact in 64 bits */
    assert_int_equal(ec_requantize(INT32_MIN, half[0], half[1]), -1073741824);
    assert_int_equal(ec_requantize(INT32_MAX, half[0], half[1]), 1073741824);  /* 2^30 - 0.5 -> even */
    /* against the exactly rounded double value for many (acc, scale) */
    {
        int i;
        for (i = 0; i < 20000; i++) {
            int32_t rq[2];
            float s = (float)(urand() + 1) / 65536.0f * 0.01f;
            int32_t acc = (int32_t)(urand() * 16u) - 524288;
            double exact = (double)acc * (double)s, want = nearbyint(exact); /* ties to even */
            ec_quant_multiplier(rq, s, 1.0f, 1.0f);
            assert_true((double)ec_requantize(acc, rq[0], rq[1]) == want);
        }
    }
}

/* ---- QuantizeLinear / DequantizeLinear / DynamicQuantizeLinear -------------- */

static void test_quantize_dequantize(void **state)
{
    static const float x[6] = { 0.0f, 2.0f, 3.0f, 1000.0f, -254.0f, -1000.0f };
    static const float sc2 = 2.0f;
    static const uint8_t zp128 = 128;
    static const uint8_t want[6] = { 128, 129, 130, 255, 1, 0 };
    uint8_t y[6];
    int8_t ys[8];
    float f[6];
    (void)state;
    ec_quantize_linear_f32_u8(y, x, &sc2, &zp128, 6, 1, 1);
    assert_memory_equal(y, want, 6);
    /* ties to even: 0.5 -> 0, 1.5 -> 2, -0.5 -> 0, -1.5 -> -2, 2.5 -> 2; int8 saturates */
    {
        static const float xt[8] = { 1.0f, 3.0f, -1.0f, -3.0f, 5.0f, 300.0f, -300.0f, NAN };
        static const int8_t wt[8] = { 0, 2, 0, -2, 2, 127, -128, 0 };
        ec_quantize_linear_f32_s8(ys, xt, &sc2, NULL, 8, 1, 1);
        assert_memory_equal(ys, wt, 8);
    }
    /* int32 input */
    {
        static const int32_t xi[4] = { 7, -7, 1000, 9 };
        static const int8_t zp = -3, wi[4] = { 1, -7, 127, 1 };
        ec_quantize_linear_s32_s8(ys, xi, &sc2, &zp, 4, 1, 1);  /* 3.5->4, -3.5->-4, 500, 4.5->4; -3 */
        assert_memory_equal(ys, wi, 4);
    }
    /* per axis (1, 3, 2): axis 1 */
    {
        static const float xa[6] = { -10.0f, 10.0f, 8.0f, 9.0f, 0.0f, 255.0f };
        static const float sa[3] = { 2.0f, 4.0f, 1.0f };
        static const uint8_t za[3] = { 10, 0, 200 }, wa[6] = { 5, 15, 2, 2, 200, 255 };
        ec_quantize_linear_f32_u8(y, xa, sa, za, 1, 3, 2);
        assert_memory_equal(y, wa, 6);
        ec_dequantize_linear_u8(f, wa, sa, za, 1, 3, 2);
        assert_true(f[0] == -10.0f && f[1] == 10.0f && f[2] == 8.0f && f[3] == 8.0f &&
                    f[4] == 0.0f && f[5] == 55.0f);
    }
    {
        static const int8_t xs8[3] = { -128, 0, 127 }, z = -1;
        static const int32_t x32[2] = { INT32_MIN, INT32_MAX };
        static const float s = 0.5f;
        ec_dequantize_linear_s8(f, xs8, &s, &z, 3, 1, 1);
        assert_true(f[0] == -63.5f && f[1] == 0.5f && f[2] == 64.0f);
        ec_dequantize_linear_s32(f, x32, &s, NULL, 2, 1, 1);
        assert_true(f[0] == -1073741824.0f && f[1] == 1073741824.0f);
    }
}

static void test_dynamic_quantize(void **state)
{
    /* the ONNX test case values */
    static const float x[6] = { 0.0f, 2.0f, -3.0f, -2.5f, 1.34f, 0.5f };
    static const uint8_t want[6] = { 153, 255, 0, 26, 221, 179 };
    static const float xn[6] = { -1.0f, -2.1f, -1.3f, -2.5f, -3.34f, -4.0f };
    static const uint8_t wantn[6] = { 191, 121, 172, 96, 42, 0 };
    static const float z4[4] = { 0.0f, 0.0f, 0.0f, 0.0f };
    uint8_t y[6], zp;
    float s;
    (void)state;
    ec_dynamic_quantize_linear_u8(y, &s, &zp, x, 6);
    assert_memory_equal(y, want, 6);
    assert_true(s == 5.0f / 255.0f);
    assert_int_equal(zp, 153);
    ec_dynamic_quantize_linear_u8(y, &s, &zp, xn, 6);
    assert_memory_equal(y, wantn, 6);
    assert_int_equal(zp, 255);
    /* all zeros: scale 0, zero point 0, y 0 */
    memset(y, 7, sizeof y);
    ec_dynamic_quantize_linear_u8(y, &s, &zp, z4, 4);
    assert_true(s == 0.0f && zp == 0 && y[0] == 0 && y[3] == 0);
}

/* ---- integer products ------------------------------------------------------------- */

static void test_matmul_integer(void **state)
{
    /* the ONNX test case: A (4, 3) - 12, B (3, 2) */
    static const uint8_t a[12] = { 11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0 };
    static const uint8_t b[6] = { 1, 4, 2, 5, 3, 6 };
    static const uint8_t az = 12, bz = 0;
    static const int32_t want[8] = { -38, -83, -44, -98, -50, -113, -56, -128 };
    static const int32_t p0 = 0;
    int32_t y[8];
    (void)state;
    ec_matmul_integer_u8u8(y, a, b, &az, &bz, 4, 2, 3, 1, 1, 0, &p0);
    assert_memory_equal(y, want, sizeof want);
    /* int8 x uint8, per-row a zero points and per-column b zero points, vs naive */
    {
        enum { M = 3, N = 5, K = 7 };
        int8_t sa[M * K], azr[M];
        uint8_t ub[K * N], bzc[N];
        int32_t got[M * N];
        int i, j, k;
        for (i = 0; i < M * K; i++) sa[i] = (int8_t)((int)(urand() & 0xff) - 128);
        for (i = 0; i < K * N; i++) ub[i] = (uint8_t)urand();
        for (i = 0; i < M; i++) azr[i] = (int8_t)((int)(urand() & 0xff) - 128);
        for (i = 0; i < N; i++) bzc[i] = (uint8_t)urand();
        ec_matmul_integer_s8u8(got, sa, ub, azr, bzc, M, N, K, M, N, 0, &p0);
        for (i = 0; i < M; i++)
            for (j = 0; j < N; j++) {
                int32_t acc = 0;
                for (k = 0; k < K; k++) acc += (sa[i * K + k] - azr[i]) * (ub[k * N + j] - bzc[j]);
                assert_int_equal(got[i * N + j], acc);
            }
    }
    /* batched with broadcast: a (2, 2, 3), b (3, 2) shared (stride 0) */
    {
        static const int32_t p[3] = { 2, 6, 0 };
        static const int8_t a2[12] = { 1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6 };
        static const int8_t b2[6] = { 1, 0, 0, 1, 1, 1 };
        static const int32_t w2[8] = { 4, 5, 10, 11, -4, -5, -10, -11 };
        ec_matmul_integer_s8s8(y, a2, b2, NULL, NULL, 2, 2, 3, 1, 1, 1, p);
        assert_memory_equal(y, w2, sizeof w2);
    }
}

static void test_conv_integer(void **state)
{
    /* the ONNX test case: x 3x3 (2..10), w 2x2 ones, x_zp 1 */
    static const uint8_t x[9] = { 2, 3, 4, 5, 6, 7, 8, 9, 10 }, w[4] = { 1, 1, 1, 1 }, xz = 1;
    static const int32_t p[14] = { 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0 };
    static const int32_t pp[14] = { 3, 3, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1 };
    static const int32_t want[4] = { 12, 16, 24, 28 };
    static const int32_t wantp[16] = { 1, 3, 5, 3, 5, 12, 16, 9, 11, 24, 28, 15, 7, 15, 17, 9 };
    int32_t y[16];
    (void)state;
    ec_conv_integer_u8u8(y, x, w, &xz, NULL, 1, 1, 1, 1, 1, 2, p);
    assert_memory_equal(y, want, sizeof want);
    ec_conv_integer_u8u8(y, x, w, &xz, NULL, 1, 1, 1, 1, 1, 2, pp);
    assert_memory_equal(y, wantp, sizeof wantp);
    /* int8 weights with per-channel zero points, 1-D, 2 output channels, stride 2 */
    {
        static const uint8_t x1[5] = { 10, 20, 30, 40, 50 }, z = 10;
        static const int8_t w1[4] = { 1, -1, 3, 2 }, wz[2] = { 0, 2 };
        static const int32_t p1[7] = { 5, 2, 2, 2, 1, 0, 0 };
        /* ch0: (x0-10)*1 + (x1-10)*-1 ; ch1: (x-10)*1 + (x'-10)*0 */
        static const int32_t w1want[4] = { -10, -10, 0, 20 };
        ec_conv_integer_u8s8(y, x1, w1, &z, wz, 1, 1, 2, 1, 2, 1, p1);
        assert_memory_equal(y, w1want, sizeof w1want);
    }
}

static void test_qlinear(void **state)
{
    /* QLinearMatMul 2D, the ONNX test case */
    static const uint8_t a[8] = { 208, 236, 0, 238, 3, 214, 255, 29 };
    static const uint8_t b[12] = { 152, 51, 244, 60, 26, 255, 0, 127, 246, 127, 254, 247 };
    static const float as = 0.0066f, bs = 0.00705f, ys = 0.0107f;
    static const uint8_t az = 113, bz = 114, yz = 118;
    static const uint8_t want[6] = { 168, 115, 255, 1, 66, 151 };
    static const int32_t p0 = 0;
    int32_t rq[2], work[3 + 2];
    uint8_t y[6];
    (void)state;
    ec_quant_multiplier(rq, as, bs, ys);
    ec_qlinear_matmul_u8u8u8(y, work, a, b, &az, &bz, &yz, 2, 3, 4, 1, 0, rq, &p0);
    assert_memory_equal(y, want, 6);
    memset(y, 0, sizeof y);
    ec_qlinear_matmul_rt_u8u8u8(y, work, a, b, &az, &bz, &yz, &as, &bs, &ys, 2, 3, 4, 1, 0, &p0);
    assert_memory_equal(y, want, 6);

    /* QLinearConv, hand computed: x (1, 1, 1, 3) int8, two 1x2 filters with
     * per-channel scales, bias, int8 output.
     * ch0: w-wz = {1, 2}, acc = (x0-xz) + 2 (x1-xz) + 10; real = 0.5 * 0.25 / 0.5 = 0.25
     * ch1: w-wz = {-1, 1}, acc = -(x0-xz) + (x1-xz) - 4;   real = 0.5 * 1 / 0.5 = 1 */
    {
        static const int8_t x[3] = { 5, 7, -9 }, xz = 1, w[4] = { 3, 4, -3, -1 };
        static const int8_t wz[2] = { 2, -2 }, yzc = -3;
        static const int32_t bias[2] = { 10, -4 };
        static const float xs = 0.5f, ws[2] = { 0.25f, 1.0f }, ysc = 0.5f;
        static const int32_t p[14] = { 1, 3, 1, 2, 1, 2, 1, 1, 1, 1, 0, 0, 0, 0 };
        /* acc ch0: 4 + 12 + 10 = 26, 6 - 20 + 10 = -4 -> 6.5 -> 6, -1 -> 3, -4
         * acc ch1: -4 + 6 - 4 = -2, -6 - 10 - 4 = -20 -> -5, -23 */
        static const int8_t cwant[4] = { 3, -4, -5, -23 };
        int32_t crq[4], cwork[2 + 4];
        int8_t cy[4];
        ec_quant_multiplier(crq, xs, ws[0], ysc);
        ec_quant_multiplier(crq + 2, xs, ws[1], ysc);
        ec_qlinear_conv_s8s8s8(cy, cwork, x, w, bias, &xz, wz, &yzc, 1, 1, 2, 1, 2, 2, crq, p);
        assert_memory_equal(cy, cwant, 4);
        memset(cy, 0, sizeof cy);
        ec_qlinear_conv_rt_s8s8s8(cy, cwork, x, w, bias, &xz, wz, &yzc, &xs, ws, &ysc, 1, 1, 2, 1,
                                  2, 2, p);
        assert_memory_equal(cy, cwant, 4);
    }
}

/* ---- through the IR ------------------------------------------------------------- */

typedef struct qin {
    const char *name;
    ec_dtype dt;
    int rank;
    int64_t dim[4];
    const void *data;                       /* NULL: a run-time input */
} qin;

static ec_graph *qgraph(const char *op, const qin *in, int nin, int nout)
{
    ec_graph *g = ec_graph_new("g");
    const char *names[9], *outs[3] = { "y", "y1", "y2" };
    int i;
    ec_diag_set_file("q.onnx");
    g->opset = 13;
    for (i = 0; i < nin; i++) {
        ec_shape s = ec_shape_make(in[i].rank, in[i].dim);
        names[i] = in[i].name;
        if (!in[i].name[0]) continue;
        if (in[i].data) {
            ec_tensor *t = ec_alloc(sizeof *t);
            size_t nb = (size_t)ec_shape_numel(&s) * ec_dtype_size(in[i].dt);
            t->dtype = in[i].dt;
            t->shape = s;
            t->data = ec_alloc(nb);
            memcpy(t->data, in[i].data, nb);
            t->nbytes = nb;
            t->name = ec_strdup(in[i].name);
            ec_add_initializer(g, t);
        } else {
            ec_add_input(g, in[i].name, in[i].dt, &s);
        }
    }
    ec_add_node(g, op, "", "n0", names, nin, outs, nout);
    for (i = 0; i < nout; i++) ec_add_output(g, outs[i], EC_DT_UNDEFINED, NULL);
    return g;
}

static const ec_value *y_of(ec_graph *g)
{
    ec_verify(g);
    ec_toposort(g);
    ec_infer_and_fold(g);
    return &g->values.a[ec_value_find(g, "y")];
}

static void test_ir_qlinear_matmul(void **state)
{
    static const uint8_t a[8] = { 208, 236, 0, 238, 3, 214, 255, 29 };
    static const uint8_t b[12] = { 152, 51, 244, 60, 26, 255, 0, 127, 246, 127, 254, 247 };
    static const float as = 0.0066f, bs = 0.00705f, ys = 0.0107f;
    static const uint8_t az = 113, bz = 114, yz = 118;
    static const uint8_t want[6] = { 168, 115, 255, 1, 66, 151 };
    qin in[8] = {
        { "a", EC_DT_UINT8, 2, { 2, 4 }, NULL }, { "as", EC_DT_FLOAT, 0, { 0 }, &as },
        { "az", EC_DT_UINT8, 0, { 0 }, &az }, { "b", EC_DT_UINT8, 2, { 4, 3 }, b },
        { "bs", EC_DT_FLOAT, 1, { 1 }, &bs }, { "bz", EC_DT_UINT8, 1, { 1 }, &bz },
        { "ys", EC_DT_FLOAT, 0, { 0 }, &ys }, { "yz", EC_DT_UINT8, 0, { 0 }, &yz },
    };
    ec_graph *g;
    const ec_value *y;
    ec_lowering L;
    void **outs;
    const void *inputs[8];
    int32_t rq[2];
    (void)state;
    /* constant scales: the (mult, shift) pair is an int32 array of the call */
    g = qgraph("QLinearMatMul", in, 8, 1);
    y = y_of(g);
    assert_int_equal(y->dtype, EC_DT_UINT8);
    assert_true(y->shape.rank == 2 && y->shape.dim[0] == 2 && y->shape.dim[1] == 3);
    ec_lower_node(g, 0, &L);
    assert_int_equal(L.calls.n, 1);
    assert_string_equal(L.calls.a[0].kernel, "ec_qlinear_matmul_u8u8u8");
    ec_quant_multiplier(rq, as, bs, ys);
    assert_int_equal(L.calls.a[0].args.a[12].kind, EC_ARG_INTS);
    assert_int_equal(L.calls.a[0].args.a[12].n, 2);
    assert_int_equal(L.calls.a[0].args.a[12].ints[0], rq[0]);
    assert_int_equal(L.calls.a[0].args.a[12].ints[1], rq[1]);
    ec_lowering_free(&L);
    inputs[0] = a;
    outs = ec_interp_graph(g, (void *const *)inputs);
    assert_memory_equal(outs[0], want, 6);

    /* run-time scales: the _rt kernel */
    in[4].data = NULL;
    g = qgraph("QLinearMatMul", in, 8, 1);
    (void)y_of(g);
    ec_lower_node(g, 0, &L);
    assert_string_equal(L.calls.a[0].kernel, "ec_qlinear_matmul_rt_u8u8u8");
    ec_lowering_free(&L);
    inputs[0] = a;
    inputs[1] = &bs;
    outs = ec_interp_graph(g, (void *const *)inputs);
    assert_memory_equal(outs[0], want, 6);

    /* everything constant: folded at compile time */
    in[0].data = a;
    in[4].data = &bs;
    g = qgraph("QLinearMatMul", in, 8, 1);
    y = y_of(g);
    assert_non_null(y->data);
    assert_memory_equal(y->data, want, 6);

    /* diagnostics: per-row a, negative scale, float operand */
    {
        static const float as2[2] = { 0.1f, 0.2f }, neg = -1.0f;
        static const uint8_t az2[2] = { 1, 2 };
        qin bad[8];
        memcpy(bad, in, sizeof bad);
        bad[0].data = NULL;
        bad[1].rank = 1; bad[1].dim[0] = 2; bad[1].data = as2;
        bad[2].rank = 1; bad[2].dim[0] = 2; bad[2].data = az2;
        EXPECT_FAIL(y_of(qgraph("QLinearMatMul", bad, 8, 1)));
        assert_non_null(strstr(ec_diag_last(), "per-row"));
        memcpy(bad, in, sizeof bad);
        bad[0].data = NULL;
        bad[6].data = &neg;
        g = qgraph("QLinearMatMul", bad, 8, 1);
        (void)y_of(g);
        EXPECT_FAIL(ec_lower_node(g, 0, &L));
        assert_non_null(strstr(ec_diag_last(), "positive"));
        memcpy(bad, in, sizeof bad);
        bad[0].data = NULL;
        bad[0].dt = EC_DT_FLOAT;
        EXPECT_FAIL(y_of(qgraph("QLinearMatMul", bad, 8, 1)));
        assert_non_null(strstr(ec_diag_last(), "expected uint8 or int8"));
    }
}

static void test_ir_conv_and_qdq(void **state)
{
    static const uint8_t x[9] = { 2, 3, 4, 5, 6, 7, 8, 9, 10 }, w[4] = { 1, 1, 1, 1 }, xz = 1;
    static const int32_t want[4] = { 12, 16, 24, 28 };
    qin in[3] = {
        { "x", EC_DT_UINT8, 4, { 1, 1, 3, 3 }, x }, { "w", EC_DT_UINT8, 4, { 1, 1, 2, 2 }, w },
        { "xz", EC_DT_UINT8, 0, { 0 }, &xz },
    };
    ec_graph *g;
    const ec_value *y;
    (void)state;
    /* ConvInteger folded */
    g = qgraph("ConvInteger", in, 3, 1);
    y = y_of(g);
    assert_int_equal(y->dtype, EC_DT_INT32);
    assert_true(y->shape.dim[2] == 2 && y->shape.dim[3] == 2);
    assert_non_null(y->data);
    assert_memory_equal(y->data, want, sizeof want);
    /* w zero point with the wrong count */
    {
        static const uint8_t wz[3] = { 0, 0, 0 };
        qin in4[4] = {
            { "x", EC_DT_UINT8, 4, { 1, 1, 3, 3 }, NULL }, { "w", EC_DT_UINT8, 4, { 1, 1, 2, 2 }, w },
            { "xz", EC_DT_UINT8, 0, { 0 }, &xz }, { "wz", EC_DT_UINT8, 1, { 3 }, wz },
        };
        EXPECT_FAIL(y_of(qgraph("ConvInteger", in4, 4, 1)));
        assert_non_null(strstr(ec_diag_last(), "w_zero_point has 3 elements"));
    }
    /* QuantizeLinear per axis: output type from the zero point; axis mismatch fails */
    {
        static const float sc[3] = { 1.0f, 2.0f, 4.0f };
        static const int8_t zp[3] = { 0, 1, -1 };
        qin q[3] = {
            { "x", EC_DT_FLOAT, 3, { 2, 3, 4 }, NULL }, { "s", EC_DT_FLOAT, 1, { 3 }, sc },
            { "z", EC_DT_INT8, 1, { 3 }, zp },
        };
        ec_lowering L;
        g = qgraph("QuantizeLinear", q, 3, 1);
        y = y_of(g);
        assert_int_equal(y->dtype, EC_DT_INT8);
        ec_lower_node(g, 0, &L);
        assert_string_equal(L.calls.a[0].kernel, "ec_quantize_linear_f32_s8");
        assert_int_equal(L.calls.a[0].args.a[4].i, 2);   /* outer */
        assert_int_equal(L.calls.a[0].args.a[5].i, 3);   /* ch */
        assert_int_equal(L.calls.a[0].args.a[6].i, 4);   /* inner */
        ec_lowering_free(&L);
        q[0].dim[1] = 4;
        EXPECT_FAIL(y_of(qgraph("QuantizeLinear", q, 3, 1)));
        assert_non_null(strstr(ec_diag_last(), "along axis 1"));
        /* no zero point: uint8 */
        q[0].dim[1] = 3;
        g = qgraph("QuantizeLinear", q, 2, 1);
        assert_int_equal(y_of(g)->dtype, EC_DT_UINT8);
        /* DequantizeLinear: zero point of another type */
        {
            qin d[3] = {
                { "x", EC_DT_UINT8, 3, { 2, 3, 4 }, NULL }, { "s", EC_DT_FLOAT, 1, { 3 }, sc },
                { "z", EC_DT_INT8, 1, { 3 }, zp },
            };
            EXPECT_FAIL(y_of(qgraph("DequantizeLinear", d, 3, 1)));
            assert_non_null(strstr(ec_diag_last(), "zero point has type int8"));
        }
    }
    /* DynamicQuantizeLinear shapes */
    {
        qin d[1] = { { "x", EC_DT_FLOAT, 2, { 3, 4 }, NULL } };
        g = qgraph("DynamicQuantizeLinear", d, 1, 3);
        y = y_of(g);
        assert_int_equal(y->dtype, EC_DT_UINT8);
        assert_int_equal(g->values.a[ec_value_find(g, "y1")].shape.rank, 0);
        assert_int_equal(g->values.a[ec_value_find(g, "y2")].dtype, EC_DT_UINT8);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multiplier),
        cmocka_unit_test(test_requantize_rounding),
        cmocka_unit_test(test_quantize_dequantize),
        cmocka_unit_test(test_dynamic_quantize),
        cmocka_unit_test(test_matmul_integer),
        cmocka_unit_test(test_conv_integer),
        cmocka_unit_test(test_qlinear),
        cmocka_unit_test(test_ir_qlinear_matmul),
        cmocka_unit_test(test_ir_conv_and_qdq),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
