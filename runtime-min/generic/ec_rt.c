/* ec_rt.c - runtime-min helpers every model uses. */
#include "ec_rt.h"

/* dst, src: nbytes each; copies byte by byte so it needs no libc. */
void ec_copy(void *dst, const void *src, int32_t nbytes)
{
    unsigned char *d = (unsigned char *)dst;
    const unsigned char *s = (const unsigned char *)src;
    int32_t i;
    if (d == s) return;
    for (i = 0; i < nbytes; i++) d[i] = s[i];
}
