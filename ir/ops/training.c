/* training.c - ops of domain ai.onnx.preview.training (version 1): the
 * optimizers Adagrad, Adam and Momentum, one elementwise kernel call per
 * optimized tensor.
 *
 * Inputs are R (learning rate, one float), T (step count, one int64), then
 * `groups` lists of n tensors each (Adagrad X, G, H; Adam X, G, V, H;
 * Momentum X, G, V); outputs are the updated lists (Adagrad X, H; Adam X, V,
 * H; Momentum X, V), n tensors each. Tensors of a position i share X_i's
 * shape. float only.
 */
#include <string.h>
#include "ir.h"
#include "ec_training.h"

typedef struct opt_info {
    int groups;                     /* input lists after R, T */
    int n;                          /* tensors optimized */
} opt_info;

static int op_groups(const ec_node *nd)
{
    if (!strcmp(nd->op, "Adam")) return 4;
    return 3; /* Adagrad, Momentum */
}

static opt_info opt_make(ec_graph *g, int node)
{
    const ec_node *nd = &g->nodes.a[node];
    opt_info o;
    const ec_value *r = ec_in(g, node, 0), *t = ec_in(g, node, 1);
    int k, i;
    o.groups = op_groups(nd);
    if (nd->nin < 2 + o.groups || (nd->nin - 2) % o.groups != 0)
        ec_fail_node(g, node, "expected R, T and %d lists of equal length, got %d inputs", o.groups,
                     nd->nin);
    o.n = (nd->nin - 2) / o.groups;
    if (nd->nout != o.n * (o.groups - 1))
        ec_fail_node(g, node, "expected %d outputs for %d optimized tensors, got %d",
                     o.n * (o.groups - 1), o.n, nd->nout);
    if (!ec_is_one(r, EC_DT_FLOAT))
        ec_fail_node(g, node, "input 0 (R) must be one float");
    if (!ec_is_one(t, EC_DT_INT64))
        ec_fail_node(g, node, "input 1 (T) must be one int64");
    for (i = 0; i < o.n; i++) {
        const ec_value *x = ec_in(g, node, 2 + i);
        for (k = 0; k < o.groups; k++) {
            const ec_value *v = ec_in(g, node, 2 + k * o.n + i);
            if (!v) ec_fail_node(g, node, "input %d is required", 2 + k * o.n + i);
            if (v->dtype != EC_DT_FLOAT)
                ec_fail_node(g, node, "input %d ('%s') is %s; only float is supported",
                             2 + k * o.n + i, v->name, ec_dtype_name(v->dtype));
            if (!ec_shape_eq(&v->shape, &x->shape))
                ec_fail_node(g, node, "input %d ('%s') must have the shape of '%s'",
                             2 + k * o.n + i, v->name, x->name);
            (void)ec_static_numel(g, node, v);
        }
    }
    return o;
}

static void infer_opt(ec_graph *g, int node)
{
    opt_info o = opt_make(g, node);
    int i, k;
    if (!strcmp(g->nodes.a[node].op, "Momentum")) {
        const char *mode = ec_attr_string(&g->nodes.a[node], "mode", NULL);
        static const char *const required[] = { "alpha", "beta", "norm_coefficient" };
        if (!mode || (strcmp(mode, "standard") != 0 && strcmp(mode, "nesterov") != 0))
            ec_fail_node(g, node, "attribute mode must be \"standard\" or \"nesterov\"");
        for (i = 0; i < 3; i++)
            if (!ec_attr_find(&g->nodes.a[node], required[i]))
                ec_fail_node(g, node, "attribute %s is required", required[i]);
    }
    for (i = 0; i < o.n; i++)
        for (k = 0; k < o.groups - 1; k++)
            ec_set_out(g, node, k * o.n + i, EC_DT_FLOAT, &ec_in(g, node, 2 + i)->shape);
}

static void lower_opt(ec_graph *g, int node, ec_lowering *L)
{
    const ec_node *nd = &g->nodes.a[node];
    opt_info o = opt_make(g, node);
    int i;
    for (i = 0; i < o.n; i++) {
        const int64_t n = ec_static_numel(g, node, ec_in(g, node, 2 + i));
        ec_call *c;
        int k;
        if (!strcmp(nd->op, "Adagrad")) {
            c = ec_emit(L, "ec_adagrad_f32");
            ec_arg_out(c, "x_new", ec_out_id(g, node, i));
            ec_arg_out(c, "h_new", ec_out_id(g, node, o.n + i));
        } else if (!strcmp(nd->op, "Adam")) {
            c = ec_emit(L, "ec_adam_f32");
            ec_arg_out(c, "x_new", ec_out_id(g, node, i));
            ec_arg_out(c, "v_new", ec_out_id(g, node, o.n + i));
            ec_arg_out(c, "h_new", ec_out_id(g, node, 2 * o.n + i));
        } else {
            c = ec_emit(L, "ec_momentum_f32");
            ec_arg_out(c, "x_new", ec_out_id(g, node, i));
            ec_arg_out(c, "v_new", ec_out_id(g, node, o.n + i));
        }
        ec_arg_in(c, "r", ec_in_id(g, node, 0));
        ec_arg_in(c, "t", ec_in_id(g, node, 1));
        for (k = 0; k < o.groups; k++) {
            static const char *const names[3][4] = {
                { "x", "g", "h", "" }, { "x", "g", "v", "h" }, { "x", "g", "v", "" } };
            const int which = !strcmp(nd->op, "Adagrad") ? 0 : !strcmp(nd->op, "Adam") ? 1 : 2;
            ec_arg_in(c, names[which][k], ec_in_id(g, node, 2 + k * o.n + i));
        }
        ec_arg_int(c, "n", n);
        if (!strcmp(nd->op, "Adagrad")) {
            ec_arg_float(c, "decay", ec_attr_float(nd, "decay_factor", 0.0f));
            ec_arg_float(c, "eps", ec_attr_float(nd, "epsilon", 1e-6f));
            ec_arg_float(c, "norm", ec_attr_float(nd, "norm_coefficient", 0.0f));
        } else if (!strcmp(nd->op, "Adam")) {
            ec_arg_float(c, "alpha", ec_attr_float(nd, "alpha", 0.9f));
            ec_arg_float(c, "beta", ec_attr_float(nd, "beta", 0.999f));
            ec_arg_float(c, "eps", ec_attr_float(nd, "epsilon", 1e-6f));
            ec_arg_float(c, "norm", ec_attr_float(nd, "norm_coefficient", 0.0f));
            ec_arg_float(c, "norm_post", ec_attr_float(nd, "norm_coefficient_post", 0.0f));
        } else {
            ec_arg_float(c, "alpha", ec_attr_float(nd, "alpha", 0.0f));
            ec_arg_float(c, "beta", ec_attr_float(nd, "beta", 0.0f));
            ec_arg_float(c, "norm", ec_attr_float(nd, "norm_coefficient", 0.0f));
            ec_arg_int(c, "nesterov", !strcmp(ec_attr_string(nd, "mode", ""), "nesterov"));
        }
    }
}

const ec_opdef ec_ops_training[] = {
    { EC_OP("Adagrad", EC_TRAINING_DOMAIN, 5, -1, 2, -1, 0, infer_opt, lower_opt) },
    { EC_OP("Adam", EC_TRAINING_DOMAIN, 6, -1, 3, -1, 0, infer_opt, lower_opt) },
    { EC_OP("Momentum", EC_TRAINING_DOMAIN, 5, -1, 2, -1, 0, infer_opt, lower_opt) },
    { 0 }
};

static void thunk_adagrad_f32(const ec_karg *a)
{
    ec_adagrad_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].p, a[6].p, a[7].i, a[8].f, a[9].f,
                   a[10].f);
}
static void thunk_adam_f32(const ec_karg *a)
{
    ec_adam_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].p, a[6].p, a[7].p, a[8].p, a[9].i,
                a[10].f, a[11].f, a[12].f, a[13].f, a[14].f);
}
static void thunk_momentum_f32(const ec_karg *a)
{
    ec_momentum_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].p, a[6].p, a[7].i, a[8].f, a[9].f,
                    a[10].f, a[11].i);
}

const ec_kernel ec_kernels_training[] = {
    { "ec_adagrad_f32", "pppppppifff", thunk_adagrad_f32, "ec_training.h" },
    { "ec_adam_f32", "pppppppppifffff", thunk_adam_f32, "ec_training.h" },
    { "ec_momentum_f32", "pppppppifffi", thunk_momentum_f32, "ec_training.h" },
    { 0 }
};
