/* ec_nn_util.h - static helpers shared by the generic ec_nn kernel files (internal,
 * not part of the runtime-min contract). */
#ifndef EC_NN_UTIL_H
#define EC_NN_UTIL_H
/* ec_nn.c - generic C99 kernels of the nn family (see ec_nn.h for shapes). */
#include <math.h>
#include "ec_nn.h"

/* ---- helpers --------------------------------------------------------------- */
static inline int32_t clamp_hi(int32_t v, int32_t hi)
{
    return v < hi ? v : hi;
}

/* y[i] += a * x[i], i < n; y and x do not overlap (vectorizes). */
static inline void axpy_f32(float *restrict y, const float *restrict x, float a, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) y[i] += a * x[i];
}

/* ---- pooling ------------------------------------------------------------- */
/* Iterator over the in-bounds positions of one pooling window. */
typedef struct win_it {
    int32_t nd;
    int32_t lo[EC_MAX_RANK], hi[EC_MAX_RANK], cur[EC_MAX_RANK];
    int32_t start[EC_MAX_RANK];     /* input position of kernel index 0 */
    int32_t step[EC_MAX_RANK];      /* dilation * row-major input stride */
    int32_t off;                    /* flat input offset of the current position */
    int32_t count;                  /* in-bounds positions of the window */
} win_it;

/* Set up the window of output position opos; false if it is empty. */
static inline int win_begin(win_it *it, const int32_t *opos, int32_t nd, const int32_t *p)
{
    const int32_t *in = p, *ks = p + 2 * nd, *st = p + 3 * nd, *dl = p + 4 * nd, *pb = p + 5 * nd;
    int32_t i, stride = 1;
    it->nd = nd;
    it->off = 0;
    it->count = 1;
    for (i = nd - 1; i >= 0; i--) {
        int32_t s0 = opos[i] * st[i] - pb[i];
        it->start[i] = s0;
        it->lo[i] = ec_first_in(s0, dl[i]);
        it->hi[i] = clamp_hi(ec_end_in(s0, dl[i], in[i]), ks[i]);
        if (it->lo[i] >= it->hi[i]) { it->count = 0; return 0; }
        it->count *= it->hi[i] - it->lo[i];
        it->cur[i] = it->lo[i];
        it->step[i] = dl[i] * stride;
        it->off += (s0 + it->lo[i] * dl[i]) * stride;
        stride *= in[i];
    }
    return 1;
}

/* Advance to the next position; false at the end. */
static inline int win_next(win_it *it)
{
    int32_t i;
    for (i = it->nd - 1; i >= 0; i--) {
        if (++it->cur[i] < it->hi[i]) {
            it->off += it->step[i];
            return 1;
        }
        it->off -= (it->hi[i] - 1 - it->lo[i]) * it->step[i];
        it->cur[i] = it->lo[i];
    }
    return 0;
}

/* mean and 1/sqrt(variance + eps) of n floats (two passes, in float: no
 * double arithmetic on single-precision FPUs) */
static inline void moments(const float *x, int32_t n, float eps, float *mean, float *invstd)
{
    float sum = 0.0f, sq = 0.0f, mu;
    int32_t i;
    for (i = 0; i < n; i++) sum += x[i];
    mu = n > 0 ? sum / (float)n : 0.0f;
    for (i = 0; i < n; i++) {
        float d = x[i] - mu;
        sq += d * d;
    }
    *mean = mu;
    *invstd = 1.0f / sqrtf((n > 0 ? sq / (float)n : 0.0f) + eps);
}

#endif
