/* ec_string.h - edgec runtime-min: string tensors (the string family).
 *
 * A string tensor of n elements is an array of n `const char *`, each a
 * NUL-terminated UTF-8 string. A kernel that produces strings writes their
 * characters into `pool`, a region of n * stride bytes: element i's bytes
 * (at most stride - 1 of them, then a NUL) start at pool + i * stride, and
 * y[i] points there. The compiler sizes stride from bounds it knows when
 * compiling (--max-string-bytes for graph inputs), so no kernel can overrun
 * its pool; ec_str_check enforces the input bound at run time.
 *
 * Number formats (Cast):
 *   float -> string: the shortest decimal that reads back as the same float
 *     (round trip), printed as numpy's str() of a float32 does: positional
 *     for 1e-4 <= |x| < 1e16 ("0.47892547", "100.0", "-0.0"), scientific
 *     otherwise ("1e-05", "1.5e+16"), "nan", "inf", "-inf". At most
 *     EC_STR_F32_BYTES - 1 characters.
 *   string -> float: strtod's decimal syntax in the "C" locale: leading
 *     white space, an optional sign, digits with an optional '.', an optional
 *     exponent (e/E, sign, digits); or "inf", "infinity", "nan" in any case,
 *     with a sign. The longest such prefix is read and the rest ignored; no
 *     number at all reads as 0. Decimal values are rounded correctly to the
 *     nearest float (ties to even). Hexadecimal floats are not read.
 *
 * Case folding (StringNormalizer): ASCII letters, and the Latin-1 letters
 * U+00C0..U+00DE <-> U+00E0..U+00FE (except U+00D7 and U+00F7) encoded in
 * UTF-8; every other byte sequence is kept as it is (so U+00DF, U+00FF and
 * invalid UTF-8 too). A string never changes length.
 */
#ifndef EC_STRING_H
#define EC_STRING_H

#include "ec_rt.h"

/* Pool stride of ec_cast_f32_str: the longest output (19 characters,
 * "-9999999000000000.0") plus the NUL, rounded up. */
#define EC_STR_F32_BYTES 24

/* 0 if every x[i] (i < n) is a non-NULL string of at most max_bytes bytes
 * before its NUL, else -1. Reads at most max_bytes + 1 bytes of each. */
int32_t ec_str_check(const char *const *x, int32_t n, int32_t max_bytes);

/* float -> string, n elements; pool has n * EC_STR_F32_BYTES bytes. */
void ec_cast_f32_str(const char **y, char *pool, const float *x, int32_t n);

/* string -> float, n elements. */
void ec_cast_str_f32(float *y, const char *const *x, int32_t n);

/* The numeric formats one value at a time: ec_str_from_f32 writes at most
 * EC_STR_F32_BYTES bytes (with the NUL) to buf and returns the length;
 * ec_str_to_f32 reads a float as described above. */
int32_t ec_str_from_f32(char *buf, float x);
float ec_str_to_f32(const char *s);

/* StringNormalizer over the n elements of x (ONNX allows shapes [C] and
 * [1, C] only, so this is one row): drops the elements equal to one of the
 * nstop stopwords (compared after case folding when case_sensitive is 0),
 * changes the case of the others (case_action 0: keep, 1: lower, 2: upper)
 * and stores them packed, in order, in y; their count goes to *kept (when
 * kept is not NULL). If nothing is kept, y holds one empty string and *kept
 * is 1. pool has n * stride bytes, stride at least the longest x[i] plus its
 * NUL (case folding never changes a string's length). */
void ec_strnorm(const char **y, char *pool, int64_t *kept, const char *const *x, int32_t n, int32_t stride,
                int32_t case_action, int32_t case_sensitive, int32_t nstop, const char *const *stop);

#endif
