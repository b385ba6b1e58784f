/* test_blockq.c - weight-only block quantization (--quantize w8 / w4): the
 * packed layout against bytes worked out by hand, the kernels against a float
 * reference computed in double on weights this file decodes itself from the
 * layout in ec_blockq.h, and the pass through the IR and the interpreter. */
#include <math.h>
#include <string.h>
#include "unit.h"
#include "ir.h"
#include "edgec.h"
#include "ec_blockq.h"
#include "ec_elementwise.h"

static uint32_t rng = 7;
static float frand(void)
{
    rng = rng * 1103515245u + 12345u;
    return (float)((rng >> 8) & 0xffffu) / 32768.0f - 1.0f;
}

/* The test's own decoder of the documented layout: R rows of K weights. */
static void decode(float *w, const uint8_t *blob, int bits, int R, int K, int B)
{
    int nb = (K + B - 1) / B, bb = 2 + (bits == 8 ? B : B / 2), r, b, t;
    for (r = 0; r < R; r++)
        for (b = 0; b < nb; b++) {
            const uint8_t *p = blob + (size_t)(r * nb + b) * (size_t)bb;
            float d = ec_f16_to_f32((uint16_t)(p[0] + 256 * p[1]));
            for (t = 0; t < B && b * B + t < K; t++) {
                int q;
                if (bits == 8) {
                    q = p[2 + t] < 128 ? p[2 + t] : p[2 + t] - 256;
                } else {
                    int v = t % 2 ? p[2 + t / 2] >> 4 : p[2 + t / 2] & 15;
                    q = v < 8 ? v : v - 16;
                }
                w[r * K + b * B + t] = d * (float)q;
            }
        }
}

/* ---- layout ------------------------------------------------------------------ */

static void test_layout_by_hand(void **state)
{
    /* w8, block 4: amax 127 -> d = 1 (float16 0x3c00); -63.5 rounds away from zero */
    static const float w8[4] = { 127.0f, -63.5f, 0.0f, 1.0f };
    static const uint8_t want8[6] = { 0x00, 0x3c, 0x7f, 0xc0, 0x00, 0x01 };
    /* w4, block 4, K = 6: block 0 amax 7 -> d = 1 exact (error 0, the first candidate), q = 1 -2
     * 3 7 (nibbles: 1|e<<4, 3|7<<4); block 1 holds 14, -3 and two padding zeros: the
     * symmetric scales do no better than squared error 0.932 (d = 1.9501953125: q = 7, -2);
     * the signed scale -14 / 8 = -1.75 (float16 0xbf00) gives q = -8 (exactly 14) and 2
     * (-3.5): error 0.25, and its smaller variants more (-1.7060546875: 0.293): d = 0xbf00,
     * nibbles 8|2<<4 */
    static const float w4[6] = { 1.0f, -2.0f, 3.0f, 7.0f, 14.0f, -3.0f };
    static const uint8_t want4[8] = { 0x00, 0x3c, 0xe1, 0x73, 0x00, 0xbf, 0x28, 0x00 };
    /* an all-zero block: scale 0, q 0 */
    static const float zero[4] = { 0 };
    static const uint8_t want0[4] = { 0 };
    uint8_t out[8];
    (void)state;
    assert_int_equal(ec_wq_packed_bytes(1, 4, 8, 4), 6);
    ec_wq_pack(out, w8, 1, 4, 4, 1, 8, 4);
    assert_memory_equal(out, want8, 6);
    assert_int_equal(ec_wq_packed_bytes(1, 6, 4, 4), 8);
    ec_wq_pack(out, w4, 1, 6, 6, 1, 4, 4);
    assert_memory_equal(out, want4, 8);
    ec_wq_pack(out, zero, 1, 4, 4, 1, 4, 4);
    assert_memory_equal(out, want0, 4);
    /* column-major source (MatMul's B [K, N] read down a column): the same bytes */
    {
        float colmajor[8];
        int k;
        for (k = 0; k < 4; k++) { colmajor[k * 2] = w8[k]; colmajor[k * 2 + 1] = 5.0f; }
        ec_wq_pack(out, colmajor, 1, 4, 1, 2, 8, 4);
        assert_memory_equal(out, want8, 6);
    }
    /* the documented struct sizes */
    assert_int_equal(sizeof(ec_bq8_32), 34);
    assert_int_equal(sizeof(ec_bq4_32), 18);
}

/* Each block's scale d is one of the documented candidates: float16(amax * (1 - 0.025 c) / Q),
 * or at w4 float16(-m * (1 - 0.025 c) / 8) with m the block's first weight of largest
 * magnitude; every weight comes back within |d|/2, or within its clipping when beyond the
 * grid [lo d, Q d]; and the block's squared error is at most that of the full scale
 * float16(amax / Q). */
static void test_error_bound(void **state)
{
    enum { R = 5, K = 77 };
    float w[R * K], back[R * K];
    uint8_t blob[R * 3 * (2 + 32)];
    int bits, r, b, t, c;
    (void)state;
    for (t = 0; t < R * K; t++) w[t] = frand() * (t % 13 == 0 ? 4.0f : 1.0f);
    for (bits = 4; bits <= 8; bits += 4) {
        const float Q = bits == 8 ? 127.0f : 7.0f, lo = bits == 8 ? -127.0f : -8.0f;
        const int bb = 2 + (bits == 8 ? 32 : 16);
        ec_wq_pack(blob, w, R, K, K, 1, bits, 32);
        decode(back, blob, bits, R, K, 32);
        for (r = 0; r < R; r++)
            for (b = 0; b * 32 < K; b++) {
                const uint8_t *p = blob + (size_t)(r * 3 + b) * (size_t)bb;
                float d = ec_f16_to_f32((uint16_t)(p[0] + 256 * p[1])), amax = 0.0f, m = 0.0f, d0;
                double err = 0.0, err0 = 0.0;
                bool listed = false;
                for (t = b * 32; t < b * 32 + 32 && t < K; t++)
                    if (fabsf(w[r * K + t]) > amax) {
                        amax = fabsf(w[r * K + t]);
                        m = w[r * K + t];
                    }
                for (c = 0; c < 10; c++) {
                    float f = 1.0f - 0.025f * (float)c;
                    listed |= d == ec_f16_to_f32(ec_f32_to_f16(amax * f / Q));
                    listed |= bits == 4 && d == ec_f16_to_f32(ec_f32_to_f16(-m * f / 8.0f));
                }
                assert_true(listed);
                d0 = ec_f16_to_f32(ec_f32_to_f16(amax / Q));
                for (t = b * 32; t < b * 32 + 32 && t < K; t++) {
                    float x = w[r * K + t], e = fabsf(back[r * K + t] - x), q0 = roundf(x / d0);
                    float top = d > 0 ? Q * d : lo * d, bottom = d > 0 ? lo * d : Q * d;
                    float lim = x > top ? x - top + 1e-6f : x < bottom ? bottom - x + 1e-6f
                                                                    : 0.5f * fabsf(d) * 1.002f + 1e-7f;
                    assert_true(e <= lim);
                    if (q0 > Q) q0 = Q;
                    if (q0 < -Q) q0 = -Q;
                    err += (double)e * e;
                    err0 += ((double)x - (double)d0 * q0) * ((double)x - (double)d0 * q0);
                }
                assert_true(err <= err0 * (1.0 + 1e-9) + 1e-12);
            }
    }
}

/* ---- kernels ------------------------------------------------------------------ */

static void test_gemm_kernels(void **state)
{
    enum { M = 3, N = 5, K = 70 };
    static const int blocks[3] = { 32, 16, 70 + 2 };
    float a[M * K], w[N * K], deq[N * K], c[M * N], y[M * N];
    uint8_t blob[N * 5 * (2 + 32)];
    const float *cs[4] = { NULL, c, c, c };
    const int32_t csm[4] = { 0, N, 0, N }, csn[4] = { 0, 1, 1, 0 };
    int bits, bi, ta, cv, i, j, k;
    (void)state;
    for (i = 0; i < M * K; i++) a[i] = frand();
    for (i = 0; i < N * K; i++) w[i] = frand();
    for (i = 0; i < M * N; i++) c[i] = frand();
    for (bits = 4; bits <= 8; bits += 4)
        for (bi = 0; bi < 3; bi++) {
            int B = blocks[bi];
            ec_wq_pack(blob, w, N, K, K, 1, bits, B);
            decode(deq, blob, bits, N, K, B);
            /* the shipped reference dequantizer agrees with the test's decoder */
            {
                float ref[N * K];
                ec_bq_dequant_f32(ref, blob, bits, N, K, B);
                assert_memory_equal(ref, deq, sizeof ref);
            }
            for (ta = 0; ta < 2; ta++)
                for (cv = 0; cv < 4; cv++) {
                    float at[M * K];
                    const float alpha = 0.75f, beta = -1.5f;
                    for (i = 0; i < M; i++)
                        for (k = 0; k < K; k++) at[k * M + i] = a[i * K + k];
                    (bits == 8 ? ec_gemm_bq8_f32 : ec_gemm_bq4_f32)(y, ta ? at : a, blob, cs[cv], M, N, K, B, ta,
                                                                   alpha, beta, csm[cv], csn[cv]);
                    for (i = 0; i < M; i++)
                        for (j = 0; j < N; j++) {
                            double s = 0, ref;
                            for (k = 0; k < K; k++) s += (double)a[i * K + k] * (double)deq[j * K + k];
                            ref = alpha * s + (cs[cv] ? beta * (double)c[i * csm[cv] + j * csn[cv]] : 0.0);
                            if (fabs(y[i * N + j] - ref) > 1e-5 * (1.0 + fabs(ref)))
                                fail_msg("w%d B=%d trans_a=%d c=%d: y[%d][%d] = %.9g, reference %.9g", bits, B, ta,
                                         cv, i, j, (double)y[i * N + j], ref);
                        }
                }
        }
}

static void test_gather_kernels(void **state)
{
    enum { V = 6, D = 45 };
    float w[V * D], deq[V * D], y[4 * D];
    uint8_t blob[V * 2 * (2 + 32)];
    static const int32_t i32[4] = { 0, 5, -1, 2 };
    static const int64_t i64[4] = { 3, -6, 4, 4 };
    int bits, j;
    (void)state;
    for (j = 0; j < V * D; j++) w[j] = frand();
    for (bits = 4; bits <= 8; bits += 4) {
        ec_wq_pack(blob, w, V, D, D, 1, bits, 32);
        decode(deq, blob, bits, V, D, 32);
        (bits == 8 ? ec_gather_bq8_f32 : ec_gather_bq4_f32)(y, blob, i32, EC_DT_INT32, 4, V, D, 32);
        for (j = 0; j < 4; j++)
            assert_memory_equal(y + j * D, deq + ((i32[j] + V) % V) * D, sizeof(float) * D);
        (bits == 8 ? ec_gather_bq8_f32 : ec_gather_bq4_f32)(y, blob, i64, EC_DT_INT64, 4, V, D, 32);
        for (j = 0; j < 4; j++)
            assert_memory_equal(y + j * D, deq + ((i64[j] + V) % V) * D, sizeof(float) * D);
    }
}

/* ---- the pass, through the IR and the interpreter ----------------------------- */

static void add_const(ec_graph *g, const char *name, ec_dtype dt, int rank, const int64_t *dims, const void *data)
{
    ec_tensor *t = ec_alloc(sizeof *t);
    ec_shape s = ec_shape_make(rank, dims);
    size_t nb = (size_t)ec_shape_numel(&s) * ec_dtype_size(dt);
    t->dtype = dt;
    t->shape = s;
    t->data = ec_alloc(nb);
    memcpy(t->data, data, nb);
    t->nbytes = nb;
    t->name = ec_strdup(name);
    ec_add_initializer(g, t);
}

/* x [2, 3, K] -> MatMul(B [K, N]) -> Gemm(transB, W2 [N2, N], bias) -> y [6, N2];
 * tiny [N2, 4] stays float. */
static void test_pass_and_interpreter(void **state)
{
    enum { K = 40, N = 48, N2 = 33 };
    static float B[K * N], W2[N2 * N], bias[N2], tiny[N2 * 4], x[6 * K];
    float deqB[N * K], deqW2[N2 * N], h[6 * N];
    int64_t dx[3] = { 2, 3, K }, db[2] = { K, N }, dw[2] = { N2, N }, dbias[1] = { N2 }, dt[2] = { N2, 4 };
    int64_t rs[1] = { 2 };
    static const int64_t shape2[2] = { 6, N };
    const char *mm_in[2] = { "x", "B" }, *mm_out[1] = { "h" }, *rs_in[2] = { "h", "s" }, *rs_out[1] = { "h2" };
    const char *gm_in[3] = { "h2", "W2", "bias" }, *gm_out[1] = { "y" }, *t_in[2] = { "y", "tiny" },
               *t_out[1] = { "z" };
    int bits, i, j, k;
    (void)state;
    for (i = 0; i < K * N; i++) B[i] = frand();
    for (i = 0; i < N2 * N; i++) W2[i] = frand();
    for (i = 0; i < N2; i++) bias[i] = frand();
    for (i = 0; i < N2 * 4; i++) tiny[i] = frand();
    for (i = 0; i < 6 * K; i++) x[i] = frand();
    for (bits = 4; bits <= 8; bits += 4) {
        ec_graph *g = ec_graph_new("g");
        ec_wq_info wq;
        ec_shape sx = ec_shape_make(3, dx);
        void **outs;
        const void *inputs[1] = { x };
        int n;
        ec_diag_set_file("wq.onnx");
        g->opset = 13;
        ec_add_input(g, "x", EC_DT_FLOAT, &sx);
        add_const(g, "B", EC_DT_FLOAT, 2, db, B);
        add_const(g, "W2", EC_DT_FLOAT, 2, dw, W2);
        add_const(g, "bias", EC_DT_FLOAT, 1, dbias, bias);
        add_const(g, "tiny", EC_DT_FLOAT, 2, dt, tiny);
        add_const(g, "s", EC_DT_INT64, 1, rs, shape2);
        ec_add_node(g, "MatMul", "", "mm", mm_in, 2, mm_out, 1);
        ec_add_node(g, "Reshape", "", "flat", rs_in, 2, rs_out, 1);
        n = ec_add_node(g, "Gemm", "", "gemm", gm_in, 3, gm_out, 1);
        {
            ec_attr at;
            memset(&at, 0, sizeof at);
            at.name = ec_strdup("transB");
            at.type = EC_ATTR_INT;
            at.i = 1;
            ec_node_add_attr(g, n, &at);
        }
        ec_add_node(g, "MatMul", "", "small", t_in, 2, t_out, 1);
        ec_add_output(g, "z", EC_DT_UNDEFINED, NULL);
        ec_verify(g);
        ec_toposort(g);
        ec_infer_and_fold(g);
        ec_eliminate_dead(g);
        ec_quantize_weights(g, bits, 16, &wq);
        assert_int_equal(wq.t.n, 3);
        assert_string_equal(g->nodes.a[wq.t.a[0].node].op, "BlockQuantGemm");
        assert_true(wq.t.a[0].rows == N && wq.t.a[0].cols == K && wq.t.a[0].blob >= 0);
        assert_true(wq.t.a[1].rows == N2 && wq.t.a[1].cols == N && wq.t.a[1].blob >= 0);
        assert_int_equal(wq.t.a[2].blob, -1);
        assert_non_null(strstr(wq.t.a[2].why, "fewer than 1024"));
        assert_string_equal(g->nodes.a[wq.t.a[2].node].op, "MatMul");
        decode(deqB, g->values.a[wq.t.a[0].blob].data, bits, N, K, 16);
        decode(deqW2, g->values.a[wq.t.a[1].blob].data, bits, N2, N, 16);
        outs = ec_interp_graph(g, (void *const *)inputs);
        for (i = 0; i < 6; i++)
            for (j = 0; j < N; j++) {
                double s = 0;
                for (k = 0; k < K; k++) s += (double)x[i * K + k] * (double)deqB[j * K + k];
                h[i * N + j] = (float)s;
            }
        for (i = 0; i < 6; i++)
            for (j = 0; j < 4; j++) {
                double z = 0;
                int m;
                for (m = 0; m < N2; m++) {
                    double yv = bias[m];
                    for (k = 0; k < N; k++) yv += (double)h[i * N + k] * (double)deqW2[m * N + k];
                    z += yv * (double)tiny[m * 4 + j];
                }
                if (fabs(((float *)outs[0])[i * 4 + j] - z) > 1e-4 * (1.0 + fabs(z)))
                    fail_msg("w%d: z[%d][%d] = %.9g, reference %.9g", bits, i, j,
                             (double)((float *)outs[0])[i * 4 + j], z);
            }
    }
}

/* A model that names BlockQuantGemm itself gets a diagnostic, not a crash. */
static void test_bad_blockq_node(void **state)
{
    ec_graph *g = ec_graph_new("g");
    int64_t da[2] = { 2, 8 }, dw[1] = { 5 };
    static const uint8_t junk[5] = { 1, 2, 3, 4, 5 };
    ec_shape sa = ec_shape_make(2, da);
    const char *in[2] = { "a", "w" }, *out[1] = { "y" };
    int n;
    ec_attr at;
    static const char *names[4] = { "bits", "block", "N", "K" };
    static const int64_t vals[4] = { 8, 32, 1, 8 };
    (void)state;
    ec_diag_set_file("bad.onnx");
    g->opset = 13;
    ec_add_input(g, "a", EC_DT_FLOAT, &sa);
    add_const(g, "w", EC_DT_UINT8, 1, dw, junk);
    n = ec_add_node(g, "BlockQuantGemm", "edgec", "bq", in, 2, out, 1);
    for (int i = 0; i < 4; i++) {
        memset(&at, 0, sizeof at);
        at.name = ec_strdup(names[i]);
        at.type = EC_ATTR_INT;
        at.i = vals[i];
        ec_node_add_attr(g, n, &at);
    }
    ec_add_output(g, "y", EC_DT_UNDEFINED, NULL);
    ec_verify(g);
    ec_toposort(g);
    EXPECT_FAIL(ec_infer_and_fold(g));
    assert_non_null(strstr(ec_diag_last(), "hold 5 bytes, 1 rows of 8 need 34"));
}

/* ---- constant masks as bits (WhereBits) ---------------------------------------- */
/* ec_where_cbits against the test's own loop: y [2, 3, 13] = c [3, 13] ? a [2, 3, 13] : b
 * (a scalar), c given as bits, element i at bit i % 8 of byte i / 8 (39 bits: the last byte
 * is partly used). */
static void test_where_bits_kernel(void **state)
{
    enum { N = 2, R = 3, C = 13 };
    bool c[R * C];
    uint8_t cb[(R * C + 7) / 8];
    float a[N * R * C], b = -1.0f, y[N * R * C];
    static const int32_t dims[3] = { N, R, C }, cs[3] = { 0, C, 1 }, as[3] = { R * C, C, 1 },
                         bs[3] = { 0, 0, 0 };
    int i, ones = 0;
    (void)state;
    memset(cb, 0, sizeof cb);
    for (i = 0; i < R * C; i++) {
        c[i] = frand() > 0.0f;
        ones += c[i];
        if (c[i]) cb[i / 8] |= (uint8_t)(1u << (i % 8));
    }
    assert_true(ones > 5 && ones < R * C - 5);
    for (i = 0; i < N * R * C; i++) a[i] = (float)i;
    ec_where_cbits(y, cb, a, &b, 4, 3, dims, cs, as, bs);
    for (i = 0; i < N * R * C; i++) assert_true(y[i] == (c[i % (R * C)] ? a[i] : b));
}

static void test_bad_where_bits_node(void **state)
{
    ec_graph *g = ec_graph_new("g");
    int64_t da[2] = { 4, 4 }, dw[1] = { 3 };
    static const uint8_t bits[3] = { 1, 2, 3 };
    static const int64_t shape[2] = { 4, 4 };
    ec_shape sa = ec_shape_make(2, da);
    const char *in[3] = { "m", "a", "a" }, *out[1] = { "y" };
    int n;
    ec_attr at;
    (void)state;
    ec_diag_set_file("bad.onnx");
    g->opset = 13;
    ec_add_input(g, "a", EC_DT_FLOAT, &sa);
    add_const(g, "m", EC_DT_UINT8, 1, dw, bits);
    n = ec_add_node(g, "WhereBits", "edgec", "wb", in, 3, out, 1);
    memset(&at, 0, sizeof at);
    at.name = ec_strdup("shape");
    at.type = EC_ATTR_INTS;
    at.n = 2;
    at.ints = ec_alloc(sizeof shape);
    memcpy(at.ints, shape, sizeof shape);
    ec_node_add_attr(g, n, &at);
    ec_add_output(g, "y", EC_DT_UNDEFINED, NULL);
    ec_verify(g);
    ec_toposort(g);
    EXPECT_FAIL(ec_infer_and_fold(g));
    assert_non_null(strstr(ec_diag_last(), "1-D uint8 constant of 2 bytes"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_by_hand),
        cmocka_unit_test(test_error_bound),
        cmocka_unit_test(test_gemm_kernels),
        cmocka_unit_test(test_gather_kernels),
        cmocka_unit_test(test_pass_and_interpreter),
        cmocka_unit_test(test_bad_blockq_node),
        cmocka_unit_test(test_where_bits_kernel),
        cmocka_unit_test(test_bad_where_bits_node),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
