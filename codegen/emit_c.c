/* emit_c.c - C99 code generation of the model itself: NAME.h (the interface)
 * and NAME.c (the body), and ec_codegen_c, which also has the weights
 * (emit_weights.c) and the runtime-min files (emit_runtime.c) generated, all
 * into an in-memory ec_output (codegen/out.c puts them on disk only once
 * everything is ready).
 *
 * NAME.c is the schedule as a flat list of commented kernel calls on arena
 * offsets. Arguments come from ec_arg: tensors are the caller's pointers
 * (graph inputs and outputs), weight symbols (constants) or (T *)(A + off)
 * (arena values, through their storage root); floats are exact hex literals.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emit.h"

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
void ec_em_comment_text(ec_buf *b, const char *s)
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
void ec_em_elem(cg *c, ec_buf *b, const ec_value *v, int64_t i)
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
void ec_em_type_shape(ec_buf *b, const ec_value *v)
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

/* Type and shape of value v; dims that are run-time values as polynomials of
 * the dims' model names ("float[1,2,past+1,4]"). */
static void put_value_type(cg *c, ec_buf *b, int v)
{
    const ec_value *x = &c->g->values.a[v];
    const ec_program *p = c->p;
    int d;
    if (!p->dim_poly || x->shape.rank < 0) {
        ec_em_type_shape(b, x);
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
            ec_em_comment_text(b, e);
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
    char *up = ec_em_upper(c->name);
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
    ec_em_comment_text(b, n->name);
    ec_buf_printf(b, "' (");
    ec_em_comment_text(b, n->op);
    ec_buf_printf(b, "): ");
    if (st->kind == EC_STEP_LOOP) ec_buf_printf(b, "%lld iterations: ", (long long)st->trips);
    for (k = 0; k < nin; k++) {
        const ec_value *v;
        if (n->in[k] < 0) continue;
        v = &g->values.a[n->in[k]];
        if (shown++) ec_buf_printf(b, ", ");
        ec_em_comment_text(b, v->name);
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
        ec_em_comment_text(b, v->name);
        ec_buf_put(b, " ", 1);
        put_value_type(c, b, n->out[k]);
    }
    if (ec_cg_step_is_view(c->p, s)) {
        int r = ec_cg_root(g, n->out[0]);
        ec_buf_printf(b, "; a view of '");
        ec_em_comment_text(b, g->values.a[r].name);
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
                ec_em_comment_text(b, nm);
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
                ec_em_comment_text(b, nm);
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
/* ---- the whole thing -------------------------------------------------- */

void ec_em_provenance(cg *c, ec_buf *b, const char *file, const char *what)
{
    ec_buf_printf(b, "/* %s - %s\n * Generated by edgec %s; do not edit.\n * command: ", file, what, EDGEC_VERSION);
    ec_em_comment_text(b, c->o && c->o->cmdline ? c->o->cmdline : "edgec");
    ec_buf_printf(b, "\n * target: ");
    ec_em_comment_text(b, c->t && c->t->name ? c->t->name : "generic");
    if (c->t && c->t->description && c->t->description[0]) {
        ec_buf_printf(b, " (");
        ec_em_comment_text(b, c->t->description);
        ec_buf_printf(b, ")");
    }
    ec_buf_printf(b, "\n */\n");
}

char *ec_em_upper(const char *s)
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
    ec_em_comment_text(h, v->io_note ? v->io_note : v->name);
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
    up = ec_em_upper(c.name);
    name_params(&c);

    /* weights first: symbols are numbered in value order */
    used = ec_alloc(sizeof(bool) * (size_t)(nv + 1));
    ec_cg_used_consts(p, used);
    if (o && o->weights_file) ec_em_weights_bin(&c, out, used);
    else ec_em_weights(&c, out, used);
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
        ec_em_comment_text(&body, x->name);
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
    ec_em_add_runtime(&c, out, &hdrs);
    ec_em_provenance(&c, &src, fname, "the model as a sequence of runtime-min kernel calls.");
    ec_buf_printf(&src, "#include \"%s.h\"\n", c.name);
    for (i = 0; i < hdrs.n; i++) ec_buf_printf(&src, "#include \"%s\"\n", hdrs.a[i]);
    ec_buf_printf(&src, "#include \"%s_weights.h\"\n", c.name);
    if (c.need_math) ec_buf_printf(&src, "#include <math.h> /* INFINITY, NAN */\n");
    if (o && o->weights_file) {
        ec_buf_printf(&src, "#include <string.h> /* memcmp, memcpy */\n");
        ec_em_weights_check(&c, &src);
        ec_em_weights_loader(&c, out);
    }
    ec_buf_printf(&src, "\n%s\n{\n", sig.s);
    if (o && o->weights_file) {
        if (ec_em_used_any(used, nv)) ec_buf_printf(&src, "    const unsigned char *W = (const unsigned char *)weights;\n");
        else ec_buf_printf(&src, "    (void)weights; /* the model has no constants */\n");
    }
    if (c.uses_arena) ec_buf_printf(&src, "    unsigned char *A = (unsigned char *)arena;\n");
    else ec_buf_printf(&src, "    (void)arena; /* every tensor is an input, an output or a constant */\n");
    for (i = 0; i < g->inputs.n; i++)
        if (!c.param_used[g->inputs.a[i]]) ec_buf_printf(&src, "    (void)%s; /* unused */\n", c.param[g->inputs.a[i]]);
    for (i = 0; i < p->rtdims.n; i++) {
        char *du = ec_em_upper(c.dim_param[i]);
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
        ec_em_provenance(&c, &h, hn, "the interface of the generated model.");
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
                char *du = ec_em_upper(c.dim_param[i]);
                ec_buf_printf(&h, "#define %s_%s_MIN %lld /* symbolic dim '", up, du, (long long)p->rtdims.a[i].min);
                ec_em_comment_text(&h, p->rtdims.a[i].name);
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
                ec_em_comment_text(&h, g->io_notes.a[i]);
                ec_buf_printf(&h, "\n");
            }
        }
        for (i = 0; i < p->rtdims.n; i++) {
            char *du = ec_em_upper(c.dim_param[i]);
            ec_buf_printf(&h, " *   dim  %s: %s_%s_MIN..%s_%s_MAX ('", c.dim_param[i], up, du, up, du);
            ec_em_comment_text(&h, p->rtdims.a[i].name);
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
                              "#define %s_WEIGHTS_BYTES %lldu\n\n", up, (long long)ec_em_weights_file_bytes(p, used));
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

