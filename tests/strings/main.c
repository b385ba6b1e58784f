/* main.c - runs tests/strings/strs.onnxtxt compiled with --max-string-bytes 12
 * (see run.sh). Expected values: numpy 1.24 (np.float32 of the strings, and
 * str() of np.float32 values), written here by hand from its output:
 *   [np.float32(float(s)) for s in ('0.1', '-2.5e3', 'inf', '123456789012')]
 *     -> bits 0x3dcccccd 0xc51c4000 0x7f800000 0x51e5f4c9
 *   [str(v) for v in np.float32([0.2, -1e-7, 3e38, 65504])]
 *     -> '0.2' '-1e-07' '3e+38' '65504.0'
 * Exit status 0 when everything matches; one line per mismatch otherwise. */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "strs.h"

static int fails;

static unsigned bits(float f)
{
    unsigned u;
    memcpy(&u, &f, sizeof u);
    return u;
}

#define CHECK(cond, ...) do { if (!(cond)) { printf(__VA_ARGS__); printf("\n"); fails++; } } while (0)

int main(void)
{
    static const unsigned want_f[4] = { 0x3dcccccdu, 0xc51c4000u, 0x7f800000u, 0x51e5f4c9u };
    static const char *const want_t[4] = { "0.2", "-1e-07", "3e+38", "65504.0" };
    const char *s[4] = { "0.1", "-2.5e3", "inf", "123456789012" };   /* the last is 12 bytes: the bound */
    const float x[4] = { 0.2f, -1e-7f, 3e38f, 65504.0f };
    const char *t[4] = { NULL, NULL, NULL, NULL };
    float f[4], r[4];
    void *arena = NULL;   /* exactly STRS_ARENA_BYTES: AddressSanitizer sees any access past it */
    int i, rc;
    if (posix_memalign(&arena, 64, STRS_ARENA_BYTES) != 0) return 2;

    rc = strs_run(arena, s, x, f, t, r);
    CHECK(rc == 0, "strs_run returned %d", rc);
    for (i = 0; i < 4; i++) {
        CHECK(bits(f[i]) == want_f[i], "f[%d] = 0x%08x, expected 0x%08x", i, bits(f[i]), want_f[i]);
        CHECK(t[i] && strcmp(t[i], want_t[i]) == 0, "t[%d] = '%s', expected '%s'", i, t[i] ? t[i] : "(null)",
              want_t[i]);
        CHECK(bits(r[i]) == bits(f[i]), "r[%d] = 0x%08x: float -> string -> float changed 0x%08x", i, bits(r[i]),
              bits(f[i]));
        /* the output strings live in the arena */
        CHECK(t[i] >= (const char *)arena && t[i] < (const char *)arena + STRS_ARENA_BYTES,
              "t[%d] does not point into the arena", i);
    }

    /* one byte over the bound: nothing runs */
    s[3] = "1234567890123";
    t[0] = NULL;
    rc = strs_run(arena, s, x, f, t, r);
    CHECK(rc == STRS_ERR_STRING_INPUT && rc < 0, "13-byte string: strs_run returned %d", rc);
    CHECK(t[0] == NULL, "13-byte string: outputs were written");
    /* a NULL element */
    s[3] = NULL;
    rc = strs_run(arena, s, x, f, t, r);
    CHECK(rc == STRS_ERR_STRING_INPUT, "NULL string: strs_run returned %d", rc);
    /* multi-byte UTF-8 counts bytes: 6 characters of 2 bytes = 12 bytes fit */
    s[3] = "\303\251\303\251\303\251\303\251\303\251\303\251";
    rc = strs_run(arena, s, x, f, t, r);
    CHECK(rc == 0, "12-byte UTF-8 string: strs_run returned %d", rc);
    CHECK(f[3] == 0.0f, "a string with no number reads as 0, got %g", (double)f[3]);

    free(arena);
    if (fails) return 1;
    printf("strings: all checks passed\n");
    return 0;
}
