/* emit.h - what the parts of the C emitter share (internal to codegen/):
 * emit_c.c (NAME.c, NAME.h, the literals and names), emit_weights.c (the
 * constants) and emit_runtime.c (the runtime-min files).
 */
#ifndef EC_EMIT_H
#define EC_EMIT_H

#include "codegen.h"

/* The state of one ec_codegen_c. */
typedef struct cg {
    const ec_program *p;
    const ec_graph *g;
    const ec_target *t;
    const ec_options *o;
    const char *name;               /* model name (a C identifier) */
    char **param;                   /* per value: caller pointer name (input, or first output slot) */
    char **out_param;               /* per graph output slot */
    char **extent_param;            /* per value: its int64_t * size parameter (data_dep outputs) */
    bool *param_used;               /* per value (inputs/outputs) */
    int *weight;                    /* per value: weight index, or -1 */
    bool need_math;                 /* INFINITY / NAN used */
    bool uses_arena;
    char **dim_param;               /* per run-time dim: NAME_run's argument name */
} cg;

typedef EC_VEC(char *) strvec;

/* emit_c.c: text helpers */
/* Text that is safe inside a C comment: printable ASCII, no comment ends. */
void ec_em_comment_text(ec_buf *b, const char *s);
/* "float[3,4]"; a data-dependent dim shows its upper bound as "<=N". */
void ec_em_type_shape(ec_buf *b, const ec_value *v);
/* Element i of a constant as a C literal of its ctype (sets c->need_math for INFINITY/NAN). */
void ec_em_elem(cg *c, ec_buf *b, const ec_value *v, int64_t i);
/* The comment at the top of every generated file. */
void ec_em_provenance(cg *c, ec_buf *b, const char *file, const char *what);
/* s in upper case (allocated). */
char *ec_em_upper(const char *s);

/* emit_weights.c: numbers the used constants (c->weight) in value order and
 * writes NAME_weights.h/.c, or with --weights-file NAME_weights.h/.bin. */
void ec_em_weights(cg *c, ec_output *out, bool *used);
void ec_em_weights_bin(cg *c, ec_output *out, bool *used);
/* Any used[i] set among n? */
bool ec_em_used_any(const bool *used, int n);
/* Bytes of NAME_weights.bin. */
int64_t ec_em_weights_file_bytes(const ec_program *p, const bool *used);
/* NAME_weights_check (into NAME.c) and NAME_weights_posix.c (--weights-file). */
void ec_em_weights_check(cg *c, ec_buf *src);
void ec_em_weights_loader(cg *c, ec_output *out);

/* emit_runtime.c: adds the runtime-min files the calls need to out; hdrs
 * gets the headers, sorted (NAME.c includes them). */
void ec_em_add_runtime(cg *c, ec_output *out, strvec *hdrs);

#endif
