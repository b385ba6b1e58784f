/* emit_c.c - C99 code generation: NAME.h, NAME.c, NAME_weights.h/.c, and the
 * runtime-min files the calls need, all into an in-memory ec_output; and
 * ec_output_write, which puts them on disk only once everything is ready.
 *
 * NAME.c is the schedule as a flat list of commented kernel calls on arena
 * offsets. Arguments come from ec_arg: tensors are the caller's pointers
 * (graph inputs and outputs), weight symbols (constants) or (T *)(A + off)
 * (arena values, through their storage root); floats are exact hex literals.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include "codegen.h"

/* ---- buffers and the output set --------------------------------------- */

#define EC_STREAM_CHUNK ((size_t)1 << 20)

static void buf_flush(ec_buf *b)
{
    if (b->fp && b->len) {
        if (fwrite(b->s, 1, b->len, b->fp) != b->len)
            ec_fail_plain("cannot write generated code: %s", strerror(errno));
        b->len = 0;
        b->s[0] = '\0';
    }
}

void ec_buf_put(ec_buf *b, const char *s, size_t n)
{
    if (b->fp && b->len + n > EC_STREAM_CHUNK) buf_flush(b);
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap) cap = ec_mul_size(cap, 2);
        b->s = ec_realloc(b->s, cap);
        b->cap = cap;
    }
    if (n) memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void ec_buf_printf(ec_buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];
    int n;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) ec_fail_plain("internal error: bad format '%s'", fmt);
    if ((size_t)n < sizeof small) {
        ec_buf_put(b, small, (size_t)n);
    } else {
        char *big = ec_alloc((size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        ec_buf_put(b, big, (size_t)n);
        ec_free(big);
    }
}

void ec_output_add(ec_output *o, const char *name, char *data, size_t len)
{
    ec_outfile f;
    int i;
    for (i = 0; i < o->files.n; i++)
        if (!strcmp(o->files.a[i].name, name))
            ec_fail_plain("internal error: output file '%s' generated twice", name);
    f.name = ec_strdup(name);
    f.data = data;
    f.len = len;
    f.tmp = NULL;
    EC_PUSH(o->files, f);
}

static void mkdir_p(const char *dir)
{
    char *d = ec_strdup(dir), *q;
    struct stat st;
    for (q = d + 1; *q; q++) {
        if (*q != '/') continue;
        *q = '\0';
        if (mkdir(d, 0777) != 0 && errno != EEXIST)
            ec_fail_plain("%s: cannot create directory: %s", d, strerror(errno));
        *q = '/';
    }
    if (mkdir(d, 0777) != 0 && errno != EEXIST)
        ec_fail_plain("%s: cannot create directory: %s", d, strerror(errno));
    if (stat(d, &st) != 0 || !S_ISDIR(st.st_mode))
        ec_fail_plain("%s: not a directory", d);
    ec_free(d);
}

/* Temporary files being streamed; removed at exit unless renamed. */
static EC_VEC(char *) live_tmp;

static void remove_live_tmp(void)
{
    int i;
    for (i = 0; i < live_tmp.n; i++)
        if (live_tmp.a[i]) remove(live_tmp.a[i]);
    live_tmp.n = 0;
}

static char *tmp_name(const char *dir, const char *name)
{
    if (strchr(name, '/') || name[0] == '.' || name[0] == '\0')
        ec_fail_plain("internal error: bad output file name '%s'", name);
    return ec_fmt("%s/.%s.tmp%ld", dir, name, (long)getpid());
}

bool ec_output_stream(ec_output *o, const char *name, ec_buf *b)
{
    static bool registered;
    char *tmp;
    if (!o->dir) return false;
    mkdir_p(o->dir);
    tmp = tmp_name(o->dir, name);
    if (!registered) {
        atexit(remove_live_tmp);
        registered = true;
    }
    b->fp = fopen(tmp, "wb");
    if (!b->fp) ec_fail_plain("%s/%s: cannot write: %s", o->dir, name, strerror(errno));
    EC_PUSH(live_tmp, tmp);
    buf_flush(b);
    return true;
}

void ec_output_stream_end(ec_output *o, const char *name, ec_buf *b)
{
    ec_outfile f;
    int i;
    if (!b->fp) {
        ec_output_add(o, name, b->s, b->len);
        return;
    }
    buf_flush(b);
    if (fclose(b->fp) != 0) ec_fail_plain("%s/%s: cannot write: %s", o->dir, name, strerror(errno));
    b->fp = NULL;
    ec_free(b->s);
    memset(&f, 0, sizeof f);
    f.name = ec_strdup(name);
    f.tmp = ec_fmt("%s/.%s.tmp%ld", o->dir, name, (long)getpid());
    for (i = 0; i < o->files.n; i++)
        if (!strcmp(o->files.a[i].name, name))
            ec_fail_plain("internal error: output file '%s' generated twice", name);
    EC_PUSH(o->files, f);
}

void ec_output_write(const ec_output *o, const char *dir)
{
    char **tmp = ec_alloc(sizeof(char *) * (size_t)(o->files.n + 1));
    int i, j;
    mkdir_p(dir);
    /* every file to a temporary name first; any failure removes them all */
    for (i = 0; i < o->files.n; i++) {
        const ec_outfile *f = &o->files.a[i];
        FILE *fp;
        bool ok;
        tmp[i] = tmp_name(dir, f->name);
        if (f->tmp) {
            if (strcmp(f->tmp, tmp[i]) != 0)
                ec_fail_plain("internal error: '%s' was streamed to another directory", f->name);
            continue; /* already on disk */
        }
        fp = fopen(tmp[i], "wb");
        ok = fp != NULL;
        if (ok && f->len) ok = fwrite(f->data, 1, f->len, fp) == f->len;
        if (fp && fclose(fp) != 0) ok = false;
        if (!ok) {
            int e = errno;
            for (j = 0; j <= i; j++) remove(tmp[j]);
            ec_fail_plain("%s/%s: cannot write: %s", dir, f->name, strerror(e));
        }
    }
    for (i = 0; i < o->files.n; i++) {
        char *final = ec_fmt("%s/%s", dir, o->files.a[i].name);
        if (rename(tmp[i], final) != 0) {
            int e = errno;
            for (j = i; j < o->files.n; j++) remove(tmp[j]);
            ec_fail_plain("%s: cannot write: %s", final, strerror(e));
        }
        ec_free(final);
        ec_free(tmp[i]);
    }
    ec_free(tmp);
    live_tmp.n = 0; /* renamed: nothing left to remove at exit */
}

/* ---- names -------------------------------------------------------------- */

static const char *const reserved[] = {
    /* C99 keywords */
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
    "union", "unsigned", "void", "volatile", "while", "_Bool", "_Complex", "_Imaginary",
    /* C11/C23 and C++ words a user's toolchain may treat as keywords */
    "bool", "true", "false", "alignas", "alignof", "static_assert", "thread_local", "nullptr",
    "class", "new", "delete", "this", "template", "typename", "namespace", "private", "public",
    "protected", "virtual", "operator", "friend", "explicit", "mutable", "catch", "throw", "try",
    /* macros and names the generated code uses */
    "NULL", "INFINITY", "NAN", "HUGE_VALF", "arena", "A", "main", "errno", "assert",
    "offsetof", "size_t", "ptrdiff_t",
};

static bool is_reserved(const char *s, const char *model)
{
    size_t i, ml = strlen(model);
    for (i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (!strcmp(s, reserved[i])) return true;
    if (s[0] == '_') return true;                       /* reserved to the implementation */
    if (strlen(s) > 2 && !strcmp(s + strlen(s) - 2, "_t")) return true; /* int32_t, ... */
    if (!strncmp(s, "ec_", 3) || !strncmp(s, "EC_", 3)) return true;   /* runtime-min */
    if (!strncmp(s, model, ml) && s[ml] == '_') return true;           /* NAME_run, weights */
    if (!strncmp(s, "INT", 3) || !strncmp(s, "UINT", 4)) return true;  /* INT32_MAX, ... */
    return false;
}

/* ONNX name -> C identifier: non-alnum -> '_', leading digit or a reserved
 * word -> "v_" prefix. */
static char *c_ident(const char *name, const char *model)
{
    ec_buf b = { 0 };
    const char *p;
    if (!name || !name[0]) name = "v";
    if (name[0] >= '0' && name[0] <= '9') ec_buf_put(&b, "v_", 2);
    for (p = name; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        ec_buf_put(&b, ok ? &c : "_", 1);
    }
    if (is_reserved(b.s, model)) {
        char *r = ec_fmt("v_%s", b.s);
        ec_free(b.s);
        return r;
    }
    return b.s;
}

/* Text that is safe inside a C comment: printable ASCII, no comment ends. */
static void put_comment_text(ec_buf *b, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '*' && s[1] == '/') { ec_buf_put(b, "* ", 2); continue; }
        if (c == '/' && s[1] == '*') { ec_buf_put(b, "/ ", 2); continue; }
        if (c < 0x20 || c > 0x7e) c = '?';
        ec_buf_put(b, (const char *)&c, 1);
    }
}

/* ---- literals ------------------------------------------------------------- */

typedef struct cg {
    const ec_program *p;
    const ec_graph *g;
    const ec_target *t;
    const ec_options *o;
    const char *name;               /* model name (a C identifier) */
    char **param;                   /* per value: caller pointer name (input, or first output slot) */
    char **out_param;               /* per graph output slot */
    char **extent_param;            /* per value: its int64_t * size parameter (data_dep outputs) */
    bool *param_used;               /* per value (inputs/outputs) */
    int *weight;                    /* per value: weight index, or -1 */
    bool need_math;                 /* INFINITY / NAN used */
    bool uses_arena;
    char **dim_param;               /* per run-time dim: NAME_run's argument name */
} cg;

/* "%a" of a finite double, as glibc prints it (shortest hex digits, no
 * trailing zeros), without the cost of printf: big models have millions. */
size_t ec_cg_hexfloat(char *out, double f)
{
    static const char hex[] = "0123456789abcdef";
    uint64_t bits, mant;
    int exp, k = 0, nd, i;
    char *p = out;
    memcpy(&bits, &f, 8);
    if (bits >> 63) *p++ = '-';
    exp = (int)((bits >> 52) & 0x7ff);
    mant = bits & ((UINT64_C(1) << 52) - 1);
    *p++ = '0';
    *p++ = 'x';
    if (exp == 0 && mant == 0) {
        memcpy(p, "0p+0", 4);
        return (size_t)(p + 4 - out);
    }
    if (exp == 0) { /* subnormal double: glibc prints 0x0.xxxp-1022 */
        *p++ = '0';
        exp = -1022;
    } else {
        *p++ = '1';
        exp -= 1023;
    }
    nd = 13;
    while (nd > 0 && ((mant >> (4 * (13 - nd))) & 0xf) == 0) nd--;
    if (nd) {
        *p++ = '.';
        for (i = 0; i < nd; i++) *p++ = hex[(mant >> (4 * (12 - i))) & 0xf];
    }
    *p++ = 'p';
    *p++ = exp < 0 ? '-' : '+';
    if (exp < 0) exp = -exp;
    {
        char d[8];
        do { d[k++] = (char)('0' + exp % 10); exp /= 10; } while (exp);
        while (k) *p++ = d[--k];
    }
    return (size_t)(p - out);
}

static void put_float(cg *c, ec_buf *b, double f, bool single)
{
    if (isnan(f)) {
        ec_buf_printf(b, signbit(f) ? "(-NAN)" : "NAN");
        c->need_math = true;
    } else if (isinf(f)) {
        ec_buf_printf(b, f < 0 ? "(-INFINITY)" : "INFINITY");
        c->need_math = true;
    } else {
        char t[40];
        size_t n = ec_cg_hexfloat(t, f);
        if (single) t[n++] = 'f';
        ec_buf_put(b, t, n);
    }
}

static void put_int(ec_buf *b, int64_t v, bool is_unsigned)
{
    if (is_unsigned) ec_buf_printf(b, "%lluu", (unsigned long long)(uint64_t)v);
    else if (v == INT64_MIN) ec_buf_printf(b, "(-9223372036854775807 - 1)");
    else if (v == INT32_MIN) ec_buf_printf(b, "(-2147483647 - 1)");
    else ec_buf_printf(b, "%lld", (long long)v);
}

/* Element i of a constant as a C literal of its ctype. */
static void put_elem(cg *c, ec_buf *b, const ec_value *v, int64_t i)
{
    const unsigned char *d = v->data;
    switch (v->dtype) {
    case EC_DT_FLOAT: { float f; memcpy(&f, d + i * 4, 4); put_float(c, b, f, true); break; }
    case EC_DT_DOUBLE: { double f; memcpy(&f, d + i * 8, 8); put_float(c, b, f, false); break; }
    case EC_DT_FLOAT16:
    case EC_DT_BFLOAT16: { uint16_t h; memcpy(&h, d + i * 2, 2); ec_buf_printf(b, "0x%04x", (unsigned)h); break; }
    case EC_DT_BOOL: ec_buf_printf(b, "%d", d[i] ? 1 : 0); break;
    case EC_DT_INT8: { int8_t x; memcpy(&x, d + i, 1); put_int(b, x, false); break; }
    case EC_DT_UINT8: put_int(b, d[i], true); break;
    case EC_DT_INT16: { int16_t x; memcpy(&x, d + i * 2, 2); put_int(b, x, false); break; }
    case EC_DT_UINT16: { uint16_t x; memcpy(&x, d + i * 2, 2); put_int(b, x, true); break; }
    case EC_DT_INT32: { int32_t x; memcpy(&x, d + i * 4, 4); put_int(b, x, false); break; }
    case EC_DT_UINT32: { uint32_t x; memcpy(&x, d + i * 4, 4); put_int(b, x, true); break; }
    case EC_DT_INT64: { int64_t x; memcpy(&x, d + i * 8, 8); put_int(b, x, false); break; }
    case EC_DT_UINT64: { uint64_t x; memcpy(&x, d + i * 8, 8); put_int(b, (int64_t)x, true); break; }
    default:
        ec_fail("constant '%s': type '%s' cannot be emitted as C", v->name, ec_dtype_name(v->dtype));
    }
}

/* A C string literal of s: printable ASCII as it is, every other byte as a
 * three-digit octal escape (so no escape can run into the next character). */
static void put_c_string(ec_buf *b, const char *s)
{
    ec_buf_put(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') ec_buf_printf(b, "\\%c", c);
        else if (c == '?') ec_buf_printf(b, "\\?");             /* no trigraphs */
        else if (c >= 0x20 && c < 0x7f) ec_buf_put(b, (const char *)&c, 1);
        else ec_buf_printf(b, "\\%03o", (unsigned)c);
    }
    ec_buf_put(b, "\"", 1);
}

/* "float[3,4]"; a data-dependent dim shows its upper bound as "<=N". */
static void put_type_shape(ec_buf *b, const ec_value *v)
{
    char sh[256];
    int d;
    if (!v->data_dep || v->data || v->shape.rank < 0) {
        ec_buf_printf(b, "%s%s", ec_dtype_name(v->dtype), ec_shape_str(&v->shape, sh, sizeof sh));
        return;
    }
    ec_buf_printf(b, "%s[", ec_dtype_name(v->dtype));
    for (d = 0; d < v->shape.rank; d++)
        ec_buf_printf(b, "%s%s%lld", d ? "," : "", d == v->dd_dim ? "<=" : "", (long long)v->shape.dim[d]);
    ec_buf_printf(b, "]");
}

static char *upper(const char *s);

/* Type and shape of value v; dims that are run-time values as polynomials of
 * the dims' model names ("float[1,2,past+1,4]"). */
static void put_value_type(cg *c, ec_buf *b, int v)
{
    const ec_value *x = &c->g->values.a[v];
    const ec_program *p = c->p;
    int d;
    if (!p->dim_poly || x->shape.rank < 0) {
        put_type_shape(b, x);
        return;
    }
    ec_buf_printf(b, "%s[", ec_dtype_name(x->dtype));
    for (d = 0; d < x->shape.rank; d++) {
        const int64_t *poly = p->dim_poly[v * EC_MAX_RANK + d];
        if (d) ec_buf_put(b, ",", 1);
        if (poly) {
            const char **names = ec_alloc(sizeof(char *) * (size_t)p->rtdims.n);
            char *e;
            int j;
            for (j = 0; j < p->rtdims.n; j++) names[j] = p->rtdims.a[j].name;
            e = ec_poly_str(p, poly, names, true);
            put_comment_text(b, e);
            ec_free(e);
            ec_free(names);
        } else {
            ec_buf_printf(b, "%lld", (long long)x->shape.dim[d]);
        }
    }
    ec_buf_put(b, "]", 1);
}

/* A polynomial of the run-time dims as a C expression of NAME_run's arguments. */
static char *poly_c(const cg *c, const int64_t *poly)
{
    return ec_poly_str(c->p, poly, (const char *const *)c->dim_param, false);
}

/* ---- pointers ---------------------------------------------------------- */

static char *weight_sym(const cg *c, int w)
{
    return ec_fmt("%s_w%d", c->name, c->weight[w]);
}

/* With --weights-file: the weight as a typed pointer into the caller's blob. */
static char *weight_blob_expr(const cg *c, int w, ec_dtype as)
{
    char *up = upper(c->name);
    char *e = ec_fmt("(const %s *)(W + %s_W%d_OFFSET)", ec_dtype_ctype(as), up, c->weight[w]);
    ec_free(up);
    return e;
}

/* The C expression for tensor v as an argument (written: OUT). */
static char *tensor_expr(cg *c, int v, bool out)
{
    const ec_graph *g = c->g;
    const ec_value *x = &g->values.a[v];
    int r, w;
    if (!out && x->is_input) { c->param_used[v] = true; return ec_strdup(c->param[v]); }
    if (!out && (w = ec_cg_const_of(g, v)) >= 0) {
        if (c->weight[w] < 0) ec_fail("internal error: constant '%s' has no weight symbol", g->values.a[w].name);
        if (c->o && c->o->weights_file) return weight_blob_expr(c, w, x->dtype);
        if (g->values.a[w].dtype != x->dtype)
            return ec_fmt("(const %s *)%s_w%d", ec_dtype_ctype(x->dtype), c->name, c->weight[w]);
        return weight_sym(c, w);
    }
    if (x->is_output) { c->param_used[v] = true; return ec_strdup(c->param[v]); }
    r = ec_cg_root(g, v);
    if (g->values.a[r].is_input || g->values.a[r].is_output) {
        if (out && g->values.a[r].is_input)
            ec_fail("internal error: '%s' would write the caller's input '%s'", x->name, g->values.a[r].name);
        c->param_used[r] = true;
        if (g->values.a[r].dtype != x->dtype)
            return ec_fmt("(%s%s *)%s", g->values.a[r].is_input ? "const " : "", ec_dtype_ctype(x->dtype), c->param[r]);
        return ec_strdup(c->param[r]);
    }
    if (g->values.a[r].offset < 0)
        ec_fail("internal error: '%s' has no arena offset (memory plan missing?)", x->name);
    c->uses_arena = true;
    if (x->dtype == EC_DT_STRING) return ec_fmt("(const char **)(A + %lld)", (long long)g->values.a[r].offset);
    return ec_fmt("(%s *)(A + %lld)", ec_dtype_ctype(x->dtype), (long long)g->values.a[r].offset);
}

/* ---- NAME.c body --------------------------------------------------------- */

static void indent(ec_buf *b, int depth)
{
    int i;
    for (i = 0; i <= depth; i++) ec_buf_put(b, "    ", 4);
}

static void step_comment(cg *c, ec_buf *b, int s)
{
    const ec_graph *g = c->g;
    const ec_step *st = &c->p->steps.a[s];
    const ec_node *n = &g->nodes.a[st->node];
    int k, shown = 0, nin, nout;
    ec_cg_node_io(g, n, &nin, &nout);
    indent(b, st->depth);
    ec_buf_printf(b, "/* node %d '", n->index);
    put_comment_text(b, n->name);
    ec_buf_printf(b, "' (");
    put_comment_text(b, n->op);
    ec_buf_printf(b, "): ");
    if (st->kind == EC_STEP_LOOP) ec_buf_printf(b, "%lld iterations: ", (long long)st->trips);
    for (k = 0; k < nin; k++) {
        const ec_value *v;
        if (n->in[k] < 0) continue;
        v = &g->values.a[n->in[k]];
        if (shown++) ec_buf_printf(b, ", ");
        put_comment_text(b, v->name);
        ec_buf_put(b, " ", 1);
        put_value_type(c, b, n->in[k]);
    }
    ec_buf_printf(b, " -> ");
    shown = 0;
    for (k = 0; k < nout; k++) {
        const ec_value *v;
        if (n->out[k] < 0) continue;
        v = &g->values.a[n->out[k]];
        if (shown++) ec_buf_printf(b, ", ");
        put_comment_text(b, v->name);
        ec_buf_put(b, " ", 1);
        put_value_type(c, b, n->out[k]);
    }
    if (ec_cg_step_is_view(c->p, s)) {
        int r = ec_cg_root(g, n->out[0]);
        ec_buf_printf(b, "; a view of '");
        put_comment_text(b, g->values.a[r].name);
        ec_buf_printf(b, "', no code");
    } else if (ec_cg_step_is_inplace(c->p, s)) {
        ec_buf_printf(b, "; in place");
    }
    ec_buf_printf(b, " */\n");
}

static void emit_call(cg *c, ec_buf *b, const ec_call *call, int step)
{
    const ec_graph *g = c->g;
    const ec_step *st = &c->p->steps.a[step];
    ec_buf decl = { 0 }, indb = { 0 }, ind2 = { 0 };
    char **args = ec_alloc(sizeof(char *) * (size_t)(call->args.n + 1));
    size_t linelen;
    int k, j;
    const char *ind;
    indent(&indb, st->depth);
    indent(&ind2, st->depth + 1);
    ind = indb.s;

    if (strcmp(call->kernel, "ec_copy") && !ec_kernel_find(call->kernel))
        ec_fail_node(g, c->p->steps.a[step].node, "kernel '%s' is not in the kernel table", call->kernel);
    if (ec_kernel_find(call->kernel)) ec_kernel_check_call(call);
    for (k = 0; k < call->args.n; k++) {
        const ec_arg *a = &call->args.a[k];
        ec_buf x = { 0 };
        switch (a->kind) {
        case EC_ARG_OUT:
        case EC_ARG_IN:
            if (a->value < 0) {
                if (a->kind == EC_ARG_OUT)
                    ec_fail_node(g, c->p->steps.a[step].node, "kernel %s: output argument has no value", call->kernel);
                ec_buf_printf(&x, "NULL");
            } else {
                char *e = tensor_expr(c, a->value, a->kind == EC_ARG_OUT);
                ec_buf_printf(&x, "%s", e);
                ec_free(e);
                /* a slice: + base + step * i elements */
                if (a->iter) {
                    if (st->loops < 1) ec_fail("internal error: a slice outside a loop");
                    if (a->it_base && a->it_step < 0)
                        ec_buf_printf(&x, " + (%lld - %lld * ec_i%d)", (long long)a->it_base,
                                      (long long)-a->it_step, st->loops - 1);
                    else if (a->it_base)
                        ec_buf_printf(&x, " + (%lld + %lld * ec_i%d)", (long long)a->it_base,
                                      (long long)a->it_step, st->loops - 1);
                    else
                        ec_buf_printf(&x, " + %lld * ec_i%d", (long long)a->it_step, st->loops - 1);
                }
            }
            break;
        case EC_ARG_ITER:
            if (st->loops < 1) ec_fail("internal error: an iteration number outside a loop");
            ec_buf_printf(&x, "ec_i%d", st->loops - 1);
            break;
        case EC_ARG_INT:
            if (a->poly) {
                char *e = poly_c(c, a->poly);
                ec_buf_printf(&x, "(int32_t)(%s)", e);
                ec_free(e);
            } else {
                put_int(&x, a->i, false);
            }
            break;
        case EC_ARG_FLOAT:
            put_float(c, &x, a->f, true);
            break;
        case EC_ARG_INTS:
        case EC_ARG_FLOATS:
            if (a->n <= 0) {
                ec_buf_printf(&x, "NULL");
                break;
            }
            /* elements that are run-time values make it an automatic array */
            ec_buf_printf(&decl, "%s%sconst %s ec_a%d[%d] = { ", ind2.s, a->polys ? "" : "static ",
                          a->kind == EC_ARG_INTS ? "int32_t" : "float", k, a->n);
            for (j = 0; j < a->n; j++) {
                if (j) ec_buf_printf(&decl, ", ");
                if (a->kind == EC_ARG_INTS && a->polys && a->polys[j]) {
                    char *e = poly_c(c, a->polys[j]);
                    ec_buf_printf(&decl, "(int32_t)(%s)", e);
                    ec_free(e);
                } else if (a->kind == EC_ARG_INTS) {
                    put_int(&decl, a->ints[j], false);
                } else {
                    put_float(c, &decl, a->floats[j], true);
                }
            }
            ec_buf_printf(&decl, " };\n");
            ec_buf_printf(&x, "ec_a%d", k);
            break;
        case EC_ARG_EXTENT:
            if (a->value >= 0 && c->extent_param[a->value]) {
                ec_buf_printf(&x, "%s", c->extent_param[a->value]);
                c->param_used[a->value] = true;
            } else {
                ec_buf_printf(&x, "NULL"); /* not a graph output: nobody asks */
            }
            break;
        case EC_ARG_SCRATCH:
        case EC_ARG_POOL:
            if (a->offset < 0)
                ec_fail_node(g, c->p->steps.a[step].node, "kernel %s: scratch has no arena offset", call->kernel);
            c->uses_arena = true;
            ec_buf_printf(&x, "(%s *)(A + %lld)", a->kind == EC_ARG_POOL ? "char" : "void", (long long)a->offset);
            break;
        case EC_ARG_STRS:
            if (a->n <= 0) {
                ec_buf_printf(&x, "NULL");
                break;
            }
            ec_buf_printf(&decl, "        static const char *const ec_a%d[%d] = { ", k, a->n);
            for (j = 0; j < a->n; j++) {
                if (j) ec_buf_printf(&decl, ", ");
                put_c_string(&decl, a->strs[j]);
            }
            ec_buf_printf(&decl, " };\n");
            ec_buf_printf(&x, "ec_a%d", k);
            break;
        }
        if (!x.s) ec_buf_put(&x, "", 0);
        args[k] = x.s;
    }
    if (decl.len) {
        ec_buf_printf(b, "%s{\n%s", ind, decl.s);
        ind = ind2.s;
    }
    /* one line when it is short, else one argument per line with its name */
    linelen = strlen(ind) + strlen(call->kernel) + 2;
    for (k = 0; k < call->args.n; k++)
        linelen += strlen(args[k]) + 2 + (call->args.a[k].name ? strlen(call->args.a[k].name) + 6 : 0);
    if (linelen <= 100 || call->args.n == 0) {
        ec_buf_printf(b, "%s%s(", ind, call->kernel);
        for (k = 0; k < call->args.n; k++) {
            const char *nm = call->args.a[k].name;
            if (k) ec_buf_printf(b, ", ");
            ec_buf_printf(b, "%s", args[k]);
            if (nm && nm[0]) {
                ec_buf_printf(b, " /* ");
                put_comment_text(b, nm);
                ec_buf_printf(b, " */");
            }
        }
        ec_buf_printf(b, ");\n");
    } else {
        ec_buf_printf(b, "%s%s(\n", ind, call->kernel);
        for (k = 0; k < call->args.n; k++) {
            const char *nm = call->args.a[k].name;
            ec_buf_printf(b, "%s    %s%s", ind, args[k], k + 1 < call->args.n ? "," : ");");
            if (nm && nm[0]) {
                ec_buf_printf(b, " /* ");
                put_comment_text(b, nm);
                ec_buf_printf(b, " */");
            }
            ec_buf_printf(b, "\n");
        }
    }
    if (decl.len) ec_buf_printf(b, "%s}\n", indb.s);
    for (k = 0; k < call->args.n; k++) ec_free(args[k]);
    ec_free(indb.s);
    ec_free(ind2.s);
    ec_free(args);
    ec_free(decl.s);
}

/* One step: a node's calls, or a piece of an If or a Loop (see edgec.h). */
static void emit_step(cg *c, ec_buf *b, int s)
{
    const ec_step *st = &c->p->steps.a[s];
    const char *what = NULL;
    char *cond = NULL;
    int k;
    switch (st->kind) {
    case EC_STEP_NODE:
        step_comment(c, b, s);
        if (ec_cg_step_is_view(c->p, s)) return;
        break;
    case EC_STEP_IF:
        step_comment(c, b, s);
        cond = tensor_expr(c, st->cond, false);
        indent(b, st->depth);
        ec_buf_printf(b, "if (*(const unsigned char *)%s) {\n", cond);
        ec_free(cond);
        return;
    case EC_STEP_ELSE: what = "then_branch outputs -> the If's outputs"; break;
    case EC_STEP_LOOP:
        step_comment(c, b, s);
        if (st->L.calls.n) {
            indent(b, st->depth);
            ec_buf_printf(b, "/* initial values */\n");
        }
        break;
    case EC_STEP_HEAD: what = "each iteration: iteration number, scan input slices"; break;
    case EC_STEP_END:
        what = c->p->steps.a[st->open].kind == EC_STEP_LOOP ? "end of an iteration: scan outputs, carried values"
                                                            : "else_branch outputs -> the If's outputs";
        break;
    case EC_STEP_AFTER: what = "loop outputs: the carried values"; break;
    }
    if (what && st->L.calls.n) {
        indent(b, st->depth);
        ec_buf_printf(b, "/* %s */\n", what);
    }
    for (k = 0; k < st->L.calls.n; k++) emit_call(c, b, &st->L.calls.a[k], s);
    switch (st->kind) {
    case EC_STEP_ELSE:
        indent(b, st->depth - 1);
        ec_buf_printf(b, "} else {\n");
        break;
    case EC_STEP_END:
        indent(b, st->depth - 1);
        ec_buf_printf(b, "}\n");
        break;
    case EC_STEP_LOOP:
        indent(b, st->depth);
        ec_buf_printf(b, "for (int32_t ec_i%d = 0; ec_i%d < %lld; ec_i%d++) {\n", st->loops, st->loops,
                      (long long)st->trips, st->loops);
        if (st->cond >= 0) {
            cond = tensor_expr(c, st->cond, false);
            indent(b, st->depth + 1);
            ec_buf_printf(b, "if (!*(const unsigned char *)%s) break; /* the loop condition */\n", cond);
            ec_free(cond);
        }
        break;
    default:
        break;
    }
}

/* ---- the runtime-min files ----------------------------------------------- */

typedef EC_VEC(char *) strvec;

static bool has_str(const strvec *v, const char *s)
{
    int i;
    for (i = 0; i < v->n; i++)
        if (!strcmp(v->a[i], s)) return true;
    return false;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ec_buf b = { 0 };
    char tmp[4096];
    size_t n;
    if (!f) ec_fail_plain("%s: cannot read runtime-min file: %s", path, strerror(errno));
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) ec_buf_put(&b, tmp, n);
    if (ferror(f)) ec_fail_plain("%s: read error", path);
    fclose(f);
    if (!b.s) ec_buf_put(&b, "", 0);
    *len = b.len;
    return b.s;
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The folder of the target's kernel chain that has file f (runtime-min/NAME/f). */
static char *chain_path(const cg *c, const char *root, const char *f)
{
    int i, n = c->t && c->t->nchain ? c->t->nchain : 0;
    for (i = 0; i < n; i++) {
        char *p = ec_fmt("%s/runtime-min/%s/%s", root, c->t->chain[i], f);
        if (file_exists(p)) return p;
        ec_free(p);
    }
    return ec_fmt("%s/runtime-min/generic/%s", root, f);
}

/* Add the generic file that defines symbol sym (scripts/rt_index.sh) to srcs. */
static void want_symbol(strvec *srcs, const char *sym)
{
    char *key = ec_fmt(" %s ", sym);
    const ec_rt_file *f;
    for (f = ec_rt_files; f->file; f++)
        if (strstr(f->defines, key)) {
            if (!has_str(srcs, f->file)) EC_PUSH(*srcs, ec_strdup(f->file));
            break;
        }
    ec_free(key);
}

/* Every #include "x" of a runtime file: a contract header (include/) or an
 * internal header of the kernel folders (e.g. generic/ec_nn_util.h). */
static void scan_includes(const cg *c, const char *root, const char *text, strvec *hdrs, strvec *srcs)
{
    const char *p = text;
    while ((p = strstr(p, "#include")) != NULL) {
        const char *q = p + 8, *e;
        p = q;
        while (*q == ' ' || *q == '\t') q++;
        if (*q != '"') continue;
        e = strchr(q + 1, '"');
        if (!e || memchr(q + 1, '\n', (size_t)(e - q - 1))) continue;
        {
            char *h = ec_strndup(q + 1, (size_t)(e - q - 1));
            char *path = ec_fmt("%s/runtime-min/include/%s", root, h);
            if (file_exists(path)) {
                if (!has_str(hdrs, h)) EC_PUSH(*hdrs, ec_strdup(h));
            } else {
                char *ip = chain_path(c, root, h);
                if (file_exists(ip) && !has_str(srcs, h)) EC_PUSH(*srcs, ec_strdup(h));
                ec_free(ip);
            }
            ec_free(path);
            ec_free(h);
        }
    }
}

/* The runtime-min files of the model: the headers of the kernels it calls (from
 * include/), and exactly the kernel files that define them, closed over what
 * those call, each from the first folder of the target's chain that has it. */
static void add_runtime(cg *c, ec_output *out, strvec *hdrs)
{
    const char *root = c->o && c->o->root ? c->o->root : ".";
    strvec srcs = { 0 };
    int s, k, i, done_h = 0, done_s = 0;
    EC_PUSH(*hdrs, ec_strdup("ec_rt.h"));
    want_symbol(&srcs, "ec_copy");
    for (i = 0; i < c->g->inputs.n; i++)   /* ec_str_check */
        if (c->g->values.a[c->g->inputs.a[i]].dtype == EC_DT_STRING) {
            if (!has_str(hdrs, "ec_string.h")) EC_PUSH(*hdrs, ec_strdup("ec_string.h"));
            want_symbol(&srcs, "ec_str_check");
        }
    for (s = 0; s < c->p->steps.n; s++) {
        const ec_step *st = &c->p->steps.a[s];
        if (ec_cg_step_is_view(c->p, s)) continue;
        for (k = 0; k < st->L.calls.n; k++) {
            const ec_kernel *kd = ec_kernel_find(st->L.calls.a[k].kernel);
            if (!kd) continue;
            if (kd->header && !has_str(hdrs, kd->header)) EC_PUSH(*hdrs, ec_strdup(kd->header));
            want_symbol(&srcs, kd->name);
        }
    }
    /* close over includes and over the symbols a kernel file calls */
    while (done_h < hdrs->n || done_s < srcs.n) {
        for (; done_h < hdrs->n; done_h++) {
            char *path = ec_fmt("%s/runtime-min/include/%s", root, hdrs->a[done_h]);
            size_t len;
            char *text = read_file(path, &len);
            scan_includes(c, root, text, hdrs, &srcs);
            ec_free(text);
            ec_free(path);
        }
        for (; done_s < srcs.n; done_s++) {
            char *path = chain_path(c, root, srcs.a[done_s]);
            size_t len;
            char *text = read_file(path, &len);
            const ec_rt_file *f;
            scan_includes(c, root, text, hdrs, &srcs);
            for (f = ec_rt_files; f->file; f++)
                if (!strcmp(f->file, srcs.a[done_s])) {
                    const char *n = f->needs;
                    while (*n) {
                        size_t l;
                        while (*n == ' ') n++;
                        l = strcspn(n, " ");
                        if (l) {
                            char *sym = ec_strndup(n, l);
                            want_symbol(&srcs, sym);
                            ec_free(sym);
                        }
                        n += l;
                    }
                }
            ec_free(text);
            ec_free(path);
        }
    }
    qsort(hdrs->a, (size_t)hdrs->n, sizeof(char *), cmp_str);
    qsort(srcs.a, (size_t)srcs.n, sizeof(char *), cmp_str);
    for (i = 0; i < hdrs->n; i++) {
        char *path = ec_fmt("%s/runtime-min/include/%s", root, hdrs->a[i]);
        size_t len;
        char *text = read_file(path, &len);
        ec_output_add(out, hdrs->a[i], text, len);
        ec_free(path);
    }
    for (i = 0; i < srcs.n; i++) {
        char *path = chain_path(c, root, srcs.a[i]);
        size_t len;
        char *text = read_file(path, &len);
        ec_output_add(out, srcs.a[i], text, len);
        ec_free(path);
    }
}

/* ---- the whole thing -------------------------------------------------- */

static void provenance(cg *c, ec_buf *b, const char *file, const char *what)
{
    ec_buf_printf(b, "/* %s - %s\n * Generated by edgec %s; do not edit.\n * command: ", file, what, EDGEC_VERSION);
    put_comment_text(b, c->o && c->o->cmdline ? c->o->cmdline : "edgec");
    ec_buf_printf(b, "\n * target: ");
    put_comment_text(b, c->t && c->t->name ? c->t->name : "generic");
    if (c->t && c->t->description && c->t->description[0]) {
        ec_buf_printf(b, " (");
        put_comment_text(b, c->t->description);
        ec_buf_printf(b, ")");
    }
    ec_buf_printf(b, "\n */\n");
}

static char *upper(const char *s)
{
    char *u = ec_strdup(s), *p;
    for (p = u; *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
    return u;
}

static void check_ident(const char *s)
{
    const char *p;
    bool ok = s && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_');
    for (p = s; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_';
    if (!ok) ec_fail_plain("model name '%s' is not a C identifier", s ? s : "");
}

/* " ('name')\n" after an argument in the header, or " (element 0 of 2 of
 * sequence input 'x')\n" for a part of a sequence/optional graph input/output. */
static void put_io_name(ec_buf *h, const ec_value *v)
{
    ec_buf_printf(h, v->io_note ? " (" : " ('");
    put_comment_text(h, v->io_note ? v->io_note : v->name);
    ec_buf_printf(h, v->io_note ? ")\n" : "')\n");
}

/* Parameter names of graph inputs and outputs; fails on a clash. */
static void name_params(cg *c)
{
    const ec_graph *g = c->g;
    int nio = g->inputs.n + g->outputs.n, ndim = nio + c->p->rtdims.n, n = ndim, i, j;
    char **names = ec_alloc(sizeof(char *) * (size_t)(n + 1));
    const char **from = ec_alloc(sizeof(char *) * (size_t)(n + 1));
    c->out_param = ec_alloc(sizeof(char *) * (size_t)(g->outputs.n + 1));
    for (i = 0; i < g->inputs.n; i++) {
        int v = g->inputs.a[i];
        names[i] = c_ident(g->values.a[v].name, c->name);
        from[i] = g->values.a[v].name;
        c->param[v] = names[i];
    }
    for (i = 0; i < g->outputs.n; i++) {
        int v = g->outputs.a[i], k = g->inputs.n + i;
        bool dup = g->values.a[v].is_input || c->param[v] != NULL;
        char *base = c_ident(g->values.a[v].name, c->name);
        names[k] = dup ? ec_fmt("%s_out%d", base, i) : base;
        from[k] = g->values.a[v].name;
        c->out_param[i] = names[k];
        if (!c->param[v]) c->param[v] = names[k];
    }
    /* run-time dims: the dim's name, or dim_NAME when an input or output has it */
    c->dim_param = ec_alloc(sizeof(char *) * (size_t)(c->p->rtdims.n + 1));
    for (i = 0; i < c->p->rtdims.n; i++) {
        char *base = c_ident(c->p->rtdims.a[i].name, c->name);
        for (j = 0; j < nio; j++)
            if (!strcmp(names[j], base)) break;
        names[nio + i] = j < nio ? ec_fmt("dim_%s", base) : base;
        from[nio + i] = c->p->rtdims.a[i].name;
        c->dim_param[i] = names[nio + i];
    }
    /* a data-dependent size of an output: one int64_t * after the dims */
    c->extent_param = ec_alloc(sizeof(char *) * (size_t)(g->values.n + 1));
    for (i = 0; i < g->outputs.n; i++) {
        int v = g->outputs.a[i];
        const ec_value *x = &g->values.a[v];
        if (!x->data_dep || x->data) continue;
        if (x->is_input || c->out_param[i] != c->param[v])
            ec_fail("graph output '%s' has a data-dependent size and is given twice; give it once",
                    x->name);
        c->extent_param[v] = ec_fmt("%s_extent", c->out_param[i]);
        names = ec_realloc(names, sizeof(char *) * (size_t)(n + 2));
        from = ec_realloc(from, sizeof(char *) * (size_t)(n + 2));
        names[n] = c->extent_param[v];
        from[n] = x->name;
        n++;
    }
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
            if (!strcmp(names[i], names[j]))
                ec_fail("graph %s '%s' and %s '%s' both become the C identifier '%s'; rename one",
                        i < g->inputs.n ? "input" : i < nio ? "output" : i < ndim ? "dim" : "output size of",
                        from[i],
                        j < g->inputs.n ? "input" : j < nio ? "output" : j < ndim ? "dim" : "output size of",
                        from[j], names[i]);
    ec_free(from);
    ec_free(names);
}

/* Does any used float constant hold an infinity or NaN (NAME_weights.c then
 * includes math.h)? Known before the arrays are written, so they can be
 * streamed. */
static bool weights_need_math(const ec_graph *g, const bool *used)
{
    int v;
    for (v = 0; v < g->values.n; v++) {
        const ec_value *x = &g->values.a[v];
        int64_t n, i;
        if (!used[v] || (x->dtype != EC_DT_FLOAT && x->dtype != EC_DT_DOUBLE)) continue;
        n = ec_shape_numel(&x->shape);
        for (i = 0; i < n; i++) {
            double f;
            if (x->dtype == EC_DT_FLOAT) {
                float h;
                memcpy(&h, (const unsigned char *)x->data + i * 4, 4);
                f = h;
            } else {
                memcpy(&f, (const unsigned char *)x->data + i * 8, 8);
            }
            if (!isfinite(f)) return true;
        }
    }
    return false;
}

/* Weights above this many bytes are streamed to disk as they are written. */
#define EC_STREAM_WEIGHT_BYTES ((int64_t)4 << 20)

static void emit_weights(cg *c, ec_output *out, bool *used)
{
    const ec_graph *g = c->g;
    ec_buf h = { 0 }, s = { 0 };
    char *up = upper(c->name);
    char *hname = ec_fmt("%s_weights.h", c->name), *sname = ec_fmt("%s_weights.c", c->name);
    int align = c->t && c->t->alignment > 0 ? c->t->alignment : 64;
    int v, nw = 0;
    int64_t total = 0;

    provenance(c, &h, hname, "declarations of the model's constant tensors (internal).");
    ec_buf_printf(&h, "#ifndef %s_WEIGHTS_H\n#define %s_WEIGHTS_H\n\n#include <stdbool.h>\n#include <stdint.h>\n\n",
                  up, up);
    /* the include, math.h and the alignment macro go before the arrays */
    provenance(c, &s, sname, "the model's constant tensors.");
    ec_buf_printf(&s, "#include \"%s\"\n", hname);
    if (weights_need_math(g, used)) ec_buf_printf(&s, "#include <math.h> /* INFINITY, NAN */\n");
    ec_buf_printf(&s, "\n#if defined(__GNUC__)\n#define EC_WEIGHT_ALIGN __attribute__((aligned(%d)))\n"
                      "#else\n#define EC_WEIGHT_ALIGN\n#endif\n\n", align);
    for (v = 0; v < g->values.n; v++)
        if (used[v]) total += ec_cg_value_bytes(g, v);
    if (total > EC_STREAM_WEIGHT_BYTES) ec_output_stream(out, sname, &s);
    for (v = 0; v < g->values.n; v++) {
        const ec_value *x = &g->values.a[v];
        int64_t n, i;
        if (!used[v]) continue;
        n = ec_shape_numel(&x->shape);
        if (x->nbytes < (size_t)ec_cg_value_bytes(g, v))
            ec_fail("constant '%s' holds %zu bytes, its shape needs %lld", x->name, x->nbytes,
                    (long long)ec_cg_value_bytes(g, v));
        c->weight[v] = nw++;
        ec_buf_printf(&h, "extern const %s %s_w%d[%lld]; /* '", ec_dtype_ctype(x->dtype), c->name, c->weight[v],
                      (long long)(n > 0 ? n : 1));
        put_comment_text(&h, x->name);
        ec_buf_printf(&h, "' ");
        put_type_shape(&h, x);
        ec_buf_printf(&h, " */\n");
        ec_buf_printf(&s, "/* '");
        put_comment_text(&s, x->name);
        ec_buf_printf(&s, "' ");
        put_type_shape(&s, x);
        ec_buf_printf(&s, ", %lld bytes */\nconst %s %s_w%d[%lld] EC_WEIGHT_ALIGN = {", (long long)ec_cg_value_bytes(g, v),
                      ec_dtype_ctype(x->dtype), c->name, c->weight[v], (long long)(n > 0 ? n : 1));
        if (n <= 0) ec_buf_printf(&s, " 0");
        for (i = 0; i < n; i++) {
            int per = x->dtype == EC_DT_FLOAT || x->dtype == EC_DT_DOUBLE ? 6 : 12;
            ec_buf_put(&s, i % per == 0 ? "\n    " : " ", i % per == 0 ? 5 : 1);
            put_elem(c, &s, x, i);
            if (i + 1 < n) ec_buf_put(&s, ",", 1);
        }
        ec_buf_printf(&s, "\n};\n\n");
    }
    ec_buf_printf(&h, "\n#endif\n");
    if (nw == 0) ec_buf_printf(&s, "typedef int %s_no_weights; /* ISO C forbids an empty file */\n", c->name);
    ec_output_add(out, hname, h.s, h.len);
    ec_output_stream_end(out, sname, &s);
    ec_free(up);
}

/* FNV-1a, 32 bits: the checksum NAME_weights_check recomputes on the device. */
static uint32_t fnv1a(uint32_t h, const unsigned char *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

#define EC_WBIN_HEADER 64

/* --weights-file: NAME_weights.bin holds the constants, each at an offset
 * aligned to 64 bytes after a 64-byte header (magic "EDGECWTS", format 1,
 * tensor count, data bytes, FNV-1a of the data); NAME_weights.h gives every
 * offset. The generated code reads them through the blob pointer the caller
 * passes to NAME_run. */
static void emit_weights_bin(cg *c, ec_output *out, bool *used)
{
    const ec_graph *g = c->g;
    ec_buf h = { 0 }, s = { 0 };
    char *up = upper(c->name);
    char *hname = ec_fmt("%s_weights.h", c->name), *bname = ec_fmt("%s_weights.bin", c->name);
    unsigned char hdr[EC_WBIN_HEADER];
    static const unsigned char zeros[64];
    int v, nw = 0;
    int64_t off = EC_WBIN_HEADER, total;
    uint32_t sum = 2166136261u, u32;
    uint64_t u64;

    provenance(c, &h, hname, "offsets of the model's constant tensors in the weights file (internal).");
    ec_buf_printf(&h, "#ifndef %s_WEIGHTS_H\n#define %s_WEIGHTS_H\n\n", up, up);
    for (v = 0; v < g->values.n; v++) {
        const ec_value *x = &g->values.a[v];
        int64_t nb;
        if (!used[v]) continue;
        nb = ec_cg_value_bytes(g, v);
        if (x->nbytes < (size_t)nb)
            ec_fail("constant '%s' holds %zu bytes, its shape needs %lld", x->name, x->nbytes, (long long)nb);
        c->weight[v] = nw++;
        ec_buf_printf(&h, "#define %s_W%d_OFFSET %lldu /* '", up, c->weight[v], (long long)off);
        put_comment_text(&h, x->name);
        ec_buf_printf(&h, "' ");
        put_type_shape(&h, x);
        ec_buf_printf(&h, ", %lld bytes */\n", (long long)nb);
        off += (nb + 63) / 64 * 64;
    }
    total = off;
    /* the data section's checksum first: the header carries it */
    for (v = 0; v < g->values.n; v++) {
        int64_t nb;
        if (!used[v]) continue;
        nb = ec_cg_value_bytes(g, v);
        sum = fnv1a(sum, g->values.a[v].data, (size_t)nb);
        sum = fnv1a(sum, zeros, (size_t)((nb + 63) / 64 * 64 - nb));
    }
    ec_buf_printf(&h, "\n/* FNV-1a (32 bits) of the bytes after the header */\n#define %s_WEIGHTS_FNV1A 0x%08lxu\n\n#endif\n",
                  up, (unsigned long)sum);
    memset(hdr, 0, sizeof hdr);
    memcpy(hdr, "EDGECWTS", 8);
    u32 = 1;
    memcpy(hdr + 8, &u32, 4);
    u32 = (uint32_t)nw;
    memcpy(hdr + 12, &u32, 4);
    u64 = (uint64_t)(total - EC_WBIN_HEADER);
    memcpy(hdr + 16, &u64, 8);
    memcpy(hdr + 24, &sum, 4);
    ec_buf_put(&s, (const char *)hdr, sizeof hdr);
    if (total > EC_STREAM_WEIGHT_BYTES) ec_output_stream(out, bname, &s);
    for (v = 0; v < g->values.n; v++) {
        int64_t nb;
        if (!used[v]) continue;
        nb = ec_cg_value_bytes(g, v);
        ec_buf_put(&s, g->values.a[v].data, (size_t)nb);
        ec_buf_put(&s, (const char *)zeros, (size_t)((nb + 63) / 64 * 64 - nb));
    }
    ec_output_add(out, hname, h.s, h.len);
    ec_output_stream_end(out, bname, &s);
    ec_free(up);
}

static bool used_any(const bool *used, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (used[i]) return true;
    return false;
}

static int64_t weights_file_bytes(const ec_program *p, const bool *used)
{
    int64_t off = EC_WBIN_HEADER;
    int v;
    for (v = 0; v < p->g->values.n; v++)
        if (used[v]) off += (ec_cg_value_bytes(p->g, v) + 63) / 64 * 64;
    return off;
}

/* The weights-file checker and the POSIX loader (--weights-file). */
static void emit_weights_check(cg *c, ec_buf *src)
{
    char *up = upper(c->name);
    ec_buf_printf(src,
        "\n/* Checks a weights blob before the first %s_run: 0 if it is %s_weights.bin\n"
        " * as generated, -1 if misaligned (64 bytes needed), -2 if the size differs,\n"
        " * -3 if the header differs (another model, format or byte order), -4 if the\n"
        " * data's checksum differs. */\n"
        "int %s_weights_check(const void *weights, size_t len)\n{\n"
        "    const unsigned char *W = (const unsigned char *)weights;\n"
        "    uint32_t h = 2166136261u, stored, one;\n"
        "    uint64_t bytes;\n"
        "    size_t i;\n"
        "    if (!W || ((uintptr_t)W & 63u) != 0) return -1;\n"
        "    if (len != (size_t)%s_WEIGHTS_BYTES) return -2;\n"
        "    memcpy(&one, W + 8, 4);\n"
        "    memcpy(&bytes, W + 16, 8);\n"
        "    memcpy(&stored, W + 24, 4);\n"
        "    if (memcmp(W, \"EDGECWTS\", 8) != 0 || one != 1u || bytes != (uint64_t)(%s_WEIGHTS_BYTES - 64u) ||\n"
        "        stored != %s_WEIGHTS_FNV1A)\n"
        "        return -3;\n"
        "    for (i = 64; i < len; i++) h = (h ^ W[i]) * 16777619u;\n"
        "    return h == %s_WEIGHTS_FNV1A ? 0 : -4;\n}\n",
        c->name, c->name, c->name, up, up, up, up);
    ec_free(up);
}

static void emit_weights_loader(cg *c, ec_output *out)
{
    ec_buf s = { 0 };
    char *fname = ec_fmt("%s_weights_posix.c", c->name);
    provenance(c, &s, fname, "a loader for the weights file on POSIX systems (Linux-class devices).");
    ec_buf_printf(&s,
        "#define _POSIX_C_SOURCE 200809L\n"
        "#include <fcntl.h>\n#include <sys/mman.h>\n#include <sys/stat.h>\n#include <unistd.h>\n"
        "#include \"%s.h\"\n\n"
        "/* Maps PATH read-only and checks it with %s_weights_check. Returns the\n"
        " * blob for %s_run (page-aligned) and its length in *len, or NULL with\n"
        " * *err set: -1..-4 as %s_weights_check, -5 if the file cannot be opened\n"
        " * or mapped. Release it with %s_weights_unmap. */\n"
        "const void *%s_weights_map(const char *path, size_t *len, int *err)\n{\n"
        "    struct stat st;\n    void *p;\n    int fd = open(path, O_RDONLY), rc;\n"
        "    *err = -5;\n"
        "    if (fd < 0) return NULL;\n"
        "    if (fstat(fd, &st) != 0 || st.st_size <= 0) {\n        close(fd);\n        return NULL;\n    }\n"
        "    p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);\n"
        "    close(fd);\n"
        "    if (p == MAP_FAILED) return NULL;\n"
        "    rc = %s_weights_check(p, (size_t)st.st_size);\n"
        "    if (rc != 0) {\n        munmap(p, (size_t)st.st_size);\n        *err = rc;\n        return NULL;\n    }\n"
        "    *len = (size_t)st.st_size;\n    *err = 0;\n    return p;\n}\n\n"
        "void %s_weights_unmap(const void *weights, size_t len)\n{\n"
        "    if (weights) munmap((void *)(uintptr_t)weights, len);\n}\n",
        c->name, c->name, c->name, c->name, c->name, c->name, c->name, c->name);
    ec_output_add(out, fname, s.s, s.len);
    ec_free(fname);
}

void ec_codegen_c(const ec_program *p, const ec_target *t, const ec_options *o, ec_output *out)
{
    const ec_graph *g = p->g;
    cg c;
    ec_buf h = { 0 }, body = { 0 }, src = { 0 }, sig = { 0 };
    strvec hdrs = { 0 };
    bool *used;
    char *up, *fname;
    int nv = g->values.n, i, s, k;
    bool any_string_in = false, any_string_out = false;

    memset(&c, 0, sizeof c);
    c.p = p;
    c.g = g;
    c.t = t;
    c.o = o;
    c.name = o && o->name ? o->name : "model";
    check_ident(c.name);
    if (t && t->alignment > 64)
        ec_fail("target '%s' asks for %d-byte alignment; the planner aligns to 64", t->name, t->alignment);
    ec_cg_check_budget(p, t, !(o && o->weights_file));
    c.param = ec_alloc(sizeof(char *) * (size_t)(nv + 1));
    c.param_used = ec_alloc(sizeof(bool) * (size_t)(nv + 1));
    c.weight = ec_alloc(sizeof(int) * (size_t)(nv + 1));
    for (i = 0; i < nv; i++) c.weight[i] = -1;
    up = upper(c.name);
    name_params(&c);

    /* weights first: symbols are numbered in value order */
    used = ec_alloc(sizeof(bool) * (size_t)(nv + 1));
    ec_cg_used_consts(p, used);
    if (o && o->weights_file) emit_weights_bin(&c, out, used);
    else emit_weights(&c, out, used);
    c.need_math = false;

    /* the signature */
    ec_buf_printf(&sig, "int %s_run(void *arena", c.name);
    if (o && o->weights_file) ec_buf_printf(&sig, ", const void *weights");
    for (i = 0; i < g->inputs.n; i++) {
        int v = g->inputs.a[i];
        if (g->values.a[v].dtype == EC_DT_STRING) {
            ec_buf_printf(&sig, ", const char *const *%s", c.param[v]);
            any_string_in = true;
        } else {
            ec_buf_printf(&sig, ", const %s *%s", ec_dtype_ctype(g->values.a[v].dtype), c.param[v]);
        }
    }
    for (i = 0; i < g->outputs.n; i++) {
        int v = g->outputs.a[i];
        if (g->values.a[v].dtype == EC_DT_STRING) {
            ec_buf_printf(&sig, ", const char **%s", c.out_param[i]);
            any_string_out = true;
        } else {
            ec_buf_printf(&sig, ", %s *%s", ec_dtype_ctype(g->values.a[v].dtype), c.out_param[i]);
        }
    }
    for (i = 0; i < p->rtdims.n; i++) ec_buf_printf(&sig, ", int64_t %s", c.dim_param[i]);
    /* last: the actual sizes of data-dependent output dims, in output order */
    for (i = 0; i < g->outputs.n; i++) {
        int v = g->outputs.a[i];
        if (c.extent_param[v]) ec_buf_printf(&sig, ", int64_t *%s", c.extent_param[v]);
    }
    ec_buf_printf(&sig, ")");

    /* the steps */
    for (s = 0; s < p->steps.n; s++) emit_step(&c, &body, s);
    /* graph outputs nothing writes: constants, inputs, repeated outputs */
    for (i = 0; i < g->outputs.n; i++) {
        int v = g->outputs.a[i];
        const ec_value *x = &g->values.a[v];
        bool first_slot = c.out_param[i] == c.param[v];
        char *src_e;
        int64_t nb;
        if (first_slot && !x->is_input && !x->data) {
            bool written = false;
            for (s = 0; s < p->steps.n && !written; s++)
                for (k = 0; k < p->steps.a[s].L.calls.n && !written; k++) {
                    const ec_call *call = &p->steps.a[s].L.calls.a[k];
                    int j;
                    for (j = 0; j < call->args.n; j++)
                        if (call->args.a[j].kind == EC_ARG_OUT && call->args.a[j].value == v) written = true;
                }
            if (!written) ec_fail("graph output '%s' is never computed", x->name);
            continue;
        }
        if (x->dtype == EC_DT_STRING)
            ec_fail("string graph output '%s' is %s; only a computed string tensor can be an output",
                    x->name, x->is_input ? "a graph input" : x->data ? "a constant" : "given twice");
        nb = ec_cg_value_bytes(g, v);
        if (nb > INT32_MAX) ec_fail("graph output '%s' is too large to copy (%lld bytes)", x->name, (long long)nb);
        src_e = tensor_expr(&c, v, false);
        ec_buf_printf(&body, "    /* graph output '");
        put_comment_text(&body, x->name);
        ec_buf_printf(&body, "' is %s */\n", x->is_input ? "a graph input" : x->data ? "a constant" : "another output too");
        if (p->numel_poly && p->numel_poly[v]) {
            char *e = poly_c(&c, p->numel_poly[v]);
            ec_buf_printf(&body, "    ec_copy(%s, %s, (int32_t)(%lld * (%s)));\n", c.out_param[i], src_e,
                          (long long)ec_dtype_size(x->dtype), e);
            ec_free(e);
        } else {
            ec_buf_printf(&body, "    ec_copy(%s, %s, %lld);\n", c.out_param[i], src_e, (long long)nb);
        }
        ec_free(src_e);
    }

    /* NAME.c */
    fname = ec_fmt("%s.c", c.name);
    if (any_string_in) {
        /* the bound of every string input is checked before anything runs */
        ec_buf chk = { 0 };
        ec_buf_printf(&chk, "    /* string inputs: each element non-NULL and at most its bound long */\n");
        for (i = 0; i < g->inputs.n; i++) {
            int v = g->inputs.a[i];
            const ec_value *x = &g->values.a[v];
            if (x->dtype != EC_DT_STRING) continue;
            ec_buf_printf(&chk, "    if (ec_str_check(%s, %lld, %lld) != 0) return %s_ERR_STRING_INPUT;\n", c.param[v],
                          (long long)ec_shape_numel(&x->shape), (long long)x->str_max, up);
            c.param_used[v] = true;
        }
        ec_buf_printf(&chk, "\n");
        if (body.s) ec_buf_put(&chk, body.s, body.len);
        ec_free(body.s);
        body = chk;
    }
    add_runtime(&c, out, &hdrs);
    provenance(&c, &src, fname, "the model as a sequence of runtime-min kernel calls.");
    ec_buf_printf(&src, "#include \"%s.h\"\n", c.name);
    for (i = 0; i < hdrs.n; i++) ec_buf_printf(&src, "#include \"%s\"\n", hdrs.a[i]);
    ec_buf_printf(&src, "#include \"%s_weights.h\"\n", c.name);
    if (c.need_math) ec_buf_printf(&src, "#include <math.h> /* INFINITY, NAN */\n");
    if (o && o->weights_file) {
        ec_buf_printf(&src, "#include <string.h> /* memcmp, memcpy */\n");
        emit_weights_check(&c, &src);
        emit_weights_loader(&c, out);
    }
    ec_buf_printf(&src, "\n%s\n{\n", sig.s);
    if (o && o->weights_file) {
        if (used_any(used, nv)) ec_buf_printf(&src, "    const unsigned char *W = (const unsigned char *)weights;\n");
        else ec_buf_printf(&src, "    (void)weights; /* the model has no constants */\n");
    }
    if (c.uses_arena) ec_buf_printf(&src, "    unsigned char *A = (unsigned char *)arena;\n");
    else ec_buf_printf(&src, "    (void)arena; /* every tensor is an input, an output or a constant */\n");
    for (i = 0; i < g->inputs.n; i++)
        if (!c.param_used[g->inputs.a[i]]) ec_buf_printf(&src, "    (void)%s; /* unused */\n", c.param[g->inputs.a[i]]);
    for (i = 0; i < p->rtdims.n; i++) {
        char *du = upper(c.dim_param[i]);
        ec_buf_printf(&src, "    if (%s < %s_%s_MIN || %s > %s_%s_MAX) return %s_ERR_DIM;\n", c.dim_param[i], up, du,
                      c.dim_param[i], up, du, up);
        ec_free(du);
    }
    ec_buf_printf(&src, "\n%s\n    return 0;\n}\n", body.s ? body.s : "");
    ec_output_add(out, fname, src.s, src.len);

    /* NAME.h */
    {
        char *hn = ec_fmt("%s.h", c.name);
        int64_t ab = p->arena_bytes > 0 ? p->arena_bytes : 64;
        bool any_note = false;
        provenance(&c, &h, hn, "the interface of the generated model.");
        ec_buf_printf(&h, "#ifndef %s_H\n#define %s_H\n\n#include <stdbool.h>\n%s#include <stdint.h>\n\n", up, up,
                      o && o->weights_file ? "#include <stddef.h>\n" : "");
        ec_buf_printf(&h, "/* Bytes of working memory %s_run needs. The arena must be aligned to\n"
                          " * 64 bytes, e.g. static unsigned char arena[%s_ARENA_BYTES]\n"
                          " * __attribute__((aligned(64))); its contents need no initialization. */\n",
                      c.name, up);
        ec_buf_printf(&h, "#define %s_ARENA_BYTES %lld\n\n", up, (long long)ab);
        if (p->rtdims.n) {
            ec_buf_printf(&h, "/* Dims given at run time: %s_run's last arguments, in this order, each\n"
                              " * from its _MIN to its _MAX. The arena is sized for every _MAX. */\n", c.name);
            for (i = 0; i < p->rtdims.n; i++) {
                char *du = upper(c.dim_param[i]);
                ec_buf_printf(&h, "#define %s_%s_MIN %lld /* symbolic dim '", up, du, (long long)p->rtdims.a[i].min);
                put_comment_text(&h, p->rtdims.a[i].name);
                ec_buf_printf(&h, "' */\n#define %s_%s_MAX %lld\n", up, du, (long long)p->rtdims.a[i].max);
                ec_free(du);
            }
            ec_buf_printf(&h, "/* %s_run returns this (and computes nothing) when a dim is out of range. */\n"
                              "#define %s_ERR_DIM (-1)\n\n", c.name, up);
        }
        if (any_string_in)
            ec_buf_printf(&h, "/* What %s_run returns when an element of a string input is NULL or\n"
                              " * longer than the input's bound (nothing is computed then). */\n"
                              "#define %s_ERR_STRING_INPUT (-2)\n\n", c.name, up);
        ec_buf_printf(&h, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
        ec_buf_printf(&h, "/* Runs the model; returns 0");
        if (p->rtdims.n) ec_buf_printf(&h, ", or %s_ERR_DIM when a dim argument is out of range", up);
        if (any_string_in) ec_buf_printf(&h, ", or %s_ERR_STRING_INPUT", up);
        ec_buf_printf(&h, ".\n");
        for (i = 0; i < g->inputs.n; i++) {
            int v = g->inputs.a[i];
            ec_buf_printf(&h, " *   in   %s: ", c.param[v]);
            put_value_type(&c, &h, v);
            if (g->values.a[v].dtype == EC_DT_STRING)
                ec_buf_printf(&h, ", each string at most %lld bytes", (long long)g->values.a[v].str_max);
            put_io_name(&h, &g->values.a[v]);
        }
        for (i = 0; i < g->outputs.n; i++) {
            int v = g->outputs.a[i];
            ec_buf_printf(&h, " *   out  %s: ", c.out_param[i]);
            put_value_type(&c, &h, v);
            put_io_name(&h, &g->values.a[v]);
        }
        if (any_string_in || any_string_out)
            ec_buf_printf(&h, " * A string tensor is an array of `const char *`, one per element in\n"
                              " * row-major order, each a NUL-terminated UTF-8 string.\n");
        if (any_string_in)
            ec_buf_printf(&h, " * String inputs: each string at most the bytes said above, its NUL not\n"
                              " * counted (--max-string-bytes); otherwise, or for a NULL element,\n"
                              " * nothing is computed and %s_run returns %s_ERR_STRING_INPUT.\n", c.name, up);
        if (any_string_out)
            ec_buf_printf(&h, " * String outputs: the caller passes an array of one pointer per element;\n"
                              " * %s_run writes the characters into the arena and points the array at\n"
                              " * them. They stay valid until the arena is written again (the next\n"
                              " * %s_run with it); copy them out to keep them longer.\n", c.name, c.name);
        for (i = 0; i < g->inputs.n + g->outputs.n; i++)
            if (g->values.a[i < g->inputs.n ? g->inputs.a[i] : g->outputs.a[i - g->inputs.n]].io_note) any_note = true;
        if (any_note || g->io_notes.n) {
            /* sequences and optionals: how their parts became arguments */
            ec_buf_printf(&h, " * A sequence graph input/output x is one argument per element, x_0, x_1,\n"
                              " * ... in order (its length fixed when compiling, --seq); a present\n"
                              " * optional is its content's argument(s), an absent one (none) has none.\n");
            for (i = 0; i < g->io_notes.n; i++) {
                ec_buf_printf(&h, " *   ");
                put_comment_text(&h, g->io_notes.a[i]);
                ec_buf_printf(&h, "\n");
            }
        }
        for (i = 0; i < p->rtdims.n; i++) {
            char *du = upper(c.dim_param[i]);
            ec_buf_printf(&h, " *   dim  %s: %s_%s_MIN..%s_%s_MAX ('", c.dim_param[i], up, du, up, du);
            put_comment_text(&h, p->rtdims.a[i].name);
            ec_buf_printf(&h, "')\n");
            ec_free(du);
        }
        for (i = 0; i < g->outputs.n; i++) {
            int v = g->outputs.a[i];
            const ec_value *x = &g->values.a[v];
            if (!c.extent_param[v]) continue;
            ec_buf_printf(&h, " *   out  %s: int64 (size of dim %d of %s)\n", c.extent_param[v], x->dd_dim,
                          c.out_param[i]);
            ec_buf_printf(&h, " *        %s's dim %d depends on the data: the buffer is for its upper\n"
                              " *        bound %lld; %s_run writes the actual size n to *%s and the\n"
                              " *        tensor packed in its actual shape (dim %d = n).\n",
                          c.out_param[i], x->dd_dim, (long long)x->shape.dim[x->dd_dim], c.name,
                          c.extent_param[v], x->dd_dim);
        }
        if (o && o->weights_file) {
            ec_buf_printf(&h, " * weights: the contents of %s_weights.bin (%s_WEIGHTS_BYTES bytes, aligned to\n"
                              " * 64 bytes), e.g. from %s_weights_map; check it once with %s_weights_check.\n",
                          c.name, up, c.name, c.name);
        }
        ec_buf_printf(&h, " */\n%s;\n\n", sig.s);
        if (o && o->weights_file) {
            ec_buf_printf(&h, "/* Size and checksum of the weights file this code was generated with. */\n"
                              "#define %s_WEIGHTS_BYTES %lldu\n\n", up, (long long)weights_file_bytes(p, used));
            ec_buf_printf(&h, "/* 0 if WEIGHTS (LEN bytes) is %s_weights.bin as generated, else < 0 (see %s.c). */\n"
                              "int %s_weights_check(const void *weights, size_t len);\n\n", c.name, c.name, c.name);
            ec_buf_printf(&h, "/* POSIX loader (%s_weights_posix.c; Linux-class devices): maps the file\n"
                              " * read-only and checks it; NULL and *err < 0 on failure. */\n"
                              "const void *%s_weights_map(const char *path, size_t *len, int *err);\n"
                              "void %s_weights_unmap(const void *weights, size_t len);\n\n", c.name, c.name, c.name);
        }
        ec_buf_printf(&h, "#ifdef __cplusplus\n}\n#endif\n\n#endif\n");
        ec_output_add(out, hn, h.s, h.len);
        ec_free(hn);
    }
    ec_free(fname);
    ec_free(up);
    ec_free(used);
    ec_free(sig.s);
    ec_free(body.s);
}
