/* frontend.h - the readers: ONNX files into the IR.
 *
 *   frontend/onnx_pb.c     protobuf-c reader (.onnx, TensorProto .pb)
 *   frontend/text_build.c  the ONNX text syntax (.onnxtxt; text_frontend.h for details)
 */
#ifndef EC_FRONTEND_H
#define EC_FRONTEND_H

#include <stddef.h>
#include "ir.h"

/* Read an .onnx file; fails with a diagnostic on any problem. */
ec_graph *ec_read_onnx(const char *path);
/* Read a TensorProto (.pb) file, e.g. for --bind and conformance data. */
ec_tensor *ec_read_tensor_pb(const char *path);
/* Read a .onnxtxt file (the ONNX text syntax, text_frontend.h). */
ec_graph *ec_read_onnx_text(const char *path);
/* Parse text (len bytes, need not be NUL-terminated); name is the file
 * name used in messages. */
ec_graph *ec_parse_onnx_text(const char *name, const char *text, size_t len);

#endif
