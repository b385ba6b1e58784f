/* ec_window_f64.c - generic kernel(s) declared in ec_signal.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_signal_util.h"


#define EC_TWO_PI_D 6.283185307179586

void ec_window_f64(double *y, int32_t n, int32_t kind, int32_t periodic)
{
    double a[3];
    const int32_t N = periodic ? n : n - 1;
    int32_t i;
    window_coeffs(kind, a);
    for (i = 0; i < n; i++) {
        double t;
        if (N <= 0) { y[i] = 1.0; continue; }
        t = EC_TWO_PI_D * (double)i / (double)N;
        y[i] = a[0] - a[1] * cos(t) + a[2] * cos(2.0 * t);
    }
}
