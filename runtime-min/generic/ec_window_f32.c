/* ec_window_f32.c - generic kernel(s) declared in ec_signal.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_signal_util.h"


void ec_window_f32(float *y, int32_t n, int32_t kind, int32_t periodic)
{
    double a[3];
    const int32_t N = periodic ? n : n - 1;
    int32_t i;
    float a0, a1, a2;
    window_coeffs(kind, a);
    a0 = (float)a[0];
    a1 = (float)a[1];
    a2 = (float)a[2];
    for (i = 0; i < n; i++) {
        float t;
        if (N <= 0) { y[i] = 1.0f; continue; }
        t = EC_TWO_PI_F * (float)i / (float)N;
        y[i] = a0 - a1 * cosf(t) + a2 * cosf(2.0f * t);
    }
}
