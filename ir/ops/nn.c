/* nn.c - ops of the nn family: shape inference, lowering, kernel table.
 *
 *   Conv ConvTranspose                       ec_conv_f32 ec_conv_transpose_f32
 *   MaxPool AveragePool LpPool (+ Global*)   ec_maxpool_* ec_avgpool_f32 ec_lppool_f32 ...
 *   BatchNormalization InstanceNormalization LayerNormalization LRN
 *   MeanVarianceNormalization                ec_batchnorm_f32 ... ec_mvn_f32
 *   MatMul Gemm Einsum                       ec_matmul_* ec_gemm_* ec_einsum_*
 *   MaxUnpool                                ec_maxunpool_f32
 *
 * Window geometry (kernel, strides, dilations, pads, auto_pad, ceil_mode) is
 * computed by one function, ec_win_make(), used by both infer and lower so the
 * two cannot disagree.
 */
#include <string.h>
#include "ir.h"
#include "ec_nn.h"

/* ---- small helpers ------------------------------------------------------- */

static void need_dtype(ec_graph *g, int node, const ec_value *v, const char *what,
                       const ec_dtype *ok, int nok)
{
    int i;
    for (i = 0; i < nok; i++)
        if (v->dtype == ok[i]) return;
    ec_fail_node(g, node, "%s has unsupported type %s", what, ec_dtype_name(v->dtype));
}

static const ec_dtype DT_F32[] = { EC_DT_FLOAT };
static const ec_dtype DT_F32_F64[] = { EC_DT_FLOAT, EC_DT_DOUBLE };
static const ec_dtype DT_MAXPOOL[] = { EC_DT_FLOAT, EC_DT_UINT8, EC_DT_INT8 };

static void same_dtype(ec_graph *g, int node, const ec_value *a, const ec_value *b, const char *what)
{
    if (a->dtype != b->dtype)
        ec_fail_node(g, node, "%s has type %s, expected %s", what, ec_dtype_name(b->dtype),
                     ec_dtype_name(a->dtype));
}

static int64_t prod_dims(const ec_shape *s, int from, int to)
{
    int64_t p = 1;
    int i;
    for (i = from; i < to; i++) {
        if (s->dim[i] < 0) return -1;
        p *= s->dim[i];
    }
    return p;
}

static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

/* Integer list attribute with exactly want entries, or the default when absent. */
static void attr_ints_n(ec_graph *g, int node, const char *name, int want, int64_t dflt,
                        int64_t *out)
{
    const int64_t *v;
    int n = ec_attr_ints(NODE(g, node), name, &v), i;
    if (n < 0) {
        for (i = 0; i < want; i++) out[i] = dflt;
        return;
    }
    if (n != want) ec_fail_node(g, node, "attribute '%s' has %d values, expected %d", name, n, want);
    for (i = 0; i < want; i++) out[i] = v[i];
}

/* ---- window geometry ------------------------------------------------------ */

/* ec_win, ec_win_make, ec_win_params, ec_win_out_shape: see ir.h (quant.c's
 * ConvInteger and QLinearConv use them too). */
void ec_win_make(ec_graph *g, int node, const ec_shape *xs, const int64_t *kshape, int kind,
                 ec_win *w)
{
    const ec_node *n = NODE(g, node);
    const char *ap = ec_attr_string(n, "auto_pad", "NOTSET");
    const int nd = xs->rank - 2;
    const bool ceil_mode = kind == EC_WIN_POOL && ec_attr_int(n, "ceil_mode", 0) != 0;
    int64_t pads[2 * EC_MAX_RANK], opad[EC_MAX_RANK], oshape[EC_MAX_RANK];
    bool have_oshape = false;
    int i;

    if (nd < 1) ec_fail_node(g, node, "input needs rank >= 3 (N, C, spatial...), got %d", xs->rank);
    memset(w, 0, sizeof *w);
    w->nd = nd;
    if (ap[0] == '\0') ap = "NOTSET";
    if (strcmp(ap, "NOTSET") && strcmp(ap, "SAME_UPPER") && strcmp(ap, "SAME_LOWER") &&
        strcmp(ap, "VALID"))
        ec_fail_node(g, node, "unknown auto_pad '%s'", ap);

    {
        const int64_t *ka;
        int kn = ec_attr_ints(n, "kernel_shape", &ka);
        if (kn >= 0 && kn != nd)
            ec_fail_node(g, node, "kernel_shape has %d values, expected %d", kn, nd);
        for (i = 0; i < nd; i++) {
            if (kshape) {
                if (kn >= 0 && ka[i] != kshape[i])
                    ec_fail_node(g, node, "kernel_shape[%d] = %lld does not match W's %lld", i,
                                 (long long)ka[i], (long long)kshape[i]);
                w->k[i] = kshape[i];
            } else {
                if (kn < 0) ec_fail_node(g, node, "missing attribute 'kernel_shape'");
                w->k[i] = ka[i];
            }
            if (w->k[i] < 1) ec_fail_node(g, node, "kernel size %lld < 1", (long long)w->k[i]);
        }
    }
    attr_ints_n(g, node, "strides", nd, 1, w->s);
    attr_ints_n(g, node, "dilations", nd, 1, w->d);
    attr_ints_n(g, node, "pads", 2 * nd, 0, pads);
    for (i = 0; i < nd; i++) {
        if (w->s[i] < 1) ec_fail_node(g, node, "stride %lld < 1", (long long)w->s[i]);
        if (w->d[i] < 1) ec_fail_node(g, node, "dilation %lld < 1", (long long)w->d[i]);
        if (w->k[i] > INT32_MAX || w->s[i] > INT32_MAX || w->d[i] > INT32_MAX ||
            (w->k[i] - 1) * w->d[i] + 1 > INT32_MAX)
            ec_fail_node(g, node, "kernel, stride or dilation too large");
        w->pb[i] = pads[i];
        w->pe[i] = pads[nd + i];
        if (strcmp(ap, "NOTSET") == 0 && (w->pb[i] < 0 || w->pe[i] < 0) && kind != EC_WIN_CONVT)
            ec_fail_node(g, node, "negative pads are not supported");
        if (w->pb[i] > INT32_MAX || w->pe[i] > INT32_MAX)
            ec_fail_node(g, node, "pads too large");
        w->in[i] = xs->dim[2 + i];
    }
    if (kind == EC_WIN_CONVT) {
        const int64_t *os;
        int on = ec_attr_ints(n, "output_shape", &os);
        attr_ints_n(g, node, "output_padding", nd, 0, opad);
        if (on >= 0) {
            if (on != nd && on != nd + 2)
                ec_fail_node(g, node, "output_shape has %d values, expected %d", on, nd);
            for (i = 0; i < nd; i++) oshape[i] = os[on - nd + i];
            have_oshape = true;
        }
    }

    for (i = 0; i < nd; i++) {
        const int64_t in = w->in[i], k = w->k[i], s = w->s[i], d = w->d[i];
        const int64_t eff = (k - 1) * d + 1;
        int64_t out;
        if (in < 0) { w->out[i] = -1; continue; }
        if (kind == EC_WIN_CONVT) {
            const int64_t full = s * (in - 1) + opad[i] + eff;
            if (opad[i] < 0 || (opad[i] >= s && opad[i] >= d))
                ec_fail_node(g, node, "output_padding %lld must be less than stride or dilation",
                             (long long)opad[i]);
            if (have_oshape || strncmp(ap, "SAME", 4) == 0) {
                int64_t total;
                out = have_oshape ? oshape[i] : in * s;
                total = full - out;
                if (strcmp(ap, "SAME_UPPER") == 0) w->pb[i] = floordiv(total, 2);
                else w->pb[i] = total - floordiv(total, 2);
                w->pe[i] = total - w->pb[i];
            } else if (strcmp(ap, "VALID") == 0) {
                w->pb[i] = w->pe[i] = 0;
                out = full;
            } else {
                out = full - w->pb[i] - w->pe[i];
            }
            if (w->pb[i] > INT32_MAX || w->pb[i] < -INT32_MAX)
                ec_fail_node(g, node, "pads too large");
        } else if (strcmp(ap, "VALID") == 0) {
            w->pb[i] = w->pe[i] = 0;
            out = in >= eff ? (in - eff) / s + 1 : 0;
        } else if (strncmp(ap, "SAME", 4) == 0) {
            int64_t total;
            out = (in + s - 1) / s;
            total = (out - 1) * s + eff - in;
            if (total < 0) total = 0;
            if (strcmp(ap, "SAME_UPPER") == 0) {
                w->pb[i] = total / 2;
                w->pe[i] = total - w->pb[i];
            } else {
                w->pe[i] = total / 2;
                w->pb[i] = total - w->pe[i];
            }
        } else {
            const int64_t span = in + w->pb[i] + w->pe[i] - eff;
            if (span < 0) {
                out = 0;
            } else if (ceil_mode) {
                out = (span + s - 1) / s + 1;
                /* the last window must start inside the input or the begin padding */
                if ((out - 1) * s >= in + w->pb[i]) out--;
            } else {
                out = span / s + 1;
            }
        }
        if (out < 1) {
            char buf[128];
            ec_fail_node(g, node, "spatial dim %d of input %s gives an empty output", i,
                         ec_shape_str(xs, buf, sizeof buf));
        }
        if (out > INT32_MAX) ec_fail_node(g, node, "output too large");
        w->out[i] = out;
    }
}

void ec_win_params(const ec_win *w, int64_t *p)
{
    int i, nd = w->nd;
    for (i = 0; i < nd; i++) {
        p[0 * nd + i] = w->in[i];
        p[1 * nd + i] = w->out[i];
        p[2 * nd + i] = w->k[i];
        p[3 * nd + i] = w->s[i];
        p[4 * nd + i] = w->d[i];
        p[5 * nd + i] = w->pb[i];
        p[6 * nd + i] = w->pe[i];
    }
}

ec_shape ec_win_out_shape(const ec_shape *xs, int64_t c, const ec_win *w)
{
    ec_shape s = *xs;
    int i;
    s.dim[1] = c;
    s.sym[1] = NULL;
    for (i = 0; i < w->nd; i++) {
        s.dim[2 + i] = w->out[i];
        s.sym[2 + i] = NULL;
    }
    return s;
}

/* ---- Conv / ConvTranspose -------------------------------------------------- */

typedef struct conv_info {
    ec_value *x, *w, *b;
    int64_t n, c, m, group;
    ec_win win;
} conv_info;

static void conv_info_make(ec_graph *g, int node, bool transpose, conv_info *ci)
{
    const ec_node *nd = NODE(g, node);
    int64_t kshape[EC_MAX_RANK];
    int i, rank;
    ci->x = ec_need_in(g, node, 0, "X");
    ci->w = ec_need_in(g, node, 1, "W");
    ci->b = ec_in(g, node, 2);
    need_dtype(g, node, ci->x, "X", DT_F32, 1);
    same_dtype(g, node, ci->x, ci->w, "W");
    rank = ci->x->shape.rank;
    if (rank < 3) ec_fail_node(g, node, "X needs rank >= 3 (N, C, spatial...), got %d", rank);
    if (ci->w->shape.rank != rank)
        ec_fail_node(g, node, "W has rank %d, expected %d like X", ci->w->shape.rank, rank);
    if (!ec_shape_is_static(&ci->w->shape)) ec_fail_node(g, node, "W needs a static shape");
    ci->group = ec_attr_int(nd, "group", 1);
    if (ci->group < 1 || ci->group > INT32_MAX)
        ec_fail_node(g, node, "group %lld is invalid", (long long)ci->group);
    ci->n = ci->x->shape.dim[0];
    ci->c = ci->x->shape.dim[1];
    if (ci->c < 0) ec_fail_node(g, node, "X's channel dim must be known");
    if (ci->c % ci->group)
        ec_fail_node(g, node, "channels %lld not divisible by group %lld", (long long)ci->c,
                     (long long)ci->group);
    if (!transpose) {
        ci->m = ci->w->shape.dim[0];
        if (ci->w->shape.dim[1] * ci->group != ci->c)
            ec_fail_node(g, node, "W has %lld input channels per group, X has %lld channels in %lld groups",
                         (long long)ci->w->shape.dim[1], (long long)ci->c, (long long)ci->group);
        if (ci->m % ci->group)
            ec_fail_node(g, node, "output channels %lld not divisible by group %lld",
                         (long long)ci->m, (long long)ci->group);
    } else {
        if (ci->w->shape.dim[0] != ci->c)
            ec_fail_node(g, node, "W has %lld input channels, X has %lld",
                         (long long)ci->w->shape.dim[0], (long long)ci->c);
        ci->m = ci->w->shape.dim[1] * ci->group;
    }
    if (ci->m < 1) ec_fail_node(g, node, "W gives no output channels");
    for (i = 0; i < rank - 2; i++) kshape[i] = ci->w->shape.dim[2 + i];
    ec_win_make(g, node, &ci->x->shape, kshape, transpose ? EC_WIN_CONVT : EC_WIN_CONV, &ci->win);
    if (ci->b) {
        same_dtype(g, node, ci->x, ci->b, "B");
        if (ci->b->shape.rank != 1 || ci->b->shape.dim[0] != ci->m)
            ec_fail_node(g, node, "B must have shape [%lld]", (long long)ci->m);
    }
}

static void infer_conv_any(ec_graph *g, int node, bool transpose)
{
    conv_info ci;
    ec_shape s;
    conv_info_make(g, node, transpose, &ci);
    s = ec_win_out_shape(&ci.x->shape, ci.m, &ci.win);
    ec_set_out(g, node, 0, ci.x->dtype, &s);
}

static void lower_conv_any(ec_graph *g, int node, ec_lowering *L, bool transpose)
{
    conv_info ci;
    int64_t p[EC_NN_WIN_PARAMS(EC_MAX_RANK)];
    ec_call *c;
    conv_info_make(g, node, transpose, &ci);
    ec_win_params(&ci.win, p);
    c = ec_emit(L, transpose ? "ec_conv_transpose_f32" : "ec_conv_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_in(c, "w", ec_in_id(g, node, 1));
    ec_arg_in(c, "b", ec_in_id(g, node, 2));
    ec_arg_int(c, "n", ci.n);
    ec_arg_int(c, "c", ci.c);
    ec_arg_int(c, "m", ci.m);
    ec_arg_int(c, "group", ci.group);
    ec_arg_int(c, "nd", ci.win.nd);
    ec_arg_ints(c, "p", p, EC_NN_WIN_PARAMS(ci.win.nd));
}

static void infer_conv(ec_graph *g, int node) { infer_conv_any(g, node, false); }
static void lower_conv(ec_graph *g, int node, ec_lowering *L) { lower_conv_any(g, node, L, false); }
static void infer_convt(ec_graph *g, int node) { infer_conv_any(g, node, true); }
static void lower_convt(ec_graph *g, int node, ec_lowering *L) { lower_conv_any(g, node, L, true); }

/* ---- pools ----------------------------------------------------------------- */

static ec_value *pool_input(ec_graph *g, int node, const ec_dtype *ok, int nok)
{
    ec_value *x = ec_need_in(g, node, 0, "X");
    need_dtype(g, node, x, "X", ok, nok);
    if (x->shape.rank < 3)
        ec_fail_node(g, node, "X needs rank >= 3 (N, C, spatial...), got %d", x->shape.rank);
    return x;
}

static void infer_maxpool(ec_graph *g, int node)
{
    ec_value *x = pool_input(g, node, DT_MAXPOOL, 3);
    int64_t so = ec_attr_int(NODE(g, node), "storage_order", 0);
    ec_win w;
    ec_shape s;
    if (so != 0 && so != 1) ec_fail_node(g, node, "storage_order must be 0 or 1");
    ec_win_make(g, node, &x->shape, NULL, EC_WIN_POOL, &w);
    s = ec_win_out_shape(&x->shape, x->shape.dim[1], &w);
    ec_set_out(g, node, 0, x->dtype, &s);
    if (ec_out(g, node, 1)) ec_set_out(g, node, 1, EC_DT_INT64, &s);
}

static void lower_maxpool(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = pool_input(g, node, DT_MAXPOOL, 3);
    int64_t p[EC_NN_WIN_PARAMS(EC_MAX_RANK)];
    ec_win w;
    ec_call *c;
    ec_win_make(g, node, &x->shape, NULL, EC_WIN_POOL, &w);
    ec_win_params(&w, p);
    c = ec_emit(L, x->dtype == EC_DT_FLOAT ? "ec_maxpool_f32"
                 : x->dtype == EC_DT_UINT8 ? "ec_maxpool_u8" : "ec_maxpool_s8");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    if (ec_out_id(g, node, 1) >= 0) ec_arg_out(c, "idx", ec_out_id(g, node, 1));
    else ec_arg_in(c, "idx", -1);
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_int(c, "nc", x->shape.dim[0] * x->shape.dim[1]);
    ec_arg_int(c, "storage_order", ec_attr_int(NODE(g, node), "storage_order", 0));
    ec_arg_int(c, "nd", w.nd);
    ec_arg_ints(c, "p", p, EC_NN_WIN_PARAMS(w.nd));
}

static void infer_pool(ec_graph *g, int node)
{
    ec_value *x = pool_input(g, node, DT_F32, 1);
    ec_win w;
    ec_shape s;
    ec_win_make(g, node, &x->shape, NULL, EC_WIN_POOL, &w);
    s = ec_win_out_shape(&x->shape, x->shape.dim[1], &w);
    ec_set_out(g, node, 0, x->dtype, &s);
}

static void lower_pool(ec_graph *g, int node, ec_lowering *L)
{
    const ec_node *n = NODE(g, node);
    ec_value *x = pool_input(g, node, DT_F32, 1);
    const bool avg = strcmp(n->op, "AveragePool") == 0;
    int64_t p[EC_NN_WIN_PARAMS(EC_MAX_RANK)];
    ec_win w;
    ec_call *c;
    ec_win_make(g, node, &x->shape, NULL, EC_WIN_POOL, &w);
    ec_win_params(&w, p);
    c = ec_emit(L, avg ? "ec_avgpool_f32" : "ec_lppool_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_int(c, "nc", x->shape.dim[0] * x->shape.dim[1]);
    if (avg) {
        ec_arg_int(c, "count_include_pad", ec_attr_int(n, "count_include_pad", 0) != 0);
    } else {
        int64_t pw = ec_attr_int(n, "p", 2);
        if (pw < 1) ec_fail_node(g, node, "p must be >= 1");
        ec_arg_float(c, "pw", (double)pw);
    }
    ec_arg_int(c, "nd", w.nd);
    ec_arg_ints(c, "p", p, EC_NN_WIN_PARAMS(w.nd));
}

static void infer_global_pool(ec_graph *g, int node)
{
    ec_value *x = pool_input(g, node, DT_F32, 1);
    ec_shape s = x->shape;
    int i;
    for (i = 2; i < s.rank; i++) {
        s.dim[i] = 1;
        s.sym[i] = NULL;
    }
    ec_set_out(g, node, 0, x->dtype, &s);
}

static void lower_global_pool(ec_graph *g, int node, ec_lowering *L)
{
    const ec_node *n = NODE(g, node);
    ec_value *x = pool_input(g, node, DT_F32, 1);
    int64_t sp = prod_dims(&x->shape, 2, x->shape.rank);
    ec_call *c;
    if (sp == 0) ec_fail_node(g, node, "empty spatial dims");
    c = ec_emit(L, strcmp(n->op, "GlobalAveragePool") == 0 ? "ec_global_avgpool_f32"
                 : strcmp(n->op, "GlobalMaxPool") == 0 ? "ec_global_maxpool_f32"
                 : "ec_global_lppool_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_int(c, "nc", x->shape.dim[0] * x->shape.dim[1]);
    ec_arg_int(c, "s", sp);
    if (strcmp(n->op, "GlobalLpPool") == 0) {
        int64_t pw = ec_attr_int(n, "p", 2);
        if (pw < 1) ec_fail_node(g, node, "p must be >= 1");
        ec_arg_float(c, "pw", (double)pw);
    }
}

/* MaxUnpool(X, I, output_shape?): *idx = the unpooled shape I's indices refer
 * to, *s = the output shape (output_shape when given, else *idx). */
static void maxunpool_shape(ec_graph *g, int node, ec_shape *idx, ec_shape *s)
{
    const ec_node *n = NODE(g, node);
    ec_value *x = pool_input(g, node, DT_F32, 1);
    ec_value *ix = ec_need_in(g, node, 1, "I");
    const int nd = x->shape.rank - 2;
    int64_t k[EC_MAX_RANK], st[EC_MAX_RANK], pads[2 * EC_MAX_RANK];
    int i;
    if (ix->dtype != EC_DT_INT64) ec_fail_node(g, node, "I must be int64");
    if (ix->shape.rank != x->shape.rank) ec_fail_node(g, node, "I must have X's shape");
    for (i = 0; i < x->shape.rank; i++)
        if (ix->shape.dim[i] >= 0 && x->shape.dim[i] >= 0 && ix->shape.dim[i] != x->shape.dim[i])
            ec_fail_node(g, node, "I must have X's shape");
    if (ec_attr_find(n, "kernel_shape") == NULL)
        ec_fail_node(g, node, "missing attribute 'kernel_shape'");
    attr_ints_n(g, node, "kernel_shape", nd, 1, k);
    attr_ints_n(g, node, "strides", nd, 1, st);
    attr_ints_n(g, node, "pads", 2 * nd, 0, pads);
    *idx = x->shape;
    for (i = 0; i < nd; i++) {
        int64_t in = x->shape.dim[2 + i];
        if (k[i] < 1 || st[i] < 1 || pads[i] < 0 || pads[nd + i] < 0)
            ec_fail_node(g, node, "bad kernel_shape, strides or pads");
        idx->sym[2 + i] = NULL;
        idx->dim[2 + i] = in < 0 ? -1 : (in - 1) * st[i] + k[i] - pads[i] - pads[nd + i];
        if (in >= 0 && idx->dim[2 + i] < 1) ec_fail_node(g, node, "empty output");
    }
    *s = *idx;
    if (ec_in(g, node, 2)) {
        const ec_value *os = ec_need_const(g, node, 2);
        if (os->shape.rank != 1 || os->shape.dim[0] != x->shape.rank)
            ec_fail_node(g, node, "output_shape must have %d values", x->shape.rank);
        for (i = 0; i < x->shape.rank; i++) {
            s->dim[i] = ec_const_int(os, i);
            s->sym[i] = NULL;
            if (s->dim[i] < 0) ec_fail_node(g, node, "negative output_shape");
        }
    }
}

static void infer_maxunpool(ec_graph *g, int node)
{
    ec_shape idx, s;
    maxunpool_shape(g, node, &idx, &s);
    ec_set_out(g, node, 0, EC_DT_FLOAT, &s);
}

static void lower_maxunpool(ec_graph *g, int node, ec_lowering *L)
{
    ec_shape idx, s;
    int64_t p[2 * EC_MAX_RANK];
    ec_call *c;
    int i;
    maxunpool_shape(g, node, &idx, &s);
    if (!ec_shape_is_static(&idx) || ec_shape_numel(&idx) > INT32_MAX)
        ec_fail_node(g, node, "unpooled shape must be static and fit int32");
    for (i = 0; i < s.rank; i++) {
        p[i] = idx.dim[i];
        p[s.rank + i] = s.dim[i];
    }
    c = ec_emit(L, "ec_maxunpool_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_in(c, "idx", ec_in_id(g, node, 1));
    ec_arg_int(c, "nx", ec_static_numel(g, node, ec_in(g, node, 0)));
    ec_arg_int(c, "rank", s.rank);
    ec_arg_ints(c, "p", p, 2 * s.rank);
}

/* ---- normalization ------------------------------------------------------- */

/* x (N, C, ...) and per-channel parameter inputs [first, last] of shape [C] */
static ec_value *norm_input(ec_graph *g, int node, int first, int last, int min_rank)
{
    ec_value *x = ec_need_in(g, node, 0, "X");
    int k;
    need_dtype(g, node, x, "X", DT_F32, 1);
    if (x->shape.rank < min_rank)
        ec_fail_node(g, node, "X needs rank >= %d, got %d", min_rank, x->shape.rank);
    for (k = first; k <= last; k++) {
        ec_value *v = ec_need_in(g, node, k, "parameter");
        same_dtype(g, node, x, v, "parameter");
        if (v->shape.rank != 1 || (x->shape.dim[1] >= 0 && v->shape.dim[0] != x->shape.dim[1]))
            ec_fail_node(g, node, "input %d must have shape [C] = [%lld]", k,
                         (long long)x->shape.dim[1]);
    }
    return x;
}

/* Training mode (opset 14+, attribute training_mode=1): normalize with the
 * batch's own statistics and return the updated running mean and variance as
 * outputs 1 and 2. */
static bool bn_training(ec_graph *g, int node)
{
    return g->opset >= 14 && ec_attr_int(NODE(g, node), "training_mode", 0) != 0;
}

static void infer_batchnorm(ec_graph *g, int node)
{
    const ec_node *n = NODE(g, node);
    ec_value *x;
    int k;
    bool train = bn_training(g, node);
    if (ec_attr_int(n, "spatial", 1) == 0)
        ec_fail_node(g, node, "spatial=0 is not supported");
    for (k = train ? 3 : 1; k < n->nout; k++)
        if (n->out[k] >= 0)
            ec_fail_node(g, node, "output %d (%s) is only defined in training mode, which edgec "
                         "supports from opset 14 (training_mode=1)", k,
                         g->opset >= 14 ? "running mean/variance" : "running/saved mean and variance");
    x = norm_input(g, node, 1, 4, 2);
    ec_set_out(g, node, 0, x->dtype, &x->shape);
    if (train) {
        const ec_value *m = ec_in(g, node, 3);
        ec_set_out(g, node, 1, m->dtype, &m->shape);
        ec_set_out(g, node, 2, m->dtype, &m->shape);
    }
}

static void lower_batchnorm(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = norm_input(g, node, 1, 4, 2);
    bool train = bn_training(g, node);
    ec_call *c;
    c = ec_emit(L, train ? "ec_batchnorm_train_f32" : "ec_batchnorm_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    if (train) {
        ec_arg_out(c, "run_mean", ec_out_id(g, node, 1));
        ec_arg_out(c, "run_var", ec_out_id(g, node, 2));
    }
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_in(c, "scale", ec_in_id(g, node, 1));
    ec_arg_in(c, "bias", ec_in_id(g, node, 2));
    ec_arg_in(c, "mean", ec_in_id(g, node, 3));
    ec_arg_in(c, "var", ec_in_id(g, node, 4));
    ec_arg_int(c, "n", x->shape.dim[0]);
    ec_arg_int(c, "c", x->shape.dim[1]);
    ec_arg_int(c, "s", prod_dims(&x->shape, 2, x->shape.rank));
    ec_arg_float(c, "eps", ec_attr_float(NODE(g, node), "epsilon", 1e-5f));
    if (train) ec_arg_float(c, "momentum", ec_attr_float(NODE(g, node), "momentum", 0.9f));
}

static void infer_instancenorm(ec_graph *g, int node)
{
    ec_value *x = norm_input(g, node, 1, 2, 2);
    ec_set_out(g, node, 0, x->dtype, &x->shape);
}

static void lower_instancenorm(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = norm_input(g, node, 1, 2, 2);
    ec_call *c;
    c = ec_emit(L, "ec_instancenorm_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_in(c, "scale", ec_in_id(g, node, 1));
    ec_arg_in(c, "bias", ec_in_id(g, node, 2));
    ec_arg_int(c, "n", x->shape.dim[0]);
    ec_arg_int(c, "c", x->shape.dim[1]);
    ec_arg_int(c, "s", prod_dims(&x->shape, 2, x->shape.rank));
    ec_arg_float(c, "eps", ec_attr_float(NODE(g, node), "epsilon", 1e-5f));
}

/* LayerNormalization(X, Scale, B?) -> Y, Mean?, InvStdDev?
 * Scale and B broadcast over the normalized dims X.shape[axis:] as a suffix. */
typedef struct ln_info {
    ec_value *x, *scale, *bias;
    int axis;
    int64_t outer, inner, sn, bn;
} ln_info;

static int64_t ln_param(ec_graph *g, int node, const ln_info *li, const ec_value *v, const char *what)
{
    const ec_shape *xs = &li->x->shape, *s = &v->shape;
    int lead = 0, i, nr = xs->rank - li->axis;
    same_dtype(g, node, li->x, v, what);
    while (lead < s->rank && s->dim[lead] == 1) lead++;
    if (s->rank - lead > nr) ec_fail_node(g, node, "%s has rank %d, more than the %d normalized dims",
                                          what, s->rank, nr);
    for (i = lead; i < s->rank; i++)
        if (s->dim[i] != xs->dim[xs->rank - s->rank + i])
            ec_fail_node(g, node, "%s does not match X's trailing dims", what);
    return prod_dims(s, lead, s->rank);
}

static void ln_info_make(ec_graph *g, int node, ln_info *li)
{
    li->x = ec_need_in(g, node, 0, "X");
    li->scale = ec_need_in(g, node, 1, "Scale");
    li->bias = ec_in(g, node, 2);
    need_dtype(g, node, li->x, "X", DT_F32, 1);
    if (li->x->shape.rank < 1) ec_fail_node(g, node, "X must have rank >= 1");
    li->axis = ec_axis(g, node, ec_attr_int(NODE(g, node), "axis", -1), li->x->shape.rank);
    li->outer = prod_dims(&li->x->shape, 0, li->axis);
    li->inner = prod_dims(&li->x->shape, li->axis, li->x->shape.rank);
    li->sn = ln_param(g, node, li, li->scale, "Scale");
    li->bn = li->bias ? ln_param(g, node, li, li->bias, "B") : 1;
}

static void infer_layernorm(ec_graph *g, int node)
{
    ln_info li;
    ec_shape s;
    int i;
    int64_t stash = ec_attr_int(NODE(g, node), "stash_type", 1);
    if (stash != 1) ec_fail_node(g, node, "stash_type %lld is not supported", (long long)stash);
    ln_info_make(g, node, &li);
    ec_set_out(g, node, 0, li.x->dtype, &li.x->shape);
    s = li.x->shape;
    for (i = li.axis; i < s.rank; i++) {
        s.dim[i] = 1;
        s.sym[i] = NULL;
    }
    if (ec_out(g, node, 1)) ec_set_out(g, node, 1, EC_DT_FLOAT, &s);
    if (ec_out(g, node, 2)) ec_set_out(g, node, 2, EC_DT_FLOAT, &s);
}

static void lower_layernorm(ec_graph *g, int node, ec_lowering *L)
{
    ln_info li;
    ec_call *c;
    ln_info_make(g, node, &li);
    c = ec_emit(L, "ec_layernorm_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    if (ec_out_id(g, node, 1) >= 0) ec_arg_out(c, "mean", ec_out_id(g, node, 1));
    else ec_arg_in(c, "mean", -1);
    if (ec_out_id(g, node, 2) >= 0) ec_arg_out(c, "invstd", ec_out_id(g, node, 2));
    else ec_arg_in(c, "invstd", -1);
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_in(c, "scale", ec_in_id(g, node, 1));
    ec_arg_in(c, "bias", ec_in_id(g, node, 2));
    ec_arg_int(c, "outer", li.outer);
    ec_arg_int(c, "inner", li.inner);
    ec_arg_int(c, "sn", li.sn);
    ec_arg_int(c, "bn", li.bn);
    ec_arg_float(c, "eps", ec_attr_float(NODE(g, node), "epsilon", 1e-5f));
}

static void infer_lrn(ec_graph *g, int node)
{
    ec_value *x = norm_input(g, node, 1, 0, 2);
    int64_t size = ec_attr_int(NODE(g, node), "size", 0);
    if (size < 1) ec_fail_node(g, node, "attribute 'size' must be >= 1");
    ec_set_out(g, node, 0, x->dtype, &x->shape);
}

static void lower_lrn(ec_graph *g, int node, ec_lowering *L)
{
    const ec_node *n = NODE(g, node);
    ec_value *x = norm_input(g, node, 1, 0, 2);
    ec_call *c;
    c = ec_emit(L, "ec_lrn_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_int(c, "n", x->shape.dim[0]);
    ec_arg_int(c, "c", x->shape.dim[1]);
    ec_arg_int(c, "s", prod_dims(&x->shape, 2, x->shape.rank));
    ec_arg_int(c, "size", ec_attr_int(n, "size", 1));
    ec_arg_float(c, "alpha", ec_attr_float(n, "alpha", 1e-4f));
    ec_arg_float(c, "beta", ec_attr_float(n, "beta", 0.75f));
    ec_arg_float(c, "bias", ec_attr_float(n, "bias", 1.0f));
}

/* MeanVarianceNormalization: axes attribute (default [0, 2, 3]) */
static void mvn_axes(ec_graph *g, int node, const ec_value *x, int64_t *red)
{
    const int64_t *ax;
    static const int64_t dflt[] = { 0, 2, 3 };
    int n = ec_attr_ints(NODE(g, node), "axes", &ax), i;
    if (n < 0) {
        ax = dflt;
        n = 3;
    }
    for (i = 0; i < x->shape.rank; i++) red[i] = 0;
    for (i = 0; i < n; i++) red[ec_axis(g, node, ax[i], x->shape.rank)] = 1;
}

static void infer_mvn(ec_graph *g, int node)
{
    ec_value *x = ec_need_in(g, node, 0, "X");
    int64_t red[EC_MAX_RANK];
    need_dtype(g, node, x, "X", DT_F32, 1);
    mvn_axes(g, node, x, red);
    ec_set_out(g, node, 0, x->dtype, &x->shape);
}

static void lower_mvn(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = ec_need_in(g, node, 0, "X");
    int64_t p[2 * EC_MAX_RANK];
    int i, r = x->shape.rank;
    ec_call *c;
    mvn_axes(g, node, x, p + r);
    for (i = 0; i < r; i++) p[i] = x->shape.dim[i];
    c = ec_emit(L, "ec_mvn_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_int(c, "rank", r);
    ec_arg_ints(c, "p", p, 2 * r);
}

/* ---- MatMul / Gemm --------------------------------------------------------- */

static void mm_info_make(ec_graph *g, int node, ec_mm_info *mi)
{
    ec_value *a = ec_need_in(g, node, 0, "A"), *b = ec_need_in(g, node, 1, "B");
    need_dtype(g, node, a, "A", DT_F32_F64, 2);
    same_dtype(g, node, a, b, "B");
    ec_mm_info_make(g, node, a, b, mi);
}

static void infer_matmul(ec_graph *g, int node)
{
    ec_mm_info mi;
    mm_info_make(g, node, &mi);
    ec_set_out(g, node, 0, mi.a->dtype, &mi.out);
}

static void lower_matmul(ec_graph *g, int node, ec_lowering *L)
{
    ec_mm_info mi;
    int64_t p[3 * EC_MAX_RANK], M;
    int r, k;
    ec_call *c;
    mm_info_make(g, node, &mi);
    /* one (batch*M, K) @ (K, N) product when B is shared by all batches */
    k = ec_mm_params(&mi, true, &M, &r, p);
    c = ec_emit(L, mi.a->dtype == EC_DT_DOUBLE ? "ec_matmul_f64" : "ec_matmul_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "a", ec_in_id(g, node, 0));
    ec_arg_in(c, "b", ec_in_id(g, node, 1));
    ec_arg_int(c, "M", M);
    ec_arg_int(c, "N", mi.N);
    ec_arg_int(c, "K", mi.K);
    ec_arg_int(c, "r", r);
    ec_arg_ints(c, "p", p, k);
}

typedef struct gemm_info {
    ec_value *a, *b, *c;
    int64_t M, N, K, ta, tb, csm, csn;
} gemm_info;

static void gemm_info_make(ec_graph *g, int node, gemm_info *gi)
{
    const ec_node *n = NODE(g, node);
    int64_t kb;
    gi->a = ec_need_in(g, node, 0, "A");
    gi->b = ec_need_in(g, node, 1, "B");
    gi->c = ec_in(g, node, 2);
    need_dtype(g, node, gi->a, "A", DT_F32_F64, 2);
    same_dtype(g, node, gi->a, gi->b, "B");
    if (gi->a->shape.rank != 2 || gi->b->shape.rank != 2)
        ec_fail_node(g, node, "A and B must be 2-D");
    gi->ta = ec_attr_int(n, "transA", 0) != 0;
    gi->tb = ec_attr_int(n, "transB", 0) != 0;
    gi->M = gi->a->shape.dim[gi->ta ? 1 : 0];
    gi->K = gi->a->shape.dim[gi->ta ? 0 : 1];
    kb = gi->b->shape.dim[gi->tb ? 1 : 0];
    gi->N = gi->b->shape.dim[gi->tb ? 0 : 1];
    if (gi->K >= 0 && kb >= 0 && gi->K != kb)
        ec_fail_node(g, node, "inner dims differ: A gives %lld, B gives %lld", (long long)gi->K,
                     (long long)kb);
    gi->csm = gi->csn = 0;
    if (gi->c) {
        const ec_shape *cs = &gi->c->shape;
        int64_t cm = 1, cn = 1;
        same_dtype(g, node, gi->a, gi->c, "C");
        if (cs->rank < 0 || cs->rank > 2) ec_fail_node(g, node, "C must have rank <= 2");
        if (cs->rank >= 1) cn = cs->dim[cs->rank - 1];
        if (cs->rank == 2) cm = cs->dim[0];
        if ((cm != 1 && cm != gi->M) || (cn != 1 && cn != gi->N))
            ec_fail_node(g, node, "C does not broadcast to [%lld, %lld]", (long long)gi->M,
                         (long long)gi->N);
        gi->csm = cm != 1 ? cn : 0;
        gi->csn = cn != 1 ? 1 : 0;
    }
}

static void infer_gemm(ec_graph *g, int node)
{
    gemm_info gi;
    int64_t d[2];
    ec_shape s;
    gemm_info_make(g, node, &gi);
    d[0] = gi.M;
    d[1] = gi.N;
    s = ec_shape_make(2, d);
    s.sym[0] = gi.a->shape.sym[gi.ta ? 1 : 0];
    s.sym[1] = gi.b->shape.sym[gi.tb ? 0 : 1];
    if (d[0] >= 0) s.sym[0] = NULL;
    if (d[1] >= 0) s.sym[1] = NULL;
    ec_set_out(g, node, 0, gi.a->dtype, &s);
}

static void lower_gemm(ec_graph *g, int node, ec_lowering *L)
{
    const ec_node *n = NODE(g, node);
    gemm_info gi;
    ec_call *c;
    gemm_info_make(g, node, &gi);
    c = ec_emit(L, gi.a->dtype == EC_DT_DOUBLE ? "ec_gemm_f64" : "ec_gemm_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "a", ec_in_id(g, node, 0));
    ec_arg_in(c, "b", ec_in_id(g, node, 1));
    ec_arg_in(c, "c", ec_in_id(g, node, 2));
    ec_arg_int(c, "M", gi.M);
    ec_arg_int(c, "N", gi.N);
    ec_arg_int(c, "K", gi.K);
    ec_arg_int(c, "trans_a", gi.ta);
    ec_arg_int(c, "trans_b", gi.tb);
    ec_arg_float(c, "alpha", ec_attr_float(n, "alpha", 1.0f));
    ec_arg_float(c, "beta", ec_attr_float(n, "beta", 1.0f));
    ec_arg_int(c, "c_sm", gi.csm);
    ec_arg_int(c, "c_sn", gi.csn);
}

/* ---- Einsum ------------------------------------------------------------------
 * equation := term (',' term)* ('->' term)?, term := (letter | '...')*, spaces ignored.
 * Each letter is a label; '...' stands for the operand's leading unlabelled dims,
 * which broadcast against each other right-aligned and get labels 0..E-1.
 * Labels are numbered: letters 'A'-'Z' 'a'-'z' as 52 + index; ellipsis dims as
 * their position. The kernel sees the output labels first, then the summed ones. */

#define EIN_MAXLAB (2 * EC_MAX_RANK)
#define EIN_NSYM (EC_MAX_RANK + 52)

typedef struct ein_info {
    int nops;
    int nout, nlab;
    int64_t dims[EIN_MAXLAB];
    int64_t st[2][EIN_MAXLAB];
    ec_shape out;
} ein_info;

static int ein_letter(int ch)
{
    if (ch >= 'A' && ch <= 'Z') return EC_MAX_RANK + (ch - 'A');
    if (ch >= 'a' && ch <= 'z') return EC_MAX_RANK + 26 + (ch - 'a');
    return -1;
}

static char ein_char(int sym)
{
    return (char)(sym < EC_MAX_RANK + 26 ? 'A' + (sym - EC_MAX_RANK) : 'a' + (sym - EC_MAX_RANK - 26));
}

/* Parse one term starting at *pp into symbols (ellipsis = -2); returns count. */
static int ein_term(ec_graph *g, int node, const char **pp, int *sym, int max)
{
    const char *p = *pp;
    int n = 0;
    bool ell = false;
    for (;;) {
        while (*p == ' ') p++;
        if (*p == '.') {
            if (p[1] != '.' || p[2] != '.') ec_fail_node(g, node, "bad '.' in equation");
            if (ell) ec_fail_node(g, node, "two ellipses in one term");
            ell = true;
            if (n >= max) ec_fail_node(g, node, "equation term too long");
            sym[n++] = -2;
            p += 3;
        } else if (ein_letter((unsigned char)*p) >= 0) {
            if (n >= max) ec_fail_node(g, node, "equation term too long");
            sym[n++] = ein_letter((unsigned char)*p);
            p++;
        } else {
            break;
        }
    }
    *pp = p;
    return n;
}

static void ein_make(ec_graph *g, int node, ein_info *ei)
{
    const ec_node *n = NODE(g, node);
    const ec_attr *eq = ec_attr_find(n, "equation");
    const char *p;
    int terms[2][EC_MAX_RANK + 1], nterm[2], outsym[EIN_NSYM], nouts = 0;
    int64_t symdim[EIN_NSYM];
    int count[EIN_NSYM];
    int ell_rank = 0, k, i, j;
    bool explicit_out = false, out_ell = false;
    int labsym[EIN_MAXLAB];

    if (!eq || eq->type != EC_ATTR_STRING || !eq->s)
        ec_fail_node(g, node, "missing attribute 'equation'");
    if (strlen(eq->s) != eq->slen) ec_fail_node(g, node, "bad equation");
    ei->nops = n->nin;
    if (ei->nops < 1 || ei->nops > 2)
        ec_fail_node(g, node, "Einsum with %d operands is not supported (1 or 2)", ei->nops);
    for (i = 0; i < EIN_NSYM; i++) { symdim[i] = 1; count[i] = 0; }

    p = eq->s;
    for (k = 0; k < ei->nops; k++) {
        ec_value *v = ec_need_in(g, node, k, "operand");
        int ne = 0, d;
        need_dtype(g, node, v, "operand", DT_F32_F64, 2);
        if (k > 0) {
            same_dtype(g, node, ec_in(g, node, 0), v, "operand");
            while (*p == ' ') p++;
            if (*p != ',') ec_fail_node(g, node, "equation has fewer terms than inputs");
            p++;
        }
        nterm[k] = ein_term(g, node, &p, terms[k], EC_MAX_RANK + 1);
        for (i = 0; i < nterm[k]; i++) if (terms[k][i] == -2) ne = 1;
        if (ne ? nterm[k] - 1 > v->shape.rank : nterm[k] != v->shape.rank)
            ec_fail_node(g, node, "term %d does not match operand rank %d", k, v->shape.rank);
        /* dims of letters and ellipsis dims */
        d = 0;
        for (i = 0; i < nterm[k]; i++) {
            if (terms[k][i] == -2) {
                int e = v->shape.rank - (nterm[k] - 1), q;
                if (e > ell_rank) {
                    /* shift: ellipsis dims are right-aligned */
                    ell_rank = e;
                }
                for (q = 0; q < e; q++) d++;
            } else {
                int64_t dim = v->shape.dim[d++];
                int s = terms[k][i];
                if (dim < 0) ec_fail_node(g, node, "Einsum needs static shapes");
                if (symdim[s] != 1 && dim != 1 && symdim[s] != dim)
                    ec_fail_node(g, node, "label '%c' has sizes %lld and %lld", ein_char(s),
                                 (long long)symdim[s], (long long)dim);
                if (dim != 1) symdim[s] = dim;
                count[s]++;
            }
        }
    }
    while (*p == ' ') p++;
    if (*p == ',') ec_fail_node(g, node, "equation has more terms than inputs");
    /* ellipsis dims: broadcast right-aligned */
    for (k = 0; k < ei->nops; k++) {
        ec_value *v = ec_in(g, node, k);
        int d = 0;
        for (i = 0; i < nterm[k]; i++) {
            if (terms[k][i] == -2) {
                int e = v->shape.rank - (nterm[k] - 1), q;
                for (q = 0; q < e; q++) {
                    int s = ell_rank - e + q;
                    int64_t dim = v->shape.dim[d++];
                    if (dim < 0) ec_fail_node(g, node, "Einsum needs static shapes");
                    if (symdim[s] != 1 && dim != 1 && symdim[s] != dim)
                        ec_fail_node(g, node, "ellipsis dims do not broadcast");
                    if (dim != 1) symdim[s] = dim;
                }
            } else {
                d++;
            }
        }
    }
    if (p[0] == '-' && p[1] == '>') {
        int t[EC_MAX_RANK + 1], nt;
        explicit_out = true;
        p += 2;
        nt = ein_term(g, node, &p, t, EC_MAX_RANK + 1);
        for (i = 0; i < nt; i++) {
            if (t[i] == -2) {
                out_ell = true;
                for (j = 0; j < ell_rank; j++) outsym[nouts++] = j;
            } else {
                if (count[t[i]] == 0) ec_fail_node(g, node, "output label not in any input");
                for (j = 0; j < nouts; j++)
                    if (outsym[j] == t[i]) ec_fail_node(g, node, "repeated output label");
                outsym[nouts++] = t[i];
            }
            if (nouts > EC_MAX_RANK) ec_fail_node(g, node, "output rank too large");
        }
    }
    while (*p == ' ') p++;
    if (*p) ec_fail_node(g, node, "bad character '%c' in equation", *p);
    if (!explicit_out) {
        /* implicit: ellipsis dims, then labels seen once in alphabetical order */
        for (j = 0; j < ell_rank; j++) outsym[nouts++] = j;
        for (i = EC_MAX_RANK; i < EIN_NSYM; i++)
            if (count[i] == 1) {
                if (nouts >= EC_MAX_RANK) ec_fail_node(g, node, "output rank too large");
                outsym[nouts++] = i;
            }
        out_ell = true;
    }
    /* ellipsis dims missing from an explicit output are summed like other labels */
    (void)out_ell;
    /* labels: output first, then every other used symbol */
    ei->nout = nouts;
    ei->nlab = 0;
    for (i = 0; i < nouts; i++) labsym[ei->nlab++] = outsym[i];
    for (i = 0; i < EIN_NSYM; i++) {
        bool used = i < ell_rank || count[i] > 0, in_out = false;
        if (!used) continue;
        for (j = 0; j < nouts; j++) if (outsym[j] == i) in_out = true;
        if (in_out) continue;
        if (ei->nlab >= EIN_MAXLAB) ec_fail_node(g, node, "too many labels");
        labsym[ei->nlab++] = i;
    }
    for (i = 0; i < ei->nlab; i++) ei->dims[i] = symdim[labsym[i]];
    /* strides of each operand per label (summed for repeated labels, 0 if absent or broadcast) */
    for (k = 0; k < 2; k++)
        for (i = 0; i < ei->nlab; i++) ei->st[k][i] = 0;
    for (k = 0; k < ei->nops; k++) {
        ec_value *v = ec_in(g, node, k);
        int64_t stride[EC_MAX_RANK], s = 1;
        int symof[EC_MAX_RANK], d = 0;
        for (i = v->shape.rank - 1; i >= 0; i--) { stride[i] = s; s *= v->shape.dim[i]; }
        for (i = 0; i < nterm[k]; i++) {
            if (terms[k][i] == -2) {
                int e = v->shape.rank - (nterm[k] - 1), q;
                for (q = 0; q < e; q++) symof[d++] = ell_rank - e + q;
            } else {
                symof[d++] = terms[k][i];
            }
        }
        for (d = 0; d < v->shape.rank; d++) {
            if (v->shape.dim[d] == 1 && symdim[symof[d]] != 1) continue;   /* broadcast */
            for (i = 0; i < ei->nlab; i++)
                if (labsym[i] == symof[d]) ei->st[k][i] += stride[d];
        }
    }
    ei->out = ec_shape_make(nouts, ei->dims);
}

static void infer_einsum(ec_graph *g, int node)
{
    ein_info ei;
    ein_make(g, node, &ei);
    ec_set_out(g, node, 0, ec_in(g, node, 0)->dtype, &ei.out);
}

static void lower_einsum(ec_graph *g, int node, ec_lowering *L)
{
    ein_info ei;
    int64_t p[3 * EIN_MAXLAB];
    int i, k = 0;
    ec_call *c;
    ein_make(g, node, &ei);
    for (i = 0; i < ei.nlab; i++) p[k++] = ei.dims[i];
    for (i = 0; i < ei.nlab; i++) p[k++] = ei.st[0][i];
    for (i = 0; i < ei.nlab; i++) p[k++] = ei.st[1][i];
    if (ei.nlab == 0) p[k++] = 0;
    c = ec_emit(L, ec_in(g, node, 0)->dtype == EC_DT_DOUBLE ? "ec_einsum_f64" : "ec_einsum_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "a", ec_in_id(g, node, 0));
    ec_arg_in(c, "b", ei.nops > 1 ? ec_in_id(g, node, 1) : -1);
    ec_arg_int(c, "nout", ei.nout);
    ec_arg_int(c, "nlab", ei.nlab);
    ec_arg_ints(c, "p", p, k);
}

/* ---- MACs (--report) -------------------------------------------------------- */

static int64_t macs_conv(const ec_graph *g, int node) { return ec_macs_conv(g, node, 1); }

/* W [C, M/group, k...]: each input element scatters M/group * prod(k) products */
static int64_t macs_convt(const ec_graph *g, int node)
{
    const ec_value *x, *w, *y;
    if (!ec_macs_operands(g, node, 1, &x, &w, &y) || w->shape.rank < 1 || w->shape.dim[0] <= 0) return 0;
    return ec_shape_numel(&x->shape) * (ec_shape_numel(&w->shape) / w->shape.dim[0]);
}

/* Y [M, N] = A [M, K] (or transposed) x B: K = numel(A) / M */
static int64_t macs_gemm(const ec_graph *g, int node)
{
    const ec_value *x, *w, *y;
    if (!ec_macs_operands(g, node, 1, &x, &w, &y) || y->shape.rank != 2 || y->shape.dim[0] <= 0) return 0;
    return ec_shape_numel(&y->shape) * (ec_shape_numel(&x->shape) / y->shape.dim[0]);
}

/* Two operands: one product per point of the space of all labels (the output
 * labels times the summed ones, broadcast dims at their broadcast size), as
 * "ij,jk->ik" is I*J*K like MatMul. One operand (a transpose, a trace, a sum)
 * multiplies nothing: 0. */
static int64_t macs_einsum(const ec_graph *g, int node)
{
    const ec_node *n = &g->nodes.a[node];
    ein_info ei;
    int64_t m = 1;
    int i;
    if (n->nin != 2 || n->in[0] < 0 || n->in[1] < 0 || n->nout < 1 || n->out[0] < 0) return 0;
    for (i = 0; i < 2; i++)
        if (!ec_shape_is_static(&g->values.a[n->in[i]].shape)) return 0;
    ein_make((ec_graph *)g, node, &ei);     /* reads the node and its input shapes only */
    for (i = 0; i < ei.nlab; i++) m *= ei.dims[i];
    return m;
}

/* ---- tables ------------------------------------------------------------------ */

const ec_opdef ec_ops_nn[] = {
    { EC_OP("Conv", "", 2, 3, 1, 1, EC_OPF_F32_ONLY, infer_conv, lower_conv), .macs = macs_conv, .qrole = EC_QROLE_CONV },
    { EC_OP("ConvTranspose", "", 2, 3, 1, 1, EC_OPF_F32_ONLY, infer_convt, lower_convt), .macs = macs_convt },
    { EC_OP("MaxPool", "", 1, 1, 1, 2, EC_OPF_F32_ONLY, infer_maxpool, lower_maxpool), .qrole = EC_QROLE_MAXPOOL },
    { EC_OP("AveragePool", "", 1, 1, 1, 1, EC_OPF_F32_ONLY, infer_pool, lower_pool), .qrole = EC_QROLE_AVGPOOL },
    { EC_OP("LpPool", "", 1, 1, 1, 1, EC_OPF_F32_ONLY, infer_pool, lower_pool) },
    { EC_OP("GlobalAveragePool", "", 1, 1, 1, 1, EC_OPF_F32_ONLY, infer_global_pool, lower_global_pool), .qrole = EC_QROLE_GLOBAL_AVGPOOL },
    { EC_OP("GlobalMaxPool", "", 1, 1, 1, 1, EC_OPF_F32_ONLY, infer_global_pool, lower_global_pool) },
    { EC_OP("GlobalLpPool", "", 1, 1, 1, 1, EC_OPF_F32_ONLY, infer_global_pool, lower_global_pool) },
    { EC_OP("MaxUnpool", "", 2, 3, 1, 1, 0, infer_maxunpool, lower_maxunpool) },
    { EC_OP("BatchNormalization", "", 5, 5, 1, 5, EC_OPF_INPLACE | EC_OPF_F32_ONLY | EC_OPF_ONLY_OUT0_FOLLOWS_INPUT, infer_batchnorm, lower_batchnorm) },
    { EC_OP("InstanceNormalization", "", 3, 3, 1, 1, EC_OPF_INPLACE | EC_OPF_F32_ONLY, infer_instancenorm, lower_instancenorm) },
    { EC_OP("LayerNormalization", "", 2, 3, 1, 3, EC_OPF_INPLACE | EC_OPF_F32_ONLY | EC_OPF_ONLY_OUT0_FOLLOWS_INPUT, infer_layernorm, lower_layernorm) },
    { EC_OP("LRN", "", 1, 1, 1, 1, EC_OPF_F32_ONLY, infer_lrn, lower_lrn) },
    { EC_OP("MeanVarianceNormalization", "", 1, 1, 1, 1, EC_OPF_INPLACE | EC_OPF_F32_ONLY, infer_mvn, lower_mvn) },
    { EC_OP("MatMul", "", 2, 2, 1, 1, EC_OPF_F32_ONLY, infer_matmul, lower_matmul), .macs = ec_macs_matmul, .qrole = EC_QROLE_MATMUL, .wqrole = EC_WQROLE_MATMUL_B },
    { EC_OP("Gemm", "", 2, 3, 1, 1, EC_OPF_F32_ONLY, infer_gemm, lower_gemm), .macs = macs_gemm, .qrole = EC_QROLE_GEMM, .wqrole = EC_WQROLE_GEMM_B },
    { EC_OP("Einsum", "", 1, -1, 1, 1, EC_OPF_F32_ONLY, infer_einsum, lower_einsum), .macs = macs_einsum },
    { 0 }
};

/* thunks: argument order as emitted by the lower functions above */
static void thunk_conv_f32(const ec_karg *a)
{
    ec_conv_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i, a[9].ip);
}
static void thunk_conv_transpose_f32(const ec_karg *a)
{
    ec_conv_transpose_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i,
                          a[9].ip);
}
static void thunk_maxpool_f32(const ec_karg *a)
{
    ec_maxpool_f32(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].i, a[6].ip);
}
static void thunk_maxpool_u8(const ec_karg *a)
{
    ec_maxpool_u8(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].i, a[6].ip);
}
static void thunk_maxpool_s8(const ec_karg *a)
{
    ec_maxpool_s8(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].i, a[6].ip);
}
static void thunk_avgpool_f32(const ec_karg *a)
{
    ec_avgpool_f32(a[0].p, a[1].p, a[2].i, a[3].i, a[4].i, a[5].ip);
}
static void thunk_lppool_f32(const ec_karg *a)
{
    ec_lppool_f32(a[0].p, a[1].p, a[2].i, a[3].f, a[4].i, a[5].ip);
}
static void thunk_global_avgpool_f32(const ec_karg *a)
{
    ec_global_avgpool_f32(a[0].p, a[1].p, a[2].i, a[3].i);
}
static void thunk_global_maxpool_f32(const ec_karg *a)
{
    ec_global_maxpool_f32(a[0].p, a[1].p, a[2].i, a[3].i);
}
static void thunk_global_lppool_f32(const ec_karg *a)
{
    ec_global_lppool_f32(a[0].p, a[1].p, a[2].i, a[3].i, a[4].f);
}
static void thunk_maxunpool_f32(const ec_karg *a)
{
    ec_maxunpool_f32(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].ip);
}
static void thunk_batchnorm_train_f32(const ec_karg *a)
{
    ec_batchnorm_train_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].p, a[6].p, a[7].p,
                           a[8].i, a[9].i, a[10].i, a[11].f, a[12].f);
}

static void thunk_batchnorm_f32(const ec_karg *a)
{
    ec_batchnorm_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].p, a[6].i, a[7].i, a[8].i,
                     a[9].f);
}
static void thunk_instancenorm_f32(const ec_karg *a)
{
    ec_instancenorm_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].i, a[7].f);
}
static void thunk_layernorm_f32(const ec_karg *a)
{
    ec_layernorm_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].p, a[6].i, a[7].i, a[8].i,
                     a[9].i, a[10].f);
}
static void thunk_lrn_f32(const ec_karg *a)
{
    ec_lrn_f32(a[0].p, a[1].p, a[2].i, a[3].i, a[4].i, a[5].i, a[6].f, a[7].f, a[8].f);
}
static void thunk_mvn_f32(const ec_karg *a)
{
    ec_mvn_f32(a[0].p, a[1].p, a[2].i, a[3].ip);
}
static void thunk_gemm_f32(const ec_karg *a)
{
    ec_gemm_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i, a[9].f,
                a[10].f, a[11].i, a[12].i);
}
static void thunk_gemm_f64(const ec_karg *a)
{
    ec_gemm_f64(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i, a[9].f,
                a[10].f, a[11].i, a[12].i);
}
static void thunk_matmul_f32(const ec_karg *a)
{
    ec_matmul_f32(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].i, a[6].i, a[7].ip);
}
static void thunk_matmul_f64(const ec_karg *a)
{
    ec_matmul_f64(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].i, a[6].i, a[7].ip);
}
static void thunk_einsum_f32(const ec_karg *a)
{
    ec_einsum_f32(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].ip);
}
static void thunk_einsum_f64(const ec_karg *a)
{
    ec_einsum_f64(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].ip);
}

const ec_kernel ec_kernels_nn[] = {
    { "ec_conv_f32", "ppppiiiiiI", thunk_conv_f32, "ec_nn.h" },
    { "ec_conv_transpose_f32", "ppppiiiiiI", thunk_conv_transpose_f32, "ec_nn.h" },
    { "ec_maxpool_f32", "pppiiiI", thunk_maxpool_f32, "ec_nn.h" },
    { "ec_maxpool_u8", "pppiiiI", thunk_maxpool_u8, "ec_nn.h" },
    { "ec_maxpool_s8", "pppiiiI", thunk_maxpool_s8, "ec_nn.h" },
    { "ec_avgpool_f32", "ppiiiI", thunk_avgpool_f32, "ec_nn.h" },
    { "ec_lppool_f32", "ppifiI", thunk_lppool_f32, "ec_nn.h" },
    { "ec_global_avgpool_f32", "ppii", thunk_global_avgpool_f32, "ec_nn.h" },
    { "ec_global_maxpool_f32", "ppii", thunk_global_maxpool_f32, "ec_nn.h" },
    { "ec_global_lppool_f32", "ppiif", thunk_global_lppool_f32, "ec_nn.h" },
    { "ec_maxunpool_f32", "pppiiI", thunk_maxunpool_f32, "ec_nn.h" },
    { "ec_batchnorm_f32", "ppppppiiif", thunk_batchnorm_f32, "ec_nn.h" },
    { "ec_batchnorm_train_f32", "ppppppppiiiff", thunk_batchnorm_train_f32, "ec_nn.h" },
    { "ec_instancenorm_f32", "ppppiiif", thunk_instancenorm_f32, "ec_nn.h" },
    { "ec_layernorm_f32", "ppppppiiiif", thunk_layernorm_f32, "ec_nn.h" },
    { "ec_lrn_f32", "ppiiiifff", thunk_lrn_f32, "ec_nn.h" },
    { "ec_mvn_f32", "ppiI", thunk_mvn_f32, "ec_nn.h" },
    { "ec_gemm_f32", "ppppiiiiiffii", thunk_gemm_f32, "ec_nn.h" },
    { "ec_gemm_f64", "ppppiiiiiffii", thunk_gemm_f64, "ec_nn.h" },
    { "ec_matmul_f32", "pppiiiiI", thunk_matmul_f32, "ec_nn.h" },
    { "ec_matmul_f64", "pppiiiiI", thunk_matmul_f64, "ec_nn.h" },
    { "ec_einsum_f32", "pppiiI", thunk_einsum_f32, "ec_nn.h" },
    { "ec_einsum_f64", "pppiiI", thunk_einsum_f64, "ec_nn.h" },
    { 0 }
};
