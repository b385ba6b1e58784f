/* test_reduce.c - reduce-family kernels against hand-computed values, and the
 * shape inference of the reduce ops. */
#include <math.h>
#include <string.h>
#include "unit.h"
#include "ir.h"
#include "ec_reduce.h"

#define CHECK_NEAR(a, b, tol) do { \
        double a_ = (double)(a), b_ = (double)(b); \
        if (!(fabs(a_ - b_) <= (tol) * (1.0 + fabs(b_)))) \
            fail_msg("%s = %.9g, expected %.9g (line %d)", #a, a_, b_, __LINE__); \
    } while (0)

static void check_f32(const float *got, const double *want, int n)
{
    int i;
    for (i = 0; i < n; i++) {
        if (isnan(want[i])) {
            if (!isnan(got[i])) fail_msg("[%d] = %g, expected nan", i, (double)got[i]);
            continue;
        }
        if (isinf(want[i])) {
            if (got[i] != want[i]) fail_msg("[%d] = %g, expected %g", i, (double)got[i], want[i]);
            continue;
        }
        if (!(fabs(got[i] - want[i]) <= 1e-5 * (1.0 + fabs(want[i]))))
            fail_msg("[%d] = %.9g, expected %.9g", i, (double)got[i], want[i]);
    }
}

/* x is [2,3,2] = 1..12 */
static const float X12[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

static void test_reduce_f32_middle_axis(void **state)
{
    static const int32_t dims[3] = { 2, 3, 2 }, red[3] = { 0, 1, 0 };
    float y[4];
    (void)state;
    ec_reduce_f32(y, X12, EC_REDUCE_SUM, 3, dims, red);
    check_f32(y, (const double[]){ 9, 12, 27, 30 }, 4);
    ec_reduce_f32(y, X12, EC_REDUCE_MEAN, 3, dims, red);
    check_f32(y, (const double[]){ 3, 4, 9, 10 }, 4);
    ec_reduce_f32(y, X12, EC_REDUCE_MAX, 3, dims, red);
    check_f32(y, (const double[]){ 5, 6, 11, 12 }, 4);
    ec_reduce_f32(y, X12, EC_REDUCE_MIN, 3, dims, red);
    check_f32(y, (const double[]){ 1, 2, 7, 8 }, 4);
    ec_reduce_f32(y, X12, EC_REDUCE_PROD, 3, dims, red);
    check_f32(y, (const double[]){ 15, 48, 693, 960 }, 4);
    ec_reduce_f32(y, X12, EC_REDUCE_SUMSQUARE, 3, dims, red);
    check_f32(y, (const double[]){ 35, 56, 251, 308 }, 4);
    ec_reduce_f32(y, X12, EC_REDUCE_L2, 3, dims, red);
    check_f32(y, (const double[]){ sqrt(35), sqrt(56), sqrt(251), sqrt(308) }, 4);
    ec_reduce_f32(y, X12, EC_REDUCE_LOGSUM, 3, dims, red);
    check_f32(y, (const double[]){ log(9), log(12), log(27), log(30) }, 4);
    ec_reduce_f32(y, X12, EC_REDUCE_LOGSUMEXP, 3, dims, red);
    check_f32(y, (const double[]){ log(exp(1) + exp(3) + exp(5)), log(exp(2) + exp(4) + exp(6)),
                                   log(exp(7) + exp(9) + exp(11)), log(exp(8) + exp(10) + exp(12)) }, 4);
}

static void test_reduce_f32_split_axes(void **state)
{
    /* axes {0, 2} of [2,3,2]: not adjacent */
    static const int32_t dims[3] = { 2, 3, 2 }, red[3] = { 1, 0, 1 };
    static const int32_t all[3] = { 1, 1, 1 };
    static const float neg[4] = { -1, 2, -3, 4 };
    static const int32_t d4[1] = { 4 }, r4[1] = { 1 };
    float y[3];
    (void)state;
    ec_reduce_f32(y, X12, EC_REDUCE_SUM, 3, dims, red);
    check_f32(y, (const double[]){ 1 + 2 + 7 + 8, 3 + 4 + 9 + 10, 5 + 6 + 11 + 12 }, 3);
    ec_reduce_f32(y, X12, EC_REDUCE_MAX, 3, dims, red);
    check_f32(y, (const double[]){ 8, 10, 12 }, 3);
    ec_reduce_f32(y, X12, EC_REDUCE_MEAN, 3, dims, all);
    check_f32(y, (const double[]){ 6.5 }, 1);
    ec_reduce_f32(y, neg, EC_REDUCE_L1, 1, d4, r4);
    check_f32(y, (const double[]){ 10 }, 1);
}

static void test_reduce_f32_edge(void **state)
{
    /* nothing reduced: one element per output */
    static const int32_t dims[1] = { 3 }, none[1] = { 0 };
    /* an empty reduced extent: the identities */
    static const int32_t edims[2] = { 2, 0 }, ered[2] = { 0, 1 };
    static const float x[3] = { -2, 3, -4 };
    static const float inf[2] = { -INFINITY, -INFINITY };
    static const int32_t d2[1] = { 2 }, r2[1] = { 1 };
    float y[3];
    (void)state;
    ec_reduce_f32(y, x, EC_REDUCE_L2, 1, dims, none);
    check_f32(y, (const double[]){ 2, 3, 4 }, 3);
    ec_reduce_f32(y, x, EC_REDUCE_SUM, 2, edims, ered);
    check_f32(y, (const double[]){ 0, 0 }, 2);
    ec_reduce_f32(y, x, EC_REDUCE_PROD, 2, edims, ered);
    check_f32(y, (const double[]){ 1, 1 }, 2);
    ec_reduce_f32(y, x, EC_REDUCE_MAX, 2, edims, ered);
    check_f32(y, (const double[]){ -INFINITY, -INFINITY }, 2);
    ec_reduce_f32(y, x, EC_REDUCE_MEAN, 2, edims, ered);
    check_f32(y, (const double[]){ NAN, NAN }, 2);
    ec_reduce_f32(y, inf, EC_REDUCE_LOGSUMEXP, 1, d2, r2);
    check_f32(y, (const double[]){ -INFINITY }, 1);
}

static void test_reduce_f64_lse_large(void **state)
{
    static const double x[2] = { 1000.0, 1000.0 };
    static const int32_t d[1] = { 2 }, r[1] = { 1 };
    double y;
    (void)state;
    ec_reduce_f64(&y, x, EC_REDUCE_LOGSUMEXP, 1, d, r);
    CHECK_NEAR(y, 1000.0 + log(2.0), 1e-12);
}

static void test_reduce_int(void **state)
{
    static const int32_t xs[6] = { -7, 2, 3, 4, -5, 6 };
    static const int32_t dims[2] = { 2, 3 }, red[2] = { 0, 1 };
    static const uint8_t xu[4] = { 200, 100, 3, 250 };
    static const int32_t d4[1] = { 4 }, r4[1] = { 1 };
    static const int64_t xl[3] = { INT64_MIN + 1, -3, 5 };
    static const int32_t d3[1] = { 3 }, r3[1] = { 1 };
    int32_t y[2];
    uint8_t yu;
    int64_t yl;
    int8_t y8;
    static const int8_t x8[2] = { 100, 100 };
    static const int32_t d2[1] = { 2 }, r2[1] = { 1 };
    (void)state;
    ec_reduce_s32(y, xs, EC_REDUCE_SUM, 2, dims, red);
    assert_int_equal(y[0], -2); assert_int_equal(y[1], 5);
    ec_reduce_s32(y, xs, EC_REDUCE_MEAN, 2, dims, red); /* -2/3 truncates to 0 */
    assert_int_equal(y[0], 0); assert_int_equal(y[1], 1);
    ec_reduce_s32(y, xs, EC_REDUCE_MIN, 2, dims, red);
    assert_int_equal(y[0], -7); assert_int_equal(y[1], -5);
    ec_reduce_s32(y, xs, EC_REDUCE_L1, 2, dims, red);
    assert_int_equal(y[0], 12); assert_int_equal(y[1], 15);
    ec_reduce_s32(y, xs, EC_REDUCE_PROD, 2, dims, red);
    assert_int_equal(y[0], -42); assert_int_equal(y[1], -120);
    ec_reduce_s32(y, xs, EC_REDUCE_L2, 2, dims, red); /* sqrt(62) = 7.87, sqrt(77) = 8.77 */
    assert_int_equal(y[0], 7); assert_int_equal(y[1], 8);
    ec_reduce_u8(&yu, xu, EC_REDUCE_MAX, 1, d4, r4);
    assert_int_equal(yu, 250);
    ec_reduce_u8(&yu, xu, EC_REDUCE_MIN, 1, d4, r4);
    assert_int_equal(yu, 3);
    ec_reduce_u8(&yu, xu, EC_REDUCE_MEAN, 1, d4, r4); /* 553 / 4 */
    assert_int_equal(yu, 138);
    ec_reduce_s64(&yl, xl, EC_REDUCE_MAX, 1, d3, r3);
    assert_int_equal(yl, 5);
    ec_reduce_s64(&yl, xl, EC_REDUCE_SUM, 1, d3, r3);
    assert_true(yl == INT64_MIN + 3);
    ec_reduce_s8(&y8, x8, EC_REDUCE_L2, 1, d2, r2); /* sqrt(20000) = 141 saturates */
    assert_int_equal(y8, 127);
    ec_reduce_s8(&y8, x8, EC_REDUCE_LOGSUMEXP, 1, d2, r2); /* 100 + log 2 */
    assert_int_equal(y8, 100);
}

static void test_argmax_argmin(void **state)
{
    /* x is (2, 3, 2) along n = 3 */
    static const float x[12] = { 1, 5, 3, 5, 3, 0,   2, 2, 2, 9, 1, 9 };
    int64_t y[4];
    (void)state;
    ec_argmax_f32(y, x, 0, 2, 3, 2);
    assert_int_equal(y[0], 1); assert_int_equal(y[1], 0);
    assert_int_equal(y[2], 0); assert_int_equal(y[3], 1);
    ec_argmax_f32(y, x, 1, 2, 3, 2);
    assert_int_equal(y[0], 2); assert_int_equal(y[1], 1);
    assert_int_equal(y[2], 1); assert_int_equal(y[3], 2);
    ec_argmin_f32(y, x, 0, 2, 3, 2);
    assert_int_equal(y[0], 0); assert_int_equal(y[1], 2);
    assert_int_equal(y[2], 2); assert_int_equal(y[3], 0);
    ec_argmin_f32(y, x, 1, 2, 3, 2);
    assert_int_equal(y[0], 0); assert_int_equal(y[1], 2);
    assert_int_equal(y[2], 2); assert_int_equal(y[3], 0);
}

static void test_softmax_family(void **state)
{
    /* (1, 3, 2): along the middle axis */
    static const float x[6] = { 1, 0, 2, 0, 3, 5 };
    float y[6], t[6];
    double s0 = exp(1) + exp(2) + exp(3), s1 = 2 + exp(5);
    (void)state;
    ec_softmax_f32(y, x, 1, 3, 2);
    check_f32(y, (const double[]){ exp(1) / s0, 1 / s1, exp(2) / s0, 1 / s1, exp(3) / s0, exp(5) / s1 }, 6);
    ec_logsoftmax_f32(y, x, 1, 3, 2);
    check_f32(y, (const double[]){ 1 - log(s0), -log(s1), 2 - log(s0), -log(s1), 3 - log(s0), 5 - log(s1) }, 6);
    ec_hardmax_f32(y, x, 1, 3, 2);
    check_f32(y, (const double[]){ 0, 0, 0, 0, 1, 1 }, 6);
    /* in place, ties go to the first */
    memcpy(t, (const float[]){ 4, 4, 1, 2, 3, 4 }, sizeof t);
    ec_hardmax_f32(t, t, 2, 3, 1);
    check_f32(t, (const double[]){ 1, 0, 0, 0, 0, 1 }, 6);
    memcpy(t, x, sizeof t);
    ec_softmax_f32(t, t, 1, 3, 2);
    ec_softmax_f32(y, x, 1, 3, 2);
    check_f32(t, (const double[]){ y[0], y[1], y[2], y[3], y[4], y[5] }, 6);
}

static void test_softmax_large(void **state)
{
    static const double x[4] = { 10000, 10001, 10002, 10003 };
    double y[4];
    double s = 1 + exp(1) + exp(2) + exp(3);
    (void)state;
    ec_softmax_f64(y, x, 1, 4, 1);
    CHECK_NEAR(y[0], 1 / s, 1e-12);
    CHECK_NEAR(y[3], exp(3) / s, 1e-12);
}

static void test_cumsum(void **state)
{
    static const double x[5] = { 1, 2, 3, 4, 5 };
    static const int32_t xi[6] = { 1, 2, 3, 4, 5, 6 }; /* (2, 3) */
    double y[5];
    int32_t yi[6];
    (void)state;
    ec_cumsum_f64(y, x, 0, 0, 1, 5, 1);
    check_f32((const float[]){ (float)y[0], (float)y[1], (float)y[2], (float)y[3], (float)y[4] },
              (const double[]){ 1, 3, 6, 10, 15 }, 5);
    ec_cumsum_f64(y, x, 1, 0, 1, 5, 1);
    assert_true(y[0] == 0 && y[1] == 1 && y[2] == 3 && y[3] == 6 && y[4] == 10);
    ec_cumsum_f64(y, x, 0, 1, 1, 5, 1);
    assert_true(y[0] == 15 && y[1] == 14 && y[2] == 12 && y[3] == 9 && y[4] == 5);
    ec_cumsum_f64(y, x, 1, 1, 1, 5, 1);
    assert_true(y[0] == 14 && y[1] == 12 && y[2] == 9 && y[3] == 5 && y[4] == 0);
    ec_cumsum_s32(yi, xi, 0, 0, 1, 2, 3); /* along axis 0 */
    assert_true(yi[0] == 1 && yi[1] == 2 && yi[2] == 3 && yi[3] == 5 && yi[4] == 7 && yi[5] == 9);
    ec_cumsum_s32(yi, xi, 0, 0, 2, 3, 1); /* along axis 1 */
    assert_true(yi[0] == 1 && yi[1] == 3 && yi[2] == 6 && yi[3] == 4 && yi[4] == 9 && yi[5] == 15);
    {
        static const int32_t dims[2] = { 2, 3 };
        static const int64_t ax = -2;
        static const int32_t bad = 2;
        ec_cumsum_dyn_s32(yi, xi, &ax, 1, 0, 0, 2, dims); /* axis -2 = 0 */
        assert_true(yi[0] == 1 && yi[2] == 3 && yi[3] == 5 && yi[5] == 9);
        ec_cumsum_dyn_s32(yi, xi, &bad, 0, 0, 0, 2, dims); /* out of range: a copy */
        assert_true(yi[0] == 1 && yi[3] == 4 && yi[5] == 6);
    }
}

static void test_topk(void **state)
{
    /* (2, 5) along the last axis, with ties */
    static const float x[10] = { 3, 1, 3, 7, 1,   0, -1, 5, 5, 2 };
    /* (3, 2) along axis 0 */
    static const int32_t xc[6] = { 1, 9, 4, 9, 4, 2 };
    float v[6];
    int32_t vc[4];
    int64_t ix[6];
    (void)state;
    ec_topk_f32(v, ix, x, 1, 2, 5, 1, 3);
    check_f32(v, (const double[]){ 7, 3, 3, 5, 5, 2 }, 6);
    assert_true(ix[0] == 3 && ix[1] == 0 && ix[2] == 2 && ix[3] == 2 && ix[4] == 3 && ix[5] == 4);
    ec_topk_f32(v, ix, x, 0, 2, 5, 1, 3);
    check_f32(v, (const double[]){ 1, 1, 3, -1, 0, 2 }, 6);
    assert_true(ix[0] == 1 && ix[1] == 4 && ix[2] == 0 && ix[3] == 1 && ix[4] == 0 && ix[5] == 4);
    ec_topk_s32(vc, ix, xc, 1, 1, 3, 2, 2);
    assert_true(vc[0] == 4 && vc[1] == 9 && vc[2] == 4 && vc[3] == 9);
    assert_true(ix[0] == 1 && ix[1] == 0 && ix[2] == 2 && ix[3] == 1);
}

static void test_nllloss(void **state)
{
    /* x (2, 3, 2) log-probabilities, target (2, 2), weight (3) */
    static const float x[12] = { -1, -2, -3, -4, -5, -6,   -7, -8, -9, -10, -11, -12 };
    static const int64_t t[4] = { 0, 2, 1, -1 };
    static const float w[3] = { 0.5f, 2, 4 };
    float y[4];
    (void)state;
    ec_nllloss_f32_s64(y, x, t, NULL, EC_LOSS_NONE, 1, -1, 2, 3, 2);
    check_f32(y, (const double[]){ 1, 6, 9, 0 }, 4);
    ec_nllloss_f32_s64(y, x, t, w, EC_LOSS_NONE, 1, -1, 2, 3, 2);
    check_f32(y, (const double[]){ 0.5, 24, 18, 0 }, 4);
    ec_nllloss_f32_s64(y, x, t, w, EC_LOSS_SUM, 1, -1, 2, 3, 2);
    check_f32(y, (const double[]){ 42.5 }, 1);
    ec_nllloss_f32_s64(y, x, t, w, EC_LOSS_MEAN, 1, -1, 2, 3, 2);
    check_f32(y, (const double[]){ 42.5 / 6.5 }, 1);
    ec_nllloss_f32_s64(y, x, t, NULL, EC_LOSS_MEAN, 1, -1, 2, 3, 2);
    check_f32(y, (const double[]){ 16.0 / 3 }, 1);
}

static void test_sce_loss(void **state)
{
    /* scores (2, 3), labels (2) */
    static const float x[6] = { 1, 2, 3, 0, 0, 0 };
    static const int32_t t[2] = { 2, 0 };
    float y[2], lp[6];
    double l0 = log(exp(1) + exp(2) + exp(3)), l1 = log(3);
    (void)state;
    ec_sce_loss_f32_s32(y, lp, x, t, NULL, EC_LOSS_NONE, 0, 0, 2, 3, 1);
    check_f32(y, (const double[]){ l0 - 3, l1 }, 2);
    check_f32(lp, (const double[]){ 1 - l0, 2 - l0, 3 - l0, -l1, -l1, -l1 }, 6);
    ec_sce_loss_f32_s32(y, NULL, x, t, NULL, EC_LOSS_MEAN, 1, 0, 2, 3, 1);
    check_f32(y, (const double[]){ l0 - 3 }, 1);
}


/* ---- the ops, through the IR (inference + folding with the interpreter) -- */

static void add_ints_attr(ec_graph *g, int node, const char *name, const int64_t *v, int n)
{
    ec_attr a;
    memset(&a, 0, sizeof a);
    a.name = ec_strdup(name);
    a.type = EC_ATTR_INTS;
    a.n = n;
    a.ints = ec_alloc(sizeof(int64_t) * (size_t)(n ? n : 1));
    memcpy(a.ints, v, sizeof(int64_t) * (size_t)n);
    ec_node_add_attr(g, node, &a);
}

static void add_int_attr(ec_graph *g, int node, const char *name, int64_t v)
{
    ec_attr a;
    memset(&a, 0, sizeof a);
    a.name = ec_strdup(name);
    a.type = EC_ATTR_INT;
    a.i = v;
    ec_node_add_attr(g, node, &a);
}

/* A graph y = OP(x) with x a constant [2,3,2] = 1..12 (so it folds). */
static ec_graph *unary_graph(const char *op, int *node)
{
    ec_graph *g = ec_graph_new("g");
    ec_tensor *t = ec_alloc(sizeof *t);
    int64_t d[3] = { 2, 3, 2 };
    const char *in[1] = { "x" }, *out[1] = { "y" };
    t->name = ec_strdup("x");
    t->dtype = EC_DT_FLOAT;
    t->shape = ec_shape_make(3, d);
    t->nbytes = sizeof X12;
    t->data = ec_alloc(t->nbytes);
    memcpy(t->data, X12, sizeof X12);
    g->opset = 13;
    ec_diag_set_file("m.onnx");
    ec_add_initializer(g, t);
    *node = ec_add_node(g, op, "", "r", in, 1, out, 1);
    ec_add_output(g, "y", EC_DT_UNDEFINED, NULL);
    return g;
}

static void test_ir_reduce_fold(void **state)
{
    static const int64_t axes[2] = { 0, -1 };
    int node;
    ec_graph *g = unary_graph("ReduceSum", &node);
    const ec_value *y;
    (void)state;
    add_ints_attr(g, node, "axes", axes, 2);
    ec_verify(g);
    ec_toposort(g);
    ec_infer_and_fold(g);
    y = &g->values.a[g->outputs.a[0]];
    assert_int_equal(y->dtype, EC_DT_FLOAT);
    assert_int_equal(y->shape.rank, 3);
    assert_true(y->shape.dim[0] == 1 && y->shape.dim[1] == 3 && y->shape.dim[2] == 1);
    assert_non_null(y->data);
    check_f32(y->data, (const double[]){ 18, 26, 34 }, 3);
}

static void test_ir_reduce_keepdims0_all(void **state)
{
    int node;
    ec_graph *g = unary_graph("ReduceMax", &node);
    const ec_value *y;
    (void)state;
    add_int_attr(g, node, "keepdims", 0);
    ec_verify(g);
    ec_toposort(g);
    ec_infer_and_fold(g);
    y = &g->values.a[g->outputs.a[0]];
    assert_int_equal(y->shape.rank, 0);
    check_f32(y->data, (const double[]){ 12 }, 1);
}

static void test_ir_argmax_topk_shapes(void **state)
{
    int node;
    ec_graph *g = unary_graph("ArgMax", &node);
    const ec_value *y;
    (void)state;
    add_int_attr(g, node, "axis", 1);
    add_int_attr(g, node, "keepdims", 0);
    ec_verify(g);
    ec_toposort(g);
    ec_infer_and_fold(g);
    y = &g->values.a[g->outputs.a[0]];
    assert_int_equal(y->dtype, EC_DT_INT64);
    assert_int_equal(y->shape.rank, 2);
    assert_true(((const int64_t *)y->data)[0] == 2 && ((const int64_t *)y->data)[3] == 2);
}

static void test_ir_bad_input(void **state)
{
    static const int64_t dup[2] = { 1, -2 }, far[1] = { 3 };
    int node;
    ec_graph *g;
    (void)state;
    g = unary_graph("ReduceMean", &node);
    add_ints_attr(g, node, "axes", dup, 2);
    ec_verify(g);
    ec_toposort(g);
    EXPECT_FAIL_MSG(ec_infer_and_fold(g), "listed twice");
    g = unary_graph("ReduceL2", &node);
    add_ints_attr(g, node, "axes", far, 1);
    ec_verify(g);
    ec_toposort(g);
    EXPECT_FAIL_MSG(ec_infer_and_fold(g), "axis");
    g = unary_graph("Softmax", &node);
    add_int_attr(g, node, "axis", -4);
    ec_verify(g);
    ec_toposort(g);
    EXPECT_FAIL_MSG(ec_infer_and_fold(g), "axis");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reduce_f32_middle_axis),
        cmocka_unit_test(test_reduce_f32_split_axes),
        cmocka_unit_test(test_reduce_f32_edge),
        cmocka_unit_test(test_reduce_f64_lse_large),
        cmocka_unit_test(test_reduce_int),
        cmocka_unit_test(test_argmax_argmin),
        cmocka_unit_test(test_softmax_family),
        cmocka_unit_test(test_softmax_large),
        cmocka_unit_test(test_cumsum),
        cmocka_unit_test(test_topk),
        cmocka_unit_test(test_nllloss),
        cmocka_unit_test(test_sce_loss),
        cmocka_unit_test(test_ir_reduce_fold),
        cmocka_unit_test(test_ir_reduce_keepdims0_all),
        cmocka_unit_test(test_ir_argmax_topk_shapes),
        cmocka_unit_test(test_ir_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
