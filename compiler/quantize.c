/* quantize.c - static int8 post-training quantization (--quantize int8).
 *
 * 1. Calibration: the float model runs in edgec's interpreter on every
 *    input set of --calib DIR; the values of every float tensor are kept.
 *    Each tensor's range comes from them by --calib-method (minmax,
 *    percentile, entropy) and gives per-tensor asymmetric int8 parameters:
 *    scale = (hi - lo) / 255, zp = round(-128 - lo / scale), the range
 *    always holding 0 (so 0.0 and zero padding are exact).
 * 2. Plan: in schedule order, Conv (incl. depthwise), Gemm, MatMul with a
 *    constant 2-D B, Add, Mul become integer ops of the edgec domain
 *    (ir/ops/qint8.c); a Relu or Clip that is the only consumer of one of
 *    them is folded into its output range and act_min/act_max; MaxPool,
 *    AveragePool, GlobalAveragePool, Concat, Relu/Clip, Reshape, Flatten,
 *    Transpose, Squeeze, Unsqueeze go int8 when their input already is
 *    (pooling and the pass-through ops keep their input's parameters).
 *    Everything else stays float; QuantizeLinear / DequantizeLinear are
 *    put at the edges between the two worlds, so graph inputs and outputs
 *    stay float.
 * 3. Weights: int8 per output channel, symmetric (scale = max|w| / 127,
 *    values in [-127, 127]); bias int32 in units of x_scale * w_scale.
 * 4. Errors: every int8 layer is run alone (its inputs the float run's
 *    values, quantized) with the same kernels: its own error relative to
 *    its largest float output is what --max-layer-error compares; such
 *    layers, and --keep-float ones, stay float and the plan is made again
 *    once. The final graph then runs on the calibration sets and is
 *    compared with the float run: per layer (accumulated error) and per
 *    output (max/mean abs error, cosine, top-1 agreement), for --report.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "edgec.h"
#include "ec_quant.h"

/* ---- report ---------------------------------------------------------------- */

typedef struct ec_qlayer {
    const char *node, *op;
    bool int8;
    const char *why;                /* float layers: the reason */
    double rel_err;                 /* own error / max |float output| (-1: not measured) */
    double max_abs, mean_abs, cosine; /* accumulated, int8 layers */
} ec_qlayer;

typedef struct ec_qoutput {
    const char *name;
    double max_abs, mean_abs, cosine;
    int top1_rows, top1_agree;      /* rows 0: not a classifier output */
} ec_qoutput;

struct ec_qreport {
    const char *method;
    int nsets;
    int64_t weights_before, weights_after;
    EC_VEC(ec_qlayer) layers;
    EC_VEC(ec_qoutput) outputs;
};

/* ---- calibration data --------------------------------------------------------- */

static int natural_cmp(const void *pa, const void *pb)
{
    const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
    while (*a && *b) {
        if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
            char *ea, *eb;
            unsigned long long x = strtoull(a, &ea, 10), y = strtoull(b, &eb, 10);
            if (x != y) return x < y ? -1 : 1;
            a = ea;
            b = eb;
            continue;
        }
        if (*a != *b) return (unsigned char)*a - (unsigned char)*b;
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

typedef struct qctx {
    ec_graph *g;
    const ec_options *o;
    int nsets;
    void ***in;                     /* in[s][k]: graph input k of set s */
    int nv;                         /* value count of the float graph */
    float ***acts;                  /* acts[s][v]: float values of the float run */
    int64_t *numel;                 /* per float value */
    float *lo, *hi;                 /* calibrated ranges */
    bool *has_range;
} qctx;

static void load_sets(qctx *q)
{
    const char *dir = q->o->calib;
    EC_VEC(char *) sets = { 0 };
    DIR *d;
    struct dirent *e;
    int s, k;
    ec_graph *g = q->g;
    if (file_exists(ec_fmt("%s/input_0.pb", dir))) {
        EC_PUSH(sets, ec_strdup(dir));
    } else {
        d = opendir(dir);
        if (!d) ec_fail_plain("--calib %s: cannot open the folder: %s", dir, strerror(errno));
        while ((e = readdir(d)) != NULL) {
            char *sub;
            if (e->d_name[0] == '.') continue;
            sub = ec_fmt("%s/%s", dir, e->d_name);
            if (file_exists(ec_fmt("%s/input_0.pb", sub))) EC_PUSH(sets, sub);
        }
        closedir(d);
        if (sets.n > 1) qsort(sets.a, (size_t)sets.n, sizeof *sets.a, natural_cmp);
    }
    if (sets.n == 0)
        ec_fail_plain("--calib %s: no input_0.pb in the folder or in its subfolders", dir);
    q->nsets = sets.n;
    q->in = ec_alloc(sizeof(void **) * (size_t)sets.n);
    for (s = 0; s < sets.n; s++) {
        q->in[s] = ec_alloc(sizeof(void *) * (size_t)(g->inputs.n + 1));
        for (k = 0; k < g->inputs.n; k++) {
            const ec_value *v = &g->values.a[g->inputs.a[k]];
            char *path = ec_fmt("%s/input_%d.pb", sets.a[s], k);
            ec_tensor *t;
            char s1[128], s2[128];
            if (!file_exists(path))
                ec_fail_plain("--calib: %s is missing (the model has %d inputs)", path, g->inputs.n);
            t = ec_read_tensor_pb(path);
            if (t->dtype != v->dtype || !ec_shape_eq(&t->shape, &v->shape))
                ec_fail_plain("--calib: %s holds %s%s, graph input '%s' is %s%s", path,
                              ec_dtype_name(t->dtype), ec_shape_str(&t->shape, s1, sizeof s1),
                              v->name, ec_dtype_name(v->dtype), ec_shape_str(&v->shape, s2, sizeof s2));
            q->in[s][k] = t->data;
        }
    }
}

typedef struct obs_ctx {
    qctx *q;
    int set;
} obs_ctx;

static void observe_float(void *ctx, const ec_graph *g, int v, const void *data)
{
    obs_ctx *oc = ctx;
    qctx *q = oc->q;
    const ec_value *val = &g->values.a[v];
    size_t n;
    if (v >= q->nv || val->dtype != EC_DT_FLOAT || !data) return;
    n = (size_t)ec_shape_numel(&val->shape);
    q->acts[oc->set][v] = ec_alloc(sizeof(float) * (n + 1));
    memcpy(q->acts[oc->set][v], data, sizeof(float) * n);
}

static void run_float(qctx *q)
{
    ec_graph *g = q->g;
    int s, k, v;
    q->nv = g->values.n;
    q->acts = ec_alloc(sizeof(float **) * (size_t)q->nsets);
    q->numel = ec_alloc(sizeof(int64_t) * (size_t)(q->nv + 1));
    for (v = 0; v < q->nv; v++)
        if (g->values.a[v].shape.rank >= 0 && ec_shape_is_static(&g->values.a[v].shape))
            q->numel[v] = ec_shape_numel(&g->values.a[v].shape);
    for (s = 0; s < q->nsets; s++) {
        obs_ctx oc = { q, s };
        q->acts[s] = ec_alloc(sizeof(float *) * (size_t)(q->nv + 1));
        for (k = 0; k < g->inputs.n; k++) observe_float(&oc, g, g->inputs.a[k], q->in[s][k]);
        (void)ec_interp_graph_observe(g, q->in[s], observe_float, &oc);
    }
}

/* ---- ranges --------------------------------------------------------------------- */

#define HIST_BINS 2048
/* entropy calibration needs this many values of a tensor, else minmax */
#define ENTROPY_MIN_VALUES 4096

static void range_minmax(qctx *q, int v, double *lo, double *hi)
{
    int s;
    int64_t i;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (s = 0; s < q->nsets; s++) {
        const float *a = q->acts[s][v];
        for (i = 0; i < q->numel[v]; i++) {
            if (!isfinite(a[i])) continue;
            if (a[i] < *lo) *lo = a[i];
            if (a[i] > *hi) *hi = a[i];
        }
    }
    if (*lo > *hi) *lo = *hi = 0;
}

/* Histogram of the values of v over [lo, hi] in HIST_BINS bins (abs: of |x| over [0, hi]). */
static double *histogram(qctx *q, int v, double lo, double hi, bool absval, double *total)
{
    double *h = ec_alloc(sizeof(double) * HIST_BINS);
    double w = (hi - lo) / HIST_BINS;
    int s;
    int64_t i;
    *total = 0;
    for (s = 0; s < q->nsets; s++) {
        const float *a = q->acts[s][v];
        for (i = 0; i < q->numel[v]; i++) {
            double x = absval ? fabs(a[i]) : a[i];
            int b;
            if (!isfinite(x)) continue;
            b = w > 0 ? (int)((x - lo) / w) : 0;
            if (b < 0) b = 0;
            if (b >= HIST_BINS) b = HIST_BINS - 1;
            h[b] += 1;
            *total += 1;
        }
    }
    return h;
}

static void range_percentile(qctx *q, int v, double p, double *lo, double *hi)
{
    double mn, mx, total, acc = 0, w;
    double *h;
    int b, blo = 0, bhi = HIST_BINS - 1;
    range_minmax(q, v, &mn, &mx);
    if (mx <= mn) { *lo = mn; *hi = mx; return; }
    h = histogram(q, v, mn, mx, false, &total);
    w = (mx - mn) / HIST_BINS;
    for (b = 0; b < HIST_BINS; b++) {
        acc += h[b];
        if (acc >= total * (100.0 - p) / 100.0) { blo = b; break; }
    }
    acc = 0;
    for (b = HIST_BINS - 1; b >= 0; b--) {
        acc += h[b];
        if (acc >= total * (100.0 - p) / 100.0) { bhi = b; break; }
    }
    *lo = blo == 0 ? mn : mn + w * blo;
    *hi = bhi == HIST_BINS - 1 ? mx : mn + w * (bhi + 1);
    ec_free(h);
}

/* KL divergence threshold over the |x| histogram (TensorRT's entropy
 * calibration): the clip threshold T whose 'levels'-level quantization of
 * the clipped distribution diverges least from it. */
static void range_entropy(qctx *q, int v, double *lo, double *hi)
{
    double mn, mx, amax, total, best = INFINITY, w;
    double *h, *pd = ec_alloc(sizeof(double) * HIST_BINS), *qd = ec_alloc(sizeof(double) * HIST_BINS);
    int levels, i, j, best_i = HIST_BINS;
    range_minmax(q, v, &mn, &mx);
    amax = fmax(fabs(mn), fabs(mx));
    /* too few values to estimate a distribution: min and max */
    if (amax <= 0 || (int64_t)q->nsets * q->numel[v] < ENTROPY_MIN_VALUES) { *lo = mn; *hi = mx; return; }
    /* the int8 grid is asymmetric over [lo, hi]: a tensor that is never negative (after Relu)
     * has all 255 steps on [0, T]; a signed one about half of them on each side */
    levels = mn >= 0 ? 255 : 128;
    h = histogram(q, v, 0, amax, true, &total);
    w = amax / HIST_BINS;
    for (i = levels; i <= HIST_BINS; i++) {
        double psum = 0, kl = 0, outl = 0;
        for (j = 0; j < i; j++) pd[j] = h[j];
        for (j = i; j < HIST_BINS; j++) outl += h[j];
        pd[i - 1] += outl;
        /* q: bins [0, i) of the histogram without the clipped outliers,
         * merged into 'levels' groups, each group's mass spread evenly over
         * the bins where p is non-zero (MXNet's formulation) */
        for (j = 0; j < levels; j++) {
            int b0 = (int)((int64_t)j * i / levels), b1 = (int)((int64_t)(j + 1) * i / levels), b;
            double sum = 0;
            int nz = 0;
            for (b = b0; b < b1; b++) {
                sum += h[b];
                nz += pd[b] > 0;
            }
            for (b = b0; b < b1; b++) qd[b] = pd[b] > 0 ? sum / nz : 0;
        }
        for (j = 0; j < i; j++) psum += pd[j];
        {
            double qsum = 0;
            for (j = 0; j < i; j++) qsum += qd[j];
            for (j = 0; j < i; j++)
                if (pd[j] > 0) {
                    double pp = pd[j] / psum, qq = qd[j] / qsum;
                    kl += qq > 0 ? pp * log(pp / qq) : pp * 30.0;
                }
        }
        if (kl < best) { best = kl; best_i = i; }
    }
    *lo = fmax(mn, -w * best_i);
    *hi = fmin(mx, w * best_i);
    ec_free(h);
    ec_free(pd);
    ec_free(qd);
}

static void calibrate(qctx *q)
{
    int v;
    q->lo = ec_alloc(sizeof(float) * (size_t)(q->nv + 1));
    q->hi = ec_alloc(sizeof(float) * (size_t)(q->nv + 1));
    q->has_range = ec_alloc(sizeof(bool) * (size_t)(q->nv + 1));
    for (v = 0; v < q->nv; v++) {
        double lo, hi;
        if (!q->acts[0][v]) continue;
        /* a graph output keeps its min/max: clipping a classifier's largest logits to one
         * value would tie them and change its top-1 */
        if (q->g->values.a[v].is_output) {
            range_minmax(q, v, &lo, &hi);
        } else switch (q->o->calib_method) {
        case EC_CALIB_PERCENTILE: range_percentile(q, v, q->o->calib_percentile, &lo, &hi); break;
        case EC_CALIB_ENTROPY: range_entropy(q, v, &lo, &hi); break;
        default: range_minmax(q, v, &lo, &hi); break;
        }
        q->lo[v] = (float)lo;
        q->hi[v] = (float)hi;
        q->has_range[v] = true;
    }
}

/* ---- quantization parameters ------------------------------------------------------ */

typedef struct qparam {
    float scale;
    int32_t zp;
} qparam;

static qparam params_of_range(double lo, double hi)
{
    qparam p;
    double zp;
    if (lo > 0) lo = 0;
    if (hi < 0) hi = 0;
    if (hi - lo < 1e-8) hi = lo + 1e-8;
    p.scale = (float)((hi - lo) / 255.0);
    zp = nearbyint(-128.0 - lo / p.scale);
    p.zp = (int32_t)(zp < -128 ? -128 : zp > 127 ? 127 : zp);
    return p;
}

static int8_t quant1(float x, qparam p)
{
    double r = nearbyint((double)x / p.scale) + p.zp;
    if (!(r >= -128)) return r > 0 ? 127 : -128;
    return (int8_t)(r > 127 ? 127 : r);
}

/* ---- the plan ----------------------------------------------------------------------- */

enum {
    K_FLOAT = 0, K_CONV, K_FC, K_ADD, K_MUL, K_MAXPOOL, K_AVGPOOL, K_GAP, K_CONCAT, K_ACT,
    K_PASS, K_FUSED
};

typedef struct plan {
    int *kind;                      /* per node */
    const char **why;               /* per float node, the reason (or NULL) */
    int *act;                       /* anchor node: fused Relu/Clip node, or -1 */
    bool *keep;                     /* per node: kept float (--keep-float, --max-layer-error) */
    const char **keep_why;
} plan;

static bool is_const(const ec_graph *g, int v) { return v >= 0 && g->values.a[v].data != NULL; }
static bool is_float_act(const ec_graph *g, int v)
{
    return v >= 0 && !g->values.a[v].data && g->values.a[v].dtype == EC_DT_FLOAT;
}

static int nconsumers(const ec_graph *g, int v)
{
    int i, k, c = 0;
    for (i = 0; i < g->nodes.n; i++) {
        const ec_node *n = &g->nodes.a[i];
        if (n->dead) continue;
        for (k = 0; k < n->nin; k++) c += n->in[k] == v;
    }
    for (i = 0; i < g->outputs.n; i++) c += g->outputs.a[i] == v;
    return c;
}

/* Clip/Relu bounds (lo, hi), false when not constant. */
/* A Pad whose pads are all 0 (constant mode; the pads from the attribute or a
 * constant input): it changes nothing. */
static bool zero_pad(const ec_graph *g, const ec_node *n)
{
    const int64_t *pv;
    int np = ec_attr_ints(n, "pads", &pv), d;
    if (strcmp(ec_attr_string(n, "mode", "constant"), "constant") != 0) return false;
    if (n->nin >= 2 && n->in[1] >= 0) {
        const ec_value *pd = &g->values.a[n->in[1]];
        if (!pd->data) return false;
        for (d = 0; d < ec_shape_numel(&pd->shape); d++)
            if (ec_const_int(pd, d) != 0) return false;
        return true;
    }
    for (d = 0; d < np; d++)
        if (pv[d] != 0) return false;
    return true;
}

static bool act_bounds(const ec_graph *g, int node, double *lo, double *hi)
{
    const ec_node *n = &g->nodes.a[node];
    *lo = -INFINITY;
    *hi = INFINITY;
    if (!strcmp(n->op, "Relu")) {
        *lo = 0;
        return true;
    }
    if (strcmp(n->op, "Clip")) return false;
    if (n->nin >= 2 || g->opset >= 11) {
        if (n->nin >= 2 && n->in[1] >= 0) {
            if (!is_const(g, n->in[1])) return false;
            *lo = ec_const_double(&g->values.a[n->in[1]], 0);
        }
        if (n->nin >= 3 && n->in[2] >= 0) {
            if (!is_const(g, n->in[2])) return false;
            *hi = ec_const_double(&g->values.a[n->in[2]], 0);
        }
    } else {
        *lo = ec_attr_float(n, "min", -INFINITY);
        *hi = ec_attr_float(n, "max", INFINITY);
    }
    return true;
}

static bool op_is(const ec_node *n, const char *op) { return !strcmp(n->op, op) && !n->domain[0]; }

/* The role of a default-domain node in int8 quantization, from its ec_opdef row. */
static ec_qrole qrole(const ec_node *n)
{
    const ec_opdef *d = n->domain[0] ? NULL : ec_op_find(n->op, "");
    return d ? d->qrole : EC_QROLE_NONE;
}

static void make_plan(ec_graph *g, plan *P, bool *isq)
{
    int i;
    for (i = 0; i < g->nodes.n; i++) {
        ec_node *n = &g->nodes.a[i];
        int x = n->nin > 0 ? n->in[0] : -1, y = n->nout > 0 ? n->out[0] : -1;
        int kind = K_FLOAT;
        P->act[i] = -1;
        if (n->dead || P->kind[i] == K_FUSED) continue;
        P->kind[i] = K_FLOAT;
        P->why[i] = "no int8 kernel for this op";
        if (P->keep[i]) { P->why[i] = P->keep_why[i]; continue; }
        if (n->domain[0]) continue;
        switch (qrole(n)) {
        case EC_QROLE_CONV:
            if (is_float_act(g, x) && is_const(g, n->in[1]) &&
                (n->nin < 3 || n->in[2] < 0 || is_const(g, n->in[2])) && g->values.a[x].shape.rank >= 3)
                kind = K_CONV;
            else P->why[i] = "x must be a run-time float tensor, w and b constants";
            break;
        case EC_QROLE_GEMM: {
            int c = n->nin >= 3 ? n->in[2] : -1;
            int64_t N = g->values.a[y].shape.dim[1];
            if (is_float_act(g, x) && ec_attr_int(n, "transA", 0) == 0 && is_const(g, n->in[1]) &&
                (c < 0 || (is_const(g, c) && (g->values.a[c].shape.rank == 0 ||
                 ec_shape_numel(&g->values.a[c].shape) == 1 ||
                 (ec_shape_numel(&g->values.a[c].shape) == N &&
                  g->values.a[c].shape.dim[g->values.a[c].shape.rank - 1] == N)))))
                kind = K_FC;
            else P->why[i] = "needs transA = 0, a constant B and a constant per-column C";
            break;
        }
        case EC_QROLE_MATMUL:
            if (is_float_act(g, x) && is_const(g, n->in[1]) && g->values.a[n->in[1]].shape.rank == 2 &&
                g->values.a[x].shape.rank >= 2)
                kind = K_FC;
            else P->why[i] = "needs a run-time A of rank >= 2 and a constant 2-D B";
            break;
        case EC_QROLE_ADD:
        case EC_QROLE_MUL: {
            int b = n->in[1];
            if (g->values.a[x].dtype == EC_DT_FLOAT && g->values.a[b].dtype == EC_DT_FLOAT &&
                (!is_const(g, x) || !is_const(g, b)))
                kind = qrole(n) == EC_QROLE_ADD ? K_ADD : K_MUL;
            break;
        }
        case EC_QROLE_MAXPOOL:
            if (x >= 0 && isq[x] && (n->nout < 2 || n->out[1] < 0)) kind = K_MAXPOOL;
            else P->why[i] = "input not int8";
            break;
        case EC_QROLE_AVGPOOL: {
            const int64_t *dl;
            int nd = ec_attr_ints(n, "dilations", &dl), d;
            bool ok = ec_attr_int(n, "ceil_mode", 0) == 0 &&
                      !strcmp(ec_attr_string(n, "auto_pad", "NOTSET"), "NOTSET");
            for (d = 0; d < nd; d++) ok &= dl[d] == 1;
            if (x >= 0 && isq[x] && ok) kind = K_AVGPOOL;
            else P->why[i] = "input not int8, or ceil_mode/auto_pad/dilations";
            break;
        }
        case EC_QROLE_GLOBAL_AVGPOOL:
            if (x >= 0 && isq[x]) kind = K_GAP;
            else P->why[i] = "input not int8";
            break;
        case EC_QROLE_CONCAT: {
            int k;
            bool ok = true;
            for (k = 0; k < n->nin; k++) ok &= n->in[k] >= 0 && isq[n->in[k]];
            if (ok) kind = K_CONCAT;
            else P->why[i] = "inputs not all int8";
            break;
        }
        case EC_QROLE_ACTIVATION: {
            double lo, hi;
            if (x >= 0 && isq[x] && act_bounds(g, i, &lo, &hi)) kind = K_ACT;
            else P->why[i] = "input not int8";
            break;
        }
        case EC_QROLE_PASS_THROUGH:
            if (x >= 0 && isq[x]) kind = K_PASS;
            else P->why[i] = "input not int8";
            break;
        case EC_QROLE_ZERO_PAD:
            /* all pads 0 (PyTorch exports one before AvgPool2d with padding=0): a no-op */
            if (x >= 0 && isq[x] && zero_pad(g, n)) kind = K_PASS;
            else P->why[i] = "input not int8, or pads not all 0";
            break;
        case EC_QROLE_NONE:
            break;
        }
        if (kind == K_FLOAT) continue;
        P->kind[i] = kind;
        P->why[i] = NULL;
        isq[y] = true;
        /* fold a Relu/Clip that is the only consumer of an anchor's output */
        if (kind == K_CONV || kind == K_FC || kind == K_ADD || kind == K_MUL) {
            int j, k;
            if (g->values.a[y].is_output || nconsumers(g, y) != 1) continue;
            for (j = i + 1; j < g->nodes.n; j++) {
                ec_node *m = &g->nodes.a[j];
                double lo, hi;
                if (m->dead) continue;
                for (k = 0; k < m->nin; k++)
                    if (m->in[k] == y) break;
                if (k == m->nin) continue;
                if (qrole(m) == EC_QROLE_ACTIVATION && k == 0 && !P->keep[j] &&
                    act_bounds(g, j, &lo, &hi)) {
                    P->act[i] = j;
                    P->kind[j] = K_FUSED;
                    P->why[j] = NULL;
                    isq[m->out[0]] = true;
                }
                break;
            }
        }
    }
}

/* ---- rewriting ------------------------------------------------------------------------- */

typedef struct rw {
    ec_graph *g;
    qctx *q;
    int *qval;                      /* float value -> its int8 value, or -1 */
    qparam *qp;                     /* per float value: its int8 parameters */
    bool *fixed;                    /* per float value: qp given (QDQ import), not calibrated */
    EC_VEC(int) src;                /* int8 value -> float value (grown with the graph) */
    /* QDQ import: the weights' int8 values as the model gives them (the
     * float weight's layout), their scales (1 or one per output channel) */
    const int8_t *wq_in;
    const float *ws_in;
    int64_t ws_n;
} rw;

static void set_src(rw *r, int qv, int fv)
{
    while (r->src.n <= qv) EC_PUSH(r->src, -1);
    r->src.a[qv] = fv;
}

static void add_attr(ec_graph *g, int node, ec_attr a)
{
    ec_node_add_attr(g, node, &a);
}

static int new_const(ec_graph *g, const char *hint, ec_dtype dt, const ec_shape *s, void *data)
{
    int v = ec_value_new(g, hint);
    ec_value_set_const(g, v, dt, s, data);
    g->values.a[v].is_initializer = true;
    return v;
}

static int scalar_const_f(ec_graph *g, const char *hint, float f)
{
    float *d = ec_alloc(sizeof(float));
    ec_shape s = ec_shape_make(0, NULL);
    *d = f;
    return new_const(g, hint, EC_DT_FLOAT, &s, d);
}

static int scalar_const_s8(ec_graph *g, const char *hint, int32_t z)
{
    int8_t *d = ec_alloc(1);
    ec_shape s = ec_shape_make(0, NULL);
    *d = (int8_t)z;
    return new_const(g, hint, EC_DT_INT8, &s, d);
}

static const char *vname(const ec_graph *g, int v) { return v >= 0 ? g->values.a[v].name : ""; }

static int add_node(ec_graph *g, const char *op, const char *domain, const char *name,
                    const int *in, int nin, int out)
{
    const char **ins = ec_alloc(sizeof(char *) * (size_t)(nin + 1));
    const char *outs[1];
    int k;
    for (k = 0; k < nin; k++) ins[k] = vname(g, in[k]);
    outs[0] = vname(g, out);
    return ec_add_node(g, op, domain, name, ins, nin, outs, 1);
}

/* The int8 version of float value v: existing, a quantized constant, or a
 * QuantizeLinear inserted for it. */
static int get_q(rw *r, int v)
{
    ec_graph *g = r->g;
    int qv;
    if (r->qval[v] >= 0) return r->qval[v];
    if (is_const(g, v)) {
        const ec_value *c = &g->values.a[v];
        int64_t i, n = ec_shape_numel(&c->shape);
        const float *f = c->data;
        double lo = INFINITY, hi = -INFINITY;
        int8_t *d = ec_alloc((size_t)n + 1);
        ec_shape s = c->shape;
        for (i = 0; i < n; i++) {
            if (f[i] < lo) lo = f[i];
            if (f[i] > hi) hi = f[i];
        }
        r->qp[v] = params_of_range(n ? lo : 0, n ? hi : 0);
        for (i = 0; i < n; i++) d[i] = quant1(f[i], r->qp[v]);
        qv = new_const(g, ec_fmt("%s_q", c->name), EC_DT_INT8, &s, d);
    } else {
        int in[3];
        char *name = ec_fmt("%s_quantize", g->values.a[v].name);
        qv = ec_value_new(g, ec_fmt("%s_q", g->values.a[v].name));
        in[0] = v;
        in[1] = scalar_const_f(g, ec_fmt("%s_scale", g->values.a[v].name), r->qp[v].scale);
        in[2] = scalar_const_s8(g, ec_fmt("%s_zp", g->values.a[v].name), r->qp[v].zp);
        add_node(g, "QuantizeLinear", "", name, in, 3, qv);
    }
    r->qval[v] = qv;
    set_src(r, qv, v);
    return qv;
}

static void add_params(ec_graph *g, int node, const char *pre, qparam p)
{
    add_attr(g, node, ec_attr_new_float(ec_fmt("%s_scale", pre), p.scale));
    add_attr(g, node, ec_attr_new_int(ec_fmt("%s_zp", pre), p.zp));
}

/* act_min/act_max of an anchor with a fused Relu/Clip */
static void add_act(rw *r, int node, int act, qparam yp)
{
    double lo, hi;
    int32_t qlo = -128, qhi = 127;
    if (act < 0) return;
    act_bounds(r->g, act, &lo, &hi);
    if (isfinite(lo)) qlo = quant1((float)lo, yp);
    if (isfinite(hi)) qhi = quant1((float)hi, yp);
    add_attr(r->g, node, ec_attr_new_int("act_min", qlo));
    add_attr(r->g, node, ec_attr_new_int("act_max", qhi));
}

/* Per-output-channel symmetric int8 weights of w (m rows of len values). */
static int8_t *quant_weights(const float *w, int64_t m, int64_t len, float *scales)
{
    int8_t *q = ec_alloc((size_t)(m * len) + 1);
    int64_t c, i;
    for (c = 0; c < m; c++) {
        float amax = 0;
        for (i = 0; i < len; i++) amax = fmaxf(amax, fabsf(w[c * len + i]));
        scales[c] = amax > 0 ? amax / 127.0f : 1.0f;
        for (i = 0; i < len; i++) {
            float r = nearbyintf(w[c * len + i] / scales[c]);
            q[c * len + i] = (int8_t)(r > 127 ? 127 : r < -127 ? -127 : r);
        }
    }
    return q;
}

static int32_t *quant_bias(const float *b, int64_t m, bool scalar, double beta, float xs,
                           const float *ws)
{
    int32_t *q = ec_alloc(sizeof(int32_t) * (size_t)(m + 1));
    int64_t c;
    for (c = 0; c < m; c++) {
        double r = nearbyint(beta * b[scalar ? 0 : c] / ((double)xs * ws[c]));
        q[c] = (int32_t)(r > INT32_MAX ? INT32_MAX : r < INT32_MIN ? INT32_MIN : r);
    }
    return q;
}

static void conv_pads(const ec_graph *g, int node, int64_t *pads)
{
    const ec_node *n = &g->nodes.a[node];
    const ec_shape *xs = &g->values.a[n->in[0]].shape, *ws = &g->values.a[n->in[1]].shape;
    const ec_shape *ys = &g->values.a[n->out[0]].shape;
    const char *ap = ec_attr_string(n, "auto_pad", "NOTSET");
    const int64_t *pv, *sv, *dv;
    int nd = xs->rank - 2, i;
    int np = ec_attr_ints(n, "pads", &pv), ns = ec_attr_ints(n, "strides", &sv);
    int ndl = ec_attr_ints(n, "dilations", &dv);
    for (i = 0; i < nd; i++) {
        int64_t s = ns == nd ? sv[i] : 1, d = ndl == nd ? dv[i] : 1;
        int64_t eff = (ws->dim[2 + i] - 1) * d + 1;
        int64_t total = (ys->dim[2 + i] - 1) * s + eff - xs->dim[2 + i];
        if (total < 0) total = 0;
        if (!strcmp(ap, "SAME_UPPER")) {
            pads[i] = total / 2;
            pads[nd + i] = total - total / 2;
        } else if (!strcmp(ap, "SAME_LOWER")) {
            pads[nd + i] = total / 2;
            pads[i] = total - total / 2;
        } else if (!strcmp(ap, "VALID")) {
            pads[i] = pads[nd + i] = 0;
        } else {
            pads[i] = np == 2 * nd ? pv[i] : 0;
            pads[nd + i] = np == 2 * nd ? pv[nd + i] : 0;
        }
    }
}

/* Copy the attributes of node `from` onto node `to` (pass-through ops). */
static void copy_attrs(ec_graph *g, int from, int to)
{
    int k;
    for (k = 0; k < g->nodes.a[from].nattrs; k++) {
        ec_attr a = g->nodes.a[from].attrs[k];
        ec_node_add_attr(g, to, &a);
    }
}

static const char *node_label(const ec_graph *g, int i)
{
    const ec_node *n = &g->nodes.a[i];
    return n->name && n->name[0] ? n->name : ec_fmt("%s_%d", n->op, n->index);
}

static void rewrite_node(rw *r, plan *P, int i)
{
    ec_graph *g = r->g;
    int kind = P->kind[i], act = P->act[i];
    const char *name = ec_strdup(node_label(g, i));
    int x = g->nodes.a[i].in[0];
    int y = act >= 0 ? g->nodes.a[act].out[0] : g->nodes.a[i].out[0];
    int yq, nn, in[8], k;
    qparam xp, yp;
    char *yname = ec_fmt("%s_q", g->values.a[y].name);
    yq = ec_value_new(g, yname);
    set_src(r, yq, y);
    r->qval[y] = yq;
    if ((kind == K_CONV || kind == K_FC || kind == K_ADD || kind == K_MUL || kind == K_CONCAT) &&
        !(r->fixed && r->fixed[y]))
        r->qp[y] = params_of_range(r->q->lo[y], r->q->hi[y]);
    if (kind == K_CONV || kind == K_FC) {
        /* get_q may add values and nodes: pointers into the graph after it */
        int q0 = get_q(r, x);
        ec_node *n = &g->nodes.a[i];
        int w = n->in[1], b = n->nin >= 3 ? n->in[2] : -1;
        const ec_value *wv = &g->values.a[w];
        int64_t m, len, K = 0, N = 0, kk, j;
        float *ws, *wf;
        int8_t *wq;
        int32_t *bq = NULL;
        ec_shape wshape, bshape;
        double alpha = 1, beta = 1;
        bool conv = kind == K_CONV;
        in[0] = q0;
        xp = r->qp[x];
        yp = r->qp[y];
        if (conv) {
            m = wv->shape.dim[0];
            len = ec_shape_numel(&wv->shape) / m;
            wf = wv->data;
            wshape = wv->shape;
            if (r->wq_in) {
                int8_t *c8 = ec_alloc((size_t)(m * len) + 1);
                memcpy(c8, r->wq_in, (size_t)(m * len));
                r->wq_in = c8;
            }
        } else {
            bool gemm = qrole(n) == EC_QROLE_GEMM;
            bool tb = gemm && ec_attr_int(n, "transB", 0);
            const float *bf = wv->data;
            if (gemm) {
                alpha = ec_attr_float(n, "alpha", 1.0f);
                beta = ec_attr_float(n, "beta", 1.0f);
            }
            K = tb ? wv->shape.dim[1] : wv->shape.dim[0];
            N = tb ? wv->shape.dim[0] : wv->shape.dim[1];
            wf = ec_alloc(sizeof(float) * (size_t)(N * K + 1));
            for (j = 0; j < N; j++)
                for (kk = 0; kk < K; kk++)
                    wf[j * K + kk] = (float)(alpha * (tb ? bf[j * K + kk] : bf[kk * N + j]));
            if (r->wq_in) {                 /* the given int8 values, as [N, K] */
                int8_t *t8 = ec_alloc((size_t)(N * K) + 1);
                for (j = 0; j < N; j++)
                    for (kk = 0; kk < K; kk++)
                        t8[j * K + kk] = r->wq_in[tb ? j * K + kk : kk * N + j];
                r->wq_in = t8;
            }
            m = N;
            len = K;
            wshape.rank = 2;
            wshape.dim[0] = N;
            wshape.dim[1] = K;
            wshape.sym[0] = wshape.sym[1] = NULL;
        }
        ws = ec_alloc(sizeof(float) * (size_t)(m + 1));
        if (r->wq_in) {
            wq = (int8_t *)r->wq_in;
            for (j = 0; j < m; j++) ws[j] = r->ws_in[r->ws_n == 1 ? 0 : j];
        } else {
            wq = quant_weights(wf, m, len, ws);
        }
        in[1] = new_const(g, ec_fmt("%s_w_q", name), EC_DT_INT8, &wshape, wq);
        nn = 2;
        if (b >= 0) {
            const ec_value *bv = &g->values.a[b];
            bq = quant_bias(bv->data, m, ec_shape_numel(&bv->shape) == 1, beta, xp.scale, ws);
            bshape = ec_shape_make(1, &m);
            in[2] = new_const(g, ec_fmt("%s_bias_q", name), EC_DT_INT32, &bshape, bq);
            nn = 3;
        }
        k = add_node(g, conv ? "QConv" : "QFC", "edgec", name, in, nn, yq);
        if (conv) {
            int nd = g->values.a[x].shape.rank - 2;
            int64_t pads[2 * EC_MAX_RANK];
            const int64_t *v;
            int cnt;
            conv_pads(g, i, pads);
            add_attr(g, k, ec_attr_new_int("group", ec_attr_int(&g->nodes.a[i], "group", 1)));
            if ((cnt = ec_attr_ints(&g->nodes.a[i], "strides", &v)) == nd)
                add_attr(g, k, ec_attr_new_ints("strides", v, nd));
            if ((cnt = ec_attr_ints(&g->nodes.a[i], "dilations", &v)) == nd)
                add_attr(g, k, ec_attr_new_ints("dilations", v, nd));
            add_attr(g, k, ec_attr_new_ints("pads", pads, 2 * nd));
        }
        add_params(g, k, "x", xp);
        add_attr(g, k, ec_attr_new_floats("w_scale", ws, (int)m));
        add_params(g, k, "y", yp);
        add_act(r, k, act, yp);
        return;
    }
    if (kind == K_ADD || kind == K_MUL) {
        int b = g->nodes.a[i].in[1];
        in[0] = get_q(r, x);
        in[1] = get_q(r, b);
        k = add_node(g, kind == K_ADD ? "QAdd" : "QMul", "edgec", name, in, 2, yq);
        add_params(g, k, "a", r->qp[x]);
        add_params(g, k, "b", r->qp[b]);
        add_params(g, k, "y", r->qp[y]);
        add_act(r, k, act, r->qp[y]);
        return;
    }
    if (kind == K_CONCAT) {
        ec_node *n = &g->nodes.a[i];
        int nin = n->nin, *ins = ec_alloc(sizeof(int) * (size_t)(nin + 1));
        float *sc = ec_alloc(sizeof(float) * (size_t)(nin + 1));
        int64_t *zp = ec_alloc(sizeof(int64_t) * (size_t)(nin + 1));
        for (k = 0; k < nin; k++) {
            int v = g->nodes.a[i].in[k];
            ins[k] = get_q(r, v);
            sc[k] = r->qp[v].scale;
            zp[k] = r->qp[v].zp;
        }
        k = add_node(g, "QConcat", "edgec", name, ins, nin, yq);
        add_attr(g, k, ec_attr_new_int("axis", ec_attr_int(&g->nodes.a[i], "axis", 0)));
        add_attr(g, k, ec_attr_new_floats("in_scale", sc, nin));
        add_attr(g, k, ec_attr_new_ints("in_zp", zp, nin));
        add_params(g, k, "y", r->qp[y]);
        return;
    }
    /* pooling, activations, pass-through: the input's parameters */
    in[0] = get_q(r, x);
    r->qp[y] = r->qp[x];
    if (kind == K_AVGPOOL || kind == K_GAP) {
        k = add_node(g, "QAvgPool", "edgec", name, in, 1, yq);
        if (kind == K_GAP) {
            add_attr(g, k, ec_attr_new_int("global", 1));
        } else {
            const int64_t *v;
            int cnt;
            if ((cnt = ec_attr_ints(&g->nodes.a[i], "kernel_shape", &v)) > 0)
                add_attr(g, k, ec_attr_new_ints("kernel_shape", v, cnt));
            if ((cnt = ec_attr_ints(&g->nodes.a[i], "strides", &v)) > 0)
                add_attr(g, k, ec_attr_new_ints("strides", v, cnt));
            if ((cnt = ec_attr_ints(&g->nodes.a[i], "pads", &v)) > 0)
                add_attr(g, k, ec_attr_new_ints("pads", v, cnt));
            add_attr(g, k, ec_attr_new_int("count_include_pad", ec_attr_int(&g->nodes.a[i], "count_include_pad", 0)));
        }
        add_params(g, k, "x", r->qp[x]);
        return;
    }
    if (kind == K_ACT) {
        double lo, hi;
        act_bounds(g, i, &lo, &hi);
        in[1] = scalar_const_s8(g, ec_fmt("%s_min_q", name), isfinite(lo) ? quant1((float)lo, r->qp[x]) : -128);
        in[2] = scalar_const_s8(g, ec_fmt("%s_max_q", name), isfinite(hi) ? quant1((float)hi, r->qp[x]) : 127);
        add_node(g, "Clip", "", name, in, 3, yq);
        return;
    }
    /* a Pad of zeros: the int8 value passes through */
    if (qrole(&g->nodes.a[i]) == EC_QROLE_ZERO_PAD) {
        add_node(g, "Identity", "", name, in, 1, yq);
        return;
    }
    /* MaxPool, Reshape, Flatten, Transpose, Squeeze, Unsqueeze: same node on int8 */
    {
        ec_node *n = &g->nodes.a[i];
        int nin = n->nin, *ins = ec_alloc(sizeof(int) * (size_t)(nin + 1));
        ins[0] = in[0];
        for (k = 1; k < nin; k++) ins[k] = g->nodes.a[i].in[k];
        k = add_node(g, g->nodes.a[i].op, "", name, ins, nin, yq);
        copy_attrs(g, i, k);
    }
}

static void finish_graph(ec_graph *g);

/* Apply the plan to g: int8 nodes appended, the float ones they replace
 * dropped, DequantizeLinear where a float consumer or an output needs a
 * value; then schedule and infer again. */
static void rewrite(rw *r, plan *P)
{
    ec_graph *g = r->g;
    int nn0 = g->nodes.n, nv0 = g->values.n, i, k;
    bool *needed = ec_alloc(sizeof(bool) * (size_t)(nv0 + 1));
    r->qval = ec_alloc(sizeof(int) * (size_t)(nv0 + 1));
    r->qp = ec_alloc(sizeof(qparam) * (size_t)(nv0 + 1));
    for (i = 0; i < nv0; i++) r->qval[i] = -1;
    for (i = 0; i < nv0; i++)
        if (r->q->has_range[i]) r->qp[i] = params_of_range(r->q->lo[i], r->q->hi[i]);
    for (i = 0; i < nn0; i++)
        if (!g->nodes.a[i].dead && P->kind[i] != K_FLOAT && P->kind[i] != K_FUSED) rewrite_node(r, P, i);
    for (i = 0; i < nn0; i++) {
        ec_node *n = &g->nodes.a[i];
        if (n->dead || P->kind[i] != K_FLOAT) continue;
        for (k = 0; k < n->nin; k++)
            if (n->in[k] >= 0) needed[n->in[k]] = true;
    }
    for (i = 0; i < g->outputs.n; i++) needed[g->outputs.a[i]] = true;
    for (i = 0; i < nn0; i++) {
        /* adding nodes moves g->nodes: index, no pointer */
        if (g->nodes.a[i].dead || P->kind[i] == K_FLOAT) continue;
        g->nodes.a[i].dead = true;
        for (k = 0; k < g->nodes.a[i].nout; k++) {
            int v = g->nodes.a[i].out[k], in[3];
            if (v < 0) continue;
            g->values.a[v].producer = -1;
            if (!needed[v]) continue;
            if (r->qval[v] < 0) ec_fail("internal: '%s' has no int8 value", g->values.a[v].name);
            in[0] = r->qval[v];
            in[1] = scalar_const_f(g, ec_fmt("%s_scale", g->values.a[v].name), r->qp[v].scale);
            in[2] = scalar_const_s8(g, ec_fmt("%s_zp", g->values.a[v].name), r->qp[v].zp);
            add_node(g, "DequantizeLinear", "", ec_fmt("%s_dequantize", g->values.a[v].name), in, 3, v);
        }
    }
    finish_graph(g);
    while (r->src.n < g->values.n) EC_PUSH(r->src, -1);
}

/* Drop dead nodes, then verify, schedule, infer and eliminate again. */
static void finish_graph(ec_graph *g)
{
    int i, j, k;
    for (i = 0, j = 0; i < g->nodes.n; i++)
        if (!g->nodes.a[i].dead) g->nodes.a[j++] = g->nodes.a[i];
    g->nodes.n = j;
    for (i = 0; i < g->values.n; i++) g->values.a[i].producer = -1;
    for (i = 0; i < g->nodes.n; i++)
        for (k = 0; k < g->nodes.a[i].nout; k++)
            if (g->nodes.a[i].out[k] >= 0) g->values.a[g->nodes.a[i].out[k]].producer = i;
    ec_verify(g);
    ec_toposort(g);
    ec_infer_and_fold(g);
    ec_eliminate_dead(g);
}

/* ---- QDQ import ------------------------------------------------------------------------- */

/* A scalar constant's value (any numeric dtype); false if v is not one. */
static bool scalar_of(const ec_graph *g, int v, double *out)
{
    if (v < 0 || !g->values.a[v].data || ec_shape_numel(&g->values.a[v].shape) != 1) return false;
    *out = ec_const_double(&g->values.a[v], 0);
    return true;
}

/* (scale, zero point) of a live Quantize/DequantizeLinear node with int8
 * per-tensor parameters. */
static bool qdq_params(const ec_graph *g, int node, qparam *p)
{
    const ec_node *n = &g->nodes.a[node];
    double s, z = 0;
    int zv = n->nin >= 3 ? n->in[2] : -1;
    if (!scalar_of(g, n->in[1], &s) || !(s > 0) || !isfinite(s)) return false;
    if (zv < 0 || g->values.a[zv].dtype != EC_DT_INT8 || !scalar_of(g, zv, &z)) return false;
    p->scale = (float)s;
    p->zp = (int32_t)z;
    return true;
}

/* v = DequantizeLinear(xq int8 run-time, per tensor): xq and its parameters. */
static bool dq_act(const ec_graph *g, int v, int *xq, qparam *p)
{
    int d = v >= 0 ? g->values.a[v].producer : -1;
    const ec_node *n;
    if (d < 0 || g->values.a[v].data) return false;
    n = &g->nodes.a[d];
    if (n->dead || !op_is(n, "DequantizeLinear") || g->values.a[n->in[0]].dtype != EC_DT_INT8 ||
        g->values.a[n->in[0]].data || !qdq_params(g, d, p))
        return false;
    *xq = n->in[0];
    return true;
}

/* The one consumer of v, or -1 (several, none, or a graph output). */
static int only_consumer(const ec_graph *g, int v)
{
    int i, k, c = -1;
    if (g->values.a[v].is_output) return -1;
    for (i = 0; i < g->nodes.n; i++) {
        const ec_node *n = &g->nodes.a[i];
        if (n->dead) continue;
        for (k = 0; k < n->nin; k++)
            if (n->in[k] == v) {
                if (c >= 0) return -1;
                c = i;
            }
    }
    return c;
}

/* A constant float weight folded from DequantizeLinear(int8 constant,
 * scale (1 or one per channel along axis), zero point 0): its int8 data. */
static bool dq_weight(const ec_graph *g, int v, int axis, int64_t nch, const int8_t **q,
                      const float **s, int64_t *ns)
{
    int d = v >= 0 ? g->values.a[v].producer : -1;
    const ec_node *n;
    const ec_value *sv, *zv;
    int64_t i, k;
    if (d < 0 || !g->values.a[v].data) return false;
    n = &g->nodes.a[d];
    if (!op_is(n, "DequantizeLinear") || g->values.a[n->in[0]].dtype != EC_DT_INT8 ||
        !g->values.a[n->in[0]].data)
        return false;
    sv = &g->values.a[n->in[1]];
    if (!sv->data || sv->dtype != EC_DT_FLOAT) return false;
    k = ec_shape_numel(&sv->shape);
    if (k != 1) {
        int ax = (int)ec_attr_int(n, "axis", 1);
        if (ax < 0) ax += g->values.a[v].shape.rank;
        if (ax != axis || k != nch) return false;
    }
    if (n->nin >= 3 && n->in[2] >= 0) {
        zv = &g->values.a[n->in[2]];
        if (!zv->data) return false;
        for (i = 0; i < ec_shape_numel(&zv->shape); i++)
            if (ec_const_double(zv, i) != 0) return false;
    }
    for (i = 0; i < k; i++)
        if (!(((const float *)sv->data)[i] > 0)) return false;
    *q = g->values.a[n->in[0]].data;
    *s = sv->data;
    *ns = k;
    return true;
}

int ec_qdq_import(ec_graph *g)
{
    int nn0 = g->nodes.n, nv0 = g->values.n, i, k, done = 0;
    plan P;
    rw r;
    memset(&r, 0, sizeof r);
    r.g = g;
    r.qval = ec_alloc(sizeof(int) * (size_t)(nv0 + 1));
    r.qp = ec_alloc(sizeof(qparam) * (size_t)(nv0 + 1));
    r.fixed = ec_alloc(sizeof(bool) * (size_t)(nv0 + 1));
    for (i = 0; i < nv0; i++) r.qval[i] = -1;
    P.kind = ec_alloc(sizeof(int) * (size_t)(nn0 + 1));
    P.act = ec_alloc(sizeof(int) * (size_t)(nn0 + 1));
    for (i = 0; i < nn0; i++) {
        ec_node *n = &g->nodes.a[i];
        int kind = K_FLOAT, act = -1, z, qn, y, ins[2], nact = 1, a;
        qparam ip[2], op;
        bool ok = true;
        double lo, hi;
        if (n->dead || n->domain[0] || n->nout < 1 || n->out[0] < 0) continue;
        switch (qrole(n)) {
        case EC_QROLE_CONV: kind = K_CONV; break;
        case EC_QROLE_GEMM: case EC_QROLE_MATMUL: kind = K_FC; break;
        case EC_QROLE_ADD: kind = K_ADD, nact = 2; break;
        case EC_QROLE_MUL: kind = K_MUL, nact = 2; break;
        case EC_QROLE_MAXPOOL: kind = K_MAXPOOL; break;
        case EC_QROLE_AVGPOOL: kind = K_AVGPOOL; break;
        case EC_QROLE_GLOBAL_AVGPOOL: kind = K_GAP; break;
        case EC_QROLE_PASS_THROUGH: kind = K_PASS; break;
        default: break;                 /* Concat, Relu/Clip alone, Pad: not imported */
        }
        if (kind == K_FLOAT) continue;
        if (kind == K_MAXPOOL && n->nout > 1 && n->out[1] >= 0) continue;
        if (kind == K_AVGPOOL) {
            const int64_t *dl;
            int nd = ec_attr_ints(n, "dilations", &dl), d;
            if (ec_attr_int(n, "ceil_mode", 0) || strcmp(ec_attr_string(n, "auto_pad", "NOTSET"), "NOTSET"))
                continue;
            for (d = 0; d < nd; d++) ok &= dl[d] == 1;
        }
        /* activation inputs: DequantizeLinear outputs (or, for Add/Mul, float constants) */
        for (a = 0; a < nact && ok; a++) {
            int x = n->in[a];
            ins[a] = -1;
            if (nact == 2 && x >= 0 && g->values.a[x].data && g->values.a[x].dtype == EC_DT_FLOAT) continue;
            ok = dq_act(g, x, &ins[a], &ip[a]);
        }
        if (!ok || (nact == 2 && ins[0] < 0 && ins[1] < 0)) continue;
        /* output: [Relu/Clip ->] QuantizeLinear */
        y = n->out[0];
        z = y;
        qn = only_consumer(g, y);
        if (qn >= 0 && (kind == K_CONV || kind == K_FC || kind == K_ADD || kind == K_MUL) &&
            qrole(&g->nodes.a[qn]) == EC_QROLE_ACTIVATION &&
            g->nodes.a[qn].in[0] == y && act_bounds(g, qn, &lo, &hi)) {
            act = qn;
            z = g->nodes.a[act].out[0];
            qn = only_consumer(g, z);
        }
        if (qn < 0 || !op_is(&g->nodes.a[qn], "QuantizeLinear") || g->nodes.a[qn].in[0] != z ||
            !qdq_params(g, qn, &op))
            continue;
        /* pooling and pass-through keep their input's parameters */
        if ((kind == K_MAXPOOL || kind == K_AVGPOOL || kind == K_GAP || kind == K_PASS) &&
            (op.scale != ip[0].scale || op.zp != ip[0].zp))
            continue;
        r.wq_in = NULL;
        if (kind == K_CONV || kind == K_FC) {
            int w = n->in[1], c = n->nin >= 3 ? n->in[2] : -1;
            const ec_value *wv = &g->values.a[w];
            bool gemm = qrole(n) == EC_QROLE_GEMM, tb = gemm && ec_attr_int(n, "transB", 0);
            int64_t nch;
            int axis;
            if (!wv->data || wv->dtype != EC_DT_FLOAT || (c >= 0 && !g->values.a[c].data)) continue;
            if (kind == K_FC) {
                if (wv->shape.rank != 2 || g->values.a[n->in[0]].shape.rank < 2) continue;
                if (gemm && (ec_attr_int(n, "transA", 0) || ec_attr_float(n, "alpha", 1.0f) != 1.0f ||
                             g->values.a[n->in[0]].shape.rank != 2))
                    continue;
                if (c >= 0) {
                    int64_t N = tb ? wv->shape.dim[0] : wv->shape.dim[1], nc = ec_shape_numel(&g->values.a[c].shape);
                    if (nc != 1 && nc != N) continue;
                }
                axis = tb ? 0 : 1;
                nch = wv->shape.dim[axis];
            } else {
                axis = 0;
                nch = wv->shape.dim[0];
            }
            if (dq_weight(g, w, axis, nch, &r.wq_in, &r.ws_in, &r.ws_n) == false) r.wq_in = NULL;
        }
        /* rewrite with the model's parameters */
        for (a = 0; a < nact; a++) {
            int x = n->in[a];
            if (ins[a] < 0) continue;
            r.qval[x] = ins[a];
            r.qp[x] = ip[a];
            r.fixed[x] = true;
        }
        r.qp[z] = op;
        r.fixed[z] = true;
        P.kind[i] = kind;
        P.act[i] = act;
        rewrite_node(&r, &P, i);
        /* the int8 node writes the QuantizeLinear's output */
        k = g->nodes.n - 1;
        {
            int zq = g->nodes.a[qn].out[0], old = g->nodes.a[k].out[0];
            g->values.a[old].producer = -1;
            g->nodes.a[k].out[0] = zq;
            g->values.a[zq].producer = k;
            g->nodes.a[qn].dead = true;
            g->nodes.a[i].dead = true;
            if (act >= 0) g->nodes.a[act].dead = true;
        }
        for (a = 0; a < nact; a++)
            if (ins[a] >= 0) r.qval[g->nodes.a[i].in[a]] = -1;   /* per use: the next node looks again */
        r.qval[z] = -1;
        done++;
    }
    if (done) finish_graph(g);
    return done;
}

/* ---- measuring -------------------------------------------------------------------------- */

typedef struct acc {
    double max_abs, sum_abs, dot, n2a, n2b;
    int64_t n;
} acc;

static void acc_add(acc *a, double ref, double got)
{
    double e = fabs(got - ref);
    if (e > a->max_abs || isnan(e)) a->max_abs = e;
    a->sum_abs += e;
    a->dot += ref * got;
    a->n2a += ref * ref;
    a->n2b += got * got;
    a->n++;
}

static double acc_cos(const acc *a)
{
    if (a->n2a == 0 && a->n2b == 0) return 1.0;
    if (a->n2a == 0 || a->n2b == 0) return 0.0;
    return a->dot / (sqrt(a->n2a) * sqrt(a->n2b));
}

/* Own error of every int8 node of the rewritten graph: inputs are the float
 * run's values quantized, the output is compared with the float run's.
 * err[node] = max abs error / max |float|; -1 for other nodes. */
static double *own_errors(rw *r)
{
    ec_graph *g = r->g;
    qctx *q = r->q;
    double *err = ec_alloc(sizeof(double) * (size_t)(g->nodes.n + 1));
    int i, s, k;
    for (i = 0; i < g->nodes.n; i++) {
        ec_node *n = &g->nodes.a[i];
        int y = n->out[0], fy = y < r->src.n ? r->src.a[y] : -1;
        double emax = 0, fmax_ = 0;
        err[i] = -1;
        if (n->dead || fy < 0 || g->values.a[y].dtype != EC_DT_INT8 || !q->acts[0][fy]) continue;
        if (!strcmp(n->op, "QuantizeLinear")) continue;
        for (s = 0; s < q->nsets; s++) {
            void **buf = ec_alloc(sizeof(void *) * (size_t)(g->values.n + 1));
            int64_t j, ny = ec_shape_numel(&g->values.a[y].shape);
            const int8_t *out;
            bool ok = true;
            for (k = 0; k < n->nin; k++) {
                int v = n->in[k], fv;
                if (v < 0) continue;
                if (g->values.a[v].data) { buf[v] = g->values.a[v].data; continue; }
                fv = v < r->src.n ? r->src.a[v] : -1;
                if (fv < 0 || !q->acts[s][fv]) { ok = false; break; }
                {
                    int64_t nx = ec_shape_numel(&g->values.a[v].shape);
                    int8_t *b = ec_alloc((size_t)nx + 1);
                    for (j = 0; j < nx; j++) b[j] = quant1(q->acts[s][fv][j], r->qp[fv]);
                    buf[v] = b;
                }
            }
            if (!ok) break;
            buf[y] = ec_alloc((size_t)ny + 1);
            ec_interp_node_bufs(g, i, buf);
            out = buf[y];
            for (j = 0; j < ny; j++) {
                double ref = q->acts[s][fy][j];
                double got = ((double)out[j] - r->qp[fy].zp) * r->qp[fy].scale;
                emax = fmax(emax, fabs(got - ref));
                fmax_ = fmax(fmax_, fabs(ref));
            }
            if (s == q->nsets - 1) err[i] = emax / (fmax_ > 0 ? fmax_ : 1.0);
        }
    }
    return err;
}

typedef struct qobs {
    rw *r;
    int set;
    acc *per_value;                 /* indexed by int8 value */
} qobs;

static void observe_quant(void *ctx, const ec_graph *g, int v, const void *data)
{
    qobs *o = ctx;
    rw *r = o->r;
    int fv = v < r->src.n ? r->src.a[v] : -1;
    int64_t j, n;
    const float *ref;
    if (fv < 0 || g->values.a[v].dtype != EC_DT_INT8 || !(ref = r->q->acts[o->set][fv])) return;
    n = ec_shape_numel(&g->values.a[v].shape);
    for (j = 0; j < n; j++)
        acc_add(&o->per_value[v], ref[j],
                ((double)((const int8_t *)data)[j] - r->qp[fv].zp) * r->qp[fv].scale);
}

static int64_t weight_bytes(ec_graph *g)
{
    ec_program p;
    int64_t b;
    int s, c, k;
    ec_lower_graph(g, &p);
    b = ec_cg_weights_bytes(&p);
    /* requantization (multiplier, shift) arrays of the int8 kernels live in NAME.c */
    for (s = 0; s < p.steps.n; s++)
        for (c = 0; c < p.steps.a[s].L.calls.n; c++) {
            const ec_call *call = &p.steps.a[s].L.calls.a[c];
            if (strncmp(call->kernel, "ec_s8_", 6)) continue;
            for (k = 0; k < call->args.n; k++)
                if (call->args.a[k].kind == EC_ARG_INTS && !strcmp(call->args.a[k].name, "rq"))
                    b += 4 * call->args.a[k].n;
        }
    return b;
}

static const char *method_name(const ec_options *o)
{
    switch (o->calib_method) {
    case EC_CALIB_PERCENTILE: return ec_fmt("percentile=%g", o->calib_percentile);
    case EC_CALIB_ENTROPY: return "entropy";
    default: return "minmax";
    }
}

/* ---- driver -------------------------------------------------------------------------------- */

struct ec_qreport *ec_quantize_int8(ec_graph **gp, const ec_options *o, ec_graph *(*reload)(const ec_options *))
{
    ec_graph *g = *gp;
    qctx q;
    plan P;
    rw r;
    struct ec_qreport *rep = ec_alloc(sizeof *rep);
    int i, k, s, nn0 = g->nodes.n;
    bool *isq;
    double *err;
    acc *per_value;
    char **labels = ec_alloc(sizeof(char *) * (size_t)(nn0 + 1));
    const char **ops = ec_alloc(sizeof(char *) * (size_t)(nn0 + 1));

    memset(&q, 0, sizeof q);
    q.g = g;
    q.o = o;
    load_sets(&q);
    ec_diag_set_file(o->model);
    run_float(&q);
    calibrate(&q);
    rep->method = method_name(o);
    rep->nsets = q.nsets;
    rep->weights_before = weight_bytes(g);

    P.kind = ec_alloc(sizeof(int) * (size_t)(nn0 + 1));
    P.why = ec_alloc(sizeof(char *) * (size_t)(nn0 + 1));
    P.act = ec_alloc(sizeof(int) * (size_t)(nn0 + 1));
    P.keep = ec_alloc(sizeof(bool) * (size_t)(nn0 + 1));
    P.keep_why = ec_alloc(sizeof(char *) * (size_t)(nn0 + 1));
    for (k = 0; k < o->keep_float.n; k++) {
        bool found = false;
        for (i = 0; i < nn0; i++)
            if (g->nodes.a[i].name && !strcmp(g->nodes.a[i].name, o->keep_float.a[k])) {
                found = true;
                P.keep[i] = true;
                P.keep_why[i] = "--keep-float";
            }
        if (!found) ec_fail_plain("--keep-float %s: the model has no node of that name", o->keep_float.a[k]);
    }
    for (i = 0; i < nn0; i++) {
        labels[i] = ec_strdup(node_label(g, i));
        ops[i] = ec_strdup(g->nodes.a[i].op);
    }

    /* First plan: measure each int8 layer's own error, keep the worst in float. */
    if (o->max_layer_error >= 0) {
        ec_graph *g2 = reload(o);
        plan P2 = P;
        rw r2;
        P2.kind = ec_alloc(sizeof(int) * (size_t)(nn0 + 1));
        isq = ec_alloc(sizeof(bool) * (size_t)(g2->values.n + 1));
        make_plan(g2, &P2, isq);
        memset(&r2, 0, sizeof r2);
        r2.g = g2;
        r2.q = &q;
        rewrite(&r2, &P2);
        err = own_errors(&r2);
        for (i = 0; i < g2->nodes.n; i++) {
            if (err[i] <= o->max_layer_error) continue;
            for (k = 0; k < nn0; k++)
                if (!strcmp(labels[k], g2->nodes.a[i].name)) {
                    P.keep[k] = true;
                    P.keep_why[k] = ec_fmt("own error %.4g > --max-layer-error %g", err[i],
                                           o->max_layer_error);
                    /* a fused activation stays with its anchor */
                    if (P2.act[k] >= 0) {
                        P.keep[P2.act[k]] = true;
                        P.keep_why[P2.act[k]] = ec_fmt("follows %s, kept float", labels[k]);
                    }
                }
        }
    }

    isq = ec_alloc(sizeof(bool) * (size_t)(g->values.n + 1));
    make_plan(g, &P, isq);
    memset(&r, 0, sizeof r);
    r.g = g;
    r.q = &q;
    for (i = 0; i < nn0; i++) {
        ec_qlayer L;
        const ec_node *n = &g->nodes.a[i];
        if (n->dead || P.kind[i] == K_FUSED) continue;
        memset(&L, 0, sizeof L);
        L.node = labels[i];
        L.op = P.act[i] >= 0 ? ec_fmt("%s+%s", ops[i], ops[P.act[i]]) : ops[i];
        L.int8 = P.kind[i] != K_FLOAT;
        L.why = P.why[i];
        L.rel_err = -1;
        EC_PUSH(rep->layers, L);
    }
    rewrite(&r, &P);
    err = own_errors(&r);

    /* the quantized graph against the float one, on every calibration set */
    per_value = ec_alloc(sizeof(acc) * (size_t)(g->values.n + 1));
    {
        acc *outs = ec_alloc(sizeof(acc) * (size_t)(g->outputs.n + 1));
        int *agree = ec_alloc(sizeof(int) * (size_t)(g->outputs.n + 1));
        int *rows = ec_alloc(sizeof(int) * (size_t)(g->outputs.n + 1));
        for (s = 0; s < q.nsets; s++) {
            qobs ob = { &r, s, per_value };
            void **res = ec_interp_graph_observe(g, q.in[s], observe_quant, &ob);
            for (k = 0; k < g->outputs.n; k++) {
                const ec_value *v = &g->values.a[g->outputs.a[k]];
                const float *ref = q.acts[s][g->outputs.a[k]], *got = res[k];
                int64_t j, n;
                if (v->dtype != EC_DT_FLOAT || !ref) continue;
                n = ec_shape_numel(&v->shape);
                for (j = 0; j < n; j++) acc_add(&outs[k], ref[j], got[j]);
                if (v->shape.rank == 2 && v->shape.dim[1] > 1) {
                    int64_t R = v->shape.dim[0], C = v->shape.dim[1], rr, c;
                    for (rr = 0; rr < R; rr++) {
                        int64_t a = 0, b = 0;
                        for (c = 1; c < C; c++) {
                            if (ref[rr * C + c] > ref[rr * C + a]) a = c;
                            if (got[rr * C + c] > got[rr * C + b]) b = c;
                        }
                        rows[k]++;
                        agree[k] += a == b;
                    }
                }
            }
        }
        for (k = 0; k < g->outputs.n; k++) {
            ec_qoutput Q;
            Q.name = g->values.a[g->outputs.a[k]].name;
            Q.max_abs = outs[k].max_abs;
            Q.mean_abs = outs[k].n ? outs[k].sum_abs / (double)outs[k].n : 0;
            Q.cosine = acc_cos(&outs[k]);
            Q.top1_rows = rows[k];
            Q.top1_agree = agree[k];
            EC_PUSH(rep->outputs, Q);
        }
    }
    /* per layer figures: the int8 node of that name */
    for (k = 0; k < rep->layers.n; k++) {
        ec_qlayer *L = &rep->layers.a[k];
        if (!L->int8) continue;
        for (i = 0; i < g->nodes.n; i++) {
            const ec_node *n = &g->nodes.a[i];
            int y = n->out[0];
            if (n->dead || strcmp(n->name, L->node) || g->values.a[y].dtype != EC_DT_INT8) continue;
            L->rel_err = err[i];
            L->max_abs = per_value[y].max_abs;
            L->mean_abs = per_value[y].n ? per_value[y].sum_abs / (double)per_value[y].n : 0;
            L->cosine = acc_cos(&per_value[y]);
        }
    }
    rep->weights_after = weight_bytes(g);
    *gp = g;
    return rep;
}

/* ---- report output ----------------------------------------------------------------------- */

void ec_qreport_print(const struct ec_qreport *r)
{
    int k;
    printf("\nint8 quantization: %d calibration set%s, ranges by %s\n", r->nsets,
           r->nsets == 1 ? "" : "s", r->method);
    printf("weights: %lld bytes float, %lld bytes quantized (%.3fx; int8 weights, int32 biases, "
           "requantization multipliers)\n", (long long)r->weights_before, (long long)r->weights_after,
           r->weights_before ? (double)r->weights_after / (double)r->weights_before : 0.0);
    printf("outputs (quantized vs float, both run by edgec on the calibration sets):\n");
    printf("  %-24s %12s %12s %10s  %s\n", "output", "max abs err", "mean abs err", "cosine", "top-1 agreement");
    for (k = 0; k < r->outputs.n; k++) {
        const ec_qoutput *o = &r->outputs.a[k];
        printf("  %-24s %12.6g %12.6g %10.6f  ", o->name, o->max_abs, o->mean_abs, o->cosine);
        if (o->top1_rows) printf("%d/%d (%.2f%%)\n", o->top1_agree, o->top1_rows,
                                 100.0 * o->top1_agree / o->top1_rows);
        else printf("-\n");
    }
    printf("layers (own error: max abs error / max |float| with float inputs; the others accumulated):\n");
    printf("  %-24s %-22s %-5s %10s %12s %12s %10s\n", "node", "op", "type", "own error", "max abs err",
           "mean abs err", "cosine");
    for (k = 0; k < r->layers.n; k++) {
        const ec_qlayer *L = &r->layers.a[k];
        if (L->int8)
            printf("  %-24s %-22s %-5s %10.4g %12.6g %12.6g %10.6f\n", L->node, L->op, "int8",
                   L->rel_err, L->max_abs, L->mean_abs, L->cosine);
        else
            printf("  %-24s %-22s %-5s %s\n", L->node, L->op, "float", L->why ? L->why : "");
    }
}

static void jstr(ec_buf *b, const char *s)
{
    ec_buf_put(b, "\"", 1);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') ec_buf_printf(b, "\\%c", *s);
        else if ((unsigned char)*s < 0x20) ec_buf_printf(b, "\\u%04x", *s);
        else ec_buf_put(b, s, 1);
    }
    ec_buf_put(b, "\"", 1);
}

void ec_qreport_json(ec_buf *b, const struct ec_qreport *r)
{
    int k;
    ec_buf_printf(b, "{\"calibration_sets\": %d, \"method\": ", r->nsets);
    jstr(b, r->method);
    ec_buf_printf(b, ", \"weight_bytes_float\": %lld, \"weight_bytes_quantized\": %lld, \"outputs\": [",
                  (long long)r->weights_before, (long long)r->weights_after);
    for (k = 0; k < r->outputs.n; k++) {
        const ec_qoutput *o = &r->outputs.a[k];
        ec_buf_printf(b, "%s{\"name\": ", k ? ", " : "");
        jstr(b, o->name);
        ec_buf_printf(b, ", \"max_abs_error\": %.9g, \"mean_abs_error\": %.9g, \"cosine\": %.9g",
                      o->max_abs, o->mean_abs, o->cosine);
        if (o->top1_rows)
            ec_buf_printf(b, ", \"top1_rows\": %d, \"top1_agree\": %d, \"top1_agreement\": %.9g",
                          o->top1_rows, o->top1_agree, (double)o->top1_agree / o->top1_rows);
        ec_buf_printf(b, "}");
    }
    ec_buf_printf(b, "], \"layers\": [");
    for (k = 0; k < r->layers.n; k++) {
        const ec_qlayer *L = &r->layers.a[k];
        ec_buf_printf(b, "%s{\"node\": ", k ? ", " : "");
        jstr(b, L->node);
        ec_buf_printf(b, ", \"op\": ");
        jstr(b, L->op);
        ec_buf_printf(b, ", \"type\": \"%s\"", L->int8 ? "int8" : "float");
        if (L->int8)
            ec_buf_printf(b, ", \"own_error\": %.9g, \"max_abs_error\": %.9g, \"mean_abs_error\": %.9g, "
                          "\"cosine\": %.9g", L->rel_err, L->max_abs, L->mean_abs, L->cosine);
        else {
            ec_buf_printf(b, ", \"why\": ");
            jstr(b, L->why ? L->why : "");
        }
        ec_buf_printf(b, "}");
    }
    ec_buf_printf(b, "]}");
}
