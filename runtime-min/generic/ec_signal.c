/* ec_signal.c - generic C99 kernels of the signal family (see ec_signal.h). */
#include <math.h>
#include "ec_signal.h"

#define EC_TWO_PI_F 6.283185307179586f
#define EC_TWO_PI_D 6.283185307179586

/* ---- windows --------------------------------------------------------------- */

/* Coefficients a0, a1, a2 of y = a0 - a1 cos(t) + a2 cos(2t). */
static void window_coeffs(int32_t kind, double *a)
{
    if (kind == EC_WINDOW_HAMMING) {
        a[0] = 25.0 / 46.0;
        a[1] = 1.0 - 25.0 / 46.0;
        a[2] = 0.0;
    } else if (kind == EC_WINDOW_BLACKMAN) {
        a[0] = 0.42;
        a[1] = 0.5;
        a[2] = 0.08;
    } else {
        a[0] = 0.5;
        a[1] = 0.5;
        a[2] = 0.0;
    }
}

void ec_window_f32(float *y, int32_t n, int32_t kind, int32_t periodic)
{
    double a[3];
    const int32_t N = periodic ? n : n - 1;
    int32_t i;
    float a0, a1, a2;
    window_coeffs(kind, a);
    a0 = (float)a[0];
    a1 = (float)a[1];
    a2 = (float)a[2];
    for (i = 0; i < n; i++) {
        float t;
        if (N <= 0) { y[i] = 1.0f; continue; }
        t = EC_TWO_PI_F * (float)i / (float)N;
        y[i] = a0 - a1 * cosf(t) + a2 * cosf(2.0f * t);
    }
}

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

/* ---- Fourier transforms ---------------------------------------------------- */

/* tw (2n) = cos, -sin of 2 pi m / n, m < n; exact at the quarter points. */
static void twiddles(float *tw, int32_t n)
{
    int32_t m;
    for (m = 0; m < n; m++) {
        float t = EC_TWO_PI_F * (float)m / (float)n;
        float c = cosf(t), s = -sinf(t);
        if (4 * m == n) { c = 0.0f; s = -1.0f; }
        else if (2 * m == n) { c = -1.0f; s = 0.0f; }
        else if (4 * m == 3 * n) { c = 0.0f; s = 1.0f; }
        tw[2 * m] = c;
        tw[2 * m + 1] = s;
    }
}

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

/* ---- grid sample -------------------------------------------------------------- */

/* Reflect v into [lo, hi] by its nearer border until it is inside. */
static float gs_reflect(float v, float lo, float hi)
{
    const float rng = hi - lo;
    if (rng <= 0.0f) return lo;
    if (v < lo) {
        const float d = lo - v;
        const int32_t k = (int32_t)(d / rng);
        const float r = d - (float)k * rng;
        return k % 2 == 0 ? lo + r : hi - r;
    }
    if (v > hi) {
        const float d = v - hi;
        const int32_t k = (int32_t)(d / rng);
        const float r = d - (float)k * rng;
        return k % 2 == 0 ? hi - r : lo + r;
    }
    return v;
}

static int32_t clampi(int32_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Pixel (yy, xx) of a (h, w) image under the padding mode; bounds are the
 * reflection borders (lo, hi) for x then y. */
static float gs_pixel(const float *img, int32_t h, int32_t w, int32_t yy, int32_t xx, int32_t pad,
                      const float *bx, const float *by)
{
    if (pad == EC_GS_ZEROS) {
        if (xx < 0 || xx >= w || yy < 0 || yy >= h) return 0.0f;
    } else if (pad == EC_GS_BORDER) {
        xx = clampi(xx, 0, w - 1);
        yy = clampi(yy, 0, h - 1);
    } else {
        xx = clampi((int32_t)gs_reflect((float)xx, bx[0], bx[1]), 0, w - 1);
        yy = clampi((int32_t)gs_reflect((float)yy, by[0], by[1]), 0, h - 1);
    }
    return img[yy * w + xx];
}

/* Keys cubic convolution weights (A = -0.75) for fractional offset t in [0, 1). */
static void gs_cubic_coeffs(float t, float *c)
{
    const float A = -0.75f;
    const float x = fabsf(t);
    c[0] = ((A * (x + 1.0f) - 5.0f * A) * (x + 1.0f) + 8.0f * A) * (x + 1.0f) - 4.0f * A;
    c[1] = ((A + 2.0f) * x - (A + 3.0f)) * x * x + 1.0f;
    c[2] = ((A + 2.0f) * (1.0f - x) - (A + 3.0f)) * (1.0f - x) * (1.0f - x) + 1.0f;
    c[3] = ((A * (2.0f - x) - 5.0f * A) * (2.0f - x) + 8.0f * A) * (2.0f - x) - 4.0f * A;
}

/* Clamp a float coordinate to a range int32 can hold (far-away points stay far away). */
static float gs_limit(float v)
{
    if (!(v == v)) return -4.0e6f; /* NaN: treat as outside */
    if (v > 4.0e6f) return 4.0e6f;
    if (v < -4.0e6f) return -4.0e6f;
    return v;
}

void ec_grid_sample_f32(float *y, const float *x, const float *grid, int32_t n, int32_t c,
                        int32_t h, int32_t w, int32_t ho, int32_t wo, int32_t mode, int32_t pad,
                        int32_t align_corners)
{
    float bx[2], by[2];
    int32_t b, ch, i;
    if (align_corners) {
        bx[0] = 0.0f; bx[1] = (float)(w - 1);
        by[0] = 0.0f; by[1] = (float)(h - 1);
    } else {
        bx[0] = -0.5f; bx[1] = (float)w - 0.5f;
        by[0] = -0.5f; by[1] = (float)h - 0.5f;
    }
    for (b = 0; b < n; b++) {
        const float *gb = grid + (int64_t)b * ho * wo * 2;
        for (i = 0; i < ho * wo; i++) {
            const float gx = gb[2 * i], gy = gb[2 * i + 1];
            float fx, fy;
            if (align_corners) {
                fx = (gx + 1.0f) / 2.0f * (float)(w - 1);
                fy = (gy + 1.0f) / 2.0f * (float)(h - 1);
            } else {
                fx = ((gx + 1.0f) * (float)w - 1.0f) / 2.0f;
                fy = ((gy + 1.0f) * (float)h - 1.0f) / 2.0f;
            }
            fx = gs_limit(fx);
            fy = gs_limit(fy);
            if (mode == EC_GS_NEAREST) {
                fx = rintf(fx);
                fy = rintf(fy);
            }
            if (fx < bx[0] || fx > bx[1] || fy < by[0] || fy > by[1]) {
                if (pad == EC_GS_BORDER) {
                    fx = fx < 0.0f ? 0.0f : fx > (float)(w - 1) ? (float)(w - 1) : fx;
                    fy = fy < 0.0f ? 0.0f : fy > (float)(h - 1) ? (float)(h - 1) : fy;
                } else if (pad == EC_GS_REFLECTION) {
                    fx = gs_reflect(fx, bx[0], bx[1]);
                    fy = gs_reflect(fy, by[0], by[1]);
                }
            }
            for (ch = 0; ch < c; ch++) {
                const float *img = x + ((int64_t)b * c + ch) * h * w;
                float v;
                if (mode == EC_GS_NEAREST) {
                    v = gs_pixel(img, h, w, (int32_t)fy, (int32_t)fx, pad, bx, by);
                } else if (mode == EC_GS_CUBIC) {
                    const int32_t x0 = (int32_t)floorf(fx) - 1, y0 = (int32_t)floorf(fy) - 1;
                    float cx[4], cy[4];
                    int32_t p, q;
                    gs_cubic_coeffs(fx - (float)x0 - 1.0f, cx);
                    gs_cubic_coeffs(fy - (float)y0 - 1.0f, cy);
                    v = 0.0f;
                    for (p = 0; p < 4; p++) {
                        float row = 0.0f;
                        for (q = 0; q < 4; q++)
                            row += cx[q] * gs_pixel(img, h, w, y0 + p, x0 + q, pad, bx, by);
                        v += cy[p] * row;
                    }
                } else {
                    const int32_t x1 = (int32_t)floorf(fx), y1 = (int32_t)floorf(fy);
                    const float dx1 = fx - (float)x1, dx2 = (float)(x1 + 1) - fx;
                    const float dy1 = fy - (float)y1, dy2 = (float)(y1 + 1) - fy;
                    const float p11 = gs_pixel(img, h, w, y1, x1, pad, bx, by);
                    const float p12 = gs_pixel(img, h, w, y1, x1 + 1, pad, bx, by);
                    const float p21 = gs_pixel(img, h, w, y1 + 1, x1, pad, bx, by);
                    const float p22 = gs_pixel(img, h, w, y1 + 1, x1 + 1, pad, bx, by);
                    v = dy2 * (dx2 * p11 + dx1 * p12) + dy1 * (dx2 * p21 + dx1 * p22);
                }
                y[((int64_t)b * c + ch) * ho * wo + i] = v;
            }
        }
    }
}

/* ---- RoI align ------------------------------------------------------------------ */

/* Samples per bin side for a bin of the given size: ceil(size), kept in
 * [0, 4096] so that garbage RoIs (huge, infinite, NaN) stay defined. */
static int32_t roi_grid(float size)
{
    const float g = ceilf(size);
    if (!(g > 0.0f)) return 0;
    return g > 4096.0f ? 4096 : (int32_t)g;
}

void ec_roi_align_f32(float *y, const float *x, const float *rois, const int64_t *bidx,
                      int32_t n, int32_t c, int32_t h, int32_t w, int32_t r, int32_t ph,
                      int32_t pw, int32_t ratio, float scale, int32_t half_pixel, int32_t mode)
{
    const float off = half_pixel ? 0.5f : 0.0f;
    int32_t ri, ch, oy, ox, iy, ix;
    for (ri = 0; ri < r; ri++) {
        const float *roi = rois + 4 * ri;
        const float sw = roi[0] * scale - off, sh = roi[1] * scale - off;
        const float ew = roi[2] * scale - off, eh = roi[3] * scale - off;
        float rw = ew - sw, rh = eh - sh, bw, bh;
        int32_t gh, gw;
        float count;
        int64_t bi = bidx[ri];
        if (bi < 0) bi = 0;
        if (bi >= n) bi = n - 1;
        if (!half_pixel) {
            if (rw < 1.0f) rw = 1.0f;
            if (rh < 1.0f) rh = 1.0f;
        }
        bh = rh / (float)ph;
        bw = rw / (float)pw;
        gh = ratio > 0 ? ratio : roi_grid(rh / (float)ph);
        gw = ratio > 0 ? ratio : roi_grid(rw / (float)pw);
        count = (float)(gh * gw > 1 ? gh * gw : 1);
        for (ch = 0; ch < c; ch++) {
            const float *img = x + ((int64_t)bi * c + ch) * h * w;
            for (oy = 0; oy < ph; oy++) {
                for (ox = 0; ox < pw; ox++) {
                    float acc = 0.0f;
                    int32_t first = 1;
                    for (iy = 0; iy < gh; iy++) {
                        float yy = sh + (float)oy * bh + ((float)iy + 0.5f) * bh / (float)gh;
                        for (ix = 0; ix < gw; ix++) {
                            float xx = sw + (float)ox * bw + ((float)ix + 0.5f) * bw / (float)gw;
                            float w1 = 0, w2 = 0, w3 = 0, w4 = 0, v1 = 0, v2 = 0, v3 = 0, v4 = 0;
                            /* written so that a NaN coordinate counts as outside */
                            if (yy >= -1.0f && yy <= (float)h && xx >= -1.0f && xx <= (float)w) {
                                float fy = yy <= 0.0f ? 0.0f : yy, fx = xx <= 0.0f ? 0.0f : xx;
                                int32_t yl = (int32_t)fy, xl = (int32_t)fx, yh, xh;
                                float ly, lx;
                                if (yl >= h - 1) { yh = yl = h - 1; fy = (float)yl; } else yh = yl + 1;
                                if (xl >= w - 1) { xh = xl = w - 1; fx = (float)xl; } else xh = xl + 1;
                                ly = fy - (float)yl;
                                lx = fx - (float)xl;
                                w1 = (1.0f - ly) * (1.0f - lx);
                                w2 = (1.0f - ly) * lx;
                                w3 = ly * (1.0f - lx);
                                w4 = ly * lx;
                                v1 = img[yl * w + xl];
                                v2 = img[yl * w + xh];
                                v3 = img[yh * w + xl];
                                v4 = img[yh * w + xh];
                            }
                            if (mode == EC_ROI_MAX) {
                                float m = w1 * v1;
                                if (w2 * v2 > m) m = w2 * v2;
                                if (w3 * v3 > m) m = w3 * v3;
                                if (w4 * v4 > m) m = w4 * v4;
                                if (first || m > acc) acc = m;
                                first = 0;
                            } else {
                                acc += w1 * v1 + w2 * v2 + w3 * v3 + w4 * v4;
                            }
                        }
                    }
                    if (mode != EC_ROI_MAX) acc /= count;
                    y[(((int64_t)ri * c + ch) * ph + oy) * pw + ox] = acc;
                }
            }
        }
    }
}

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

void ec_lp_norm_f32(float *y, const float *x, int32_t outer, int32_t n, int32_t inner, int32_t p)
{
    int32_t o, i, j;
    for (o = 0; o < outer; o++) {
        for (i = 0; i < inner; i++) {
            const int64_t base = (int64_t)o * n * inner + i;
            float s = 0.0f;
            for (j = 0; j < n; j++) {
                const float v = x[base + (int64_t)j * inner];
                s += p == 1 ? fabsf(v) : v * v;
            }
            if (p != 1) s = sqrtf(s);
            for (j = 0; j < n; j++)
                y[base + (int64_t)j * inner] = s != 0.0f ? x[base + (int64_t)j * inner] / s : 0.0f;
        }
    }
}
