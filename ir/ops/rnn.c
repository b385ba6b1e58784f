/* rnn.c - ops of the rnn family: shape inference, lowering, kernel table.
 *
 *   RNN GRU LSTM          ec_rnn_f32 ec_gru_f32 ec_lstm_f32 (one call per direction)
 *   If                    inlined (ec_if_expand); a run-time condition: ec_if_select
 *
 * One function, rnn_make(), reads and checks a node's inputs and attributes
 * for both infer and lower, so the two cannot disagree.
 */
#include <string.h>
#include <strings.h>
#include "ir.h"
#include "ec_rnn.h"

#define NODE(g, n) (&(g)->nodes.a[(n)])

/* ---- small helpers ------------------------------------------------------- */

/* Fail unless v's shape is static with fewer than 2^31 elements (kernels
 * index with int32). */
static void check_numel(ec_graph *g, int node, const ec_value *v)
{
    int64_t n;
    if (!ec_shape_is_static(&v->shape))
        ec_fail_node(g, node, "tensor '%s' needs a static shape", v->name);
    n = ec_shape_numel(&v->shape);
    if (n > INT32_MAX)
        ec_fail_node(g, node, "tensor '%s' is too large (%lld elements)", v->name, (long long)n);
}

/* Input k, if present, must be float with exactly the given dims. */
static ec_value *shaped_in(ec_graph *g, int node, int k, const char *what, int rank,
                           const int64_t *dims)
{
    ec_value *v = ec_in(g, node, k);
    char want[128], got[128];
    ec_shape s;
    if (!v) return NULL;
    s = ec_shape_make(rank, dims);
    if (!ec_shape_eq(&v->shape, &s))
        ec_fail_node(g, node, "%s has shape %s, expected %s", what,
                     ec_shape_str(&v->shape, got, sizeof got), ec_shape_str(&s, want, sizeof want));
    return v;
}

/* ---- RNN / GRU / LSTM ------------------------------------------------------ */

enum { RK_RNN, RK_GRU, RK_LSTM };

#define RNN_MAX_ACT 3   /* activations per direction (LSTM: f, g, h) */

typedef struct rnn_info {
    int kind;
    int G;                          /* gates: 1, 3, 4 */
    int nact;                       /* activations per direction: 1, 2, 3 */
    int64_t T, N, I, H, D;
    int layout;
    bool reverse;                   /* direction "reverse" (D == 1) */
    float clip;                     /* <= 0: none */
    int flag;                       /* GRU linear_before_reset, LSTM input_forget */
    int64_t act[2][RNN_MAX_ACT];    /* EC_RNN_ACT_* per direction */
    float ab[2][2 * RNN_MAX_ACT];   /* alpha, beta per activation */
} rnn_info;

/* name, code, whether it reads alpha / beta, and their defaults */
static const struct rnn_act {
    const char *name;
    int code;
    bool has_alpha, has_beta;
    float alpha, beta;
} rnn_acts[] = {
    { "Relu", EC_RNN_ACT_RELU, false, false, 0.0f, 0.0f },
    { "Tanh", EC_RNN_ACT_TANH, false, false, 0.0f, 0.0f },
    { "Sigmoid", EC_RNN_ACT_SIGMOID, false, false, 0.0f, 0.0f },
    { "Affine", EC_RNN_ACT_AFFINE, true, true, 1.0f, 0.0f },
    { "LeakyRelu", EC_RNN_ACT_LEAKYRELU, true, false, 0.01f, 0.0f },
    { "ThresholdedRelu", EC_RNN_ACT_THRESHOLDEDRELU, true, false, 1.0f, 0.0f },
    { "ScaledTanh", EC_RNN_ACT_SCALEDTANH, true, true, 1.0f, 1.0f },
    { "HardSigmoid", EC_RNN_ACT_HARDSIGMOID, true, true, 0.2f, 0.5f },
    { "Elu", EC_RNN_ACT_ELU, true, false, 1.0f, 0.0f },
    { "Softsign", EC_RNN_ACT_SOFTSIGN, false, false, 0.0f, 0.0f },
    { "Softplus", EC_RNN_ACT_SOFTPLUS, false, false, 0.0f, 0.0f },
};

static const struct rnn_act *act_find(const char *name)
{
    size_t i;
    for (i = 0; i < sizeof rnn_acts / sizeof rnn_acts[0]; i++)
        if (strcasecmp(rnn_acts[i].name, name) == 0) return &rnn_acts[i];
    return NULL;
}

/* activations, activation_alpha, activation_beta: the list names nact
 * functions per direction (forward first); alpha and beta values are taken
 * in order by the functions that use them, defaults when the list runs out. */
static void rnn_activations(ec_graph *g, int node, rnn_info *ri)
{
    static const char *const dflt[3][RNN_MAX_ACT] = {
        { "Tanh" }, { "Sigmoid", "Tanh" }, { "Sigmoid", "Tanh", "Tanh" }
    };
    const ec_node *n = NODE(g, node);
    const ec_attr *acts = ec_attr_find(n, "activations");
    const float *alpha, *beta;
    int na = ec_attr_floats(n, "activation_alpha", &alpha);
    int nb = ec_attr_floats(n, "activation_beta", &beta);
    int ia = 0, ib = 0, d, k, nlist = 0;
    if (acts) {
        if (acts->type != EC_ATTR_STRINGS)
            ec_fail_node(g, node, "attribute 'activations' must be a list of strings");
        nlist = acts->n;
        if (nlist != ri->D * ri->nact && nlist != ri->nact)
            ec_fail_node(g, node, "attribute 'activations' has %d names, expected %lld", nlist,
                         (long long)(ri->D * ri->nact));
    }
    for (d = 0; d < ri->D; d++)
        for (k = 0; k < ri->nact; k++) {
            const char *name = acts ? acts->strings[(d * ri->nact + k) % nlist] : dflt[ri->kind][k];
            const struct rnn_act *a = act_find(name ? name : "");
            if (!a) ec_fail_node(g, node, "unsupported activation '%s'", name ? name : "");
            ri->act[d][k] = a->code;
            ri->ab[d][2 * k] = a->alpha;
            ri->ab[d][2 * k + 1] = a->beta;
            if (a->has_alpha && ia < na) ri->ab[d][2 * k] = alpha[ia++];
            if (a->has_beta && ib < nb) ri->ab[d][2 * k + 1] = beta[ib++];
        }
}

static void rnn_make(ec_graph *g, int node, int kind, rnn_info *ri)
{
    static const int gates[] = { 1, 3, 4 };
    const ec_node *n = NODE(g, node);
    const char *dir = ec_attr_string(n, "direction", "forward");
    ec_value *x, *w, *r, *v;
    int64_t dims[3], hs;
    int k;

    memset(ri, 0, sizeof *ri);
    ri->kind = kind;
    ri->G = gates[kind];
    ri->nact = kind + 1;
    ri->layout = (int)ec_attr_int(n, "layout", 0);
    if (ri->layout != 0 && ri->layout != 1)
        ec_fail_node(g, node, "layout must be 0 or 1, got %d", ri->layout);
    if (dir[0] == '\0' || strcmp(dir, "forward") == 0) ri->D = 1;
    else if (strcmp(dir, "reverse") == 0) { ri->D = 1; ri->reverse = true; }
    else if (strcmp(dir, "bidirectional") == 0) ri->D = 2;
    else ec_fail_node(g, node, "unknown direction '%s'", dir);

    for (k = 0; k < 3; k++) {
        static const char *const names[] = { "X", "W", "R" };
        v = ec_in(g, node, k);
        if (!v) ec_fail_node(g, node, "missing input %d (%s)", k, names[k]);
        if (v->dtype != EC_DT_FLOAT)
            ec_fail_node(g, node, "%s has unsupported type %s (float only)", names[k],
                         ec_dtype_name(v->dtype));
        if (v->shape.rank != 3)
            ec_fail_node(g, node, "%s must have rank 3, got %d", names[k], v->shape.rank);
        check_numel(g, node, v);
    }
    x = ec_in(g, node, 0);
    w = ec_in(g, node, 1);
    r = ec_in(g, node, 2);
    ri->T = x->shape.dim[ri->layout ? 1 : 0];
    ri->N = x->shape.dim[ri->layout ? 0 : 1];
    ri->I = x->shape.dim[2];
    ri->H = r->shape.dim[2];
    hs = ec_attr_int(n, "hidden_size", ri->H);
    if (hs != ri->H)
        ec_fail_node(g, node, "hidden_size %lld does not match R's last dim %lld", (long long)hs,
                     (long long)ri->H);
    if (ri->H < 1) ec_fail_node(g, node, "hidden size must be >= 1");
    dims[0] = ri->D; dims[1] = ri->G * ri->H; dims[2] = ri->I;
    shaped_in(g, node, 1, "W", 3, dims);
    dims[2] = ri->H;
    shaped_in(g, node, 2, "R", 3, dims);
    (void)w;
    dims[1] = 2 * ri->G * ri->H;
    v = shaped_in(g, node, 3, "B", 2, dims);
    if (v && v->dtype != EC_DT_FLOAT) ec_fail_node(g, node, "B must be float");
    /* sequence_lens: int32 (N); a constant one is checked here, a run-time
     * one is clamped to [0, T] by the kernel */
    v = shaped_in(g, node, 4, "sequence_lens", 1, &ri->N);
    if (v) {
        int64_t i;
        if (v->dtype != EC_DT_INT32)
            ec_fail_node(g, node, "sequence_lens has type %s, expected int32",
                         ec_dtype_name(v->dtype));
        if (v->data)
            for (i = 0; i < ri->N; i++) {
                int64_t len = ec_const_int(v, i);
                if (len < 0 || len > ri->T)
                    ec_fail_node(g, node, "sequence_lens[%lld] = %lld is outside [0, %lld]",
                                 (long long)i, (long long)len, (long long)ri->T);
            }
    }
    /* initial_h, initial_c: (D, N, H), layout 1: (N, D, H) */
    dims[0] = ri->layout ? ri->N : ri->D;
    dims[1] = ri->layout ? ri->D : ri->N;
    dims[2] = ri->H;
    v = shaped_in(g, node, 5, "initial_h", 3, dims);
    if (v && v->dtype != EC_DT_FLOAT) ec_fail_node(g, node, "initial_h must be float");
    if (kind == RK_LSTM) {
        v = shaped_in(g, node, 6, "initial_c", 3, dims);
        if (v && v->dtype != EC_DT_FLOAT) ec_fail_node(g, node, "initial_c must be float");
        dims[0] = ri->D;
        dims[1] = 3 * ri->H;
        v = shaped_in(g, node, 7, "P", 2, dims);
        if (v && v->dtype != EC_DT_FLOAT) ec_fail_node(g, node, "P must be float");
    }

    if (ec_attr_find(n, "clip")) {
        ri->clip = ec_attr_float(n, "clip", 0.0f);
        if (!(ri->clip > 0.0f)) ec_fail_node(g, node, "clip must be > 0");
    }
    if (kind == RK_GRU) ri->flag = ec_attr_int(n, "linear_before_reset", 0) != 0;
    if (kind == RK_LSTM) ri->flag = ec_attr_int(n, "input_forget", 0) != 0;
    rnn_activations(g, node, ri);
}

static void infer_rnn_kind(ec_graph *g, int node, int kind)
{
    rnn_info ri;
    int64_t y[4], s[3];
    ec_shape ys, ss;
    rnn_make(g, node, kind, &ri);
    if (ri.layout) { y[0] = ri.N; y[1] = ri.T; y[2] = ri.D; y[3] = ri.H; }
    else { y[0] = ri.T; y[1] = ri.D; y[2] = ri.N; y[3] = ri.H; }
    s[0] = ri.layout ? ri.N : ri.D;
    s[1] = ri.layout ? ri.D : ri.N;
    s[2] = ri.H;
    ys = ec_shape_make(4, y);
    ss = ec_shape_make(3, s);
    ec_set_out(g, node, 0, EC_DT_FLOAT, &ys);
    ec_set_out(g, node, 1, EC_DT_FLOAT, &ss);
    if (kind == RK_LSTM) ec_set_out(g, node, 2, EC_DT_FLOAT, &ss);
}

static void infer_rnn(ec_graph *g, int node) { infer_rnn_kind(g, node, RK_RNN); }
static void infer_gru(ec_graph *g, int node) { infer_rnn_kind(g, node, RK_GRU); }
static void infer_lstm(ec_graph *g, int node) { infer_rnn_kind(g, node, RK_LSTM); }

/* An output argument, or NULL for an omitted optional output. */
static void arg_opt_out(ec_call *c, const char *name, int value)
{
    if (value >= 0) ec_arg_out(c, name, value);
    else ec_arg_in(c, name, -1);
}

static void lower_rnn_kind(ec_graph *g, int node, ec_lowering *L, int kind)
{
    static const char *const kernels[] = { "ec_rnn_f32", "ec_gru_f32", "ec_lstm_f32" };
    rnn_info ri;
    int d, k;
    rnn_make(g, node, kind, &ri);
    for (k = 0; k < NODE(g, node)->nout; k++)
        if (ec_out_id(g, node, k) >= 0) check_numel(g, node, &g->values.a[ec_out_id(g, node, k)]);
    for (d = 0; d < ri.D; d++) {
        ec_call *c = ec_emit(L, kernels[kind]);
        arg_opt_out(c, "y", ec_out_id(g, node, 0));
        arg_opt_out(c, "yh", ec_out_id(g, node, 1));
        if (kind == RK_LSTM) arg_opt_out(c, "yc", ec_out_id(g, node, 2));
        ec_arg_in(c, "x", ec_in_id(g, node, 0));
        ec_arg_in(c, "w", ec_in_id(g, node, 1));
        ec_arg_in(c, "r", ec_in_id(g, node, 2));
        ec_arg_in(c, "b", ec_in_id(g, node, 3));
        ec_arg_in(c, "seq", ec_in_id(g, node, 4));
        ec_arg_in(c, "h0", ec_in_id(g, node, 5));
        if (kind == RK_LSTM) {
            ec_arg_in(c, "c0", ec_in_id(g, node, 6));
            ec_arg_in(c, "p", ec_in_id(g, node, 7));
        }
        ec_arg_scratch(c, "work", (int64_t)sizeof(float) * EC_RNN_WORK_FLOATS(ri.G, ri.H));
        ec_arg_int(c, "T", ri.T);
        ec_arg_int(c, "N", ri.N);
        ec_arg_int(c, "I", ri.I);
        ec_arg_int(c, "H", ri.H);
        ec_arg_int(c, "D", ri.D);
        ec_arg_int(c, "d", d);
        ec_arg_int(c, "reverse", ri.reverse || d == 1);
        ec_arg_int(c, "layout", ri.layout);
        ec_arg_float(c, "clip", ri.clip);
        if (kind == RK_GRU) ec_arg_int(c, "linear_before_reset", ri.flag);
        if (kind == RK_LSTM) ec_arg_int(c, "input_forget", ri.flag);
        ec_arg_ints(c, "act", ri.act[d], ri.nact);
        ec_arg_floats(c, "ab", ri.ab[d], 2 * ri.nact);
    }
}

static void lower_rnn(ec_graph *g, int node, ec_lowering *L) { lower_rnn_kind(g, node, L, RK_RNN); }
static void lower_gru(ec_graph *g, int node, ec_lowering *L) { lower_rnn_kind(g, node, L, RK_GRU); }
static void lower_lstm(ec_graph *g, int node, ec_lowering *L) { lower_rnn_kind(g, node, L, RK_LSTM); }

/* ---- If ------------------------------------------------------------------------
 * ec_infer_and_fold calls ec_if_expand on each node just before inferring it,
 * so the condition is already inferred and folded:
 *   - a constant condition: the chosen branch's nodes are copied into the
 *     parent graph in place of the If, and each If output becomes an Identity
 *     (a view) of the branch output; the other branch is never looked at;
 *   - a run-time condition: both branches are copied, and the If node becomes
 *     a select (op If, domain "edgec": inputs cond, then outputs, else outputs)
 *     that copies the chosen branch's outputs. Both branches run: the generated
 *     code is straight-line, so this suits small branches.
 * A branch reads outer values by name. Names resolve in the parent graph for a
 * top-level If; an If inside a copied branch gets the names its branches read
 * from outside as extra inputs (listed in the attribute "edgec.captures"), so
 * scheduling sees them and they resolve once that If is expanded in turn. */

#define CAPTURES "edgec.captures"

typedef EC_VEC(char *) name_vec;

static bool locally_defined(const ec_value *v)
{
    return v->producer >= 0 || v->is_input || v->is_initializer || v->data || v->resolved;
}

static void name_add(name_vec *nv, const char *name)
{
    int i;
    for (i = 0; i < nv->n; i++)
        if (strcmp(nv->a[i], name) == 0) return;
    EC_PUSH(*nv, ec_strdup(name));
}

static void free_names(const ec_graph *sg, name_vec *out);

/* Names the sub-graphs of node n read from outside themselves. */
static void node_graph_reads(const ec_node *n, name_vec *out)
{
    int k, j;
    for (k = 0; k < n->nattrs; k++) {
        const ec_attr *a = &n->attrs[k];
        int ng = a->type == EC_ATTR_GRAPH ? 1 : a->type == EC_ATTR_GRAPHS ? a->n : 0;
        for (j = 0; j < ng; j++) {
            const ec_graph *sub = a->type == EC_ATTR_GRAPH ? a->g : a->graphs[j];
            if (sub) free_names(sub, out);
        }
    }
}

/* Names sg reads from enclosing graphs: its nodes' and outputs' reads, and
 * its sub-graphs' reads, that sg does not define. (Recursion is bounded by
 * the frontend's sub-graph depth limit.) */
static void free_names(const ec_graph *sg, name_vec *out)
{
    int i, k;
    for (i = 0; i < sg->nodes.n; i++) {
        const ec_node *n = &sg->nodes.a[i];
        name_vec inner = { 0 };
        for (k = 0; k < n->nin; k++)
            if (n->in[k] >= 0 && !locally_defined(&sg->values.a[n->in[k]]))
                name_add(out, sg->values.a[n->in[k]].name);
        node_graph_reads(n, &inner);
        for (k = 0; k < inner.n; k++) {
            int v = ec_value_find(sg, inner.a[k]);
            if (v < 0 || !locally_defined(&sg->values.a[v])) name_add(out, inner.a[k]);
            ec_free(inner.a[k]);
        }
        ec_free(inner.a);
    }
    for (i = 0; i < sg->outputs.n; i++)
        if (!locally_defined(&sg->values.a[sg->outputs.a[i]]))
            name_add(out, sg->values.a[sg->outputs.a[i]].name);
}

/* A fresh value of g named PREFIX/name. */
static int fresh_value(ec_graph *g, const char *prefix, const char *name)
{
    char *hint = ec_fmt("%s/%s", prefix, name);
    int v = ec_value_new(g, hint);
    ec_free(hint);
    return v;
}

static bool is_onnx_if(const ec_node *n)
{
    return strcmp(n->op, "If") == 0 && (!n->domain[0] || strcmp(n->domain, "ai.onnx") == 0);
}

/* Copying one branch of the If at g's node `node` into new nodes. */
typedef struct inliner {
    ec_graph *g;
    int node;                       /* the If */
    const char *prefix;             /* names of the copies: PREFIX/name */
    const int *inputs;              /* g's values for the sub-graph's inputs, or NULL */
    EC_VEC(ec_node) nodes;          /* the copies, in order */
} inliner;

/* A name the branch reads from outside, as a value of g. */
static int resolve_outer(inliner *in, const char *name)
{
    ec_graph *g = in->g;
    const ec_node *n = NODE(g, in->node);
    const ec_attr *cap = ec_attr_find(n, CAPTURES);
    int v, k;
    if (cap) {
        for (k = 0; k < cap->n && k + 1 < n->nin; k++)
            if (strcmp(cap->strings[k], name) == 0) return n->in[k + 1];
        ec_fail_node(g, in->node, "a branch reads undefined value '%s'", name);
    }
    v = ec_value_find(g, name);
    if (v < 0 || !locally_defined(&g->values.a[v]))
        ec_fail_node(g, in->node, "a branch reads undefined value '%s'", name);
    if (g->values.a[v].producer >= in->node)
        ec_fail_node(g, in->node, "a branch reads '%s', which is computed after the If", name);
    return v;
}

/* g's value for value v of branch sg; map caches it. */
static int resolve(inliner *in, ec_graph *sg, int *map, int v)
{
    ec_graph *g = in->g;
    const ec_value *sv = &sg->values.a[v];
    if (map[v] >= 0) return map[v];
    if (sv->data) {
        int nv = fresh_value(g, in->prefix, sv->name);
        size_t nb = sv->nbytes ? sv->nbytes : 1;
        void *data = ec_alloc(nb);
        memcpy(data, sv->data, sv->nbytes);
        ec_value_set_const(g, nv, sv->dtype, &sv->shape, data);
        g->values.a[nv].nbytes = sv->nbytes;
        g->values.a[nv].is_initializer = true;
        map[v] = nv;
    } else if (sv->producer >= 0) {
        ec_fail_node(g, in->node, "branch value '%s' is read before it is computed", sv->name);
    } else {
        map[v] = resolve_outer(in, sv->name);
    }
    return map[v];
}

/* Copy the nodes of branch sg; out[k] gets g's value of its output k. */
static void inline_branch(inliner *in, ec_graph *sg, int *out)
{
    ec_graph *g = in->g;
    int *map = ec_alloc(sizeof(int) * (size_t)(sg->values.n + 1));
    int i, k;
    for (i = 0; i < sg->values.n; i++) map[i] = -1;
    if (in->inputs)
        for (i = 0; i < sg->inputs.n; i++) map[sg->inputs.a[i]] = in->inputs[i];
    ec_toposort(sg);
    for (i = 0; i < sg->nodes.n; i++) {
        const ec_node *sn = &sg->nodes.a[i];
        ec_node c;
        name_vec caps = { 0 };
        if (sn->dead) continue;
        memset(&c, 0, sizeof c);
        c.op = ec_strdup(sn->op);
        c.domain = ec_strdup(sn->domain);
        c.name = ec_fmt("%s/%s", in->prefix, sn->name[0] ? sn->name : sn->op);
        c.index = NODE(g, in->node)->index;
        if (is_onnx_if(sn)) node_graph_reads(sn, &caps);
        c.nin = sn->nin + caps.n;
        c.nout = sn->nout;
        c.in = ec_alloc(sizeof(int) * (size_t)(c.nin + 1));
        c.out = ec_alloc(sizeof(int) * (size_t)(c.nout + 1));
        for (k = 0; k < sn->nin; k++)
            c.in[k] = sn->in[k] >= 0 ? resolve(in, sg, map, sn->in[k]) : -1;
        for (k = 0; k < caps.n; k++) {
            int v = ec_value_find(sg, caps.a[k]);
            c.in[sn->nin + k] = v >= 0 ? resolve(in, sg, map, v) : resolve_outer(in, caps.a[k]);
        }
        for (k = 0; k < sn->nout; k++) {
            int v = sn->out[k];
            if (v < 0) { c.out[k] = -1; continue; }
            if (map[v] >= 0)
                ec_fail_node(g, in->node, "branch value '%s' is computed twice",
                             sg->values.a[v].name);
            map[v] = fresh_value(g, in->prefix, sg->values.a[v].name);
            c.out[k] = map[v];
        }
        c.nattrs = sn->nattrs + (caps.n ? 1 : 0);
        c.attrs = ec_alloc(sizeof(ec_attr) * (size_t)(c.nattrs + 1));
        for (k = 0; k < sn->nattrs; k++) c.attrs[k] = sn->attrs[k];
        if (caps.n) {
            ec_attr *a = &c.attrs[sn->nattrs];
            memset(a, 0, sizeof *a);
            a->name = ec_strdup(CAPTURES);
            a->type = EC_ATTR_STRINGS;
            a->n = caps.n;
            a->strings = caps.a;
        }
        EC_PUSH(in->nodes, c);
    }
    for (k = 0; k < sg->outputs.n; k++) out[k] = resolve(in, sg, map, sg->outputs.a[k]);
    ec_free(map);
}

void ec_inline_subgraph(ec_graph *g, int node, ec_graph *sg, const char *prefix, const int *inputs,
                        int *out, ec_node **nodes, int *nnodes)
{
    inliner in;
    int k;
    memset(&in, 0, sizeof in);
    in.g = g;
    in.node = node;
    in.prefix = prefix;
    in.inputs = inputs;
    for (k = 0; k < *nnodes; k++) EC_PUSH(in.nodes, (*nodes)[k]);
    inline_branch(&in, sg, out);
    ec_free(*nodes);
    *nodes = in.nodes.a;
    *nnodes = in.nodes.n;
}

/* Put the nodes add[0..nadd) in front of node `at`, and renumber producers. */
void ec_splice_nodes(ec_graph *g, int at, const ec_node *add, int nadd)
{
    int n = g->nodes.n, i, k;
    ec_node *a, *tmp;
    for (i = 0; i < nadd; i++) EC_PUSH(g->nodes, add[i]);
    a = g->nodes.a;
    /* rotate [at, n + nadd) right by nadd */
    tmp = ec_alloc(sizeof(ec_node) * (size_t)(n - at + 1));
    memcpy(tmp, a + at, sizeof(ec_node) * (size_t)(n - at));
    memmove(a + at, a + n, sizeof(ec_node) * (size_t)nadd);
    memcpy(a + at + nadd, tmp, sizeof(ec_node) * (size_t)(n - at));
    ec_free(tmp);
    for (i = at; i < g->nodes.n; i++)
        for (k = 0; k < a[i].nout; k++)
            if (a[i].out[k] >= 0) g->values.a[a[i].out[k]].producer = i;
}

static ec_graph *branch(ec_graph *g, int node, const char *name)
{
    const ec_attr *a = ec_attr_find(NODE(g, node), name);
    if (!a || a->type != EC_ATTR_GRAPH || !a->g)
        ec_fail_node(g, node, "missing graph attribute '%s'", name);
    if (a->g->outputs.n != NODE(g, node)->nout)
        ec_fail_node(g, node, "%s has %d outputs, the If has %d", name, a->g->outputs.n,
                     NODE(g, node)->nout);
    if (a->g->inputs.n != 0) ec_fail_node(g, node, "%s must not have inputs", name);
    return a->g;
}

/* The one-element bool condition of an If; no data when only known at run time. */
static const ec_value *if_cond(ec_graph *g, int node)
{
    const ec_value *c = ec_in(g, node, 0);
    if (!c) ec_fail_node(g, node, "missing input 0 (cond)");
    if (c->dtype != EC_DT_BOOL)
        ec_fail_node(g, node, "cond has type %s, expected bool", ec_dtype_name(c->dtype));
    if (c->shape.rank < 0 || !ec_shape_is_static(&c->shape) || ec_shape_numel(&c->shape) != 1)
        ec_fail_node(g, node, "cond must have exactly one element");
    return c;
}

bool ec_if_expand(ec_graph *g, int node);

bool ec_if_expand(ec_graph *g, int node)
{
    ec_node *n = NODE(g, node);
    const char *base = n->name[0] ? n->name : "If";
    inliner in;
    int nout = n->nout, k, *then_out, *else_out = NULL;
    bool run_time, which = true;
    if (n->dead || !is_onnx_if(n)) return false;
    {
        const ec_value *cond = if_cond(g, node);
        run_time = cond->data == NULL;
        if (!run_time) which = *(const unsigned char *)cond->data != 0;
    }
    memset(&in, 0, sizeof in);
    in.g = g;
    in.node = node;
    then_out = ec_alloc(sizeof(int) * (size_t)(nout + 1));
    else_out = ec_alloc(sizeof(int) * (size_t)(nout + 1));
    if (run_time || which) {
        in.prefix = ec_fmt("%s/then", base);
        inline_branch(&in, branch(g, node, "then_branch"), then_out);
    }
    if (run_time || !which) {
        in.prefix = ec_fmt("%s/else", base);
        inline_branch(&in, branch(g, node, "else_branch"), run_time ? else_out : then_out);
    }
    n = NODE(g, node);
    if (run_time) {
        /* the If becomes the select: cond, then outputs, else outputs */
        int *ins = ec_alloc(sizeof(int) * (size_t)(2 * nout + 2));
        ins[0] = n->in[0];
        for (k = 0; k < nout; k++) {
            ins[1 + k] = then_out[k];
            ins[1 + nout + k] = else_out[k];
        }
        n->in = ins;
        n->nin = 1 + 2 * nout;
        n->domain = ec_strdup("edgec");
        n->attrs = NULL;
        n->nattrs = 0;
    } else {
        /* each output an Identity (a view) of the branch's, in place of the If */
        const ec_node tmpl = *n;
        for (k = 0; k < nout; k++) {
            ec_node c = tmpl;
            c.op = ec_strdup("Identity");
            c.domain = ec_strdup("");
            c.attrs = NULL;
            c.nattrs = 0;
            c.nin = c.nout = 1;
            c.in = ec_alloc(sizeof(int));
            c.out = ec_alloc(sizeof(int));
            c.in[0] = then_out[k];
            c.out[0] = tmpl.out[k];
            if (nout > 1) c.name = ec_fmt("%s/out%d", base, k);
            EC_PUSH(in.nodes, c);
        }
        memmove(g->nodes.a + node, g->nodes.a + node + 1,
                sizeof(ec_node) * (size_t)(g->nodes.n - node - 1));
        g->nodes.n--;
    }
    ec_splice_nodes(g, node, in.nodes.a, in.nodes.n);
    ec_free(in.nodes.a);
    ec_free(then_out);
    ec_free(else_out);
    return true;
}

/* The expanded If with a run-time condition: inputs cond, then..., else... */
static void infer_if_select(ec_graph *g, int node)
{
    const ec_node *n = NODE(g, node);
    const ec_value *cond = if_cond(g, node);
    int k, nout = n->nout;
    if (n->nin != 1 + 2 * nout) ec_fail_node(g, node, "internal: malformed If select");
    for (k = 0; k < nout; k++) {
        const ec_value *a = ec_in(g, node, 1 + k), *b = ec_in(g, node, 1 + nout + k);
        char sa[128], sb[128];
        if (!a || !b) ec_fail_node(g, node, "internal: If select without branch output %d", k);
        if (cond->data) {
            const ec_value *c = *(const unsigned char *)cond->data ? a : b;
            ec_set_out(g, node, k, c->dtype, &c->shape);
            continue;
        }
        if (a->dtype != b->dtype || !ec_shape_eq(&a->shape, &b->shape))
            ec_fail_node(g, node, "with a run-time condition both branches must give the same "
                         "type and shape: output %d is %s%s in then_branch, %s%s in else_branch", k,
                         ec_dtype_name(a->dtype), ec_shape_str(&a->shape, sa, sizeof sa),
                         ec_dtype_name(b->dtype), ec_shape_str(&b->shape, sb, sizeof sb));
        if (ec_dtype_size(a->dtype) == 0)
            ec_fail_node(g, node, "output %d has unsupported type %s", k, ec_dtype_name(a->dtype));
        ec_set_out(g, node, k, a->dtype, &a->shape);
    }
}

static void lower_if_select(ec_graph *g, int node, ec_lowering *L)
{
    const ec_node *n = NODE(g, node);
    int k, nout = n->nout;
    for (k = 0; k < nout; k++) {
        const ec_value *y = ec_out(g, node, k);
        ec_call *c;
        if (!y) continue;
        check_numel(g, node, y);
        c = ec_emit(L, "ec_if_select");
        ec_arg_out(c, "y", ec_out_id(g, node, k));
        ec_arg_in(c, "cond", ec_in_id(g, node, 0));
        ec_arg_in(c, "a", ec_in_id(g, node, 1 + k));
        ec_arg_in(c, "b", ec_in_id(g, node, 1 + nout + k));
        ec_arg_int(c, "nbytes", ec_shape_numel(&y->shape) * (int64_t)ec_dtype_size(y->dtype));
    }
}

/* An If reaching inference was not expanded: the hook in ir/infer.c is missing. */
static void infer_if(ec_graph *g, int node)
{
    ec_fail_node(g, node, "internal: If was not expanded before inference");
}

const ec_opdef ec_ops_rnn[] = {
    { "RNN", "", 3, 6, 0, 2, 0, infer_rnn, lower_rnn },
    { "GRU", "", 3, 6, 0, 2, 0, infer_gru, lower_gru },
    { "LSTM", "", 3, 8, 0, 3, 0, infer_lstm, lower_lstm },
    { "If", "", 1, -1, 1, -1, 0, infer_if, NULL },
    { "If", "edgec", 1, -1, 1, -1, 0, infer_if_select, lower_if_select },
    { 0 }
};

/* thunks: argument order as emitted by lower_rnn_kind */
static void thunk_rnn_f32(const ec_karg *a)
{
    ec_rnn_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].p, a[6].p, a[7].p, a[8].p,
               a[9].i, a[10].i, a[11].i, a[12].i, a[13].i, a[14].i, a[15].i, a[16].i, a[17].f,
               a[18].ip, a[19].fp);
}
static void thunk_gru_f32(const ec_karg *a)
{
    ec_gru_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].p, a[6].p, a[7].p, a[8].p,
               a[9].i, a[10].i, a[11].i, a[12].i, a[13].i, a[14].i, a[15].i, a[16].i, a[17].f,
               a[18].i, a[19].ip, a[20].fp);
}
static void thunk_lstm_f32(const ec_karg *a)
{
    ec_lstm_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].p, a[6].p, a[7].p, a[8].p, a[9].p,
                a[10].p, a[11].p, a[12].i, a[13].i, a[14].i, a[15].i, a[16].i, a[17].i, a[18].i,
                a[19].i, a[20].f, a[21].i, a[22].ip, a[23].fp);
}

static void thunk_if_select(const ec_karg *a)
{
    ec_if_select(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i);
}

const ec_kernel ec_kernels_rnn[] = {
    { "ec_rnn_f32", thunk_rnn_f32, "ec_rnn.h", "ec_rnn.c" },
    { "ec_gru_f32", thunk_gru_f32, "ec_rnn.h", "ec_rnn.c" },
    { "ec_lstm_f32", thunk_lstm_f32, "ec_rnn.h", "ec_rnn.c" },
    { "ec_if_select", thunk_if_select, "ec_rnn.h", "ec_rnn.c" },
    { 0 }
};
