/* qint8.c - the int8 ops of static post-training quantization (domain
 * "edgec"), written by compiler/quantize.c (--quantize int8, and QDQ import);
 * shape inference, lowering to ec_qint8.h kernels, kernel table.
 *
 *   QConv    x s8, w s8 (m, c/g, K..), bias s32?   -> ec_s8_conv / ec_s8_dwconv
 *   QFC      x s8 (.., K), w s8 (N, K), bias s32?  -> ec_s8_fc (leading dims fold into M)
 *   QAdd     a s8, b s8 (broadcast)                -> ec_s8_add
 *   QMul     a s8, b s8 (broadcast)                -> ec_s8_mul
 *   QAvgPool x s8 (global = 1: whole spatial dims) -> ec_s8_avgpool / ec_s8_global_avgpool
 *   QConcat  x s8 ... along axis                   -> ec_s8_rescale per input
 *
 * Quantization parameters are attributes: per-tensor activations
 * (x_scale, x_zp, ..., y_scale, y_zp: real = (q - zp) * scale), per output
 * channel weight scales w_scale (floats, zero point 0), the fused activation
 * range act_min, act_max (int8 bounds, default -128, 127). Conv geometry is
 * explicit: strides, dilations, pads (begin..., end...), group. The
 * (multiplier, shift) pairs are computed here at lowering time with
 * ec_quant_multiplier (ec_quant.h), so the interpreter and the generated C
 * run the same integers.
 */
#include <math.h>
#include <string.h>
#include "ir.h"
#include "ec_quant.h"
#include "ec_qint8.h"

static ec_value *need_s8(ec_graph *g, int node, int k, const char *what)
{
    ec_value *v = ec_in(g, node, k);
    if (!v) ec_fail_node(g, node, "missing input %d (%s)", k, what);
    if (v->dtype != EC_DT_INT8)
        ec_fail_node(g, node, "%s has type %s, expected int8", what, ec_dtype_name(v->dtype));
    if (!ec_shape_is_static(&v->shape)) ec_fail_node(g, node, "%s needs a static shape", what);
    return v;
}

static float need_scale(ec_graph *g, int node, const char *name)
{
    float s = ec_attr_float(NODE(g, node), name, -1.0f);
    if (!(s > 0) || !isfinite(s)) ec_fail_node(g, node, "attribute %s must be a positive scale", name);
    return s;
}

static int32_t need_zp(ec_graph *g, int node, const char *name)
{
    int64_t z = ec_attr_int(NODE(g, node), name, 0);
    if (z < -128 || z > 127) ec_fail_node(g, node, "attribute %s = %lld is not an int8", name, (long long)z);
    return (int32_t)z;
}

static void act_range(ec_graph *g, int node, int32_t *lo, int32_t *hi)
{
    *lo = (int32_t)ec_attr_int(NODE(g, node), "act_min", -128);
    *hi = (int32_t)ec_attr_int(NODE(g, node), "act_max", 127);
    if (*lo < -128 || *hi > 127 || *lo > *hi)
        ec_fail_node(g, node, "act_min/act_max must be int8 bounds with act_min <= act_max");
}

/* Per-channel weight scales: n values (w_scale). */
static const float *w_scales(ec_graph *g, int node, int64_t n)
{
    const float *ws;
    int k = ec_attr_floats(NODE(g, node), "w_scale", &ws), i;
    if (k != n) ec_fail_node(g, node, "w_scale has %d values, expected %lld", k, (long long)n);
    for (i = 0; i < k; i++)
        if (!(ws[i] > 0) || !isfinite(ws[i])) ec_fail_node(g, node, "w_scale[%d] is not a positive scale", i);
    return ws;
}

static void check_bias(ec_graph *g, int node, int k, int64_t n)
{
    ec_value *b = ec_in(g, node, k);
    if (!b) return;
    if (b->dtype != EC_DT_INT32 || b->shape.rank != 1 || b->shape.dim[0] != n)
        ec_fail_node(g, node, "bias must be int32 of shape [%lld]", (long long)n);
}

/* rq pairs for scale products x_scale * w_scale[k] / y_scale. */
static int64_t *rq_pairs(float xs, const float *ws, int n, float ys)
{
    int64_t *rq = ec_alloc(sizeof(int64_t) * (size_t)(2 * n + 1));
    int k;
    for (k = 0; k < n; k++) {
        int32_t r[2];
        ec_quant_multiplier(r, xs, ws[k], ys);
        rq[2 * k] = r[0];
        rq[2 * k + 1] = r[1];
    }
    return rq;
}

/* ---- QConv ------------------------------------------------------------------ */

typedef struct qconv {
    int64_t n, c, m, group;
    int nd;
    int64_t p[7 * EC_MAX_RANK];
    ec_shape out;
} qconv;

static void attr_n(ec_graph *g, int node, const char *name, int want, int64_t dflt, int64_t *out)
{
    const int64_t *v;
    int n = ec_attr_ints(NODE(g, node), name, &v), i;
    for (i = 0; i < want; i++) out[i] = n < 0 ? dflt : (i < n ? v[i] : 0);
    if (n >= 0 && n != want) ec_fail_node(g, node, "attribute %s has %d values, expected %d", name, n, want);
}

static void qconv_make(ec_graph *g, int node, qconv *q)
{
    ec_value *x = need_s8(g, node, 0, "x"), *w = need_s8(g, node, 1, "w");
    int64_t st[EC_MAX_RANK], dl[EC_MAX_RANK], pads[2 * EC_MAX_RANK];
    int i, nd = x->shape.rank - 2;
    if (nd < 1 || w->shape.rank != x->shape.rank)
        ec_fail_node(g, node, "x and w need the same rank >= 3");
    q->nd = nd;
    q->n = x->shape.dim[0];
    q->c = x->shape.dim[1];
    q->m = w->shape.dim[0];
    q->group = ec_attr_int(NODE(g, node), "group", 1);
    if (q->group < 1 || q->c % q->group || q->m % q->group || w->shape.dim[1] * q->group != q->c)
        ec_fail_node(g, node, "channels do not match the group count");
    attr_n(g, node, "strides", nd, 1, st);
    attr_n(g, node, "dilations", nd, 1, dl);
    attr_n(g, node, "pads", 2 * nd, 0, pads);
    q->out.rank = nd + 2;
    q->out.dim[0] = q->n;
    q->out.dim[1] = q->m;
    for (i = 0; i < nd; i++) {
        int64_t in = x->shape.dim[2 + i], k = w->shape.dim[2 + i], eff, span;
        if (st[i] < 1 || dl[i] < 1 || pads[i] < 0 || pads[nd + i] < 0 || k < 1)
            ec_fail_node(g, node, "bad stride, dilation, padding or kernel size");
        eff = (k - 1) * dl[i] + 1;
        span = in + pads[i] + pads[nd + i] - eff;
        if (span < 0) ec_fail_node(g, node, "spatial dim %d gives an empty output", i);
        q->out.dim[2 + i] = span / st[i] + 1;
        q->p[i] = in;
        q->p[nd + i] = q->out.dim[2 + i];
        q->p[2 * nd + i] = k;
        q->p[3 * nd + i] = st[i];
        q->p[4 * nd + i] = dl[i];
        q->p[5 * nd + i] = pads[i];
        q->p[6 * nd + i] = pads[nd + i];
    }
    for (i = 0; i < q->out.rank; i++) q->out.sym[i] = NULL;
    check_bias(g, node, 2, q->m);
}

static void infer_qconv(ec_graph *g, int node)
{
    qconv q;
    qconv_make(g, node, &q);
    ec_set_out(g, node, 0, EC_DT_INT8, &q.out);
}

static void lower_qconv(ec_graph *g, int node, ec_lowering *L)
{
    qconv q;
    int32_t lo, hi;
    const float *ws;
    int64_t *rq;
    bool dw;
    ec_call *c;
    qconv_make(g, node, &q);
    ws = w_scales(g, node, q.m);
    act_range(g, node, &lo, &hi);
    rq = rq_pairs(need_scale(g, node, "x_scale"), ws, (int)q.m, need_scale(g, node, "y_scale"));
    dw = q.nd == 2 && q.group == q.c && q.group > 1;
    c = ec_emit(L, dw ? "ec_s8_dwconv" : "ec_s8_conv");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_in(c, "w", ec_in_id(g, node, 1));
    ec_arg_in(c, "bias", ec_in_id(g, node, 2));
    ec_arg_int(c, "n", q.n);
    ec_arg_int(c, "c", q.c);
    ec_arg_int(c, "m", q.m);
    if (!dw) ec_arg_int(c, "group", q.group);
    ec_arg_int(c, "x_zp", need_zp(g, node, "x_zp"));
    ec_arg_int(c, "y_zp", need_zp(g, node, "y_zp"));
    ec_arg_int(c, "act_min", lo);
    ec_arg_int(c, "act_max", hi);
    if (!dw) ec_arg_int(c, "nd", q.nd);
    ec_arg_ints(c, "rq", rq, (int)(2 * q.m));
    if (dw) {
        /* ec_s8_dwconv's p: ih iw oh ow kh kw sh sw dh dw ph pw */
        ec_arg_ints(c, "p", q.p, 12);
    } else {
        ec_arg_ints(c, "p", q.p, 7 * q.nd);
    }
    ec_free(rq);
}

/* ---- QFC --------------------------------------------------------------------- */

static void infer_qfc(ec_graph *g, int node)
{
    ec_value *x = need_s8(g, node, 0, "x"), *w = need_s8(g, node, 1, "w");
    ec_shape out = x->shape;
    if (x->shape.rank < 1 || w->shape.rank != 2 || w->shape.dim[1] != x->shape.dim[x->shape.rank - 1])
        ec_fail_node(g, node, "x (.., K) and w (N, K) do not match");
    out.dim[out.rank - 1] = w->shape.dim[0];
    out.sym[out.rank - 1] = NULL;
    check_bias(g, node, 2, w->shape.dim[0]);
    ec_set_out(g, node, 0, EC_DT_INT8, &out);
}

static void lower_qfc(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = need_s8(g, node, 0, "x"), *w = need_s8(g, node, 1, "w");
    int64_t N = w->shape.dim[0], K = w->shape.dim[1], M = ec_shape_numel(&x->shape) / K;
    int64_t *rq = rq_pairs(need_scale(g, node, "x_scale"), w_scales(g, node, N), (int)N,
                           need_scale(g, node, "y_scale"));
    int32_t lo, hi;
    ec_call *c = ec_emit(L, "ec_s8_fc");
    act_range(g, node, &lo, &hi);
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_in(c, "w", ec_in_id(g, node, 1));
    ec_arg_in(c, "bias", ec_in_id(g, node, 2));
    ec_arg_int(c, "M", M);
    ec_arg_int(c, "N", N);
    ec_arg_int(c, "K", K);
    ec_arg_int(c, "x_zp", need_zp(g, node, "x_zp"));
    ec_arg_int(c, "y_zp", need_zp(g, node, "y_zp"));
    ec_arg_int(c, "act_min", lo);
    ec_arg_int(c, "act_max", hi);
    ec_arg_ints(c, "rq", rq, (int)(2 * N));
    ec_free(rq);
}

/* ---- QAdd / QMul ------------------------------------------------------------ */

static void infer_qbinary(ec_graph *g, int node)
{
    ec_value *a = need_s8(g, node, 0, "a"), *b = need_s8(g, node, 1, "b");
    ec_shape out;
    if (!ec_broadcast(&a->shape, &b->shape, &out)) ec_fail_node(g, node, "a and b do not broadcast");
    ec_set_out(g, node, 0, EC_DT_INT8, &out);
}

static void lower_qbinary(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *a = need_s8(g, node, 0, "a"), *b = need_s8(g, node, 1, "b");
    const ec_shape *ys = &g->values.a[ec_out_id(g, node, 0)].shape;
    bool add = strcmp(NODE(g, node)->op, "QAdd") == 0;
    float sa = need_scale(g, node, "a_scale"), sb = need_scale(g, node, "b_scale");
    float sy = need_scale(g, node, "y_scale");
    int64_t dims[EC_MAX_RANK], ast[EC_MAX_RANK], bst[EC_MAX_RANK], rq[6];
    int32_t r[2], lo, hi;
    int d, rank = 0, k;
    ec_call *c;
    /* broadcast strides, dims of size 1 dropped */
    for (d = 0; d < ys->rank; d++) {
        int64_t sta = 1, stb = 1;
        int ia = d - (ys->rank - a->shape.rank), ib = d - (ys->rank - b->shape.rank);
        if (ys->dim[d] == 1) continue;
        for (k = ia + 1; k < a->shape.rank; k++) sta *= a->shape.dim[k];
        for (k = ib + 1; k < b->shape.rank; k++) stb *= b->shape.dim[k];
        dims[rank] = ys->dim[d];
        ast[rank] = ia >= 0 && a->shape.dim[ia] != 1 ? sta : 0;
        bst[rank] = ib >= 0 && b->shape.dim[ib] != 1 ? stb : 0;
        rank++;
    }
    if (rank == 0) {
        dims[0] = 1;
        ast[0] = bst[0] = 0;
        rank = 1;
    }
    act_range(g, node, &lo, &hi);
    if (add) {
        float twice = 2.0f * (sa > sb ? sa : sb);
        ec_quant_multiplier(r, sa, 1.0f, twice);
        rq[0] = r[0]; rq[1] = r[1];
        ec_quant_multiplier(r, sb, 1.0f, twice);
        rq[2] = r[0]; rq[3] = r[1];
        ec_quant_multiplier(r, twice, 1.0f, sy * 1048576.0f);
        rq[4] = r[0]; rq[5] = r[1];
    } else {
        ec_quant_multiplier(r, sa, sb, sy);
        rq[0] = r[0]; rq[1] = r[1];
    }
    c = ec_emit(L, add ? "ec_s8_add" : "ec_s8_mul");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "a", ec_in_id(g, node, 0));
    ec_arg_in(c, "b", ec_in_id(g, node, 1));
    ec_arg_int(c, "a_zp", need_zp(g, node, "a_zp"));
    ec_arg_int(c, "b_zp", need_zp(g, node, "b_zp"));
    ec_arg_int(c, "y_zp", need_zp(g, node, "y_zp"));
    ec_arg_int(c, "act_min", lo);
    ec_arg_int(c, "act_max", hi);
    ec_arg_int(c, "rank", rank);
    ec_arg_ints(c, "dims", dims, rank);
    ec_arg_ints(c, "a_strides", ast, rank);
    ec_arg_ints(c, "b_strides", bst, rank);
    ec_arg_ints(c, "rq", rq, add ? 6 : 2);
}

/* ---- QAvgPool ------------------------------------------------------------------ */

static void qpool_make(ec_graph *g, int node, int64_t *p, int *nd_out, ec_shape *out)
{
    ec_value *x = need_s8(g, node, 0, "x");
    int nd = x->shape.rank - 2, i;
    int64_t ks[EC_MAX_RANK], st[EC_MAX_RANK], pads[2 * EC_MAX_RANK];
    bool global = ec_attr_int(NODE(g, node), "global", 0) != 0;
    if (nd < 1) ec_fail_node(g, node, "x needs rank >= 3");
    if (global) {
        for (i = 0; i < nd; i++) { ks[i] = x->shape.dim[2 + i]; st[i] = 1; pads[i] = pads[nd + i] = 0; }
    } else {
        attr_n(g, node, "kernel_shape", nd, -1, ks);
        attr_n(g, node, "strides", nd, 1, st);
        attr_n(g, node, "pads", 2 * nd, 0, pads);
    }
    *out = x->shape;
    for (i = 0; i < nd; i++) {
        int64_t span = x->shape.dim[2 + i] + pads[i] + pads[nd + i] - ks[i];
        if (ks[i] < 1 || st[i] < 1 || span < 0 || pads[i] < 0 || pads[nd + i] < 0)
            ec_fail_node(g, node, "bad kernel, stride or padding");
        out->dim[2 + i] = span / st[i] + 1;
        out->sym[2 + i] = NULL;
        p[i] = x->shape.dim[2 + i];
        p[nd + i] = out->dim[2 + i];
        p[2 * nd + i] = ks[i];
        p[3 * nd + i] = st[i];
        p[4 * nd + i] = 1;
        p[5 * nd + i] = pads[i];
        p[6 * nd + i] = pads[nd + i];
    }
    *nd_out = nd;
}

static void infer_qavgpool(ec_graph *g, int node)
{
    int64_t p[7 * EC_MAX_RANK];
    int nd;
    ec_shape out;
    qpool_make(g, node, p, &nd, &out);
    ec_set_out(g, node, 0, EC_DT_INT8, &out);
}

static void lower_qavgpool(ec_graph *g, int node, ec_lowering *L)
{
    int64_t p[7 * EC_MAX_RANK];
    int nd;
    ec_shape out;
    ec_value *x = need_s8(g, node, 0, "x");
    int64_t nc = x->shape.dim[0] * x->shape.dim[1];
    ec_call *c;
    qpool_make(g, node, p, &nd, &out);
    if (ec_attr_int(NODE(g, node), "global", 0)) {
        c = ec_emit(L, "ec_s8_global_avgpool");
        ec_arg_out(c, "y", ec_out_id(g, node, 0));
        ec_arg_in(c, "x", ec_in_id(g, node, 0));
        ec_arg_int(c, "nc", nc);
        ec_arg_int(c, "s", ec_shape_numel(&x->shape) / (nc > 0 ? nc : 1));
        ec_arg_int(c, "x_zp", need_zp(g, node, "x_zp"));
        return;
    }
    c = ec_emit(L, "ec_s8_avgpool");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_int(c, "nc", nc);
    ec_arg_int(c, "count_include_pad", ec_attr_int(NODE(g, node), "count_include_pad", 0) != 0);
    ec_arg_int(c, "x_zp", need_zp(g, node, "x_zp"));
    ec_arg_int(c, "nd", nd);
    ec_arg_ints(c, "p", p, 7 * nd);
}

/* ---- QConcat ------------------------------------------------------------------ */

static int qconcat_axis(ec_graph *g, int node, const float **sc, const int64_t **zp)
{
    const ec_node *n = NODE(g, node);
    ec_value *x0 = need_s8(g, node, 0, "x");
    int axis = ec_axis(g, node, ec_attr_int(n, "axis", 0), x0->shape.rank);
    if (ec_attr_floats(n, "in_scale", sc) != n->nin || ec_attr_ints(n, "in_zp", zp) != n->nin)
        ec_fail_node(g, node, "in_scale and in_zp need one value per input");
    return axis;
}

static void infer_qconcat(ec_graph *g, int node)
{
    const float *sc;
    const int64_t *zp;
    int axis = qconcat_axis(g, node, &sc, &zp), k, d;
    ec_shape out = need_s8(g, node, 0, "x")->shape;
    for (k = 1; k < NODE(g, node)->nin; k++) {
        ec_value *x = need_s8(g, node, k, "x");
        if (x->shape.rank != out.rank) ec_fail_node(g, node, "inputs differ in rank");
        for (d = 0; d < out.rank; d++)
            if (d != axis && x->shape.dim[d] != out.dim[d]) ec_fail_node(g, node, "inputs differ in shape");
        out.dim[axis] += x->shape.dim[axis];
    }
    out.sym[axis] = NULL;
    ec_set_out(g, node, 0, EC_DT_INT8, &out);
}

static void lower_qconcat(ec_graph *g, int node, ec_lowering *L)
{
    const float *sc;
    const int64_t *zp;
    int axis = qconcat_axis(g, node, &sc, &zp), k, d;
    const ec_shape *ys = &g->values.a[ec_out_id(g, node, 0)].shape;
    float sy = need_scale(g, node, "y_scale");
    int32_t yzp = need_zp(g, node, "y_zp");
    int64_t outer = 1, y_inner = 1, off = 0;
    for (d = 0; d < axis; d++) outer *= ys->dim[d];
    for (d = axis; d < ys->rank; d++) y_inner *= ys->dim[d];
    for (k = 0; k < NODE(g, node)->nin; k++) {
        ec_value *x = need_s8(g, node, k, "x");
        int64_t inner = 1, rq[2];
        int32_t r[2];
        ec_call *c;
        for (d = axis; d < x->shape.rank; d++) inner *= x->shape.dim[d];
        if (!(sc[k] > 0) || zp[k] < -128 || zp[k] > 127)
            ec_fail_node(g, node, "in_scale/in_zp %d out of range", k);
        ec_quant_multiplier(r, sc[k], 1.0f, sy);
        rq[0] = r[0];
        rq[1] = r[1];
        c = ec_emit(L, "ec_s8_rescale");
        ec_arg_out(c, "y", ec_out_id(g, node, 0));
        ec_arg_in(c, "x", ec_in_id(g, node, k));
        ec_arg_int(c, "x_zp", zp[k]);
        ec_arg_int(c, "y_zp", yzp);
        ec_arg_int(c, "outer", outer);
        ec_arg_int(c, "inner", inner);
        ec_arg_int(c, "y_inner", y_inner);
        ec_arg_int(c, "off", off);
        ec_arg_ints(c, "rq", rq, 2);
        off += inner;
    }
}

/* ---- tables ------------------------------------------------------------------ */

/* MACs (--report): QConv counts as Conv, QFC as MatMul (ec_macs_matmul). */
static int64_t macs_qconv(const ec_graph *g, int node) { return ec_macs_conv(g, node, 1); }

const ec_opdef ec_ops_qint8[] = {
    { EC_OP("QConv", "edgec", 2, 3, 1, 1, 0, infer_qconv, lower_qconv), .macs = macs_qconv },
    { EC_OP("QFC", "edgec", 2, 3, 1, 1, 0, infer_qfc, lower_qfc), .macs = ec_macs_matmul },
    { EC_OP("QAdd", "edgec", 2, 2, 1, 1, 0, infer_qbinary, lower_qbinary) },
    { EC_OP("QMul", "edgec", 2, 2, 1, 1, 0, infer_qbinary, lower_qbinary) },
    { EC_OP("QAvgPool", "edgec", 1, 1, 1, 1, 0, infer_qavgpool, lower_qavgpool) },
    { EC_OP("QConcat", "edgec", 1, -1, 1, 1, 0, infer_qconcat, lower_qconcat) },
    { 0 }
};

static void thunk_s8_conv(const ec_karg *a)
{
    ec_s8_conv(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i, a[9].i,
               a[10].i, a[11].i, a[12].i, a[13].ip, a[14].ip);
}

static void thunk_s8_dwconv(const ec_karg *a)
{
    ec_s8_dwconv(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i,
                 a[9].i, a[10].i, a[11].ip, a[12].ip);
}

static void thunk_s8_fc(const ec_karg *a)
{
    ec_s8_fc(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i, a[9].i,
             a[10].i, a[11].ip);
}

static void thunk_s8_add(const ec_karg *a)
{
    ec_s8_add(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i, a[9].ip,
              a[10].ip, a[11].ip, a[12].ip);
}

static void thunk_s8_mul(const ec_karg *a)
{
    ec_s8_mul(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i, a[9].ip,
              a[10].ip, a[11].ip, a[12].ip);
}

static void thunk_s8_avgpool(const ec_karg *a)
{
    ec_s8_avgpool(a[0].p, a[1].p, a[2].i, a[3].i, a[4].i, a[5].i, a[6].ip);
}

static void thunk_s8_global_avgpool(const ec_karg *a)
{
    ec_s8_global_avgpool(a[0].p, a[1].p, a[2].i, a[3].i, a[4].i);
}

static void thunk_s8_rescale(const ec_karg *a)
{
    ec_s8_rescale(a[0].p, a[1].p, a[2].i, a[3].i, a[4].i, a[5].i, a[6].i, a[7].i, a[8].ip);
}

#define Q8_K(NAME, sig) { "ec_" #NAME, sig, thunk_##NAME, "ec_qint8.h" }

const ec_kernel ec_kernels_qint8[] = {
    Q8_K(s8_conv, "ppppiiiiiiiiiII"), Q8_K(s8_dwconv, "ppppiiiiiiiII"), Q8_K(s8_fc, "ppppiiiiiiiI"),
    Q8_K(s8_add, "pppiiiiiiIIII"), Q8_K(s8_mul, "pppiiiiiiIIII"),
    Q8_K(s8_avgpool, "ppiiiiI"), Q8_K(s8_global_avgpool, "ppiii"), Q8_K(s8_rescale, "ppiiiiiiI"),
    { 0 }
};
