/* test_rnn.c - rnn-family kernels (RNN, GRU, LSTM) against a float64 numpy
 * implementation of the ONNX equations (tests/unit/gen_test_rnn.py; inputs
 * come from the same formula on both sides, the expected outputs are pasted
 * below), the same cases folded through the IR (attributes, lowering, thunks),
 * and shape inference diagnostics. */
#include <math.h>
#include <string.h>
#include "unit.h"
#include "ir.h"
#include "ec_rnn.h"

static void check_near(const float *got, const double *want, int n, const char *what)
{
    int i;
    for (i = 0; i < n; i++) {
        double d = fabs((double)got[i] - want[i]);
        if (!(d <= 2e-6 * (1.0 + fabs(want[i]))))
            fail_msg("%s[%d] = %.9g, expected %.9g", what, i, (double)got[i], want[i]);
    }
}

/* inputs: exact in float32, the same formula as fill() in gen_test_rnn.py */
static void fill(float *p, int n, int k)
{
    int i;
    for (i = 0; i < n; i++) p[i] = (float)((i * 7 + k * 13) % 17 - 8) / 16.0f;
}

/* ---- expected values: /usr/bin/python3 tests/unit/gen_test_rnn.py ---------- */
/* rnn_fwd */
static const double rnn_fwd_y[18] = { -0.746429654, -0.0117182136, 0.143533204, -0.739429159, -0.00390623013, -0.120505307, -0.343632142, 0.295468562, -0.0825610658, -0.348749243, 0.297467978, -0.080675863, -0.448711026, 0.414692371, -0.0108199312, 0, 0, 0 };
static const double rnn_fwd_yh[6] = { -0.448711026, 0.414692371, -0.0108199312, -0.348749243, 0.297467978, -0.080675863 };
/* rnn_leaky_rev */
static const double rnn_leaky_rev_y[18] = { -0.0132875824, -0.0148448944, -0.0141960144, -0.0348754883, -0.0207641602, -0.00665283203, -0.001953125, 0, 0.28515625, 0.0395785522, 0.0963327026, 0.103126526, -0.00203613281, 0.0470214844, 0.13515625, -0.01484375, -0.01953125, -0.02421875 };
static const double rnn_leaky_rev_yh[6] = { -0.0132875824, -0.0148448944, -0.0141960144, 0.0395785522, 0.0963327026, 0.103126526 };
/* gru_bidi */
static const double gru_bidi_y[36] = { -0.000515207494, 0.276041197, -0.105119788, -0.421454313, 0.305582112, 0.0136421284, 0.376271249, -0.154468797, 0.169674942, 0.437828274, -0.169236831, 0.0858029105, -0.0381440753, 0.461292554, -0.228898808, -0.320207735, 0.454395548, -0.135902244, 0.156082873, -0.0968014923, 0.319152956, 0.348334986, -0.118997208, 0.2437324, 0, 0, 0, -0.353812677, 0.435223872, -0.331908888, 0, 0, 0, 0.286205168, 0.157105811, 0.157829142 };
static const double gru_bidi_yh[12] = { -0.0381440753, 0.461292554, -0.228898808, -0.353812677, 0.435223872, -0.331908888, 0.376271249, -0.154468797, 0.169674942, 0.437828274, -0.169236831, 0.0858029105 };
/* gru_lbr */
static const double gru_lbr_y[18] = { 0.0874980922, 0.193263969, -0.057756896, -0.115961534, 0.335885632, -0.199949176, -0.0345586274, 0.39905855, -0.202045164, -0.207674235, 0.265989096, 0.17914946, -0.151795787, 0.371890874, 0.0459335445, -0.165415618, 0.386140659, -0.177199331 };
static const double gru_lbr_yh[6] = { -0.0345586274, 0.39905855, -0.202045164, -0.165415618, 0.386140659, -0.177199331 };
/* lstm_peep_bidi */
static const double lstm_peep_bidi_y[36] = { 0.0618062268, -0.304796126, 0.114339719, 0.139127148, -0.243496104, 0.0986337325, 0.122244347, -0.299619126, -0.00930511402, 0.0913966183, -0.0155109859, -0.174892516, 0.0821459902, -0.358189213, 0.0554461626, 0, 0, 0, 0.046306021, -0.246790754, 0.0595718479, 0, 0, 0, 0.0731587582, -0.395888896, 0.0706274302, 0, 0, 0, 0.0167767017, -0.158709395, 0.00801562768, 0, 0, 0 };
static const double lstm_peep_bidi_yh[12] = { 0.0731587582, -0.395888896, 0.0706274302, 0.139127148, -0.243496104, 0.0986337325, 0.122244347, -0.299619126, -0.00930511402, 0.0913966183, -0.0155109859, -0.174892516 };
static const double lstm_peep_bidi_yc[12] = { 0.163620039, -0.739196263, 0.286056805, 0.293419755, -0.37959715, 0.300316482, 0.327810212, -0.597833942, -0.0209215338, 0.286317924, -0.0268087004, -0.355286702 };
/* lstm_misc */
static const double lstm_misc_y[8] = { 0.0907852155, 0.0103447356, 0.118222414, 0.0384142037, 0.0243491203, 0.12137076, 0.0700840062, 0.132152659 };
static const double lstm_misc_yh[4] = { 0.118222414, 0.0384142037, 0.0700840062, 0.132152659 };
static const double lstm_misc_yc[4] = { 0.258693028, 0.106281498, 0.185619271, 0.346055304 };

/* ---- the cases ------------------------------------------------------------ */

enum { K_RNN, K_GRU, K_LSTM };

typedef struct rcase {
    const char *name;
    int kind, T, N, I, H, D, layout;
    const char *direction;
    bool bias, init, peep;
    const int32_t *seq;                 /* NULL: all T */
    const char *acts[2][3];             /* per direction */
    float ab[2][6];                     /* alpha, beta per activation */
    int nalpha, nbeta;                  /* the attribute lists, in order */
    float alpha[4], beta[4];
    float clip;
    int flag;                           /* linear_before_reset / input_forget */
    const double *y, *yh, *yc;
} rcase;

static const int32_t seq32[2] = { 3, 2 }, seq23[2] = { 2, 3 }, seq31[2] = { 3, 1 };

static const rcase cases[] = {
    { "rnn_fwd", K_RNN, 3, 2, 2, 3, 1, 0, "forward", true, true, false, seq32,
      { { "Tanh" } }, { { 0 } }, 0, 0, { 0 }, { 0 }, 0.0f, 0,
      rnn_fwd_y, rnn_fwd_yh, NULL },
    { "rnn_leaky_rev", K_RNN, 3, 2, 2, 3, 1, 1, "reverse", false, true, false, NULL,
      { { "LeakyRelu" } }, { { 0.1f, 0 } }, 1, 0, { 0.1f }, { 0 }, 0.0f, 0,
      rnn_leaky_rev_y, rnn_leaky_rev_yh, NULL },
    { "gru_bidi", K_GRU, 3, 2, 2, 3, 2, 0, "bidirectional", true, true, false, seq23,
      { { "Sigmoid", "Tanh" }, { "HardSigmoid", "Softsign" } },
      { { 0, 0, 0, 0 }, { 0.3f, 0.4f, 0, 0 } }, 1, 1, { 0.3f }, { 0.4f }, 0.0f, 0,
      gru_bidi_y, gru_bidi_yh, NULL },
    { "gru_lbr", K_GRU, 3, 2, 2, 3, 1, 1, "forward", true, true, false, NULL,
      { { "Sigmoid", "Tanh" } }, { { 0 } }, 0, 0, { 0 }, { 0 }, 0.5f, 1,
      gru_lbr_y, gru_lbr_yh, NULL },
    { "lstm_peep_bidi", K_LSTM, 3, 2, 2, 3, 2, 0, "bidirectional", true, true, true, seq31,
      { { "Sigmoid", "Tanh", "Tanh" }, { "Sigmoid", "Tanh", "Tanh" } }, { { 0 } },
      0, 0, { 0 }, { 0 }, 0.0f, 0,
      lstm_peep_bidi_y, lstm_peep_bidi_yh, lstm_peep_bidi_yc },
    { "lstm_misc", K_LSTM, 2, 2, 3, 2, 1, 1, "forward", true, false, false, NULL,
      { { "HardSigmoid", "Elu", "ScaledTanh" } }, { { 0.2f, 0.5f, 0.7f, 0, 1.5f, 0.5f } },
      3, 2, { 0.2f, 0.7f, 1.5f }, { 0.5f, 0.5f }, 0.8f, 1,
      lstm_misc_y, lstm_misc_yh, lstm_misc_yc },
};

static int32_t act_code(const char *name)
{
    static const char *const names[] = { "Relu", "Tanh", "Sigmoid", "Affine", "LeakyRelu",
        "ThresholdedRelu", "ScaledTanh", "HardSigmoid", "Elu", "Softsign", "Softplus" };
    int32_t i;
    for (i = 0; i < 11; i++)
        if (strcmp(names[i], name) == 0) return i;
    fail_msg("no activation %s", name);
    return -1;
}

static int gates(const rcase *c) { return c->kind == K_RNN ? 1 : c->kind == K_GRU ? 3 : 4; }

/* the inputs of a case, filled as the generator does */
typedef struct rbufs {
    float x[64], w[128], r[128], b[64], h0[32], c0[32], p[32];
    int nx, nw, nr, nb, ns, np;
} rbufs;

static void make_inputs(const rcase *c, rbufs *b)
{
    int G = gates(c);
    b->nx = c->T * c->N * c->I;
    b->nw = c->D * G * c->H * c->I;
    b->nr = c->D * G * c->H * c->H;
    b->nb = c->D * 2 * G * c->H;
    b->ns = c->D * c->N * c->H;
    b->np = c->D * 3 * c->H;
    assert_true(b->nx <= 64 && b->nw <= 128 && b->nr <= 128 && b->nb <= 64 && b->ns <= 32);
    fill(b->x, b->nx, 1);
    fill(b->w, b->nw, 2);
    fill(b->r, b->nr, 3);
    fill(b->b, b->nb, 4);
    fill(b->h0, b->ns, 5);
    fill(b->c0, b->ns, 6);
    fill(b->p, b->np, 7);
}

static void test_kernels(void **state)
{
    size_t ci;
    (void)state;
    for (ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        const rcase *c = &cases[ci];
        const int G = gates(c), ny = c->T * c->D * c->N * c->H;
        rbufs in;
        float y[64], yh[32], yc[32], work[64];
        int d, k;
        make_inputs(c, &in);
        assert_true(EC_RNN_WORK_FLOATS(G, c->H) <= 64 && ny <= 64);
        memset(y, 0x7f, sizeof y); /* every element must be written */
        for (d = 0; d < c->D; d++) {
            int32_t act[3];
            const int reverse = d == 1 || strcmp(c->direction, "reverse") == 0;
            for (k = 0; k < c->kind + 1; k++) act[k] = act_code(c->acts[d][k]);
            switch (c->kind) {
            case K_RNN:
                ec_rnn_f32(y, yh, in.x, in.w, in.r, c->bias ? in.b : NULL, c->seq,
                           c->init ? in.h0 : NULL, work, c->T, c->N, c->I, c->H, c->D, d,
                           reverse, c->layout, c->clip, act, c->ab[d]);
                break;
            case K_GRU:
                ec_gru_f32(y, yh, in.x, in.w, in.r, c->bias ? in.b : NULL, c->seq,
                           c->init ? in.h0 : NULL, work, c->T, c->N, c->I, c->H, c->D, d,
                           reverse, c->layout, c->clip, c->flag, act, c->ab[d]);
                break;
            default:
                ec_lstm_f32(y, yh, yc, in.x, in.w, in.r, c->bias ? in.b : NULL, c->seq,
                            c->init ? in.h0 : NULL, c->init ? in.c0 : NULL,
                            c->peep ? in.p : NULL, work, c->T, c->N, c->I, c->H, c->D, d,
                            reverse, c->layout, c->clip, c->flag, act, c->ab[d]);
                break;
            }
        }
        check_near(y, c->y, ny, c->name);
        check_near(yh, c->yh, c->D * c->N * c->H, c->name);
        if (c->yc) check_near(yc, c->yc, c->D * c->N * c->H, c->name);
    }
}

/* every output optional: only Y_c */
static void test_kernel_outputs_optional(void **state)
{
    const rcase *c = &cases[4];
    rbufs in;
    float yc[32], work[64];
    int32_t act[3] = { EC_RNN_ACT_SIGMOID, EC_RNN_ACT_TANH, EC_RNN_ACT_TANH };
    static const float ab[6] = { 0 };
    int d;
    (void)state;
    make_inputs(c, &in);
    for (d = 0; d < 2; d++)
        ec_lstm_f32(NULL, NULL, yc, in.x, in.w, in.r, in.b, c->seq, in.h0, in.c0, in.p, work,
                    c->T, c->N, c->I, c->H, 2, d, d, 0, 0.0f, 0, act, ab);
    check_near(yc, c->yc, 12, "yc only");
}

/* ---- through the IR: every input an initializer, so the node folds ------- */

static ec_tensor *tensor(const char *name, ec_dtype dt, int rank, const int64_t *dims,
                         const void *data)
{
    ec_tensor *t = ec_alloc(sizeof *t);
    t->name = ec_strdup(name);
    t->dtype = dt;
    t->shape = ec_shape_make(rank, dims);
    t->nbytes = (size_t)ec_shape_numel(&t->shape) * ec_dtype_size(dt);
    t->data = ec_alloc(t->nbytes);
    memcpy(t->data, data, t->nbytes);
    return t;
}

static void add_attr(ec_graph *g, int node, ec_attr a, const char *name)
{
    a.name = ec_strdup(name);
    ec_node_add_attr(g, node, &a);
}

static void attr_int(ec_graph *g, int node, const char *name, int64_t v)
{
    ec_attr a;
    memset(&a, 0, sizeof a);
    a.type = EC_ATTR_INT;
    a.i = v;
    add_attr(g, node, a, name);
}

static void attr_float(ec_graph *g, int node, const char *name, float v)
{
    ec_attr a;
    memset(&a, 0, sizeof a);
    a.type = EC_ATTR_FLOAT;
    a.f = v;
    add_attr(g, node, a, name);
}

static void attr_str(ec_graph *g, int node, const char *name, const char *s)
{
    ec_attr a;
    memset(&a, 0, sizeof a);
    a.type = EC_ATTR_STRING;
    a.s = ec_strdup(s);
    a.slen = strlen(s);
    add_attr(g, node, a, name);
}

static void attr_floats(ec_graph *g, int node, const char *name, int n, const float *v)
{
    ec_attr a;
    memset(&a, 0, sizeof a);
    a.type = EC_ATTR_FLOATS;
    a.n = n;
    a.floats = ec_alloc(sizeof(float) * (size_t)(n ? n : 1));
    memcpy(a.floats, v, sizeof(float) * (size_t)n);
    add_attr(g, node, a, name);
}

static void attr_strs(ec_graph *g, int node, const char *name, int n, const char *const *s)
{
    ec_attr a;
    int i;
    memset(&a, 0, sizeof a);
    a.type = EC_ATTR_STRINGS;
    a.n = n;
    a.strings = ec_alloc(sizeof(char *) * (size_t)n);
    for (i = 0; i < n; i++) a.strings[i] = ec_strdup(s[i]);
    add_attr(g, node, a, name);
}

/* The case as a one-node graph of initializers; returns the node. */
static ec_graph *case_graph(const rcase *c, bool with_acts)
{
    static const char *const ops[] = { "RNN", "GRU", "LSTM" };
    const char *in[8] = { "X", "W", "R", "", "", "", "", "" };
    const char *out[3] = { "Y", "Y_h", "Y_c" };
    const int G = gates(c), nact = c->kind + 1;
    ec_graph *g = ec_graph_new("g");
    rbufs b;
    int64_t d3[3], d2[2], n = c->N;
    int node, nin = c->kind == K_LSTM ? 8 : 6;
    make_inputs(c, &b);
    ec_diag_set_file("m.onnx");
    g->opset = 14;
    d3[0] = c->layout ? c->N : c->T; d3[1] = c->layout ? c->T : c->N; d3[2] = c->I;
    ec_add_initializer(g, tensor("X", EC_DT_FLOAT, 3, d3, b.x));
    d3[0] = c->D; d3[1] = G * c->H; d3[2] = c->I;
    ec_add_initializer(g, tensor("W", EC_DT_FLOAT, 3, d3, b.w));
    d3[2] = c->H;
    ec_add_initializer(g, tensor("R", EC_DT_FLOAT, 3, d3, b.r));
    if (c->bias) {
        d2[0] = c->D; d2[1] = 2 * G * c->H;
        ec_add_initializer(g, tensor("B", EC_DT_FLOAT, 2, d2, b.b));
        in[3] = "B";
    }
    if (c->seq) {
        ec_add_initializer(g, tensor("S", EC_DT_INT32, 1, &n, c->seq));
        in[4] = "S";
    }
    d3[0] = c->layout ? c->N : c->D; d3[1] = c->layout ? c->D : c->N; d3[2] = c->H;
    if (c->init) {
        ec_add_initializer(g, tensor("H0", EC_DT_FLOAT, 3, d3, b.h0));
        in[5] = "H0";
        if (c->kind == K_LSTM) {
            ec_add_initializer(g, tensor("C0", EC_DT_FLOAT, 3, d3, b.c0));
            in[6] = "C0";
        }
    }
    if (c->peep) {
        d2[0] = c->D; d2[1] = 3 * c->H;
        ec_add_initializer(g, tensor("P", EC_DT_FLOAT, 2, d2, b.p));
        in[7] = "P";
    }
    node = ec_add_node(g, ops[c->kind], "", "rnn", in, nin, out, c->kind == K_LSTM ? 3 : 2);
    attr_int(g, node, "hidden_size", c->H);
    attr_str(g, node, "direction", c->direction);
    if (c->layout) attr_int(g, node, "layout", 1);
    if (c->clip > 0) attr_float(g, node, "clip", c->clip);
    if (c->flag) attr_int(g, node, c->kind == K_GRU ? "linear_before_reset" : "input_forget", 1);
    if (with_acts) {
        const char *names[6];
        int d, k;
        for (d = 0; d < c->D; d++)
            for (k = 0; k < nact; k++) names[d * nact + k] = c->acts[d][k];
        attr_strs(g, node, "activations", c->D * nact, names);
        if (c->nalpha) attr_floats(g, node, "activation_alpha", c->nalpha, c->alpha);
        if (c->nbeta) attr_floats(g, node, "activation_beta", c->nbeta, c->beta);
    }
    ec_add_output(g, "Y", EC_DT_UNDEFINED, NULL);
    ec_add_output(g, "Y_h", EC_DT_UNDEFINED, NULL);
    if (c->kind == K_LSTM) ec_add_output(g, "Y_c", EC_DT_UNDEFINED, NULL);
    return g;
}

static const ec_value *val(ec_graph *g, const char *name)
{
    int v = ec_value_find(g, name);
    assert_true(v >= 0);
    return &g->values.a[v];
}

static void run_passes(ec_graph *g)
{
    ec_verify(g);
    ec_toposort(g);
    ec_infer_and_fold(g);
}

static void test_fold_through_ir(void **state)
{
    size_t ci;
    (void)state;
    for (ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        const rcase *c = &cases[ci];
        const int ny = c->T * c->D * c->N * c->H, ns = c->D * c->N * c->H;
        /* the default activations are spelled out in some cases: both ways */
        int pass;
        for (pass = 0; pass < 2; pass++) {
            ec_graph *g;
            const ec_value *y;
            bool dflt = ci == 0 || ci == 3 || ci == 4;
            if (pass == 0 && !dflt) continue;
            g = case_graph(c, pass == 1);
            run_passes(g);
            y = val(g, "Y");
            assert_int_equal(y->shape.rank, 4);
            if (c->layout)
                assert_true(y->shape.dim[0] == c->N && y->shape.dim[1] == c->T &&
                            y->shape.dim[2] == c->D && y->shape.dim[3] == c->H);
            else
                assert_true(y->shape.dim[0] == c->T && y->shape.dim[1] == c->D &&
                            y->shape.dim[2] == c->N && y->shape.dim[3] == c->H);
            assert_non_null(y->data);
            check_near(y->data, c->y, ny, c->name);
            check_near(val(g, "Y_h")->data, c->yh, ns, c->name);
            if (c->yc) check_near(val(g, "Y_c")->data, c->yc, ns, c->name);
        }
    }
}

/* Y omitted: only Y_h is produced (the kernel gets NULL for y) */
static void test_fold_omitted_output(void **state)
{
    const rcase *c = &cases[2];
    ec_graph *g;
    (void)state;
    g = case_graph(c, true);
    g->nodes.a[0].out[0] = -1;
    g->outputs.a[0] = g->outputs.a[1];
    g->outputs.n = 1;
    run_passes(g);
    check_near(val(g, "Y_h")->data, c->yh, 12, "Y_h only");
}

/* ---- diagnostics ----------------------------------------------------------- */

static void expect_diag(ec_graph *g, const char *msg)
{
    EXPECT_FAIL(run_passes(g));
    if (!strstr(ec_diag_last(), msg))
        fail_msg("diagnostic '%s' does not mention '%s'", ec_diag_last(), msg);
}

static void test_diagnostics(void **state)
{
    static const char *const bad_act[1] = { "Swish" };
    static const char *const two[2] = { "Sigmoid", "Tanh" };
    static const int32_t long_seq[2] = { 4, 1 };
    ec_graph *g;
    rcase bad;
    (void)state;

    g = case_graph(&cases[0], false);
    g->nodes.a[0].attrs[0].i = 4; /* hidden_size */
    expect_diag(g, "hidden_size 4 does not match");

    g = case_graph(&cases[0], false);
    g->nodes.a[0].attrs[1].s = ec_strdup("sideways");
    g->nodes.a[0].attrs[1].slen = 8;
    expect_diag(g, "unknown direction 'sideways'");

    g = case_graph(&cases[0], false);
    attr_strs(g, 0, "activations", 1, bad_act);
    expect_diag(g, "unsupported activation 'Swish'");

    g = case_graph(&cases[1], false);
    attr_strs(g, 0, "activations", 2, two);
    expect_diag(g, "'activations' has 2 names, expected 1");

    bad = cases[0];
    bad.seq = long_seq;
    g = case_graph(&bad, false);
    expect_diag(g, "sequence_lens[0] = 4 is outside [0, 3]");

    g = case_graph(&cases[3], false);
    g->nodes.a[0].in[1] = ec_value_find(g, "R"); /* W with R's shape */
    expect_diag(g, "W has shape [1,9,3], expected [1,9,2]");

    g = case_graph(&cases[4], false);
    g->nodes.a[0].in[7] = ec_value_find(g, "B"); /* P with B's shape */
    expect_diag(g, "P has shape [2,24], expected [2,9]");

    g = case_graph(&cases[0], false);
    attr_int(g, 0, "layout", 2);
    expect_diag(g, "layout must be 0 or 1");
}

/* ---- If ----------------------------------------------------------------- */

static ec_graph *sub_graph(ec_graph *parent, const char *name)
{
    ec_graph *s = ec_graph_new(name);
    s->parent = parent;
    s->opset = parent->opset;
    return s;
}

static void attr_graph(ec_graph *g, int node, const char *name, ec_graph *sub)
{
    ec_attr a;
    memset(&a, 0, sizeof a);
    a.type = EC_ATTR_GRAPH;
    a.g = sub;
    add_attr(g, node, a, name);
}

static int add1(ec_graph *g, const char *op, const char *a, const char *b, const char *y)
{
    const char *in[2] = { a, b }, *out[1] = { y };
    return ec_add_node(g, op, "", "", in, b ? 2 : 1, out, 1);
}

/* x (3) and c (bool) inputs, a = Relu(x), y = If(c) with the given branches. */
static ec_graph *if_graph(ec_graph **then_g, ec_graph **else_g)
{
    static const int64_t three = 3;
    ec_graph *g = ec_graph_new("g");
    ec_shape sx = ec_shape_make(1, &three), sc = ec_shape_make(0, NULL);
    const char *in[1] = { "c" }, *out[1] = { "y" };
    int node;
    ec_diag_set_file("m.onnx");
    g->opset = 13;
    ec_add_input(g, "x", EC_DT_FLOAT, &sx);
    ec_add_input(g, "c", EC_DT_BOOL, &sc);
    add1(g, "Relu", "x", NULL, "a");
    node = ec_add_node(g, "If", "", "sel", in, 1, out, 1);
    *then_g = sub_graph(g, "then");
    *else_g = sub_graph(g, "else");
    attr_graph(g, node, "then_branch", *then_g);
    attr_graph(g, node, "else_branch", *else_g);
    ec_add_output(g, "y", EC_DT_UNDEFINED, NULL);
    return g;
}

static void run_if(ec_graph *g, bool c, const double *want)
{
    static const float x[3] = { 1.5f, -2.0f, 3.0f };
    void *in[2];
    void **out;
    in[0] = (void *)x;
    in[1] = &c;
    out = ec_interp_graph(g, in);
    check_near(out[0], want, 3, c ? "then" : "else");
}

/* a run-time condition: both branches and a select; the then branch has a
 * nested If (constant condition) reading a then-local and an outer value */
static void test_if_run_time(void **state)
{
    static const bool yes = true;
    static const int64_t none = 0;
    ec_graph *g, *tg, *eg, *it, *ie;
    ec_tensor *t;
    int node, k;
    const char *in[1] = { "c2" }, *out[1] = { "w" };
    (void)state;
    g = if_graph(&tg, &eg);
    add1(tg, "Add", "a", "x", "t");
    t = tensor("c2", EC_DT_BOOL, 0, &none, &yes);
    ec_add_initializer(tg, t);
    node = ec_add_node(tg, "If", "", "inner", in, 1, out, 1);
    it = sub_graph(tg, "inner_then");
    ie = sub_graph(tg, "inner_else");
    add1(it, "Mul", "t", "a", "u");
    ec_add_output(it, "u", EC_DT_UNDEFINED, NULL);
    add1(ie, "Bogus", "t", NULL, "v"); /* never expanded: the condition is constant */
    ec_add_output(ie, "v", EC_DT_UNDEFINED, NULL);
    attr_graph(tg, node, "then_branch", it);
    attr_graph(tg, node, "else_branch", ie);
    ec_add_output(tg, "w", EC_DT_UNDEFINED, NULL);
    add1(eg, "Sub", "a", "x", "t"); /* the same local name as the then branch's */
    ec_add_output(eg, "t", EC_DT_UNDEFINED, NULL);
    run_passes(g);
    ec_eliminate_dead(g);
    for (k = 0; k < g->nodes.n; k++) {
        const ec_node *n = &g->nodes.a[k];
        assert_string_not_equal(n->op, "Bogus");
        if (strcmp(n->op, "If") == 0) assert_string_equal(n->domain, "edgec");
    }
    /* a = (1.5, 0, 3), x = (1.5, -2, 3): (a + x) * a and a - x */
    run_if(g, true, (const double[]){ 4.5, 0, 18 });
    run_if(g, false, (const double[]){ 0, 2, 0 });
}

/* a constant condition: only the chosen branch is copied; the other one
 * would not even infer */
static void test_if_constant(void **state)
{
    static const bool no = false;
    static const int64_t bad[1] = { 7 };
    ec_graph *g, *tg, *eg;
    const ec_value *y;
    int k;
    (void)state;
    g = if_graph(&tg, &eg);
    /* c becomes a constant */
    g->inputs.n = 1;
    g->values.a[ec_value_find(g, "c")].is_input = false;
    ec_value_set_const(g, ec_value_find(g, "c"), EC_DT_BOOL, &(ec_shape){ .rank = 0 },
                       memcpy(ec_alloc(1), &no, 1));
    ec_add_initializer(tg, tensor("s", EC_DT_INT64, 1, (const int64_t[]){ 1 }, bad));
    add1(tg, "Reshape", "x", "s", "r");
    ec_add_output(tg, "r", EC_DT_UNDEFINED, NULL);
    add1(eg, "Neg", "a", NULL, "n");
    ec_add_output(eg, "n", EC_DT_UNDEFINED, NULL);
    run_passes(g);
    ec_eliminate_dead(g);
    y = val(g, "y");
    assert_int_equal(y->shape.rank, 1);
    for (k = 0; k < g->nodes.n; k++) {
        assert_string_not_equal(g->nodes.a[k].op, "If");
        assert_string_not_equal(g->nodes.a[k].op, "Reshape");
    }
    {
        static const float x[3] = { 1.5f, -2.0f, 3.0f };
        void *in[1] = { (void *)x };
        void **out = ec_interp_graph(g, in);
        check_near(out[0], (const double[]){ -1.5, 0, -3 }, 3, "const else");
    }
}

static void test_if_diagnostics(void **state)
{
    ec_graph *g, *tg, *eg;
    (void)state;
    /* run-time condition, different shapes */
    g = if_graph(&tg, &eg);
    add1(tg, "Relu", "x", NULL, "r");
    ec_add_output(tg, "r", EC_DT_UNDEFINED, NULL);
    {
        static const int64_t ax = 0;
        ec_add_initializer(eg, tensor("ax", EC_DT_INT64, 1, (const int64_t[]){ 1 }, &ax));
    }
    add1(eg, "Unsqueeze", "x", "ax", "u");
    ec_add_output(eg, "u", EC_DT_UNDEFINED, NULL);
    expect_diag(g, "output 0 is float[3] in then_branch, float[1,3] in else_branch");

    /* a branch reads a name defined nowhere */
    g = if_graph(&tg, &eg);
    add1(tg, "Relu", "nowhere", NULL, "r");
    ec_add_output(tg, "r", EC_DT_UNDEFINED, NULL);
    add1(eg, "Relu", "x", NULL, "r");
    ec_add_output(eg, "r", EC_DT_UNDEFINED, NULL);
    expect_diag(g, "a sub-graph reads undefined value 'nowhere'");

    /* branch output count */
    g = if_graph(&tg, &eg);
    add1(tg, "Relu", "x", NULL, "r");
    ec_add_output(tg, "r", EC_DT_UNDEFINED, NULL);
    ec_add_output(tg, "x", EC_DT_UNDEFINED, NULL);
    add1(eg, "Relu", "x", NULL, "r");
    ec_add_output(eg, "r", EC_DT_UNDEFINED, NULL);
    expect_diag(g, "then_branch has 2 outputs, the If has 1");

    /* a float condition */
    g = if_graph(&tg, &eg);
    g->nodes.a[1].in[0] = ec_value_find(g, "a");
    expect_diag(g, "cond has type float, expected bool");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernels),
        cmocka_unit_test(test_kernel_outputs_optional),
        cmocka_unit_test(test_fold_through_ir),
        cmocka_unit_test(test_fold_omitted_output),
        cmocka_unit_test(test_diagnostics),
        cmocka_unit_test(test_if_run_time),
        cmocka_unit_test(test_if_constant),
        cmocka_unit_test(test_if_diagnostics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
