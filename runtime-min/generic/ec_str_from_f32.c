/* ec_str_from_f32.c - generic kernel(s) declared in ec_string.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_string_util.h"


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
