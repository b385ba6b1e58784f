/* ec_quant.h - runtime-min kernels of the quant family: linear quantization
 * and dequantization, and integer matrix products and convolutions.
 *
 * Quantized values: real = (q - zero_point) * scale. Zero points have the
 * type of the tensor they belong to; a NULL zero point means 0. Type suffixes
 * name the quantized operands in argument order: u8 = uint8_t, s8 = int8_t
 * (ec_matmul_integer_u8s8: a uint8, b int8; ec_qlinear_conv_u8s8u8: x uint8,
 * w int8, y uint8).
 *
 * ---- Requantization (QLinearConv, QLinearMatMul) --------------------------
 * The products run entirely in integers. The accumulator
 *     acc = sum (x - x_zp) * (w - w_zp)  [+ bias]
 * is exact (int32, wrapping modulo 2^32 like the ONNX spec allows) in units
 * of x_scale * w_scale, and the output is
 *     y = saturate(round_half_even(acc * real) + y_zp),
 *     real = (x_scale * w_scale) / y_scale        (float arithmetic, this order)
 * real is held as a Q31 multiplier and a power-of-two shift, CMSIS-NN's
 * arm_nn_requantize convention:
 *     real = mult * 2^(shift - 31),  mult in [2^30, 2^31),  shift > 0: left
 * ec_quant_multiplier() computes (mult, shift) from the three scales; the
 * compiler calls it at compile time when the scales are constants (the rq
 * arrays below) and the _rt kernels call it at run time otherwise, so both
 * give the same bits. mult = round(m * 2^31) with m = frexpf(real) in
 * [0.5, 1): a float has a 24-bit significand, so m * 2^31 is an integer
 * and the rounding is exact - the multiplier is the float real scale, with
 * no error.
 *
 * Rounding note. ec_requantize() forms acc * mult as an exact 64-bit product
 * and shifts it right by 31 - shift with ONE rounding, half to even (ONNX's
 * rule for QuantizeLinear and the QLinear ops). CMSIS-NN's arm_nn_requantize
 * rounds twice (the doubling high multiply rounds half up, then the divide by
 * a power of two rounds half away from zero) and can be 1 LSB off on ties;
 * onnxruntime and the ONNX reference compute float(acc) * real in float and
 * round with nearbyintf. Ours is the exactly rounded value of acc * real:
 * the float reference can only differ where float(acc) * real lands within
 * one float ulp of a half-integer (rare; none of the ONNX conformance data).
 * Degenerate scales: real <= 0, NaN, or below 2^-32 give mult = 0 (every
 * output = y_zp); real >= 2^31 (or inf) saturates every non-zero acc.
 *
 * ---- Layouts --------------------------------------------------------------
 * Convolution: x (n, c, I1..In), w (m, c/group, K1..Kn), y (n, m, O1..On),
 * bias (m) int32; p is ec_nn.h's window parameter array (7*nd values: input
 * sizes, output sizes, kernel, stride, dilation, pad begin, pad end); padded
 * positions hold x_zp (contribute 0).
 * Batched matrix products: y (B1..Br, M, N) = a (.., M, K) @ b (.., K, N);
 * p = [batch dims (r), a batch strides (r), b batch strides (r)] in elements
 * (0 where that operand broadcasts), as ec_matmul_f32; r may be 0 (p unused).
 *
 * Per-axis (de)quantization views x as (outer, ch, inner): element
 * ((o * ch) + k) * inner + i uses scale[k] and zp[k]; ch = 1 is per-tensor.
 */
#ifndef EC_QUANT_H
#define EC_QUANT_H

#include "ec_rt.h"

/* ---- requantization --------------------------------------------------------- */

/* rq[0] = mult, rq[1] = shift for real = (x_scale * w_scale) / y_scale. */
void ec_quant_multiplier(int32_t *rq, float x_scale, float w_scale, float y_scale);

/* round_half_even(acc * mult * 2^(shift - 31)), for (mult, shift) from
 * ec_quant_multiplier (so 0 <= 31 - shift <= 62 and |acc * mult| < 2^62). */
static inline int64_t ec_requantize(int32_t acc, int32_t mult, int32_t shift)
{
    const int32_t rs = 31 - shift;
    const int64_t prod = (int64_t)acc * (int64_t)mult;
    const uint64_t mag = prod < 0 ? (uint64_t)0 - (uint64_t)prod : (uint64_t)prod;
    uint64_t q, rem, half;
    if (rs <= 0) return prod;
    q = mag >> rs;
    rem = mag & ((((uint64_t)1) << rs) - 1u);
    half = ((uint64_t)1) << (rs - 1);
    if (rem > half || (rem == half && (q & 1u))) q++;
    return prod < 0 ? -(int64_t)q : (int64_t)q;
}

/* ---- QuantizeLinear / DequantizeLinear / DynamicQuantizeLinear -------------- */

/* y (outer, ch, inner) = saturate(round_half_even(x / scale[k]) + zp[k]).
 * x / scale is a float division (the spec's formula); NaN gives zp. */
void ec_quantize_linear_f32_u8(uint8_t *y, const float *x, const float *scale, const uint8_t *zp,
                               int32_t outer, int32_t ch, int32_t inner);
void ec_quantize_linear_f32_s8(int8_t *y, const float *x, const float *scale, const int8_t *zp,
                               int32_t outer, int32_t ch, int32_t inner);
void ec_quantize_linear_s32_u8(uint8_t *y, const int32_t *x, const float *scale, const uint8_t *zp,
                               int32_t outer, int32_t ch, int32_t inner);
void ec_quantize_linear_s32_s8(int8_t *y, const int32_t *x, const float *scale, const int8_t *zp,
                               int32_t outer, int32_t ch, int32_t inner);

/* y (outer, ch, inner) = (x - zp[k]) * scale[k], the difference exact. */
void ec_dequantize_linear_u8(float *y, const uint8_t *x, const float *scale, const uint8_t *zp,
                             int32_t outer, int32_t ch, int32_t inner);
void ec_dequantize_linear_s8(float *y, const int8_t *x, const float *scale, const int8_t *zp,
                             int32_t outer, int32_t ch, int32_t inner);
void ec_dequantize_linear_s32(float *y, const int32_t *x, const float *scale, const int32_t *zp,
                              int32_t outer, int32_t ch, int32_t inner);

/* x (n) float -> y (n) uint8 with run-time scale and zero point (the spec's
 * float formulas): lo = min(0, min x), hi = max(0, max x),
 * scale = (hi - lo) / 255, zp = saturate(round_half_even(0 - lo / scale)),
 * y = saturate(round_half_even(x / scale) + zp). All-zero x (scale 0) gives
 * scale 0, zp 0, y 0. y_scale, y_zp: one element each (may be NULL). */
void ec_dynamic_quantize_linear_u8(uint8_t *y, float *y_scale, uint8_t *y_zp, const float *x,
                                   int32_t n);

/* ---- MatMulInteger / ConvInteger (int32 output) ------------------------------ */

/* y (.., M, N) int32 = (a - a_zp) @ (b - b_zp). a_zp: a_zp_n = 1 (per tensor)
 * or M (per row) values; b_zp: b_zp_n = 1 or N (per column). */
#define EC_QUANT_DECL_MATMUL_INTEGER(TA, TB, S) \
void ec_matmul_integer_##S(int32_t *y, const TA *a, const TB *b, const TA *a_zp, const TB *b_zp, \
                           int32_t M, int32_t N, int32_t K, int32_t a_zp_n, int32_t b_zp_n, \
                           int32_t r, const int32_t *p);
EC_QUANT_DECL_MATMUL_INTEGER(uint8_t, uint8_t, u8u8)
EC_QUANT_DECL_MATMUL_INTEGER(uint8_t, int8_t, u8s8)
EC_QUANT_DECL_MATMUL_INTEGER(int8_t, uint8_t, s8u8)
EC_QUANT_DECL_MATMUL_INTEGER(int8_t, int8_t, s8s8)

/* y (n, m, O..) int32 = conv(x - x_zp, w - w_zp); x_zp one value, w_zp
 * w_zp_n = 1 or m (per output channel) values. */
#define EC_QUANT_DECL_CONV_INTEGER(TX, TW, S) \
void ec_conv_integer_##S(int32_t *y, const TX *x, const TW *w, const TX *x_zp, const TW *w_zp, \
                         int32_t n, int32_t c, int32_t m, int32_t group, int32_t w_zp_n, \
                         int32_t nd, const int32_t *p);
EC_QUANT_DECL_CONV_INTEGER(uint8_t, uint8_t, u8u8)
EC_QUANT_DECL_CONV_INTEGER(uint8_t, int8_t, u8s8)
EC_QUANT_DECL_CONV_INTEGER(int8_t, uint8_t, s8u8)
EC_QUANT_DECL_CONV_INTEGER(int8_t, int8_t, s8s8)

/* ---- QLinearMatMul / QLinearConv (requantized output) ------------------------ */

/* QLinearMatMul: y (.., M, N) = requantize((a - a_zp) @ (b - b_zp)), a_zp and
 * y_zp one value, b_zp bn = 1 or N (per column) values.
 * rq: bn (mult, shift) pairs (per column when bn = N).
 * acc: scratch of N int32 (EC_QLINEAR_MATMUL_WORK(N, bn) for the _rt form).
 * _rt: scales given at run time (a_scale 1, b_scale bn, y_scale 1 values);
 * the (mult, shift) pairs are computed into work after the N accumulators. */
#define EC_QLINEAR_MATMUL_WORK(N, bn) ((N) + 2 * (bn))

/* QLinearConv: y (n, m, O..) = requantize(conv(x - x_zp, w - w_zp) + bias);
 * bias (m) int32 or NULL, x_zp, y_zp one value, w_zp wn = 1 or m values.
 * rq: wn (mult, shift) pairs. acc: scratch of O1*..*On int32
 * (EC_QLINEAR_CONV_WORK(O1*..*On, wn) for the _rt form, scales x 1, w wn, y 1). */
#define EC_QLINEAR_CONV_WORK(osz, wn) ((osz) + 2 * (wn))

#define EC_QUANT_DECL_QLINEAR(TX, TW, TY, S) \
void ec_qlinear_matmul_##S(TY *y, int32_t *acc, const TX *a, const TW *b, const TX *a_zp, \
                           const TW *b_zp, const TY *y_zp, int32_t M, int32_t N, int32_t K, \
                           int32_t bn, int32_t r, const int32_t *rq, const int32_t *p); \
void ec_qlinear_matmul_rt_##S(TY *y, int32_t *work, const TX *a, const TW *b, const TX *a_zp, \
                              const TW *b_zp, const TY *y_zp, const float *a_scale, \
                              const float *b_scale, const float *y_scale, int32_t M, int32_t N, \
                              int32_t K, int32_t bn, int32_t r, const int32_t *p); \
void ec_qlinear_conv_##S(TY *y, int32_t *acc, const TX *x, const TW *w, const int32_t *bias, \
                         const TX *x_zp, const TW *w_zp, const TY *y_zp, int32_t n, int32_t c, \
                         int32_t m, int32_t group, int32_t wn, int32_t nd, const int32_t *rq, \
                         const int32_t *p); \
void ec_qlinear_conv_rt_##S(TY *y, int32_t *work, const TX *x, const TW *w, const int32_t *bias, \
                            const TX *x_zp, const TW *w_zp, const TY *y_zp, const float *x_scale, \
                            const float *w_scale, const float *y_scale, int32_t n, int32_t c, \
                            int32_t m, int32_t group, int32_t wn, int32_t nd, const int32_t *p);
EC_QUANT_DECL_QLINEAR(uint8_t, uint8_t, uint8_t, u8u8u8)
EC_QUANT_DECL_QLINEAR(uint8_t, uint8_t, int8_t, u8u8s8)
EC_QUANT_DECL_QLINEAR(uint8_t, int8_t, uint8_t, u8s8u8)
EC_QUANT_DECL_QLINEAR(uint8_t, int8_t, int8_t, u8s8s8)
EC_QUANT_DECL_QLINEAR(int8_t, uint8_t, uint8_t, s8u8u8)
EC_QUANT_DECL_QLINEAR(int8_t, uint8_t, int8_t, s8u8s8)
EC_QUANT_DECL_QLINEAR(int8_t, int8_t, uint8_t, s8s8u8)
EC_QUANT_DECL_QLINEAR(int8_t, int8_t, int8_t, s8s8s8)

#endif
