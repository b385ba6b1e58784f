/* ec_str_to_f32.c - generic kernel(s) declared in ec_string.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_string_util.h"


static void bn_copy(bn *d, const bn *s)
{
    int32_t i;
    d->n = s->n;
    for (i = 0; i < s->n; i++) d->w[i] = s->w[i];
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
