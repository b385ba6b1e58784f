/* ec_avgpool_f32.c - generic kernel(s) declared in ec_nn.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_nn_util.h"


void ec_avgpool_f32(float *y, const float *x, int32_t nc, int32_t count_include_pad,
                    int32_t nd, const int32_t *p)
{
    const int32_t *in = p, *out = p + nd, *ks = p + 2 * nd, *st = p + 3 * nd;
    const int32_t *dl = p + 4 * nd, *pb = p + 5 * nd, *pe = p + 6 * nd;
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
            int32_t count = 0;
            if (win_begin(&it, opos, nd, p)) {
                do sum += xq[it.off]; while (win_next(&it));
                count = it.count;
            }
            if (count_include_pad) {
                /* window positions inside the padded input */
                count = 1;
                for (i = 0; i < nd; i++) {
                    int32_t s0 = opos[i] * st[i]; /* in padded coordinates */
                    int32_t lo = 0;
                    int32_t hi = clamp_hi(ec_end_in(s0, dl[i], in[i] + pb[i] + pe[i]), ks[i]);
                    count *= hi > lo ? hi - lo : 0;
                }
            }
            yq[o] = count > 0 ? sum / (float)count : 0.0f;
            ec_next_pos(opos, out, nd);
        }
    }
}
