/* ec_blockq.c - weight-only block-quantized kernels (layout: ec_blockq.h).
 *
 * Each block's partial sum is taken in float over q * a, then scaled once by
 * the block's d: sum_b d_b * sum_i q_i a_i, equal to sum_i (d_b q_i) a_i up to
 * float rounding. Padding weights of the last block are never read as
 * products: the loops stop at K. */
#include "ec_blockq.h"

static float bq_scale(const uint8_t *blk)
{
    return ec_f16_to_f32((uint16_t)((uint16_t)blk[0] | (uint16_t)((uint16_t)blk[1] << 8)));
}

/* A 4-bit two's complement nibble as an int. */
static int32_t nib(uint32_t v)
{
    return (int32_t)(v ^ 8u) - 8;
}

/* Sum of q[t] * x[t * sx] over the n <= B weights of one w8 block. */
static float dot_q8(const uint8_t *blk, const float *x, int32_t sx, int32_t n)
{
    const int8_t *q = (const int8_t *)(blk + 2);
    float s = 0.0f;
    int32_t t;
    if (sx == 1) {
        /* four partial sums: independent additions the CPU can overlap */
        float s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
        for (t = 0; t + 3 < n; t += 4) {
            s += (float)q[t] * x[t];
            s1 += (float)q[t + 1] * x[t + 1];
            s2 += (float)q[t + 2] * x[t + 2];
            s3 += (float)q[t + 3] * x[t + 3];
        }
        for (; t < n; t++) s += (float)q[t] * x[t];
        s = (s + s1) + (s2 + s3);
    } else {
        for (t = 0; t < n; t++) s += (float)q[t] * x[(size_t)t * (size_t)sx];
    }
    return s;
}

/* The same for a w4 block. */
static float dot_q4(const uint8_t *blk, const float *x, int32_t sx, int32_t n)
{
    const uint8_t *q = blk + 2;
    float s = 0.0f;
    int32_t t;
    if (sx == 1) {
        float s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
        for (t = 0; t + 3 < n; t += 4) {
            uint32_t b0 = q[t >> 1], b1 = q[(t >> 1) + 1];
            s += (float)nib(b0 & 15u) * x[t];
            s1 += (float)nib(b0 >> 4) * x[t + 1];
            s2 += (float)nib(b1 & 15u) * x[t + 2];
            s3 += (float)nib(b1 >> 4) * x[t + 3];
        }
        for (; t + 1 < n; t += 2) {
            uint32_t b = q[t >> 1];
            s += (float)nib(b & 15u) * x[t] + (float)nib(b >> 4) * x[t + 1];
        }
        s = (s + s1) + (s2 + s3);
    } else {
        for (t = 0; t + 1 < n; t += 2) {
            uint32_t b = q[t >> 1];
            s += (float)nib(b & 15u) * x[(size_t)t * (size_t)sx] + (float)nib(b >> 4) * x[(size_t)(t + 1) * (size_t)sx];
        }
    }
    if (t < n) s += (float)nib(q[t >> 1] & 15u) * x[(size_t)t * (size_t)sx];
    return s;
}

#define EC_GEMM_BQ(BITS) \
void ec_gemm_bq##BITS##_f32(float *y, const float *a, const uint8_t *w, const float *c, int32_t M, int32_t N, \
                            int32_t K, int32_t block, int32_t trans_a, float alpha, float beta, int32_t c_sm, \
                            int32_t c_sn) \
{ \
    const int32_t nb = (K + block - 1) / block; \
    const size_t bb = (size_t)EC_BQ_BLOCK_BYTES(BITS, block); \
    const int32_t sk = trans_a ? M : 1; \
    int32_t i, j, b; \
    for (i = 0; i < M; i++) { \
        const float *ar = trans_a ? a + i : a + (size_t)i * (size_t)K; \
        float *yr = y + (size_t)i * (size_t)N; \
        for (j = 0; j < N; j++) { \
            const uint8_t *wr = w + (size_t)j * (size_t)nb * bb; \
            float acc = 0.0f; \
            for (b = 0; b < nb; b++) { \
                const uint8_t *blk = wr + (size_t)b * bb; \
                const int32_t k0 = b * block; \
                const int32_t n = K - k0 < block ? K - k0 : block; \
                acc += bq_scale(blk) * dot_q##BITS(blk, ar + (size_t)k0 * (size_t)sk, sk, n); \
            } \
            acc *= alpha; \
            if (c) acc += beta * c[(size_t)i * (size_t)c_sm + (size_t)j * (size_t)c_sn]; \
            yr[j] = acc; \
        } \
    } \
}

EC_GEMM_BQ(8)
EC_GEMM_BQ(4)

/* Row r (K weights) of a quantized matrix into out. */
static void dequant_row(float *out, const uint8_t *w, int32_t bits, int32_t r, int32_t K, int32_t block)
{
    const int32_t nb = (K + block - 1) / block;
    const size_t bb = (size_t)EC_BQ_BLOCK_BYTES(bits, block);
    const uint8_t *wr = w + (size_t)r * (size_t)nb * bb;
    int32_t b, t;
    for (b = 0; b < nb; b++) {
        const uint8_t *blk = wr + (size_t)b * bb;
        const float d = bq_scale(blk);
        const int32_t k0 = b * block;
        const int32_t n = K - k0 < block ? K - k0 : block;
        if (bits == 8) {
            const int8_t *q = (const int8_t *)(blk + 2);
            for (t = 0; t < n; t++) out[k0 + t] = d * (float)q[t];
        } else {
            const uint8_t *q = blk + 2;
            for (t = 0; t < n; t++) {
                uint32_t v = q[t >> 1];
                out[k0 + t] = d * (float)nib((t & 1) ? v >> 4 : v & 15u);
            }
        }
    }
}

void ec_bq_dequant_f32(float *w, const uint8_t *q, int32_t bits, int32_t R, int32_t K, int32_t block)
{
    int32_t r;
    for (r = 0; r < R; r++) dequant_row(w + (size_t)r * (size_t)K, q, bits, r, K, block);
}

static int32_t row_index(const void *idx, int32_t idx_dt, int32_t j, int32_t V)
{
    int64_t v = idx_dt == EC_DT_INT32 ? (int64_t)((const int32_t *)idx)[j] : ((const int64_t *)idx)[j];
    if (v < 0) v += V;
    if (v < 0) v = 0;
    if (v >= V) v = V > 0 ? V - 1 : 0;
    return (int32_t)v;
}

void ec_gather_bq8_f32(float *y, const uint8_t *w, const void *idx, int32_t idx_dt, int32_t nidx, int32_t V,
                       int32_t D, int32_t block)
{
    int32_t j;
    for (j = 0; j < nidx; j++)
        dequant_row(y + (size_t)j * (size_t)D, w, 8, row_index(idx, idx_dt, j, V), D, block);
}

void ec_gather_bq4_f32(float *y, const uint8_t *w, const void *idx, int32_t idx_dt, int32_t nidx, int32_t V,
                       int32_t D, int32_t block)
{
    int32_t j;
    for (j = 0; j < nidx; j++)
        dequant_row(y + (size_t)j * (size_t)D, w, 4, row_index(idx, idx_dt, j, V), D, block);
}
