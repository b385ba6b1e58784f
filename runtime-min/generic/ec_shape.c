/* ec_shape.c - edgec runtime-min: generic C99 data-movement kernels. */
#include "ec_shape.h"

static void copy_bytes(unsigned char *d, const unsigned char *s, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) d[i] = s[i];
}

/* Element i of an index tensor of ONNX dtype dt, as int64. */
static int64_t read_index(const void *p, int32_t dt, int32_t i)
{
    switch (dt) {
    case EC_DT_INT8: return ((const int8_t *)p)[i];
    case EC_DT_UINT8: return ((const uint8_t *)p)[i];
    case EC_DT_INT16: return ((const int16_t *)p)[i];
    case EC_DT_UINT16: return ((const uint16_t *)p)[i];
    case EC_DT_INT32: return ((const int32_t *)p)[i];
    case EC_DT_UINT32: return ((const uint32_t *)p)[i];
    case EC_DT_UINT64: return (int64_t)((const uint64_t *)p)[i];
    case EC_DT_BOOL: return ((const bool *)p)[i] ? 1 : 0;
    case EC_DT_FLOAT: return (int64_t)((const float *)p)[i];
    case EC_DT_DOUBLE: return (int64_t)((const double *)p)[i];
    case EC_DT_FLOAT16: return (int64_t)ec_f16_to_f32(((const uint16_t *)p)[i]);
    default: return ((const int64_t *)p)[i];
    }
}

/* Wrap a possibly negative index against dim; out-of-range stays out of range
 * (the compiler cannot check run-time indices; clamp so memory stays safe). */
static int64_t wrap_index(int64_t v, int32_t dim)
{
    if (v < 0) v += dim;
    if (v < 0) v = 0;
    if (v >= dim) v = dim > 0 ? dim - 1 : 0;
    return v;
}

void ec_gather_map(void *y, const void *x, const void *fill_in, int32_t elem_size, int32_t rank,
                   const int32_t *ydims, const int32_t *offs, const int32_t *fill_bits)
{
    unsigned char *yp = (unsigned char *)y;
    const unsigned char *xp = (const unsigned char *)x;
    const unsigned char *fill = fill_in ? (const unsigned char *)fill_in : (const unsigned char *)fill_bits;
    int32_t start[EC_MAX_RANK], idx[EC_MAX_RANK];
    int32_t d, last = rank - 1, n = ydims[last];
    const int32_t *lt;
    int64_t outer = 1, o;
    for (d = 0, start[0] = 0; d < rank; d++) {
        if (d > 0) start[d] = start[d - 1] + ydims[d - 1];
        idx[d] = 0;
        if (d < last) outer *= ydims[d];
        if (ydims[d] == 0) return;
    }
    lt = offs + start[last];
    for (o = 0; o < outer; o++) {
        int64_t base = 0;
        int out = 0;
        int32_t i;
        for (d = 0; d < last; d++) {
            int32_t v = offs[start[d] + idx[d]];
            if (v < 0) out = 1;
            base += v;
        }
        for (i = 0; i < n; i++, yp += elem_size) {
            if (out || lt[i] < 0)
                copy_bytes(yp, fill, elem_size);
            else
                copy_bytes(yp, xp + (base + lt[i]) * elem_size, elem_size);
        }
        for (d = last - 1; d >= 0; d--) {
            if (++idx[d] < ydims[d]) break;
            idx[d] = 0;
        }
    }
}

void ec_gather_strided(void *y, const void *x, int32_t elem_size, int32_t rank, int32_t base,
                       const int32_t *ydims, const int32_t *strides)
{
    unsigned char *yp = (unsigned char *)y;
    const unsigned char *xp = (const unsigned char *)x;
    int32_t idx[EC_MAX_RANK];
    int32_t d, last = rank - 1, n = ydims[last], step = strides[last], i;
    int64_t outer = 1, o;
    for (d = 0; d < rank; d++) {
        idx[d] = 0;
        if (d < last) outer *= ydims[d];
        if (ydims[d] == 0) return;
    }
    for (o = 0; o < outer; o++) {
        int64_t off = base;
        for (d = 0; d < last; d++) off += (int64_t)idx[d] * strides[d];
        if (step == 1 && (int64_t)n * elem_size <= INT32_MAX) {
            copy_bytes(yp, xp + off * elem_size, n * elem_size);
            yp += (int64_t)n * elem_size;
        } else {
            for (i = 0; i < n; i++, yp += elem_size, off += step)
                copy_bytes(yp, xp + off * elem_size, elem_size);
        }
        for (d = last - 1; d >= 0; d--) {
            if (++idx[d] < ydims[d]) break;
            idx[d] = 0;
        }
    }
}

void ec_copy_blocks(void *y, const void *x, int32_t nblocks, int32_t block_bytes,
                    int32_t y_offset, int32_t y_stride, int32_t x_offset, int32_t x_stride)
{
    unsigned char *yp;
    const unsigned char *xp;
    int32_t b;
    if (nblocks <= 0 || block_bytes <= 0) return; /* x may be an empty caller buffer */
    yp = (unsigned char *)y + y_offset;
    xp = (const unsigned char *)x + x_offset;
    for (b = 0; b < nblocks; b++)
        copy_bytes(yp + (int64_t)b * y_stride, xp + (int64_t)b * x_stride, block_bytes);
}

void ec_gather(void *y, const void *x, const void *idx, int32_t elem_size, int32_t idx_dt,
               int32_t outer, int32_t axis_dim, int32_t inner, int32_t nidx)
{
    unsigned char *yp = (unsigned char *)y;
    const unsigned char *xp = (const unsigned char *)x;
    int64_t blk = (int64_t)inner * elem_size;
    int32_t o, j;
    if (blk <= 0) return; /* an empty output; x may be an empty caller buffer */
    for (o = 0; o < outer; o++) {
        for (j = 0; j < nidx; j++) {
            int64_t v = wrap_index(read_index(idx, idx_dt, j), axis_dim);
            copy_bytes(yp, xp + ((int64_t)o * axis_dim + v) * blk, (int32_t)blk);
            yp += blk;
        }
    }
}

void ec_gather_elements(void *y, const void *x, const void *idx, int32_t elem_size, int32_t idx_dt,
                        int32_t axis, int32_t rank, const int32_t *xdims, const int32_t *idims)
{
    unsigned char *yp = (unsigned char *)y;
    const unsigned char *xp = (const unsigned char *)x;
    int32_t c[EC_MAX_RANK], xstride[EC_MAX_RANK];
    int64_t n = 1, i;
    int32_t d;
    for (d = rank - 1; d >= 0; d--) {
        xstride[d] = d == rank - 1 ? 1 : xstride[d + 1] * xdims[d + 1];
        c[d] = 0;
        n *= idims[d];
    }
    for (i = 0; i < n; i++) {
        int64_t off = 0;
        for (d = 0; d < rank; d++) {
            int64_t v = d == axis ? wrap_index(read_index(idx, idx_dt, (int32_t)i), xdims[d]) : c[d];
            off += v * xstride[d];
        }
        copy_bytes(yp + i * elem_size, xp + off * elem_size, elem_size);
        for (d = rank - 1; d >= 0; d--) {
            if (++c[d] < idims[d]) break;
            c[d] = 0;
        }
    }
}

void ec_gather_nd(void *y, const void *x, const void *idx, int32_t elem_size, int32_t idx_dt,
                  int32_t nbatch, int32_t m, int32_t k, int32_t slice, int32_t xbatch,
                  const int32_t *dims, const int32_t *strides)
{
    unsigned char *yp = (unsigned char *)y;
    const unsigned char *xp = (const unsigned char *)x;
    int32_t b, j, t, ii = 0;
    for (b = 0; b < nbatch; b++) {
        for (j = 0; j < m; j++) {
            int64_t off = (int64_t)b * xbatch;
            for (t = 0; t < k; t++, ii++)
                off += wrap_index(read_index(idx, idx_dt, ii), dims[t]) * strides[t];
            copy_bytes(yp, xp + off * elem_size, slice * elem_size);
            yp += (int64_t)slice * elem_size;
        }
    }
}

/* dst (op)= src for one element of dtype dt. */
static void combine(unsigned char *dst, const unsigned char *src, int32_t elem_size,
                    int32_t dt, int32_t red)
{
    if (red == EC_SCATTER_NONE) {
        copy_bytes(dst, src, elem_size);
        return;
    }
#define EC_COMBINE(T) do { \
        T *a = (T *)(void *)dst; T b = *(const T *)(const void *)src; \
        if (red == EC_SCATTER_ADD) *a = (T)(*a + b); \
        else if (red == EC_SCATTER_MUL) *a = (T)(*a * b); \
        else if (red == EC_SCATTER_MAX) { if (b > *a) *a = b; } \
        else { if (b < *a) *a = b; } \
    } while (0)
    switch (dt) {
    case EC_DT_FLOAT: EC_COMBINE(float); break;
    case EC_DT_DOUBLE: EC_COMBINE(double); break;
    case EC_DT_INT8: EC_COMBINE(int8_t); break;
    case EC_DT_UINT8: EC_COMBINE(uint8_t); break;
    case EC_DT_INT16: EC_COMBINE(int16_t); break;
    case EC_DT_UINT16: EC_COMBINE(uint16_t); break;
    case EC_DT_INT32: EC_COMBINE(int32_t); break;
    case EC_DT_UINT32: EC_COMBINE(uint32_t); break;
    case EC_DT_INT64: EC_COMBINE(int64_t); break;
    case EC_DT_UINT64: EC_COMBINE(uint64_t); break;
    case EC_DT_BOOL: {
        bool *a = (bool *)(void *)dst; bool b = *(const bool *)(const void *)src;
        if (red == EC_SCATTER_ADD || red == EC_SCATTER_MAX) *a = *a || b;
        else *a = *a && b;
        break;
    }
    case EC_DT_FLOAT16: case EC_DT_BFLOAT16: {
        uint16_t *a = (uint16_t *)(void *)dst;
        uint16_t bh = *(const uint16_t *)(const void *)src;
        float fa = dt == EC_DT_FLOAT16 ? ec_f16_to_f32(*a) : ec_bf16_to_f32(*a);
        float fb = dt == EC_DT_FLOAT16 ? ec_f16_to_f32(bh) : ec_bf16_to_f32(bh);
        if (red == EC_SCATTER_ADD) fa = fa + fb;
        else if (red == EC_SCATTER_MUL) fa = fa * fb;
        else if (red == EC_SCATTER_MAX) { if (fb > fa) fa = fb; }
        else { if (fb < fa) fa = fb; }
        *a = dt == EC_DT_FLOAT16 ? ec_f32_to_f16(fa) : ec_f32_to_bf16(fa);
        break;
    }
    default: copy_bytes(dst, src, elem_size); break;
    }
#undef EC_COMBINE
}

void ec_scatter_elements(void *y, const void *data, const void *idx, const void *upd,
                         int32_t elem_size, int32_t idx_dt, int32_t dt, int32_t reduction,
                         int32_t axis, int32_t rank, const int32_t *ddims, const int32_t *idims)
{
    unsigned char *yp = (unsigned char *)y;
    const unsigned char *up = (const unsigned char *)upd;
    int32_t c[EC_MAX_RANK], stride[EC_MAX_RANK];
    int64_t n = 1, nd = 1, i;
    int32_t d;
    for (d = rank - 1; d >= 0; d--) {
        stride[d] = d == rank - 1 ? 1 : stride[d + 1] * ddims[d + 1];
        c[d] = 0;
        n *= idims[d];
        nd *= ddims[d];
    }
    if (y != data) copy_bytes(yp, (const unsigned char *)data, (int32_t)(nd * elem_size));
    for (i = 0; i < n; i++) {
        int64_t off = 0;
        for (d = 0; d < rank; d++) {
            int64_t v = d == axis ? wrap_index(read_index(idx, idx_dt, (int32_t)i), ddims[d]) : c[d];
            off += v * stride[d];
        }
        combine(yp + off * elem_size, up + i * elem_size, elem_size, dt, reduction);
        for (d = rank - 1; d >= 0; d--) {
            if (++c[d] < idims[d]) break;
            c[d] = 0;
        }
    }
}

void ec_scatter_nd(void *y, const void *data, const void *idx, const void *upd,
                   int32_t elem_size, int32_t idx_dt, int32_t dt, int32_t reduction,
                   int32_t n, int32_t m, int32_t k, int32_t slice,
                   const int32_t *dims, const int32_t *strides)
{
    unsigned char *yp = (unsigned char *)y;
    const unsigned char *up = (const unsigned char *)upd;
    int32_t j, t, s, ii = 0;
    if (y != data) copy_bytes(yp, (const unsigned char *)data, n * elem_size);
    for (j = 0; j < m; j++) {
        int64_t off = 0;
        for (t = 0; t < k; t++, ii++)
            off += wrap_index(read_index(idx, idx_dt, ii), dims[t]) * strides[t];
        for (s = 0; s < slice; s++)
            combine(yp + (off + s) * elem_size, up + ((int64_t)j * slice + s) * elem_size,
                    elem_size, dt, reduction);
    }
}

void ec_onehot(void *y, const void *idx, const void *values, int32_t elem_size, int32_t idx_dt,
               int32_t outer, int32_t depth, int32_t inner)
{
    unsigned char *yp = (unsigned char *)y;
    const unsigned char *off = (const unsigned char *)values;
    const unsigned char *on = off + elem_size;
    int32_t o, d, i;
    for (o = 0; o < outer; o++)
        for (d = 0; d < depth; d++)
            for (i = 0; i < inner; i++, yp += elem_size) {
                int64_t v = read_index(idx, idx_dt, o * inner + i);
                if (v < 0) v += depth;
                copy_bytes(yp, v == d ? on : off, elem_size);
            }
}

void ec_trilu(void *y, const void *x, int32_t elem_size, int32_t upper, int32_t k,
              int32_t batch, int32_t rows, int32_t cols)
{
    unsigned char *yp = (unsigned char *)y;
    const unsigned char *xp = (const unsigned char *)x;
    int32_t b, r, c, e;
    for (b = 0; b < batch; b++)
        for (r = 0; r < rows; r++)
            for (c = 0; c < cols; c++) {
                int64_t diff = (int64_t)c - r;
                int keep = upper ? diff >= k : diff <= k;
                if (keep) copy_bytes(yp, xp, elem_size);
                else for (e = 0; e < elem_size; e++) yp[e] = 0;
                yp += elem_size;
                xp += elem_size;
            }
}

void ec_reverse_sequence(void *y, const void *x, const void *lens, int32_t elem_size,
                         int32_t lens_dt, int32_t time_axis, int32_t t, int32_t b, int32_t inner)
{
    unsigned char *yp = (unsigned char *)y;
    const unsigned char *xp = (const unsigned char *)x;
    int64_t blk = (int64_t)inner * elem_size;
    int32_t bi, ti;
    for (bi = 0; bi < b; bi++) {
        int64_t len = read_index(lens, lens_dt, bi);
        if (len < 0) len = 0;
        if (len > t) len = t;
        for (ti = 0; ti < t; ti++) {
            int64_t src = ti < len ? len - 1 - ti : ti;
            int64_t yo = time_axis == 0 ? (int64_t)ti * b + bi : (int64_t)bi * t + ti;
            int64_t xo = time_axis == 0 ? src * b + bi : (int64_t)bi * t + src;
            copy_bytes(yp + yo * blk, xp + xo * blk, (int32_t)blk);
        }
    }
}

void ec_resize_f32(float *y, const float *x, float extrapolation, int32_t rank,
                   const int32_t *ydims, const int32_t *taps, const int32_t *idx, const float *w)
{
    int32_t start[EC_MAX_RANK], c[EC_MAX_RANK], tc[EC_MAX_RANK];
    int64_t n = 1, i;
    int32_t d;
    for (d = 0; d < rank; d++) {
        start[d] = d == 0 ? 0 : start[d - 1] + ydims[d - 1] * taps[d - 1];
        c[d] = 0;
        n *= ydims[d];
    }
    for (i = 0; i < n; i++) {
        int out = 0;
        for (d = 0; d < rank; d++)
            if (idx[start[d] + c[d] * taps[d]] < 0) out = 1;
        if (out) {
            y[i] = extrapolation;
        } else {
            float acc = 0.0f;
            for (d = 0; d < rank; d++) tc[d] = 0;
            for (;;) {
                int64_t off = 0;
                float wt = 1.0f;
                for (d = 0; d < rank; d++) {
                    int32_t e = start[d] + c[d] * taps[d] + tc[d];
                    off += idx[e];
                    wt *= w[e];
                }
                acc += wt * x[off];
                for (d = rank - 1; d >= 0; d--) {
                    if (++tc[d] < taps[d]) break;
                    tc[d] = 0;
                }
                if (d < 0) break;
            }
            y[i] = acc;
        }
        for (d = rank - 1; d >= 0; d--) {
            if (++c[d] < ydims[d]) break;
            c[d] = 0;
        }
    }
}
