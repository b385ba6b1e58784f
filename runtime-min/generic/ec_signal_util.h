/* ec_signal_util.h - static helpers shared by the generic ec_signal kernel files (internal,
 * not part of the runtime-min contract). */
#ifndef EC_SIGNAL_UTIL_H
#define EC_SIGNAL_UTIL_H
/* ec_signal.c - generic C99 kernels of the signal family (see ec_signal.h). */
#include <math.h>
#include "ec_signal.h"

#define EC_TWO_PI_F 6.283185307179586f

/* ---- windows --------------------------------------------------------------- */
/* Coefficients a0, a1, a2 of y = a0 - a1 cos(t) + a2 cos(2t). */
static inline void window_coeffs(int32_t kind, double *a)
{
    if (kind == EC_WINDOW_HAMMING) {
        a[0] = 25.0 / 46.0;
        a[1] = 1.0 - 25.0 / 46.0;
        a[2] = 0.0;
    } else if (kind == EC_WINDOW_BLACKMAN) {
        a[0] = 0.42;
        a[1] = 0.5;
        a[2] = 0.08;
    } else {
        a[0] = 0.5;
        a[1] = 0.5;
        a[2] = 0.0;
    }
}

/* ---- Fourier transforms ---------------------------------------------------- */
/* tw (2n) = cos, -sin of 2 pi m / n, m < n; exact at the quarter points. */
static inline void twiddles(float *tw, int32_t n)
{
    int32_t m;
    for (m = 0; m < n; m++) {
        float t = EC_TWO_PI_F * (float)m / (float)n;
        float c = cosf(t), s = -sinf(t);
        if (4 * m == n) { c = 0.0f; s = -1.0f; }
        else if (2 * m == n) { c = -1.0f; s = 0.0f; }
        else if (4 * m == 3 * n) { c = 0.0f; s = 1.0f; }
        tw[2 * m] = c;
        tw[2 * m + 1] = s;
    }
}

/* ---- grid sample -------------------------------------------------------------- */
/* Reflect v into [lo, hi] by its nearer border until it is inside. */
static inline float gs_reflect(float v, float lo, float hi)
{
    const float rng = hi - lo;
    if (rng <= 0.0f) return lo;
    if (v < lo) {
        const float d = lo - v;
        const int32_t k = (int32_t)(d / rng);
        const float r = d - (float)k * rng;
        return k % 2 == 0 ? lo + r : hi - r;
    }
    if (v > hi) {
        const float d = v - hi;
        const int32_t k = (int32_t)(d / rng);
        const float r = d - (float)k * rng;
        return k % 2 == 0 ? hi - r : lo + r;
    }
    return v;
}

#endif
