/* test_control.c - the interpreter runs If and Loop regions as the generated
 * code does: tests/golden/control.onnxtxt with its condition true and false,
 * against numpy's values (tests/control/expected.h, make_expected.py); and
 * the program's steps nest as edgec.h describes. */
#include "unit.h"
#include <math.h>
#include <string.h>
#include "ir.h"
#include "edgec.h"
#include "text_frontend.h"
#include "../control/expected.h"

static ec_graph *load(void)
{
    ec_graph *g;
    ec_diag_set_file("tests/golden/control.onnxtxt");
    g = ec_read_onnx_text("tests/golden/control.onnxtxt");
    ec_verify(g);
    ec_toposort(g);
    ec_infer_and_fold(g);
    ec_eliminate_dead(g);
    return g;
}

static void check(const float *got, const float *want, int n)
{
    int i;
    for (i = 0; i < n; i++) assert_true(fabsf(got[i] - want[i]) <= 1e-6f);
}

static void test_interp_if_loop(void **state)
{
    ec_graph *g = load();
    int c;
    (void)state;
    for (c = 1; c >= 0; c--) {
        bool cond = c != 0;
        void *in[2] = { (void *)input_x, &cond };
        void **out = ec_interp_graph(g, in);
        check(out[0], c ? want_y_then : want_y_else, 4);
        check(out[1], c ? want_acc_then : want_acc_else, 4);
        check(out[2], c ? want_steps_then : want_steps_else, 12);
    }
}

static void test_steps_nest(void **state)
{
    ec_graph *g = load();
    ec_program p;
    int s, depth = 0;
    (void)state;
    ec_lower_graph(g, &p);
    /* if, relu, else, neg, mul, end, loop, head, add, add, end, after */
    assert_int_equal(p.steps.n, 12);
    assert_int_equal(p.steps.a[0].kind, EC_STEP_IF);
    assert_int_equal(p.steps.a[0].mid, 2);
    assert_int_equal(p.steps.a[0].end, 5);
    assert_int_equal(p.steps.a[6].kind, EC_STEP_LOOP);
    assert_int_equal(p.steps.a[6].trips, 3);
    assert_int_equal(p.steps.a[6].cond, -1); /* a constant true condition passed on unchanged */
    assert_int_equal(p.steps.a[6].end, 10);
    assert_int_equal(p.steps.a[11].kind, EC_STEP_AFTER);
    for (s = 0; s < p.steps.n; s++) {
        const ec_step *st = &p.steps.a[s];
        if (st->kind == EC_STEP_NODE) assert_int_equal(st->depth, depth);
        if (st->kind == EC_STEP_IF || st->kind == EC_STEP_LOOP) depth++;
        if (st->kind == EC_STEP_END) depth--;
    }
    assert_int_equal(depth, 0);
    /* the planner: the two branches share space, the plan checks out */
    ec_plan_memory(&p);
    {
        char why[256];
        assert_true(ec_plan_check(&p, why, sizeof why));
    }
    assert_int_equal(g->values.a[ec_value_find(g, "pick/then/t")].offset,
                     g->values.a[ec_value_find(g, "pick/else/n")].offset);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interp_if_loop),
        cmocka_unit_test(test_steps_nest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
