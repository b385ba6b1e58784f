/* rnn.c - ops of the rnn family: shape inference, lowering, kernel table.
 *
 *   RNN GRU LSTM          ec_rnn_f32 ec_gru_f32 ec_lstm_f32 (one call per direction)
 *
 * One function, rnn_make(), reads and checks a node's inputs and attributes
 * for both infer and lower, so the two cannot disagree.
 */
#include <string.h>
#include <strings.h>
#include "ir.h"
#include "ec_rnn.h"

/* ---- small helpers ------------------------------------------------------- */

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
        (void)ec_static_numel(g, node, v);
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
        if (ec_out_id(g, node, k) >= 0)
            (void)ec_static_numel(g, node, &g->values.a[ec_out_id(g, node, k)]);
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

const ec_opdef ec_ops_rnn[] = {
    { EC_OP("RNN", "", 3, 6, 0, 2, 0, infer_rnn, lower_rnn) },
    { EC_OP("GRU", "", 3, 6, 0, 2, 0, infer_gru, lower_gru) },
    { EC_OP("LSTM", "", 3, 8, 0, 3, 0, infer_lstm, lower_lstm) },
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

const ec_kernel ec_kernels_rnn[] = {
    { "ec_rnn_f32", "pppppppppiiiiiiiifIF", thunk_rnn_f32, "ec_rnn.h" },
    { "ec_gru_f32", "pppppppppiiiiiiiifiIF", thunk_gru_f32, "ec_rnn.h" },
    { "ec_lstm_f32", "ppppppppppppiiiiiiiifiIF", thunk_lstm_f32, "ec_rnn.h" },
    { 0 }
};
