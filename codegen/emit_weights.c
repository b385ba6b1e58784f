/* emit_weights.c - the model's constants: NAME_weights.h and NAME_weights.c
 * (arrays, streamed to disk when large), or with --weights-file
 * NAME_weights.bin with its offsets header, the checker in NAME.c and the
 * POSIX loader NAME_weights_posix.c.
 */
#include <math.h>
#include <string.h>
#include "emit.h"

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

void ec_em_weights(cg *c, ec_output *out, bool *used)
{
    const ec_graph *g = c->g;
    ec_buf h = { 0 }, s = { 0 };
    char *up = ec_em_upper(c->name);
    char *hname = ec_fmt("%s_weights.h", c->name), *sname = ec_fmt("%s_weights.c", c->name);
    int align = c->t && c->t->alignment > 0 ? c->t->alignment : 64;
    int v, nw = 0;
    int64_t total = 0;

    ec_em_provenance(c, &h, hname, "declarations of the model's constant tensors (internal).");
    ec_buf_printf(&h, "#ifndef %s_WEIGHTS_H\n#define %s_WEIGHTS_H\n\n#include <stdbool.h>\n#include <stdint.h>\n\n",
                  up, up);
    /* the include, math.h and the alignment macro go before the arrays */
    ec_em_provenance(c, &s, sname, "the model's constant tensors.");
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
        ec_em_comment_text(&h, x->name);
        ec_buf_printf(&h, "' ");
        ec_em_type_shape(&h, x);
        ec_buf_printf(&h, " */\n");
        ec_buf_printf(&s, "/* '");
        ec_em_comment_text(&s, x->name);
        ec_buf_printf(&s, "' ");
        ec_em_type_shape(&s, x);
        ec_buf_printf(&s, ", %lld bytes */\nconst %s %s_w%d[%lld] EC_WEIGHT_ALIGN = {", (long long)ec_cg_value_bytes(g, v),
                      ec_dtype_ctype(x->dtype), c->name, c->weight[v], (long long)(n > 0 ? n : 1));
        if (n <= 0) ec_buf_printf(&s, " 0");
        for (i = 0; i < n; i++) {
            int per = x->dtype == EC_DT_FLOAT || x->dtype == EC_DT_DOUBLE ? 6 : 12;
            ec_buf_put(&s, i % per == 0 ? "\n    " : " ", i % per == 0 ? 5 : 1);
            ec_em_elem(c, &s, x, i);
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
void ec_em_weights_bin(cg *c, ec_output *out, bool *used)
{
    const ec_graph *g = c->g;
    ec_buf h = { 0 }, s = { 0 };
    char *up = ec_em_upper(c->name);
    char *hname = ec_fmt("%s_weights.h", c->name), *bname = ec_fmt("%s_weights.bin", c->name);
    unsigned char hdr[EC_WBIN_HEADER];
    static const unsigned char zeros[64];
    int v, nw = 0;
    int64_t off = EC_WBIN_HEADER, total;
    uint32_t sum = 2166136261u, u32;
    uint64_t u64;

    ec_em_provenance(c, &h, hname, "offsets of the model's constant tensors in the weights file (internal).");
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
        ec_em_comment_text(&h, x->name);
        ec_buf_printf(&h, "' ");
        ec_em_type_shape(&h, x);
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

bool ec_em_used_any(const bool *used, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (used[i]) return true;
    return false;
}

int64_t ec_em_weights_file_bytes(const ec_program *p, const bool *used)
{
    int64_t off = EC_WBIN_HEADER;
    int v;
    for (v = 0; v < p->g->values.n; v++)
        if (used[v]) off += (ec_cg_value_bytes(p->g, v) + 63) / 64 * 64;
    return off;
}

/* The weights-file checker and the POSIX loader (--weights-file). */
void ec_em_weights_check(cg *c, ec_buf *src)
{
    char *up = ec_em_upper(c->name);
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

void ec_em_weights_loader(cg *c, ec_output *out)
{
    ec_buf s = { 0 };
    char *fname = ec_fmt("%s_weights_posix.c", c->name);
    ec_em_provenance(c, &s, fname, "a loader for the weights file on POSIX systems (Linux-class devices).");
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

