/* ir.c - allocation, diagnostics, dtypes, shapes, the graph builder and
 * attribute access. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ir.h"

/* ---- memory ------------------------------------------------------------ */
/* Every block carries a header linking it into one global list, so memory is
 * always reachable (an early exit is not a leak) and ec_free_all() can
 * release everything. */
typedef struct blk {
    struct blk *prev, *next;
    size_t size;
    size_t pad; /* keeps the payload 16-byte aligned on 64-bit hosts */
} blk;

static blk blocks = { &blocks, &blocks, 0, 0 };

static _Noreturn void out_of_memory(size_t n)
{
    ec_fail_plain("out of memory (allocating %zu bytes)", n);
}

void *ec_alloc(size_t n)
{
    blk *b;
    if (n > SIZE_MAX - sizeof(blk)) out_of_memory(n);
    b = calloc(1, sizeof(blk) + n);
    if (!b) out_of_memory(n);
    b->size = n;
    b->next = blocks.next;
    b->prev = &blocks;
    blocks.next->prev = b;
    blocks.next = b;
    return b + 1;
}

void ec_free(void *p)
{
    blk *b;
    if (!p) return;
    b = (blk *)p - 1;
    b->prev->next = b->next;
    b->next->prev = b->prev;
    free(b);
}

void *ec_realloc(void *p, size_t n)
{
    void *q;
    blk *b;
    if (!p) return ec_alloc(n);
    b = (blk *)p - 1;
    if (n <= b->size) return p;
    q = ec_alloc(n);
    memcpy(q, p, b->size);
    ec_free(p);
    return q;
}

void ec_free_all(void)
{
    while (blocks.next != &blocks) ec_free(blocks.next + 1);
}

char *ec_strndup(const char *s, size_t n)
{
    char *d = ec_alloc(n + 1);
    memcpy(d, s, n);
    return d;
}

char *ec_strdup(const char *s)
{
    return ec_strndup(s ? s : "", s ? strlen(s) : 0);
}

char *ec_fmt(const char *fmt, ...)
{
    va_list ap, ap2;
    int n;
    char *s;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    s = ec_alloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return s;
}

size_t ec_mul_size(size_t a, size_t b)
{
    if (a && b > SIZE_MAX / a) ec_fail("size overflow (%zu x %zu bytes)", a, b);
    return a * b;
}

/* ---- diagnostics ------------------------------------------------------- */
static const char *diag_file;
static jmp_buf *diag_jmp;
static bool diag_quiet;
static char diag_last[1024];
/* the value a failure is about to report as "must be a compile-time
 * constant" (pending), and the one the last failure reported (needed) */
static const ec_graph *need_g_pending, *need_g;
static int need_v_pending = -1, need_v = -1;

void ec_diag_set_file(const char *path) { diag_file = path; }
const char *ec_diag_file(void) { return diag_file; }
void ec_diag_catch(jmp_buf *buf) { diag_jmp = buf; }
const char *ec_diag_last(void) { return diag_last; }
void ec_diag_quiet(bool quiet) { diag_quiet = quiet; }

void ec_diag_need_const(const ec_graph *g, int value)
{
    need_g_pending = g;
    need_v_pending = value;
}

int ec_diag_needed(const ec_graph **g)
{
    if (g) *g = need_g;
    return need_v;
}

/* Called by every failure: the pending record becomes the last failure's. */
static void need_settle(void)
{
    need_g = need_g_pending;
    need_v = need_v_pending;
    need_g_pending = NULL;
    need_v_pending = -1;
}

/* Keep messages on one line: control characters from the model become '?'. */
static void one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) *s = '?';
}

_Noreturn void ec_vfail(const char *prefix, const char *fmt, va_list ap)
{
    char msg[768];
    need_settle();
    vsnprintf(msg, sizeof msg, fmt, ap);
    snprintf(diag_last, sizeof diag_last, "edgec: %s%s", prefix ? prefix : "", msg);
    one_line(diag_last);
    if (!diag_quiet) {
        fprintf(stderr, "%s\n", diag_last);
        fflush(stderr);
    }
    if (diag_jmp) longjmp(*diag_jmp, 1);
    exit(1);
}

/* A message printed as given, on several lines (the text frontend's
 * "file:line:col: error: ..." with the source line and a caret). */
_Noreturn void ec_fail_text(const char *text)
{
    need_settle();
    snprintf(diag_last, sizeof diag_last, "%s", text);
    if (!diag_quiet) {
        fprintf(stderr, "%s\n", text);
        fflush(stderr);
    }
    if (diag_jmp) longjmp(*diag_jmp, 1);
    exit(1);
}

_Noreturn void ec_fail_plain(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ec_vfail("", fmt, ap);
}

_Noreturn void ec_fail(const char *fmt, ...)
{
    char prefix[512];
    va_list ap;
    snprintf(prefix, sizeof prefix, "%s: ", diag_file ? diag_file : "<input>");
    va_start(ap, fmt);
    ec_vfail(prefix, fmt, ap);
}

_Noreturn void ec_fail_node(const ec_graph *g, int node, const char *fmt, ...)
{
    char prefix[768];
    const ec_node *n = &g->nodes.a[node];
    va_list ap;
    snprintf(prefix, sizeof prefix, "%s: node %d '%.200s' (%.100s): ",
             diag_file ? diag_file : "<input>", n->index, n->name ? n->name : "", n->op);
    va_start(ap, fmt);
    ec_vfail(prefix, fmt, ap);
}

void ec_warn(const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    one_line(msg);
    if (!diag_quiet) fprintf(stderr, "edgec: %s: warning: %s\n", diag_file ? diag_file : "<input>", msg);
}

/* ---- dtypes -------------------------------------------------------------- */
static const struct {
    size_t size;
    const char *name, *ctype, *suffix;
} dtypes[] = {
    [EC_DT_UNDEFINED] = { 0, "undefined", "void", "x" },
    [EC_DT_FLOAT] = { 4, "float", "float", "f32" },
    [EC_DT_UINT8] = { 1, "uint8", "uint8_t", "u8" },
    [EC_DT_INT8] = { 1, "int8", "int8_t", "s8" },
    [EC_DT_UINT16] = { 2, "uint16", "uint16_t", "u16" },
    [EC_DT_INT16] = { 2, "int16", "int16_t", "s16" },
    [EC_DT_INT32] = { 4, "int32", "int32_t", "s32" },
    [EC_DT_INT64] = { 8, "int64", "int64_t", "s64" },
    [EC_DT_STRING] = { 0, "string", "const char *", "str" },
    [EC_DT_BOOL] = { 1, "bool", "bool", "b" },
    [EC_DT_FLOAT16] = { 2, "float16", "uint16_t", "f16" },
    [EC_DT_DOUBLE] = { 8, "double", "double", "f64" },
    [EC_DT_UINT32] = { 4, "uint32", "uint32_t", "u32" },
    [EC_DT_UINT64] = { 8, "uint64", "uint64_t", "u64" },
    [EC_DT_COMPLEX64] = { 0, "complex64", "void", "c64" },
    [EC_DT_COMPLEX128] = { 0, "complex128", "void", "c128" },
    [EC_DT_BFLOAT16] = { 2, "bfloat16", "uint16_t", "bf16" },
};
#define NDTYPES ((int)(sizeof dtypes / sizeof dtypes[0]))

size_t ec_dtype_size(ec_dtype t) { return t >= 0 && t < NDTYPES ? dtypes[t].size : 0; }
size_t ec_elem_bytes(ec_dtype t) { return t == EC_DT_STRING ? EC_STR_SLOT_BYTES : ec_dtype_size(t); }
const char *ec_dtype_name(ec_dtype t) { return t >= 0 && t < NDTYPES ? dtypes[t].name : "unknown"; }
const char *ec_dtype_ctype(ec_dtype t) { return t >= 0 && t < NDTYPES ? dtypes[t].ctype : "void"; }
const char *ec_dtype_suffix(ec_dtype t) { return t >= 0 && t < NDTYPES ? dtypes[t].suffix : "x"; }

bool ec_dtype_is_float(ec_dtype t)
{
    return t == EC_DT_FLOAT || t == EC_DT_DOUBLE || t == EC_DT_FLOAT16 || t == EC_DT_BFLOAT16;
}

bool ec_dtype_is_int(ec_dtype t)
{
    switch (t) {
    case EC_DT_UINT8: case EC_DT_INT8: case EC_DT_UINT16: case EC_DT_INT16:
    case EC_DT_INT32: case EC_DT_INT64: case EC_DT_UINT32: case EC_DT_UINT64:
        return true;
    default:
        return false;
    }
}

bool ec_dtype_is_signed(ec_dtype t)
{
    return t == EC_DT_INT8 || t == EC_DT_INT16 || t == EC_DT_INT32 || t == EC_DT_INT64 ||
           ec_dtype_is_float(t);
}

/* ---- shapes -------------------------------------------------------------- */
ec_shape ec_shape_make(int rank, const int64_t *dims)
{
    ec_shape s;
    int i;
    memset(&s, 0, sizeof s);
    if (rank > EC_MAX_RANK) ec_fail("rank %d exceeds the supported maximum of %d", rank, EC_MAX_RANK);
    s.rank = rank;
    for (i = 0; i < rank; i++) s.dim[i] = dims ? dims[i] : 1;
    return s;
}

bool ec_shape_is_static(const ec_shape *s)
{
    int i;
    if (s->rank < 0) return false;
    for (i = 0; i < s->rank; i++)
        if (s->dim[i] < 0) return false;
    return true;
}

int64_t ec_shape_numel(const ec_shape *s)
{
    int64_t n = 1;
    int i;
    for (i = 0; i < s->rank; i++) {
        int64_t d = s->dim[i];
        if (d < 0) ec_fail("internal: numel of a non-static shape");
        if (d && n > INT64_MAX / d) ec_fail("dim product overflows int64");
        n *= d;
    }
    return n;
}

bool ec_shape_eq(const ec_shape *a, const ec_shape *b)
{
    int i;
    if (a->rank != b->rank) return false;
    for (i = 0; i < a->rank; i++)
        if (a->dim[i] != b->dim[i]) return false;
    return true;
}

char *ec_shape_str(const ec_shape *s, char *buf, size_t n)
{
    size_t len = 0;
    int i;
    if (s->rank < 0) {
        snprintf(buf, n, "[?]");
        return buf;
    }
    len += (size_t)snprintf(buf + len, n - len, "[");
    for (i = 0; i < s->rank && len < n; i++) {
        if (s->dim[i] >= 0)
            len += (size_t)snprintf(buf + len, n - len, "%s%lld", i ? "," : "", (long long)s->dim[i]);
        else
            len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? "," : "", s->sym[i] ? s->sym[i] : "?");
    }
    if (len < n) snprintf(buf + len, n - len, "]");
    return buf;
}

bool ec_broadcast(const ec_shape *a, const ec_shape *b, ec_shape *out)
{
    int r = a->rank > b->rank ? a->rank : b->rank;
    int i;
    ec_shape o = ec_shape_make(r, NULL);
    for (i = 0; i < r; i++) {
        int ia = i - (r - a->rank), ib = i - (r - b->rank);
        int64_t da = ia >= 0 ? a->dim[ia] : 1;
        int64_t db = ib >= 0 ? b->dim[ib] : 1;
        if (da == db || db == 1) o.dim[i] = da;
        else if (da == 1) o.dim[i] = db;
        else return false;
    }
    *out = o;
    return true;
}

/* ---- builder ------------------------------------------------------------- */
ec_graph *ec_graph_new(const char *name)
{
    ec_graph *g = ec_alloc(sizeof *g);
    g->name = ec_strdup(name ? name : "");
    g->opset = 0;
    return g;
}

int ec_value_find(const ec_graph *g, const char *name)
{
    int i;
    for (i = 0; i < g->values.n; i++)
        if (strcmp(g->values.a[i].name, name) == 0) return i;
    return -1;
}

static int value_add(ec_graph *g, const char *name)
{
    ec_value v;
    memset(&v, 0, sizeof v);
    v.name = ec_strdup(name);
    v.shape.rank = -1;
    v.producer = -1;
    v.offset = -1;
    v.alias = -1;
    v.str_max = -1;
    EC_PUSH(g->values, v);
    return g->values.n - 1;
}

int ec_value_get(ec_graph *g, const char *name)
{
    int v = ec_value_find(g, name);
    return v >= 0 ? v : value_add(g, name);
}

int ec_value_new(ec_graph *g, const char *hint)
{
    char *name = ec_fmt("%s", hint);
    int k = 1;
    while (ec_value_find(g, name) >= 0) {
        ec_free(name);
        name = ec_fmt("%s_%d", hint, k++);
    }
    k = value_add(g, name);
    ec_free(name);
    return k;
}

int ec_add_input(ec_graph *g, const char *name, ec_dtype dt, const ec_shape *shape)
{
    int v = ec_value_get(g, name);
    ec_value *val = &g->values.a[v];
    if (val->is_input) ec_fail("graph input '%s' is declared twice", name);
    val->dtype = dt;
    if (shape) val->shape = *shape;
    if (val->is_initializer) return v; /* IR < 4: initializer listed as input */
    val->is_input = true;
    EC_PUSH(g->inputs, v);
    return v;
}

int ec_add_output(ec_graph *g, const char *name, ec_dtype dt, const ec_shape *shape)
{
    int v = ec_value_get(g, name);
    ec_value *val = &g->values.a[v];
    val->is_output = true;
    if (val->dtype == EC_DT_UNDEFINED) val->dtype = dt;
    if (shape && val->shape.rank < 0) val->shape = *shape;
    EC_PUSH(g->outputs, v);
    return v;
}

static void remove_input(ec_graph *g, int v)
{
    int i, j = 0;
    for (i = 0; i < g->inputs.n; i++)
        if (g->inputs.a[i] != v) g->inputs.a[j++] = g->inputs.a[i];
    g->inputs.n = j;
    g->values.a[v].is_input = false;
}

void ec_value_set_const(ec_graph *g, int v, ec_dtype dt, const ec_shape *s, void *data)
{
    ec_value *val = &g->values.a[v];
    size_t es = ec_dtype_size(dt);
    int64_t n = ec_shape_numel(s);
    if (val->data && val->data != data) ec_free(val->data);
    val->dtype = dt;
    val->shape = *s;
    val->nbytes = ec_mul_size((size_t)n, es);
    val->data = data ? data : ec_alloc(val->nbytes ? val->nbytes : 1);
    if (val->is_input) remove_input(g, v);
}

int ec_add_initializer(ec_graph *g, ec_tensor *t)
{
    int v = ec_value_get(g, t->name);
    ec_value *val = &g->values.a[v];
    if (val->is_initializer) ec_fail("initializer '%s' is defined twice", t->name);
    if (val->producer >= 0) ec_fail("initializer '%s' is also produced by a node", t->name);
    if (!ec_shape_is_static(&t->shape)) ec_fail("initializer '%s' has a non-static shape", t->name);
    val->is_initializer = true;
    if (t->dtype == EC_DT_STRING || ec_dtype_size(t->dtype) == 0) {
        /* Keep the type so a later use can be diagnosed; no data. */
        val->dtype = t->dtype;
        val->shape = t->shape;
        val->data = t->data ? t->data : ec_alloc(1);
        if (val->is_input) remove_input(g, v);
        return v;
    }
    if (t->nbytes != ec_mul_size((size_t)ec_shape_numel(&t->shape), ec_dtype_size(t->dtype)))
        ec_fail("initializer '%s' has %zu bytes of data for shape and type needing %zu", t->name,
                t->nbytes, (size_t)ec_shape_numel(&t->shape) * ec_dtype_size(t->dtype));
    ec_value_set_const(g, v, t->dtype, &t->shape, t->data);
    val = &g->values.a[v];
    val->nbytes = t->nbytes;
    return v;
}

int ec_add_node(ec_graph *g, const char *op, const char *domain, const char *name,
                const char *const *inputs, int nin, const char *const *outputs, int nout)
{
    ec_node n;
    int i, id;
    memset(&n, 0, sizeof n);
    n.op = ec_strdup(op);
    n.domain = ec_strdup(domain ? domain : "");
    n.name = ec_strdup(name ? name : "");
    n.index = g->nodes.n;
    n.nin = nin;
    n.nout = nout;
    n.in = ec_alloc(sizeof(int) * (size_t)(nin ? nin : 1));
    n.out = ec_alloc(sizeof(int) * (size_t)(nout ? nout : 1));
    EC_PUSH(g->nodes, n);
    id = g->nodes.n - 1;
    for (i = 0; i < nin; i++)
        g->nodes.a[id].in[i] = (inputs[i] && inputs[i][0]) ? ec_value_get(g, inputs[i]) : -1;
    for (i = 0; i < nout; i++) {
        int v = -1;
        if (outputs[i] && outputs[i][0]) {
            v = ec_value_get(g, outputs[i]);
            if (g->values.a[v].producer >= 0 || g->values.a[v].is_input ||
                g->values.a[v].is_initializer)
                ec_fail_node(g, id, "value '%s' is already defined", outputs[i]);
            g->values.a[v].producer = id;
        }
        g->nodes.a[id].out[i] = v;
    }
    return id;
}

/* Put the nodes add[0..nadd) in front of node `at`, and renumber producers. */
void ec_splice_nodes(ec_graph *g, int at, const ec_node *add, int nadd)
{
    int n = g->nodes.n, i, k;
    ec_node *a, *tmp;
    for (i = 0; i < nadd; i++) EC_PUSH(g->nodes, add[i]);
    a = g->nodes.a;
    /* rotate [at, n + nadd) right by nadd */
    tmp = ec_alloc(sizeof(ec_node) * (size_t)(n - at + 1));
    memcpy(tmp, a + at, sizeof(ec_node) * (size_t)(n - at));
    memmove(a + at, a + n, sizeof(ec_node) * (size_t)nadd);
    memcpy(a + at + nadd, tmp, sizeof(ec_node) * (size_t)(n - at));
    ec_free(tmp);
    for (i = at; i < g->nodes.n; i++)
        for (k = 0; k < a[i].nout; k++)
            if (a[i].out[k] >= 0) g->values.a[a[i].out[k]].producer = i;
}

void ec_node_add_attr(ec_graph *g, int node, const ec_attr *a)
{
    ec_node_push_attr(&g->nodes.a[node], *a);
}

void ec_node_push_attr(ec_node *n, ec_attr a)
{
    n->attrs = ec_realloc(n->attrs, sizeof(ec_attr) * (size_t)(n->nattrs + 1));
    n->attrs[n->nattrs++] = a;
}

/* ---- attribute construction ------------------------------------------- */
static ec_attr attr_new(const char *name, int type)
{
    ec_attr a;
    memset(&a, 0, sizeof a);
    a.name = ec_strdup(name);
    a.type = type;
    return a;
}

ec_attr ec_attr_new_int(const char *name, int64_t v)
{
    ec_attr a = attr_new(name, EC_ATTR_INT);
    a.i = v;
    return a;
}

ec_attr ec_attr_new_float(const char *name, float v)
{
    ec_attr a = attr_new(name, EC_ATTR_FLOAT);
    a.f = v;
    return a;
}

ec_attr ec_attr_new_ints(const char *name, const int64_t *v, int n)
{
    ec_attr a = attr_new(name, EC_ATTR_INTS);
    a.n = n;
    a.ints = ec_alloc(sizeof(int64_t) * (size_t)(n + 1));
    if (n > 0) memcpy(a.ints, v, sizeof(int64_t) * (size_t)n);
    return a;
}

ec_attr ec_attr_new_string(const char *name, const char *s)
{
    ec_attr a = attr_new(name, EC_ATTR_STRING);
    a.slen = strlen(s);
    a.s = ec_strdup(s);
    return a;
}

ec_attr ec_attr_new_floats(const char *name, const float *v, int n)
{
    ec_attr a = attr_new(name, EC_ATTR_FLOATS);
    a.n = n;
    a.floats = ec_alloc(sizeof(float) * (size_t)(n + 1));
    if (n > 0) memcpy(a.floats, v, sizeof(float) * (size_t)n);
    return a;
}

/* ---- attributes -------------------------------------------------------- */
const ec_attr *ec_attr_find(const ec_node *n, const char *name)
{
    int i;
    for (i = 0; i < n->nattrs; i++)
        if (strcmp(n->attrs[i].name, name) == 0) return &n->attrs[i];
    return NULL;
}

int64_t ec_attr_int(const ec_node *n, const char *name, int64_t dflt)
{
    const ec_attr *a = ec_attr_find(n, name);
    return a && a->type == EC_ATTR_INT ? a->i : dflt;
}

float ec_attr_float(const ec_node *n, const char *name, float dflt)
{
    const ec_attr *a = ec_attr_find(n, name);
    if (a && a->type == EC_ATTR_FLOAT) return a->f;
    if (a && a->type == EC_ATTR_INT) return (float)a->i;
    return dflt;
}

const char *ec_attr_string(const ec_node *n, const char *name, const char *dflt)
{
    const ec_attr *a = ec_attr_find(n, name);
    return a && a->type == EC_ATTR_STRING ? a->s : dflt;
}

int ec_attr_ints(const ec_node *n, const char *name, const int64_t **out)
{
    const ec_attr *a = ec_attr_find(n, name);
    if (!a || a->type != EC_ATTR_INTS) return -1;
    *out = a->ints;
    return a->n;
}

int ec_attr_floats(const ec_node *n, const char *name, const float **out)
{
    const ec_attr *a = ec_attr_find(n, name);
    if (!a || a->type != EC_ATTR_FLOATS) return -1;
    *out = a->floats;
    return a->n;
}

bool ec_dim_is_runtime(const ec_graph *g, int v, int d)
{
    if (!g->rt_dim || v < 0 || v >= g->rt_dim_values || d < 0 || d >= EC_MAX_RANK) return false;
    return g->rt_dim[v * EC_MAX_RANK + d];
}
