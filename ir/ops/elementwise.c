/* elementwise.c - ops of the elementwise family: shape inference, lowering, kernel table.
 *
 *   unary maps (Relu, LeakyRelu, Clip before opset 11, ...)    -> ec_unary_<t>(op code)
 *   Sqrt Exp Log Sigmoid Tanh Elu Selu Celu Softplus          -> ec_unary_exp_<t>(op code)
 *   Sin Cos Tan Asin .. Atanh Erf                             -> ec_unary_trig_<t>(op code)
 *   Add Sub Mul Div Mod PRelu BitShift And Or Xor Max Min Sum Mean
 *                                                            -> ec_binary_<t>(op code)
 *   Equal Less Greater LessOrEqual GreaterOrEqual            -> ec_compare_<t>
 *   Pow (any exponent dtype)                                 -> ec_pow_<t>
 *   Clip (opset 11+, min/max inputs)                         -> ec_clip_<t>
 *   IsNaN IsInf                                              -> ec_fclass_<t>
 *   Cast CastLike                                            -> ec_cast_<to>
 *   Where                                                    -> ec_where
 *
 * Broadcasting inputs are passed to kernels as output dims plus per-input
 * strides; dims of size 1 are dropped and neighbouring dims that every input
 * walks the same way are merged first, so same-shape and scalar operands reach
 * the kernels as rank 1. Opset < 7 models may use the legacy `broadcast`/`axis`
 * attributes (and a per-channel PRelu slope); both are mapped onto numpy
 * broadcasting here.
 */
#include <math.h>
#include <string.h>
#include "ir.h"
#include "ec_elementwise.h"
#include "ec_string.h"

/* ---- helpers ------------------------------------------------------------- */

#define DT_FLOATS (DT(EC_DT_FLOAT) | DT(EC_DT_DOUBLE) | DT(EC_DT_FLOAT16) | DT(EC_DT_BFLOAT16))
#define DT_INTS (DT(EC_DT_INT8) | DT(EC_DT_UINT8) | DT(EC_DT_INT16) | DT(EC_DT_UINT16) | \
                 DT(EC_DT_INT32) | DT(EC_DT_UINT32) | DT(EC_DT_INT64) | DT(EC_DT_UINT64))
#define DT_UINTS (DT(EC_DT_UINT8) | DT(EC_DT_UINT16) | DT(EC_DT_UINT32) | DT(EC_DT_UINT64))
#define DT_NUMERIC (DT_FLOATS | DT_INTS)
#define DT_BOOL DT(EC_DT_BOOL)
#define DT_ALL (DT_NUMERIC | DT_BOOL)
#define DT_POW (DT_FLOATS | DT(EC_DT_INT32) | DT(EC_DT_INT64))

static bool dt_in(ec_dtype t, unsigned set)
{
    return t >= 0 && t < 32 && (set & DT(t));
}

static const char *node_op(ec_graph *g, int node)
{
    return g->nodes.a[node].op;
}

static void same_dtype(ec_graph *g, int node, const ec_value *a, const ec_value *b)
{
    if (a->dtype != b->dtype)
        ec_fail_node(g, node, "inputs '%s' (%s) and '%s' (%s) must have the same dtype",
                     a->name, ec_dtype_name(a->dtype), b->name, ec_dtype_name(b->dtype));
}

static int32_t numel32(ec_graph *g, int node, const ec_shape *s)
{
    int64_t n = ec_shape_numel(s);
    if (n < 0 || n > INT32_MAX)
        ec_fail_node(g, node, "tensor of %lld elements does not fit the kernels' int32 extents",
                     (long long)n);
    return (int32_t)n;
}

static const char *kname(const char *base, ec_dtype t)
{
    return ec_fmt("%s_%s", base, ec_dtype_suffix(t));
}

static int out_id(ec_graph *g, int node)
{
    return g->nodes.a[node].out[0];
}

/* The shape input k takes part in broadcasting with: its own, except for the
 * legacy (opset < 7) rules: `broadcast`=1 with `axis` aligns B's dims at axis
 * of A, and PRelu's 1-D slope of A's channel count applies per channel. */
static ec_shape eff_shape(ec_graph *g, int node, int k)
{
    const ec_node *n = &g->nodes.a[node];
    ec_value *v = ec_in(g, node, k);
    ec_value *a = ec_in(g, node, 0);
    ec_shape s = v->shape;
    int axis = -1, i;
    if (g->opset >= 7 || k != 1 || !a || a->shape.rank < 0) return s;
    if (strcmp(n->op, "PRelu") == 0) {
        if (s.rank == 1 && a->shape.rank >= 2 && s.dim[0] == a->shape.dim[1] && s.dim[0] != 1)
            axis = 1;
    } else if (ec_attr_int(n, "broadcast", 0) && ec_attr_find(n, "axis")) {
        axis = (int)ec_attr_int(n, "axis", 0);
        if (axis < 0) axis += a->shape.rank;
        if (axis < 0 || axis + s.rank > a->shape.rank)
            ec_fail_node(g, node, "legacy broadcast axis %d does not fit input shapes", axis);
    }
    if (axis < 0) return s;
    {
        ec_shape e = ec_shape_make(a->shape.rank, NULL);
        for (i = 0; i < e.rank; i++) e.dim[i] = 1;
        for (i = 0; i < s.rank; i++) e.dim[axis + i] = s.dim[i];
        return e;
    }
}

/* Numpy broadcast of the effective shapes of inputs [first, first+count). */
static ec_shape bcast_inputs(ec_graph *g, int node, int first, int count)
{
    ec_shape out = eff_shape(g, node, first);
    int k;
    for (k = first + 1; k < first + count; k++) {
        ec_shape s = eff_shape(g, node, k), o;
        if (!ec_broadcast(&out, &s, &o)) {
            char b1[128], b2[128];
            ec_fail_node(g, node, "shapes %s and %s cannot be broadcast",
                         ec_shape_str(&out, b1, sizeof b1), ec_shape_str(&s, b2, sizeof b2));
        }
        out = o;
    }
    return out;
}

/* Names of the op codes, shown next to the number in generated code. */
static const char *const un_names[] = {
    "EC_UN_IDENTITY", "EC_UN_ABS", "EC_UN_NEG", "EC_UN_SIGN", "EC_UN_RELU", "EC_UN_NOT",
    "EC_UN_SQRT", "EC_UN_EXP", "EC_UN_LOG", "EC_UN_RECIPROCAL", "EC_UN_FLOOR", "EC_UN_CEIL",
    "EC_UN_ROUND", "EC_UN_SIN", "EC_UN_COS", "EC_UN_TAN", "EC_UN_ASIN", "EC_UN_ACOS",
    "EC_UN_ATAN", "EC_UN_SINH", "EC_UN_COSH", "EC_UN_ASINH", "EC_UN_ACOSH", "EC_UN_ATANH",
    "EC_UN_ERF", "EC_UN_SIGMOID", "EC_UN_TANH", "EC_UN_LEAKY_RELU", "EC_UN_ELU", "EC_UN_SELU",
    "EC_UN_CELU", "EC_UN_HARD_SIGMOID", "EC_UN_HARD_SWISH", "EC_UN_SOFTPLUS", "EC_UN_SOFTSIGN",
    "EC_UN_THRESHOLDED_RELU", "EC_UN_SHRINK", "EC_UN_CLIP", "EC_UN_DIV_SCALAR"
};
static const char *const bin_names[] = {
    "EC_BIN_ADD", "EC_BIN_SUB", "EC_BIN_MUL", "EC_BIN_DIV", "EC_BIN_MOD", "EC_BIN_FMOD",
    "EC_BIN_MAX", "EC_BIN_MIN", "EC_BIN_PRELU", "EC_BIN_AND", "EC_BIN_OR", "EC_BIN_XOR",
    "EC_BIN_SHL", "EC_BIN_SHR"
};
static const char *const cmp_names[] = { "EC_CMP_EQ", "EC_CMP_LT", "EC_CMP_GT", "EC_CMP_LE", "EC_CMP_GE" };
static const char *const fc_names[] = {
    "EC_FC_ISNAN", "EC_FC_ISINF", "EC_FC_ISPOSINF", "EC_FC_ISNEGINF", "EC_FC_NONE"
};
_Static_assert(sizeof un_names / sizeof un_names[0] == EC_UN_DIV_SCALAR + 1, "un_names");
_Static_assert(sizeof bin_names / sizeof bin_names[0] == EC_BIN_SHR + 1, "bin_names");
_Static_assert(sizeof cmp_names / sizeof cmp_names[0] == EC_CMP_GE + 1, "cmp_names");
_Static_assert(sizeof fc_names / sizeof fc_names[0] == EC_FC_NONE + 1, "fc_names");

/* An int argument that is an op code: "op EC_UN_RELU" in the generated comment. */
static void arg_code(ec_call *c, const char *const *names, int code)
{
    ec_arg_int(c, ec_fmt("op %s", names[code]), code);
}

static void arg_dtype(ec_call *c, const char *name, ec_dtype t)
{
    ec_arg_int(c, ec_fmt("%s %s", name, ec_dtype_name(t)), t);
}

/* Broadcast plan: collapsed output dims and per-input strides. */
typedef struct {
    int rank;
    int64_t dims[EC_MAX_RANK];
    int64_t st[3][EC_MAX_RANK];
} bplan;

/* rt[d]: dim d of s (value v's shape, or a copy of it) is a run-time dim
 * (graph.rt_dim), so a 1 there is not a broadcast 1. */
static void rt_of(ec_graph *g, int v, const ec_shape *s, bool *rt)
{
    int d;
    for (d = 0; d < EC_MAX_RANK; d++)
        rt[d] = v >= 0 && d < s->rank && g->values.a[v].shape.rank == s->rank && ec_dim_is_runtime(g, v, d);
}

/* ins[k] == NULL: the input is the output itself (contiguous). ids[k]: the
 * value of input k, ids[nin] the output (for run-time dims). */
static void plan_bcast(ec_graph *g, const int *ids, const ec_shape *out, const ec_shape *const *ins, int nin,
                       bplan *p)
{
    int64_t st[3][EC_MAX_RANK];
    bool rt[EC_MAX_RANK], rto[EC_MAX_RANK];
    int r = out->rank, d, k, m = 0;
    rt_of(g, ids[nin], out, rto);
    for (k = 0; k < nin; k++) {
        const ec_shape *s = ins[k] ? ins[k] : out;
        int64_t acc = 1;
        rt_of(g, ins[k] ? ids[k] : ids[nin], s, rt);
        for (d = r - 1; d >= 0; d--) {
            int id = d - (r - s->rank);
            int64_t dim = id >= 0 ? s->dim[id] : 1;
            st[k][d] = (dim == 1 && !(id >= 0 && rt[id])) ? 0 : acc;
            acc *= dim;
        }
    }
    p->rank = 0;
    for (d = 0; d < r; d++) {
        bool merge = m > 0;
        if (out->dim[d] == 1 && !rto[d]) continue;
        for (k = 0; k < nin && merge; k++)
            if (p->st[k][m - 1] != st[k][d] * out->dim[d]) merge = false;
        if (merge) {
            p->dims[m - 1] *= out->dim[d];
            for (k = 0; k < nin; k++) p->st[k][m - 1] = st[k][d];
        } else {
            p->dims[m] = out->dim[d];
            for (k = 0; k < nin; k++) p->st[k][m] = st[k][d];
            m++;
        }
    }
    if (m == 0) {
        p->dims[0] = 1;
        for (k = 0; k < nin; k++) p->st[k][0] = 0;
        m = 1;
    }
    p->rank = m;
}

/* Append rank, dims and each input's strides to a call. */
static void arg_plan(ec_call *c, const bplan *p, int nin, const char *const *names)
{
    int k;
    ec_arg_int(c, "rank", p->rank);
    ec_arg_ints(c, "dims", p->dims, p->rank);
    for (k = 0; k < nin; k++) ec_arg_ints(c, names[k], p->st[k], p->rank);
}

static void check_plan(ec_graph *g, int node, const ec_shape *out)
{
    (void)numel32(g, node, out);
}

/* ---- unary ----------------------------------------------------------------- */

typedef struct {
    const char *name;
    int code;
    unsigned types;
    const char *a_name; float a_dflt;  /* -> alpha */
    const char *b_name; float b_dflt;  /* -> beta */
} unary_def;

static const unary_def unary_ops[] = {
    { "Abs", EC_UN_ABS, DT_NUMERIC, 0, 0, 0, 0 },
    { "Neg", EC_UN_NEG, DT_NUMERIC, 0, 0, 0, 0 },
    { "Sign", EC_UN_SIGN, DT_NUMERIC, 0, 0, 0, 0 },
    { "Relu", EC_UN_RELU, DT_NUMERIC, 0, 0, 0, 0 },
    { "Not", EC_UN_NOT, DT_BOOL, 0, 0, 0, 0 },
    { "Sqrt", EC_UN_SQRT, DT_FLOATS, 0, 0, 0, 0 },
    { "Exp", EC_UN_EXP, DT_FLOATS, 0, 0, 0, 0 },
    { "Log", EC_UN_LOG, DT_FLOATS, 0, 0, 0, 0 },
    { "Reciprocal", EC_UN_RECIPROCAL, DT_FLOATS, 0, 0, 0, 0 },
    { "Floor", EC_UN_FLOOR, DT_FLOATS, 0, 0, 0, 0 },
    { "Ceil", EC_UN_CEIL, DT_FLOATS, 0, 0, 0, 0 },
    { "Round", EC_UN_ROUND, DT_FLOATS, 0, 0, 0, 0 },
    { "Sin", EC_UN_SIN, DT_FLOATS, 0, 0, 0, 0 },
    { "Cos", EC_UN_COS, DT_FLOATS, 0, 0, 0, 0 },
    { "Tan", EC_UN_TAN, DT_FLOATS, 0, 0, 0, 0 },
    { "Asin", EC_UN_ASIN, DT_FLOATS, 0, 0, 0, 0 },
    { "Acos", EC_UN_ACOS, DT_FLOATS, 0, 0, 0, 0 },
    { "Atan", EC_UN_ATAN, DT_FLOATS, 0, 0, 0, 0 },
    { "Sinh", EC_UN_SINH, DT_FLOATS, 0, 0, 0, 0 },
    { "Cosh", EC_UN_COSH, DT_FLOATS, 0, 0, 0, 0 },
    { "Asinh", EC_UN_ASINH, DT_FLOATS, 0, 0, 0, 0 },
    { "Acosh", EC_UN_ACOSH, DT_FLOATS, 0, 0, 0, 0 },
    { "Atanh", EC_UN_ATANH, DT_FLOATS, 0, 0, 0, 0 },
    { "Erf", EC_UN_ERF, DT_FLOATS, 0, 0, 0, 0 },
    { "Sigmoid", EC_UN_SIGMOID, DT_FLOATS, 0, 0, 0, 0 },
    { "Tanh", EC_UN_TANH, DT_FLOATS, 0, 0, 0, 0 },
    { "LeakyRelu", EC_UN_LEAKY_RELU, DT_FLOATS, "alpha", 0.01f, 0, 0 },
    { "Elu", EC_UN_ELU, DT_FLOATS, "alpha", 1.0f, 0, 0 },
    { "Selu", EC_UN_SELU, DT_FLOATS, "alpha", 1.67326319217681884765625f,
      "gamma", 1.05070102214813232421875f },
    { "Celu", EC_UN_CELU, DT_FLOATS, "alpha", 1.0f, 0, 0 },
    { "HardSigmoid", EC_UN_HARD_SIGMOID, DT_FLOATS, "alpha", 0.2f, "beta", 0.5f },
    { "HardSwish", EC_UN_HARD_SWISH, DT_FLOATS, 0, 0, 0, 0 },
    { "Softplus", EC_UN_SOFTPLUS, DT_FLOATS, 0, 0, 0, 0 },
    { "Softsign", EC_UN_SOFTSIGN, DT_FLOATS, 0, 0, 0, 0 },
    { "ThresholdedRelu", EC_UN_THRESHOLDED_RELU, DT_FLOATS, "alpha", 1.0f, 0, 0 },
    { "Shrink", EC_UN_SHRINK, DT_NUMERIC, "lambd", 0.5f, "bias", 0.0f },
};

static const unary_def *find_unary(const char *op)
{
    size_t i;
    for (i = 0; i < sizeof unary_ops / sizeof unary_ops[0]; i++)
        if (strcmp(unary_ops[i].name, op) == 0) return &unary_ops[i];
    return NULL;
}

static void infer_unary(ec_graph *g, int node)
{
    const unary_def *u = find_unary(node_op(g, node));
    ec_value *x = ec_need_in_dt(g, node, 0, u ? u->types : DT_NUMERIC);
    ec_set_out(g, node, 0, x->dtype, &x->shape);
}

/* The unary kernel of an op code (see ec_elementwise.h). */
static const char *unary_kernel(int code)
{
    switch (code) {
    case EC_UN_SQRT: case EC_UN_EXP: case EC_UN_LOG: case EC_UN_SIGMOID: case EC_UN_TANH:
    case EC_UN_ELU: case EC_UN_SELU: case EC_UN_CELU: case EC_UN_SOFTPLUS:
        return "ec_unary_exp";
    case EC_UN_SIN: case EC_UN_COS: case EC_UN_TAN: case EC_UN_ASIN: case EC_UN_ACOS:
    case EC_UN_ATAN: case EC_UN_SINH: case EC_UN_COSH: case EC_UN_ASINH: case EC_UN_ACOSH:
    case EC_UN_ATANH: case EC_UN_ERF:
        return "ec_unary_trig";
    default:
        return "ec_unary";
    }
}

static void emit_unary(ec_graph *g, int node, ec_lowering *L, int y, int x, int code,
                       double alpha, double beta)
{
    ec_call *c = ec_emit(L, kname(unary_kernel(code), g->values.a[y].dtype));
    ec_arg_out(c, "y", y);
    ec_arg_in(c, "x", x);
    arg_code(c, un_names, code);
    ec_arg_int(c, "n", numel32(g, node, &g->values.a[y].shape));
    ec_arg_float(c, "alpha", alpha);
    ec_arg_float(c, "beta", beta);
}

static void lower_unary(ec_graph *g, int node, ec_lowering *L)
{
    const ec_node *n = &g->nodes.a[node];
    const unary_def *u = find_unary(n->op);
    float a = u->a_name ? ec_attr_float(n, u->a_name, u->a_dflt) : 0.0f;
    float b = u->b_name ? ec_attr_float(n, u->b_name, u->b_dflt) : 0.0f;
    if (u->code == EC_UN_CELU && a == 0.0f) ec_fail_node(g, node, "Celu alpha must not be 0");
    emit_unary(g, node, L, out_id(g, node), ec_in_id(g, node, 0), u->code, a, b);
}

/* ---- Clip ------------------------------------------------------------------ */

static void infer_clip(ec_graph *g, int node)
{
    ec_value *x = ec_need_in_dt(g, node, 0, DT_NUMERIC);
    int k;
    if (g->opset < 11 && !ec_dtype_is_float(x->dtype))
        ec_fail_node(g, node, "Clip before opset 11 takes floats only");
    for (k = 1; k < 3; k++) {
        ec_value *b = ec_in(g, node, k);
        if (!b) continue;
        ec_need_in_dt(g, node, k, DT_NUMERIC);
        same_dtype(g, node, x, b);
        if (ec_shape_numel(&b->shape) != 1)
            ec_fail_node(g, node, "%s '%s' must be a scalar", k == 1 ? "min" : "max", b->name);
    }
    ec_set_out(g, node, 0, x->dtype, &x->shape);
}

static void lower_clip(ec_graph *g, int node, ec_lowering *L)
{
    const ec_node *n = &g->nodes.a[node];
    int y = out_id(g, node);
    if (g->opset < 11) {
        emit_unary(g, node, L, y, ec_in_id(g, node, 0), EC_UN_CLIP,
                   ec_attr_find(n, "min") ? ec_attr_float(n, "min", 0) : -INFINITY,
                   ec_attr_find(n, "max") ? ec_attr_float(n, "max", 0) : INFINITY);
    } else {
        ec_call *c = ec_emit(L, kname("ec_clip", g->values.a[y].dtype));
        ec_arg_out(c, "y", y);
        ec_arg_in(c, "x", ec_in_id(g, node, 0));
        ec_arg_in(c, "lo", ec_in_id(g, node, 1));
        ec_arg_in(c, "hi", ec_in_id(g, node, 2));
        ec_arg_int(c, "n", numel32(g, node, &g->values.a[y].shape));
    }
}

/* ---- IsNaN / IsInf ----------------------------------------------------------- */

static void infer_fclass(ec_graph *g, int node)
{
    ec_value *x = ec_need_in_dt(g, node, 0, DT_FLOATS);
    ec_set_out(g, node, 0, EC_DT_BOOL, &x->shape);
}

static void lower_fclass(ec_graph *g, int node, ec_lowering *L)
{
    const ec_node *n = &g->nodes.a[node];
    int y = out_id(g, node), x = ec_in_id(g, node, 0), code = EC_FC_ISNAN;
    ec_call *c;
    if (strcmp(n->op, "IsInf") == 0) {
        bool pos = ec_attr_int(n, "detect_positive", 1) != 0;
        bool neg = ec_attr_int(n, "detect_negative", 1) != 0;
        code = pos && neg ? EC_FC_ISINF : pos ? EC_FC_ISPOSINF : neg ? EC_FC_ISNEGINF : EC_FC_NONE;
    }
    c = ec_emit(L, kname("ec_fclass", g->values.a[x].dtype));
    ec_arg_out(c, "y", y);
    ec_arg_in(c, "x", x);
    arg_code(c, fc_names, code);
    ec_arg_int(c, "n", numel32(g, node, &g->values.a[y].shape));
}

/* ---- Cast / CastLike ----------------------------------------------------------- */

static ec_dtype cast_target(ec_graph *g, int node)
{
    const ec_node *n = &g->nodes.a[node];
    ec_dtype to;
    if (strcmp(n->op, "CastLike") == 0) {
        ec_value *t = ec_in(g, node, 1);
        if (!t) ec_fail_node(g, node, "input 1 (target_type) is missing");
        to = t->dtype;
    } else {
        if (!ec_attr_find(n, "to")) ec_fail_node(g, node, "attribute 'to' is required");
        to = (ec_dtype)ec_attr_int(n, "to", 0);
    }
    if (to != EC_DT_STRING && !dt_in(to, DT_ALL))
        ec_fail_node(g, node, "cast to dtype %s (%d) is not supported", ec_dtype_name(to), (int)to);
    return to;
}

static void infer_cast(ec_graph *g, int node)
{
    ec_value *x = ec_in(g, node, 0);
    ec_dtype to = cast_target(g, node);
    if ((x && x->dtype == EC_DT_STRING) || to == EC_DT_STRING) {
        /* the string family's conversions: float <-> string (ec_string.h) */
        if (!x) ec_fail_node(g, node, "input 0 is missing");
        if (x->shape.rank < 0) ec_fail_node(g, node, "input 0 '%s' has unknown rank", x->name);
        if (x->dtype == to)
            ec_fail_node(g, node, "cast from string to string is not supported");
        if (x->dtype != EC_DT_FLOAT && to != EC_DT_FLOAT)
            ec_fail_node(g, node, "cast from %s to %s is not supported (string <-> float only)",
                         ec_dtype_name(x->dtype), ec_dtype_name(to));
        ec_set_out(g, node, 0, to, &x->shape);
        if (to == EC_DT_STRING) ec_out(g, node, 0)->str_max = EC_STR_F32_BYTES - 1;
        return;
    }
    x = ec_need_in_dt(g, node, 0, DT_ALL);
    ec_set_out(g, node, 0, to, &x->shape);
}

/* A pure view: y is x (Cast to the same dtype, one-input Max/Sum/...). */
static void lower_view(ec_graph *g, int node, ec_lowering *L, int y, int x)
{
    ec_call *c;
    L->alias = true;
    c = ec_emit(L, "ec_copy");
    ec_arg_out(c, "dst", y);
    ec_arg_in(c, "src", x);
    ec_arg_int(c, "nbytes", (int64_t)numel32(g, node, &g->values.a[y].shape) *
                            (int64_t)ec_dtype_size(g->values.a[y].dtype));
}

static void lower_cast(ec_graph *g, int node, ec_lowering *L)
{
    int y = out_id(g, node), x = ec_in_id(g, node, 0);
    ec_call *c;
    if (g->values.a[y].dtype == EC_DT_STRING) {
        c = ec_emit(L, "ec_cast_f32_str");
        ec_arg_out(c, "y", y);
        ec_arg_pool(c, "pool", g, y);
        ec_arg_in(c, "x", x);
        ec_arg_int(c, "n", numel32(g, node, &g->values.a[y].shape));
        return;
    }
    if (g->values.a[x].dtype == EC_DT_STRING) {
        c = ec_emit(L, "ec_cast_str_f32");
        ec_arg_out(c, "y", y);
        ec_arg_in(c, "x", x);
        ec_arg_int(c, "n", numel32(g, node, &g->values.a[y].shape));
        return;
    }
    if (g->values.a[y].dtype == g->values.a[x].dtype) {
        lower_view(g, node, L, y, x);
        return;
    }
    c = ec_emit(L, kname("ec_cast", g->values.a[y].dtype));
    ec_arg_out(c, "y", y);
    ec_arg_in(c, "x", x);
    arg_dtype(c, "x_dtype", g->values.a[x].dtype);
    ec_arg_int(c, "n", numel32(g, node, &g->values.a[y].shape));
}

/* ---- binary ------------------------------------------------------------------ */

typedef struct {
    const char *name;
    int code;
    unsigned types;
    bool compare;       /* bool output, ec_compare_* */
} binary_def;

static const binary_def binary_ops[] = {
    { "Add", EC_BIN_ADD, DT_NUMERIC, false },
    { "Sub", EC_BIN_SUB, DT_NUMERIC, false },
    { "Mul", EC_BIN_MUL, DT_NUMERIC, false },
    { "Div", EC_BIN_DIV, DT_NUMERIC, false },
    { "Mod", EC_BIN_MOD, DT_NUMERIC, false },
    { "BitShift", EC_BIN_SHL, DT_UINTS, false },
    { "And", EC_BIN_AND, DT_BOOL, false },
    { "Or", EC_BIN_OR, DT_BOOL, false },
    { "Xor", EC_BIN_XOR, DT_BOOL, false },
    { "PRelu", EC_BIN_PRELU, DT_NUMERIC, false },
    { "Equal", EC_CMP_EQ, DT_ALL, true },
    { "Less", EC_CMP_LT, DT_NUMERIC, true },
    { "Greater", EC_CMP_GT, DT_NUMERIC, true },
    { "LessOrEqual", EC_CMP_LE, DT_NUMERIC, true },
    { "GreaterOrEqual", EC_CMP_GE, DT_NUMERIC, true },
};

static const binary_def *find_binary(const char *op)
{
    size_t i;
    for (i = 0; i < sizeof binary_ops / sizeof binary_ops[0]; i++)
        if (strcmp(binary_ops[i].name, op) == 0) return &binary_ops[i];
    return NULL;
}

static void infer_binary(ec_graph *g, int node)
{
    const binary_def *b = find_binary(node_op(g, node));
    ec_value *x = ec_need_in_dt(g, node, 0, b->types);
    ec_value *w = ec_need_in_dt(g, node, 1, b->types);
    ec_shape out;
    same_dtype(g, node, x, w);
    out = bcast_inputs(g, node, 0, 2);
    if (b->code == EC_BIN_PRELU && !b->compare) {
        /* the slope broadcasts to X, never the other way */
        if (!ec_shape_eq(&out, &x->shape)) {
            char b1[128], b2[128];
            ec_fail_node(g, node, "slope %s does not broadcast to X %s",
                         ec_shape_str(&w->shape, b1, sizeof b1), ec_shape_str(&x->shape, b2, sizeof b2));
        }
    }
    check_plan(g, node, &out);
    ec_set_out(g, node, 0, b->compare ? EC_DT_BOOL : x->dtype, &out);
}

static int binary_code(ec_graph *g, int node, const binary_def *b)
{
    const ec_node *n = &g->nodes.a[node];
    if (b->code == EC_BIN_MOD && !b->compare) {
        int64_t f = ec_attr_int(n, "fmod", 0);
        if (f != 0 && f != 1) ec_fail_node(g, node, "fmod must be 0 or 1");
        return f ? EC_BIN_FMOD : EC_BIN_MOD;
    }
    if (b->code == EC_BIN_SHL && !b->compare) {
        const char *d = ec_attr_string(n, "direction", NULL);
        if (!d) ec_fail_node(g, node, "attribute 'direction' is required");
        if (strcmp(d, "LEFT") == 0) return EC_BIN_SHL;
        if (strcmp(d, "RIGHT") == 0) return EC_BIN_SHR;
        ec_fail_node(g, node, "direction must be LEFT or RIGHT, not '%s'", d);
    }
    return b->code;
}

static void emit_binary(ec_graph *g, int node, ec_lowering *L, const char *base, int code,
                        int y, int a, const ec_shape *as, int b, const ec_shape *bs)
{
    static const char *const names[] = { "a_strides", "b_strides" };
    const ec_shape *ins[2];
    bplan p;
    ec_call *c = ec_emit(L, base);
    int ids[3];
    ins[0] = as;
    ins[1] = bs;
    ids[0] = a;
    ids[1] = b;
    ids[2] = y;
    plan_bcast(g, ids, &g->values.a[y].shape, ins, 2, &p);
    ec_arg_out(c, "y", y);
    ec_arg_in(c, "a", a);
    ec_arg_in(c, "b", b);
    arg_code(c, strncmp(base, "ec_compare", 10) == 0 ? cmp_names : bin_names, code);
    arg_plan(c, &p, 2, names);
    (void)node;
}

static void lower_binary(ec_graph *g, int node, ec_lowering *L)
{
    const binary_def *b = find_binary(node_op(g, node));
    int a = ec_in_id(g, node, 0), w = ec_in_id(g, node, 1), y = out_id(g, node);
    ec_shape as = eff_shape(g, node, 0), ws = eff_shape(g, node, 1);
    ec_dtype t = g->values.a[a].dtype;
    emit_binary(g, node, L, kname(b->compare ? "ec_compare" : "ec_binary", t),
                binary_code(g, node, b), y, a, &as, w, &ws);
}

/* ---- Pow ------------------------------------------------------------------------ */

static void infer_pow(ec_graph *g, int node)
{
    ec_value *x = ec_need_in_dt(g, node, 0, DT_POW);
    ec_shape out;
    ec_need_in_dt(g, node, 1, DT_NUMERIC);
    out = bcast_inputs(g, node, 0, 2);
    check_plan(g, node, &out);
    ec_set_out(g, node, 0, x->dtype, &out);
}

static void lower_pow(ec_graph *g, int node, ec_lowering *L)
{
    static const char *const names[] = { "a_strides", "b_strides" };
    int a = ec_in_id(g, node, 0), b = ec_in_id(g, node, 1), y = out_id(g, node);
    ec_shape as = eff_shape(g, node, 0), bs = eff_shape(g, node, 1);
    const ec_shape *ins[2];
    bplan p;
    ec_call *c = ec_emit(L, kname("ec_pow", g->values.a[a].dtype));
    int ids[3];
    ins[0] = &as;
    ins[1] = &bs;
    ids[0] = a;
    ids[1] = b;
    ids[2] = y;
    plan_bcast(g, ids, &g->values.a[y].shape, ins, 2, &p);
    ec_arg_out(c, "y", y);
    ec_arg_in(c, "a", a);
    ec_arg_in(c, "b", b);
    arg_dtype(c, "b_dtype", g->values.a[b].dtype);
    arg_plan(c, &p, 2, names);
}

/* ---- Max Min Sum Mean (variadic) ------------------------------------------------ */

static int variadic_code(const char *op)
{
    if (strcmp(op, "Max") == 0) return EC_BIN_MAX;
    if (strcmp(op, "Min") == 0) return EC_BIN_MIN;
    return EC_BIN_ADD; /* Sum, Mean */
}

static void infer_variadic(ec_graph *g, int node)
{
    const ec_node *n = &g->nodes.a[node];
    unsigned types = variadic_code(n->op) == EC_BIN_ADD ? DT_FLOATS : DT_NUMERIC;
    ec_value *x0;
    ec_shape out;
    int k;
    if (n->nin < 1) ec_fail_node(g, node, "needs at least one input");
    x0 = ec_need_in_dt(g, node, 0, types);
    for (k = 1; k < n->nin; k++) same_dtype(g, node, x0, ec_need_in_dt(g, node, k, types));
    out = bcast_inputs(g, node, 0, n->nin);
    check_plan(g, node, &out);
    ec_set_out(g, node, 0, x0->dtype, &out);
}

static void lower_variadic(ec_graph *g, int node, ec_lowering *L)
{
    const ec_node *n = &g->nodes.a[node];
    int code = variadic_code(n->op), y = out_id(g, node), k;
    const ec_shape *ys = &g->values.a[y].shape;
    ec_dtype t = g->values.a[y].dtype;
    const char *kn = kname("ec_binary", t);
    if (n->nin == 1) {
        ec_shape s0 = eff_shape(g, node, 0);
        if (ec_shape_eq(&s0, ys)) {
            lower_view(g, node, L, y, ec_in_id(g, node, 0));
        } else { /* cannot happen: the output is the input's shape */
            ec_fail_node(g, node, "internal: one-input shape mismatch");
        }
    } else {
        ec_shape s0 = eff_shape(g, node, 0), s1 = eff_shape(g, node, 1);
        emit_binary(g, node, L, kn, code, y, ec_in_id(g, node, 0), &s0, ec_in_id(g, node, 1), &s1);
        for (k = 2; k < n->nin; k++) {
            ec_shape sk = eff_shape(g, node, k);
            emit_binary(g, node, L, kn, code, y, y, ys, ec_in_id(g, node, k), &sk);
        }
    }
    if (strcmp(n->op, "Mean") == 0 && n->nin > 1)
        emit_unary(g, node, L, y, y, EC_UN_DIV_SCALAR, (double)n->nin, 0);
}

/* ---- Where ------------------------------------------------------------------------ */

static void infer_where(ec_graph *g, int node)
{
    ec_value *c = ec_need_in_dt(g, node, 0, DT_BOOL);
    ec_value *a = ec_need_in_dt(g, node, 1, DT_ALL);
    ec_value *b = ec_need_in_dt(g, node, 2, DT_ALL);
    ec_shape out;
    (void)c;
    same_dtype(g, node, a, b);
    out = bcast_inputs(g, node, 0, 3);
    check_plan(g, node, &out);
    ec_set_out(g, node, 0, a->dtype, &out);
}

/* The call of Where or WhereBits: cs is the condition's shape (input 0's, or
 * WhereBits' attribute), kernel and cname the kernel and its condition argument. */
static void emit_where(ec_graph *g, int node, ec_lowering *L, const ec_shape *cs, const char *kernel,
                       const char *cname)
{
    static const char *const names[] = { "c_strides", "a_strides", "b_strides" };
    int y = out_id(g, node);
    ec_shape s[3];
    const ec_shape *ins[3];
    bplan p;
    ec_call *c;
    int k;
    int ids[4];
    for (k = 0; k < 3; k++) {
        s[k] = k == 0 ? *cs : eff_shape(g, node, k);
        ins[k] = &s[k];
        ids[k] = ec_in_id(g, node, k);
    }
    if (strcmp(kernel, "ec_where") != 0) ids[0] = -1; /* the bits: a constant, no run-time dims */
    ids[3] = y;
    plan_bcast(g, ids, &g->values.a[y].shape, ins, 3, &p);
    c = ec_emit(L, kernel);
    ec_arg_out(c, "y", y);
    ec_arg_in(c, cname, ec_in_id(g, node, 0));
    ec_arg_in(c, "a", ec_in_id(g, node, 1));
    ec_arg_in(c, "b", ec_in_id(g, node, 2));
    ec_arg_int(c, "elem_size", (int64_t)ec_dtype_size(g->values.a[y].dtype));
    arg_plan(c, &p, 3, names);
}

static void lower_where(ec_graph *g, int node, ec_lowering *L)
{
    ec_shape cs = eff_shape(g, node, 0);
    emit_where(g, node, L, &cs, "ec_where", "c");
}

/* WhereBits (domain edgec, compiler/wquant.c): Where whose condition is a
 * constant stored as bits. Input 0: ceil(n / 8) bytes, element i of the
 * condition at bit i % 8 of byte i / 8; attribute shape: the condition's
 * shape (n elements); inputs 1 and 2 as Where's. */
static ec_shape cbits_shape(ec_graph *g, int node)
{
    const int64_t *d;
    int r = ec_attr_ints(&g->nodes.a[node], "shape", &d), k;
    const ec_value *cb = ec_in(g, node, 0);
    ec_shape s;
    if (r < 0 || r > EC_MAX_RANK) ec_fail_node(g, node, "attribute shape must have at most %d dims", EC_MAX_RANK);
    for (k = 0; k < r; k++)
        if (d[k] < 1 || d[k] > INT32_MAX) ec_fail_node(g, node, "attribute shape has a dim out of range");
    s = ec_shape_make(r, d);
    if (!cb || !cb->data || cb->dtype != EC_DT_UINT8 || cb->shape.rank != 1 ||
        cb->shape.dim[0] != (ec_shape_numel(&s) + 7) / 8)
        ec_fail_node(g, node, "input 0 must be a 1-D uint8 constant of %lld bytes",
                     (long long)((ec_shape_numel(&s) + 7) / 8));
    return s;
}

static void infer_where_bits(ec_graph *g, int node)
{
    ec_shape cs = cbits_shape(g, node), out, s2;
    ec_value *a = ec_need_in_dt(g, node, 1, DT_ALL);
    ec_value *b = ec_need_in_dt(g, node, 2, DT_ALL);
    char b1[128], b2[128];
    same_dtype(g, node, a, b);
    if (!ec_broadcast(&cs, &a->shape, &s2) || !ec_broadcast(&s2, &b->shape, &out))
        ec_fail_node(g, node, "shapes %s and %s cannot be broadcast", ec_shape_str(&cs, b1, sizeof b1),
                     ec_shape_str(&a->shape, b2, sizeof b2));
    check_plan(g, node, &out);
    ec_set_out(g, node, 0, a->dtype, &out);
}

static void lower_where_bits(ec_graph *g, int node, ec_lowering *L)
{
    ec_shape cs = cbits_shape(g, node);
    emit_where(g, node, L, &cs, "ec_where_cbits", "cb");
}

/* ---- op table ---------------------------------------------------------------------- */

#define UN(name) { EC_OP(name, "", 1, 1, 1, 1, EC_OPF_INPLACE, infer_unary, lower_unary) }
#define BIN(name, flags) { EC_OP(name, "", 2, 2, 1, 1, flags, infer_binary, lower_binary) }
/* ... with a role in int8 quantization */
#define UN_Q(name, q) { EC_OP(name, "", 1, 1, 1, 1, EC_OPF_INPLACE, infer_unary, lower_unary), .qrole = (q) }
#define BIN_Q(name, flags, q) { EC_OP(name, "", 2, 2, 1, 1, flags, infer_binary, lower_binary), .qrole = (q) }
#define VAR(name) { EC_OP(name, "", 1, -1, 1, 1, EC_OPF_INPLACE, infer_variadic, lower_variadic) }

const ec_opdef ec_ops_elementwise[] = {
    UN("Abs"), UN("Neg"), UN("Sign"), UN_Q("Relu", EC_QROLE_ACTIVATION), UN("Not"), UN("Sqrt"), UN("Exp"), UN("Log"),
    UN("Reciprocal"), UN("Floor"), UN("Ceil"), UN("Round"), UN("Sin"), UN("Cos"), UN("Tan"),
    UN("Asin"), UN("Acos"), UN("Atan"), UN("Sinh"), UN("Cosh"), UN("Asinh"), UN("Acosh"),
    UN("Atanh"), UN("Erf"), UN("Sigmoid"), UN("Tanh"), UN("LeakyRelu"), UN("Elu"), UN("Selu"),
    UN("Celu"), UN("HardSigmoid"), UN("HardSwish"), UN("Softplus"), UN("Softsign"),
    UN("ThresholdedRelu"), UN("Shrink"),
    { EC_OP("Clip", "", 1, 3, 1, 1, EC_OPF_INPLACE, infer_clip, lower_clip), .qrole = EC_QROLE_ACTIVATION },
    { EC_OP("IsNaN", "", 1, 1, 1, 1, 0, infer_fclass, lower_fclass) },
    { EC_OP("IsInf", "", 1, 1, 1, 1, 0, infer_fclass, lower_fclass) },
    { EC_OP("Cast", "", 1, 1, 1, 1, EC_OPF_INPLACE | EC_OPF_STRINGS, infer_cast, lower_cast) },
    { EC_OP("CastLike", "", 2, 2, 1, 1, EC_OPF_INPLACE | EC_OPF_STRINGS, infer_cast, lower_cast) },
    BIN_Q("Add", EC_OPF_INPLACE, EC_QROLE_ADD), BIN("Sub", EC_OPF_INPLACE), BIN_Q("Mul", EC_OPF_INPLACE, EC_QROLE_MUL),
    BIN("Div", EC_OPF_INPLACE), BIN("Mod", EC_OPF_INPLACE), BIN("BitShift", EC_OPF_INPLACE),
    BIN("And", EC_OPF_INPLACE), BIN("Or", EC_OPF_INPLACE), BIN("Xor", EC_OPF_INPLACE),
    BIN("PRelu", EC_OPF_INPLACE),
    BIN("Equal", 0), BIN("Less", 0), BIN("Greater", 0), BIN("LessOrEqual", 0),
    BIN("GreaterOrEqual", 0),
    { EC_OP("Pow", "", 2, 2, 1, 1, EC_OPF_INPLACE, infer_pow, lower_pow) },
    VAR("Max"), VAR("Min"), VAR("Sum"), VAR("Mean"),
    { EC_OP("Where", "", 3, 3, 1, 1, 0, infer_where, lower_where) },
    { EC_OP("WhereBits", "edgec", 3, 3, 1, 1, 0, infer_where_bits, lower_where_bits) },
    { 0 }
};

/* ---- kernel table --------------------------------------------------------------------- */

#define TH_UNARY(sfx, T) \
    static void th_unary_##sfx(const ec_karg *a) \
    { ec_unary_##sfx(a[0].p, a[1].p, a[2].i, a[3].i, a[4].f, a[5].f); }
#define TH_UNARY_MATH(sfx, T) \
    static void th_unary_exp_##sfx(const ec_karg *a) \
    { ec_unary_exp_##sfx(a[0].p, a[1].p, a[2].i, a[3].i, a[4].f, a[5].f); } \
    static void th_unary_trig_##sfx(const ec_karg *a) \
    { ec_unary_trig_##sfx(a[0].p, a[1].p, a[2].i, a[3].i, a[4].f, a[5].f); }
#define TH_BINARY(sfx, T) \
    static void th_binary_##sfx(const ec_karg *a) \
    { ec_binary_##sfx(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].ip, a[6].ip, a[7].ip); }
#define TH_COMPARE(sfx, T) \
    static void th_compare_##sfx(const ec_karg *a) \
    { ec_compare_##sfx(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].ip, a[6].ip, a[7].ip); }
#define TH_CLIP(sfx, T) \
    static void th_clip_##sfx(const ec_karg *a) { ec_clip_##sfx(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i); }
#define TH_POW(sfx, T) \
    static void th_pow_##sfx(const ec_karg *a) \
    { ec_pow_##sfx(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].ip, a[6].ip, a[7].ip); }
#define TH_FCLASS(sfx, T) \
    static void th_fclass_##sfx(const ec_karg *a) { ec_fclass_##sfx(a[0].p, a[1].p, a[2].i, a[3].i); }
#define TH_CAST(sfx, T) \
    static void th_cast_##sfx(const ec_karg *a) { ec_cast_##sfx(a[0].p, a[1].p, a[2].i, a[3].i); }

EC_EW_NUMERIC(TH_UNARY) TH_UNARY(b, bool)
EC_EW_FLOATS(TH_UNARY_MATH)
EC_EW_NUMERIC(TH_BINARY) TH_BINARY(b, bool)
EC_EW_NUMERIC(TH_COMPARE) TH_COMPARE(b, bool)
EC_EW_NUMERIC(TH_CLIP)
EC_EW_POW(TH_POW)
EC_EW_FLOATS(TH_FCLASS)
EC_EW_NUMERIC(TH_CAST) TH_CAST(b, bool)

static void th_where(const ec_karg *a)
{
    ec_where(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].ip, a[7].ip, a[8].ip, a[9].ip);
}

static void th_where_cbits(const ec_karg *a)
{
    ec_where_cbits(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].ip, a[7].ip, a[8].ip, a[9].ip);
}

#define KE(kind, sfx, sig) { "ec_" #kind "_" #sfx, sig, th_##kind##_##sfx, "ec_elementwise.h" },
#define KE_UNARY(sfx, T) KE(unary, sfx, "ppiiff")
#define KE_UNARY_MATH(sfx, T) KE(unary_exp, sfx, "ppiiff") KE(unary_trig, sfx, "ppiiff")
#define KE_BINARY(sfx, T) KE(binary, sfx, "pppiiIII")
#define KE_COMPARE(sfx, T) KE(compare, sfx, "pppiiIII")
#define KE_CLIP(sfx, T) KE(clip, sfx, "ppppi")
#define KE_POW(sfx, T) KE(pow, sfx, "pppiiIII")
#define KE_FCLASS(sfx, T) KE(fclass, sfx, "ppii")
#define KE_CAST(sfx, T) KE(cast, sfx, "ppii")

const ec_kernel ec_kernels_elementwise[] = {
    EC_EW_NUMERIC(KE_UNARY) KE_UNARY(b, bool)
    EC_EW_FLOATS(KE_UNARY_MATH)
    EC_EW_NUMERIC(KE_BINARY) KE_BINARY(b, bool)
    EC_EW_NUMERIC(KE_COMPARE) KE_COMPARE(b, bool)
    EC_EW_NUMERIC(KE_CLIP)
    EC_EW_POW(KE_POW)
    EC_EW_FLOATS(KE_FCLASS)
    EC_EW_NUMERIC(KE_CAST) KE_CAST(b, bool)
    { "ec_where", "ppppiiIIII", th_where, "ec_elementwise.h" },
    { "ec_where_cbits", "ppppiiIIII", th_where_cbits, "ec_elementwise.h" },
    { 0 }
};
