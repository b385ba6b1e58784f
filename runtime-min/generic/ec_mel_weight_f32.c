/* ec_mel_weight_f32.c - generic kernel(s) declared in ec_signal.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_signal_util.h"


void ec_mel_weight_f32(float *y, int32_t nmel, int32_t dft_length, int32_t rate, float lower,
                       float upper)
{
    const int32_t nbins = dft_length / 2 + 1;
    const double lo = 2595.0 * log10(1.0 + (double)lower / 700.0);
    const double hi = 2595.0 * log10(1.0 + (double)upper / 700.0);
    const double step = (hi - lo) / (double)(nmel + 2);
    int32_t i, j;
    for (i = 0; i < nbins * nmel; i++) y[i] = 0.0f;
    for (i = 0; i < nmel; i++) {
        int32_t e[3], q;
        for (q = 0; q < 3; q++) {
            const double mel = (double)(i + q) * step + lo;
            const double hz = 700.0 * (pow(10.0, mel / 2595.0) - 1.0);
            const double bin = floor((double)(dft_length + 1) * hz / (double)rate);
            e[q] = bin < 0.0 ? -1 : bin > (double)nbins ? nbins : (int32_t)bin;
        }
        if (e[1] == e[0]) {
            if (e[1] >= 0 && e[1] < nbins) y[e[1] * nmel + i] = 1.0f;
        } else {
            for (j = e[0]; j <= e[1]; j++)
                if (j >= 0 && j < nbins)
                    y[j * nmel + i] = (float)((double)(j - e[0]) / (double)(e[1] - e[0]));
        }
        if (e[2] > e[1])
            for (j = e[1]; j < e[2]; j++)
                if (j >= 0 && j < nbins)
                    y[j * nmel + i] = (float)((double)(e[2] - j) / (double)(e[2] - e[1]));
    }
}
