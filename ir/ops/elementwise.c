/* elementwise.c - ops of the elementwise family: shape inference, lowering, kernel table. */
#include "ir.h"

const ec_opdef ec_ops_elementwise[] = {
    { 0 }
};

const ec_kernel ec_kernels_elementwise[] = {
    { 0 }
};
