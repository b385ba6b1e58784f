/* quant.c - ops of the quant family: shape inference, lowering, kernel table. */
#include "ir.h"

const ec_opdef ec_ops_quant[] = {
    { 0 }
};

const ec_kernel ec_kernels_quant[] = {
    { 0 }
};
