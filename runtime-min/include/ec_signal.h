/* ec_signal.h - runtime-min kernels of the signal family: windows, Fourier
 * transforms (DFT, STFT), mel filter banks, grid sampling, RoI align,
 * determinants and Lp normalization.
 *
 * Complex tensors are ONNX's: a trailing dim of 2 holding (real, imaginary);
 * a real signal has a trailing dim of 1.
 *
 * Scratch: kernels that take `scratch` need the number of bytes given by the
 * macro next to them; the caller owns it (the compiler places it in the arena).
 */
#ifndef EC_SIGNAL_H
#define EC_SIGNAL_H

#include "ec_rt.h"

/* ---- windows --------------------------------------------------------------- */

enum { EC_WINDOW_HANN = 0, EC_WINDOW_HAMMING = 1, EC_WINDOW_BLACKMAN = 2 };

/* y (n) = generalized cosine window of kind EC_WINDOW_*:
 *     y[i] = a0 - a1 cos(2 pi i / N) + a2 cos(4 pi i / N),
 * N = n when periodic, n - 1 otherwise (a symmetric window of size 1 is 1). */
void ec_window_f32(float *y, int32_t n, int32_t kind, int32_t periodic);
void ec_window_f64(double *y, int32_t n, int32_t kind, int32_t periodic);

/* ---- Fourier transforms ---------------------------------------------------- */

/* Bytes of scratch for a transform of length n: twiddles and one work line. */
#define EC_DFT_SCRATCH_BYTES(n) ((int32_t)(4 * (n) * (int32_t)sizeof(float)))

/* y (outer, nout, inner, 2) = DFT of length n along dim 1 of x (outer, nin,
 * inner, cin), cin 1 (real) or 2 (complex). The signal is truncated or
 * zero-padded to n; only the first nout (n or n/2+1) bins are written.
 * inverse: e^{+2 pi i jk/n} and a 1/n scale. A radix-2 FFT when n is a power
 * of two, a direct O(n^2) sum otherwise. scratch: EC_DFT_SCRATCH_BYTES(n). */
void ec_dft_f32(float *y, const float *x, void *scratch, int32_t outer, int32_t nin,
                int32_t inner, int32_t cin, int32_t n, int32_t nout, int32_t inverse);

/* y (batch, frames, nout, 2) = DFT of length n of each frame of x (batch, len,
 * cin): frame f is x[b, f*step + j] * window[j], j < n (window (n) may be NULL:
 * rectangular). frames*step + n - step <= len. scratch: EC_DFT_SCRATCH_BYTES(n). */
void ec_stft_f32(float *y, const float *x, const float *window, void *scratch, int32_t batch,
                 int32_t len, int32_t cin, int32_t step, int32_t frames, int32_t n, int32_t nout);

/* y (dft_length/2 + 1, nmel) = triangular mel filter bank, as ONNX's
 * MelWeightMatrix: nmel + 2 points spaced evenly on the mel scale
 * (2595 log10(1 + f/700)) between lower and upper hertz, mapped to the FFT
 * bin floor((dft_length + 1) f / rate). Computed in double (a constant the
 * compiler folds; bin edges must agree with the reference). */
void ec_mel_weight_f32(float *y, int32_t nmel, int32_t dft_length, int32_t rate, float lower,
                       float upper);

/* ---- sampling ---------------------------------------------------------------- */

enum { EC_GS_LINEAR = 0, EC_GS_NEAREST = 1, EC_GS_CUBIC = 2 };
enum { EC_GS_ZEROS = 0, EC_GS_BORDER = 1, EC_GS_REFLECTION = 2 };

/* y (n, c, ho, wo) = x (n, c, h, w) sampled at grid (n, ho, wo, 2) positions
 * (x, y in [-1, 1]); mode EC_GS_*, pad EC_GS_ZEROS/BORDER/REFLECTION. Cubic
 * is bicubic with A = -0.75; nearest rounds half to even. */
void ec_grid_sample_f32(float *y, const float *x, const float *grid, int32_t n, int32_t c,
                        int32_t h, int32_t w, int32_t ho, int32_t wo, int32_t mode, int32_t pad,
                        int32_t align_corners);

enum { EC_ROI_AVG = 0, EC_ROI_MAX = 1 };

/* y (r, c, ph, pw) = RoI align of x (n, c, h, w) over rois (r, 4) = (x1, y1,
 * x2, y2) scaled by scale, image bidx[r] (clamped to [0, n)). half_pixel:
 * coordinates shifted by -0.5 (else RoI sizes are at least 1). ratio: samples
 * per bin side (0: ceil(roi size / bins)). mode EC_ROI_AVG or EC_ROI_MAX. */
void ec_roi_align_f32(float *y, const float *x, const float *rois, const int64_t *bidx,
                      int32_t n, int32_t c, int32_t h, int32_t w, int32_t r, int32_t ph,
                      int32_t pw, int32_t ratio, float scale, int32_t half_pixel, int32_t mode);

/* ---- linear algebra ------------------------------------------------------------ */

/* y (batch) = det of each x (batch, m, m); LU with partial pivoting.
 * scratch: m*m elements of the type. */
void ec_det_f32(float *y, const float *x, void *scratch, int32_t batch, int32_t m);
void ec_det_f64(double *y, const double *x, void *scratch, int32_t batch, int32_t m);

/* y (outer, n, inner) = x / ||x||_p along dim 1, p 1 or 2; a zero norm gives 0. */
void ec_lp_norm_f32(float *y, const float *x, int32_t outer, int32_t n, int32_t inner, int32_t p);

#endif
