/* signal.c - ops of the signal family: shape inference, lowering, kernel table. */
#include "ir.h"

const ec_opdef ec_ops_signal[] = {
    { 0 }
};

const ec_kernel ec_kernels_signal[] = {
    { 0 }
};
