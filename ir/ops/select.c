/* select.c - ops whose output size depends on the data: Unique and
 * NonMaxSuppression (NonZero, which also folds constants, is in shape.c; its
 * kernels are here).
 *
 * The data-dependent dim is planned at its upper bound (Unique: the input's
 * size along the axis; NonMaxSuppression: batches * classes *
 * min(max_output_boxes_per_class, boxes)); the kernel reports the actual size
 * through an EC_ARG_EXTENT argument, which the generated NAME_run passes on to
 * its caller (see ec_value.data_dep). They never fold: a constant input runs
 * at run time like any other.
 */
#include <string.h>
#include "ir.h"
#include "ec_select.h"

static ec_value *need_in(ec_graph *g, int node, int k, const char *what)
{
    ec_value *v = ec_in(g, node, k);
    if (!v) ec_fail_node(g, node, "input %d (%s) is required", k, what);
    if (!ec_shape_is_static(&v->shape))
        ec_fail_node(g, node, "input %d (%s) needs a static shape", k, what);
    return v;
}

/* An output argument, or NULL for an omitted optional output. */
static void arg_opt_out(ec_call *c, const char *name, int value)
{
    if (value >= 0) ec_arg_out(c, name, value);
    else ec_arg_in(c, name, -1);
}

/* ---- Unique ------------------------------------------------------------------ */

typedef struct unique_info {
    ec_value *x;
    int axis;                       /* -1: flattened */
    int64_t outer, a, inner;
} unique_info;

static void unique_make(ec_graph *g, int node, unique_info *u)
{
    const ec_attr *ax = ec_attr_find(NODE(g, node), "axis");
    int d;
    u->x = need_in(g, node, 0, "X");
    if (u->x->dtype != EC_DT_FLOAT && u->x->dtype != EC_DT_INT64)
        ec_fail_node(g, node, "X is %s; Unique supports float and int64",
                     ec_dtype_name(u->x->dtype));
    u->outer = u->inner = 1;
    if (!ax) {
        u->axis = -1;
        u->a = ec_static_numel(g, node, u->x);
        return;
    }
    if (u->x->shape.rank < 1) ec_fail_node(g, node, "axis given for a scalar X");
    u->axis = ec_axis(g, node, ax->i, u->x->shape.rank);
    for (d = 0; d < u->x->shape.rank; d++) {
        if (d < u->axis) u->outer *= u->x->shape.dim[d];
        else if (d > u->axis) u->inner *= u->x->shape.dim[d];
    }
    u->a = u->x->shape.dim[u->axis];
}

static void infer_unique(ec_graph *g, int node)
{
    unique_info u;
    ec_shape y, n;
    unique_make(g, node, &u);
    if (u.axis < 0) {
        y = ec_shape_make(1, &u.a);
        ec_set_out_data_dep(g, node, 0, u.x->dtype, &y, 0);
    } else {
        ec_set_out_data_dep(g, node, 0, u.x->dtype, &u.x->shape, u.axis);
    }
    n = ec_shape_make(1, &u.a);
    ec_set_out_data_dep(g, node, 1, EC_DT_INT64, &n, 0);
    ec_set_out(g, node, 2, EC_DT_INT64, &n);
    ec_set_out_data_dep(g, node, 3, EC_DT_INT64, &n, 0);
}

static void lower_unique(ec_graph *g, int node, ec_lowering *L)
{
    unique_info u;
    ec_call *c;
    unique_make(g, node, &u);
    c = ec_emit(L, u.x->dtype == EC_DT_FLOAT ? "ec_unique_f32" : "ec_unique_s64");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    arg_opt_out(c, "indices", ec_out_id(g, node, 1));
    arg_opt_out(c, "inverse", ec_out_id(g, node, 2));
    arg_opt_out(c, "counts", ec_out_id(g, node, 3));
    ec_arg_extent(c, "y_count", ec_out_id(g, node, 0));
    ec_arg_extent(c, "indices_count", ec_out_id(g, node, 1));
    ec_arg_extent(c, "counts_count", ec_out_id(g, node, 3));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_scratch(c, "scratch", EC_UNIQUE_SCRATCH_BYTES((int64_t)u.a));
    ec_arg_int(c, "outer", u.outer);
    ec_arg_int(c, "a", u.a);
    ec_arg_int(c, "inner", u.inner);
    ec_arg_int(c, "sorted", ec_attr_int(NODE(g, node), "sorted", 1) != 0);
}

/* ---- NonMaxSuppression ------------------------------------------------------- */

typedef struct nms_info {
    int64_t batches, classes, n, bound;
} nms_info;

static void nms_make(ec_graph *g, int node, nms_info *m)
{
    const ec_value *b = need_in(g, node, 0, "boxes"), *s = need_in(g, node, 1, "scores");
    const ec_value *mx = ec_in(g, node, 2), *iou = ec_in(g, node, 3), *st = ec_in(g, node, 4);
    int64_t per_class;
    if (b->dtype != EC_DT_FLOAT || s->dtype != EC_DT_FLOAT)
        ec_fail_node(g, node, "boxes and scores must be float");
    if (b->shape.rank != 3 || b->shape.dim[2] != 4)
        ec_fail_node(g, node, "boxes must be [batches, boxes, 4]");
    if (s->shape.rank != 3 || s->shape.dim[0] != b->shape.dim[0] || s->shape.dim[2] != b->shape.dim[1])
        ec_fail_node(g, node, "scores must be [batches, classes, boxes] with the boxes' batches and boxes");
    if (mx && !ec_is_one(mx, EC_DT_INT64))
        ec_fail_node(g, node, "max_output_boxes_per_class must be one int64");
    if (iou && !ec_is_one(iou, EC_DT_FLOAT))
        ec_fail_node(g, node, "iou_threshold must be one float");
    if (st && !ec_is_one(st, EC_DT_FLOAT))
        ec_fail_node(g, node, "score_threshold must be one float");
    m->batches = b->shape.dim[0];
    m->n = b->shape.dim[1];
    m->classes = s->shape.dim[1];
    /* a constant max_output_boxes_per_class tightens the bound */
    per_class = m->n;
    if (!mx) per_class = 0;
    else if (mx->data) {
        int64_t v = ec_const_int(mx, 0);
        per_class = v <= 0 ? 0 : v < m->n ? v : m->n;
    }
    m->bound = (int64_t)ec_mul_size((size_t)ec_mul_size((size_t)m->batches, (size_t)m->classes),
                                    (size_t)per_class);
    if (m->bound > INT32_MAX / 3) ec_fail_node(g, node, "too many boxes (%lld)", (long long)m->bound);
}

static void infer_nms(ec_graph *g, int node)
{
    nms_info m;
    int64_t dims[2];
    ec_shape s;
    int64_t cb = ec_attr_int(NODE(g, node), "center_point_box", 0);
    if (cb != 0 && cb != 1) ec_fail_node(g, node, "center_point_box must be 0 or 1");
    nms_make(g, node, &m);
    dims[0] = m.bound;
    dims[1] = 3;
    s = ec_shape_make(2, dims);
    ec_set_out_data_dep(g, node, 0, EC_DT_INT64, &s, 0);
}

static void lower_nms(ec_graph *g, int node, ec_lowering *L)
{
    nms_info m;
    ec_call *c;
    nms_make(g, node, &m);
    c = ec_emit(L, "ec_nms_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_extent(c, "count", ec_out_id(g, node, 0));
    ec_arg_in(c, "boxes", ec_in_id(g, node, 0));
    ec_arg_in(c, "scores", ec_in_id(g, node, 1));
    ec_arg_in(c, "max_per_class", ec_in_id(g, node, 2));
    ec_arg_in(c, "iou_threshold", ec_in_id(g, node, 3));
    ec_arg_in(c, "score_threshold", ec_in_id(g, node, 4));
    ec_arg_scratch(c, "scratch", EC_NMS_SCRATCH_BYTES(m.n));
    ec_arg_int(c, "batches", m.batches);
    ec_arg_int(c, "classes", m.classes);
    ec_arg_int(c, "n", m.n);
    ec_arg_int(c, "center", ec_attr_int(NODE(g, node), "center_point_box", 0));
    ec_arg_int(c, "bound", m.bound);
}

const ec_opdef ec_ops_select[] = {
    { EC_OP("Unique", "", 1, 1, 1, 4, EC_OPF_NOFOLD, infer_unique, lower_unique) },
    { EC_OP("NonMaxSuppression", "", 2, 5, 1, 1, EC_OPF_NOFOLD, infer_nms, lower_nms) },
    { 0 }
};

/* ---- kernel table ------------------------------------------------------------ */

#define NZ_THUNK(K) \
    static void thunk_##K(const ec_karg *a) { ec_##K(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].ip); }
NZ_THUNK(nonzero_f32)
NZ_THUNK(nonzero_f64)
NZ_THUNK(nonzero_s32)
NZ_THUNK(nonzero_s64)
NZ_THUNK(nonzero_u8)
NZ_THUNK(nonzero_s8)
NZ_THUNK(nonzero_b)

static void thunk_unique_f32(const ec_karg *a)
{
    ec_unique_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].p, a[6].p, a[7].p, a[8].p, a[9].i,
                  a[10].i, a[11].i, a[12].i);
}
static void thunk_unique_s64(const ec_karg *a)
{
    ec_unique_s64(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].p, a[6].p, a[7].p, a[8].p, a[9].i,
                  a[10].i, a[11].i, a[12].i);
}
static void thunk_nms_f32(const ec_karg *a)
{
    ec_nms_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].p, a[6].p, a[7].p, a[8].i, a[9].i,
               a[10].i, a[11].i, a[12].i);
}

const ec_kernel ec_kernels_select[] = {
    { "ec_nonzero_f32", "pppiiI", thunk_nonzero_f32, "ec_select.h" },
    { "ec_nonzero_f64", "pppiiI", thunk_nonzero_f64, "ec_select.h" },
    { "ec_nonzero_s32", "pppiiI", thunk_nonzero_s32, "ec_select.h" },
    { "ec_nonzero_s64", "pppiiI", thunk_nonzero_s64, "ec_select.h" },
    { "ec_nonzero_u8", "pppiiI", thunk_nonzero_u8, "ec_select.h" },
    { "ec_nonzero_s8", "pppiiI", thunk_nonzero_s8, "ec_select.h" },
    { "ec_nonzero_b", "pppiiI", thunk_nonzero_b, "ec_select.h" },
    { "ec_unique_f32", "pppppppppiiii", thunk_unique_f32, "ec_select.h" },
    { "ec_unique_s64", "pppppppppiiii", thunk_unique_s64, "ec_select.h" },
    { "ec_nms_f32", "ppppppppiiiii", thunk_nms_f32, "ec_select.h" },
    { 0 }
};
