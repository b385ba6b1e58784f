/* control.c - control flow over sub-graphs: If, Loop, Scan.
 *
 * ec_infer_and_fold calls ec_ctl_expand on each node just before inferring
 * it, so the node's inputs are already inferred and folded:
 *
 *   - If with a constant condition: the chosen branch's nodes are copied into
 *     the parent graph in place of the If, and each If output becomes an
 *     Identity (a view) of the branch output; the other branch is never read.
 *   - If with a run-time condition: both branches are copied in front of the
 *     If, into a new region (node.region, branch 0 then / 1 else), and the If
 *     becomes the control node of that region: op If, domain "edgec", inputs
 *     cond, then outputs, else outputs. Lowering makes it
 *         if (*cond) { then steps; outputs = then outputs } else { ... }
 *   - Loop and Scan: the body is copied in front of the node into a region,
 *     once, and the node becomes op Loop or Scan, domain "edgec" (layout below), which
 *     lowers to
 *         carried = initial; for (i = 0; i < trips; i++) { [if (!cond) break;]
 *           iteration number, scan input slices; body steps;
 *           scan outputs[i] = body scan outputs; carried = body outputs }
 *         outputs = carried
 *     The trip count must be known at compile time (Loop's M a constant, a
 *     Scan's scan-input length); a scan output's length must not depend on a
 *     condition computed at run time. Body values that depend only on the
 *     iteration number and constants are tabled at compile time (hoist()).
 *     A Loop whose inputs are all constant is folded by the interpreter.
 *
 * A region's nodes read outer values by name. Names resolve in the parent
 * graph for a top-level node; a control node inside a copied region gets the
 * names its sub-graphs read from outside as extra inputs (listed in the
 * attribute "edgec.captures"), so scheduling sees them and they resolve once
 * that node is expanded in turn.
 *
 * Loop and Scan (edgec) layout, N carried values, S scan inputs, K scan outputs:
 *   inputs   M, cond, initial[N], scan_in[S],  cond_out, body_out[N], body_scan[K]
 *   outputs  final[N], scan_out[K],  iter, cond_in, carried[N], slice[S]
 *   attrs    edgec_loop = [N, S, K, trips, batch], edgec_dirs = [S + K
 *            directions, 1 reverse], edgec_axes = [S scan-input axes, K
 *            scan-output axes]
 * M, cond, cond_out, iter and cond_in are -1 for a Scan. batch is 1 for a
 * Scan-8 (its batch dimension, which must be 1, is dropped in the body).
 */
#include <string.h>
#include "ir.h"
#include "ec_control.h"

#define CAPTURES "edgec.captures"

typedef EC_VEC(char *) name_vec;

static bool locally_defined(const ec_value *v)
{
    return v->producer >= 0 || v->is_input || v->is_initializer || v->data || v->resolved;
}

static void name_add(name_vec *nv, const char *name)
{
    int i;
    for (i = 0; i < nv->n; i++)
        if (strcmp(nv->a[i], name) == 0) return;
    EC_PUSH(*nv, ec_strdup(name));
}

static void free_names(const ec_graph *sg, name_vec *out);

/* Names the sub-graphs of node n read from outside themselves. */
static void node_graph_reads(const ec_node *n, name_vec *out)
{
    int k, j;
    for (k = 0; k < n->nattrs; k++) {
        const ec_attr *a = &n->attrs[k];
        int ng = a->type == EC_ATTR_GRAPH ? 1 : a->type == EC_ATTR_GRAPHS ? a->n : 0;
        for (j = 0; j < ng; j++) {
            const ec_graph *sub = a->type == EC_ATTR_GRAPH ? a->g : a->graphs[j];
            if (sub) free_names(sub, out);
        }
    }
}

/* Names sg reads from enclosing graphs: its nodes' and outputs' reads, and
 * its sub-graphs' reads, that sg does not define. (Recursion is bounded by
 * the frontend's sub-graph depth limit.) */
static void free_names(const ec_graph *sg, name_vec *out)
{
    int i, k;
    for (i = 0; i < sg->nodes.n; i++) {
        const ec_node *n = &sg->nodes.a[i];
        name_vec inner = { 0 };
        for (k = 0; k < n->nin; k++)
            if (n->in[k] >= 0 && !locally_defined(&sg->values.a[n->in[k]]))
                name_add(out, sg->values.a[n->in[k]].name);
        node_graph_reads(n, &inner);
        for (k = 0; k < inner.n; k++) {
            int v = ec_value_find(sg, inner.a[k]);
            if (v < 0 || !locally_defined(&sg->values.a[v])) name_add(out, inner.a[k]);
            ec_free(inner.a[k]);
        }
        ec_free(inner.a);
    }
    for (i = 0; i < sg->outputs.n; i++)
        if (!locally_defined(&sg->values.a[sg->outputs.a[i]]))
            name_add(out, sg->values.a[sg->outputs.a[i]].name);
}

/* A fresh value of g named PREFIX/name. */
static int fresh_value(ec_graph *g, const char *prefix, const char *name)
{
    char *hint = ec_fmt("%s/%s", prefix, name);
    int v = ec_value_new(g, hint);
    ec_free(hint);
    return v;
}

static bool default_domain(const ec_node *n)
{
    return !n->domain[0] || strcmp(n->domain, "ai.onnx") == 0;
}

static bool is_onnx(const ec_node *n, const char *op)
{
    return strcmp(n->op, op) == 0 && default_domain(n);
}

static bool has_graph_attr(const ec_node *n)
{
    int k;
    for (k = 0; k < n->nattrs; k++)
        if (n->attrs[k].type == EC_ATTR_GRAPH || n->attrs[k].type == EC_ATTR_GRAPHS) return true;
    return false;
}

/* Inputs of n that are its own, not appended captures. */
static int own_inputs(const ec_node *n)
{
    const ec_attr *cap = ec_attr_find(n, CAPTURES);
    return cap ? n->nin - cap->n : n->nin;
}

/* Copying one sub-graph of the control node at g's node `node` into new nodes. */
typedef struct inliner {
    ec_graph *g;
    int node;                       /* the If / Loop / Scan */
    const char *prefix;             /* names of the copies: PREFIX/name */
    int region, branch;             /* where the copies live */
    EC_VEC(ec_node) nodes;          /* the copies, in order */
} inliner;

/* A name the sub-graph reads from outside, as a value of g. */
static int resolve_outer(inliner *in, const char *name)
{
    ec_graph *g = in->g;
    const ec_node *n = NODE(g, in->node);
    const ec_attr *cap = ec_attr_find(n, CAPTURES);
    int v, k;
    if (cap) {
        int base = n->nin - cap->n;
        for (k = 0; k < cap->n; k++)
            if (strcmp(cap->strings[k], name) == 0) return n->in[base + k];
        ec_fail_node(g, in->node, "a sub-graph reads undefined value '%s'", name);
    }
    v = ec_value_find(g, name);
    if (v < 0 || !locally_defined(&g->values.a[v]))
        ec_fail_node(g, in->node, "a sub-graph reads undefined value '%s'", name);
    if (g->values.a[v].producer >= in->node)
        ec_fail_node(g, in->node, "a sub-graph reads '%s', which is computed after the %s", name,
                     n->op);
    return v;
}

/* g's value for value v of sub-graph sg; map caches it. */
static int resolve(inliner *in, ec_graph *sg, int *map, int v)
{
    ec_graph *g = in->g;
    const ec_value *sv = &sg->values.a[v];
    if (map[v] >= 0) return map[v];
    if (sv->data) {
        int nv = fresh_value(g, in->prefix, sv->name);
        size_t nb = sv->nbytes ? sv->nbytes : 1;
        void *data = ec_alloc(nb);
        memcpy(data, sv->data, sv->nbytes);
        ec_value_set_const(g, nv, sv->dtype, &sv->shape, data);
        g->values.a[nv].nbytes = sv->nbytes;
        g->values.a[nv].is_initializer = true;
        map[v] = nv;
    } else if (sv->producer >= 0) {
        ec_fail_node(g, in->node, "sub-graph value '%s' is read before it is computed", sv->name);
    } else {
        map[v] = resolve_outer(in, sv->name);
    }
    return map[v];
}

/* Copy the nodes of sub-graph sg (those with pick[i], all if pick is NULL);
 * out[k] (if out) gets g's value of its output k. map (sg's value count, -1 =
 * not yet known) may give values for sg's inputs. */
static void inline_graph(inliner *in, ec_graph *sg, int *map, int *out, const bool *pick)
{
    ec_graph *g = in->g;
    int i, k;
    ec_toposort(sg);
    for (i = 0; i < sg->nodes.n; i++) {
        const ec_node *sn = &sg->nodes.a[i];
        ec_node c;
        name_vec caps = { 0 };
        if (sn->dead || (pick && !pick[i])) continue;
        memset(&c, 0, sizeof c);
        c.op = ec_strdup(sn->op);
        c.domain = ec_strdup(sn->domain);
        c.name = ec_fmt("%s/%s", in->prefix, sn->name[0] ? sn->name : sn->op);
        c.index = NODE(g, in->node)->index;
        c.region = in->region;
        c.branch = in->branch;
        if (has_graph_attr(sn)) node_graph_reads(sn, &caps);
        c.nin = sn->nin + caps.n;
        c.nout = sn->nout;
        c.in = ec_alloc(sizeof(int) * (size_t)(c.nin + 1));
        c.out = ec_alloc(sizeof(int) * (size_t)(c.nout + 1));
        for (k = 0; k < sn->nin; k++)
            c.in[k] = sn->in[k] >= 0 ? resolve(in, sg, map, sn->in[k]) : -1;
        for (k = 0; k < caps.n; k++) {
            int v = ec_value_find(sg, caps.a[k]);
            c.in[sn->nin + k] = v >= 0 ? resolve(in, sg, map, v) : resolve_outer(in, caps.a[k]);
        }
        for (k = 0; k < sn->nout; k++) {
            int v = sn->out[k];
            if (v < 0) { c.out[k] = -1; continue; }
            if (map[v] >= 0)
                ec_fail_node(g, in->node, "sub-graph value '%s' is computed twice",
                             sg->values.a[v].name);
            map[v] = fresh_value(g, in->prefix, sg->values.a[v].name);
            c.out[k] = map[v];
        }
        c.nattrs = sn->nattrs + (caps.n ? 1 : 0);
        c.attrs = ec_alloc(sizeof(ec_attr) * (size_t)(c.nattrs + 1));
        for (k = 0; k < sn->nattrs; k++) c.attrs[k] = sn->attrs[k];
        if (caps.n) {
            ec_attr *a = &c.attrs[sn->nattrs];
            memset(a, 0, sizeof *a);
            a->name = ec_strdup(CAPTURES);
            a->type = EC_ATTR_STRINGS;
            a->n = caps.n;
            a->strings = caps.a;
        }
        EC_PUSH(in->nodes, c);
    }
    if (out)
        for (k = 0; k < sg->outputs.n; k++) out[k] = resolve(in, sg, map, sg->outputs.a[k]);
}

static int *new_map(const ec_graph *sg)
{
    int *map = ec_alloc(sizeof(int) * (size_t)(sg->values.n + 1));
    int i;
    for (i = 0; i < sg->values.n; i++) map[i] = -1;
    return map;
}

void ec_inline_subgraph(ec_graph *g, int node, ec_graph *sg, const char *prefix, const int *inputs,
                        int *out, ec_node **nodes, int *nnodes)
{
    inliner in;
    int k, *map = new_map(sg);
    memset(&in, 0, sizeof in);
    in.g = g;
    in.node = node;
    in.prefix = prefix;
    in.region = NODE(g, node)->region;   /* the copies take the node's place */
    in.branch = NODE(g, node)->branch;
    if (inputs)
        for (k = 0; k < sg->inputs.n; k++) map[sg->inputs.a[k]] = inputs[k];
    for (k = 0; k < *nnodes; k++) EC_PUSH(in.nodes, (*nodes)[k]);
    inline_graph(&in, sg, map, out, NULL);
    ec_free(map);
    ec_free(*nodes);
    *nodes = in.nodes.a;
    *nnodes = in.nodes.n;
}

static ec_graph *graph_attr(ec_graph *g, int node, const char *name)
{
    const ec_attr *a = ec_attr_find(NODE(g, node), name);
    if (!a || a->type != EC_ATTR_GRAPH || !a->g)
        ec_fail_node(g, node, "missing graph attribute '%s'", name);
    return a->g;
}

static ec_graph *branch(ec_graph *g, int node, const char *name)
{
    ec_graph *sg = graph_attr(g, node, name);
    if (sg->outputs.n != NODE(g, node)->nout)
        ec_fail_node(g, node, "%s has %d outputs, the If has %d", name, sg->outputs.n,
                     NODE(g, node)->nout);
    if (sg->inputs.n != 0) ec_fail_node(g, node, "%s must not have inputs", name);
    return sg;
}

/* The one-element bool condition of an If; no data when only known at run time. */
static const ec_value *if_cond(ec_graph *g, int node)
{
    const ec_value *c = ec_in(g, node, 0);
    if (!c) ec_fail_node(g, node, "missing input 0 (cond)");
    if (c->dtype != EC_DT_BOOL)
        ec_fail_node(g, node, "cond has type %s, expected bool", ec_dtype_name(c->dtype));
    if (!ec_is_one(c, EC_DT_UNDEFINED))
        ec_fail_node(g, node, "cond must have exactly one element");
    return c;
}

static bool expand_if(ec_graph *g, int node)
{
    ec_node *n = NODE(g, node);
    const char *base = n->name[0] ? n->name : "If";
    inliner in;
    int nout = n->nout, k, *then_out, *else_out;
    bool run_time, which = true;
    {
        const ec_value *cond = if_cond(g, node);
        run_time = cond->data == NULL;
        if (!run_time) which = *(const unsigned char *)cond->data != 0;
    }
    memset(&in, 0, sizeof in);
    in.g = g;
    in.node = node;
    /* a constant condition: the copies take the If's place; else a new region */
    in.region = run_time ? ++g->nregions : n->region;
    in.branch = run_time ? 0 : n->branch;
    then_out = ec_alloc(sizeof(int) * (size_t)(nout + 1));
    else_out = ec_alloc(sizeof(int) * (size_t)(nout + 1));
    if (run_time || which) {
        ec_graph *sg = branch(g, node, "then_branch");
        int *map = new_map(sg);
        in.prefix = ec_fmt("%s/then", base);
        inline_graph(&in, sg, map, then_out, NULL);
        ec_free(map);
    }
    if (run_time || !which) {
        ec_graph *sg = branch(g, node, "else_branch");
        int *map = new_map(sg);
        in.prefix = ec_fmt("%s/else", base);
        if (run_time) in.branch = 1;
        inline_graph(&in, sg, map, run_time ? else_out : then_out, NULL);
        ec_free(map);
    }
    n = NODE(g, node);
    if (run_time) {
        /* the If becomes the region's control node: cond, then outputs, else outputs */
        int *ins = ec_alloc(sizeof(int) * (size_t)(2 * nout + 2));
        ins[0] = n->in[0];
        for (k = 0; k < nout; k++) {
            ins[1 + k] = then_out[k];
            ins[1 + nout + k] = else_out[k];
        }
        n->in = ins;
        n->nin = 1 + 2 * nout;
        n->domain = ec_strdup("edgec");
        n->attrs = NULL;
        n->nattrs = 0;
        n->owns = in.region;
    } else {
        /* each output an Identity (a view) of the branch's, in place of the If */
        const ec_node tmpl = *n;
        for (k = 0; k < nout; k++) {
            ec_node c = tmpl;
            c.op = ec_strdup("Identity");
            c.domain = ec_strdup("");
            c.attrs = NULL;
            c.nattrs = 0;
            c.nin = c.nout = 1;
            c.in = ec_alloc(sizeof(int));
            c.out = ec_alloc(sizeof(int));
            c.in[0] = then_out[k];
            c.out[0] = tmpl.out[k];
            if (nout > 1) c.name = ec_fmt("%s/out%d", base, k);
            EC_PUSH(in.nodes, c);
        }
        memmove(g->nodes.a + node, g->nodes.a + node + 1,
                sizeof(ec_node) * (size_t)(g->nodes.n - node - 1));
        g->nodes.n--;
    }
    ec_splice_nodes(g, node, in.nodes.a, in.nodes.n);
    ec_free(in.nodes.a);
    ec_free(then_out);
    ec_free(else_out);
    return true;
}

/* ---- Loop and Scan ------------------------------------------------------- */

/* A fresh run-time value of g with the given type. */
static int typed_value(ec_graph *g, const char *prefix, const char *name, ec_dtype dt, const ec_shape *s)
{
    int v = fresh_value(g, prefix, name);
    g->values.a[v].dtype = dt;
    g->values.a[v].shape = *s;
    return v;
}

static const ec_value *scalar_in(ec_graph *g, int node, int k, const char *what, ec_dtype dt)
{
    const ec_value *v = ec_in(g, node, k);
    if (!v) return NULL;
    if (v->dtype != dt)
        ec_fail_node(g, node, "%s has type %s, expected %s", what, ec_dtype_name(v->dtype), ec_dtype_name(dt));
    if (!ec_is_one(v, EC_DT_UNDEFINED))
        ec_fail_node(g, node, "%s must have exactly one element", what);
    return v;
}

/* Element i of attribute `name` (ints), or dflt. */
static int64_t attr_at(const ec_node *n, const char *name, int i, int64_t dflt)
{
    const int64_t *v;
    int cnt = ec_attr_ints(n, name, &v);
    return i < cnt ? v[i] : dflt;
}

/* The body input k must agree with the value given for it (when it declares a type). */
static void check_body_input(ec_graph *g, int node, const ec_graph *body, int k, ec_dtype dt)
{
    const ec_value *b = &body->values.a[body->inputs.a[k]];
    if (b->dtype != EC_DT_UNDEFINED && b->dtype != dt)
        ec_fail_node(g, node, "body input %d ('%s') is %s, the value given for it is %s", k, b->name,
                     ec_dtype_name(b->dtype), ec_dtype_name(dt));
}

/* A new node in in->nodes (a copy's region and place). */
static void add_node(inliner *in, const char *op, const char *name, const int *ins, int nin, int out,
                     const ec_attr *attr)
{
    ec_node c;
    memset(&c, 0, sizeof c);
    c.op = ec_strdup(op);
    c.domain = ec_strdup("");
    c.name = ec_strdup(name);
    c.index = NODE(in->g, in->node)->index;
    c.region = in->region;
    c.branch = in->branch;
    c.nin = nin;
    c.in = ec_alloc(sizeof(int) * (size_t)(nin + 1));
    memcpy(c.in, ins, sizeof(int) * (size_t)nin);
    c.nout = 1;
    c.out = ec_alloc(sizeof(int));
    c.out[0] = out;
    if (attr) {
        c.nattrs = 1;
        c.attrs = ec_alloc(sizeof(ec_attr));
        c.attrs[0] = *attr;
    }
    EC_PUSH(in->nodes, c);
}

static int const_value(ec_graph *g, const char *prefix, const char *name, ec_dtype dt, int rank,
                       const int64_t *dims, const void *data, size_t nbytes)
{
    int v = fresh_value(g, prefix, name);
    ec_shape s = ec_shape_make(rank, dims);
    void *d = ec_alloc(nbytes ? nbytes : 1);
    memcpy(d, data, nbytes);
    ec_value_set_const(g, v, dt, &s, d);
    g->values.a[v].is_initializer = true;
    return v;
}

/* Iteration constants: body nodes that depend on the iteration number and
 * otherwise only on constants (the bounds of a Slice by the iteration, say)
 * are computed at compile time for every iteration, into a table the body
 * reads with Gather(table, iteration number). Their copies go in front of the
 * Loop (into in->nodes, at the Loop's place) and fold. Returns the body
 * nodes not to copy into the body (NULL: none), and sets map for the values
 * the body reads from tables. */
static bool *hoist(inliner *in, ec_graph *body, int *map, int iter, int64_t trips)
{
    ec_graph *g = in->g;
    const ec_node *ln = NODE(g, in->node);
    int nv = body->values.n, nn, i, k, t, nh = 0, npick = 0, bi;
    bool *only, *dep, *h, *pick, *front;
    int region = in->region, branch = in->branch;
    const char *prefix = in->prefix;
    ec_toposort(body);
    nn = body->nodes.n;
    bi = body->inputs.a[0];
    only = ec_alloc(sizeof(bool) * (size_t)(nv + 1));
    dep = ec_alloc(sizeof(bool) * (size_t)(nv + 1));
    h = ec_alloc(sizeof(bool) * (size_t)(nn + 1));
    pick = ec_alloc(sizeof(bool) * (size_t)(nn + 1));
    front = ec_alloc(sizeof(bool) * (size_t)(nv + 1));
    only[bi] = dep[bi] = true;
    for (i = 0; i < nv; i++) {
        const ec_value *v = &body->values.a[i];
        if (v->data) only[i] = true;
        else if (!locally_defined(v)) only[i] = g->values.a[resolve_outer(in, v->name)].data != NULL;
    }
    for (i = 0; i < nn; i++) {
        const ec_node *n = &body->nodes.a[i];
        bool o = !n->dead && !has_graph_attr(n) && n->nout > 0, d = false;
        const ec_opdef *od = ec_op_find(n->op, n->domain);
        if (od && (od->flags & EC_OPF_NOFOLD)) o = false;
        for (k = 0; k < n->nin; k++)
            if (n->in[k] >= 0) {
                o = o && only[n->in[k]];
                d = d || dep[n->in[k]];
            }
        for (k = 0; k < n->nout; k++)
            if (n->out[k] >= 0) {
                only[n->out[k]] = o;
                dep[n->out[k]] = d;
            }
        pick[i] = o;
        h[i] = o && d;
        nh += h[i];
        npick += pick[i];
    }
    if (nh == 0 || trips < 1 || trips * npick > 4096) {
        ec_free(only); ec_free(dep); ec_free(h); ec_free(pick); ec_free(front);
        return NULL;
    }
    /* the values of hoisted nodes read by the rest of the body */
    for (i = 0; i < nn; i++) {
        const ec_node *n = &body->nodes.a[i];
        name_vec reads = { 0 };
        if (h[i] || n->dead) continue;
        for (k = 0; k < n->nin; k++)
            if (n->in[k] >= 0 && only[n->in[k]] && dep[n->in[k]]) front[n->in[k]] = true;
        if (has_graph_attr(n)) node_graph_reads(n, &reads);
        for (k = 0; k < reads.n; k++) {
            int v = ec_value_find(body, reads.a[k]);
            if (v >= 0 && only[v] && dep[v]) front[v] = true;
        }
    }
    for (k = 0; k < body->outputs.n; k++) {
        int v = body->outputs.a[k];
        if (only[v] && dep[v]) front[v] = true;
    }
    front[bi] = false; /* the iteration number itself stays */
    {
        int **parts = ec_alloc(sizeof(int *) * (size_t)(nv + 1));
        in->region = ln->region;
        in->branch = ln->branch;
        for (t = 0; t < trips; t++) {
            int *m = new_map(body);
            int64_t tv = t;
            in->prefix = ec_fmt("%s/iter%lld", prefix, (long long)t);
            m[bi] = const_value(g, in->prefix, "iter", EC_DT_INT64, 0, NULL, &tv, sizeof tv);
            inline_graph(in, body, m, NULL, pick);
            for (i = 0; i < nv; i++)
                if (front[i]) {
                    if (!parts[i]) parts[i] = ec_alloc(sizeof(int) * (size_t)(trips + 1));
                    parts[i][t] = m[i];
                }
            ec_free(m);
        }
        for (i = 0; i < nv; i++) {
            int *us, table, gi[2];
            ec_attr ax;
            char *nm;
            if (!front[i]) continue;
            in->prefix = prefix;
            us = ec_alloc(sizeof(int) * (size_t)(trips + 1));
            for (t = 0; t < trips; t++) {
                int ui[2];
                static const int64_t zero = 0, one = 1;
                nm = ec_fmt("%s/iter%lld/%s", prefix, (long long)t, body->values.a[i].name);
                us[t] = fresh_value(g, nm, "row");
                ui[0] = parts[i][t];
                if (g->opset >= 13) {
                    ui[1] = const_value(g, nm, "axes", EC_DT_INT64, 1, &one, &zero, sizeof zero);
                    add_node(in, "Unsqueeze", nm, ui, 2, us[t], NULL);
                } else {
                    ax = ec_attr_new_ints("axes", &zero, 1);
                    add_node(in, "Unsqueeze", nm, ui, 1, us[t], &ax);
                }
            }
            nm = ec_fmt("%s/%s_by_iteration", prefix, body->values.a[i].name);
            table = fresh_value(g, prefix, ec_fmt("%s_by_iteration", body->values.a[i].name));
            ax = ec_attr_new_int("axis", 0);
            add_node(in, "Concat", nm, us, (int)trips, table, &ax);
            /* in the body: the row of this iteration */
            in->region = region;
            in->branch = branch;
            gi[0] = table;
            gi[1] = iter;
            map[i] = fresh_value(g, prefix, body->values.a[i].name);
            add_node(in, "Gather", ec_fmt("%s/%s", prefix, body->values.a[i].name), gi, 2, map[i], NULL);
            in->region = ln->region;
            in->branch = ln->branch;
            ec_free(us);
            ec_free(parts[i]);
        }
        ec_free(parts);
    }
    in->region = region;
    in->branch = branch;
    in->prefix = prefix;
    for (i = 0; i < nn; i++) pick[i] = h[i] ? false : true;
    ec_free(only); ec_free(dep); ec_free(h); ec_free(front);
    return pick;
}

static bool expand_loop(ec_graph *g, int node, bool scan)
{
    ec_node *n = NODE(g, node);
    const char *base = n->name[0] ? n->name : n->op;
    ec_graph *body = graph_attr(g, node, "body");
    int nin = own_inputs(n), N, S = 0, K, first_init, first_scan, batch = 0, k, j;
    int M = -1, cond = -1, iter = -1, cond_in = -1, *map, *bout, *ins, *outs;
    bool *skip;
    int64_t trips = 0, info[5];
    int64_t *dirs, *axes, *in_axes;
    inliner in;
    char sh[128];

    if (!scan) {
        const ec_value *m, *c;
        if (nin < 2) ec_fail_node(g, node, "needs the inputs M and cond (either may be empty)");
        N = nin - 2;
        first_init = 2;
        if (body->inputs.n != 2 + N)
            ec_fail_node(g, node, "body has %d inputs, expected %d (iteration number, condition and %d carried)",
                         body->inputs.n, 2 + N, N);
        if (body->outputs.n < 1 + N)
            ec_fail_node(g, node, "body has %d outputs, expected at least %d (condition and %d carried)",
                         body->outputs.n, 1 + N, N);
        K = body->outputs.n - 1 - N;
        m = scalar_in(g, node, 0, "M", EC_DT_INT64);
        c = scalar_in(g, node, 1, "cond", EC_DT_BOOL);
        if (!m)
            ec_fail_node(g, node, "a Loop without a trip count M runs until its condition is false; edgec needs "
                         "the number of iterations at compile time");
        if (!m->data)
            ec_fail_node(g, node, "the trip count M ('%s') is known only at run time; edgec needs it at compile "
                         "time (bind it with --bind)", m->name);
        trips = ec_const_int(m, 0);
        if (trips < 0) trips = 0;
        if (trips > INT32_MAX)
            ec_fail_node(g, node, "trip count %lld is too large (at most 2^31-1)", (long long)trips);
        if (c && c->data && !*(const unsigned char *)c->data) trips = 0;
        M = n->in[0];
        if (c) {
            cond = n->in[1];
        } else {
            /* no initial condition: true */
            ec_shape s0 = ec_shape_make(0, NULL);
            unsigned char *one = ec_alloc(1);
            one[0] = 1;
            cond = fresh_value(g, base, "cond_true");
            ec_value_set_const(g, cond, EC_DT_BOOL, &s0, one);
            g->values.a[cond].is_initializer = true;
            n = NODE(g, node);
        }
    } else {
        const ec_attr *ns = ec_attr_find(n, "num_scan_inputs");
        if (!ns || ns->type != EC_ATTR_INT) ec_fail_node(g, node, "missing attribute num_scan_inputs");
        if (ns->i < 1) ec_fail_node(g, node, "num_scan_inputs must be >= 1");
        S = (int)(ns->i < 1000 ? ns->i : 1000);
        batch = g->opset < 9;
        first_init = batch ? 1 : 0;
        if (batch && nin > 0 && n->in[0] >= 0)
            ec_fail_node(g, node, "sequence_lens is not supported (every sequence must have the full length)");
        N = nin - first_init - S;
        if (N < 0) ec_fail_node(g, node, "has %d inputs, fewer than num_scan_inputs (%d)", nin, S);
        if (body->inputs.n != N + S)
            ec_fail_node(g, node, "body has %d inputs, expected %d (%d carried and %d scan inputs)",
                         body->inputs.n, N + S, N, S);
        if (body->outputs.n < N)
            ec_fail_node(g, node, "body has %d outputs, expected at least %d", body->outputs.n, N);
        K = body->outputs.n - N;
    }
    if (n->nout != N + K)
        ec_fail_node(g, node, "has %d outputs, its body gives %d (%d carried and %d scan outputs)", n->nout,
                     N + K, N, K);
    first_scan = first_init + N;

    memset(&in, 0, sizeof in);
    in.g = g;
    in.node = node;
    in.prefix = ec_fmt("%s/body", base);
    in.region = ++g->nregions;
    map = new_map(body);
    /* the body's inputs */
    if (!scan) {
        ec_shape s0 = ec_shape_make(0, NULL);
        iter = typed_value(g, in.prefix, "iter", EC_DT_INT64, &s0);
        cond_in = typed_value(g, in.prefix, "cond", EC_DT_BOOL, &s0);
        check_body_input(g, node, body, 0, EC_DT_INT64);
        check_body_input(g, node, body, 1, EC_DT_BOOL);
        map[body->inputs.a[0]] = iter;
        map[body->inputs.a[1]] = cond_in;
    }
    outs = ec_alloc(sizeof(int) * (size_t)(2 * N + K + S + 3));
    ins = ec_alloc(sizeof(int) * (size_t)(2 * N + S + K + 4));
    for (j = 0; j < N; j++) {
        const ec_value *v = ec_in(g, node, first_init + j);
        ec_shape s;
        int bi = body->inputs.a[(scan ? 0 : 2) + j];
        if (!v) ec_fail_node(g, node, "initial value %d is missing", j);
        s = v->shape;
        if (batch) {
            if (s.rank < 1 || s.dim[0] != 1)
                ec_fail_node(g, node, "initial value %d ('%s' %s): only batch size 1 is supported", j, v->name,
                             ec_shape_str(&s, sh, sizeof sh));
            memmove(s.dim, s.dim + 1, sizeof(int64_t) * (size_t)(s.rank - 1));
            memmove(s.sym, s.sym + 1, sizeof(char *) * (size_t)(s.rank - 1));
            s.rank--;
        }
        check_body_input(g, node, body, (scan ? 0 : 2) + j, v->dtype);
        outs[N + K + 2 + j] = map[bi] = typed_value(g, in.prefix, body->values.a[bi].name, v->dtype, &s);
    }
    dirs = ec_alloc(sizeof(int64_t) * (size_t)(S + K + 1));
    in_axes = ec_alloc(sizeof(int64_t) * (size_t)(S + 1));
    for (k = 0; k < S; k++) {
        const ec_value *v = ec_in(g, node, first_scan + k);
        int bi = body->inputs.a[N + k], a, d;
        int64_t lead = 1, len;
        ec_shape s;
        if (!v) ec_fail_node(g, node, "scan input %d is missing", k);
        s = v->shape;
        if (s.rank < 1 + batch)
            ec_fail_node(g, node, "scan input %d ('%s') must have rank >= %d", k, v->name, 1 + batch);
        a = batch ? 1 : ec_axis(g, node, attr_at(n, "scan_input_axes", k, 0), s.rank);
        for (d = 0; d < a; d++) lead *= s.dim[d];
        if (lead != 1)
            ec_fail_node(g, node, "scan input %d ('%s' %s) along axis %d: only a scan over the outermost "
                         "dimension (the ones before it all 1) is supported", k, v->name,
                         ec_shape_str(&s, sh, sizeof sh), a);
        len = s.dim[a];
        in_axes[k] = a;
        if (k == 0) trips = len;
        else if (len != trips)
            ec_fail_node(g, node, "scan input %d has length %lld, scan input 0 has %lld", k, (long long)len,
                         (long long)trips);
        dirs[k] = attr_at(n, batch ? "directions" : "scan_input_directions", k, 0) != 0;
        /* the slice: without the scan axis (and Scan-8's batch axis) */
        memmove(s.dim + a - batch, s.dim + a + 1, sizeof(int64_t) * (size_t)(s.rank - a - 1));
        memmove(s.sym + a - batch, s.sym + a + 1, sizeof(char *) * (size_t)(s.rank - a - 1));
        s.rank -= 1 + batch;
        check_body_input(g, node, body, N + k, v->dtype);
        outs[2 * N + K + 2 + k] = map[bi] = typed_value(g, in.prefix, body->values.a[bi].name, v->dtype, &s);
    }
    for (k = 0; k < K; k++) dirs[S + k] = attr_at(n, "scan_output_directions", k, 0) != 0;

    bout = ec_alloc(sizeof(int) * (size_t)(body->outputs.n + 1));
    skip = scan ? NULL : hoist(&in, body, map, iter, trips);
    inline_graph(&in, body, map, bout, skip);
    ec_free(map);
    n = NODE(g, node);

    /* the node becomes the region's control node */
    ins[0] = M;
    ins[1] = cond;
    for (j = 0; j < N; j++) ins[2 + j] = n->in[first_init + j];
    for (k = 0; k < S; k++) ins[2 + N + k] = n->in[first_scan + k];
    ins[2 + N + S] = scan ? -1 : bout[0];
    for (j = 0; j < N + K; j++) ins[3 + N + S + j] = bout[(scan ? 0 : 1) + j];
    for (j = 0; j < N + K; j++) outs[j] = n->out[j];
    outs[N + K] = iter;
    outs[N + K + 1] = cond_in;
    for (j = 0; j < N; j++)
        for (k = 0; k < N; k++)
            if (k != j && ins[3 + N + S + j] == outs[N + K + 2 + k])
                ec_fail_node(g, node, "carried value %d is carried value %d of the previous iteration: "
                             "exchanging carried values is not supported", j, k);
    axes = ec_alloc(sizeof(int64_t) * (size_t)(S + K + 1));
    for (k = 0; k < S; k++) axes[k] = in_axes[k];
    for (k = 0; k < K; k++) axes[S + k] = batch ? 0 : attr_at(n, "scan_output_axes", k, 0);
    n->in = ins;
    n->nin = 3 + 2 * N + S + K;
    n->out = outs;
    n->nout = 2 + 2 * N + K + S;
    n->op = ec_strdup(scan ? "Scan" : "Loop");
    n->domain = ec_strdup("edgec");
    n->attrs = NULL;
    n->nattrs = 0;
    n->owns = in.region;
    info[0] = N;
    info[1] = S;
    info[2] = K;
    info[3] = trips;
    info[4] = batch;
    ec_node_push_attr(n, ec_attr_new_ints("edgec_loop", info, 5));
    ec_node_push_attr(n, ec_attr_new_ints("edgec_dirs", dirs, S + K));
    ec_node_push_attr(n, ec_attr_new_ints("edgec_axes", axes, S + K));
    ec_free(in_axes);
    ec_free(axes);
    ec_free(dirs);
    ec_free(bout);
    ec_free(skip);
    ec_splice_nodes(g, node, in.nodes.a, in.nodes.n);
    ec_free(in.nodes.a);
    return true;
}

bool ec_ctl_expand(ec_graph *g, int node)
{
    ec_node *n = NODE(g, node);
    if (n->dead || !default_domain(n)) return false;
    if (strcmp(n->op, "If") == 0) return expand_if(g, node);
    if (strcmp(n->op, "Loop") == 0) return expand_loop(g, node, false);
    if (strcmp(n->op, "Scan") == 0) return expand_loop(g, node, true);
    return false;
}

/* ---- the control nodes ---------------------------------------------------- */

/* The If (edgec) region node: inputs cond, then..., else... */
static void infer_if_select(ec_graph *g, int node)
{
    const ec_node *n = NODE(g, node);
    const ec_value *cond = if_cond(g, node);
    int k, nout = n->nout;
    if (n->nin != 1 + 2 * nout) ec_fail_node(g, node, "internal: malformed If region node");
    for (k = 0; k < nout; k++) {
        const ec_value *a = ec_in(g, node, 1 + k), *b = ec_in(g, node, 1 + nout + k);
        char sa[128], sb[128];
        if (!a || !b) ec_fail_node(g, node, "internal: If without branch output %d", k);
        if (cond->data) {
            const ec_value *c = *(const unsigned char *)cond->data ? a : b;
            ec_set_out(g, node, k, c->dtype, &c->shape);
            continue;
        }
        if (a->dtype != b->dtype || !ec_shape_eq(&a->shape, &b->shape))
            ec_fail_node(g, node, "with a run-time condition both branches must give the same "
                         "type and shape: output %d is %s%s in then_branch, %s%s in else_branch", k,
                         ec_dtype_name(a->dtype), ec_shape_str(&a->shape, sa, sizeof sa),
                         ec_dtype_name(b->dtype), ec_shape_str(&b->shape, sb, sizeof sb));
        if (ec_dtype_size(a->dtype) == 0)
            ec_fail_node(g, node, "output %d has unsupported type %s", k, ec_dtype_name(a->dtype));
        ec_set_out(g, node, k, a->dtype, &a->shape);
    }
}

/* An ONNX If/Loop/Scan reaching inference was not expanded: the hook in ir/infer.c is missing. */
static void infer_unexpanded(ec_graph *g, int node)
{
    ec_fail_node(g, node, "internal: %s was not expanded before inference", NODE(g, node)->op);
}

typedef struct loopinfo {
    int N, S, K, batch;
    int64_t trips;
    /* input indices */
    int M, cond, init, scan_in, cond_out, body_out, body_scan;
    /* output indices */
    int final, scan_out, iter, cond_in, carried, slice;
    const int64_t *dirs, *axes;
} loopinfo;

static void loop_info(const ec_graph *g, int node, loopinfo *li)
{
    const ec_node *n = NODE(g, node);
    const int64_t *v;
    if (ec_attr_ints(n, "edgec_loop", &v) != 5) ec_fail_node(g, node, "internal: malformed Loop region node");
    li->N = (int)v[0];
    li->S = (int)v[1];
    li->K = (int)v[2];
    li->trips = v[3];
    li->batch = (int)v[4];
    li->M = 0;
    li->cond = 1;
    li->init = 2;
    li->scan_in = 2 + li->N;
    li->cond_out = 2 + li->N + li->S;
    li->body_out = li->cond_out + 1;
    li->body_scan = li->body_out + li->N;
    li->final = 0;
    li->scan_out = li->N;
    li->iter = li->N + li->K;
    li->cond_in = li->iter + 1;
    li->carried = li->cond_in + 1;
    li->slice = li->carried + li->N;
    if (n->nin != li->body_scan + li->K || n->nout != li->slice + li->S ||
        ec_attr_ints(n, "edgec_dirs", &li->dirs) != li->S + li->K ||
        ec_attr_ints(n, "edgec_axes", &li->axes) != li->S + li->K)
        ec_fail_node(g, node, "internal: malformed Loop region node");
}

static bool const_true(const ec_value *v)
{
    return v && v->data && *(const unsigned char *)v->data != 0;
}

/* The body-side outputs of a Loop/Scan control node read back from printed
 * IR (no types yet: the body comes first): typed from its inputs, as
 * expand_loop does. */
void ec_ctl_type_body_inputs(ec_graph *g, int node)
{
    ec_node *n = NODE(g, node);
    loopinfo li;
    ec_shape s0 = ec_shape_make(0, NULL);
    int j, k;
    if (!n->owns && strcmp(n->domain, "edgec") == 0 &&
        (strcmp(n->op, "Loop") == 0 || strcmp(n->op, "Scan") == 0)) {
        loop_info(g, node, &li);
        if (ec_out(g, node, li.iter)) ec_set_out(g, node, li.iter, EC_DT_INT64, &s0);
        if (ec_out(g, node, li.cond_in)) ec_set_out(g, node, li.cond_in, EC_DT_BOOL, &s0);
        for (j = 0; j < li.N; j++) {
            const ec_value *v = ec_in(g, node, li.init + j);
            ec_shape s;
            if (!v || !ec_out(g, node, li.carried + j)) continue;
            s = v->shape;
            if (li.batch && s.rank > 0) {
                memmove(s.dim, s.dim + 1, sizeof(int64_t) * (size_t)(s.rank - 1));
                s.rank--;
            }
            ec_set_out(g, node, li.carried + j, v->dtype, &s);
        }
        for (k = 0; k < li.S; k++) {
            const ec_value *v = ec_in(g, node, li.scan_in + k);
            ec_shape s;
            int a = (int)li.axes[k];
            if (!v || !ec_out(g, node, li.slice + k) || a < li.batch || a >= v->shape.rank) continue;
            s = v->shape;
            memmove(s.dim + a - li.batch, s.dim + a + 1, sizeof(int64_t) * (size_t)(s.rank - a - 1));
            s.rank -= 1 + li.batch;
            ec_set_out(g, node, li.slice + k, v->dtype, &s);
        }
    }
}

static void infer_loop(ec_graph *g, int node)
{
    ec_node *n = NODE(g, node);
    loopinfo li;
    int j, k;
    char sa[128], sb[128];
    loop_info(g, node, &li);
    for (j = 0; j < li.N; j++) {
        const ec_value *a = ec_out(g, node, li.carried + j), *b = ec_in(g, node, li.body_out + j);
        const ec_value *init = ec_in(g, node, li.init + j);
        if (a->dtype != b->dtype || !ec_shape_eq(&a->shape, &b->shape))
            ec_fail_node(g, node, "carried value %d is %s%s on entry and %s%s after an iteration: its type "
                         "and shape must not change", j, ec_dtype_name(a->dtype),
                         ec_shape_str(&a->shape, sa, sizeof sa), ec_dtype_name(b->dtype),
                         ec_shape_str(&b->shape, sb, sizeof sb));
        ec_set_out(g, node, li.final + j, init->dtype, &init->shape);
    }
    /* the condition: a body that passes it on unchanged does not test it */
    if (n->in[li.cond_out] >= 0) {
        int co = n->in[li.cond_out], ci = n->out[li.cond_in], p = g->values.a[co].producer;
        if (co == ci || const_true(&g->values.a[co]) ||
            (p >= 0 && is_onnx(NODE(g, p), "Identity") && NODE(g, p)->in[0] == ci))
            n->in[li.cond_out] = -1;
    }
    for (k = 0; k < li.K; k++) {
        const ec_value *b = ec_in(g, node, li.body_scan + k);
        ec_shape s = b->shape;
        int a, d;
        int64_t lead = 1;
        if (n->in[li.cond_out] >= 0)
            ec_fail_node(g, node, "scan output %d would have as many elements as iterations run, which the "
                         "condition computed in the body decides at run time; edgec needs static shapes", k);
        if (s.rank + 1 + li.batch > EC_MAX_RANK) ec_fail_node(g, node, "scan output %d: rank too large", k);
        a = ec_axis(g, node, li.axes[li.S + k], s.rank + 1);
        for (d = 0; d < a; d++) lead *= s.dim[d];
        if (lead != 1)
            ec_fail_node(g, node, "scan output %d (%s per iteration) along axis %d: only a scan over the "
                         "outermost dimension (the ones before it all 1) is supported", k,
                         ec_shape_str(&s, sa, sizeof sa), a);
        memmove(s.dim + a + 1, s.dim + a, sizeof(int64_t) * (size_t)(s.rank - a));
        memmove(s.sym + a + 1, s.sym + a, sizeof(char *) * (size_t)(s.rank - a));
        s.dim[a] = li.trips;
        s.sym[a] = NULL;
        s.rank++;
        if (li.batch) {
            memmove(s.dim + 1, s.dim, sizeof(int64_t) * (size_t)s.rank);
            memmove(s.sym + 1, s.sym, sizeof(char *) * (size_t)s.rank);
            s.dim[0] = 1;
            s.sym[0] = NULL;
            s.rank++;
        }
        ec_set_out(g, node, li.scan_out + k, b->dtype, &s);
    }
}

/* ---- lowering of the control nodes' own code (ec_ctl_lower) ---------------- */

bool ec_ctl_is_loop(const ec_node *n)
{
    return n->owns && (strcmp(n->op, "Loop") == 0 || strcmp(n->op, "Scan") == 0);
}

static int64_t vbytes(ec_graph *g, int node, int v)
{
    return ec_static_numel(g, node, &g->values.a[v]) * (int64_t)ec_dtype_size(g->values.a[v].dtype);
}

static ec_call *copy(ec_lowering *L, int dst, int src)
{
    ec_call *c = ec_emit(L, "ec_copy");
    ec_arg_out(c, "dst", dst);
    ec_arg_in(c, "src", src);
    ec_arg_int(c, "nbytes", vbytes(L->g, L->node, dst));
    return c;
}

/* Is value v read by a live node? */
static bool read_live(const ec_graph *g, int v)
{
    int i, k;
    for (i = 0; i < g->nodes.n; i++) {
        const ec_node *n = &g->nodes.a[i];
        if (n->dead) continue;
        for (k = 0; k < n->nin; k++)
            if (n->in[k] == v) return true;
    }
    return false;
}

int ec_ctl_cond(const ec_graph *g, int ctl)
{
    const ec_node *n = NODE(g, ctl);
    loopinfo li;
    if (!ec_ctl_is_loop(n)) return n->in[0];
    loop_info(g, ctl, &li);
    if (n->in[li.cond_out] >= 0) return n->out[li.cond_in];
    return n->in[li.cond] < 0 || const_true(&g->values.a[n->in[li.cond]]) ? -1 : n->in[li.cond];
}

int64_t ec_ctl_trips(const ec_graph *g, int ctl)
{
    loopinfo li;
    if (!ec_ctl_is_loop(NODE(g, ctl))) return 0;
    loop_info(g, ctl, &li);
    return li.trips;
}

void ec_ctl_lower(ec_graph *g, int ctl, int part, ec_lowering *L)
{
    const ec_node *n = NODE(g, ctl);
    loopinfo li;
    int j, k;
    memset(L, 0, sizeof *L);
    L->g = g;
    L->node = ctl;
    if (!ec_ctl_is_loop(n)) {
        int nout = n->nout;
        if (part != EC_CTL_THEN_END && part != EC_CTL_END) return;
        for (k = 0; k < nout; k++)
            if (n->out[k] >= 0)
                copy(L, n->out[k], n->in[1 + k + (part == EC_CTL_END ? nout : 0)]);
        return;
    }
    loop_info(g, ctl, &li);
    switch (part) {
    case EC_CTL_BEFORE:
        for (j = 0; j < li.N; j++) copy(L, n->out[li.carried + j], n->in[li.init + j]);
        if (n->out[li.cond_in] >= 0 && (n->in[li.cond_out] >= 0 || read_live(g, n->out[li.cond_in])))
            copy(L, n->out[li.cond_in], n->in[li.cond]);
        /* scan outputs of a loop that may run no iteration: zeros then */
        if (n->in[li.cond] >= 0 && !const_true(&g->values.a[n->in[li.cond]]))
            for (k = 0; k < li.K; k++) {
                ec_call *c;
                if (n->out[li.scan_out + k] < 0) continue;
                c = ec_emit(L, "ec_zero");
                ec_arg_out(c, "y", n->out[li.scan_out + k]);
                ec_arg_int(c, "nbytes", vbytes(g, ctl, n->out[li.scan_out + k]));
            }
        break;
    case EC_CTL_HEAD:
        if (n->out[li.iter] >= 0 && read_live(g, n->out[li.iter])) {
            ec_call *c = ec_emit(L, "ec_iter_s64");
            ec_arg_out(c, "y", n->out[li.iter]);
            ec_arg_iter(c, "i");
        }
        for (k = 0; k < li.S; k++) {
            int x = n->out[li.slice + k];
            int64_t el;
            ec_call *c;
            if (!read_live(g, x)) continue;
            el = ec_static_numel(g, ctl, &g->values.a[x]);
            c = ec_emit(L, "ec_copy");
            ec_arg_out(c, "dst", x);
            ec_arg_in(c, "src", n->in[li.scan_in + k]);
            ec_arg_slice(c, li.dirs[k] ? (li.trips - 1) * el : 0, li.dirs[k] ? -el : el);
            ec_arg_int(c, "nbytes", vbytes(g, ctl, x));
        }
        break;
    case EC_CTL_END:
        for (k = 0; k < li.K; k++) {
            int y = n->out[li.scan_out + k], x = n->in[li.body_scan + k];
            int64_t el;
            ec_call *c;
            if (y < 0) continue;
            el = ec_static_numel(g, ctl, &g->values.a[x]);
            c = ec_emit(L, "ec_copy");
            ec_arg_out(c, "dst", y);
            ec_arg_slice(c, li.dirs[li.S + k] ? (li.trips - 1) * el : 0, li.dirs[li.S + k] ? -el : el);
            ec_arg_in(c, "src", x);
            ec_arg_int(c, "nbytes", vbytes(g, ctl, x));
        }
        for (j = 0; j < li.N; j++)
            if (n->in[li.body_out + j] != n->out[li.carried + j])
                copy(L, n->out[li.carried + j], n->in[li.body_out + j]);
        if (n->in[li.cond_out] >= 0) copy(L, n->out[li.cond_in], n->in[li.cond_out]);
        break;
    case EC_CTL_AFTER:
        for (j = 0; j < li.N; j++)
            if (n->out[li.final + j] >= 0) copy(L, n->out[li.final + j], n->out[li.carried + j]);
        break;
    default:
        break;
    }
}

const ec_opdef ec_ops_control[] = {
    { EC_OP("If", "", 1, -1, 1, -1, 0, infer_unexpanded, NULL) },
    { EC_OP("Loop", "", 2, -1, 1, -1, 0, infer_unexpanded, NULL) },
    { EC_OP("Scan", "", 1, -1, 1, -1, 0, infer_unexpanded, NULL) },
    { EC_OP("If", "edgec", 1, -1, 1, -1, EC_OPF_NOFOLD, infer_if_select, NULL) },
    { EC_OP("Loop", "edgec", 3, -1, 2, -1, EC_OPF_NOFOLD, infer_loop, NULL) },
    { EC_OP("Scan", "edgec", 3, -1, 2, -1, EC_OPF_NOFOLD, infer_loop, NULL) },
    { 0 }
};

static void thunk_iter_s64(const ec_karg *a) { ec_iter_s64(a[0].p, a[1].i); }
static void thunk_zero(const ec_karg *a) { ec_zero(a[0].p, a[1].i); }

const ec_kernel ec_kernels_control[] = {
    { "ec_iter_s64", "pi", thunk_iter_s64, "ec_control.h" },
    { "ec_zero", "pi", thunk_zero, "ec_control.h" },
    { 0 }
};
