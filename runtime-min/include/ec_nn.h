/* ec_nn.h - runtime-min kernels of the nn family: convolution, pooling,
 * normalization, matrix products, einsum.
 *
 * Layouts are ONNX's: activations NCHW (N, C, D1..Dn), convolution weights
 * (M, C/group, K1..Kn), transposed-convolution weights (C, M/group, K1..Kn).
 *
 * Window parameter array `p` shared by conv, conv_transpose and the pools,
 * for nd spatial dims (7*nd int32 values, dims in ONNX order):
 *     p[0*nd + i]  input size of spatial dim i
 *     p[1*nd + i]  output size
 *     p[2*nd + i]  kernel size
 *     p[3*nd + i]  stride
 *     p[4*nd + i]  dilation
 *     p[5*nd + i]  padding at the beginning
 *     p[6*nd + i]  padding at the end (only average pooling reads it)
 * Output position o of dim i reads input positions o*stride - pad_begin + k*dilation
 * (conv, pools); conv_transpose writes input position j to j*stride - pad_begin
 * + k*dilation. Positions outside [0, size) are padding.
 *
 * All kernels are plain C99 with no allocation; later SIMD variants keep these
 * symbols and argument lists.
 */
#ifndef EC_NN_H
#define EC_NN_H

#include "ec_rt.h"

/* Number of int32 values in a window parameter array for nd spatial dims. */
#define EC_NN_WIN_PARAMS(nd) (7 * (nd))

/* ---- convolution --------------------------------------------------------- */

/* y (n, m, O1..On) = conv(x (n, c, I1..In), w (m, c/group, K1..Kn)) + b (m) or none.
 * b may be NULL. nd >= 1; p: window array (7*nd). */
void ec_conv_f32(float *y, const float *x, const float *w, const float *b,
                 int32_t n, int32_t c, int32_t m, int32_t group, int32_t nd, const int32_t *p);

/* y (n, m, O1..On) = conv_transpose(x (n, c, I1..In), w (c, m/group, K1..Kn)) + b (m).
 * b may be NULL. p: window array (input = x's spatial sizes, output = y's). */
void ec_conv_transpose_f32(float *y, const float *x, const float *w, const float *b,
                           int32_t n, int32_t c, int32_t m, int32_t group, int32_t nd,
                           const int32_t *p);

/* ---- pooling ------------------------------------------------------------- */

/* y (nc, O1..On) = max over each window of x (nc, I1..In); nc = N*C.
 * idx (same shape as y) may be NULL; else it gets the flat index into x of the
 * maximum (first one on ties), row-major over the spatial dims when
 * storage_order == 0, column-major when 1, plus (n*C + c) * I1*..*In.
 * A window entirely in the padding gives the type's lowest value, index -1. */
void ec_maxpool_f32(float *y, int64_t *idx, const float *x, int32_t nc, int32_t storage_order,
                    int32_t nd, const int32_t *p);
void ec_maxpool_u8(uint8_t *y, int64_t *idx, const uint8_t *x, int32_t nc, int32_t storage_order,
                   int32_t nd, const int32_t *p);
void ec_maxpool_s8(int8_t *y, int64_t *idx, const int8_t *x, int32_t nc, int32_t storage_order,
                   int32_t nd, const int32_t *p);

/* y (nc, O1..On) = mean over each window of x (nc, I1..In). count_include_pad:
 * divide by the window positions inside [-pad_begin, size + pad_end) instead of
 * only those inside the input. */
void ec_avgpool_f32(float *y, const float *x, int32_t nc, int32_t count_include_pad,
                    int32_t nd, const int32_t *p);

/* y (nc, O1..On) = (sum over each window of |x|^pw)^(1/pw), x (nc, I1..In). */
void ec_lppool_f32(float *y, const float *x, int32_t nc, float pw, int32_t nd, const int32_t *p);

/* y (nc) = mean / max of x (nc, s) over its s elements (s > 0). */
void ec_global_avgpool_f32(float *y, const float *x, int32_t nc, int32_t s);
void ec_global_maxpool_f32(float *y, const float *x, int32_t nc, int32_t s);
/* y (nc) = (sum of |x|^pw over x (nc, s))^(1/pw) */
void ec_global_lppool_f32(float *y, const float *x, int32_t nc, int32_t s, float pw);

/* MaxUnpool: y (D0..D(rank-1)) = 0, then each x[j] (nx elements) goes to the
 * position idx[j], a flat index into the shape I0..I(rank-1) that MaxPool's
 * indices refer to (unpooled shape without output_shape); positions outside
 * y are dropped. p = [I (rank), D (rank)]. */
void ec_maxunpool_f32(float *y, const float *x, const int64_t *idx, int32_t nx, int32_t rank,
                      const int32_t *p);

/* ---- normalization ------------------------------------------------------- */

/* Inference batch norm: x, y (n, c, s); scale, bias, mean, var (c).
 * y = (x - mean) / sqrt(var + eps) * scale + bias */
void ec_batchnorm_f32(float *y, const float *x, const float *scale, const float *bias,
                      const float *mean, const float *var, int32_t n, int32_t c, int32_t s,
                      float eps);

/* x, y (n, c, s); scale, bias, mean, var, run_mean, run_var (c). Training-mode
 * batch normalization (opset 14+): each channel is normalized with its batch
 * mean and population variance over the n*s elements; run_mean/run_var (NULL
 * to skip) = mean * momentum + batch_mean * (1 - momentum), and the same for
 * var. y may alias x. */
void ec_batchnorm_train_f32(float *y, float *run_mean, float *run_var, const float *x,
                            const float *scale, const float *bias, const float *mean,
                            const float *var, int32_t n, int32_t c, int32_t s, float eps,
                            float momentum);

/* x, y (n, c, s); scale, bias (c). Normalize each (n, c) row of s elements:
 * y = (x - mean) / sqrt(variance + eps) * scale + bias */
void ec_instancenorm_f32(float *y, const float *x, const float *scale, const float *bias,
                         int32_t n, int32_t c, int32_t s, float eps);

/* x, y (outer, inner); scale (sn) and bias (bn) broadcast along each row:
 * element j of a row uses scale[j % sn] and bias[j % bn]; bias may be NULL. mean, invstd
 * (outer) may be NULL. y = (x - mean) * invstd * scale + bias,
 * invstd = 1 / sqrt(variance + eps). */
void ec_layernorm_f32(float *y, float *mean, float *invstd, const float *x,
                      const float *scale, const float *bias, int32_t outer, int32_t inner,
                      int32_t sn, int32_t bn, float eps);

/* x, y (n, c, s): y = x / (bias + alpha / size * sum of x^2 over channels
 * [c - (size-1)/2, c + size/2])^beta */
void ec_lrn_f32(float *y, const float *x, int32_t n, int32_t c, int32_t s, int32_t size,
                float alpha, float beta, float bias);

/* x, y of shape dims[0..rank); reduced[i] != 0 marks the axes normalized over:
 * y = (x - mean) / (sqrt(mean(x^2) - mean^2) + 1e-9).
 * p = [dims (rank), reduced (rank)]. */
void ec_mvn_f32(float *y, const float *x, int32_t rank, const int32_t *p);

/* ---- matrix products ----------------------------------------------------- */

/* y (M, N) = alpha * A' B' + beta * C, A' = a (M, K) or a^T for a (K, M) when
 * trans_a, B' = b (K, N) or b^T for b (N, K) when trans_b. c may be NULL; else
 * C[i][j] = c[i * c_sm + j * c_sn] (strides 0 broadcast). */
void ec_gemm_f32(float *y, const float *a, const float *b, const float *c,
                 int32_t M, int32_t N, int32_t K, int32_t trans_a, int32_t trans_b,
                 float alpha, float beta, int32_t c_sm, int32_t c_sn);
void ec_gemm_f64(double *y, const double *a, const double *b, const double *c,
                 int32_t M, int32_t N, int32_t K, int32_t trans_a, int32_t trans_b,
                 float alpha, float beta, int32_t c_sm, int32_t c_sn);

/* Batched matmul with broadcast batch dims: y (B1..Br, M, N) = a (.., M, K) @ b (.., K, N).
 * p = [batch dims (r), a batch strides (r), b batch strides (r)] in elements
 * (0 where that operand broadcasts). r may be 0 (p unused). */
void ec_matmul_f32(float *y, const float *a, const float *b, int32_t M, int32_t N, int32_t K,
                   int32_t r, const int32_t *p);
void ec_matmul_f64(double *y, const double *a, const double *b, int32_t M, int32_t N, int32_t K,
                   int32_t r, const int32_t *p);

/* Generic einsum of one or two operands over nlab labels, the first nout of
 * which are the output's (y contiguous in that order):
 *   y[l0..l(nout-1)] = sum over the other labels of a[sa . l] * b[sb . l]
 * p = [dims (nlab), a strides (nlab), b strides (nlab)] in elements; b may be
 * NULL (one operand). Repeated labels in an operand (diagonals) have their
 * strides summed by the compiler. */
void ec_einsum_f32(float *y, const float *a, const float *b, int32_t nout, int32_t nlab,
                   const int32_t *p);
void ec_einsum_f64(double *y, const double *a, const double *b, int32_t nout, int32_t nlab,
                   const int32_t *p);

#endif
