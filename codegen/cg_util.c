/* cg_util.c - the target budget check of a planned program (the facts it uses are in ir/program.c). */
#include <string.h>
#include "codegen.h"

void ec_cg_check_budget(const ec_program *p, const ec_target *t, bool weights_in_flash)
{
    int64_t w;
    if (!t) return;
    if (t->ram_bytes > 0 && p->arena_bytes > t->ram_bytes)
        ec_fail("the model needs %lld bytes of arena (RAM) but target '%s' has %lld "
                "(lower bound for this schedule: %lld)",
                (long long)p->arena_bytes, t->name, (long long)t->ram_bytes, (long long)p->lower_bound);
    w = ec_cg_weights_bytes(p);
    if (weights_in_flash && t->flash_bytes > 0 && w > t->flash_bytes)
        ec_fail("the model needs %lld bytes of weights (flash) but target '%s' has %lld",
                (long long)w, t->name, (long long)t->flash_bytes);
}
