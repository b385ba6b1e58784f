/* ec_rt.h - edgec runtime-min: common definitions shared by every kernel.
 *
 * runtime-min is plain C99: no malloc, no stdio, no mutable globals.
 * The compiler links the same sources and runs them in its interpreter
 * (constant folding, calibration), so what edgec measures is what ships.
 *
 * Conventions for every kernel (see docs/KERNELS.md):
 *   - name ec_<op>[_<variant>]_<dtype>, dtypes f32 f64 f16 s8 u8 s16 u16 s32 u32 s64 u64 b (bool);
 *     kernels that only move bytes take `void *` plus an element size and have no dtype suffix;
 *   - outputs first, then inputs, then scalar parameters, then int32 arrays (shapes/strides);
 *   - dims, strides and other integer parameters are int32_t;
 *   - a kernel returns void; it never fails at run time (the compiler checked everything).
 */
#ifndef EC_RT_H
#define EC_RT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define EC_MAX_RANK 8

/* Element types, numbered as ONNX TensorProto.DataType. */
enum {
    EC_DT_UNDEFINED = 0,
    EC_DT_FLOAT = 1,
    EC_DT_UINT8 = 2,
    EC_DT_INT8 = 3,
    EC_DT_UINT16 = 4,
    EC_DT_INT16 = 5,
    EC_DT_INT32 = 6,
    EC_DT_INT64 = 7,
    EC_DT_STRING = 8,
    EC_DT_BOOL = 9,
    EC_DT_FLOAT16 = 10,
    EC_DT_DOUBLE = 11,
    EC_DT_UINT32 = 12,
    EC_DT_UINT64 = 13,
    EC_DT_COMPLEX64 = 14,
    EC_DT_COMPLEX128 = 15,
    EC_DT_BFLOAT16 = 16
};

/* IEEE half <-> float, exact round-to-nearest-even. */
static inline float ec_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t man = h & 0x3ffu;
    uint32_t bits;
    union { uint32_t u; float f; } v;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else {
            exp = 127 - 15 + 1;
            while ((man & 0x400u) == 0) { man <<= 1; exp--; }
            man &= 0x3ffu;
            bits = sign | (exp << 23) | (man << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (man << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
    }
    v.u = bits;
    return v.f;
}

static inline uint16_t ec_f32_to_f16(float f)
{
    union { uint32_t u; float f; } v;
    uint32_t sign, exp, man;
    v.f = f;
    sign = (v.u >> 16) & 0x8000u;
    exp = (v.u >> 23) & 0xffu;
    man = v.u & 0x7fffffu;
    if (exp == 0xff) return (uint16_t)(sign | 0x7c00u | (man ? 0x200u : 0u));
    {
        int32_t e = (int32_t)exp - 127 + 15;
        if (e >= 31) return (uint16_t)(sign | 0x7c00u);
        if (e <= 0) {
            uint32_t m, shift, half, rest, r;
            if (e < -10) return (uint16_t)sign;
            m = man | 0x800000u;
            shift = (uint32_t)(14 - e);
            r = m >> shift;
            rest = m & ((1u << shift) - 1u);
            half = 1u << (shift - 1u);
            if (rest > half || (rest == half && (r & 1u))) r++;
            return (uint16_t)(sign | r);
        } else {
            uint32_t r = ((uint32_t)e << 10) | (man >> 13);
            uint32_t rest = man & 0x1fffu;
            if (rest > 0x1000u || (rest == 0x1000u && (r & 1u))) r++;
            return (uint16_t)(sign | r);
        }
    }
}

static inline float ec_bf16_to_f32(uint16_t h)
{
    union { uint32_t u; float f; } v;
    v.u = (uint32_t)h << 16;
    return v.f;
}

static inline uint16_t ec_f32_to_bf16(float f)
{
    union { uint32_t u; float f; } v;
    v.f = f;
    if ((v.u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((v.u >> 16) | 0x40u);
    return (uint16_t)((v.u + 0x7fffu + ((v.u >> 16) & 1u)) >> 16);
}

/* Index helpers of the kernels over n-D dims d[0..n) (row-major). */
static inline int32_t ec_prod(const int32_t *d, int32_t n)
{
    int32_t i, r = 1;
    for (i = 0; i < n; i++) r *= d[i];
    return r;
}

/* Coordinates pos of flat index f. */
static inline void ec_unflatten(int32_t f, const int32_t *d, int32_t n, int32_t *pos)
{
    int32_t i;
    for (i = n - 1; i >= 0; i--) {
        pos[i] = d[i] > 0 ? f % d[i] : 0;
        f = d[i] > 0 ? f / d[i] : 0;
    }
}

/* Advance coordinates pos by one element (wraps to all zeros after the last). */
static inline void ec_next_pos(int32_t *pos, const int32_t *d, int32_t n)
{
    int32_t i;
    for (i = n - 1; i >= 0; i--) {
        if (++pos[i] < d[i]) return;
        pos[i] = 0;
    }
}

/* Smallest o >= 0 with o * s + off >= 0 (s > 0). */
static inline int32_t ec_first_in(int32_t off, int32_t s)
{
    return off >= 0 ? 0 : (-off + s - 1) / s;
}

/* Smallest o >= 0 with o * s + off >= lim (s > 0): the end of the valid range
 * of o for positions o * s + off < lim. */
static inline int32_t ec_end_in(int32_t off, int32_t s, int32_t lim)
{
    int32_t r = lim - off;
    return r <= 0 ? 0 : (r + s - 1) / s;
}

/* Copy n bytes (graph outputs that are constants or aliases of inputs). */
void ec_copy(void *dst, const void *src, int32_t nbytes);

#endif
