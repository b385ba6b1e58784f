/* interp.c - the interpreter: runs lowered kernel calls with runtime-min's
 * generic kernels, the same code the generated C calls. */
#include <string.h>
#include "ir.h"
#include "program.h"

static size_t value_bytes(const ec_value *v)
{
    return ec_mul_size((size_t)ec_shape_numel(&v->shape), ec_elem_bytes(v->dtype));
}

/* Run the calls of one lowered node; buf[v] is the storage of value v; it
 * the iteration number of the innermost enclosing loop. */
static void run_calls(ec_graph *g, const ec_lowering *L, void **buf, int32_t it)
{
    int c, k;
    for (c = 0; c < L->calls.n; c++) {
        const ec_call *call = &L->calls.a[c];
        const ec_kernel *kern = ec_kernel_find(call->kernel);
        ec_karg *a = ec_alloc(sizeof(ec_karg) * (size_t)(call->args.n + 1));
        void **scratch = ec_alloc(sizeof(void *) * (size_t)(call->args.n + 1));
        if (!kern || !kern->thunk)
            ec_fail_node(g, L->node, "internal: kernel %s has no thunk", call->kernel);
        for (k = 0; k < call->args.n; k++) {
            const ec_arg *arg = &call->args.a[k];
            switch (arg->kind) {
            case EC_ARG_OUT:
            case EC_ARG_IN:
                a[k].p = arg->value >= 0 ? buf[arg->value] : NULL;
                if (arg->iter && a[k].p)
                    a[k].p = (unsigned char *)a[k].p +
                             (arg->it_base + arg->it_step * it) *
                                 (int64_t)ec_dtype_size(g->values.a[arg->value].dtype);
                break;
            case EC_ARG_ITER: a[k].i = it; break;
            case EC_ARG_INT: a[k].i = arg->i; break;
            case EC_ARG_FLOAT: a[k].f = arg->f; break;
            case EC_ARG_INTS: a[k].ip = arg->ints; break;
            case EC_ARG_FLOATS: a[k].fp = arg->floats; break;
            case EC_ARG_EXTENT:
                scratch[k] = ec_alloc(sizeof(int64_t));
                a[k].p = scratch[k];
                break;
            case EC_ARG_STRS: a[k].sp = (const char *const *)arg->strs; break;
            case EC_ARG_POOL:
                /* the characters must outlive the call: kept until ec_free_all */
                a[k].p = ec_alloc((size_t)arg->bytes);
                break;
            case EC_ARG_SCRATCH:
                scratch[k] = ec_alloc((size_t)arg->bytes);
                a[k].p = scratch[k];
                break;
            }
        }
        kern->thunk(a);
        for (k = 0; k < call->args.n; k++) ec_free(scratch[k]);
        ec_free(scratch);
        ec_free(a);
    }
}

void ec_interp_node(ec_graph *g, int node)
{
    ec_node *n = &g->nodes.a[node];
    ec_lowering L;
    void **buf = ec_alloc(sizeof(void *) * (size_t)(g->values.n + 1));
    int k;
    ec_lower_node(g, node, &L);
    for (k = 0; k < n->nin; k++)
        if (n->in[k] >= 0) buf[n->in[k]] = g->values.a[n->in[k]].data;
    for (k = 0; k < n->nout; k++) {
        int v = n->out[k];
        if (v < 0 || g->values.a[v].data) continue;
        buf[v] = ec_alloc(value_bytes(&g->values.a[v]) + 1);
    }
    run_calls(g, &L, buf, 0);
    for (k = 0; k < n->nout; k++) {
        int v = n->out[k];
        if (v < 0 || !buf[v] || g->values.a[v].data) continue;
        ec_value_set_const(g, v, g->values.a[v].dtype, &g->values.a[v].shape, buf[v]);
    }
    ec_lowering_free(&L);
    ec_free(buf);
}

void ec_interp_node_bufs(ec_graph *g, int node, void **buf)
{
    ec_lowering L;
    ec_lower_node(g, node, &L);
    run_calls(g, &L, buf, 0);
    ec_lowering_free(&L);
}

/* Run steps [from, to) of p as the generated code does; it: the counters of
 * the enclosing loops. */
static void run_steps(ec_graph *g, const ec_program *p, int from, int to, void **buf, int32_t *it)
{
    int s = from;
    while (s < to) {
        const ec_step *st = &p->steps.a[s];
        int32_t cur = st->loops > 0 ? it[st->loops - 1] : 0;
        switch (st->kind) {
        case EC_STEP_IF:
            if (*(const unsigned char *)buf[st->cond]) {
                run_steps(g, p, s + 1, st->mid, buf, it);
                run_calls(g, &p->steps.a[st->mid].L, buf, cur);
            } else {
                run_steps(g, p, st->mid + 1, st->end, buf, it);
                run_calls(g, &p->steps.a[st->end].L, buf, cur);
            }
            s = st->end + 1;
            break;
        case EC_STEP_LOOP: {
            int64_t i;
            run_calls(g, &st->L, buf, cur);
            for (i = 0; i < st->trips; i++) {
                it[st->loops] = (int32_t)i;
                if (st->cond >= 0 && !*(const unsigned char *)buf[st->cond]) break;
                run_steps(g, p, s + 1, st->end, buf, it);
                run_calls(g, &p->steps.a[st->end].L, buf, (int32_t)i);
            }
            s = st->end + 1;
            break;
        }
        default:
            run_calls(g, &st->L, buf, cur);
            s++;
        }
    }
}

/* Storage for every value the program touches that has none yet. */
static void alloc_bufs(ec_graph *g, const ec_program *p, void **buf, bool *owned)
{
    int s, c, k;
    for (s = 0; s < p->steps.n; s++) {
        const ec_step *st = &p->steps.a[s];
        for (c = 0; c < st->L.calls.n; c++)
            for (k = 0; k < st->L.calls.a[c].args.n; k++) {
                const ec_arg *a = &st->L.calls.a[c].args.a[k];
                if ((a->kind != EC_ARG_IN && a->kind != EC_ARG_OUT) || a->value < 0 || buf[a->value]) continue;
                buf[a->value] = ec_alloc(value_bytes(&g->values.a[a->value]) + 1);
                owned[a->value] = true;
            }
    }
}

bool ec_interp_region(ec_graph *g, int ctl)
{
    ec_program p;
    const ec_node *n = &g->nodes.a[ctl];
    void **buf;
    bool *owned, *written;
    int32_t it[EC_MAX_RANK * 8 + 1];
    int s, c, k, i;
    bool ok = true;
    ec_lower_region(g, ctl, &p);
    /* everything read from outside the region must be constant */
    written = ec_alloc(sizeof(bool) * (size_t)(g->values.n + 1));
    for (s = 0; s < p.steps.n; s++)
        for (c = 0; c < p.steps.a[s].L.calls.n; c++)
            for (k = 0; k < p.steps.a[s].L.calls.a[c].args.n; k++) {
                const ec_arg *a = &p.steps.a[s].L.calls.a[c].args.a[k];
                if (a->kind == EC_ARG_OUT && a->value >= 0) written[a->value] = true;
            }
    for (s = 0; s < p.steps.n && ok; s++) {
        if (p.steps.a[s].loops > (int)(sizeof it / sizeof it[0]) - 1) ok = false;
        if (p.steps.a[s].cond >= 0 && !written[p.steps.a[s].cond] && !g->values.a[p.steps.a[s].cond].data)
            ok = false;
        for (c = 0; c < p.steps.a[s].L.calls.n; c++)
            for (k = 0; k < p.steps.a[s].L.calls.a[c].args.n; k++) {
                const ec_arg *a = &p.steps.a[s].L.calls.a[c].args.a[k];
                if (a->kind == EC_ARG_IN && a->value >= 0 && !written[a->value] && !g->values.a[a->value].data)
                    ok = false;
            }
    }
    ec_free(written);
    if (!ok) {
        ec_program_free(&p);
        return false;
    }
    buf = ec_alloc(sizeof(void *) * (size_t)(g->values.n + 1));
    owned = ec_alloc(sizeof(bool) * (size_t)(g->values.n + 1));
    for (i = 0; i < g->values.n; i++)
        if (g->values.a[i].data) buf[i] = g->values.a[i].data;
    alloc_bufs(g, &p, buf, owned);
    memset(it, 0, sizeof it);
    run_steps(g, &p, 0, p.steps.n, buf, it);
    /* the outputs: every output of the control node written by its code */
    n = &g->nodes.a[ctl];
    for (k = 0; k < n->nout; k++) {
        int v = n->out[k];
        if (v < 0 || !owned[v] || g->values.a[v].data) continue;
        owned[v] = false;
        ec_value_set_const(g, v, g->values.a[v].dtype, &g->values.a[v].shape, buf[v]);
    }
    for (i = 0; i < g->values.n; i++)
        if (owned[i]) ec_free(buf[i]);
    ec_free(owned);
    ec_free(buf);
    ec_program_free(&p);
    return true;
}

/* The storage of each value for a whole-graph run: constants and the
 * caller's inputs, NULL for the rest. */
static void **graph_bufs(const ec_graph *g, void *const *inputs)
{
    void **buf = ec_alloc(sizeof(void *) * (size_t)(g->values.n + 1));
    int i;
    for (i = 0; i < g->values.n; i++)
        if (g->values.a[i].data) buf[i] = g->values.a[i].data;
    for (i = 0; i < g->inputs.n; i++) buf[g->inputs.a[i]] = inputs[i];
    return buf;
}

/* Copies of the graph outputs after a run; frees buf and what it owns. */
static void **graph_outputs(const ec_graph *g, void **buf, bool *owned)
{
    void **outs = ec_alloc(sizeof(void *) * (size_t)(g->outputs.n + 1));
    int i;
    for (i = 0; i < g->outputs.n; i++) {
        const ec_value *v = &g->values.a[g->outputs.a[i]];
        size_t nb = value_bytes(v);
        outs[i] = ec_alloc(nb + 1);
        if (buf[g->outputs.a[i]]) memcpy(outs[i], buf[g->outputs.a[i]], nb);
    }
    for (i = 0; i < g->values.n; i++)
        if (owned[i]) ec_free(buf[i]);
    ec_free(owned);
    ec_free(buf);
    return outs;
}

void **ec_interp_graph(ec_graph *g, void *const *inputs)
{
    ec_program p;
    void **buf = graph_bufs(g, inputs), **outs;
    bool *owned = ec_alloc(sizeof(bool) * (size_t)(g->values.n + 1));
    int32_t it[EC_MAX_RANK * 8 + 1];
    ec_lower_graph(g, &p);
    alloc_bufs(g, &p, buf, owned);
    memset(it, 0, sizeof it);
    run_steps(g, &p, 0, p.steps.n, buf, it);
    outs = graph_outputs(g, buf, owned);
    ec_program_free(&p);
    return outs;
}

/* Node by node with an observer (calibration). Control-flow regions are not
 * observed: a model with If/Loop/Scan on run-time values cannot be calibrated. */
void **ec_interp_graph_observe(ec_graph *g, void *const *inputs, ec_interp_observer cb, void *ctx)
{
    void **buf = graph_bufs(g, inputs);
    bool *owned = ec_alloc(sizeof(bool) * (size_t)(g->values.n + 1));
    int i, k;
    for (i = 0; i < g->nodes.n; i++) {
        ec_node *n = &g->nodes.a[i];
        ec_lowering L;
        if (n->dead) continue;
        for (k = 0; k < n->nout; k++) {
            int v = n->out[k];
            if (v < 0 || buf[v]) continue;
            buf[v] = ec_alloc(value_bytes(&g->values.a[v]) + 1);
            owned[v] = true;
        }
        ec_lower_node(g, i, &L);
        run_calls(g, &L, buf, 0);
        ec_lowering_free(&L);
        if (cb)
            for (k = 0; k < n->nout; k++)
                if (n->out[k] >= 0) cb(ctx, g, n->out[k], buf[n->out[k]]);
    }
    return graph_outputs(g, buf, owned);
}
