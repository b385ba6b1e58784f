/* ec_scatter_elements.c - generic kernel(s) declared in ec_shape.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_shape_util.h"


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
