/* test_ir.c - the IR core: builder, diagnostics, verifier, scheduler,
 * dead-node elimination, inference with constant folding. */
#include <string.h>
#include "unit.h"
#include "ir.h"

static ec_shape shp(int rank, int64_t a, int64_t b)
{
    int64_t d[2] = { a, b };
    return ec_shape_make(rank, d);
}

static ec_tensor *ftensor(const char *name, int rank, int64_t a, int64_t b, const float *vals)
{
    ec_tensor *t = ec_alloc(sizeof *t);
    int64_t n;
    t->name = ec_strdup(name);
    t->dtype = EC_DT_FLOAT;
    t->shape = shp(rank, a, b);
    n = ec_shape_numel(&t->shape);
    t->nbytes = (size_t)n * sizeof(float);
    t->data = ec_alloc(t->nbytes);
    memcpy(t->data, vals, t->nbytes);
    return t;
}

static int node1(ec_graph *g, const char *op, const char *name, const char *a, const char *b, const char *y)
{
    const char *in[2] = { a, b };
    const char *out[1] = { y };
    return ec_add_node(g, op, "", name, in, b ? 2 : 1, out, 1);
}

static void test_shapes(void **state)
{
    ec_shape a = shp(2, 2, 3), b = shp(1, 3, 0), o;
    int64_t big[3] = { INT64_MAX / 2, 4, 1 };
    ec_shape huge = ec_shape_make(3, big);
    char buf[64];
    (void)state;
    assert_true(ec_broadcast(&a, &b, &o));
    assert_int_equal(o.rank, 2);
    assert_int_equal(o.dim[0], 2);
    assert_int_equal(o.dim[1], 3);
    b = shp(1, 4, 0);
    assert_false(ec_broadcast(&a, &b, &o));
    assert_string_equal(ec_shape_str(&a, buf, sizeof buf), "[2,3]");
    assert_int_equal(ec_shape_numel(&a), 6);
    EXPECT_FAIL(ec_shape_numel(&huge));
    assert_non_null(strstr(ec_diag_last(), "overflows int64"));
}

static void test_dtypes(void **state)
{
    (void)state;
    assert_int_equal(ec_dtype_size(EC_DT_FLOAT), 4);
    assert_int_equal(ec_dtype_size(EC_DT_INT64), 8);
    assert_int_equal(ec_dtype_size(EC_DT_FLOAT16), 2);
    assert_int_equal(ec_dtype_size(EC_DT_STRING), 0);
    assert_string_equal(ec_dtype_ctype(EC_DT_BOOL), "bool");
    assert_string_equal(ec_dtype_suffix(EC_DT_UINT8), "u8");
    assert_true(ec_dtype_is_float(EC_DT_FLOAT16));
    assert_false(ec_dtype_is_int(EC_DT_BOOL));
    /* f16 conversion round trips on exactly representable values */
    assert_true(ec_f16_to_f32(ec_f32_to_f16(1.5f)) == 1.5f);
    assert_true(ec_f16_to_f32(0x3c00) == 1.0f);
    assert_int_equal(ec_f32_to_f16(65504.0f), 0x7bff);
    assert_int_equal(ec_f32_to_f16(1e6f), 0x7c00);          /* overflow -> inf */
    assert_int_equal(ec_f32_to_bf16(1.0f), 0x3f80);
}

static void test_undefined_value(void **state)
{
    ec_graph *g = ec_graph_new("g");
    ec_shape s = shp(2, 2, 3);
    (void)state;
    ec_diag_set_file("m.onnx");
    ec_add_input(g, "x", EC_DT_FLOAT, &s);
    node1(g, "Relu", "r0", "x", NULL, "t");
    node1(g, "Add", "add1", "t", "nowhere", "y");
    ec_add_output(g, "y", EC_DT_FLOAT, NULL);
    EXPECT_FAIL(ec_verify(g));
    assert_string_equal(ec_diag_last(), "edgec: m.onnx: node 1 'add1' (Add): reads undefined value 'nowhere'");
}

static void test_unknown_op(void **state)
{
    ec_graph *g = ec_graph_new("g");
    ec_shape s = shp(1, 4, 0);
    (void)state;
    ec_diag_set_file("m.onnx");
    ec_add_input(g, "x", EC_DT_FLOAT, &s);
    node1(g, "FrobnicateXYZ", "f", "x", NULL, "y");
    ec_add_output(g, "y", EC_DT_FLOAT, NULL);
    EXPECT_FAIL(ec_verify(g));
    assert_string_equal(ec_diag_last(), "edgec: m.onnx: node 0 'f' (FrobnicateXYZ): unsupported op");
}

static void test_toposort_and_cycle(void **state)
{
    ec_graph *g = ec_graph_new("g");
    ec_shape s = shp(1, 4, 0);
    (void)state;
    ec_add_input(g, "x", EC_DT_FLOAT, &s);
    /* written out of order: b needs a's output */
    node1(g, "Relu", "b", "t", NULL, "y");
    node1(g, "Relu", "a", "x", NULL, "t");
    ec_add_output(g, "y", EC_DT_FLOAT, NULL);
    ec_verify(g);
    ec_toposort(g);
    assert_string_equal(g->nodes.a[0].name, "a");
    assert_string_equal(g->nodes.a[1].name, "b");
    assert_int_equal(g->values.a[ec_value_find(g, "t")].producer, 0);

    g = ec_graph_new("cyc");
    ec_add_input(g, "x", EC_DT_FLOAT, &s);
    node1(g, "Add", "p", "x", "q_out", "p_out");
    node1(g, "Relu", "q", "p_out", NULL, "q_out");
    ec_add_output(g, "q_out", EC_DT_FLOAT, NULL);
    ec_diag_set_file("c.onnx");
    EXPECT_FAIL(ec_toposort(g));
    assert_string_equal(ec_diag_last(), "edgec: c.onnx: node 0 'p' (Add): is part of a cycle");
}

static void test_fold_and_dead(void **state)
{
    ec_graph *g = ec_graph_new("g");
    ec_shape s = shp(1, 2, 0);
    float av[2] = { 1.0f, 2.0f }, bv[2] = { 2.0f, 3.0f };
    const float *r;
    (void)state;
    ec_add_input(g, "x", EC_DT_FLOAT, &s);
    ec_add_initializer(g, ftensor("a", 1, 2, 0, av));
    ec_add_initializer(g, ftensor("b", 1, 2, 0, bv));
    node1(g, "Add", "const_add", "a", "b", "c");        /* folds to {3,5} */
    node1(g, "Mul", "use", "x", "c", "y");
    node1(g, "Relu", "unused", "x", NULL, "z");          /* reaches no output */
    ec_add_output(g, "y", EC_DT_FLOAT, NULL);
    ec_verify(g);
    ec_toposort(g);
    ec_infer_and_fold(g);
    r = g->values.a[ec_value_find(g, "c")].data;
    assert_non_null(r);
    assert_true(r[0] == 3.0f && r[1] == 5.0f);
    ec_eliminate_dead(g);
    assert_true(g->nodes.a[0].dead);   /* folded */
    assert_false(g->nodes.a[1].dead);
    assert_true(g->nodes.a[2].dead);   /* unused */
    assert_int_equal(g->values.a[ec_value_find(g, "y")].shape.dim[0], 2);
}

static void test_infer_mismatch(void **state)
{
    ec_graph *g = ec_graph_new("g");
    ec_shape a = shp(2, 2, 3), b = shp(1, 4, 0);
    (void)state;
    ec_diag_set_file("m.onnx");
    ec_add_input(g, "a", EC_DT_FLOAT, &a);
    ec_add_input(g, "b", EC_DT_FLOAT, &b);
    node1(g, "Add", "bad_add", "a", "b", "y");
    ec_add_output(g, "y", EC_DT_FLOAT, NULL);
    ec_verify(g);
    ec_toposort(g);
    EXPECT_FAIL(ec_infer_and_fold(g));
    assert_non_null(strstr(ec_diag_last(), "edgec: m.onnx: node 0 'bad_add' (Add): "));
}

static void test_symbolic_input_needs_dim(void **state)
{
    ec_graph *g = ec_graph_new("g");
    ec_shape s = shp(2, -1, 3);
    (void)state;
    s.sym[0] = "N";
    ec_diag_set_file("m.onnx");
    ec_add_input(g, "x", EC_DT_FLOAT, &s);
    node1(g, "Relu", "r", "x", NULL, "y");
    ec_add_output(g, "y", EC_DT_FLOAT, NULL);
    ec_verify(g);
    ec_toposort(g);
    EXPECT_FAIL(ec_infer_and_fold(g));
    assert_non_null(strstr(ec_diag_last(), "symbolic dim 'N' needs a value (--dim N=VALUE, or --dim N=MIN..MAX"));
}

/* A lowered call must match its kernel row's signature string (ir/ir.h ec_kernel). */
static void test_kernel_call_signature(void **state)
{
    ec_lowering L;
    ec_call *c;
    const ec_kernel *k = ec_kernel_find("ec_global_avgpool_f32");
    (void)state;
    assert_non_null(k);
    assert_string_equal(k->sig, "ppii");
    memset(&L, 0, sizeof L);
    c = ec_emit(&L, "ec_global_avgpool_f32");
    ec_arg_out(c, "y", 0);
    ec_arg_in(c, "x", 1);
    ec_arg_int(c, "nc", 3);
    EXPECT_FAIL_MSG(ec_kernel_check_call(c), "has 3 arguments, its signature \"ppii\" 4");
    ec_arg_float(c, "s", 2.0);
    EXPECT_FAIL_MSG(ec_kernel_check_call(c), "argument 3 (s) of ec_global_avgpool_f32 is 'f'");
    c->args.a[3].kind = EC_ARG_INT;
    ec_kernel_check_call(c);
    ec_lowering_free(&L);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_kernel_call_signature),
        cmocka_unit_test(test_dtypes),
        cmocka_unit_test(test_undefined_value),
        cmocka_unit_test(test_unknown_op),
        cmocka_unit_test(test_toposort_and_cycle),
        cmocka_unit_test(test_fold_and_dead),
        cmocka_unit_test(test_infer_mismatch),
        cmocka_unit_test(test_symbolic_input_needs_dim),
    };
    int rc = cmocka_run_group_tests_name("ir", tests, NULL, NULL);
    ec_free_all();
    return rc;
}
