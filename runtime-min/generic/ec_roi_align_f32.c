/* ec_roi_align_f32.c - generic kernel(s) declared in ec_signal.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_signal_util.h"


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
