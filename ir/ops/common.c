/* common.c - helpers shared by every op family's infer and lower functions. */
#include <string.h>
#include "ir.h"

ec_value *ec_in(ec_graph *g, int node, int k)
{
    ec_node *n = &g->nodes.a[node];
    if (k < 0 || k >= n->nin || n->in[k] < 0) return NULL;
    return &g->values.a[n->in[k]];
}

ec_value *ec_out(ec_graph *g, int node, int k)
{
    ec_node *n = &g->nodes.a[node];
    if (k < 0 || k >= n->nout || n->out[k] < 0) return NULL;
    return &g->values.a[n->out[k]];
}

int ec_in_id(const ec_graph *g, int node, int k)
{
    const ec_node *n = &g->nodes.a[node];
    return k >= 0 && k < n->nin ? n->in[k] : -1;
}

int ec_out_id(const ec_graph *g, int node, int k)
{
    const ec_node *n = &g->nodes.a[node];
    return k >= 0 && k < n->nout ? n->out[k] : -1;
}

int64_t ec_static_numel(ec_graph *g, int node, const ec_value *v)
{
    int64_t n;
    if (!ec_shape_is_static(&v->shape))
        ec_fail_node(g, node, "tensor '%s' needs a static shape", v->name);
    n = ec_shape_numel(&v->shape);
    if (n > INT32_MAX)
        ec_fail_node(g, node, "tensor '%s' is too large (%lld elements)", v->name, (long long)n);
    return n;
}

void ec_set_out(ec_graph *g, int node, int k, ec_dtype dt, const ec_shape *s)
{
    ec_value *v = ec_out(g, node, k);
    int i;
    if (!v) return;
    if (s->rank > EC_MAX_RANK)
        ec_fail_node(g, node, "output rank %d exceeds the supported maximum of %d", s->rank, EC_MAX_RANK);
    for (i = 0; i < s->rank; i++)
        if (s->dim[i] < 0)
            ec_fail_node(g, node, "output '%s' has an unknown dimension %d", v->name, i);
    v->dtype = dt;
    v->shape = *s;
    (void)ec_shape_numel(s); /* fails on overflow */
}

void ec_set_out_data_dep(ec_graph *g, int node, int k, ec_dtype dt, const ec_shape *s, int dim)
{
    ec_value *v = ec_out(g, node, k);
    ec_set_out(g, node, k, dt, s);
    if (!v) return;
    v->data_dep = true;
    v->dd_dim = dim;
}

ec_value *ec_need_in(ec_graph *g, int node, int k, const char *what)
{
    ec_value *v = ec_in(g, node, k);
    if (!v) ec_fail_node(g, node, "missing input %d (%s)", k, what);
    if (v->shape.rank < 0) ec_fail_node(g, node, "input %d (%s) has unknown rank", k, what);
    return v;
}

ec_value *ec_need_in_dt(ec_graph *g, int node, int k, unsigned ok)
{
    ec_value *v = ec_in(g, node, k);
    if (!v) ec_fail_node(g, node, "input %d is missing", k);
    if (v->shape.rank < 0) ec_fail_node(g, node, "input %d '%s' has unknown rank", k, v->name);
    if (v->dtype == EC_DT_STRING)
        ec_fail_node(g, node, "input %d '%s': string tensors are not supported", k, v->name);
    if (v->dtype < 0 || v->dtype > 31 || !(ok & DT(v->dtype)))
        ec_fail_node(g, node, "input %d '%s': unsupported dtype %s", k, v->name, ec_dtype_name(v->dtype));
    return v;
}

bool ec_is_one(const ec_value *v, ec_dtype dt)
{
    return v && (dt == EC_DT_UNDEFINED || v->dtype == dt) && ec_shape_is_static(&v->shape) &&
           ec_shape_numel(&v->shape) == 1;
}

const ec_value *ec_need_const(ec_graph *g, int node, int k)
{
    ec_value *v = ec_in(g, node, k);
    if (!v) ec_fail_node(g, node, "input %d is required", k);
    if (!v->data) {
        ec_diag_need_const(g, ec_in_id(g, node, k));
        ec_fail_node(g, node, "input %d ('%s') must be a compile-time constant (bind it with --bind)",
                     k, v->name);
    }
    return v;
}

int64_t ec_const_int(const ec_value *v, int64_t i)
{
    const void *p = v->data;
    switch (v->dtype) {
    case EC_DT_INT64: return ((const int64_t *)p)[i];
    case EC_DT_INT32: return ((const int32_t *)p)[i];
    case EC_DT_INT16: return ((const int16_t *)p)[i];
    case EC_DT_INT8: return ((const int8_t *)p)[i];
    case EC_DT_UINT8: return ((const uint8_t *)p)[i];
    case EC_DT_UINT16: return ((const uint16_t *)p)[i];
    case EC_DT_UINT32: return ((const uint32_t *)p)[i];
    case EC_DT_UINT64: return (int64_t)((const uint64_t *)p)[i];
    case EC_DT_BOOL: return ((const bool *)p)[i];
    case EC_DT_FLOAT: return (int64_t)((const float *)p)[i];
    case EC_DT_DOUBLE: return (int64_t)((const double *)p)[i];
    default: ec_fail("value '%s': expected integer data, got %s", v->name, ec_dtype_name(v->dtype));
    }
}

double ec_const_double(const ec_value *v, int64_t i)
{
    const void *p = v->data;
    switch (v->dtype) {
    case EC_DT_FLOAT: return ((const float *)p)[i];
    case EC_DT_DOUBLE: return ((const double *)p)[i];
    case EC_DT_FLOAT16: return ec_f16_to_f32(((const uint16_t *)p)[i]);
    case EC_DT_BFLOAT16: return ec_bf16_to_f32(((const uint16_t *)p)[i]);
    case EC_DT_UINT64: return (double)((const uint64_t *)p)[i];
    default: return (double)ec_const_int(v, i);
    }
}

int ec_axis(ec_graph *g, int node, int64_t axis, int rank)
{
    int64_t a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= (rank > 0 ? rank : 1))
        ec_fail_node(g, node, "axis %lld is out of range for rank %d", (long long)axis, rank);
    return (int)a;
}

/* ---- matrix products ---------------------------------------------------------- */

void ec_mm_info_make(ec_graph *g, int node, ec_value *a, ec_value *b, ec_mm_info *mi)
{
    const ec_shape *as, *bs;
    ec_shape ab, bb, ob;
    int ra, rb, i;
    mi->a = a;
    mi->b = b;
    as = &mi->a->shape;
    bs = &mi->b->shape;
    ra = as->rank;
    rb = bs->rank;
    if (ra < 1 || rb < 1) ec_fail_node(g, node, "matrix product operands must have rank >= 1");
    mi->M = ra == 1 ? 1 : as->dim[ra - 2];
    mi->K = as->dim[ra - 1];
    mi->N = rb == 1 ? 1 : bs->dim[rb - 1];
    {
        int64_t kb = rb == 1 ? bs->dim[0] : bs->dim[rb - 2];
        if (mi->K >= 0 && kb >= 0 && mi->K != kb)
            ec_fail_node(g, node, "inner dims differ: A has %lld, B has %lld", (long long)mi->K,
                         (long long)kb);
        if (mi->K < 0) mi->K = kb;
    }
    /* batch dims */
    ab.rank = ra > 2 ? ra - 2 : 0;
    bb.rank = rb > 2 ? rb - 2 : 0;
    for (i = 0; i < ab.rank; i++) { ab.dim[i] = as->dim[i]; ab.sym[i] = as->sym[i]; }
    for (i = 0; i < bb.rank; i++) { bb.dim[i] = bs->dim[i]; bb.sym[i] = bs->sym[i]; }
    memset(&ob, 0, sizeof ob);
    ob.rank = ab.rank > bb.rank ? ab.rank : bb.rank;
    for (i = 0; i < ob.rank; i++) {
        int ia = i - (ob.rank - ab.rank), ib = i - (ob.rank - bb.rank);
        int64_t da = ia >= 0 ? ab.dim[ia] : 1, db = ib >= 0 ? bb.dim[ib] : 1;
        const char *sym = ia >= 0 && da != 1 ? ab.sym[ia] : ib >= 0 ? bb.sym[ib] : NULL;
        if (da == 1) ob.dim[i] = db;
        else if (db == 1) ob.dim[i] = da;
        else if (da < 0 || db < 0) ob.dim[i] = da < 0 ? db : da;
        else if (da != db) ec_fail_node(g, node, "batch dims %lld and %lld do not broadcast",
                                        (long long)da, (long long)db);
        else ob.dim[i] = da;
        ob.sym[i] = ob.dim[i] < 0 ? sym : NULL;
    }
    mi->out = ob;
    if (ra > 1) { mi->out.dim[mi->out.rank] = mi->M; mi->out.sym[mi->out.rank++] = ra > 1 ? as->sym[ra - 2] : NULL; }
    if (rb > 1) { mi->out.dim[mi->out.rank] = mi->N; mi->out.sym[mi->out.rank++] = bs->sym[rb - 1]; }
    if (mi->out.rank > EC_MAX_RANK) ec_fail_node(g, node, "result rank too large");
    /* batch strides (only meaningful for static shapes) */
    mi->r = ob.rank;
    {
        int64_t stra = mi->M * mi->K, strb = mi->K * mi->N;
        for (i = ob.rank - 1; i >= 0; i--) {
            int ia = i - (ob.rank - ab.rank), ib = i - (ob.rank - bb.rank);
            int64_t da = ia >= 0 ? ab.dim[ia] : 1, db = ib >= 0 ? bb.dim[ib] : 1;
            mi->bdims[i] = ob.dim[i];
            /* a run-time dim that is 1 at this value is not a broadcast 1 */
            mi->sa[i] = da == 1 && !ec_dim_is_runtime(g, (int)(mi->a - g->values.a), ia) ? 0 : stra;
            mi->sb[i] = db == 1 && !ec_dim_is_runtime(g, (int)(mi->b - g->values.a), ib) ? 0 : strb;
            stra *= da;
            strb *= db;
        }
    }
}

int ec_mm_params(const ec_mm_info *mi, bool may_fold, int64_t *M, int *r, int64_t *p)
{
    bool fold = may_fold;
    int i, k = 0;
    *M = mi->M;
    *r = mi->r;
    for (i = 0; i < mi->r; i++)
        if (mi->sb[i] != 0 || (mi->sa[i] == 0 && mi->bdims[i] != 1)) fold = false;
    if (fold) {
        for (i = 0; i < mi->r; i++) *M *= mi->bdims[i];
        *r = 0;
    }
    for (i = 0; i < *r; i++) p[k++] = mi->bdims[i];
    for (i = 0; i < *r; i++) p[k++] = mi->sa[i];
    for (i = 0; i < *r; i++) p[k++] = mi->sb[i];
    if (k == 0) p[k++] = 0;
    return k;
}

/* ---- macs hooks -------------------------------------------------------------- */

static int64_t macs_numel(const ec_value *v) { return ec_shape_numel(&v->shape); }

bool ec_macs_operands(const ec_graph *g, int node, int wk, const ec_value **x, const ec_value **w,
                      const ec_value **y)
{
    const ec_node *n = &g->nodes.a[node];
    if (n->nin <= wk || n->nout < 1 || n->in[0] < 0 || n->in[wk] < 0 || n->out[0] < 0) return false;
    *x = &g->values.a[n->in[0]];
    *w = &g->values.a[n->in[wk]];
    *y = &g->values.a[n->out[0]];
    return ec_shape_is_static(&(*x)->shape) && ec_shape_is_static(&(*w)->shape) &&
           ec_shape_is_static(&(*y)->shape);
}

int64_t ec_macs_conv(const ec_graph *g, int node, int wk)
{
    const ec_value *x, *w, *y;
    if (!ec_macs_operands(g, node, wk, &x, &w, &y) || w->shape.rank < 1 || w->shape.dim[0] <= 0) return 0;
    return macs_numel(y) * (macs_numel(w) / w->shape.dim[0]);
}

int64_t ec_macs_matmul(const ec_graph *g, int node)
{
    const ec_value *x, *w, *y;
    if (!ec_macs_operands(g, node, 1, &x, &w, &y)) return 0;
    return macs_numel(y) * (x->shape.rank >= 1 ? x->shape.dim[x->shape.rank - 1] : 0);
}
