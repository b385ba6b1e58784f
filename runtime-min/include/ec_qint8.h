/* ec_qint8.h - runtime-min int8 kernels of static post-training quantization
 * (edgec --quantize int8): integer only, no float, no FPU needed.
 *
 * Activations are int8 per tensor, asymmetric: real = (q - zp) * scale.
 * Weights are int8 per output channel, symmetric (zero point 0); biases are
 * int32 in units of x_scale * w_scale[channel].
 *
 * Requantization is CMSIS-NN style: an int32 accumulator is scaled by a real
 * factor held as a Q31 multiplier and a shift, real = mult * 2^(shift - 31),
 * mult in [2^30, 2^31) (the compiler computes the pairs with ec_quant.h's
 * ec_quant_multiplier). ec_s8_requant rounds acc * mult * 2^(shift - 31)
 * once, half to even, from the exact 64-bit product (same rule as
 * ec_requantize in ec_quant.h). Every result is then offset by the output
 * zero point and clamped to [act_min, act_max] (a subrange of [-128, 127]:
 * fused Relu / Clip bounds).
 *
 * rq arrays hold (mult, shift) pairs: one per output channel for conv and
 * fc, fixed layouts for the elementwise kernels (see each kernel).
 * Layouts follow ONNX: activations NCHW, conv weights (m, c/group, K..),
 * p the window parameter array of ec_nn.h (7*nd values).
 */
#ifndef EC_QINT8_H
#define EC_QINT8_H

#include "ec_rt.h"

/* round_half_even(acc * mult * 2^(shift - 31)) for 0 <= 31 - shift <= 62. */
static inline int32_t ec_s8_requant(int32_t acc, int32_t mult, int32_t shift)
{
    const int32_t rs = 31 - shift;
    const int64_t prod = (int64_t)acc * (int64_t)mult;
    const uint64_t mag = prod < 0 ? (uint64_t)0 - (uint64_t)prod : (uint64_t)prod;
    uint64_t q, rem, half;
    int64_t r;
    if (rs <= 0) {
        r = prod;
    } else {
        q = mag >> rs;
        rem = mag & ((((uint64_t)1) << rs) - 1u);
        half = ((uint64_t)1) << (rs - 1);
        if (rem > half || (rem == half && (q & 1u))) q++;
        r = prod < 0 ? -(int64_t)q : (int64_t)q;
    }
    if (r > INT32_MAX) return INT32_MAX;
    if (r < INT32_MIN) return INT32_MIN;
    return (int32_t)r;
}

/* clamp(v + zp, lo, hi) as int8, computed in 64 bits (no overflow). */
static inline int8_t ec_s8_out(int32_t v, int32_t zp, int32_t lo, int32_t hi)
{
    int64_t y = (int64_t)v + zp;
    if (y < lo) y = lo;
    if (y > hi) y = hi;
    return (int8_t)y;
}

/* y (n, m, O1..On) = conv(x (n, c, I1..In) - x_zp, w (m, c/group, K1..Kn)) + bias,
 * requantized per output channel (rq: m pairs). bias (m) may be NULL. Padding
 * contributes 0 (it stands for x_zp). */
void ec_s8_conv(int8_t *y, const int8_t *x, const int8_t *w, const int32_t *bias,
                int32_t n, int32_t c, int32_t m, int32_t group, int32_t x_zp, int32_t y_zp,
                int32_t act_min, int32_t act_max, int32_t nd, const int32_t *rq,
                const int32_t *p);

/* Depthwise 2-D conv: group = c, m = c * mult (output channel k reads input
 * channel k / mult), w (m, 1, KH, KW); otherwise as ec_s8_conv with nd = 2. */
void ec_s8_dwconv(int8_t *y, const int8_t *x, const int8_t *w, const int32_t *bias,
                  int32_t n, int32_t c, int32_t m, int32_t x_zp, int32_t y_zp,
                  int32_t act_min, int32_t act_max, const int32_t *rq, const int32_t *p);

/* Fully connected: y (M, N) = (x (M, K) - x_zp) @ w (N, K)^T + bias (N),
 * requantized per column (rq: N pairs). bias may be NULL. */
void ec_s8_fc(int8_t *y, const int8_t *x, const int8_t *w, const int32_t *bias,
              int32_t M, int32_t N, int32_t K, int32_t x_zp, int32_t y_zp,
              int32_t act_min, int32_t act_max, const int32_t *rq);

/* Average pooling, same scale and zero point in and out:
 * y = round_half_even(sum of the window's (x - x_zp) / count) + x_zp (the
 * real mean quantized, as DequantizeLinear -> AveragePool -> QuantizeLinear
 * gives), count the window positions inside the input, or inside
 * [-pad_begin, size + pad_end) when count_include_pad (padding adds 0).
 * x (nc, I1..In), y (nc, O1..On), p: ec_nn.h window array. */
void ec_s8_avgpool(int8_t *y, const int8_t *x, int32_t nc, int32_t count_include_pad,
                   int32_t x_zp, int32_t nd, const int32_t *p);

/* y (nc) = round_half_even(mean of x (nc, s) - x_zp) + x_zp, same parameters. */
void ec_s8_global_avgpool(int8_t *y, const int8_t *x, int32_t nc, int32_t s, int32_t x_zp);

/* Broadcasting add: y = requant(a - a_zp) + requant(b - b_zp), both
 * inputs first brought to a common scale with 20 bits of headroom (TFLite's
 * scheme): rq = [a (mult, shift), b (mult, shift), out (mult, shift)] for
 * real_a = sa / (2 max(sa, sb)), real_b = sb / (2 max(sa, sb)),
 * real_out = 2 max(sa, sb) / (2^20 sy). Broadcast layout as ec_binary_*:
 * dims[rank] and per-input element strides (0 along a broadcast dim). */
void ec_s8_add(int8_t *y, const int8_t *a, const int8_t *b, int32_t a_zp, int32_t b_zp,
               int32_t y_zp, int32_t act_min, int32_t act_max, int32_t rank,
               const int32_t *dims, const int32_t *a_strides, const int32_t *b_strides,
               const int32_t *rq);

/* Broadcasting multiply: y = requant((a - a_zp) * (b - b_zp)),
 * rq = (mult, shift) for sa * sb / sy. */
void ec_s8_mul(int8_t *y, const int8_t *a, const int8_t *b, int32_t a_zp, int32_t b_zp,
               int32_t y_zp, int32_t act_min, int32_t act_max, int32_t rank,
               const int32_t *dims, const int32_t *a_strides, const int32_t *b_strides,
               const int32_t *rq);

/* Rescale x (outer, inner) to another scale and zero point and write it into
 * y (outer, y_inner) at column offset off (Concat: one call per input):
 * y[o * y_inner + off + i] = clamp(requant(x[o * inner + i] - x_zp) + y_zp),
 * rq = (mult, shift) for sx / sy. */
void ec_s8_rescale(int8_t *y, const int8_t *x, int32_t x_zp, int32_t y_zp, int32_t outer,
                   int32_t inner, int32_t y_inner, int32_t off, const int32_t *rq);

#endif
