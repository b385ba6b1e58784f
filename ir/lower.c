/* lower.c - turning nodes into runtime-min kernel calls. */
#include <string.h>
#include "ir.h"

ec_call *ec_emit(ec_lowering *L, const char *kernel)
{
    ec_call c;
    memset(&c, 0, sizeof c);
    if (!ec_kernel_find(kernel))
        ec_fail_node(L->g, L->node, "internal: kernel %s is not in the kernel table", kernel);
    c.kernel = kernel;
    EC_PUSH(L->calls, c);
    return &L->calls.a[L->calls.n - 1];
}

static ec_arg *push(ec_call *c, ec_argkind kind, const char *name)
{
    ec_arg a;
    memset(&a, 0, sizeof a);
    a.kind = kind;
    a.name = name;
    a.value = -1;
    a.offset = -1;
    EC_PUSH(c->args, a);
    return &c->args.a[c->args.n - 1];
}

void ec_arg_out(ec_call *c, const char *name, int value) { push(c, EC_ARG_OUT, name)->value = value; }
void ec_arg_in(ec_call *c, const char *name, int value) { push(c, EC_ARG_IN, name)->value = value; }

void ec_arg_int(ec_call *c, const char *name, int64_t v)
{
    if (v < INT32_MIN || v > INT32_MAX)
        ec_fail("parameter %s = %lld of %s does not fit in int32", name, (long long)v, c->kernel);
    push(c, EC_ARG_INT, name)->i = (int32_t)v;
}

void ec_arg_float(ec_call *c, const char *name, double v) { push(c, EC_ARG_FLOAT, name)->f = (float)v; }

void ec_arg_ints(ec_call *c, const char *name, const int64_t *v, int n)
{
    ec_arg *a = push(c, EC_ARG_INTS, name);
    int i;
    a->n = n;
    a->ints = ec_alloc(sizeof(int32_t) * (size_t)(n > 0 ? n : 1));
    for (i = 0; i < n; i++) {
        if (v[i] < INT32_MIN || v[i] > INT32_MAX)
            ec_fail("parameter %s[%d] = %lld of %s does not fit in int32", name, i, (long long)v[i],
                    c->kernel);
        a->ints[i] = (int32_t)v[i];
    }
}

void ec_arg_floats(ec_call *c, const char *name, const float *v, int n)
{
    ec_arg *a = push(c, EC_ARG_FLOATS, name);
    a->n = n;
    a->floats = ec_alloc(sizeof(float) * (size_t)(n > 0 ? n : 1));
    if (n > 0) memcpy(a->floats, v, sizeof(float) * (size_t)n);
}

void ec_arg_scratch(ec_call *c, const char *name, int64_t bytes)
{
    push(c, EC_ARG_SCRATCH, name)->bytes = bytes > 0 ? bytes : 1;
}

void ec_arg_iter(ec_call *c, const char *name) { push(c, EC_ARG_ITER, name); }

void ec_arg_slice(ec_call *c, int64_t base, int64_t step)
{
    ec_arg *a = &c->args.a[c->args.n - 1];
    a->iter = true;
    a->it_base = base;
    a->it_step = step;
}
void ec_arg_extent(ec_call *c, const char *name, int value) { push(c, EC_ARG_EXTENT, name)->value = value; }
void ec_arg_pool(ec_call *c, const char *name, ec_graph *g, int v)
{
    const ec_value *x = &g->values.a[v];
    ec_arg *a;
    if (x->dtype != EC_DT_STRING || x->str_max < 0)
        ec_fail("internal error: pool of '%s', which is not a string tensor of known bound", x->name);
    a = push(c, EC_ARG_POOL, name);
    a->value = v;
    a->bytes = (int64_t)ec_mul_size((size_t)ec_shape_numel(&x->shape), (size_t)x->str_max + 1);
    if (a->bytes < 1) a->bytes = 1;
}

void ec_arg_strs(ec_call *c, const char *name, char *const *s, int n)
{
    ec_arg *a = push(c, EC_ARG_STRS, name);
    int i;
    a->n = n;
    a->strs = ec_alloc(sizeof(char *) * (size_t)(n > 0 ? n : 1));
    for (i = 0; i < n; i++) a->strs[i] = ec_strdup(s[i]);
}

void ec_lower_node(ec_graph *g, int node, ec_lowering *L)
{
    ec_node *n = &g->nodes.a[node];
    const ec_opdef *d = ec_op_find(n->op, n->domain);
    int k;
    memset(L, 0, sizeof *L);
    L->g = g;
    L->node = node;
    if (!d || !d->lower) ec_fail_node(g, node, "cannot be compiled: its inputs must be constants");
    /* Every kernel indexes with int32: check all tensors once, for every op. */
    for (k = 0; k < n->nin; k++)
        if (n->in[k] >= 0) ec_static_numel(g, node, &g->values.a[n->in[k]]);
    /* A data-dependent size is only reported to the caller: no op reads it. */
    for (k = 0; k < n->nin; k++) {
        const ec_value *v = n->in[k] >= 0 ? &g->values.a[n->in[k]] : NULL;
        if (v && v->data_dep && !v->data) {
            const ec_node *p = &g->nodes.a[v->producer];
            ec_fail_node(g, node, "input %d ('%s') has a data-dependent size (dim %d, from node '%s' "
                         "(%s)); such a tensor can only be a graph output", k, v->name, v->dd_dim,
                         p->name ? p->name : "", p->op);
        }
    }
    for (k = 0; k < n->nout; k++)
        if (n->out[k] >= 0) ec_static_numel(g, node, &g->values.a[n->out[k]]);
    d->lower(g, node, L);
    for (k = 0; k < L->calls.n; k++) ec_kernel_check_call(&L->calls.a[k]);
}

void ec_lowering_free(ec_lowering *L)
{
    int i, k;
    for (i = 0; i < L->calls.n; i++) {
        ec_call *c = &L->calls.a[i];
        for (k = 0; k < c->args.n; k++) {
            ec_free(c->args.a[k].ints);
            ec_free(c->args.a[k].floats);
        }
        ec_free(c->args.a);
    }
    ec_free(L->calls.a);
    memset(L, 0, sizeof *L);
}
