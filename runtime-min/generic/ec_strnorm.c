/* ec_strnorm.c - generic kernel(s) declared in ec_string.h (one kernel or a small group
 * sharing static helpers per file, see runtime-min/README.md). */
#include "ec_string_util.h"


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
