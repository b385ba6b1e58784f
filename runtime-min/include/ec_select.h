/* ec_select.h - runtime-min kernels whose output size depends on the data:
 * NonZero, Unique, NonMaxSuppression.
 *
 * The output buffers are sized for an upper bound; each kernel writes the
 * actual size of the data-dependent dim to *count (when count is not NULL)
 * and stores the output packed in its actual shape.
 *
 * Scratch: kernels that take `scratch` need the number of bytes given by the
 * macro next to them; the caller owns it (the compiler places it in the arena).
 */
#ifndef EC_SELECT_H
#define EC_SELECT_H

#include "ec_rt.h"

/* y (rank, count) = the indices of the nonzero elements of x (dims[rank],
 * n elements), in row-major order; rank >= 1. y's buffer holds rank * n. */
void ec_nonzero_f32(int64_t *y, int64_t *count, const float *x, int32_t n, int32_t rank,
                    const int32_t *dims);
void ec_nonzero_f64(int64_t *y, int64_t *count, const double *x, int32_t n, int32_t rank,
                    const int32_t *dims);
void ec_nonzero_s32(int64_t *y, int64_t *count, const int32_t *x, int32_t n, int32_t rank,
                    const int32_t *dims);
void ec_nonzero_s64(int64_t *y, int64_t *count, const int64_t *x, int32_t n, int32_t rank,
                    const int32_t *dims);
void ec_nonzero_u8(int64_t *y, int64_t *count, const uint8_t *x, int32_t n, int32_t rank,
                   const int32_t *dims);
void ec_nonzero_s8(int64_t *y, int64_t *count, const int8_t *x, int32_t n, int32_t rank,
                   const int32_t *dims);
void ec_nonzero_b(int64_t *y, int64_t *count, const bool *x, int32_t n, int32_t rank,
                  const int32_t *dims);

/* Bytes of scratch for Unique over a dim of size a. */
#define EC_UNIQUE_SCRATCH_BYTES(a) ((int32_t)(7 * ((a) > 0 ? (a) : 1) * (int32_t)sizeof(int32_t)))

/* Unique slices of x (outer, a, inner) along its middle dim (without an axis:
 * outer = inner = 1, a = numel). Slices compare element by element in
 * row-major order. u = the number of distinct slices:
 *   y (outer, u, inner)  the distinct slices, in ascending order (sorted 1) or
 *                        in order of first occurrence (sorted 0)
 *   indices (u)          the index of each one's first occurrence
 *   inverse (a)          for every slice, its position in y
 *   counts (u)           how often each occurs
 * Any of y, indices, inverse, counts may be NULL; y_count, indices_count,
 * counts_count (each may be NULL) receive u.
 * scratch: EC_UNIQUE_SCRATCH_BYTES(a). */
void ec_unique_f32(float *y, int64_t *indices, int64_t *inverse, int64_t *counts, int64_t *y_count,
                   int64_t *indices_count, int64_t *counts_count, const float *x, void *scratch,
                   int32_t outer, int32_t a, int32_t inner, int32_t sorted);
void ec_unique_s64(int64_t *y, int64_t *indices, int64_t *inverse, int64_t *counts,
                   int64_t *y_count, int64_t *indices_count, int64_t *counts_count,
                   const int64_t *x, void *scratch, int32_t outer, int32_t a, int32_t inner,
                   int32_t sorted);

/* Bytes of scratch for NonMaxSuppression of n boxes. */
#define EC_NMS_SCRATCH_BYTES(n) ((int32_t)(3 * ((n) > 0 ? (n) : 1) * (int32_t)sizeof(int32_t)))

/* y (count, 3) = (batch, class, box) of the boxes NonMaxSuppression selects:
 * for every batch b and class c in order, the boxes whose score (scores
 * (batches, classes, n)) is above score_threshold (NULL: all), from the
 * highest score down (equal scores: lower index first), skipping a box whose
 * IoU with one already selected for (b, c) is above iou_threshold (NULL: 0),
 * at most max_per_class (NULL or <= 0: none) per class. boxes (batches, n, 4)
 * are corners (y1, x1, y2, x2) in either order (center 0) or (xc, yc, w, h)
 * (center 1). y's buffer holds `bound` rows. scratch: EC_NMS_SCRATCH_BYTES(n). */
void ec_nms_f32(int64_t *y, int64_t *count, const float *boxes, const float *scores,
                const int64_t *max_per_class, const float *iou_threshold,
                const float *score_threshold, void *scratch, int32_t batches, int32_t classes,
                int32_t n, int32_t center, int32_t bound);

#endif
