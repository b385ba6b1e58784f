/* emit_runtime.c - the runtime-min files the generated code needs: the
 * headers and sources of every kernel family a call uses, closed over their
 * own #includes, copied from ROOT/runtime-min into the output set.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "emit.h"

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

/* Add header h (and its family source, when there is one) to the file set. */
static void want_header(const char *root, strvec *hdrs, strvec *srcs, const char *h, const char *src)
{
    if (!has_str(hdrs, h)) EC_PUSH(*hdrs, ec_strdup(h));
    if (src) {
        if (!has_str(srcs, src)) EC_PUSH(*srcs, ec_strdup(src));
    } else if (strlen(h) > 2 && !strcmp(h + strlen(h) - 2, ".h")) {
        char *c = ec_fmt("%.*s.c", (int)(strlen(h) - 2), h);
        char *path = ec_fmt("%s/runtime-min/generic/%s", root, c);
        if (file_exists(path) && !has_str(srcs, c)) EC_PUSH(*srcs, c);
        else ec_free(c);
        ec_free(path);
    }
}

/* Every #include "x" of a runtime file pulls x (and its family) in too. */
static void scan_includes(const char *root, const char *text, strvec *hdrs, strvec *srcs)
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
            if (!has_str(hdrs, h) && file_exists(path)) want_header(root, hdrs, srcs, h, NULL);
            ec_free(path);
            ec_free(h);
        }
    }
}

void ec_em_add_runtime(cg *c, ec_output *out, strvec *hdrs)
{
    const char *root = c->o && c->o->root ? c->o->root : ".";
    strvec srcs = { 0 };
    int s, k, i, done_h = 0, done_s = 0;
    want_header(root, hdrs, &srcs, "ec_rt.h", "ec_rt.c");
    for (i = 0; i < c->g->inputs.n; i++)   /* ec_str_check */
        if (c->g->values.a[c->g->inputs.a[i]].dtype == EC_DT_STRING)
            want_header(root, hdrs, &srcs, "ec_string.h", "ec_string.c");
    for (s = 0; s < c->p->steps.n; s++) {
        const ec_step *st = &c->p->steps.a[s];
        if (ec_cg_step_is_view(c->p, s)) continue;
        for (k = 0; k < st->L.calls.n; k++) {
            const ec_kernel *kd = ec_kernel_find(st->L.calls.a[k].kernel);
            if (!kd) continue;
            if (kd->header) want_header(root, hdrs, &srcs, kd->header, kd->source);
            else if (kd->source && !has_str(&srcs, kd->source)) EC_PUSH(srcs, ec_strdup(kd->source));
        }
    }
    /* close over includes (a family may use another's header) */
    while (done_h < hdrs->n || done_s < srcs.n) {
        for (; done_h < hdrs->n; done_h++) {
            char *path = ec_fmt("%s/runtime-min/include/%s", root, hdrs->a[done_h]);
            size_t len;
            char *text = read_file(path, &len);
            scan_includes(root, text, hdrs, &srcs);
            ec_free(text);
            ec_free(path);
        }
        for (; done_s < srcs.n; done_s++) {
            char *path = ec_fmt("%s/runtime-min/generic/%s", root, srcs.a[done_s]);
            size_t len;
            char *text = read_file(path, &len);
            scan_includes(root, text, hdrs, &srcs);
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
        char *path = ec_fmt("%s/runtime-min/generic/%s", root, srcs.a[i]);
        size_t len;
        char *text = read_file(path, &len);
        ec_output_add(out, srcs.a[i], text, len);
        ec_free(path);
    }
}
