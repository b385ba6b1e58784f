/* test_elementwise.c - elementwise kernels against hand-computed values and
 * libm (double) references, plus op-level inference, legacy broadcasting,
 * lowering shapes and diagnostics. */
#include <math.h>
#include <string.h>
#include "unit.h"
#include "ir.h"
#include "ec_elementwise.h"

#define NEAR(got, ref, tol) do { \
        double g_ = (double)(got), r_ = (double)(ref); \
        if (!(fabs(g_ - r_) <= (tol) * (1.0 + fabs(r_)))) \
            fail_msg("%s = %.9g, expected %.9g", #got, g_, r_); \
    } while (0)

static const int32_t one[1] = { 1 };
static const int32_t zero[1] = { 0 };

/* ---- unary ------------------------------------------------------------------- */

static void test_unary_f32(void **state)
{
    float x[7] = { -3.0f, -0.5f, 0.0f, 0.25f, 1.0f, 2.5f, 20.0f }, y[7];
    int i;
    (void)state;
    ec_unary_exp_f32(y, x, EC_UN_SIGMOID, 7, 0, 0);
    for (i = 0; i < 7; i++) NEAR(y[i], 1.0 / (1.0 + exp(-(double)x[i])), 1e-6);
    ec_unary_exp_f32(y, x, EC_UN_SOFTPLUS, 7, 0, 0);
    for (i = 0; i < 7; i++) NEAR(y[i], log(1.0 + exp((double)x[i])), 1e-6);
    ec_unary_trig_f32(y, x, EC_UN_ERF, 7, 0, 0);
    for (i = 0; i < 7; i++) NEAR(y[i], erf((double)x[i]), 1e-6);
    ec_unary_f32(y, x, EC_UN_SIGMOID, 7, 0, 0); /* not a cheap op: copies */
    assert_true(y[0] == x[0] && y[6] == x[6]);
    ec_unary_f32(y, x, EC_UN_LEAKY_RELU, 7, 0.1f, 0);
    assert_true(y[0] == -0.3f && y[4] == 1.0f);
    ec_unary_f32(y, x, EC_UN_HARD_SWISH, 7, 0, 0);
    for (i = 0; i < 7; i++) {
        double v = x[i], h = v / 6 + 0.5;
        NEAR(y[i], v * (h < 0 ? 0 : h > 1 ? 1 : h), 1e-6);
    }
    ec_unary_exp_f32(y, x, EC_UN_SELU, 7, 2.0f, 3.0f);
    NEAR(y[0], 3.0 * (2.0 * exp(-3.0) - 2.0), 1e-6);
    NEAR(y[5], 7.5, 1e-7);
    ec_unary_f32(y, x, EC_UN_SHRINK, 7, 0.5f, 0.25f);
    assert_true(y[0] == -2.75f && y[1] == 0.0f && y[3] == 0.0f && y[5] == 2.25f);
    /* in place */
    memcpy(y, x, sizeof x);
    ec_unary_f32(y, y, EC_UN_CLIP, 7, -1.0f, 2.0f);
    assert_true(y[0] == -1.0f && y[1] == -0.5f && y[5] == 2.0f && y[6] == 2.0f);
}

static void test_round_half_even(void **state)
{
    float x[8] = { 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 2.4f, 2.6f };
    float ref[8] = { 0.0f, 2.0f, 2.0f, -0.0f, -2.0f, -2.0f, 2.0f, 3.0f };
    double xd[2] = { 4.5, -3.5 }, yd[2];
    float y[8];
    int i;
    (void)state;
    ec_unary_f32(y, x, EC_UN_ROUND, 8, 0, 0);
    for (i = 0; i < 8; i++) assert_true(y[i] == ref[i]);
    ec_unary_f64(yd, xd, EC_UN_ROUND, 2, 0, 0);
    assert_true(yd[0] == 4.0 && yd[1] == -4.0);
}

static void test_unary_f16_int_bool(void **state)
{
    uint16_t h[3] = { 0x3c00 /* 1 */, 0xc000 /* -2 */, 0x3800 /* 0.5 */ }, hy[3];
    int32_t s[4] = { INT32_MIN, -5, 0, 7 }, sy[4];
    uint8_t u[2] = { 0, 200 }, uy[2];
    bool b[2] = { true, false }, by[2];
    (void)state;
    ec_unary_exp_f16(hy, h, EC_UN_EXP, 3, 0, 0);
    NEAR(ec_f16_to_f32(hy[0]), exp(1.0), 1e-3);
    NEAR(ec_f16_to_f32(hy[1]), exp(-2.0), 1e-3);
    ec_unary_f16(hy, h, EC_UN_ABS, 3, 0, 0);
    assert_int_equal(hy[1], 0x4000);
    ec_unary_s32(sy, s, EC_UN_ABS, 4, 0, 0);
    assert_int_equal(sy[0], INT32_MIN); /* wraps, no UB */
    assert_int_equal(sy[1], 5);
    ec_unary_s32(sy, s, EC_UN_SIGN, 4, 0, 0);
    assert_true(sy[0] == -1 && sy[1] == -1 && sy[2] == 0 && sy[3] == 1);
    ec_unary_s32(sy, s, EC_UN_RELU, 4, 0, 0);
    assert_true(sy[0] == 0 && sy[3] == 7);
    ec_unary_u8(uy, u, EC_UN_NEG, 2, 0, 0);
    assert_true(uy[0] == 0 && uy[1] == 56);
    ec_unary_s32(sy, s, EC_UN_SHRINK, 4, 1.5f, 1.0f); /* through double */
    assert_true(sy[1] == -4 && sy[2] == 0 && sy[3] == 6);
    ec_unary_b(by, b, EC_UN_NOT, 2, 0, 0);
    assert_true(!by[0] && by[1]);
}

/* ---- binary ------------------------------------------------------------------ */

static void test_binary_broadcast(void **state)
{
    /* a [2,3] + b [3] (b broadcast along dim 0) */
    float a[6] = { 1, 2, 3, 4, 5, 6 }, b[3] = { 10, 20, 30 }, y[6];
    int32_t dims[2] = { 2, 3 }, as[2] = { 3, 1 }, bs[2] = { 0, 1 };
    /* a [2,1] * b [1,3] -> [2,3] */
    float c[2] = { 2, 3 }, d[3] = { 1, 10, 100 };
    int32_t cs[2] = { 1, 0 }, ds[2] = { 0, 1 };
    float ref[6] = { 2, 20, 200, 3, 30, 300 };
    int i;
    (void)state;
    ec_binary_f32(y, a, b, EC_BIN_ADD, 2, dims, as, bs);
    for (i = 0; i < 6; i++) assert_true(y[i] == a[i] + b[i % 3]);
    ec_binary_f32(y, c, d, EC_BIN_MUL, 2, dims, cs, ds);
    for (i = 0; i < 6; i++) assert_true(y[i] == ref[i]);
    /* in place, scalar operand */
    {
        float s = 0.5f;
        int32_t n6[1] = { 6 };
        ec_binary_f32(a, a, &s, EC_BIN_SUB, 1, n6, one, zero);
        assert_true(a[0] == 0.5f && a[5] == 5.5f);
    }
    /* empty output: nothing happens */
    {
        int32_t z[2] = { 0, 3 };
        ec_binary_f32(y, a, b, EC_BIN_ADD, 2, z, as, bs);
    }
}

static void test_binary_float_ops(void **state)
{
    float a[4] = { 5.0f, -5.0f, 5.0f, NAN }, b[4] = { 3.0f, 3.0f, -3.0f, 1.0f }, y[4];
    int32_t n[1] = { 4 };
    (void)state;
    ec_binary_f32(y, a, b, EC_BIN_MOD, 1, n, one, one);
    assert_true(y[0] == 2.0f && y[1] == 1.0f && y[2] == -1.0f);
    ec_binary_f32(y, a, b, EC_BIN_FMOD, 1, n, one, one);
    assert_true(y[0] == 2.0f && y[1] == -2.0f && y[2] == 2.0f);
    ec_binary_f32(y, a, b, EC_BIN_MAX, 1, n, one, one);
    assert_true(y[0] == 5.0f && y[1] == 3.0f && isnan(y[3]));
    ec_binary_f32(y, a, b, EC_BIN_PRELU, 1, n, one, one);
    assert_true(y[0] == 5.0f && y[1] == -15.0f);
}

static void test_binary_int(void **state)
{
    int32_t a[5] = { 7, -7, 7, INT32_MIN, 5 }, b[5] = { 2, 2, -2, -1, 0 }, y[5];
    int8_t c[3] = { -4, 4, 127 }, d[3] = { 3, -3, 1 }, z[3];
    uint8_t u[3] = { 1, 255, 16 }, sh[3] = { 3, 1, 8 }, uy[3];
    int32_t n5[1] = { 5 }, n3[1] = { 3 };
    (void)state;
    ec_binary_s32(y, a, b, EC_BIN_DIV, 1, n5, one, one);
    assert_true(y[0] == 3 && y[1] == -3 && y[2] == -3 && y[3] == INT32_MIN && y[4] == 0);
    ec_binary_s32(y, a, b, EC_BIN_MUL, 1, n5, one, one);
    assert_true(y[0] == 14 && y[3] == INT32_MIN);
    ec_binary_s8(z, c, d, EC_BIN_MOD, 1, n3, one, one);
    assert_true(z[0] == 2 && z[1] == -2 && z[2] == 0);
    ec_binary_s8(z, c, d, EC_BIN_FMOD, 1, n3, one, one);
    assert_true(z[0] == -1 && z[1] == 1);
    ec_binary_s8(z, c, d, EC_BIN_ADD, 1, n3, one, one);
    assert_int_equal(z[2], -128); /* wraps */
    ec_binary_u8(uy, u, sh, EC_BIN_SHL, 1, n3, one, one);
    assert_true(uy[0] == 8 && uy[1] == 254 && uy[2] == 0);
    ec_binary_u8(uy, u, sh, EC_BIN_SHR, 1, n3, one, one);
    assert_true(uy[0] == 0 && uy[1] == 127 && uy[2] == 0);
    {
        uint16_t p[1] = { 65535 }, q[1] = { 65535 }, r[1];
        ec_binary_u16(r, p, q, EC_BIN_MUL, 1, one, one, one);
        assert_int_equal(r[0], 1); /* 65535^2 mod 2^16, no signed-int overflow */
    }
    {
        bool ba[4] = { 0, 0, 1, 1 }, bb[4] = { 0, 1, 0, 1 }, by[4];
        int32_t n4[1] = { 4 };
        ec_binary_b(by, ba, bb, EC_BIN_XOR, 1, n4, one, one);
        assert_true(!by[0] && by[1] && by[2] && !by[3]);
        ec_binary_b(by, ba, bb, EC_BIN_AND, 1, n4, one, one);
        assert_true(!by[0] && !by[1] && !by[2] && by[3]);
    }
}

static void test_compare_where(void **state)
{
    uint16_t a[3] = { 0x3c00, 0x4000, 0xbc00 }, b[1] = { 0x3c00 }; /* 1 2 -1 vs 1 */
    bool y[3];
    int32_t n3[1] = { 3 };
    (void)state;
    ec_compare_f16(y, a, b, EC_CMP_GE, 1, n3, one, zero);
    assert_true(y[0] && y[1] && !y[2]);
    ec_compare_f16(y, a, b, EC_CMP_EQ, 1, n3, one, zero);
    assert_true(y[0] && !y[1] && !y[2]);
    {
        /* Where: c [2,1], a [1,3] (int64), b scalar -> [2,3] */
        bool c[2] = { true, false };
        int64_t x[3] = { 1, 2, 3 }, s = -9, w[6];
        int32_t dims[2] = { 2, 3 }, cs[2] = { 1, 0 }, as[2] = { 0, 1 }, bs[2] = { 0, 0 };
        ec_where(w, c, x, &s, 8, 2, dims, cs, as, bs);
        assert_true(w[0] == 1 && w[2] == 3 && w[3] == -9 && w[5] == -9);
    }
}

static void test_pow_clip_fclass(void **state)
{
    int32_t base[3] = { 2, 3, -2 }, yi[3];
    float ef[3] = { 0.5f, 2.0f, 3.0f }, bf[3] = { 4.0f, 2.0f, 9.0f }, yf[3];
    int64_t ei[3] = { 10, 3, 3 };
    int32_t n3[1] = { 3 };
    (void)state;
    ec_pow_s32(yi, base, ef, EC_DT_FLOAT, 1, n3, one, one);
    assert_true(yi[0] == 1 && yi[1] == 9 && yi[2] == -8); /* trunc(sqrt 2) = 1 */
    ec_pow_s32(yi, base, ei, EC_DT_INT64, 1, n3, one, one);
    assert_true(yi[0] == 1024 && yi[1] == 27 && yi[2] == -8);
    ec_pow_f32(yf, bf, ei, EC_DT_INT64, 1, n3, one, one);
    NEAR(yf[0], pow(4.0, 10.0), 1e-6);
    NEAR(yf[2], 729.0, 1e-7);
    {
        float half = 0.5f;
        ec_pow_f32(yf, bf, &half, EC_DT_FLOAT, 1, n3, one, zero);
        assert_true(yf[0] == 2.0f && yf[2] == 3.0f);
    }
    {
        int8_t x[4] = { -100, -3, 3, 100 }, lo = -5, y[4];
        ec_clip_s8(y, x, &lo, NULL, 4);
        assert_true(y[0] == -5 && y[1] == -3 && y[3] == 100);
    }
    {
        double x[4] = { NAN, INFINITY, -INFINITY, 1.0 };
        bool c[4];
        ec_fclass_f64(c, x, EC_FC_ISNAN, 4);
        assert_true(c[0] && !c[1] && !c[3]);
        ec_fclass_f64(c, x, EC_FC_ISNEGINF, 4);
        assert_true(!c[0] && !c[1] && c[2]);
        ec_fclass_f64(c, x, EC_FC_ISINF, 4);
        assert_true(!c[0] && c[1] && c[2] && !c[3]);
    }
}

static void test_cast(void **state)
{
    float f[6] = { 1.0f, -1.5f, 300.0f, NAN, 1e30f, 1.01171875f }, g[6];
    int8_t s8[6];
    uint16_t h[6];
    int64_t big[2] = { INT64_MAX, -3 };
    bool b[3] = { true, false, true };
    double d[2];
    (void)state;
    ec_cast_s8(s8, f, EC_DT_FLOAT, 6);
    assert_true(s8[0] == 1 && s8[1] == -1 && s8[2] == 44 && s8[3] == 0); /* 300 wraps */
    ec_cast_f16(h, f, EC_DT_FLOAT, 2);
    assert_true(h[0] == 0x3c00 && h[1] == 0xbe00);
    ec_cast_bf16(h, f, EC_DT_FLOAT, 6);
    assert_int_equal(h[0], 0x3f80);
    assert_int_equal(h[5], 0x3f81); /* truncated, not rounded */
    ec_cast_f32(g, h, EC_DT_BFLOAT16, 1);
    assert_true(g[0] == 1.0f);
    ec_cast_f64(d, big, EC_DT_INT64, 2);
    assert_true(d[1] == -3.0);
    ec_cast_f32(g, b, EC_DT_BOOL, 3);
    assert_true(g[0] == 1.0f && g[1] == 0.0f);
    {
        bool o[3];
        ec_cast_b(o, f, EC_DT_FLOAT, 3);
        assert_true(o[0] && o[1] && o[2]);
    }
    {
        uint64_t u[2];
        ec_cast_u64(u, big, EC_DT_INT64, 2);
        assert_true(u[0] == (uint64_t)INT64_MAX && u[1] == UINT64_MAX - 2);
    }
}

/* ---- ops: inference, lowering, diagnostics ----------------------------------- */

static int add_node(ec_graph *g, const char *op, const char *a, const char *b, const char *y)
{
    const char *in[2] = { a, b };
    const char *out[1] = { y };
    return ec_add_node(g, op, "", op, in, b ? 2 : 1, out, 1);
}

static void test_ops_infer_lower(void **state)
{
    ec_graph *g = ec_graph_new("t");
    int64_t d23[2] = { 2, 3 }, d3[1] = { 3 };
    ec_shape s23 = ec_shape_make(2, d23), s3 = ec_shape_make(1, d3);
    int n, y;
    ec_lowering L;
    (void)state;
    g->opset = 13;
    ec_add_input(g, "a", EC_DT_FLOAT, &s23);
    ec_add_input(g, "b", EC_DT_FLOAT, &s3);
    n = add_node(g, "Add", "a", "b", "y");
    y = ec_value_find(g, "y");
    ec_add_output(g, "y", EC_DT_UNDEFINED, NULL);
    ec_op_find("Add", "")->infer(g, n);
    assert_int_equal(g->values.a[y].shape.rank, 2);
    assert_int_equal(g->values.a[y].shape.dim[1], 3);
    memset(&L, 0, sizeof L);
    L.g = g;
    L.node = n;
    ec_op_find("Add", "")->lower(g, n, &L);
    assert_int_equal(L.calls.n, 1);
    assert_string_equal(L.calls.a[0].kernel, "ec_binary_f32");
    assert_non_null(ec_kernel_find("ec_binary_f32"));
    /* args: y a b op rank dims a_strides b_strides; [2,3]+[3] stays rank 2 */
    assert_int_equal(L.calls.a[0].args.a[4].i, 2);
    assert_int_equal(L.calls.a[0].args.a[7].ints[0], 0);
    assert_int_equal(L.calls.a[0].args.a[7].ints[1], 1);
    ec_lowering_free(&L);

    /* same shapes collapse to rank 1 */
    n = add_node(g, "Mul", "a", "a", "z");
    ec_op_find("Mul", "")->infer(g, n);
    memset(&L, 0, sizeof L);
    L.g = g;
    L.node = n;
    ec_op_find("Mul", "")->lower(g, n, &L);
    assert_int_equal(L.calls.a[0].args.a[4].i, 1);
    assert_int_equal(L.calls.a[0].args.a[5].ints[0], 6);
    ec_lowering_free(&L);

    /* Equal gives bool */
    n = add_node(g, "Equal", "a", "b", "e");
    ec_op_find("Equal", "")->infer(g, n);
    assert_int_equal(g->values.a[ec_value_find(g, "e")].dtype, EC_DT_BOOL);

    /* incompatible shapes, mixed dtypes, string casts are diagnosed */
    {
        int64_t d4[1] = { 4 };
        ec_shape s4 = ec_shape_make(1, d4);
        ec_add_input(g, "c", EC_DT_FLOAT, &s4);
        ec_add_input(g, "i", EC_DT_INT32, &s3);
        n = add_node(g, "Add", "a", "c", "bad");
        EXPECT_FAIL(ec_op_find("Add", "")->infer(g, n));
        assert_non_null(strstr(ec_diag_last(), "cannot be broadcast"));
        n = add_node(g, "Sub", "a", "i", "bad2");
        EXPECT_FAIL(ec_op_find("Sub", "")->infer(g, n));
        assert_non_null(strstr(ec_diag_last(), "same dtype"));
        n = add_node(g, "Cast", "i", NULL, "bad3");   /* only float converts to string */
        {
            ec_attr at;
            memset(&at, 0, sizeof at);
            at.name = ec_strdup("to");
            at.type = EC_ATTR_INT;
            at.i = EC_DT_STRING;
            ec_node_add_attr(g, n, &at);
        }
        EXPECT_FAIL(ec_op_find("Cast", "")->infer(g, n));
        assert_non_null(strstr(ec_diag_last(), "cast from int32 to string is not supported (string <-> float only)"));
        n = add_node(g, "PRelu", "b", "a", "bad4"); /* slope bigger than X */
        EXPECT_FAIL(ec_op_find("PRelu", "")->infer(g, n));
    }
}

static void test_legacy_broadcast(void **state)
{
    ec_graph *g = ec_graph_new("t");
    int64_t d234[3] = { 2, 3, 4 }, d3[1] = { 3 };
    ec_shape s234 = ec_shape_make(3, d234), s3 = ec_shape_make(1, d3);
    ec_attr at;
    int n;
    ec_lowering L;
    (void)state;
    g->opset = 6;
    ec_add_input(g, "a", EC_DT_FLOAT, &s234);
    ec_add_input(g, "b", EC_DT_FLOAT, &s3);
    n = add_node(g, "Add", "a", "b", "y");
    memset(&at, 0, sizeof at);
    at.name = ec_strdup("broadcast");
    at.type = EC_ATTR_INT;
    at.i = 1;
    ec_node_add_attr(g, n, &at);
    memset(&at, 0, sizeof at);
    at.name = ec_strdup("axis");
    at.type = EC_ATTR_INT;
    at.i = 1;
    ec_node_add_attr(g, n, &at);
    ec_op_find("Add", "")->infer(g, n);
    memset(&L, 0, sizeof L);
    L.g = g;
    L.node = n;
    ec_op_find("Add", "")->lower(g, n, &L);
    /* b aligned at axis 1: strides [0,1,0] over dims [2,3,4] */
    assert_int_equal(L.calls.a[0].args.a[4].i, 3);
    assert_int_equal(L.calls.a[0].args.a[7].ints[0], 0);
    assert_int_equal(L.calls.a[0].args.a[7].ints[1], 1);
    assert_int_equal(L.calls.a[0].args.a[7].ints[2], 0);
    ec_lowering_free(&L);
    /* opset 6 PRelu: slope [C] is per channel */
    n = add_node(g, "PRelu", "a", "b", "p");
    ec_op_find("PRelu", "")->infer(g, n);
    assert_int_equal(g->values.a[ec_value_find(g, "p")].shape.rank, 3);
}

/* Every kernel name the lowering can form is in the kernel table. */
static void test_kernel_table(void **state)
{
    static const ec_dtype all[] = { EC_DT_FLOAT, EC_DT_DOUBLE, EC_DT_FLOAT16, EC_DT_BFLOAT16,
                                    EC_DT_INT8, EC_DT_UINT8, EC_DT_INT16, EC_DT_UINT16,
                                    EC_DT_INT32, EC_DT_UINT32, EC_DT_INT64, EC_DT_UINT64,
                                    EC_DT_BOOL };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof all / sizeof all[0]; i++) {
        const char *sfx = ec_dtype_suffix(all[i]);
        bool fl = ec_dtype_is_float(all[i]), bo = all[i] == EC_DT_BOOL;
        assert_non_null(ec_kernel_find(ec_fmt("ec_unary_%s", sfx)));
        assert_non_null(ec_kernel_find(ec_fmt("ec_binary_%s", sfx)));
        assert_non_null(ec_kernel_find(ec_fmt("ec_compare_%s", sfx)));
        assert_non_null(ec_kernel_find(ec_fmt("ec_cast_%s", sfx)));
        if (!bo) assert_non_null(ec_kernel_find(ec_fmt("ec_clip_%s", sfx)));
        if (fl) {
            assert_non_null(ec_kernel_find(ec_fmt("ec_unary_exp_%s", sfx)));
            assert_non_null(ec_kernel_find(ec_fmt("ec_unary_trig_%s", sfx)));
            assert_non_null(ec_kernel_find(ec_fmt("ec_fclass_%s", sfx)));
        }
        if (fl || all[i] == EC_DT_INT32 || all[i] == EC_DT_INT64)
            assert_non_null(ec_kernel_find(ec_fmt("ec_pow_%s", sfx)));
    }
    assert_non_null(ec_kernel_find("ec_where"));
    assert_non_null(ec_op_find("CastLike", ""));
    assert_non_null(ec_op_find("GreaterOrEqual", "ai.onnx"));
}

/* Clip since opset 11: omitted bounds become NULL pointers. */
static void test_clip_lowering(void **state)
{
    ec_graph *g = ec_graph_new("t");
    int64_t d4[1] = { 4 };
    ec_shape s4 = ec_shape_make(1, d4), s0 = ec_shape_make(0, NULL);
    const char *in[3] = { "x", "", "hi" };
    const char *out[1] = { "y" };
    int n;
    ec_lowering L;
    (void)state;
    ec_diag_quiet(false);
    g->opset = 13;
    ec_add_input(g, "x", EC_DT_INT8, &s4);
    ec_add_input(g, "hi", EC_DT_INT8, &s0);
    n = ec_add_node(g, "Clip", "", "c", in, 3, out, 1);
    ec_op_find("Clip", "")->infer(g, n);
    memset(&L, 0, sizeof L);
    L.g = g;
    L.node = n;
    ec_op_find("Clip", "")->lower(g, n, &L);
    assert_string_equal(L.calls.a[0].kernel, "ec_clip_s8");
    assert_int_equal(L.calls.a[0].args.a[2].value, -1);
    assert_int_equal(L.calls.a[0].args.a[3].value, ec_value_find(g, "hi"));
    ec_lowering_free(&L);
    /* a non-scalar bound is diagnosed */
    in[2] = "x";
    out[0] = "y2";
    n = ec_add_node(g, "Clip", "", "c2", in, 3, out, 1);
    EXPECT_FAIL(ec_op_find("Clip", "")->infer(g, n));
    assert_non_null(strstr(ec_diag_last(), "scalar"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unary_f32),
        cmocka_unit_test(test_round_half_even),
        cmocka_unit_test(test_unary_f16_int_bool),
        cmocka_unit_test(test_binary_broadcast),
        cmocka_unit_test(test_binary_float_ops),
        cmocka_unit_test(test_binary_int),
        cmocka_unit_test(test_compare_where),
        cmocka_unit_test(test_pow_clip_fclass),
        cmocka_unit_test(test_cast),
        cmocka_unit_test(test_ops_infer_lower),
        cmocka_unit_test(test_legacy_broadcast),
        cmocka_unit_test(test_kernel_table),
        cmocka_unit_test(test_clip_lowering),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    ec_free_all();
    return r;
}
