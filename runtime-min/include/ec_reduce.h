/* ec_reduce.h - runtime-min kernels of the reduce family: Reduce*, ArgMax/ArgMin,
 * Softmax/LogSoftmax/Hardmax, CumSum, TopK, NegativeLogLikelihoodLoss and
 * SoftmaxCrossEntropyLoss.
 *
 * Most kernels see their tensor as (outer, n, inner): `n` is the extent of the
 * axis the op works along, `outer` the product of the dims before it and
 * `inner` the product of the dims after it (element (o, j, i) is at
 * (o * n + j) * inner + i). The compiler checked every shape; kernels never fail.
 *
 * Dtype suffixes: f32 f64 s8 u8 s16 u16 s32 u32 s64 u64, as listed per kernel.
 */
#ifndef EC_REDUCE_H
#define EC_REDUCE_H

#include "ec_rt.h"

/* ---- Reduce* --------------------------------------------------------------- */
/* The `op` of ec_reduce_*. */
enum {
    EC_REDUCE_SUM = 0,
    EC_REDUCE_MEAN = 1,
    EC_REDUCE_MAX = 2,
    EC_REDUCE_MIN = 3,
    EC_REDUCE_PROD = 4,
    EC_REDUCE_L1 = 5,           /* sum |x| */
    EC_REDUCE_L2 = 6,           /* sqrt(sum x^2) */
    EC_REDUCE_LOGSUM = 7,       /* log(sum x) */
    EC_REDUCE_LOGSUMEXP = 8,    /* log(sum exp x), computed as max + log(sum exp(x - max)) */
    EC_REDUCE_SUMSQUARE = 9     /* sum x^2 */
};

/* x is dims[0..rank), 1 <= rank <= EC_MAX_RANK; the axes k with reduced[k] != 0
 * are reduced, y holds the other dims in order (the keepdims 1s do not change
 * the layout). Reducing an empty set gives the identity: 0 for sums, 1 for
 * products, -inf/+inf (or the dtype's limits) for max/min, NaN (float) or 0
 * (integer) for the mean. Float dtypes accumulate in double; integer sums and
 * products wrap; integer results of L2/LogSum/LogSumExp are truncated and
 * saturated. Total element count fits int32. */
#define EC_REDUCE_DECL(SUF, T) \
    void ec_reduce_##SUF(T *y, const T *x, int32_t op, int32_t rank, \
                         const int32_t *dims, const int32_t *reduced);
EC_REDUCE_DECL(f32, float)
EC_REDUCE_DECL(f64, double)
EC_REDUCE_DECL(s8, int8_t)
EC_REDUCE_DECL(u8, uint8_t)
EC_REDUCE_DECL(s16, int16_t)
EC_REDUCE_DECL(u16, uint16_t)
EC_REDUCE_DECL(s32, int32_t)
EC_REDUCE_DECL(u32, uint32_t)
EC_REDUCE_DECL(s64, int64_t)
EC_REDUCE_DECL(u64, uint64_t)
#undef EC_REDUCE_DECL

/* ---- ArgMax / ArgMin ------------------------------------------------------- */
/* x is (outer, n, inner), n >= 1; y is (outer, inner): the index along n of the
 * largest (ec_argmax) or smallest (ec_argmin) element; among equal elements the
 * first, or the last when select_last != 0. */
#define EC_ARG_DECL(SUF, T) \
    void ec_argmax_##SUF(int64_t *y, const T *x, int32_t select_last, \
                         int32_t outer, int32_t n, int32_t inner); \
    void ec_argmin_##SUF(int64_t *y, const T *x, int32_t select_last, \
                         int32_t outer, int32_t n, int32_t inner);
EC_ARG_DECL(f32, float)
EC_ARG_DECL(f64, double)
EC_ARG_DECL(s8, int8_t)
EC_ARG_DECL(u8, uint8_t)
EC_ARG_DECL(s16, int16_t)
EC_ARG_DECL(u16, uint16_t)
EC_ARG_DECL(s32, int32_t)
EC_ARG_DECL(u32, uint32_t)
EC_ARG_DECL(s64, int64_t)
EC_ARG_DECL(u64, uint64_t)
#undef EC_ARG_DECL

/* ---- Softmax / LogSoftmax / Hardmax ---------------------------------------- */
/* x and y are (outer, n, inner); each op works along n:
 *   softmax    y = exp(x - max) / sum exp(x - max)
 *   logsoftmax y = x - max - log(sum exp(x - max))
 *   hardmax    y = 1 at the first largest element, 0 elsewhere
 * y may be x (in place). */
#define EC_SOFTMAX_DECL(SUF, T) \
    void ec_softmax_##SUF(T *y, const T *x, int32_t outer, int32_t n, int32_t inner); \
    void ec_logsoftmax_##SUF(T *y, const T *x, int32_t outer, int32_t n, int32_t inner); \
    void ec_hardmax_##SUF(T *y, const T *x, int32_t outer, int32_t n, int32_t inner);
EC_SOFTMAX_DECL(f32, float)
EC_SOFTMAX_DECL(f64, double)
#undef EC_SOFTMAX_DECL

/* ---- CumSum ----------------------------------------------------------------- */
/* x and y are (outer, n, inner); y is the running sum of x along n, from the
 * end when reverse != 0, leaving out the element itself when exclusive != 0.
 * Integer sums wrap. y may be x (in place). */
/* ec_cumsum_dyn_*: the same with the axis read at run time from a 1-element
 * int32 (axis_s64 == 0) or int64 tensor; x and y are dims[0..rank). An axis
 * outside [-rank, rank) leaves y = x. */
#define EC_CUMSUM_DECL(SUF, T) \
    void ec_cumsum_##SUF(T *y, const T *x, int32_t exclusive, int32_t reverse, \
                         int32_t outer, int32_t n, int32_t inner); \
    void ec_cumsum_dyn_##SUF(T *y, const T *x, const void *axis, int32_t axis_s64, \
                             int32_t exclusive, int32_t reverse, int32_t rank, \
                             const int32_t *dims);
EC_CUMSUM_DECL(f32, float)
EC_CUMSUM_DECL(f64, double)
EC_CUMSUM_DECL(s32, int32_t)
EC_CUMSUM_DECL(u32, uint32_t)
EC_CUMSUM_DECL(s64, int64_t)
EC_CUMSUM_DECL(u64, uint64_t)
#undef EC_CUMSUM_DECL

/* ---- TopK ------------------------------------------------------------------- */
/* x is (outer, n, inner); values and indices are (outer, k, inner), 0 <= k <= n:
 * the k largest (largest != 0) or smallest elements along n, best first, with
 * their indices along n; equal elements keep their order (lower index first).
 * O(n * k) per row, no scratch. */
#define EC_TOPK_DECL(SUF, T) \
    void ec_topk_##SUF(T *values, int64_t *indices, const T *x, int32_t largest, \
                       int32_t outer, int32_t n, int32_t inner, int32_t k);
EC_TOPK_DECL(f32, float)
EC_TOPK_DECL(f64, double)
EC_TOPK_DECL(s8, int8_t)
EC_TOPK_DECL(u8, uint8_t)
EC_TOPK_DECL(s16, int16_t)
EC_TOPK_DECL(u16, uint16_t)
EC_TOPK_DECL(s32, int32_t)
EC_TOPK_DECL(u32, uint32_t)
EC_TOPK_DECL(s64, int64_t)
EC_TOPK_DECL(u64, uint64_t)
#undef EC_TOPK_DECL

/* ---- NegativeLogLikelihoodLoss / SoftmaxCrossEntropyLoss -------------------- */
/* The `reduction` of the loss kernels. */
enum {
    EC_LOSS_NONE = 0,   /* y is (n, d) */
    EC_LOSS_SUM = 1,    /* y is a scalar: sum of the losses */
    EC_LOSS_MEAN = 2    /* y is a scalar: sum of the losses / sum of their weights */
};

/* x is (n, c, d) log-probabilities, target is (n, d) class indices, weight is
 * (c) or NULL (all 1). loss(i, j) = -x[i, t, j] * weight[t] with t = target[i, j];
 * a target equal to ignore_index (when has_ignore != 0), or outside [0, c),
 * gives loss 0 and weight 0. */
#define EC_NLL_DECL(SUF, T, TSUF, TI) \
    void ec_nllloss_##SUF##_##TSUF(T *y, const T *x, const TI *target, const T *weight, \
                                   int32_t reduction, int32_t has_ignore, int32_t ignore_index, \
                                   int32_t n, int32_t c, int32_t d);
/* x is (n, c, d) scores; as ec_nllloss on log_prob = logsoftmax(x) along c.
 * log_prob (n, c, d) is also written unless it is NULL. */
#define EC_SCE_DECL(SUF, T, TSUF, TI) \
    void ec_sce_loss_##SUF##_##TSUF(T *y, T *log_prob, const T *x, const TI *target, \
                                    const T *weight, int32_t reduction, int32_t has_ignore, \
                                    int32_t ignore_index, int32_t n, int32_t c, int32_t d);
EC_NLL_DECL(f32, float, s32, int32_t)
EC_NLL_DECL(f32, float, s64, int64_t)
EC_NLL_DECL(f64, double, s32, int32_t)
EC_NLL_DECL(f64, double, s64, int64_t)
EC_SCE_DECL(f32, float, s32, int32_t)
EC_SCE_DECL(f32, float, s64, int64_t)
EC_SCE_DECL(f64, double, s32, int32_t)
EC_SCE_DECL(f64, double, s64, int64_t)
#undef EC_NLL_DECL
#undef EC_SCE_DECL

#endif
