/* onnx_pb.c - the protobuf-c frontend: .onnx (ModelProto) and .pb (TensorProto)
 * files into the IR, through the builder in ir/ir.h only.
 *
 * The schema is Debian's onnx.proto compiled by protoc-c at build time.
 * Everything a hostile file can get wrong is checked here before the IR sees
 * it: message nesting (checked on the wire before unpacking, so protobuf-c's
 * recursive unpacker cannot run out of stack), versions, dtypes, dims and
 * their product, data sizes against dims in every storage form, and external
 * data paths that would leave the model's folder.
 *
 * protobuf-c allocates through ec_alloc, so an early ec_fail() (exit or
 * longjmp) leaves nothing unreachable.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "frontend.h"
#include "onnx.pb-c.h"
#include "file.h"

/* IR versions and default-domain opsets of ONNX 1.12. */
#define EC_IR_MIN 3
#define EC_IR_MAX 8
#define EC_OPSET_MAX 17
/* Sub-graphs (If/Loop/Scan bodies) inside sub-graphs. */
#define EC_MAX_GRAPH_DEPTH 16
/* Protobuf message nesting on the wire; a sub-graph costs 3 levels. */
#define EC_MAX_MSG_DEPTH 100

/* ---- allocation --------------------------------------------------------- */

static void *pb_alloc(void *data, size_t n)
{
    (void)data;
    return ec_alloc(n ? n : 1);
}

static void pb_free(void *data, void *p)
{
    (void)data;
    if (p) ec_free(p);
}

static ProtobufCAllocator pb_allocator = { pb_alloc, pb_free, NULL };

/* ---- reader context ----------------------------------------------------- */

typedef struct rd {
    const char *dir;                /* directory of the file, for external data */
    const Onnx__ModelProto *model;  /* NULL for a lone TensorProto */
    ec_graph *g;                    /* graph being built */
    int node;                       /* node being read, or -1 */
} rd;

static const char *S(const char *s) { return s ? s : ""; }

/* Fail naming the node being read when there is one. */
static _Noreturn void rfail(const rd *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static _Noreturn void rfail(const rd *r, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r && r->g && r->node >= 0) ec_fail_node(r->g, r->node, "%s", msg);
    ec_fail("%s", msg);
}

static int count_int(const rd *r, size_t n, const char *what)
{
    if (n > (size_t)INT_MAX) rfail(r, "too many %s (%zu)", what, n);
    return (int)n;
}

/* ---- files ---------------------------------------------------------------- */

/* Whole file into an ec_alloc'ed buffer; fails on missing/unreadable/empty. */
static uint8_t *read_file(const char *path, size_t *len)
{
    const char *why = NULL;
    FILE *f = ec_fopen_regular(path, &why);
    struct stat st;
    uint8_t *buf;
    size_t n;
    if (!f) ec_fail(ec_why_is_file_kind(why) ? "%s" : "cannot open file: %s", why);
    if (fstat(fileno(f), &st) != 0) {
        int e = errno;
        fclose(f);
        ec_fail("cannot read file: %s", strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        fclose(f);
        ec_fail("is a directory, not a file");
    }
    if (!S_ISREG(st.st_mode)) {
        fclose(f);
        ec_fail("not a regular file");
    }
    if (st.st_size == 0) {
        fclose(f);
        ec_fail("file is empty");
    }
    if ((uintmax_t)st.st_size > (uintmax_t)SIZE_MAX / 2) {
        fclose(f);
        ec_fail("file is too large (%jd bytes)", (intmax_t)st.st_size);
    }
    n = (size_t)st.st_size;
    buf = ec_alloc(n);
    if (fread(buf, 1, n, f) != n) {
        int e = ferror(f) ? errno : 0;
        fclose(f);
        ec_fail("cannot read file: %s", e ? strerror(e) : "file shrank while reading");
    }
    fclose(f);
    *len = n;
    return buf;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return ec_strdup(".");
    if (slash == path) return ec_strdup("/");
    return ec_strndup(path, (size_t)(slash - path));
}

/* ---- wire-format pre-scan ------------------------------------------------ */

static bool wire_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*p >= end) return false;
        uint8_t b = *(*p)++;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) { *v = x; return true; }
    }
    return false;
}

/* True unless messages nest deeper than EC_MAX_MSG_DEPTH. Malformed input
 * returns true: the unpacker reports it. Recursion is bounded by the limit. */
static bool wire_depth_ok(const uint8_t *p, size_t n, const ProtobufCMessageDescriptor *d, int depth)
{
    const uint8_t *end = p + n;
    while (p < end) {
        uint64_t tag, len;
        if (!wire_varint(&p, end, &tag)) return true;
        switch (tag & 7) {
        case 0: if (!wire_varint(&p, end, &len)) return true; break;
        case 1: if ((size_t)(end - p) < 8) return true; p += 8; break;
        case 5: if ((size_t)(end - p) < 4) return true; p += 4; break;
        case 2: {
            const ProtobufCFieldDescriptor *f;
            if (!wire_varint(&p, end, &len) || len > (uint64_t)(end - p)) return true;
            f = (tag >> 3) <= UINT32_MAX
                ? protobuf_c_message_descriptor_get_field(d, (unsigned)(tag >> 3)) : NULL;
            if (f && f->type == PROTOBUF_C_TYPE_MESSAGE) {
                if (depth + 1 > EC_MAX_MSG_DEPTH) return false;
                if (!wire_depth_ok(p, (size_t)len, f->descriptor, depth + 1)) return false;
            }
            p += len;
            break;
        }
        default: return true;
        }
    }
    return true;
}

static ProtobufCMessage *unpack(const ProtobufCMessageDescriptor *d, const uint8_t *buf,
                                size_t len, const char *what)
{
    ProtobufCMessage *m;
    if (!wire_depth_ok(buf, len, d, 1))
        ec_fail("not a valid %s: messages nested more than %d deep", what, EC_MAX_MSG_DEPTH);
    m = protobuf_c_message_unpack(d, &pb_allocator, len, buf);
    if (!m) ec_fail("not a valid %s (protobuf parse failed)", what);
    return m;
}

/* ---- large models: initializer payloads read straight into place ----------
 *
 * protobuf-c copies every bytes field out of the buffer it unpacks, so a
 * model read whole and then unpacked needs twice its size in memory. For a
 * model with large weights, the file is walked once with a small wire-format
 * reader instead: the raw_data of every large graph initializer is read
 * directly into its own buffer, and only the rest (small) is re-encoded and
 * handed to protobuf-c; the payloads are attached to the unpacked tensors
 * afterwards. Peak memory is about the size of the weights. Anything unusual
 * (a repeated graph or raw_data field, a group, a length past its message)
 * abandons the walk, and the whole file is read and unpacked as before, so
 * the diagnostics for malformed files stay those of the plain path. */

#define EC_HOLD_BYTES ((uint64_t)1 << 16)

typedef struct {
    uint8_t *a;
    size_t n, cap;
} bytes_t;

typedef struct {
    int index;                      /* graph initializer index */
    void *data;
    size_t len;
} held_t;

typedef struct {
    FILE *f;
    uint64_t pos;
    int init_index;
    EC_VEC(held_t) held;
} wwalk;

enum { W_MODEL, W_GRAPH, W_TENSOR, W_OTHER };

static void bytes_put(bytes_t *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->n + n > cap) cap = ec_mul_size(cap, 2);
        b->a = ec_realloc(b->a, cap);
        b->cap = cap;
    }
    if (n) memcpy(b->a + b->n, p, n);
    b->n += n;
}

static void bytes_varint(bytes_t *b, uint64_t v)
{
    uint8_t t[10];
    size_t n = 0;
    do {
        t[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v) t[n] |= 0x80;
        n++;
    } while (v);
    bytes_put(b, t, n);
}

static bool walk_varint(wwalk *w, uint64_t end, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        int c;
        if (w->pos >= end || (c = getc(w->f)) == EOF) return false;
        w->pos++;
        x |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) { *v = x; return true; }
    }
    return false;
}

static bool walk_copy(wwalk *w, uint64_t n, bytes_t *out)
{
    uint8_t chunk[8192];
    while (n) {
        size_t k = n < sizeof chunk ? (size_t)n : sizeof chunk;
        if (fread(chunk, 1, k, w->f) != k) return false;
        bytes_put(out, chunk, k);
        w->pos += k;
        n -= k;
    }
    return true;
}

static bool walk_msg(wwalk *w, uint64_t end, int kind, int depth, bytes_t *out)
{
    bool seen_graph = false, seen_raw = false;
    if (depth > 3) return false;
    while (w->pos < end) {
        uint64_t tag, v, field;
        if (!walk_varint(w, end, &tag)) return false;
        field = tag >> 3;
        switch (tag & 7) {
        case 0:
            if (!walk_varint(w, end, &v)) return false;
            bytes_varint(out, tag);
            bytes_varint(out, v);
            break;
        case 1: case 5:
            bytes_varint(out, tag);
            if (!walk_copy(w, (tag & 7) == 1 ? 8 : 4, out)) return false;
            break;
        case 2: {
            int sub = W_OTHER;
            if (!walk_varint(w, end, &v) || v > end - w->pos) return false;
            if (kind == W_MODEL && field == 7) {
                if (seen_graph) return false;
                seen_graph = true;
                sub = W_GRAPH;
            } else if (kind == W_GRAPH && field == 5) {
                sub = W_TENSOR;
            } else if (kind == W_TENSOR && field == 9) {
                if (seen_raw) return false;
                seen_raw = true;
                if (v >= EC_HOLD_BYTES && v <= SIZE_MAX / 2) {
                    held_t h;
                    h.index = w->init_index;
                    h.len = (size_t)v;
                    h.data = ec_alloc(h.len);
                    EC_PUSH(w->held, h);
                    if (fread(h.data, 1, h.len, w->f) != h.len) return false;
                    w->pos += v;
                    break;
                }
            }
            bytes_varint(out, tag);
            if (sub == W_OTHER) {
                bytes_varint(out, v);
                if (!walk_copy(w, v, out)) return false;
            } else {
                bytes_t inner = { 0 };
                bool ok;
                if (sub == W_TENSOR && w->init_index == INT_MAX) return false;
                ok = walk_msg(w, w->pos + v, sub, depth + 1, &inner);
                if (sub == W_TENSOR) w->init_index++;
                bytes_varint(out, inner.n);
                bytes_put(out, inner.a, inner.n);
                ec_free(inner.a);
                if (!ok) return false;
            }
            break;
        }
        default:
            return false;
        }
    }
    return w->pos == end;
}

/* The model with its large initializer payloads read in place, or NULL when
 * the walk gave up (the caller then reads the file the plain way). */
static Onnx__ModelProto *read_model_walk(const char *path, uint64_t size)
{
    wwalk w;
    bytes_t small = { 0 };
    Onnx__ModelProto *m = NULL;
    int i;
    memset(&w, 0, sizeof w);
    {
        const char *why;
        w.f = ec_fopen_regular(path, &why);
    }
    if (!w.f) return NULL;
    if (walk_msg(&w, size, W_MODEL, 0, &small) && getc(w.f) == EOF && small.n) {
        m = (Onnx__ModelProto *)unpack(&onnx__model_proto__descriptor, small.a, small.n, "ONNX model");
        for (i = 0; i < w.held.n; i++) {
            held_t *h = &w.held.a[i];
            Onnx__TensorProto *tp;
            if (!m->graph || (size_t)h->index >= m->graph->n_initializer) {
                ec_free(h->data);
                continue;
            }
            tp = m->graph->initializer[h->index];
            tp->raw_data.data = h->data;
            tp->raw_data.len = h->len;
            tp->has_raw_data = 1;
        }
    } else {
        for (i = 0; i < w.held.n; i++) ec_free(w.held.a[i].data);
    }
    fclose(w.f);
    ec_free(small.a);
    ec_free(w.held.a);
    return m;
}

/* ---- dtypes and dims -------------------------------------------------------- */

/* Bytes per element as stored in ec_tensor.data; 0 for STRING/unknown. */
static size_t elem_size(int dt)
{
    switch (dt) {
    case EC_DT_FLOAT: case EC_DT_INT32: case EC_DT_UINT32: return 4;
    case EC_DT_UINT8: case EC_DT_INT8: case EC_DT_BOOL: return 1;
    case EC_DT_UINT16: case EC_DT_INT16: case EC_DT_FLOAT16: case EC_DT_BFLOAT16: return 2;
    case EC_DT_INT64: case EC_DT_UINT64: case EC_DT_DOUBLE: case EC_DT_COMPLEX64: return 8;
    case EC_DT_COMPLEX128: return 16;
    default: return 0;
    }
}

static bool dtype_known(int64_t dt)
{
    return dt >= EC_DT_FLOAT && dt <= EC_DT_BFLOAT16;
}

static const char *dt_name(int dt)
{
    static const char *names[] = {
        "undefined", "float", "uint8", "int8", "uint16", "int16", "int32", "int64",
        "string", "bool", "float16", "double", "uint32", "uint64", "complex64",
        "complex128", "bfloat16"
    };
    return dt >= 0 && dt <= EC_DT_BFLOAT16 ? names[dt] : "unknown";
}

static void dims_str(const int64_t *d, size_t n, char *buf, size_t cap)
{
    size_t k = 0;
    k += (size_t)snprintf(buf + k, cap - k, "[");
    for (size_t i = 0; i < n && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%" PRId64, i ? "," : "", d[i]);
    if (k < cap) snprintf(buf + k, cap - k, "]");
}

/* Element count of static dims; fails on negative dims and overflow. */
static int64_t dims_numel(const rd *r, const char *what, const int64_t *d, size_t n)
{
    int64_t p = 1;
    char buf[256];
    for (size_t i = 0; i < n; i++) {
        if (d[i] < 0) {
            dims_str(d, n, buf, sizeof buf);
            rfail(r, "%s: negative dim %" PRId64 " in %s", what, d[i], buf);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (d[i] == 0) return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (p > INT64_MAX / d[i]) {
            dims_str(d, n, buf, sizeof buf);
            rfail(r, "%s: dim product overflows int64 in %s", what, buf);
        }
        p *= d[i];
    }
    return p;
}

/* ---- tensors -------------------------------------------------------------- */

static bool host_is_little_endian(void)
{
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 1;
}

static void swap_bytes(uint8_t *p, size_t nbytes, size_t esz)
{
    for (size_t i = 0; i + esz <= nbytes; i += esz)
        for (size_t a = 0, b = esz - 1; a < b; a++, b--) {
            uint8_t t = p[i + a]; p[i + a] = p[i + b]; p[i + b] = t;
        }
}

/* Little-endian file bytes into native order; bool bytes become 0/1. */
static void fix_raw(uint8_t *p, size_t nbytes, int dt)
{
    size_t esz = elem_size(dt);
    if (dt == EC_DT_BOOL) {
        for (size_t i = 0; i < nbytes; i++) p[i] = p[i] != 0;
        return;
    }
    if (dt == EC_DT_COMPLEX64) esz = 4;
    if (dt == EC_DT_COMPLEX128) esz = 8;
    if (esz > 1 && !host_is_little_endian()) swap_bytes(p, nbytes, esz);
}

static bool parse_i64(const char *s, int64_t *out)
{
    char *end;
    long long v;
    if (!s || !*s) return false;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end || v < 0) return false;
    *out = v;
    return true;
}

/* A location must stay inside the model's folder: relative, no "..", and
 * (after symlinks) still below the folder. */
static char *external_path(const rd *r, const char *what, const char *loc)
{
    const char *p = loc;
    char *full, *rdir, *rfull;
    size_t n;
    if (!*loc) rfail(r, "%s: external data has an empty location", what);
    if (loc[0] == '/') rfail(r, "%s: external data path '%s' is absolute", what, loc);
    while (*p) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 2 && p[0] == '.' && p[1] == '.')
            rfail(r, "%s: external data path '%s' leaves the model's folder", what, loc);
        p += len;
        while (*p == '/') p++;
    }
    full = ec_fmt("%s/%s", r->dir, loc);
    rdir = realpath(r->dir, NULL);
    rfull = realpath(full, NULL);
    if (!rfull) {
        int e = errno;
        free(rdir);
        rfail(r, "%s: cannot open external data file '%s': %s", what, loc, strerror(e));
    }
    n = rdir ? strlen(rdir) : 0;
    if (!rdir || strncmp(rfull, rdir, n) != 0 || (rfull[n] != '/' && strcmp(rdir, "/") != 0)) {
        free(rdir);
        free(rfull);
        rfail(r, "%s: external data path '%s' leaves the model's folder", what, loc);
    }
    free(rdir);
    free(rfull);
    return full;
}

/* Read exactly `need` bytes of external data into a fresh buffer. */
static void *read_external(const rd *r, const char *what, const Onnx__TensorProto *tp, size_t need)
{
    const char *loc = NULL;
    int64_t offset = 0, length = -1;
    char *full;
    FILE *f;
    struct stat st;
    void *buf;
    if (!r->dir) rfail(r, "%s: external data is not allowed here", what);
    for (size_t i = 0; i < tp->n_external_data; i++) {
        const Onnx__StringStringEntryProto *e = tp->external_data[i];
        const char *k = S(e->key);
        if (!strcmp(k, "location")) loc = S(e->value);
        else if (!strcmp(k, "offset")) {
            if (!parse_i64(e->value, &offset))
                rfail(r, "%s: bad external data offset '%s'", what, S(e->value));
        } else if (!strcmp(k, "length")) {
            if (!parse_i64(e->value, &length))
                rfail(r, "%s: bad external data length '%s'", what, S(e->value));
        }
    }
    if (!loc) rfail(r, "%s: external data has no location", what);
    full = external_path(r, what, loc);
    if (length >= 0 && (uint64_t)length != (uint64_t)need)
        rfail(r, "%s: external data length %" PRId64 " does not match the %zu bytes its dims need",
              what, length, need);
    {
        const char *why;
        f = ec_fopen_regular(full, &why);
        if (!f && ec_why_is_file_kind(why))
            rfail(r, "%s: external data file '%s' is not a regular file", what, loc);
        if (!f) rfail(r, "%s: cannot open external data file '%s': %s", what, loc, why);
    }
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        rfail(r, "%s: external data file '%s' is not a regular file", what, loc);
    }
    if ((uint64_t)offset > (uint64_t)st.st_size || (uint64_t)st.st_size - (uint64_t)offset < need) {
        fclose(f);
        rfail(r, "%s: external data file '%s' has %jd bytes, offset %" PRId64 " + %zu needed",
              what, loc, (intmax_t)st.st_size, offset, need);
    }
    buf = ec_alloc(need ? need : 1);
    if (fseeko(f, (off_t)offset, SEEK_SET) != 0 || fread(buf, 1, need, f) != need) {
        fclose(f);
        rfail(r, "%s: cannot read external data file '%s'", what, loc);
    }
    fclose(f);
    ec_free(full);
    return buf;
}

/* Which typed field holds each dtype, and how many are present. */
static size_t typed_count(const Onnx__TensorProto *tp, int dt, bool *mine)
{
    size_t n = 0, ok = 0;
    switch (dt) {
    case EC_DT_FLOAT: case EC_DT_COMPLEX64: ok = tp->n_float_data; break;
    case EC_DT_INT32: case EC_DT_INT16: case EC_DT_INT8: case EC_DT_UINT16:
    case EC_DT_UINT8: case EC_DT_BOOL: case EC_DT_FLOAT16: case EC_DT_BFLOAT16:
        ok = tp->n_int32_data; break;
    case EC_DT_INT64: ok = tp->n_int64_data; break;
    case EC_DT_DOUBLE: case EC_DT_COMPLEX128: ok = tp->n_double_data; break;
    case EC_DT_UINT32: case EC_DT_UINT64: ok = tp->n_uint64_data; break;
    case EC_DT_STRING: ok = tp->n_string_data; break;
    }
    n = tp->n_float_data + tp->n_int32_data + tp->n_int64_data + tp->n_double_data +
        tp->n_uint64_data + tp->n_string_data;
    *mine = n == ok;
    return ok;
}

/* Typed field into native-order bytes, range-checking narrow types. */
static void *decode_typed(const rd *r, const char *what, const Onnx__TensorProto *tp, int dt,
                          int64_t numel, size_t nbytes)
{
    uint8_t *out = ec_alloc(nbytes ? nbytes : 1);
    size_t n = (size_t)numel;
    if (nbytes == 0) return out;
    switch (dt) {
    case EC_DT_FLOAT: case EC_DT_COMPLEX64:
        memcpy(out, tp->float_data, nbytes);
        break;
    case EC_DT_DOUBLE: case EC_DT_COMPLEX128:
        memcpy(out, tp->double_data, nbytes);
        break;
    case EC_DT_INT64:
        memcpy(out, tp->int64_data, nbytes);
        break;
    case EC_DT_UINT64:
        memcpy(out, tp->uint64_data, nbytes);
        break;
    case EC_DT_UINT32:
        for (size_t i = 0; i < n; i++) {
            uint64_t v = tp->uint64_data[i];
            uint32_t x;
            if (v > UINT32_MAX)
                rfail(r, "%s: uint64_data value %" PRIu64 " out of range for uint32", what, v);
            x = (uint32_t)v;
            memcpy(out + 4 * i, &x, 4);
        }
        break;
    case EC_DT_INT32:
        memcpy(out, tp->int32_data, nbytes);
        break;
    default: {
        int32_t lo, hi;
        switch (dt) {
        case EC_DT_INT8: lo = INT8_MIN; hi = INT8_MAX; break;
        case EC_DT_UINT8: lo = 0; hi = UINT8_MAX; break;
        case EC_DT_INT16: lo = INT16_MIN; hi = INT16_MAX; break;
        case EC_DT_UINT16: lo = 0; hi = UINT16_MAX; break;
        case EC_DT_BOOL: lo = INT32_MIN; hi = INT32_MAX; break;
        default: lo = INT16_MIN; hi = UINT16_MAX; break; /* f16/bf16 bit patterns */
        }
        for (size_t i = 0; i < n; i++) {
            int32_t v = tp->int32_data[i];
            if (v < lo || v > hi)
                rfail(r, "%s: int32_data value %" PRId32 " out of range for %s", what, v, dt_name(dt));
            if (elem_size(dt) == 1) {
                out[i] = dt == EC_DT_BOOL ? (uint8_t)(v != 0) : (uint8_t)v;
            } else {
                uint16_t x = (uint16_t)v;
                memcpy(out + 2 * i, &x, 2);
            }
        }
        break;
    }
    }
    return out;
}

/* Decode a TensorProto (any storage form) into a fresh ec_tensor. `what`
 * names it in messages ("initializer 'w'"). */
static ec_tensor *decode_tensor(const rd *r, const char *what, Onnx__TensorProto *tp)
{
    ec_tensor *t = ec_alloc(sizeof *t);
    int dt;
    int64_t numel;
    size_t esz, nbytes, count;
    bool mine;
    bool external = tp->has_data_location &&
                    tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;

    t->name = ec_strdup(S(tp->name));
    if (!tp->has_data_type || tp->data_type == EC_DT_UNDEFINED)
        rfail(r, "%s: tensor has no data type", what);
    if (!dtype_known(tp->data_type))
        rfail(r, "%s: unsupported tensor data type %" PRId32, what, tp->data_type);
    dt = tp->data_type;
    if (tp->n_dims > EC_MAX_RANK)
        rfail(r, "%s: rank %zu exceeds the maximum %d", what, tp->n_dims, EC_MAX_RANK);
    if (tp->segment) rfail(r, "%s: segmented tensors are not supported", what);
    if (tp->has_data_location && tp->data_location != ONNX__TENSOR_PROTO__DATA_LOCATION__DEFAULT &&
        !external)
        rfail(r, "%s: unknown data_location %d", what, (int)tp->data_location);
    numel = dims_numel(r, what, tp->dims, tp->n_dims);
    t->dtype = dt;
    t->shape.rank = (int)tp->n_dims;
    for (size_t i = 0; i < tp->n_dims; i++) t->shape.dim[i] = tp->dims[i];

    count = typed_count(tp, dt, &mine);
    if (!mine)
        rfail(r, "%s: %s tensor has data in a field for another type", what, dt_name(dt));

    if (dt == EC_DT_STRING) {
        /* Recorded as a string tensor without data; passes reject it. */
        if (tp->has_raw_data || external)
            rfail(r, "%s: string tensor with raw or external data", what);
        if ((uint64_t)count != (uint64_t)numel)
            rfail(r, "%s: string tensor has %zu elements, its dims need %" PRId64, what, count, numel);
        return t;
    }

    esz = elem_size(dt);
    if ((uint64_t)numel > (uint64_t)(SIZE_MAX / 2) / esz)
        rfail(r, "%s: tensor of %" PRId64 " elements is too large", what, numel);
    nbytes = (size_t)numel * esz;

    if (external) {
        if (tp->has_raw_data || count)
            rfail(r, "%s: tensor has both external and inline data", what);
        t->data = read_external(r, what, tp, nbytes);
        fix_raw(t->data, nbytes, dt);
    } else if (tp->has_raw_data) {
        if (count) rfail(r, "%s: tensor has both raw_data and typed data", what);
        if (tp->raw_data.len != nbytes)
            rfail(r, "%s: raw_data has %zu bytes, dims %s need %zu", what, tp->raw_data.len,
                  ec_shape_str(&t->shape, (char[128]){0}, 128), nbytes);
        if (nbytes) {
            /* take the buffer over from the message (both live in ec_alloc) */
            t->data = tp->raw_data.data;
            tp->raw_data.data = NULL;
            tp->raw_data.len = 0;
            tp->has_raw_data = 0;
            fix_raw(t->data, nbytes, dt);
        } else {
            t->data = ec_alloc(1);
        }
    } else {
        size_t want = (size_t)numel * (dt == EC_DT_COMPLEX64 || dt == EC_DT_COMPLEX128 ? 2 : 1);
        if (count != want) {
            if (count == 0)
                rfail(r, "%s: tensor has no data (dims %s need %" PRId64 " elements)", what,
                      ec_shape_str(&t->shape, (char[128]){0}, 128), numel);
            rfail(r, "%s: tensor has %zu values, dims %s need %zu", what, count,
                  ec_shape_str(&t->shape, (char[128]){0}, 128), want);
        }
        t->data = decode_typed(r, what, tp, dt, numel, nbytes);
    }
    t->nbytes = nbytes;
    return t;
}

/* A sparse initializer made dense. */
static ec_tensor *decode_sparse(const rd *r, Onnx__SparseTensorProto *sp)
{
    const char *what;
    ec_tensor *vals, *idx, *t;
    int64_t numel, nnz;
    size_t esz;
    if (!sp->values || !sp->indices) ec_fail("sparse initializer without values or indices");
    what = ec_fmt("sparse initializer '%s'", S(sp->values->name));
    vals = decode_tensor(r, what, sp->values);
    idx = decode_tensor(r, what, sp->indices);
    if (vals->dtype == EC_DT_STRING) rfail(r, "%s: string tensors are not supported", what);
    if (idx->dtype != EC_DT_INT64) rfail(r, "%s: indices must be int64", what);
    if (sp->n_dims > EC_MAX_RANK)
        rfail(r, "%s: rank %zu exceeds the maximum %d", what, sp->n_dims, EC_MAX_RANK);
    numel = dims_numel(r, what, sp->dims, sp->n_dims);
    if (vals->shape.rank != 1) rfail(r, "%s: values must be 1-D", what);
    nnz = vals->shape.dim[0];
    if (!(idx->shape.rank == 1 && idx->shape.dim[0] == nnz) &&
        !(idx->shape.rank == 2 && idx->shape.dim[0] == nnz && idx->shape.dim[1] == (int64_t)sp->n_dims))
        rfail(r, "%s: indices must be [%" PRId64 "] or [%" PRId64 ",%zu]", what, nnz, nnz, sp->n_dims);
    esz = elem_size(vals->dtype);
    t = ec_alloc(sizeof *t);
    t->name = ec_strdup(vals->name);
    t->dtype = vals->dtype;
    t->shape.rank = (int)sp->n_dims;
    for (size_t i = 0; i < sp->n_dims; i++) t->shape.dim[i] = sp->dims[i];
    if ((uint64_t)numel > (uint64_t)(SIZE_MAX / 2) / esz)
        rfail(r, "%s: tensor of %" PRId64 " elements is too large", what, numel);
    t->nbytes = (size_t)numel * esz;
    t->data = ec_alloc(t->nbytes ? t->nbytes : 1);
    for (int64_t k = 0; k < nnz; k++) {
        const int64_t *ix = idx->data;
        int64_t lin = 0;
        if (idx->shape.rank == 1) {
            lin = ix[k];
        } else {
            for (size_t d = 0; d < sp->n_dims; d++) {
                int64_t c = ix[k * (int64_t)sp->n_dims + (int64_t)d];
                if (c < 0 || c >= sp->dims[d]) { lin = -1; break; }
                lin = lin * sp->dims[d] + c;
            }
        }
        if (lin < 0 || lin >= numel) rfail(r, "%s: index out of range", what);
        memcpy((uint8_t *)t->data + (size_t)lin * esz, (uint8_t *)vals->data + (size_t)k * esz, esz);
    }
    return t;
}

/* ---- value types ---------------------------------------------------------- */

/* The tensor type inside tp: a tensor, a sequence of tensors, or an optional
 * tensor or sequence of tensors (*kind, *opt_of: EC_VK_*). NULL when tp is
 * missing or not set. */
static const Onnx__TypeProto__Tensor *tensor_part(const rd *r, const char *what, const Onnx__TypeProto *tp,
                                                  unsigned char *kind, unsigned char *opt_of)
{
    *kind = EC_VK_TENSOR;
    *opt_of = EC_VK_TENSOR;
    if (!tp || tp->value_case == ONNX__TYPE_PROTO__VALUE__NOT_SET) return NULL;
    if (tp->value_case == ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE) {
        *kind = EC_VK_OPT;
        tp = tp->optional_type->elem_type;
        if (!tp || tp->value_case == ONNX__TYPE_PROTO__VALUE__NOT_SET)
            rfail(r, "%s: optional type without an element type", what);
        if (tp->value_case == ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE)
            rfail(r, "%s: optionals of optionals are not supported", what);
    }
    if (tp->value_case == ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE) {
        if (*kind == EC_VK_OPT) *opt_of = EC_VK_SEQ;
        else *kind = EC_VK_SEQ;
        tp = tp->sequence_type->elem_type;
        if (!tp || tp->value_case == ONNX__TYPE_PROTO__VALUE__NOT_SET)
            rfail(r, "%s: sequence type without an element type", what);
        if (tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE)
            rfail(r, "%s: only sequences of tensors are supported", what);
    }
    switch (tp->value_case) {
    case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE: break;
    case ONNX__TYPE_PROTO__VALUE_MAP_TYPE: rfail(r, "%s: map types are not supported", what);
    case ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE: rfail(r, "%s: sparse tensors are not supported", what);
    default: rfail(r, "%s: unknown type", what);
    }
    return tp->tensor_type;
}

/* dtype and shape of a graph input/output (of a sequence's or optional's
 * tensors for those kinds). Missing type: UNDEFINED and unknown rank when
 * allowed (outputs, sub-graph inputs). */
static void value_type(const rd *r, const char *what, const Onnx__TypeProto *tp, bool need,
                       ec_dtype *dt, ec_shape *s, unsigned char *kind, unsigned char *opt_of)
{
    const Onnx__TypeProto__Tensor *tt;
    memset(s, 0, sizeof *s);
    s->rank = -1;
    *dt = EC_DT_UNDEFINED;
    tt = tensor_part(r, what, tp, kind, opt_of);
    if (!tt) {
        if (need) rfail(r, "%s has no type", what);
        return;
    }
    if (!tt->has_elem_type || tt->elem_type == EC_DT_UNDEFINED) {
        if (need) rfail(r, "%s has no element type", what);
    } else if (!dtype_known(tt->elem_type)) {
        rfail(r, "%s: unsupported element type %" PRId32, what, tt->elem_type);
    } else {
        *dt = tt->elem_type;
    }
    if (!tt->shape) return;
    if (tt->shape->n_dim > EC_MAX_RANK)
        rfail(r, "%s: rank %zu exceeds the maximum %d", what, tt->shape->n_dim, EC_MAX_RANK);
    s->rank = (int)tt->shape->n_dim;
    for (int i = 0; i < s->rank; i++) {
        const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];
        s->dim[i] = -1;
        if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
            if (d->dim_value < 0)
                rfail(r, "%s: negative dim %" PRId64 " at axis %d", what, d->dim_value, i);
            s->dim[i] = d->dim_value;
        } else if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM &&
                   d->dim_param && *d->dim_param) {
            s->sym[i] = ec_strdup(d->dim_param);
        }
    }
    {
        /* the static dims must not overflow (symbolic ones are bounded later) */
        int64_t st[EC_MAX_RANK];
        size_t n = 0;
        for (int i = 0; i < s->rank; i++) if (s->dim[i] >= 0) st[n++] = s->dim[i];
        (void)dims_numel(r, what, st, n);
    }
}

/* ---- graphs ------------------------------------------------------------- */

static void read_graph(rd *r, ec_graph *g, Onnx__GraphProto *gp, int depth);

static ec_graph *read_subgraph(rd *r, const char *what, Onnx__GraphProto *gp, int depth)
{
    ec_graph *parent = r->g, *c;
    int node = r->node;
    if (depth > EC_MAX_GRAPH_DEPTH)
        rfail(r, "%s: sub-graphs nested more than %d deep", what, EC_MAX_GRAPH_DEPTH);
    c = ec_graph_new(S(gp->name));
    c->parent = parent;
    c->path = parent->path;
    c->ir_version = parent->ir_version;
    c->opset = parent->opset;
    read_graph(r, c, gp, depth);
    r->g = parent;
    r->node = node;
    return c;
}

static char *dup_bytes(const ProtobufCBinaryData *b, size_t *len)
{
    char *s = ec_alloc(b->len + 1);
    if (b->len) memcpy(s, b->data, b->len);
    if (len) *len = b->len;
    return s;
}

static void read_attr(rd *r, Onnx__AttributeProto *ap, int depth)
{
    ec_attr a;
    const char *name = S(ap->name);
    const char *what;
    int type;
    memset(&a, 0, sizeof a);
    if (!*name) rfail(r, "attribute without a name");
    if (ap->ref_attr_name)
        rfail(r, "attribute '%s' refers to a function attribute outside a function", name);
    what = ec_fmt("attribute '%s'", name);
    type = ap->has_type ? (int)ap->type : EC_ATTR_UNDEFINED;
    if (type == EC_ATTR_UNDEFINED) {
        /* IR < 3 files may omit the type: infer it from the field set */
        if (ap->has_f) type = EC_ATTR_FLOAT;
        else if (ap->has_i) type = EC_ATTR_INT;
        else if (ap->has_s) type = EC_ATTR_STRING;
        else if (ap->t) type = EC_ATTR_TENSOR;
        else if (ap->g) type = EC_ATTR_GRAPH;
        else if (ap->n_floats) type = EC_ATTR_FLOATS;
        else if (ap->n_ints) type = EC_ATTR_INTS;
        else if (ap->n_strings) type = EC_ATTR_STRINGS;
        else if (ap->n_tensors) type = EC_ATTR_TENSORS;
        else if (ap->n_graphs) type = EC_ATTR_GRAPHS;
        else rfail(r, "%s has no type and no value", what);
    }
    a.name = ec_strdup(name);
    a.type = type;
    switch (type) {
    case EC_ATTR_FLOAT: a.f = ap->f; break;
    case EC_ATTR_INT: a.i = ap->i; break;
    case EC_ATTR_STRING: a.s = dup_bytes(&ap->s, &a.slen); break;
    case EC_ATTR_TENSOR:
        if (!ap->t) rfail(r, "%s: TENSOR attribute without a tensor", what);
        a.t = decode_tensor(r, what, ap->t);
        break;
    case EC_ATTR_GRAPH:
        if (!ap->g) rfail(r, "%s: GRAPH attribute without a graph", what);
        a.g = read_subgraph(r, what, ap->g, depth + 1);
        break;
    case EC_ATTR_FLOATS:
        a.n = count_int(r, ap->n_floats, "floats");
        a.floats = ec_alloc(ec_mul_size(ap->n_floats ? ap->n_floats : 1, sizeof(float)));
        if (a.n) memcpy(a.floats, ap->floats, ap->n_floats * sizeof(float));
        break;
    case EC_ATTR_INTS:
        a.n = count_int(r, ap->n_ints, "ints");
        a.ints = ec_alloc(ec_mul_size(ap->n_ints ? ap->n_ints : 1, sizeof(int64_t)));
        if (a.n) memcpy(a.ints, ap->ints, ap->n_ints * sizeof(int64_t));
        break;
    case EC_ATTR_STRINGS:
        a.n = count_int(r, ap->n_strings, "strings");
        a.strings = ec_alloc(ec_mul_size(ap->n_strings ? ap->n_strings : 1, sizeof(char *)));
        for (int i = 0; i < a.n; i++) a.strings[i] = dup_bytes(&ap->strings[i], NULL);
        break;
    case EC_ATTR_TENSORS:
        a.n = count_int(r, ap->n_tensors, "tensors");
        a.tensors = ec_alloc(ec_mul_size(ap->n_tensors ? ap->n_tensors : 1, sizeof(ec_tensor *)));
        for (int i = 0; i < a.n; i++) a.tensors[i] = decode_tensor(r, what, ap->tensors[i]);
        break;
    case EC_ATTR_GRAPHS:
        a.n = count_int(r, ap->n_graphs, "graphs");
        a.graphs = ec_alloc(ec_mul_size(ap->n_graphs ? ap->n_graphs : 1, sizeof(ec_graph *)));
        for (int i = 0; i < a.n; i++) a.graphs[i] = read_subgraph(r, what, ap->graphs[i], depth + 1);
        break;
    case EC_ATTR_SPARSE_TENSOR: case EC_ATTR_SPARSE_TENSORS:
    case EC_ATTR_TYPE_PROTO: case EC_ATTR_TYPE_PROTOS:
        break; /* type recorded, no data: ops taking these are not supported */
    default:
        rfail(r, "%s has unknown type %d", what, type);
    }
    ec_node_add_attr(r->g, r->node, &a);
}

static bool domain_imported(const rd *r, const char *dom)
{
    if (!r->model) return true;
    for (size_t i = 0; i < r->model->n_opset_import; i++) {
        const char *d = S(r->model->opset_import[i]->domain);
        if (!strcmp(d, "ai.onnx")) d = "";
        if (!strcmp(d, dom)) return true;
    }
    return false;
}

static void read_node(rd *r, Onnx__NodeProto *np, int index, int depth)
{
    const char *op = S(np->op_type), *dom = S(np->domain);
    const char **ins, **outs;
    int nin, nout, n;
    char where[64];
    snprintf(where, sizeof where, "node %d", index);
    if (!strcmp(dom, "ai.onnx")) dom = "";
    nin = count_int(r, np->n_input, "node inputs");
    nout = count_int(r, np->n_output, "node outputs");
    ins = ec_alloc(sizeof(char *) * (size_t)(nin ? nin : 1));
    outs = ec_alloc(sizeof(char *) * (size_t)(nout ? nout : 1));
    for (int i = 0; i < nin; i++) ins[i] = S(np->input[i]);
    for (int i = 0; i < nout; i++) outs[i] = S(np->output[i]);
    n = ec_add_node(r->g, op, dom, S(np->name), ins, nin, outs, nout);
    r->g->nodes.a[n].index = index;
    r->node = n;
    ec_free(ins);
    ec_free(outs);
    if (!*op) rfail(r, "node has no op_type");
    if (r->model) {
        for (size_t i = 0; i < r->model->n_functions; i++) {
            const Onnx__FunctionProto *f = r->model->functions[i];
            const char *fd = S(f->domain);
            if (!strcmp(fd, "ai.onnx")) fd = "";
            if (!strcmp(S(f->name), op) && !strcmp(fd, dom))
                rfail(r, "calls model-local function '%s', which is not supported", op);
        }
    }
    if (!domain_imported(r, dom))
        rfail(r, "domain '%s' is not in the model's opset_import", dom);
    for (size_t i = 0; i < np->n_attribute; i++) {
        const char *an = S(np->attribute[i]->name);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(S(np->attribute[j]->name), an))
                rfail(r, "duplicate attribute '%s'", an);
        read_attr(r, np->attribute[i], depth);
    }
    r->node = -1;
}

static bool is_initializer_name(const Onnx__GraphProto *gp, const char *name)
{
    for (size_t i = 0; i < gp->n_initializer; i++)
        if (!strcmp(S(gp->initializer[i]->name), name)) return true;
    for (size_t i = 0; i < gp->n_sparse_initializer; i++) {
        const Onnx__SparseTensorProto *sp = gp->sparse_initializer[i];
        if (sp->values && !strcmp(S(sp->values->name), name)) return true;
    }
    return false;
}

static void add_init(rd *r, ec_graph *g, ec_tensor *t, const char *kind)
{
    if (!*t->name) ec_fail("%s without a name", kind);
    ec_add_initializer(g, t);
    (void)r;
}

static void read_graph(rd *r, ec_graph *g, Onnx__GraphProto *gp, int depth)
{
    bool top = depth == 0;
    r->g = g;
    r->node = -1;
    if (g->name == NULL || !*g->name) g->name = ec_strdup(S(gp->name));

    /* initializers first: a same-named graph input (IR < 4) is a constant */
    for (size_t i = 0; i < gp->n_initializer; i++) {
        Onnx__TensorProto *tp = gp->initializer[i];
        ec_tensor *t = decode_tensor(r, ec_fmt("initializer '%s'", S(tp->name)), tp);
        add_init(r, g, t, "initializer");
    }
    for (size_t i = 0; i < gp->n_sparse_initializer; i++)
        add_init(r, g, decode_sparse(r, gp->sparse_initializer[i]), "sparse initializer");

    for (size_t i = 0; i < gp->n_input; i++) {
        const Onnx__ValueInfoProto *vi = gp->input[i];
        const char *name = S(vi->name);
        const char *what = ec_fmt("input '%s'", name);
        ec_dtype dt;
        ec_shape s;
        unsigned char kind, opt_of;
        int v;
        if (!*name) ec_fail("graph input %zu has no name", i);
        if (is_initializer_name(gp, name)) {
            v = ec_value_find(g, name);
            value_type(r, what, vi->type, false, &dt, &s, &kind, &opt_of);
            if (kind != EC_VK_TENSOR) ec_fail("%s has an initializer but is not a tensor", what);
            if (v >= 0 && dt != EC_DT_UNDEFINED && g->values.a[v].dtype != EC_DT_UNDEFINED &&
                dt != g->values.a[v].dtype)
                ec_fail("%s is declared %s but its initializer is %s", what, dt_name(dt),
                        dt_name(g->values.a[v].dtype));
            continue;
        }
        if (ec_value_find(g, name) >= 0) ec_fail("duplicate graph input '%s'", name);
        value_type(r, what, vi->type, top, &dt, &s, &kind, &opt_of);
        v = ec_add_input(g, name, dt, &s);
        g->values.a[v].kind = kind;
        g->values.a[v].opt_of = opt_of;
    }

    for (size_t i = 0; i < gp->n_node; i++) {
        if (i > (size_t)INT_MAX) ec_fail("too many nodes");
        read_node(r, gp->node[i], (int)i, depth);
        r->g = g;
    }

    if (top && gp->n_output == 0) ec_fail("graph has no outputs");
    for (size_t i = 0; i < gp->n_output; i++) {
        const Onnx__ValueInfoProto *vi = gp->output[i];
        const char *name = S(vi->name);
        ec_dtype dt;
        ec_shape s;
        unsigned char kind, opt_of;
        int v;
        if (!*name) ec_fail("graph output %zu has no name", i);
        value_type(r, ec_fmt("output '%s'", name), vi->type, false, &dt, &s, &kind, &opt_of);
        v = ec_add_output(g, name, dt, &s);
        if (kind != EC_VK_TENSOR) {
            g->values.a[v].kind = kind;
            g->values.a[v].opt_of = opt_of;
        }
    }
}

/* ---- entry points ----------------------------------------------------------- */

static void check_versions(const Onnx__ModelProto *m, int64_t *opset)
{
    bool have_default = false, have_training = false;
    if (!m->has_ir_version) ec_fail("model has no ir_version");
    if (m->ir_version < EC_IR_MIN || m->ir_version > EC_IR_MAX)
        ec_fail("unsupported IR version %" PRId64 " (edgec reads %d to %d)", m->ir_version,
                EC_IR_MIN, EC_IR_MAX);
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = m->opset_import[i];
        const char *d = S(o->domain);
        if (!o->has_version) ec_fail("opset_import for domain '%s' has no version", d);
        for (size_t j = 0; j < i; j++) {
            const char *dj = S(m->opset_import[j]->domain);
            bool def_i = !*d || !strcmp(d, "ai.onnx"), def_j = !*dj || !strcmp(dj, "ai.onnx");
            if ((def_i && def_j) || !strcmp(d, dj)) ec_fail("domain '%s' imported twice", d);
        }
        if (!strcmp(d, EC_TRAINING_DOMAIN)) have_training = true;
        if (*d && strcmp(d, "ai.onnx") != 0) continue; /* recorded; its ops are unknown */
        if (o->version < 1 || o->version > EC_OPSET_MAX)
            ec_fail("unsupported opset version %" PRId64 " (edgec supports 1 to %d)", o->version,
                    EC_OPSET_MAX);
        *opset = o->version;
        have_default = true;
    }
    /* A model of training ops alone (Adam, ...) may import only their domain:
     * the default opset is then the one released with it (ONNX 1.7, opset 12). */
    if (!have_default && have_training) {
        *opset = EC_TRAINING_DEFAULT_OPSET;
        have_default = true;
    }
    if (!have_default) ec_fail("model does not import the default ONNX opset (domain \"\")");
}

ec_graph *ec_read_onnx(const char *path)
{
    size_t len;
    uint8_t *buf;
    Onnx__ModelProto *m;
    ec_graph *g;
    rd r;
    int64_t opset = 0;

    ec_diag_set_file(path);
    {
        struct stat st;
        m = NULL;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
            m = read_model_walk(path, (uint64_t)st.st_size);
    }
    if (!m) {
        buf = read_file(path, &len);
        m = (Onnx__ModelProto *)unpack(&onnx__model_proto__descriptor, buf, len, "ONNX model");
        ec_free(buf);
    }
    check_versions(m, &opset);
    if (!m->graph) ec_fail("model has no graph");

    memset(&r, 0, sizeof r);
    r.dir = dir_of(path);
    r.model = m;
    r.node = -1;
    g = ec_graph_new(S(m->graph->name));
    g->path = ec_strdup(path);
    g->ir_version = m->ir_version;
    g->opset = opset;
    read_graph(&r, g, m->graph, 0);

    onnx__model_proto__free_unpacked(m, &pb_allocator);
    ec_free((char *)r.dir);
    return g;
}

ec_tensor *ec_read_tensor_pb(const char *path)
{
    size_t len;
    uint8_t *buf;
    Onnx__TensorProto *tp;
    ec_tensor *t;
    rd r;
    const char *old = ec_diag_file();
    char *saved = old ? ec_strdup(old) : NULL;

    ec_diag_set_file(path);
    buf = read_file(path, &len);
    tp = (Onnx__TensorProto *)unpack(&onnx__tensor_proto__descriptor, buf, len, "ONNX tensor");
    ec_free(buf);
    memset(&r, 0, sizeof r);
    r.dir = dir_of(path);
    r.node = -1;
    t = decode_tensor(&r, "tensor", tp);
    onnx__tensor_proto__free_unpacked(tp, &pb_allocator);
    ec_free((char *)r.dir);
    if (saved) ec_diag_set_file(saved);
    return t;
}
