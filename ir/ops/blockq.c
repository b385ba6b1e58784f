/* blockq.c - the weight-only block-quantized ops (domain "edgec"), made by the
 * --quantize w8 / w4 pass (compiler/wquant.c) from MatMul, Gemm and Gather
 * whose weights are constants; layout in runtime-min/include/ec_blockq.h.
 *
 *   BlockQuantGemm (A, W, C?)   attrs bits, block, K, N, transA, alpha, beta
 *       Y = alpha * A' W^T + beta * C; A' is A [.., K] with its leading dims
 *       folded into M (a MatMul), or A [K, M] transposed (transA = 1, 2-D only);
 *       Y has A's shape with the last dim N (A [K] gives Y [N]).
 *                                                  ec_gemm_bq8_f32 ec_gemm_bq4_f32
 *   BlockQuantGather (W, indices)  attrs bits, block, V, D
 *       Y = indices.shape + [D], rows of the table W [V, D]
 *                                                  ec_gather_bq8_f32 ec_gather_bq4_f32
 *
 * W is a uint8 constant holding exactly R * ceil(K / block) blocks. A model
 * may name these ops itself, so infer checks everything the kernels rely on.
 */
#include <string.h>
#include "ir.h"
#include "ec_blockq.h"

typedef struct bq_attrs {
    int64_t bits, block, K, N;
} bq_attrs;

static int64_t need_attr(ec_graph *g, int node, const char *name, int64_t lo, int64_t hi)
{
    const ec_attr *a = ec_attr_find(&g->nodes.a[node], name);
    if (!a || a->type != EC_ATTR_INT) ec_fail_node(g, node, "needs the int attribute '%s'", name);
    if (a->i < lo || a->i > hi)
        ec_fail_node(g, node, "attribute %s = %lld is outside [%lld, %lld]", name, (long long)a->i, (long long)lo,
                     (long long)hi);
    return a->i;
}

/* bits, block, rows (R) and row length (K); checks W holds exactly the blocks. */
static bq_attrs bq_check(ec_graph *g, int node, int w_in, const char *rows, const char *cols)
{
    bq_attrs q;
    const ec_value *w = ec_in(g, node, w_in);
    int64_t nb, need;
    q.bits = need_attr(g, node, "bits", 4, 8);
    if (q.bits != 4 && q.bits != 8) ec_fail_node(g, node, "bits must be 4 or 8, not %lld", (long long)q.bits);
    q.block = need_attr(g, node, "block", 2, 4096);
    if (q.block % 2) ec_fail_node(g, node, "block must be even, not %lld", (long long)q.block);
    q.N = need_attr(g, node, rows, 1, INT32_MAX);
    q.K = need_attr(g, node, cols, 1, INT32_MAX);
    if (!w || !w->data || w->dtype != EC_DT_UINT8 || w->shape.rank != 1)
        ec_fail_node(g, node, "the quantized weights (input %d) must be a 1-D uint8 constant", w_in);
    nb = (q.K + q.block - 1) / q.block;
    need = q.N * nb * EC_BQ_BLOCK_BYTES(q.bits, q.block);
    if (need > INT32_MAX || w->shape.dim[0] != need)
        ec_fail_node(g, node, "the quantized weights hold %lld bytes, %lld rows of %lld need %lld",
                     (long long)w->shape.dim[0], (long long)q.N, (long long)q.K, (long long)need);
    return q;
}

/* ---- BlockQuantGemm ---------------------------------------------------------- */

static void infer_bq_gemm(ec_graph *g, int node)
{
    const ec_node *n = &g->nodes.a[node];
    bq_attrs q = bq_check(g, node, 1, "N", "K");
    ec_value *a = ec_in(g, node, 0), *c = ec_in(g, node, 2);
    int ta = (int)ec_attr_int(n, "transA", 0) != 0;
    ec_shape s;
    if (!a || a->dtype != EC_DT_FLOAT || a->shape.rank < 1 || !ec_shape_is_static(&a->shape))
        ec_fail_node(g, node, "A must be float with a static shape");
    if (ta) {
        if (a->shape.rank != 2 || a->shape.dim[0] != q.K)
            ec_fail_node(g, node, "with transA, A must be [K, M] with K = %lld", (long long)q.K);
        s = ec_shape_make(2, a->shape.dim);
        s.dim[0] = a->shape.dim[1];
        s.dim[1] = q.N;
    } else {
        if (a->shape.dim[a->shape.rank - 1] != q.K)
            ec_fail_node(g, node, "A's last dim is %lld, K is %lld", (long long)a->shape.dim[a->shape.rank - 1],
                         (long long)q.K);
        s = ec_shape_make(a->shape.rank, a->shape.dim);
        s.dim[s.rank - 1] = q.N;
    }
    if (c) {
        int64_t cm = 1, cn = 1, M = s.rank == 2 ? s.dim[0] : 1;
        if (c->dtype != EC_DT_FLOAT || c->shape.rank < 0 || c->shape.rank > 2 || s.rank > 2)
            ec_fail_node(g, node, "C must be float of rank <= 2, with a 2-D result");
        if (c->shape.rank >= 1) cn = c->shape.dim[c->shape.rank - 1];
        if (c->shape.rank == 2) cm = c->shape.dim[0];
        if ((cm != 1 && cm != M) || (cn != 1 && cn != q.N))
            ec_fail_node(g, node, "C does not broadcast to [%lld, %lld]", (long long)M, (long long)q.N);
    }
    ec_set_out(g, node, 0, EC_DT_FLOAT, &s);
}

static void lower_bq_gemm(ec_graph *g, int node, ec_lowering *L)
{
    const ec_node *n = &g->nodes.a[node];
    bq_attrs q = bq_check(g, node, 1, "N", "K");
    const ec_value *a = ec_in(g, node, 0), *c = ec_in(g, node, 2);
    int ta = (int)ec_attr_int(n, "transA", 0) != 0;
    int64_t M = ta ? a->shape.dim[1] : ec_shape_numel(&a->shape) / q.K, csm = 0, csn = 0;
    ec_call *call;
    if (c) {
        int64_t cm = c->shape.rank == 2 ? c->shape.dim[0] : 1;
        int64_t cn = c->shape.rank >= 1 ? c->shape.dim[c->shape.rank - 1] : 1;
        csm = cm != 1 ? cn : 0;
        csn = cn != 1 ? 1 : 0;
    }
    call = ec_emit(L, q.bits == 8 ? "ec_gemm_bq8_f32" : "ec_gemm_bq4_f32");
    ec_arg_out(call, "y", ec_out_id(g, node, 0));
    ec_arg_in(call, "a", ec_in_id(g, node, 0));
    ec_arg_in(call, "w", ec_in_id(g, node, 1));
    ec_arg_in(call, "c", ec_in_id(g, node, 2));
    ec_arg_int(call, "M", M);
    ec_arg_int(call, "N", q.N);
    ec_arg_int(call, "K", q.K);
    ec_arg_int(call, "block", q.block);
    ec_arg_int(call, "trans_a", ta);
    ec_arg_float(call, "alpha", ec_attr_float(n, "alpha", 1.0f));
    ec_arg_float(call, "beta", ec_attr_float(n, "beta", 1.0f));
    ec_arg_int(call, "c_sm", csm);
    ec_arg_int(call, "c_sn", csn);
}

/* ---- BlockQuantGather -------------------------------------------------------- */

static void infer_bq_gather(ec_graph *g, int node)
{
    bq_attrs q = bq_check(g, node, 0, "V", "D");
    ec_value *idx = ec_in(g, node, 1);
    ec_shape s;
    if (!idx || (idx->dtype != EC_DT_INT32 && idx->dtype != EC_DT_INT64) || !ec_shape_is_static(&idx->shape) ||
        idx->shape.rank + 1 > EC_MAX_RANK)
        ec_fail_node(g, node, "indices must be int32 or int64 with a static shape of rank < %d", EC_MAX_RANK);
    s = ec_shape_make(idx->shape.rank, idx->shape.dim);
    s.dim[s.rank++] = q.K;
    ec_set_out(g, node, 0, EC_DT_FLOAT, &s);
}

static void lower_bq_gather(ec_graph *g, int node, ec_lowering *L)
{
    bq_attrs q = bq_check(g, node, 0, "V", "D");
    const ec_value *idx = ec_in(g, node, 1);
    ec_call *call = ec_emit(L, q.bits == 8 ? "ec_gather_bq8_f32" : "ec_gather_bq4_f32");
    ec_arg_out(call, "y", ec_out_id(g, node, 0));
    ec_arg_in(call, "w", ec_in_id(g, node, 0));
    ec_arg_in(call, "idx", ec_in_id(g, node, 1));
    ec_arg_int(call, "idx_dt", idx->dtype);
    ec_arg_int(call, "nidx", ec_shape_numel(&idx->shape));
    ec_arg_int(call, "V", q.N);
    ec_arg_int(call, "D", q.K);
    ec_arg_int(call, "block", q.block);
}

/* ---- BlockDequantize -------------------------------------------------------- */
/* A float constant that no quantized kernel reads (a folded position embedding
 * added to activations) kept in blocks: expanded into the arena where it is
 * used. Input 0: R rows of K weights in blocks; attribute shape: the float
 * tensor's shape (its element count R * K, its last dim K). */

static ec_shape bq_deq_shape(ec_graph *g, int node, const bq_attrs *q)
{
    const int64_t *d;
    int r = ec_attr_ints(&g->nodes.a[node], "shape", &d), k;
    ec_shape s;
    if (r < 1 || r > EC_MAX_RANK) ec_fail_node(g, node, "attribute shape must have 1 to %d dims", EC_MAX_RANK);
    for (k = 0; k < r; k++)
        if (d[k] < 1) ec_fail_node(g, node, "attribute shape has a dim below 1");
    s = ec_shape_make(r, d);
    if (d[r - 1] != q->K || ec_shape_numel(&s) != q->N * q->K)
        ec_fail_node(g, node, "attribute shape does not hold %lld rows of %lld", (long long)q->N, (long long)q->K);
    return s;
}

static void infer_bq_deq(ec_graph *g, int node)
{
    bq_attrs q = bq_check(g, node, 0, "R", "K");
    ec_shape s = bq_deq_shape(g, node, &q);
    ec_set_out(g, node, 0, EC_DT_FLOAT, &s);
}

static void lower_bq_deq(ec_graph *g, int node, ec_lowering *L)
{
    bq_attrs q = bq_check(g, node, 0, "R", "K");
    ec_call *call = ec_emit(L, "ec_bq_dequant_f32");
    ec_arg_out(call, "y", ec_out_id(g, node, 0));
    ec_arg_in(call, "w", ec_in_id(g, node, 0));
    ec_arg_int(call, "bits", q.bits);
    ec_arg_int(call, "R", q.N);
    ec_arg_int(call, "K", q.K);
    ec_arg_int(call, "block", q.block);
}

/* MACs (--report): the K products of each output element. */
static int64_t macs_bq_gemm(const ec_graph *g, int node)
{
    const ec_value *x, *w, *y;
    if (!ec_macs_operands(g, node, 1, &x, &w, &y)) return 0;
    return ec_shape_numel(&y->shape) * ec_attr_int(&g->nodes.a[node], "K", 0);
}

const ec_opdef ec_ops_blockq[] = {
    { EC_OP("BlockQuantGemm", "edgec", 2, 3, 1, 1, 0, infer_bq_gemm, lower_bq_gemm), .macs = macs_bq_gemm },
    { EC_OP("BlockQuantGather", "edgec", 2, 2, 1, 1, 0, infer_bq_gather, lower_bq_gather) },
    { EC_OP("BlockDequantize", "edgec", 1, 1, 1, 1, 0, infer_bq_deq, lower_bq_deq) },
    { 0 }
};

static void thunk_gemm_bq8(const ec_karg *a)
{
    ec_gemm_bq8_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i, a[9].f, a[10].f,
                    a[11].i, a[12].i);
}
static void thunk_gemm_bq4(const ec_karg *a)
{
    ec_gemm_bq4_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i, a[9].f, a[10].f,
                    a[11].i, a[12].i);
}
static void thunk_gather_bq8(const ec_karg *a)
{
    ec_gather_bq8_f32(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].i, a[6].i, a[7].i);
}
static void thunk_gather_bq4(const ec_karg *a)
{
    ec_gather_bq4_f32(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].i, a[6].i, a[7].i);
}

static void thunk_bq_dequant(const ec_karg *a)
{
    ec_bq_dequant_f32(a[0].p, a[1].p, a[2].i, a[3].i, a[4].i, a[5].i);
}

const ec_kernel ec_kernels_blockq[] = {
    { "ec_gemm_bq8_f32", "ppppiiiiiffii", thunk_gemm_bq8, "ec_blockq.h" },
    { "ec_gemm_bq4_f32", "ppppiiiiiffii", thunk_gemm_bq4, "ec_blockq.h" },
    { "ec_gather_bq8_f32", "pppiiiii", thunk_gather_bq8, "ec_blockq.h" },
    { "ec_gather_bq4_f32", "pppiiiii", thunk_gather_bq4, "ec_blockq.h" },
    { "ec_bq_dequant_f32", "ppiiii", thunk_bq_dequant, "ec_blockq.h" },
    { 0 }
};
