/* ec_lppool_f32.c - generic kernel(s) declared in ec_nn.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_nn_util.h"


void ec_lppool_f32(float *y, const float *x, int32_t nc, float pw, int32_t nd, const int32_t *p)
{
    const int32_t *in = p, *out = p + nd;
    const int32_t isz = ec_prod(in, nd), osz = ec_prod(out, nd);
    int32_t q, o, i;
    for (q = 0; q < nc; q++) {
        const float *xq = x + (size_t)q * (size_t)isz;
        float *yq = y + (size_t)q * (size_t)osz;
        int32_t opos[EC_MAX_RANK];
        for (i = 0; i < nd; i++) opos[i] = 0;
        for (o = 0; o < osz; o++) {
            win_it it;
            float sum = 0.0f;
            if (win_begin(&it, opos, nd, p)) {
                do sum += powf(fabsf(xq[it.off]), pw); while (win_next(&it));
            }
            yq[o] = powf(sum, 1.0f / pw);
            ec_next_pos(opos, out, nd);
        }
    }
}
