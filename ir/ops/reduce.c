/* reduce.c - ops of the reduce family: shape inference, lowering, kernel table. */
#include "ir.h"

const ec_opdef ec_ops_reduce[] = {
    { 0 }
};

const ec_kernel ec_kernels_reduce[] = {
    { 0 }
};
