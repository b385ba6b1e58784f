/* ec_blockq.h - weight-only block quantization (edgec --quantize w8 / w4).
 *
 * A quantized weight matrix has R rows of K weights, K being the reduction
 * axis (a MatMul/Gemm output channel: the column of B, or the row of a
 * transB Gemm's B; an embedding row for Gather). Each row is cut into
 * nb = ceil(K / B) blocks of B weights (B: --block, even, default 32); the
 * last block of a row is padded with zero weights when B does not divide K.
 * The matrix is stored row after row, block after block, with no gaps:
 *
 *     block (r, b) starts at byte (r * nb + b) * EC_BQ_BLOCK_BYTES(bits, B)
 *
 * One block is a float16 scale d (IEEE binary16, its two bytes little-endian)
 * followed by the quantized weights q, symmetric (no zero point):
 *   w8: B bytes, q[i] int8 in [-127, 127];  weight i = d * q[i]
 *   w4: B/2 bytes, two weights per byte: weight 2j in the low nibble of
 *       byte j, weight 2j+1 in the high nibble, each a 4-bit two's
 *       complement integer in [-8, 7]; weight = d * q (d may be negative)
 * so a block costs 16 + 8B (w8) or 16 + 4B (w4) bits: 8.5 and 4.5 bits per
 * weight at B = 32, plus the padding of the last block.
 *
 * The structs below are that layout for the default B = 32 (on a
 * little-endian host the struct view holds byte for byte); the kernels read
 * bytes, so they work on any host and with any even B. The typedefs with a
 * negative array size stop compilation if a compiler ever pads the structs.
 *
 * Kernels compute in float: activations stay float, each weight is
 * dequantized on the fly as d * q (no integer accumulation).
 */
#ifndef EC_BLOCKQ_H
#define EC_BLOCKQ_H

#include "ec_rt.h"

/* Bytes of one block of B weights (B even). */
#define EC_BQ_BLOCK_BYTES(bits, B) (2 + ((bits) == 8 ? (B) : (B) / 2))

typedef struct ec_bq8_32 {
    uint16_t d;         /* float16 scale */
    int8_t q[32];       /* weight i = d * q[i] */
} ec_bq8_32;

typedef struct ec_bq4_32 {
    uint16_t d;         /* float16 scale */
    uint8_t q[16];      /* weight 2j: low nibble of q[j], 2j+1: high nibble; signed 4-bit */
} ec_bq4_32;

typedef char ec_bq8_32_size_check[sizeof(ec_bq8_32) == EC_BQ_BLOCK_BYTES(8, 32) ? 1 : -1];
typedef char ec_bq4_32_size_check[sizeof(ec_bq4_32) == EC_BQ_BLOCK_BYTES(4, 32) ? 1 : -1];
typedef char ec_bq8_32_offset_check[offsetof(ec_bq8_32, q) == 2 ? 1 : -1];
typedef char ec_bq4_32_offset_check[offsetof(ec_bq4_32, q) == 2 ? 1 : -1];

/* Y [M, N] = alpha * A' W^T + beta * C
 *   A' = A [M, K] (trans_a = 0) or the transpose of A [K, M] (trans_a = 1), float;
 *   W [N, K]: N rows of K weights in the layout above (bits 8 or 4, block B);
 *   C (may be NULL) element (i, j) at c[i * c_sm + j * c_sn] (0 strides broadcast).
 * MatMul with a constant B [K, N] is this with W = B^T, alpha 1, C NULL. */
void ec_gemm_bq8_f32(float *y, const float *a, const uint8_t *w, const float *c, int32_t M, int32_t N,
                     int32_t K, int32_t block, int32_t trans_a, float alpha, float beta, int32_t c_sm,
                     int32_t c_sn);
void ec_gemm_bq4_f32(float *y, const float *a, const uint8_t *w, const float *c, int32_t M, int32_t N,
                     int32_t K, int32_t block, int32_t trans_a, float alpha, float beta, int32_t c_sm,
                     int32_t c_sn);

/* Y [nidx, D] = rows idx[] of the table W [V, D] (layout above, K = D), dequantized.
 * idx: int32 (idx_dt 6) or int64 (idx_dt 7), negative counts from the end. */
void ec_gather_bq8_f32(float *y, const uint8_t *w, const void *idx, int32_t idx_dt, int32_t nidx, int32_t V,
                       int32_t D, int32_t block);
void ec_gather_bq4_f32(float *y, const uint8_t *w, const void *idx, int32_t idx_dt, int32_t nidx, int32_t V,
                       int32_t D, int32_t block);

/* W [R, K] as float, R rows dequantized from the layout above: the scalar reference of the
 * kernels above, and the kernel of a block-quantized constant that only float ops read. */
void ec_bq_dequant_f32(float *w, const uint8_t *q, int32_t bits, int32_t R, int32_t K, int32_t block);

#endif
