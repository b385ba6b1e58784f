/* test_plan.c - the memory planner on hand-built programs: chains, diamonds,
 * views, in-place, scratch, random DAGs; and the checker on broken plans. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "edgec.h"

typedef struct tb {
    ec_graph *g;
    ec_program p;
} tb;

static void tb_init(tb *t)
{
    memset(t, 0, sizeof *t);
    t->g = ec_graph_new("t");
    t->p.g = t->g;
}

static void set_f32(ec_graph *g, int v, int64_t n)
{
    ec_shape s = ec_shape_make(1, &n);
    g->values.a[v].dtype = EC_DT_FLOAT;
    g->values.a[v].shape = s;
}

static int input(tb *t, const char *name, int64_t n)
{
    ec_shape s = ec_shape_make(1, &n);
    return ec_add_input(t->g, name, EC_DT_FLOAT, &s);
}

static int output(tb *t, const char *name)
{
    return ec_add_output(t->g, name, EC_DT_UNDEFINED, NULL);
}

static int constant(tb *t, const char *name, int64_t n)
{
    ec_shape s = ec_shape_make(1, &n);
    int v = ec_value_get(t->g, name);
    ec_value_set_const(t->g, v, EC_DT_FLOAT, &s, ec_alloc((size_t)n * 4));
    return v;
}

/* A step running `op` (a fake kernel "k" unless a view): outputs first, then
 * inputs; outputs are float[n]. scratch > 0 adds a scratch argument. */
static int step(tb *t, const char *op, bool view, const char *in0, const char *in1, const char *out, int64_t n,
                int64_t scratch)
{
    const char *ins[2] = { in0, in1 };
    const char *outs[1] = { out };
    int node = ec_add_node(t->g, op, "", out, ins, in1 ? 2 : 1, outs, 1);
    ec_step s;
    ec_call c;
    ec_arg a;
    int o = ec_value_get(t->g, out), k;
    set_f32(t->g, o, n);
    memset(&s, 0, sizeof s);
    memset(&c, 0, sizeof c);
    s.node = node;
    s.L.g = t->g;
    s.L.node = node;
    s.L.alias = view;
    c.kernel = view ? "ec_copy" : "k";
    memset(&a, 0, sizeof a);
    a.kind = EC_ARG_OUT;
    a.name = "y";
    a.value = o;
    a.offset = -1;
    EC_PUSH(c.args, a);
    for (k = 0; k < 2; k++) {
        if (!ins[k]) continue;
        a.kind = EC_ARG_IN;
        a.name = "x";
        a.value = ec_value_get(t->g, ins[k]);
        EC_PUSH(c.args, a);
    }
    if (scratch > 0) {
        memset(&a, 0, sizeof a);
        a.kind = EC_ARG_SCRATCH;
        a.name = "tmp";
        a.value = -1;
        a.bytes = scratch;
        a.offset = -1;
        EC_PUSH(c.args, a);
    }
    EC_PUSH(s.L.calls, c);
    EC_PUSH(t->p.steps, s);
    return o;
}

static int V(tb *t, const char *name)
{
    int v = ec_value_find(t->g, name);
    assert_true(v >= 0);
    return v;
}

static void plan_ok(tb *t)
{
    char why[512];
    ec_plan_memory(&t->p);
    if (!ec_plan_check(&t->p, why, sizeof why)) fail_msg("plan check: %s", why);
    assert_true(t->p.arena_bytes >= t->p.lower_bound);
}

static void teardown_all(void) { ec_free_all(); }

/* x -> a -> b -> c -> y: two buffers ping-pong, arena == lower bound */
static void test_chain(void **state)
{
    tb t;
    (void)state;
    tb_init(&t);
    input(&t, "x", 1000);
    output(&t, "y");
    step(&t, "Conv", false, "x", NULL, "a", 1000, 0);
    step(&t, "Conv", false, "a", NULL, "b", 1000, 0);
    step(&t, "Conv", false, "b", NULL, "c", 1000, 0);
    step(&t, "Conv", false, "c", NULL, "y", 1000, 0);
    plan_ok(&t);
    assert_int_equal(t.p.arena_bytes, t.p.lower_bound);
    assert_int_equal(t.p.arena_bytes, 2 * 4032);
    assert_int_equal(t.g->values.a[V(&t, "x")].offset, -1);
    assert_int_equal(t.g->values.a[V(&t, "y")].offset, -1);
    assert_int_not_equal(t.g->values.a[V(&t, "a")].offset, t.g->values.a[V(&t, "b")].offset);
    assert_int_equal(t.g->values.a[V(&t, "a")].offset % 64, 0);
    assert_int_equal(t.g->values.a[V(&t, "b")].offset % 64, 0);
    teardown_all();
}

/* chain with shrinking sizes: still at the lower bound */
static void test_chain_sizes(void **state)
{
    tb t;
    (void)state;
    tb_init(&t);
    input(&t, "x", 16);
    output(&t, "y");
    step(&t, "Conv", false, "x", NULL, "a", 5000, 0);
    step(&t, "Conv", false, "a", NULL, "b", 3000, 0);
    step(&t, "Conv", false, "b", NULL, "c", 100, 0);
    step(&t, "Conv", false, "c", NULL, "d", 7, 0);
    step(&t, "Conv", false, "d", NULL, "y", 3, 0);
    plan_ok(&t);
    assert_int_equal(t.p.arena_bytes, t.p.lower_bound);
    teardown_all();
}

/* x -> a; a -> b; a -> c; b + c -> d; d -> y */
static void test_diamond(void **state)
{
    tb t;
    (void)state;
    tb_init(&t);
    input(&t, "x", 256);
    output(&t, "y");
    step(&t, "Conv", false, "x", NULL, "a", 256, 0);
    step(&t, "Conv", false, "a", NULL, "b", 256, 0);
    step(&t, "Conv", false, "a", NULL, "c", 256, 0);
    step(&t, "Add", false, "b", "c", "d", 256, 0);
    step(&t, "Conv", false, "d", NULL, "y", 256, 0);
    plan_ok(&t);
    /* at step 2, a, b and c are live */
    assert_int_equal(t.p.lower_bound, 3 * 1024);
    assert_int_equal(t.p.arena_bytes, 3 * 1024);
    teardown_all();
}

/* views share storage with their root; the root lives as long as its views */
static void test_alias(void **state)
{
    tb t;
    ec_value *a, *r, *b, *rx, *yo;
    (void)state;
    tb_init(&t);
    input(&t, "x", 64);
    output(&t, "y");
    output(&t, "y2");
    output(&t, "y3");
    step(&t, "Conv", false, "x", NULL, "a", 64, 0);
    step(&t, "Reshape", true, "a", NULL, "r", 64, 0);    /* view of an arena value */
    step(&t, "Conv", false, "a", NULL, "b", 64, 0);      /* a's last direct read */
    step(&t, "Add", false, "r", "b", "y", 64, 0);        /* reads the view later */
    step(&t, "Reshape", true, "x", NULL, "rx", 64, 0);   /* view of a caller input */
    step(&t, "Conv", false, "rx", NULL, "y2", 64, 0);
    step(&t, "Flatten", true, "b", NULL, "y3", 64, 0);   /* graph output: keeps the copy */
    plan_ok(&t);
    a = &t.g->values.a[V(&t, "a")];
    r = &t.g->values.a[V(&t, "r")];
    b = &t.g->values.a[V(&t, "b")];
    rx = &t.g->values.a[V(&t, "rx")];
    yo = &t.g->values.a[V(&t, "y3")];
    assert_int_equal(r->alias, V(&t, "a"));
    assert_int_equal(r->offset, a->offset);
    assert_int_not_equal(b->offset, a->offset);          /* a is live through step 3 */
    assert_int_equal(rx->alias, V(&t, "x"));
    assert_int_equal(rx->offset, -1);
    assert_int_equal(yo->alias, -1);
    teardown_all();
}

/* chains of views: the root is followed through */
static void test_alias_chain(void **state)
{
    tb t;
    (void)state;
    tb_init(&t);
    input(&t, "x", 64);
    output(&t, "y");
    step(&t, "Conv", false, "x", NULL, "a", 64, 0);
    step(&t, "Reshape", true, "a", NULL, "r1", 64, 0);
    step(&t, "Squeeze", true, "r1", NULL, "r2", 64, 0);
    step(&t, "Conv", false, "a", NULL, "b", 64, 0);
    step(&t, "Add", false, "r2", "b", "y", 64, 0);
    plan_ok(&t);
    assert_int_equal(t.g->values.a[V(&t, "r2")].alias, V(&t, "a"));
    assert_int_equal(t.g->values.a[V(&t, "r2")].offset, t.g->values.a[V(&t, "a")].offset);
    teardown_all();
}

/* in-place: Softmax over a value whose life ends there */
static void test_inplace(void **state)
{
    tb t;
    (void)state;
    if (!ec_op_find("Softmax", "") || !(ec_op_find("Softmax", "")->flags & EC_OPF_INPLACE)) skip();
    tb_init(&t);
    input(&t, "x", 500);
    output(&t, "y");
    step(&t, "Conv", false, "x", NULL, "a", 500, 0);
    step(&t, "Softmax", false, "a", NULL, "b", 500, 0);
    step(&t, "Conv", false, "b", NULL, "y", 500, 0);
    plan_ok(&t);
    assert_int_equal(t.g->values.a[V(&t, "b")].alias, V(&t, "a"));
    assert_int_equal(t.g->values.a[V(&t, "b")].offset, t.g->values.a[V(&t, "a")].offset);
    assert_int_equal(t.p.arena_bytes, 2048);
    teardown_all();
}

/* no in-place when the input is read later, or is a caller input, or of another size */
static void test_inplace_refused(void **state)
{
    tb t;
    (void)state;
    if (!ec_op_find("Softmax", "") || !(ec_op_find("Softmax", "")->flags & EC_OPF_INPLACE)) skip();
    tb_init(&t);
    input(&t, "x", 500);
    output(&t, "y");
    step(&t, "Softmax", false, "x", NULL, "s", 500, 0);     /* caller input */
    step(&t, "Conv", false, "s", NULL, "a", 500, 0);
    step(&t, "Softmax", false, "a", NULL, "b", 500, 0);     /* a read again below */
    step(&t, "Add", false, "a", "b", "c", 500, 0);
    step(&t, "Softmax", false, "c", NULL, "d", 100, 0);     /* other size */
    step(&t, "Conv", false, "d", NULL, "y", 500, 0);
    plan_ok(&t);
    assert_int_equal(t.g->values.a[V(&t, "s")].alias, -1);
    assert_int_equal(t.g->values.a[V(&t, "b")].alias, -1);
    assert_int_equal(t.g->values.a[V(&t, "d")].alias, -1);
    teardown_all();
}

/* in-place on a value that has a view still read later: refused */
static void test_inplace_view_live(void **state)
{
    tb t;
    (void)state;
    if (!ec_op_find("Softmax", "") || !(ec_op_find("Softmax", "")->flags & EC_OPF_INPLACE)) skip();
    tb_init(&t);
    input(&t, "x", 64);
    output(&t, "y");
    step(&t, "Conv", false, "x", NULL, "a", 64, 0);
    step(&t, "Reshape", true, "a", NULL, "r", 64, 0);
    step(&t, "Softmax", false, "a", NULL, "b", 64, 0);
    step(&t, "Add", false, "r", "b", "y", 64, 0);
    plan_ok(&t);
    assert_int_equal(t.g->values.a[V(&t, "b")].alias, -1);
    teardown_all();
}

/* scratch lives for its step only and never overlaps live tensors */
static void test_scratch(void **state)
{
    tb t;
    int64_t off = -1;
    int s, c, k;
    (void)state;
    tb_init(&t);
    input(&t, "x", 64);
    output(&t, "y");
    step(&t, "Conv", false, "x", NULL, "a", 64, 100);
    step(&t, "Conv", false, "a", NULL, "b", 64, 1000);
    step(&t, "Conv", false, "b", NULL, "y", 64, 0);
    plan_ok(&t);
    for (s = 0; s < t.p.steps.n; s++)
        for (c = 0; c < t.p.steps.a[s].L.calls.n; c++)
            for (k = 0; k < t.p.steps.a[s].L.calls.a[c].args.n; k++)
                if (t.p.steps.a[s].L.calls.a[c].args.a[k].kind == EC_ARG_SCRATCH) {
                    off = t.p.steps.a[s].L.calls.a[c].args.a[k].offset;
                    assert_true(off >= 0);
                    assert_int_equal(off % 64, 0);
                }
    /* step 1: a (256) + b (256) + scratch 1024 */
    assert_int_equal(t.p.lower_bound, 256 + 256 + 1024);
    assert_int_equal(t.p.arena_bytes, t.p.lower_bound);
    teardown_all();
}

/* constants are never in the arena; graph outputs read later come from the caller */
static void test_consts_outputs(void **state)
{
    tb t;
    (void)state;
    tb_init(&t);
    input(&t, "x", 64);
    constant(&t, "w", 64);
    output(&t, "y");
    output(&t, "z");
    step(&t, "Add", false, "x", "w", "y", 64, 0);
    step(&t, "Add", false, "y", "w", "z", 64, 0);
    plan_ok(&t);
    assert_int_equal(t.p.arena_bytes, 0);
    assert_int_equal(t.g->values.a[V(&t, "w")].offset, -1);
    teardown_all();
}

/* the checker catches overlapping live buffers and bad alignment */
static void test_check_broken(void **state)
{
    tb t;
    char why[512];
    int a, b;
    (void)state;
    tb_init(&t);
    input(&t, "x", 1000);
    output(&t, "y");
    step(&t, "Conv", false, "x", NULL, "a", 1000, 0);
    step(&t, "Conv", false, "a", NULL, "b", 1000, 0);
    step(&t, "Conv", false, "b", NULL, "y", 1000, 0);
    plan_ok(&t);
    a = V(&t, "a");
    b = V(&t, "b");
    t.g->values.a[b].offset = t.g->values.a[a].offset + 64;
    assert_false(ec_plan_check(&t.p, why, sizeof why));
    assert_non_null(strstr(why, "overlaps"));
    t.g->values.a[b].offset = t.g->values.a[a].offset + 4032 + 8;
    t.p.arena_bytes += 4096;
    assert_false(ec_plan_check(&t.p, why, sizeof why));
    assert_non_null(strstr(why, "aligned"));
    /* a fake in-place: b over a while a is still read at the same step is fine,
     * but c over a while a is read later is not */
    teardown_all();
}

static void test_check_bad_inplace(void **state)
{
    tb t;
    char why[512];
    (void)state;
    tb_init(&t);
    input(&t, "x", 64);
    output(&t, "y");
    step(&t, "Conv", false, "x", NULL, "a", 64, 0);
    step(&t, "Conv", false, "a", NULL, "b", 64, 0);
    step(&t, "Add", false, "a", "b", "y", 64, 0);
    plan_ok(&t);
    /* pretend b was written over a: a is still read at step 2 */
    t.g->values.a[V(&t, "b")].alias = V(&t, "a");
    t.g->values.a[V(&t, "b")].offset = t.g->values.a[V(&t, "a")].offset;
    assert_false(ec_plan_check(&t.p, why, sizeof why));
    assert_non_null(strstr(why, "overwrites"));
    teardown_all();
}

/* random DAGs: always a valid plan, deterministic, never below the bound */
static void test_random(void **state)
{
    unsigned seed = 12345;
    int round;
    (void)state;
    for (round = 0; round < 60; round++) {
        tb t;
        int nsteps = 3 + (int)(seed % 25), s;
        int64_t *off1;
        int64_t arena1;
        char name[32], in0[32], in1[32];
        tb_init(&t);
        input(&t, "v0", 10);
        for (s = 1; s <= nsteps; s++) {
            int64_t n;
            bool view, two;
            seed = seed * 1103515245u + 12345u;
            n = 1 + (int64_t)((seed >> 8) % 3000);
            snprintf(name, sizeof name, "v%d", s);
            snprintf(in0, sizeof in0, "v%d", (int)((seed >> 4) % (unsigned)s));
            snprintf(in1, sizeof in1, "v%d", (int)((seed >> 12) % (unsigned)s));
            view = ((seed >> 20) % 5) == 0;
            two = ((seed >> 22) % 2) == 0;
            if (s == nsteps) output(&t, name);
            if (view) {
                int iv = ec_value_find(t.g, in0);
                step(&t, "Reshape", true, in0, NULL, name, t.g->values.a[iv].shape.dim[0], 0);
            } else {
                step(&t, (seed >> 24) % 3 == 0 ? "Softmax" : "Conv", false, in0, two ? in1 : NULL, name, n,
                     (seed >> 26) % 4 == 0 ? (int64_t)((seed >> 3) % 5000) : 0);
            }
        }
        plan_ok(&t);
        off1 = malloc(sizeof(int64_t) * (size_t)t.g->values.n);
        for (s = 0; s < t.g->values.n; s++) off1[s] = t.g->values.a[s].offset;
        arena1 = t.p.arena_bytes;
        plan_ok(&t);
        assert_int_equal(arena1, t.p.arena_bytes);
        for (s = 0; s < t.g->values.n; s++) assert_int_equal(off1[s], t.g->values.a[s].offset);
        free(off1);
        ec_free_all();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_chain_sizes),
        cmocka_unit_test(test_diamond),
        cmocka_unit_test(test_alias),
        cmocka_unit_test(test_alias_chain),
        cmocka_unit_test(test_inplace),
        cmocka_unit_test(test_inplace_refused),
        cmocka_unit_test(test_inplace_view_live),
        cmocka_unit_test(test_scratch),
        cmocka_unit_test(test_consts_outputs),
        cmocka_unit_test(test_check_broken),
        cmocka_unit_test(test_check_bad_inplace),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
