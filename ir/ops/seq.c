/* seq.c - sequences and optionals, resolved at compile time.
 *
 * edgec's arena is planned statically, so a sequence is a list of tensor
 * values whose length is known while compiling, and an optional's presence is
 * known too. ec_infer_and_fold calls ec_seq_expand on each node before
 * inferring it; a sequence or optional op is rewritten into what the planner
 * and code generator already know:
 *
 *   SequenceEmpty SequenceConstruct SequenceInsert SequenceErase
 *   Optional Identity(sequence/optional)       no node: the output value's
 *                                              element list (ec_value.elems)
 *   SequenceAt OptionalGetElement              Identity of the element
 *   SequenceLength OptionalHasElement          a constant
 *   SplitToSequence                            Slice (+ Reshape) per element
 *   ConcatFromSequence                         (Reshape per element +) Concat
 *   SequenceMap                                the body inlined once per element
 *   If/edgec select of sequences/optionals     one select per element
 *
 * Positions must be compile-time constants. Graph inputs become one tensor
 * input per element (ec_seq_bind_inputs, from --seq/--optional) and graph
 * outputs one tensor output per element (ec_seq_expand_outputs).
 */
#include <string.h>
#include "ir.h"

#define VAL(g, v) (&(g)->values.a[(v)])

typedef EC_VEC(ec_node) node_vec;
typedef EC_VEC(int) int_vec;

static bool default_domain(const char *d)
{
    return !d[0] || strcmp(d, "ai.onnx") == 0;
}

static bool is_op(const ec_node *n, const char *op)
{
    return default_domain(n->domain) && strcmp(n->op, op) == 0;
}

static const char *kind_name(const ec_value *v)
{
    if (v->kind == EC_VK_SEQ) return "a sequence";
    if (v->kind == EC_VK_OPT) return "an optional";
    return "a tensor";
}

static void set_list(ec_graph *g, int v, unsigned char kind, unsigned char opt_of, const int *elems, int n,
                     ec_dtype dt)
{
    ec_value *x = VAL(g, v);
    x->kind = kind;
    x->opt_of = opt_of;
    x->resolved = true;
    x->nelems = n;
    x->elems = ec_alloc(sizeof(int) * (size_t)(n + 1));
    if (n) memcpy(x->elems, elems, sizeof(int) * (size_t)n);
    if (dt != EC_DT_UNDEFINED) x->dtype = dt;
}

static void set_seq(ec_graph *g, int v, const int *elems, int n, ec_dtype dt)
{
    set_list(g, v, EC_VK_SEQ, EC_VK_TENSOR, elems, n, dt);
}

/* An optional holding value e (-1: none). */
static void set_opt(ec_graph *g, int v, int e)
{
    unsigned char of = e >= 0 ? VAL(g, e)->kind : VAL(g, v)->opt_of;
    set_list(g, v, EC_VK_OPT, of, &e, e >= 0 ? 1 : 0, e >= 0 ? VAL(g, e)->dtype : EC_DT_UNDEFINED);
}

/* v's structure copied to out (Identity, OptionalGetElement of a sequence). */
static void set_alias(ec_graph *g, int out, int v)
{
    const ec_value *x = VAL(g, v);
    set_list(g, out, x->kind, x->opt_of, x->elems, x->nelems, x->dtype);
}

/* Input k as a resolved sequence. */
static const ec_value *seq_in(ec_graph *g, int node, int k)
{
    const ec_value *v = ec_in(g, node, k);
    if (!v) ec_fail_node(g, node, "input %d (a sequence) is required", k);
    if (v->kind != EC_VK_SEQ || !v->resolved)
        ec_fail_node(g, node, "input %d ('%s') is %s, expected a sequence", k, v->name, kind_name(v));
    return v;
}

/* Input k, a tensor. */
static const ec_value *tensor_in(ec_graph *g, int node, int k)
{
    const ec_value *v = ec_in(g, node, k);
    if (!v) ec_fail_node(g, node, "input %d (a tensor) is required", k);
    if (v->kind != EC_VK_TENSOR)
        ec_fail_node(g, node, "input %d ('%s') is %s, expected a tensor", k, v->name, kind_name(v));
    return v;
}

/* The value of a one-element integer input that must be known now. */
static int64_t const_scalar(ec_graph *g, int node, int k, const char *what)
{
    const ec_value *v = tensor_in(g, node, k);
    if (!ec_dtype_is_int(v->dtype))
        ec_fail_node(g, node, "%s '%s' has type %s, expected an integer", what, v->name, ec_dtype_name(v->dtype));
    if (!v->data) {
        ec_diag_need_const(g, ec_in_id(g, node, k));
        if (v->is_input)
            ec_fail_node(g, node, "%s '%s' must be known at compile time (--bind %s=FILE.pb)", what, v->name,
                         v->name);
        ec_fail_node(g, node, "%s '%s' must be known at compile time", what, v->name);
    }
    if (v->shape.rank < 0 || ec_shape_numel(&v->shape) != 1)
        ec_fail_node(g, node, "%s '%s' must hold one element", what, v->name);
    return ec_const_int(v, 0);
}

/* Position input k (default dflt when absent) normalized against a sequence
 * of len elements: [-len, len-1], or [-len, len] for an insertion. */
static int position(ec_graph *g, int node, int k, int len, int64_t dflt, bool insert)
{
    int64_t p = ec_in(g, node, k) ? const_scalar(g, node, k, "position") : dflt;
    int64_t hi = insert ? len : len - 1;
    if (p < -(int64_t)len || p > hi)
        ec_fail_node(g, node, "position %lld is out of range for a sequence of %d element%s (input '%s')",
                     (long long)p, len, len == 1 ? "" : "s", VAL(g, NODE(g, node)->in[k])->name);
    return (int)(p < 0 ? p + len : p);
}

/* A new node built from node `node`: named BASE/suffix, same file index. */
static void add_node(node_vec *nv, ec_graph *g, int node, const char *op, const char *suffix, const int *in, int nin,
                     const int *out, int nout)
{
    const ec_node *n = NODE(g, node);
    ec_node c;
    memset(&c, 0, sizeof c);
    c.op = ec_strdup(op);
    c.domain = ec_strdup("");
    c.name = ec_fmt("%s/%s", n->name[0] ? n->name : n->op, suffix);
    c.index = n->index;
    c.region = n->region; /* in the same If branch / Loop body */
    c.branch = n->branch;
    c.nin = nin;
    c.nout = nout;
    c.in = ec_alloc(sizeof(int) * (size_t)(nin + 1));
    c.out = ec_alloc(sizeof(int) * (size_t)(nout + 1));
    memcpy(c.in, in, sizeof(int) * (size_t)nin);
    memcpy(c.out, out, sizeof(int) * (size_t)nout);
    EC_PUSH(*nv, c);
}

/* A fresh constant int64 tensor of n elements. */
static int const_i64(ec_graph *g, const char *hint, const int64_t *vals, int n, bool scalar)
{
    int v = ec_value_new(g, hint);
    int64_t dim = n;
    ec_shape s = ec_shape_make(scalar ? 0 : 1, &dim);
    int64_t *d = ec_alloc(sizeof(int64_t) * (size_t)(n + 1));
    memcpy(d, vals, sizeof(int64_t) * (size_t)n);
    ec_value_set_const(g, v, EC_DT_INT64, &s, d);
    return v;
}

/* The node's output 0 becomes a constant; the node goes. */
static void to_const(ec_graph *g, int node, ec_dtype dt, int64_t val)
{
    int out = ec_out_id(g, node, 0);
    ec_shape s = ec_shape_make(0, NULL);
    void *d = ec_alloc(8);
    if (dt == EC_DT_BOOL) *(bool *)d = val != 0;
    else *(int64_t *)d = val;
    NODE(g, node)->dead = true;
    if (out < 0) return;
    ec_value_set_const(g, out, dt, &s, d);
    VAL(g, out)->kind = EC_VK_TENSOR;
}

/* The node becomes Identity(v), with no attributes. */
static void to_identity(ec_graph *g, int node, int v)
{
    ec_node *n = NODE(g, node);
    n->op = ec_strdup("Identity");
    n->domain = ec_strdup("");
    n->in = ec_alloc(sizeof(int));
    n->in[0] = v;
    n->nin = 1;
    n->attrs = NULL;
    n->nattrs = 0;
    if (n->nout > 1) n->nout = 1;
    if (n->out[0] >= 0) VAL(g, n->out[0])->kind = EC_VK_TENSOR;
}

/* Replace node by the nodes in nv (spliced in front of it) and drop it. */
static void replace(ec_graph *g, int node, node_vec *nv)
{
    NODE(g, node)->dead = true;
    ec_splice_nodes(g, node, nv->a, nv->n);
    ec_free(nv->a);
}

static void need_same_dtype(ec_graph *g, int node, ec_dtype seq, const ec_value *t)
{
    if (seq != EC_DT_UNDEFINED && t->dtype != EC_DT_UNDEFINED && seq != t->dtype)
        ec_fail_node(g, node, "tensor '%s' has type %s, the sequence holds %s", t->name, ec_dtype_name(t->dtype),
                     ec_dtype_name(seq));
}

/* ---- the ops ---------------------------------------------------------------- */

static void seq_construct(ec_graph *g, int node)
{
    const ec_node *n = NODE(g, node);
    int *el = ec_alloc(sizeof(int) * (size_t)(n->nin + 1)), k;
    ec_dtype dt = EC_DT_UNDEFINED;
    for (k = 0; k < n->nin; k++) {
        const ec_value *t = tensor_in(g, node, k);
        need_same_dtype(g, node, dt, t);
        dt = t->dtype;
        el[k] = n->in[k];
    }
    if (n->out[0] >= 0) set_seq(g, n->out[0], el, n->nin, dt);
    NODE(g, node)->dead = true;
}

static void seq_empty(ec_graph *g, int node)
{
    ec_dtype dt = (ec_dtype)ec_attr_int(NODE(g, node), "dtype", EC_DT_FLOAT);
    if (ec_dtype_size(dt) == 0) ec_fail_node(g, node, "unsupported dtype %s", ec_dtype_name(dt));
    if (NODE(g, node)->out[0] >= 0) set_seq(g, NODE(g, node)->out[0], NULL, 0, dt);
    NODE(g, node)->dead = true;
}

static void seq_insert(ec_graph *g, int node)
{
    const ec_value *s = seq_in(g, node, 0), *t = tensor_in(g, node, 1);
    int len = s->nelems, pos, k;
    int *el = ec_alloc(sizeof(int) * (size_t)(len + 2));
    need_same_dtype(g, node, s->dtype, t);
    pos = position(g, node, 2, len, len, true);
    for (k = 0; k < pos; k++) el[k] = s->elems[k];
    el[pos] = NODE(g, node)->in[1];
    for (k = pos; k < len; k++) el[k + 1] = s->elems[k];
    if (NODE(g, node)->out[0] >= 0) set_seq(g, NODE(g, node)->out[0], el, len + 1, t->dtype);
    NODE(g, node)->dead = true;
}

static void seq_erase(ec_graph *g, int node)
{
    const ec_value *s = seq_in(g, node, 0);
    int len = s->nelems, pos, k, j = 0;
    int *el = ec_alloc(sizeof(int) * (size_t)(len + 1));
    if (len == 0) ec_fail_node(g, node, "cannot erase from the empty sequence '%s'", s->name);
    pos = position(g, node, 1, len, -1, false);
    for (k = 0; k < len; k++)
        if (k != pos) el[j++] = s->elems[k];
    if (NODE(g, node)->out[0] >= 0) set_seq(g, NODE(g, node)->out[0], el, j, s->dtype);
    NODE(g, node)->dead = true;
}

static void seq_at(ec_graph *g, int node)
{
    const ec_value *s = seq_in(g, node, 0);
    int pos;
    if (!ec_in(g, node, 1)) ec_fail_node(g, node, "input 1 (position) is required");
    pos = position(g, node, 1, s->nelems, 0, false);
    to_identity(g, node, s->elems[pos]);
}

static void seq_length(ec_graph *g, int node)
{
    to_const(g, node, EC_DT_INT64, seq_in(g, node, 0)->nelems);
}

/* SplitToSequence: one Slice per element along axis (and a Reshape dropping
 * the axis for keepdims=0 without split). */
static void split_to_seq(ec_graph *g, int node)
{
    const ec_value *x = tensor_in(g, node, 0), *sp = ec_in(g, node, 1);
    ec_shape xs = x->shape;
    ec_dtype xdt = x->dtype;
    int r = xs.rank, axis, n, k;
    int64_t dim, *sizes, off = 0;
    bool keep = ec_attr_int(NODE(g, node), "keepdims", 1) != 0, squeeze;
    node_vec nv = { 0 };
    int *el;
    char *base;
    if (r < 1 || !ec_shape_is_static(&xs)) ec_fail_node(g, node, "input 0 needs a static shape of rank >= 1");
    axis = ec_axis(g, node, ec_attr_int(NODE(g, node), "axis", 0), r);
    dim = xs.dim[axis];
    if (!sp) {
        n = (int)dim;
        sizes = ec_alloc(sizeof(int64_t) * (size_t)(n + 1));
        for (k = 0; k < n; k++) sizes[k] = 1;
        squeeze = !keep;
    } else {
        const ec_value *s = tensor_in(g, node, 1);
        squeeze = false;
        if (!s->data) {
            ec_diag_need_const(g, ec_in_id(g, node, 1));
            if (s->is_input)
                ec_fail_node(g, node, "split '%s' must be known at compile time (--bind %s=FILE.pb)", s->name,
                             s->name);
            ec_fail_node(g, node, "split '%s' must be known at compile time", s->name);
        }
        if (!ec_dtype_is_int(s->dtype) || s->shape.rank > 1)
            ec_fail_node(g, node, "split '%s' must be an integer scalar or 1-D tensor", s->name);
        if (s->shape.rank == 0) {
            int64_t c = ec_const_int(s, 0);
            if (c <= 0) ec_fail_node(g, node, "split %lld must be positive", (long long)c);
            n = (int)((dim + c - 1) / c);
            sizes = ec_alloc(sizeof(int64_t) * (size_t)(n + 1));
            for (k = 0; k < n; k++) sizes[k] = k + 1 < n ? c : dim - c * (n - 1);
        } else {
            int64_t sum = 0;
            n = (int)s->shape.dim[0];
            sizes = ec_alloc(sizeof(int64_t) * (size_t)(n + 1));
            for (k = 0; k < n; k++) {
                sizes[k] = ec_const_int(s, k);
                if (sizes[k] < 0) ec_fail_node(g, node, "split[%d] = %lld is negative", k, (long long)sizes[k]);
                sum += sizes[k];
            }
            if (sum != dim)
                ec_fail_node(g, node, "split sums to %lld, axis %d has %lld", (long long)sum, axis, (long long)dim);
        }
    }
    el = ec_alloc(sizeof(int) * (size_t)(n + 1));
    base = ec_strdup(NODE(g, node)->out[0] >= 0 ? VAL(g, NODE(g, node)->out[0])->name : "split");
    for (k = 0; k < n; k++) {
        int64_t st = off, en = off + sizes[k], ax = axis;
        char *sfx = ec_fmt("%d", k), *hint = ec_fmt("%s/%d", base, k);
        int ins[4], y = ec_value_new(g, hint);
        ins[0] = NODE(g, node)->in[0];
        ins[1] = const_i64(g, ec_fmt("%s/starts", hint), &st, 1, false);
        ins[2] = const_i64(g, ec_fmt("%s/ends", hint), &en, 1, false);
        ins[3] = const_i64(g, ec_fmt("%s/axes", hint), &ax, 1, false);
        off = en;
        add_node(&nv, g, node, "Slice", sfx, ins, 4, &y, 1);
        if (squeeze) {
            int64_t shp[EC_MAX_RANK];
            int d, j = 0, z = ec_value_new(g, ec_fmt("%s/squeezed", hint));
            for (d = 0; d < r; d++)
                if (d != axis) shp[j++] = xs.dim[d];
            ins[0] = y;
            ins[1] = const_i64(g, ec_fmt("%s/shape", hint), shp, j, false);
            add_node(&nv, g, node, "Reshape", ec_fmt("%d/squeeze", k), ins, 2, &z, 1);
            y = z;
        }
        el[k] = y;
    }
    if (NODE(g, node)->out[0] >= 0) set_seq(g, NODE(g, node)->out[0], el, n, xdt);
    replace(g, node, &nv);
}

/* ConcatFromSequence: Concat of the elements (each first reshaped to have a
 * new axis of 1 for new_axis=1). */
static void concat_from_seq(ec_graph *g, int node)
{
    const ec_value *sq = seq_in(g, node, 0);
    int len = sq->nelems, k, axis, r;
    const char *sname = ec_strdup(sq->name);
    int *elems = ec_alloc(sizeof(int) * (size_t)(len + 1));
    bool new_axis = ec_attr_int(NODE(g, node), "new_axis", 0) != 0;
    const ec_attr *ax = ec_attr_find(NODE(g, node), "axis");
    int *ins = ec_alloc(sizeof(int) * (size_t)(len + 1));
    node_vec nv = { 0 };
    if (len) memcpy(elems, sq->elems, sizeof(int) * (size_t)len);
    if (!ax) ec_fail_node(g, node, "attribute 'axis' is required");
    if (len == 0) ec_fail_node(g, node, "cannot concatenate the empty sequence '%s'", sname);
    r = VAL(g, elems[0])->shape.rank;
    if (r < 0) ec_fail_node(g, node, "element 0 of '%s' has no known shape", sname);
    axis = ec_axis(g, node, ax->i, new_axis ? r + 1 : r);
    for (k = 0; k < len; k++) {
        ins[k] = elems[k];
        if (new_axis) {
            const ec_value *e = VAL(g, elems[k]);
            int64_t shp[EC_MAX_RANK + 1];
            int d, j = 0, z, in2[2];
            if (e->shape.rank != r || !ec_shape_is_static(&e->shape))
                ec_fail_node(g, node, "element %d of '%s' needs a static shape of rank %d", k, sname, r);
            if (r + 1 > EC_MAX_RANK) ec_fail_node(g, node, "rank %d exceeds the maximum %d", r + 1, EC_MAX_RANK);
            for (d = 0; d <= r; d++) shp[d] = d == axis ? 1 : e->shape.dim[j++];
            z = ec_value_new(g, ec_fmt("%s/%d", sname, k));
            in2[0] = elems[k];
            in2[1] = const_i64(g, ec_fmt("%s/%d/shape", sname, k), shp, r + 1, false);
            add_node(&nv, g, node, "Reshape", ec_fmt("%d/new_axis", k), in2, 2, &z, 1);
            ins[k] = z;
        }
    }
    add_node(&nv, g, node, "Concat", "concat", ins, len, NODE(g, node)->out, 1);
    ec_node_push_attr(&nv.a[nv.n - 1], ec_attr_new_int("axis", axis));
    VAL(g, NODE(g, node)->out[0])->kind = EC_VK_TENSOR;
    replace(g, node, &nv);
}

static void optional_make(ec_graph *g, int node)
{
    const ec_value *x = ec_in(g, node, 0);
    int out = NODE(g, node)->out[0];
    if (x && x->kind == EC_VK_OPT) ec_fail_node(g, node, "optionals of optionals are not supported");
    if (x && x->kind == EC_VK_SEQ && !x->resolved) ec_fail_node(g, node, "internal: unresolved sequence");
    if (out >= 0) set_opt(g, out, x ? NODE(g, node)->in[0] : -1);
    NODE(g, node)->dead = true;
}

/* The content of input 0 of an Optional* op: -1 when empty. A tensor or a
 * sequence (opset 18) counts as present. */
static int opt_content(ec_graph *g, int node)
{
    const ec_value *x = ec_in(g, node, 0);
    if (!x) return -1;
    if (x->kind != EC_VK_OPT) return NODE(g, node)->in[0];
    if (!x->resolved) ec_fail_node(g, node, "internal: unresolved optional");
    return x->nelems ? x->elems[0] : -1;
}

static void optional_has(ec_graph *g, int node)
{
    to_const(g, node, EC_DT_BOOL, opt_content(g, node) >= 0);
}

static void optional_get(ec_graph *g, int node)
{
    int e = opt_content(g, node), out = NODE(g, node)->out[0];
    if (e < 0) {
        const ec_value *x = ec_in(g, node, 0);
        ec_fail_node(g, node, "the optional '%s' is empty (known at compile time)", x ? x->name : "");
    }
    if (VAL(g, e)->kind == EC_VK_SEQ) {
        if (out >= 0) set_alias(g, out, e);
        NODE(g, node)->dead = true;
        return;
    }
    to_identity(g, node, e);
}

/* SequenceMap: the body once per element; sequence inputs give the body
 * their element i, tensor inputs the whole tensor. */
static void seq_map(ec_graph *g, int node)
{
    const ec_attr *a = ec_attr_find(NODE(g, node), "body");
    const ec_graph *body;
    int nin = NODE(g, node)->nin, nout = NODE(g, node)->nout, len, i, k, nn = 0;
    int *bin, *bout, **el;
    ec_node *nodes = NULL;
    const char *base = NODE(g, node)->name[0] ? NODE(g, node)->name : "SequenceMap";
    node_vec nv = { 0 };
    if (!a || a->type != EC_ATTR_GRAPH || !a->g) ec_fail_node(g, node, "missing graph attribute 'body'");
    body = a->g;
    if (body->inputs.n != nin)
        ec_fail_node(g, node, "body has %d inputs, the node %d", body->inputs.n, nin);
    if (body->outputs.n != nout)
        ec_fail_node(g, node, "body has %d outputs, the node %d", body->outputs.n, nout);
    len = seq_in(g, node, 0)->nelems;
    for (k = 1; k < nin; k++) {
        const ec_value *x = ec_in(g, node, k);
        if (!x) ec_fail_node(g, node, "input %d is required", k);
        if (x->kind == EC_VK_SEQ && x->nelems != len)
            ec_fail_node(g, node, "input %d ('%s') has %d elements, input 0 has %d", k, x->name, x->nelems, len);
        if (x->kind == EC_VK_OPT) ec_fail_node(g, node, "input %d ('%s') is an optional", k, x->name);
    }
    bin = ec_alloc(sizeof(int) * (size_t)(nin + 1));
    bout = ec_alloc(sizeof(int) * (size_t)(nout + 1));
    el = ec_alloc(sizeof(int *) * (size_t)(nout + 1));
    for (k = 0; k < nout; k++) el[k] = ec_alloc(sizeof(int) * (size_t)(len + 1));
    for (i = 0; i < len; i++) {
        for (k = 0; k < nin; k++) {
            const ec_value *x = ec_in(g, node, k);
            bin[k] = x->kind == EC_VK_SEQ ? x->elems[i] : NODE(g, node)->in[k];
        }
        ec_inline_subgraph(g, node, a->g, ec_fmt("%s/%d", base, i), bin, bout, &nodes, &nn);
        for (k = 0; k < nout; k++) el[k][i] = bout[k];
    }
    for (k = 0; k < nn; k++) EC_PUSH(nv, nodes[k]);
    ec_free(nodes);
    for (k = 0; k < nout; k++) {
        int out = NODE(g, node)->out[k];
        if (out >= 0) set_seq(g, out, el[k], len, VAL(a->g, body->outputs.a[k])->dtype);
    }
    replace(g, node, &nv);
}

/* The If control node (ir/ops/control.c) of a run-time condition over
 * sequences or optionals: it selects each pair of tensors, when both branches
 * give the same structure. pair_select lists the pairs (then, else, output). */
typedef struct sel_list {
    EC_VEC(int) a, b, o;
} sel_list;

static void pair_select(ec_graph *g, int node, sel_list *nv, int a, int b, int out, int k)
{
    const ec_value *x = VAL(g, a), *y = VAL(g, b);
    const char *cond = ec_in(g, node, 0)->name;
    int i;
    if (x->kind != y->kind || (x->kind == EC_VK_OPT && x->nelems != y->nelems) ||
        (x->kind == EC_VK_SEQ && x->nelems != y->nelems)) {
        const char *why = x->kind != y->kind ? "different kinds of value"
                          : x->kind == EC_VK_SEQ ? "sequences of different lengths"
                                                 : "an empty and a present optional";
        ec_diag_need_const(g, ec_in_id(g, node, 0));
        if (ec_in(g, node, 0)->is_input)
            ec_fail_node(g, node, "output %d: the branches give %s, so the condition '%s' must be known at "
                         "compile time (--bind %s=FILE.pb)", k, why, cond, cond);
        ec_fail_node(g, node, "output %d: the branches give %s, so the condition '%s' must be known at "
                     "compile time", k, why, cond);
    }
    if (x->kind == EC_VK_TENSOR) {
        int ins[3];
        int o = out >= 0 ? out : ec_value_new(g, "select");
        (void)ins;
        EC_PUSH(nv->a, a);
        EC_PUSH(nv->b, b);
        EC_PUSH(nv->o, o);
        if (out >= 0) VAL(g, out)->kind = EC_VK_TENSOR;
        return;
    }
    {
        int n = x->nelems, *el = ec_alloc(sizeof(int) * (size_t)(n + 1));
        ec_dtype dt = x->dtype;
        unsigned char kind = x->kind;
        for (i = 0; i < n; i++) {
            const ec_value *xx = VAL(g, a), *yy = VAL(g, b);
            int ea = xx->elems[i], eb = yy->elems[i];
            int o = ec_value_new(g, ec_fmt("%s/%d", out >= 0 ? VAL(g, out)->name : "select", i));
            pair_select(g, node, nv, ea, eb, o, k);
            el[i] = o;
        }
        if (out < 0) return;
        if (kind == EC_VK_SEQ) set_seq(g, out, el, n, dt);
        else set_opt(g, out, n ? el[0] : -1);
    }
}

static void if_select(ec_graph *g, int node)
{
    const ec_value *cond = ec_in(g, node, 0);
    int nout = NODE(g, node)->nout, k;
    node_vec nv = { 0 };
    if (NODE(g, node)->nin != 1 + 2 * nout) ec_fail_node(g, node, "internal: malformed If select");
    if (cond && cond->data && cond->shape.rank >= 0 && ec_shape_numel(&cond->shape) == 1) {
        /* known after all: the chosen branch's values */
        bool which = *(const bool *)cond->data;
        for (k = 0; k < nout; k++) {
            int src = NODE(g, node)->in[which ? 1 + k : 1 + nout + k], out = NODE(g, node)->out[k];
            if (out < 0) continue;
            if (VAL(g, src)->kind == EC_VK_TENSOR) {
                add_node(&nv, g, node, "Identity", ec_fmt("out%d", k), &src, 1, &out, 1);
                VAL(g, out)->kind = EC_VK_TENSOR;
            } else {
                set_alias(g, out, src);
            }
        }
        replace(g, node, &nv);
        return;
    }
    {
        /* the If keeps its branches (its region): its inputs and outputs
         * become the tensors of the sequences/optionals */
        sel_list sl;
        ec_node *n;
        int i, m, cin = NODE(g, node)->in[0];
        memset(&sl, 0, sizeof sl);
        for (k = 0; k < nout; k++)
            pair_select(g, node, &sl, NODE(g, node)->in[1 + k], NODE(g, node)->in[1 + nout + k],
                        NODE(g, node)->out[k], k);
        n = NODE(g, node);
        m = sl.o.n;
        n->in = ec_alloc(sizeof(int) * (size_t)(1 + 2 * m + 1));
        n->in[0] = cin;
        for (i = 0; i < m; i++) {
            n->in[1 + i] = sl.a.a[i];
            n->in[1 + m + i] = sl.b.a[i];
        }
        n->nin = 1 + 2 * m;
        n->out = ec_alloc(sizeof(int) * (size_t)(m + 1));
        for (i = 0; i < m; i++) {
            n->out[i] = sl.o.a[i];
            g->values.a[sl.o.a[i]].producer = node;
        }
        n->nout = m;
    }
}

static const struct {
    const char *op;
    void (*fn)(ec_graph *g, int node);
} seq_ops[] = {
    { "SequenceConstruct", seq_construct },
    { "SequenceEmpty", seq_empty },
    { "SequenceInsert", seq_insert },
    { "SequenceErase", seq_erase },
    { "SequenceAt", seq_at },
    { "SequenceLength", seq_length },
    { "SplitToSequence", split_to_seq },
    { "ConcatFromSequence", concat_from_seq },
    { "SequenceMap", seq_map },
    { "Optional", optional_make },
    { "OptionalHasElement", optional_has },
    { "OptionalGetElement", optional_get },
};

bool ec_seq_expand(ec_graph *g, int node)
{
    const ec_node *n = NODE(g, node);
    size_t t;
    int k;
    bool any = false;
    if (n->dead) return false;
    if (default_domain(n->domain))
        for (t = 0; t < sizeof seq_ops / sizeof seq_ops[0]; t++)
            if (strcmp(n->op, seq_ops[t].op) == 0) {
                seq_ops[t].fn(g, node);
                return true;
            }
    for (k = 0; k < n->nin; k++) {
        const ec_value *v = ec_in(g, node, k);
        if (v && v->kind != EC_VK_TENSOR) any = true;
    }
    if (!any) return false;
    if (is_op(n, "Identity")) {
        const ec_value *v = ec_in(g, node, 0);
        if (!v->resolved) ec_fail_node(g, node, "internal: unresolved %s '%s'", kind_name(v) + 2, v->name);
        if (n->out[0] >= 0) set_alias(g, n->out[0], n->in[0]);
        NODE(g, node)->dead = true;
        return true;
    }
    if (strcmp(n->op, "If") == 0 && strcmp(n->domain, "edgec") == 0) {
        if_select(g, node);
        return true;
    }
    for (k = 0; k < n->nin; k++) {
        const ec_value *v = ec_in(g, node, k);
        if (v && v->kind != EC_VK_TENSOR)
            ec_fail_node(g, node, "input %d ('%s') is %s; %s takes tensors", k, v->name, kind_name(v), n->op);
    }
    return false;
}

/* The ops are registered so that the verifier knows their arity; ec_seq_expand
 * rewrites every one of them before inference reaches it. */
static void infer_unexpanded(ec_graph *g, int node)
{
    ec_fail_node(g, node, "internal: %s was not expanded before inference", NODE(g, node)->op);
}

const ec_opdef ec_ops_seq[] = {
    { EC_OP("SequenceConstruct", "", 1, -1, 1, 1, 0, infer_unexpanded, NULL) },
    { EC_OP("SequenceEmpty", "", 0, 0, 1, 1, 0, infer_unexpanded, NULL) },
    { EC_OP("SequenceInsert", "", 2, 3, 1, 1, 0, infer_unexpanded, NULL) },
    { EC_OP("SequenceErase", "", 1, 2, 1, 1, 0, infer_unexpanded, NULL) },
    { EC_OP("SequenceAt", "", 2, 2, 1, 1, 0, infer_unexpanded, NULL) },
    { EC_OP("SequenceLength", "", 1, 1, 1, 1, 0, infer_unexpanded, NULL) },
    { EC_OP("SplitToSequence", "", 1, 2, 1, 1, 0, infer_unexpanded, NULL) },
    { EC_OP("ConcatFromSequence", "", 1, 1, 1, 1, 0, infer_unexpanded, NULL) },
    { EC_OP("SequenceMap", "", 1, -1, 1, -1, 0, infer_unexpanded, NULL) },
    { EC_OP("Optional", "", 0, 1, 1, 1, 0, infer_unexpanded, NULL) },
    { EC_OP("OptionalHasElement", "", 0, 1, 1, 1, 0, infer_unexpanded, NULL) },
    { EC_OP("OptionalGetElement", "", 1, 1, 1, 1, 0, infer_unexpanded, NULL) },
    { 0 }
};

const ec_kernel ec_kernels_seq[] = {
    { 0 }
};

/* ---- graph inputs and outputs -------------------------------------------------- */

/* A tensor graph input named name (unique), dtype dt, shape s. */
static int new_input(ec_graph *g, const char *name, ec_dtype dt, const ec_shape *s, const char *note)
{
    int v = ec_value_new(g, name);
    ec_value *x = VAL(g, v);
    x->dtype = dt;
    x->shape = *s;
    x->is_input = true;
    x->io_note = ec_strdup(note);
    return v;
}

/* The element shapes of sequence input v from its --seq option. */
static void seq_elements(ec_graph *g, int v, const ec_seqopt *o, const char *what, int_vec *inputs,
                         int **elems)
{
    const ec_value *x = VAL(g, v);
    char *name = ec_strdup(x->name);
    ec_dtype dt = x->dtype;
    ec_shape decl = x->shape;
    int k, d;
    char b1[128], b2[128];
    if (dt == EC_DT_UNDEFINED || ec_dtype_size(dt) == 0)
        ec_fail("graph input '%s': the sequence's element type is %s", name,
                dt == EC_DT_UNDEFINED ? "not given" : ec_dtype_name(dt));
    *elems = ec_alloc(sizeof(int) * (size_t)(o->len + 1));
    for (k = 0; k < o->len; k++) {
        ec_shape s = o->shapes ? o->shapes[k] : decl;
        char *ename = ec_fmt("%s_%d", name, k);
        if (o->shapes && decl.rank >= 0) {
            bool ok = decl.rank == s.rank;
            for (d = 0; ok && d < s.rank; d++)
                if (decl.dim[d] >= 0 && !decl.sym[d] && decl.dim[d] != s.dim[d]) ok = false;
            if (!ok)
                ec_fail("--seq %s: element %d has shape %s, the input's elements are declared %s", o->name, k,
                        ec_shape_str(&s, b1, sizeof b1), ec_shape_str(&decl, b2, sizeof b2));
        }
        if (!o->shapes) {
            if (decl.rank < 0)
                ec_fail("--seq %s: the elements of graph input '%s' have no declared shape: give each one "
                        "(--seq %s=[d,...],[d,...])", o->name, name, o->name);
            for (d = 0; d < decl.rank; d++)
                if (decl.dim[d] < 0)
                    ec_fail("--seq %s: the elements of graph input '%s' are declared %s: give the dim %s "
                            "(--dim %s=VALUE) or each element's shape (--seq %s=[d,...],[d,...])", o->name, name,
                            ec_shape_str(&decl, b1, sizeof b1), decl.sym[d] ? decl.sym[d] : "?",
                            decl.sym[d] ? decl.sym[d] : "NAME", o->name);
        }
        for (d = 0; d < s.rank; d++) s.sym[d] = NULL;
        (*elems)[k] = new_input(g, ename, dt, &s, ec_fmt("element %d of %d of %s '%s'", k, o->len, what, name));
        EC_PUSH(*inputs, (*elems)[k]);
    }
}

void ec_seq_bind_inputs(ec_graph *g, const ec_seqopt *seqs, int nseq, const ec_optopt *opts, int nopt)
{
    int_vec inputs = { 0 };
    bool *used_s = ec_alloc(sizeof(bool) * (size_t)(nseq + 1)), *used_o = ec_alloc(sizeof(bool) * (size_t)(nopt + 1));
    int i, j;
    for (i = 0; i < g->inputs.n; i++) {
        int v = g->inputs.a[i];
        const ec_seqopt *so = NULL;
        const ec_optopt *oo = NULL;
        unsigned char kind = VAL(g, v)->kind, of = VAL(g, v)->opt_of;
        for (j = 0; j < nseq; j++)
            if (!strcmp(seqs[j].name, VAL(g, v)->name)) { so = &seqs[j]; used_s[j] = true; }
        for (j = 0; j < nopt; j++)
            if (!strcmp(opts[j].name, VAL(g, v)->name)) { oo = &opts[j]; used_o[j] = true; }
        if (so && !(kind == EC_VK_SEQ || (kind == EC_VK_OPT && of == EC_VK_SEQ)))
            ec_fail("--seq %s: graph input '%s' is %s, not a sequence", so->name, so->name, kind_name(VAL(g, v)));
        if (oo && kind != EC_VK_OPT)
            ec_fail("--optional %s: graph input '%s' is %s, not an optional", oo->name, oo->name,
                    kind_name(VAL(g, v)));
        if (kind == EC_VK_TENSOR || (kind == EC_VK_SEQ && !so) || (kind == EC_VK_OPT && !oo)) {
            if (so && kind == EC_VK_OPT)
                ec_fail("--seq %s: graph input '%s' is optional: say whether it is given (--optional %s=present "
                        "or --optional %s=none)", so->name, so->name, so->name, so->name);
            EC_PUSH(inputs, v); /* unchanged; an unresolved one fails in inference */
            continue;
        }
        if (kind == EC_VK_SEQ) {
            int *el;
            seq_elements(g, v, so, "sequence input", &inputs, &el);
            set_seq(g, v, el, so->len, EC_DT_UNDEFINED);
        } else if (!oo->present) {
            if (so) ec_fail("--seq %s: graph input '%s' is given as none (--optional %s=none)", so->name,
                            so->name, so->name);
            EC_PUSH(g->io_notes, ec_fmt("optional input '%s': none (--optional %s=none), no argument",
                                        VAL(g, v)->name, VAL(g, v)->name));
            set_opt(g, v, -1);
        } else if (of == EC_VK_SEQ) {
            /* the optional holds a sequence value of its own, with the elements */
            int *el, s;
            if (!so)
                ec_fail("--optional %s=present: graph input '%s' holds a sequence: give its length too "
                        "(--seq %s=N or --seq %s=[d,...],[d,...])", oo->name, oo->name, oo->name, oo->name);
            s = ec_value_new(g, ec_fmt("%s/sequence", VAL(g, v)->name));
            VAL(g, s)->dtype = VAL(g, v)->dtype;
            VAL(g, s)->shape = VAL(g, v)->shape;
            seq_elements(g, v, so, "the sequence in optional input", &inputs, &el);
            set_seq(g, s, el, so->len, VAL(g, v)->dtype);
            set_opt(g, v, s);
        } else {
            /* the tensor takes the input's name; the optional is renamed */
            char *name = ec_strdup(VAL(g, v)->name);
            ec_dtype dt = VAL(g, v)->dtype;
            ec_shape s = VAL(g, v)->shape;
            int t;
            if (dt == EC_DT_UNDEFINED) ec_fail("graph input '%s': the optional's element type is not given", name);
            VAL(g, v)->name = ec_fmt("%s/optional", name);
            t = new_input(g, name, dt, &s, ec_fmt("the tensor of optional input '%s' (--optional %s=present)",
                                                  name, name));
            EC_PUSH(inputs, t);
            set_opt(g, v, t);
        }
        VAL(g, v)->is_input = false;
    }
    for (j = 0; j < nseq; j++)
        if (!used_s[j]) ec_fail("--seq %s: the model has no graph input '%s'", seqs[j].name, seqs[j].name);
    for (j = 0; j < nopt; j++)
        if (!used_o[j]) ec_fail("--optional %s: the model has no graph input '%s'", opts[j].name, opts[j].name);
    g->inputs.n = 0;
    for (i = 0; i < inputs.n; i++) EC_PUSH(g->inputs, inputs.a[i]);
    ec_free(inputs.a);
}

/* A new graph output named name (made unique) for value src: src itself,
 * renamed, when a live node computes it and nothing else outputs it;
 * otherwise Identity(src), appended to the nodes. */
static int output_copy(ec_graph *g, int src, const char *name, char *note, int_vec *outputs)
{
    const ec_value *e = VAL(g, src);
    int y, i;
    ec_node c;
    if (e->kind == EC_VK_TENSOR && e->producer >= 0 && !NODE(g, e->producer)->dead && !e->is_input && !e->data &&
        !e->is_output && !e->is_initializer) {
        char *nm = ec_strdup(name);
        for (i = 1; ec_value_find(g, nm) >= 0; i++) nm = ec_fmt("%s_%d", name, i);
        VAL(g, src)->name = nm;
        VAL(g, src)->is_output = true;
        VAL(g, src)->io_note = note;
        EC_PUSH(*outputs, src);
        return src;
    }
    y = ec_value_new(g, name);
    memset(&c, 0, sizeof c);
    c.op = ec_strdup("Identity");
    c.domain = ec_strdup("");
    c.name = ec_fmt("%s/output", name);
    c.index = -1;
    for (i = 0; i < g->nodes.n; i++)
        if (c.index <= g->nodes.a[i].index) c.index = g->nodes.a[i].index + 1;
    c.nin = c.nout = 1;
    c.in = ec_alloc(sizeof(int));
    c.out = ec_alloc(sizeof(int));
    c.in[0] = src;
    c.out[0] = y;
    EC_PUSH(g->nodes, c);
    VAL(g, y)->producer = g->nodes.n - 1;
    VAL(g, y)->is_output = true;
    VAL(g, y)->io_note = note;
    EC_PUSH(*outputs, y);
    return y;
}

static void seq_outputs(ec_graph *g, int s, const char *name, const char *what, int_vec *outputs)
{
    int n = VAL(g, s)->nelems, k;
    if (n == 0) EC_PUSH(g->io_notes, ec_fmt("%s '%s': empty, no argument", what, name));
    for (k = 0; k < n; k++)
        output_copy(g, VAL(g, s)->elems[k], ec_fmt("%s_%d", name, k),
                    ec_fmt("element %d of %d of %s '%s'", k, n, what, name), outputs);
}

bool ec_seq_expand_outputs(ec_graph *g)
{
    int_vec outputs = { 0 };
    int i, before = g->nodes.n;
    bool any = false;
    for (i = 0; i < g->outputs.n; i++)
        if (VAL(g, g->outputs.a[i])->kind != EC_VK_TENSOR) any = true;
    if (!any) return false;
    for (i = 0; i < g->outputs.n; i++) {
        int v = g->outputs.a[i];
        char *name = ec_strdup(VAL(g, v)->name);
        if (VAL(g, v)->kind == EC_VK_TENSOR) {
            EC_PUSH(outputs, v);
            continue;
        }
        if (!VAL(g, v)->resolved)
            ec_fail("graph output '%s' is declared %s but is computed as a tensor", name, kind_name(VAL(g, v)));
        VAL(g, v)->is_output = false;
        if (VAL(g, v)->kind == EC_VK_SEQ) {
            seq_outputs(g, v, name, "sequence output", &outputs);
        } else if (VAL(g, v)->nelems == 0) {
            EC_PUSH(g->io_notes, ec_fmt("optional output '%s': none, no argument", name));
        } else if (VAL(g, VAL(g, v)->elems[0])->kind == EC_VK_SEQ) {
            seq_outputs(g, VAL(g, v)->elems[0], name, "the sequence in optional output", &outputs);
        } else {
            /* the tensor takes the output's name; the optional is renamed */
            VAL(g, v)->name = ec_fmt("%s/optional", name);
            output_copy(g, VAL(g, v)->elems[0], name, ec_fmt("the tensor of optional output '%s' (present)", name),
                        &outputs);
        }
    }
    g->outputs.n = 0;
    for (i = 0; i < outputs.n; i++) EC_PUSH(g->outputs, outputs.a[i]);
    ec_free(outputs.a);
    return g->nodes.n > before;
}
