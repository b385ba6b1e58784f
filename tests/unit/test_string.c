/* test_string.c - the string kernels against references edgec did not
 * compute (tests/unit/string_ref.h: numpy's str() of float32, exact rational
 * rounding of decimals, Python's case mapping; see gen_string_ref.py), the
 * StringNormalizer kernel on the ONNX spec's examples, the input bound check,
 * and Cast/CastLike to and from string through the IR. */
#include <string.h>
#include "unit.h"
#include "ir.h"
#include "edgec.h"
#include "ec_string.h"
#include "string_ref.h"

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static float f_of(uint32_t b)
{
    float f;
    memcpy(&f, &b, 4);
    return f;
}

static uint32_t bits_of(float f)
{
    uint32_t b;
    memcpy(&b, &f, 4);
    return b;
}

static void test_format_numpy(void **state)
{
    char buf[EC_STR_F32_BYTES];
    int i;
    (void)state;
    for (i = 0; i < N_OF(FMT_REF); i++) {
        int32_t n = ec_str_from_f32(buf, f_of(FMT_REF[i].bits));
        if (strcmp(buf, FMT_REF[i].str) != 0)
            fail_msg("0x%08x: got '%s', numpy says '%s'", (unsigned)FMT_REF[i].bits, buf, FMT_REF[i].str);
        assert_int_equal(n, (int32_t)strlen(buf));
        assert_true(n < EC_STR_F32_BYTES);
    }
}

static void test_parse_exact(void **state)
{
    int i;
    (void)state;
    for (i = 0; i < N_OF(PARSE_REF); i++) {
        uint32_t got = bits_of(ec_str_to_f32(PARSE_REF[i].str)), want = PARSE_REF[i].bits;
        /* NaN: any quiet NaN of the right sign */
        bool nan_ok = (want & 0x7fffffffu) > 0x7f800000u && (got & 0x7fffffffu) > 0x7f800000u &&
                      (got >> 31) == (want >> 31);
        if (got != want && !nan_ok)
            fail_msg("'%s': got 0x%08x, expected 0x%08x", PARSE_REF[i].str, (unsigned)got, (unsigned)want);
    }
}

/* The printed string reads back as the same float, over many bit patterns
 * (a property of the pair, not a reference: it fails if either is wrong in
 * a way the other does not undo, which shortest digits make unlikely). */
static void test_round_trip(void **state)
{
    uint32_t x = 12345u;
    char buf[EC_STR_F32_BYTES];
    int i;
    (void)state;
    for (i = 0; i < 200000; i++) {
        float f;
        x = x * 1664525u + 1013904223u;
        f = f_of(x);
        if (f != f) continue;
        ec_str_from_f32(buf, f);
        if (bits_of(ec_str_to_f32(buf)) != x) fail_msg("0x%08x -> '%s' reads back differently", (unsigned)x, buf);
    }
}

static void test_cast_kernels(void **state)
{
    const float x[3] = { 0.5f, -1e-5f, 1e16f };
    const char *y[3];
    char pool[3 * EC_STR_F32_BYTES];
    const char *const in[4] = { "NaN", "-INF", "0.47892547", " 12abc" };
    float f[4];
    (void)state;
    ec_cast_f32_str(y, pool, x, 3);
    assert_string_equal(y[0], "0.5");
    assert_string_equal(y[1], "-1e-05");
    assert_string_equal(y[2], "1e+16");
    assert_ptr_equal(y[1], pool + EC_STR_F32_BYTES); /* element i at pool + i * stride */
    ec_cast_str_f32(f, in, 4);
    assert_true(f[0] != f[0]);
    assert_true(f[1] < 0 && f[1] * 0.5f == f[1]);
    assert_int_equal(bits_of(f[2]), 0x3ef535b8u); /* np.float32('0.47892547') */
    assert_true(f[3] == 12.0f);
}

static void test_str_check(void **state)
{
    const char *const ok[2] = { "abcd", "" };
    const char *const nul[2] = { "a", NULL };
    const char *const utf8[1] = { "\303\251t\303\251" };   /* 5 bytes, 3 characters */
    (void)state;
    assert_int_equal(ec_str_check(ok, 2, 4), 0);
    assert_int_equal(ec_str_check(ok, 2, 3), -1);
    assert_int_equal(ec_str_check(ok, 0, 0), 0);
    assert_int_equal(ec_str_check(nul, 2, 10), -1);
    assert_int_equal(ec_str_check(utf8, 1, 5), 0);
    assert_int_equal(ec_str_check(utf8, 1, 4), -1);
}

static void test_case_folding(void **state)
{
    char pool[64];
    const char *y[1];
    int64_t kept = -1;
    int i;
    (void)state;
    for (i = 0; i < N_OF(CASE_REF); i++) {
        const char *const x[1] = { CASE_REF[i].in };
        ec_strnorm(y, pool, &kept, x, 1, (int32_t)sizeof pool, 1, 1, 0, NULL);
        if (strcmp(y[0], CASE_REF[i].lower) != 0) fail_msg("lower of '%s' is '%s'", CASE_REF[i].in, y[0]);
        ec_strnorm(y, pool, &kept, x, 1, (int32_t)sizeof pool, 2, 1, 0, NULL);
        if (strcmp(y[0], CASE_REF[i].upper) != 0) fail_msg("upper of '%s' is '%s'", CASE_REF[i].in, y[0]);
        assert_int_equal(strlen(y[0]), strlen(CASE_REF[i].in));
        ec_strnorm(y, pool, &kept, x, 1, (int32_t)sizeof pool, 0, 1, 0, NULL);
        assert_string_equal(y[0], CASE_REF[i].in);
        assert_int_equal(kept, 1);
    }
}

/* The ONNX spec's StringNormalizer examples (onnx/backend/test/case/node/stringnormalizer.py). */
static void test_strnorm_spec(void **state)
{
    const char *const days[4] = { "monday", "tuesday", "wednesday", "thursday" };
    const char *const two[6] = { "Monday", "tuesday", "wednesday", "Monday", "tuesday", "wednesday" };
    const char *const mm[2] = { "monday", "monday" };
    const char *const stop[1] = { "monday" };
    const char *y[6];
    char pool[6 * 16];
    int64_t kept = -1;
    (void)state;
    /* case sensitive, lower */
    ec_strnorm(y, pool, &kept, days, 4, 16, 1, 1, 1, stop);
    assert_int_equal(kept, 3);
    assert_string_equal(y[0], "tuesday");
    assert_string_equal(y[2], "thursday");
    /* case insensitive, upper: "Monday" is a stopword */
    ec_strnorm(y, pool, &kept, two, 6, 16, 2, 0, 1, stop);
    assert_int_equal(kept, 4);
    assert_string_equal(y[0], "TUESDAY");
    assert_string_equal(y[1], "WEDNESDAY");
    assert_string_equal(y[3], "WEDNESDAY");
    /* case sensitive: "Monday" stays */
    ec_strnorm(y, pool, &kept, two, 6, 16, 0, 1, 1, stop);
    assert_int_equal(kept, 6);
    assert_string_equal(y[3], "Monday");
    /* everything dropped: one empty string */
    ec_strnorm(y, pool, &kept, mm, 2, 16, 2, 1, 1, stop);
    assert_int_equal(kept, 1);
    assert_string_equal(y[0], "");
    /* no stopwords, no case change; kept may be NULL */
    ec_strnorm(y, pool, NULL, mm, 2, 16, 0, 1, 0, NULL);
    assert_string_equal(y[1], "monday");
    /* Latin-1 letters compare case-insensitively too */
    {
        const char *const x[2] = { "\303\211t\303\251", "x" };
        const char *const st[1] = { "\303\251T\303\211" };
        ec_strnorm(y, pool, &kept, x, 2, 16, 0, 0, 1, st);
        assert_int_equal(kept, 1);
        assert_string_equal(y[0], "x");
    }
}

/* ---- through the IR ----------------------------------------------------- */

static ec_graph *cast_graph(const char *op, ec_dtype in_dt, ec_dtype to)
{
    const char *in[2] = { "x", "like" }, *out[1] = { "y" };
    int64_t d[2] = { 3, 4 }, one = 1;
    ec_shape s = ec_shape_make(2, d), s1 = ec_shape_make(1, &one);
    ec_graph *g = ec_graph_new("g");
    int v;
    ec_diag_set_file("m.onnx");
    g->opset = 15;
    v = ec_add_input(g, "x", in_dt, &s);
    g->values.a[v].str_max = 10;
    if (!strcmp(op, "CastLike")) {
        v = ec_add_input(g, "like", to, &s1);
        g->values.a[v].str_max = 10;
    }
    ec_add_node(g, op, "", "c", in, strcmp(op, "CastLike") ? 1 : 2, out, 1);
    if (!strcmp(op, "Cast")) {
        ec_attr a;
        memset(&a, 0, sizeof a);
        a.name = ec_strdup("to");
        a.type = EC_ATTR_INT;
        a.i = to;
        ec_node_add_attr(g, 0, &a);
    }
    ec_add_output(g, "y", EC_DT_UNDEFINED, NULL);
    ec_verify(g);
    ec_toposort(g);
    return g;
}

static void test_ir_cast(void **state)
{
    ec_graph *g;
    const ec_value *y;
    ec_program p;
    (void)state;
    g = cast_graph("Cast", EC_DT_FLOAT, EC_DT_STRING);
    ec_infer_and_fold(g);
    y = &g->values.a[ec_value_find(g, "y")];
    assert_int_equal(y->dtype, EC_DT_STRING);
    assert_int_equal(y->str_max, EC_STR_F32_BYTES - 1);
    /* the output's characters: a pool of 12 * 24 bytes in the arena, kept to the end */
    ec_lower_graph(g, &p);
    ec_plan_memory(&p);
    assert_true(p.arena_bytes >= 12 * EC_STR_F32_BYTES);
    assert_true(ec_plan_check(&p, NULL, 0));

    g = cast_graph("CastLike", EC_DT_STRING, EC_DT_FLOAT);
    ec_infer_and_fold(g);
    assert_int_equal(g->values.a[ec_value_find(g, "y")].dtype, EC_DT_FLOAT);

    g = cast_graph("Cast", EC_DT_STRING, EC_DT_INT64);
    EXPECT_FAIL(ec_infer_and_fold(g));
    assert_non_null(strstr(ec_diag_last(), "cast from string to int64 is not supported (string <-> float only)"));

    g = cast_graph("Cast", EC_DT_STRING, EC_DT_STRING);
    EXPECT_FAIL(ec_infer_and_fold(g));
    assert_non_null(strstr(ec_diag_last(), "cast from string to string is not supported"));

    /* a string input without a bound */
    g = cast_graph("Cast", EC_DT_STRING, EC_DT_FLOAT);
    g->values.a[ec_value_find(g, "x")].str_max = -1;
    EXPECT_FAIL(ec_infer_and_fold(g));
    assert_non_null(strstr(ec_diag_last(), "--max-string-bytes"));

    /* another op reading a string tensor */
    {
        const char *in[1] = { "x" }, *out[1] = { "y" };
        int64_t d = 2;
        ec_shape s = ec_shape_make(1, &d);
        int v;
        g = ec_graph_new("g");
        g->opset = 15;
        v = ec_add_input(g, "x", EC_DT_STRING, &s);
        g->values.a[v].str_max = 4;
        ec_add_node(g, "Identity", "", "i", in, 1, out, 1);
        ec_add_output(g, "y", EC_DT_UNDEFINED, NULL);
        ec_verify(g);
        ec_toposort(g);
        EXPECT_FAIL(ec_infer_and_fold(g));
        assert_non_null(strstr(ec_diag_last(), "string tensors are not supported by Identity"));
    }
}

static ec_graph *strnorm_graph(int64_t c, const char *stop, const char *locale)
{
    const char *in[1] = { "x" }, *out[1] = { "y" };
    ec_shape s = ec_shape_make(1, &c);
    ec_graph *g = ec_graph_new("g");
    ec_attr a;
    int v;
    ec_diag_set_file("m.onnx");
    g->opset = 10;
    v = ec_add_input(g, "x", EC_DT_STRING, &s);
    g->values.a[v].str_max = 7;
    ec_add_node(g, "StringNormalizer", "", "sn", in, 1, out, 1);
    if (stop) {
        memset(&a, 0, sizeof a);
        a.name = ec_strdup("stopwords");
        a.type = EC_ATTR_STRINGS;
        a.n = 1;
        a.strings = ec_alloc(sizeof(char *));
        a.strings[0] = ec_strdup(stop);
        ec_node_add_attr(g, 0, &a);
    }
    if (locale) {
        memset(&a, 0, sizeof a);
        a.name = ec_strdup("locale");
        a.type = EC_ATTR_STRING;
        a.s = ec_strdup(locale);
        a.slen = strlen(locale);
        ec_node_add_attr(g, 0, &a);
    }
    ec_add_output(g, "y", EC_DT_UNDEFINED, NULL);
    ec_verify(g);
    ec_toposort(g);
    return g;
}

static void test_ir_strnorm(void **state)
{
    ec_graph *g;
    const ec_value *y;
    (void)state;
    /* stopwords: the kept count depends on the data, [<=4] */
    g = strnorm_graph(4, "monday", "en_US");
    ec_infer_and_fold(g);
    y = &g->values.a[ec_value_find(g, "y")];
    assert_int_equal(y->dtype, EC_DT_STRING);
    assert_true(y->shape.rank == 1 && y->shape.dim[0] == 4);
    assert_true(y->data_dep && y->dd_dim == 0);
    assert_int_equal(y->str_max, 7);
    /* no stopwords: the same shape, known */
    g = strnorm_graph(4, NULL, NULL);
    ec_infer_and_fold(g);
    y = &g->values.a[ec_value_find(g, "y")];
    assert_false(y->data_dep);
    /* an empty input gives one empty string */
    g = strnorm_graph(0, NULL, NULL);
    ec_infer_and_fold(g);
    y = &g->values.a[ec_value_find(g, "y")];
    assert_true(y->shape.rank == 1 && y->shape.dim[0] == 1);
    /* locales other than en_US fold differently: refused */
    g = strnorm_graph(4, NULL, "tr_TR");
    EXPECT_FAIL(ec_infer_and_fold(g));
    assert_non_null(strstr(ec_diag_last(), "locale 'tr_TR' is not supported"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_numpy),
        cmocka_unit_test(test_parse_exact),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_cast_kernels),
        cmocka_unit_test(test_str_check),
        cmocka_unit_test(test_case_folding),
        cmocka_unit_test(test_strnorm_spec),
        cmocka_unit_test(test_ir_cast),
        cmocka_unit_test(test_ir_strnorm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
