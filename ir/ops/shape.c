/* shape.c - ops of the shape family: shape inference, lowering, kernel table. */
#include "ir.h"

const ec_opdef ec_ops_shape[] = {
    { 0 }
};

const ec_kernel ec_kernels_shape[] = {
    { 0 }
};
