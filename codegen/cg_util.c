/* cg_util.c - facts about a planned program shared by the emitter and reports. */
#include <string.h>
#include "codegen.h"

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

/* By the node's ec_opdef row (its macs hook). */
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

void ec_cg_check_budget(const ec_program *p, const ec_target *t, bool weights_in_flash)
{
    int64_t w;
    if (!t) return;
    if (t->ram_bytes > 0 && p->arena_bytes > t->ram_bytes)
        ec_fail("the model needs %lld bytes of arena (RAM) but target '%s' has %lld "
                "(lower bound for this schedule: %lld)",
                (long long)p->arena_bytes, t->name, (long long)t->ram_bytes, (long long)p->lower_bound);
    w = ec_cg_weights_bytes(p);
    if (weights_in_flash && t->flash_bytes > 0 && w > t->flash_bytes)
        ec_fail("the model needs %lld bytes of weights (flash) but target '%s' has %lld",
                (long long)w, t->name, (long long)t->flash_bytes);
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
