/* ec_gemm.c - generic kernel(s) declared in ec_nn.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_nn_util.h"


/* ---- matrix products ----------------------------------------------------- */
/* y = alpha * A' B' + beta * C. Loop order i-k-j (rows of B streamed) unless B
 * is transposed, then i-j-k (dot products of contiguous rows). */
#define EC_GEMM(T, SUF) \
static void axpy_##SUF##_row(T *restrict y, const T *restrict x, T a, int32_t n) \
{ \
    int32_t i; \
    for (i = 0; i < n; i++) y[i] += a * x[i]; \
} \
\
static T dot_##SUF(const T *restrict a, const T *restrict b, int32_t n) \
{ \
    T s = 0; \
    int32_t i; \
    for (i = 0; i < n; i++) s += a[i] * b[i]; \
    return s; \
} \
\
static void gemm_##SUF(T *y, const T *a, const T *b, const T *c, int32_t M, int32_t N, \
                       int32_t K, int32_t ta, int32_t tb, T alpha, T beta, int32_t csm, \
                       int32_t csn) \
{ \
    int32_t i, j, k; \
    for (i = 0; i < M; i++) { \
        T *yr = y + (size_t)i * (size_t)N; \
        if (c) { \
            for (j = 0; j < N; j++) yr[j] = beta * c[(size_t)i * (size_t)csm + (size_t)j * (size_t)csn]; \
        } else { \
            for (j = 0; j < N; j++) yr[j] = 0; \
        } \
        if (!tb) { \
            for (k = 0; k < K; k++) { \
                const T aik = alpha * (ta ? a[(size_t)k * (size_t)M + (size_t)i] \
                                          : a[(size_t)i * (size_t)K + (size_t)k]); \
                axpy_##SUF##_row(yr, b + (size_t)k * (size_t)N, aik, N); \
            } \
        } else { \
            for (j = 0; j < N; j++) { \
                const T *br = b + (size_t)j * (size_t)K; \
                T s = 0; \
                if (ta) { \
                    for (k = 0; k < K; k++) s += a[(size_t)k * (size_t)M + (size_t)i] * br[k]; \
                } else { \
                    s = dot_##SUF(a + (size_t)i * (size_t)K, br, K); \
                } \
                yr[j] += alpha * s; \
            } \
        } \
    } \
} \
\
void ec_gemm_##SUF(T *y, const T *a, const T *b, const T *c, int32_t M, int32_t N, int32_t K, \
                   int32_t trans_a, int32_t trans_b, float alpha, float beta, int32_t c_sm, \
                   int32_t c_sn) \
{ \
    gemm_##SUF(y, a, b, c, M, N, K, trans_a, trans_b, (T)alpha, (T)beta, c_sm, c_sn); \
} \
\
void ec_matmul_##SUF(T *y, const T *a, const T *b, int32_t M, int32_t N, int32_t K, \
                     int32_t r, const int32_t *p) \
{ \
    const int32_t *dims = p, *sa = p + r, *sb = p + 2 * r; \
    int32_t pos[EC_MAX_RANK]; \
    int32_t nb = ec_prod(dims, r), q, i; \
    for (i = 0; i < r; i++) pos[i] = 0; \
    for (q = 0; q < nb; q++) { \
        size_t oa = 0, ob = 0; \
        for (i = 0; i < r; i++) { \
            oa += (size_t)pos[i] * (size_t)sa[i]; \
            ob += (size_t)pos[i] * (size_t)sb[i]; \
        } \
        gemm_##SUF(y + (size_t)q * (size_t)M * (size_t)N, a + oa, b + ob, 0, M, N, K, 0, 0, \
                   1, 0, 0, 0); \
        ec_next_pos(pos, dims, r); \
    } \
}

EC_GEMM(float, f32)

EC_GEMM(double, f64)
