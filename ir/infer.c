/* infer.c - shape and type inference, fused with constant folding.
 *
 * Both walk the schedule once: a node is inferred, and if all its inputs are
 * compile-time constants it is evaluated right away by the interpreter, so
 * the next node sees constant data where it needs it (a Reshape whose shape
 * comes from Shape -> Gather -> Concat). Splitting the two into separate
 * passes would need a fixed-point loop for exactly that pattern. */
#include <string.h>
#include "ir.h"

/* Constants larger than this are not produced by folding a node whose
 * inputs are smaller: it would trade cheap code for flash (Expand, Tile). */
#define FOLD_GROWTH_LIMIT (1 << 20)

static void check_inputs_static(ec_graph *g)
{
    int i, d;
    for (i = 0; i < g->inputs.n; i++) {
        ec_value *v = &g->values.a[g->inputs.a[i]];
        char buf[128];
        if (v->kind == EC_VK_SEQ)
            ec_fail("graph input '%s' is a sequence: give its length (--seq %s=N) or its elements' shapes "
                    "(--seq %s=[d,...],[d,...])", v->name, v->name, v->name);
        if (v->kind == EC_VK_OPT)
            ec_fail("graph input '%s' is optional: say whether it is given (--optional %s=present or "
                    "--optional %s=none)", v->name, v->name, v->name);
        if (v->dtype == EC_DT_UNDEFINED)
            ec_fail("graph input '%s' has no tensor type", v->name);
        if (ec_dtype_size(v->dtype) == 0)
            ec_fail("graph input '%s' has unsupported type %s", v->name, ec_dtype_name(v->dtype));
        if (v->shape.rank < 0) ec_fail("graph input '%s' has no shape", v->name);
        for (d = 0; d < v->shape.rank; d++)
            if (v->shape.dim[d] < 0) {
                if (v->shape.sym[d])
                    ec_fail("graph input '%s' %s: symbolic dim '%s' needs a value (--dim %s=VALUE, "
                            "or --dim %s=MIN..MAX for a run-time argument)",
                            v->name, ec_shape_str(&v->shape, buf, sizeof buf), v->shape.sym[d],
                            v->shape.sym[d], v->shape.sym[d]);
                ec_fail("graph input '%s' %s: dim %d is unknown", v->name,
                        ec_shape_str(&v->shape, buf, sizeof buf), d);
            }
        (void)ec_shape_numel(&v->shape);
    }
}

static bool foldable(ec_graph *g, int i, const ec_opdef *d)
{
    ec_node *n = &g->nodes.a[i];
    size_t in_bytes = 0, out_bytes = 0;
    int k;
    bool any_out = false;
    if ((d->flags & EC_OPF_NOFOLD) || !d->lower) return false;
    for (k = 0; k < n->nin; k++) {
        if (n->in[k] < 0) continue;
        if (!g->values.a[n->in[k]].data) return false;
        in_bytes += g->values.a[n->in[k]].nbytes;
    }
    for (k = 0; k < n->nout; k++) {
        ec_value *v = ec_out(g, i, k);
        if (!v) continue;
        if (!v->data) any_out = true;
        if (ec_dtype_size(v->dtype) == 0) return false;
        out_bytes += (size_t)ec_shape_numel(&v->shape) * ec_dtype_size(v->dtype);
    }
    if (!any_out) return false;
    if (out_bytes > FOLD_GROWTH_LIMIT && out_bytes > 2 * in_bytes) return false;
    return true;
}

/* ir/ops/rnn.c: replaces If node i by the nodes of its branch (or of both
 * and a select, for a run-time condition); true when it did, so that index i
 * is looked at again. */
bool ec_if_expand(ec_graph *g, int node);

void ec_infer_and_fold(ec_graph *g)
{
    int i, k;
    check_inputs_static(g);
    for (i = 0;; i++) {
        ec_node *n;
        const ec_opdef *d;
        /* sequence/optional graph outputs: Identity nodes per element, inferred too */
        if (i == g->nodes.n && !ec_seq_expand_outputs(g)) break;
        n = &g->nodes.a[i];
        if (n->dead) continue;
        if (ec_if_expand(g, i)) { i--; continue; }
        if (ec_seq_expand(g, i)) { i--; continue; }
        d = ec_op_find(n->op, n->domain);
        if (!d) ec_fail_node(g, i, "unsupported op");
        for (k = 0; k < n->nin; k++) {
            ec_value *v = ec_in(g, i, k);
            if (v && (v->dtype == EC_DT_UNDEFINED || v->shape.rank < 0))
                ec_fail_node(g, i, "input %d ('%s') has no known type or shape", k, v->name);
            if (v && ec_dtype_size(v->dtype) == 0)
                ec_fail_node(g, i, "input %d ('%s') has unsupported type %s", k, v->name,
                             ec_dtype_name(v->dtype));
        }
        d->infer(g, i);
        for (k = 0; k < n->nout; k++) {
            ec_value *v = ec_out(g, i, k);
            if (v && (v->dtype == EC_DT_UNDEFINED || v->shape.rank < 0))
                ec_fail_node(g, i, "internal: output %d ('%s') was not inferred", k, v->name);
        }
        if (foldable(g, i, d)) ec_interp_node(g, i);
    }
    /* Graph outputs declared with a type must agree with what was inferred. */
    for (i = 0; i < g->outputs.n; i++) {
        ec_value *v = &g->values.a[g->outputs.a[i]];
        if (v->dtype == EC_DT_UNDEFINED || v->shape.rank < 0)
            ec_fail("graph output '%s' has no known type or shape", v->name);
    }
}
