/* plan.c - the memory planner: one arena for every intermediate tensor.
 *
 * Over the scheduled steps (p->steps), every value that is neither a graph
 * input, a graph output nor a constant gets storage in the arena. Storage is
 * decided in four passes:
 *
 *   1. views: a step whose lowering is a pure view (L.alias: Reshape, Squeeze,
 *      Flatten, Identity, ...) makes its output share its input's storage, and
 *      its copy call is skipped, unless the output is a graph output (the caller
 *      owns that buffer, so the copy stays);
 *   2. live ranges: a storage group (a root value and the views of it) lives from
 *      the step that writes the root to the last step that reads any member;
 *   3. in-place: an EC_OPF_INPLACE op writes output 0 over input 0 when input 0's
 *      group ends at this step, both are arena values of the same byte size;
 *   4. placement, greedy as in TFLM: buffers (groups, per-step scratch, and the
 *      character pools of string tensors, live as long as their tensor or to
 *      the end for a graph output) sorted
 *      by size, largest first (ties by id), each at the lowest 64-byte aligned
 *      offset that overlaps no placed buffer with an overlapping live range.
 *
 * Views of caller inputs and constants are read-only: only arena storage is
 * ever written, and in-place never applies to them.
 *
 * Control flow: a step index is a point in time. An If's then-branch steps
 * come before its else-branch steps, so buffers live only in one branch never
 * overlap those of the other and may share space (only one branch runs). A
 * loop body's steps are one iteration: a buffer live both inside a loop and
 * outside it (read by the body, carried, a scan output) lives over the whole
 * loop, and views of carried values are real copies (the copies at the end
 * of an iteration must not read what they overwrite).
 *
 * ec_plan_check recomputes live ranges from the plan alone and checks it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "edgec.h"

#define PLAN_ALIGN 64

static int64_t align_up(int64_t x)
{
    return (x + PLAN_ALIGN - 1) / PLAN_ALIGN * PLAN_ALIGN;
}

static bool in_arena(const ec_value *v)
{
    return !v->is_input && !v->is_output && v->data == NULL;
}

/* Byte size of a value; its shape must be static by now. */
static int64_t value_bytes(const ec_graph *g, int v)
{
    const ec_value *x = &g->values.a[v];
    size_t es = ec_elem_bytes(x->dtype);
    if (es == 0)
        ec_fail("value '%s': type '%s' has no storage size", x->name, ec_dtype_name(x->dtype));
    if (!ec_shape_is_static(&x->shape))
        ec_fail("value '%s': shape is not static at memory planning", x->name);
    return (int64_t)ec_mul_size((size_t)ec_shape_numel(&x->shape), es);
}

/* Same byte size now, and at every sample when dims are run-time values. */
static bool same_bytes(const ec_program *p, int a, int b)
{
    if (value_bytes(p->g, a) != value_bytes(p->g, b)) return false;
    return p->nsamples == 0 || ec_symdim_same_bytes(p, a, b);
}

static int find_root(const ec_graph *g, int v)
{
    int guard = g->values.n + 1;
    while (g->values.a[v].alias >= 0 && g->values.a[v].alias != v) {
        v = g->values.a[v].alias;
        if (--guard < 0) ec_fail("memory plan: alias cycle at value '%s'", g->values.a[v].name);
    }
    return v;
}

/* Node output 0 / input 0, or -1. */
static int node_out0(const ec_graph *g, int node)
{
    const ec_node *n = &g->nodes.a[node];
    return n->nout > 0 ? n->out[0] : -1;
}

static int node_in0(const ec_graph *g, int node)
{
    const ec_node *n = &g->nodes.a[node];
    return n->nin > 0 ? n->in[0] : -1;
}

/* A buffer to place: a storage group (id = root value) or a scratch argument
 * (id = values.n + k). */
typedef struct pbuf {
    int64_t size;
    int first, last;
    int id;
    ec_arg *scratch;        /* scratch argument, or NULL for a group */
    int64_t off;
} pbuf;

static int cmp_size_desc(const void *a, const void *b)
{
    const pbuf *x = *(pbuf *const *)a, *y = *(pbuf *const *)b;
    if (x->size != y->size) return x->size > y->size ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static int cmp_off(const void *a, const void *b)
{
    const pbuf *x = *(pbuf *const *)a, *y = *(pbuf *const *)b;
    if (x->off != y->off) return x->off < y->off ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* A buffer accessed inside loop [LOOP step, its END] and outside it lives
 * over the whole loop. Inner loops first (they come later in the steps). */
static void extend_loops(const ec_program *p, int *first, int *last, int n)
{
    int s, v;
    for (s = p->steps.n - 1; s >= 0; s--) {
        const ec_step *st = &p->steps.a[s];
        int ls = s, le = st->end;
        if (st->kind != EC_STEP_LOOP) continue;
        for (v = 0; v < n; v++) {
            if (last[v] < 0) continue;
            if (last[v] < ls + 1 || first[v] > le) continue;        /* not inside */
            if (first[v] >= ls + 1 && last[v] <= le) continue;     /* only inside */
            if (first[v] >= 0 && first[v] > ls) first[v] = ls;
            if (last[v] < le) last[v] = le;
        }
    }
}

/* The step at which step s's tested condition is read (a loop reads it in
 * every iteration), or -1. */
static int cond_read_at(const ec_program *p, int s)
{
    const ec_step *st = &p->steps.a[s];
    if (st->cond < 0) return -1;
    return st->kind == EC_STEP_LOOP ? st->end : s;
}

/* The last step that may read the characters of string value v, written at
 * step s: the end for a graph output, else the end of v's storage group. */
static int pool_last(const ec_program *p, const int *last, int v, int s)
{
    const ec_graph *g = p->g;
    int r = find_root(g, v), l = s, u;
    if (g->values.a[v].is_output || g->values.a[r].is_output) return p->steps.n > 0 ? p->steps.n - 1 : s;
    if (last[r] > l) l = last[r];
    for (u = 0; u < g->values.n; u++)     /* views of it read its characters too */
        if (find_root(g, u) == r && last[u] > l) l = last[u];
    return l;
}

/* Is step s a view whose copy the planner dropped? (shared with codegen:
 * L.alias and output 0 was given the input's storage) */
static bool step_is_view(const ec_program *p, int s)
{
    const ec_step *st = &p->steps.a[s];
    int o = node_out0(p->g, st->node);
    return st->kind == EC_STEP_NODE && st->L.alias && o >= 0 && p->g->values.a[o].alias >= 0;
}

void ec_plan_memory(ec_program *p)
{
    ec_graph *g = p->g;
    int nv = g->values.n;
    int *first = ec_alloc(sizeof(int) * (size_t)(nv > 0 ? nv : 1));
    int *last = ec_alloc(sizeof(int) * (size_t)(nv > 0 ? nv : 1));
    EC_VEC(pbuf) bufs = {0};
    pbuf **order;
    int64_t arena = 0, lower = 0;
    int s, v, i, nscratch = 0;
    bool *carried;

    for (v = 0; v < nv; v++) {
        g->values.a[v].alias = -1;
        g->values.a[v].offset = -1;
        first[v] = last[v] = -1;
    }

    /* values a loop carries (written at the end of an iteration) */
    carried = ec_alloc(sizeof(bool) * (size_t)(nv > 0 ? nv : 1));
    for (s = 0; s < p->steps.n; s++) {
        const ec_step *st = &p->steps.a[s];
        int c, k;
        if (st->kind != EC_STEP_END || p->steps.a[st->open].kind != EC_STEP_LOOP) continue;
        for (c = 0; c < st->L.calls.n; c++)
            for (k = 0; k < st->L.calls.a[c].args.n; k++)
                if (st->L.calls.a[c].args.a[k].kind == EC_ARG_OUT && st->L.calls.a[c].args.a[k].value >= 0)
                    carried[st->L.calls.a[c].args.a[k].value] = true;
    }

    /* 1. views */
    for (s = 0; s < p->steps.n; s++) {
        ec_step *st = &p->steps.a[s];
        int o = node_out0(g, st->node), in = node_in0(g, st->node), r;
        if (st->kind != EC_STEP_NODE || !st->L.alias || o < 0 || in < 0 || o == in) continue;
        if (!in_arena(&g->values.a[o])) continue;       /* graph output: keep the copy */
        r = find_root(g, in);
        if (carried[r] || carried[o]) continue;
        if (!same_bytes(p, o, r)) continue;
        g->values.a[o].alias = in;
    }

    /* 2. live ranges of storage groups (roots after views) */
    for (s = 0; s < p->steps.n; s++) {
        ec_step *st = &p->steps.a[s];
        int c, k;
        if (step_is_view(p, s)) {
            int r = find_root(g, node_in0(g, st->node));
            if (last[r] < s) last[r] = s;
            continue;
        }
        for (c = 0; c < st->L.calls.n; c++) {
            ec_call *call = &st->L.calls.a[c];
            for (k = 0; k < call->args.n; k++) {
                ec_arg *a = &call->args.a[k];
                int r;
                if ((a->kind != EC_ARG_IN && a->kind != EC_ARG_OUT) || a->value < 0) continue;
                if (a->value >= nv) ec_fail("memory plan: kernel %s: bad value id %d", call->kernel, a->value);
                r = find_root(g, a->value);
                if (a->kind == EC_ARG_OUT) {
                    if (!in_arena(&g->values.a[r]) && !g->values.a[r].is_output)
                        ec_fail_node(g, st->node, "kernel %s writes '%s', which is a graph input or a constant",
                                     call->kernel, g->values.a[a->value].name);
                    if (first[r] < 0) first[r] = s;
                }
                if (last[r] < s) last[r] = s;
            }
        }
        if (cond_read_at(p, s) >= 0) {
            int r = find_root(g, st->cond), at = cond_read_at(p, s);
            if (last[r] < at) last[r] = at;
        }
    }
    extend_loops(p, first, last, nv);
    for (v = 0; v < nv; v++) {
        if (last[v] >= 0 && first[v] < 0 && in_arena(&g->values.a[v]) && find_root(g, v) == v)
            ec_fail("memory plan: value '%s' is read but no step writes it", g->values.a[v].name);
    }

    /* 3. in-place */
    for (s = 0; s < p->steps.n; s++) {
        ec_step *st = &p->steps.a[s];
        const ec_node *n = &g->nodes.a[st->node];
        const ec_opdef *d = ec_op_find(n->op, n->domain);
        int o = node_out0(g, st->node), in = node_in0(g, st->node), ri, c, k;
        bool reads_in = false, ok = true;
        if (!d || !(d->flags & EC_OPF_INPLACE) || st->L.alias || st->L.calls.n != 1) continue;
        if (o < 0 || in < 0 || o == in) continue;
        ri = find_root(g, in);
        if (find_root(g, o) != o || ri == o) continue;
        if (!in_arena(&g->values.a[ri]) || !in_arena(&g->values.a[o])) continue;
        if (last[ri] != s || first[o] != s) continue;
        if (!same_bytes(p, o, ri)) continue;
        if (ec_dtype_size(g->values.a[o].dtype) != ec_dtype_size(g->values.a[in].dtype)) continue;
        if (g->values.a[o].dtype == EC_DT_STRING || g->values.a[in].dtype == EC_DT_STRING) continue;
        for (c = 0; c < st->L.calls.n; c++) {
            ec_call *call = &st->L.calls.a[c];
            for (k = 0; k < call->args.n; k++) {
                ec_arg *a = &call->args.a[k];
                if (a->value < 0) continue;
                if (a->kind == EC_ARG_IN) {
                    if (a->value == in) reads_in = true;
                    else if (find_root(g, a->value) == ri) ok = false; /* another view of it */
                } else if (a->kind == EC_ARG_OUT && a->value != o) {
                    ok = false;                                        /* more than one output */
                }
            }
        }
        if (!reads_in || !ok) continue;
        g->values.a[o].alias = ri;
        if (last[o] > last[ri]) last[ri] = last[o];
        first[o] = last[o] = -1;
    }

    /* 4. placement */
    for (v = 0; v < nv; v++) {
        pbuf b;
        if (find_root(g, v) != v || !in_arena(&g->values.a[v]) || first[v] < 0) continue;
        memset(&b, 0, sizeof b);
        b.size = align_up(value_bytes(g, v));
        b.first = first[v];
        b.last = last[v];
        b.id = v;
        EC_PUSH(bufs, b);
    }
    {
        /* a group's size is its largest member (views have the root's size anyway) */
        int *bi = ec_alloc(sizeof(int) * (size_t)(nv > 0 ? nv : 1));
        for (v = 0; v < nv; v++) bi[v] = -1;
        for (i = 0; i < bufs.n; i++) bi[bufs.a[i].id] = i;
        for (v = 0; v < nv; v++) {
            int r = find_root(g, v);
            if (r == v || bi[r] < 0) continue;
            if (align_up(value_bytes(g, v)) > bufs.a[bi[r]].size) bufs.a[bi[r]].size = align_up(value_bytes(g, v));
        }
        ec_free(bi);
    }
    for (s = 0; s < p->steps.n; s++) {
        ec_step *st = &p->steps.a[s];
        int c, k;
        if (step_is_view(p, s)) continue;
        for (c = 0; c < st->L.calls.n; c++) {
            ec_call *call = &st->L.calls.a[c];
            for (k = 0; k < call->args.n; k++) {
                ec_arg *a = &call->args.a[k];
                pbuf b;
                if (a->kind != EC_ARG_SCRATCH && a->kind != EC_ARG_POOL) continue;
                if (a->bytes < 0) ec_fail_node(g, st->node, "kernel %s: negative scratch size", call->kernel);
                memset(&b, 0, sizeof b);
                b.size = align_up(a->bytes);
                b.first = b.last = s;
                if (a->kind == EC_ARG_POOL) b.last = pool_last(p, last, a->value, s);
                b.id = nv + nscratch++;
                b.scratch = a;
                EC_PUSH(bufs, b);
            }
        }
    }

    order = ec_alloc(sizeof(pbuf *) * (size_t)(bufs.n > 0 ? bufs.n : 1));
    for (i = 0; i < bufs.n; i++) order[i] = &bufs.a[i];
    qsort(order, (size_t)bufs.n, sizeof *order, cmp_size_desc);
    {
        pbuf **placed = ec_alloc(sizeof(pbuf *) * (size_t)(bufs.n > 0 ? bufs.n : 1));
        pbuf **near = ec_alloc(sizeof(pbuf *) * (size_t)(bufs.n > 0 ? bufs.n : 1));
        int np = 0;
        for (i = 0; i < bufs.n; i++) {
            pbuf *b = order[i];
            int nn = 0, j;
            int64_t cand = 0;
            for (j = 0; j < np; j++)
                if (placed[j]->first <= b->last && b->first <= placed[j]->last && placed[j]->size > 0)
                    near[nn++] = placed[j];
            qsort(near, (size_t)nn, sizeof *near, cmp_off);
            if (b->size > 0) {
                for (j = 0; j < nn; j++) {
                    if (cand + b->size <= near[j]->off) break;
                    if (near[j]->off + near[j]->size > cand) cand = align_up(near[j]->off + near[j]->size);
                }
            }
            b->off = cand;
            placed[np++] = b;
            if (cand + b->size > arena) arena = cand + b->size;
        }
        ec_free(placed);
        ec_free(near);
    }
    ec_free(order);

    /* results */
    for (i = 0; i < bufs.n; i++) {
        if (bufs.a[i].scratch) bufs.a[i].scratch->offset = bufs.a[i].off;
        else g->values.a[bufs.a[i].id].offset = bufs.a[i].off;
    }
    for (v = 0; v < nv; v++) {
        int r = find_root(g, v);
        if (r == v) continue;
        g->values.a[v].offset = g->values.a[r].offset;
    }
    for (v = 0; v < nv; v++) {
        int r = find_root(g, v);
        if (r != v) g->values.a[v].alias = r;
    }
    for (s = 0; s < p->steps.n; s++) {
        int64_t sum = 0;
        for (i = 0; i < bufs.n; i++)
            if (bufs.a[i].first <= s && s <= bufs.a[i].last) sum += bufs.a[i].size;
        if (sum > lower) lower = sum;
    }
    p->arena_bytes = arena;
    p->lower_bound = lower;
    ec_free(carried);
    ec_free(bufs.a);
    ec_free(first);
    ec_free(last);
}

/* ---- checker ------------------------------------------------------------- */

typedef struct cbuf {
    int64_t off, size;
    int first, last;
    int group;              /* storage root, or -1 for scratch */
    const char *what;
} cbuf;

static bool fail_why(char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail_why(char *why, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (why && n) vsnprintf(why, n, fmt, ap);
    va_end(ap);
    return false;
}

bool ec_plan_check(const ec_program *p, char *why, size_t n)
{
    const ec_graph *g = p->g;
    int nv = g->values.n, s, v, i, j;
    int *first = ec_alloc(sizeof(int) * (size_t)(nv > 0 ? nv : 1));
    int *last = ec_alloc(sizeof(int) * (size_t)(nv > 0 ? nv : 1));
    int *gen = ec_alloc(sizeof(int) * (size_t)(nv > 0 ? nv : 1));
    EC_VEC(cbuf) cb = {0};
    bool ok = true;

    if (why && n) why[0] = '\0';
    for (v = 0; v < nv; v++) { first[v] = last[v] = -1; gen[v] = v; }

    /* per-value live ranges and the generation of each value: a value written
     * by a call starts a generation of its storage; a view joins its source's */
    for (s = 0; s < p->steps.n && ok; s++) {
        const ec_step *st = &p->steps.a[s];
        int c, k;
        if (step_is_view(p, s)) {
            int in = node_in0(g, st->node), o = node_out0(g, st->node);
            if (find_root(g, o) != find_root(g, in))
                ok = fail_why(why, n, "view '%s' does not share the storage of '%s'",
                              g->values.a[o].name, g->values.a[in].name);
            if (last[in] < s) last[in] = s;
            first[o] = last[o] = s;
            gen[o] = gen[in];
            continue;
        }
        for (c = 0; c < st->L.calls.n && ok; c++) {
            const ec_call *call = &st->L.calls.a[c];
            for (k = 0; k < call->args.n; k++) {
                const ec_arg *a = &call->args.a[k];
                if (a->kind == EC_ARG_SCRATCH || a->kind == EC_ARG_POOL) {
                    cbuf b = { a->offset, align_up(a->bytes), s, s, -1, call->kernel };
                    if (a->kind == EC_ARG_POOL) b.group = -2 - a->value;   /* its end: below */
                    if (a->offset < 0)
                        ok = fail_why(why, n, "scratch of %s has no offset", call->kernel);
                    EC_PUSH(cb, b);
                    continue;
                }
                if ((a->kind != EC_ARG_IN && a->kind != EC_ARG_OUT) || a->value < 0) continue;
                v = a->value;
                if (a->kind == EC_ARG_OUT) {
                    int r = find_root(g, v);
                    if (!in_arena(&g->values.a[r]) && !g->values.a[r].is_output) {
                        ok = fail_why(why, n, "'%s' is written but its storage '%s' is read-only",
                                      g->values.a[v].name, g->values.a[r].name);
                        break;
                    }
                    if (first[v] < 0) first[v] = s;
                }
                if (last[v] < s) last[v] = s;
            }
        }
        if (cond_read_at(p, s) >= 0 && last[st->cond] < cond_read_at(p, s)) last[st->cond] = cond_read_at(p, s);
    }
    extend_loops(p, first, last, nv);

    for (i = 0; i < cb.n; i++)
        if (cb.a[i].group <= -2) {
            cb.a[i].last = pool_last(p, last, -2 - cb.a[i].group, cb.a[i].first);
            cb.a[i].group = -1;
        }

    /* arena values: offsets, alignment, bounds */
    for (v = 0; v < nv && ok; v++) {
        int r;
        cbuf b;
        if (first[v] < 0 && last[v] < 0) continue;
        r = find_root(g, v);
        if (!in_arena(&g->values.a[r])) {
            if (g->values.a[v].offset >= 0 && r == v)
                ok = fail_why(why, n, "'%s' is not an arena value but has an offset",
                              g->values.a[v].name);
            continue;
        }
        if (first[v] < 0) {
            ok = fail_why(why, n, "'%s' is read but never written", g->values.a[v].name);
            break;
        }
        b.off = g->values.a[r].offset;
        b.size = value_bytes(g, v);
        b.first = first[v];
        b.last = last[v];
        b.group = r;
        b.what = g->values.a[v].name;
        if (b.off < 0) {
            ok = fail_why(why, n, "arena value '%s' has no offset", b.what);
            break;
        }
        EC_PUSH(cb, b);
    }
    for (i = 0; i < cb.n && ok; i++) {
        if (cb.a[i].off % PLAN_ALIGN != 0)
            ok = fail_why(why, n, "'%s' at offset %lld is not aligned to %lld", cb.a[i].what,
                          (long long)cb.a[i].off, (long long)PLAN_ALIGN);
        else if (cb.a[i].off + cb.a[i].size > p->arena_bytes)
            ok = fail_why(why, n, "'%s' ends at %lld, past the arena (%lld bytes)", cb.a[i].what,
                          (long long)(cb.a[i].off + cb.a[i].size), (long long)p->arena_bytes);
    }
    /* storage groups: generations in order, each over before the next starts */
    for (v = 0; v < nv && ok; v++) {
        int ga, gb;
        int64_t end_a = -1;
        if (first[v] < 0 || gen[v] != v) continue;
        ga = v;
        for (i = 0; i < nv; i++)
            if (gen[i] == ga && last[i] > end_a) end_a = last[i];
        for (gb = 0; gb < nv && ok; gb++) {
            if (gb == ga || gen[gb] != gb || first[gb] < 0) continue;
            if (find_root(g, ga) != find_root(g, gb) || !in_arena(&g->values.a[find_root(g, ga)])) continue;
            if (first[gb] >= first[ga] && first[gb] < end_a)
                ok = fail_why(why, n, "'%s' overwrites '%s' (live until step %lld) at step %lld",
                              g->values.a[gb].name, g->values.a[ga].name, (long long)end_a, (long long)first[gb]);
        }
    }
    /* byte overlap between different storage (or scratch) live at one step */
    for (i = 0; i < cb.n && ok; i++) {
        for (j = i + 1; j < cb.n && ok; j++) {
            const cbuf *a = &cb.a[i], *b = &cb.a[j];
            if (a->group >= 0 && a->group == b->group) continue;
            if (a->first > b->last || b->first > a->last) continue;
            if (a->size == 0 || b->size == 0) continue;
            if (a->off < b->off + b->size && b->off < a->off + a->size) {
                if (why && n)
                    snprintf(why, n, "'%s' [%lld,%lld) steps %d..%d overlaps '%s' [%lld,%lld) steps %d..%d",
                             a->what, (long long)a->off, (long long)(a->off + a->size), a->first, a->last,
                             b->what, (long long)b->off, (long long)(b->off + b->size), b->first, b->last);
                ok = false;
            }
        }
    }
    ec_free(cb.a);
    ec_free(first);
    ec_free(last);
    ec_free(gen);
    return ok;
}
