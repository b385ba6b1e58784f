/* unit.h - common includes for the cmocka unit tests. */
#ifndef EC_UNIT_H
#define EC_UNIT_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

/* Run expr (a call into the compiler) expecting it to end in a diagnostic, printed quietly;
 * the message is then ec_diag_last() (ir.h). */
#define EXPECT_FAIL(expr) do { \
        jmp_buf expect_jb_; \
        ec_diag_quiet(true); \
        ec_diag_catch(&expect_jb_); \
        if (setjmp(expect_jb_) == 0) { expr; fail_msg("expected a diagnostic from %s", #expr); } \
        ec_diag_catch(NULL); \
        ec_diag_quiet(false); \
    } while (0)
/* The same, and the message must contain text. */
#define EXPECT_FAIL_MSG(expr, text) do { \
        EXPECT_FAIL(expr); \
        if (!strstr(ec_diag_last(), text)) fail_msg("diagnostic '%s' lacks '%s'", ec_diag_last(), text); \
    } while (0)
#endif
