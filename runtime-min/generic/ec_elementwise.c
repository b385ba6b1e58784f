/* ec_elementwise.c - portable C99 elementwise kernels (see ec_elementwise.h).
 *
 * Every kernel is generated per element type by a macro below. A value is
 * loaded into its compute type (float for f16/bf16), computed, and stored
 * back: ld_<sfx>() / st_<sfx>(). Integer arithmetic that may overflow is done
 * in unsigned types (wraps like numpy, never undefined behaviour); integer
 * division by zero gives 0; float -> integer conversions saturate at the
 * int64 range and map NaN to 0.
 */
#include <math.h>
#include "ec_elementwise.h"

/* ---- loads and stores ----------------------------------------------------- */
#define EC_ID_LDST(sfx, T) \
    static inline T ld_##sfx(T v) { return v; } \
    static inline T st_##sfx(T v) { return v; }
EC_ID_LDST(f32, float)
EC_ID_LDST(f64, double)
EC_ID_LDST(s8, int8_t)
EC_ID_LDST(u8, uint8_t)
EC_ID_LDST(s16, int16_t)
EC_ID_LDST(u16, uint16_t)
EC_ID_LDST(s32, int32_t)
EC_ID_LDST(u32, uint32_t)
EC_ID_LDST(s64, int64_t)
EC_ID_LDST(u64, uint64_t)
static inline bool ld_b(bool v) { return v; }
static inline float ld_f16(uint16_t v) { return ec_f16_to_f32(v); }
static inline uint16_t st_f16(float v) { return ec_f32_to_f16(v); }
static inline float ld_bf16(uint16_t v) { return ec_bf16_to_f32(v); }
static inline uint16_t st_bf16(float v) { return ec_f32_to_bf16(v); }

/* float -> bfloat16 by truncation (Cast; the ONNX reference does this),
 * keeping NaN a NaN. */
static inline uint16_t bf16_trunc(float f)
{
    union { uint32_t u; float f; } v;
    v.f = f;
    if ((v.u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((v.u >> 16) | 0x40u);
    return (uint16_t)(v.u >> 16);
}

/* double -> integer without undefined behaviour: NaN -> 0, saturating at the
 * int64 range; narrower types then wrap (numpy's astype does the same). */
static inline int64_t d2s64(double v)
{
    if (v != v) return 0;
    if (v >= 9223372036854775807.0) return INT64_MAX;
    if (v <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)v;
}

static inline uint64_t d2u64(double v)
{
    if (v != v) return 0;
    if (v < 0) return (uint64_t)d2s64(v);
    if (v >= 18446744073709551615.0) return UINT64_MAX;
    return (uint64_t)v;
}

/* Element i of a tensor of any numeric dtype, as double / int64. */
static double ld_any_f64(const void *p, int32_t dt, int32_t i)
{
    switch (dt) {
    case EC_DT_FLOAT: return ((const float *)p)[i];
    case EC_DT_DOUBLE: return ((const double *)p)[i];
    case EC_DT_FLOAT16: return ec_f16_to_f32(((const uint16_t *)p)[i]);
    case EC_DT_BFLOAT16: return ec_bf16_to_f32(((const uint16_t *)p)[i]);
    case EC_DT_INT8: return ((const int8_t *)p)[i];
    case EC_DT_UINT8: return ((const uint8_t *)p)[i];
    case EC_DT_INT16: return ((const int16_t *)p)[i];
    case EC_DT_UINT16: return ((const uint16_t *)p)[i];
    case EC_DT_INT32: return ((const int32_t *)p)[i];
    case EC_DT_UINT32: return ((const uint32_t *)p)[i];
    case EC_DT_INT64: return (double)((const int64_t *)p)[i];
    case EC_DT_UINT64: return (double)((const uint64_t *)p)[i];
    case EC_DT_BOOL: return ((const bool *)p)[i] ? 1.0 : 0.0;
    default: return 0.0;
    }
}

static int64_t ld_any_s64(const void *p, int32_t dt, int32_t i)
{
    switch (dt) {
    case EC_DT_INT8: return ((const int8_t *)p)[i];
    case EC_DT_UINT8: return ((const uint8_t *)p)[i];
    case EC_DT_INT16: return ((const int16_t *)p)[i];
    case EC_DT_UINT16: return ((const uint16_t *)p)[i];
    case EC_DT_INT32: return ((const int32_t *)p)[i];
    case EC_DT_UINT32: return ((const uint32_t *)p)[i];
    case EC_DT_INT64: return ((const int64_t *)p)[i];
    case EC_DT_UINT64: return (int64_t)((const uint64_t *)p)[i];
    case EC_DT_BOOL: return ((const bool *)p)[i] ? 1 : 0;
    default: return d2s64(ld_any_f64(p, dt, i));
    }
}

static inline int dt_is_float(int32_t dt)
{
    return dt == EC_DT_FLOAT || dt == EC_DT_DOUBLE || dt == EC_DT_FLOAT16 || dt == EC_DT_BFLOAT16;
}

/* ---- broadcast iteration ---------------------------------------------------
 * Walks the rows of the output (all dims but the last); off[k] is input k's
 * element offset at the start of the current row. */
typedef struct {
    int32_t rank, rows, inner;
    const int32_t *dims;
    const int32_t *st[3];
    int32_t idx[EC_MAX_RANK];
    int32_t off[3];
} bcast;

static void bc_init(bcast *it, int32_t rank, const int32_t *dims,
                    const int32_t *s0, const int32_t *s1, const int32_t *s2)
{
    int32_t d;
    it->rank = rank;
    it->dims = dims;
    it->st[0] = s0;
    it->st[1] = s1;
    it->st[2] = s2;
    it->off[0] = it->off[1] = it->off[2] = 0;
    it->inner = rank > 0 ? dims[rank - 1] : 1;
    it->rows = 1;
    for (d = 0; d + 1 < rank; d++) {
        it->rows *= dims[d];
        it->idx[d] = 0;
    }
    if (it->inner <= 0) it->rows = 0;
}

static void bc_next(bcast *it)
{
    int32_t d, k;
    for (d = it->rank - 2; d >= 0; d--) {
        for (k = 0; k < 3; k++)
            if (it->st[k]) it->off[k] += it->st[k][d];
        if (++it->idx[d] < it->dims[d]) return;
        for (k = 0; k < 3; k++)
            if (it->st[k]) it->off[k] -= it->st[k][d] * it->dims[d];
        it->idx[d] = 0;
    }
}

/* A row loop over n elements: contiguous fast path, else strided. */
#define ROW2(T, LD, ST, EXPR) \
    do { \
        if (sa == 1 && sb == 1) { \
            for (i = 0; i < n; i++) { T A = LD(a[i]); T B = LD(b[i]); (void)B; y[i] = ST(EXPR); } \
        } else { \
            for (i = 0; i < n; i++) { T A = LD(a[i * sa]); T B = LD(b[i * sb]); (void)B; y[i] = ST(EXPR); } \
        } \
    } while (0)

#define DEF_BCAST_BINARY(NAME, TY, TA, TB, ROWFN) \
    void NAME(TY *y, const TA *a, const TB *b, int32_t op, int32_t rank, \
              const int32_t *dims, const int32_t *a_strides, const int32_t *b_strides) \
    { \
        bcast it; \
        int32_t r; \
        bc_init(&it, rank, dims, a_strides, b_strides, 0); \
        for (r = 0; r < it.rows; r++) { \
            ROWFN(y + r * it.inner, a + it.off[0], b + it.off[1], op, it.inner, \
                  a_strides[rank - 1], b_strides[rank - 1]); \
            bc_next(&it); \
        } \
    }

/* ---- float kernels (CT: compute type, M: libm suffix, f or empty) --------- */
#define DEF_FLOAT(sfx, T, CT, M) \
    static inline CT round_even_##sfx(CT v) \
    { \
        CT r = floor##M(v), d = v - r; \
        if (d > (CT)0.5 || (d == (CT)0.5 && fmod##M(r, (CT)2) != 0)) r += 1; \
        return r; \
    } \
    void ec_unary_##sfx(T *y, const T *x, int32_t op, int32_t n, float alpha, float beta) \
    { \
        int32_t i; \
        CT al = (CT)alpha, be = (CT)beta; \
        switch (op) { \
        case EC_UN_ABS: UMAP(fabs##M(v)); break; \
        case EC_UN_NEG: UMAP(-v); break; \
        case EC_UN_SIGN: UMAP(v > 0 ? (CT)1 : v < 0 ? (CT)-1 : v); break; \
        case EC_UN_RELU: UMAP(v < 0 ? (CT)0 : v); break; \
        case EC_UN_RECIPROCAL: UMAP((CT)1 / v); break; \
        case EC_UN_FLOOR: UMAP(floor##M(v)); break; \
        case EC_UN_CEIL: UMAP(ceil##M(v)); break; \
        case EC_UN_ROUND: UMAP(round_even_##sfx(v)); break; \
        case EC_UN_LEAKY_RELU: UMAP(v < 0 ? al * v : v); break; \
        case EC_UN_HARD_SIGMOID: \
            UMAP(fmax##M((CT)0, fmin##M((CT)1, al * v + be))); break; \
        case EC_UN_HARD_SWISH: \
            UMAP(v * fmax##M((CT)0, fmin##M((CT)1, v / (CT)6 + (CT)0.5))); break; \
        case EC_UN_SOFTSIGN: UMAP(v / ((CT)1 + fabs##M(v))); break; \
        case EC_UN_THRESHOLDED_RELU: UMAP(v > al ? v : (CT)0); break; \
        case EC_UN_SHRINK: UMAP(v < -al ? v + be : v > al ? v - be : (CT)0); break; \
        case EC_UN_CLIP: UMAP(v < al ? al : v > be ? be : v); break; \
        case EC_UN_DIV_SCALAR: UMAP(v / al); break; \
        default: UMAP(v); break; \
        } \
    } \
    void ec_unary_exp_##sfx(T *y, const T *x, int32_t op, int32_t n, float alpha, float beta) \
    { \
        int32_t i; \
        CT al = (CT)alpha, be = (CT)beta; \
        switch (op) { \
        case EC_UN_SQRT: UMAP(sqrt##M(v)); break; \
        case EC_UN_EXP: UMAP(exp##M(v)); break; \
        case EC_UN_LOG: UMAP(log##M(v)); break; \
        case EC_UN_SIGMOID: \
            UMAP(v >= 0 ? (CT)1 / ((CT)1 + exp##M(-v)) : exp##M(v) / ((CT)1 + exp##M(v))); break; \
        case EC_UN_TANH: UMAP(tanh##M(v)); break; \
        case EC_UN_ELU: UMAP(v < 0 ? al * expm1##M(v) : v); break; \
        case EC_UN_SELU: UMAP(v <= 0 ? be * (al * exp##M(v) - al) : be * v); break; \
        case EC_UN_CELU: \
            UMAP((v > 0 ? v : (CT)0) + (v < 0 ? al * expm1##M(v / al) : (CT)0)); break; \
        case EC_UN_SOFTPLUS: \
            UMAP(v > 0 ? v + log1p##M(exp##M(-v)) : log1p##M(exp##M(v))); break; \
        default: UMAP(v); break; \
        } \
    } \
    void ec_unary_trig_##sfx(T *y, const T *x, int32_t op, int32_t n, float alpha, float beta) \
    { \
        int32_t i; \
        (void)alpha; \
        (void)beta; \
        switch (op) { \
        case EC_UN_SIN: UMAP(sin##M(v)); break; \
        case EC_UN_COS: UMAP(cos##M(v)); break; \
        case EC_UN_TAN: UMAP(tan##M(v)); break; \
        case EC_UN_ASIN: UMAP(asin##M(v)); break; \
        case EC_UN_ACOS: UMAP(acos##M(v)); break; \
        case EC_UN_ATAN: UMAP(atan##M(v)); break; \
        case EC_UN_SINH: UMAP(sinh##M(v)); break; \
        case EC_UN_COSH: UMAP(cosh##M(v)); break; \
        case EC_UN_ASINH: UMAP(asinh##M(v)); break; \
        case EC_UN_ACOSH: UMAP(acosh##M(v)); break; \
        case EC_UN_ATANH: UMAP(atanh##M(v)); break; \
        case EC_UN_ERF: UMAP(erf##M(v)); break; \
        default: UMAP(v); break; \
        } \
    } \
    static void row_bin_##sfx(T *y, const T *a, const T *b, int32_t op, int32_t n, \
                              int32_t sa, int32_t sb) \
    { \
        int32_t i; \
        switch (op) { \
        case EC_BIN_ADD: ROW2(CT, ld_##sfx, st_##sfx, A + B); break; \
        case EC_BIN_SUB: ROW2(CT, ld_##sfx, st_##sfx, A - B); break; \
        case EC_BIN_MUL: ROW2(CT, ld_##sfx, st_##sfx, A * B); break; \
        case EC_BIN_DIV: ROW2(CT, ld_##sfx, st_##sfx, A / B); break; \
        case EC_BIN_MOD: ROW2(CT, ld_##sfx, st_##sfx, pymod_##sfx(A, B)); break; \
        case EC_BIN_FMOD: ROW2(CT, ld_##sfx, st_##sfx, fmod##M(A, B)); break; \
        case EC_BIN_MAX: ROW2(CT, ld_##sfx, st_##sfx, (A != A || A > B) ? A : B); break; \
        case EC_BIN_MIN: ROW2(CT, ld_##sfx, st_##sfx, (A != A || A < B) ? A : B); break; \
        case EC_BIN_PRELU: ROW2(CT, ld_##sfx, st_##sfx, A < 0 ? A * B : A); break; \
        default: ROW2(CT, ld_##sfx, st_##sfx, A); break; \
        } \
    } \
    DEF_BCAST_BINARY(ec_binary_##sfx, T, T, T, row_bin_##sfx) \
    static void row_pow_##sfx(T *y, const T *a, const void *b, int32_t b_dtype, int32_t n, \
                              int32_t sa, int32_t sb, int32_t boff) \
    { \
        int32_t i; \
        for (i = 0; i < n; i++) \
            y[i] = st_##sfx(pow##M(ld_##sfx(a[i * sa]), (CT)ld_any_f64(b, b_dtype, boff + i * sb))); \
    } \
    void ec_pow_##sfx(T *y, const T *a, const void *b, int32_t b_dtype, int32_t rank, \
                      const int32_t *dims, const int32_t *a_strides, const int32_t *b_strides) \
    { \
        bcast it; \
        int32_t r; \
        bc_init(&it, rank, dims, a_strides, b_strides, 0); \
        for (r = 0; r < it.rows; r++) { \
            row_pow_##sfx(y + r * it.inner, a + it.off[0], b, b_dtype, it.inner, \
                          a_strides[rank - 1], b_strides[rank - 1], it.off[1]); \
            bc_next(&it); \
        } \
    } \
    void ec_fclass_##sfx(bool *y, const T *x, int32_t op, int32_t n) \
    { \
        int32_t i; \
        for (i = 0; i < n; i++) { \
            CT v = ld_##sfx(x[i]); \
            switch (op) { \
            case EC_FC_ISNAN: y[i] = v != v; break; \
            case EC_FC_ISINF: y[i] = v == (CT)INFINITY || v == -(CT)INFINITY; break; \
            case EC_FC_ISPOSINF: y[i] = v == (CT)INFINITY; break; \
            case EC_FC_ISNEGINF: y[i] = v == -(CT)INFINITY; break; \
            default: y[i] = 0; break; \
            } \
        } \
    }

/* y[i] = EXPR(v) with v = x[i] in the compute type */
#define UMAP(EXPR) \
    do { for (i = 0; i < n; i++) { CT v = LDX(x[i]); y[i] = STY(EXPR); } } while (0)

/* Python-style float modulo: the result takes the divisor's sign. */
#define DEF_PYMOD(sfx, CT, M) \
    static inline CT pymod_##sfx(CT a, CT b) \
    { \
        CT r = fmod##M(a, b); \
        if (r != 0 && ((r < 0) != (b < 0))) r += b; \
        return r; \
    }
DEF_PYMOD(f32, float, f)
DEF_PYMOD(f64, double, )
DEF_PYMOD(f16, float, f)
DEF_PYMOD(bf16, float, f)

#define CT float
#define LDX ld_f32
#define STY st_f32
DEF_FLOAT(f32, float, float, f)
#undef LDX
#undef STY
#define LDX ld_f16
#define STY st_f16
DEF_FLOAT(f16, uint16_t, float, f)
#undef LDX
#undef STY
#define LDX ld_bf16
#define STY st_bf16
DEF_FLOAT(bf16, uint16_t, float, f)
#undef LDX
#undef STY
#undef CT
#define CT double
#define LDX ld_f64
#define STY st_f64
DEF_FLOAT(f64, double, double, )
#undef LDX
#undef STY
#undef CT

/* ---- integer kernels ---------------------------------------------------------
 * MT: unsigned type at least as wide as T and unsigned int (no promotion to
 * signed int), used for wrapping arithmetic. SG: 1 for signed types. */
#define ISNEG(v) ((v) < 1 && (v) != 0)
#define IMAP(EXPR) do { for (i = 0; i < n; i++) y[i] = (EXPR); } while (0)

/* The scalar path of the other ec_unary ops applied to integers. */
static double unary_f64_scalar(int32_t op, double v, double al, double be)
{
    double y;
    ec_unary_f64(&y, &v, op, 1, (float)al, (float)be);
    return y;
}

#define DEF_INT(sfx, T, MT, SG, FROM_D) \
    void ec_unary_##sfx(T *y, const T *x, int32_t op, int32_t n, float alpha, float beta) \
    { \
        int32_t i; \
        switch (op) { \
        case EC_UN_IDENTITY: IMAP(x[i]); break; \
        case EC_UN_ABS: IMAP(ISNEG(x[i]) ? (T)((MT)0 - (MT)x[i]) : x[i]); break; \
        case EC_UN_NEG: IMAP((T)((MT)0 - (MT)x[i])); break; \
        case EC_UN_SIGN: IMAP((T)(ISNEG(x[i]) ? -1 : x[i] != 0 ? 1 : 0)); break; \
        case EC_UN_RELU: IMAP(ISNEG(x[i]) ? (T)0 : x[i]); break; \
        default: \
            for (i = 0; i < n; i++) y[i] = (T)FROM_D(unary_f64_scalar(op, (double)x[i], alpha, beta)); \
            break; \
        } \
    } \
    static inline T pymod_##sfx(T a, T b) \
    { \
        T r; \
        if (b == 0) return 0; \
        if (SG && b == (T)-1) return 0; \
        r = (T)(a % b); \
        if (r != 0 && ISNEG(r) != ISNEG(b)) r = (T)((MT)r + (MT)b); \
        return r; \
    } \
    static inline T div_##sfx(T a, T b) \
    { \
        if (b == 0) return 0; \
        if (SG && b == (T)-1) return (T)((MT)0 - (MT)a); \
        return (T)(a / b); \
    } \
    static inline T fmod_##sfx(T a, T b) \
    { \
        if (b == 0 || (SG && b == (T)-1)) return 0; \
        return (T)(a % b); \
    } \
    static inline T shl_##sfx(T a, T b) \
    { \
        if (ISNEG(b) || (uint64_t)b >= sizeof(T) * 8) return 0; \
        return (T)((MT)a << b); \
    } \
    static inline T shr_##sfx(T a, T b) \
    { \
        if (ISNEG(b) || (uint64_t)b >= sizeof(T) * 8) return 0; \
        return (T)((MT)(a) >> b); \
    } \
    static void row_bin_##sfx(T *y, const T *a, const T *b, int32_t op, int32_t n, \
                              int32_t sa, int32_t sb) \
    { \
        int32_t i; \
        switch (op) { \
        case EC_BIN_ADD: ROW2(T, , (T), (MT)A + (MT)B); break; \
        case EC_BIN_SUB: ROW2(T, , (T), (MT)A - (MT)B); break; \
        case EC_BIN_MUL: ROW2(T, , (T), (MT)A * (MT)B); break; \
        case EC_BIN_DIV: ROW2(T, , , div_##sfx(A, B)); break; \
        case EC_BIN_MOD: ROW2(T, , , pymod_##sfx(A, B)); break; \
        case EC_BIN_FMOD: ROW2(T, , , fmod_##sfx(A, B)); break; \
        case EC_BIN_MAX: ROW2(T, , , A > B ? A : B); break; \
        case EC_BIN_MIN: ROW2(T, , , A < B ? A : B); break; \
        case EC_BIN_PRELU: ROW2(T, , (T), ISNEG(A) ? (MT)A * (MT)B : (MT)A); break; \
        case EC_BIN_AND: ROW2(T, , (T), A & B); break; \
        case EC_BIN_OR: ROW2(T, , (T), A | B); break; \
        case EC_BIN_XOR: ROW2(T, , (T), A ^ B); break; \
        case EC_BIN_SHL: ROW2(T, , , shl_##sfx(A, B)); break; \
        case EC_BIN_SHR: ROW2(T, , , shr_##sfx(A, B)); break; \
        default: ROW2(T, , , A); break; \
        } \
    } \
    DEF_BCAST_BINARY(ec_binary_##sfx, T, T, T, row_bin_##sfx)

/* Integer power by squaring, wrapping; negative exponents give 1/a^-e
 * truncated (0 unless |a| == 1). */
#define DEF_IPOW(sfx, T, MT) \
    static T ipow_##sfx(T a, int64_t e) \
    { \
        MT r = 1, base = (MT)a; \
        if (e < 0) { \
            if (a == 1) return 1; \
            if (a == -1) return (e & 1) ? (T)-1 : (T)1; \
            return 0; \
        } \
        while (e > 0) { \
            if (e & 1) r *= base; \
            base *= base; \
            e >>= 1; \
        } \
        return (T)r; \
    } \
    static void row_pow_##sfx(T *y, const T *a, const void *b, int32_t b_dtype, int32_t n, \
                              int32_t sa, int32_t sb, int32_t boff) \
    { \
        int32_t i; \
        if (dt_is_float(b_dtype)) { \
            for (i = 0; i < n; i++) \
                y[i] = (T)d2s64(pow((double)a[i * sa], ld_any_f64(b, b_dtype, boff + i * sb))); \
        } else { \
            for (i = 0; i < n; i++) \
                y[i] = ipow_##sfx(a[i * sa], ld_any_s64(b, b_dtype, boff + i * sb)); \
        } \
    } \
    void ec_pow_##sfx(T *y, const T *a, const void *b, int32_t b_dtype, int32_t rank, \
                      const int32_t *dims, const int32_t *a_strides, const int32_t *b_strides) \
    { \
        bcast it; \
        int32_t r; \
        bc_init(&it, rank, dims, a_strides, b_strides, 0); \
        for (r = 0; r < it.rows; r++) { \
            row_pow_##sfx(y + r * it.inner, a + it.off[0], b, b_dtype, it.inner, \
                          a_strides[rank - 1], b_strides[rank - 1], it.off[1]); \
            bc_next(&it); \
        } \
    }

#define FROM_D_S(v) d2s64(v)
#define FROM_D_U(v) d2u64(v)
DEF_INT(s8, int8_t, uint32_t, 1, FROM_D_S)
DEF_INT(u8, uint8_t, uint32_t, 0, FROM_D_S)
DEF_INT(s16, int16_t, uint32_t, 1, FROM_D_S)
DEF_INT(u16, uint16_t, uint32_t, 0, FROM_D_S)
DEF_INT(s32, int32_t, uint32_t, 1, FROM_D_S)
DEF_INT(u32, uint32_t, uint32_t, 0, FROM_D_S)
DEF_INT(s64, int64_t, uint64_t, 1, FROM_D_S)
DEF_INT(u64, uint64_t, uint64_t, 0, FROM_D_U)
DEF_IPOW(s32, int32_t, uint32_t)
DEF_IPOW(s64, int64_t, uint64_t)

/* ---- bool --------------------------------------------------------------- */
void ec_unary_b(bool *y, const bool *x, int32_t op, int32_t n, float alpha, float beta)
{
    int32_t i;
    (void)alpha;
    (void)beta;
    if (op == EC_UN_NOT) {
        for (i = 0; i < n; i++) y[i] = !x[i];
    } else {
        for (i = 0; i < n; i++) y[i] = x[i];
    }
}

static void row_bin_b(bool *y, const bool *a, const bool *b, int32_t op, int32_t n,
                      int32_t sa, int32_t sb)
{
    int32_t i;
    switch (op) {
    case EC_BIN_AND: case EC_BIN_MIN: case EC_BIN_MUL: ROW2(bool, , , A && B); break;
    case EC_BIN_OR: case EC_BIN_MAX: case EC_BIN_ADD: ROW2(bool, , , A || B); break;
    case EC_BIN_XOR: case EC_BIN_SUB: ROW2(bool, , , A != B); break;
    default: ROW2(bool, , , A); break;
    }
}
DEF_BCAST_BINARY(ec_binary_b, bool, bool, bool, row_bin_b)

/* ---- comparisons, clip: every type -------------------------------------- */
#define DEF_CMP_CLIP(sfx, T, CT) \
    static void row_cmp_##sfx(bool *y, const T *a, const T *b, int32_t op, int32_t n, \
                              int32_t sa, int32_t sb) \
    { \
        int32_t i; \
        switch (op) { \
        case EC_CMP_EQ: ROW2(CT, ld_##sfx, , A == B); break; \
        case EC_CMP_LT: ROW2(CT, ld_##sfx, , A < B); break; \
        case EC_CMP_GT: ROW2(CT, ld_##sfx, , A > B); break; \
        case EC_CMP_LE: ROW2(CT, ld_##sfx, , A <= B); break; \
        default: ROW2(CT, ld_##sfx, , A >= B); break; \
        } \
    } \
    DEF_BCAST_BINARY(ec_compare_##sfx, bool, T, T, row_cmp_##sfx)
#define DEF_CLIP(sfx, T, CT) \
    void ec_clip_##sfx(T *y, const T *x, const T *lo, const T *hi, int32_t n) \
    { \
        int32_t i; \
        CT l = lo ? ld_##sfx(*lo) : 0, h = hi ? ld_##sfx(*hi) : 0; \
        for (i = 0; i < n; i++) { \
            CT v = ld_##sfx(x[i]); \
            if (lo && v < l) v = l; \
            if (hi && v > h) v = h; \
            y[i] = st_##sfx(v); \
        } \
    }
#define DEF_CMP_CLIP_BOTH(sfx, T, CT) DEF_CMP_CLIP(sfx, T, CT) DEF_CLIP(sfx, T, CT)
DEF_CMP_CLIP_BOTH(f32, float, float)
DEF_CMP_CLIP_BOTH(f64, double, double)
DEF_CMP_CLIP_BOTH(f16, uint16_t, float)
DEF_CMP_CLIP_BOTH(bf16, uint16_t, float)
DEF_CMP_CLIP_BOTH(s8, int8_t, int8_t)
DEF_CMP_CLIP_BOTH(u8, uint8_t, uint8_t)
DEF_CMP_CLIP_BOTH(s16, int16_t, int16_t)
DEF_CMP_CLIP_BOTH(u16, uint16_t, uint16_t)
DEF_CMP_CLIP_BOTH(s32, int32_t, int32_t)
DEF_CMP_CLIP_BOTH(u32, uint32_t, uint32_t)
DEF_CMP_CLIP_BOTH(s64, int64_t, int64_t)
DEF_CMP_CLIP_BOTH(u64, uint64_t, uint64_t)
DEF_CMP_CLIP(b, bool, bool)

/* ---- Cast ------------------------------------------------------------------
 * FD: from double (float sources), FS: from int64, FU: from uint64. */
#define CAST_LOOP(ST, CONV, LD) \
    do { const ST *p = (const ST *)x; for (i = 0; i < n; i++) y[i] = CONV(LD(p[i])); } while (0)
#define LD_D(v) ((double)(v))
#define LD_S(v) ((int64_t)(v))
#define LD_U(v) ((uint64_t)(v))
#define LD_H(v) ((double)ec_f16_to_f32(v))
#define LD_BH(v) ((double)ec_bf16_to_f32(v))
#define DEF_CAST(sfx, T, FD, FS, FU) \
    void ec_cast_##sfx(T *y, const void *x, int32_t x_dtype, int32_t n) \
    { \
        int32_t i; \
        switch (x_dtype) { \
        case EC_DT_FLOAT: CAST_LOOP(float, FD, LD_D); break; \
        case EC_DT_DOUBLE: CAST_LOOP(double, FD, LD_D); break; \
        case EC_DT_FLOAT16: CAST_LOOP(uint16_t, FD, LD_H); break; \
        case EC_DT_BFLOAT16: CAST_LOOP(uint16_t, FD, LD_BH); break; \
        case EC_DT_INT8: CAST_LOOP(int8_t, FS, LD_S); break; \
        case EC_DT_INT16: CAST_LOOP(int16_t, FS, LD_S); break; \
        case EC_DT_INT32: CAST_LOOP(int32_t, FS, LD_S); break; \
        case EC_DT_INT64: CAST_LOOP(int64_t, FS, LD_S); break; \
        case EC_DT_UINT8: CAST_LOOP(uint8_t, FU, LD_U); break; \
        case EC_DT_UINT16: CAST_LOOP(uint16_t, FU, LD_U); break; \
        case EC_DT_UINT32: CAST_LOOP(uint32_t, FU, LD_U); break; \
        case EC_DT_UINT64: CAST_LOOP(uint64_t, FU, LD_U); break; \
        case EC_DT_BOOL: CAST_LOOP(bool, FU, LD_U); break; \
        default: break; \
        } \
    }
#define C_F32(v) ((float)(v))
#define C_F64(v) ((double)(v))
#define C_F16(v) ec_f32_to_f16((float)(v))
#define C_BF16(v) bf16_trunc((float)(v))
#define C_BOOL(v) ((v) != 0)
#define C_S8D(v) ((int8_t)d2s64(v))
#define C_U8D(v) ((uint8_t)d2s64(v))
#define C_S16D(v) ((int16_t)d2s64(v))
#define C_U16D(v) ((uint16_t)d2s64(v))
#define C_S32D(v) ((int32_t)d2s64(v))
#define C_U32D(v) ((uint32_t)d2s64(v))
#define C_S64D(v) d2s64(v)
#define C_U64D(v) d2u64(v)
#define C_S8(v) ((int8_t)(v))
#define C_U8(v) ((uint8_t)(v))
#define C_S16(v) ((int16_t)(v))
#define C_U16(v) ((uint16_t)(v))
#define C_S32(v) ((int32_t)(v))
#define C_U32(v) ((uint32_t)(v))
#define C_S64(v) ((int64_t)(v))
#define C_U64(v) ((uint64_t)(v))
DEF_CAST(f32, float, C_F32, C_F32, C_F32)
DEF_CAST(f64, double, C_F64, C_F64, C_F64)
DEF_CAST(f16, uint16_t, C_F16, C_F16, C_F16)
DEF_CAST(bf16, uint16_t, C_BF16, C_BF16, C_BF16)
DEF_CAST(s8, int8_t, C_S8D, C_S8, C_S8)
DEF_CAST(u8, uint8_t, C_U8D, C_U8, C_U8)
DEF_CAST(s16, int16_t, C_S16D, C_S16, C_S16)
DEF_CAST(u16, uint16_t, C_U16D, C_U16, C_U16)
DEF_CAST(s32, int32_t, C_S32D, C_S32, C_S32)
DEF_CAST(u32, uint32_t, C_U32D, C_U32, C_U32)
DEF_CAST(s64, int64_t, C_S64D, C_S64, C_S64)
DEF_CAST(u64, uint64_t, C_U64D, C_U64, C_U64)
DEF_CAST(b, bool, C_BOOL, C_BOOL, C_BOOL)

/* ---- Where ------------------------------------------------------------------ */
/* COND(k): the condition at element offset k of c */
#define WHERE_ROWS(UT, COND) \
    do { \
        UT *py = (UT *)y; \
        const UT *pa = (const UT *)a, *pb = (const UT *)b; \
        for (r = 0; r < it.rows; r++) { \
            const int32_t oc = it.off[0]; \
            const UT *qa = pa + it.off[1], *qb = pb + it.off[2]; \
            for (i = 0; i < it.inner; i++) \
                py[i] = COND(oc + i * sc) ? qa[i * sa] : qb[i * sb]; \
            py += it.inner; \
            bc_next(&it); \
        } \
    } while (0)
#define WHERE_BOOL(k) c[k]
#define WHERE_BIT(k) ((cb[(k) >> 3] >> ((k) & 7)) & 1u)

/* ec_where (condition C of type CT, one bool per element) and ec_where_cbits (one bit per
 * element): the same body, COND reading the condition */
#define DEF_WHERE(NAME, CT, C, COND) \
    void NAME(void *y, const CT *C, const void *a, const void *b, int32_t elem_size, int32_t rank, \
              const int32_t *dims, const int32_t *c_strides, const int32_t *a_strides, \
              const int32_t *b_strides) \
    { \
        bcast it; \
        int32_t r, i; \
        int32_t sc = c_strides[rank - 1], sa = a_strides[rank - 1], sb = b_strides[rank - 1]; \
        bc_init(&it, rank, dims, c_strides, a_strides, b_strides); \
        switch (elem_size) { \
        case 1: WHERE_ROWS(uint8_t, COND); break; \
        case 2: WHERE_ROWS(uint16_t, COND); break; \
        case 4: WHERE_ROWS(uint32_t, COND); break; \
        default: WHERE_ROWS(uint64_t, COND); break; \
        } \
    }
DEF_WHERE(ec_where, bool, c, WHERE_BOOL)
DEF_WHERE(ec_where_cbits, uint8_t, cb, WHERE_BIT)
