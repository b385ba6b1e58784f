/* text_lex.h - state shared by the lexer (onnx_text.l) and the parser
 * (onnx_text.y): position, the first lexical error, the last token's text. */
#ifndef EC_TEXT_LEX_H
#define EC_TEXT_LEX_H

#include "text_ast.h"

typedef struct tx_lexstate {
    int line, col;                  /* next byte's position */
    int prev_col;                   /* col at the end of the previous line */
    char *err;                      /* first lexical error, or NULL */
    tx_loc err_loc;
    char last[48];                  /* text of the last token (for messages) */
} tx_lexstate;

#endif
