/* signal.c - ops of the signal family: shape inference, lowering, kernel table.
 *
 *   HannWindow HammingWindow BlackmanWindow  ec_window_f32 ec_window_f64
 *   DFT STFT                                 ec_dft_f32 ec_stft_f32
 *   MelWeightMatrix                          ec_mel_weight_f32
 *   GridSample                               ec_grid_sample_f32
 *   RoiAlign                                 ec_roi_align_f32
 *   Det                                      ec_det_f32 ec_det_f64
 *   LpNormalization                          ec_lp_norm_f32
 *
 * Every input that decides an output shape (window size, dft_length,
 * frame_step, frame_length, the mel sizes) must be a compile-time constant.
 * Each op computes its geometry in one *_make() function used by both infer
 * and lower, so the two cannot disagree.
 */
#include <string.h>
#include "ir.h"
#include "ec_signal.h"

/* ---- small helpers ------------------------------------------------------- */

static void need_float(ec_graph *g, int node, const ec_value *v, const char *what, bool f64_ok)
{
    if (v->dtype == EC_DT_FLOAT || (f64_ok && v->dtype == EC_DT_DOUBLE)) return;
    ec_fail_node(g, node, "%s has unsupported type %s (supported: float%s)", what,
                 ec_dtype_name(v->dtype), f64_ok ? ", double" : "");
}

static int64_t prod_dims(const ec_shape *s, int from, int to)
{
    int64_t p = 1;
    int i;
    for (i = from; i < to; i++) p *= s->dim[i];
    return p;
}

/* The dims of x, a [N, C, H, W] tensor, as the arguments n, c, h, w. */
static void arg_nchw(ec_call *c, const ec_value *x)
{
    ec_arg_int(c, "n", x->shape.dim[0]);
    ec_arg_int(c, "c", x->shape.dim[1]);
    ec_arg_int(c, "h", x->shape.dim[2]);
    ec_arg_int(c, "w", x->shape.dim[3]);
}

/* A scalar (or one-element) integer input that must be a compile-time
 * constant because it decides a shape; `why` completes the message. */
static int64_t const_scalar_int(ec_graph *g, int node, int k, const char *what, const char *why)
{
    const ec_value *v = ec_in(g, node, k);
    if (!v) ec_fail_node(g, node, "missing input %d (%s)", k, what);
    if (!v->data) {
        ec_diag_need_const(g, ec_in_id(g, node, k));
        ec_fail_node(g, node,
                     "input %d ('%s', %s) must be a compile-time constant: it %s; a value known "
                     "only at run time is not supported (bind it with --bind)",
                     k, v->name, what, why);
    }
    if (!ec_dtype_is_int(v->dtype))
        ec_fail_node(g, node, "input %d (%s) must be an integer, got %s", k, what,
                     ec_dtype_name(v->dtype));
    if (v->shape.rank < 0 || ec_shape_numel(&v->shape) != 1)
        ec_fail_node(g, node, "input %d (%s) must be a scalar", k, what);
    return ec_const_int(v, 0);
}

/* ---- windows --------------------------------------------------------------- */

static int window_kind(const ec_node *n)
{
    if (strcmp(n->op, "HammingWindow") == 0) return EC_WINDOW_HAMMING;
    if (strcmp(n->op, "BlackmanWindow") == 0) return EC_WINDOW_BLACKMAN;
    return EC_WINDOW_HANN;
}

static int64_t window_make(ec_graph *g, int node, ec_dtype *dt)
{
    const ec_node *n = NODE(g, node);
    int64_t size = const_scalar_int(g, node, 0, "size", "decides the window length");
    *dt = (ec_dtype)ec_attr_int(n, "output_datatype", EC_DT_FLOAT);
    if (*dt != EC_DT_FLOAT && *dt != EC_DT_DOUBLE)
        ec_fail_node(g, node, "output_datatype %s is not supported (float, double)",
                     ec_dtype_name(*dt));
    if (size < 0 || size > (1 << 24))
        ec_fail_node(g, node, "window size %lld is out of range [0, 2^24]", (long long)size);
    return size;
}

static void infer_window(ec_graph *g, int node)
{
    ec_dtype dt;
    int64_t size = window_make(g, node, &dt);
    ec_shape s = ec_shape_make(1, &size);
    ec_set_out(g, node, 0, dt, &s);
}

static void lower_window(ec_graph *g, int node, ec_lowering *L)
{
    ec_dtype dt;
    int64_t size = window_make(g, node, &dt);
    ec_call *c = ec_emit(L, dt == EC_DT_DOUBLE ? "ec_window_f64" : "ec_window_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_int(c, "n", size);
    ec_arg_int(c, "kind", window_kind(NODE(g, node)));
    ec_arg_int(c, "periodic", ec_attr_int(NODE(g, node), "periodic", 1) != 0);
}

/* ---- DFT --------------------------------------------------------------------- */

typedef struct dft_info {
    ec_value *x;
    int axis;
    int64_t outer, nin, inner, cin, n, nout;
    bool inverse;
    ec_shape out;
} dft_info;

static void dft_make(ec_graph *g, int node, dft_info *d)
{
    const ec_node *nd = NODE(g, node);
    const int rank = (d->x = ec_need_in(g, node, 0, "input"))->shape.rank;
    const bool onesided = ec_attr_int(nd, "onesided", 0) != 0;
    int64_t axis;
    int i;
    need_float(g, node, d->x, "input", false);
    if (rank < 2) ec_fail_node(g, node, "input needs rank >= 2 ([..., signal, 1 or 2]), got %d", rank);
    d->cin = d->x->shape.dim[rank - 1];
    if (d->cin != 1 && d->cin != 2)
        ec_fail_node(g, node, "the last dim of the input must be 1 (real) or 2 (complex), got %lld",
                     (long long)d->cin);
    if (g->opset >= 20) {
        if (ec_attr_find(nd, "axis"))
            ec_fail_node(g, node, "attribute 'axis' was replaced by input 2 in opset 20");
        axis = ec_in(g, node, 2) ? const_scalar_int(g, node, 2, "axis", "picks the transformed dim")
                                 : -2;
    } else {
        axis = ec_attr_int(nd, "axis", 1);
    }
    if (axis < 0) axis += rank;
    if (axis < 0 || axis > rank - 2)
        ec_fail_node(g, node, "axis %lld is out of range for rank %d (the last dim holds the "
                     "real/imaginary parts)", (long long)axis, rank);
    d->axis = (int)axis;
    d->inverse = ec_attr_int(nd, "inverse", 0) != 0;
    for (i = 0; i < rank; i++)
        if (d->x->shape.dim[i] < 0)
            ec_fail_node(g, node, "input needs a static shape (dim %d is unknown)", i);
    d->nin = d->x->shape.dim[d->axis];
    d->n = ec_in(g, node, 1) ? const_scalar_int(g, node, 1, "dft_length", "decides the output length")
                             : d->nin;
    if (d->n < 1 || d->n > (1 << 24))
        ec_fail_node(g, node, "dft_length %lld is out of range", (long long)d->n);
    if (onesided && d->inverse)
        ec_fail_node(g, node, "a onesided inverse DFT is not supported");
    d->nout = onesided ? d->n / 2 + 1 : d->n;
    d->outer = prod_dims(&d->x->shape, 0, d->axis);
    d->inner = prod_dims(&d->x->shape, d->axis + 1, rank - 1);
    d->out = d->x->shape;
    for (i = 0; i < rank; i++) d->out.sym[i] = NULL;
    d->out.dim[d->axis] = d->nout;
    d->out.dim[rank - 1] = 2;
}

static void infer_dft(ec_graph *g, int node)
{
    dft_info d;
    dft_make(g, node, &d);
    ec_set_out(g, node, 0, EC_DT_FLOAT, &d.out);
}

static void lower_dft(ec_graph *g, int node, ec_lowering *L)
{
    dft_info d;
    ec_call *c;
    dft_make(g, node, &d);
    c = ec_emit(L, "ec_dft_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_scratch(c, "scratch", 4 * d.n * (int64_t)sizeof(float));
    ec_arg_int(c, "outer", d.outer);
    ec_arg_int(c, "nin", d.nin);
    ec_arg_int(c, "inner", d.inner);
    ec_arg_int(c, "cin", d.cin);
    ec_arg_int(c, "n", d.n);
    ec_arg_int(c, "nout", d.nout);
    ec_arg_int(c, "inverse", d.inverse);
}

/* ---- STFT -------------------------------------------------------------------- */

typedef struct stft_info {
    ec_value *x, *window;
    int64_t batch, len, cin, step, n, frames, nout;
} stft_info;

static void stft_make(ec_graph *g, int node, stft_info *s)
{
    const ec_node *nd = NODE(g, node);
    const bool onesided = ec_attr_int(nd, "onesided", 1) != 0;
    s->x = ec_need_in(g, node, 0, "signal");
    need_float(g, node, s->x, "signal", false);
    if (s->x->shape.rank != 3)
        ec_fail_node(g, node, "signal needs shape [batch, length, 1 or 2], got rank %d",
                     s->x->shape.rank);
    if (!ec_shape_is_static(&s->x->shape)) ec_fail_node(g, node, "signal needs a static shape");
    s->batch = s->x->shape.dim[0];
    s->len = s->x->shape.dim[1];
    s->cin = s->x->shape.dim[2];
    if (s->cin != 1 && s->cin != 2)
        ec_fail_node(g, node, "the last dim of the signal must be 1 (real) or 2 (complex), got %lld",
                     (long long)s->cin);
    s->step = const_scalar_int(g, node, 1, "frame_step", "decides the number of frames");
    if (s->step < 1 || s->step > INT32_MAX)
        ec_fail_node(g, node, "frame_step %lld must be positive", (long long)s->step);
    s->window = ec_in(g, node, 2);
    s->n = -1;
    if (s->window) {
        need_float(g, node, s->window, "window", false);
        if (s->window->shape.rank != 1 || s->window->shape.dim[0] < 0)
            ec_fail_node(g, node, "window must be a 1-D tensor of static length");
        s->n = s->window->shape.dim[0];
    }
    if (ec_in(g, node, 3)) {
        int64_t fl = const_scalar_int(g, node, 3, "frame_length", "decides the DFT length");
        if (s->n >= 0 && fl != s->n)
            ec_fail_node(g, node, "frame_length %lld differs from the window length %lld",
                         (long long)fl, (long long)s->n);
        s->n = fl;
    }
    if (s->n < 0) ec_fail_node(g, node, "needs a window or a frame_length");
    if (s->n < 1 || s->n > s->len)
        ec_fail_node(g, node, "frame length %lld must be in [1, %lld] (the signal length)",
                     (long long)s->n, (long long)s->len);
    if (s->n > (1 << 24)) ec_fail_node(g, node, "frame length %lld is too large", (long long)s->n);
    if (onesided && s->cin == 2)
        ec_fail_node(g, node, "onesided output needs a real signal (set onesided=0 for complex)");
    s->frames = (s->len - s->n) / s->step + 1;
    s->nout = onesided ? s->n / 2 + 1 : s->n;
}

static void infer_stft(ec_graph *g, int node)
{
    stft_info s;
    int64_t d[4];
    ec_shape out;
    stft_make(g, node, &s);
    d[0] = s.batch;
    d[1] = s.frames;
    d[2] = s.nout;
    d[3] = 2;
    out = ec_shape_make(4, d);
    ec_set_out(g, node, 0, EC_DT_FLOAT, &out);
}

static void lower_stft(ec_graph *g, int node, ec_lowering *L)
{
    stft_info s;
    ec_call *c;
    stft_make(g, node, &s);
    c = ec_emit(L, "ec_stft_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_in(c, "window", s.window ? ec_in_id(g, node, 2) : -1);
    ec_arg_scratch(c, "scratch", 4 * s.n * (int64_t)sizeof(float));
    ec_arg_int(c, "batch", s.batch);
    ec_arg_int(c, "len", s.len);
    ec_arg_int(c, "cin", s.cin);
    ec_arg_int(c, "step", s.step);
    ec_arg_int(c, "frames", s.frames);
    ec_arg_int(c, "n", s.n);
    ec_arg_int(c, "nout", s.nout);
}

/* ---- MelWeightMatrix ------------------------------------------------------------- */

typedef struct mel_info {
    int64_t nmel, dft_length, rate;
    double lower, upper;
} mel_info;

static double const_scalar_float(ec_graph *g, int node, int k, const char *what)
{
    const ec_value *v = ec_in(g, node, k);
    if (!v) ec_fail_node(g, node, "missing input %d (%s)", k, what);
    if (!v->data) {
        ec_diag_need_const(g, ec_in_id(g, node, k));
        ec_fail_node(g, node, "input %d ('%s', %s) must be a compile-time constant (bind it with "
                     "--bind)", k, v->name, what);
    }
    if (v->shape.rank < 0 || ec_shape_numel(&v->shape) != 1)
        ec_fail_node(g, node, "input %d (%s) must be a scalar", k, what);
    return ec_const_double(v, 0);
}

static void mel_make(ec_graph *g, int node, mel_info *m)
{
    const ec_dtype dt = (ec_dtype)ec_attr_int(NODE(g, node), "output_datatype", EC_DT_FLOAT);
    m->nmel = const_scalar_int(g, node, 0, "num_mel_bins", "decides the output shape");
    m->dft_length = const_scalar_int(g, node, 1, "dft_length", "decides the output shape");
    m->rate = const_scalar_int(g, node, 2, "sample_rate", "is folded into the matrix");
    m->lower = const_scalar_float(g, node, 3, "lower_edge_hertz");
    m->upper = const_scalar_float(g, node, 4, "upper_edge_hertz");
    if (dt != EC_DT_FLOAT)
        ec_fail_node(g, node, "output_datatype %s is not supported (float)", ec_dtype_name(dt));
    if (m->nmel < 1 || m->nmel > 65536)
        ec_fail_node(g, node, "num_mel_bins %lld is out of range", (long long)m->nmel);
    if (m->dft_length < 1 || m->dft_length > (1 << 24))
        ec_fail_node(g, node, "dft_length %lld is out of range", (long long)m->dft_length);
    if (m->rate < 1 || m->rate > INT32_MAX)
        ec_fail_node(g, node, "sample_rate %lld must be positive", (long long)m->rate);
    if (!(m->lower >= 0.0) || !(m->upper >= m->lower) || m->upper > 1e9)
        ec_fail_node(g, node, "edge frequencies [%g, %g] are invalid", m->lower, m->upper);
}

static void infer_mel(ec_graph *g, int node)
{
    mel_info m;
    int64_t d[2];
    ec_shape s;
    mel_make(g, node, &m);
    d[0] = m.dft_length / 2 + 1;
    d[1] = m.nmel;
    s = ec_shape_make(2, d);
    ec_set_out(g, node, 0, EC_DT_FLOAT, &s);
}

static void lower_mel(ec_graph *g, int node, ec_lowering *L)
{
    mel_info m;
    ec_call *c;
    mel_make(g, node, &m);
    c = ec_emit(L, "ec_mel_weight_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_int(c, "nmel", m.nmel);
    ec_arg_int(c, "dft_length", m.dft_length);
    ec_arg_int(c, "rate", m.rate);
    ec_arg_float(c, "lower", m.lower);
    ec_arg_float(c, "upper", m.upper);
}

/* ---- GridSample ------------------------------------------------------------------ */

typedef struct gs_info {
    ec_value *x, *grid;
    int mode, pad;
    bool align;
    ec_shape out;
} gs_info;

static void gs_make(ec_graph *g, int node, gs_info *s)
{
    const ec_node *nd = NODE(g, node);
    const char *mode = ec_attr_string(nd, "mode", "bilinear");
    const char *pad = ec_attr_string(nd, "padding_mode", "zeros");
    int i;
    s->x = ec_need_in(g, node, 0, "X");
    s->grid = ec_need_in(g, node, 1, "grid");
    need_float(g, node, s->x, "X", false);
    need_float(g, node, s->grid, "grid", false);
    if (s->x->shape.rank != 4)
        ec_fail_node(g, node, "only 2-D sampling is supported: X needs shape [N, C, H, W], got rank %d",
                     s->x->shape.rank);
    if (s->grid->shape.rank != 4 || s->grid->shape.dim[3] != 2)
        ec_fail_node(g, node, "grid needs shape [N, H_out, W_out, 2]");
    if (!ec_shape_is_static(&s->x->shape) || !ec_shape_is_static(&s->grid->shape))
        ec_fail_node(g, node, "X and grid need static shapes");
    if (s->x->shape.dim[2] < 1 || s->x->shape.dim[3] < 1)
        ec_fail_node(g, node, "X has an empty image (H and W must be at least 1)");
    if (s->x->shape.dim[0] != s->grid->shape.dim[0])
        ec_fail_node(g, node, "X has batch %lld, grid %lld", (long long)s->x->shape.dim[0],
                     (long long)s->grid->shape.dim[0]);
    if (strcmp(mode, "bilinear") == 0 || strcmp(mode, "linear") == 0) s->mode = EC_GS_LINEAR;
    else if (strcmp(mode, "nearest") == 0) s->mode = EC_GS_NEAREST;
    else if (strcmp(mode, "bicubic") == 0 || strcmp(mode, "cubic") == 0) s->mode = EC_GS_CUBIC;
    else ec_fail_node(g, node, "unknown mode '%s'", mode);
    if (strcmp(pad, "zeros") == 0) s->pad = EC_GS_ZEROS;
    else if (strcmp(pad, "border") == 0) s->pad = EC_GS_BORDER;
    else if (strcmp(pad, "reflection") == 0) s->pad = EC_GS_REFLECTION;
    else ec_fail_node(g, node, "unknown padding_mode '%s'", pad);
    s->align = ec_attr_int(nd, "align_corners", 0) != 0;
    s->out = s->x->shape;
    for (i = 0; i < 4; i++) s->out.sym[i] = NULL;
    s->out.dim[2] = s->grid->shape.dim[1];
    s->out.dim[3] = s->grid->shape.dim[2];
}

static void infer_grid_sample(ec_graph *g, int node)
{
    gs_info s;
    gs_make(g, node, &s);
    ec_set_out(g, node, 0, s.x->dtype, &s.out);
}

static void lower_grid_sample(ec_graph *g, int node, ec_lowering *L)
{
    gs_info s;
    ec_call *c;
    gs_make(g, node, &s);
    c = ec_emit(L, "ec_grid_sample_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_in(c, "grid", ec_in_id(g, node, 1));
    arg_nchw(c, s.x);
    ec_arg_int(c, "ho", s.out.dim[2]);
    ec_arg_int(c, "wo", s.out.dim[3]);
    ec_arg_int(c, "mode", s.mode);
    ec_arg_int(c, "pad", s.pad);
    ec_arg_int(c, "align_corners", s.align);
}

/* ---- RoiAlign ---------------------------------------------------------------------- */

typedef struct roi_info {
    ec_value *x, *rois, *bidx;
    int64_t ph, pw, ratio;
    float scale;
    bool half_pixel;
    int mode;
    ec_shape out;
} roi_info;

static void roi_make(ec_graph *g, int node, roi_info *r)
{
    const ec_node *nd = NODE(g, node);
    const char *mode = ec_attr_string(nd, "mode", "avg");
    const char *ctm = ec_attr_string(nd, "coordinate_transformation_mode",
                                     g->opset >= 16 ? "half_pixel" : "output_half_pixel");
    int64_t d[4];
    r->x = ec_need_in(g, node, 0, "X");
    r->rois = ec_need_in(g, node, 1, "rois");
    r->bidx = ec_need_in(g, node, 2, "batch_indices");
    need_float(g, node, r->x, "X", false);
    need_float(g, node, r->rois, "rois", false);
    if (r->bidx->dtype != EC_DT_INT64)
        ec_fail_node(g, node, "batch_indices has type %s, expected int64", ec_dtype_name(r->bidx->dtype));
    if (r->x->shape.rank != 4) ec_fail_node(g, node, "X needs shape [N, C, H, W]");
    if (r->rois->shape.rank != 2 || r->rois->shape.dim[1] != 4)
        ec_fail_node(g, node, "rois needs shape [num_rois, 4]");
    if (r->bidx->shape.rank != 1 || r->bidx->shape.dim[0] != r->rois->shape.dim[0])
        ec_fail_node(g, node, "batch_indices needs shape [num_rois]");
    if (!ec_shape_is_static(&r->x->shape) || !ec_shape_is_static(&r->rois->shape))
        ec_fail_node(g, node, "X and rois need static shapes");
    if (r->x->shape.dim[0] < 1 || r->x->shape.dim[2] < 1 || r->x->shape.dim[3] < 1)
        ec_fail_node(g, node, "X is empty (N, H and W must be at least 1)");
    if (strcmp(mode, "avg") == 0) r->mode = EC_ROI_AVG;
    else if (strcmp(mode, "max") == 0) r->mode = EC_ROI_MAX;
    else ec_fail_node(g, node, "unknown mode '%s'", mode);
    if (strcmp(ctm, "half_pixel") == 0) r->half_pixel = true;
    else if (strcmp(ctm, "output_half_pixel") == 0) r->half_pixel = false;
    else ec_fail_node(g, node, "unknown coordinate_transformation_mode '%s'", ctm);
    r->ph = ec_attr_int(nd, "output_height", 1);
    r->pw = ec_attr_int(nd, "output_width", 1);
    r->ratio = ec_attr_int(nd, "sampling_ratio", 0);
    r->scale = ec_attr_float(nd, "spatial_scale", 1.0f);
    if (r->ph < 1 || r->pw < 1 || r->ph > 65536 || r->pw > 65536)
        ec_fail_node(g, node, "output_height and output_width must be in [1, 65536]");
    if (r->ratio < 0 || r->ratio > 1024)
        ec_fail_node(g, node, "sampling_ratio %lld is out of range [0, 1024]", (long long)r->ratio);
    d[0] = r->rois->shape.dim[0];
    d[1] = r->x->shape.dim[1];
    d[2] = r->ph;
    d[3] = r->pw;
    r->out = ec_shape_make(4, d);
}

static void infer_roi_align(ec_graph *g, int node)
{
    roi_info r;
    roi_make(g, node, &r);
    ec_set_out(g, node, 0, r.x->dtype, &r.out);
}

static void lower_roi_align(ec_graph *g, int node, ec_lowering *L)
{
    roi_info r;
    ec_call *c;
    roi_make(g, node, &r);
    c = ec_emit(L, "ec_roi_align_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_in(c, "rois", ec_in_id(g, node, 1));
    ec_arg_in(c, "bidx", ec_in_id(g, node, 2));
    arg_nchw(c, r.x);
    ec_arg_int(c, "r", r.out.dim[0]);
    ec_arg_int(c, "ph", r.ph);
    ec_arg_int(c, "pw", r.pw);
    ec_arg_int(c, "ratio", r.ratio);
    ec_arg_float(c, "scale", r.scale);
    ec_arg_int(c, "half_pixel", r.half_pixel);
    ec_arg_int(c, "mode", r.mode);
}

/* ---- Det ------------------------------------------------------------------------------ */

static ec_value *det_make(ec_graph *g, int node, ec_shape *out)
{
    ec_value *x = ec_need_in(g, node, 0, "X");
    const int rank = x->shape.rank;
    int i;
    need_float(g, node, x, "X", true);
    if (rank < 2) ec_fail_node(g, node, "X needs shape [..., M, M], got rank %d", rank);
    if (x->shape.dim[rank - 1] < 0 || x->shape.dim[rank - 1] != x->shape.dim[rank - 2])
        ec_fail_node(g, node, "X's last two dims must be equal and known");
    if (x->shape.dim[rank - 1] > 4096) ec_fail_node(g, node, "matrix too large");
    *out = x->shape;
    out->rank = rank - 2;
    for (i = rank - 2; i < EC_MAX_RANK; i++) { out->dim[i] = 0; out->sym[i] = NULL; }
    return x;
}

static void infer_det(ec_graph *g, int node)
{
    ec_shape s;
    ec_value *x = det_make(g, node, &s);
    ec_set_out(g, node, 0, x->dtype, &s);
}

static void lower_det(ec_graph *g, int node, ec_lowering *L)
{
    ec_shape s;
    ec_value *x = det_make(g, node, &s);
    const int64_t m = x->shape.dim[x->shape.rank - 1];
    ec_call *c;
    c = ec_emit(L, x->dtype == EC_DT_DOUBLE ? "ec_det_f64" : "ec_det_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_scratch(c, "scratch", (m > 0 ? m * m : 1) * (int64_t)ec_dtype_size(x->dtype));
    ec_arg_int(c, "batch", ec_shape_numel(&s));
    ec_arg_int(c, "m", m);
}

/* ---- LpNormalization ---------------------------------------------------------------------- */

static ec_value *lpn_make(ec_graph *g, int node, int *axis, int64_t *p)
{
    ec_value *x = ec_need_in(g, node, 0, "input");
    need_float(g, node, x, "input", false);
    *axis = ec_axis(g, node, ec_attr_int(NODE(g, node), "axis", -1), x->shape.rank);
    *p = ec_attr_int(NODE(g, node), "p", 2);
    if (*p != 1 && *p != 2) ec_fail_node(g, node, "p must be 1 or 2, got %lld", (long long)*p);
    return x;
}

static void infer_lp_norm(ec_graph *g, int node)
{
    int axis;
    int64_t p;
    ec_value *x = lpn_make(g, node, &axis, &p);
    ec_set_out(g, node, 0, x->dtype, &x->shape);
}

static void lower_lp_norm(ec_graph *g, int node, ec_lowering *L)
{
    int axis;
    int64_t p;
    ec_value *x = lpn_make(g, node, &axis, &p);
    ec_call *c;
    c = ec_emit(L, "ec_lp_norm_f32");
    ec_arg_out(c, "y", ec_out_id(g, node, 0));
    ec_arg_in(c, "x", ec_in_id(g, node, 0));
    ec_arg_int(c, "outer", prod_dims(&x->shape, 0, axis));
    ec_arg_int(c, "n", x->shape.dim[axis]);
    ec_arg_int(c, "inner", prod_dims(&x->shape, axis + 1, x->shape.rank));
    ec_arg_int(c, "p", p);
}

/* ---- tables ---------------------------------------------------------------------------------- */

const ec_opdef ec_ops_signal[] = {
    { EC_OP("HannWindow", "", 1, 1, 1, 1, 0, infer_window, lower_window) },
    { EC_OP("HammingWindow", "", 1, 1, 1, 1, 0, infer_window, lower_window) },
    { EC_OP("BlackmanWindow", "", 1, 1, 1, 1, 0, infer_window, lower_window) },
    { EC_OP("DFT", "", 1, 3, 1, 1, 0, infer_dft, lower_dft) },
    { EC_OP("STFT", "", 2, 4, 1, 1, 0, infer_stft, lower_stft) },
    { EC_OP("MelWeightMatrix", "", 5, 5, 1, 1, 0, infer_mel, lower_mel) },
    { EC_OP("GridSample", "", 2, 2, 1, 1, 0, infer_grid_sample, lower_grid_sample) },
    { EC_OP("RoiAlign", "", 3, 3, 1, 1, 0, infer_roi_align, lower_roi_align) },
    { EC_OP("Det", "", 1, 1, 1, 1, 0, infer_det, lower_det) },
    { EC_OP("LpNormalization", "", 1, 1, 1, 1, EC_OPF_F32_ONLY, infer_lp_norm, lower_lp_norm) },
    { 0 }
};

/* thunks: argument order as emitted by the lower functions above */
static void thunk_window_f32(const ec_karg *a) { ec_window_f32(a[0].p, a[1].i, a[2].i, a[3].i); }
static void thunk_window_f64(const ec_karg *a) { ec_window_f64(a[0].p, a[1].i, a[2].i, a[3].i); }
static void thunk_dft_f32(const ec_karg *a)
{
    ec_dft_f32(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i, a[9].i);
}
static void thunk_stft_f32(const ec_karg *a)
{
    ec_stft_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i, a[9].i,
                a[10].i);
}
static void thunk_mel_weight_f32(const ec_karg *a)
{
    ec_mel_weight_f32(a[0].p, a[1].i, a[2].i, a[3].i, a[4].f, a[5].f);
}
static void thunk_grid_sample_f32(const ec_karg *a)
{
    ec_grid_sample_f32(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i,
                       a[9].i, a[10].i, a[11].i);
}
static void thunk_roi_align_f32(const ec_karg *a)
{
    ec_roi_align_f32(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i,
                     a[9].i, a[10].i, a[11].i, a[12].f, a[13].i, a[14].i);
}
static void thunk_det_f32(const ec_karg *a) { ec_det_f32(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i); }
static void thunk_det_f64(const ec_karg *a) { ec_det_f64(a[0].p, a[1].p, a[2].p, a[3].i, a[4].i); }
static void thunk_lp_norm_f32(const ec_karg *a)
{
    ec_lp_norm_f32(a[0].p, a[1].p, a[2].i, a[3].i, a[4].i, a[5].i);
}

const ec_kernel ec_kernels_signal[] = {
    { "ec_window_f32", "piii", thunk_window_f32, "ec_signal.h" },
    { "ec_window_f64", "piii", thunk_window_f64, "ec_signal.h" },
    { "ec_dft_f32", "pppiiiiiii", thunk_dft_f32, "ec_signal.h" },
    { "ec_stft_f32", "ppppiiiiiii", thunk_stft_f32, "ec_signal.h" },
    { "ec_mel_weight_f32", "piiiff", thunk_mel_weight_f32, "ec_signal.h" },
    { "ec_grid_sample_f32", "pppiiiiiiiii", thunk_grid_sample_f32, "ec_signal.h" },
    { "ec_roi_align_f32", "ppppiiiiiiiifii", thunk_roi_align_f32, "ec_signal.h" },
    { "ec_det_f32", "pppii", thunk_det_f32, "ec_signal.h" },
    { "ec_det_f64", "pppii", thunk_det_f64, "ec_signal.h" },
    { "ec_lp_norm_f32", "ppiiii", thunk_lp_norm_f32, "ec_signal.h" },
    { 0 }
};
