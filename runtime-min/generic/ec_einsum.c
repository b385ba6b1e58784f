/* ec_einsum.c - generic kernel(s) declared in ec_nn.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_nn_util.h"


/* Output labels outermost: for each output element, sum over the odometer of
 * the contracted labels. */
#define EC_EINSUM(T, SUF) \
void ec_einsum_##SUF(T *y, const T *a, const T *b, int32_t nout, int32_t nlab, \
                     const int32_t *p) \
{ \
    const int32_t *dims = p, *sa = p + nlab, *sb = p + 2 * nlab; \
    const int32_t nsum = nlab - nout; \
    const int32_t ny = ec_prod(dims, nout), ns = ec_prod(dims + nout, nsum); \
    int32_t opos[EC_MAX_RANK * 2], spos[EC_MAX_RANK * 2]; \
    int32_t q, s, i; \
    for (i = 0; i < nout; i++) opos[i] = 0; \
    for (q = 0; q < ny; q++) { \
        size_t ba = 0, bb = 0; \
        T acc = 0; \
        for (i = 0; i < nout; i++) { \
            ba += (size_t)opos[i] * (size_t)sa[i]; \
            bb += (size_t)opos[i] * (size_t)sb[i]; \
        } \
        for (i = 0; i < nsum; i++) spos[i] = 0; \
        for (s = 0; s < ns; s++) { \
            size_t oa = ba, ob = bb; \
            for (i = 0; i < nsum; i++) { \
                oa += (size_t)spos[i] * (size_t)sa[nout + i]; \
                ob += (size_t)spos[i] * (size_t)sb[nout + i]; \
            } \
            acc += b ? a[oa] * b[ob] : a[oa]; \
            ec_next_pos(spos, dims + nout, nsum); \
        } \
        y[q] = acc; \
        ec_next_pos(opos, dims, nout); \
    } \
}

EC_EINSUM(float, f32)

EC_EINSUM(double, f64)
