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
        if (v->dtype == EC_DT_STRING && v->str_max < 0)
            ec_fail("graph input '%s' is a string tensor: give the most bytes one of its strings may "
                    "have (--max-string-bytes N, or --max-string-bytes %s=N)", v->name, v->name);
        if (ec_dtype_size(v->dtype) == 0 && v->dtype != EC_DT_STRING)
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
        if (v->dtype == EC_DT_STRING) return false;   /* strings are never constants */
        if (ec_dtype_size(v->dtype) == 0) return false;
        out_bytes += (size_t)ec_shape_numel(&v->shape) * ec_dtype_size(v->dtype);
    }
    if (!any_out) return false;
    if (out_bytes > FOLD_GROWTH_LIMIT && out_bytes > 2 * in_bytes) return false;
    return true;
}

/* ---- float16 and bfloat16 through float32 --------------------------------
 *
 * Most nn, reduce and linear-algebra kernels exist for float32 only. Such an
 * op with float16 or bfloat16 inputs computes in float32: a Cast to float is
 * inserted before it for each such input and a Cast back after it for each
 * float output that has the input's type in the ONNX spec. This is what CPUs
 * without half-precision arithmetic do anyway, the casts are exact for the
 * inputs, and the generated code names them (node 'x/to_float'). The ops
 * are those whose ec_opdef row has EC_OPF_F32_ONLY. */

static bool is_half(ec_dtype t) { return t == EC_DT_FLOAT16 || t == EC_DT_BFLOAT16; }

static bool f32_only(const ec_node *n)
{
    const ec_opdef *d;
    if (n->domain[0] && strcmp(n->domain, "ai.onnx") != 0) return false;
    d = ec_op_find(n->op, n->domain);
    return d && (d->flags & EC_OPF_F32_ONLY);
}

static ec_node cast_node(const ec_node *like, const char *name, int in, int out, ec_dtype to)
{
    ec_node c;
    memset(&c, 0, sizeof c);
    c.name = ec_fmt("%s/%s", like->name[0] ? like->name : like->op, name);
    c.op = ec_strdup("Cast");
    c.domain = ec_strdup("");
    c.index = like->index;
    c.region = like->region; /* in the same If branch / Loop body */
    c.branch = like->branch;
    c.nin = c.nout = 1;
    c.in = ec_alloc(sizeof(int));
    c.out = ec_alloc(sizeof(int));
    c.in[0] = in;
    c.out[0] = out;
    ec_node_push_attr(&c, ec_attr_new_int("to", to));
    return c;
}

/* Casts to float before node i for its half inputs; true if it inserted any
 * (node i then moved). */
static bool widen_inputs(ec_graph *g, int i)
{
    ec_node *n = &g->nodes.a[i];
    EC_VEC(ec_node) add = { 0 };
    int k;
    if (n->widened_from || !f32_only(n)) return false;
    for (k = 0; k < n->nin; k++) {
        int v = n->in[k], w;
        char *hint;
        if (v < 0 || !is_half(g->values.a[v].dtype)) continue;
        if (!n->widened_from) n->widened_from = g->values.a[v].dtype;
        hint = ec_fmt("%s/float", g->values.a[v].name);
        w = ec_value_new(g, hint);
        ec_free(hint);
        n = &g->nodes.a[i];
        EC_PUSH(add, cast_node(n, ec_fmt("in%d_to_float", k), v, w, EC_DT_FLOAT));
        n->in[k] = w;
    }
    if (!add.n) return false;
    ec_splice_nodes(g, i, add.a, add.n);
    ec_free(add.a);
    return true;
}

/* Does output k of a widened node have input 0's type (T) in the spec? */
static bool output_follows_input(const ec_node *n, int k)
{
    const ec_opdef *d = ec_op_find(n->op, n->domain);
    return !(d && (d->flags & EC_OPF_ONLY_OUT0_FOLLOWS_INPUT)) || k == 0;
}

/* After node i (widened) was inferred: its float outputs that follow T get a
 * float value of their own and a Cast back to the half type after the node. */
static void narrow_outputs(ec_graph *g, int i)
{
    EC_VEC(ec_node) add = { 0 };
    int k;
    for (k = 0; k < g->nodes.a[i].nout; k++) {
        ec_node *n = &g->nodes.a[i];
        int v = n->out[k], w;
        ec_value *x;
        char *hint;
        if (v < 0 || g->values.a[v].dtype != EC_DT_FLOAT || !output_follows_input(n, k)) continue;
        hint = ec_fmt("%s/float", g->values.a[v].name);
        w = ec_value_new(g, hint);
        ec_free(hint);
        n = &g->nodes.a[i];
        x = &g->values.a[w];
        x->dtype = EC_DT_FLOAT;
        x->shape = g->values.a[v].shape;
        x->producer = i;
        g->values.a[v].dtype = n->widened_from;
        n->out[k] = w;
        EC_PUSH(add, cast_node(n, ec_fmt("out%d_to_%s", k, ec_dtype_name(n->widened_from)), w, v,
                               n->widened_from));
    }
    if (add.n) ec_splice_nodes(g, i + 1, add.a, add.n);
    ec_free(add.a);
}

void ec_infer_and_fold(ec_graph *g)
{
    int i, k;
    check_inputs_static(g);
    for (i = 0; i < g->nodes.n; i++) ec_ctl_type_body_inputs(g, i);
    for (i = 0;; i++) {
        ec_node *n;
        const ec_opdef *d;
        /* sequence/optional graph outputs: Identity nodes per element, inferred too */
        if (i == g->nodes.n && !ec_seq_expand_outputs(g)) break;
        n = &g->nodes.a[i];
        if (n->dead) continue;
        if (ec_ctl_expand(g, i)) { i--; continue; }
        if (ec_seq_expand(g, i)) { i--; continue; }
        if (widen_inputs(g, i)) { i--; continue; }
        d = ec_op_find(n->op, n->domain);
        if (!d) ec_fail_node(g, i, "unsupported op");
        for (k = 0; k < n->nin; k++) {
            ec_value *v = ec_in(g, i, k);
            if (v && (v->dtype == EC_DT_UNDEFINED || v->shape.rank < 0))
                ec_fail_node(g, i, "input %d ('%s') has no known type or shape", k, v->name);
            if (v && v->dtype == EC_DT_STRING && !(d->flags & EC_OPF_STRINGS))
                ec_fail_node(g, i, "input %d ('%s'): string tensors are not supported by %s "
                             "(only by Cast, CastLike and StringNormalizer)", k, v->name, n->op);
            if (v && v->dtype == EC_DT_STRING && v->data)
                ec_fail_node(g, i, "input %d ('%s'): string constants are not supported", k, v->name);
            if (v && ec_dtype_size(v->dtype) == 0 && v->dtype != EC_DT_STRING)
                ec_fail_node(g, i, "input %d ('%s') has unsupported type %s", k, v->name,
                             ec_dtype_name(v->dtype));
        }
        d->infer(g, i);
        for (k = 0; k < n->nout; k++) {
            ec_value *v = ec_out(g, i, k);
            if (v && (v->dtype == EC_DT_UNDEFINED || v->shape.rank < 0))
                ec_fail_node(g, i, "internal: output %d ('%s') was not inferred", k, v->name);
        }
        if (n->widened_from) narrow_outputs(g, i);
        if (foldable(g, i, d)) ec_interp_node(g, i);
        else if (n->owns && ec_ctl_is_loop(n)) ec_interp_region(g, i); /* all inputs constant: fold */
    }
    /* Graph outputs declared with a type must agree with what was inferred. */
    for (i = 0; i < g->outputs.n; i++) {
        ec_value *v = &g->values.a[g->outputs.a[i]];
        if (v->dtype == EC_DT_UNDEFINED || v->shape.rank < 0)
            ec_fail("graph output '%s' has no known type or shape", v->name);
    }
}
