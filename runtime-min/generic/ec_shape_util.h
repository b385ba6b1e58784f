/* ec_shape_util.h - static helpers shared by the generic ec_shape kernel files (internal,
 * not part of the runtime-min contract). */
#ifndef EC_SHAPE_UTIL_H
#define EC_SHAPE_UTIL_H
/* ec_shape.c - edgec runtime-min: generic C99 data-movement kernels. */
#include "ec_shape.h"

static inline void copy_bytes(unsigned char *d, const unsigned char *s, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) d[i] = s[i];
}

/* Element i of an index tensor of ONNX dtype dt, as int64. */
static inline int64_t read_index(const void *p, int32_t dt, int32_t i)
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
static inline int64_t wrap_index(int64_t v, int32_t dim)
{
    if (v < 0) v += dim;
    if (v < 0) v = 0;
    if (v >= dim) v = dim > 0 ? dim - 1 : 0;
    return v;
}

#endif
