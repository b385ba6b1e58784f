/* text.c - ops of the text family: TfIdfVectorizer over integer tokens
 * (int32 or int64 X; string tokens have no representation in generated C).
 *
 * The pool is prepared at compile time: only the n-grams with a length in
 * [min_gram_length, max_gram_length] are passed to the kernel, each with its
 * length and output column (ngram_indexes); token values must fit in int32.
 */
#include <string.h>
#include "ir.h"
#include "ec_text.h"

typedef struct tfidf_info {
    const ec_value *x;
    int64_t rows, cols, nout;
    int64_t min_n, max_n, max_skip;
    int mode;
    EC_VEC(int64_t) len, out, items;
    float *w;                       /* per output column, or NULL */
} tfidf_info;

static const int64_t *need_ints(ec_graph *g, int node, const char *name, int *n)
{
    const int64_t *v;
    *n = ec_attr_ints(NODE(g, node), name, &v);
    if (*n <= 0) ec_fail_node(g, node, "attribute %s is required (non-empty)", name);
    return v;
}

static void tfidf_make(ec_graph *g, int node, tfidf_info *t)
{
    const ec_node *nd = NODE(g, node);
    const char *mode = ec_attr_string(nd, "mode", NULL);
    const int64_t *counts, *idx, *pool;
    const float *wts;
    int ncounts, nidx, npool, nw, i, j, size;
    int64_t id = 0;
    memset(t, 0, sizeof *t);
    t->x = ec_in(g, node, 0);
    if (!t->x) ec_fail_node(g, node, "input 0 is required");
    if (t->x->dtype != EC_DT_INT32 && t->x->dtype != EC_DT_INT64)
        ec_fail_node(g, node, "X is %s; only int32 and int64 tokens are supported (strings have no "
                     "representation in generated C)", ec_dtype_name(t->x->dtype));
    if (!ec_shape_is_static(&t->x->shape) || t->x->shape.rank < 1 || t->x->shape.rank > 2)
        ec_fail_node(g, node, "X must be [C] or [N, C] with a static shape");
    t->rows = t->x->shape.rank == 2 ? t->x->shape.dim[0] : 1;
    t->cols = t->x->shape.dim[t->x->shape.rank - 1];
    if (!mode) ec_fail_node(g, node, "attribute mode is required");
    if (!strcmp(mode, "TF")) t->mode = EC_TFIDF_TF;
    else if (!strcmp(mode, "IDF")) t->mode = EC_TFIDF_IDF;
    else if (!strcmp(mode, "TFIDF")) t->mode = EC_TFIDF_TFIDF;
    else ec_fail_node(g, node, "mode '%s' is not TF, IDF or TFIDF", mode);
    t->min_n = ec_attr_int(nd, "min_gram_length", -1);
    t->max_n = ec_attr_int(nd, "max_gram_length", -1);
    t->max_skip = ec_attr_int(nd, "max_skip_count", -1);
    if (ec_attr_find(nd, "pool_strings"))
        ec_fail_node(g, node, "pool_strings: string tokens are not supported");
    counts = need_ints(g, node, "ngram_counts", &ncounts);
    idx = need_ints(g, node, "ngram_indexes", &nidx);
    pool = need_ints(g, node, "pool_int64s", &npool);
    if (t->min_n < 1 || t->max_n < t->min_n || t->max_n > ncounts || t->max_skip < 0 || t->max_skip > 1 << 20)
        ec_fail_node(g, node, "min_gram_length %lld, max_gram_length %lld, max_skip_count %lld are "
                     "out of range (1 <= min <= max <= %d, skip >= 0)", (long long)t->min_n,
                     (long long)t->max_n, (long long)t->max_skip, ncounts);
    for (i = 0; i < nidx; i++) {
        if (idx[i] < 0 || idx[i] >= INT32_MAX)
            ec_fail_node(g, node, "ngram_indexes[%d] = %lld is out of range", i, (long long)idx[i]);
        if (idx[i] + 1 > t->nout) t->nout = idx[i] + 1;
    }
    for (i = 0, size = 1; i < ncounts; i++, size++) {
        int64_t start = counts[i], end = i + 1 < ncounts ? counts[i + 1] : npool, k;
        if (start < 0 || end < start || end > npool || (end - start) % size != 0)
            ec_fail_node(g, node, "ngram_counts[%d] = %lld does not split pool_int64s into %d-grams",
                         i, (long long)start, size);
        for (k = start; k < end; k += size, id++) {
            if (id >= nidx) ec_fail_node(g, node, "ngram_indexes has fewer entries than the pool has n-grams");
            if (size < t->min_n || size > t->max_n) continue;
            EC_PUSH(t->len, size);
            EC_PUSH(t->out, idx[id]);
            for (j = 0; j < size; j++) {
                if (pool[k + j] < INT32_MIN || pool[k + j] > INT32_MAX)
                    ec_fail_node(g, node, "pool_int64s value %lld does not fit in int32",
                                 (long long)pool[k + j]);
                EC_PUSH(t->items, pool[k + j]);
            }
        }
    }
    nw = ec_attr_floats(nd, "weights", &wts);
    if (nw > 0) {
        if (nw != nidx) ec_fail_node(g, node, "weights has %d entries, ngram_indexes %d", nw, nidx);
        t->w = ec_alloc(sizeof(float) * (size_t)t->nout);
        for (i = 0; i < nidx; i++) t->w[idx[i]] = wts[i];
    }
}

static void infer_tfidf(ec_graph *g, int node)
{
    tfidf_info t;
    int64_t dims[2];
    ec_shape s;
    tfidf_make(g, node, &t);
    dims[0] = t.rows;
    dims[1] = t.nout;
    s = t.x->shape.rank == 2 ? ec_shape_make(2, dims) : ec_shape_make(1, dims + 1);
    ec_set_out(g, node, 0, EC_DT_FLOAT, &s);
}

static void lower_tfidf(ec_graph *g, int node, ec_lowering *L)
{
    tfidf_info t;
    ec_call *c;
    tfidf_make(g, node, &t);
    c = ec_emit(L, t.x->dtype == EC_DT_INT32 ? "ec_tfidf_s32" : "ec_tfidf_s64");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_int(c, "rows", t.rows);
    ec_arg_int(c, "cols", t.cols);
    ec_arg_int(c, "nout", t.nout);
    ec_arg_int(c, "min_n", t.min_n);
    ec_arg_int(c, "max_n", t.max_n);
    ec_arg_int(c, "max_skip", t.max_skip);
    ec_arg_int(c, "mode", t.mode);
    ec_arg_int(c, "npool", t.len.n);
    ec_arg_ints(c, "pool_len", t.len.a, t.len.n);
    ec_arg_ints(c, "pool_out", t.out.a, t.out.n);
    ec_arg_ints(c, "pool_items", t.items.a, t.items.n);
    ec_arg_floats(c, "w", t.w, t.w ? (int)t.nout : 0);
}

const ec_opdef ec_ops_text[] = {
    { EC_OP("TfIdfVectorizer", "", 1, 1, 1, 1, 0, infer_tfidf, lower_tfidf) },
    { 0 }
};

static void thunk_tfidf_s32(const ec_karg *a)
{
    ec_tfidf_s32(a[0].p, a[1].p, a[2].i, a[3].i, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i, a[9].i,
                 a[10].ip, a[11].ip, a[12].ip, a[13].fp);
}
static void thunk_tfidf_s64(const ec_karg *a)
{
    ec_tfidf_s64(a[0].p, a[1].p, a[2].i, a[3].i, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i, a[9].i,
                 a[10].ip, a[11].ip, a[12].ip, a[13].fp);
}

const ec_kernel ec_kernels_text[] = {
    { "ec_tfidf_s32", "ppiiiiiiiiIIIF", thunk_tfidf_s32, "ec_text.h" },
    { "ec_tfidf_s64", "ppiiiiiiiiIIIF", thunk_tfidf_s64, "ec_text.h" },
    { 0 }
};
