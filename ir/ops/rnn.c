/* rnn.c - ops of the rnn family: shape inference, lowering, kernel table. */
#include "ir.h"

const ec_opdef ec_ops_rnn[] = {
    { 0 }
};

const ec_kernel ec_kernels_rnn[] = {
    { 0 }
};
