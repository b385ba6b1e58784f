/* ec_string_util.h - static helpers shared by the generic ec_string kernel files (internal,
 * not part of the runtime-min contract). */
#ifndef EC_STRING_UTIL_H
#define EC_STRING_UTIL_H
/* ec_string.c - edgec runtime-min: string kernels (see ec_string.h).
 *
 * Exact number conversions with a small fixed-size big integer (no malloc):
 * float -> string is Steele & White / Burger & Dybvig's shortest digit
 * generation (the "unique" mode of numpy's Dragon4), string -> float divides
 * the exact decimal value and rounds the remainder.
 */
#include "ec_string.h"

/* ---- big unsigned integers: BN_WORDS 32-bit words, little-endian ------- */
/* Large enough for every value used below: at most 120 decimal digits times
 * 10^46 times 2^149 when reading, 10^45 times 2^151 when printing. */
#define BN_WORDS 40

typedef struct {
    int32_t n;                  /* words in use (no leading zero words) */
    uint32_t w[BN_WORDS];
} bn;

static inline void bn_set(bn *a, uint32_t v)
{
    a->n = v ? 1 : 0;
    a->w[0] = v;
}

/* a = a * m + add (m, add small). The values stay below 2^(32 * BN_WORDS). */
static inline void bn_muladd(bn *a, uint32_t m, uint32_t add)
{
    uint64_t carry = add;
    int32_t i;
    for (i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->w[i] * m + carry;
        a->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry && a->n < BN_WORDS) a->w[a->n++] = (uint32_t)carry;
    while (a->n > 0 && a->w[a->n - 1] == 0) a->n--;
}

static inline void bn_mul_pow10(bn *a, int32_t k)
{
    for (; k >= 9; k -= 9) bn_muladd(a, 1000000000u, 0);
    {
        static const uint32_t p10[9] = { 1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u,
                                         10000000u, 100000000u };
        if (k > 0) bn_muladd(a, p10[k], 0);
    }
}

static inline void bn_shl(bn *a, int32_t bits)
{
    int32_t words = bits / 32, b = bits % 32, i;
    if (a->n == 0 || bits <= 0) return;
    if (b) {
        uint32_t carry = 0;
        for (i = 0; i < a->n; i++) {
            uint32_t x = a->w[i];
            a->w[i] = (x << b) | carry;
            carry = x >> (32 - b);
        }
        if (carry && a->n < BN_WORDS) a->w[a->n++] = carry;
    }
    if (words) {
        int32_t n = a->n + words;
        if (n > BN_WORDS) n = BN_WORDS;
        for (i = n - 1; i >= words; i--) a->w[i] = a->w[i - words];
        for (i = 0; i < words; i++) a->w[i] = 0;
        a->n = n;
    }
}

static inline int bn_cmp(const bn *a, const bn *b)
{
    int32_t i;
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (i = a->n - 1; i >= 0; i--)
        if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

/* a -= b, a >= b */
static inline void bn_sub(bn *a, const bn *b)
{
    int64_t borrow = 0;
    int32_t i;
    for (i = 0; i < a->n; i++) {
        int64_t t = (int64_t)a->w[i] - (i < b->n ? (int64_t)b->w[i] : 0) - borrow;
        borrow = t < 0;
        a->w[i] = (uint32_t)(t + (borrow ? ((int64_t)1 << 32) : 0));
    }
    while (a->n > 0 && a->w[a->n - 1] == 0) a->n--;
}

/* d = a + b */
static inline void bn_add(bn *d, const bn *a, const bn *b)
{
    uint64_t carry = 0;
    int32_t n = a->n > b->n ? a->n : b->n, i;
    for (i = 0; i < n; i++) {
        uint64_t t = (uint64_t)(i < a->n ? a->w[i] : 0) + (i < b->n ? b->w[i] : 0) + carry;
        d->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    d->n = n;
    if (carry && n < BN_WORDS) d->w[d->n++] = (uint32_t)carry;
}

static inline int32_t bn_bits(const bn *a)
{
    uint32_t top;
    int32_t b;
    if (a->n == 0) return 0;
    top = a->w[a->n - 1];
    for (b = 0; top; b++) top >>= 1;
    return (a->n - 1) * 32 + b;
}

/* ---- float -> string -------------------------------------------------- */
typedef union { float f; uint32_t u; } f32bits;

#endif
