/* wquant.c - weight-only block quantization (--quantize w8 / w4, --block B).
 *
 * The float weights a MatMul, Gemm or Gather reads from a constant become
 * rows of blocks (runtime-min/include/ec_blockq.h): R rows of K weights, K
 * the reduction axis (the output channel's column of MatMul's B [K, N]; the
 * row of a transB Gemm's B [N, K], the column otherwise; the embedding row of
 * Gather's table [V, D]). Per block of B weights (the last one of a row
 * padded with zeros):
 *
 *     amax = max |w|, m the first weight with |m| = amax         (float32)
 *     d    = the candidate with the least sum of (w - d q)^2 (in double, in
 *            block order; the first of equal sums) among float16(amax * f / Q)
 *            and, for w4, float16(-m * f / 8), f = 1 - 0.025 c for c = 0 ..
 *            EC_WQ_SCALE_STEPS-1; Q = 127 (w8) or 7 (w4); float16 rounds to
 *            nearest even
 *     q    = clamp(round(w / d), lo, Q) round half away from zero, lo = -127
 *            (w8) or -8 (w4); q = 0 when d = 0
 *
 * in float32 arithmetic (the error sums in double), so an independent
 * implementation (numpy in tests/wquant/) finds the same bytes. The node
 * becomes BlockQuantGemm or BlockQuantGather (ir/ops/blockq.c); activations
 * stay float. In w4 mode, embedding tables and a layer that computes a graph
 * output are packed at 8 bits (feeds_output).
 *
 * Constants that only elementwise ops read (expand_constants): float ones of
 * at least EC_WQ_MIN_EXPAND weights become int8 blocks along their last axis,
 * expanded into the arena by a BlockDequantize node; a bool one that only
 * Where reads as its condition is stored as bits and read by WhereBits.
 *
 * Left float, with the reason in the report: tensors of fewer than
 * EC_WQ_MIN_WEIGHTS weights, non-finite weights, a scale beyond float16,
 * and what the kernels do not take (batched B, double, Gather on an axis
 * other than 0, an activation whose shape is known only at run time).
 */
#include <math.h>
#include <string.h>
#include "edgec.h"
#include "ec_blockq.h"

int64_t ec_wq_packed_bytes(int64_t R, int64_t K, int bits, int block)
{
    int64_t nb = (K + block - 1) / block;
    return (int64_t)ec_mul_size(ec_mul_size((size_t)R, (size_t)nb), (size_t)EC_BQ_BLOCK_BYTES(bits, block));
}

/* q for weight x at scale d: round half away from zero, clamped to [lo, Q]; 0 when d = 0. */
static int quant_one(float x, float d, float lo, float Q)
{
    float qf = d != 0.0f ? roundf(x / d) : 0.0f;
    return qf > Q ? (int)Q : qf < lo ? (int)lo : (int)qf;
}

void ec_wq_pack(uint8_t *out, const float *w, int64_t R, int64_t K, int64_t row_stride, int64_t col_stride,
                int bits, int block)
{
    const int64_t nb = (K + block - 1) / block;
    const float Q = bits == 8 ? 127.0f : 7.0f, lo = bits == 8 ? -127.0f : -8.0f;
    const size_t bb = (size_t)EC_BQ_BLOCK_BYTES(bits, block);
    float *v = ec_alloc(sizeof(float) * (size_t)block);
    int64_t r, b, t;
    int c;
    for (r = 0; r < R; r++) {
        for (b = 0; b < nb; b++) {
            uint8_t *blk = out + (size_t)(r * nb + b) * bb;
            float amax = 0.0f, m = 0.0f, d = 0.0f;
            uint16_t h = 0;
            double best = INFINITY;
            for (t = 0; t < block; t++) {
                int64_t k = b * block + t;
                v[t] = k < K ? w[r * row_stride + k * col_stride] : 0.0f;
                if (fabsf(v[t]) > amax) {
                    amax = fabsf(v[t]);
                    m = v[t];
                }
            }
            /* the scale: of amax * f / Q for f = 1, 0.975, ..., 0.775 (rounded to float16), the
             * one with the least squared error over the block; the first of equal ones */
            for (c = 0; c < (bits == 4 ? 2 : 1) * EC_WQ_SCALE_STEPS && amax > 0.0f; c++) {
                const float f = 1.0f - 0.025f * (float)(c % EC_WQ_SCALE_STEPS);
                uint16_t hc = ec_f32_to_f16(c < EC_WQ_SCALE_STEPS ? amax * f / Q : -m * f / 8.0f);
                float dc = ec_f16_to_f32(hc);
                double err = 0.0;
                for (t = 0; t < block; t++) {
                    double e = (double)v[t] - (double)dc * (double)quant_one(v[t], dc, lo, Q);
                    err += e * e;
                }
                if (err < best) {
                    best = err;
                    h = hc;
                    d = dc;
                }
            }
            blk[0] = (uint8_t)(h & 0xffu);
            blk[1] = (uint8_t)(h >> 8);
            memset(blk + 2, 0, bb - 2);
            for (t = 0; t < block; t++) {
                int q = quant_one(v[t], d, lo, Q);
                if (bits == 8) {
                    int8_t s = (int8_t)q;
                    memcpy(blk + 2 + t, &s, 1);
                } else {
                    uint8_t nib = (uint8_t)((unsigned)q & 15u);
                    blk[2 + t / 2] |= (uint8_t)(t % 2 ? nib << 4 : nib);
                }
            }
        }
    }
    ec_free(v);
}

/* Why a float weight matrix cannot be packed, or NULL. */
static const char *why_not(const float *w, int64_t n, int bits, int min_weights)
{
    int64_t i;
    float amax = 0.0f;
    if (n < min_weights) return ec_fmt("%lld weights, fewer than %d", (long long)n, min_weights);
    for (i = 0; i < n; i++) {
        if (!isfinite(w[i])) return "non-finite weights";
        if (fabsf(w[i]) > amax) amax = fabsf(w[i]);
    }
    if (amax / (bits == 8 ? 127.0f : 7.0f) > 65504.0f) return "a block scale exceeds the float16 range";
    return NULL;
}

typedef struct blob_key {
    int source;
    int64_t row_stride;
    int bits;
    int blob;
} blob_key;
typedef EC_VEC(blob_key) blob_cache;

static int make_blob(ec_graph *g, blob_cache *cache, int src, int64_t R, int64_t K, int64_t rs, int64_t cs,
                     int bits, int block)
{
    int i, v;
    int64_t nbytes;
    uint8_t *data;
    ec_shape s;
    char *hint;
    for (i = 0; i < cache->n; i++)
        if (cache->a[i].source == src && cache->a[i].row_stride == rs && cache->a[i].bits == bits)
            return cache->a[i].blob;
    nbytes = ec_wq_packed_bytes(R, K, bits, block);
    data = ec_alloc((size_t)nbytes);
    ec_wq_pack(data, g->values.a[src].data, R, K, rs, cs, bits, block);
    hint = ec_fmt("%s.w%db%d%s", g->values.a[src].name, bits, block, cs == 1 ? "" : ".T");
    v = ec_value_new(g, hint);
    ec_free(hint);
    s = ec_shape_make(1, &nbytes);
    ec_value_set_const(g, v, EC_DT_UINT8, &s, data);
    g->values.a[v].is_initializer = true;
    g->values.a[v].producer = -1;
    {
        blob_key k = { src, rs, bits, v };
        EC_PUSH(*cache, k);
    }
    return v;
}

/* A float constant weight tensor (not a run-time input). */
static bool float_const(const ec_graph *g, int v)
{
    return v >= 0 && g->values.a[v].data && !g->values.a[v].is_input && g->values.a[v].dtype == EC_DT_FLOAT &&
           ec_shape_is_static(&g->values.a[v].shape);
}

/* Ops that may read a float constant expanded at run time (BlockDequantize). */
static bool reads_expanded(const ec_node *n)
{
    static const char *const ops[] = { "Add", "Sub", "Mul", "Div", "Where", "Max", "Min", "Sum", "Mean",
                                       "Concat", NULL };
    int k;
    if (n->dead || (n->domain && n->domain[0] && strcmp(n->domain, "ai.onnx") != 0)) return false;
    for (k = 0; ops[k]; k++)
        if (!strcmp(n->op, ops[k])) return true;
    return false;
}

typedef struct expanded {
    int out;                        /* the expanding node's output, or -1 (left as it is) */
    ec_wq_tensor t;
} expanded;
typedef EC_VEC(expanded) expanded_vec;

/* A bool constant stored as bits, bit i of the element count at bit i % 8 of byte i / 8. */
static int make_bits(ec_graph *g, int src)
{
    const ec_value *w = &g->values.a[src];
    int64_t n = ec_shape_numel(&w->shape), nbytes = (n + 7) / 8, i;
    uint8_t *data = ec_alloc((size_t)nbytes);
    const uint8_t *b = w->data;
    char *hint = ec_fmt("%s.bits", w->name);
    int v = ec_value_new(g, hint);
    ec_shape s = ec_shape_make(1, &nbytes);
    ec_free(hint);
    for (i = 0; i < n; i++)
        if (b[i]) data[i / 8] |= (uint8_t)(1u << (i % 8));
    ec_value_set_const(g, v, EC_DT_UINT8, &s, data);
    g->values.a[v].is_initializer = true;
    g->values.a[v].producer = -1;
    return v;
}

/* Constants that only elementwise ops read are kept small in flash:
 *  - float ones of at least EC_WQ_MIN_EXPAND weights that elementwise ops and
 *    Concat read (a position embedding the exporter folded into a constant
 *    added to the token embeddings, biases): int8 blocks along the last axis
 *    in either mode, since their error reaches the activations as it is
 *    instead of being averaged by a dot product; a BlockDequantize node before
 *    the first reader expands them into the arena on every run;
 *  - bool ones of at least EC_WQ_MIN_WEIGHTS elements that only Where reads,
 *    as its condition (an attention mask): one bit each, read as bits by
 *    WhereBits (lossless, nothing in the arena). */
/* Bool constant v, if only Where reads it and only as its condition: every
 * such Where becomes WhereBits reading v stored as bits. */
static void where_bits(ec_graph *g, int v, expanded_vec *ex)
{
    int i, k, bits = -1, nw = 0;
    for (i = 0; i < g->nodes.n; i++) {
        const ec_node *n = &g->nodes.a[i];
        if (n->dead) continue;
        for (k = 0; k < n->nin; k++) {
            if (n->in[k] != v) continue;
            if (k != 0 || strcmp(n->op, "Where") != 0 || (n->domain && n->domain[0] && strcmp(n->domain, "ai.onnx")))
                return;
            nw++;
        }
    }
    for (i = 0; nw && i < g->nodes.n; i++) {
        ec_node *n = &g->nodes.a[i];
        const ec_value *w;
        expanded e;
        if (n->dead || n->nin < 1 || n->in[0] != v || strcmp(n->op, "Where") != 0) continue;
        if (bits < 0) bits = make_bits(g, v);
        w = &g->values.a[v];
        n->op = ec_strdup("WhereBits");
        n->domain = ec_strdup("edgec");
        n->in[0] = bits;
        n->attrs = NULL;
        n->nattrs = 0;
        ec_node_push_attr(n, ec_attr_new_ints("shape", w->shape.dim, w->shape.rank));
        ec_op_find(n->op, n->domain)->infer(g, i);
        memset(&e, 0, sizeof e);
        e.out = -1;
        e.t.node = i;
        e.t.source = v;
        e.t.blob = bits;
        e.t.bits = 1;
        e.t.cols = w->shape.rank ? w->shape.dim[w->shape.rank - 1] : 1;
        e.t.rows = ec_shape_numel(&w->shape) / e.t.cols;
        EC_PUSH(*ex, e);
    }
}

static void expand_constants(ec_graph *g, int block, blob_cache *cache, expanded_vec *ex)
{
    int nv = g->values.n, v, i, k;
    bool *out = ec_alloc(sizeof(bool) * (size_t)(nv + 1));
    for (i = 0; i < g->outputs.n; i++) out[g->outputs.a[i]] = true;
    for (v = 0; v < nv; v++) {
        const ec_value *w = &g->values.a[v];
        bool is_bool = w->dtype == EC_DT_BOOL && w->data && !w->is_input && ec_shape_is_static(&w->shape);
        int first = -1, y;
        expanded e;
        ec_node nd;
        if (out[v] || w->shape.rank < 1 || !(float_const(g, v) || is_bool) ||
            ec_shape_numel(&w->shape) < (is_bool ? EC_WQ_MIN_WEIGHTS : EC_WQ_MIN_EXPAND))
            continue;
        if (is_bool) {
            where_bits(g, v, ex);
            continue;
        }
        for (i = 0; i < g->nodes.n && first < 0; i++)
            for (k = 0; k < g->nodes.a[i].nin; k++)
                if (g->nodes.a[i].in[k] == v && reads_expanded(&g->nodes.a[i])) first = i;
        if (first < 0) continue;
        memset(&e, 0, sizeof e);
        e.t.source = v;
        e.t.blob = -1;
        e.t.cols = w->shape.dim[w->shape.rank - 1];
        e.t.rows = ec_shape_numel(&w->shape) / e.t.cols;
        e.t.bits = 8;
        e.t.why = why_not(w->data, e.t.rows * e.t.cols, 8, EC_WQ_MIN_EXPAND);
        if (e.t.why) {
            e.t.node = first;
            e.out = -1;
            EC_PUSH(*ex, e);
            continue;
        }
        e.t.blob = make_blob(g, cache, v, e.t.rows, e.t.cols, e.t.cols, 1, 8, block);
        {
            char *hint = ec_fmt("%s.expanded", g->values.a[v].name);
            y = ec_value_new(g, hint);
            ec_free(hint);
            w = &g->values.a[v];
        }
        memset(&nd, 0, sizeof nd);
        nd.op = ec_strdup("BlockDequantize");
        nd.name = ec_fmt("%s/%s", g->nodes.a[first].name ? g->nodes.a[first].name : "", nd.op);
        nd.domain = ec_strdup("edgec");
        nd.nin = 1;
        nd.in = ec_alloc(sizeof(int));
        nd.in[0] = e.t.blob;
        nd.nout = 1;
        nd.out = ec_alloc(sizeof(int));
        nd.out[0] = y;
        ec_node_push_attr(&nd, ec_attr_new_int("bits", 8));
        ec_node_push_attr(&nd, ec_attr_new_int("block", block));
        ec_node_push_attr(&nd, ec_attr_new_int("R", e.t.rows));
        ec_node_push_attr(&nd, ec_attr_new_int("K", e.t.cols));
        ec_node_push_attr(&nd, ec_attr_new_ints("shape", w->shape.dim, w->shape.rank));
        ec_splice_nodes(g, first, &nd, 1);
        for (i = 0; i < ex->n; i++)
            if (ex->a[i].out < 0 && ex->a[i].t.node >= first) ex->a[i].t.node++;
        for (i = first + 1; i < g->nodes.n; i++)
            if (reads_expanded(&g->nodes.a[i]))
                for (k = 0; k < g->nodes.a[i].nin; k++)
                    if (g->nodes.a[i].in[k] == v) g->nodes.a[i].in[k] = y;
        ec_op_find(nd.op, nd.domain)->infer(g, first);
        e.out = y;
        EC_PUSH(*ex, e);
    }
    ec_free(out);
}

/* Does the output of node i reach a graph output through nothing but a bias
 * or scale by a constant and reshapes (a language model's head, a
 * classifier's last layer)? */
static bool feeds_output(const ec_graph *g, int i)
{
    static const char *const pass[] = { "Add", "Sub", "Mul", "Div", "Reshape", "Flatten", "Squeeze",
                                        "Unsqueeze", "Identity", "Cast", NULL };
    int v = g->nodes.a[i].nout == 1 ? g->nodes.a[i].out[0] : -1, steps;
    for (steps = 0; v >= 0 && steps < 16; steps++) {
        int j, k, uses = 0, next = -1;
        if (g->values.a[v].is_output) return true;
        for (j = 0; j < g->nodes.n; j++) {
            const ec_node *n = &g->nodes.a[j];
            bool reads = false, ok = n->nout == 1;
            if (n->dead) continue;
            for (k = 0; k < n->nin; k++) {
                if (n->in[k] == v) reads = true;
                else if (n->in[k] >= 0 && !g->values.a[n->in[k]].data) ok = false;   /* another activation */
            }
            if (!reads) continue;
            uses++;
            for (k = 0; pass[k] && strcmp(n->op, pass[k]) != 0; k++) {}
            next = ok && pass[k] && !(n->domain && n->domain[0]) ? n->out[0] : -1;
        }
        v = uses == 1 ? next : -1;
    }
    return false;
}

void ec_quantize_weights(ec_graph *g, int bits, int block, ec_wq_info *info)
{
    blob_cache cache = { 0 };
    expanded_vec ex = { 0 };
    int i, j;
    memset(info, 0, sizeof *info);
    info->bits = bits;
    info->block = block;
    expand_constants(g, block, &cache, &ex);
    for (i = 0; i < g->nodes.n; i++) {
        ec_node *n = &g->nodes.a[i];
        const ec_opdef *d = ec_op_find(n->op, n->domain);
        ec_wqrole role = d ? d->wqrole : EC_WQROLE_NONE;
        bool gather = role == EC_WQROLE_TABLE, gemm = role == EC_WQROLE_GEMM_B;
        ec_wq_tensor t;
        int wv, a_in;
        int64_t rs, cs;
        const ec_value *w;
        /* the constants expanded at run time, and those left float, in node order */
        for (j = 0; j < ex.n; j++)
            if (ex.a[j].out >= 0 ? n->nout == 1 && n->out[0] == ex.a[j].out : ex.a[j].t.node == i) {
                ex.a[j].t.node = i;
                EC_PUSH(info->t, ex.a[j].t);
            }
        if (n->dead || (n->domain && n->domain[0] && strcmp(n->domain, "ai.onnx") != 0)) continue;
        if (role == EC_WQROLE_NONE) continue;     /* no weight input to block (its ec_opdef row) */
        wv = n->nin > (gather ? 0 : 1) ? n->in[gather ? 0 : 1] : -1;
        a_in = n->nin > 1 ? n->in[gather ? 1 : 0] : -1;
        if (!float_const(g, wv) || a_in < 0 || g->values.a[a_in].data) continue;
        memset(&t, 0, sizeof t);
        /* w4: embedding tables and the layer that computes an output stay at 8 bits (their error
         * is not averaged by later layers; a few percent of a language model's weights) */
        t.bits = bits == 4 && (gather || feeds_output(g, i)) ? 8 : bits;
        t.node = i;
        t.source = wv;
        t.blob = -1;
        w = &g->values.a[wv];
        if (w->shape.rank != 2) {
            t.rows = ec_shape_numel(&w->shape);
            t.cols = 1;
            t.why = gather ? "the table is not 2-D" : "B is not 2-D";
            EC_PUSH(info->t, t);
            continue;
        }
        if (gather) {
            ec_dtype it = g->values.a[a_in].dtype;
            t.rows = w->shape.dim[0];
            t.cols = w->shape.dim[1];
            rs = t.cols;
            cs = 1;
            if (ec_attr_int(n, "axis", 0) != 0 && ec_attr_int(n, "axis", 0) != -2) t.why = "Gather on axis 1";
            else if (it != EC_DT_INT32 && it != EC_DT_INT64) t.why = "indices are neither int32 nor int64";
        } else {
            bool tb = gemm && ec_attr_int(n, "transB", 0) != 0;
            t.rows = w->shape.dim[tb ? 0 : 1];
            t.cols = w->shape.dim[tb ? 1 : 0];
            rs = tb ? t.cols : 1;
            cs = tb ? 1 : t.rows;
            if (g->values.a[a_in].dtype != EC_DT_FLOAT) t.why = "A is not float";
        }
        if (!t.why && !ec_shape_is_static(&g->values.a[a_in].shape))
            t.why = gather ? "the indices' shape is known only at run time"
                           : "A's shape is known only at run time";
        if (!t.why) t.why = why_not(w->data, t.rows * t.cols, t.bits, EC_WQ_MIN_WEIGHTS);
        if (t.why) {
            EC_PUSH(info->t, t);
            continue;
        }
        t.blob = make_blob(g, &cache, wv, t.rows, t.cols, rs, cs, t.bits, block);
        {
            ec_attr *at = ec_alloc(sizeof(ec_attr) * 8);
            int na = 0, c_in = gemm && n->nin > 2 ? n->in[2] : -1;
            at[na++] = ec_attr_new_int("bits", t.bits);
            at[na++] = ec_attr_new_int("block", block);
            if (gather) {
                at[na++] = ec_attr_new_int("V", t.rows);
                at[na++] = ec_attr_new_int("D", t.cols);
                n->in[0] = t.blob;
                n->op = ec_strdup("BlockQuantGather");
            } else {
                at[na++] = ec_attr_new_int("N", t.rows);
                at[na++] = ec_attr_new_int("K", t.cols);
                at[na++] = ec_attr_new_int("transA", gemm ? ec_attr_int(n, "transA", 0) != 0 : 0);
                at[na++] = ec_attr_new_float("alpha", gemm ? ec_attr_float(n, "alpha", 1.0f) : 1.0f);
                at[na++] = ec_attr_new_float("beta", gemm ? ec_attr_float(n, "beta", 1.0f) : 1.0f);
                if (n->nin < 3) n->in = ec_realloc(n->in, sizeof(int) * 3);
                n->in[1] = t.blob;
                n->in[2] = c_in;
                n->nin = 3;
                n->op = ec_strdup("BlockQuantGemm");
            }
            n->domain = ec_strdup("edgec");
            n->attrs = at;
            n->nattrs = na;
        }
        /* the rewritten node checks itself and gives the same output shape */
        ec_op_find(n->op, n->domain)->infer(g, i);
        EC_PUSH(info->t, t);
    }
    ec_free(cache.a);
    ec_free(ex.a);
}
