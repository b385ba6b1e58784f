/* interp.c - the interpreter: runs lowered kernel calls with runtime-min's
 * generic kernels, the same code the generated C calls. */
#include <string.h>
#include "ir.h"

static size_t value_bytes(const ec_value *v)
{
    return ec_mul_size((size_t)ec_shape_numel(&v->shape), ec_elem_bytes(v->dtype));
}

/* Run the calls of one lowered node; buf[v] is the storage of value v. */
static void run_calls(ec_graph *g, const ec_lowering *L, void **buf)
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
                break;
            case EC_ARG_INT: a[k].i = arg->i; break;
            case EC_ARG_FLOAT: a[k].f = arg->f; break;
            case EC_ARG_INTS: a[k].ip = arg->ints; break;
            case EC_ARG_FLOATS: a[k].fp = arg->floats; break;
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
    run_calls(g, &L, buf);
    for (k = 0; k < n->nout; k++) {
        int v = n->out[k];
        if (v < 0 || !buf[v] || g->values.a[v].data) continue;
        ec_value_set_const(g, v, g->values.a[v].dtype, &g->values.a[v].shape, buf[v]);
    }
    ec_lowering_free(&L);
    ec_free(buf);
}

void **ec_interp_graph(ec_graph *g, void *const *inputs)
{
    void **buf = ec_alloc(sizeof(void *) * (size_t)(g->values.n + 1));
    bool *owned = ec_alloc(sizeof(bool) * (size_t)(g->values.n + 1));
    void **outs = ec_alloc(sizeof(void *) * (size_t)(g->outputs.n + 1));
    int i, k;
    for (i = 0; i < g->values.n; i++)
        if (g->values.a[i].data) buf[i] = g->values.a[i].data;
    for (i = 0; i < g->inputs.n; i++) buf[g->inputs.a[i]] = inputs[i];
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
        run_calls(g, &L, buf);
        ec_lowering_free(&L);
    }
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
