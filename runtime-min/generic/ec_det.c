/* ec_det.c - generic kernel(s) declared in ec_signal.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_signal_util.h"


/* ---- linear algebra ------------------------------------------------------------ */
/* Det by Gaussian elimination with partial pivoting, in T (M: libm suffix, f or
 * empty), one m x m matrix of the batch at a time in scratch. */
#define DEF_DET(sfx, T, M) \
    void ec_det_##sfx(T *y, const T *x, void *scratch, int32_t batch, int32_t m) \
    { \
        T *a = (T *)scratch; \
        int32_t b, i, j, k; \
        for (b = 0; b < batch; b++) { \
            T det = (T)1; \
            for (i = 0; i < m * m; i++) a[i] = x[(int64_t)b * m * m + i]; \
            for (k = 0; k < m && det != (T)0; k++) { \
                int32_t p = k; \
                T best = fabs##M(a[k * m + k]); \
                for (i = k + 1; i < m; i++) \
                    if (fabs##M(a[i * m + k]) > best) { best = fabs##M(a[i * m + k]); p = i; } \
                if (best == (T)0) { det = (T)0; break; } \
                if (p != k) { \
                    for (j = 0; j < m; j++) { \
                        T t = a[k * m + j]; \
                        a[k * m + j] = a[p * m + j]; \
                        a[p * m + j] = t; \
                    } \
                    det = -det; \
                } \
                det *= a[k * m + k]; \
                for (i = k + 1; i < m; i++) { \
                    const T f = a[i * m + k] / a[k * m + k]; \
                    for (j = k + 1; j < m; j++) a[i * m + j] -= f * a[k * m + j]; \
                } \
            } \
            y[b] = det; \
        } \
    }

DEF_DET(f32, float, f)

DEF_DET(f64, double, )

#undef DEF_DET
