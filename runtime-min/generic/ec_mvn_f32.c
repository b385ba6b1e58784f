/* ec_mvn_f32.c - generic kernel(s) declared in ec_nn.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_nn_util.h"


/* Offset of the idx-th element among the axes whose reduced flag equals want. */
static size_t sub_offset(int32_t idx, int32_t rank, const int32_t *dims, const int32_t *red,
                         int32_t want)
{
    size_t off = 0, stride = 1;
    int32_t i;
    for (i = rank - 1; i >= 0; i--) {
        if ((red[i] != 0) == (want != 0)) {
            off += (size_t)(idx % dims[i]) * stride;
            idx /= dims[i];
        }
        stride *= (size_t)dims[i];
    }
    return off;
}

void ec_mvn_f32(float *y, const float *x, int32_t rank, const int32_t *p)
{
    const int32_t *dims = p, *red = p + rank;
    int32_t nkeep = 1, nred = 1, i, k, r;
    for (i = 0; i < rank; i++) {
        if (red[i]) nred *= dims[i];
        else nkeep *= dims[i];
    }
    if (nkeep == 0 || nred == 0) return;
    for (k = 0; k < nkeep; k++) {
        const size_t base = sub_offset(k, rank, dims, red, 0);
        float sum = 0.0f, sq = 0.0f, mu, sd;
        for (r = 0; r < nred; r++) sum += x[base + sub_offset(r, rank, dims, red, 1)];
        mu = sum / (float)nred;
        for (r = 0; r < nred; r++) {
            float d = x[base + sub_offset(r, rank, dims, red, 1)] - mu;
            sq += d * d;
        }
        sd = sqrtf(sq / (float)nred) + 1e-9f;
        for (r = 0; r < nred; r++) {
            size_t o = base + sub_offset(r, rank, dims, red, 1);
            y[o] = (x[o] - mu) / sd;
        }
    }
}
