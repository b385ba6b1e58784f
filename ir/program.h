/* program.h - the lowered program (ir/program.c): the steps of a graph in
 * execution order with their kernel calls, as the lowering builds them, the
 * memory planner (compiler/plan.c) places them and the code generator
 * (codegen/) writes them out; and facts about a planned program shared by
 * the emitter, the reports and the passes that size their results.
 */
#ifndef EC_PROGRAM_H
#define EC_PROGRAM_H

#include "ir.h"

/* A symbolic dim kept as a run-time argument of NAME_run (--dim NAME=MIN..MAX). */
typedef struct ec_rtdim {
    const char *name;               /* the symbolic name in the model */
    int64_t min, max;
} ec_rtdim;

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
     * the j-th base-3 digit of i (ec_arg.poly, ec_arg.polys in ir.h). */
    EC_VEC(ec_rtdim) rtdims;        /* NAME_run's dim arguments, in order */
    int ncoef;
    int64_t **dim_poly;             /* [v * EC_MAX_RANK + d]: dim d of value v; NULL when fixed */
    int64_t **numel_poly;           /* [v]: element count of v; NULL when fixed */
    int nsamples;                   /* lowerings the polynomials were fitted to */
    int64_t *sample_bytes;          /* [v * nsamples + k]: bytes of value v in sample k */
} ec_program;

/* Lower every live node in schedule order, regions as nested blocks (ir/lower.c). */
void ec_lower_graph(ec_graph *g, ec_program *p);
/* The steps of control node ctl's region alone (the interpreter folds loops with it). */
void ec_lower_region(ec_graph *g, int ctl, ec_program *p);
void ec_program_free(ec_program *p);
/* ---- facts about a planned program (ir/program.c) ---------------------- */
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
/* The inputs [0, nin) and outputs [0, nout) of node n worth showing: all of
 * them, or a control node's outer ones (If: cond; Loop: M, cond, initial
 * values, scan inputs -> final values, scan outputs). */
void ec_cg_node_io(const ec_graph *g, const ec_node *n, int *nin, int *nout);

#endif
