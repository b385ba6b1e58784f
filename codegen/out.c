/* out.c - the output set: the generated files, held in memory (or streamed
 * to a hidden temporary file when large) and written to the output directory
 * by ec_output_write only once everything is ready.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include "out.h"

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
    ec_buf_flush(b);
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
    ec_buf_flush(b);
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
