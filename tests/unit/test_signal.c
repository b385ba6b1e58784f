/* test_signal.c - signal-family kernels against numpy-computed values
 * (np.fft, np.linalg.det, window formulas, a float64 port of the ONNX
 * MelWeightMatrix reference) and hand-computed sampling values; the ops'
 * inference, folding and diagnostics through the IR. */
#include <math.h>
#include <string.h>
#include "unit.h"
#include "ir.h"
#include "ec_signal.h"

static void check_near(const float *got, const double *want, int n, double tol, int line)
{
    int i;
    for (i = 0; i < n; i++)
        if (!(fabs(got[i] - want[i]) <= tol * (1.0 + fabs(want[i]))))
            fail_msg("line %d: [%d] = %.9g, expected %.9g", line, i, (double)got[i], want[i]);
}
#define CHECK(got, want, n, tol) check_near(got, want, n, tol, __LINE__)

/* ---- numpy references (tests/unit/test_signal.c header names the sources) ---- */

static const double HANN5P[5] = { 0, 0.345491503, 0.904508497, 0.904508497, 0.345491503 };
static const double HAMMING5S[5] = { 0.0869565217, 0.543478261, 1, 0.543478261, 0.0869565217 };
static const double BLACKMAN6P[6] = { 0, 0.13, 0.63, 1, 0.63, 0.13 };

/* x (1, 6, 2, 1): two real lines along dim 1 */
static const float DX[12] = { 0.5f, -1.25f, 2, 3.5f, -0.75f, 1, 0.25f, 4, -2.5f, 1.5f, 0, -3 };
/* np.fft.fft of each line: (6, 2, 2) */
static const double DFT6[24] = { -0.5, 0, 5.75, 0, 2.875, -3.24759526, -6.25, -5.19615242, 1.375,
    -0.216506351, 1.25, -6.06217783, -5, 0, -3.25, 0, 1.375, 0.216506351, 1.25, 6.06217783,
    2.875, 3.24759526, -6.25, 5.19615242 };
/* np.fft.fft(line, 8)[:5]: (5, 2, 2) */
static const double DFT8_ONESIDED[20] = { -0.5, 0, 5.75, 0, 4.23743687, -0.840990258,
    -0.982233047, -8.4246212, -1.25, -1.75, -0.75, 3.5, 1.76256313, -2.34099026, -4.51776695,
    -6.4246212, -5, 0, -3.25, 0 };
/* DX read as 6 complex values: np.fft.ifft(c, 4) and np.fft.ifft(c) */
static const double IDFT4[8] = { 0.5, 1.8125, 0.4375, -0.125, -0.625, -1.9375, 0.1875, -1 };
static const double IDFT6[12] = { -0.0833333333, 0.958333333, -0.386858737, -0.500400789,
    -0.781196304, 0.244417725, -0.833333333, -0.541666667, 1.23952964, 0.172248942, 1.34519207,
    -1.58293254 };
/* STFT: signal SX, periodic Hann window of 4, step 3: rfft of each frame (3, 3, 2) */
static const float SX[10] = { 1, 2, -1, 0.5f, 3, -2, 0, 1.5f, -0.5f, 2.5f };
static const float SW[4] = { 0, 0.5f, 1, 0.5f };
static const double STFT3[18] = { 0.25, 0, 1, -0.75, -2.25, 0, -0.5, 0, 2, -1.5, -3.5, 0, 1.5, 0,
    0.5, 0.5, -2.5, 0 };

static void test_windows(void **state)
{
    float y[6];
    double yd[6];
    (void)state;
    ec_window_f32(y, 5, EC_WINDOW_HANN, 1);
    CHECK(y, HANN5P, 5, 1e-6);
    ec_window_f32(y, 5, EC_WINDOW_HAMMING, 0);
    CHECK(y, HAMMING5S, 5, 1e-6);
    ec_window_f32(y, 6, EC_WINDOW_BLACKMAN, 1);
    CHECK(y, BLACKMAN6P, 6, 1e-6);
    ec_window_f64(yd, 5, EC_WINDOW_HAMMING, 0);
    assert_true(fabs(yd[1] - HAMMING5S[1]) < 1e-9 && fabs(yd[0] - HAMMING5S[0]) < 1e-9);
    /* symmetric window of one sample */
    ec_window_f32(y, 1, EC_WINDOW_HANN, 0);
    assert_true(y[0] == 1.0f);
}

static void test_dft(void **state)
{
    float scratch[4 * 8], y[24];
    (void)state;
    /* n = 6: direct sum */
    ec_dft_f32(y, DX, scratch, 1, 6, 2, 1, 6, 6, 0);
    CHECK(y, DFT6, 24, 1e-5);
    /* zero-padded to 8 (FFT), onesided: 5 bins */
    ec_dft_f32(y, DX, scratch, 1, 6, 2, 1, 8, 5, 0);
    CHECK(y, DFT8_ONESIDED, 20, 1e-5);
    /* complex input, inverse: truncated to 4 (FFT) and full 6 (direct) */
    ec_dft_f32(y, DX, scratch, 1, 6, 1, 2, 4, 4, 1);
    CHECK(y, IDFT4, 8, 1e-5);
    ec_dft_f32(y, DX, scratch, 1, 6, 1, 2, 6, 6, 1);
    CHECK(y, IDFT6, 12, 1e-5);
}

static void test_stft(void **state)
{
    float scratch[4 * 4], y[18];
    (void)state;
    ec_stft_f32(y, SX, SW, scratch, 1, 10, 1, 3, 3, 4, 3);
    CHECK(y, STFT3, 18, 1e-5);
}

static void test_mel(void **state)
{
    /* float64 port of the ONNX reference: 5 bins, dft_length 64, 8 kHz, 0..4000 Hz */
    static const struct { int r, c; double v; } nz[] = {
        { 1, 0, 1 }, { 2, 0, 0.666666667 }, { 2, 1, 0.333333333 }, { 3, 0, 0.333333333 },
        { 3, 1, 0.666666667 }, { 4, 1, 1 }, { 5, 1, 0.666666667 }, { 5, 2, 0.333333333 },
        { 6, 1, 0.333333333 }, { 6, 2, 0.666666667 }, { 7, 2, 1 }, { 8, 2, 0.75 }, { 8, 3, 0.25 },
        { 9, 2, 0.5 }, { 9, 3, 0.5 }, { 10, 2, 0.25 }, { 10, 3, 0.75 }, { 11, 3, 1 },
        { 12, 3, 0.8 }, { 12, 4, 0.2 }, { 13, 3, 0.6 }, { 13, 4, 0.4 }, { 14, 3, 0.4 },
        { 14, 4, 0.6 }, { 15, 3, 0.2 }, { 15, 4, 0.8 }, { 16, 4, 1 }, { 17, 4, 0.857142857 },
        { 18, 4, 0.714285714 }, { 19, 4, 0.571428571 }, { 20, 4, 0.428571429 },
        { 21, 4, 0.285714286 }, { 22, 4, 0.142857143 },
    };
    double want[33 * 5];
    float y[33 * 5];
    size_t i;
    (void)state;
    memset(want, 0, sizeof want);
    for (i = 0; i < sizeof nz / sizeof nz[0]; i++) want[nz[i].r * 5 + nz[i].c] = nz[i].v;
    ec_mel_weight_f32(y, 5, 64, 8000, 0.0f, 4000.0f);
    CHECK(y, want, 33 * 5, 1e-6);
}

static void test_grid_sample(void **state)
{
    /* x (1, 1, 2, 3) = [[0 1 2] [3 4 5]]; align_corners: grid (-1..1) spans pixel centres 0..w-1 */
    static const float x[6] = { 0, 1, 2, 3, 4, 5 };
    static const float grid[8] = { 0, 0, -1, -1, 1, 1, 1.5f, 0 };
    float y[4];
    (void)state;
    ec_grid_sample_f32(y, x, grid, 1, 1, 2, 3, 1, 4, EC_GS_LINEAR, EC_GS_ZEROS, 1);
    CHECK(y, ((const double[]){ 2.5, 0, 5, 1.75 }), 4, 1e-6);
    ec_grid_sample_f32(y, x, grid, 1, 1, 2, 3, 1, 4, EC_GS_LINEAR, EC_GS_BORDER, 1);
    CHECK(y, ((const double[]){ 2.5, 0, 5, 3.5 }), 4, 1e-6);
    ec_grid_sample_f32(y, x, grid, 1, 1, 2, 3, 1, 4, EC_GS_LINEAR, EC_GS_REFLECTION, 1);
    CHECK(y, ((const double[]){ 2.5, 0, 5, 3.0 }), 4, 1e-6);
    /* nearest: 0.5 and 2.5 round half to even (row 0, column 2) */
    ec_grid_sample_f32(y, x, grid, 1, 1, 2, 3, 1, 4, EC_GS_NEAREST, EC_GS_ZEROS, 1);
    CHECK(y, ((const double[]){ 1, 0, 5, 2 }), 4, 1e-6);
    /* bicubic (A = -0.75): weights at t = 0.5 are -0.09375, 0.59375, 0.59375, -0.09375 */
    ec_grid_sample_f32(y, x, grid, 1, 1, 2, 3, 1, 3, EC_GS_CUBIC, EC_GS_ZEROS, 1);
    CHECK(y, ((const double[]){ 2.96875, 0, 5 }), 3, 1e-6);
    /* align_corners = 0: grid 0 is still the image centre */
    ec_grid_sample_f32(y, x, grid, 1, 1, 2, 3, 1, 1, EC_GS_LINEAR, EC_GS_ZEROS, 0);
    CHECK(y, ((const double[]){ 2.5 }), 1, 1e-6);
}

static void test_roi_align(void **state)
{
    /* x (1, 1, 4, 4) = 4*row + col: bilinear samples are exact */
    float x[16], y[2];
    static const float roi[4] = { 0, 0, 2, 2 };
    static const int64_t bidx[1] = { 0 };
    int i;
    (void)state;
    for (i = 0; i < 16; i++) x[i] = (float)i;
    ec_roi_align_f32(y, x, roi, bidx, 1, 1, 4, 4, 1, 1, 1, 1, 1.0f, 0, EC_ROI_AVG);
    CHECK(y, ((const double[]){ 5 }), 1, 1e-6);
    ec_roi_align_f32(y, x, roi, bidx, 1, 1, 4, 4, 1, 1, 1, 1, 1.0f, 1, EC_ROI_AVG);
    CHECK(y, ((const double[]){ 2.5 }), 1, 1e-6);
    /* 2x2 samples at (0.5|1.5, 0.5|1.5): mean 5; max of the weighted corners 0.25 * 10 */
    ec_roi_align_f32(y, x, roi, bidx, 1, 1, 4, 4, 1, 1, 1, 2, 1.0f, 0, EC_ROI_AVG);
    CHECK(y, ((const double[]){ 5 }), 1, 1e-6);
    ec_roi_align_f32(y, x, roi, bidx, 1, 1, 4, 4, 1, 1, 1, 2, 1.0f, 0, EC_ROI_MAX);
    CHECK(y, ((const double[]){ 2.5 }), 1, 1e-6);
    /* spatial_scale 0.5 of a (0,0,4,4) box, 1x2 bins */
    {
        static const float roi2[4] = { 0, 0, 4, 4 };
        ec_roi_align_f32(y, x, roi2, bidx, 1, 1, 4, 4, 1, 1, 2, 1, 0.5f, 0, EC_ROI_AVG);
        CHECK(y, ((const double[]){ 4.5, 5.5 }), 2, 1e-6);
    }
}

static void test_det_lpnorm(void **state)
{
    /* np.linalg.det: [[0,1],[1,0]] -> -1 (needs a pivot), [[2,3],[1,4]] -> 5 */
    static const float a2[8] = { 0, 1, 1, 0, 2, 3, 1, 4 };
    static const float a3[18] = { 1, 2, 3, 4, 5, 6, 7, 8, 10, 1, 2, 3, 2, 4, 6, 0, 1, 1 };
    static const float a4[16] = { 0.5f, -1, 2, 0, 3, 0, 1, -2, 1, 1, 1, 1, -2, 0.25f, 0, 4 };
    static const double a4d[16] = { 0.5, -1, 2, 0, 3, 0, 1, -2, 1, 1, 1, 1, -2, 0.25, 0, 4 };
    static const float l[6] = { 3, -4, 12, 1, -2, 2 };
    float s[16], y[6];
    double sd[16], yd[1];
    (void)state;
    ec_det_f32(y, a2, s, 2, 2);
    CHECK(y, ((const double[]){ -1, 5 }), 2, 1e-6);
    ec_det_f32(y, a3, s, 2, 3);
    CHECK(y, ((const double[]){ -3, 0 }), 2, 1e-5);
    ec_det_f32(y, a4, s, 1, 4);
    CHECK(y, ((const double[]){ 13.875 }), 1, 1e-5);
    ec_det_f64(yd, a4d, sd, 1, 4);
    assert_true(fabs(yd[0] - 13.875) < 1e-12);
    ec_det_f32(y, a2, s, 1, 0); /* empty matrix: 1 */
    assert_true(y[0] == 1.0f);

    /* x / ||x||_2 along dim 1 of (2, 3); x / ||x||_1 along dim 0 */
    ec_lp_norm_f32(y, l, 2, 3, 1, 2);
    CHECK(y, ((const double[]){ 0.230769231, -0.307692308, 0.923076923, 0.333333333,
                                -0.666666667, 0.666666667 }), 6, 1e-6);
    ec_lp_norm_f32(y, l, 1, 2, 3, 1);
    CHECK(y, ((const double[]){ 0.75, -0.666666667, 0.857142857, 0.25, -0.333333333,
                                0.142857143 }), 6, 1e-6);
}

/* ---- through the IR ------------------------------------------------------------- */

static void add_int_const(ec_graph *g, const char *name, ec_dtype dt, int64_t v)
{
    ec_tensor *t = ec_alloc(sizeof *t);
    t->name = ec_strdup(name);
    t->dtype = dt;
    t->shape = ec_shape_make(0, NULL);
    t->nbytes = ec_dtype_size(dt);
    t->data = ec_alloc(t->nbytes);
    if (dt == EC_DT_INT32) *(int32_t *)t->data = (int32_t)v;
    else *(int64_t *)t->data = v;
    ec_add_initializer(g, t);
}

static ec_graph *new_graph(int64_t opset)
{
    ec_graph *g = ec_graph_new("g");
    ec_diag_set_file("m.onnx");
    g->opset = opset;
    return g;
}

static const ec_value *run_infer(ec_graph *g)
{
    ec_add_output(g, "y", EC_DT_UNDEFINED, NULL);
    ec_verify(g);
    ec_toposort(g);
    ec_infer_and_fold(g);
    return &g->values.a[ec_value_find(g, "y")];
}

static void test_ir_window(void **state)
{
    const char *in[1] = { "n" }, *out[1] = { "y" };
    const ec_value *y;
    ec_graph *g;
    ec_attr a;
    (void)state;
    /* constant size: folded to numpy's values */
    g = new_graph(17);
    add_int_const(g, "n", EC_DT_INT32, 5);
    ec_add_node(g, "HammingWindow", "", "w", in, 1, out, 1);
    a = ec_attr_new_int("periodic", 0);
    ec_node_add_attr(g, 0, &a);
    y = run_infer(g);
    assert_int_equal(y->dtype, EC_DT_FLOAT);
    assert_true(y->shape.rank == 1 && y->shape.dim[0] == 5);
    assert_non_null(y->data);
    CHECK((const float *)y->data, HAMMING5S, 5, 1e-6);

    /* double output */
    g = new_graph(17);
    add_int_const(g, "n", EC_DT_INT64, 5);
    ec_add_node(g, "HannWindow", "", "w", in, 1, out, 1);
    a = ec_attr_new_int("output_datatype", EC_DT_DOUBLE);
    ec_node_add_attr(g, 0, &a);
    y = run_infer(g);
    assert_int_equal(y->dtype, EC_DT_DOUBLE);
    assert_true(fabs(((const double *)y->data)[2] - HANN5P[2]) < 1e-9);

    /* size known only at run time: the output length would depend on it */
    g = new_graph(17);
    {
        ec_shape s = ec_shape_make(0, NULL);
        ec_add_input(g, "n", EC_DT_INT32, &s);
    }
    ec_add_node(g, "BlackmanWindow", "", "w", in, 1, out, 1);
    EXPECT_FAIL(run_infer(g));
    assert_non_null(strstr(ec_diag_last(), "must be a compile-time constant"));
    assert_non_null(strstr(ec_diag_last(), "window length"));
}

static void test_ir_dft_stft(void **state)
{
    static const int64_t xs[4] = { 2, 10, 3, 1 }, ss[3] = { 1, 128, 1 };
    const char *in2[2] = { "x", "len" }, *out[1] = { "y" };
    const char *sin4[4] = { "x", "step", "", "fl" };
    const ec_value *y;
    ec_graph *g;
    ec_shape s;
    ec_attr a;
    (void)state;
    /* DFT opset 17: axis 2, dft_length 16, onesided -> (2, 10, 9, 2) */
    g = new_graph(17);
    s = ec_shape_make(4, xs);
    ec_add_input(g, "x", EC_DT_FLOAT, &s);
    add_int_const(g, "len", EC_DT_INT64, 16);
    ec_add_node(g, "DFT", "", "d", in2, 2, out, 1);
    a = ec_attr_new_int("axis", 2);
    ec_node_add_attr(g, 0, &a);
    a = ec_attr_new_int("onesided", 1);
    ec_node_add_attr(g, 0, &a);
    y = run_infer(g);
    assert_true(y->shape.rank == 4 && y->shape.dim[0] == 2 && y->shape.dim[1] == 10 &&
                y->shape.dim[2] == 9 && y->shape.dim[3] == 2);

    /* axis 3 is the real/imaginary dim */
    g = new_graph(17);
    ec_add_input(g, "x", EC_DT_FLOAT, &s);
    ec_add_node(g, "DFT", "", "d", in2, 1, out, 1);
    a = ec_attr_new_int("axis", 3);
    ec_node_add_attr(g, 0, &a);
    EXPECT_FAIL(run_infer(g));
    assert_non_null(strstr(ec_diag_last(), "out of range"));

    /* onesided inverse */
    g = new_graph(17);
    ec_add_input(g, "x", EC_DT_FLOAT, &s);
    ec_add_node(g, "DFT", "", "d", in2, 1, out, 1);
    a = ec_attr_new_int("inverse", 1);
    ec_node_add_attr(g, 0, &a);
    a = ec_attr_new_int("onesided", 1);
    ec_node_add_attr(g, 0, &a);
    EXPECT_FAIL(run_infer(g));
    assert_non_null(strstr(ec_diag_last(), "onesided inverse"));

    /* STFT: 128 samples, frames of 16 every 8 -> (1, 15, 9, 2) */
    g = new_graph(17);
    s = ec_shape_make(3, ss);
    ec_add_input(g, "x", EC_DT_FLOAT, &s);
    add_int_const(g, "step", EC_DT_INT64, 8);
    add_int_const(g, "fl", EC_DT_INT64, 16);
    ec_add_node(g, "STFT", "", "s", sin4, 4, out, 1);
    y = run_infer(g);
    assert_true(y->shape.rank == 4 && y->shape.dim[1] == 15 && y->shape.dim[2] == 9);

    /* run-time frame_step */
    g = new_graph(17);
    ec_add_input(g, "x", EC_DT_FLOAT, &s);
    {
        ec_shape sc = ec_shape_make(0, NULL);
        ec_add_input(g, "step", EC_DT_INT64, &sc);
    }
    add_int_const(g, "fl", EC_DT_INT64, 16);
    ec_add_node(g, "STFT", "", "s", sin4, 4, out, 1);
    EXPECT_FAIL(run_infer(g));
    assert_non_null(strstr(ec_diag_last(), "number of frames"));
}

static void test_ir_det_shapes(void **state)
{
    static const int64_t xs[4] = { 2, 3, 4, 4 }, bad[2] = { 3, 4 };
    const char *in[1] = { "x" }, *out[1] = { "y" };
    const ec_value *y;
    ec_graph *g;
    ec_shape s;
    (void)state;
    g = new_graph(11);
    s = ec_shape_make(4, xs);
    ec_add_input(g, "x", EC_DT_FLOAT, &s);
    ec_add_node(g, "Det", "", "d", in, 1, out, 1);
    y = run_infer(g);
    assert_true(y->shape.rank == 2 && y->shape.dim[0] == 2 && y->shape.dim[1] == 3);

    g = new_graph(11);
    s = ec_shape_make(2, bad);
    ec_add_input(g, "x", EC_DT_FLOAT, &s);
    ec_add_node(g, "Det", "", "d", in, 1, out, 1);
    EXPECT_FAIL(run_infer(g));
    assert_non_null(strstr(ec_diag_last(), "last two dims"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_windows),
        cmocka_unit_test(test_dft),
        cmocka_unit_test(test_stft),
        cmocka_unit_test(test_mel),
        cmocka_unit_test(test_grid_sample),
        cmocka_unit_test(test_roi_align),
        cmocka_unit_test(test_det_lpnorm),
        cmocka_unit_test(test_ir_window),
        cmocka_unit_test(test_ir_dft_stft),
        cmocka_unit_test(test_ir_det_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
