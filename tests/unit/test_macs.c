/* test_macs.c - the multiply-accumulates each op's ec_opdef row counts
 * (its macs hook, what --report shows), on small graphs. Every expected
 * count is worked out by hand in the comment beside it from the shapes the
 * test gives: one MAC per product of an input element and a weight that is
 * added into an output element. */
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "ir.h"

static ec_graph *new_graph(void)
{
    ec_graph *g = ec_graph_new("g");
    ec_diag_set_file("m.onnx");
    g->opset = 17;
    return g;
}

static ec_shape shape(int rank, const int64_t *d) { return ec_shape_make(rank, d); }

/* A constant (zeros, float ones) of dtype dt and shape s named name. */
static void constant(ec_graph *g, const char *name, ec_dtype dt, int rank, const int64_t *d)
{
    ec_tensor *t = ec_alloc(sizeof *t);
    int64_t n = 1, i;
    for (i = 0; i < rank; i++) n *= d[i];
    t->dtype = dt;
    t->shape = shape(rank, d);
    t->nbytes = (size_t)n * ec_dtype_size(dt);
    t->data = ec_alloc(t->nbytes ? t->nbytes : 1);
    if (dt == EC_DT_FLOAT)
        for (i = 0; i < n; i++) ((float *)t->data)[i] = 1.0f;
    t->name = ec_strdup(name);
    ec_add_initializer(g, t);
}

static void input(ec_graph *g, const char *name, ec_dtype dt, int rank, const int64_t *d)
{
    ec_shape s = shape(rank, d);
    ec_add_input(g, name, dt, &s);
}

/* Infers g (node 0 computes y) and returns node 0's MACs. */
static int64_t macs_of(ec_graph *g)
{
    int64_t m;
    ec_add_output(g, "y", EC_DT_UNDEFINED, NULL);
    ec_verify(g);
    ec_toposort(g);
    ec_infer_and_fold(g);
    m = ec_op_macs(g, 0);
    return m;
}

static const char *const XW[] = { "x", "w" }, *const Y[] = { "y" };

static void test_macs_conv(void **state)
{
    int64_t xs[4] = { 1, 3, 8, 8 }, ws[4] = { 4, 3, 3, 3 };
    int64_t xg[4] = { 1, 4, 5, 5 }, wg[4] = { 4, 2, 3, 3 }, pads[4] = { 1, 1, 1, 1 };
    ec_graph *g = new_graph();
    int n;
    (void)state;
    /* 3x3 over 8x8, no padding: Y [1, 4, 6, 6] = 144 elements, each 3 channels * 3 * 3 = 27
     * products: 3888 */
    input(g, "x", EC_DT_FLOAT, 4, xs);
    constant(g, "w", EC_DT_FLOAT, 4, ws);
    ec_add_node(g, "Conv", "", "conv", XW, 2, Y, 1);
    assert_int_equal(macs_of(g), 144 * 27);
    /* group 2, pads 1: Y [1, 4, 5, 5] = 100 elements, each 4/2 channels * 3 * 3 = 18: 1800 */
    g = new_graph();
    input(g, "x", EC_DT_FLOAT, 4, xg);
    constant(g, "w", EC_DT_FLOAT, 4, wg);
    n = ec_add_node(g, "Conv", "", "conv", XW, 2, Y, 1);
    ec_node_push_attr(&g->nodes.a[n], ec_attr_new_int("group", 2));
    ec_node_push_attr(&g->nodes.a[n], ec_attr_new_ints("pads", pads, 4));
    assert_int_equal(macs_of(g), 1800);
}

static void test_macs_gemm_matmul(void **state)
{
    int64_t a[2] = { 2, 5 }, b[2] = { 5, 3 }, at[2] = { 5, 2 };
    int64_t a3[3] = { 2, 3, 4 }, b2[2] = { 4, 5 };
    ec_graph *g = new_graph();
    int n;
    (void)state;
    /* A [2, 5] x B [5, 3]: Y [2, 3], each the sum of 5 products: 30 */
    input(g, "x", EC_DT_FLOAT, 2, a);
    constant(g, "w", EC_DT_FLOAT, 2, b);
    ec_add_node(g, "Gemm", "", "gemm", XW, 2, Y, 1);
    assert_int_equal(macs_of(g), 30);
    /* the same product with A given transposed, [5, 2] and transA = 1: 30 */
    g = new_graph();
    input(g, "x", EC_DT_FLOAT, 2, at);
    constant(g, "w", EC_DT_FLOAT, 2, b);
    n = ec_add_node(g, "Gemm", "", "gemm", XW, 2, Y, 1);
    ec_node_push_attr(&g->nodes.a[n], ec_attr_new_int("transA", 1));
    assert_int_equal(macs_of(g), 30);
    /* A [2, 3, 4] x B [4, 5]: Y [2, 3, 5] = 30 elements of 4 products: 120 */
    g = new_graph();
    input(g, "x", EC_DT_FLOAT, 3, a3);
    constant(g, "w", EC_DT_FLOAT, 2, b2);
    ec_add_node(g, "MatMul", "", "mm", XW, 2, Y, 1);
    assert_int_equal(macs_of(g), 120);
}

static void test_macs_integer(void **state)
{
    int64_t xs[4] = { 1, 2, 6, 6 }, ws[4] = { 3, 2, 3, 3 }, one[1] = { 1 }, strides[2] = { 2, 2 };
    int64_t xi[4] = { 1, 1, 5, 5 }, wi[4] = { 2, 1, 2, 2 };
    int64_t a[2] = { 3, 4 }, b[2] = { 4, 6 };
    static const char *const qin[8] = { "x", "xs", "xz", "w", "ws", "wz", "ys", "yz" };
    ec_graph *g = new_graph();
    int n;
    (void)state;
    /* QLinearConv, W (input 3) [3, 2, 3, 3], stride 2 over 6x6: (6 - 3) / 2 + 1 = 2, so
     * Y [1, 3, 2, 2] = 12 elements, each 2 * 3 * 3 = 18 products: 216 */
    input(g, "x", EC_DT_UINT8, 4, xs);
    constant(g, "xs", EC_DT_FLOAT, 0, one);
    constant(g, "xz", EC_DT_UINT8, 0, one);
    constant(g, "w", EC_DT_UINT8, 4, ws);
    constant(g, "ws", EC_DT_FLOAT, 0, one);
    constant(g, "wz", EC_DT_UINT8, 0, one);
    constant(g, "ys", EC_DT_FLOAT, 0, one);
    constant(g, "yz", EC_DT_UINT8, 0, one);
    n = ec_add_node(g, "QLinearConv", "", "qconv", qin, 8, Y, 1);
    ec_node_push_attr(&g->nodes.a[n], ec_attr_new_ints("strides", strides, 2));
    assert_int_equal(macs_of(g), 216);
    /* ConvInteger, W [2, 1, 2, 2] over 5x5: Y [1, 2, 4, 4] = 32 elements of 1 * 2 * 2 = 4
     * products: 128 */
    g = new_graph();
    input(g, "x", EC_DT_UINT8, 4, xi);
    constant(g, "w", EC_DT_UINT8, 4, wi);
    ec_add_node(g, "ConvInteger", "", "ci", XW, 2, Y, 1);
    assert_int_equal(macs_of(g), 128);
    /* MatMulInteger, A [3, 4] x B [4, 6]: Y [3, 6] = 18 elements of 4 products: 72 */
    g = new_graph();
    input(g, "x", EC_DT_UINT8, 2, a);
    constant(g, "w", EC_DT_UINT8, 2, b);
    ec_add_node(g, "MatMulInteger", "", "mmi", XW, 2, Y, 1);
    assert_int_equal(macs_of(g), 72);
}

static int64_t einsum_macs(const char *eq, int r0, const int64_t *d0, int r1, const int64_t *d1)
{
    ec_graph *g = new_graph();
    int n;
    input(g, "x", EC_DT_FLOAT, r0, d0);
    if (r1 >= 0) input(g, "w", EC_DT_FLOAT, r1, d1);
    n = ec_add_node(g, "Einsum", "", "ein", XW, r1 >= 0 ? 2 : 1, Y, 1);
    ec_node_push_attr(&g->nodes.a[n], ec_attr_new_string("equation", eq));
    return macs_of(g);
}

static void test_macs_einsum(void **state)
{
    int64_t a[3] = { 2, 3, 4 }, b[3] = { 2, 4, 5 }, m[2] = { 3, 4 }, row[2] = { 1, 4 };
    (void)state;
    /* a batched matrix product: b = 2, i = 3, j = 4, k = 5; Y [2, 3, 5] = 30 elements, each
     * summing j = 4 products: 2 * 3 * 4 * 5 = 120 */
    assert_int_equal(einsum_macs("bij,bjk->bik", 3, a, 3, b), 120);
    /* the same with an implicit output (bik in alphabetical order) */
    assert_int_equal(einsum_macs("bij,bjk", 3, a, 3, b), 120);
    /* a full contraction of two [3, 4]: one output, 12 products */
    assert_int_equal(einsum_macs("ij,ij->", 2, m, 2, m), 12);
    /* [3, 4] times a row [1, 4] broadcast over i: Y [3, 4], one product each: 12 */
    assert_int_equal(einsum_macs("ij,ij->ij", 2, m, 2, row), 12);
    /* one operand (a transpose, a sum) multiplies nothing */
    assert_int_equal(einsum_macs("ij->ji", 2, m, -1, NULL), 0);
    assert_int_equal(einsum_macs("ij->i", 2, m, -1, NULL), 0);
}

static void test_macs_others_count_zero(void **state)
{
    int64_t a[2] = { 2, 5 };
    ec_graph *g = new_graph();
    (void)state;
    input(g, "x", EC_DT_FLOAT, 2, a);
    input(g, "w", EC_DT_FLOAT, 2, a);
    ec_add_node(g, "Add", "", "add", XW, 2, Y, 1);
    assert_int_equal(macs_of(g), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_macs_conv),
        cmocka_unit_test(test_macs_gemm_matmul),
        cmocka_unit_test(test_macs_integer),
        cmocka_unit_test(test_macs_einsum),
        cmocka_unit_test(test_macs_others_count_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
