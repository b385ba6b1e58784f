/* test_text.c - frontend/onnx_text.{l,y}, frontend/text_build.c and
 * ir/print.c: text into the IR, errors with a caret, and the printer's
 * print -> parse -> print fixed point. */
#include "unit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ir.h"
#include "text_frontend.h"

static ec_graph *parse(const char *text)
{
    return ec_parse_onnx_text("t.onnxtxt", text, strlen(text));
}

/* The diagnostic a text fails with ("" if it parses). */
static const char *parse_error(const char *text)
{
    jmp_buf jb;
    ec_diag_quiet(true);
    ec_diag_catch(&jb);
    if (setjmp(jb) == 0) {
        parse(text);
        ec_diag_catch(NULL);
        ec_diag_quiet(false);
        return "";
    }
    ec_diag_catch(NULL);
    ec_diag_quiet(false);
    return ec_diag_last();
}

static char *print(const ec_graph *g)
{
    return ec_print_ir(g, NULL);
}

#define HDR "<ir_version: 8, opset_import: [\"\" : 17, \"com.microsoft\" : 1], producer_name: \"t\",\n" \
            " producer_version: \"1\", domain: \"x.y\", model_version: 3, doc_string: \"d\">\n"

static void test_model(void **state)
{
    (void)state;
    ec_graph *g = parse(HDR
        "agraph (float[N, 4] X, int64[] S) => (float[N, 3] Y)\n"
        "   <float[4, 3] W = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12.5e0}, int8[2] Q = {-128, 127},\n"
        "    float[N, 3] T>   # value info: left to inference\n"
        "{\n"
        "   T = MatMul(X, W)  # a comment\n"
        "   Y = Relu(T)\n"
        "   Z = com.microsoft.Gelu <i = -3, f = 0.5, s = \"a b\", t = float[2] {1, inf},\n"
        "        is = [1, 2], fs = [1.0, -2.5], ss = [\"x\", \"y\"], e: ints = []> (T)\n"
        "}\n");
    const ec_node *n;
    int w, x;
    const float *wd;
    assert_string_equal(g->name, "agraph");
    assert_int_equal(g->ir_version, 8);
    assert_int_equal(g->opset, 17);
    assert_int_equal(g->inputs.n, 2);
    x = g->inputs.a[0];
    assert_string_equal(g->values.a[x].name, "X");
    assert_int_equal(g->values.a[x].dtype, EC_DT_FLOAT);
    assert_int_equal(g->values.a[x].shape.rank, 2);
    assert_int_equal(g->values.a[x].shape.dim[0], -1);
    assert_string_equal(g->values.a[x].shape.sym[0], "N");
    assert_int_equal(g->values.a[x].shape.dim[1], 4);
    assert_int_equal(g->values.a[g->inputs.a[1]].shape.rank, -1);
    w = ec_value_find(g, "W");
    assert_true(w >= 0 && g->values.a[w].is_initializer);
    wd = g->values.a[w].data;
    assert_true(wd[0] == 1.0f && wd[11] == 12.5f);
    assert_int_equal(((const int8_t *)g->values.a[ec_value_find(g, "Q")].data)[0], -128);
    assert_int_equal(g->nodes.n, 3);
    assert_string_equal(g->nodes.a[0].op, "MatMul");
    n = &g->nodes.a[2];
    assert_string_equal(n->domain, "com.microsoft");
    assert_string_equal(n->op, "Gelu");
    assert_int_equal(n->nattrs, 8);
    assert_int_equal(ec_attr_int(n, "i", 0), -3);
    assert_true(ec_attr_float(n, "f", 0) == 0.5f);
    assert_string_equal(ec_attr_string(n, "s", ""), "a b");
    assert_int_equal(ec_attr_find(n, "t")->type, EC_ATTR_TENSOR);
    assert_true(isinf(((const float *)ec_attr_find(n, "t")->t->data)[1]));
    assert_int_equal(ec_attr_find(n, "is")->type, EC_ATTR_INTS);
    assert_int_equal(ec_attr_find(n, "fs")->type, EC_ATTR_FLOATS);
    assert_int_equal(ec_attr_find(n, "ss")->type, EC_ATTR_STRINGS);
    assert_int_equal(ec_attr_find(n, "e")->type, EC_ATTR_INTS);
    assert_int_equal(ec_attr_find(n, "e")->n, 0);
    ec_free_all();
}

static void test_subgraph(void **state)
{
    (void)state;
    ec_graph *g = parse(HDR
        "g (bool c, float[2] X) => (float[2] Y) {\n"
        "   Y = If (c) <then_branch = t () => (float[2] a) { a = Relu(X) },\n"
        "               else_branch = e () => (float[2] b) { b = Neg(X) }>\n"
        "}\n");
    const ec_attr *a = ec_attr_find(&g->nodes.a[0], "then_branch");
    assert_non_null(a);
    assert_int_equal(a->type, EC_ATTR_GRAPH);
    assert_ptr_equal(a->g->parent, g);
    assert_string_equal(a->g->name, "t");
    assert_int_equal(a->g->nodes.n, 1);
    assert_int_equal(a->g->outputs.n, 1);
    ec_free_all();
}

/* print -> parse -> print is a fixed point, through every feature. */
static void test_round_trip(void **state)
{
    (void)state;
    static const char *texts[] = {
        HDR "g (float[N, 4] X) => (float[N, 3] Y) <float[4, 3] W = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0.1}>"
        " { T = MatMul(X, W) Y = Relu(T) }",
        /* names that are not identifiers, clashing with one that is */
        HDR "\"torch-jit\" (float[2] \"0\", float[2] _0) => (float[2] \"a.b\") {"
        " \"1\" = Add(\"0\", _0) \"a.b\" = Relu(\"1\") }",
        /* omitted inputs and outputs, special floats, float16 bit patterns, empty lists */
        HDR "g (float[2] X) => (float[2] Y, float[2] Z) <float16[2] H = {15360, 65535}> {"
        " Y = Clip(X, , ) , Z = com.microsoft.Foo <f = -inf, g = nan, e: floats = []> (\"\") }",
        /* sub-graphs and strings with quotes */
        HDR "g (bool c, float[2] X) => (float[2] Y) { Y = If (c) <then_branch = t () => (float[2] a)"
        " { a = Relu(X) }, else_branch = e () => (float[2] b) { b = Neg <s = \"q\\\"x\\\\\"> (X) }> }",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char *a = print(parse(texts[i]));
        char *b = print(parse(a));
        if (strcmp(a, b) != 0) fprintf(stderr, "first:\n%s\nsecond:\n%s\n", a, b);
        assert_string_equal(a, b);
        ec_free_all();
    }
}

static void test_print_format(void **state)
{
    (void)state;
    char *t = print(parse(HDR "\"torch-jit\" (float[2] \"0\", float[2] _0) => (float[2] Y) {"
                              " Y = LeakyRelu <alpha = 1.0> (\"0\") Z = Elu <alpha = 0.1> (_0) }"));
    assert_non_null(strstr(t, "torch_jit (float[2] _0_1, float[2] _0) => (float[2] Y)"));
    assert_non_null(strstr(t, "Y = LeakyRelu <alpha = 1.0> (_0_1)"));
    assert_non_null(strstr(t, "Z = Elu <alpha = 0.1> (_0)"));
    assert_non_null(strstr(t, "opset_import: [\"\" : 17]"));
    ec_free_all();
}

static void test_errors(void **state)
{
    (void)state;
    static const struct { const char *text, *msg; } cases[] = {
        { "<ir_version: 8>\ng (float X) => (float Y) { Y = Relu(X) % }",
          "t.onnxtxt:2:40: error: unexpected character '%'\n"
          "g (float X) => (float Y) { Y = Relu(X) % }\n"
          "                                       ^" },
        { "<ir_version: 8, opset_import: [\"\" : 17]>\ng (float X) => (float Y) { Y = Relu(X }",
          "t.onnxtxt:2:39: error: expected ',' or ')', found '}'\n"
          "g (float X) => (float Y) { Y = Relu(X }\n"
          "                                      ^" },
        { "<ir_version: 8, opset_import: [\"\" : 17]>\ng (float X) => (float Y) {\n\tY = Relu(Q) }",
          "t.onnxtxt:3:11: error: undefined value 'Q'\n"
          "\tY = Relu(Q) }\n"
          "\t         ^" },
        { "<ir_version: 8, opset_import: [\"\" : 17]>\ng (float X) => (float Y) { Y = Elu <alpha: float = \"x\"> (X) }",
          "t.onnxtxt:2:52: error: attribute 'alpha' is declared float but its value is a string\n"
          "g (float X) => (float Y) { Y = Elu <alpha: float = \"x\"> (X) }\n"
          "                                                   ^" },
        { "<ir_version: 8, opset_import: [\"\" : 17]>\ng (float X) => (float Y) <int64[1] S = {99999999999999999999}> { Y = Relu(X) }",
          "t.onnxtxt:2:41: error: integer 99999999999999999999 is out of range\n"
          "g (float X) => (float Y) <int64[1] S = {99999999999999999999}> { Y = Relu(X) }\n"
          "                                        ^" },
        { "<ir_version: 8, opset_import: [\"\" : 17]>\ng (float X) => (float Y) { Y = Relu(X) }\nf () => () { }",
          "t.onnxtxt:3:1: error: model-local functions are not supported\n"
          "f () => () { }\n"
          "^" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_string_equal(parse_error(cases[i].text), cases[i].msg);
        ec_free_all();
    }
}

/* No input crashes the parser: truncations of a valid text all fail cleanly
 * or parse (the fuzz harness in tests/fuzz/ does this at scale). */
static void test_truncations(void **state)
{
    (void)state;
    static const char text[] = HDR
        "g (bool c, float[2] X) => (float[2] Y) <float[2] W = {1, 2}> {\n"
        "   Y = If (c) <then_branch = t () => (float[2] a) { a = Add(X, W) },\n"
        "               else_branch = e () => (float[2] b) { b = Neg <s = \"x\"> (X) }>\n"
        "}\n";
    for (volatile size_t n = 0; n < sizeof text - 1; n++) {
        jmp_buf jb;
        ec_diag_quiet(true);
        ec_diag_catch(&jb);
        if (setjmp(jb) == 0) ec_parse_onnx_text("t.onnxtxt", text, n);
        ec_diag_catch(NULL);
        ec_diag_quiet(false);
        ec_free_all();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model),
        cmocka_unit_test(test_subgraph),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_print_format),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_truncations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
