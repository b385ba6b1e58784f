/* misc.c - ops of the misc family: shape inference, lowering, kernel table. */
#include "ir.h"

const ec_opdef ec_ops_misc[] = {
    { 0 }
};

const ec_kernel ec_kernels_misc[] = {
    { 0 }
};
