/* main.c - samples/cnn's int8 build on a Cortex-M4F (QEMU mps2-an386, bare metal).
 *
 * images.h (written by tests/cortexm/run.sh from samples/cnn/cnn_test.bin and the same int8
 * build run on the host) holds N_IMAGES held-out images, their labels and the host's logits as
 * IEEE bit patterns. Every image runs through cnn_run with one static arena; the logits must
 * equal the host's bit for bit (the int8 kernels use integer arithmetic only). Output goes to
 * QEMU's stdout through semihosting (targets/cm/semihost.c); the exit code is 0 when every
 * logit matched, 1 otherwise. */
#include <stdint.h>
#include <string.h>

#include "cnn.h"
#include "images.h"

void tp_str(const char *s);
void tp_dec(int32_t v);

static unsigned char arena[CNN_ARENA_BYTES] __attribute__((aligned(64)));

int main(void)
{
    static float input[IMAGE_PIXELS];
    float logits[N_CLASSES];
    int32_t i, j, same = 0, correct = 0;
    for (i = 0; i < N_IMAGES; i++) {
        int32_t best = 0, ok = 1;
        for (j = 0; j < IMAGE_PIXELS; j++) input[j] = (float)images[i][j] / 255.0f;
        if (cnn_run(arena, input, logits) != 0) {
            tp_str("cortex-m: cnn_run failed\n");
            return 1;
        }
        for (j = 0; j < N_CLASSES; j++) {
            uint32_t bits;
            memcpy(&bits, &logits[j], 4);
            ok &= bits == host_logits[i][j];
            if (logits[j] > logits[best]) best = j;
        }
        same += ok;
        correct += best == labels[i];
    }
    tp_str("cortex-m4: ");
    tp_dec(N_IMAGES);
    tp_str(" images, logits bit-identical to the host's for ");
    tp_dec(same);
    tp_str(", top-1 right for ");
    tp_dec(correct);
    tp_str("; arena ");
    tp_dec(CNN_ARENA_BYTES);
    tp_str(" bytes\n");
    return same == N_IMAGES ? 0 : 1;
}
