/* edgec.h - the driver's view of the pipeline: options, the lowered program,
 * and the entry points of each stage.
 *
 *   compiler/main.c      CLI, pipeline (straight-line), writes output at the end
 *   compiler/plan.c      memory planner
 *   codegen/target.c     targets/NAME.xml loader (libxml2, validated by targets/target.xsd)
 *   codegen/emit_c.c     C code generation + runtime-min copy
 *   codegen/report.c     --report / --report-json
 *   frontend/onnx_pb.c   protobuf-c reader
 */
#ifndef EC_EDGEC_H
#define EC_EDGEC_H

#include <stdio.h>
#include "ir.h"

typedef struct ec_bind {
    const char *input;              /* graph input name */
    const char *file;               /* TensorProto .pb */
} ec_bind;

typedef struct ec_dimopt {
    const char *name;               /* symbolic dim */
    int64_t value;                  /* the fixed value, or the maximum of a range */
    int64_t min;                    /* range: the minimum */
    bool range;                     /* NAME=MIN..MAX: a run-time argument of NAME_run */
} ec_dimopt;

/* --quantize MODE. All modes are parsed in one place (compiler/main.c,
 * quant_modes[]); each mode's pass is called from main(). */
typedef enum ec_quant_mode {
    EC_QUANT_NONE = 0,
    EC_QUANT_W8,                    /* weight-only, int8 blocks (compiler/wquant.c) */
    EC_QUANT_W4,                    /* weight-only, int4 blocks (compiler/wquant.c) */
    EC_QUANT_INT8,                  /* static int8 PTQ with --calib (compiler/quantize.c) */
} ec_quant_mode;
/* A symbolic dim kept as a run-time argument of NAME_run (--dim NAME=MIN..MAX). */
typedef struct ec_rtdim {
    const char *name;               /* the symbolic name in the model */
    int64_t min, max;
} ec_rtdim;

typedef enum ec_calib_method {
    EC_CALIB_MINMAX = 0,            /* observed min and max */
    EC_CALIB_PERCENTILE,            /* [100-p, p] percentiles (calib_percentile) */
    EC_CALIB_ENTROPY,               /* KL-divergence threshold (TensorRT style) */
} ec_calib_method;

typedef struct ec_options {
    const char *model;
    const char *outdir;
    const char *name;               /* default "model" */
    const char *target;             /* default "generic" */
    EC_VEC(ec_bind) binds;
    EC_VEC(ec_dimopt) dims;
    EC_VEC(ec_seqopt) seqs;         /* --seq */
    EC_VEC(ec_optopt) opts;         /* --optional */
    int64_t max_string_bytes;       /* --max-string-bytes N: every string input; -1 none */
    EC_VEC(ec_dimopt) string_bounds;/* --max-string-bytes NAME=N */
    bool report;
    bool weights_file;              /* --weights-file: NAME_weights.bin + loader */
    const char *report_json;
    ec_quant_mode quantize;         /* --quantize */
    int quant_block;                /* --block: weights per block (w8/w4), default 32 */
    const char *calib;              /* --calib DIR: calibration input sets */
    ec_calib_method calib_method;   /* --calib-method */
    double calib_percentile;        /* percentile=P (default 99.99) */
    EC_VEC(const char *) keep_float; /* --keep-float NODE,...: nodes left in float */
    double max_layer_error;         /* --max-layer-error E; < 0: no limit */
    const char *cmdline;            /* the command line, for the provenance comment */
    const char *root;               /* edgec's source tree (runtime-min/, targets/) */
} ec_options;

/* The program is a flat list of steps in execution order; control flow is
 * given by marker steps that open and close nested blocks, so a step index
 * is also a point in time for the planner (a branch's steps come before the
 * other branch's; a loop body's steps are the steps of one iteration):
 *
 *   NODE   a node's kernel calls
 *   IF     if (*cond) {                                  (cond: a bool value)
 *   ELSE   L's calls (then-branch outputs -> If outputs), then } else {
 *   LOOP   L's calls (initial values), then
 *          for (i = 0; i < trips; i++) { [if (!*cond) break;]
 *   HEAD   L's calls at the start of each iteration (iteration number, scan slices)
 *   END    L's calls (If: else outputs; Loop: carried values, scan outputs), then }
 *   AFTER  L's calls after a loop (final carried values -> Loop outputs)
 *
 * `depth` is the block nesting of the step's code (ELSE/END calls are inside
 * the block they close), `loops` the number of enclosing for loops: calls use
 * the counter ec_i<loops-1>. IF/LOOP steps know their ELSE (`mid`) and END
 * (`end`) indices, ELSE/END/HEAD/AFTER their opening step (`open`). */
typedef enum {
    EC_STEP_NODE = 0, EC_STEP_IF, EC_STEP_ELSE, EC_STEP_LOOP, EC_STEP_HEAD, EC_STEP_END, EC_STEP_AFTER
} ec_stepkind;

typedef struct ec_step {
    int node;
    ec_lowering L;
    ec_stepkind kind;
    int depth, loops;
    int cond;                       /* IF, LOOP: the bool value tested, or -1 */
    int64_t trips;                  /* LOOP: the iteration count (an upper bound with cond) */
    int open, mid, end;             /* matching steps, -1 where none */
} ec_step;

typedef struct ec_program {
    ec_graph *g;
    EC_VEC(ec_step) steps;          /* execution order; folded/dead nodes are absent */
    int64_t arena_bytes;            /* planner result */
    int64_t lower_bound;            /* largest sum of bytes live at one step */
    const struct ec_wq_info *wq;    /* --quantize w8/w4 results for the reports, or NULL */
    const struct ec_qreport *quant; /* --quantize int8 figures, or NULL */
    /* Run-time dims (compiler/symdim.c); all empty when every dim is fixed.
     * g, steps and the plan are those at the maximum of every range; what
     * varies is kept as polynomials in the dims: an array of ncoef = 3^n
     * int64 coefficients, coef[i] multiplying prod_j dim_j^e_j where e_j is
     * the j-th base-3 digit of i (ec_arg.poly, ec_arg.polys, below). */
    EC_VEC(ec_rtdim) rtdims;        /* NAME_run's dim arguments, in order */
    int ncoef;
    int64_t **dim_poly;             /* [v * EC_MAX_RANK + d]: dim d of value v; NULL when fixed */
    int64_t **numel_poly;           /* [v]: element count of v; NULL when fixed */
    int nsamples;                   /* lowerings the polynomials were fitted to */
    int64_t *sample_bytes;          /* [v * nsamples + k]: bytes of value v in sample k */
} ec_program;

/* ---- frontend ---------------------------------------------------------- */
/* Read an .onnx file; fails with a diagnostic on any problem. */
ec_graph *ec_read_onnx(const char *path);
/* Read a TensorProto (.pb) file, e.g. for --bind and conformance data. */
ec_tensor *ec_read_tensor_pb(const char *path);

/* ---- compiler ---------------------------------------------------------- */
/* Lower every live node in schedule order, regions as nested blocks (ir/lower.c). */
void ec_lower_graph(ec_graph *g, ec_program *p);
/* The steps of control node ctl's region alone (the interpreter folds loops with it). */
void ec_lower_region(ec_graph *g, int ctl, ec_program *p);
void ec_program_free(ec_program *p);
/* Assign arena offsets to every non-constant, non-I/O value and to scratch
 * (value.offset / value.alias / arg.offset); sets arena_bytes, lower_bound. */
void ec_plan_memory(ec_program *p);
/* Test support: true if no two values live at the same step overlap. */
bool ec_plan_check(const ec_program *p, char *why, size_t n);

/* ---- weight-only block quantization (compiler/wquant.c) ---------------- */
#define EC_WQ_MIN_WEIGHTS 1024      /* smaller weight tensors stay float */
#define EC_WQ_MIN_EXPAND 256        /* the same for float constants expanded at run time */
#define EC_WQ_SCALE_STEPS 10        /* block scales tried: amax * (1 - 0.025 c) / Q */

/* One constant weight tensor a MatMul, Gemm or Gather reads. */
typedef struct ec_wq_tensor {
    int node;                       /* the consuming node */
    int source;                     /* value id of the float weights */
    int blob;                       /* value id of the packed blocks; -1: left float */
    int64_t rows, cols;             /* R rows of K (cols) weights, K the blocked axis */
    int bits;                       /* 8 or 4: blocks; 1: a bool constant stored as bits */
    const char *why;                /* left float: the reason */
} ec_wq_tensor;

typedef struct ec_wq_info {
    int bits;                       /* 8 or 4 */
    int block;
    EC_VEC(ec_wq_tensor) t;
} ec_wq_info;

/* Rewrite MatMul/Gemm with a constant float B and Gather from a constant
 * float table into BlockQuantGemm/BlockQuantGather (ir/ops/blockq.c) with
 * the weights packed in blocks (runtime-min/include/ec_blockq.h). Runs after
 * dead-node elimination; fills info for the reports. */
void ec_quantize_weights(ec_graph *g, int bits, int block, ec_wq_info *info);
/* Pack R rows of K float weights into out (R * ceil(K / block) blocks). */
void ec_wq_pack(uint8_t *out, const float *w, int64_t R, int64_t K, int64_t row_stride, int64_t col_stride,
                int bits, int block);
/* Bytes of the packed form. */
int64_t ec_wq_packed_bytes(int64_t R, int64_t K, int bits, int block);
/* ---- quantization (compiler/quantize.c) ---------------------------------- */
struct ec_qreport;
/* Static int8 post-training quantization of *g (already inferred and
 * dead-code eliminated) with the calibration sets of o->calib; reload gives a
 * fresh copy of the same float graph (for --max-layer-error's trial plan).
 * Returns the figures for the report. */
struct ec_qreport *ec_quantize_int8(ec_graph **g, const ec_options *o,
                                    ec_graph *(*reload)(const ec_options *));
void ec_qreport_print(const struct ec_qreport *r);
/* QDQ import: every DequantizeLinear -> op [-> Relu/Clip] -> QuantizeLinear
 * with int8 per-tensor activations (Conv, Gemm, MatMul, Add, Mul, pooling,
 * Reshape/Flatten/Transpose/Squeeze/Unsqueeze) becomes the int8 op of
 * --quantize int8 with the model's own scales and weights. Returns the
 * number of ops rewritten (0: graph untouched). */
int ec_qdq_import(ec_graph *g);
struct ec_buf;
void ec_qreport_json(struct ec_buf *b, const struct ec_qreport *r);
/* ---- run-time dims (compiler/symdim.c) ------------------------------- */
/* Builds the program (read, infer, lower) with the run-time dims names[i] set
 * to values[i]; `where` ("past=3") is for diagnostics; rt_dim (or NULL) goes
 * to graph.rt_dim before lowering. */
typedef void (*ec_sample_fn)(void *ctx, const char *const *names, const int64_t *values, int n,
                             const char *where, const bool *rt_dim, ec_program *out);
/* p was built with every run-time dim at its maximum and has p->rtdims set.
 * Builds it again at other values (max-1, max-2 and checks including the
 * minimum), finds the value dims that vary, builds every sample again (p
 * too) with that knowledge in graph.rt_dim, requires the same steps, calls and constants, and fits every
 * integer argument, value dim and size that varies to a polynomial of degree
 * <= 2 per dim with integer coefficients, verified at the check values;
 * fails naming the node when one is not. Fills p's run-time dim fields. */
void ec_symdim_fit(ec_program *p, ec_sample_fn build, void *ctx);
/* A polynomial as C (`64 * past + 64`, names are the C identifiers of the
 * dims) or compact for comments (`64*past+64`). */
char *ec_poly_str(const ec_program *p, const int64_t *coef, const char *const *names, bool compact);
/* Planner: do values a and b have the same byte size at every sample? */
bool ec_symdim_same_bytes(const ec_program *p, int a, int b);

/* ---- targets ----------------------------------------------------------- */
typedef struct ec_target {
    char *name;
    char *description;
    char *isa;                      /* "generic", "armv7e-m", ... */
    /* Kernel folders under runtime-min/ to take each kernel file from, first
     * match wins: isa, then <isa fallback="a b">'s list, then "generic". */
    char **chain;
    int nchain;
    int alignment;                  /* arena/weight alignment in bytes */
    int64_t ram_bytes;              /* 0: unlimited */
    int64_t flash_bytes;            /* 0: unlimited */
    char *cc;                       /* suggested compiler */
    char *cflags;                   /* suggested flags */
} ec_target;

/* NAME (looked up as ROOT/targets/NAME.xml) or a path ending in .xml. */
ec_target *ec_target_load(const char *root, const char *name_or_file);

/* ---- output ------------------------------------------------------------ */
typedef struct ec_outfile {
    char *tmp;                      /* streamed: already on disk under this name */
    char *name;                     /* relative to the output directory */
    char *data;
    size_t len;
} ec_outfile;

typedef struct ec_output {
    EC_VEC(ec_outfile) files;
    /* Optional: the directory the output will go to. When set, large files
     * (the weights of a big model) are streamed to a hidden temporary file in
     * it while they are generated, instead of being held in memory; they are
     * renamed with the others by ec_output_write, and removed if edgec fails
     * before that. */
    const char *dir;
} ec_output;

/* A growable string buffer for emitters. With fp set (ec_output_stream), the
 * text goes to that file whenever the buffer grows past 1 MiB. */
typedef struct ec_buf {
    char *s;
    size_t len, cap;
    FILE *fp;
} ec_buf;
void ec_buf_printf(ec_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ec_buf_put(ec_buf *b, const char *s, size_t n);

void ec_output_add(ec_output *o, const char *name, char *data, size_t len);
/* Start streaming file `name` into o->dir (returns false, and does nothing,
 * when o->dir is not set). The buffer's text so far is written first. */
bool ec_output_stream(ec_output *o, const char *name, ec_buf *b);
/* Finish a streamed file: flush b and record it in o (instead of ec_output_add). */
void ec_output_stream_end(ec_output *o, const char *name, ec_buf *b);
/* Write all files into dir (created if needed). Nothing is written unless
 * everything was generated; fails with a diagnostic on I/O errors. */
void ec_output_write(const ec_output *o, const char *dir);

/* Generate NAME.h, NAME.c, NAME_weights.c and the runtime-min files used. */
void ec_codegen_c(const ec_program *p, const ec_target *t, const ec_options *o, ec_output *out);

/* ---- reports ----------------------------------------------------------- */
void ec_report_print(const ec_program *p, const ec_target *t, const ec_options *o);
/* JSON text of the same report (caller writes it). */
char *ec_report_json(const ec_program *p, const ec_target *t, const ec_options *o);

#endif
