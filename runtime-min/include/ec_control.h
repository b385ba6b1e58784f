/* ec_control.h - runtime-min kernels of control flow (If, Loop, Scan).
 *
 * The generated code itself holds the if/else and for statements; these are
 * the few kernels a loop needs besides ec_copy. */
#ifndef EC_CONTROL_H
#define EC_CONTROL_H

#include "ec_rt.h"

/* y: int64 scalar = i (a Loop body's iteration number). */
void ec_iter_s64(int64_t *y, int32_t i);

/* y: nbytes bytes = 0 (the scan outputs of a Loop that may run no iteration). */
void ec_zero(void *y, int32_t nbytes);

#endif
