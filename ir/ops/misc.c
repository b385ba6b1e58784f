/* misc.c - kernels every model may need (copies), and ops that fit no family. */
#include "ir.h"

static void thunk_copy(const ec_karg *a) { ec_copy(a[0].p, a[1].p, a[2].i); }

const ec_opdef ec_ops_misc[] = {
    { 0 }
};

const ec_kernel ec_kernels_misc[] = {
    { "ec_copy", "ppi", thunk_copy, "ec_rt.h" },
    { 0 }
};
