/* symdim.c - symbolic dims kept as run-time arguments (--dim NAME=MIN..MAX).
 *
 * Shape inference and every op's lowering work on static shapes. Rather than
 * give them symbolic shapes, the whole front of the pipeline (read, infer,
 * lower) is run at several values of the run-time dims, and the results are
 * compared:
 *
 *   - the program at the maximum of every range is the one that is planned
 *     and emitted (the arena fits the largest tensors);
 *   - every other sample must have the same steps, kernels, argument kinds,
 *     value ids, float arguments and constants read by code;
 *   - every integer argument (and every value's dims and element count) that
 *     differs between samples is fitted to a polynomial of degree <= 2 in
 *     each dim, with integer coefficients, from the values at MAX, MAX-1 and
 *     MAX-2 of each dim, and checked at further values (the minimum, the
 *     middle of the range, MAX-3, or every value of a small range).
 *
 * An op whose arguments are not such polynomials (a strided conv's output
 * size, a table that grows with the dim) fails, naming the node.
 *
 * Sample points are tuples over the run-time dims. The fit grid holds, per
 * dim j, f_j = min(3, range size) values max_j - t (t < f_j), indexed by
 * base-3 digits; grid point i is sample gi[i]. Samples after the grid are
 * checks only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "edgec.h"

#define MAX_RTDIMS 4
#define SMALL_RANGE 40          /* ranges (product of sizes) this small are checked at every point */

typedef struct fitctx {
    ec_program *p;
    int n;                      /* run-time dims */
    int ncoef;                  /* 3^n */
    int f[MAX_RTDIMS];          /* fit values per dim (1..3) */
    int ns;                     /* samples */
    int64_t *pt;                /* [k * n + j]: value of dim j in sample k */
    int *gi;                    /* [i]: sample of grid index i, -1 when a digit is past f_j */
    ec_program *sp;             /* [k]: sample programs (sp[0] is *p) */
    const char **where;         /* [k]: "past=63" */
} fitctx;

typedef EC_VEC(int64_t) i64vec;

static char *describe_point(const fitctx *c, const int64_t *v)
{
    ec_buf b = { 0 };
    int j;
    for (j = 0; j < c->n; j++)
        ec_buf_printf(&b, "%s%s=%lld", j ? ", " : "", c->p->rtdims.a[j].name, (long long)v[j]);
    return b.s;
}

static bool have_point(const fitctx *c, i64vec *pts, const int64_t *v)
{
    int k, j;
    for (k = 0; k < pts->n / c->n; k++) {
        for (j = 0; j < c->n && pts->a[k * c->n + j] == v[j]; j++) {}
        if (j == c->n) return true;
    }
    return false;
}

static void add_point(const fitctx *c, i64vec *pts, const int64_t *v)
{
    int j;
    if (have_point(c, pts, v)) return;
    for (j = 0; j < c->n; j++) EC_PUSH(*pts, v[j]);
}

/* The sample points: the fit grid first (sample 0 = every max), then checks. */
static void choose_points(fitctx *c)
{
    i64vec pts = { 0 };
    const ec_rtdim *d = c->p->rtdims.a;
    int64_t v[MAX_RTDIMS], total = 1;
    int i, j, t;
    c->gi = ec_alloc(sizeof(int) * (size_t)c->ncoef);
    for (j = 0; j < c->n; j++) {
        int64_t size = d[j].max - d[j].min + 1;
        c->f[j] = size < 3 ? (int)size : 3;
        total = total > SMALL_RANGE ? total : total * size;
    }
    for (i = 0; i < c->ncoef; i++) {
        int r = i;
        bool ok = true;
        for (j = 0; j < c->n; j++, r /= 3) {
            if (r % 3 >= c->f[j]) ok = false;
            v[j] = d[j].max - r % 3;
        }
        c->gi[i] = -1;
        if (!ok) continue;
        c->gi[i] = pts.n / c->n;
        add_point(c, &pts, v);
    }
    if (total <= SMALL_RANGE) {
        /* every point of the ranges */
        for (j = 0; j < c->n; j++) v[j] = d[j].min;
        for (;;) {
            add_point(c, &pts, v);
            for (j = 0; j < c->n; j++) {
                if (++v[j] <= d[j].max) break;
                v[j] = d[j].min;
            }
            if (j == c->n) break;
        }
    } else {
        /* per dim: min, middle, max-3; all dims together and each alone */
        for (t = 0; t < 3; t++) {
            for (i = -1; i < c->n; i++) {
                for (j = 0; j < c->n; j++) {
                    int64_t x = t == 0 ? d[j].min : t == 1 ? d[j].min + (d[j].max - d[j].min) / 2 : d[j].max - 3;
                    if (x < d[j].min) x = d[j].min;
                    v[j] = (i < 0 || i == j) ? x : d[j].max;
                }
                add_point(c, &pts, v);
            }
        }
    }
    c->pt = pts.a;
    c->ns = pts.n / c->n;
}

/* ---- polynomials ------------------------------------------------------- */

static bool mul_ok(int64_t a, int64_t b, int64_t *r) { return !__builtin_mul_overflow(a, b, r); }
static bool add_ok(int64_t a, int64_t b, int64_t *r) { return !__builtin_add_overflow(a, b, r); }
static bool sub_ok(int64_t a, int64_t b, int64_t *r) { return !__builtin_sub_overflow(a, b, r); }

/* The value of coef at sample point v; false on overflow. */
static bool poly_eval(int n, int ncoef, const int64_t *coef, const int64_t *v, int64_t *out)
{
    int64_t sum = 0;
    int i, j;
    for (i = 0; i < ncoef; i++) {
        int64_t term = coef[i];
        int r = i;
        if (!term) continue;
        for (j = 0; j < n; j++, r /= 3) {
            int e;
            for (e = 0; e < r % 3; e++)
                if (!mul_ok(term, v[j], &term)) return false;
        }
        if (!add_ok(sum, term, &sum)) return false;
    }
    *out = sum;
    return true;
}

/* Fit vals (one per sample) on the grid and check every sample. Returns the
 * coefficients, or NULL when they are not an integer polynomial. */
static int64_t *fit(const fitctx *c, const int64_t *vals)
{
    int64_t *a = ec_alloc(sizeof(int64_t) * (size_t)c->ncoef);
    int i, j, k, stride = 1;
    for (i = 0; i < c->ncoef; i++) a[i] = c->gi[i] >= 0 ? vals[c->gi[i]] : 0;
    /* one dim at a time: along dim j, the three values at max, max-1, max-2
     * become the coefficients of x^0, x^1, x^2 */
    for (j = 0; j < c->n; j++, stride *= 3) {
        int64_t m = c->p->rtdims.a[j].max;
        for (i = 0; i < c->ncoef; i++) {
            int64_t v0, v1, v2, a0, a1 = 0, a2 = 0, t, u;
            if ((i / stride) % 3 != 0) continue;
            v0 = a[i];
            v1 = a[i + stride];
            v2 = a[i + 2 * stride];
            if (c->f[j] == 1) {
                a0 = v0;
            } else if (c->f[j] == 2) {
                if (!sub_ok(v0, v1, &a1) || !mul_ok(a1, m, &t) || !sub_ok(v0, t, &a0)) goto bad;
            } else {
                /* second difference v0 - 2 v1 + v2 = 2 a2 */
                if (!mul_ok(v1, 2, &t) || !sub_ok(v0, t, &t) || !add_ok(t, v2, &t) || t % 2 != 0) goto bad;
                a2 = t / 2;
                /* v0 - v1 = a2 (2m - 1) + a1 */
                if (!sub_ok(v0, v1, &t) || !mul_ok(a2, 2 * m - 1, &u) || !sub_ok(t, u, &a1)) goto bad;
                /* v0 = a2 m^2 + a1 m + a0 */
                if (!mul_ok(a2, m, &t) || !add_ok(t, a1, &t) || !mul_ok(t, m, &t) || !sub_ok(v0, t, &a0))
                    goto bad;
            }
            a[i] = a0;
            a[i + stride] = a1;
            a[i + 2 * stride] = a2;
        }
    }
    for (k = 0; k < c->ns; k++) {
        int64_t v;
        if (!poly_eval(c->n, c->ncoef, a, &c->pt[k * c->n], &v) || v != vals[k]) goto bad;
    }
    return a;
bad:
    ec_free(a);
    return NULL;
}

static bool all_same(const fitctx *c, const int64_t *vals)
{
    int k;
    for (k = 1; k < c->ns; k++)
        if (vals[k] != vals[0]) return false;
    return true;
}

/* "past=64: 31, past=63: 31, ..." (the first few samples) */
static char *describe_vals(const fitctx *c, const int64_t *vals)
{
    ec_buf b = { 0 };
    int k;
    for (k = 0; k < c->ns && k < 6; k++)
        ec_buf_printf(&b, "%s%s: %lld", k ? ", " : "", c->where[k], (long long)vals[k]);
    if (c->ns > 6) ec_buf_printf(&b, ", ...");
    return b.s;
}

/* "fix the dim with --dim past=VALUE" */
static const char *fix_hint(const fitctx *c)
{
    if (c->n == 1) return ec_fmt("fix the dim with --dim %s=VALUE", c->p->rtdims.a[0].name);
    return "fix the dims with --dim NAME=VALUE";
}

static const char *dims_list(const fitctx *c)
{
    ec_buf b = { 0 };
    int j;
    for (j = 0; j < c->n; j++)
        ec_buf_printf(&b, "%s%s", j ? (j + 1 == c->n ? " and " : ", ") : "", c->p->rtdims.a[j].name);
    return b.s;
}

/* Fit, or NULL when constant; fails naming the node when neither. */
static int64_t *fit_or_fail(const fitctx *c, const int64_t *vals, int node, const char *what)
{
    int64_t *a;
    if (all_same(c, vals)) return NULL;
    a = fit(c, vals);
    if (!a)
        ec_fail_node(c->p->g, node,
                     "%s is not a polynomial in %s (%s): the op cannot take it as a run-time value; "
                     "%s", what, dims_list(c), describe_vals(c, vals), fix_hint(c));
    return a;
}

/* ---- structure ------------------------------------------------------------ */

static const ec_value *val(const ec_program *q, int v) { return &q->g->values.a[v]; }

static int64_t bytes_of(const ec_value *x)
{
    int64_t n = 1;
    int d;
    for (d = 0; d < x->shape.rank; d++) n *= x->shape.dim[d];
    return n * (int64_t)ec_dtype_size(x->dtype);
}

/* The constant whose data a tensor argument reads (itself), or -1. */
static bool is_const(const ec_program *q, int v) { return v >= 0 && !val(q, v)->is_input && val(q, v)->data; }

static void compare(const fitctx *c, int k)
{
    const ec_program *p = c->p, *q = &c->sp[k];
    const char *at = c->where[k], *at0 = c->where[0], *hint = fix_hint(c);
    int s, ci, a, v;
    if (q->g->values.n != p->g->values.n || q->g->nodes.n != p->g->nodes.n)
        ec_fail("with %s the graph has %d nodes and %d values, with %s %d and %d: inference or folding "
                "depends on the dim; %s", at, q->g->nodes.n, q->g->values.n, at0,
                p->g->nodes.n, p->g->values.n, hint);
    for (s = 0; s < p->steps.n || s < q->steps.n; s++) {
        const ec_step *x, *y;
        if (s >= p->steps.n || s >= q->steps.n || p->steps.a[s].node != q->steps.a[s].node) {
            int node = s < p->steps.n ? p->steps.a[s].node : q->steps.a[s].node;
            ec_fail_node(p->g, node, "is folded or scheduled differently with %s than with %s; "
                         "%s", at, at0, hint);
        }
        x = &p->steps.a[s];
        y = &q->steps.a[s];
        if (x->L.alias != y->L.alias || x->L.calls.n != y->L.calls.n)
            ec_fail_node(p->g, x->node, "lowers to %d kernel calls with %s and %d with %s; "
                         "%s", y->L.calls.n, at, x->L.calls.n, at0, hint);
        for (ci = 0; ci < x->L.calls.n; ci++) {
            const ec_call *cx = &x->L.calls.a[ci], *cy = &y->L.calls.a[ci];
            if (strcmp(cx->kernel, cy->kernel) || cx->args.n != cy->args.n)
                ec_fail_node(p->g, x->node, "lowers to %s with %s and to %s with %s; "
                             "%s", cy->kernel, at, cx->kernel, at0, hint);
            for (a = 0; a < cx->args.n; a++) {
                const ec_arg *ax = &cx->args.a[a], *ay = &cy->args.a[a];
                const char *nm = ax->name ? ax->name : "?";
                bool same = ax->kind == ay->kind;
                if (same && (ax->kind == EC_ARG_IN || ax->kind == EC_ARG_OUT)) same = ax->value == ay->value;
                if (same && ax->kind == EC_ARG_FLOAT) same = !memcmp(&ax->f, &ay->f, sizeof ax->f);
                if (same && (ax->kind == EC_ARG_INTS || ax->kind == EC_ARG_FLOATS)) same = ax->n == ay->n;
                if (same && ax->kind == EC_ARG_FLOATS)
                    same = !memcmp(ax->floats, ay->floats, sizeof(float) * (size_t)ax->n);
                if (!same)
                    ec_fail_node(p->g, x->node, "argument '%s' of %s %s with the dim (%s and %s): "
                                 "%s", nm, cx->kernel,
                                 ax->kind == EC_ARG_INTS ? "changes length" : "changes", at0, at, hint);
                if (ax->kind == EC_ARG_SCRATCH && ay->bytes > ax->bytes)
                    ec_fail_node(p->g, x->node, "scratch of %s is larger with %s than with %s; the arena "
                                 "is planned at the maximum", cx->kernel, at, at0);
                if (ax->kind == EC_ARG_IN && is_const(p, ax->value)) {
                    const ec_value *vx = val(p, ax->value), *vy = val(q, ax->value);
                    if (!is_const(q, ax->value) || vx->nbytes != vy->nbytes ||
                        memcmp(vx->data, vy->data, vx->nbytes) != 0)
                        ec_fail_node(p->g, x->node, "reads the constant '%s', whose value depends on %s "
                                     "(folded from a shape?): %s", vx->name, dims_list(c), hint);
                }
            }
        }
    }
    for (v = 0; v < p->g->values.n; v++) {
        const ec_value *vx = val(p, v), *vy = val(q, v);
        if (vx->dtype != vy->dtype || vx->shape.rank != vy->shape.rank || !vx->data != !vy->data ||
            vx->is_input != vy->is_input || vx->is_output != vy->is_output)
            ec_fail("value '%s' has a different type or rank with %s than with %s; "
                    "%s", vx->name, at, at0, hint);
        if (!vx->data && vx->shape.rank >= 0 && bytes_of(vy) > bytes_of(vx))
            ec_fail("value '%s' is larger with %s than with %s; the arena is planned at the maximum, "
                    "so sizes must not grow for smaller dims", vx->name, at, at0);
    }
}

/* Values that generated code sees: step node inputs and outputs, graph I/O. */
static bool *values_seen(const ec_program *p)
{
    bool *seen = ec_alloc(sizeof(bool) * (size_t)(p->g->values.n + 1));
    int s, k;
    for (s = 0; s < p->steps.n; s++) {
        const ec_node *n = &p->g->nodes.a[p->steps.a[s].node];
        for (k = 0; k < n->nin; k++)
            if (n->in[k] >= 0) seen[n->in[k]] = true;
        for (k = 0; k < n->nout; k++)
            if (n->out[k] >= 0) seen[n->out[k]] = true;
    }
    for (k = 0; k < p->g->inputs.n; k++) seen[p->g->inputs.a[k]] = true;
    for (k = 0; k < p->g->outputs.n; k++) seen[p->g->outputs.a[k]] = true;
    return seen;
}

/* The node that produces v, or the first step that reads it (for messages). */
static int node_of(const ec_program *p, int v)
{
    int s, k;
    if (p->g->values.a[v].producer >= 0) return p->g->values.a[v].producer;
    for (s = 0; s < p->steps.n; s++) {
        const ec_node *n = &p->g->nodes.a[p->steps.a[s].node];
        for (k = 0; k < n->nin; k++)
            if (n->in[k] == v) return p->steps.a[s].node;
    }
    return p->steps.n ? p->steps.a[0].node : 0;
}

void ec_symdim_fit(ec_program *p, ec_sample_fn build, void *ctx)
{
    fitctx c;
    const char **names;
    int64_t *vals;
    bool *seen;
    int j, k, s, ci, a, i, v, d, nv = p->g->values.n;

    memset(&c, 0, sizeof c);
    c.p = p;
    c.n = p->rtdims.n;
    if (c.n == 0) return;
    if (c.n > MAX_RTDIMS) ec_fail("at most %d dims can be run-time ranges, %d are given", MAX_RTDIMS, c.n);
    for (c.ncoef = 1, j = 0; j < c.n; j++) c.ncoef *= 3;
    choose_points(&c);
    names = ec_alloc(sizeof(char *) * (size_t)c.n);
    for (j = 0; j < c.n; j++) names[j] = p->rtdims.a[j].name;
    c.sp = ec_alloc(sizeof(ec_program) * (size_t)c.ns);
    c.where = ec_alloc(sizeof(char *) * (size_t)c.ns);
    c.sp[0] = *p;
    for (k = 0; k < c.ns; k++) c.where[k] = describe_point(&c, &c.pt[k * c.n]);
    /* first round: which value dims vary (the lowerings may still differ) */
    {
        const char *file = ec_diag_file();
        bool *rt = ec_alloc(sizeof(bool) * (size_t)(nv + 1) * EC_MAX_RANK);
        for (k = 1; k < c.ns; k++) {
            build(ctx, names, &c.pt[k * c.n], c.n, c.where[k], NULL, &c.sp[k]);
            ec_diag_set_file(file);
            if (c.sp[k].g->values.n != nv)
                ec_fail("with %s the graph has %d values, with %s %d: inference or folding depends on the "
                        "dim; %s", c.where[k], c.sp[k].g->values.n, c.where[0], nv, fix_hint(&c));
            for (v = 0; v < nv; v++) {
                const ec_value *x = &p->g->values.a[v], *y = &c.sp[k].g->values.a[v];
                for (d = 0; d < x->shape.rank && d < y->shape.rank && d < EC_MAX_RANK; d++)
                    if (x->shape.dim[d] != y->shape.dim[d]) rt[v * EC_MAX_RANK + d] = true;
            }
        }
        /* second round, every sample with rt_dim known */
        for (k = 0; k < c.ns; k++) {
            build(ctx, names, &c.pt[k * c.n], c.n, k ? c.where[k] : NULL, rt, &c.sp[k]);
            ec_diag_set_file(file);
        }
        c.sp[0].rtdims = p->rtdims;
        *p = c.sp[0];
        for (k = 1; k < c.ns; k++) compare(&c, k);
    }

    p->ncoef = c.ncoef;
    p->nsamples = c.ns;
    vals = ec_alloc(sizeof(int64_t) * (size_t)c.ns);
    /* kernel arguments */
    for (s = 0; s < p->steps.n; s++) {
        ec_step *st = &p->steps.a[s];
        for (ci = 0; ci < st->L.calls.n; ci++) {
            ec_call *call = &st->L.calls.a[ci];
            for (a = 0; a < call->args.n; a++) {
                ec_arg *x = &call->args.a[a];
                const char *nm = x->name ? x->name : "?";
                if (x->kind == EC_ARG_INT) {
                    for (k = 0; k < c.ns; k++) vals[k] = c.sp[k].steps.a[s].L.calls.a[ci].args.a[a].i;
                    x->poly = fit_or_fail(&c, vals, st->node, ec_fmt("argument '%s' of %s", nm, call->kernel));
                } else if (x->kind == EC_ARG_INTS) {
                    for (i = 0; i < x->n; i++) {
                        int64_t *poly;
                        for (k = 0; k < c.ns; k++) vals[k] = c.sp[k].steps.a[s].L.calls.a[ci].args.a[a].ints[i];
                        poly = fit_or_fail(&c, vals, st->node,
                                           ec_fmt("argument '%s[%d]' of %s", nm, i, call->kernel));
                        if (!poly) continue;
                        if (!x->polys) x->polys = ec_alloc(sizeof(int64_t *) * (size_t)x->n);
                        x->polys[i] = poly;
                    }
                }
            }
        }
    }
    /* value dims, element counts and byte sizes */
    seen = values_seen(p);
    p->dim_poly = ec_alloc(sizeof(int64_t *) * (size_t)(nv + 1) * EC_MAX_RANK);
    p->numel_poly = ec_alloc(sizeof(int64_t *) * (size_t)(nv + 1));
    p->sample_bytes = ec_alloc(sizeof(int64_t) * (size_t)(nv + 1) * (size_t)c.ns);
    for (v = 0; v < nv; v++) {
        const ec_value *x = &p->g->values.a[v];
        if (x->shape.rank < 0) continue;
        for (k = 0; k < c.ns; k++) p->sample_bytes[v * c.ns + k] = bytes_of(&c.sp[k].g->values.a[v]);
        if (!seen[v]) continue;
        for (d = 0; d < x->shape.rank; d++) {
            for (k = 0; k < c.ns; k++) vals[k] = c.sp[k].g->values.a[v].shape.dim[d];
            p->dim_poly[v * EC_MAX_RANK + d] =
                fit_or_fail(&c, vals, node_of(p, v), ec_fmt("dim %d of '%s'", d, x->name));
        }
        for (k = 0; k < c.ns; k++) vals[k] = bytes_of(&c.sp[k].g->values.a[v]) / (int64_t)ec_dtype_size(x->dtype);
        p->numel_poly[v] = fit_or_fail(&c, vals, node_of(p, v), ec_fmt("the element count of '%s'", x->name));
    }
    ec_free(seen);
    ec_free(vals);
}

bool ec_symdim_same_bytes(const ec_program *p, int a, int b)
{
    int k;
    for (k = 0; k < p->nsamples; k++)
        if (p->sample_bytes[a * p->nsamples + k] != p->sample_bytes[b * p->nsamples + k]) return false;
    return true;
}

char *ec_poly_str(const ec_program *p, const int64_t *coef, const char *const *names, bool compact)
{
    ec_buf b = { 0 };
    int i, j, n = p->rtdims.n;
    bool first = true;
    for (i = p->ncoef - 1; i >= 0; i--) {
        int64_t cf = coef[i];
        int r = i, e;
        bool any = false;
        uint64_t mag;
        if (!cf) continue;
        mag = cf < 0 ? (uint64_t)0 - (uint64_t)cf : (uint64_t)cf;
        if (first) {
            if (cf < 0) ec_buf_put(&b, "-", 1);
        } else {
            ec_buf_printf(&b, compact ? "%c" : " %c ", cf < 0 ? '-' : '+');
        }
        first = false;
        if (mag != 1 || i == 0) {
            ec_buf_printf(&b, "%llu", (unsigned long long)mag);
            any = true;
        }
        for (j = 0; j < n; j++, r /= 3)
            for (e = 0; e < r % 3; e++) {
                if (any) ec_buf_printf(&b, compact ? "*" : " * ");
                ec_buf_printf(&b, "%s", names[j]);
                any = true;
            }
    }
    if (first) ec_buf_put(&b, "0", 1);
    return b.s;
}
