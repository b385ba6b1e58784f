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

#include "ir.h"

typedef struct ec_bind {
    const char *input;              /* graph input name */
    const char *file;               /* TensorProto .pb */
} ec_bind;

typedef struct ec_dimopt {
    const char *name;               /* symbolic dim */
    int64_t value;
} ec_dimopt;

typedef struct ec_options {
    const char *model;
    const char *outdir;
    const char *name;               /* default "model" */
    const char *target;             /* default "generic" */
    EC_VEC(ec_bind) binds;
    EC_VEC(ec_dimopt) dims;
    EC_VEC(ec_seqopt) seqs;         /* --seq */
    EC_VEC(ec_optopt) opts;         /* --optional */
    bool report;
    const char *report_json;
    const char *cmdline;            /* the command line, for the provenance comment */
    const char *root;               /* edgec's source tree (runtime-min/, targets/) */
} ec_options;

/* One scheduled node and its kernel calls. */
typedef struct ec_step {
    int node;
    ec_lowering L;
} ec_step;

typedef struct ec_program {
    ec_graph *g;
    EC_VEC(ec_step) steps;          /* schedule order; folded/dead nodes are absent */
    int64_t arena_bytes;            /* planner result */
    int64_t lower_bound;            /* largest sum of bytes live at one step */
} ec_program;

/* ---- frontend ---------------------------------------------------------- */
/* Read an .onnx file; fails with a diagnostic on any problem. */
ec_graph *ec_read_onnx(const char *path);
/* Read a TensorProto (.pb) file, e.g. for --bind and conformance data. */
ec_tensor *ec_read_tensor_pb(const char *path);

/* ---- compiler ---------------------------------------------------------- */
/* Lower every live node in schedule order (ir/lower.c). */
void ec_lower_graph(ec_graph *g, ec_program *p);
/* Assign arena offsets to every non-constant, non-I/O value and to scratch
 * (value.offset / value.alias / arg.offset); sets arena_bytes, lower_bound. */
void ec_plan_memory(ec_program *p);
/* Test support: true if no two values live at the same step overlap. */
bool ec_plan_check(const ec_program *p, char *why, size_t n);

/* ---- targets ----------------------------------------------------------- */
typedef struct ec_target {
    char *name;
    char *description;
    char *isa;                      /* "generic", "armv7e-m", ... */
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
    char *name;                     /* relative to the output directory */
    char *data;
    size_t len;
} ec_outfile;

typedef struct ec_output {
    EC_VEC(ec_outfile) files;
} ec_output;

/* A growable string buffer for emitters. */
typedef struct ec_buf {
    char *s;
    size_t len, cap;
} ec_buf;
void ec_buf_printf(ec_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ec_buf_put(ec_buf *b, const char *s, size_t n);

void ec_output_add(ec_output *o, const char *name, char *data, size_t len);
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
