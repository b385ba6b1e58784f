/* ec_qint8_util.h - static helpers shared by the generic ec_qint8 kernel files (internal,
 * not part of the runtime-min contract). */
#ifndef EC_QINT8_UTIL_H
#define EC_QINT8_UTIL_H
/* ec_qint8.c - portable C99 int8 kernels of static post-training
 * quantization (see ec_qint8.h). Integer arithmetic only. */
#include "ec_qint8.h"

static inline int32_t prod32(const int32_t *v, int32_t n)
{
    int32_t i, r = 1;
    for (i = 0; i < n; i++) r *= v[i];
    return r;
}

/* The 2-D case of ec_s8_conv (images): the same sums in another order. For each output row,
 * up to EC_S8_CONV_CHUNK outputs of EC_S8_CONV_MB output channels (of one group) accumulate in
 * int32 on the stack while every tap (input channel, ky, kx) is added to all of them at once,
 * over the outputs whose input column exists: one load of an input feeds MB channels, and the
 * inner loop has no test. */
#define EC_S8_CONV_CHUNK 32

#define EC_S8_CONV_MB 4

/* round_half_even(num / den), den > 0 */
static inline int32_t div_round_even(int32_t num, int32_t den)
{
    int32_t q = num / den, r = num % den;
    if (r < 0) { q -= 1; r += den; }          /* floor division */
    if (2 * r > den || (2 * r == den && (q & 1))) q += 1;
    return q;
}

/* Walk a broadcast layout: calls BODY with element offsets ia, ib for each
 * output element iy in order. */
#define EC_S8_BCAST(BODY) do { \
        int32_t pos[EC_MAX_RANK], ia = 0, ib = 0, iy, total = 1, d; \
        for (d = 0; d < rank; d++) { pos[d] = 0; total *= dims[d]; } \
        for (iy = 0; iy < total; iy++) { \
            BODY; \
            for (d = rank - 1; d >= 0; d--) { \
                ia += a_strides[d]; \
                ib += b_strides[d]; \
                if (++pos[d] < dims[d]) break; \
                ia -= a_strides[d] * dims[d]; \
                ib -= b_strides[d] * dims[d]; \
                pos[d] = 0; \
            } \
        } \
    } while (0)

#endif
