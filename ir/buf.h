/* buf.h - ec_buf, a growable text buffer (ir/buf.c). Every layer writes text
 * into one: the C emitter, the reports, the passes' diagnostics. */
#ifndef EC_BUF_H
#define EC_BUF_H

#include <stdio.h>
#include "ir.h"

/* With fp set (codegen/out.c's ec_output_stream), the text goes to that file
 * whenever the buffer grows past 1 MiB. */
typedef struct ec_buf {
    char *s;
    size_t len, cap;
    FILE *fp;
} ec_buf;
void ec_buf_printf(ec_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ec_buf_put(ec_buf *b, const char *s, size_t n);
/* With fp set: write the text so far to fp and empty the buffer. */
void ec_buf_flush(ec_buf *b);

#endif
