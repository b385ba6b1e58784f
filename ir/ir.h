/* ir.h - edgec's one graph representation, and everything the passes share.
 *
 * Sections, by the file that implements them:
 *   ir/ir.c       allocation, diagnostics, dtypes, shapes, graph builder
 *   ir/ops.c      the op table (registry of the per-family tables in ir/ops/)
 *   ir/verify.c   the verifier, topological order, dead-node elimination
 *   ir/infer.c    shape/type inference pass, fused with constant folding
 *   ir/lower.c    lowering helpers (a node -> a list of kernel calls)
 *   ir/interp.c   the interpreter: runs kernel calls with runtime-min
 *
 * Values and nodes are referred to by int index into the graph's arrays.
 * Errors never return: ec_fail*() print one line and exit(1), or longjmp to a
 * handler installed with ec_diag_catch() (unit tests).
 */
#ifndef EC_IR_H
#define EC_IR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <setjmp.h>

#include "ec_rt.h" /* EC_DT_*, EC_MAX_RANK */

#define EDGEC_VERSION "0.1.0"

/* The training-ops domain (Adagrad, Adam, Momentum; version 1). A model that
 * imports it but not the default domain gets this default-domain opset: the
 * one released together with it (ONNX 1.7). */
#define EC_TRAINING_DOMAIN "ai.onnx.preview.training"
#define EC_TRAINING_DEFAULT_OPSET 12

/* ---- ir.c: memory ------------------------------------------------------ */
/* All compiler allocations go through these; blocks stay reachable from a
 * global list so an early exit(1) never looks like a leak. ec_alloc zeroes
 * and never returns NULL (out of memory is a diagnosed failure). */
void *ec_alloc(size_t n);
void *ec_realloc(void *p, size_t n);
void ec_free(void *p);
char *ec_strdup(const char *s);
char *ec_strndup(const char *s, size_t n);
char *ec_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ec_free_all(void);
/* Overflow-checked size arithmetic (fails with a diagnostic on overflow). */
size_t ec_mul_size(size_t a, size_t b);

/* Growable array of T: `EC_VEC(int) v = {0}; EC_PUSH(v, 3);` */
#define EC_VEC(T) struct { T *a; int n, cap; }
#define EC_PUSH(v, x) do { \
        if ((v).n == (v).cap) { \
            (v).cap = (v).cap ? (v).cap * 2 : 8; \
            (v).a = ec_realloc((v).a, sizeof(*(v).a) * (size_t)(v).cap); \
        } \
        (v).a[(v).n++] = (x); \
    } while (0)

/* ---- ir.c: diagnostics ------------------------------------------------- */
struct ec_graph;
/* The file name every message starts with (set by the driver). */
void ec_diag_set_file(const char *path);
const char *ec_diag_file(void);
/* With a jmp_buf installed, failures longjmp(buf, 1) after printing instead
 * of exiting. Pass NULL to restore exit(1). Messages also go to
 * ec_diag_last() so tests can assert on them. */
void ec_diag_catch(jmp_buf *buf);
const char *ec_diag_last(void);
/* Quiet mode: messages are only recorded (for tests). */
void ec_diag_quiet(bool quiet);
/* "edgec: FILE: msg" */
_Noreturn void ec_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "edgec: FILE: node 3 'conv1' (Conv): msg" */
_Noreturn void ec_fail_node(const struct ec_graph *g, int node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "edgec: msg" (usage errors, no file) */
_Noreturn void ec_fail_plain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void ec_vfail(const char *prefix, const char *fmt, va_list ap);
void ec_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Shape-deciding values: code that is about to fail because value `value` of
 * g must be a compile-time constant (it decides a shape) records it first;
 * the failure then makes it ec_diag_needed()'s answer (any other failure
 * makes that -1). The driver's --list-shape-inputs traces it back to the
 * graph inputs it depends on. ec_need_const does this itself. */
void ec_diag_need_const(const struct ec_graph *g, int value);
int ec_diag_needed(const struct ec_graph **g);

/* ---- ir.c: dtypes -------------------------------------------------------- */
typedef int ec_dtype; /* EC_DT_* (ONNX numbering) */
size_t ec_dtype_size(ec_dtype t);          /* 0 for unsupported (string, complex) */
/* Bytes per element of a string tensor's storage: one `const char *`, planned
 * at 8 bytes whatever the target's pointer size (see ec_value.str_max). */
#define EC_STR_SLOT_BYTES 8
/* Storage bytes per element: ec_dtype_size, or EC_STR_SLOT_BYTES for string. */
size_t ec_elem_bytes(ec_dtype t);
const char *ec_dtype_name(ec_dtype t);     /* ONNX text name: float, int64, bool, float16 ... */
const char *ec_dtype_ctype(ec_dtype t);    /* C type: float, int64_t, bool, uint16_t (f16) */
const char *ec_dtype_suffix(ec_dtype t);   /* kernel suffix: f32 s64 b f16 ... */
bool ec_dtype_is_float(ec_dtype t);        /* float, double, float16, bfloat16 */
bool ec_dtype_is_int(ec_dtype t);          /* signed or unsigned integer (not bool) */
bool ec_dtype_is_signed(ec_dtype t);

/* ---- ir.c: shapes -------------------------------------------------------- */
typedef struct ec_shape {
    int rank;                       /* -1: unknown rank */
    int64_t dim[EC_MAX_RANK];       /* -1: unknown (symbolic) */
    const char *sym[EC_MAX_RANK];   /* symbolic name where the model gave one */
} ec_shape;

ec_shape ec_shape_make(int rank, const int64_t *dims);
bool ec_shape_is_static(const ec_shape *s);
int64_t ec_shape_numel(const ec_shape *s);  /* static shapes only; fails on overflow */
bool ec_shape_eq(const ec_shape *a, const ec_shape *b);
/* "[1,3,224,224]" or "[N,3]" into buf; returns buf */
char *ec_shape_str(const ec_shape *s, char *buf, size_t n);
/* Numpy broadcasting of two static shapes; false if incompatible. */
bool ec_broadcast(const ec_shape *a, const ec_shape *b, ec_shape *out);

/* ---- the graph ----------------------------------------------------------- */
typedef struct ec_tensor {          /* a constant (attribute value, initializer) */
    ec_dtype dtype;
    ec_shape shape;
    void *data;                     /* numel * dtype_size bytes, native endian */
    size_t nbytes;
    char *name;
} ec_tensor;

enum { /* AttributeProto.AttributeType numbering */
    EC_ATTR_UNDEFINED = 0, EC_ATTR_FLOAT = 1, EC_ATTR_INT = 2, EC_ATTR_STRING = 3,
    EC_ATTR_TENSOR = 4, EC_ATTR_GRAPH = 5, EC_ATTR_FLOATS = 6, EC_ATTR_INTS = 7,
    EC_ATTR_STRINGS = 8, EC_ATTR_TENSORS = 9, EC_ATTR_GRAPHS = 10,
    EC_ATTR_SPARSE_TENSOR = 11, EC_ATTR_SPARSE_TENSORS = 12,
    EC_ATTR_TYPE_PROTO = 13, EC_ATTR_TYPE_PROTOS = 14
};

typedef struct ec_attr {
    char *name;
    int type;                       /* EC_ATTR_* */
    int64_t i;
    float f;
    char *s; size_t slen;           /* STRING (may hold NULs) */
    int n;                          /* element count of the list kinds */
    int64_t *ints;
    float *floats;
    char **strings;
    ec_tensor *t;                   /* TENSOR */
    ec_tensor **tensors;            /* TENSORS */
    struct ec_graph *g;             /* GRAPH */
    struct ec_graph **graphs;       /* GRAPHS */
} ec_attr;

/* Sequence and optional values exist only while compiling (ir/ops/seq.c):
 * kind says what a value is, and dtype/shape then describe its innermost
 * tensors (the declared element type). Inference resolves each one: elems
 * lists a sequence's element tensors, or an optional's content (none, or one
 * tensor or sequence value), so that no node after inference sees them. */
enum { EC_VK_TENSOR = 0, EC_VK_SEQ = 1, EC_VK_OPT = 2 };

typedef struct ec_value {
    char *name;
    ec_dtype dtype;                 /* EC_DT_UNDEFINED until inferred */
    ec_shape shape;                 /* rank -1 until inferred */
    void *data;                     /* constant data (initializer or folded), or NULL */
    size_t nbytes;
    int producer;                   /* node index, -1 for inputs/initializers */
    bool is_input;                  /* a run-time graph input */
    bool is_output;                 /* a graph output */
    bool is_initializer;            /* came from graph.initializer / Constant / --bind */
    /* A data-dependent size (NonZero, Unique, NonMaxSuppression): dim
     * dd_dim's size is known only at run time; shape.dim[dd_dim] is its upper
     * bound (storage is planned for it), the kernel writes the actual size
     * through an EC_ARG_EXTENT argument and stores the tensor packed in its
     * actual shape. Such a value may only be a graph output. */
    bool data_dep;
    int dd_dim;
    /* memory planner results */
    int64_t offset;                 /* arena offset, -1 if not in the arena */
    int alias;                      /* value whose storage this one shares, or -1 */
    /* sequences and optionals (see EC_VK_*) */
    unsigned char kind;             /* EC_VK_* (declared, then as inferred) */
    unsigned char opt_of;           /* kind OPT: EC_VK_TENSOR or EC_VK_SEQ */
    bool resolved;                  /* kind SEQ/OPT: elems known */
    int *elems; int nelems;
    char *io_note;                  /* a graph input/output that is part of a sequence or
                                       optional I/O: what it is (generated header) */
    /* String tensors (dtype EC_DT_STRING): storage is one pointer slot per
     * element (EC_STR_SLOT_BYTES); the characters of a computed string tensor
     * are in a pool of numel * (str_max + 1) bytes that its producer's kernel
     * call names (EC_ARG_POOL). str_max: the most bytes of one element before
     * its NUL (--max-string-bytes for a graph input); -1 while unknown. */
    int64_t str_max;
} ec_value;

typedef struct ec_node {
    char *name;                     /* ONNX node name (may be "") */
    char *op;                       /* op_type */
    char *domain;                   /* "" for the default domain */
    int index;                      /* position in the model file (for messages) */
    int *in; int nin;               /* value ids; -1 for an omitted optional input */
    int *out; int nout;             /* value ids; -1 for an omitted optional output */
    ec_attr *attrs; int nattrs;
    bool dead;                      /* removed by a pass */
    ec_dtype widened_from;          /* infer.c: float16/bfloat16 inputs were cast to
                                     * float for this node (0: not widened) */
    /* Control flow (ir/ops/control.c): a node copied out of an If branch or a
     * Loop/Scan body lives in region `region` (0: the top level), branch
     * `branch` (If: 0 then, 1 else; Loop/Scan body: 0). The control node that
     * runs the region (op If or Loop, domain "edgec") has owns = region and
     * comes after every node of its region in the node list. */
    int region, branch, owns;
} ec_node;

typedef struct ec_graph {
    char *name;
    const char *path;               /* model file (for messages) */
    int64_t ir_version;
    int64_t opset;                  /* default-domain opset version */
    EC_VEC(ec_value) values;
    EC_VEC(ec_node) nodes;          /* in schedule (topological) order after ec_toposort */
    EC_VEC(int) inputs;             /* run-time graph inputs, graph order */
    EC_VEC(int) outputs;            /* graph outputs, graph order */
    struct ec_graph *parent;        /* enclosing graph of a sub-graph, or NULL */
    EC_VEC(char *) io_notes;        /* sequence/optional graph inputs and outputs that have
                                       no C argument (empty), for the generated header */
    /* Some dims are run-time arguments (--dim NAME=MIN..MAX): the graph is
     * lowered at several values of them, and lowerings must prefer kernels
     * whose argument lists do not grow with a dim (ec_gather_strided rather
     * than ec_gather_map's per-coordinate tables). */
    bool runtime_dims;
    /* With run-time dims, once known: rt_dim[v * EC_MAX_RANK + d] is true when
     * dim d of value v differs between the values the graph is lowered at
     * (NULL before that). A dim of 1 that is run-time is not a broadcast 1. */
    const bool *rt_dim;
    int rt_dim_values;              /* values rt_dim covers */
    int nregions;                   /* control-flow regions made so far (ids 1..nregions) */
} ec_graph;

/* Does dim d of value v vary with the run-time dims (graph.rt_dim)? */
bool ec_dim_is_runtime(const ec_graph *g, int v, int d);

/* ---- ir.c: builder (both frontends use only this) ---------------------- */
ec_graph *ec_graph_new(const char *name);
/* Find a value by name; -1 if none. */
int ec_value_find(const ec_graph *g, const char *name);
/* Find or create a value by name. */
int ec_value_get(ec_graph *g, const char *name);
/* Create a fresh value with a unique name derived from hint. */
int ec_value_new(ec_graph *g, const char *hint);
/* Declare a run-time input with dtype and shape (shape may be partly symbolic). */
int ec_add_input(ec_graph *g, const char *name, ec_dtype dt, const ec_shape *shape);
/* Declare a graph output (dtype/shape optional: UNDEFINED / rank -1). */
int ec_add_output(ec_graph *g, const char *name, ec_dtype dt, const ec_shape *shape);
/* Add an initializer (takes ownership of t->data). A same-named input
 * becomes a constant (ONNX IR < 4 lists initializers as inputs too). */
int ec_add_initializer(ec_graph *g, ec_tensor *t);
/* Append a node; inputs/outputs by name ("" = omitted). Returns node index. */
int ec_add_node(ec_graph *g, const char *op, const char *domain, const char *name,
                const char *const *inputs, int nin, const char *const *outputs, int nout);
/* Put nodes add[0..nadd) in front of node `at` (copied shallowly), renumbering
 * the producers of the values that the nodes from `at` on compute. */
void ec_splice_nodes(ec_graph *g, int at, const ec_node *add, int nadd);
/* Attach an attribute (copied shallowly; caller allocated with ec_alloc). */
void ec_node_add_attr(ec_graph *g, int node, const ec_attr *a);
/* The same for a node not (yet) in a graph's node list. */
void ec_node_push_attr(ec_node *n, ec_attr a);
/* A new attribute for ec_node_add_attr / ec_node_push_attr: the name is
 * copied, and so are the n values of a list (all with ec_alloc). */
ec_attr ec_attr_new_int(const char *name, int64_t v);
ec_attr ec_attr_new_float(const char *name, float v);
ec_attr ec_attr_new_ints(const char *name, const int64_t *v, int n);
ec_attr ec_attr_new_floats(const char *name, const float *v, int n);
ec_attr ec_attr_new_string(const char *name, const char *s);
/* Make a value a compile-time constant with the given data (takes ownership). */
void ec_value_set_const(ec_graph *g, int v, ec_dtype dt, const ec_shape *s, void *data);

/* ---- ir.c: attribute access -------------------------------------------- */
const ec_attr *ec_attr_find(const ec_node *n, const char *name);
int64_t ec_attr_int(const ec_node *n, const char *name, int64_t dflt);
float ec_attr_float(const ec_node *n, const char *name, float dflt);
const char *ec_attr_string(const ec_node *n, const char *name, const char *dflt);
/* Returns element count, or -1 when absent; *out points into the attribute. */
int ec_attr_ints(const ec_node *n, const char *name, const int64_t **out);
int ec_attr_floats(const ec_node *n, const char *name, const float **out);

/* ---- print.c: the IR as ONNX text ------------------------------------------
 * The model in the syntax onnx.parser.parse_model reads (ONNX 1.12): header,
 * graph, value infos with every known dtype and shape, initializers with
 * their values, nodes in schedule order (dead nodes left out), sub-graphs.
 * Deterministic; names that are not identifiers are printed as unique
 * identifiers. Returns an ec_alloc'ed string; *len (if not NULL) its length. */
char *ec_print_ir(const ec_graph *g, size_t *len);
/* (ir.c) Fail with a message printed as given, several lines allowed, with
 * no "edgec: " prefix: the text frontend's "file:line:col: error: ..." with
 * the source line and a caret. Exits or longjmps like ec_fail. */
_Noreturn void ec_fail_text(const char *text);

/* ---- ops.c: the op table ------------------------------------------------ */
struct ec_lowering;
/* How --quantize int8 treats an op (compiler/q_ptq.c plans the PTQ rewrite
 * from it, compiler/q_qdq.c the QDQ import). */
typedef enum ec_qrole {
    EC_QROLE_NONE = 0,              /* stays float */
    EC_QROLE_CONV,                  /* Conv -> QConv (constant W and B) */
    EC_QROLE_GEMM,                  /* Gemm -> QFC (constant B, transA 0, per-column C) */
    EC_QROLE_MATMUL,                /* MatMul -> QFC (constant 2-D B) */
    EC_QROLE_ADD,                   /* Add -> QAdd */
    EC_QROLE_MUL,                   /* Mul -> QMul */
    EC_QROLE_MAXPOOL,               /* int8 when its input is, same parameters */
    EC_QROLE_AVGPOOL,               /* -> QAvgPool when its input is int8, same parameters */
    EC_QROLE_GLOBAL_AVGPOOL,        /* -> QAvgPool over the whole plane */
    EC_QROLE_CONCAT,                /* -> QConcat when all its inputs are int8 (PTQ only) */
    EC_QROLE_ACTIVATION,            /* Relu, Clip: folded into the op before it, or int8 alone */
    EC_QROLE_PASS_THROUGH,          /* reshapes and transposes: the int8 value passes through */
    EC_QROLE_ZERO_PAD,              /* Pad: passes through when all pads are 0 (PTQ only) */
} ec_qrole;

/* Which input of an op is a weight --quantize w4/w8 may store in blocks
 * (compiler/wquant.c). */
typedef enum ec_wqrole {
    EC_WQROLE_NONE = 0,
    EC_WQROLE_TABLE,                /* Gather: input 0, a table of rows (BlockQuantGather) */
    EC_WQROLE_MATMUL_B,             /* MatMul: input 1, B [K, N] (BlockQuantGemm) */
    EC_WQROLE_GEMM_B,               /* Gemm: input 1, B [K, N] or [N, K] by transB (BlockQuantGemm) */
} ec_wqrole;

/* One op. Rows are written { EC_OP(the nine fields below, in order) } and
 * add the optional facts after it as designated initializers, so a new
 * field touches only the rows that give it:
 *   { EC_OP("Conv", "", 2, 3, 1, 1, EC_OPF_F32_ONLY, infer_conv, lower_conv),
 *     .macs = macs_conv, .qrole = EC_QROLE_CONV }, */
typedef struct ec_opdef {
    const char *name;               /* op_type */
    const char *domain;             /* "" default domain */
    int min_in, max_in;             /* arity (max -1: variadic) */
    int min_out, max_out;
    unsigned flags;                 /* EC_OPF_* */
    /* Set dtype and shape of every output of node n (inputs are inferred).
     * May also set output constant data directly (Shape, Size). Fails via
     * ec_fail_node on bad input. */
    void (*infer)(ec_graph *g, int node);
    /* Turn node n (shapes known, constant inputs available) into kernel
     * calls. NULL: the op cannot run (only folds in infer). */
    void (*lower)(ec_graph *g, int node, struct ec_lowering *L);
    /* Multiply-accumulates of node n (shapes inferred), for --report; NULL:
     * the op counts 0. A hook returns 0 when a shape it needs is not static. */
    int64_t (*macs)(const ec_graph *g, int node);
    ec_qrole qrole;                 /* int8 PTQ / QDQ import */
    ec_wqrole wqrole;               /* w4/w8 block quantization of a weight input */
} ec_opdef;

#define EC_OP(nm, dom, in_lo, in_hi, out_lo, out_hi, fl, inf, low)                            \
    .name = (nm), .domain = (dom), .min_in = (in_lo), .max_in = (in_hi), .min_out = (out_lo),   \
    .max_out = (out_hi), .flags = (fl), .infer = (inf), .lower = (low)

enum {
    EC_OPF_ALIAS = 1u << 0,     /* output 0 is input 0 reinterpreted (Reshape, Squeeze, ...) */
    EC_OPF_INPLACE = 1u << 1,   /* output 0 may overwrite input 0 when shapes/dtypes match */
    EC_OPF_NOFOLD = 1u << 2,    /* never constant-fold (random ops) */
    EC_OPF_STRINGS = 1u << 3,   /* may read string tensors (Cast, CastLike, StringNormalizer) */
    /* its kernels exist for float32 only: float16/bfloat16 inputs are cast to
     * float before it and its outputs back (ir/infer.c); default domain only */
    EC_OPF_F32_ONLY = 1u << 4,
    /* with EC_OPF_F32_ONLY: only output 0 has input 0's type in the spec, the
     * other outputs stay float (LayerNormalization's Mean and InvStdDev,
     * BatchNormalization's running statistics); without it every float output
     * is cast back */
    EC_OPF_ONLY_OUT0_FOLLOWS_INPUT = 1u << 5,
};

/* Multiply-accumulates of node n by its row's macs hook; 0 without one. */
int64_t ec_op_macs(const ec_graph *g, int node);

/* Look up by op_type and domain ("" and "ai.onnx" are the same); NULL if unknown. */
const ec_opdef *ec_op_find(const char *op, const char *domain);

/* Helpers for infer functions (ir/ops/common.c). */
/* Node n of g, and the bit of dtype t in a dtype set (unsigned mask over EC_DT_*). */
#define NODE(g, n) (&(g)->nodes.a[(n)])
#define DT(t) (1u << (t))
ec_value *ec_in(ec_graph *g, int node, int k);    /* NULL if absent/omitted */
ec_value *ec_out(ec_graph *g, int node, int k);   /* NULL if absent/omitted */
int ec_in_id(const ec_graph *g, int node, int k);  /* value id of input k; -1 if absent/omitted */
int ec_out_id(const ec_graph *g, int node, int k); /* value id of output k; -1 if absent/omitted */
/* Element count of v, which must have a static shape of fewer than 2^31
 * elements (kernels index with int32); fails naming node otherwise. */
int64_t ec_static_numel(ec_graph *g, int node, const ec_value *v);
void ec_set_out(ec_graph *g, int node, int k, ec_dtype dt, const ec_shape *s);
/* ec_set_out for an output whose dim `dim` depends on the data: s holds its
 * upper bound there (see ec_value.data_dep). */
void ec_set_out_data_dep(ec_graph *g, int node, int k, ec_dtype dt, const ec_shape *s, int dim);
/* Input k (`what` names it in messages), which must be present with a known rank. */
ec_value *ec_need_in(ec_graph *g, int node, int k, const char *what);
/* Input k, present, with a known rank and a dtype in the set `ok` (DT(t) bits;
 * never a string tensor). */
ec_value *ec_need_in_dt(ec_graph *g, int node, int k, unsigned ok);
/* Is v (may be NULL) a tensor of one element, any rank, with a static shape and
 * type dt (EC_DT_UNDEFINED: any type)? */
bool ec_is_one(const ec_value *v, ec_dtype dt);
/* Requires input k to be a compile-time constant; fails naming the input otherwise. */
const ec_value *ec_need_const(ec_graph *g, int node, int k);
/* Read element i of a constant integer tensor as int64 (any int dtype). */
int64_t ec_const_int(const ec_value *v, int64_t i);
double ec_const_double(const ec_value *v, int64_t i);
/* numpy.matmul shapes of a @ b (MatMul and the quantized matrix products):
 * M, N, K, the output shape and, over its r batch dims, the dims and the
 * batch strides of a and b (0: broadcast; a run-time dim is never a
 * broadcast 1). Fails naming the node when the shapes do not multiply. */
typedef struct ec_mm_info {
    ec_value *a, *b;
    int64_t M, N, K;
    ec_shape out;
    int r;                                  /* batch rank of out */
    int64_t bdims[EC_MAX_RANK], sa[EC_MAX_RANK], sb[EC_MAX_RANK];
} ec_mm_info;
void ec_mm_info_make(ec_graph *g, int node, ec_value *a, ec_value *b, ec_mm_info *mi);
/* M, r and p of the matmul kernels; a's batch dims fold into M when b is
 * shared by every batch and a is not broadcast (and may_fold). Returns the
 * number of p values (at least 1). */
int ec_mm_params(const ec_mm_info *mi, bool may_fold, int64_t *M, int *r, int64_t *p);
/* Normalize a possibly negative axis against rank; fails if out of range. */
int ec_axis(ec_graph *g, int node, int64_t axis, int rank);

/* ---- macs hooks (ir/ops/common.c) ----------------------------------------- */
/* Inputs 0 and wk and output 0 of node, when all three are present with
 * static shapes (x, w, y); false otherwise (the hook then counts 0). */
bool ec_macs_operands(const ec_graph *g, int node, int wk, const ec_value **x, const ec_value **w,
                      const ec_value **y);
/* A convolution with weights W [M, C/group, k...] at input wk: each output
 * element sums C/group * prod(k) products (Conv, QConv, ConvInteger,
 * QLinearConv). */
int64_t ec_macs_conv(const ec_graph *g, int node, int wk);
/* A matrix product with A at input 0: each output element sums K products,
 * K the last dim of A (MatMul, QFC, MatMulInteger). */
int64_t ec_macs_matmul(const ec_graph *g, int node);

/* ---- ops/nn.c: window geometry of convolutions and pools ----------------- */
/* Kernel sizes, strides, dilations, pads and output size of each spatial dim,
 * in one place for Conv, ConvTranspose, the pools, ConvInteger and
 * QLinearConv, so that infer and lower cannot disagree. */
typedef struct ec_win {
    int nd;                         /* spatial dims */
    int64_t in[EC_MAX_RANK], out[EC_MAX_RANK], k[EC_MAX_RANK], s[EC_MAX_RANK];
    int64_t d[EC_MAX_RANK], pb[EC_MAX_RANK], pe[EC_MAX_RANK];
} ec_win;
enum { EC_WIN_CONV, EC_WIN_POOL, EC_WIN_CONVT };
/* Geometry of node's window (attributes auto_pad, kernel_shape, strides,
 * dilations, pads; ceil_mode for EC_WIN_POOL; output_padding and output_shape
 * for EC_WIN_CONVT) over xs's spatial dims. kshape: kernel sizes from W (conv)
 * or NULL (taken from kernel_shape). Unknown input dims give unknown (-1)
 * output dims. Fails naming node on bad attributes or an empty output. */
void ec_win_make(ec_graph *g, int node, const ec_shape *xs, const int64_t *kshape, int kind,
                 ec_win *w);
/* The parameter array of ec_nn.h's window kernels (EC_NN_WIN_PARAMS(nd) values). */
void ec_win_params(const ec_win *w, int64_t *p);
/* Shape (N, c, spatial out...) from xs's N. */
ec_shape ec_win_out_shape(const ec_shape *xs, int64_t c, const ec_win *w);

/* ---- verify.c ------------------------------------------------------------ */
void ec_verify(ec_graph *g);              /* structure: defs, arity, cycles */
void ec_toposort(ec_graph *g);            /* reorder nodes; fails on a cycle */
void ec_eliminate_dead(ec_graph *g);      /* drop nodes not reaching an output */
/* Nodes that read one of several constants with the same dtype, shape and
 * bytes (of at least EC_DEDUPE_MIN_BYTES; an exporter's per-layer copies of
 * one attention mask) read the first of them; the others are left unread, so
 * the generated C holds that data once. Graph inputs and outputs are kept. */
#define EC_DEDUPE_MIN_BYTES 64
void ec_dedupe_constants(ec_graph *g);

/* ---- infer.c ------------------------------------------------------------- */
/* Infer shapes and types in schedule order; a node whose inputs are all
 * constant is evaluated with the interpreter right away, so later nodes
 * see constant shape inputs (Shape -> Gather -> Concat -> Reshape chains). */
void ec_infer_and_fold(ec_graph *g);

/* ---- ops/seq.c: sequences and optionals, resolved at compile time ------ */
typedef struct ec_seqopt {          /* --seq NAME=N or NAME=[d,..],[d,..] */
    const char *name;
    int len;
    ec_shape *shapes;               /* len element shapes, or NULL: the declared one */
} ec_seqopt;
typedef struct ec_optopt {          /* --optional NAME=present|none */
    const char *name;
    bool present;
} ec_optopt;
/* Replace the sequence and optional graph inputs named by the options with
 * tensor inputs, one per element (x_0, x_1, ...; a present optional tensor
 * keeps its name); fails on an option that names no such input. Inputs left
 * unresolved fail in ec_infer_and_fold, naming the option they need. */
void ec_seq_bind_inputs(ec_graph *g, const ec_seqopt *seqs, int nseq, const ec_optopt *opts, int nopt);
/* Called by ec_infer_and_fold on node i before inferring it: rewrites a
 * sequence/optional op (or an op reading a sequence or optional) into tensor
 * nodes, aliases or constants; true when it did (index i is looked at again). */
bool ec_seq_expand(ec_graph *g, int node);
/* After inference: sequence/optional graph outputs become one tensor output
 * per element (Identity nodes appended); true when nodes were appended. */
bool ec_seq_expand_outputs(ec_graph *g);

/* ---- ops/control.c: sub-graph inlining (If, SequenceMap) ------------------- */
/* Copy the nodes of sg, a sub-graph of g's node `node`, as new nodes named
 * PREFIX/...: inputs[k] (may be NULL when sg has no inputs) is g's value for
 * sg's input k, outer names resolve in g; out[k] receives g's value for sg's
 * output k. The copies are appended to *nodes (*nnodes of them, ec_alloc'ed). */
void ec_inline_subgraph(ec_graph *g, int node, ec_graph *sg, const char *prefix, const int *inputs,
                        int *out, ec_node **nodes, int *nnodes);

/* ---- lower.c: kernel calls -------------------------------------------- */
typedef enum {
    EC_ARG_OUT,     /* tensor written (value id) */
    EC_ARG_IN,      /* tensor read (value id; -1 = NULL pointer) */
    EC_ARG_INT,     /* int32_t scalar */
    EC_ARG_FLOAT,   /* float scalar */
    EC_ARG_INTS,    /* const int32_t[] */
    EC_ARG_FLOATS,  /* const float[] */
    EC_ARG_SCRATCH, /* void * to scratch bytes, live during this call only */
    EC_ARG_ITER,    /* int32_t: the iteration number of the innermost enclosing loop */
    EC_ARG_EXTENT,  /* int64_t * receiving the actual size of the data-dependent
                       dim of value `value` (see ec_value.data_dep); NULL if -1 */
    EC_ARG_POOL,    /* char * to the character pool of string value `value`
                       (bytes): arena memory live as long as that value, or to
                       the end of NAME_run for a graph output */
    EC_ARG_STRS,    /* const char *const[] of n constant strings (strs) */
} ec_argkind;

typedef struct ec_arg {
    ec_argkind kind;
    const char *name;               /* parameter name, shown in generated code */
    int value;                      /* OUT/IN */
    int32_t i;                      /* INT */
    float f;                        /* FLOAT */
    int32_t *ints; float *floats; int n;  /* INTS/FLOATS/STRS */
    char **strs;                    /* STRS */
    int64_t bytes;                  /* SCRATCH, POOL */
    int64_t offset;                 /* SCRATCH, POOL: arena offset (planner) */
    /* With run-time dims (compiler/symdim.c): INT as a polynomial of the
     * dims (see ec_poly in edgec.h), or NULL when it does not vary; INTS:
     * one such pointer per element, or NULL when no element varies. */
    int64_t *poly;
    int64_t **polys;
    /* OUT/IN with `iter`: the pointer is value + it_base + it_step * i elements,
     * i the iteration number of the innermost enclosing loop (a scan slice). */
    bool iter;
    int64_t it_base, it_step;
} ec_arg;

typedef struct ec_call {
    const char *kernel;             /* e.g. "ec_add_f32"; must be in the kernel table */
    EC_VEC(ec_arg) args;
} ec_call;

typedef struct ec_lowering {
    ec_graph *g;
    int node;
    EC_VEC(ec_call) calls;
    bool alias;                     /* set by lower for a pure view: no calls needed */
} ec_lowering;

ec_call *ec_emit(ec_lowering *L, const char *kernel);
void ec_arg_out(ec_call *c, const char *name, int value);
void ec_arg_in(ec_call *c, const char *name, int value);
void ec_arg_int(ec_call *c, const char *name, int64_t v);   /* fails if it does not fit int32 */
void ec_arg_float(ec_call *c, const char *name, double v);
void ec_arg_ints(ec_call *c, const char *name, const int64_t *v, int n);
void ec_arg_floats(ec_call *c, const char *name, const float *v, int n);
void ec_arg_scratch(ec_call *c, const char *name, int64_t bytes);
void ec_arg_iter(ec_call *c, const char *name);
/* Make the last argument of c (OUT or IN) address slice base + step * i. */
void ec_arg_slice(ec_call *c, int64_t base, int64_t step);
void ec_arg_extent(ec_call *c, const char *name, int value);
/* The character pool of string value v: numel(v) * (str_max(v) + 1) bytes. */
void ec_arg_pool(ec_call *c, const char *name, ec_graph *g, int v);
void ec_arg_strs(ec_call *c, const char *name, char *const *s, int n);
/* Lower one node with its op's lower function (fails if the op has none). */
void ec_lower_node(ec_graph *g, int node, ec_lowering *L);
void ec_lowering_free(ec_lowering *L);

/* ---- the kernel table (interpreter dispatch) ---------------------------- */
/* Each kernel the compiler may call is listed once with its signature, a
 * thunk that calls it from an argument array, and the runtime-min header that
 * declares it. The signature has one letter per argument, in order:
 *   p  pointer (OUT IN SCRATCH EXTENT POOL)   ec_karg .p
 *   i  int32_t (INT ITER)                     ec_karg .i
 *   f  float (FLOAT)                          ec_karg .f
 *   I  const int32_t[] (INTS)                 ec_karg .ip
 *   F  const float[] (FLOATS)                 ec_karg .fp
 *   S  const char *const[] (STRS)             ec_karg .sp
 * tests/kbind/check.py checks every row against the prototype in
 * runtime-min/include and the thunk; ec_kernel_check_call checks every
 * lowered call against it. */
typedef union ec_karg {
    void *p;                        /* OUT, IN, SCRATCH */
    int32_t i;                      /* INT */
    float f;                        /* FLOAT */
    const int32_t *ip;              /* INTS */
    const float *fp;                /* FLOATS */
    const char *const *sp;          /* STRS */
} ec_karg;

typedef struct ec_kernel {
    const char *name;               /* "ec_add_f32" */
    const char *sig;                /* "pppiiIII": argument kinds, see above */
    void (*thunk)(const ec_karg *a);
    const char *header;             /* "ec_elementwise.h" (in runtime-min/include); the
                                       file that defines it is found by symbol
                                       (scripts/rt_index.sh) */
} ec_kernel;

const ec_kernel *ec_kernel_find(const char *name);
/* The signature letter of an argument kind (see ec_kernel). */
char ec_argkind_sig(ec_argkind k);
/* Fail with an internal error unless call's arguments match its kernel's
 * signature in number and kinds. */
void ec_kernel_check_call(const ec_call *call);

/* ---- interp.c ------------------------------------------------------------ */
/* Run node n with constant inputs; stores constant data into its outputs. */
void ec_interp_node(ec_graph *g, int node);
/* Run the whole graph on the given input buffers (by graph input order);
 * returns output buffers (ec_alloc'ed) in graph output order. Runs If and
 * Loop regions as the generated code does. */
void **ec_interp_graph(ec_graph *g, void *const *inputs);
/* The same, calling cb(ctx, g, value, data) for every node output right
 * after the node ran (calibration: data lives until the run ends). */
typedef void (*ec_interp_observer)(void *ctx, const ec_graph *g, int value, const void *data);
void **ec_interp_graph_observe(ec_graph *g, void *const *inputs, ec_interp_observer cb, void *ctx);
/* Lower node n and run it on buf[v], the storage of each value v it reads
 * and writes (set by the caller). */
void ec_interp_node_bufs(ec_graph *g, int node, void **buf);
/* Evaluate the region of control node `ctl` (Loop) when everything it reads
 * from outside is constant: its outputs become constants. False (nothing
 * done) when some input is known only at run time. */
bool ec_interp_region(ec_graph *g, int ctl);

/* ---- ops/control.c: If, Loop, Scan ---------------------------------------- */
/* Called by inference on each node before it is inferred: expands an If,
 * Loop or Scan into a region of copied nodes and its control node (see
 * control.c); true when it did, so that index `node` is looked at again. */
bool ec_ctl_expand(ec_graph *g, int node);
/* A Loop control node (op Loop, domain edgec). Else an If control node. */
bool ec_ctl_is_loop(const ec_node *n);
/* The bool value tested by control node ctl (If: its condition; Loop: the
 * condition checked at the start of each iteration, -1 if always true). */
int ec_ctl_cond(const ec_graph *g, int ctl);
/* Loop: the iteration count (an upper bound when there is a condition). */
int64_t ec_ctl_trips(const ec_graph *g, int ctl);
/* The kernel calls of one part of a control node's own code. */
enum {
    EC_CTL_BEFORE,      /* Loop: before the loop (initial carried values) */
    EC_CTL_HEAD,        /* Loop: start of each iteration (iteration number, scan slices) */
    EC_CTL_THEN_END,    /* If: end of the then-branch (its outputs -> the If's) */
    EC_CTL_END,         /* If: end of the else-branch; Loop: end of each iteration */
    EC_CTL_AFTER,       /* Loop: after the loop (carried values -> outputs) */
};
void ec_ctl_lower(ec_graph *g, int ctl, int part, ec_lowering *L);
/* A Loop/Scan control node read back from printed IR: types its body's inputs. */
void ec_ctl_type_body_inputs(ec_graph *g, int node);

#endif
