/* buf.c - ec_buf, the growable text buffer every stage writes text into
 * (generated code, diagnostics, reports). With fp set (codegen/out.c's
 * ec_output_stream) the text goes to that file whenever it grows past 1 MiB.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "buf.h"

#define EC_STREAM_CHUNK ((size_t)1 << 20)

void ec_buf_flush(ec_buf *b)
{
    if (b->fp && b->len) {
        if (fwrite(b->s, 1, b->len, b->fp) != b->len)
            ec_fail_plain("cannot write generated code: %s", strerror(errno));
        b->len = 0;
        b->s[0] = '\0';
    }
}

void ec_buf_put(ec_buf *b, const char *s, size_t n)
{
    if (b->fp && b->len + n > EC_STREAM_CHUNK) ec_buf_flush(b);
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap) cap = ec_mul_size(cap, 2);
        b->s = ec_realloc(b->s, cap);
        b->cap = cap;
    }
    if (n) memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void ec_buf_printf(ec_buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];
    int n;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) ec_fail_plain("internal error: bad format '%s'", fmt);
    if ((size_t)n < sizeof small) {
        ec_buf_put(b, small, (size_t)n);
    } else {
        char *big = ec_alloc((size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        ec_buf_put(b, big, (size_t)n);
        ec_free(big);
    }
}
