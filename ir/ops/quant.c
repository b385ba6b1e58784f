/* quant.c - ops of the quant family: shape inference, lowering, kernel table.
 *
 *   QuantizeLinear          ec_quantize_linear_{f32,s32}_{u8,s8}   (per tensor / per axis)
 *   DequantizeLinear        ec_dequantize_linear_{u8,s8,s32}       (per tensor / per axis)
 *   DynamicQuantizeLinear   ec_dynamic_quantize_linear_u8
 *   MatMulInteger           ec_matmul_integer_<a><b>               int32 out
 *   ConvInteger             ec_conv_integer_<x><w>                 int32 out
 *   QLinearMatMul           ec_qlinear_matmul[_rt]_<a><b><y>
 *   QLinearConv             ec_qlinear_conv[_rt]_<x><w><y>
 *
 * The integer ops never go through float: int32 accumulation, then for the
 * QLinear ops a fixed-point requantization (ec_quant.h). When the three
 * scales are compile-time constants the (multiplier, shift) pairs are
 * computed here with the runtime's own ec_quant_multiplier() and passed as an
 * int32 array; otherwise the _rt kernels compute them at the start of the call
 * (same function, same bits).
 *
 * Conv geometry (auto_pad, pads, strides, dilations) is nn.c's ec_win_make, as
 * for Conv, and the kernels take ec_nn.h's window parameter layout.
 */
#include <math.h>
#include <string.h>
#include "ir.h"
#include "ec_quant.h"

/* ---- helpers ------------------------------------------------------------- */

static ec_value *opt_in(ec_graph *g, int node, int k, const char *what)
{
    ec_value *v = ec_in(g, node, k);
    if (v && v->shape.rank < 0) ec_fail_node(g, node, "input %d (%s) has unknown rank", k, what);
    return v;
}

static bool is_q8(ec_dtype t)
{
    return t == EC_DT_UINT8 || t == EC_DT_INT8;
}

static void need_q8(ec_graph *g, int node, const ec_value *v, const char *what)
{
    if (!is_q8(v->dtype))
        ec_fail_node(g, node, "%s has type %s, expected uint8 or int8", what,
                     ec_dtype_name(v->dtype));
}

static void need_type(ec_graph *g, int node, const ec_value *v, ec_dtype t, const char *what)
{
    if (v->dtype != t)
        ec_fail_node(g, node, "%s has type %s, expected %s", what, ec_dtype_name(v->dtype),
                     ec_dtype_name(t));
}

/* Element count of a static shape, or -1. */
static int64_t numel(const ec_value *v)
{
    return ec_shape_is_static(&v->shape) ? ec_shape_numel(&v->shape) : -1;
}

/* A scale / zero point of one element (any rank: [], [1], [1,1] ...). */
static void need_scalar(ec_graph *g, int node, const ec_value *v, const char *what)
{
    if (v && numel(v) != 1)
        ec_fail_node(g, node, "%s must have one element (per-tensor quantization)", what);
}

/* A scale / zero point with 1 or n elements (per tensor or per channel);
 * returns the count. */
static int64_t need_count(ec_graph *g, int node, const ec_value *v, int64_t n, const char *what,
                          const char *per)
{
    int64_t k;
    if (!v) return 1;
    k = numel(v);
    if (k == 1) return 1;
    if (k != n || v->shape.rank < 1)
        ec_fail_node(g, node, "%s has %lld elements, expected 1 or %lld (%s)", what, (long long)k,
                     (long long)n, per);
    return k;
}

/* Scales read at compile time must be usable. */
static void check_scale_const(ec_graph *g, int node, const ec_value *v, const char *what)
{
    int64_t i, n = numel(v);
    for (i = 0; i < n; i++) {
        double s = ec_const_double(v, i);
        if (!(s > 0) || !isfinite(s))
            ec_fail_node(g, node, "%s[%lld] = %g: scales must be positive and finite", what,
                         (long long)i, s);
    }
}

static const char *q8_suffix(ec_dtype t)
{
    return t == EC_DT_UINT8 ? "u8" : "s8";
}

/* ---- QuantizeLinear / DequantizeLinear ------------------------------------ */

/* x, scale, zero point of a (de)quantize node, and its (outer, ch, inner) view. */
typedef struct qinfo {
    ec_value *x, *scale, *zp;
    ec_dtype qt;                            /* quantized type (y of Quantize, x of Dequantize) */
    int64_t outer, ch, inner;
} qinfo;

static void qinfo_make(ec_graph *g, int node, bool quantize, qinfo *q)
{
    const ec_node *n = NODE(g, node);
    int64_t ns, i;
    int axis;
    q->x = ec_need_in(g, node, 0, "x");
    q->scale = ec_need_in(g, node, 1, quantize ? "y_scale" : "x_scale");
    q->zp = opt_in(g, node, 2, quantize ? "y_zero_point" : "x_zero_point");
    if (ec_attr_int(n, "block_size", 0) != 0)
        ec_fail_node(g, node, "blocked quantization (block_size) is not supported");
    need_type(g, node, q->scale, EC_DT_FLOAT, "the scale");
    if (quantize) {
        int64_t odt = ec_attr_int(n, "output_dtype", 0);
        if (q->x->dtype != EC_DT_FLOAT && q->x->dtype != EC_DT_INT32)
            ec_fail_node(g, node, "x has type %s, expected float or int32",
                         ec_dtype_name(q->x->dtype));
        q->qt = q->zp ? q->zp->dtype : odt ? (ec_dtype)odt : EC_DT_UINT8;
        if (odt && odt != q->qt)
            ec_fail_node(g, node, "output_dtype %s differs from the zero point's type %s",
                         ec_dtype_name((ec_dtype)odt), ec_dtype_name(q->qt));
        if (!is_q8(q->qt))
            ec_fail_node(g, node, "quantizing to %s is not supported (uint8 or int8)",
                         ec_dtype_name(q->qt));
    } else {
        q->qt = q->x->dtype;
        if (!is_q8(q->qt) && q->qt != EC_DT_INT32)
            ec_fail_node(g, node, "x has type %s, expected uint8, int8 or int32",
                         ec_dtype_name(q->qt));
        if (q->zp) need_type(g, node, q->zp, q->qt, "the zero point");
    }
    if (q->zp && !ec_shape_eq(&q->zp->shape, &q->scale->shape) && numel(q->zp) != numel(q->scale))
        ec_fail_node(g, node, "the zero point and the scale must have the same shape");
    if (!ec_shape_is_static(&q->x->shape) || !ec_shape_is_static(&q->scale->shape))
        ec_fail_node(g, node, "x and the scale need static shapes");
    ns = numel(q->scale);
    if (ns == 1) {
        q->outer = ec_shape_numel(&q->x->shape);
        q->ch = q->inner = 1;
        return;
    }
    if (q->scale->shape.rank != 1)
        ec_fail_node(g, node, "the scale must be a scalar or 1-D (blocked quantization is not supported)");
    if (q->x->shape.rank < 1) ec_fail_node(g, node, "per-axis quantization of a scalar");
    axis = ec_axis(g, node, ec_attr_int(n, "axis", 1), q->x->shape.rank);
    if (q->x->shape.dim[axis] != ns)
        ec_fail_node(g, node, "the scale has %lld elements, x has %lld along axis %d",
                     (long long)ns, (long long)q->x->shape.dim[axis], axis);
    q->outer = q->inner = 1;
    for (i = 0; i < axis; i++) q->outer *= q->x->shape.dim[i];
    for (i = axis + 1; i < q->x->shape.rank; i++) q->inner *= q->x->shape.dim[i];
    q->ch = ns;
}

static void infer_quantize(ec_graph *g, int node)
{
    qinfo q;
    qinfo_make(g, node, true, &q);
    ec_set_out(g, node, 0, q.qt, &q.x->shape);
}

static void infer_dequantize(ec_graph *g, int node)
{
    qinfo q;
    qinfo_make(g, node, false, &q);
    ec_set_out(g, node, 0, EC_DT_FLOAT, &q.x->shape);
}

static void lower_qdq(ec_graph *g, int node, ec_lowering *L, bool quantize)
{
    qinfo q;
    ec_call *c;
    qinfo_make(g, node, quantize, &q);
    if (quantize)
        c = ec_emit(L, ec_fmt("ec_quantize_linear_%s_%s", ec_dtype_suffix(q.x->dtype),
                              q8_suffix(q.qt)));
    else
        c = ec_emit(L, ec_fmt("ec_dequantize_linear_%s", ec_dtype_suffix(q.qt)));
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_in(c, "scale", ec_in_id(g, node, 1));
    ec_arg_in(c, "zp", q.zp ? ec_in_id(g, node, 2) : -1);
    ec_arg_int(c, "outer", q.outer);
    ec_arg_int(c, "ch", q.ch);
    ec_arg_int(c, "inner", q.inner);
}

static void lower_quantize(ec_graph *g, int node, ec_lowering *L) { lower_qdq(g, node, L, true); }
static void lower_dequantize(ec_graph *g, int node, ec_lowering *L) { lower_qdq(g, node, L, false); }

/* ---- DynamicQuantizeLinear -------------------------------------------------- */

static void infer_dynquant(ec_graph *g, int node)
{
    ec_value *x = ec_need_in(g, node, 0, "x");
    ec_shape scalar = ec_shape_make(0, NULL);
    need_type(g, node, x, EC_DT_FLOAT, "x");
    ec_set_out(g, node, 0, EC_DT_UINT8, &x->shape);
    ec_set_out(g, node, 1, EC_DT_FLOAT, &scalar);
    ec_set_out(g, node, 2, EC_DT_UINT8, &scalar);
}

static void lower_dynquant(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = ec_need_in(g, node, 0, "x");
    ec_call *c;
    c = ec_emit(L, "ec_dynamic_quantize_linear_u8");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    if (ec_out_id(g, node, 1) >= 0) ec_arg_out(c, "y_scale", ec_out_id(g, node, 1));
    else ec_arg_in(c, "y_scale", -1);
    if (ec_out_id(g, node, 2) >= 0) ec_arg_out(c, "y_zp", ec_out_id(g, node, 2));
    else ec_arg_in(c, "y_zp", -1);
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_int(c, "n", ec_shape_numel(&x->shape));
}

/* ---- matrix products ---------------------------------------------------------- */

/* numpy.matmul shapes of a (input ka) and b (input kb). */
static void mm_info_make(ec_graph *g, int node, int ka, int kb, ec_mm_info *mi)
{
    ec_value *a = ec_need_in(g, node, ka, "A"), *b = ec_need_in(g, node, kb, "B");
    need_q8(g, node, a, "A");
    need_q8(g, node, b, "B");
    if (!ec_shape_is_static(&a->shape) || !ec_shape_is_static(&b->shape))
        ec_fail_node(g, node, "operands need static shapes");
    ec_mm_info_make(g, node, a, b, mi);
}

/* MatMulInteger(A, B, a_zero_point?, b_zero_point?) */
static void mmi_check(ec_graph *g, int node, ec_mm_info *mi, int64_t *an, int64_t *bn)
{
    ec_value *az = opt_in(g, node, 2, "a_zero_point"), *bz = opt_in(g, node, 3, "b_zero_point");
    mm_info_make(g, node, 0, 1, mi);
    if (az) need_type(g, node, az, mi->a->dtype, "a_zero_point");
    if (bz) need_type(g, node, bz, mi->b->dtype, "b_zero_point");
    *an = need_count(g, node, az, mi->M, "a_zero_point", "per row of A");
    *bn = need_count(g, node, bz, mi->N, "b_zero_point", "per column of B");
}

static void infer_matmul_integer(ec_graph *g, int node)
{
    ec_mm_info mi;
    int64_t an, bn;
    mmi_check(g, node, &mi, &an, &bn);
    ec_set_out(g, node, 0, EC_DT_INT32, &mi.out);
}

static void lower_matmul_integer(ec_graph *g, int node, ec_lowering *L)
{
    ec_mm_info mi;
    int64_t an, bn, M, p[3 * EC_MAX_RANK];
    int r, np;
    ec_call *c;
    mmi_check(g, node, &mi, &an, &bn);
    np = ec_mm_params(&mi, an == 1, &M, &r, p);
    c = ec_emit(L, ec_fmt("ec_matmul_integer_%s%s", q8_suffix(mi.a->dtype), q8_suffix(mi.b->dtype)));
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "a", ec_in_id(g, node, 0));
    ec_arg_in(c, "b", ec_in_id(g, node, 1));
    ec_arg_in(c, "a_zp", ec_in_id(g, node, 2));
    ec_arg_in(c, "b_zp", ec_in_id(g, node, 3));
    ec_arg_int(c, "M", M);
    ec_arg_int(c, "N", mi.N);
    ec_arg_int(c, "K", mi.K);
    ec_arg_int(c, "a_zp_n", an);
    ec_arg_int(c, "b_zp_n", bn);
    ec_arg_int(c, "r", r);
    ec_arg_ints(c, "p", p, np);
}

/* The three scales of a QLinear node (inputs sx, sw, sy) as compile-time
 * (multiplier, shift) pairs, nq of them; false when one is not a constant. */
static bool const_multipliers(ec_graph *g, int node, int sx, int sw, int sy, int64_t nq,
                              int64_t *rq)
{
    ec_value *x = ec_in(g, node, sx), *w = ec_in(g, node, sw), *y = ec_in(g, node, sy);
    int64_t k;
    if (!x->data || !w->data || !y->data) return false;
    check_scale_const(g, node, x, x->name);
    check_scale_const(g, node, w, w->name);
    check_scale_const(g, node, y, y->name);
    for (k = 0; k < nq; k++) {
        int32_t m[2];
        ec_quant_multiplier(m, (float)ec_const_double(x, 0), (float)ec_const_double(w, nq == 1 ? 0 : k),
                            (float)ec_const_double(y, 0));
        rq[2 * k] = m[0];
        rq[2 * k + 1] = m[1];
    }
    return true;
}

/* QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp) */
static void qmm_check(ec_graph *g, int node, ec_mm_info *mi, int64_t *bn)
{
    ec_value *as = ec_need_in(g, node, 1, "a_scale"), *az = ec_need_in(g, node, 2, "a_zero_point");
    ec_value *bs = ec_need_in(g, node, 4, "b_scale"), *bz = ec_need_in(g, node, 5, "b_zero_point");
    ec_value *ys = ec_need_in(g, node, 6, "y_scale"), *yz = ec_need_in(g, node, 7, "y_zero_point");
    mm_info_make(g, node, 0, 3, mi);
    need_type(g, node, as, EC_DT_FLOAT, "a_scale");
    need_type(g, node, bs, EC_DT_FLOAT, "b_scale");
    need_type(g, node, ys, EC_DT_FLOAT, "y_scale");
    need_type(g, node, az, mi->a->dtype, "a_zero_point");
    need_type(g, node, bz, mi->b->dtype, "b_zero_point");
    need_q8(g, node, yz, "y_zero_point");
    if (numel(as) != 1 || numel(az) != 1)
        ec_fail_node(g, node, "per-row quantization of a is not supported (a_scale and a_zero_point must have one element)");
    if (numel(ys) != 1 || numel(yz) != 1)
        ec_fail_node(g, node, "y_scale and y_zero_point must have one element");
    *bn = need_count(g, node, bs, mi->N, "b_scale", "per column of b");
    if (numel(bz) != *bn)
        ec_fail_node(g, node, "b_zero_point must have b_scale's %lld elements", (long long)*bn);
}

static void infer_qlinear_matmul(ec_graph *g, int node)
{
    ec_mm_info mi;
    int64_t bn;
    qmm_check(g, node, &mi, &bn);
    ec_set_out(g, node, 0, ec_in(g, node, 7)->dtype, &mi.out);
}

static void lower_qlinear_matmul(ec_graph *g, int node, ec_lowering *L)
{
    ec_mm_info mi;
    int64_t bn, M, p[3 * EC_MAX_RANK], *rq;
    int r, np;
    bool cst;
    ec_call *c;
    const char *types;
    qmm_check(g, node, &mi, &bn);
    np = ec_mm_params(&mi, true, &M, &r, p);
    rq = ec_alloc(sizeof(int64_t) * (size_t)(2 * bn));
    cst = const_multipliers(g, node, 1, 4, 6, bn, rq);
    types = ec_fmt("%s%s%s", q8_suffix(mi.a->dtype), q8_suffix(mi.b->dtype),
                   q8_suffix(ec_in(g, node, 7)->dtype));
    c = ec_emit(L, ec_fmt(cst ? "ec_qlinear_matmul_%s" : "ec_qlinear_matmul_rt_%s", types));
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_scratch(c, cst ? "acc" : "work",
                   4 * (cst ? mi.N : EC_QLINEAR_MATMUL_WORK(mi.N, bn)));
    ec_arg_in(c, "a", ec_in_id(g, node, 0));
    ec_arg_in(c, "b", ec_in_id(g, node, 3));
    ec_arg_in(c, "a_zp", ec_in_id(g, node, 2));
    ec_arg_in(c, "b_zp", ec_in_id(g, node, 5));
    ec_arg_in(c, "y_zp", ec_in_id(g, node, 7));
    if (!cst) {
        ec_arg_in(c, "a_scale", ec_in_id(g, node, 1));
        ec_arg_in(c, "b_scale", ec_in_id(g, node, 4));
        ec_arg_in(c, "y_scale", ec_in_id(g, node, 6));
    }
    ec_arg_int(c, "M", M);
    ec_arg_int(c, "N", mi.N);
    ec_arg_int(c, "K", mi.K);
    ec_arg_int(c, "bn", bn);
    ec_arg_int(c, "r", r);
    if (cst) ec_arg_ints(c, "rq", rq, (int)(2 * bn));
    ec_arg_ints(c, "p", p, np);
    ec_free(rq);
}

/* ---- convolutions ------------------------------------------------------------- */

typedef struct conv_info {
    ec_value *x, *w;
    int64_t n, c, m, group;
    ec_win win;
} conv_info;

/* Conv geometry of x (input kx) and w (input kw), ONNX Conv rules (nn.c's
 * ec_win_make). */
static void conv_info_make(ec_graph *g, int node, int kx, int kw, conv_info *ci)
{
    const ec_node *n = NODE(g, node);
    int64_t kshape[EC_MAX_RANK];
    int i, rank;
    ci->x = ec_need_in(g, node, kx, "x");
    ci->w = ec_need_in(g, node, kw, "w");
    need_q8(g, node, ci->x, "x");
    need_q8(g, node, ci->w, "w");
    rank = ci->x->shape.rank;
    if (rank < 3) ec_fail_node(g, node, "x needs rank >= 3 (N, C, spatial...), got %d", rank);
    if (ci->w->shape.rank != rank)
        ec_fail_node(g, node, "w has rank %d, expected %d like x", ci->w->shape.rank, rank);
    if (!ec_shape_is_static(&ci->x->shape) || !ec_shape_is_static(&ci->w->shape))
        ec_fail_node(g, node, "x and w need static shapes");
    ci->group = ec_attr_int(n, "group", 1);
    if (ci->group < 1 || ci->group > INT32_MAX)
        ec_fail_node(g, node, "group %lld is invalid", (long long)ci->group);
    ci->n = ci->x->shape.dim[0];
    ci->c = ci->x->shape.dim[1];
    ci->m = ci->w->shape.dim[0];
    if (ci->c % ci->group || ci->m % ci->group || ci->m < 1)
        ec_fail_node(g, node, "channels %lld -> %lld do not split into %lld groups",
                     (long long)ci->c, (long long)ci->m, (long long)ci->group);
    if (ci->w->shape.dim[1] * ci->group != ci->c)
        ec_fail_node(g, node, "w has %lld input channels per group, x has %lld channels in %lld groups",
                     (long long)ci->w->shape.dim[1], (long long)ci->c, (long long)ci->group);
    for (i = 0; i < rank - 2; i++) kshape[i] = ci->w->shape.dim[2 + i];
    ec_win_make(g, node, &ci->x->shape, kshape, EC_WIN_CONV, &ci->win);
}

static int64_t conv_osz(const conv_info *ci)
{
    int64_t o = 1;
    int i;
    for (i = 0; i < ci->win.nd; i++) o *= ci->win.out[i];
    return o;
}

/* ConvInteger(x, w, x_zero_point?, w_zero_point?) */
static void convi_check(ec_graph *g, int node, conv_info *ci, int64_t *wn)
{
    ec_value *xz = opt_in(g, node, 2, "x_zero_point"), *wz = opt_in(g, node, 3, "w_zero_point");
    conv_info_make(g, node, 0, 1, ci);
    if (xz) need_type(g, node, xz, ci->x->dtype, "x_zero_point");
    if (wz) need_type(g, node, wz, ci->w->dtype, "w_zero_point");
    need_scalar(g, node, xz, "x_zero_point");
    *wn = need_count(g, node, wz, ci->m, "w_zero_point", "per output channel");
}

static void infer_conv_integer(ec_graph *g, int node)
{
    conv_info ci;
    ec_shape s;
    int64_t wn;
    convi_check(g, node, &ci, &wn);
    s = ec_win_out_shape(&ci.x->shape, ci.m, &ci.win);
    ec_set_out(g, node, 0, EC_DT_INT32, &s);
}

static void lower_conv_integer(ec_graph *g, int node, ec_lowering *L)
{
    conv_info ci;
    int64_t wn, p[7 * EC_MAX_RANK];
    ec_call *c;
    convi_check(g, node, &ci, &wn);
    ec_win_params(&ci.win, p);
    c = ec_emit(L, ec_fmt("ec_conv_integer_%s%s", q8_suffix(ci.x->dtype), q8_suffix(ci.w->dtype)));
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_in(c, "w", ec_in_id(g, node, 1));
    ec_arg_in(c, "x_zp", ec_in_id(g, node, 2));
    ec_arg_in(c, "w_zp", ec_in_id(g, node, 3));
    ec_arg_int(c, "n", ci.n);
    ec_arg_int(c, "c", ci.c);
    ec_arg_int(c, "m", ci.m);
    ec_arg_int(c, "group", ci.group);
    ec_arg_int(c, "w_zp_n", wn);
    ec_arg_int(c, "nd", ci.win.nd);
    ec_arg_ints(c, "p", p, 7 * ci.win.nd);
}

/* QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B?) */
static void qconv_check(ec_graph *g, int node, conv_info *ci, int64_t *wn)
{
    ec_value *xs = ec_need_in(g, node, 1, "x_scale"), *xz = ec_need_in(g, node, 2, "x_zero_point");
    ec_value *ws = ec_need_in(g, node, 4, "w_scale"), *wz = ec_need_in(g, node, 5, "w_zero_point");
    ec_value *ys = ec_need_in(g, node, 6, "y_scale"), *yz = ec_need_in(g, node, 7, "y_zero_point");
    ec_value *b = opt_in(g, node, 8, "B");
    conv_info_make(g, node, 0, 3, ci);
    need_type(g, node, xs, EC_DT_FLOAT, "x_scale");
    need_type(g, node, ws, EC_DT_FLOAT, "w_scale");
    need_type(g, node, ys, EC_DT_FLOAT, "y_scale");
    need_type(g, node, xz, ci->x->dtype, "x_zero_point");
    need_type(g, node, wz, ci->w->dtype, "w_zero_point");
    need_q8(g, node, yz, "y_zero_point");
    need_scalar(g, node, xs, "x_scale");
    need_scalar(g, node, xz, "x_zero_point");
    need_scalar(g, node, ys, "y_scale");
    need_scalar(g, node, yz, "y_zero_point");
    *wn = need_count(g, node, ws, ci->m, "w_scale", "per output channel");
    if (numel(wz) != *wn)
        ec_fail_node(g, node, "w_zero_point must have w_scale's %lld elements", (long long)*wn);
    if (b) {
        need_type(g, node, b, EC_DT_INT32, "B");
        if (numel(b) != ci->m || b->shape.rank != 1)
            ec_fail_node(g, node, "B must have shape [%lld]", (long long)ci->m);
    }
}

static void infer_qlinear_conv(ec_graph *g, int node)
{
    conv_info ci;
    ec_shape s;
    int64_t wn;
    qconv_check(g, node, &ci, &wn);
    s = ec_win_out_shape(&ci.x->shape, ci.m, &ci.win);
    ec_set_out(g, node, 0, ec_in(g, node, 7)->dtype, &s);
}

static void lower_qlinear_conv(ec_graph *g, int node, ec_lowering *L)
{
    conv_info ci;
    int64_t wn, osz, p[7 * EC_MAX_RANK], *rq;
    bool cst;
    ec_call *c;
    const char *types;
    qconv_check(g, node, &ci, &wn);
    ec_win_params(&ci.win, p);
    osz = conv_osz(&ci);
    rq = ec_alloc(sizeof(int64_t) * (size_t)(2 * wn));
    cst = const_multipliers(g, node, 1, 4, 6, wn, rq);
    types = ec_fmt("%s%s%s", q8_suffix(ci.x->dtype), q8_suffix(ci.w->dtype),
                   q8_suffix(ec_in(g, node, 7)->dtype));
    c = ec_emit(L, ec_fmt(cst ? "ec_qlinear_conv_%s" : "ec_qlinear_conv_rt_%s", types));
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_scratch(c, cst ? "acc" : "work", 4 * (cst ? osz : EC_QLINEAR_CONV_WORK(osz, wn)));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_in(c, "w", ec_in_id(g, node, 3));
    ec_arg_in(c, "bias", ec_in_id(g, node, 8));
    ec_arg_in(c, "x_zp", ec_in_id(g, node, 2));
    ec_arg_in(c, "w_zp", ec_in_id(g, node, 5));
    ec_arg_in(c, "y_zp", ec_in_id(g, node, 7));
    if (!cst) {
        ec_arg_in(c, "x_scale", ec_in_id(g, node, 1));
        ec_arg_in(c, "w_scale", ec_in_id(g, node, 4));
        ec_arg_in(c, "y_scale", ec_in_id(g, node, 6));
    }
    ec_arg_int(c, "n", ci.n);
    ec_arg_int(c, "c", ci.c);
    ec_arg_int(c, "m", ci.m);
    ec_arg_int(c, "group", ci.group);
    ec_arg_int(c, "wn", wn);
    ec_arg_int(c, "nd", ci.win.nd);
    if (cst) ec_arg_ints(c, "rq", rq, (int)(2 * wn));
    ec_arg_ints(c, "p", p, 7 * ci.win.nd);
    ec_free(rq);
}

/* ---- tables ------------------------------------------------------------------ */

/* MACs (--report): MatMulInteger counts as MatMul (ec_macs_matmul); the two
 * convolutions as Conv, their W being input 1 (ConvInteger: x, w, x_zero_point,
 * w_zero_point) or input 3 (QLinearConv: x, x_scale, x_zero_point, w, ...). */
static int64_t macs_conv_integer(const ec_graph *g, int node) { return ec_macs_conv(g, node, 1); }
static int64_t macs_qlinear_conv(const ec_graph *g, int node) { return ec_macs_conv(g, node, 3); }

const ec_opdef ec_ops_quant[] = {
    { EC_OP("QuantizeLinear", "", 2, 3, 1, 1, 0, infer_quantize, lower_quantize) },
    { EC_OP("DequantizeLinear", "", 2, 3, 1, 1, 0, infer_dequantize, lower_dequantize) },
    { EC_OP("DynamicQuantizeLinear", "", 1, 1, 3, 3, 0, infer_dynquant, lower_dynquant) },
    { EC_OP("MatMulInteger", "", 2, 4, 1, 1, 0, infer_matmul_integer, lower_matmul_integer), .macs = ec_macs_matmul },
    { EC_OP("ConvInteger", "", 2, 4, 1, 1, 0, infer_conv_integer, lower_conv_integer), .macs = macs_conv_integer },
    { EC_OP("QLinearMatMul", "", 8, 8, 1, 1, 0, infer_qlinear_matmul, lower_qlinear_matmul) },
    { EC_OP("QLinearConv", "", 8, 9, 1, 1, 0, infer_qlinear_conv, lower_qlinear_conv), .macs = macs_qlinear_conv },
    { 0 }
};

/* thunks: argument order as emitted by the lower functions above */
#define Q_THUNK_QDQ(NAME) \
static void thunk_##NAME(const ec_karg *a) \
{ \
    ec_##NAME(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].i); \
}
Q_THUNK_QDQ(quantize_linear_f32_u8)
Q_THUNK_QDQ(quantize_linear_f32_s8)
Q_THUNK_QDQ(quantize_linear_s32_u8)
Q_THUNK_QDQ(quantize_linear_s32_s8)
Q_THUNK_QDQ(dequantize_linear_u8)
Q_THUNK_QDQ(dequantize_linear_s8)
Q_THUNK_QDQ(dequantize_linear_s32)

static void thunk_dynamic_quantize_linear_u8(const ec_karg *a)
{
    ec_dynamic_quantize_linear_u8(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i);
}

#define Q_THUNK_INT(S) \
static void thunk_matmul_integer_##S(const ec_karg *a) \
{ \
    ec_matmul_integer_##S(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].i, a[6].i, a[7].i, \
                          a[8].i, a[9].i, a[10].i, a[11].ip); \
} \
static void thunk_conv_integer_##S(const ec_karg *a) \
{ \
    ec_conv_integer_##S(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].i, a[6].i, a[7].i, \
                        a[8].i, a[9].i, a[10].i, a[11].ip); \
}
Q_THUNK_INT(u8u8)
Q_THUNK_INT(u8s8)
Q_THUNK_INT(s8u8)
Q_THUNK_INT(s8s8)

#define Q_THUNK_QLINEAR(S) \
static void thunk_qlinear_matmul_##S(const ec_karg *a) \
{ \
    ec_qlinear_matmul_##S(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].p, a[6].p, a[7].i, \
                          a[8].i, a[9].i, a[10].i, a[11].i, a[12].ip, a[13].ip); \
} \
static void thunk_qlinear_matmul_rt_##S(const ec_karg *a) \
{ \
    ec_qlinear_matmul_rt_##S(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].p, a[6].p, a[7].p, \
                             a[8].p, a[9].p, a[10].i, a[11].i, a[12].i, a[13].i, a[14].i, \
                             a[15].ip); \
} \
static void thunk_qlinear_conv_##S(const ec_karg *a) \
{ \
    ec_qlinear_conv_##S(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].p, a[6].p, a[7].p, \
                        a[8].i, a[9].i, a[10].i, a[11].i, a[12].i, a[13].i, a[14].ip, \
                        a[15].ip); \
} \
static void thunk_qlinear_conv_rt_##S(const ec_karg *a) \
{ \
    ec_qlinear_conv_rt_##S(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].p, a[6].p, a[7].p, \
                           a[8].p, a[9].p, a[10].p, a[11].i, a[12].i, a[13].i, a[14].i, \
                           a[15].i, a[16].i, a[17].ip); \
}
Q_THUNK_QLINEAR(u8u8u8)
Q_THUNK_QLINEAR(u8u8s8)
Q_THUNK_QLINEAR(u8s8u8)
Q_THUNK_QLINEAR(u8s8s8)
Q_THUNK_QLINEAR(s8u8u8)
Q_THUNK_QLINEAR(s8u8s8)
Q_THUNK_QLINEAR(s8s8u8)
Q_THUNK_QLINEAR(s8s8s8)

#define Q_K(NAME, sig) { "ec_" #NAME, sig, thunk_##NAME, "ec_quant.h" }
#define Q_K_INT(S) Q_K(matmul_integer_##S, "pppppiiiiiiI"), Q_K(conv_integer_##S, "pppppiiiiiiI")
#define Q_K_QLINEAR(S) Q_K(qlinear_matmul_##S, "pppppppiiiiiII"), Q_K(qlinear_matmul_rt_##S, "ppppppppppiiiiiI"), \
    Q_K(qlinear_conv_##S, "ppppppppiiiiiiII"), Q_K(qlinear_conv_rt_##S, "pppppppppppiiiiiiI")

const ec_kernel ec_kernels_quant[] = {
    Q_K(quantize_linear_f32_u8, "ppppiii"),
    Q_K(quantize_linear_f32_s8, "ppppiii"),
    Q_K(quantize_linear_s32_u8, "ppppiii"),
    Q_K(quantize_linear_s32_s8, "ppppiii"),
    Q_K(dequantize_linear_u8, "ppppiii"),
    Q_K(dequantize_linear_s8, "ppppiii"),
    Q_K(dequantize_linear_s32, "ppppiii"),
    Q_K(dynamic_quantize_linear_u8, "ppppi"),
    Q_K_INT(u8u8), Q_K_INT(u8s8), Q_K_INT(s8u8), Q_K_INT(s8s8),
    Q_K_QLINEAR(u8u8u8), Q_K_QLINEAR(u8u8s8), Q_K_QLINEAR(u8s8u8), Q_K_QLINEAR(u8s8s8),
    Q_K_QLINEAR(s8u8u8), Q_K_QLINEAR(s8u8s8), Q_K_QLINEAR(s8s8u8), Q_K_QLINEAR(s8s8s8),
    { 0 }
};
