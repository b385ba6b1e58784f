/* ec_dft_f32.c - generic kernel(s) declared in ec_signal.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_signal_util.h"


static int32_t is_pow2(int32_t n)
{
    return n > 0 && (n & (n - 1)) == 0;
}

/* In-place iterative radix-2 FFT of a (n complex values), n a power of two. */
static void fft_pow2(float *a, const float *tw, int32_t n, int32_t inverse)
{
    int32_t i, j, len;
    for (i = 1, j = 0; i < n; i++) {
        int32_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) {
            float tr = a[2 * i], ti = a[2 * i + 1];
            a[2 * i] = a[2 * j];
            a[2 * i + 1] = a[2 * j + 1];
            a[2 * j] = tr;
            a[2 * j + 1] = ti;
        }
    }
    for (len = 2; len <= n; len <<= 1) {
        const int32_t half = len >> 1, step = n / len;
        for (i = 0; i < n; i += len) {
            int32_t k;
            for (k = 0; k < half; k++) {
                const float wr = tw[2 * k * step];
                const float wi = inverse ? -tw[2 * k * step + 1] : tw[2 * k * step + 1];
                float *u = a + 2 * (i + k), *v = a + 2 * (i + k + half);
                const float vr = v[0] * wr - v[1] * wi, vi = v[0] * wi + v[1] * wr;
                v[0] = u[0] - vr;
                v[1] = u[1] - vi;
                u[0] += vr;
                u[1] += vi;
            }
        }
    }
}

/* y[k * ys] = transform of the n complex values in a, k < nout (a is clobbered). */
static void line_dft(float *y, int32_t ys, float *a, const float *tw, int32_t n, int32_t nout,
                     int32_t inverse)
{
    const float scale = inverse ? 1.0f / (float)n : 1.0f;
    int32_t k;
    if (is_pow2(n)) {
        fft_pow2(a, tw, n, inverse);
        for (k = 0; k < nout; k++) {
            y[k * ys] = a[2 * k] * scale;
            y[k * ys + 1] = a[2 * k + 1] * scale;
        }
        return;
    }
    for (k = 0; k < nout; k++) {
        float re = 0.0f, im = 0.0f;
        int32_t j, m = 0;
        for (j = 0; j < n; j++) {
            const float wr = tw[2 * m], wi = inverse ? -tw[2 * m + 1] : tw[2 * m + 1];
            re += a[2 * j] * wr - a[2 * j + 1] * wi;
            im += a[2 * j] * wi + a[2 * j + 1] * wr;
            m += k;
            if (m >= n) m -= n;
        }
        y[k * ys] = re * scale;
        y[k * ys + 1] = im * scale;
    }
}

void ec_dft_f32(float *y, const float *x, void *scratch, int32_t outer, int32_t nin,
                int32_t inner, int32_t cin, int32_t n, int32_t nout, int32_t inverse)
{
    float *tw = (float *)scratch, *a = tw + 2 * n;
    const int32_t take = nin < n ? nin : n;
    int32_t o, i, j;
    twiddles(tw, n);
    for (o = 0; o < outer; o++) {
        for (i = 0; i < inner; i++) {
            const float *xl = x + ((int64_t)o * nin * inner + i) * cin;
            for (j = 0; j < take; j++) {
                a[2 * j] = xl[(int64_t)j * inner * cin];
                a[2 * j + 1] = cin == 2 ? xl[(int64_t)j * inner * cin + 1] : 0.0f;
            }
            for (; j < n; j++) a[2 * j] = a[2 * j + 1] = 0.0f;
            line_dft(y + ((int64_t)o * nout * inner + i) * 2, 2 * inner, a, tw, n, nout, inverse);
        }
    }
}

void ec_stft_f32(float *y, const float *x, const float *window, void *scratch, int32_t batch,
                 int32_t len, int32_t cin, int32_t step, int32_t frames, int32_t n, int32_t nout)
{
    float *tw = (float *)scratch, *a = tw + 2 * n;
    int32_t b, f, j;
    twiddles(tw, n);
    for (b = 0; b < batch; b++) {
        for (f = 0; f < frames; f++) {
            const float *xf = x + ((int64_t)b * len + (int64_t)f * step) * cin;
            for (j = 0; j < n; j++) {
                const float wj = window ? window[j] : 1.0f;
                a[2 * j] = xf[j * cin] * wj;
                a[2 * j + 1] = cin == 2 ? xf[j * cin + 1] * wj : 0.0f;
            }
            line_dft(y + ((int64_t)b * frames + f) * nout * 2, 2, a, tw, n, nout, 0);
        }
    }
}
