/* ops.c - the op table: one registry over the per-family tables in ir/ops/,
 * and the kernel table the interpreter dispatches through. Each family file
 * ir/ops/<family>.c defines ec_ops_<family>[] and ec_kernels_<family>[],
 * both ended by an entry whose name is NULL. */
#include <string.h>
#include "ir.h"

#define EC_FAMILIES(X) X(elementwise) X(shape) X(nn) X(reduce) X(quant) X(rnn) X(signal) X(seq) X(blockq) X(training) X(select) X(text) X(string) X(misc) X(qint8) X(control)

#define X(f) extern const ec_opdef ec_ops_##f[]; extern const ec_kernel ec_kernels_##f[];
EC_FAMILIES(X)
#undef X

static const ec_opdef *const op_tables[] = {
#define X(f) ec_ops_##f,
    EC_FAMILIES(X)
#undef X
};

static const ec_kernel *const kernel_tables[] = {
#define X(f) ec_kernels_##f,
    EC_FAMILIES(X)
#undef X
};

static bool default_domain(const char *d)
{
    return d == NULL || d[0] == '\0' || strcmp(d, "ai.onnx") == 0;
}

const ec_opdef *ec_op_find(const char *op, const char *domain)
{
    size_t t;
    for (t = 0; t < sizeof op_tables / sizeof op_tables[0]; t++) {
        const ec_opdef *d;
        for (d = op_tables[t]; d->name; d++) {
            bool same_domain = default_domain(domain) ? default_domain(d->domain)
                                                       : (d->domain && strcmp(d->domain, domain) == 0);
            if (same_domain && strcmp(d->name, op) == 0) return d;
        }
    }
    return NULL;
}

int64_t ec_op_macs(const ec_graph *g, int node)
{
    const ec_node *n = &g->nodes.a[node];
    const ec_opdef *d = ec_op_find(n->op, n->domain);
    return d && d->macs ? d->macs(g, node) : 0;
}

const ec_kernel *ec_kernel_find(const char *name)
{
    size_t t;
    for (t = 0; t < sizeof kernel_tables / sizeof kernel_tables[0]; t++) {
        const ec_kernel *k;
        for (k = kernel_tables[t]; k->name; k++)
            if (strcmp(k->name, name) == 0) return k;
    }
    return NULL;
}

char ec_argkind_sig(ec_argkind k)
{
    switch (k) {
    case EC_ARG_OUT: case EC_ARG_IN: case EC_ARG_SCRATCH: case EC_ARG_EXTENT: case EC_ARG_POOL:
        return 'p';
    case EC_ARG_INT: case EC_ARG_ITER: return 'i';
    case EC_ARG_FLOAT: return 'f';
    case EC_ARG_INTS: return 'I';
    case EC_ARG_FLOATS: return 'F';
    case EC_ARG_STRS: return 'S';
    }
    return '?';
}

void ec_kernel_check_call(const ec_call *call)
{
    const ec_kernel *k = ec_kernel_find(call->kernel);
    int n, i;
    if (!k) ec_fail("internal: kernel %s is not in the kernel table", call->kernel);
    n = (int)strlen(k->sig);
    if (call->args.n != n)
        ec_fail("internal: call of %s has %d arguments, its signature \"%s\" %d", call->kernel,
                call->args.n, k->sig, n);
    for (i = 0; i < n; i++) {
        char got = ec_argkind_sig(call->args.a[i].kind);
        if (got != k->sig[i])
            ec_fail("internal: argument %d (%s) of %s is '%c', its signature \"%s\" says '%c'", i,
                    call->args.a[i].name ? call->args.a[i].name : "?", call->kernel, got, k->sig, k->sig[i]);
    }
}
