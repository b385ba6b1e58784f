/* ec_shape.h - edgec runtime-min: data-movement kernels (shape family).
 *
 * Every kernel here only moves elements, so it takes `void *` plus the element
 * size in bytes and serves every dtype (bool, float16, int64 ...) with one
 * symbol. Index tensors are read through their ONNX dtype code (`idx_dt`):
 * any integer type (and float, as OneHot allows) works.
 * Offsets and strides are in elements, not bytes, unless the name says so.
 */
#ifndef EC_SHAPE_H
#define EC_SHAPE_H

#include "ec_rt.h"

/* y has `rank` dims ydims[]; offs holds one table per output dim, concatenated
 * (ydims[0] entries, then ydims[1] entries, ...): table d maps output
 * coordinate o_d to an element offset into x. Element y[o] is
 *   x[sum_d offs_d[o_d]]                     if no table entry is negative,
 *   fill (fill_in if not NULL, else the elem_size bytes of fill_bits)  else.
 * Transpose, Slice, Expand, Tile, Pad (all modes), DepthToSpace, SpaceToDepth,
 * Compress and nearest Resize/Upsample are all this one kernel. rank >= 1. */
void ec_gather_map(void *y, const void *x, const void *fill_in, int32_t elem_size, int32_t rank,
                   const int32_t *ydims, const int32_t *offs, const int32_t *fill_bits);

/* y has `rank` dims ydims[]; element y[o] is x[base + sum_d o_d * strides[d]]
 * (strides in elements, any sign, 0 to repeat). Transpose, Slice and Expand
 * when a dim is a run-time argument: unlike ec_gather_map, no argument grows
 * with the dims, so the call is the same code for every value. rank >= 1. */
void ec_gather_strided(void *y, const void *x, int32_t elem_size, int32_t rank, int32_t base,
                       const int32_t *ydims, const int32_t *strides);

/* nblocks blocks of block_bytes: block b goes from x + x_offset + b*x_stride
 * to y + y_offset + b*y_stride (all in bytes). Concat and Split. */
void ec_copy_blocks(void *y, const void *x, int32_t nblocks, int32_t block_bytes,
                    int32_t y_offset, int32_t y_stride, int32_t x_offset, int32_t x_stride);

/* x is (outer, axis_dim, inner), idx has nidx entries (negative counts from
 * the end), y is (outer, nidx, inner). Gather. */
void ec_gather(void *y, const void *x, const void *idx, int32_t elem_size, int32_t idx_dt,
               int32_t outer, int32_t axis_dim, int32_t inner, int32_t nidx);

/* y and idx have dims idims[rank], x has xdims[rank];
 * y[i] = x[i with i[axis] replaced by idx[i]]. GatherElements. */
void ec_gather_elements(void *y, const void *x, const void *idx, int32_t elem_size, int32_t idx_dt,
                        int32_t axis, int32_t rank, const int32_t *xdims, const int32_t *idims);

/* x is (nbatch, xbatch) elements; idx is (nbatch, m, k); y is (nbatch, m, slice).
 * Tuple j of batch b selects x[b*xbatch + sum_t idx_t * strides[t]] (idx_t
 * wrapped against dims[t]) and the slice elements after it. GatherND. */
void ec_gather_nd(void *y, const void *x, const void *idx, int32_t elem_size, int32_t idx_dt,
                  int32_t nbatch, int32_t m, int32_t k, int32_t slice, int32_t xbatch,
                  const int32_t *dims, const int32_t *strides);

/* Reductions of the scatter kernels. */
enum { EC_SCATTER_NONE = 0, EC_SCATTER_ADD = 1, EC_SCATTER_MUL = 2, EC_SCATTER_MAX = 3, EC_SCATTER_MIN = 4 };

/* y = data; then for every element i of idx (dims idims[rank]):
 * y[i with i[axis] = idx[i]] (op)= upd[i]. data has dims ddims[rank]. dt is the
 * element dtype (needed by the reductions only). ScatterElements, Scatter. */
void ec_scatter_elements(void *y, const void *data, const void *idx, const void *upd,
                         int32_t elem_size, int32_t idx_dt, int32_t dt, int32_t reduction,
                         int32_t axis, int32_t rank, const int32_t *ddims, const int32_t *idims);

/* y = data (n elements); idx is (m, k); upd is (m, slice); tuple j selects
 * offset sum_t idx_t * strides[t] (wrapped against dims[t]) and y[off..off+slice)
 * (op)= upd[j]. ScatterND. */
void ec_scatter_nd(void *y, const void *data, const void *idx, const void *upd,
                   int32_t elem_size, int32_t idx_dt, int32_t dt, int32_t reduction,
                   int32_t n, int32_t m, int32_t k, int32_t slice,
                   const int32_t *dims, const int32_t *strides);

/* idx is (outer, inner); y is (outer, depth, inner); values = {off, on}.
 * y[o, d, i] = on if idx[o, i] (negative: + depth) == d, else off. OneHot. */
void ec_onehot(void *y, const void *idx, const void *values, int32_t elem_size, int32_t idx_dt,
               int32_t outer, int32_t depth, int32_t inner);

/* x, y are (batch, rows, cols); keeps x[r, c] where c - r >= k (upper) or
 * c - r <= k (lower), zero elsewhere. Trilu. */
void ec_trilu(void *y, const void *x, int32_t elem_size, int32_t upper, int32_t k,
              int32_t batch, int32_t rows, int32_t cols);

/* x, y are (T, B, inner) if time_axis == 0 else (B, T, inner); lens has B
 * entries. The first lens[b] time steps of batch b are reversed. ReverseSequence. */
void ec_reverse_sequence(void *y, const void *x, const void *lens, int32_t elem_size,
                         int32_t lens_dt, int32_t time_axis, int32_t t, int32_t b, int32_t inner);

/* Separable N-D interpolation (linear, cubic) over float. Output dim d has
 * taps[d] taps per coordinate; its table starts at sum_{e<d} ydims[e]*taps[e]
 * and holds, for output coordinate o, taps[d] pairs (idx[.], w[.]) at
 * [start + o*taps[d] .. +taps[d]). idx are element offsets into x for that
 * dim (index * stride). An idx of -1 in tap 0 means the coordinate is
 * outside the input: the output element is extrapolation. Resize. */
void ec_resize_f32(float *y, const float *x, float extrapolation, int32_t rank,
                   const int32_t *ydims, const int32_t *taps, const int32_t *idx, const float *w);

#endif
