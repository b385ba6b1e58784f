/* emit_runtime.c - the runtime-min files the generated code needs: the kernel files that
 * define the symbols its calls name (closed over what those files call, from the index
 * build/gen/ec_rt_index.c), each taken from the first folder of the target's ISA chain
 * that has it, and the include/ headers they use.
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
void ec_em_add_runtime(cg *c, ec_output *out, strvec *hdrs)
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

