/* target.c - targets/NAME.xml, read with libxml2 and validated against
 * targets/target.xsd before any field is used.
 *
 *   <target name="generic">
 *     <description>..</description> <isa>generic</isa> <alignment>64</alignment>
 *     (or <isa fallback="armv7e-m">armv7e-m-dsp</isa>: kernel files from
 *      runtime-min/armv7e-m-dsp/, else runtime-min/armv7e-m/, else generic/)
 *     <ram_bytes>0</ram_bytes> <flash_bytes>0</flash_bytes> <cc>cc</cc> <cflags>..</cflags>
 *   </target>
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <libxml/parser.h>
#include <libxml/xmlversion.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include "codegen.h"
#include "file.h"

/* The first libxml2 error, as "line: message" (one line). */
typedef struct xerr {
    int line;
    char msg[512];
    bool set;
} xerr;

static void keep_first(void *ctx, const xmlError *e)
{
    xerr *x = ctx;
    size_t n;
    if (x->set || !e || e->level < XML_ERR_ERROR) return;
    x->set = true;
    x->line = e->line;
    snprintf(x->msg, sizeof x->msg, "%s", e->message ? e->message : "invalid XML");
    n = strlen(x->msg);
    while (n > 0 && (x->msg[n - 1] == '\n' || x->msg[n - 1] == ' ')) x->msg[--n] = '\0';
    for (n = 0; x->msg[n]; n++)
        if (x->msg[n] == '\n') x->msg[n] = ' ';
}

/* libxml2 2.12 made the handler's parameter const. */
#if LIBXML_VERSION >= 21200
static void keep_first_cb(void *ctx, const xmlError *e)
#else
static void keep_first_cb(void *ctx, xmlErrorPtr e)
#endif
{
    keep_first(ctx, e);
}

static void quiet_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static bool good_name(const char *s)
{
    const char *p;
    if (!s[0]) return false;
    for (p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '-'))
            return false;
    return true;
}

static bool ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

/* libxml2 objects of one load, freed before any failure so that a failed
 * load leaks nothing (unit tests run under LeakSanitizer). */
typedef struct xres {
    xmlDocPtr sdoc, doc;
    xmlSchemaParserCtxtPtr spc;
    xmlSchemaPtr schema;
    xmlSchemaValidCtxtPtr vc;
    xmlParserCtxtPtr pctx;
} xres;

static void xres_free(xres *r)
{
    if (r->vc) xmlSchemaFreeValidCtxt(r->vc);
    if (r->doc) xmlFreeDoc(r->doc);
    if (r->pctx) xmlFreeParserCtxt(r->pctx);
    if (r->schema) xmlSchemaFree(r->schema);
    if (r->spc) xmlSchemaFreeParserCtxt(r->spc);
    if (r->sdoc) xmlFreeDoc(r->sdoc);
    memset(r, 0, sizeof *r);
    xmlSetStructuredErrorFunc(NULL, NULL);
}

static _Noreturn void xfail(xres *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static _Noreturn void xfail(xres *r, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    xres_free(r);
    ec_fail_plain("%s", msg);
}

static char *text_of(xmlNodePtr n)
{
    xmlChar *t = xmlNodeGetContent(n);
    char *r = ec_strdup(t ? (const char *)t : "");
    if (t) xmlFree(t);
    return r;
}

static int64_t int_of(xres *r, const char *path, xmlNodePtr n)
{
    char *t = text_of(n), *end;
    long long v;
    errno = 0;
    v = strtoll(t, &end, 10);
    while (*end == ' ' || *end == '\n' || *end == '\t' || *end == '\r') end++;
    if (errno || *end || v < 0)
        xfail(r, "%s:%ld: <%s> '%s' is not a byte count edgec can use", path, (long)xmlGetLineNo(n),
                      (const char *)n->name, t);
    ec_free(t);
    return v;
}

/* Known targets, for the error message. */
static char *known_targets(const char *root)
{
    /* a directory listing is not deterministic in order; the list is short */
    static const char *const builtin[] = { "generic" };
    ec_buf b = { 0 };
    size_t i;
    for (i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
        char *p = ec_fmt("%s/targets/%s.xml", root, builtin[i]);
        struct stat st;
        if (stat(p, &st) == 0) ec_buf_printf(&b, "%s%s", b.len ? ", " : "", builtin[i]);
        ec_free(p);
    }
    if (!b.s) ec_buf_put(&b, "none", 4);
    return b.s;
}

typedef EC_VEC(char *) strlist;

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The kernel folders of runtime-min/ that exist: "arm-neon generic ...". */
static char *known_isas(const char *root)
{
    char *dir = ec_fmt("%s/runtime-min", root);
    DIR *d = opendir(dir);
    struct dirent *e;
    strlist names = { 0 };
    ec_buf b = { 0 };
    int i;
    while (d && (e = readdir(d)) != NULL) {
        char *p;
        struct stat st;
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "include")) continue;
        p = ec_fmt("%s/%s", dir, e->d_name);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) EC_PUSH(names, ec_strdup(e->d_name));
        ec_free(p);
    }
    if (d) closedir(d);
    qsort(names.a, (size_t)names.n, sizeof(char *), cmp_name);
    for (i = 0; i < names.n; i++) ec_buf_printf(&b, "%s%s", i ? " " : "", names.a[i]);
    if (!b.s) ec_buf_put(&b, "", 0);
    ec_free(dir);
    return b.s;
}

/* t->chain: the isa, its fallbacks (space-separated), then generic; each one a
 * folder runtime-min/NAME. */
static void kernel_chain(const char *root, const char *path, ec_target *t, const char *fallback)
{
    char *list = ec_fmt("%s %s generic", t->isa ? t->isa : "generic", fallback ? fallback : "");
    char *tok, *save = NULL;
    for (tok = strtok_r(list, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
        char *dir = ec_fmt("%s/runtime-min/%s", root, tok);
        struct stat st;
        int i, dup = 0;
        if (!good_name(tok) || !strcmp(tok, "include") || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            char *known = known_isas(root);
            ec_free(dir);
            ec_fail_plain("%s: unknown isa '%s' (no folder runtime-min/%s; known: %s)", path, tok, tok, known);
        }
        ec_free(dir);
        for (i = 0; i < t->nchain; i++) dup |= !strcmp(t->chain[i], tok);
        if (dup) continue;
        t->chain = ec_realloc(t->chain, sizeof(char *) * (size_t)(t->nchain + 1));
        t->chain[t->nchain++] = ec_strdup(tok);
    }
    ec_free(list);
}

ec_target *ec_target_load(const char *root, const char *name_or_file)
{
    char *fallback = NULL;
    const char *spec = name_or_file && name_or_file[0] ? name_or_file : "generic";
    char *path, *xsd;
    struct stat st;
    xres R;
    xmlNodePtr top, n;
    xerr err;
    ec_target *t;

    if (!root) root = ".";
    if (ends_with(spec, ".xml")) {
        path = ec_strdup(spec);
        if (stat(path, &st) != 0) ec_fail_plain("%s: cannot read target file: %s", path, strerror(errno));
    } else {
        if (!good_name(spec)) ec_fail_plain("unknown target '%s' (known: %s)", spec, known_targets(root));
        path = ec_fmt("%s/targets/%s.xml", root, spec);
        if (stat(path, &st) != 0) ec_fail_plain("unknown target '%s' (known: %s)", spec, known_targets(root));
    }
    xsd = ec_fmt("%s/targets/target.xsd", root);

    xmlSetGenericErrorFunc(NULL, quiet_generic);
    memset(&R, 0, sizeof R);
    /* the schema */
    memset(&err, 0, sizeof err);
    xmlSetStructuredErrorFunc(&err, keep_first_cb);
    R.sdoc = xmlReadFile(xsd, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!R.sdoc) xfail(&R, "%s:%d: %s", xsd, err.line, err.set ? err.msg : "cannot read the target schema");
    R.spc = xmlSchemaNewDocParserCtxt(R.sdoc);
    R.schema = R.spc ? xmlSchemaParse(R.spc) : NULL;
    if (!R.schema) xfail(&R, "%s:%d: %s", xsd, err.line, err.set ? err.msg : "bad target schema");

    /* the target: a FIFO or device would block libxml2's read, so check what it is first */
    {
        const char *why;
        FILE *f = ec_fopen_regular(path, &why);
        if (!f) xfail(&R, "%s: %s", path, why);
        fclose(f);
    }
    memset(&err, 0, sizeof err);
    R.pctx = xmlNewParserCtxt();
    if (!R.pctx) xfail(&R, "out of memory reading %s", path);
    R.doc = xmlCtxtReadFile(R.pctx, path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!R.doc) {
        const xmlError *e = xmlCtxtGetLastError(R.pctx);
        if (!err.set && e) keep_first(&err, e);
        xfail(&R, "%s:%d: %s", path, err.line, err.set ? err.msg : "not well-formed XML");
    }
    R.vc = xmlSchemaNewValidCtxt(R.schema);
    if (!R.vc) xfail(&R, "out of memory validating %s", path);
    memset(&err, 0, sizeof err);
    xmlSchemaSetValidStructuredErrors(R.vc, keep_first_cb, &err);
    if (xmlSchemaValidateDoc(R.vc, R.doc) != 0)
        xfail(&R, "%s:%d: %s", path, err.line, err.set ? err.msg : "does not match targets/target.xsd");
    xmlSetStructuredErrorFunc(NULL, NULL);

    t = ec_alloc(sizeof *t);
    top = xmlDocGetRootElement(R.doc);
    {
        xmlChar *nm = xmlGetProp(top, (const xmlChar *)"name");
        t->name = ec_strdup(nm ? (const char *)nm : spec);
        if (nm) xmlFree(nm);
    }
    for (n = top->children; n; n = n->next) {
        const char *e = (const char *)n->name;
        if (n->type != XML_ELEMENT_NODE) continue;
        if (!strcmp(e, "description")) t->description = text_of(n);
        else if (!strcmp(e, "isa")) {
            xmlChar *fb = xmlGetProp(n, (const xmlChar *)"fallback");
            t->isa = text_of(n);
            fallback = ec_strdup(fb ? (const char *)fb : "");
            if (fb) xmlFree(fb);
        }
        else if (!strcmp(e, "alignment")) t->alignment = (int)int_of(&R, path, n);
        else if (!strcmp(e, "ram_bytes")) t->ram_bytes = int_of(&R, path, n);
        else if (!strcmp(e, "flash_bytes")) t->flash_bytes = int_of(&R, path, n);
        else if (!strcmp(e, "cc")) t->cc = text_of(n);
        else if (!strcmp(e, "cflags")) t->cflags = text_of(n);
    }
    xres_free(&R);
    ec_free(xsd);
    kernel_chain(root, path, t, fallback);
    ec_free(fallback);
    ec_free(path);
    return t;
}
