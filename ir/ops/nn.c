/* nn.c - ops of the nn family: shape inference, lowering, kernel table. */
#include "ir.h"

const ec_opdef ec_ops_nn[] = {
    { 0 }
};

const ec_kernel ec_kernels_nn[] = {
    { 0 }
};
