/* main.c - run the C that edgec generated for samples/mlp/mlp.onnx on the test inputs in
 * ref_data.h and compare the logits with PyTorch's.
 *
 *   build/edgec samples/mlp/mlp.onnx -o build/demo/mlp --name mlp
 *   cc -std=c99 -I build/demo/mlp -I samples/mlp <every .c in build/demo/mlp> samples/mlp/main.c -lm
 *
 * Built with -DWEIGHTS_FILE (and edgec --weights-file), it takes the path of
 * mlp_weights.bin as its argument and maps it with mlp_weights_map; a file that
 * fails mlp_weights_check is reported ("weights file rejected: error N") with exit 3.
 *
 * Exits 0 when every logit is within TOLERANCE of PyTorch's and the generated code returned 0
 * for every input; 1 otherwise. (`make demo` does all of this.)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "mlp.h"
#include "ref_data.h"

#define TOLERANCE 1e-4

/* The arena: MLP_ARENA_BYTES of working memory, 64-byte aligned, owned by the caller. C99 has
 * no _Alignas, so over-allocate a static buffer by 64 bytes and round the start up. */
static unsigned char arena_raw[MLP_ARENA_BYTES + 64];

static void *aligned_arena(void)
{
    uintptr_t addr = (uintptr_t)(void *)arena_raw;
    return arena_raw + (64 - addr % 64) % 64;
}

static int argmax(const float *v, int n)
{
    int i, best = 0;
    for (i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

#ifdef WEIGHTS_FILE
static const void *weights;
#define RUN(arena, in, out) mlp_run((arena), weights, (in), (out))
#else
#define RUN(arena, in, out) mlp_run((arena), (in), (out))
#endif

int main(int argc, char **argv)
{
    void *arena = aligned_arena();
    double worst = 0.0;
    int i, j, failed_runs = 0, agree = 0;
#ifdef WEIGHTS_FILE
    size_t wlen = 0;
    int err = 0;
    if (argc != 2) {
        printf("usage: %s mlp_weights.bin\n", argv[0]);
        return 2;
    }
    weights = mlp_weights_map(argv[1], &wlen, &err);
    if (!weights) {
        printf("weights file rejected: error %d\n", err);
        return 3;
    }
    printf("weights: %s, %lu bytes, checked\n", argv[1], (unsigned long)wlen);
#else
    (void)argc;
    (void)argv;
#endif

    printf("mlp: %d test inputs, arena %ld bytes (64-byte aligned: %s)\n", REF_N,
           (long)MLP_ARENA_BYTES, ((uintptr_t)arena % 64 == 0) ? "yes" : "no");
    printf("  #  input (x, y)          spiral  class  logits (generated C)              max|diff|\n");
    for (i = 0; i < REF_N; i++) {
        float logits[REF_OUT];
        double diff = 0.0;
        int rc = RUN(arena, ref_input[i], logits);
        if (rc != 0) {
            printf("  %d  mlp_run returned %d\n", i, rc);
            failed_runs++;
            continue;
        }
        for (j = 0; j < REF_OUT; j++) {
            double d = fabs((double)logits[j] - (double)ref_logits[i][j]);
            if (d > diff || d != d)
                diff = d;
        }
        if (diff > worst || diff != diff)
            worst = diff;
        if (argmax(logits, REF_OUT) == argmax(ref_logits[i], REF_OUT))
            agree++;
        printf("  %d  (%7.4f, %7.4f)    %d       %d    [", i, ref_input[i][0], ref_input[i][1],
               ref_label[i], argmax(logits, REF_OUT));
        for (j = 0; j < REF_OUT; j++)
            printf("%s%9.4f", j ? ", " : "", logits[j]);
        printf("]   %.2e\n", diff);
    }
    printf("predicted class agrees with PyTorch on %d of %d inputs\n", agree, REF_N);
    printf("max abs difference vs PyTorch: %.3e (tolerance %.0e)\n", worst, TOLERANCE);
    if (failed_runs || !(worst <= TOLERANCE)) {
        printf("FAIL\n");
        return 1;
    }
    printf("OK\n");
#ifdef WEIGHTS_FILE
    mlp_weights_unmap(weights, wlen);
#endif
    return 0;
}
