/* main.c - run the C that edgec generated for samples/mlp/mlp.onnx on the test inputs in
 * ref_data.h and compare the logits with PyTorch's.
 *
 *   build/edgec samples/mlp/mlp.onnx -o build/demo/mlp --name mlp
 *   cc -std=c99 -I build/demo/mlp -I samples/mlp <every .c in build/demo/mlp> samples/mlp/main.c -lm
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

int main(void)
{
    void *arena = aligned_arena();
    double worst = 0.0;
    int i, j, failed_runs = 0, agree = 0;

    printf("mlp: %d test inputs, arena %ld bytes (64-byte aligned: %s)\n", REF_N,
           (long)MLP_ARENA_BYTES, ((uintptr_t)arena % 64 == 0) ? "yes" : "no");
    printf("  #  input (x, y)          spiral  class  logits (generated C)              max|diff|\n");
    for (i = 0; i < REF_N; i++) {
        float logits[REF_OUT];
        double diff = 0.0;
        int rc = mlp_run(arena, ref_input[i], logits);
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
    return 0;
}
