/* string.c - the string family: StringNormalizer, and the kernels of string
 * tensors (Cast and CastLike to and from string lower in elementwise.c).
 *
 * How string tensors are stored is described at ec_value.str_max (ir.h) and
 * in runtime-min/include/ec_string.h. */
#include <string.h>
#include "ir.h"
#include "ec_string.h"

/* ---- kernel table ---------------------------------------------------------- */

static void th_cast_f32_str(const ec_karg *a) { ec_cast_f32_str(a[0].p, a[1].p, a[2].p, a[3].i); }
static void th_cast_str_f32(const ec_karg *a) { ec_cast_str_f32(a[0].p, a[1].p, a[2].i); }

const ec_opdef ec_ops_string[] = {
    { 0 }
};

const ec_kernel ec_kernels_string[] = {
    { "ec_cast_f32_str", th_cast_f32_str, "ec_string.h", "ec_string.c" },
    { "ec_cast_str_f32", th_cast_str_f32, "ec_string.h", "ec_string.c" },
    { 0 }
};
