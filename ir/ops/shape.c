/* shape.c - ops of the shape family (data movement): shape inference,
 * lowering, kernel table.
 *
 * Most ops lower to one of a few dtype-agnostic kernels (ec_shape.h):
 *   ec_gather_map   Transpose, Slice, Expand, Tile, Pad, DepthToSpace,
 *                   SpaceToDepth, Compress, nearest Resize/Upsample
 *   ec_copy_blocks  Concat, Split
 *   ec_copy         the views (Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout)
 * Ops whose result is known at compile time (Shape, Size, Constant,
 * ConstantOfShape, Range, EyeLike, NonZero) store constants in infer.
 */
#include <string.h>
#include <math.h>
#include "ir.h"
#include "ec_shape.h"

/* ---- helpers ------------------------------------------------------------- */

static ec_node *nd(ec_graph *g, int node) { return &g->nodes.a[node]; }

static ec_value *need_in(ec_graph *g, int node, int k)
{
    ec_value *v = ec_in(g, node, k);
    if (!v) ec_fail_node(g, node, "input %d is required", k);
    if (v->shape.rank < 0) ec_fail_node(g, node, "input %d '%s' has unknown rank", k, v->name);
    return v;
}

static void need_static(ec_graph *g, int node, const ec_value *v)
{
    char buf[128];
    if (!ec_shape_is_static(&v->shape))
        ec_fail_node(g, node, "'%s' has a non-static shape %s; this op needs static dims",
                     v->name, ec_shape_str(&v->shape, buf, sizeof buf));
}

static int64_t esize(ec_graph *g, int node, ec_dtype dt)
{
    size_t s = ec_dtype_size(dt);
    if (s == 0) ec_fail_node(g, node, "unsupported dtype %s", ec_dtype_name(dt));
    return (int64_t)s;
}

static int64_t prod(const int64_t *d, int from, int to)
{
    int64_t p = 1;
    int i;
    for (i = from; i < to; i++) {
        if (d[i] < 0) return -1;
        size_t q = ec_mul_size((size_t)p, (size_t)d[i]);
        if (q > (size_t)INT64_MAX / 16) ec_fail("tensor of %zu elements is too large", q);
        p = (int64_t)q;
    }
    return p;
}

static int64_t numel(const ec_value *v) { return prod(v->shape.dim, 0, v->shape.rank); }

static void strides_of(const ec_shape *s, int64_t *st)
{
    int64_t acc = 1;
    int i;
    for (i = s->rank - 1; i >= 0; i--) {
        st[i] = acc;
        acc *= s->dim[i] > 0 ? s->dim[i] : 1;
    }
}

static bool is_index_dt(ec_dtype dt) { return dt == EC_DT_INT32 || dt == EC_DT_INT64; }

static void need_index(ec_graph *g, int node, const ec_value *v)
{
    if (!is_index_dt(v->dtype))
        ec_fail_node(g, node, "'%s' must be int32 or int64, not %s", v->name, ec_dtype_name(v->dtype));
}

/* A constant 1-D (or scalar) integer input as an ec_alloc'ed int64 array. */
static int64_t *const_ints(ec_graph *g, int node, int k, int *n)
{
    const ec_value *v = ec_need_const(g, node, k);
    int64_t cnt, i;
    int64_t *out;
    if (!ec_dtype_is_int(v->dtype))
        ec_fail_node(g, node, "input %d '%s' must be an integer tensor", k, v->name);
    if (v->shape.rank > 1) ec_fail_node(g, node, "input %d '%s' must be 1-D", k, v->name);
    cnt = numel(v);
    if (cnt < 0 || cnt > (1 << 24)) ec_fail_node(g, node, "input %d '%s' is too large", k, v->name);
    out = ec_alloc(sizeof(int64_t) * (size_t)(cnt + 1));
    for (i = 0; i < cnt; i++) out[i] = ec_const_int(v, i);
    *n = (int)cnt;
    return out;
}

/* Attribute ints or, from opset `since`, constant input k (if present). */
static int64_t *ints_attr_or_input(ec_graph *g, int node, const char *attr, int since, int k, int *n)
{
    if (g->opset >= since) {
        if (!ec_in(g, node, k)) { *n = -1; return NULL; }
        return const_ints(g, node, k, n);
    } else {
        const int64_t *a;
        int cnt = ec_attr_ints(nd(g, node), attr, &a);
        int64_t *out;
        if (cnt < 0) {
            /* Producers sometimes emit the newer form under an older opset. */
            if (ec_in(g, node, k)) return const_ints(g, node, k, n);
            *n = -1;
            return NULL;
        }
        out = ec_alloc(sizeof(int64_t) * (size_t)(cnt + 1));
        if (cnt) memcpy(out, a, sizeof(int64_t) * (size_t)cnt);
        *n = cnt;
        return out;
    }
}

/* The bytes of one element of dtype dt with value v, as two int32 words. */
static void fill_bits_of(ec_dtype dt, double v, int64_t out[2])
{
    unsigned char b[8];
    int32_t w[2];
    memset(b, 0, sizeof b);
    switch (dt) {
    case EC_DT_FLOAT: { float f = (float)v; memcpy(b, &f, 4); break; }
    case EC_DT_DOUBLE: memcpy(b, &v, 8); break;
    case EC_DT_FLOAT16: { uint16_t h = ec_f32_to_f16((float)v); memcpy(b, &h, 2); break; }
    case EC_DT_BFLOAT16: { uint16_t h = ec_f32_to_bf16((float)v); memcpy(b, &h, 2); break; }
    case EC_DT_INT8: { int8_t x = (int8_t)v; memcpy(b, &x, 1); break; }
    case EC_DT_UINT8: { uint8_t x = (uint8_t)v; memcpy(b, &x, 1); break; }
    case EC_DT_INT16: { int16_t x = (int16_t)v; memcpy(b, &x, 2); break; }
    case EC_DT_UINT16: { uint16_t x = (uint16_t)v; memcpy(b, &x, 2); break; }
    case EC_DT_INT32: { int32_t x = (int32_t)v; memcpy(b, &x, 4); break; }
    case EC_DT_UINT32: { uint32_t x = (uint32_t)v; memcpy(b, &x, 4); break; }
    case EC_DT_INT64: { int64_t x = (int64_t)v; memcpy(b, &x, 8); break; }
    case EC_DT_UINT64: { uint64_t x = (uint64_t)v; memcpy(b, &x, 8); break; }
    case EC_DT_BOOL: b[0] = v != 0; break;
    default: break;
    }
    memcpy(w, b, 8);
    out[0] = w[0];
    out[1] = w[1];
}

/* Store constant output k: takes data (ec_alloc'ed). */
static void set_const(ec_graph *g, int node, int k, ec_dtype dt, const ec_shape *s, void *data)
{
    int v = ec_out_id(g, node, k);
    if (v < 0) return;
    ec_value_set_const(g, v, dt, s, data);
}

static void *alloc_numel(ec_graph *g, int node, const ec_shape *s, ec_dtype dt)
{
    int64_t n = prod(s->dim, 0, s->rank);
    if (n < 0) ec_fail_node(g, node, "output shape is not static");
    return ec_alloc(ec_mul_size((size_t)n, (size_t)esize(g, node, dt)) + 1);
}

static bool out_empty(ec_graph *g, int node, int k)
{
    ec_value *y = ec_out(g, node, k);
    return !y || numel(y) == 0;
}

/* Outputs with no elements still get a (0-byte) write, so every output has
 * a producing call. Returns true if output 0 is empty. */
static bool lower_empty(ec_graph *g, int node, ec_lowering *L)
{
    int k;
    for (k = 0; k < nd(g, node)->nout; k++) {
        ec_value *y = ec_out(g, node, k);
        if (y && numel(y) == 0) {
            ec_call *c = ec_emit(L, "ec_copy");
            ec_arg_out(c, "dst", ec_out_id(g, node, k));
            ec_arg_in(c, "src", ec_in_id(g, node, 0));
            ec_arg_int(c, "nbytes", 0);
        }
    }
    return out_empty(g, node, 0);
}

/* Does output 0 have a dim that varies at run time (--dim DIM=MIN..MAX)? Such an output may be
 * empty at one value of the dim and not at another, so a lowering that must give the same calls
 * at every value cannot leave its kernel out for the empty case (lower_empty). */
static bool out_runtime(ec_graph *g, int node)
{
    int d, y = ec_out_id(g, node, 0);
    if (!g->runtime_dims || y < 0) return false;
    for (d = 0; d < g->values.a[y].shape.rank; d++)
        if (ec_dim_is_runtime(g, y, d)) return true;
    return false;
}

/* ec_gather_map call; tab has sum(ydims) entries. fill_v: value id or -1. */
static void emit_map(ec_lowering *L, int y, int x, int fill_v, int64_t es, int rank,
                     const int64_t *ydims, const int64_t *tab, const int64_t fill[2])
{
    static const int64_t one = 1, zero = 0;
    static const int64_t nofill[2] = { 0, 0 };
    int64_t total = 0;
    int d;
    ec_call *c = ec_emit(L, "ec_gather_map");
    for (d = 0; d < rank; d++) total += ydims[d];
    ec_arg_out(c, "y", y);
    ec_arg_in(c, "x", x);
    ec_arg_in(c, "fill", fill_v);
    ec_arg_int(c, "elem_size", es);
    if (rank == 0) {
        ec_arg_int(c, "rank", 1);
        ec_arg_ints(c, "ydims", &one, 1);
        ec_arg_ints(c, "offs", &zero, 1);
    } else {
        if (total > (1 << 26)) ec_fail_node(L->g, L->node, "output too large for an index map");
        ec_arg_int(c, "rank", rank);
        ec_arg_ints(c, "ydims", ydims, rank);
        ec_arg_ints(c, "offs", tab, (int)total);
    }
    ec_arg_ints(c, "fill_bits", fill ? fill : nofill, 2);
}

/* ec_gather_strided call: y[o] = x[base + sum_d o_d * strides[d]]. */
static void emit_strided(ec_lowering *L, int y, int x, int64_t es, int rank, const int64_t *ydims,
                         int64_t base, const int64_t *strides)
{
    static const int64_t one = 1, zero = 0;
    ec_call *c = ec_emit(L, "ec_gather_strided");
    ec_arg_out(c, "y", y);
    ec_arg_in(c, "x", x);
    ec_arg_int(c, "elem_size", es);
    ec_arg_int(c, "rank", rank > 0 ? rank : 1);
    ec_arg_int(c, "base", base);
    ec_arg_ints(c, "ydims", rank > 0 ? ydims : &one, rank > 0 ? rank : 1);
    ec_arg_ints(c, "strides", rank > 0 ? strides : &zero, rank > 0 ? rank : 1);
}

/* Table storage for emit_map: ydims of y, one slot per output coordinate. */
typedef struct maptab {
    int rank;
    int64_t ydims[EC_MAX_RANK];
    int64_t start[EC_MAX_RANK];
    int64_t *tab;
} maptab;

static void maptab_init(maptab *m, const ec_shape *ys)
{
    int64_t total = 0;
    int d;
    m->rank = ys->rank;
    for (d = 0; d < ys->rank; d++) {
        m->ydims[d] = ys->dim[d];
        m->start[d] = total;
        total += ys->dim[d];
    }
    m->tab = ec_alloc(sizeof(int64_t) * (size_t)(total + 1));
}

#define TAB(m, d, o) ((m)->tab[(m)->start[d] + (o)])

static void lower_view(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *y = ec_out(g, node, 0);
    ec_call *c;
    int64_t nb;
    L->alias = true;
    if (!y) return;
    nb = numel(y) * esize(g, node, y->dtype);
    c = ec_emit(L, "ec_copy");
    ec_arg_out(c, "dst", ec_out_id(g, node, 0));
    ec_arg_in(c, "src", ec_in_id(g, node, 0));
    ec_arg_int(c, "nbytes", nb);
}

static void set_out_shape(ec_graph *g, int node, int k, ec_dtype dt, int rank, const int64_t *dims)
{
    ec_shape s = ec_shape_make(rank, dims);
    ec_set_out(g, node, k, dt, &s);
}

/* ---- Identity, Dropout ---------------------------------------------------- */

static void infer_identity(ec_graph *g, int node)
{
    ec_value *x = ec_in(g, node, 0);
    if (!x) ec_fail_node(g, node, "input 0 is required");
    if (x->dtype == EC_DT_UNDEFINED || ec_dtype_size(x->dtype) == 0)
        ec_fail_node(g, node, "unsupported input type (only tensors of numeric types)");
    ec_set_out(g, node, 0, x->dtype, &x->shape);
}

static void infer_dropout(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    ec_value *tm = ec_in(g, node, 2);
    /* Training mode drops elements at random, unless the ratio is 0: then
     * it is the identity too (scale 1 / (1 - 0), mask all true). Whether it
     * is on, and the ratio then, must be compile-time constants. */
    if (tm) {
        const ec_value *c = ec_need_const(g, node, 2);
        if (numel(c) != 1) ec_fail_node(g, node, "training_mode must be one bool");
        if (ec_const_int(c, 0) != 0) {
            double ratio = 0.5;
            if (ec_in(g, node, 1)) {
                const ec_value *r = ec_need_const(g, node, 1);
                if (numel(r) != 1) ec_fail_node(g, node, "ratio must be one value");
                ratio = ec_const_double(r, 0);
            }
            if (ratio != 0.0)
                ec_fail_node(g, node, "training mode with ratio %g drops elements at random: not "
                             "supported (only ratio 0 is deterministic)", ratio);
        }
    }
    ec_set_out(g, node, 0, x->dtype, &x->shape);
    if (ec_out_id(g, node, 1) >= 0) {
        ec_dtype mdt = g->opset >= 10 ? EC_DT_BOOL : x->dtype;
        void *data;
        int64_t n, i, fb[2];
        int64_t es;
        need_static(g, node, x);
        n = numel(x);
        es = esize(g, node, mdt);
        data = alloc_numel(g, node, &x->shape, mdt);
        fill_bits_of(mdt, 1.0, fb);
        for (i = 0; i < n; i++) {
            int32_t w[2] = { (int32_t)fb[0], (int32_t)fb[1] };
            memcpy((char *)data + i * es, w, (size_t)es);
        }
        set_const(g, node, 1, mdt, &x->shape, data);
    }
}

/* ---- Reshape, Flatten, Squeeze, Unsqueeze -------------------------------- */

static void infer_reshape(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    int n, i, neg = -1;
    int64_t *sh = ints_attr_or_input(g, node, "shape", 5, 1, &n);
    int64_t dims[EC_MAX_RANK], known = 1, total;
    bool allowzero = ec_attr_int(nd(g, node), "allowzero", 0) != 0;
    if (!sh) ec_fail_node(g, node, "missing shape");
    if (n > EC_MAX_RANK) ec_fail_node(g, node, "rank %d exceeds %d", n, EC_MAX_RANK);
    need_static(g, node, x);
    total = numel(x);
    for (i = 0; i < n; i++) {
        int64_t d = sh[i];
        if (d == 0 && !allowzero) {
            if (i >= x->shape.rank) ec_fail_node(g, node, "shape[%d] = 0 copies a dim the input lacks", i);
            d = x->shape.dim[i];
        }
        if (d == -1) {
            if (neg >= 0) ec_fail_node(g, node, "more than one -1 in shape");
            neg = i;
            dims[i] = 1;
            continue;
        }
        if (d < 0) ec_fail_node(g, node, "invalid dim %lld in shape", (long long)d);
        dims[i] = d;
        known = (int64_t)ec_mul_size((size_t)known, (size_t)d);
    }
    if (neg >= 0) {
        if (known == 0 || total % known != 0)
            ec_fail_node(g, node, "cannot infer -1: %lld elements into %lld-element blocks",
                         (long long)total, (long long)known);
        dims[neg] = total / known;
    } else if (known != total) {
        ec_fail_node(g, node, "shape has %lld elements, input has %lld", (long long)known, (long long)total);
    }
    set_out_shape(g, node, 0, x->dtype, n, dims);
}

static void infer_flatten(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    int r = x->shape.rank;
    int64_t axis = ec_attr_int(nd(g, node), "axis", 1), dims[2];
    if (axis < 0) axis += r;
    if (axis < 0 || axis > r) ec_fail_node(g, node, "axis out of range for rank %d", r);
    need_static(g, node, x);
    dims[0] = prod(x->shape.dim, 0, (int)axis);
    dims[1] = prod(x->shape.dim, (int)axis, r);
    set_out_shape(g, node, 0, x->dtype, 2, dims);
}

static void infer_squeeze(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    int n, i, r = x->shape.rank, k = 0;
    int64_t *axes = ints_attr_or_input(g, node, "axes", 13, 1, &n);
    bool drop[EC_MAX_RANK] = { false };
    ec_shape s;
    if (axes && n > 0) {
        for (i = 0; i < n; i++) {
            int a = ec_axis(g, node, axes[i], r);
            if (x->shape.dim[a] != 1 && x->shape.dim[a] != -1)
                ec_fail_node(g, node, "cannot squeeze axis %d of size %lld", a, (long long)x->shape.dim[a]);
            drop[a] = true;
        }
    } else {
        need_static(g, node, x);
        for (i = 0; i < r; i++) drop[i] = x->shape.dim[i] == 1;
    }
    s = x->shape;
    for (i = 0; i < r; i++) {
        if (drop[i]) continue;
        s.dim[k] = x->shape.dim[i];
        s.sym[k] = x->shape.sym[i];
        k++;
    }
    for (i = k; i < EC_MAX_RANK; i++) { s.dim[i] = 0; s.sym[i] = NULL; }
    s.rank = k;
    ec_set_out(g, node, 0, x->dtype, &s);
}

static void infer_unsqueeze(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    int n, i, r = x->shape.rank, R, k = 0;
    int64_t *axes = ints_attr_or_input(g, node, "axes", 13, 1, &n);
    bool ins[EC_MAX_RANK] = { false };
    ec_shape s;
    if (!axes || n <= 0) ec_fail_node(g, node, "axes are required");
    R = r + n;
    if (R > EC_MAX_RANK) ec_fail_node(g, node, "rank %d exceeds %d", R, EC_MAX_RANK);
    for (i = 0; i < n; i++) {
        int a = ec_axis(g, node, axes[i], R);
        if (ins[a]) ec_fail_node(g, node, "repeated axis %d", a);
        ins[a] = true;
    }
    memset(&s, 0, sizeof s);
    s.rank = R;
    for (i = 0; i < R; i++) {
        if (ins[i]) { s.dim[i] = 1; continue; }
        s.dim[i] = x->shape.dim[k];
        s.sym[i] = x->shape.sym[k];
        k++;
    }
    ec_set_out(g, node, 0, x->dtype, &s);
}

/* ---- Transpose ------------------------------------------------------------ */

static void transpose_perm(ec_graph *g, int node, int r, int *perm)
{
    const int64_t *p;
    int n = ec_attr_ints(nd(g, node), "perm", &p), i;
    bool seen[EC_MAX_RANK] = { false };
    if (n < 0) {
        for (i = 0; i < r; i++) perm[i] = r - 1 - i;
        return;
    }
    if (n != r) ec_fail_node(g, node, "perm has %d entries for rank %d", n, r);
    for (i = 0; i < r; i++) {
        if (p[i] < 0 || p[i] >= r || seen[p[i]]) ec_fail_node(g, node, "perm is not a permutation");
        seen[p[i]] = true;
        perm[i] = (int)p[i];
    }
}

static void infer_transpose(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    int perm[EC_MAX_RANK], i;
    ec_shape s;
    transpose_perm(g, node, x->shape.rank, perm);
    memset(&s, 0, sizeof s);
    s.rank = x->shape.rank;
    for (i = 0; i < s.rank; i++) { s.dim[i] = x->shape.dim[perm[i]]; s.sym[i] = x->shape.sym[perm[i]]; }
    ec_set_out(g, node, 0, x->dtype, &s);
}

static void lower_transpose(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = ec_in(g, node, 0), *y = ec_out(g, node, 0);
    int perm[EC_MAX_RANK], d;
    int64_t st[EC_MAX_RANK], o;
    maptab m;
    if (lower_empty(g, node, L)) return;
    transpose_perm(g, node, x->shape.rank, perm);
    strides_of(&x->shape, st);
    if (g->runtime_dims) {
        int64_t ps[EC_MAX_RANK];
        for (d = 0; d < y->shape.rank; d++) ps[d] = st[perm[d]];
        emit_strided(L, ec_out_id(g, node, 0), ec_in_id(g, node, 0), esize(g, node, x->dtype), y->shape.rank,
                     y->shape.dim, 0, ps);
        return;
    }
    maptab_init(&m, &y->shape);
    for (d = 0; d < m.rank; d++)
        for (o = 0; o < m.ydims[d]; o++) TAB(&m, d, o) = o * st[perm[d]];
    emit_map(L, ec_out_id(g, node, 0), ec_in_id(g, node, 0), -1, esize(g, node, x->dtype), m.rank, m.ydims, m.tab, NULL);
}

/* ---- Concat, Split -------------------------------------------------------- */

static int concat_axis(ec_graph *g, int node, int r)
{
    const ec_attr *a = ec_attr_find(nd(g, node), "axis");
    if (!a && g->opset >= 4) ec_fail_node(g, node, "attribute 'axis' is required");
    return ec_axis(g, node, a ? a->i : 1, r);
}

static void infer_concat(ec_graph *g, int node)
{
    ec_value *x0 = need_in(g, node, 0);
    int r = x0->shape.rank, k, d, axis;
    ec_shape s = x0->shape;
    if (r == 0) ec_fail_node(g, node, "cannot concatenate scalars");
    axis = concat_axis(g, node, r);
    for (k = 1; k < nd(g, node)->nin; k++) {
        ec_value *x = need_in(g, node, k);
        if (x->dtype != x0->dtype) ec_fail_node(g, node, "input %d has dtype %s, input 0 has %s", k,
                                                ec_dtype_name(x->dtype), ec_dtype_name(x0->dtype));
        if (x->shape.rank != r) ec_fail_node(g, node, "input %d has rank %d, input 0 has %d", k, x->shape.rank, r);
        for (d = 0; d < r; d++) {
            if (d == axis) continue;
            if (x->shape.dim[d] >= 0 && s.dim[d] >= 0 && x->shape.dim[d] != s.dim[d])
                ec_fail_node(g, node, "input %d dim %d is %lld, expected %lld", k, d,
                             (long long)x->shape.dim[d], (long long)s.dim[d]);
        }
        if (s.dim[axis] < 0 || x->shape.dim[axis] < 0) s.dim[axis] = -1;
        else if (x->shape.dim[axis] > INT64_MAX / 4 - s.dim[axis]) ec_fail_node(g, node, "output too large");
        else s.dim[axis] += x->shape.dim[axis];
    }
    ec_set_out(g, node, 0, x0->dtype, &s);
}

static void lower_concat(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *y = ec_out(g, node, 0);
    int r = y->shape.rank, axis = concat_axis(g, node, r), k;
    int64_t es = esize(g, node, y->dtype);
    int64_t outer = prod(y->shape.dim, 0, axis), inner = prod(y->shape.dim, axis + 1, r);
    int64_t ystride = y->shape.dim[axis] * inner * es, off = 0;
    if (lower_empty(g, node, L)) return;
    for (k = 0; k < nd(g, node)->nin; k++) {
        ec_value *x = ec_in(g, node, k);
        int64_t blk = x->shape.dim[axis] * inner * es;
        /* with run-time dims, an input empty at one value is not at another */
        if (blk > 0 || g->runtime_dims) {
            ec_call *c = ec_emit(L, "ec_copy_blocks");
            ec_arg_out(c, "y", ec_out_id(g, node, 0));
            ec_arg_in(c, "x", ec_in_id(g, node, k));
            ec_arg_int(c, "nblocks", outer);
            ec_arg_int(c, "block_bytes", blk);
            ec_arg_int(c, "y_offset", off);
            ec_arg_int(c, "y_stride", ystride);
            ec_arg_int(c, "x_offset", 0);
            ec_arg_int(c, "x_stride", blk);
        }
        off += blk;
    }
}

/* Split sizes along the axis (ec_alloc'ed, nout entries). */
static int64_t *split_sizes(ec_graph *g, int node, const ec_value *x, int axis)
{
    int nout = nd(g, node)->nout, n, i;
    int64_t *sp = ints_attr_or_input(g, node, "split", 13, 1, &n), sum = 0, dim = x->shape.dim[axis];
    if (sp && n >= 0) {
        if (n != nout) ec_fail_node(g, node, "split has %d entries for %d outputs", n, nout);
        for (i = 0; i < n; i++) {
            if (sp[i] < 0) ec_fail_node(g, node, "negative split size");
            sum += sp[i];
        }
        if (dim >= 0 && sum != dim)
            ec_fail_node(g, node, "split sizes sum to %lld, axis has %lld", (long long)sum, (long long)dim);
        return sp;
    }
    if (dim < 0) ec_fail_node(g, node, "split axis must be static");
    sp = ec_alloc(sizeof(int64_t) * (size_t)nout);
    {
        int64_t part = (dim + nout - 1) / nout, left = dim;
        if (dim % nout != 0 && g->opset < 18)
            ec_fail_node(g, node, "axis of size %lld does not split evenly into %d outputs", (long long)dim, nout);
        for (i = 0; i < nout; i++) {
            sp[i] = left < part ? left : part;
            left -= sp[i];
        }
    }
    return sp;
}

static void infer_split(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    int axis = ec_axis(g, node, ec_attr_int(nd(g, node), "axis", 0), x->shape.rank), k;
    int64_t *sp = split_sizes(g, node, x, axis);
    for (k = 0; k < nd(g, node)->nout; k++) {
        ec_shape s = x->shape;
        s.dim[axis] = sp[k];
        s.sym[axis] = NULL;
        if (ec_out_id(g, node, k) >= 0) ec_set_out(g, node, k, x->dtype, &s);
    }
}

static void lower_split(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = ec_in(g, node, 0);
    int r = x->shape.rank, axis = ec_axis(g, node, ec_attr_int(nd(g, node), "axis", 0), r), k;
    int64_t *sp = split_sizes(g, node, x, axis);
    int64_t es = esize(g, node, x->dtype);
    int64_t outer = prod(x->shape.dim, 0, axis), inner = prod(x->shape.dim, axis + 1, r);
    int64_t xstride = x->shape.dim[axis] * inner * es, off = 0;
    lower_empty(g, node, L);
    for (k = 0; k < nd(g, node)->nout; k++) {
        int64_t blk = sp[k] * inner * es;
        if (blk > 0 && outer > 0 && ec_out_id(g, node, k) >= 0) {
            ec_call *c = ec_emit(L, "ec_copy_blocks");
            ec_arg_out(c, "y", ec_out_id(g, node, k));
            ec_arg_in(c, "x", ec_in_id(g, node, 0));
            ec_arg_int(c, "nblocks", outer);
            ec_arg_int(c, "block_bytes", blk);
            ec_arg_int(c, "y_offset", 0);
            ec_arg_int(c, "y_stride", blk);
            ec_arg_int(c, "x_offset", off);
            ec_arg_int(c, "x_stride", xstride);
        }
        off += blk;
    }
}

/* ---- Slice ---------------------------------------------------------------- */

typedef struct slice_plan {
    int64_t start[EC_MAX_RANK], step[EC_MAX_RANK], len[EC_MAX_RANK];
} slice_plan;

static void slice_plan_make(ec_graph *g, int node, const ec_value *x, slice_plan *p)
{
    int r = x->shape.rank, ns, ne, na = -1, nst = -1, i;
    int64_t *starts, *ends, *axes = NULL, *steps = NULL;
    bool seen[EC_MAX_RANK] = { false };
    if (g->opset >= 10) {
        starts = const_ints(g, node, 1, &ns);
        ends = const_ints(g, node, 2, &ne);
        if (ec_in(g, node, 3)) axes = const_ints(g, node, 3, &na);
        if (ec_in(g, node, 4)) steps = const_ints(g, node, 4, &nst);
    } else {
        starts = ints_attr_or_input(g, node, "starts", 100, 1, &ns);
        ends = ints_attr_or_input(g, node, "ends", 100, 2, &ne);
        axes = ints_attr_or_input(g, node, "axes", 100, 3, &na);
        if (!starts || !ends) ec_fail_node(g, node, "starts and ends are required");
    }
    if (ns != ne) ec_fail_node(g, node, "starts has %d entries, ends %d", ns, ne);
    if (axes && na != ns) ec_fail_node(g, node, "axes has %d entries, starts %d", na, ns);
    if (steps && nst != ns) ec_fail_node(g, node, "steps has %d entries, starts %d", nst, ns);
    for (i = 0; i < r; i++) { p->start[i] = 0; p->step[i] = 1; p->len[i] = x->shape.dim[i]; }
    for (i = 0; i < ns; i++) {
        int a = axes ? ec_axis(g, node, axes[i], r) : i;
        int64_t d, st = steps ? steps[i] : 1, s = starts[i], e = ends[i], len;
        if (a >= r) ec_fail_node(g, node, "more starts than the input has dims");
        d = x->shape.dim[a];
        if (seen[a]) ec_fail_node(g, node, "repeated axis %d", a);
        seen[a] = true;
        if (st == 0) ec_fail_node(g, node, "step must not be 0");
        if (d < 0) ec_fail_node(g, node, "sliced axis %d must be static", a);
        /* a step longer than the axis takes one element: keep the arithmetic small */
        if (st > d) st = d > 0 ? d : 1;
        if (st < -d) st = d > 0 ? -d : -1;
        if (s < 0) s += d;
        if (e < 0) e += d;
        if (st > 0) {
            s = s < 0 ? 0 : s > d ? d : s;
            e = e < 0 ? 0 : e > d ? d : e;
            len = e > s ? (e - s - 1) / st + 1 : 0;
        } else {
            s = s < 0 ? -1 : s > d - 1 ? d - 1 : s;
            e = e < -1 ? -1 : e > d - 1 ? d - 1 : e;
            len = s > e ? (s - e - 1) / (-st) + 1 : 0;
        }
        p->start[a] = s;
        p->step[a] = st;
        p->len[a] = len;
    }
}

static void infer_slice(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    slice_plan p;
    ec_shape s = x->shape;
    int i;
    slice_plan_make(g, node, x, &p);
    for (i = 0; i < s.rank; i++) {
        if (s.dim[i] != p.len[i]) s.sym[i] = NULL;
        s.dim[i] = p.len[i];
    }
    ec_set_out(g, node, 0, x->dtype, &s);
}

static void lower_slice(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = ec_in(g, node, 0), *y = ec_out(g, node, 0);
    slice_plan p;
    int64_t st[EC_MAX_RANK], o;
    maptab m;
    int d;
    if (lower_empty(g, node, L)) return;
    slice_plan_make(g, node, x, &p);
    strides_of(&x->shape, st);
    if (g->runtime_dims) {
        int64_t ss[EC_MAX_RANK], base = 0;
        for (d = 0; d < y->shape.rank; d++) {
            base += p.start[d] * st[d];
            ss[d] = p.step[d] * st[d];
        }
        emit_strided(L, ec_out_id(g, node, 0), ec_in_id(g, node, 0), esize(g, node, x->dtype), y->shape.rank,
                     y->shape.dim, base, ss);
        return;
    }
    maptab_init(&m, &y->shape);
    for (d = 0; d < m.rank; d++)
        for (o = 0; o < m.ydims[d]; o++) TAB(&m, d, o) = (p.start[d] + o * p.step[d]) * st[d];
    emit_map(L, ec_out_id(g, node, 0), ec_in_id(g, node, 0), -1, esize(g, node, x->dtype), m.rank, m.ydims, m.tab, NULL);
}

/* ---- Gather, GatherElements, GatherND ------------------------------------- */

static void check_const_indices(ec_graph *g, int node, int k, int64_t dim)
{
    const ec_value *v = ec_in(g, node, k);
    int64_t n, i;
    if (v && dim == 0 && numel(v) > 0) ec_fail_node(g, node, "indices into an empty axis");
    if (!v || !v->data || dim < 0) return;
    n = numel(v);
    for (i = 0; i < n; i++) {
        int64_t q = ec_const_int(v, i);
        if (q < -dim || q >= dim)
            ec_fail_node(g, node, "index %lld out of range [%lld, %lld)", (long long)q, (long long)-dim, (long long)dim);
    }
}

static void infer_gather(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0), *idx = need_in(g, node, 1);
    int r = x->shape.rank, q = idx->shape.rank, axis, i, k = 0;
    ec_shape s;
    need_index(g, node, idx);
    if (r < 1) ec_fail_node(g, node, "data must have rank >= 1");
    axis = ec_axis(g, node, ec_attr_int(nd(g, node), "axis", 0), r);
    if (r - 1 + q > EC_MAX_RANK) ec_fail_node(g, node, "output rank exceeds %d", EC_MAX_RANK);
    check_const_indices(g, node, 1, x->shape.dim[axis]);
    memset(&s, 0, sizeof s);
    for (i = 0; i < axis; i++, k++) { s.dim[k] = x->shape.dim[i]; s.sym[k] = x->shape.sym[i]; }
    for (i = 0; i < q; i++, k++) { s.dim[k] = idx->shape.dim[i]; s.sym[k] = idx->shape.sym[i]; }
    for (i = axis + 1; i < r; i++, k++) { s.dim[k] = x->shape.dim[i]; s.sym[k] = x->shape.sym[i]; }
    s.rank = k;
    ec_set_out(g, node, 0, x->dtype, &s);
}

static void lower_gather(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = ec_in(g, node, 0), *idx = ec_in(g, node, 1);
    int r = x->shape.rank, axis = ec_axis(g, node, ec_attr_int(nd(g, node), "axis", 0), r);
    ec_call *c;
    /* ec_gather copies nothing when the output is empty (past_k[i] with past=0) */
    if (!out_runtime(g, node) && lower_empty(g, node, L)) return;
    c = ec_emit(L, "ec_gather");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_in(c, "idx", ec_in_id(g, node, 1));
    ec_arg_int(c, "elem_size", esize(g, node, x->dtype));
    ec_arg_int(c, "idx_dt", idx->dtype);
    ec_arg_int(c, "outer", prod(x->shape.dim, 0, axis));
    ec_arg_int(c, "axis_dim", x->shape.dim[axis]);
    ec_arg_int(c, "inner", prod(x->shape.dim, axis + 1, r));
    ec_arg_int(c, "nidx", numel(idx));
}

static void infer_gather_elements(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0), *idx = need_in(g, node, 1);
    int r = x->shape.rank, axis, d;
    need_index(g, node, idx);
    if (r < 1 || idx->shape.rank != r) ec_fail_node(g, node, "data and indices must have the same rank >= 1");
    axis = ec_axis(g, node, ec_attr_int(nd(g, node), "axis", 0), r);
    for (d = 0; d < r; d++)
        if (d != axis && idx->shape.dim[d] > x->shape.dim[d] && x->shape.dim[d] >= 0)
            ec_fail_node(g, node, "indices dim %d exceeds data dim", d);
    check_const_indices(g, node, 1, x->shape.dim[axis]);
    ec_set_out(g, node, 0, x->dtype, &idx->shape);
}

static void lower_gather_elements(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = ec_in(g, node, 0), *idx = ec_in(g, node, 1);
    int r = x->shape.rank, axis = ec_axis(g, node, ec_attr_int(nd(g, node), "axis", 0), r);
    ec_call *c;
    if (lower_empty(g, node, L)) return;
    c = ec_emit(L, "ec_gather_elements");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_in(c, "idx", ec_in_id(g, node, 1));
    ec_arg_int(c, "elem_size", esize(g, node, x->dtype));
    ec_arg_int(c, "idx_dt", idx->dtype);
    ec_arg_int(c, "axis", axis);
    ec_arg_int(c, "rank", r);
    ec_arg_ints(c, "xdims", x->shape.dim, r);
    ec_arg_ints(c, "idims", idx->shape.dim, r);
}

static void infer_gather_nd(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0), *idx = need_in(g, node, 1);
    int r = x->shape.rank, q = idx->shape.rank, b = (int)ec_attr_int(nd(g, node), "batch_dims", 0), k, i, n = 0;
    ec_shape s;
    need_index(g, node, idx);
    if (r < 1 || q < 1) ec_fail_node(g, node, "data and indices must have rank >= 1");
    if (b < 0 || b >= q || b >= r) ec_fail_node(g, node, "invalid batch_dims %d", b);
    if (idx->shape.dim[q - 1] < 1 || idx->shape.dim[q - 1] > r - b)
        ec_fail_node(g, node, "indices last dim %lld out of range", (long long)idx->shape.dim[q - 1]);
    k = (int)idx->shape.dim[q - 1];
    if (numel(x) == 0 && numel(idx) > 0) ec_fail_node(g, node, "indices into an empty tensor");
    for (i = 0; i < b; i++)
        if (idx->shape.dim[i] != x->shape.dim[i]) ec_fail_node(g, node, "batch dim %d differs", i);
    memset(&s, 0, sizeof s);
    for (i = 0; i < q - 1; i++) s.dim[n++] = idx->shape.dim[i];
    for (i = b + k; i < r; i++) {
        if (n >= EC_MAX_RANK) ec_fail_node(g, node, "output rank exceeds %d", EC_MAX_RANK);
        s.dim[n++] = x->shape.dim[i];
    }
    s.rank = n;
    ec_set_out(g, node, 0, x->dtype, &s);
}

static void lower_gather_nd(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = ec_in(g, node, 0), *idx = ec_in(g, node, 1);
    int r = x->shape.rank, q = idx->shape.rank, b = (int)ec_attr_int(nd(g, node), "batch_dims", 0);
    int k = (int)idx->shape.dim[q - 1];
    int64_t st[EC_MAX_RANK];
    ec_call *c;
    if (lower_empty(g, node, L)) return;
    strides_of(&x->shape, st);
    c = ec_emit(L, "ec_gather_nd");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_in(c, "idx", ec_in_id(g, node, 1));
    ec_arg_int(c, "elem_size", esize(g, node, x->dtype));
    ec_arg_int(c, "idx_dt", idx->dtype);
    ec_arg_int(c, "nbatch", prod(x->shape.dim, 0, b));
    ec_arg_int(c, "m", prod(idx->shape.dim, b, q - 1));
    ec_arg_int(c, "k", k);
    ec_arg_int(c, "slice", prod(x->shape.dim, b + k, r));
    ec_arg_int(c, "xbatch", prod(x->shape.dim, b, r));
    ec_arg_ints(c, "dims", x->shape.dim + b, k);
    ec_arg_ints(c, "strides", st + b, k);
}

/* ---- Scatter family ------------------------------------------------------- */

static int scatter_reduction(ec_graph *g, int node)
{
    const char *r = ec_attr_string(nd(g, node), "reduction", "none");
    if (strcmp(r, "none") == 0) return EC_SCATTER_NONE;
    if (strcmp(r, "add") == 0) return EC_SCATTER_ADD;
    if (strcmp(r, "mul") == 0) return EC_SCATTER_MUL;
    if (strcmp(r, "max") == 0) return EC_SCATTER_MAX;
    if (strcmp(r, "min") == 0) return EC_SCATTER_MIN;
    ec_fail_node(g, node, "unknown reduction '%s'", r);
}

static void infer_scatter_elements(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0), *idx = need_in(g, node, 1), *u = need_in(g, node, 2);
    int r = x->shape.rank, axis, d;
    need_index(g, node, idx);
    scatter_reduction(g, node);
    if (r < 1 || idx->shape.rank != r || u->shape.rank != r)
        ec_fail_node(g, node, "data, indices and updates must have the same rank >= 1");
    if (u->dtype != x->dtype) ec_fail_node(g, node, "updates dtype differs from data");
    axis = ec_axis(g, node, ec_attr_int(nd(g, node), "axis", 0), r);
    for (d = 0; d < r; d++) {
        if (idx->shape.dim[d] != u->shape.dim[d]) ec_fail_node(g, node, "indices and updates shapes differ");
        if (d != axis && idx->shape.dim[d] > x->shape.dim[d]) ec_fail_node(g, node, "indices dim %d exceeds data", d);
    }
    check_const_indices(g, node, 1, x->shape.dim[axis]);
    ec_set_out(g, node, 0, x->dtype, &x->shape);
}

static void lower_scatter_elements(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = ec_in(g, node, 0), *idx = ec_in(g, node, 1);
    int r = x->shape.rank, axis = ec_axis(g, node, ec_attr_int(nd(g, node), "axis", 0), r);
    ec_call *c;
    if (lower_empty(g, node, L)) return;
    c = ec_emit(L, "ec_scatter_elements");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "data", ec_in_id(g, node, 0));
    ec_arg_in(c, "idx", ec_in_id(g, node, 1));
    ec_arg_in(c, "upd", ec_in_id(g, node, 2));
    ec_arg_int(c, "elem_size", esize(g, node, x->dtype));
    ec_arg_int(c, "idx_dt", idx->dtype);
    ec_arg_int(c, "dt", x->dtype);
    ec_arg_int(c, "reduction", scatter_reduction(g, node));
    ec_arg_int(c, "axis", axis);
    ec_arg_int(c, "rank", r);
    ec_arg_ints(c, "ddims", x->shape.dim, r);
    ec_arg_ints(c, "idims", idx->shape.dim, r);
}

static void infer_scatter_nd(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0), *idx = need_in(g, node, 1), *u = need_in(g, node, 2);
    int r = x->shape.rank, q = idx->shape.rank, k, i;
    need_index(g, node, idx);
    scatter_reduction(g, node);
    if (r < 1 || q < 1) ec_fail_node(g, node, "data and indices must have rank >= 1");
    if (idx->shape.dim[q - 1] < 1 || idx->shape.dim[q - 1] > r)
        ec_fail_node(g, node, "indices last dim %lld out of range", (long long)idx->shape.dim[q - 1]);
    k = (int)idx->shape.dim[q - 1];
    if (numel(x) == 0 && numel(idx) > 0) ec_fail_node(g, node, "indices into an empty tensor");
    if (u->dtype != x->dtype) ec_fail_node(g, node, "updates dtype differs from data");
    if (u->shape.rank != q - 1 + r - k) ec_fail_node(g, node, "updates has the wrong rank");
    for (i = 0; i < q - 1; i++)
        if (u->shape.dim[i] != idx->shape.dim[i]) ec_fail_node(g, node, "updates shape mismatch");
    for (i = k; i < r; i++)
        if (u->shape.dim[q - 1 + i - k] != x->shape.dim[i]) ec_fail_node(g, node, "updates shape mismatch");
    ec_set_out(g, node, 0, x->dtype, &x->shape);
}

static void lower_scatter_nd(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = ec_in(g, node, 0), *idx = ec_in(g, node, 1);
    int r = x->shape.rank, q = idx->shape.rank, k = (int)idx->shape.dim[q - 1];
    int64_t st[EC_MAX_RANK];
    ec_call *c;
    if (lower_empty(g, node, L)) return;
    strides_of(&x->shape, st);
    c = ec_emit(L, "ec_scatter_nd");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "data", ec_in_id(g, node, 0));
    ec_arg_in(c, "idx", ec_in_id(g, node, 1));
    ec_arg_in(c, "upd", ec_in_id(g, node, 2));
    ec_arg_int(c, "elem_size", esize(g, node, x->dtype));
    ec_arg_int(c, "idx_dt", idx->dtype);
    ec_arg_int(c, "dt", x->dtype);
    ec_arg_int(c, "reduction", scatter_reduction(g, node));
    ec_arg_int(c, "n", numel(x));
    ec_arg_int(c, "m", prod(idx->shape.dim, 0, q - 1));
    ec_arg_int(c, "k", k);
    ec_arg_int(c, "slice", prod(x->shape.dim, k, r));
    ec_arg_ints(c, "dims", x->shape.dim, k);
    ec_arg_ints(c, "strides", st, k);
}

/* ---- Expand, Tile --------------------------------------------------------- */

static void infer_expand(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    int n, i;
    int64_t *sh = const_ints(g, node, 1, &n);
    ec_shape t, s;
    if (n > EC_MAX_RANK) ec_fail_node(g, node, "rank %d exceeds %d", n, EC_MAX_RANK);
    for (i = 0; i < n; i++) if (sh[i] < 0) ec_fail_node(g, node, "negative dim in shape");
    need_static(g, node, x);
    t = ec_shape_make(n, sh);
    if (!ec_broadcast(&x->shape, &t, &s)) {
        char a[96], b[96];
        ec_fail_node(g, node, "cannot expand %s to %s", ec_shape_str(&x->shape, a, sizeof a),
                     ec_shape_str(&t, b, sizeof b));
    }
    ec_set_out(g, node, 0, x->dtype, &s);
}

static void lower_expand(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = ec_in(g, node, 0), *y = ec_out(g, node, 0);
    int64_t st[EC_MAX_RANK], o;
    int d, R = y->shape.rank, r = x->shape.rank;
    maptab m;
    if (lower_empty(g, node, L)) return;
    strides_of(&x->shape, st);
    if (g->runtime_dims) {
        int64_t es[EC_MAX_RANK];
        for (d = 0; d < R; d++) {
            int j = d - (R - r);
            es[d] = (j < 0 || x->shape.dim[j] == 1) ? 0 : st[j];
        }
        emit_strided(L, ec_out_id(g, node, 0), ec_in_id(g, node, 0), esize(g, node, x->dtype), R,
                     y->shape.dim, 0, es);
        return;
    }
    maptab_init(&m, &y->shape);
    for (d = 0; d < R; d++) {
        int j = d - (R - r);
        for (o = 0; o < m.ydims[d]; o++)
            TAB(&m, d, o) = (j < 0 || x->shape.dim[j] == 1) ? 0 : o * st[j];
    }
    emit_map(L, ec_out_id(g, node, 0), ec_in_id(g, node, 0), -1, esize(g, node, x->dtype), m.rank, m.ydims, m.tab, NULL);
}

static void infer_tile(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    int n, i;
    int64_t *rep = const_ints(g, node, 1, &n);
    ec_shape s = x->shape;
    if (n != x->shape.rank) ec_fail_node(g, node, "repeats has %d entries for rank %d", n, x->shape.rank);
    need_static(g, node, x);
    for (i = 0; i < n; i++) {
        if (rep[i] < 0) ec_fail_node(g, node, "negative repeat");
        if (rep[i] > 0 && x->shape.dim[i] > ((int64_t)1 << 40) / rep[i]) ec_fail_node(g, node, "output too large");
        s.dim[i] = x->shape.dim[i] * rep[i];
        s.sym[i] = NULL;
    }
    ec_set_out(g, node, 0, x->dtype, &s);
}

static void lower_tile(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = ec_in(g, node, 0), *y = ec_out(g, node, 0);
    int64_t st[EC_MAX_RANK], o;
    int d;
    maptab m;
    if (lower_empty(g, node, L)) return;
    strides_of(&x->shape, st);
    maptab_init(&m, &y->shape);
    for (d = 0; d < m.rank; d++)
        for (o = 0; o < m.ydims[d]; o++) TAB(&m, d, o) = (o % x->shape.dim[d]) * st[d];
    emit_map(L, ec_out_id(g, node, 0), ec_in_id(g, node, 0), -1, esize(g, node, x->dtype), m.rank, m.ydims, m.tab, NULL);
}

/* ---- Pad ------------------------------------------------------------------ */

enum { PAD_CONSTANT, PAD_REFLECT, PAD_EDGE };

static int pad_mode(ec_graph *g, int node)
{
    const char *m = ec_attr_string(nd(g, node), "mode", "constant");
    if (strcmp(m, "constant") == 0) return PAD_CONSTANT;
    if (strcmp(m, "reflect") == 0) return PAD_REFLECT;
    if (strcmp(m, "edge") == 0) return PAD_EDGE;
    ec_fail_node(g, node, "unsupported pad mode '%s'", m);
}

/* pads[2r]: begins then ends. */
static void pad_amounts(ec_graph *g, int node, const ec_value *x, int64_t *pads)
{
    int r = x->shape.rank, n, i;
    int64_t *p;
    if (g->opset >= 11) {
        p = const_ints(g, node, 1, &n);
        if (ec_in(g, node, 3)) {
            int na;
            int64_t *axes = const_ints(g, node, 3, &na);
            if (n != 2 * na) ec_fail_node(g, node, "pads has %d entries for %d axes", n, na);
            for (i = 0; i < 2 * r; i++) pads[i] = 0;
            for (i = 0; i < na; i++) {
                int a = ec_axis(g, node, axes[i], r);
                pads[a] = p[i];
                pads[r + a] = p[na + i];
            }
            return;
        }
    } else {
        p = ints_attr_or_input(g, node, g->opset < 2 ? "paddings" : "pads", 100, 1, &n);
        if (!p) ec_fail_node(g, node, "attribute 'pads' is required");
    }
    if (n != 2 * r) ec_fail_node(g, node, "pads has %d entries for rank %d", n, r);
    for (i = 0; i < 2 * r; i++) pads[i] = p[i];
}

static void infer_pad(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    int64_t pads[2 * EC_MAX_RANK];
    int r = x->shape.rank, i, mode = pad_mode(g, node);
    ec_shape s = x->shape;
    need_static(g, node, x);
    pad_amounts(g, node, x, pads);
    for (i = 0; i < 2 * r; i++)
        if (pads[i] > ((int64_t)1 << 40) || pads[i] < -((int64_t)1 << 40)) ec_fail_node(g, node, "pad out of range");
    for (i = 0; i < r; i++) {
        int64_t d = x->shape.dim[i] + pads[i] + pads[r + i];
        if (d < 0) ec_fail_node(g, node, "negative output dim on axis %d", i);
        if (d > 0 && x->shape.dim[i] == 0 && mode != PAD_CONSTANT)
            ec_fail_node(g, node, "cannot %s-pad an empty axis", mode == PAD_EDGE ? "edge" : "reflect");
        s.dim[i] = d;
        s.sym[i] = NULL;
    }
    if (ec_in(g, node, 2) && g->opset >= 11) {
        ec_value *cv = ec_in(g, node, 2);
        if (cv->dtype != x->dtype) ec_fail_node(g, node, "constant_value dtype differs from data");
        if (cv->shape.rank > 1 || (cv->shape.rank == 1 && cv->shape.dim[0] != 1))
            ec_fail_node(g, node, "constant_value must be a scalar");
    }
    ec_set_out(g, node, 0, x->dtype, &s);
}

static void lower_pad(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = ec_in(g, node, 0), *y = ec_out(g, node, 0);
    int64_t pads[2 * EC_MAX_RANK], st[EC_MAX_RANK], o, fill[2] = { 0, 0 };
    int r = x->shape.rank, d, mode = pad_mode(g, node), fv = -1;
    maptab m;
    if (lower_empty(g, node, L)) return;
    pad_amounts(g, node, x, pads);
    /* all pads 0 (torch.onnx exports AvgPool2d like this): y is x */
    for (d = 0; d < 2 * r && pads[d] == 0; d++) {}
    if (d == 2 * r) {
        lower_view(g, node, L);
        return;
    }
    strides_of(&x->shape, st);
    maptab_init(&m, &y->shape);
    for (d = 0; d < r; d++) {
        int64_t n = x->shape.dim[d];
        for (o = 0; o < m.ydims[d]; o++) {
            int64_t i = o - pads[d];
            if (i < 0 || i >= n) {
                if (mode == PAD_CONSTANT) { TAB(&m, d, o) = -1; continue; }
                if (mode == PAD_EDGE) i = i < 0 ? 0 : n - 1;
                else if (n == 1) i = 0;
                else {
                    int64_t period = 2 * (n - 1);
                    if (i < 0) i = -i;
                    i %= period;
                    if (i > n - 1) i = period - i;
                }
            }
            TAB(&m, d, o) = i * st[d];
        }
    }
    if (mode == PAD_CONSTANT) {
        if (g->opset >= 11) {
            if (ec_in(g, node, 2)) fv = ec_in_id(g, node, 2);
        } else {
            fill_bits_of(x->dtype, ec_attr_float(nd(g, node), "value", 0.0f), fill);
        }
    }
    emit_map(L, ec_out_id(g, node, 0), ec_in_id(g, node, 0), fv, esize(g, node, x->dtype), m.rank, m.ydims, m.tab, fill);
}

/* ---- Shape, Size, Constant, ConstantOfShape, Range, EyeLike, NonZero ---- */

static void infer_shape_op(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    int r = x->shape.rank;
    int64_t start = ec_attr_int(nd(g, node), "start", 0), end = ec_attr_int(nd(g, node), "end", r), i, n;
    int64_t *data;
    ec_shape s;
    if (start < 0) start += r;
    if (end < 0) end += r;
    start = start < 0 ? 0 : start > r ? r : start;
    end = end < 0 ? 0 : end > r ? r : end;
    n = end > start ? end - start : 0;
    data = ec_alloc(sizeof(int64_t) * (size_t)(n + 1));
    for (i = 0; i < n; i++) {
        data[i] = x->shape.dim[start + i];
        if (data[i] < 0)
            ec_fail_node(g, node, "dim %lld of '%s' is symbolic; Shape needs static dims",
                         (long long)(start + i), x->name);
    }
    s = ec_shape_make(1, &n);
    set_const(g, node, 0, EC_DT_INT64, &s, data);
}

static void infer_size(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    int64_t *data = ec_alloc(sizeof(int64_t));
    ec_shape s = ec_shape_make(0, NULL);
    need_static(g, node, x);
    data[0] = numel(x);
    set_const(g, node, 0, EC_DT_INT64, &s, data);
}

static void infer_constant(ec_graph *g, int node)
{
    ec_node *n = nd(g, node);
    const ec_attr *a;
    if (n->nattrs != 1) ec_fail_node(g, node, "Constant needs exactly one value attribute");
    a = &n->attrs[0];
    if (strcmp(a->name, "value") == 0) {
        ec_tensor *t = a->t;
        size_t es;
        void *data;
        if (!t) ec_fail_node(g, node, "attribute 'value' has no tensor");
        es = ec_dtype_size(t->dtype);
        if (es == 0) ec_fail_node(g, node, "unsupported constant dtype %s", ec_dtype_name(t->dtype));
        {
            int64_t cnt = prod(t->shape.dim, 0, t->shape.rank);
            size_t nb = ec_mul_size((size_t)cnt, es);
            if (cnt < 0 || t->nbytes < nb) ec_fail_node(g, node, "constant tensor has %zu bytes, needs %zu", t->nbytes, nb);
            data = ec_alloc(nb + 1);
            if (nb) memcpy(data, t->data, nb);
        }
        set_const(g, node, 0, t->dtype, &t->shape, data);
    } else if (strcmp(a->name, "value_float") == 0) {
        float *d = ec_alloc(sizeof(float));
        ec_shape s = ec_shape_make(0, NULL);
        d[0] = a->f;
        set_const(g, node, 0, EC_DT_FLOAT, &s, d);
    } else if (strcmp(a->name, "value_int") == 0) {
        int64_t *d = ec_alloc(sizeof(int64_t));
        ec_shape s = ec_shape_make(0, NULL);
        d[0] = a->i;
        set_const(g, node, 0, EC_DT_INT64, &s, d);
    } else if (strcmp(a->name, "value_floats") == 0) {
        int64_t cnt = a->n;
        float *d = ec_alloc(sizeof(float) * (size_t)(cnt + 1));
        ec_shape s = ec_shape_make(1, &cnt);
        if (cnt) memcpy(d, a->floats, sizeof(float) * (size_t)cnt);
        set_const(g, node, 0, EC_DT_FLOAT, &s, d);
    } else if (strcmp(a->name, "value_ints") == 0) {
        int64_t cnt = a->n;
        int64_t *d = ec_alloc(sizeof(int64_t) * (size_t)(cnt + 1));
        ec_shape s = ec_shape_make(1, &cnt);
        if (cnt) memcpy(d, a->ints, sizeof(int64_t) * (size_t)cnt);
        set_const(g, node, 0, EC_DT_INT64, &s, d);
    } else {
        ec_fail_node(g, node, "unsupported Constant attribute '%s'", a->name);
    }
}

static void infer_constant_of_shape(ec_graph *g, int node)
{
    int n, i;
    int64_t *sh = const_ints(g, node, 0, &n), cnt, es;
    const ec_attr *a = ec_attr_find(nd(g, node), "value");
    ec_dtype dt = EC_DT_FLOAT;
    unsigned char val[16];
    unsigned char *data;
    ec_shape s;
    memset(val, 0, sizeof val);
    if (n > EC_MAX_RANK) ec_fail_node(g, node, "rank %d exceeds %d", n, EC_MAX_RANK);
    for (i = 0; i < n; i++) if (sh[i] < 0) ec_fail_node(g, node, "negative dim in shape");
    if (a) {
        if (a->type != EC_ATTR_TENSOR || !a->t) ec_fail_node(g, node, "attribute 'value' must be a tensor");
        dt = a->t->dtype;
        es = esize(g, node, dt);
        if (prod(a->t->shape.dim, 0, a->t->shape.rank) != 1 || a->t->nbytes < (size_t)es)
            ec_fail_node(g, node, "attribute 'value' must hold one element");
        memcpy(val, a->t->data, (size_t)es);
    }
    es = esize(g, node, dt);
    s = ec_shape_make(n, sh);
    data = alloc_numel(g, node, &s, dt);
    cnt = prod(sh, 0, n);
    for (i = 0; i < cnt; i++) memcpy(data + (int64_t)i * es, val, (size_t)es);
    set_const(g, node, 0, dt, &s, data);
}

static void infer_range(ec_graph *g, int node)
{
    const ec_value *st = ec_need_const(g, node, 0), *li = ec_need_const(g, node, 1), *de = ec_need_const(g, node, 2);
    ec_dtype dt = st->dtype;
    int64_t n, i, es = esize(g, node, dt);
    void *data;
    ec_shape s;
    if (li->dtype != dt || de->dtype != dt) ec_fail_node(g, node, "start, limit and delta must share a dtype");
    if (numel(st) != 1 || numel(li) != 1 || numel(de) != 1) ec_fail_node(g, node, "start, limit and delta must be scalars");
    if (ec_dtype_is_float(dt)) {
        double a = ec_const_double(st, 0), b = ec_const_double(li, 0), d = ec_const_double(de, 0), c;
        if (d == 0) ec_fail_node(g, node, "delta must not be 0");
        c = ceil((b - a) / d);
        if (!(c < (double)(1 << 28))) ec_fail_node(g, node, "range length %g is not finite or too large", c);
        n = c > 0 ? (int64_t)c : 0;
        s = ec_shape_make(1, &n);
        data = ec_alloc((size_t)(n * es) + 1);
        for (i = 0; i < n; i++) {
            if (dt == EC_DT_FLOAT) {
                float fa = (float)a, fd = (float)d;
                ((float *)data)[i] = fa + (float)i * fd;
            } else if (dt == EC_DT_DOUBLE) {
                ((double *)data)[i] = a + (double)i * d;
            } else {
                ec_fail_node(g, node, "unsupported dtype %s", ec_dtype_name(dt));
            }
        }
    } else {
        int64_t a = ec_const_int(st, 0), b = ec_const_int(li, 0), d = ec_const_int(de, 0);
        int64_t fb[2];
        if (d == 0) ec_fail_node(g, node, "delta must not be 0");
        {
            __int128 span = (__int128)b - a, dd = d, q;
            q = dd > 0 ? (span > 0 ? (span - 1) / dd + 1 : 0) : (span < 0 ? (-span - 1) / -dd + 1 : 0);
            if (q > (1 << 28)) ec_fail_node(g, node, "range too large");
            n = (int64_t)q;
        }
        s = ec_shape_make(1, &n);
        data = ec_alloc((size_t)(n * es) + 1);
        for (i = 0; i < n; i++) {
            int32_t w[2];
            int64_t v = (int64_t)((__int128)a + (__int128)i * d);
            fill_bits_of(dt, (double)v, fb);
            if (dt == EC_DT_INT64) { memcpy((char *)data + i * es, &v, 8); continue; }
            w[0] = (int32_t)fb[0]; w[1] = (int32_t)fb[1];
            memcpy((char *)data + i * es, w, (size_t)es);
        }
    }
    set_const(g, node, 0, dt, &s, data);
}

static void infer_eyelike(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    ec_dtype dt = (ec_dtype)ec_attr_int(nd(g, node), "dtype", x->dtype);
    int64_t k = ec_attr_int(nd(g, node), "k", 0), r, c, es = esize(g, node, dt), fb[2];
    unsigned char *data;
    int32_t w[2];
    if (x->shape.rank != 2) ec_fail_node(g, node, "input must be 2-D");
    need_static(g, node, x);
    data = alloc_numel(g, node, &x->shape, dt);
    fill_bits_of(dt, 1.0, fb);
    w[0] = (int32_t)fb[0]; w[1] = (int32_t)fb[1];
    if (k > x->shape.dim[1] || k < -x->shape.dim[0]) k = x->shape.dim[1]; /* no diagonal */
    for (r = 0; r < x->shape.dim[0]; r++) {
        c = r + k;
        if (c >= 0 && c < x->shape.dim[1]) memcpy(data + (r * x->shape.dim[1] + c) * es, w, (size_t)es);
    }
    set_const(g, node, 0, dt, &x->shape, data);
}

static bool elem_nonzero(const ec_value *v, int64_t i, int64_t es)
{
    const unsigned char *p = (const unsigned char *)v->data + i * es;
    int64_t b;
    if (ec_dtype_is_float(v->dtype)) return ec_const_double(v, i) != 0.0;
    for (b = 0; b < es; b++) if (p[b]) return true;
    return false;
}

static void infer_nonzero(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    int r = x->shape.rank, d;
    int64_t n, i, cnt = 0, es = esize(g, node, x->dtype), dims[2], st[EC_MAX_RANK], *data;
    ec_shape s;
    need_static(g, node, x);
    n = numel(x);
    if (!x->data) {
        /* [rank, count]: count is known at run time, at most numel */
        if (r < 1) ec_fail_node(g, node, "NonZero of a scalar is not supported");
        dims[0] = r;
        dims[1] = n;
        s = ec_shape_make(2, dims);
        ec_set_out_data_dep(g, node, 0, EC_DT_INT64, &s, 1);
        return;
    }
    for (i = 0; i < n; i++) cnt += elem_nonzero(x, i, es);
    dims[0] = r;
    dims[1] = cnt;
    s = ec_shape_make(2, dims);
    data = ec_alloc(sizeof(int64_t) * (size_t)(r * cnt + 1));
    strides_of(&x->shape, st);
    for (i = 0, cnt = 0; i < n; i++) {
        if (!elem_nonzero(x, i, es)) continue;
        for (d = 0; d < r; d++) data[d * dims[1] + cnt] = (i / st[d]) % x->shape.dim[d];
        cnt++;
    }
    set_const(g, node, 0, EC_DT_INT64, &s, data);
}

static void lower_nonzero(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = need_in(g, node, 0);
    const char *k;
    ec_call *c;
    switch (x->dtype) {
    case EC_DT_FLOAT: k = "ec_nonzero_f32"; break;
    case EC_DT_DOUBLE: k = "ec_nonzero_f64"; break;
    case EC_DT_INT32: k = "ec_nonzero_s32"; break;
    case EC_DT_INT64: k = "ec_nonzero_s64"; break;
    case EC_DT_UINT8: k = "ec_nonzero_u8"; break;
    case EC_DT_INT8: k = "ec_nonzero_s8"; break;
    case EC_DT_BOOL: k = "ec_nonzero_b"; break;
    default:
        ec_fail_node(g, node, "NonZero of a run-time %s tensor is not supported (float, double, "
                     "int32, int64, uint8, int8, bool)", ec_dtype_name(x->dtype));
    }
    c = ec_emit(L, k);
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_extent(c, "count", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_int(c, "n", numel(x));
    ec_arg_int(c, "rank", x->shape.rank);
    ec_arg_ints(c, "dims", x->shape.dim, x->shape.rank);
}

/* ---- Trilu, DepthToSpace, SpaceToDepth, OneHot, Compress, ReverseSequence */

/* k, clamped to where it still changes the result (so it fits int32). */
static int64_t trilu_k(ec_graph *g, int node)
{
    const ec_value *x = need_in(g, node, 0), *kv;
    int64_t k, lim;
    if (!ec_in(g, node, 1)) return 0;
    kv = ec_need_const(g, node, 1);
    if (numel(kv) != 1) ec_fail_node(g, node, "k must be a scalar");
    k = ec_const_int(kv, 0);
    lim = x->shape.rank >= 2 ? x->shape.dim[x->shape.rank - 1] + x->shape.dim[x->shape.rank - 2] + 1 : 1;
    return k > lim ? lim : k < -lim ? -lim : k;
}

static void infer_trilu(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    int64_t k;
    if (x->shape.rank < 2) ec_fail_node(g, node, "input must have rank >= 2");
    k = trilu_k(g, node);
    if (k < INT32_MIN / 2 || k > INT32_MAX / 2) ec_fail_node(g, node, "matrix too large");
    ec_set_out(g, node, 0, x->dtype, &x->shape);
}

static void lower_trilu(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = ec_in(g, node, 0);
    int r = x->shape.rank;
    ec_call *c;
    if (lower_empty(g, node, L)) return;
    c = ec_emit(L, "ec_trilu");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_int(c, "elem_size", esize(g, node, x->dtype));
    ec_arg_int(c, "upper", ec_attr_int(nd(g, node), "upper", 1) != 0);
    ec_arg_int(c, "k", trilu_k(g, node));
    ec_arg_int(c, "batch", prod(x->shape.dim, 0, r - 2));
    ec_arg_int(c, "rows", x->shape.dim[r - 2]);
    ec_arg_int(c, "cols", x->shape.dim[r - 1]);
}

static bool d2s_crd(ec_graph *g, int node)
{
    const char *m = ec_attr_string(nd(g, node), "mode", "DCR");
    if (strcmp(m, "DCR") == 0) return false;
    if (strcmp(m, "CRD") == 0) return true;
    ec_fail_node(g, node, "unknown mode '%s'", m);
}

static int64_t blocksize(ec_graph *g, int node)
{
    const ec_attr *a = ec_attr_find(nd(g, node), "blocksize");
    if (!a || a->i < 1 || a->i > 4096) ec_fail_node(g, node, "attribute 'blocksize' must be a positive int");
    return a->i;
}

static void infer_depth_to_space(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    int64_t bs = blocksize(g, node), dims[4];
    d2s_crd(g, node);
    if (x->shape.rank != 4) ec_fail_node(g, node, "input must be 4-D");
    need_static(g, node, x);
    if (x->shape.dim[1] % (bs * bs)) ec_fail_node(g, node, "channels not divisible by blocksize^2");
    dims[0] = x->shape.dim[0];
    dims[1] = x->shape.dim[1] / (bs * bs);
    dims[2] = x->shape.dim[2] * bs;
    dims[3] = x->shape.dim[3] * bs;
    set_out_shape(g, node, 0, x->dtype, 4, dims);
}

static void lower_depth_to_space(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = ec_in(g, node, 0), *y = ec_out(g, node, 0);
    int64_t bs = blocksize(g, node), st[EC_MAX_RANK], o, cp = y->shape.dim[1];
    bool crd = d2s_crd(g, node);
    maptab m;
    if (lower_empty(g, node, L)) return;
    strides_of(&x->shape, st);
    maptab_init(&m, &y->shape);
    for (o = 0; o < m.ydims[0]; o++) TAB(&m, 0, o) = o * st[0];
    for (o = 0; o < m.ydims[1]; o++) TAB(&m, 1, o) = (crd ? o * bs * bs : o) * st[1];
    for (o = 0; o < m.ydims[2]; o++)
        TAB(&m, 2, o) = (crd ? (o % bs) * bs : (o % bs) * bs * cp) * st[1] + (o / bs) * st[2];
    for (o = 0; o < m.ydims[3]; o++)
        TAB(&m, 3, o) = (crd ? (o % bs) : (o % bs) * cp) * st[1] + (o / bs) * st[3];
    emit_map(L, ec_out_id(g, node, 0), ec_in_id(g, node, 0), -1, esize(g, node, x->dtype), 4, m.ydims, m.tab, NULL);
}

static void infer_space_to_depth(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    int64_t bs = blocksize(g, node), dims[4];
    if (x->shape.rank != 4) ec_fail_node(g, node, "input must be 4-D");
    need_static(g, node, x);
    if (x->shape.dim[2] % bs || x->shape.dim[3] % bs) ec_fail_node(g, node, "H and W must be divisible by blocksize");
    dims[0] = x->shape.dim[0];
    dims[1] = x->shape.dim[1] * bs * bs;
    dims[2] = x->shape.dim[2] / bs;
    dims[3] = x->shape.dim[3] / bs;
    set_out_shape(g, node, 0, x->dtype, 4, dims);
}

static void lower_space_to_depth(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = ec_in(g, node, 0), *y = ec_out(g, node, 0);
    int64_t bs = blocksize(g, node), st[EC_MAX_RANK], o, C = x->shape.dim[1];
    maptab m;
    if (lower_empty(g, node, L)) return;
    strides_of(&x->shape, st);
    maptab_init(&m, &y->shape);
    for (o = 0; o < m.ydims[0]; o++) TAB(&m, 0, o) = o * st[0];
    for (o = 0; o < m.ydims[1]; o++) {
        int64_t c = o % C, blk = o / C, i = blk / bs, j = blk % bs;
        TAB(&m, 1, o) = c * st[1] + i * st[2] + j * st[3];
    }
    for (o = 0; o < m.ydims[2]; o++) TAB(&m, 2, o) = o * bs * st[2];
    for (o = 0; o < m.ydims[3]; o++) TAB(&m, 3, o) = o * bs * st[3];
    emit_map(L, ec_out_id(g, node, 0), ec_in_id(g, node, 0), -1, esize(g, node, x->dtype), 4, m.ydims, m.tab, NULL);
}

static int onehot_axis(ec_graph *g, int node, int r)
{
    return ec_axis(g, node, ec_attr_int(nd(g, node), "axis", -1), r + 1);
}

static void infer_onehot(ec_graph *g, int node)
{
    ec_value *idx = need_in(g, node, 0), *vals = need_in(g, node, 2);
    const ec_value *dv = ec_need_const(g, node, 1);
    int r = idx->shape.rank, axis, i, k = 0;
    int64_t depth;
    ec_shape s;
    if (r + 1 > EC_MAX_RANK) ec_fail_node(g, node, "output rank exceeds %d", EC_MAX_RANK);
    if (numel(dv) != 1) ec_fail_node(g, node, "depth must be a scalar");
    depth = (int64_t)floor(ec_const_double(dv, 0));
    if (depth < 1) ec_fail_node(g, node, "depth must be positive");
    if (numel(vals) != 2) ec_fail_node(g, node, "values must have 2 elements");
    if (ec_dtype_size(idx->dtype) == 0) ec_fail_node(g, node, "unsupported indices dtype");
    axis = onehot_axis(g, node, r);
    memset(&s, 0, sizeof s);
    for (i = 0; i <= r; i++) {
        if (i == axis) { s.dim[i] = depth; continue; }
        s.dim[i] = idx->shape.dim[k];
        s.sym[i] = idx->shape.sym[k];
        k++;
    }
    s.rank = r + 1;
    ec_set_out(g, node, 0, vals->dtype, &s);
}

static void lower_onehot(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *idx = ec_in(g, node, 0), *vals = ec_in(g, node, 2), *y = ec_out(g, node, 0);
    int r = idx->shape.rank, axis = onehot_axis(g, node, r);
    ec_call *c;
    if (lower_empty(g, node, L)) return;
    c = ec_emit(L, "ec_onehot");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "idx", ec_in_id(g, node, 0));
    ec_arg_in(c, "values", ec_in_id(g, node, 2));
    ec_arg_int(c, "elem_size", esize(g, node, vals->dtype));
    ec_arg_int(c, "idx_dt", idx->dtype);
    ec_arg_int(c, "outer", prod(idx->shape.dim, 0, axis));
    ec_arg_int(c, "depth", y->shape.dim[axis]);
    ec_arg_int(c, "inner", prod(idx->shape.dim, axis, r));
}

/* Selected positions of Compress along its axis (or the flattened input). */
static int64_t *compress_sel(ec_graph *g, int node, const ec_value *x, int *axis, int64_t *cnt)
{
    const ec_value *cv = ec_need_const(g, node, 1);
    const ec_attr *a = ec_attr_find(nd(g, node), "axis");
    int64_t len, n, i, *sel;
    need_static(g, node, x);
    if (cv->shape.rank != 1) ec_fail_node(g, node, "condition must be 1-D");
    *axis = a ? ec_axis(g, node, a->i, x->shape.rank) : -1;
    len = *axis >= 0 ? x->shape.dim[*axis] : numel(x);
    n = numel(cv);
    if (n > len) ec_fail_node(g, node, "condition is longer than the selected axis");
    sel = ec_alloc(sizeof(int64_t) * (size_t)(n + 1));
    *cnt = 0;
    for (i = 0; i < n; i++)
        if (elem_nonzero(cv, i, esize(g, node, cv->dtype))) sel[(*cnt)++] = i;
    return sel;
}

static void infer_compress(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    int axis;
    int64_t cnt;
    ec_shape s;
    compress_sel(g, node, x, &axis, &cnt);
    if (axis < 0) {
        s = ec_shape_make(1, &cnt);
    } else {
        s = x->shape;
        s.dim[axis] = cnt;
        s.sym[axis] = NULL;
    }
    ec_set_out(g, node, 0, x->dtype, &s);
}

static void lower_compress(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = ec_in(g, node, 0), *y = ec_out(g, node, 0);
    int axis, d;
    int64_t cnt, st[EC_MAX_RANK], o, *sel = compress_sel(g, node, x, &axis, &cnt);
    maptab m;
    if (lower_empty(g, node, L)) return;
    strides_of(&x->shape, st);
    maptab_init(&m, &y->shape);
    for (d = 0; d < m.rank; d++)
        for (o = 0; o < m.ydims[d]; o++) {
            if (axis < 0) TAB(&m, d, o) = sel[o];
            else TAB(&m, d, o) = (d == axis ? sel[o] : o) * st[d];
        }
    emit_map(L, ec_out_id(g, node, 0), ec_in_id(g, node, 0), -1, esize(g, node, x->dtype), m.rank, m.ydims, m.tab, NULL);
}

static void infer_reverse_sequence(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0), *lens = need_in(g, node, 1);
    int64_t ta = ec_attr_int(nd(g, node), "time_axis", 0), ba = ec_attr_int(nd(g, node), "batch_axis", 1);
    if (x->shape.rank < 2) ec_fail_node(g, node, "input must have rank >= 2");
    if (!((ta == 0 && ba == 1) || (ta == 1 && ba == 0))) ec_fail_node(g, node, "time_axis and batch_axis must be 0 and 1");
    need_index(g, node, lens);
    if (lens->shape.rank != 1 || lens->shape.dim[0] != x->shape.dim[ba])
        ec_fail_node(g, node, "sequence_lens must have one entry per batch");
    ec_set_out(g, node, 0, x->dtype, &x->shape);
}

static void lower_reverse_sequence(ec_graph *g, int node, ec_lowering *L)
{
    ec_value *x = ec_in(g, node, 0), *lens = ec_in(g, node, 1);
    int64_t ta = ec_attr_int(nd(g, node), "time_axis", 0);
    ec_call *c;
    if (lower_empty(g, node, L)) return;
    c = ec_emit(L, "ec_reverse_sequence");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_in(c, "lens", ec_in_id(g, node, 1));
    ec_arg_int(c, "elem_size", esize(g, node, x->dtype));
    ec_arg_int(c, "lens_dt", lens->dtype);
    ec_arg_int(c, "time_axis", ta);
    ec_arg_int(c, "t", x->shape.dim[ta]);
    ec_arg_int(c, "b", x->shape.dim[1 - ta]);
    ec_arg_int(c, "inner", prod(x->shape.dim, 2, x->shape.rank));
}

/* ---- Resize, Upsample ----------------------------------------------------- */

enum { RS_NEAREST, RS_LINEAR, RS_CUBIC };
enum { CT_HALF_PIXEL, CT_PYTORCH_HALF_PIXEL, CT_ALIGN_CORNERS, CT_ASYMMETRIC,
       CT_TF_HALF_PIXEL_FOR_NN, CT_TF_CROP_AND_RESIZE };
enum { NM_ROUND_PREFER_FLOOR, NM_ROUND_PREFER_CEIL, NM_FLOOR, NM_CEIL, NM_SIMPLE };

typedef struct resize_plan {
    int mode, ctm, nm;
    double A;
    bool exclude;
    float extrap;
    int rank;
    double scale[EC_MAX_RANK];
    double roi[2 * EC_MAX_RANK];
    int64_t out[EC_MAX_RANK];
} resize_plan;

static int name_index(ec_graph *g, int node, const char *attr, const char *dflt, const char *const *names, int n)
{
    const char *s = ec_attr_string(nd(g, node), attr, dflt);
    int i;
    for (i = 0; i < n; i++) if (strcmp(s, names[i]) == 0) return i;
    ec_fail_node(g, node, "unsupported %s '%s'", attr, s);
}

static void resize_plan_make(ec_graph *g, int node, resize_plan *p)
{
    static const char *const modes[] = { "nearest", "linear", "cubic", "bilinear" };
    static const char *const ctms[] = { "half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                                        "tf_half_pixel_for_nn", "tf_crop_and_resize" };
    static const char *const nms[] = { "round_prefer_floor", "round_prefer_ceil", "floor", "ceil" };
    ec_value *x = need_in(g, node, 0);
    bool upsample = strcmp(nd(g, node)->op, "Upsample") == 0;
    int r = x->shape.rank, i, scales_k = -1, sizes_k = -1;
    need_static(g, node, x);
    memset(p, 0, sizeof *p);
    p->rank = r;
    if (r < 1) ec_fail_node(g, node, "input must have rank >= 1");
    p->mode = name_index(g, node, "mode", "nearest", modes, 4);
    if (p->mode == 3) p->mode = RS_LINEAR;
    if (upsample || g->opset < 11) {
        p->ctm = CT_ASYMMETRIC;
        p->nm = NM_SIMPLE;
        p->A = -0.75;
        if (p->mode == RS_CUBIC) ec_fail_node(g, node, "cubic needs Resize opset >= 11");
        if (upsample && g->opset < 9) {
            const float *sc;
            int n = ec_attr_floats(nd(g, node), "scales", &sc);
            if (n != r) ec_fail_node(g, node, "attribute 'scales' must have %d entries", r);
            for (i = 0; i < r; i++) p->scale[i] = sc[i];
        } else {
            scales_k = 1;
        }
    } else {
        p->ctm = name_index(g, node, "coordinate_transformation_mode", "half_pixel", ctms, 6);
        p->nm = name_index(g, node, "nearest_mode", "round_prefer_floor", nms, 4);
        p->A = ec_attr_float(nd(g, node), "cubic_coeff_a", -0.75f);
        p->exclude = ec_attr_int(nd(g, node), "exclude_outside", 0) != 0;
        p->extrap = ec_attr_float(nd(g, node), "extrapolation_value", 0.0f);
        if (ec_in(g, node, 2) && numel(ec_in(g, node, 2)) != 0) scales_k = 2;
        if (ec_in(g, node, 3) && numel(ec_in(g, node, 3)) != 0) sizes_k = 3;
        if ((scales_k < 0) == (sizes_k < 0))
            ec_fail_node(g, node, "exactly one of scales and sizes must be given");
        if (p->ctm == CT_TF_CROP_AND_RESIZE) {
            const ec_value *roi = ec_need_const(g, node, 1);
            if (numel(roi) != 2 * r) ec_fail_node(g, node, "roi must have %d entries", 2 * r);
            for (i = 0; i < 2 * r; i++) p->roi[i] = ec_const_double(roi, i);
        }
    }
    if (scales_k >= 0) {
        const ec_value *sv = ec_need_const(g, node, scales_k);
        if (numel(sv) != r) ec_fail_node(g, node, "scales must have %d entries", r);
        if (!ec_dtype_is_float(sv->dtype)) ec_fail_node(g, node, "scales must be float");
        for (i = 0; i < r; i++) p->scale[i] = ec_const_double(sv, i);
    }
    for (i = 0; i < r; i++) {
        if (sizes_k >= 0) {
            const ec_value *zv = ec_need_const(g, node, sizes_k);
            if (numel(zv) != r) ec_fail_node(g, node, "sizes must have %d entries", r);
            p->out[i] = ec_const_int(zv, i);
            if (p->out[i] < 0) ec_fail_node(g, node, "negative size");
            p->scale[i] = x->shape.dim[i] ? (double)p->out[i] / (double)x->shape.dim[i] : 1.0;
        } else {
            double o;
            if (!(p->scale[i] > 0) || p->scale[i] > 1e6) ec_fail_node(g, node, "scales must be positive");
            o = floor((double)x->shape.dim[i] * p->scale[i]);
            if (!(o < (double)(1 << 30))) ec_fail_node(g, node, "output too large");
            p->out[i] = (int64_t)o;
        }
    }
}

static void infer_resize(ec_graph *g, int node)
{
    ec_value *x = need_in(g, node, 0);
    resize_plan p;
    resize_plan_make(g, node, &p);
    if (numel(x) == 0 && prod(p.out, 0, p.rank) > 0) ec_fail_node(g, node, "cannot resize an empty tensor");
    if (p.mode != RS_NEAREST && x->dtype != EC_DT_FLOAT)
        ec_fail_node(g, node, "linear and cubic resize support float only, not %s", ec_dtype_name(x->dtype));
    set_out_shape(g, node, 0, x->dtype, p.rank, p.out);
}

/* Source coordinate of output coordinate o on dim d (ONNX reference);
 * returns false when outside the input (tf_crop_and_resize). */
static bool resize_coord(const resize_plan *p, int d, int64_t o, int64_t in, double *xo)
{
    double s = p->scale[d], ow = s * (double)in, x = (double)o, r0 = p->roi[d], r1 = p->roi[p->rank + d];
    switch (p->ctm) {
    case CT_ALIGN_CORNERS: *xo = ow == 1 ? 0.0 : x * (double)(in - 1) / (ow - 1); break;
    case CT_ASYMMETRIC: *xo = x / s; break;
    case CT_PYTORCH_HALF_PIXEL: *xo = ow == 1 ? -0.5 : (x + 0.5) / s - 0.5; break;
    case CT_TF_HALF_PIXEL_FOR_NN: *xo = (x + 0.5) / s; break;
    case CT_TF_CROP_AND_RESIZE:
        if (ow == 1) *xo = (r1 - r0) * (double)(in - 1) / 2;
        else *xo = x * (r1 - r0) * (double)(in - 1) / (ow - 1);
        *xo += r0 * (double)(in - 1);
        return *xo >= 0 && *xo <= (double)(in - 1); /* false for NaN too */
    default: *xo = (x + 0.5) / s - 0.5; break;
    }
    if (!(*xo > -1e9)) *xo = -1e9; /* also NaN */
    if (*xo > 1e9) *xo = 1e9;
    return true;
}

static int64_t clampi(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

static int64_t nearest_index(const resize_plan *p, int d, double xo, int64_t in)
{
    double f = floor(xo), ratio = xo - f;
    int64_t i = (int64_t)f;
    if (ratio != 0) {
        switch (p->nm) {
        case NM_ROUND_PREFER_FLOOR: if (ratio > 0.5) i++; break;
        case NM_ROUND_PREFER_CEIL: if (ratio >= 0.5) i++; break;
        case NM_FLOOR: break;
        case NM_CEIL: i++; break;
        default: if (p->scale[d] < 1) i++; break; /* simple: ceil when downsampling */
        }
    }
    return clampi(i, 0, in - 1);
}

static void lower_resize_nearest(ec_graph *g, int node, ec_lowering *L, const resize_plan *p)
{
    ec_value *x = ec_in(g, node, 0), *y = ec_out(g, node, 0);
    int64_t st[EC_MAX_RANK], o, fill[2];
    int d;
    maptab m;
    strides_of(&x->shape, st);
    maptab_init(&m, &y->shape);
    for (d = 0; d < m.rank; d++)
        for (o = 0; o < m.ydims[d]; o++) {
            double xo;
            int64_t in = x->shape.dim[d];
            if (!resize_coord(p, d, o, in, &xo)) TAB(&m, d, o) = -1;
            else TAB(&m, d, o) = nearest_index(p, d, xo, in) * st[d];
        }
    fill_bits_of(x->dtype, p->extrap, fill);
    emit_map(L, ec_out_id(g, node, 0), ec_in_id(g, node, 0), -1, esize(g, node, x->dtype), m.rank, m.ydims, m.tab, fill);
}

static void lower_resize_interp(ec_graph *g, int node, ec_lowering *L, const resize_plan *p)
{
    ec_value *x = ec_in(g, node, 0), *y = ec_out(g, node, 0);
    int r = p->rank, d, n = p->mode == RS_CUBIC ? 4 : 2, t;
    int64_t st[EC_MAX_RANK], taps[EC_MAX_RANK], total = 0, pos = 0, o;
    int64_t *idx;
    float *w;
    ec_call *c;
    strides_of(&x->shape, st);
    /* a dim whose every coordinate takes exactly one source element gets 1 tap */
    for (d = 0; d < r; d++) {
        int64_t in = x->shape.dim[d];
        bool single = true;
        for (o = 0; o < y->shape.dim[d] && single; o++) {
            double xo;
            if (!resize_coord(p, d, o, in, &xo)) continue;
            if (xo != floor(xo) || xo < 0 || xo > (double)(in - 1)) single = false;
        }
        taps[d] = single ? 1 : n;
        total += y->shape.dim[d] * taps[d];
    }
    idx = ec_alloc(sizeof(int64_t) * (size_t)(total + 1));
    w = ec_alloc(sizeof(float) * (size_t)(total + 1));
    for (d = 0; d < r; d++) {
        int64_t in = x->shape.dim[d];
        for (o = 0; o < y->shape.dim[d]; o++, pos += taps[d]) {
            double xo, ratio, cf[4], sum = 0;
            int64_t base, id[4];
            if (!resize_coord(p, d, o, in, &xo)) {
                for (t = 0; t < taps[d]; t++) { idx[pos + t] = -1; w[pos + t] = 0; }
                continue;
            }
            if (taps[d] == 1) { idx[pos] = (int64_t)xo * st[d]; w[pos] = 1; continue; }
            ratio = xo == floor(xo) ? 1.0 : xo - floor(xo);
            /* neighbours: the n nearest integers to xo, ties to the lower one */
            base = (int64_t)floor(xo) - (xo == floor(xo) ? 1 : 0) - (n == 4 ? 1 : 0);
            if (n == 2) {
                cf[0] = 1 - ratio;
                cf[1] = ratio;
            } else {
                double A = p->A, a1 = ratio + 1, b0 = 1 - ratio, b1 = b0 + 1;
                cf[0] = ((A * a1 - 5 * A) * a1 + 8 * A) * a1 - 4 * A;
                cf[1] = ((A + 2) * ratio - (A + 3)) * ratio * ratio + 1;
                cf[2] = ((A + 2) * b0 - (A + 3)) * b0 * b0 + 1;
                cf[3] = ((A * b1 - 5 * A) * b1 + 8 * A) * b1 - 4 * A;
            }
            for (t = 0; t < n; t++) {
                id[t] = base + t;
                if (p->exclude && (id[t] < 0 || id[t] >= in)) cf[t] = 0;
                sum += cf[t];
            }
            for (t = 0; t < n; t++) {
                idx[pos + t] = clampi(id[t], 0, in - 1) * st[d];
                w[pos + t] = (float)(p->exclude && sum != 0 ? cf[t] / sum : cf[t]);
            }
        }
    }
    c = ec_emit(L, "ec_resize_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_float(c, "extrapolation", p->extrap);
    ec_arg_int(c, "rank", r);
    ec_arg_ints(c, "ydims", y->shape.dim, r);
    ec_arg_ints(c, "taps", taps, r);
    ec_arg_ints(c, "idx", idx, (int)total);
    ec_arg_floats(c, "w", w, (int)total);
}

static void lower_resize(ec_graph *g, int node, ec_lowering *L)
{
    resize_plan p;
    if (lower_empty(g, node, L)) return;
    resize_plan_make(g, node, &p);
    if (p.mode == RS_NEAREST) lower_resize_nearest(g, node, L, &p);
    else lower_resize_interp(g, node, L, &p);
}

/* ---- tables --------------------------------------------------------------- */

const ec_opdef ec_ops_shape[] = {
    { EC_OP("Identity", "", 1, 1, 1, 1, EC_OPF_ALIAS, infer_identity, lower_view) },
    { EC_OP("Dropout", "", 1, 3, 1, 2, EC_OPF_ALIAS, infer_dropout, lower_view) },
    { EC_OP("Reshape", "", 1, 2, 1, 1, EC_OPF_ALIAS, infer_reshape, lower_view), .qrole = EC_QROLE_PASS_THROUGH },
    { EC_OP("Flatten", "", 1, 1, 1, 1, EC_OPF_ALIAS, infer_flatten, lower_view), .qrole = EC_QROLE_PASS_THROUGH },
    { EC_OP("Squeeze", "", 1, 2, 1, 1, EC_OPF_ALIAS, infer_squeeze, lower_view), .qrole = EC_QROLE_PASS_THROUGH },
    { EC_OP("Unsqueeze", "", 1, 2, 1, 1, EC_OPF_ALIAS, infer_unsqueeze, lower_view), .qrole = EC_QROLE_PASS_THROUGH },
    { EC_OP("Transpose", "", 1, 1, 1, 1, 0, infer_transpose, lower_transpose), .qrole = EC_QROLE_PASS_THROUGH },
    { EC_OP("Concat", "", 1, -1, 1, 1, 0, infer_concat, lower_concat), .qrole = EC_QROLE_CONCAT },
    { EC_OP("Split", "", 1, 2, 1, -1, 0, infer_split, lower_split) },
    { EC_OP("Slice", "", 1, 5, 1, 1, 0, infer_slice, lower_slice) },
    { EC_OP("Gather", "", 2, 2, 1, 1, 0, infer_gather, lower_gather), .wqrole = EC_WQROLE_TABLE },
    { EC_OP("GatherElements", "", 2, 2, 1, 1, 0, infer_gather_elements, lower_gather_elements) },
    { EC_OP("GatherND", "", 2, 2, 1, 1, 0, infer_gather_nd, lower_gather_nd) },
    { EC_OP("Expand", "", 2, 2, 1, 1, 0, infer_expand, lower_expand) },
    { EC_OP("Tile", "", 2, 2, 1, 1, 0, infer_tile, lower_tile) },
    { EC_OP("Pad", "", 1, 4, 1, 1, 0, infer_pad, lower_pad), .qrole = EC_QROLE_ZERO_PAD },
    { EC_OP("Shape", "", 1, 1, 1, 1, 0, infer_shape_op, NULL) },
    { EC_OP("Size", "", 1, 1, 1, 1, 0, infer_size, NULL) },
    { EC_OP("ConstantOfShape", "", 1, 1, 1, 1, 0, infer_constant_of_shape, NULL) },
    { EC_OP("Constant", "", 0, 0, 1, 1, 0, infer_constant, NULL) },
    { EC_OP("Range", "", 3, 3, 1, 1, 0, infer_range, NULL) },
    { EC_OP("EyeLike", "", 1, 1, 1, 1, 0, infer_eyelike, NULL) },
    { EC_OP("NonZero", "", 1, 1, 1, 1, 0, infer_nonzero, lower_nonzero) },
    { EC_OP("Trilu", "", 1, 2, 1, 1, 0, infer_trilu, lower_trilu) },
    { EC_OP("DepthToSpace", "", 1, 1, 1, 1, 0, infer_depth_to_space, lower_depth_to_space) },
    { EC_OP("SpaceToDepth", "", 1, 1, 1, 1, 0, infer_space_to_depth, lower_space_to_depth) },
    { EC_OP("OneHot", "", 3, 3, 1, 1, 0, infer_onehot, lower_onehot) },
    { EC_OP("ScatterElements", "", 3, 3, 1, 1, 0, infer_scatter_elements, lower_scatter_elements) },
    { EC_OP("Scatter", "", 3, 3, 1, 1, 0, infer_scatter_elements, lower_scatter_elements) },
    { EC_OP("ScatterND", "", 3, 3, 1, 1, 0, infer_scatter_nd, lower_scatter_nd) },
    { EC_OP("Compress", "", 2, 2, 1, 1, 0, infer_compress, lower_compress) },
    { EC_OP("ReverseSequence", "", 2, 2, 1, 1, 0, infer_reverse_sequence, lower_reverse_sequence) },
    { EC_OP("Resize", "", 1, 4, 1, 1, 0, infer_resize, lower_resize) },
    { EC_OP("Upsample", "", 1, 2, 1, 1, 0, infer_resize, lower_resize) },
    { 0 }
};

static void thunk_gather_map(const ec_karg *a)
{
    ec_gather_map(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].ip, a[6].ip, a[7].ip);
}
static void thunk_gather_strided(const ec_karg *a)
{
    ec_gather_strided(a[0].p, a[1].p, a[2].i, a[3].i, a[4].i, a[5].ip, a[6].ip);
}
static void thunk_copy_blocks(const ec_karg *a)
{
    ec_copy_blocks(a[0].p, a[1].p, a[2].i, a[3].i, a[4].i, a[5].i, a[6].i, a[7].i);
}
static void thunk_gather(const ec_karg *a)
{
    ec_gather(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i);
}
static void thunk_gather_elements(const ec_karg *a)
{
    ec_gather_elements(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].i, a[6].i, a[7].ip, a[8].ip);
}
static void thunk_gather_nd(const ec_karg *a)
{
    ec_gather_nd(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i, a[9].i,
                 a[10].ip, a[11].ip);
}
static void thunk_scatter_elements(const ec_karg *a)
{
    ec_scatter_elements(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i, a[9].i,
                        a[10].ip, a[11].ip);
}
static void thunk_scatter_nd(const ec_karg *a)
{
    ec_scatter_nd(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i, a[9].i,
                  a[10].i, a[11].i, a[12].ip, a[13].ip);
}
static void thunk_onehot(const ec_karg *a)
{
    ec_onehot(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].i, a[6].i, a[7].i);
}
static void thunk_trilu(const ec_karg *a)
{
    ec_trilu(a[0].p, a[1].p, a[2].i, a[3].i, a[4].i, a[5].i, a[6].i, a[7].i);
}
static void thunk_reverse_sequence(const ec_karg *a)
{
    ec_reverse_sequence(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i);
}
static void thunk_resize_f32(const ec_karg *a)
{
    ec_resize_f32(a[0].p, a[1].p, a[2].f, a[3].i, a[4].ip, a[5].ip, a[6].ip, a[7].fp);
}

const ec_kernel ec_kernels_shape[] = {
    { "ec_gather_map", "pppiiIII", thunk_gather_map, "ec_shape.h" },
    { "ec_gather_strided", "ppiiiII", thunk_gather_strided, "ec_shape.h" },
    { "ec_copy_blocks", "ppiiiiii", thunk_copy_blocks, "ec_shape.h" },
    { "ec_gather", "pppiiiiii", thunk_gather, "ec_shape.h" },
    { "ec_gather_elements", "pppiiiiII", thunk_gather_elements, "ec_shape.h" },
    { "ec_gather_nd", "pppiiiiiiiII", thunk_gather_nd, "ec_shape.h" },
    { "ec_scatter_elements", "ppppiiiiiiII", thunk_scatter_elements, "ec_shape.h" },
    { "ec_scatter_nd", "ppppiiiiiiiiII", thunk_scatter_nd, "ec_shape.h" },
    { "ec_onehot", "pppiiiii", thunk_onehot, "ec_shape.h" },
    { "ec_trilu", "ppiiiiii", thunk_trilu, "ec_shape.h" },
    { "ec_reverse_sequence", "pppiiiiii", thunk_reverse_sequence, "ec_shape.h" },
    { "ec_resize_f32", "ppfiIIIF", thunk_resize_f32, "ec_shape.h" },
    { 0 }
};
