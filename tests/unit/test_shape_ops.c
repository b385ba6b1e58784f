/* test_shape_ops.c - shape-family kernels against hand-computed values, and
 * the shape ops through the IR (inference + folding with the interpreter). */
#include <math.h>
#include <string.h>
#include "unit.h"
#include "ir.h"
#include "ec_shape.h"
#include "edgec.h"

static void check_f32(const float *got, const double *want, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (!(fabs(got[i] - want[i]) <= 1e-5 * (1.0 + fabs(want[i]))))
            fail_msg("[%d] = %.9g, expected %.9g", i, (double)got[i], want[i]);
}

static void check_i64(const int64_t *got, const int64_t *want, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (got[i] != want[i]) fail_msg("[%d] = %lld, expected %lld", i, (long long)got[i], (long long)want[i]);
}

static void check_i32(const int32_t *got, const int32_t *want, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (got[i] != want[i]) fail_msg("[%d] = %d, expected %d", i, got[i], want[i]);
}

/* ---- kernels ------------------------------------------------------------- */

static void test_gather_map_transpose_and_fill(void **state)
{
    /* x [2,3] = 1..6 -> transpose [3,2] */
    static const int32_t x[6] = { 1, 2, 3, 4, 5, 6 };
    static const int32_t ydims[2] = { 3, 2 }, offs[5] = { 0, 1, 2, /* dim 1 */ 0, 3 };
    static const int32_t nofill[2] = { 0, 0 };
    int32_t y[6];
    float f[6];
    static const float xf[3] = { 1, 2, 3 };
    /* [1,2,3] padded by 2 / 1 with -7.5: table -1 outside */
    static const int32_t pdims[1] = { 6 }, poffs[6] = { -1, -1, 0, 1, 2, -1 };
    float fillv = -7.5f;
    int32_t bits[2] = { 0, 0 };
    (void)state;
    ec_gather_map(y, x, NULL, 4, 2, ydims, offs, nofill);
    check_i32(y, (const int32_t[]){ 1, 4, 2, 5, 3, 6 }, 6);
    memcpy(bits, &fillv, 4);
    ec_gather_map(f, xf, NULL, 4, 1, pdims, poffs, bits);
    check_f32(f, (const double[]){ -7.5, -7.5, 1, 2, 3, -7.5 }, 6);
    /* fill from a tensor instead of the bits */
    fillv = 2.25f;
    ec_gather_map(f, xf, &fillv, 4, 1, pdims, poffs, nofill);
    check_f32(f, (const double[]){ 2.25, 2.25, 1, 2, 3, 2.25 }, 6);
}

static void test_gather_map_f16_reverse(void **state)
{
    /* 2-byte elements: reverse a [4] float16 vector with a table */
    uint16_t x[4], y[4];
    static const int32_t dims[1] = { 4 }, offs[4] = { 3, 2, 1, 0 }, nofill[2] = { 0, 0 };
    int i;
    (void)state;
    for (i = 0; i < 4; i++) x[i] = ec_f32_to_f16((float)i + 0.5f);
    ec_gather_map(y, x, NULL, 2, 1, dims, offs, nofill);
    for (i = 0; i < 4; i++) assert_true(ec_f16_to_f32(y[i]) == (float)(3 - i) + 0.5f);
}

static void test_copy_blocks_concat_split(void **state)
{
    /* concat a [2,1] and b [2,2] int16 along axis 1 -> [2,3] */
    static const int16_t a[2] = { 1, 4 }, b[4] = { 2, 3, 5, 6 };
    int16_t y[6], s[4];
    int i;
    (void)state;
    ec_copy_blocks(y, a, 2, 2, 0, 6, 0, 2);
    ec_copy_blocks(y, b, 2, 4, 2, 6, 0, 4);
    for (i = 0; i < 6; i++) assert_int_equal(y[i], i + 1);
    /* split y back: columns 1..2 */
    ec_copy_blocks(s, y, 2, 4, 0, 4, 2, 6);
    for (i = 0; i < 4; i++) assert_int_equal(s[i], b[i]);
}

static void test_gather_indices(void **state)
{
    static const float x[6] = { 1, 2, 3, 4, 5, 6 }; /* [3,2] */
    static const int32_t i32[2] = { -1, 0 };
    static const int64_t i64[3] = { 1, 1, -2 };
    float y[9];
    (void)state;
    ec_gather(y, x, i32, 4, EC_DT_INT32, 1, 3, 2, 2); /* axis 0 */
    check_f32(y, (const double[]){ 5, 6, 1, 2 }, 4);
    ec_gather(y, x, i64, 4, EC_DT_INT64, 3, 2, 1, 3); /* axis 1 */
    check_f32(y, (const double[]){ 2, 2, 1, 4, 4, 3, 6, 6, 5 }, 9);
}

static void test_gather_elements_nd(void **state)
{
    /* ONNX GatherElements example: axis 1 */
    static const int32_t x[4] = { 1, 2, 3, 4 }, dims[2] = { 2, 2 };
    static const int64_t idx[4] = { 0, 0, 1, 0 };
    /* GatherND batch_dims = 1: data [2,2,2] = 0..7, indices [[1],[0]] */
    static const float d[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    static const int64_t nidx[2] = { 1, 0 };
    static const int32_t ndims[1] = { 2 }, nstr[1] = { 2 };
    int32_t y[4];
    float z[4];
    (void)state;
    ec_gather_elements(y, x, idx, 4, EC_DT_INT64, 1, 2, dims, dims);
    check_i32(y, (const int32_t[]){ 1, 1, 4, 3 }, 4);
    ec_gather_nd(z, d, nidx, 4, EC_DT_INT64, 2, 1, 1, 2, 4, ndims, nstr);
    check_f32(z, (const double[]){ 2, 3, 4, 5 }, 4);
}

static void test_scatter(void **state)
{
    /* ScatterElements add with duplicate indices, axis 1 */
    static const float data[5] = { 1, 2, 3, 4, 5 }, upd[2] = { 1.1f, 2.1f };
    static const int64_t idx[2] = { 1, 1 };
    static const int32_t ddims[2] = { 1, 5 }, idims[2] = { 1, 2 };
    /* ScatterND: ONNX example on [8] */
    static const int32_t sd[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, su[4] = { 9, 10, 11, 12 };
    static const int32_t sidx[4] = { 4, 3, 1, 7 }, dims[1] = { 8 }, strides[1] = { 1 };
    float y[5];
    int32_t z[8];
    (void)state;
    ec_scatter_elements(y, data, idx, upd, 4, EC_DT_INT64, EC_DT_FLOAT, EC_SCATTER_ADD, 1, 2, ddims, idims);
    check_f32(y, (const double[]){ 1, 2 + 1.1 + 2.1, 3, 4, 5 }, 5);
    ec_scatter_elements(y, data, idx, upd, 4, EC_DT_INT64, EC_DT_FLOAT, EC_SCATTER_NONE, 1, 2, ddims, idims);
    check_f32(y, (const double[]){ 1, 2.1, 3, 4, 5 }, 5);
    ec_scatter_nd(z, sd, sidx, su, 4, EC_DT_INT32, EC_DT_INT32, EC_SCATTER_NONE, 8, 4, 1, 1, dims, strides);
    check_i32(z, (const int32_t[]){ 1, 11, 3, 10, 9, 6, 7, 12 }, 8);
    ec_scatter_nd(z, sd, sidx, su, 4, EC_DT_INT32, EC_DT_INT32, EC_SCATTER_MUL, 8, 4, 1, 1, dims, strides);
    check_i32(z, (const int32_t[]){ 1, 22, 3, 40, 45, 6, 7, 96 }, 8);
}

static void test_onehot_trilu_reverse(void **state)
{
    static const float idx[3] = { 1, -1, 5 }; /* float indices are allowed */
    static const int64_t vals[2] = { 0, 1 };
    static const int32_t m[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    /* ReverseSequence ONNX example, time_axis 0: x [4,4], lens [4,3,2,1] */
    static const float x[16] = { 0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15 };
    static const int64_t lens[4] = { 4, 3, 2, 1 };
    int64_t y[9];
    int32_t t[9];
    float r[16];
    (void)state;
    ec_onehot(y, idx, vals, 8, EC_DT_FLOAT, 3, 3, 1);
    check_i64(y, (const int64_t[]){ 0, 1, 0, 0, 0, 1, 0, 0, 0 }, 9);
    ec_trilu(t, m, 4, 1, 1, 1, 3, 3);
    check_i32(t, (const int32_t[]){ 0, 2, 3, 0, 0, 6, 0, 0, 0 }, 9);
    ec_trilu(t, m, 4, 0, -1, 1, 3, 3);
    check_i32(t, (const int32_t[]){ 0, 0, 0, 4, 0, 0, 7, 8, 0 }, 9);
    ec_reverse_sequence(r, x, lens, 4, EC_DT_INT64, 0, 4, 4, 1);
    check_f32(r, (const double[]){ 3, 6, 9, 12, 2, 5, 8, 13, 1, 4, 10, 14, 0, 7, 11, 15 }, 16);
}

static void test_resize_kernel(void **state)
{
    /* 1-D: x [1,2,3,4]; two outputs with 2 taps each; then a 2-D case where
     * dim 0 has one tap and the second coordinate is outside (extrapolation). */
    static const float x[4] = { 1, 2, 3, 4 };
    static const int32_t ydims[1] = { 2 }, taps[1] = { 2 }, idx[4] = { 0, 1, 2, 3 };
    static const float w[4] = { 0.5f, 0.5f, 0.25f, 0.75f };
    static const int32_t y2dims[2] = { 2, 2 }, taps2[2] = { 1, 2 };
    static const int32_t idx2[6] = { 0, -1, /* dim 1: */ 0, 1, 0, 1 };
    static const float w2[6] = { 1, 0, 0.5f, 0.5f, 1, 0 };
    float y[4];
    (void)state;
    ec_resize_f32(y, x, 0.0f, 1, ydims, taps, idx, w);
    check_f32(y, (const double[]){ 1.5, 3.75 }, 2);
    ec_resize_f32(y, x, 10.0f, 2, y2dims, taps2, idx2, w2);
    check_f32(y, (const double[]){ 1.5, 1, 10, 10 }, 4);
}

/* ---- the ops, through the IR --------------------------------------------- */

static ec_graph *G;
static int NODE;

static void new_graph(int opset)
{
    G = ec_graph_new("g");
    G->opset = opset;
    ec_diag_set_file("m.onnx");
}

static void cnst(const char *name, ec_dtype dt, int rank, const int64_t *dims, const void *data)
{
    ec_tensor *t = ec_alloc(sizeof *t);
    t->name = ec_strdup(name);
    t->dtype = dt;
    t->shape = ec_shape_make(rank, dims);
    t->nbytes = (size_t)ec_shape_numel(&t->shape) * ec_dtype_size(dt);
    t->data = ec_alloc(t->nbytes + 1);
    memcpy(t->data, data, t->nbytes);
    ec_add_initializer(G, t);
}

static void op(const char *name, const char *const *in, int nin, int nout)
{
    static const char *const outs[3] = { "y", "y1", "y2" };
    int k;
    NODE = ec_add_node(G, name, "", "n", in, nin, (const char *const *)outs, nout);
    for (k = 0; k < nout; k++) ec_add_output(G, outs[k], EC_DT_UNDEFINED, NULL);
}

static void attr_int(const char *name, int64_t v)
{
    ec_attr a;
    memset(&a, 0, sizeof a);
    a.name = ec_strdup(name);
    a.type = EC_ATTR_INT;
    a.i = v;
    ec_node_add_attr(G, NODE, &a);
}

static void attr_str(const char *name, const char *v)
{
    ec_attr a;
    memset(&a, 0, sizeof a);
    a.name = ec_strdup(name);
    a.type = EC_ATTR_STRING;
    a.s = ec_strdup(v);
    a.slen = strlen(v);
    ec_node_add_attr(G, NODE, &a);
}

static void infer(void)
{
    ec_verify(G);
    ec_toposort(G);
    ec_infer_and_fold(G);
}

static const ec_value *out(int k)
{
    const ec_value *v = &G->values.a[G->outputs.a[k]];
    assert_non_null(v->data);
    return v;
}

static void test_ir_pad_modes(void **state)
{
    static const float x[3] = { 1, 2, 3 };
    static const int64_t d3[1] = { 3 }, d2[1] = { 2 }, pads[2] = { 2, 2 };
    static const char *const in[2] = { "x", "pads" };
    static const char *const modes[3] = { "reflect", "edge", "constant" };
    static const double want[3][7] = { { 3, 2, 1, 2, 3, 2, 1 }, { 1, 1, 1, 2, 3, 3, 3 }, { 0, 0, 1, 2, 3, 0, 0 } };
    int m;
    (void)state;
    for (m = 0; m < 3; m++) {
        new_graph(13);
        cnst("x", EC_DT_FLOAT, 1, d3, x);
        cnst("pads", EC_DT_INT64, 1, d2, pads);
        op("Pad", in, 2, 1);
        attr_str("mode", modes[m]);
        infer();
        assert_int_equal(out(0)->shape.dim[0], 7);
        check_f32(out(0)->data, want[m], 7);
    }
}

static void test_ir_slice_negative_step(void **state)
{
    static const int32_t x[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    static const int64_t d10[1] = { 10 }, d1[1] = { 1 };
    static const int64_t st[1] = { -1 }, en[1] = { INT64_MIN }, ax[1] = { 0 }, sp[1] = { -3 };
    static const char *const in[5] = { "x", "s", "e", "a", "p" };
    (void)state;
    new_graph(13);
    cnst("x", EC_DT_INT32, 1, d10, x);
    cnst("s", EC_DT_INT64, 1, d1, st);
    cnst("e", EC_DT_INT64, 1, d1, en);
    cnst("a", EC_DT_INT64, 1, d1, ax);
    cnst("p", EC_DT_INT64, 1, d1, sp);
    op("Slice", in, 5, 1);
    infer();
    assert_int_equal(out(0)->shape.dim[0], 4);
    check_i32(out(0)->data, (const int32_t[]){ 9, 6, 3, 0 }, 4);
}

static void test_ir_depth_to_space(void **state)
{
    static const float x[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    static const int64_t d[4] = { 1, 8, 1, 1 };
    static const char *const in[1] = { "x" };
    static const double dcr[8] = { 0, 2, 4, 6, 1, 3, 5, 7 }, crd[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    int m;
    (void)state;
    for (m = 0; m < 2; m++) {
        const ec_value *y;
        new_graph(13);
        cnst("x", EC_DT_FLOAT, 4, d, x);
        op("DepthToSpace", in, 1, 1);
        attr_int("blocksize", 2);
        attr_str("mode", m ? "CRD" : "DCR");
        infer();
        y = out(0);
        assert_true(y->shape.dim[1] == 2 && y->shape.dim[2] == 2 && y->shape.dim[3] == 2);
        check_f32(y->data, m ? crd : dcr, 8);
    }
    /* SpaceToDepth inverts DCR */
    {
        static const int64_t d2[4] = { 1, 2, 2, 2 };
        static const float xs[8] = { 0, 2, 4, 6, 1, 3, 5, 7 };
        new_graph(13);
        cnst("x", EC_DT_FLOAT, 4, d2, xs);
        op("SpaceToDepth", in, 1, 1);
        attr_int("blocksize", 2);
        infer();
        check_f32(out(0)->data, (const double[]){ 0, 1, 2, 3, 4, 5, 6, 7 }, 8);
    }
}

static void test_ir_resize(void **state)
{
    static const float x[2] = { 1, 2 }, sc[1] = { 2 };
    static const int64_t d2[1] = { 2 }, d1[1] = { 1 };
    static const char *const in[3] = { "x", "", "s" };
    (void)state;
    new_graph(13);
    cnst("x", EC_DT_FLOAT, 1, d2, x);
    cnst("s", EC_DT_FLOAT, 1, d1, sc);
    op("Resize", in, 3, 1);
    infer();
    check_f32(out(0)->data, (const double[]){ 1, 1, 2, 2 }, 4);
    new_graph(13);
    cnst("x", EC_DT_FLOAT, 1, d2, x);
    cnst("s", EC_DT_FLOAT, 1, d1, sc);
    op("Resize", in, 3, 1);
    attr_str("mode", "linear");
    infer();
    check_f32(out(0)->data, (const double[]){ 1, 1.25, 1.75, 2 }, 4);
    new_graph(13);
    cnst("x", EC_DT_FLOAT, 1, d2, x);
    cnst("s", EC_DT_FLOAT, 1, d1, sc);
    op("Resize", in, 3, 1);
    attr_str("mode", "linear");
    attr_str("coordinate_transformation_mode", "align_corners");
    infer();
    check_f32(out(0)->data, (const double[]){ 1, 4.0 / 3, 5.0 / 3, 2 }, 4);
}

static void test_ir_folded_ops(void **state)
{
    static const float x[6] = { 0, 1, 0, -0.0f, 2, 0 };
    static const int64_t d23[2] = { 2, 3 }, d0[1] = { 0 };
    static const int64_t rs[1] = { 10 }, rl[1] = { 1 }, rd[1] = { -4 };
    static const char *const in[3] = { "x", "", "" }, *rin[3] = { "a", "b", "c" };
    const ec_value *y;
    (void)state;
    /* Shape with start/end, then Size */
    new_graph(15);
    cnst("x", EC_DT_FLOAT, 2, d23, x);
    op("Shape", in, 1, 1);
    attr_int("start", -1);
    infer();
    y = out(0);
    assert_int_equal(y->shape.dim[0], 1);
    check_i64(y->data, (const int64_t[]){ 3 }, 1);
    new_graph(13);
    cnst("x", EC_DT_FLOAT, 2, d23, x);
    op("Size", in, 1, 1);
    infer();
    assert_int_equal(out(0)->shape.rank, 0);
    check_i64(out(0)->data, (const int64_t[]){ 6 }, 1);
    /* NonZero: -0.0 is zero */
    new_graph(13);
    cnst("x", EC_DT_FLOAT, 2, d23, x);
    op("NonZero", in, 1, 1);
    infer();
    y = out(0);
    assert_true(y->shape.dim[0] == 2 && y->shape.dim[1] == 2);
    check_i64(y->data, (const int64_t[]){ 0, 1, 1, 1 }, 4);
    /* EyeLike k=1 int32 */
    new_graph(13);
    cnst("x", EC_DT_FLOAT, 2, d23, x);
    op("EyeLike", in, 1, 1);
    attr_int("k", 1);
    attr_int("dtype", EC_DT_INT32);
    infer();
    assert_int_equal(out(0)->dtype, EC_DT_INT32);
    check_i32(out(0)->data, (const int32_t[]){ 0, 1, 0, 0, 0, 1 }, 6);
    /* Range int64 negative delta: 10, 6, 2 */
    new_graph(13);
    cnst("a", EC_DT_INT64, 0, NULL, rs);
    cnst("b", EC_DT_INT64, 0, NULL, rl);
    cnst("c", EC_DT_INT64, 0, NULL, rd);
    op("Range", rin, 3, 1);
    infer();
    assert_int_equal(out(0)->shape.dim[0], 3);
    check_i64(out(0)->data, (const int64_t[]){ 10, 6, 2 }, 3);
    /* ConstantOfShape of an empty shape: a scalar 0.0f */
    new_graph(13);
    cnst("x", EC_DT_INT64, 1, d0, rs);
    op("ConstantOfShape", in, 1, 1);
    infer();
    assert_int_equal(out(0)->shape.rank, 0);
    assert_int_equal(out(0)->dtype, EC_DT_FLOAT);
}

static void test_ir_views(void **state)
{
    static const float x[6] = { 1, 2, 3, 4, 5, 6 };
    static const int64_t d23[2] = { 2, 3 }, d2[1] = { 2 }, sh[2] = { 0, -1 }, bad[2] = { 4, 2 };
    static const int64_t ax[1] = { 1 };
    static const char *const in[2] = { "x", "s" };
    (void)state;
    /* 0 copies the input dim, -1 takes the rest */
    new_graph(13);
    cnst("x", EC_DT_FLOAT, 2, d23, x);
    cnst("s", EC_DT_INT64, 1, d2, sh);
    op("Reshape", in, 2, 1);
    infer();
    assert_true(out(0)->shape.rank == 2 && out(0)->shape.dim[0] == 2 && out(0)->shape.dim[1] == 3);
    check_f32(out(0)->data, (const double[]){ 1, 2, 3, 4, 5, 6 }, 6);
    /* allowzero: the 0 is a real 0 -> 0 elements != 6 */
    new_graph(14);
    cnst("x", EC_DT_FLOAT, 2, d23, x);
    cnst("s", EC_DT_INT64, 1, d2, sh);
    op("Reshape", in, 2, 1);
    attr_int("allowzero", 1);
    EXPECT_FAIL_MSG(infer(), "cannot infer -1");
    new_graph(13);
    cnst("x", EC_DT_FLOAT, 2, d23, x);
    cnst("s", EC_DT_INT64, 1, d2, bad);
    op("Reshape", in, 2, 1);
    EXPECT_FAIL_MSG(infer(), "elements");
    /* Unsqueeze axes input (opset 13) */
    new_graph(13);
    cnst("x", EC_DT_FLOAT, 2, d23, x);
    {
        static const int64_t d1[1] = { 1 };
        cnst("s", EC_DT_INT64, 1, d1, ax);
    }
    op("Unsqueeze", in, 2, 1);
    infer();
    assert_true(out(0)->shape.rank == 3 && out(0)->shape.dim[1] == 1 && out(0)->shape.dim[2] == 3);
    /* Squeeze of a dim that is not 1 */
    new_graph(13);
    cnst("x", EC_DT_FLOAT, 2, d23, x);
    {
        static const int64_t d1[1] = { 1 };
        cnst("s", EC_DT_INT64, 1, d1, ax);
    }
    op("Squeeze", in, 2, 1);
    EXPECT_FAIL_MSG(infer(), "cannot squeeze");
}

static void test_ir_bad_input(void **state)
{
    static const float x[6] = { 1, 2, 3, 4, 5, 6 };
    static const int64_t d23[2] = { 2, 3 }, d1[1] = { 1 }, far[1] = { 3 }, one[1] = { 1 }, zero[1] = { 0 };
    static const bool yes[1] = { true };
    static const char *const in[3] = { "x", "i", "t" };
    (void)state;
    /* constant Gather index out of range */
    new_graph(13);
    cnst("x", EC_DT_FLOAT, 2, d23, x);
    cnst("i", EC_DT_INT64, 1, d1, far);
    op("Gather", in, 2, 1);
    attr_int("axis", 1);
    EXPECT_FAIL_MSG(infer(), "out of range");
    /* NonZero of a run-time input: planned at [rank, numel], dim 1 data-dependent */
    new_graph(13);
    ec_add_input(G, "x", EC_DT_FLOAT, &(ec_shape){ .rank = 2, .dim = { 2, 3 } });
    op("NonZero", in, 1, 1);
    infer();
    assert_int_equal(G->values.a[G->outputs.a[0]].shape.rank, 2);
    assert_int_equal(G->values.a[G->outputs.a[0]].shape.dim[0], 2);
    assert_int_equal(G->values.a[G->outputs.a[0]].shape.dim[1], 6);
    assert_true(G->values.a[G->outputs.a[0]].data_dep);
    assert_int_equal(G->values.a[G->outputs.a[0]].dd_dim, 1);
    /* ... which no op may read */
    {
        static const char *const nz_out[1] = { "nz" }, *const tr_in[1] = { "nz" }, *const tr_out[1] = { "y" };
        ec_program p;
        new_graph(13);
        ec_add_input(G, "x", EC_DT_FLOAT, &(ec_shape){ .rank = 2, .dim = { 2, 3 } });
        ec_add_node(G, "NonZero", "", "nz", in, 1, nz_out, 1);
        ec_add_node(G, "Transpose", "", "tr", tr_in, 1, tr_out, 1);
        ec_add_output(G, "y", EC_DT_UNDEFINED, NULL);
        infer();
        EXPECT_FAIL_MSG(ec_lower_graph(G, &p), "has a data-dependent size");
    }
    /* Dropout in training mode with a non-zero ratio */
    new_graph(13);
    cnst("x", EC_DT_FLOAT, 2, d23, x);
    cnst("i", EC_DT_FLOAT, 0, NULL, x);
    cnst("t", EC_DT_BOOL, 0, NULL, yes);
    op("Dropout", in, 3, 1);
    EXPECT_FAIL_MSG(infer(), "training mode with ratio 1 drops elements at random");
    /* Range with delta 0 */
    new_graph(13);
    cnst("x", EC_DT_INT64, 0, NULL, zero);
    cnst("i", EC_DT_INT64, 0, NULL, one);
    cnst("t", EC_DT_INT64, 0, NULL, zero);
    op("Range", in, 3, 1);
    EXPECT_FAIL_MSG(infer(), "delta");
    /* Split into unequal parts without sizes */
    new_graph(13);
    cnst("x", EC_DT_FLOAT, 2, d23, x);
    op("Split", in, 1, 2);
    attr_int("axis", 1);
    EXPECT_FAIL_MSG(infer(), "evenly");
    /* Transpose with a bad perm */
    new_graph(13);
    cnst("x", EC_DT_FLOAT, 2, d23, x);
    op("Transpose", in, 1, 1);
    {
        ec_attr a;
        memset(&a, 0, sizeof a);
        a.name = ec_strdup("perm");
        a.type = EC_ATTR_INTS;
        a.n = 2;
        a.ints = ec_alloc(2 * sizeof(int64_t));
        a.ints[0] = 1;
        a.ints[1] = 1;
        ec_node_add_attr(G, NODE, &a);
    }
    EXPECT_FAIL_MSG(infer(), "permutation");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gather_map_transpose_and_fill),
        cmocka_unit_test(test_gather_map_f16_reverse),
        cmocka_unit_test(test_copy_blocks_concat_split),
        cmocka_unit_test(test_gather_indices),
        cmocka_unit_test(test_gather_elements_nd),
        cmocka_unit_test(test_scatter),
        cmocka_unit_test(test_onehot_trilu_reverse),
        cmocka_unit_test(test_resize_kernel),
        cmocka_unit_test(test_ir_pad_modes),
        cmocka_unit_test(test_ir_slice_negative_step),
        cmocka_unit_test(test_ir_depth_to_space),
        cmocka_unit_test(test_ir_resize),
        cmocka_unit_test(test_ir_folded_ops),
        cmocka_unit_test(test_ir_views),
        cmocka_unit_test(test_ir_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
