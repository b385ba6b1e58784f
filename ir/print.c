/* print.c - the IR as ONNX text, in the syntax of onnx.parser.parse_model
 * (ONNX 1.12), which frontend/onnx_text.y reads back to the same IR.
 *
 *   <ir_version: 8, opset_import: ["" : 17]>
 *   agraph (float[N,4] X) => (float[N,3] Y)
 *      <float[4,3] W = {...}, float[N,3] T>      initializers, then value infos
 *   {
 *      T = MatMul (X, W)
 *      Y = Relu (T)
 *   }
 *
 * What is printed is what the IR holds at that point of the pipeline:
 * - the nodes that are not dead, in schedule order;
 * - initializers: every constant value no live node computes that is an
 *   initializer, is read by a live node or is a graph output (so folded
 *   constants appear as initializers after dce);
 * - a value info for every other value with a known dtype, in node order;
 * - the default opset and, at version 1, each other domain a node uses
 *   (the IR keeps no other versions, nor producer or doc strings).
 * The 1.12 syntax has no node names, so none are printed. Names that are
 * not identifiers ([A-Za-z_][A-Za-z0-9_]*) are printed as identifiers:
 * other bytes become '_', a leading digit gets a '_' before it, and a
 * clash with any other name of the model gets "_1", "_2", ... after it.
 * Floats print in the fewest digits that read back to the same bits, with
 * a '.' or exponent where a float attribute needs one; inf and nan (and
 * float16/bfloat16 data, as bit patterns; empty lists, as "name: ints = []")
 * use later ONNX syntax, since 1.12 cannot express them.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ir.h"

/* ---- output buffer --------------------------------------------------------- */

typedef struct pbuf {
    char *s;
    size_t len, cap;
} pbuf;

static void put(pbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->len + n + 1 > cap) cap = ec_mul_size(cap, 2);
        b->s = ec_realloc(b->s, cap);
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void puts_(pbuf *b, const char *s) { put(b, s, strlen(s)); }

static void pf(pbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pf(pbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap, ap2;
    int n;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof small) {
        put(b, small, (size_t)n);
    } else if (n >= 0) {
        char *big = ec_alloc((size_t)n + 1);
        vsnprintf(big, (size_t)n + 1, fmt, ap2);
        put(b, big, (size_t)n);
        ec_free(big);
    }
    va_end(ap2);
}

static void indent(pbuf *b, int n)
{
    for (int i = 0; i < n; i++) put(b, " ", 1);
}

/* ---- names ---------------------------------------------------------------- */

typedef struct nmap {
    const char **key, **val;        /* open addressing; val NULL in the "taken" set */
    size_t cap, n;
} nmap;

typedef struct pr {
    pbuf b;
    nmap taken;                     /* every identifier in use */
    nmap renamed;                   /* non-identifier name -> printed identifier */
    EC_VEC(const char *) domains;
} pr;

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static const char **nmap_slot(const nmap *m, const char *k)
{
    for (size_t i = hash(k) & (m->cap - 1);; i = (i + 1) & (m->cap - 1))
        if (!m->key[i] || !strcmp(m->key[i], k)) return &m->key[i];
}

static const char *nmap_get(const nmap *m, const char *k, bool *found)
{
    const char **slot;
    *found = false;
    if (!m->cap) return NULL;
    slot = nmap_slot(m, k);
    if (!*slot) return NULL;
    *found = true;
    return m->val[slot - m->key];
}

static void nmap_put(nmap *m, const char *k, const char *v)
{
    const char **slot;
    if (2 * (m->n + 1) > m->cap) {
        nmap t = { 0 };
        t.cap = m->cap ? 2 * m->cap : 64;
        t.key = ec_alloc(ec_mul_size(t.cap, sizeof *t.key));
        t.val = ec_alloc(ec_mul_size(t.cap, sizeof *t.val));
        for (size_t i = 0; i < m->cap; i++)
            if (m->key[i]) nmap_put(&t, m->key[i], m->val[i]);
        ec_free(m->key);
        ec_free(m->val);
        *m = t;
    }
    slot = nmap_slot(m, k);
    if (!*slot) m->n++;
    *slot = k;
    m->val[slot - m->key] = v;
}

static bool is_ident(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_')) return false;
    for (s++; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static void take(pr *p, const char *name)
{
    bool found;
    if (!name || !*name || !is_ident(name)) return;
    nmap_get(&p->taken, name, &found);
    if (!found) nmap_put(&p->taken, name, NULL);
}

static void rename_one(pr *p, const char *name)
{
    bool found;
    char *base, *cand;
    size_t n, k = 0;
    int suffix = 0;
    if (!name || is_ident(name)) return;
    nmap_get(&p->renamed, name, &found);
    if (found) return;
    n = strlen(name);
    base = ec_alloc(n + 2);
    if (!(name[0] >= 'a' && name[0] <= 'z') && !(name[0] >= 'A' && name[0] <= 'Z') && name[0] != '_')
        base[k++] = '_';
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        base[k++] = ok ? c : '_';
    }
    base[k] = '\0';
    cand = base;
    for (;;) {
        nmap_get(&p->taken, cand, &found);
        if (!found) break;
        cand = ec_fmt("%s_%d", base, ++suffix);
    }
    nmap_put(&p->taken, cand, NULL);
    nmap_put(&p->renamed, ec_strdup(name), cand);
}

/* Walk every name of the model: kind 0 takes identifiers, kind 1 renames the rest. */
static void walk_names(pr *p, const ec_graph *g, int kind, int depth)
{
    void (*f)(pr *, const char *) = kind ? rename_one : take;
    if (depth > 64) return;
    f(p, g->name);
    for (int i = 0; i < g->values.n; i++) {
        const ec_value *v = &g->values.a[i];
        f(p, v->name);
        for (int d = 0; d < v->shape.rank && d < EC_MAX_RANK; d++)
            if (v->shape.sym[d]) f(p, v->shape.sym[d]);
    }
    for (int i = 0; i < g->nodes.n; i++) {
        const ec_node *n = &g->nodes.a[i];
        for (int k = 0; k < n->nattrs; k++) {
            const ec_attr *a = &n->attrs[k];
            if (a->type == EC_ATTR_GRAPH && a->g) walk_names(p, a->g, kind, depth + 1);
            if (a->type == EC_ATTR_GRAPHS)
                for (int j = 0; j < a->n; j++) walk_names(p, a->graphs[j], kind, depth + 1);
        }
    }
}

static const char *pname(const pr *p, const char *name)
{
    bool found;
    const char *r;
    if (!name || !*name) return "";
    if (is_ident(name)) return name;
    r = nmap_get(&p->renamed, name, &found);
    return found ? r : name;
}

/* ---- numbers and strings ------------------------------------------------------- */

static void fmt_float(char *buf, size_t n, float f, bool point)
{
    if (isnan(f)) { snprintf(buf, n, "nan"); return; }
    if (isinf(f)) { snprintf(buf, n, f < 0 ? "-inf" : "inf"); return; }
    for (int prec = 6; prec <= 9; prec++) {
        float back;
        snprintf(buf, n, "%.*g", prec, (double)f);
        back = strtof(buf, NULL);
        if (!memcmp(&back, &f, sizeof f)) break;
    }
    if (point && !strpbrk(buf, ".e")) strncat(buf, ".0", n - strlen(buf) - 1);
}

static void fmt_double(char *buf, size_t n, double d)
{
    if (isnan(d)) { snprintf(buf, n, "nan"); return; }
    if (isinf(d)) { snprintf(buf, n, d < 0 ? "-inf" : "inf"); return; }
    for (int prec = 15; prec <= 17; prec++) {
        double back;
        snprintf(buf, n, "%.*g", prec, d);
        back = strtod(buf, NULL);
        if (!memcmp(&back, &d, sizeof d)) break;
    }
}

static void put_string(pbuf *b, const char *s, size_t n)
{
    put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\') put(b, "\\", 1);
        put(b, s + i, 1);
    }
    put(b, "\"", 1);
}

/* ---- types, values, tensors ---------------------------------------------------- */

static void put_type(pr *p, ec_dtype dt, const ec_shape *s)
{
    puts_(&p->b, ec_dtype_name(dt));
    if (s->rank == 0) return;
    put(&p->b, "[", 1);
    for (int i = 0; i < s->rank && i < EC_MAX_RANK; i++) {
        if (i) put(&p->b, ",", 1);
        if (s->dim[i] >= 0) pf(&p->b, "%" PRId64, s->dim[i]);
        else if (s->sym[i] && *s->sym[i]) puts_(&p->b, pname(p, s->sym[i]));
        else put(&p->b, "?", 1);
    }
    put(&p->b, "]", 1);
}

/* "[type] name": the type when the dtype is known. */
static void put_vi(pr *p, const ec_value *v)
{
    if (v->dtype != EC_DT_UNDEFINED) {
        bool opt = v->kind == EC_VK_OPT, seq = v->kind == EC_VK_SEQ || (opt && v->opt_of == EC_VK_SEQ);
        if (opt) puts_(&p->b, "optional(");
        if (seq) puts_(&p->b, "seq(");
        put_type(p, v->dtype, &v->shape);
        if (seq) put(&p->b, ")", 1);
        if (opt) put(&p->b, ")", 1);
        put(&p->b, " ", 1);
    }
    puts_(&p->b, pname(p, v->name));
}

/* "{v, v, ...}" for numel elements of dtype dt at data. */
static void put_data(pr *p, ec_dtype dt, const ec_shape *s, const void *data)
{
    int64_t numel = 1, n;
    const uint8_t *d = data;
    char buf[64];
    for (int i = 0; i < s->rank; i++) numel = s->dim[i] <= 0 ? 0 : numel * s->dim[i];
    n = (dt == EC_DT_COMPLEX64 || dt == EC_DT_COMPLEX128) ? 2 * numel : numel;
    put(&p->b, "{", 1);
    for (int64_t i = 0; i < n; i++) {
        if (i) put(&p->b, ", ", 2);
        switch (dt) {
        case EC_DT_FLOAT: case EC_DT_COMPLEX64: {
            float f;
            memcpy(&f, d + 4 * i, 4);
            fmt_float(buf, sizeof buf, f, false);
            puts_(&p->b, buf);
            break;
        }
        case EC_DT_DOUBLE: case EC_DT_COMPLEX128: {
            double x;
            memcpy(&x, d + 8 * i, 8);
            fmt_double(buf, sizeof buf, x);
            puts_(&p->b, buf);
            break;
        }
        case EC_DT_INT64: { int64_t x; memcpy(&x, d + 8 * i, 8); pf(&p->b, "%" PRId64, x); break; }
        case EC_DT_UINT64: { uint64_t x; memcpy(&x, d + 8 * i, 8); pf(&p->b, "%" PRIu64, x); break; }
        case EC_DT_INT32: { int32_t x; memcpy(&x, d + 4 * i, 4); pf(&p->b, "%" PRId32, x); break; }
        case EC_DT_UINT32: { uint32_t x; memcpy(&x, d + 4 * i, 4); pf(&p->b, "%" PRIu32, x); break; }
        case EC_DT_INT16: { int16_t x; memcpy(&x, d + 2 * i, 2); pf(&p->b, "%d", x); break; }
        case EC_DT_UINT16: case EC_DT_FLOAT16: case EC_DT_BFLOAT16: {
            uint16_t x;
            memcpy(&x, d + 2 * i, 2);
            pf(&p->b, "%u", (unsigned)x);
            break;
        }
        case EC_DT_INT8: pf(&p->b, "%d", (int)(int8_t)d[i]); break;
        case EC_DT_UINT8: pf(&p->b, "%u", (unsigned)d[i]); break;
        case EC_DT_BOOL: pf(&p->b, "%d", d[i] ? 1 : 0); break;
        case EC_DT_STRING: put(&p->b, "\"\"", 2); break; /* the IR keeps no string data */
        default: put(&p->b, "0", 1); break;
        }
    }
    put(&p->b, "}", 1);
}

static void put_tensor(pr *p, const ec_tensor *t)
{
    put_type(p, t->dtype, &t->shape);
    if (t->name && *t->name) {
        put(&p->b, " ", 1);
        puts_(&p->b, pname(p, t->name));
    }
    put(&p->b, " ", 1);
    put_data(p, t->dtype, &t->shape, t->data);
}

/* ---- graphs ---------------------------------------------------------------------- */

static void put_graph(pr *p, const ec_graph *g, int ind, bool top);

static void put_attr(pr *p, const ec_attr *a, int ind)
{
    char buf[64];
    static const char *list_names[] = { [EC_ATTR_FLOATS] = "floats", [EC_ATTR_INTS] = "ints",
                                        [EC_ATTR_STRINGS] = "strings", [EC_ATTR_TENSORS] = "tensors",
                                        [EC_ATTR_GRAPHS] = "graphs" };
    puts_(&p->b, a->name);
    if (a->type >= EC_ATTR_FLOATS && a->type <= EC_ATTR_GRAPHS && a->n == 0) {
        pf(&p->b, ": %s = []", list_names[a->type]);
        return;
    }
    put(&p->b, " = ", 3);
    switch (a->type) {
    case EC_ATTR_FLOAT: fmt_float(buf, sizeof buf, a->f, true); puts_(&p->b, buf); break;
    case EC_ATTR_INT: pf(&p->b, "%" PRId64, a->i); break;
    case EC_ATTR_STRING: put_string(&p->b, a->s ? a->s : "", a->s ? a->slen : 0); break;
    case EC_ATTR_TENSOR: put_tensor(p, a->t); break;
    case EC_ATTR_GRAPH: put_graph(p, a->g, ind, false); break;
    case EC_ATTR_FLOATS: case EC_ATTR_INTS: case EC_ATTR_STRINGS: case EC_ATTR_TENSORS: case EC_ATTR_GRAPHS:
        put(&p->b, "[", 1);
        for (int i = 0; i < a->n; i++) {
            if (i) put(&p->b, ", ", 2);
            switch (a->type) {
            case EC_ATTR_FLOATS: fmt_float(buf, sizeof buf, a->floats[i], true); puts_(&p->b, buf); break;
            case EC_ATTR_INTS: pf(&p->b, "%" PRId64, a->ints[i]); break;
            case EC_ATTR_STRINGS: put_string(&p->b, a->strings[i], strlen(a->strings[i])); break;
            case EC_ATTR_TENSORS: put_tensor(p, a->tensors[i]); break;
            default: put_graph(p, a->graphs[i], ind, false); break;
            }
        }
        put(&p->b, "]", 1);
        break;
    default:
        /* sparse tensors and type protos are recorded without a value */
        pf(&p->b, "\"\" # unsupported attribute type %d", a->type);
        put(&p->b, "\n", 1);
        indent(&p->b, ind);
        break;
    }
}

static void put_names(pr *p, const ec_graph *g, const int *ids, int n)
{
    for (int i = 0; i < n; i++) {
        if (i) put(&p->b, ", ", 2);
        if (ids[i] >= 0) puts_(&p->b, pname(p, g->values.a[ids[i]].name));
    }
    /* a lone omitted name: "" (an empty list would print the same as none) */
    if (n == 1 && ids[0] < 0) put(&p->b, "\"\"", 2);
}

/* Sparse tensors and type protos are recorded without a value (no op edgec
 * supports reads them, e.g. Optional's type): they are left out. */
static bool attr_printable(const ec_attr *a)
{
    return a->type != EC_ATTR_SPARSE_TENSOR && a->type != EC_ATTR_SPARSE_TENSORS &&
           a->type != EC_ATTR_TYPE_PROTO && a->type != EC_ATTR_TYPE_PROTOS;
}

static void put_node(pr *p, const ec_graph *g, const ec_node *n, int ind)
{
    bool multiline = false;
    indent(&p->b, ind);
    put_names(p, g, n->out, n->nout);
    put(&p->b, n->nout ? " = " : "= ", n->nout ? 3 : 2);
    if (n->domain && *n->domain) pf(&p->b, "%s.", n->domain);
    puts_(&p->b, n->op);
    int shown = 0, j = 0;
    for (int k = 0; k < n->nattrs; k++) {
        if (n->attrs[k].type == EC_ATTR_GRAPH || n->attrs[k].type == EC_ATTR_GRAPHS) multiline = true;
        if (attr_printable(&n->attrs[k])) shown++;
    }
    if (shown) {
        put(&p->b, " <", 2);
        for (int k = 0; k < n->nattrs; k++) {
            if (!attr_printable(&n->attrs[k])) continue;
            if (j) put(&p->b, ",", 1);
            if (multiline) {
                put(&p->b, "\n", 1);
                indent(&p->b, ind + 3);
            } else if (j) {
                put(&p->b, " ", 1);
            }
            put_attr(p, &n->attrs[k], ind + 3);
            j++;
        }
        if (multiline) {
            put(&p->b, "\n", 1);
            indent(&p->b, ind);
        }
        put(&p->b, ">", 1);
    }
    put(&p->b, " (", 2);
    put_names(p, g, n->in, n->nin);
    put(&p->b, ")\n", 2);
}

/* A constant value no live node computes. */
static bool is_const(const ec_graph *g, const ec_value *v)
{
    return v->data && !(v->producer >= 0 && v->producer < g->nodes.n && !g->nodes.a[v->producer].dead);
}

/* Start the next entry of the "<...>" list after the outputs. */
static void open_info(pr *p, int *ninfo, int ind)
{
    if ((*ninfo)++ == 0) {
        indent(&p->b, ind + 3);
        put(&p->b, "<\n", 2);
    } else {
        put(&p->b, ",\n", 2);
    }
    indent(&p->b, ind + 6);
}

static void put_graph(pr *p, const ec_graph *g, int ind, bool top)
{
    bool *used = ec_alloc((size_t)g->values.n + 1);
    bool *listed = ec_alloc((size_t)g->values.n + 1);
    int ninfo = 0;

    for (int i = 0; i < g->nodes.n; i++) {
        const ec_node *n = &g->nodes.a[i];
        if (n->dead) continue;
        for (int k = 0; k < n->nin; k++)
            if (n->in[k] >= 0) used[n->in[k]] = true;
    }
    for (int i = 0; i < g->outputs.n; i++) used[g->outputs.a[i]] = true;

    if (!top || (g->name && *g->name)) {
        const char *name = pname(p, g->name && *g->name ? g->name : "");
        pf(&p->b, "%s ", *name ? name : "graph");
    }
    put(&p->b, "(", 1);
    for (int i = 0; i < g->inputs.n; i++) {
        if (i) put(&p->b, ", ", 2);
        put_vi(p, &g->values.a[g->inputs.a[i]]);
        listed[g->inputs.a[i]] = true;
    }
    put(&p->b, ") => (", 6);
    for (int i = 0; i < g->outputs.n; i++) {
        if (i) put(&p->b, ", ", 2);
        put_vi(p, &g->values.a[g->outputs.a[i]]);
    }
    put(&p->b, ")\n", 2);
    for (int i = 0; i < g->outputs.n; i++) listed[g->outputs.a[i]] = true;

    /* initializers (value order), then value infos (node order) */
    for (int i = 0; i < g->values.n; i++) {
        const ec_value *v = &g->values.a[i];
        if (!is_const(g, v) || !(v->is_initializer || used[i]) || v->is_input) continue;
        open_info(p, &ninfo, ind);
        put_type(p, v->dtype, &v->shape);
        pf(&p->b, " %s = ", pname(p, v->name));
        put_data(p, v->dtype, &v->shape, v->data);
        listed[i] = true;
    }
    for (int i = 0; i < g->nodes.n; i++) {
        const ec_node *n = &g->nodes.a[i];
        if (n->dead) continue;
        for (int k = 0; k < n->nout; k++) {
            int id = n->out[k];
            const ec_value *v;
            if (id < 0 || listed[id]) continue;
            v = &g->values.a[id];
            listed[id] = true;
            if (v->dtype == EC_DT_UNDEFINED) continue;
            open_info(p, &ninfo, ind);
            put_vi(p, v);
        }
    }
    if (ninfo) {
        put(&p->b, "\n", 1);
        indent(&p->b, ind + 3);
        put(&p->b, ">\n", 2);
    }
    indent(&p->b, ind);
    put(&p->b, "{\n", 2);
    for (int i = 0; i < g->nodes.n; i++)
        if (!g->nodes.a[i].dead) put_node(p, g, &g->nodes.a[i], ind + 3);
    indent(&p->b, ind);
    put(&p->b, "}", 1);
    ec_free(used);
    ec_free(listed);
}

static void collect_domains(pr *p, const ec_graph *g, int depth)
{
    if (depth > 64) return;
    for (int i = 0; i < g->nodes.n; i++) {
        const ec_node *n = &g->nodes.a[i];
        bool seen = false;
        if (n->dead) continue;
        if (n->domain && *n->domain && strcmp(n->domain, "ai.onnx") != 0) {
            for (int k = 0; k < p->domains.n; k++) seen |= !strcmp(p->domains.a[k], n->domain);
            if (!seen) EC_PUSH(p->domains, n->domain);
        }
        for (int k = 0; k < n->nattrs; k++) {
            const ec_attr *a = &n->attrs[k];
            if (a->type == EC_ATTR_GRAPH && a->g) collect_domains(p, a->g, depth + 1);
            if (a->type == EC_ATTR_GRAPHS)
                for (int j = 0; j < a->n; j++) collect_domains(p, a->graphs[j], depth + 1);
        }
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *ec_print_ir(const ec_graph *g, size_t *len)
{
    pr p;
    memset(&p, 0, sizeof p);
    walk_names(&p, g, 0, 0);
    walk_names(&p, g, 1, 0);
    collect_domains(&p, g, 0);
    if (p.domains.n > 1) qsort(p.domains.a, (size_t)p.domains.n, sizeof *p.domains.a, cmp_str);

    pf(&p.b, "<\n   ir_version: %" PRId64 ",\n   opset_import: [\"\" : %" PRId64, g->ir_version, g->opset);
    for (int i = 0; i < p.domains.n; i++) {
        put(&p.b, ", ", 2);
        put_string(&p.b, p.domains.a[i], strlen(p.domains.a[i]));
        put(&p.b, " : 1", 4);
    }
    put(&p.b, "]\n>\n", 4);
    put_graph(&p, g, 0, true);
    put(&p.b, "\n", 1);
    if (len) *len = p.b.len;
    return p.b.s;
}
