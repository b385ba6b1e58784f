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

static void bn_set(bn *a, uint32_t v)
{
    a->n = v ? 1 : 0;
    a->w[0] = v;
}

static void bn_copy(bn *d, const bn *s)
{
    int32_t i;
    d->n = s->n;
    for (i = 0; i < s->n; i++) d->w[i] = s->w[i];
}

/* a = a * m + add (m, add small). The values stay below 2^(32 * BN_WORDS). */
static void bn_muladd(bn *a, uint32_t m, uint32_t add)
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

static void bn_mul_pow10(bn *a, int32_t k)
{
    for (; k >= 9; k -= 9) bn_muladd(a, 1000000000u, 0);
    {
        static const uint32_t p10[9] = { 1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u,
                                         10000000u, 100000000u };
        if (k > 0) bn_muladd(a, p10[k], 0);
    }
}

static void bn_shl(bn *a, int32_t bits)
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

static int bn_cmp(const bn *a, const bn *b)
{
    int32_t i;
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (i = a->n - 1; i >= 0; i--)
        if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

/* a -= b, a >= b */
static void bn_sub(bn *a, const bn *b)
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
static void bn_add(bn *d, const bn *a, const bn *b)
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

static int32_t bn_bits(const bn *a)
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

/* Shortest digits of finite x > 0: digits[0..return) and the decimal
 * exponent k with x ~ 0.d1d2... * 10^k. */
static int32_t shortest_digits(uint32_t bits, char *digits, int32_t *kout)
{
    uint32_t ef = (bits >> 23) & 0xffu, man = bits & 0x7fffffu, f;
    int32_t e, k, nd = 0;
    bool unequal, even;
    bn r, s, mp, mm, t;
    if (ef == 0) {
        f = man;
        e = -149;
    } else {
        f = man | 0x800000u;
        e = (int32_t)ef - 150;
    }
    unequal = man == 0 && ef > 1;   /* the float below is nearer than the one above */
    even = (f & 1u) == 0;           /* the interval's ends read back as x too (ties to even) */
    /* x = r / s, the rounding interval is (x - mm / s, x + mp / s) */
    bn_set(&r, f);
    bn_set(&s, 1);
    bn_set(&mp, 1);
    bn_set(&mm, 1);
    if (e >= 0) {
        bn_shl(&r, e + (unequal ? 2 : 1));
        bn_set(&s, unequal ? 4u : 2u);
        bn_shl(&mp, e + (unequal ? 1 : 0));
        bn_shl(&mm, e);
    } else {
        bn_shl(&r, unequal ? 2 : 1);
        bn_shl(&s, (unequal ? 2 : 1) - e);
        if (unequal) bn_set(&mp, 2);
    }
    /* k: the smallest with x + margin < 10^k; start from an estimate */
    {
        int32_t lb = bn_bits(&r) - bn_bits(&s);   /* log2(x) within 1 */
        k = (int32_t)((lb * 30103L) / 100000L);
        if (k > 0) bn_mul_pow10(&s, k);
        else if (k < 0) {
            bn_mul_pow10(&r, -k);
            bn_mul_pow10(&mp, -k);
            bn_mul_pow10(&mm, -k);
        }
    }
    for (;;) {
        bn_add(&t, &r, &mp);
        if (bn_cmp(&t, &s) > (even ? -1 : 0)) {   /* x + mp/s >(=) 10^k: k too small */
            bn_muladd(&s, 10, 0);
            k++;
            continue;
        }
        bn_muladd(&t, 10, 0);
        if (bn_cmp(&t, &s) < (even ? 0 : 1)) {    /* x + mp/s <(=) 10^(k-1): k too large */
            bn_muladd(&r, 10, 0);
            bn_muladd(&mp, 10, 0);
            bn_muladd(&mm, 10, 0);
            k--;
            continue;
        }
        break;
    }
    /* digits: stop as soon as the digits so far (rounded down or up) are
     * inside the rounding interval (its ends included when x's mantissa is
     * even: they read back as x) */
    for (;;) {
        int d = 0;
        bool low, high;
        bn_muladd(&r, 10, 0);
        bn_muladd(&mp, 10, 0);
        bn_muladd(&mm, 10, 0);
        while (bn_cmp(&r, &s) >= 0) {
            bn_sub(&r, &s);
            d++;
        }
        low = bn_cmp(&r, &mm) < (even ? 1 : 0);
        bn_add(&t, &r, &mp);
        high = bn_cmp(&t, &s) > (even ? -1 : 0);
        if (!low && !high && nd < 16) {
            digits[nd++] = (char)('0' + d);
            continue;
        }
        if (low == high) {
            /* both roundings identify x (or neither, after 16 digits): take
             * the nearer, ties to even */
            int c;
            bn_add(&t, &r, &r);
            c = bn_cmp(&t, &s);
            if (c > 0 || (c == 0 && (d & 1))) d++;
        } else if (high) {
            d++;
        }
        /* propagate a carry out of 9 */
        while (d == 10) {
            if (nd == 0) {
                d = 1;
                k++;
                break;
            }
            d = digits[--nd] - '0' + 1;
        }
        digits[nd++] = (char)('0' + d);
        break;
    }
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    *kout = k;
    return nd;
}

int32_t ec_str_from_f32(char *buf, float x)
{
    f32bits v;
    char dig[20];
    int32_t nd, k, e10, n = 0, i;
    double ax;
    v.f = x;
    if ((v.u & 0x7f800000u) == 0x7f800000u) {
        const char *s = (v.u & 0x7fffffu) ? "nan" : (v.u >> 31) ? "-inf" : "inf";
        for (; *s; s++) buf[n++] = *s;
        buf[n] = '\0';
        return n;
    }
    if (v.u >> 31) buf[n++] = '-';
    if ((v.u & 0x7fffffffu) == 0) {
        buf[n++] = '0';
        buf[n++] = '.';
        buf[n++] = '0';
        buf[n] = '\0';
        return n;
    }
    nd = shortest_digits(v.u & 0x7fffffffu, dig, &k);
    e10 = k - 1;                          /* x = d1.d2... * 10^e10 */
    ax = x < 0 ? -(double)x : (double)x;
    if (ax >= 1e-4 && ax < 1e16) {
        if (e10 >= 0) {
            for (i = 0; i <= e10; i++) buf[n++] = i < nd ? dig[i] : '0';
            buf[n++] = '.';
            if (nd > e10 + 1)
                for (i = e10 + 1; i < nd; i++) buf[n++] = dig[i];
            else
                buf[n++] = '0';
        } else {
            buf[n++] = '0';
            buf[n++] = '.';
            for (i = 0; i < -e10 - 1; i++) buf[n++] = '0';
            for (i = 0; i < nd; i++) buf[n++] = dig[i];
        }
    } else {
        int32_t ae = e10 < 0 ? -e10 : e10;
        buf[n++] = dig[0];
        if (nd > 1) {
            buf[n++] = '.';
            for (i = 1; i < nd; i++) buf[n++] = dig[i];
        }
        buf[n++] = 'e';
        buf[n++] = e10 < 0 ? '-' : '+';
        if (ae >= 100) buf[n++] = (char)('0' + ae / 100);
        buf[n++] = (char)('0' + ae / 10 % 10);
        buf[n++] = (char)('0' + ae % 10);
    }
    buf[n] = '\0';
    return n;
}

void ec_cast_f32_str(const char **y, char *pool, const float *x, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        char *p = pool + (size_t)i * EC_STR_F32_BYTES;
        ec_str_from_f32(p, x[i]);
        y[i] = p;
    }
}

/* ---- string -> float --------------------------------------------------- */

/* significant digits kept exactly; later ones only count as "not zero" */
#define MAX_DIGITS 120

static char lower_ascii(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* s starts with word (ASCII, case-insensitive)? */
static bool starts_with_ci(const char *s, const char *word)
{
    for (; *word; s++, word++)
        if (lower_ascii(*s) != *word) return false;
    return true;
}

static float make_f32(bool neg, uint32_t bits)
{
    f32bits v;
    v.u = bits | (neg ? 0x80000000u : 0u);
    return v.f;
}

float ec_str_to_f32(const char *s)
{
    bool neg = false, any = false, sticky = false;
    bn d, p, q, sh;
    int32_t nd = 0, e10 = 0, lead, k, b;
    uint32_t quo = 0;
    long ex = 0;
    while (*s == ' ' || (*s >= '\t' && *s <= '\r')) s++;
    if (*s == '+' || *s == '-') neg = *s++ == '-';
    if (starts_with_ci(s, "inf")) return make_f32(neg, 0x7f800000u);
    if (starts_with_ci(s, "nan")) return make_f32(neg, 0x7fc00000u);
    bn_set(&d, 0);
    for (; *s >= '0' && *s <= '9'; s++) {
        any = true;
        if (nd == 0 && *s == '0') continue;
        if (nd < MAX_DIGITS) bn_muladd(&d, 10, (uint32_t)(*s - '0')), nd++;
        else { e10++; sticky |= *s != '0'; }
    }
    if (*s == '.') {
        s++;
        for (; *s >= '0' && *s <= '9'; s++) {
            any = true;
            if (nd == 0 && *s == '0') { e10--; continue; }
            if (nd < MAX_DIGITS) { bn_muladd(&d, 10, (uint32_t)(*s - '0')); nd++; e10--; }
            else sticky |= *s != '0';
        }
    }
    if (!any) return 0.0f;
    if ((*s == 'e' || *s == 'E')) {
        const char *t = s + 1;
        bool eneg = false;
        if (*t == '+' || *t == '-') eneg = *t++ == '-';
        if (*t >= '0' && *t <= '9') {
            for (; *t >= '0' && *t <= '9'; t++)
                if (ex < 100000) ex = ex * 10 + (*t - '0');
            ex = eneg ? -ex : ex;
        }
    }
    if (nd == 0) return make_f32(neg, 0);
    if (sticky) {                          /* a digit past the kept ones: not a tie */
        bn_muladd(&d, 10, 1);
        nd++;
        e10--;
    }
    ex += e10;
    lead = (int32_t)(ex + nd - 1);         /* value in [10^lead, 10^(lead+1)) */
    if (ex + nd - 1 > 38) return make_f32(neg, 0x7f800000u);
    if (ex + nd - 1 < -46) return make_f32(neg, 0);
    (void)lead;
    /* value = p / q exactly */
    bn_copy(&p, &d);
    bn_set(&q, 1);
    if (ex > 0) bn_mul_pow10(&p, (int32_t)ex);
    else bn_mul_pow10(&q, (int32_t)-ex);
    /* k: the binary exponent with p / q / 2^k in [2^23, 2^24), at least -149 */
    k = bn_bits(&p) - bn_bits(&q) - 24;
    if (k < -149) k = -149;
    for (;;) {
        bn pp, qq;
        bn_copy(&pp, &p);
        bn_copy(&qq, &q);
        if (k >= 0) bn_shl(&qq, k);
        else bn_shl(&pp, -k);
        /* quo = floor(pp / qq) < 2^26 by the choice of k */
        quo = 0;
        for (b = 25; b >= 0; b--) {
            bn_copy(&sh, &qq);
            bn_shl(&sh, b);
            if (bn_cmp(&pp, &sh) >= 0) {
                bn_sub(&pp, &sh);
                quo |= 1u << b;
            }
        }
        if (quo >= (1u << 24)) { k++; continue; }
        if (quo < (1u << 23) && k > -149) { k--; continue; }
        /* round the remainder pp / qq: ties to even */
        bn_add(&sh, &pp, &pp);
        {
            int c = bn_cmp(&sh, &qq);
            if (c > 0 || (c == 0 && (quo & 1u))) quo++;
        }
        if (quo == (1u << 24)) {
            quo >>= 1;
            k++;
        }
        break;
    }
    if (quo < (1u << 23)) return make_f32(neg, quo);             /* subnormal (k = -149) */
    if (k + 150 >= 255) return make_f32(neg, 0x7f800000u);
    return make_f32(neg, ((uint32_t)(k + 150) << 23) | (quo - (1u << 23)));
}

void ec_cast_str_f32(float *y, const char *const *x, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) y[i] = ec_str_to_f32(x[i]);
}

int32_t ec_str_check(const char *const *x, int32_t n, int32_t max_bytes)
{
    int32_t i, j;
    for (i = 0; i < n; i++) {
        if (!x[i]) return -1;
        for (j = 0; x[i][j]; j++)
            if (j >= max_bytes) return -1;
    }
    return 0;
}

/* ---- StringNormalizer ---------------------------------------------------- */

/* Change the case of the bytes of s (NUL-terminated) into d; upper != 0
 * makes capitals. See ec_string.h for what is folded. */
static void fold_case(char *d, const char *s, bool upper)
{
    for (; *s; s++, d++) {
        unsigned char c = (unsigned char)*s;
        *d = *s;
        if (c < 0x80) {
            if (upper && c >= 'a' && c <= 'z') *d = (char)(c - 'a' + 'A');
            if (!upper && c >= 'A' && c <= 'Z') *d = (char)(c - 'A' + 'a');
        } else if (c == 0xc3 && s[1]) {
            /* U+00C0..U+00FF is C3 80..C3 BF: capitals 80..9E, small A0..BE */
            unsigned char c2 = (unsigned char)s[1];
            d[1] = s[1];
            if (upper && c2 >= 0xa0 && c2 <= 0xbe && c2 != 0xb7) d[1] = (char)(c2 - 0x20);
            if (!upper && c2 >= 0x80 && c2 <= 0x9e && c2 != 0x97) d[1] = (char)(c2 + 0x20);
            s++;
            d++;
        }
    }
    *d = '\0';
}

/* a equals b, after folding both to small letters when fold */
static bool str_equal(const char *a, const char *b, bool fold)
{
    if (!fold) {
        for (; *a && *a == *b; a++, b++) {}
        return *a == *b;
    }
    for (;;) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y - 'A' + 'a');
        if (x == 0xc3 && y == 0xc3 && a[1] && b[1]) {
            unsigned char x2 = (unsigned char)a[1], y2 = (unsigned char)b[1];
            if (x2 >= 0x80 && x2 <= 0x9e && x2 != 0x97) x2 = (unsigned char)(x2 + 0x20);
            if (y2 >= 0x80 && y2 <= 0x9e && y2 != 0x97) y2 = (unsigned char)(y2 + 0x20);
            if (x2 != y2) return false;
            a += 2;
            b += 2;
            continue;
        }
        if (x != y) return false;
        if (!x) return true;
        a++;
        b++;
    }
}

void ec_strnorm(const char **y, char *pool, int64_t *kept, const char *const *x, int32_t n, int32_t stride,
                int32_t case_action, int32_t case_sensitive, int32_t nstop, const char *const *stop)
{
    int32_t i, j, m = 0;
    for (i = 0; i < n; i++) {
        char *p = pool + (size_t)m * (size_t)stride;
        bool drop = false;
        for (j = 0; j < nstop && !drop; j++) drop = str_equal(x[i], stop[j], case_sensitive == 0);
        if (drop) continue;
        if (case_action == 0) {
            int32_t k;
            for (k = 0; x[i][k]; k++) p[k] = x[i][k];
            p[k] = '\0';
        } else {
            fold_case(p, x[i], case_action == 2);
        }
        y[m++] = p;
    }
    if (m == 0) {
        pool[0] = '\0';
        y[m++] = pool;
    }
    if (kept) *kept = m;
}
