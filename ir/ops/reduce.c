/* reduce.c - ops of the reduce family: shape inference, lowering, kernel table.
 *
 *   Reduce{Sum,Mean,Max,Min,Prod,L1,L2,LogSum,LogSumExp,SumSquare}  -> ec_reduce_<t>
 *   ArgMax ArgMin                                                    -> ec_arg{max,min}_<t>
 *   Softmax LogSoftmax Hardmax                                       -> ec_{,log,hard}softmax_<t>
 *   CumSum                                                           -> ec_cumsum_<t>
 *   TopK                                                             -> ec_topk_<t>
 *   NegativeLogLikelihoodLoss                                        -> ec_nllloss_<t>_<ti>
 *   SoftmaxCrossEntropyLoss                                          -> ec_sce_loss_<t>_<ti>
 *
 * Shape-deciding inputs (Reduce axes since opset 13/18, CumSum axis, TopK K)
 * must be compile-time constants.
 */
#include <string.h>
#include "ir.h"
#include "ec_reduce.h"

/* ---- helpers ------------------------------------------------------------- */

/* dtype sets, as bit masks over EC_DT_* */
#define DT_FLOATS (DT(EC_DT_FLOAT) | DT(EC_DT_DOUBLE))
#define DT_NUMERIC (DT_FLOATS | DT(EC_DT_INT8) | DT(EC_DT_UINT8) | DT(EC_DT_INT16) | \
                    DT(EC_DT_UINT16) | DT(EC_DT_INT32) | DT(EC_DT_UINT32) | \
                    DT(EC_DT_INT64) | DT(EC_DT_UINT64))
#define DT_CUMSUM (DT_FLOATS | DT(EC_DT_INT32) | DT(EC_DT_UINT32) | DT(EC_DT_INT64) | \
                   DT(EC_DT_UINT64))
#define DT_INDEX (DT(EC_DT_INT32) | DT(EC_DT_INT64))

/* An extent as a kernel int32, failing when it does not fit. */
static int64_t fit32(ec_graph *g, int node, int64_t n, const char *what)
{
    if (n < 0 || n > INT32_MAX)
        ec_fail_node(g, node, "%s %lld does not fit the kernels' int32 extents", what, (long long)n);
    return n;
}

/* Static-shape product of dims [from, to). */
static int64_t dims_prod(ec_graph *g, int node, const ec_shape *s, int from, int to)
{
    int64_t p = 1;
    int k;
    for (k = from; k < to; k++) {
        if (s->dim[k] < 0) ec_fail_node(g, node, "dimension %d is not static", k);
        p = (int64_t)ec_mul_size((size_t)p, (size_t)s->dim[k]);
    }
    return fit32(g, node, p, "extent");
}

/* (outer, n, inner) of a static shape around axis. */
static void split_axis(ec_graph *g, int node, const ec_shape *s, int axis,
                       int64_t *outer, int64_t *n, int64_t *inner)
{
    dims_prod(g, node, s, 0, s->rank); /* whole tensor fits int32 */
    *outer = dims_prod(g, node, s, 0, axis);
    *n = dims_prod(g, node, s, axis, axis + 1);
    *inner = dims_prod(g, node, s, axis + 1, s->rank);
}

static const char *kname(const char *base, ec_dtype t)
{
    return ec_fmt("%s_%s", base, ec_dtype_suffix(t));
}

/* ---- Reduce* --------------------------------------------------------------- */

/* The EC_REDUCE_* code of a Reduce op; *cname gets the constant's name (for
 * the generated code's comment). */
static int reduce_opcode(const char *op, const char **cname)
{
    static const struct { const char *name; int code; const char *cname; } tab[] = {
        { "ReduceSum", EC_REDUCE_SUM, "EC_REDUCE_SUM" },
        { "ReduceMean", EC_REDUCE_MEAN, "EC_REDUCE_MEAN" },
        { "ReduceMax", EC_REDUCE_MAX, "EC_REDUCE_MAX" },
        { "ReduceMin", EC_REDUCE_MIN, "EC_REDUCE_MIN" },
        { "ReduceProd", EC_REDUCE_PROD, "EC_REDUCE_PROD" },
        { "ReduceL1", EC_REDUCE_L1, "EC_REDUCE_L1" },
        { "ReduceL2", EC_REDUCE_L2, "EC_REDUCE_L2" },
        { "ReduceLogSum", EC_REDUCE_LOGSUM, "EC_REDUCE_LOGSUM" },
        { "ReduceLogSumExp", EC_REDUCE_LOGSUMEXP, "EC_REDUCE_LOGSUMEXP" },
        { "ReduceSumSquare", EC_REDUCE_SUMSQUARE, "EC_REDUCE_SUMSQUARE" },
    };
    size_t i;
    for (i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (strcmp(tab[i].name, op) == 0) {
            *cname = tab[i].cname;
            return tab[i].code;
        }
    ec_fail("internal error: '%s' is not a Reduce op", op);
}

/* Which axes of a rank-`rank` input node reduces. Axes come from input 1 when
 * present (ReduceSum since opset 13, all since 18), else the `axes` attribute;
 * none given means all axes, or no reduction at all (returns false) with
 * noop_with_empty_axes. */
static bool reduce_axes(ec_graph *g, int node, int rank, bool red[EC_MAX_RANK])
{
    ec_node *n = &g->nodes.a[node];
    int64_t axes[EC_MAX_RANK];
    int64_t count;
    int k;

    if (ec_in(g, node, 1)) {
        const ec_value *a = ec_need_const(g, node, 1);
        if (!ec_dtype_is_int(a->dtype) || a->shape.rank > 1)
            ec_fail_node(g, node, "axes must be a 1-D integer tensor");
        count = ec_shape_numel(&a->shape);
        if (count > rank) ec_fail_node(g, node, "%lld axes for a rank-%d input", (long long)count, rank);
        for (k = 0; k < count; k++) axes[k] = ec_const_int(a, k);
    } else {
        const int64_t *v;
        int c = ec_attr_ints(n, "axes", &v);
        count = c < 0 ? 0 : c;
        if (count > rank) ec_fail_node(g, node, "%lld axes for a rank-%d input", (long long)count, rank);
        for (k = 0; k < count; k++) axes[k] = v[k];
    }

    for (k = 0; k < EC_MAX_RANK; k++) red[k] = false;
    if (count == 0) {
        if (ec_attr_int(n, "noop_with_empty_axes", 0)) return false;
        for (k = 0; k < rank; k++) red[k] = true;
        return true;
    }
    for (k = 0; k < count; k++) {
        int a = ec_axis(g, node, axes[k], rank);
        if (red[a]) ec_fail_node(g, node, "axis %lld is listed twice", (long long)axes[k]);
        red[a] = true;
    }
    return true;
}

static void infer_reduce(ec_graph *g, int node)
{
    ec_value *x = ec_need_in_dt(g, node, 0, DT_NUMERIC);
    ec_shape s = x->shape, o;
    bool red[EC_MAX_RANK];
    bool keep = ec_attr_int(&g->nodes.a[node], "keepdims", 1) != 0;
    int k;

    if (!reduce_axes(g, node, s.rank, red)) {
        ec_set_out(g, node, 0, x->dtype, &s);
        return;
    }
    o = ec_shape_make(0, NULL);
    for (k = 0; k < s.rank; k++) {
        if (red[k]) {
            if (!keep) continue;
            o.dim[o.rank] = 1;
            o.sym[o.rank] = NULL;
        } else {
            o.dim[o.rank] = s.dim[k];
            o.sym[o.rank] = s.sym[k];
        }
        o.rank++;
    }
    ec_set_out(g, node, 0, x->dtype, &o);
}

static void lower_reduce(ec_graph *g, int node, ec_lowering *L)
{
    ec_node *n = &g->nodes.a[node];
    ec_value *x = ec_in(g, node, 0);
    int xv = n->in[0], yv = n->out[0];
    bool red[EC_MAX_RANK];
    int64_t dims[EC_MAX_RANK], mask[EC_MAX_RANK];
    int k, m = 0, code;
    const char *cname;
    ec_call *c;

    dims_prod(g, node, &x->shape, 0, x->shape.rank); /* static, fits int32 */
    if (!reduce_axes(g, node, x->shape.rank, red)) {
        L->alias = true;
        c = ec_emit(L, "ec_copy");
        ec_arg_out(c, "y", yv);
        ec_arg_in(c, "x", xv);
        ec_arg_int(c, "nbytes", (int64_t)ec_mul_size((size_t)ec_shape_numel(&x->shape),
                                                     ec_dtype_size(x->dtype)));
        return;
    }
    /* Canonical form: drop 1s, merge neighbours that are both kept or both
     * reduced; a reduction over axes {1,2} of [2,3,4,5] becomes [2,12,5].
     * With run-time dims a dim may be 1 at one value only: keep the 1s, so
     * that the call's form does not depend on the value. */
    for (k = 0; k < x->shape.rank; k++) {
        int64_t d = x->shape.dim[k];
        if (d == 1 && !g->runtime_dims) continue;
        if (m > 0 && mask[m - 1] == (int64_t)red[k]) {
            dims[m - 1] *= d;
        } else {
            dims[m] = d;
            mask[m] = red[k];
            m++;
        }
    }
    if (m == 0) {
        dims[0] = 1;
        mask[0] = 1;
        m = 1;
    }
    c = ec_emit(L, kname("ec_reduce", x->dtype));
    ec_arg_out(c, "y", yv);
    ec_arg_in(c, "x", xv);
    code = reduce_opcode(n->op, &cname);
    ec_arg_int(c, ec_fmt("op: %s", cname), code);
    ec_arg_int(c, "rank", m);
    ec_arg_ints(c, "dims", dims, m);
    ec_arg_ints(c, "reduced", mask, m);
}

/* ---- ArgMax / ArgMin ------------------------------------------------------- */

static void infer_argreduce(ec_graph *g, int node)
{
    ec_node *n = &g->nodes.a[node];
    ec_value *x = ec_need_in_dt(g, node, 0, DT_NUMERIC);
    ec_shape o = x->shape;
    int axis, k;

    if (x->shape.rank < 1) ec_fail_node(g, node, "input must have rank >= 1");
    axis = ec_axis(g, node, ec_attr_int(n, "axis", 0), x->shape.rank);
    if (x->shape.dim[axis] == 0) ec_fail_node(g, node, "axis %d has extent 0", axis);
    if (ec_attr_int(n, "keepdims", 1)) {
        o.dim[axis] = 1;
        o.sym[axis] = NULL;
    } else {
        for (k = axis; k + 1 < o.rank; k++) {
            o.dim[k] = o.dim[k + 1];
            o.sym[k] = o.sym[k + 1];
        }
        o.rank--;
    }
    ec_set_out(g, node, 0, EC_DT_INT64, &o);
}

static void lower_argreduce(ec_graph *g, int node, ec_lowering *L)
{
    ec_node *n = &g->nodes.a[node];
    ec_value *x = ec_in(g, node, 0);
    int axis = ec_axis(g, node, ec_attr_int(n, "axis", 0), x->shape.rank);
    int64_t outer, len, inner;
    ec_call *c;

    split_axis(g, node, &x->shape, axis, &outer, &len, &inner);
    if (len == 0) ec_fail_node(g, node, "axis %d has extent 0", axis);
    c = ec_emit(L, kname(strcmp(n->op, "ArgMax") == 0 ? "ec_argmax" : "ec_argmin", x->dtype));
    ec_arg_out(c, "y", n->out[0]);
    ec_arg_in(c, "x", n->in[0]);
    ec_arg_int(c, "select_last", ec_attr_int(n, "select_last_index", 0) != 0);
    ec_arg_int(c, "outer", outer);
    ec_arg_int(c, "n", len);
    ec_arg_int(c, "inner", inner);
}

/* ---- Softmax / LogSoftmax / Hardmax ---------------------------------------- */

/* Before opset 13 the input is coerced to 2-D [prod(dims[:axis]), prod(dims[axis:])]
 * (default axis 1); since 13 the op works along one axis (default -1). */
static int softmax_axis(ec_graph *g, int node, int rank)
{
    bool old = g->opset > 0 && g->opset < 13;
    int64_t a = ec_attr_int(&g->nodes.a[node], "axis", old ? 1 : -1);
    return ec_axis(g, node, a, rank);
}

static void infer_softmax(ec_graph *g, int node)
{
    ec_value *x = ec_need_in_dt(g, node, 0, DT_FLOATS);
    if (x->shape.rank < 1) ec_fail_node(g, node, "input must have rank >= 1");
    softmax_axis(g, node, x->shape.rank);
    ec_set_out(g, node, 0, x->dtype, &x->shape);
}

static void lower_softmax(ec_graph *g, int node, ec_lowering *L)
{
    ec_node *n = &g->nodes.a[node];
    ec_value *x = ec_in(g, node, 0);
    int rank = x->shape.rank;
    int axis = softmax_axis(g, node, rank);
    int64_t outer, len, inner;
    const char *base = strcmp(n->op, "Softmax") == 0 ? "ec_softmax"
                     : strcmp(n->op, "LogSoftmax") == 0 ? "ec_logsoftmax" : "ec_hardmax";
    ec_call *c;

    if (g->opset > 0 && g->opset < 13) {
        dims_prod(g, node, &x->shape, 0, rank);
        outer = dims_prod(g, node, &x->shape, 0, axis);
        len = dims_prod(g, node, &x->shape, axis, rank);
        inner = 1;
    } else {
        split_axis(g, node, &x->shape, axis, &outer, &len, &inner);
    }
    c = ec_emit(L, kname(base, x->dtype));
    ec_arg_out(c, "y", n->out[0]);
    ec_arg_in(c, "x", n->in[0]);
    ec_arg_int(c, "outer", outer);
    ec_arg_int(c, "n", len);
    ec_arg_int(c, "inner", inner);
}

/* ---- CumSum ----------------------------------------------------------------- */

/* The axis when input 1 is a constant, else -1 (read at run time). */
static int cumsum_axis(ec_graph *g, int node, int rank)
{
    ec_value *a = ec_in(g, node, 1);
    if (!a) ec_fail_node(g, node, "input 1 (axis) is missing");
    if (!(a->dtype == EC_DT_INT32 || a->dtype == EC_DT_INT64) || a->shape.rank > 1 ||
        (ec_shape_is_static(&a->shape) && ec_shape_numel(&a->shape) != 1))
        ec_fail_node(g, node, "axis must be an int32 or int64 scalar");
    if (!a->data) return -1;
    return ec_axis(g, node, ec_const_int(a, 0), rank);
}

static void infer_cumsum(ec_graph *g, int node)
{
    ec_value *x = ec_need_in_dt(g, node, 0, DT_CUMSUM);
    if (x->shape.rank < 1) ec_fail_node(g, node, "input must have rank >= 1");
    cumsum_axis(g, node, x->shape.rank);
    ec_set_out(g, node, 0, x->dtype, &x->shape);
}

static void lower_cumsum(ec_graph *g, int node, ec_lowering *L)
{
    ec_node *n = &g->nodes.a[node];
    ec_value *x = ec_in(g, node, 0);
    int axis = cumsum_axis(g, node, x->shape.rank);
    int64_t outer, len, inner;
    ec_call *c;

    if (axis < 0) {
        int64_t dims[EC_MAX_RANK];
        int k;
        dims_prod(g, node, &x->shape, 0, x->shape.rank);
        for (k = 0; k < x->shape.rank; k++) dims[k] = x->shape.dim[k];
        c = ec_emit(L, kname("ec_cumsum_dyn", x->dtype));
        ec_arg_out(c, "y", n->out[0]);
        ec_arg_in(c, "x", n->in[0]);
        ec_arg_in(c, "axis", n->in[1]);
        ec_arg_int(c, "axis_s64", ec_in(g, node, 1)->dtype == EC_DT_INT64);
        ec_arg_int(c, "exclusive", ec_attr_int(n, "exclusive", 0) != 0);
        ec_arg_int(c, "reverse", ec_attr_int(n, "reverse", 0) != 0);
        ec_arg_int(c, "rank", x->shape.rank);
        ec_arg_ints(c, "dims", dims, x->shape.rank);
        return;
    }
    split_axis(g, node, &x->shape, axis, &outer, &len, &inner);
    c = ec_emit(L, kname("ec_cumsum", x->dtype));
    ec_arg_out(c, "y", n->out[0]);
    ec_arg_in(c, "x", n->in[0]);
    ec_arg_int(c, "exclusive", ec_attr_int(n, "exclusive", 0) != 0);
    ec_arg_int(c, "reverse", ec_attr_int(n, "reverse", 0) != 0);
    ec_arg_int(c, "outer", outer);
    ec_arg_int(c, "n", len);
    ec_arg_int(c, "inner", inner);
}

/* ---- TopK ------------------------------------------------------------------- */

/* K: the `k` attribute before opset 10, then a constant 1-element input. */
static int64_t topk_k(ec_graph *g, int node)
{
    ec_node *n = &g->nodes.a[node];
    int64_t k;
    if (ec_in(g, node, 1)) {
        const ec_value *kv = ec_need_const(g, node, 1);
        if (!ec_dtype_is_int(kv->dtype) || kv->shape.rank > 1 || ec_shape_numel(&kv->shape) != 1)
            ec_fail_node(g, node, "K must be a 1-element integer tensor");
        k = ec_const_int(kv, 0);
    } else {
        if (!ec_attr_find(n, "k")) ec_fail_node(g, node, "K is missing");
        k = ec_attr_int(n, "k", 0);
    }
    if (k < 0) ec_fail_node(g, node, "K is negative (%lld)", (long long)k);
    return k;
}

static void infer_topk(ec_graph *g, int node)
{
    ec_value *x = ec_need_in_dt(g, node, 0, DT_NUMERIC);
    ec_shape o = x->shape;
    int axis;
    int64_t k = topk_k(g, node);

    if (x->shape.rank < 1) ec_fail_node(g, node, "input must have rank >= 1");
    axis = ec_axis(g, node, ec_attr_int(&g->nodes.a[node], "axis", -1), x->shape.rank);
    if (x->shape.dim[axis] >= 0 && k > x->shape.dim[axis])
        ec_fail_node(g, node, "K = %lld exceeds the extent %lld of axis %d", (long long)k,
                     (long long)x->shape.dim[axis], axis);
    o.dim[axis] = k;
    o.sym[axis] = NULL;
    ec_set_out(g, node, 0, x->dtype, &o);
    ec_set_out(g, node, 1, EC_DT_INT64, &o);
}

static void lower_topk(ec_graph *g, int node, ec_lowering *L)
{
    ec_node *n = &g->nodes.a[node];
    ec_value *x = ec_in(g, node, 0);
    int axis = ec_axis(g, node, ec_attr_int(n, "axis", -1), x->shape.rank);
    int64_t k = topk_k(g, node), outer, len, inner;
    ec_call *c;
    int vout = n->nout > 0 ? n->out[0] : -1, iout = n->nout > 1 ? n->out[1] : -1;

    if (vout < 0 || iout < 0)
        ec_fail_node(g, node, "TopK needs both outputs (values and indices)");
    split_axis(g, node, &x->shape, axis, &outer, &len, &inner);
    if (k > len)
        ec_fail_node(g, node, "K = %lld exceeds the extent %lld of axis %d", (long long)k,
                     (long long)len, axis);
    c = ec_emit(L, kname("ec_topk", x->dtype));
    ec_arg_out(c, "values", vout);
    ec_arg_out(c, "indices", iout);
    ec_arg_in(c, "x", n->in[0]);
    ec_arg_int(c, "largest", ec_attr_int(n, "largest", 1) != 0);
    ec_arg_int(c, "outer", outer);
    ec_arg_int(c, "n", len);
    ec_arg_int(c, "inner", inner);
    ec_arg_int(c, "k", fit32(g, node, k, "K"));
}

/* ---- NegativeLogLikelihoodLoss / SoftmaxCrossEntropyLoss -------------------- */

static int loss_reduction(ec_graph *g, int node)
{
    const char *r = ec_attr_string(&g->nodes.a[node], "reduction", "mean");
    if (strcmp(r, "none") == 0) return EC_LOSS_NONE;
    if (strcmp(r, "sum") == 0) return EC_LOSS_SUM;
    if (strcmp(r, "mean") == 0) return EC_LOSS_MEAN;
    ec_fail_node(g, node, "unknown reduction '%s'", r);
}

/* Static dims a and b agree (unknown dims agree with anything). */
static bool dim_ok(int64_t a, int64_t b)
{
    return a < 0 || b < 0 || a == b;
}

/* input (N, C, d1..dk), target (N, d1..dk), weight (C) optional. */
static void infer_loss(ec_graph *g, int node)
{
    ec_value *x = ec_need_in_dt(g, node, 0, DT_FLOATS);
    ec_value *t = ec_need_in_dt(g, node, 1, DT_INDEX);
    ec_value *w = ec_in(g, node, 2);
    int red = loss_reduction(g, node), k;
    ec_shape o;

    if (x->shape.rank < 2) ec_fail_node(g, node, "input must have rank >= 2 (N, C, ...)");
    if (t->shape.rank != x->shape.rank - 1)
        ec_fail_node(g, node, "target must have rank %d", x->shape.rank - 1);
    for (k = 0; k < t->shape.rank; k++)
        if (!dim_ok(t->shape.dim[k], x->shape.dim[k ? k + 1 : 0]))
            ec_fail_node(g, node, "target dimension %d does not match the input", k);
    if (w) {
        w = ec_need_in_dt(g, node, 2, DT_FLOATS);
        if (w->dtype != x->dtype || w->shape.rank != 1 || !dim_ok(w->shape.dim[0], x->shape.dim[1]))
            ec_fail_node(g, node, "weight must be a 1-D %s tensor of C elements",
                         ec_dtype_name(x->dtype));
    }
    if (red == EC_LOSS_NONE) o = t->shape;
    else o = ec_shape_make(0, NULL);
    ec_set_out(g, node, 0, x->dtype, &o);
    if (ec_out(g, node, 1)) ec_set_out(g, node, 1, x->dtype, &x->shape);
}

static void lower_loss(ec_graph *g, int node, ec_lowering *L)
{
    ec_node *n = &g->nodes.a[node];
    ec_value *x = ec_in(g, node, 0), *t = ec_in(g, node, 1);
    bool sce = strcmp(n->op, "SoftmaxCrossEntropyLoss") == 0;
    const ec_attr *ii = ec_attr_find(n, "ignore_index");
    int64_t nn, cc, dd;
    int k;
    ec_call *c;

    dims_prod(g, node, &x->shape, 0, x->shape.rank);
    nn = dims_prod(g, node, &x->shape, 0, 1);
    cc = dims_prod(g, node, &x->shape, 1, 2);
    dd = dims_prod(g, node, &x->shape, 2, x->shape.rank);
    for (k = 0; k < t->shape.rank; k++)
        if (t->shape.rank != x->shape.rank - 1 || t->shape.dim[k] != x->shape.dim[k ? k + 1 : 0])
            ec_fail_node(g, node, "target dimension %d does not match the input", k);
    if (ec_in(g, node, 2) && ec_in(g, node, 2)->shape.dim[0] != cc)
        ec_fail_node(g, node, "weight must have C = %lld elements", (long long)cc);
    c = ec_emit(L, ec_fmt("%s_%s_%s", sce ? "ec_sce_loss" : "ec_nllloss",
                          ec_dtype_suffix(x->dtype), ec_dtype_suffix(t->dtype)));
    ec_arg_out(c, "y", n->out[0]);
    if (sce) {
        if (ec_out(g, node, 1)) ec_arg_out(c, "log_prob", n->out[1]);
        else ec_arg_in(c, "log_prob", -1);
    }
    ec_arg_in(c, "x", n->in[0]);
    ec_arg_in(c, "target", n->in[1]);
    ec_arg_in(c, "weight", ec_in(g, node, 2) ? n->in[2] : -1);
    {
        static const char *const rname[] = { "reduction: EC_LOSS_NONE", "reduction: EC_LOSS_SUM",
                                             "reduction: EC_LOSS_MEAN" };
        int red = loss_reduction(g, node);
        ec_arg_int(c, rname[red], red);
    }
    ec_arg_int(c, "has_ignore", ii != NULL);
    ec_arg_int(c, "ignore_index", ii ? ii->i : 0);
    ec_arg_int(c, "n", nn);
    ec_arg_int(c, "c", cc);
    ec_arg_int(c, "d", dd);
}

/* ---- op table ------------------------------------------------------------ */

#define REDUCE_OP(name) { EC_OP(name, "", 1, 2, 1, 1, EC_OPF_F32_ONLY, infer_reduce, lower_reduce) }

const ec_opdef ec_ops_reduce[] = {
    REDUCE_OP("ReduceSum"),
    REDUCE_OP("ReduceMean"),
    REDUCE_OP("ReduceMax"),
    REDUCE_OP("ReduceMin"),
    REDUCE_OP("ReduceProd"),
    REDUCE_OP("ReduceL1"),
    REDUCE_OP("ReduceL2"),
    REDUCE_OP("ReduceLogSum"),
    REDUCE_OP("ReduceLogSumExp"),
    REDUCE_OP("ReduceSumSquare"),
    { EC_OP("ArgMax", "", 1, 1, 1, 1, EC_OPF_F32_ONLY, infer_argreduce, lower_argreduce) },
    { EC_OP("ArgMin", "", 1, 1, 1, 1, EC_OPF_F32_ONLY, infer_argreduce, lower_argreduce) },
    { EC_OP("Softmax", "", 1, 1, 1, 1, EC_OPF_INPLACE | EC_OPF_F32_ONLY, infer_softmax, lower_softmax) },
    { EC_OP("LogSoftmax", "", 1, 1, 1, 1, EC_OPF_INPLACE | EC_OPF_F32_ONLY, infer_softmax, lower_softmax) },
    { EC_OP("Hardmax", "", 1, 1, 1, 1, EC_OPF_INPLACE | EC_OPF_F32_ONLY, infer_softmax, lower_softmax) },
    { EC_OP("CumSum", "", 2, 2, 1, 1, EC_OPF_INPLACE | EC_OPF_F32_ONLY, infer_cumsum, lower_cumsum) },
    { EC_OP("TopK", "", 1, 2, 2, 2, EC_OPF_F32_ONLY, infer_topk, lower_topk) },
    { EC_OP("NegativeLogLikelihoodLoss", "", 2, 3, 1, 1, 0, infer_loss, lower_loss) },
    { EC_OP("SoftmaxCrossEntropyLoss", "", 2, 3, 1, 2, 0, infer_loss, lower_loss) },
    { 0 }
};

/* ---- kernel table -------------------------------------------------------- */

#define ENTRY(name, sig) { #name, sig, thunk_##name, "ec_reduce.h" },

#define THUNK_REDUCE(S) \
    static void thunk_ec_reduce_##S(const ec_karg *a) \
    { ec_reduce_##S(a[0].p, a[1].p, a[2].i, a[3].i, a[4].ip, a[5].ip); }
#define THUNK_ARG(S) \
    static void thunk_ec_argmax_##S(const ec_karg *a) \
    { ec_argmax_##S(a[0].p, a[1].p, a[2].i, a[3].i, a[4].i, a[5].i); } \
    static void thunk_ec_argmin_##S(const ec_karg *a) \
    { ec_argmin_##S(a[0].p, a[1].p, a[2].i, a[3].i, a[4].i, a[5].i); }
#define THUNK_TOPK(S) \
    static void thunk_ec_topk_##S(const ec_karg *a) \
    { ec_topk_##S(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].i, a[6].i, a[7].i); }
#define THUNK_SOFTMAX(S) \
    static void thunk_ec_softmax_##S(const ec_karg *a) \
    { ec_softmax_##S(a[0].p, a[1].p, a[2].i, a[3].i, a[4].i); } \
    static void thunk_ec_logsoftmax_##S(const ec_karg *a) \
    { ec_logsoftmax_##S(a[0].p, a[1].p, a[2].i, a[3].i, a[4].i); } \
    static void thunk_ec_hardmax_##S(const ec_karg *a) \
    { ec_hardmax_##S(a[0].p, a[1].p, a[2].i, a[3].i, a[4].i); }
#define THUNK_CUMSUM(S) \
    static void thunk_ec_cumsum_##S(const ec_karg *a) \
    { ec_cumsum_##S(a[0].p, a[1].p, a[2].i, a[3].i, a[4].i, a[5].i, a[6].i); } \
    static void thunk_ec_cumsum_dyn_##S(const ec_karg *a) \
    { ec_cumsum_dyn_##S(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].i, a[6].i, a[7].ip); }
#define THUNK_LOSS(S) \
    static void thunk_ec_nllloss_##S(const ec_karg *a) \
    { ec_nllloss_##S(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i, a[9].i); } \
    static void thunk_ec_sce_loss_##S(const ec_karg *a) \
    { ec_sce_loss_##S(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].i, a[6].i, a[7].i, a[8].i, a[9].i, a[10].i); }

/* every dtype of ec_reduce / ec_arg* / ec_topk */
#define FOR_NUMERIC(X) X(f32) X(f64) X(s8) X(u8) X(s16) X(u16) X(s32) X(u32) X(s64) X(u64)
#define FOR_FLOATS(X) X(f32) X(f64)
#define FOR_CUMSUM(X) X(f32) X(f64) X(s32) X(u32) X(s64) X(u64)
#define FOR_LOSS(X) X(f32_s32) X(f32_s64) X(f64_s32) X(f64_s64)

FOR_NUMERIC(THUNK_REDUCE)
FOR_NUMERIC(THUNK_ARG)
FOR_NUMERIC(THUNK_TOPK)
FOR_FLOATS(THUNK_SOFTMAX)
FOR_CUMSUM(THUNK_CUMSUM)
FOR_LOSS(THUNK_LOSS)

#define E_REDUCE(S) ENTRY(ec_reduce_##S, "ppiiII")
#define E_ARG(S) ENTRY(ec_argmax_##S, "ppiiii") ENTRY(ec_argmin_##S, "ppiiii")
#define E_TOPK(S) ENTRY(ec_topk_##S, "pppiiiii")
#define E_SOFTMAX(S) ENTRY(ec_softmax_##S, "ppiii") ENTRY(ec_logsoftmax_##S, "ppiii") ENTRY(ec_hardmax_##S, "ppiii")
#define E_CUMSUM(S) ENTRY(ec_cumsum_##S, "ppiiiii") ENTRY(ec_cumsum_dyn_##S, "pppiiiiI")
#define E_LOSS(S) ENTRY(ec_nllloss_##S, "ppppiiiiii") ENTRY(ec_sce_loss_##S, "pppppiiiiii")

const ec_kernel ec_kernels_reduce[] = {
    FOR_NUMERIC(E_REDUCE)
    FOR_NUMERIC(E_ARG)
    FOR_NUMERIC(E_TOPK)
    FOR_FLOATS(E_SOFTMAX)
    FOR_CUMSUM(E_CUMSUM)
    FOR_LOSS(E_LOSS)
    { 0 }
};
