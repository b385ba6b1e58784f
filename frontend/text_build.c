/* text_build.c - the parsed ONNX text (text_ast.h) into the IR, through the
 * builder in ir/ir.h only, in the protobuf reader's order (initializers,
 * inputs, nodes, outputs), so both frontends build the same graph.
 *
 * Every check that the builder or a later pass would make without a
 * location is made here first, pointing at the text: names defined twice
 * or never, value ranges and counts, attribute types, versions, domains.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "text_ast.h"
#include "text_frontend.h"
#include "file.h"

#define TX_IR_MIN 3
#define TX_IR_MAX 8
#define TX_OPSET_MAX 17
#define TX_MAX_GRAPH_DEPTH 16

/* ---- diagnostics ----------------------------------------------------------- */

static void one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) *s = '?';
}

_Noreturn void tx_error(const tx_src *src, tx_loc loc, const char *fmt, ...)
{
    enum { BEFORE = 60, WIDTH = 160 };
    const char *p = src->text, *end = src->text + src->len, *ls, *le, *from, *to;
    char msg[600];
    char *shown, *caret;
    size_t k;
    int line = loc.first_line > 0 ? loc.first_line : 1;
    int col = loc.first_column > 0 ? loc.first_column : 1;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    one_line(msg);

    /* the line, and a window of it around the column when it is long */
    for (int l = 1; l < line && p < end; p++)
        if (*p == '\n') l++;
    ls = p;
    for (le = ls; le < end && *le != '\n'; le++) {}
    if (le > ls && le[-1] == '\r') le--;
    from = ls;
    if ((size_t)(col - 1) > (size_t)BEFORE && ls + (col - 1) <= le) from = ls + (col - 1) - BEFORE;
    to = le;
    if ((size_t)(to - from) > (size_t)WIDTH) to = from + WIDTH;
    if (ls + (col - 1) > to) to = ls + (col - 1) <= le ? ls + (col - 1) : le;

    shown = ec_alloc((size_t)(to - from) + 8);
    k = 0;
    if (from > ls) { memcpy(shown, "...", 3); k = 3; }
    for (const char *q = from; q < to; q++)
        shown[k++] = ((unsigned char)*q < 0x20 && *q != '\t') || *q == 0x7f ? '?' : *q;
    if (to < le) { memcpy(shown + k, "...", 3); k += 3; }
    shown[k] = '\0';

    caret = ec_alloc((size_t)col + 8);
    k = 0;
    if (from > ls) { memcpy(caret, "   ", 3); k = 3; }
    for (const char *q = from; q < ls + (col - 1) && q < le; q++) {
        if ((*q & 0xc0) == 0x80) continue; /* UTF-8 continuation byte: same column on screen */
        caret[k++] = *q == '\t' ? '\t' : ' ';
    }
    caret[k++] = '^';
    caret[k] = '\0';
    ec_fail_text(ec_fmt("%s:%d:%d: error: %s\n%s\n%s", src->file, line, col, msg, shown, caret));
}

/* ---- small helpers ---------------------------------------------------------- */

typedef struct bld {
    const tx_src *src;
    const tx_model *m;
    EC_VEC(const char *) domains;   /* imported domains ("" is the default) */
} bld;

#define ERR(b, loc, ...) tx_error((b)->src, (loc), __VA_ARGS__)

/* A short, printable form of a name for messages. */
static const char *nm(const tx_tok *t)
{
    char *s = ec_strndup(t->s, t->len > 100 ? 100 : t->len);
    one_line(s);
    return t->len > 100 ? ec_fmt("%s...", s) : s;
}

static bool is_name(const tx_tok *t, const char *s)
{
    return t->s && strlen(t->s) == t->len && strcmp(t->s, s) == 0;
}

/* Names may not hold NUL bytes (the IR keeps C strings). */
static const char *cname(bld *b, const tx_tok *t)
{
    if (t->s && strlen(t->s) != t->len) ERR(b, t->loc, "a name cannot contain a NUL byte");
    return t->s ? t->s : "";
}

/* Tiny string set (open addressing) for the names a graph defines. */
typedef struct nset {
    const char **a;
    size_t cap, n;
} nset;

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static bool nset_has(const nset *s, const char *k)
{
    if (!s->cap) return false;
    for (size_t i = hash(k) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (!s->a[i]) return false;
        if (!strcmp(s->a[i], k)) return true;
    }
}

/* Adds k; false if it was there already. */
static bool nset_add(nset *s, const char *k)
{
    if (nset_has(s, k)) return false;
    if (2 * (s->n + 1) > s->cap) {
        nset t = { 0 };
        t.cap = s->cap ? 2 * s->cap : 64;
        t.a = ec_alloc(ec_mul_size(t.cap, sizeof *t.a));
        for (size_t i = 0; i < s->cap; i++)
            if (s->a[i]) nset_add(&t, s->a[i]);
        ec_free(s->a);
        *s = t;
    }
    for (size_t i = hash(k) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (!s->a[i]) {
            s->a[i] = k;
            s->n++;
            return true;
        }
    }
}

/* Names a graph defines, with the enclosing graph's scope. */
typedef struct scope {
    nset names;
    const struct scope *up;
} scope;

static bool in_scope(const scope *s, const char *name)
{
    for (; s; s = s->up)
        if (nset_has(&s->names, name)) return true;
    return false;
}

/* ---- literals ---------------------------------------------------------------- */

static const char *lit_what(int kind)
{
    switch (kind) {
    case TX_INT: return "an integer";
    case TX_FLOAT: return "a number";
    case TX_STRING: return "a string";
    default: return "an identifier";
    }
}

static bool is_special_float(const tx_tok *t)
{
    const char *s = t->s;
    if (*s == '-') s++;
    return !strcasecmp(s, "inf") || !strcasecmp(s, "infinity") || !strcasecmp(s, "nan");
}

static int64_t lit_int(bld *b, const tx_lit *l, const char *what)
{
    char *end;
    long long v;
    if (l->kind != TX_INT)
        ERR(b, l->tok.loc, "%s needs an integer, found %s", what, lit_what(l->kind));
    errno = 0;
    v = strtoll(l->tok.s, &end, 10);
    if (errno == ERANGE || *end) ERR(b, l->tok.loc, "integer %s is out of range", nm(&l->tok));
    return v;
}

static uint64_t lit_uint(bld *b, const tx_lit *l, const char *what)
{
    char *end;
    unsigned long long v;
    if (l->kind != TX_INT)
        ERR(b, l->tok.loc, "%s needs an integer, found %s", what, lit_what(l->kind));
    if (l->tok.s[0] == '-') ERR(b, l->tok.loc, "%s needs a non-negative integer", what);
    errno = 0;
    v = strtoull(l->tok.s, &end, 10);
    if (errno == ERANGE || *end) ERR(b, l->tok.loc, "integer %s is out of range", nm(&l->tok));
    return v;
}

/* Integers and numbers (and inf/nan) as double; single: check float range. */
static double lit_real(bld *b, const tx_lit *l, const char *what, bool single)
{
    char *end;
    double v;
    if (l->kind == TX_ID && is_special_float(&l->tok)) {
        const char *s = l->tok.s + (l->tok.s[0] == '-');
        v = (s[0] == 'n' || s[0] == 'N') ? NAN : INFINITY;
        return l->tok.s[0] == '-' ? -v : v;
    }
    if (l->kind != TX_INT && l->kind != TX_FLOAT)
        ERR(b, l->tok.loc, "%s needs a number, found %s", what, lit_what(l->kind));
    if (l->kind == TX_FLOAT && is_special_float(&l->tok)) return lit_real(b, &(tx_lit){ TX_ID, l->tok }, what, single);
    errno = 0;
    if (single) {
        float f = strtof(l->tok.s, &end);
        if (*end || (errno == ERANGE && isinf(f)))
            ERR(b, l->tok.loc, "number %s is out of range for float", nm(&l->tok));
        return f;
    }
    v = strtod(l->tok.s, &end);
    if (*end || (errno == ERANGE && isinf(v)))
        ERR(b, l->tok.loc, "number %s is out of range for double", nm(&l->tok));
    return v;
}

/* ---- types ------------------------------------------------------------------- */

static ec_dtype dtype_named(const tx_tok *t)
{
    for (int d = EC_DT_FLOAT; d <= EC_DT_BFLOAT16; d++)
        if (is_name(t, ec_dtype_name(d))) return d;
    return EC_DT_UNDEFINED;
}

static void type_get(bld *b, const tx_type *t, ec_dtype *dt, ec_shape *s, const char *what);

/* A sequence or optional type: *kind, *opt_of (EC_VK_*), and the tensor type inside. */
static void type_get_kind(bld *b, const tx_type *t, ec_dtype *dt, ec_shape *s, unsigned char *kind,
                          unsigned char *opt_of, const char *what)
{
    *kind = EC_VK_TENSOR;
    *opt_of = EC_VK_TENSOR;
    if (t->kind && is_name(&t->elem, "optional") && t->ninner == 1) {
        *kind = EC_VK_OPT;
        t = t->inner;
        if (t->kind && is_name(&t->elem, "optional"))
            ERR(b, t->loc, "%s: optionals of optionals are not supported", what);
    }
    if (t->kind && is_name(&t->elem, "seq") && t->ninner == 1) {
        if (*kind == EC_VK_OPT) *opt_of = EC_VK_SEQ;
        else *kind = EC_VK_SEQ;
        t = t->inner;
        if (t->kind) ERR(b, t->loc, "%s: only sequences of tensors are supported", what);
    }
    type_get(b, t, dt, s, what);
}

static void type_get(bld *b, const tx_type *t, ec_dtype *dt, ec_shape *s, const char *what)
{
    memset(s, 0, sizeof *s);
    s->rank = -1;
    if (t->kind) {
        if (is_name(&t->elem, "seq")) ERR(b, t->loc, "%s: a sequence type is not allowed here", what);
        if (is_name(&t->elem, "map")) ERR(b, t->loc, "%s: map types are not supported", what);
        if (is_name(&t->elem, "optional")) ERR(b, t->loc, "%s: an optional type is not allowed here", what);
        if (is_name(&t->elem, "sparse_tensor")) ERR(b, t->loc, "%s: sparse tensors are not supported", what);
        ERR(b, t->loc, "unknown type '%s'", nm(&t->elem));
    }
    *dt = dtype_named(&t->elem);
    if (*dt == EC_DT_UNDEFINED) ERR(b, t->elem.loc, "unknown type '%s'", nm(&t->elem));
    if (!t->has_shape) return;
    if (t->dims.n > EC_MAX_RANK)
        ERR(b, t->dims.a[EC_MAX_RANK].tok.loc, "%s: rank %d exceeds the maximum %d", what, t->dims.n, EC_MAX_RANK);
    s->rank = t->dims.n;
    for (int i = 0; i < t->dims.n; i++) {
        const tx_dim *d = &t->dims.a[i];
        s->dim[i] = -1;
        if (d->kind == TX_INT) {
            s->dim[i] = lit_int(b, &(tx_lit){ TX_INT, d->tok }, "a dim");
            if (s->dim[i] < 0) ERR(b, d->tok.loc, "%s: negative dim %" PRId64, what, s->dim[i]);
        } else if (d->kind == TX_ID) {
            s->sym[i] = ec_strdup(d->tok.s);
        }
    }
    /* the static dims must not overflow int64 (no product with a 0 dim) */
    int64_t p = 1;
    for (int i = 0; i < s->rank; i++)
        if (s->dim[i] == 0) return;
    for (int i = 0; i < s->rank; i++) {
        int64_t v = s->dim[i];
        if (v <= 0) continue;
        if (p > INT64_MAX / v) ERR(b, t->dims.a[i].tok.loc, "%s: dim product overflows int64", what);
        p *= v;
    }
}

/* ---- tensors ----------------------------------------------------------------- */

static void put_f16(uint8_t *out, size_t i, uint64_t v)
{
    uint16_t x = (uint16_t)v;
    memcpy(out + 2 * i, &x, 2);
}

static ec_tensor *tensor_get(bld *b, const tx_tensor *tt, const char *what)
{
    ec_tensor *t = ec_alloc(sizeof *t);
    ec_dtype dt;
    int64_t numel = 1;
    size_t esz, nbytes, want;
    uint8_t *out;

    if (!tt->type) ERR(b, tt->data_loc, "%s needs a type before its data", what);
    type_get(b, tt->type, &dt, &t->shape, what);
    if (t->shape.rank < 0) ERR(b, tt->type->loc, "%s needs a shape (dims) before its data", what);
    for (int i = 0; i < t->shape.rank; i++) {
        if (t->shape.dim[i] < 0)
            ERR(b, tt->type->dims.a[i].tok.loc, "%s: the dims of a tensor must be numbers", what);
        numel = t->shape.dim[i] == 0 ? 0 : numel * t->shape.dim[i];
    }
    t->dtype = dt;
    t->name = ec_strdup(tt->name.s ? tt->name.s : "");
    want = (size_t)numel;
    if (dt == EC_DT_COMPLEX64 || dt == EC_DT_COMPLEX128) {
        if (numel > INT64_MAX / 2) ERR(b, tt->data_loc, "%s is too large", what);
        want = (size_t)numel * 2;
    }
    if ((uint64_t)tt->vals.n != (uint64_t)want) {
        char sb[160];
        ERR(b, tt->data_loc, "%s has %d value%s, dims %s need %zu", what, tt->vals.n,
            tt->vals.n == 1 ? "" : "s", ec_shape_str(&t->shape, sb, sizeof sb), want);
    }
    if (dt == EC_DT_STRING) {
        /* recorded without data, as the protobuf reader does */
        for (int i = 0; i < tt->vals.n; i++)
            if (tt->vals.a[i].kind != TX_STRING)
                ERR(b, tt->vals.a[i].tok.loc, "%s: string data needs strings, found %s", what,
                    lit_what(tt->vals.a[i].kind));
        return t;
    }
    esz = dt == EC_DT_COMPLEX64 ? 8 : dt == EC_DT_COMPLEX128 ? 16 : ec_dtype_size(dt);
    nbytes = ec_mul_size((size_t)numel, esz);
    out = ec_alloc(nbytes ? nbytes : 1);
    for (size_t i = 0; i < want; i++) {
        const tx_lit *l = &tt->vals.a[i];
        switch (dt) {
        case EC_DT_FLOAT: case EC_DT_COMPLEX64: {
            float f = (float)lit_real(b, l, what, true);
            memcpy(out + 4 * i, &f, 4);
            break;
        }
        case EC_DT_DOUBLE: case EC_DT_COMPLEX128: {
            double d = lit_real(b, l, what, false);
            memcpy(out + 8 * i, &d, 8);
            break;
        }
        case EC_DT_INT64: {
            int64_t v = lit_int(b, l, what);
            memcpy(out + 8 * i, &v, 8);
            break;
        }
        case EC_DT_UINT64: {
            uint64_t v = lit_uint(b, l, what);
            memcpy(out + 8 * i, &v, 8);
            break;
        }
        case EC_DT_UINT32: {
            uint64_t v = lit_uint(b, l, what);
            uint32_t x = (uint32_t)v;
            if (v > UINT32_MAX) ERR(b, l->tok.loc, "value %s is out of range for uint32", nm(&l->tok));
            memcpy(out + 4 * i, &x, 4);
            break;
        }
        case EC_DT_FLOAT16: case EC_DT_BFLOAT16: {
            int64_t v;
            if (l->kind != TX_INT)
                ERR(b, l->tok.loc, "%s: %s data are bit patterns, 0 to 65535; found %s", what,
                    ec_dtype_name(dt), lit_what(l->kind));
            v = lit_int(b, l, what);
            if (v < 0 || v > 65535)
                ERR(b, l->tok.loc, "%s: %s bit pattern %" PRId64 " is out of range 0 to 65535", what,
                    ec_dtype_name(dt), v);
            put_f16(out, i, (uint64_t)v);
            break;
        }
        default: { /* int8/16/32, uint8/16, bool */
            int64_t v = lit_int(b, l, what), lo, hi;
            switch (dt) {
            case EC_DT_INT8: lo = INT8_MIN; hi = INT8_MAX; break;
            case EC_DT_UINT8: lo = 0; hi = UINT8_MAX; break;
            case EC_DT_INT16: lo = INT16_MIN; hi = INT16_MAX; break;
            case EC_DT_UINT16: lo = 0; hi = UINT16_MAX; break;
            case EC_DT_BOOL: lo = 0; hi = 1; break;
            default: lo = INT32_MIN; hi = INT32_MAX; break;
            }
            if (v < lo || v > hi)
                ERR(b, l->tok.loc, "value %" PRId64 " is out of range for %s", v, ec_dtype_name(dt));
            if (esz == 1) {
                out[i] = (uint8_t)v;
            } else if (esz == 2) {
                uint16_t x = (uint16_t)v;
                memcpy(out + 2 * i, &x, 2);
            } else {
                int32_t x = (int32_t)v;
                memcpy(out + 4 * i, &x, 4);
            }
            break;
        }
        }
    }
    t->data = out;
    t->nbytes = nbytes;
    return t;
}

/* ---- graphs -------------------------------------------------------------------- */

static void build_graph(bld *b, ec_graph *g, const tx_graph *tg, const scope *up, int depth);

static const struct { const char *name; int type; } attr_types[] = {
    { "float", EC_ATTR_FLOAT }, { "int", EC_ATTR_INT }, { "string", EC_ATTR_STRING },
    { "tensor", EC_ATTR_TENSOR }, { "graph", EC_ATTR_GRAPH }, { "floats", EC_ATTR_FLOATS },
    { "ints", EC_ATTR_INTS }, { "strings", EC_ATTR_STRINGS }, { "tensors", EC_ATTR_TENSORS },
    { "graphs", EC_ATTR_GRAPHS }, { "sparse_tensor", EC_ATTR_SPARSE_TENSOR },
    { "sparse_tensors", EC_ATTR_SPARSE_TENSORS }, { "type_proto", EC_ATTR_TYPE_PROTO },
    { "type_protos", EC_ATTR_TYPE_PROTOS },
};

static const char *attr_type_name(int type)
{
    for (size_t i = 0; i < sizeof attr_types / sizeof attr_types[0]; i++)
        if (attr_types[i].type == type) return attr_types[i].name;
    return "undefined";
}

/* The kind of one value: FLOAT, INT, STRING, TENSOR or GRAPH. */
static int aval_type(bld *b, const tx_attr *ta, const tx_aval *v)
{
    switch (v->kind) {
    case TX_AV_REF:
        ERR(b, v->loc, "attribute '%s' refers to a function attribute outside a function", nm(&ta->name));
    case TX_AV_TENSOR: return EC_ATTR_TENSOR;
    case TX_AV_GRAPH: return EC_ATTR_GRAPH;
    default: break;
    }
    switch (v->lit.kind) {
    case TX_INT: return EC_ATTR_INT;
    case TX_FLOAT: return EC_ATTR_FLOAT;
    case TX_STRING: return EC_ATTR_STRING;
    default:
        if (is_special_float(&v->lit.tok)) return EC_ATTR_FLOAT;
        ERR(b, v->loc, "attribute '%s': identifier '%s' is not a value (a graph needs '=>', a tensor "
            "'{...}')", nm(&ta->name), nm(&v->lit.tok));
    }
}

static ec_graph *subgraph(bld *b, ec_graph *parent, const tx_graph *tg, const scope *sc, int depth)
{
    ec_graph *c;
    if (depth > TX_MAX_GRAPH_DEPTH)
        ERR(b, tg->loc, "sub-graphs nested more than %d deep", TX_MAX_GRAPH_DEPTH);
    c = ec_graph_new(tg->name.s ? tg->name.s : "");
    c->parent = parent;
    c->path = parent->path;
    c->ir_version = parent->ir_version;
    c->opset = parent->opset;
    build_graph(b, c, tg, sc, depth);
    return c;
}

static void build_attr(bld *b, ec_graph *g, int node, const tx_attr *ta, const scope *sc, int depth)
{
    ec_attr a;
    int declared = EC_ATTR_UNDEFINED, type;
    const char *name = cname(b, &ta->name);
    memset(&a, 0, sizeof a);
    if (ta->annot.s) {
        for (size_t i = 0; i < sizeof attr_types / sizeof attr_types[0]; i++)
            if (is_name(&ta->annot, attr_types[i].name)) declared = attr_types[i].type;
        if (declared == EC_ATTR_UNDEFINED)
            ERR(b, ta->annot.loc, "unknown attribute type '%s'", nm(&ta->annot));
        if (declared >= EC_ATTR_SPARSE_TENSOR)
            ERR(b, ta->annot.loc, "attributes of type %s are not supported", attr_type_name(declared));
    }
    a.name = ec_strdup(name);
    if (!ta->is_list) {
        const tx_aval *v = &ta->vals.a[0];
        type = aval_type(b, ta, v);
        if (declared == EC_ATTR_FLOAT && type == EC_ATTR_INT) type = EC_ATTR_FLOAT;
        if (declared != EC_ATTR_UNDEFINED && declared != type)
            ERR(b, v->loc, "attribute '%s' is declared %s but its value is %s %s", name,
                attr_type_name(declared), type == EC_ATTR_INT ? "an" : "a", attr_type_name(type));
        a.type = type;
        switch (type) {
        case EC_ATTR_INT: a.i = lit_int(b, &v->lit, "attribute"); break;
        case EC_ATTR_FLOAT: a.f = (float)lit_real(b, &v->lit, "attribute", true); break;
        case EC_ATTR_STRING:
            a.s = ec_strndup(v->lit.tok.s, v->lit.tok.len);
            a.slen = v->lit.tok.len;
            break;
        case EC_ATTR_TENSOR: a.t = tensor_get(b, v->t, ec_fmt("attribute '%s'", name)); break;
        case EC_ATTR_GRAPH: a.g = subgraph(b, g, v->g, sc, depth + 1); break;
        }
    } else {
        int elem = EC_ATTR_UNDEFINED, n = ta->vals.n;
        if (declared != EC_ATTR_UNDEFINED && declared != EC_ATTR_FLOATS && declared != EC_ATTR_INTS &&
            declared != EC_ATTR_STRINGS && declared != EC_ATTR_TENSORS && declared != EC_ATTR_GRAPHS)
            ERR(b, ta->loc, "attribute '%s' is declared %s but its value is a list", name,
                attr_type_name(declared));
        if (n == 0 && declared == EC_ATTR_UNDEFINED)
            ERR(b, ta->loc, "attribute '%s': an empty list needs a type, as in '%s: ints = []'", name, name);
        if (declared != EC_ATTR_UNDEFINED) elem = declared - 5; /* FLOATS -> FLOAT ... */
        for (int i = 0; i < n; i++) {
            const tx_aval *v = &ta->vals.a[i];
            int t = aval_type(b, ta, v);
            if (elem == EC_ATTR_FLOAT && t == EC_ATTR_INT) t = EC_ATTR_FLOAT;
            if (elem == EC_ATTR_UNDEFINED) elem = t;
            if (t != elem)
                ERR(b, v->loc, "attribute '%s': %s %s in a list of %ss", name, t == EC_ATTR_INT ? "an" : "a",
                    attr_type_name(t), attr_type_name(elem));
        }
        a.type = elem + 5;
        a.n = n;
        switch (a.type) {
        case EC_ATTR_INTS:
            a.ints = ec_alloc(ec_mul_size((size_t)(n ? n : 1), sizeof(int64_t)));
            for (int i = 0; i < n; i++) a.ints[i] = lit_int(b, &ta->vals.a[i].lit, "attribute");
            break;
        case EC_ATTR_FLOATS:
            a.floats = ec_alloc(ec_mul_size((size_t)(n ? n : 1), sizeof(float)));
            for (int i = 0; i < n; i++) a.floats[i] = (float)lit_real(b, &ta->vals.a[i].lit, "attribute", true);
            break;
        case EC_ATTR_STRINGS:
            a.strings = ec_alloc(ec_mul_size((size_t)(n ? n : 1), sizeof(char *)));
            for (int i = 0; i < n; i++)
                a.strings[i] = ec_strndup(ta->vals.a[i].lit.tok.s, ta->vals.a[i].lit.tok.len);
            break;
        case EC_ATTR_TENSORS:
            a.tensors = ec_alloc(ec_mul_size((size_t)(n ? n : 1), sizeof(ec_tensor *)));
            for (int i = 0; i < n; i++)
                a.tensors[i] = tensor_get(b, ta->vals.a[i].t, ec_fmt("attribute '%s'", name));
            break;
        case EC_ATTR_GRAPHS:
            a.graphs = ec_alloc(ec_mul_size((size_t)(n ? n : 1), sizeof(ec_graph *)));
            for (int i = 0; i < n; i++) a.graphs[i] = subgraph(b, g, ta->vals.a[i].g, sc, depth + 1);
            break;
        }
    }
    ec_node_add_attr(g, node, &a);
}

static bool domain_imported(const bld *b, const char *dom)
{
    for (int i = 0; i < b->domains.n; i++)
        if (!strcmp(b->domains.a[i], dom)) return true;
    return false;
}

static void build_node(bld *b, ec_graph *g, const tx_node *tn, int index, const scope *sc, int depth)
{
    const char **ins = ec_alloc(sizeof(char *) * (size_t)(tn->ins.n + 1));
    const char **outs = ec_alloc(sizeof(char *) * (size_t)(tn->outs.n + 1));
    const tx_tok *op = &tn->op.a[tn->op.n - 1];
    char *dom = ec_strdup("");
    int n;
    for (int i = 0; i + 1 < tn->op.n; i++)
        dom = ec_fmt("%s%s%s", dom, i ? "." : "", tn->op.a[i].s);
    if (!strcmp(dom, "ai.onnx")) dom = ec_strdup("");
    if (!domain_imported(b, dom))
        ERR(b, tn->op.a[0].loc, "domain '%s' is not in the model's opset_import", dom);
    for (int i = 0; i < tn->ins.n; i++) ins[i] = cname(b, &tn->ins.a[i]);
    for (int i = 0; i < tn->outs.n; i++) outs[i] = cname(b, &tn->outs.a[i]);
    n = ec_add_node(g, op->s, dom, cname(b, &tn->name), ins, tn->ins.n, outs, tn->outs.n);
    g->nodes.a[n].index = index;
    for (int i = 0; i < tn->attrs.n; i++) {
        for (int j = 0; j < i; j++)
            if (!strcmp(tn->attrs.a[j].name.s, tn->attrs.a[i].name.s))
                ERR(b, tn->attrs.a[i].name.loc, "duplicate attribute '%s'", nm(&tn->attrs.a[i].name));
        build_attr(b, g, n, &tn->attrs.a[i], sc, depth);
    }
}

static void build_graph(bld *b, ec_graph *g, const tx_graph *tg, const scope *up, int depth)
{
    scope sc;
    nset inits = { 0 }, inputs = { 0 };
    bool top = depth == 0;
    memset(&sc, 0, sizeof sc);
    sc.up = up;

    /* initializers first (inline in the input list, then the "<...>" list) */
    for (int pass = 0; pass < 2; pass++) {
        const tx_vis *l = pass ? &tg->infos : &tg->inputs;
        for (int i = 0; i < l->n; i++) {
            const tx_vi *vi = &l->a[i];
            const char *name;
            ec_tensor *t;
            if (!vi->init) continue;
            name = cname(b, &vi->name);
            if (!*name) ERR(b, vi->name.loc, "an initializer needs a name");
            if (!nset_add(&inits, name)) ERR(b, vi->name.loc, "initializer '%s' is defined twice", nm(&vi->name));
            t = tensor_get(b, vi->init, ec_fmt("initializer '%s'", nm(&vi->name)));
            t->name = ec_strdup(name);
            ec_add_initializer(g, t);
            nset_add(&sc.names, name);
        }
    }

    for (int i = 0; i < tg->inputs.n; i++) {
        const tx_vi *vi = &tg->inputs.a[i];
        const char *name = cname(b, &vi->name);
        const char *what = ec_fmt("input '%s'", nm(&vi->name));
        ec_dtype dt = EC_DT_UNDEFINED;
        ec_shape s;
        unsigned char kind = EC_VK_TENSOR, opt_of = EC_VK_TENSOR;
        int v;
        memset(&s, 0, sizeof s);
        s.rank = -1;
        if (!*name) ERR(b, vi->name.loc, "a graph input needs a name");
        if (!nset_add(&inputs, name)) ERR(b, vi->name.loc, "graph input '%s' is declared twice", nm(&vi->name));
        if (vi->init) continue;
        if (vi->type) type_get_kind(b, vi->type, &dt, &s, &kind, &opt_of, what);
        if (nset_has(&inits, name)) {
            if (kind != EC_VK_TENSOR) ERR(b, vi->type->loc, "%s has an initializer but is not a tensor", what);
            int v = ec_value_find(g, name);
            if (v >= 0 && vi->type && dt != g->values.a[v].dtype)
                ERR(b, vi->type->loc, "%s is declared %s but its initializer is %s", what, ec_dtype_name(dt),
                    ec_dtype_name(g->values.a[v].dtype));
            continue;
        }
        if (top && !vi->type) ERR(b, vi->name.loc, "%s has no type", what);
        v = ec_add_input(g, name, dt, &s);
        g->values.a[v].kind = kind;
        g->values.a[v].opt_of = opt_of;
        nset_add(&sc.names, name);
    }

    /* every name a node of this graph defines, before any node is built,
     * so a sub-graph may read a value its graph computes later */
    for (int i = 0; i < tg->nodes.n; i++) {
        const tx_node *tn = &tg->nodes.a[i];
        for (int k = 0; k < tn->outs.n; k++) {
            const tx_tok *o = &tn->outs.a[k];
            const char *name = cname(b, o);
            if (!*name) continue;
            if (!nset_add(&sc.names, name)) ERR(b, o->loc, "value '%s' is already defined", nm(o));
        }
    }

    for (int i = 0; i < tg->nodes.n; i++) {
        const tx_node *tn = &tg->nodes.a[i];
        for (int k = 0; k < tn->ins.n; k++) {
            const tx_tok *in = &tn->ins.a[k];
            if (in->len && !in_scope(&sc, cname(b, in))) ERR(b, in->loc, "undefined value '%s'", nm(in));
        }
        build_node(b, g, tn, i, &sc, depth);
    }

    if (top && tg->outputs.n == 0) ERR(b, tg->out_loc, "graph has no outputs");
    for (int i = 0; i < tg->outputs.n; i++) {
        const tx_vi *vi = &tg->outputs.a[i];
        const char *name = cname(b, &vi->name);
        ec_dtype dt = EC_DT_UNDEFINED;
        ec_shape s;
        unsigned char kind = EC_VK_TENSOR, opt_of = EC_VK_TENSOR;
        int v;
        memset(&s, 0, sizeof s);
        s.rank = -1;
        if (!*name) ERR(b, vi->name.loc, "a graph output needs a name");
        if (vi->init) ERR(b, vi->init->data_loc, "a graph output cannot have an initializer here");
        if (vi->type) type_get_kind(b, vi->type, &dt, &s, &kind, &opt_of, ec_fmt("output '%s'", nm(&vi->name)));
        if (!in_scope(&sc, name)) ERR(b, vi->name.loc, "graph output '%s' is never computed", nm(&vi->name));
        v = ec_add_output(g, name, dt, &s);
        if (kind != EC_VK_TENSOR) {
            g->values.a[v].kind = kind;
            g->values.a[v].opt_of = opt_of;
        }
    }

    /* value infos: checked, then left to inference (as the protobuf reader does) */
    for (int i = 0; i < tg->infos.n; i++) {
        const tx_vi *vi = &tg->infos.a[i];
        ec_dtype dt;
        ec_shape s;
        unsigned char kind = EC_VK_TENSOR, opt_of = EC_VK_TENSOR;
        if (vi->init) continue;
        if (!vi->type) ERR(b, vi->name.loc, "value info '%s' needs a type", nm(&vi->name));
        type_get_kind(b, vi->type, &dt, &s, &kind, &opt_of, ec_fmt("value info '%s'", nm(&vi->name)));
    }
}

/* ---- the model header ------------------------------------------------------------ */

static const char *str_lit(bld *b, const tx_kv *kv, const tx_lit *l)
{
    if (l->kind != TX_STRING) ERR(b, l->tok.loc, "%s needs a string, found %s", kv->key.s, lit_what(l->kind));
    return l->tok.s;
}

static void read_header(bld *b, ec_graph *g)
{
    static const char *keys[] = { "ir_version", "opset_import", "producer_name", "producer_version",
                                  "domain", "model_version", "doc_string", "metadata_props" };
    bool have_ir = false, have_default = false;
    for (int i = 0; i < b->m->header.n; i++) {
        const tx_kv *kv = &b->m->header.a[i];
        bool known = false, list = is_name(&kv->key, "opset_import") || is_name(&kv->key, "metadata_props");
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) known |= is_name(&kv->key, keys[k]);
        if (!known) ERR(b, kv->key.loc, "unknown model field '%s'", nm(&kv->key));
        for (int j = 0; j < i; j++)
            if (!strcmp(b->m->header.a[j].key.s, kv->key.s)) ERR(b, kv->key.loc, "%s is given twice", kv->key.s);
        if (list != kv->is_list)
            ERR(b, kv->loc, list ? "%s needs a list '[...]'" : "%s needs a single value, not a list", kv->key.s);
        if (is_name(&kv->key, "ir_version")) {
            int64_t v = lit_int(b, &kv->val, "ir_version");
            if (v < TX_IR_MIN || v > TX_IR_MAX)
                ERR(b, kv->loc, "unsupported IR version %" PRId64 " (edgec reads %d to %d)", v, TX_IR_MIN, TX_IR_MAX);
            g->ir_version = v;
            have_ir = true;
        } else if (is_name(&kv->key, "model_version")) {
            (void)lit_int(b, &kv->val, "model_version");
        } else if (is_name(&kv->key, "opset_import")) {
            for (int k = 0; k < kv->list.n; k++) {
                const tx_pair *p = &kv->list.a[k];
                const char *d = str_lit(b, kv, &p->k);
                int64_t v = lit_int(b, &p->v, "an opset version");
                if (!strcmp(d, "ai.onnx")) d = "";
                if (domain_imported(b, d)) ERR(b, p->k.tok.loc, "domain '%s' imported twice", nm(&p->k.tok));
                EC_PUSH(b->domains, d);
                if (*d) continue; /* recorded; its ops are checked by the passes */
                if (v < 1 || v > TX_OPSET_MAX)
                    ERR(b, p->v.tok.loc, "unsupported opset version %" PRId64 " (edgec supports 1 to %d)", v,
                        TX_OPSET_MAX);
                g->opset = v;
                have_default = true;
            }
        } else if (is_name(&kv->key, "metadata_props")) {
            for (int k = 0; k < kv->list.n; k++) {
                (void)str_lit(b, kv, &kv->list.a[k].k);
                (void)str_lit(b, kv, &kv->list.a[k].v);
            }
        } else {
            (void)str_lit(b, kv, &kv->val);
        }
    }
    if (!have_ir) ERR(b, b->m->g->loc, "the model has no ir_version (write '<ir_version: 8, ...>' first)");
    if (!have_default && domain_imported(b, EC_TRAINING_DOMAIN)) { /* see EC_TRAINING_DEFAULT_OPSET */
        g->opset = EC_TRAINING_DEFAULT_OPSET;
        have_default = true;
    }
    if (!have_default)
        ERR(b, b->m->g->loc, "the model does not import the default ONNX opset (opset_import: [\"\" : 17])");
}

/* ---- entry points ----------------------------------------------------------------- */

ec_graph *ec_parse_onnx_text(const char *name, const char *text, size_t len)
{
    tx_src src = { name, text, len };
    tx_model m;
    char *msg;
    tx_loc loc;
    bld b;
    ec_graph *g;

    ec_diag_set_file(name);
    if (len > INT_MAX) ec_fail("file is too large (%zu bytes)", len);
    if (!tx_parse(&src, &m, &msg, &loc)) tx_error(&src, loc, "%s", msg);
    memset(&b, 0, sizeof b);
    b.src = &src;
    b.m = &m;
    if (m.has_functions) ERR(&b, m.fn_loc, "model-local functions are not supported");
    g = ec_graph_new(m.g->name.s ? cname(&b, &m.g->name) : "");
    g->path = ec_strdup(name);
    read_header(&b, g);
    build_graph(&b, g, m.g, NULL, 0);
    return g;
}

ec_graph *ec_read_onnx_text(const char *path)
{
    FILE *f;
    struct stat st;
    char *buf;
    size_t n;
    ec_diag_set_file(path);
    {
        const char *why;
        f = ec_fopen_regular(path, &why);
        if (!f) ec_fail(ec_why_is_file_kind(why) ? "%s" : "cannot open file: %s", why);
    }
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        ec_fail("cannot read file: %s", strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        fclose(f);
        ec_fail(S_ISDIR(st.st_mode) ? "is a directory, not a file" : "not a regular file");
    }
    if (st.st_size == 0) {
        fclose(f);
        ec_fail("file is empty");
    }
    if ((uintmax_t)st.st_size > (uintmax_t)INT_MAX) {
        fclose(f);
        ec_fail("file is too large (%jd bytes)", (intmax_t)st.st_size);
    }
    n = (size_t)st.st_size;
    buf = ec_alloc(n + 1);
    if (fread(buf, 1, n, f) != n) {
        fclose(f);
        ec_fail("cannot read file");
    }
    fclose(f);
    return ec_parse_onnx_text(path, buf, n);
}
