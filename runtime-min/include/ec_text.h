/* ec_text.h - runtime-min kernels of the text family: TfIdfVectorizer over
 * integer tokens. */
#ifndef EC_TEXT_H
#define EC_TEXT_H

#include "ec_rt.h"

enum { EC_TFIDF_TF = 0, EC_TFIDF_IDF = 1, EC_TFIDF_TFIDF = 2 };

/* y (rows, nout) = n-gram counts of each row of x (rows, cols), ONNX
 * TfIdfVectorizer: the pool holds npool n-grams, n-gram j has pool_len[j]
 * items (taken in order from pool_items) and counts into column pool_out[j].
 * An n-gram is n tokens d apart, d = 1 .. max_skip + 1 (1-grams once per
 * position), n = min_n .. max_n. mode EC_TFIDF_*: TF the count; IDF w[k]
 * (1 when w is NULL) where the count is > 0, else 0; TFIDF count * w[k]. */
void ec_tfidf_s32(float *y, const int32_t *x, int32_t rows, int32_t cols, int32_t nout,
                  int32_t min_n, int32_t max_n, int32_t max_skip, int32_t mode, int32_t npool,
                  const int32_t *pool_len, const int32_t *pool_out, const int32_t *pool_items,
                  const float *w);
void ec_tfidf_s64(float *y, const int64_t *x, int32_t rows, int32_t cols, int32_t nout,
                  int32_t min_n, int32_t max_n, int32_t max_skip, int32_t mode, int32_t npool,
                  const int32_t *pool_len, const int32_t *pool_out, const int32_t *pool_items,
                  const float *w);

#endif
