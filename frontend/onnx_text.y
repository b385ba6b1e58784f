/* onnx_text.y - grammar of the ONNX text syntax: text -> tx_model (text_ast.h).
 *
 * The language of onnx.parser.parse_model in ONNX 1.12, plus the later
 * additions listed in text_frontend.h. The actions only build the tree;
 * text_build.c checks values and names with the locations kept here.
 *
 *   model   = [ '<' key ':' value {',' key ':' value} '>' ] graph
 *   graph   = [name] ['(' [vi {',' vi}] ')'] '=>' '(' [vi {',' vi}] ')'
 *             ['<' [vi {',' vi}] '>'] '{' {node} '}'
 *   vi      = [type] name ['=' '{' [literal {',' literal}] '}']
 *   type    = dtype ['[' [dim {',' dim}] ']']        dim = integer | identifier | '?'
 *   node    = ['[' name ']'] names '=' [domain '.'] op [attrs] '(' names ')' [attrs]
 *   attrs   = '<' attr {',' attr} '>'
 *   attr    = identifier [':' attrtype] '=' (value | '[' [value {',' value}] ']')
 *   value   = integer | number | string | '@' identifier
 *           | type [name] ['='] '{' literals '}'  (tensor) | graph
 *   name    = identifier | string                 (a string: later ONNX syntax)
 */
%define api.pure full
%define api.prefix {txyy}
%define api.location.type {tx_loc}
%define parse.error custom
%define parse.lac full
%locations
%param {void *scanner}
%parse-param {tx_pstate *P}
%expect 0

%code requires {
#include "text_ast.h"
typedef struct tx_pstate {
    tx_model *m;
    char *err;                      /* first syntax error */
    tx_loc err_loc;
} tx_pstate;
}

%code provides {
#define YYSTYPE TXYYSTYPE
#define YYLTYPE TXYYLTYPE
}

%code {
#include <string.h>
#include "text_lex.h"
#include "onnx_text.lex.h"

static void txyyerror(const tx_loc *loc, void *scanner, tx_pstate *P, const char *msg)
{
    (void)scanner;
    if (!P->err) {
        P->err = ec_strdup(msg);
        P->err_loc = *loc;
    }
}

static tx_tok no_tok(void)
{
    tx_tok t;
    memset(&t, 0, sizeof t);
    return t;
}

static tx_lit mklit(int kind, tx_tok t)
{
    tx_lit l;
    l.kind = kind;
    l.tok = t;
    return l;
}

static tx_aval lit_val(int kind, tx_tok t)
{
    tx_aval v;
    memset(&v, 0, sizeof v);
    v.kind = TX_AV_LIT;
    v.lit = mklit(kind, t);
    v.loc = t.loc;
    return v;
}

#define NEW(T) ((T *)ec_alloc(sizeof(T)))
}

%union {
    tx_tok tok;
    tx_lit lit;
    tx_dim dim;
    tx_type *type;
    tx_tensor *tensor;
    tx_vi vi;
    tx_vis *vis;
    tx_lits *lits;
    tx_graph *graph;
    tx_node *node;
    tx_toks *toks;
    tx_attr *attr;
    tx_attrs *attrs;
    tx_aval aval;
    tx_kv *kv;
    tx_pair pair;
}

%token YYEOF 0 "end of file"
%token <tok> ID "identifier"
%token <tok> INT "integer"
%token <tok> FLOAT "number"
%token <tok> STRING "string"
%token ARROW "'=>'"

%type <tok> name gname_opt opt_name tname_opt nname_opt
%type <lit> lit data_lit
%type <dim> dim
%type <type> type ttype shape_opt types dims
%type <tensor> tensor_data tensor_val
%type <vi> vi
%type <vis> vi_list vi_list_opt inputs_opt infos_opt
%type <lits> data_lits
%type <graph> graph nodes
%type <node> node
%type <toks> id_list id_list_ne opname
%type <attr> attr values
%type <attrs> attrs_opt attr_list
%type <aval> single
%type <kv> hdr_item pairs
%type <pair> pair

%%

model
    : header graph              { P->m->g = $2; }
    | header graph fn_start     { P->m->g = $2; P->m->has_functions = true; P->m->fn_loc = @3; YYACCEPT; }
    ;

fn_start : '<' | ID ;

header
    : %empty
    | '<' hdr_items '>'
    ;

hdr_items
    : hdr_item                  { EC_PUSH(P->m->header, *$1); }
    | hdr_items ',' hdr_item    { EC_PUSH(P->m->header, *$3); }
    ;

hdr_item
    : ID ':' lit                { $$ = NEW(tx_kv); $$->key = $1; $$->val = $3; $$->loc = @3; }
    | ID ':' '[' ']'            { $$ = NEW(tx_kv); $$->key = $1; $$->is_list = true; $$->loc = @3; }
    | ID ':' '[' pairs ']'      { $$ = $4; $$->key = $1; $$->is_list = true; $$->loc = @3; }
    ;

pairs
    : pair                      { $$ = NEW(tx_kv); EC_PUSH($$->list, $1); }
    | pairs ',' pair            { $$ = $1; EC_PUSH($$->list, $3); }
    ;

pair : lit ':' lit              { $$.k = $1; $$.v = $3; } ;

lit
    : INT                       { $$ = mklit(TX_INT, $1); }
    | FLOAT                     { $$ = mklit(TX_FLOAT, $1); }
    | STRING                    { $$ = mklit(TX_STRING, $1); }
    ;

graph
    : gname_opt inputs_opt ARROW '(' vi_list_opt ')' infos_opt '{' nodes '}'
                                { $$ = $9; $$->name = $1; $$->loc = @$;
                                  if ($2) $$->inputs = *$2;
                                  $$->outputs = *$5; $$->out_loc = @4;
                                  if ($7) $$->infos = *$7; }
    ;

gname_opt
    : %empty                    { $$ = no_tok(); $$.loc = @$; }
    | name
    ;

inputs_opt
    : %empty                    { $$ = NULL; }
    | '(' vi_list_opt ')'       { $$ = $2; }
    ;

infos_opt
    : %empty                    { $$ = NULL; }
    | '<' vi_list_opt '>'       { $$ = $2; }
    ;

vi_list_opt
    : %empty                    { $$ = NEW(tx_vis); }
    | vi_list
    ;

vi_list
    : vi                        { $$ = NEW(tx_vis); EC_PUSH(*$$, $1); }
    | vi_list ',' vi            { $$ = $1; EC_PUSH(*$$, $3); }
    ;

vi
    : type name                 { $$.type = $1; $$.name = $2; $$.init = NULL; }
    | name                      { $$.type = NULL; $$.name = $1; $$.init = NULL; }
    | type name '=' tensor_data { $$.type = $1; $$.name = $2; $$.init = $4; $4->type = $1; $4->name = $2; }
    | name '=' tensor_data      { $$.type = NULL; $$.name = $1; $$.init = $3; $3->name = $1; }
    ;

name
    : ID
    | STRING
    ;

type
    : ttype
    | ID '(' types ')'          { $$ = $3; $$->elem = $1; $$->kind = "x"; $$->loc = @1; }
    ;

types
    : type                      { $$ = NEW(tx_type); $$->inner = $1; $$->ninner = 1; }
    | types ',' type            { $$ = $1; $$->ninner++; }
    ;

ttype
    : ID shape_opt              { $$ = $2; $$->elem = $1; $$->loc = @$; }
    ;

shape_opt
    : %empty                    { $$ = NEW(tx_type); $$->has_shape = true; }
    | '[' ']'                   { $$ = NEW(tx_type); }
    | '[' dims ']'              { $$ = $2; }
    ;

dims
    : dim                       { $$ = NEW(tx_type); $$->has_shape = true; EC_PUSH($$->dims, $1); }
    | dims ',' dim              { $$ = $1; EC_PUSH($$->dims, $3); }
    ;

dim
    : INT                       { $$.kind = TX_INT; $$.tok = $1; }
    | ID                        { $$.kind = TX_ID; $$.tok = $1; }
    | '?'                       { $$.kind = '?'; $$.tok = no_tok(); $$.tok.loc = @1; }
    ;

tensor_data
    : '{' '}'                   { $$ = NEW(tx_tensor); $$->has_data = true; $$->data_loc = @1; }
    | '{' data_lits '}'         { $$ = NEW(tx_tensor); $$->has_data = true; $$->data_loc = @1; $$->vals = *$2; }
    ;

data_lits
    : data_lit                  { $$ = NEW(tx_lits); EC_PUSH(*$$, $1); }
    | data_lits ',' data_lit    { $$ = $1; EC_PUSH(*$$, $3); }
    ;

data_lit
    : lit
    | ID                        { $$ = mklit(TX_ID, $1); }
    ;

nodes
    : %empty                    { $$ = NEW(tx_graph); }
    | nodes node                { $$ = $1; EC_PUSH($$->nodes, *$2); }
    ;

node
    : nname_opt id_list '=' opname attrs_opt '(' id_list ')' attrs_opt
                                { $$ = NEW(tx_node); $$->name = $1; $$->outs = *$2; $$->op = *$4;
                                  $$->ins = *$7;
                                  if ($5 && $9) {
                                      txyyerror(&@9, scanner, P, "attributes are given both before and after the inputs");
                                      YYABORT;
                                  }
                                  if ($5) { $$->attrs = *$5; $$->attrs_loc = @5; }
                                  if ($9) { $$->attrs = *$9; $$->attrs_loc = @9; } }
    ;

nname_opt
    : %empty                    { $$ = no_tok(); }
    | '[' name ']'              { $$ = $2; }
    ;

id_list
    : %empty                    { $$ = NEW(tx_toks); }
    | id_list_ne
    ;

id_list_ne
    : name                      { $$ = NEW(tx_toks); EC_PUSH(*$$, $1); }
    | ',' opt_name              { tx_tok e = no_tok(); e.loc = @1; $$ = NEW(tx_toks); EC_PUSH(*$$, e); EC_PUSH(*$$, $2); }
    | id_list_ne ',' opt_name   { $$ = $1; EC_PUSH(*$$, $3); }
    ;

opt_name
    : %empty                    { $$ = no_tok(); $$.loc = @$; }
    | name
    ;

opname
    : ID                        { $$ = NEW(tx_toks); EC_PUSH(*$$, $1); }
    | opname '.' ID             { $$ = $1; EC_PUSH(*$$, $3); }
    ;

attrs_opt
    : %empty                    { $$ = NULL; }
    | '<' attr_list '>'         { $$ = $2; }
    ;

attr_list
    : attr                      { $$ = NEW(tx_attrs); EC_PUSH(*$$, *$1); }
    | attr_list ',' attr        { $$ = $1; EC_PUSH(*$$, *$3); }
    ;

attr
    : ID '=' single             { $$ = NEW(tx_attr); $$->name = $1; $$->loc = @3; EC_PUSH($$->vals, $3); }
    | ID ':' ID '=' single      { $$ = NEW(tx_attr); $$->name = $1; $$->annot = $3; $$->loc = @5; EC_PUSH($$->vals, $5); }
    | ID '=' '[' values ']'     { $$ = $4; $$->name = $1; $$->loc = @3; }
    | ID ':' ID '=' '[' values ']'
                                { $$ = $6; $$->name = $1; $$->annot = $3; $$->loc = @5; }
    ;

values
    : %empty                    { $$ = NEW(tx_attr); $$->is_list = true; }
    | single                    { $$ = NEW(tx_attr); $$->is_list = true; EC_PUSH($$->vals, $1); }
    | values ',' single         { $$ = $1; if (!$$->vals.n) { txyyerror(&@2, scanner, P, "expected a value before ','"); YYABORT; }
                                  EC_PUSH($$->vals, $3); }
    ;

single
    : INT                       { $$ = lit_val(TX_INT, $1); }
    | FLOAT                     { $$ = lit_val(TX_FLOAT, $1); }
    | STRING                    { $$ = lit_val(TX_STRING, $1); }
    | ID                        { $$ = lit_val(TX_ID, $1); }
    | '@' ID                    { $$ = lit_val(TX_ID, $2); $$.kind = TX_AV_REF; $$.loc = @1; }
    | tensor_val                { memset(&$$, 0, sizeof $$); $$.kind = TX_AV_TENSOR; $$.t = $1; $$.loc = @1; }
    | graph                     { memset(&$$, 0, sizeof $$); $$.kind = TX_AV_GRAPH; $$.g = $1; $$.loc = @1; }
    ;

tensor_val
    : ttype tname_opt tensor_data         { $$ = $3; $$->type = $1; $$->name = $2; }
    | ttype tname_opt '=' tensor_data     { $$ = $4; $$->type = $1; $$->name = $2; }
    ;

tname_opt
    : %empty                    { $$ = no_tok(); }
    | name
    ;

%%

/* Token names as the messages show them. */
static const char *tok_name(yysymbol_kind_t k)
{
    return yysymbol_name(k);
}

static int yyreport_syntax_error(const yypcontext_t *ctx, void *scanner, tx_pstate *P)
{
    enum { MAXEXP = 5 };
    yysymbol_kind_t exp[MAXEXP];
    yysymbol_kind_t got = yypcontext_token(ctx);
    const tx_lexstate *st = txyyget_extra(scanner);
    int n = yypcontext_expected_tokens(ctx, exp, MAXEXP);
    char found[128], want[256];
    size_t k = 0;
    if (got == YYSYMBOL_ID || got == YYSYMBOL_INT || got == YYSYMBOL_FLOAT)
        snprintf(found, sizeof found, "%s '%s'", tok_name(got), st->last);
    else
        snprintf(found, sizeof found, "%s", tok_name(got));
    want[0] = '\0';
    for (int i = 0; i < n && n <= 4 && k < sizeof want; i++)
        k += (size_t)snprintf(want + k, sizeof want - k, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ",
                              tok_name(exp[i]));
    if (n > 0 && n <= 4)
        txyyerror(yypcontext_location(ctx), scanner, P, ec_fmt("expected %s, found %s", want, found));
    else
        txyyerror(yypcontext_location(ctx), scanner, P, ec_fmt("unexpected %s", found));
    return 0;
}

bool tx_parse(const tx_src *src, tx_model *out, char **msg, tx_loc *loc)
{
    yyscan_t scanner;
    tx_lexstate st;
    tx_pstate P;
    YY_BUFFER_STATE buf;
    int rc;
    memset(&st, 0, sizeof st);
    memset(&P, 0, sizeof P);
    memset(out, 0, sizeof *out);
    st.line = 1;
    st.col = 1;
    P.m = out;
    if (txyylex_init_extra(&st, &scanner) != 0) ec_fail("cannot start the lexer");
    buf = txyy_scan_bytes(src->text, (int)src->len, scanner);
    rc = txyyparse(scanner, &P);
    txyy_delete_buffer(buf, scanner);
    txyylex_destroy(scanner);
    if (rc == 0) return true;
    if (st.err) {
        *msg = st.err;
        *loc = st.err_loc;
    } else if (P.err) {
        *msg = P.err;
        *loc = P.err_loc;
    } else {
        *msg = ec_strdup("the text is nested too deeply");
        memset(loc, 0, sizeof *loc);
        loc->first_line = loc->first_column = 1;
    }
    return false;
}
