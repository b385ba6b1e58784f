/* ec_reduce.c - generic C99 kernels of the reduce family (see ec_reduce.h).
 *
 * Each kernel is written once as a macro over its element type and expanded
 * for every dtype the header lists. */
#include <math.h>
#include "ec_reduce.h"

/* ---- Reduce* --------------------------------------------------------------- */

/* The iteration space of a reduction: the kept and the reduced axes of x, each
 * with its extent and its stride in x (elements). */
typedef struct ec_red_space {
    int32_t nk, nr;
    int32_t kd[EC_MAX_RANK], ks[EC_MAX_RANK];
    int32_t rd[EC_MAX_RANK], rs[EC_MAX_RANK];
    int32_t nout, nred;
} ec_red_space;

static void ec_red_init(ec_red_space *s, int32_t rank, const int32_t *dims,
                        const int32_t *reduced)
{
    int32_t k, stride = 1, nk = 0, nr = 0;
    int32_t kd[EC_MAX_RANK], ks[EC_MAX_RANK], rd[EC_MAX_RANK], rs[EC_MAX_RANK];
    s->nout = 1;
    s->nred = 1;
    for (k = rank - 1; k >= 0; k--) {
        if (reduced[k]) {
            rd[nr] = dims[k]; rs[nr] = stride; nr++;
            s->nred *= dims[k];
        } else {
            kd[nk] = dims[k]; ks[nk] = stride; nk++;
            s->nout *= dims[k];
        }
        stride *= dims[k];
    }
    /* collected innermost first; store outermost first */
    s->nk = nk;
    s->nr = nr;
    for (k = 0; k < nk; k++) { s->kd[k] = kd[nk - 1 - k]; s->ks[k] = ks[nk - 1 - k]; }
    for (k = 0; k < nr; k++) { s->rd[k] = rd[nr - 1 - k]; s->rs[k] = rs[nr - 1 - k]; }
}

/* Advance the multi-index idx over extents d (strides st) by one element and
 * return the new offset (off is the offset of the current element). */
static int32_t ec_red_next(int32_t n, const int32_t *d, const int32_t *st, int32_t *idx,
                           int32_t off)
{
    int32_t a;
    for (a = n - 1; a >= 0; a--) {
        off += st[a];
        if (++idx[a] < d[a]) return off;
        off -= st[a] * d[a];
        idx[a] = 0;
    }
    return off;
}

static void ec_red_zero(int32_t *idx, int32_t n)
{
    int32_t a;
    for (a = 0; a < n; a++) idx[a] = 0;
}

/* Float dtypes: arithmetic in T itself (single-precision FPUs have no double),
 * with the math functions of T: EXP LOG SQRT FABS. */
#define EC_REDUCE_FLOAT(SUF, T, EXP, LOG, SQRT, FABS) \
void ec_reduce_##SUF(T *y, const T *x, int32_t op, int32_t rank, \
                     const int32_t *dims, const int32_t *reduced) \
{ \
    ec_red_space s; \
    int32_t kidx[EC_MAX_RANK], ridx[EC_MAX_RANK], o, r, base = 0; \
    ec_red_init(&s, rank, dims, reduced); \
    ec_red_zero(kidx, s.nk); \
    for (o = 0; o < s.nout; o++) { \
        T acc = 0, m = -(T)INFINITY; \
        int32_t off = base; \
        ec_red_zero(ridx, s.nr); \
        if (op == EC_REDUCE_MAX || op == EC_REDUCE_LOGSUMEXP) { \
            for (r = 0; r < s.nred; r++) { \
                T v = x[off]; \
                if (v > m || v != v) m = v; \
                if (m != m) break; \
                off = ec_red_next(s.nr, s.rd, s.rs, ridx, off); \
            } \
            acc = m; \
            if (op == EC_REDUCE_LOGSUMEXP && m > -(T)INFINITY && m < (T)INFINITY) { \
                T sum = 0; \
                off = base; \
                ec_red_zero(ridx, s.nr); \
                for (r = 0; r < s.nred; r++) { \
                    sum += EXP(x[off] - m); \
                    off = ec_red_next(s.nr, s.rd, s.rs, ridx, off); \
                } \
                acc = m + LOG(sum); \
            } \
        } else if (op == EC_REDUCE_MIN) { \
            acc = (T)INFINITY; \
            for (r = 0; r < s.nred; r++) { \
                T v = x[off]; \
                if (v < acc || v != v) acc = v; \
                if (acc != acc) break; \
                off = ec_red_next(s.nr, s.rd, s.rs, ridx, off); \
            } \
        } else if (op == EC_REDUCE_PROD) { \
            acc = 1; \
            for (r = 0; r < s.nred; r++) { \
                acc *= x[off]; \
                off = ec_red_next(s.nr, s.rd, s.rs, ridx, off); \
            } \
        } else { \
            for (r = 0; r < s.nred; r++) { \
                T v = x[off]; \
                if (op == EC_REDUCE_L1) v = FABS(v); \
                else if (op == EC_REDUCE_L2 || op == EC_REDUCE_SUMSQUARE) v = v * v; \
                acc += v; \
                off = ec_red_next(s.nr, s.rd, s.rs, ridx, off); \
            } \
            if (op == EC_REDUCE_MEAN) acc = s.nred ? acc / (T)s.nred : (T)NAN; \
            else if (op == EC_REDUCE_L2) acc = SQRT(acc); \
            else if (op == EC_REDUCE_LOGSUM) acc = LOG(acc); \
        } \
        y[o] = acc; \
        base = ec_red_next(s.nk, s.kd, s.ks, kidx, base); \
    } \
}

/* double -> int64 with truncation, saturating, NaN -> 0 (a plain cast of an
 * out-of-range double is undefined behaviour). */
static int64_t ec_red_sat_s64(double v)
{
    if (v != v) return 0;
    if (v >= 9223372036854775807.0) return INT64_MAX;
    if (v <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)v;
}

/* v < 0, spelled per signedness (unsigned: no comparison to warn about). */
#define EC_RED_NEG1(v) ((v) < 0)
#define EC_RED_NEG0(v) 0

/* Integer dtypes: sums and products wrap in uint64_t, then truncate to T;
 * max/min compare in T; L2, LogSum and LogSumExp go through double and are
 * clamped to [LO, HI]. SGN is 1 for signed T. */
#define EC_REDUCE_INT(SUF, T, SGN, LO, HI) \
static T ec_red_clamp_##SUF(double v) \
{ \
    if (SGN) { \
        int64_t i = ec_red_sat_s64(v); \
        return (T)(i < (int64_t)(LO) ? (int64_t)(LO) : i > (int64_t)(HI) ? (int64_t)(HI) : i); \
    } \
    if (v != v || v <= 0.0) return 0; \
    if (v >= (double)(HI)) return (T)(HI); \
    return (T)v; \
} \
static double ec_red_dbl_##SUF(T v) { return (double)v; } \
void ec_reduce_##SUF(T *y, const T *x, int32_t op, int32_t rank, \
                     const int32_t *dims, const int32_t *reduced) \
{ \
    ec_red_space s; \
    int32_t kidx[EC_MAX_RANK], ridx[EC_MAX_RANK], o, r, base = 0; \
    ec_red_init(&s, rank, dims, reduced); \
    ec_red_zero(kidx, s.nk); \
    for (o = 0; o < s.nout; o++) { \
        int32_t off = base; \
        T res; \
        ec_red_zero(ridx, s.nr); \
        if (op == EC_REDUCE_MAX || op == EC_REDUCE_MIN || op == EC_REDUCE_LOGSUMEXP) { \
            T m = op == EC_REDUCE_MIN ? (T)(HI) : (T)(LO); \
            for (r = 0; r < s.nred; r++) { \
                T v = x[off]; \
                if (op == EC_REDUCE_MIN ? v < m : v > m) m = v; \
                off = ec_red_next(s.nr, s.rd, s.rs, ridx, off); \
            } \
            res = m; \
            if (op == EC_REDUCE_LOGSUMEXP) { \
                double sum = 0.0, dm = ec_red_dbl_##SUF(m); \
                off = base; \
                ec_red_zero(ridx, s.nr); \
                for (r = 0; r < s.nred; r++) { \
                    sum += exp(ec_red_dbl_##SUF(x[off]) - dm); \
                    off = ec_red_next(s.nr, s.rd, s.rs, ridx, off); \
                } \
                res = ec_red_clamp_##SUF(s.nred ? dm + log(sum) : -(double)INFINITY); \
            } \
        } else if (op == EC_REDUCE_PROD) { \
            uint64_t acc = 1; \
            for (r = 0; r < s.nred; r++) { \
                acc *= (uint64_t)x[off]; \
                off = ec_red_next(s.nr, s.rd, s.rs, ridx, off); \
            } \
            res = (T)acc; \
        } else { \
            uint64_t acc = 0; \
            for (r = 0; r < s.nred; r++) { \
                T v = x[off]; \
                uint64_t u = (uint64_t)v; \
                if (op == EC_REDUCE_L1 && EC_RED_NEG##SGN(v)) u = 0u - u; \
                else if (op == EC_REDUCE_L2 || op == EC_REDUCE_SUMSQUARE) u = u * u; \
                acc += u; \
                off = ec_red_next(s.nr, s.rd, s.rs, ridx, off); \
            } \
            if (op == EC_REDUCE_MEAN) { \
                if (s.nred == 0) acc = 0; \
                else if (SGN) acc = (uint64_t)((int64_t)acc / (int64_t)s.nred); \
                else acc = acc / (uint64_t)s.nred; \
                res = (T)acc; \
            } else if (op == EC_REDUCE_L2) { \
                res = ec_red_clamp_##SUF(sqrt((double)acc)); \
            } else if (op == EC_REDUCE_LOGSUM) { \
                res = ec_red_clamp_##SUF(log(SGN ? (double)(int64_t)acc : (double)acc)); \
            } else { \
                res = (T)acc; \
            } \
        } \
        y[o] = res; \
        base = ec_red_next(s.nk, s.kd, s.ks, kidx, base); \
    } \
}

EC_REDUCE_FLOAT(f32, float, expf, logf, sqrtf, fabsf)
EC_REDUCE_FLOAT(f64, double, exp, log, sqrt, fabs)
EC_REDUCE_INT(s8, int8_t, 1, INT8_MIN, INT8_MAX)
EC_REDUCE_INT(u8, uint8_t, 0, 0, UINT8_MAX)
EC_REDUCE_INT(s16, int16_t, 1, INT16_MIN, INT16_MAX)
EC_REDUCE_INT(u16, uint16_t, 0, 0, UINT16_MAX)
EC_REDUCE_INT(s32, int32_t, 1, INT32_MIN, INT32_MAX)
EC_REDUCE_INT(u32, uint32_t, 0, 0, UINT32_MAX)
EC_REDUCE_INT(s64, int64_t, 1, INT64_MIN, INT64_MAX)
EC_REDUCE_INT(u64, uint64_t, 0, 0, UINT64_MAX)

/* ---- ArgMax / ArgMin ------------------------------------------------------- */
/* BETTER(v, best) is true when v replaces best scanning upwards; with
 * select_last equal elements replace too. */
#define EC_ARG(NAME, SUF, T, CMP) \
void ec_##NAME##_##SUF(int64_t *y, const T *x, int32_t select_last, \
                       int32_t outer, int32_t n, int32_t inner) \
{ \
    int32_t o, i, j; \
    for (o = 0; o < outer; o++) { \
        for (i = 0; i < inner; i++) { \
            const T *p = x + (int64_t)o * n * inner + i; \
            T best = p[0]; \
            int32_t bi = 0; \
            for (j = 1; j < n; j++) { \
                T v = p[(int64_t)j * inner]; \
                if (v CMP best || (select_last && v == best)) { best = v; bi = j; } \
            } \
            y[(int64_t)o * inner + i] = bi; \
        } \
    } \
}
#define EC_ARG_BOTH(SUF, T) EC_ARG(argmax, SUF, T, >) EC_ARG(argmin, SUF, T, <)
EC_ARG_BOTH(f32, float)
EC_ARG_BOTH(f64, double)
EC_ARG_BOTH(s8, int8_t)
EC_ARG_BOTH(u8, uint8_t)
EC_ARG_BOTH(s16, int16_t)
EC_ARG_BOTH(u16, uint16_t)
EC_ARG_BOTH(s32, int32_t)
EC_ARG_BOTH(u32, uint32_t)
EC_ARG_BOTH(s64, int64_t)
EC_ARG_BOTH(u64, uint64_t)

/* ---- Softmax / LogSoftmax / Hardmax ---------------------------------------- */
/* MODE 0 softmax, 1 logsoftmax, 2 hardmax; reads every x of a row before it
 * writes the same position of y, so y may be x. */
#define EC_SOFTMAX(NAME, SUF, T, MODE, EXP, LOG) \
void ec_##NAME##_##SUF(T *y, const T *x, int32_t outer, int32_t n, int32_t inner) \
{ \
    int32_t o, i, j; \
    for (o = 0; o < outer; o++) { \
        for (i = 0; i < inner; i++) { \
            int64_t b = (int64_t)o * n * inner + i; \
            T m = -(T)INFINITY, sum = 0; \
            int32_t bi = 0; \
            for (j = 0; j < n; j++) { \
                T v = x[b + (int64_t)j * inner]; \
                if (v > m || (v != v && m == m)) { m = v; bi = j; } \
            } \
            if (MODE == 2) { \
                for (j = 0; j < n; j++) y[b + (int64_t)j * inner] = (T)(j == bi); \
                continue; \
            } \
            for (j = 0; j < n; j++) { \
                T e = EXP(x[b + (int64_t)j * inner] - m); \
                sum += e; \
                if (MODE == 0) y[b + (int64_t)j * inner] = e; \
            } \
            if (MODE == 0) { \
                for (j = 0; j < n; j++) y[b + (int64_t)j * inner] /= sum; \
            } else { \
                T lse = m + LOG(sum); \
                for (j = 0; j < n; j++) y[b + (int64_t)j * inner] = x[b + (int64_t)j * inner] - lse; \
            } \
        } \
    } \
}
#define EC_SOFTMAX_ALL(SUF, T, EXP, LOG) \
    EC_SOFTMAX(softmax, SUF, T, 0, EXP, LOG) EC_SOFTMAX(logsoftmax, SUF, T, 1, EXP, LOG) \
    EC_SOFTMAX(hardmax, SUF, T, 2, EXP, LOG)
EC_SOFTMAX_ALL(f32, float, expf, logf)
EC_SOFTMAX_ALL(f64, double, exp, log)

/* ---- CumSum ----------------------------------------------------------------- */
/* ACC is the accumulator type (unsigned for integers, so sums wrap). */
#define EC_CUMSUM(SUF, T, ACC) \
void ec_cumsum_##SUF(T *y, const T *x, int32_t exclusive, int32_t reverse, \
                     int32_t outer, int32_t n, int32_t inner) \
{ \
    int32_t o, i, j; \
    for (o = 0; o < outer; o++) { \
        for (i = 0; i < inner; i++) { \
            int64_t b = (int64_t)o * n * inner + i; \
            ACC acc = 0; \
            for (j = 0; j < n; j++) { \
                int64_t p = b + (int64_t)(reverse ? n - 1 - j : j) * inner; \
                ACC v = (ACC)x[p]; \
                y[p] = (T)(exclusive ? acc : acc + v); \
                acc += v; \
            } \
        } \
    } \
} \
void ec_cumsum_dyn_##SUF(T *y, const T *x, const void *axis, int32_t axis_s64, \
                         int32_t exclusive, int32_t reverse, int32_t rank, \
                         const int32_t *dims) \
{ \
    int64_t a = axis_s64 ? *(const int64_t *)axis : (int64_t)*(const int32_t *)axis; \
    int32_t k, outer = 1, inner = 1; \
    if (a < 0) a += rank; \
    if (a < 0 || a >= rank) { \
        int32_t i, total = 1; \
        for (k = 0; k < rank; k++) total *= dims[k]; \
        for (i = 0; i < total; i++) y[i] = x[i]; \
        return; \
    } \
    for (k = 0; k < (int32_t)a; k++) outer *= dims[k]; \
    for (k = (int32_t)a + 1; k < rank; k++) inner *= dims[k]; \
    ec_cumsum_##SUF(y, x, exclusive, reverse, outer, dims[a], inner); \
}
EC_CUMSUM(f32, float, float)
EC_CUMSUM(f64, double, double)
EC_CUMSUM(s32, int32_t, uint32_t)
EC_CUMSUM(u32, uint32_t, uint32_t)
EC_CUMSUM(s64, int64_t, uint64_t)
EC_CUMSUM(u64, uint64_t, uint64_t)

/* ---- TopK ------------------------------------------------------------------- */
/* Insertion into the output row itself: the row holds the best `have`
 * elements so far, best first; a new element goes after every element it does
 * not beat strictly, so equal elements stay in index order. */
#define EC_TOPK(SUF, T) \
void ec_topk_##SUF(T *values, int64_t *indices, const T *x, int32_t largest, \
                   int32_t outer, int32_t n, int32_t inner, int32_t k) \
{ \
    int32_t o, i, j, r; \
    if (k <= 0) return; \
    for (o = 0; o < outer; o++) { \
        for (i = 0; i < inner; i++) { \
            const T *p = x + (int64_t)o * n * inner + i; \
            T *vo = values + (int64_t)o * k * inner + i; \
            int64_t *io = indices + (int64_t)o * k * inner + i; \
            int32_t have = 0; \
            for (j = 0; j < n; j++) { \
                T v = p[(int64_t)j * inner]; \
                int32_t pos = have; \
                while (pos > 0 && (largest ? v > vo[(int64_t)(pos - 1) * inner] \
                                           : v < vo[(int64_t)(pos - 1) * inner])) \
                    pos--; \
                if (pos >= k) continue; \
                r = have < k ? have : k - 1; \
                for (; r > pos; r--) { \
                    vo[(int64_t)r * inner] = vo[(int64_t)(r - 1) * inner]; \
                    io[(int64_t)r * inner] = io[(int64_t)(r - 1) * inner]; \
                } \
                vo[(int64_t)pos * inner] = v; \
                io[(int64_t)pos * inner] = j; \
                if (have < k) have++; \
            } \
        } \
    } \
}
EC_TOPK(f32, float)
EC_TOPK(f64, double)
EC_TOPK(s8, int8_t)
EC_TOPK(u8, uint8_t)
EC_TOPK(s16, int16_t)
EC_TOPK(u16, uint16_t)
EC_TOPK(s32, int32_t)
EC_TOPK(u32, uint32_t)
EC_TOPK(s64, int64_t)
EC_TOPK(u64, uint64_t)

/* ---- NegativeLogLikelihoodLoss / SoftmaxCrossEntropyLoss -------------------- */
/* Both kernels: per (i, j) the class t and its weight w (0 when ignored or out
 * of range); loss = -logp(t) * w; then the reduction. SCE computes logp from
 * the scores column (max, log-sum-exp) and writes log_prob when asked. */
#define EC_LOSS(SUF, T, TSUF, TI, EXP, LOG) \
void ec_nllloss_##SUF##_##TSUF(T *y, const T *x, const TI *target, const T *weight, \
                               int32_t reduction, int32_t has_ignore, int32_t ignore_index, \
                               int32_t n, int32_t c, int32_t d) \
{ \
    int32_t i, j; \
    T sum = 0, wsum = 0; \
    for (i = 0; i < n; i++) { \
        for (j = 0; j < d; j++) { \
            int64_t q = (int64_t)i * d + j; \
            int64_t t = (int64_t)target[q]; \
            T w = 0, l = 0; \
            if (!(has_ignore && t == ignore_index) && t >= 0 && t < c) { \
                w = weight ? weight[t] : (T)1; \
                l = -x[((int64_t)i * c + t) * d + j] * w; \
            } \
            if (reduction == EC_LOSS_NONE) y[q] = l; \
            sum += l; \
            wsum += w; \
        } \
    } \
    if (reduction == EC_LOSS_SUM) y[0] = sum; \
    else if (reduction == EC_LOSS_MEAN) y[0] = sum / wsum; \
} \
void ec_sce_loss_##SUF##_##TSUF(T *y, T *log_prob, const T *x, const TI *target, \
                                const T *weight, int32_t reduction, int32_t has_ignore, \
                                int32_t ignore_index, int32_t n, int32_t c, int32_t d) \
{ \
    int32_t i, j, k; \
    T sum = 0, wsum = 0; \
    for (i = 0; i < n; i++) { \
        for (j = 0; j < d; j++) { \
            const T *p = x + (int64_t)i * c * d + j; \
            int64_t q = (int64_t)i * d + j; \
            int64_t t = (int64_t)target[q]; \
            T m = -(T)INFINITY, se = 0, lse, w = 0, l = 0; \
            for (k = 0; k < c; k++) { \
                T v = p[(int64_t)k * d]; \
                if (v > m || (v != v && m == m)) m = v; \
            } \
            for (k = 0; k < c; k++) se += EXP(p[(int64_t)k * d] - m); \
            lse = m + LOG(se); \
            if (!(has_ignore && t == ignore_index) && t >= 0 && t < c) { \
                w = weight ? weight[t] : (T)1; \
                l = -(p[t * d] - lse) * w; \
            } \
            if (log_prob) { \
                T *lp = log_prob + (int64_t)i * c * d + j; \
                for (k = 0; k < c; k++) lp[(int64_t)k * d] = p[(int64_t)k * d] - lse; \
            } \
            if (reduction == EC_LOSS_NONE) y[q] = l; \
            sum += l; \
            wsum += w; \
        } \
    } \
    if (reduction == EC_LOSS_SUM) y[0] = sum; \
    else if (reduction == EC_LOSS_MEAN) y[0] = sum / wsum; \
}
EC_LOSS(f32, float, s32, int32_t, expf, logf)
EC_LOSS(f32, float, s64, int64_t, expf, logf)
EC_LOSS(f64, double, s32, int32_t, exp, log)
EC_LOSS(f64, double, s64, int64_t, exp, log)
