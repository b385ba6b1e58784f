/* codegen.h - helpers shared by the C emitter and the reports (codegen/cg_util.c). */
#ifndef EC_CODEGEN_H
#define EC_CODEGEN_H

#include "edgec.h"

/* The index of runtime-min/generic (build/gen/ec_rt_index.c, scripts/rt_index.sh): per
 * kernel file, " sym sym " it defines and " sym " (other files') it calls. */
typedef struct ec_rt_file {
    const char *file, *defines, *needs;
} ec_rt_file;
extern const ec_rt_file ec_rt_files[];   /* ended by file == NULL */

/* Storage root of a value after planning (itself when not aliased). */
int ec_cg_root(const ec_graph *g, int v);
/* Byte size of a value with a static shape. */
int64_t ec_cg_value_bytes(const ec_graph *g, int v);
/* True if step s is a view the planner turned into shared storage (no code). */
bool ec_cg_step_is_view(const ec_program *p, int s);
/* True if step s writes output 0 over input 0 (in-place). */
bool ec_cg_step_is_inplace(const ec_program *p, int s);
/* The constant whose data an IN value reads, or -1 (the value itself or the
 * root of its view). */
int ec_cg_const_of(const ec_graph *g, int v);
/* Multiply-accumulates of a step: Conv, ConvTranspose, Gemm, MatMul (and
 * their block-quantized form BlockQuantGemm) are
 * counted from shapes; every other op counts 0. */
int64_t ec_cg_step_macs(const ec_program *p, int s);
/* Bytes of distinct constants read by the calls of step s. */
int64_t ec_cg_step_weight_bytes(const ec_program *p, int s);
/* Bytes of all constants the generated code holds (NAME_weights.c). */
int64_t ec_cg_weights_bytes(const ec_program *p);
/* Marks (used[v] = true) every constant the generated code holds. */
void ec_cg_used_consts(const ec_program *p, bool *used);
/* Fails with the figures when the model does not fit the target's RAM or flash. */
void ec_cg_check_budget(const ec_program *p, const ec_target *t, bool weights_in_flash);

/* A finite double as C99 hex-float text, exactly as glibc's "%a" prints it
 * (no terminating NUL); returns the length (at most 24). */
size_t ec_cg_hexfloat(char *out, double f);

/* The inputs [0, nin) and outputs [0, nout) of node n worth showing: all of
 * them, or a control node's outer ones (If: cond; Loop: M, cond, initial
 * values, scan inputs -> final values, scan outputs). */
void ec_cg_node_io(const ec_graph *g, const ec_node *n, int *nin, int *nout);

#endif
