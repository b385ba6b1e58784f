/* ec_grid_sample_f32.c - generic kernel(s) declared in ec_signal.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_signal_util.h"


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
