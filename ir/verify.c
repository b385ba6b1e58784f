/* verify.c - structural checks, topological scheduling, dead-node elimination. */
#include <stdlib.h>
#include <string.h>
#include "ir.h"

static bool value_defined(const ec_graph *g, int v)
{
    const ec_value *val = &g->values.a[v];
    return val->producer >= 0 || val->is_input || val->is_initializer || val->data || val->resolved;
}

/* Is name defined in an enclosing graph (sub-graphs read outer values)? */
static bool outer_defined(const ec_graph *g, const char *name)
{
    for (g = g->parent; g; g = g->parent) {
        int v = ec_value_find(g, name);
        if (v >= 0 && value_defined(g, v)) return true;
    }
    return false;
}

void ec_verify(ec_graph *g)
{
    int i, k;
    for (i = 0; i < g->nodes.n; i++) {
        ec_node *n = &g->nodes.a[i];
        const ec_opdef *d;
        if (n->dead) continue;
        d = ec_op_find(n->op, n->domain);
        if (!d) {
            if (n->domain[0] && strcmp(n->domain, "ai.onnx") != 0)
                ec_fail_node(g, i, "unsupported op (domain '%s')", n->domain);
            ec_fail_node(g, i, "unsupported op");
        }
        if (n->nin < d->min_in || (d->max_in >= 0 && n->nin > d->max_in))
            ec_fail_node(g, i, "has %d inputs, expected %d..%d", n->nin, d->min_in, d->max_in);
        if (n->nout < d->min_out || (d->max_out >= 0 && n->nout > d->max_out))
            ec_fail_node(g, i, "has %d outputs, expected %d..%d", n->nout, d->min_out, d->max_out);
        for (k = 0; k < n->nin; k++) {
            int v = n->in[k];
            if (v >= 0 && !value_defined(g, v) && !outer_defined(g, g->values.a[v].name))
                ec_fail_node(g, i, "reads undefined value '%s'", g->values.a[v].name);
        }
    }
    for (i = 0; i < g->outputs.n; i++) {
        int v = g->outputs.a[i];
        if (!value_defined(g, v) && !outer_defined(g, g->values.a[v].name))
            ec_fail("graph output '%s' is never computed", g->values.a[v].name);
    }
}

void ec_toposort(ec_graph *g)
{
    int nn = g->nodes.n, i, k, done = 0;
    bool *ready_val = ec_alloc(sizeof(bool) * (size_t)(g->values.n + 1));
    bool *placed = ec_alloc(sizeof(bool) * (size_t)(nn + 1));
    int *order = ec_alloc(sizeof(int) * (size_t)(nn + 1));
    ec_node *sorted;
    bool progress = true;

    for (i = 0; i < g->values.n; i++) ready_val[i] = g->values.a[i].producer < 0;
    /* a Loop/Scan control node (domain edgec, see ir/ops/control.c) defines
     * its body's inputs before the body runs, and comes after the body: the
     * outputs past its N + K outer ones are ready from the start (this is how
     * the IR printed by --emit-ir reads back) */
    for (i = 0; i < nn; i++) {
        const ec_node *n = &g->nodes.a[i];
        const int64_t *info;
        if (strcmp(n->domain, "edgec") != 0 || (strcmp(n->op, "Loop") != 0 && strcmp(n->op, "Scan") != 0)) continue;
        if (ec_attr_ints(n, "edgec_loop", &info) != 5) continue;
        for (k = (int)(info[0] + info[2]); k >= 0 && k < n->nout; k++)
            if (n->out[k] >= 0) ready_val[n->out[k]] = true;
    }
    /* Repeatedly place, in file order, every node whose inputs are ready:
     * stable for models that are already sorted (the usual case). */
    while (done < nn && progress) {
        progress = false;
        for (i = 0; i < nn; i++) {
            ec_node *n = &g->nodes.a[i];
            bool ok = true;
            if (placed[i]) continue;
            for (k = 0; k < n->nin && ok; k++)
                if (n->in[k] >= 0 && !ready_val[n->in[k]]) ok = false;
            if (!ok) continue;
            placed[i] = true;
            order[done++] = i;
            progress = true;
            for (k = 0; k < n->nout; k++)
                if (n->out[k] >= 0) ready_val[n->out[k]] = true;
        }
    }
    if (done < nn) {
        for (i = 0; i < nn; i++)
            if (!placed[i]) ec_fail_node(g, i, "is part of a cycle");
    }
    sorted = ec_alloc(sizeof(ec_node) * (size_t)(nn + 1));
    for (i = 0; i < nn; i++) sorted[i] = g->nodes.a[order[i]];
    if (nn > 0) memcpy(g->nodes.a, sorted, sizeof(ec_node) * (size_t)nn);
    for (i = 0; i < nn; i++)
        for (k = 0; k < g->nodes.a[i].nout; k++)
            if (g->nodes.a[i].out[k] >= 0) g->values.a[g->nodes.a[i].out[k]].producer = i;
    ec_free(sorted);
    ec_free(order);
    ec_free(placed);
    ec_free(ready_val);
}

void ec_eliminate_dead(ec_graph *g)
{
    bool *live = ec_alloc(sizeof(bool) * (size_t)(g->values.n + 1));
    int i, k;
    for (i = 0; i < g->outputs.n; i++) live[g->outputs.a[i]] = true;
    for (i = g->nodes.n - 1; i >= 0; i--) {
        ec_node *n = &g->nodes.a[i];
        bool used = false;
        if (n->dead) continue;
        for (k = 0; k < n->nout; k++)
            if (n->out[k] >= 0 && live[n->out[k]] && !g->values.a[n->out[k]].data) used = true;
        if (!used) {
            n->dead = true;
            continue;
        }
        for (k = 0; k < n->nin; k++)
            if (n->in[k] >= 0) live[n->in[k]] = true;
    }
    ec_free(live);
}

/* FNV-1a of a constant's bytes. */
static uint64_t const_hash(const ec_value *v)
{
    const unsigned char *p = v->data;
    uint64_t h = 1469598103934665603ull;
    size_t i;
    for (i = 0; i < v->nbytes; i++) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

static bool dedupable(const ec_value *v)
{
    return v->data && v->kind == EC_VK_TENSOR && !v->is_input && !v->is_output && v->dtype != EC_DT_STRING &&
           ec_dtype_size(v->dtype) > 0 && v->nbytes >= EC_DEDUPE_MIN_BYTES;
}

typedef struct hashed {
    size_t nbytes;
    uint64_t h;                     /* 0 until the constant has a same-sized rival */
    int v;
} hashed;

static int cmp_hashed(const void *pa, const void *pb)
{
    const hashed *a = pa, *b = pb;
    if (a->nbytes != b->nbytes) return a->nbytes < b->nbytes ? -1 : 1;
    if (a->h != b->h) return a->h < b->h ? -1 : 1;
    return (a->v > b->v) - (a->v < b->v);
}

void ec_dedupe_constants(ec_graph *g)
{
    int nv = g->values.n, n = 0, i, j, k;
    int *same = ec_alloc(sizeof(int) * (size_t)(nv + 1));
    hashed *hv = ec_alloc(sizeof(hashed) * (size_t)(nv + 1));
    bool any = false;
    for (i = 0; i < nv; i++) {
        same[i] = i;
        if (!dedupable(&g->values.a[i])) continue;
        hv[n].nbytes = g->values.a[i].nbytes;
        hv[n++].v = i;
    }
    /* by size; only constants that share their size with another are read and hashed (a
     * large model's weights mostly differ in size, so most of its bytes are not read) */
    qsort(hv, (size_t)n, sizeof *hv, cmp_hashed);
    for (i = 0; i < n; i = j) {
        for (j = i + 1; j < n && hv[j].nbytes == hv[i].nbytes; j++) {}
        if (j - i > 1)
            for (k = i; k < j; k++) hv[k].h = const_hash(&g->values.a[hv[k].v]);
    }
    /* by size, hash, then value id: the first of equal constants is the one kept */
    qsort(hv, (size_t)n, sizeof *hv, cmp_hashed);
    for (i = 0; i < n; i++) {
        const ec_value *a = &g->values.a[hv[i].v];
        for (j = i - 1; j >= 0 && hv[j].nbytes == hv[i].nbytes && hv[j].h == hv[i].h; j--) {
            const ec_value *b = &g->values.a[hv[j].v];
            if (same[hv[j].v] != hv[j].v || b->dtype != a->dtype ||
                !ec_shape_eq(&a->shape, &b->shape) || memcmp(a->data, b->data, a->nbytes) != 0)
                continue;
            same[hv[i].v] = hv[j].v;
            any = true;
            break;
        }
    }
    for (i = 0; any && i < g->nodes.n; i++)
        for (k = 0; k < g->nodes.a[i].nin; k++)
            if (g->nodes.a[i].in[k] >= 0) g->nodes.a[i].in[k] = same[g->nodes.a[i].in[k]];
    ec_free(same);
    ec_free(hv);
}
