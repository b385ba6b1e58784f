/* ec_text.c - TfIdfVectorizer over integer tokens (see ec_text.h). */
#include "ec_text.h"

/* Count the pool n-grams of length n equal to the tokens x[s], x[s+d], ...
 * into row (each pool n-gram is distinct, so at most one matches). */
#define EC_TFIDF_MATCH(T) \
    static void tfidf_match_##T(float *row, const T *x, int32_t s, int32_t d, int32_t n, \
                                int32_t npool, const int32_t *pool_len, const int32_t *pool_out, \
                                const int32_t *pool_items) \
    { \
        int32_t j, k, off = 0; \
        for (j = 0; j < npool; off += pool_len[j], j++) { \
            if (pool_len[j] != n) continue; \
            for (k = 0; k < n; k++) \
                if (x[s + k * d] != (T)pool_items[off + k]) break; \
            if (k == n) { \
                row[pool_out[j]] += 1.0f; \
                return; \
            } \
        } \
    }

EC_TFIDF_MATCH(int32_t)
EC_TFIDF_MATCH(int64_t)

#define EC_TFIDF(NAME, T) \
    void NAME(float *y, const T *x, int32_t rows, int32_t cols, int32_t nout, int32_t min_n, \
              int32_t max_n, int32_t max_skip, int32_t mode, int32_t npool, \
              const int32_t *pool_len, const int32_t *pool_out, const int32_t *pool_items, \
              const float *w) \
    { \
        int32_t r, s, d, n, k; \
        for (r = 0; r < rows; r++) { \
            float *row = y + (int64_t)r * nout; \
            const T *xr = x + (int64_t)r * cols; \
            int32_t start = min_n; \
            for (k = 0; k < nout; k++) row[k] = 0.0f; \
            if (start == 1) { \
                for (s = 0; s < cols; s++) \
                    tfidf_match_##T(row, xr, s, 1, 1, npool, pool_len, pool_out, pool_items); \
                start = 2; \
            } \
            if (start <= max_n) \
                for (d = 1; d <= max_skip + 1; d++) \
                    for (s = 0; s + d * (start - 1) < cols; s++) \
                        for (n = start; n <= max_n && s + d * (n - 1) < cols; n++) \
                            tfidf_match_##T(row, xr, s, d, n, npool, pool_len, pool_out, \
                                            pool_items); \
            for (k = 0; k < nout; k++) { \
                const float wk = w ? w[k] : 1.0f; \
                if (mode == EC_TFIDF_IDF) row[k] = row[k] > 0.0f ? wk : 0.0f; \
                else if (mode == EC_TFIDF_TFIDF) row[k] *= wk; \
            } \
        } \
    }

EC_TFIDF(ec_tfidf_s32, int32_t)
EC_TFIDF(ec_tfidf_s64, int64_t)
