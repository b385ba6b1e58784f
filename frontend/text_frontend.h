/* text_frontend.h - the ONNX text syntax frontend (frontend/onnx_text.l,
 * frontend/onnx_text.y, frontend/text_build.c): .onnxtxt files into the IR
 * through the same builder calls as the protobuf reader.
 *
 * The syntax is the one onnx.parser.parse_model reads in ONNX 1.12, plus a
 * few later additions that 1.12 cannot express: quoted names ("onnx::Add_1"),
 * "[name]" before a node, inf/nan float literals, backslash escapes in
 * strings, float16/bfloat16 data as bit patterns, and lists of tensors or
 * graphs as attribute values.
 *
 * Errors: "FILE:LINE:COL: error: message", the source line and a caret
 * under the column; exit status 1 (or a longjmp, see ec_diag_catch).
 */
#ifndef EC_TEXT_FRONTEND_H
#define EC_TEXT_FRONTEND_H

#include "frontend.h"

/* ec_read_onnx_text and ec_parse_onnx_text are declared in frontend.h. */

#endif
