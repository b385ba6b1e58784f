/* text_ast.h - the ONNX text syntax as parsed, before it becomes IR.
 *
 *   frontend/onnx_text.l    flex lexer (reentrant, bison bridge, locations)
 *   frontend/onnx_text.y    bison grammar (pure, locations): text -> tx_model
 *   frontend/text_build.c   tx_model -> IR through the builder in ir/ir.h, with
 *                           every semantic check pointing at the text
 *
 * The parser only builds this tree: every check that needs a value (ranges,
 * types, names) happens in text_build.c, where the tree still carries the
 * line and column of each token. Everything is ec_alloc'ed, so a failure at
 * any point leaves nothing unreachable.
 */
#ifndef EC_TEXT_AST_H
#define EC_TEXT_AST_H

#include "ir.h"

typedef struct tx_loc {
    int first_line, first_column, last_line, last_column;
} tx_loc;

/* A token's text: identifier, number (as written) or string (unescaped). */
typedef struct tx_tok {
    char *s;
    size_t len;
    tx_loc loc;
} tx_tok;

typedef EC_VEC(tx_tok) tx_toks;

/* A literal in a value position. */
enum { TX_INT, TX_FLOAT, TX_STRING, TX_ID };
typedef struct tx_lit {
    int kind;
    tx_tok tok;
} tx_lit;
typedef EC_VEC(tx_lit) tx_lits;

typedef struct tx_dim {
    int kind;                       /* TX_INT, TX_ID (symbolic) or '?' */
    tx_tok tok;
} tx_dim;

/* elem[dims]; kind 0 is a tensor type, else "seq", "map", ... (unsupported) */
typedef struct tx_type {
    tx_tok elem;                    /* dtype name as written */
    const char *kind;               /* NULL: tensor type; else elem is seq, optional, map... */
    struct tx_type *inner;          /* kind set: the first type in the parentheses */
    int ninner;                     /* how many types the parentheses hold */
    bool has_shape;                 /* false: "float[]" (unknown rank) */
    EC_VEC(tx_dim) dims;            /* "float" alone: has_shape, no dims (rank 0) */
    tx_loc loc;
} tx_type;

typedef struct tx_tensor {
    tx_type *type;
    tx_tok name;                    /* may be empty */
    bool has_data;
    tx_lits vals;
    tx_loc data_loc;                /* the '{' */
} tx_tensor;

/* A value-info or initializer: [type] name [= {data}] */
typedef struct tx_vi {
    tx_type *type;                  /* NULL when untyped */
    tx_tok name;
    tx_tensor *init;                /* "= {...}", or NULL */
} tx_vi;
typedef EC_VEC(tx_vi) tx_vis;

struct tx_graph;

/* One attribute value (a list has several). */
enum { TX_AV_LIT, TX_AV_TENSOR, TX_AV_GRAPH, TX_AV_REF };
typedef struct tx_aval {
    int kind;
    tx_lit lit;
    tx_tensor *t;
    struct tx_graph *g;
    tx_loc loc;
} tx_aval;

typedef struct tx_attr {
    tx_tok name;
    tx_tok annot;                   /* ": ints"; s == NULL when absent */
    bool is_list;
    EC_VEC(tx_aval) vals;
    tx_loc loc;                     /* the value (or '[' of a list) */
} tx_attr;
typedef EC_VEC(tx_attr) tx_attrs;

typedef struct tx_node {
    tx_tok name;                    /* "[name]" prefix (later ONNX syntax), or empty */
    tx_toks outs, ins;              /* empty s: omitted */
    tx_toks op;                     /* dotted: all but the last are the domain */
    tx_attrs attrs;
    tx_loc attrs_loc;
} tx_node;

typedef struct tx_graph {
    tx_tok name;
    tx_vis inputs, outputs, infos;  /* infos: the "<...>" list (value infos and initializers) */
    EC_VEC(tx_node) nodes;
    tx_loc loc;
    tx_loc out_loc;                 /* the output list */
} tx_graph;

typedef struct tx_pair {
    tx_lit k, v;
} tx_pair;

/* Header entry "key: value". */
typedef struct tx_kv {
    tx_tok key;
    tx_lit val;                     /* scalar keys */
    bool is_list;
    EC_VEC(tx_pair) list;       /* opset_import, metadata_props */
    tx_loc loc;                     /* the value */
} tx_kv;

typedef struct tx_model {
    EC_VEC(tx_kv) header;
    tx_graph *g;
    bool has_functions;
    tx_loc fn_loc;
} tx_model;

/* The text being read: file name for messages and the whole buffer (for
 * the source line under a message). */
typedef struct tx_src {
    const char *file;
    const char *text;
    size_t len;
} tx_src;

/* Parse text into *out (onnx_text.y). On a lexical or syntax error returns
 * false with *msg and *loc set (nothing has failed yet). */
bool tx_parse(const tx_src *src, tx_model *out, char **msg, tx_loc *loc);

/* "file:line:col: error: msg", the source line and a caret; exits (or
 * longjmps, see ec_diag_catch). */
_Noreturn void tx_error(const tx_src *src, tx_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
