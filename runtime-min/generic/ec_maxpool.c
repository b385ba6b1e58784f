/* ec_maxpool.c - generic kernel(s) declared in ec_nn.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_nn_util.h"


#define EC_MAXPOOL(T, SUF, LOWEST) \
void ec_maxpool_##SUF(T *y, int64_t *idx, const T *x, int32_t nc, int32_t storage_order, \
                      int32_t nd, const int32_t *p) \
{ \
    const int32_t *in = p, *out = p + nd, *dl = p + 4 * nd; \
    const int32_t isz = ec_prod(in, nd), osz = ec_prod(out, nd); \
    int32_t q, o, i; \
    for (q = 0; q < nc; q++) { \
        const T *xq = x + (size_t)q * (size_t)isz; \
        T *yq = y + (size_t)q * (size_t)osz; \
        int32_t opos[EC_MAX_RANK]; \
        for (i = 0; i < nd; i++) opos[i] = 0; \
        for (o = 0; o < osz; o++) { \
            win_it it; \
            T best = LOWEST; \
            int64_t where = -1; \
            if (win_begin(&it, opos, nd, p)) { \
                int32_t boff = -1; \
                int32_t bcur[EC_MAX_RANK]; \
                do { \
                    T v = xq[it.off]; \
                    if (boff < 0 || v > best) { \
                        best = v; \
                        boff = it.off; \
                        if (storage_order) for (i = 0; i < nd; i++) bcur[i] = it.cur[i]; \
                    } \
                } while (win_next(&it)); \
                if (storage_order) { \
                    int64_t r = 0, s = 1; \
                    for (i = 0; i < nd; i++) { \
                        r += (int64_t)(it.start[i] + bcur[i] * dl[i]) * s; \
                        s *= in[i]; \
                    } \
                    where = r; \
                } else { \
                    where = boff; \
                } \
                where += (int64_t)q * isz; \
            } \
            yq[o] = best; \
            if (idx) idx[(size_t)q * (size_t)osz + (size_t)o] = where; \
            ec_next_pos(opos, out, nd); \
        } \
    } \
}

EC_MAXPOOL(float, f32, -HUGE_VALF)

EC_MAXPOOL(uint8_t, u8, 0)

EC_MAXPOOL(int8_t, s8, -128)
