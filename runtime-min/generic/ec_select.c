/* ec_select.c - kernels with data-dependent output sizes (see ec_select.h). */
#include "ec_select.h"

/* Stable bottom-up merge sort of idx[0..m) (tmp: m more) by LESS(a, b). */
#define EC_MERGESORT(idx, tmp, m, LESS) do { \
        int32_t *s_ = (idx), *d_ = (tmp), *t_, w_, lo_, k_; \
        for (w_ = 1; w_ < (m); w_ *= 2) { \
            for (lo_ = 0; lo_ < (m); lo_ += 2 * w_) { \
                int32_t mid_ = lo_ + w_ < (m) ? lo_ + w_ : (m); \
                int32_t hi_ = lo_ + 2 * w_ < (m) ? lo_ + 2 * w_ : (m); \
                int32_t i_ = lo_, j_ = mid_; \
                for (k_ = lo_; k_ < hi_; k_++) { \
                    if (i_ < mid_ && (j_ >= hi_ || !(LESS(s_[j_], s_[i_])))) d_[k_] = s_[i_++]; \
                    else d_[k_] = s_[j_++]; \
                } \
            } \
            t_ = s_; s_ = d_; d_ = t_; \
        } \
        if (s_ != (idx)) for (k_ = 0; k_ < (m); k_++) (idx)[k_] = s_[k_]; \
    } while (0)

/* ---- NonZero ------------------------------------------------------------ */

#define EC_NONZERO(NAME, T) \
    void NAME(int64_t *y, int64_t *count, const T *x, int32_t n, int32_t rank, const int32_t *dims) \
    { \
        int32_t i, d, nz = 0, j = 0; \
        for (i = 0; i < n; i++) nz += x[i] != 0; \
        for (i = 0; i < n; i++) { \
            int32_t rest = i; \
            if (x[i] == 0) continue; \
            for (d = rank - 1; d >= 0; d--) { \
                y[(int64_t)d * nz + j] = rest % dims[d]; \
                rest /= dims[d]; \
            } \
            j++; \
        } \
        if (count) *count = nz; \
    }

EC_NONZERO(ec_nonzero_f32, float)
EC_NONZERO(ec_nonzero_f64, double)
EC_NONZERO(ec_nonzero_s32, int32_t)
EC_NONZERO(ec_nonzero_s64, int64_t)
EC_NONZERO(ec_nonzero_u8, uint8_t)
EC_NONZERO(ec_nonzero_s8, int8_t)
EC_NONZERO(ec_nonzero_b, bool)

/* ---- Unique ------------------------------------------------------------- */

typedef int (*ec_slice_cmp)(const void *x, int32_t outer, int32_t a, int32_t inner, int32_t i,
                            int32_t j);

#define EC_SLICE_CMP(NAME, T) \
    /* -1, 0, 1: slice i of x (outer, a, inner) against slice j */ \
    static int NAME(const void *xv, int32_t outer, int32_t a, int32_t inner, int32_t i, int32_t j) \
    { \
        const T *x = (const T *)xv; \
        int32_t o, k; \
        for (o = 0; o < outer; o++) { \
            const T *p = x + ((int64_t)o * a + i) * inner, *q = x + ((int64_t)o * a + j) * inner; \
            for (k = 0; k < inner; k++) { \
                if (p[k] < q[k]) return -1; \
                if (p[k] > q[k]) return 1; \
            } \
        } \
        return 0; \
    }

EC_SLICE_CMP(slice_cmp_f32, float)
EC_SLICE_CMP(slice_cmp_s64, int64_t)

static void unique(ec_slice_cmp cmp, int32_t esize, void *yv, int64_t *indices, int64_t *inverse,
                   int64_t *counts, int64_t *y_count, int64_t *indices_count,
                   int64_t *counts_count, const void *xv, void *scratch, int32_t outer, int32_t a,
                   int32_t inner, int32_t sorted)
{
    int32_t *perm = (int32_t *)scratch, *tmp = perm + a, *first = tmp + a, *cnt = first + a;
    int32_t *gid = cnt + a, *ord = gid + a, *pos = ord + a;
    unsigned char *y = (unsigned char *)yv;
    const unsigned char *x = (const unsigned char *)xv;
    int32_t i, t, u = 0, o, b;
    for (i = 0; i < a; i++) perm[i] = i;
#define EC_SLICE_LESS(p, q) (cmp(xv, outer, a, inner, (p), (q)) < 0)
    EC_MERGESORT(perm, tmp, a, EC_SLICE_LESS);
#undef EC_SLICE_LESS
    for (t = 0; t < a; t++) {
        i = perm[t];
        if (t == 0 || cmp(xv, outer, a, inner, perm[t - 1], i) != 0) {
            first[u] = i;
            cnt[u] = 0;
            u++;
        }
        cnt[u - 1]++;
        gid[i] = u - 1;
    }
    for (t = 0; t < u; t++) ord[t] = t;
    if (!sorted) {
#define EC_FIRST_LESS(p, q) (first[(p)] < first[(q)])
        EC_MERGESORT(ord, tmp, u, EC_FIRST_LESS);
#undef EC_FIRST_LESS
    }
    for (t = 0; t < u; t++) pos[ord[t]] = t;
    for (t = 0; t < u; t++) {
        const int32_t gi = ord[t], src = first[gi];
        const int64_t row = (int64_t)inner * esize;
        if (indices) indices[t] = src;
        if (counts) counts[t] = cnt[gi];
        if (y)
            for (o = 0; o < outer; o++)
                for (b = 0; b < row; b++)
                    y[((int64_t)o * u + t) * row + b] = x[((int64_t)o * a + src) * row + b];
    }
    if (inverse) for (i = 0; i < a; i++) inverse[i] = pos[gid[i]];
    if (y_count) *y_count = u;
    if (indices_count) *indices_count = u;
    if (counts_count) *counts_count = u;
}

void ec_unique_f32(float *y, int64_t *indices, int64_t *inverse, int64_t *counts, int64_t *y_count,
                   int64_t *indices_count, int64_t *counts_count, const float *x, void *scratch,
                   int32_t outer, int32_t a, int32_t inner, int32_t sorted)
{
    unique(slice_cmp_f32, (int32_t)sizeof(float), y, indices, inverse, counts, y_count,
           indices_count, counts_count, x, scratch, outer, a, inner, sorted);
}

void ec_unique_s64(int64_t *y, int64_t *indices, int64_t *inverse, int64_t *counts,
                   int64_t *y_count, int64_t *indices_count, int64_t *counts_count,
                   const int64_t *x, void *scratch, int32_t outer, int32_t a, int32_t inner,
                   int32_t sorted)
{
    unique(slice_cmp_s64, (int32_t)sizeof(int64_t), y, indices, inverse, counts, y_count,
           indices_count, counts_count, x, scratch, outer, a, inner, sorted);
}

/* ---- NonMaxSuppression --------------------------------------------------- */

/* IoU of boxes p and q is above thr (a box of no area overlaps nothing). */
static int nms_suppress(const float *p, const float *q, int32_t center, float thr)
{
    float py1, px1, py2, px2, qy1, qx1, qy2, qx2, iw, ih, inter, ap, aq;
    if (center) {
        px1 = p[0] - p[2] / 2; px2 = p[0] + p[2] / 2; py1 = p[1] - p[3] / 2; py2 = p[1] + p[3] / 2;
        qx1 = q[0] - q[2] / 2; qx2 = q[0] + q[2] / 2; qy1 = q[1] - q[3] / 2; qy2 = q[1] + q[3] / 2;
    } else {
        py1 = p[0] < p[2] ? p[0] : p[2]; py2 = p[0] < p[2] ? p[2] : p[0];
        px1 = p[1] < p[3] ? p[1] : p[3]; px2 = p[1] < p[3] ? p[3] : p[1];
        qy1 = q[0] < q[2] ? q[0] : q[2]; qy2 = q[0] < q[2] ? q[2] : q[0];
        qx1 = q[1] < q[3] ? q[1] : q[3]; qx2 = q[1] < q[3] ? q[3] : q[1];
    }
    ap = (px2 - px1) * (py2 - py1);
    aq = (qx2 - qx1) * (qy2 - qy1);
    if (ap <= 0 || aq <= 0) return 0;
    iw = (px2 < qx2 ? px2 : qx2) - (px1 > qx1 ? px1 : qx1);
    ih = (py2 < qy2 ? py2 : qy2) - (py1 > qy1 ? py1 : qy1);
    if (iw <= 0 || ih <= 0) return 0;
    inter = iw * ih;
    return inter / (ap + aq - inter) > thr;
}

void ec_nms_f32(int64_t *y, int64_t *count, const float *boxes, const float *scores,
                const int64_t *max_per_class, const float *iou_threshold,
                const float *score_threshold, void *scratch, int32_t batches, int32_t classes,
                int32_t n, int32_t center, int32_t bound)
{
    int32_t *order = (int32_t *)scratch, *tmp = order + n, *sel = tmp + n;
    const int64_t maxc = max_per_class ? max_per_class[0] : 0;
    const float thr = iou_threshold ? iou_threshold[0] : 0.0f;
    int32_t b, c, i, m, k, out = 0;
    for (b = 0; b < batches; b++) {
        const float *bx = boxes + (int64_t)b * n * 4;
        for (c = 0; c < classes; c++) {
            const float *sc = scores + ((int64_t)b * classes + c) * n;
            int32_t nsel = 0;
            if (maxc <= 0) continue;
            for (i = 0, m = 0; i < n; i++)
                if (!score_threshold || sc[i] > score_threshold[0]) order[m++] = i;
#define EC_SCORE_LESS(p, q) (sc[(p)] > sc[(q)]) /* "before": a higher score */
            EC_MERGESORT(order, tmp, m, EC_SCORE_LESS);
#undef EC_SCORE_LESS
            for (i = 0; i < m && nsel < maxc && out < bound; i++) {
                int keep = 1;
                for (k = 0; k < nsel && keep; k++)
                    if (nms_suppress(bx + (int64_t)order[i] * 4, bx + (int64_t)sel[k] * 4, center, thr))
                        keep = 0;
                if (!keep) continue;
                sel[nsel++] = order[i];
                y[(int64_t)out * 3] = b;
                y[(int64_t)out * 3 + 1] = c;
                y[(int64_t)out * 3 + 2] = order[i];
                out++;
            }
        }
    }
    if (count) *count = out;
}
