/* program.c - the lowered program: the steps of a graph (nested blocks for
 * control flow, ir/ops/control.c lowers their parts) and facts about a
 * planned program that the emitter, the reports and the int8 pass read.
 */
#include <string.h>
#include "program.h"

/* ---- the program: steps with nested blocks (see program.h) ----------------- */

typedef struct builder {
    ec_graph *g;
    ec_program *p;
} builder;

/* Is node i left out of the program (dead, or every output folded)? */
static bool skipped(const ec_graph *g, int i)
{
    const ec_node *n = &g->nodes.a[i];
    int k;
    bool any = false;
    if (n->dead) return true;
    if (n->owns) return false;
    for (k = 0; k < n->nout; k++)
        if (n->out[k] >= 0 && !g->values.a[n->out[k]].data) any = true;
    return !any;
}

static int push_step(builder *b, int node, ec_stepkind kind, int depth, int loops)
{
    ec_step s;
    memset(&s, 0, sizeof s);
    s.node = node;
    s.kind = kind;
    s.depth = depth;
    s.loops = loops;
    s.cond = -1;
    s.open = s.mid = s.end = -1;
    EC_PUSH(b->p->steps, s);
    return b->p->steps.n - 1;
}

static void ctl_part(builder *b, int s, int part)
{
    ec_ctl_lower(b->g, b->p->steps.a[s].node, part, &b->p->steps.a[s].L);
}

static void emit_block(builder *b, int region, int branch, int depth, int loops);

static void emit_control(builder *b, int c, int depth, int loops)
{
    ec_graph *g = b->g;
    const ec_node *n = &g->nodes.a[c];
    int open, s;
    if (ec_ctl_is_loop(n)) {
        open = push_step(b, c, EC_STEP_LOOP, depth, loops);
        b->p->steps.a[open].cond = ec_ctl_cond(g, c);
        b->p->steps.a[open].trips = ec_ctl_trips(g, c);
        ctl_part(b, open, EC_CTL_BEFORE);
        s = push_step(b, c, EC_STEP_HEAD, depth + 1, loops + 1);
        b->p->steps.a[s].open = open;
        ctl_part(b, s, EC_CTL_HEAD);
        emit_block(b, n->owns, 0, depth + 1, loops + 1);
        s = push_step(b, c, EC_STEP_END, depth + 1, loops + 1);
        b->p->steps.a[s].open = open;
        b->p->steps.a[open].end = s;
        ctl_part(b, s, EC_CTL_END);
        s = push_step(b, c, EC_STEP_AFTER, depth, loops);
        b->p->steps.a[s].open = open;
        ctl_part(b, s, EC_CTL_AFTER);
    } else {
        open = push_step(b, c, EC_STEP_IF, depth, loops);
        b->p->steps.a[open].cond = ec_ctl_cond(g, c);
        emit_block(b, n->owns, 0, depth + 1, loops);
        s = push_step(b, c, EC_STEP_ELSE, depth + 1, loops);
        b->p->steps.a[s].open = open;
        b->p->steps.a[open].mid = s;
        ctl_part(b, s, EC_CTL_THEN_END);
        emit_block(b, n->owns, 1, depth + 1, loops);
        s = push_step(b, c, EC_STEP_END, depth + 1, loops);
        b->p->steps.a[s].open = open;
        b->p->steps.a[open].end = s;
        ctl_part(b, s, EC_CTL_END);
    }
}

/* The steps of the nodes of (region, branch), in node order. */
static void emit_block(builder *b, int region, int branch, int depth, int loops)
{
    ec_graph *g = b->g;
    int i;
    for (i = 0; i < g->nodes.n; i++) {
        const ec_node *n = &g->nodes.a[i];
        if (n->region != region || n->branch != branch || skipped(g, i)) continue;
        if (n->owns) {
            emit_control(b, i, depth, loops);
        } else {
            int s = push_step(b, i, EC_STEP_NODE, depth, loops);
            ec_lower_node(g, i, &b->p->steps.a[s].L);
        }
    }
}

static void build(ec_graph *g, ec_program *p, int ctl)
{
    builder b;
    int i;
    memset(p, 0, sizeof *p);
    p->g = g;
    b.g = g;
    b.p = p;
    for (i = 0; i < g->nodes.n; i++) {
        const ec_node *n = &g->nodes.a[i];
        if (n->owns < 0 || n->owns > g->nregions || n->region < 0 || n->region > g->nregions)
            ec_fail_node(g, i, "internal: bad region");
    }
    if (ctl >= 0) emit_control(&b, ctl, 0, 0);
    else emit_block(&b, 0, 0, 0, 0);
}

void ec_lower_graph(ec_graph *g, ec_program *p)
{
    build(g, p, -1);
}

void ec_lower_region(ec_graph *g, int ctl, ec_program *p)
{
    build(g, p, ctl);
}

void ec_program_free(ec_program *p)
{
    int s;
    for (s = 0; s < p->steps.n; s++) ec_lowering_free(&p->steps.a[s].L);
    ec_free(p->steps.a);
    memset(p, 0, sizeof *p);
}

/* ---- facts about a planned program ------------------------------------- */

int ec_cg_root(const ec_graph *g, int v)
{
    int guard = g->values.n + 1;
    while (v >= 0 && g->values.a[v].alias >= 0 && g->values.a[v].alias != v && guard-- > 0)
        v = g->values.a[v].alias;
    return v;
}

int64_t ec_cg_value_bytes(const ec_graph *g, int v)
{
    const ec_value *x = &g->values.a[v];
    if (!ec_shape_is_static(&x->shape))
        ec_fail("value '%s': shape is not static at code generation", x->name);
    return (int64_t)ec_mul_size((size_t)ec_shape_numel(&x->shape), ec_elem_bytes(x->dtype));
}

static int out0(const ec_program *p, int s)
{
    const ec_node *n = &p->g->nodes.a[p->steps.a[s].node];
    return n->nout > 0 ? n->out[0] : -1;
}

bool ec_cg_step_is_view(const ec_program *p, int s)
{
    int o = out0(p, s);
    return p->steps.a[s].kind == EC_STEP_NODE && p->steps.a[s].L.alias && o >= 0 &&
           p->g->values.a[o].alias >= 0;
}

bool ec_cg_step_is_inplace(const ec_program *p, int s)
{
    int o = out0(p, s);
    return p->steps.a[s].kind == EC_STEP_NODE && !p->steps.a[s].L.alias && o >= 0 &&
           p->g->values.a[o].alias >= 0;
}

int ec_cg_const_of(const ec_graph *g, int v)
{
    int r;
    if (v < 0) return -1;
    if (g->values.a[v].is_input) return -1;
    if (g->values.a[v].data) return v;
    r = ec_cg_root(g, v);
    if (!g->values.a[r].is_input && g->values.a[r].data) return r;
    return -1;
}

int64_t ec_cg_step_macs(const ec_program *p, int s)
{
    return ec_op_macs(p->g, p->steps.a[s].node);
}

static bool seen_int(const int *a, int n, int v)
{
    int i;
    for (i = 0; i < n; i++)
        if (a[i] == v) return true;
    return false;
}

int64_t ec_cg_step_weight_bytes(const ec_program *p, int s)
{
    const ec_step *st = &p->steps.a[s];
    EC_VEC(int) seen = { 0 };
    int64_t total = 0;
    int c, k;
    if (ec_cg_step_is_view(p, s)) return 0;
    for (c = 0; c < st->L.calls.n; c++) {
        const ec_call *call = &st->L.calls.a[c];
        for (k = 0; k < call->args.n; k++) {
            const ec_arg *a = &call->args.a[k];
            int w;
            if (a->kind != EC_ARG_IN) continue;
            w = ec_cg_const_of(p->g, a->value);
            if (w < 0 || seen_int(seen.a, seen.n, w)) continue;
            EC_PUSH(seen, w);
            total += ec_cg_value_bytes(p->g, w);
        }
    }
    ec_free(seen.a);
    return total;
}

void ec_cg_used_consts(const ec_program *p, bool *used)
{
    const ec_graph *g = p->g;
    int s, c, k, i;
    for (s = 0; s < p->steps.n; s++) {
        const ec_step *st = &p->steps.a[s];
        if (ec_cg_step_is_view(p, s)) continue;
        for (c = 0; c < st->L.calls.n; c++) {
            const ec_call *call = &st->L.calls.a[c];
            for (k = 0; k < call->args.n; k++) {
                int w;
                if (call->args.a[k].kind != EC_ARG_IN) continue;
                w = ec_cg_const_of(g, call->args.a[k].value);
                if (w >= 0) used[w] = true;
            }
        }
    }
    for (i = 0; i < g->outputs.n; i++) {
        int w = ec_cg_const_of(g, g->outputs.a[i]);
        if (w >= 0) used[w] = true;
    }
}

int64_t ec_cg_weights_bytes(const ec_program *p)
{
    int n = p->g->values.n, v;
    bool *used = ec_alloc(sizeof(bool) * (size_t)(n > 0 ? n : 1));
    int64_t total = 0;
    ec_cg_used_consts(p, used);
    for (v = 0; v < n; v++)
        if (used[v]) total += ec_cg_value_bytes(p->g, v);
    ec_free(used);
    return total;
}

void ec_cg_node_io(const ec_graph *g, const ec_node *n, int *nin, int *nout)
{
    *nin = n->nin;
    *nout = n->nout;
    if (!n->owns) return;
    if (!ec_ctl_is_loop(n)) {
        *nin = 1;
    } else {
        const int64_t *v;
        if (ec_attr_ints(n, "edgec_loop", &v) != 5) ec_fail_node(g, (int)(n - g->nodes.a), "internal: bad Loop");
        *nin = 2 + (int)v[0] + (int)v[1];
        *nout = (int)v[0] + (int)v[2];
    }
}
