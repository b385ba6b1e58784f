/* ec_elementwise.h - elementwise kernels: unary maps, broadcasting binary ops,
 * comparisons, Where, Pow with a mixed exponent type, Clip, IsNaN/IsInf, Cast.
 *
 * dtype suffixes: f32 f64 f16 bf16 s8 u8 s16 u16 s32 u32 s64 u64 b.
 * float16/bfloat16 are computed in float and rounded once per op.
 *
 * Broadcasting kernels take the output shape `dims[rank]` and, per input,
 * element strides `*_strides[rank]` aligned to the output (0 along a broadcast
 * dim). The compiler collapses dims first, so the common cases reach the
 * kernel as rank 1 (same shape: strides 1/1; scalar: 1/0). rank >= 1.
 * Every kernel tolerates y aliasing its first input when that input has
 * y's shape and dtype (in-place execution).
 */
#ifndef EC_ELEMENTWISE_H
#define EC_ELEMENTWISE_H

#include "ec_rt.h"

/* ---- unary op codes ---------------------------------------------------------
 * Three kernels by what they pull in from libm, so a model with a Relu does
 * not link sinf: ec_unary_<t> (every type) takes IDENTITY .. NOT and
 * RECIPROCAL .. ROUND plus the piecewise-linear ones (LEAKY_RELU HARD_SIGMOID
 * HARD_SWISH SOFTSIGN THRESHOLDED_RELU SHRINK CLIP DIV_SCALAR); floats only:
 * ec_unary_exp_<t> (SQRT EXP LOG SIGMOID TANH ELU SELU CELU SOFTPLUS) and
 * ec_unary_trig_<t> (SIN .. ATANH, ERF). An op a kernel does not know copies.
 * alpha/beta are the op's float attributes, noted per op. Integer kernels
 * compute IDENTITY ABS NEG SIGN RELU natively, their other ops through double;
 * the bool kernel knows IDENTITY and NOT only. */
enum {
    EC_UN_IDENTITY = 0,
    EC_UN_ABS = 1,
    EC_UN_NEG = 2,
    EC_UN_SIGN = 3,
    EC_UN_RELU = 4,
    EC_UN_NOT = 5,              /* bool */
    EC_UN_SQRT = 6,
    EC_UN_EXP = 7,
    EC_UN_LOG = 8,
    EC_UN_RECIPROCAL = 9,
    EC_UN_FLOOR = 10,
    EC_UN_CEIL = 11,
    EC_UN_ROUND = 12,           /* half to even */
    EC_UN_SIN = 13,
    EC_UN_COS = 14,
    EC_UN_TAN = 15,
    EC_UN_ASIN = 16,
    EC_UN_ACOS = 17,
    EC_UN_ATAN = 18,
    EC_UN_SINH = 19,
    EC_UN_COSH = 20,
    EC_UN_ASINH = 21,
    EC_UN_ACOSH = 22,
    EC_UN_ATANH = 23,
    EC_UN_ERF = 24,
    EC_UN_SIGMOID = 25,
    EC_UN_TANH = 26,
    EC_UN_LEAKY_RELU = 27,      /* alpha */
    EC_UN_ELU = 28,             /* alpha */
    EC_UN_SELU = 29,            /* alpha, beta = gamma */
    EC_UN_CELU = 30,            /* alpha */
    EC_UN_HARD_SIGMOID = 31,    /* alpha, beta */
    EC_UN_HARD_SWISH = 32,
    EC_UN_SOFTPLUS = 33,
    EC_UN_SOFTSIGN = 34,
    EC_UN_THRESHOLDED_RELU = 35,/* alpha */
    EC_UN_SHRINK = 36,          /* alpha = lambd, beta = bias */
    EC_UN_CLIP = 37,            /* alpha = min, beta = max */
    EC_UN_DIV_SCALAR = 38       /* y = x / alpha (Mean) */
};

/* ---- binary op codes (ec_binary_*) ------------------------------------
 * Integer DIV truncates toward zero (C, onnxruntime); x/0 and x%0 give 0.
 * MOD takes the divisor's sign (Python %), FMOD the dividend's (C fmod).
 * PRELU: y = a < 0 ? a * b : a. SHL/SHR: shifts >= the width give 0.
 * The bool kernel knows AND OR XOR only; floats have no SHL/SHR. */
enum {
    EC_BIN_ADD = 0,
    EC_BIN_SUB = 1,
    EC_BIN_MUL = 2,
    EC_BIN_DIV = 3,
    EC_BIN_MOD = 4,
    EC_BIN_FMOD = 5,
    EC_BIN_MAX = 6,
    EC_BIN_MIN = 7,
    EC_BIN_PRELU = 8,
    EC_BIN_AND = 9,
    EC_BIN_OR = 10,
    EC_BIN_XOR = 11,
    EC_BIN_SHL = 12,
    EC_BIN_SHR = 13
};

/* ---- comparison op codes (ec_compare_*) --------------------------------- */
enum {
    EC_CMP_EQ = 0,
    EC_CMP_LT = 1,
    EC_CMP_GT = 2,
    EC_CMP_LE = 3,
    EC_CMP_GE = 4
};

/* ---- float classification op codes (ec_fclass_*) ------------------------ */
enum {
    EC_FC_ISNAN = 0,
    EC_FC_ISINF = 1,            /* either sign */
    EC_FC_ISPOSINF = 2,
    EC_FC_ISNEGINF = 3,
    EC_FC_NONE = 4              /* always false */
};

/* y[n] = op(x[n]); y may be x. */
#define EC_DECL_UNARY(sfx, T) \
    void ec_unary_##sfx(T *y, const T *x, int32_t op, int32_t n, float alpha, float beta);
#define EC_DECL_UNARY_MATH(sfx, T) \
    void ec_unary_exp_##sfx(T *y, const T *x, int32_t op, int32_t n, float alpha, float beta); \
    void ec_unary_trig_##sfx(T *y, const T *x, int32_t op, int32_t n, float alpha, float beta);
/* y[dims] = op(a[dims via a_strides], b[dims via b_strides]) */
#define EC_DECL_BINARY(sfx, T) \
    void ec_binary_##sfx(T *y, const T *a, const T *b, int32_t op, int32_t rank, \
                         const int32_t *dims, const int32_t *a_strides, const int32_t *b_strides);
/* y[dims] = a op b, bool result */
#define EC_DECL_COMPARE(sfx, T) \
    void ec_compare_##sfx(bool *y, const T *a, const T *b, int32_t op, int32_t rank, \
                          const int32_t *dims, const int32_t *a_strides, const int32_t *b_strides);
/* y[n] = min(max(x[n], *lo), *hi); lo/hi may be NULL (no bound) */
#define EC_DECL_CLIP(sfx, T) \
    void ec_clip_##sfx(T *y, const T *x, const T *lo, const T *hi, int32_t n);
/* y[dims] = pow(a, b) where b's element type is b_dtype (EC_DT_*, any numeric) */
#define EC_DECL_POW(sfx, T) \
    void ec_pow_##sfx(T *y, const T *a, const void *b, int32_t b_dtype, int32_t rank, \
                      const int32_t *dims, const int32_t *a_strides, const int32_t *b_strides);
/* y[n] = class(x[n]) (IsNaN, IsInf) */
#define EC_DECL_FCLASS(sfx, T) \
    void ec_fclass_##sfx(bool *y, const T *x, int32_t op, int32_t n);
/* y[n] = (T)x[n] where x's element type is x_dtype (EC_DT_*, any numeric or bool).
 * float -> int truncates toward zero, NaN gives 0, out-of-range values wrap
 * through int64 (numpy). float -> bfloat16 truncates (ONNX reference). */
#define EC_DECL_CAST(sfx, T) \
    void ec_cast_##sfx(T *y, const void *x, int32_t x_dtype, int32_t n);

#define EC_EW_NUMERIC(X) \
    X(f32, float) X(f64, double) X(f16, uint16_t) X(bf16, uint16_t) \
    X(s8, int8_t) X(u8, uint8_t) X(s16, int16_t) X(u16, uint16_t) \
    X(s32, int32_t) X(u32, uint32_t) X(s64, int64_t) X(u64, uint64_t)
#define EC_EW_FLOATS(X) X(f32, float) X(f64, double) X(f16, uint16_t) X(bf16, uint16_t)
#define EC_EW_POW(X) EC_EW_FLOATS(X) X(s32, int32_t) X(s64, int64_t)

EC_EW_NUMERIC(EC_DECL_UNARY)
EC_DECL_UNARY(b, bool)
EC_EW_FLOATS(EC_DECL_UNARY_MATH)
EC_EW_NUMERIC(EC_DECL_BINARY)
EC_DECL_BINARY(b, bool)
EC_EW_NUMERIC(EC_DECL_COMPARE)
EC_DECL_COMPARE(b, bool)
EC_EW_NUMERIC(EC_DECL_CLIP)
EC_EW_POW(EC_DECL_POW)
EC_EW_FLOATS(EC_DECL_FCLASS)
EC_EW_NUMERIC(EC_DECL_CAST)
EC_DECL_CAST(b, bool)

/* Where: y[dims] = c ? a : b, elements of elem_size bytes (1, 2, 4 or 8). */
void ec_where(void *y, const bool *c, const void *a, const void *b, int32_t elem_size,
              int32_t rank, const int32_t *dims, const int32_t *c_strides,
              const int32_t *a_strides, const int32_t *b_strides);
/* The same with the condition stored as bits: element i of c is bit i % 8 of cb[i / 8]
 * (a constant mask kept at one bit per element, edgec --quantize w8/w4). */
void ec_where_cbits(void *y, const uint8_t *cb, const void *a, const void *b, int32_t elem_size,
                    int32_t rank, const int32_t *dims, const int32_t *c_strides,
                    const int32_t *a_strides, const int32_t *b_strides);

#endif
