/* main.c - run the C that edgec generated for samples/cnn/cnn.onnx on the held-out set in
 * cnn_test.bin (images, labels and PyTorch's float logits; written by train.py) and report
 * accuracy, the largest difference from PyTorch's logits and top-1 agreement.
 *
 *   build/edgec samples/cnn/cnn.onnx -o OUT --name cnn
 *   cc -std=c99 -I OUT OUT/\*.c samples/cnn/main.c -lm -o cnn
 *   ./cnn samples/cnn/cnn_test.bin [options]
 *
 * options:
 *   --tolerance T        fail if any logit differs from PyTorch's by more than T
 *   --save-logits FILE   write this program's logits (float32, little-endian, n x classes)
 *   --ref-logits FILE    logits saved by another build (e.g. the float model's) to measure
 *                        top-1 agreement against, instead of PyTorch's
 *   --min-agree PCT      fail if top-1 agreement (with --ref-logits, or else with PyTorch)
 *                        is below PCT percent
 *   --label TEXT         name of this build in the output (default "C")
 *   --ref-label TEXT     name of the --ref-logits build in the output
 *
 * Exits 0 when every run returned 0 and the checks asked for hold; 1 otherwise; 2 on a usage
 * or file error. `make -C samples/cnn run` and `run-int8` do all of this.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cnn.h"

#define MAX_CLASSES 64

/* The arena: CNN_ARENA_BYTES of working memory, 64-byte aligned, owned by the caller. C99 has
 * no _Alignas, so over-allocate a static buffer by 64 bytes and round the start up. */
static unsigned char arena_raw[CNN_ARENA_BYTES + 64];

static void *aligned_arena(void)
{
    uintptr_t addr = (uintptr_t)(void *)arena_raw;
    return arena_raw + (64 - addr % 64) % 64;
}

typedef struct test_set {
    unsigned long n, h, w, classes;
    const unsigned char *labels;    /* n */
    const unsigned char *pixels;    /* n * h * w */
    float *logits;                  /* n * classes, PyTorch's */
    unsigned char *file;
} test_set;

static unsigned long get_u32(const unsigned char *p)
{
    return (unsigned long)p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16 |
           (unsigned long)p[3] << 24;
}

/* little-endian IEEE float32 -> float */
static float get_f32(const unsigned char *p)
{
    uint32_t u = (uint32_t)get_u32(p);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* Read a whole file; NULL (and a message) on error. */
static unsigned char *read_file(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data;
    if (!f) {
        fprintf(stderr, "cnn: cannot open %s\n", path);
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (*len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "cnn: cannot seek in %s\n", path);
        fclose(f);
        return NULL;
    }
    data = malloc(*len > 0 ? (size_t)*len : 1);
    if (!data || fread(data, 1, (size_t)*len, f) != (size_t)*len) {
        fprintf(stderr, "cnn: cannot read %s\n", path);
        free(data);
        fclose(f);
        return NULL;
    }
    fclose(f);
    return data;
}

static int load_test_set(const char *path, test_set *t)
{
    long len;
    unsigned long i, need;
    const unsigned char *p;
    t->file = read_file(path, &len);
    if (!t->file)
        return -1;
    if (len < 24 || memcmp(t->file, "EDGECNN1", 8) != 0) {
        fprintf(stderr, "cnn: %s: not a cnn_test.bin file (magic EDGECNN1)\n", path);
        return -1;
    }
    t->n = get_u32(t->file + 8);
    t->h = get_u32(t->file + 12);
    t->w = get_u32(t->file + 16);
    t->classes = get_u32(t->file + 20);
    if (t->n == 0 || t->n > 100000 || t->h == 0 || t->h > 64 || t->w == 0 || t->w > 64 ||
        t->classes == 0 || t->classes > MAX_CLASSES) {
        fprintf(stderr, "cnn: %s: bad header\n", path);
        return -1;
    }
    need = 24 + t->n + t->n * t->h * t->w + 4 * t->n * t->classes;
    if ((unsigned long)len != need) {
        fprintf(stderr, "cnn: %s: %ld bytes, expected %lu\n", path, len, need);
        return -1;
    }
    t->labels = t->file + 24;
    t->pixels = t->labels + t->n;
    p = t->pixels + t->n * t->h * t->w;
    t->logits = malloc(t->n * t->classes * sizeof(float));
    if (!t->logits)
        return -1;
    for (i = 0; i < t->n * t->classes; i++)
        t->logits[i] = get_f32(p + 4 * i);
    return 0;
}

static unsigned long argmax(const float *v, unsigned long n)
{
    unsigned long i, best = 0;
    for (i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

/* one figure: "  WHAT: 99.80% (499 of 500)", the figures aligned */
static void line(const char *what, const char *what2, unsigned long k, unsigned long n)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s%s:", what, what2);
    printf("  %-40s %6.2f%% (%lu of %lu)\n", buf, 100.0 * (double)k / (double)n, k, n);
}

static void usage(void)
{
    fprintf(stderr, "usage: cnn TEST.bin [--tolerance T] [--save-logits FILE] "
                    "[--ref-logits FILE] [--min-agree PCT] [--label TEXT] [--ref-label TEXT]\n");
}

int main(int argc, char **argv)
{
    void *arena = aligned_arena();
    test_set t;
    const char *save = NULL, *ref_path = NULL, *label = "C", *ref_label = "--ref-logits";
    double tolerance = -1.0, min_agree = -1.0, worst = 0.0, secs;
    float *ref = NULL, *out;
    unsigned long i, j, in_elems, correct = 0, torch_correct = 0, agree_torch = 0, agree_ref = 0;
    unsigned long failed_runs = 0;
    float input[64 * 64];
    clock_t start;
    int a, status = 0;

    if (argc < 2) {
        usage();
        return 2;
    }
    for (a = 2; a < argc; a++) {
        if (a + 1 >= argc) {
            usage();
            return 2;
        }
        if (strcmp(argv[a], "--tolerance") == 0)
            tolerance = atof(argv[++a]);
        else if (strcmp(argv[a], "--save-logits") == 0)
            save = argv[++a];
        else if (strcmp(argv[a], "--ref-logits") == 0)
            ref_path = argv[++a];
        else if (strcmp(argv[a], "--min-agree") == 0)
            min_agree = atof(argv[++a]);
        else if (strcmp(argv[a], "--label") == 0)
            label = argv[++a];
        else if (strcmp(argv[a], "--ref-label") == 0)
            ref_label = argv[++a];
        else {
            usage();
            return 2;
        }
    }
    if (load_test_set(argv[1], &t) != 0)
        return 2;
    in_elems = t.h * t.w;
    if (in_elems > sizeof input / sizeof input[0]) {
        fprintf(stderr, "cnn: images of %lux%lu are too large\n", t.h, t.w);
        return 2;
    }
    if (ref_path) {
        long len;
        unsigned char *raw = read_file(ref_path, &len);
        if (!raw)
            return 2;
        if ((unsigned long)len != 4 * t.n * t.classes) {
            fprintf(stderr, "cnn: %s: %ld bytes, expected %lu\n", ref_path, len,
                    4 * t.n * t.classes);
            return 2;
        }
        ref = malloc(t.n * t.classes * sizeof(float));
        if (!ref)
            return 2;
        for (i = 0; i < t.n * t.classes; i++)
            ref[i] = get_f32(raw + 4 * i);
        free(raw);
    }
    out = calloc(t.n * t.classes, sizeof(float));
    if (!out)
        return 2;

    start = clock();
    for (i = 0; i < t.n; i++) {
        const unsigned char *px = t.pixels + i * in_elems;
        for (j = 0; j < in_elems; j++)
            input[j] = (float)px[j] / 255.0f;
        if (cnn_run(arena, input, out + i * t.classes) != 0)
            failed_runs++;
    }
    secs = (double)(clock() - start) / CLOCKS_PER_SEC;

    for (i = 0; i < t.n; i++) {
        const float *o = out + i * t.classes, *pt = t.logits + i * t.classes;
        unsigned long pred = argmax(o, t.classes);
        for (j = 0; j < t.classes; j++) {
            double d = fabs((double)o[j] - (double)pt[j]);
            if (d > worst || d != d)
                worst = d;
        }
        correct += pred == t.labels[i];
        torch_correct += argmax(pt, t.classes) == t.labels[i];
        agree_torch += pred == argmax(pt, t.classes);
        if (ref)
            agree_ref += pred == argmax(ref + i * t.classes, t.classes);
    }

    printf("cnn (%s): %lu held-out images %lux%lu, %lu classes, arena %ld bytes, %.3f ms per image\n",
           label, t.n, t.h, t.w, t.classes, (long)CNN_ARENA_BYTES, 1000.0 * secs / (double)t.n);
    line("accuracy, PyTorch float", "", torch_correct, t.n);
    line("accuracy, ", label, correct, t.n);
    line("top-1 agreement with PyTorch", "", agree_torch, t.n);
    if (ref)
        line("top-1 agreement with ", ref_label, agree_ref, t.n);
    printf("  %-40s %.3e", "max abs logit difference vs PyTorch:", worst);
    if (tolerance >= 0.0)
        printf(" (tolerance %.0e)", tolerance);
    printf("\n");

    if (failed_runs) {
        printf("FAIL: cnn_run returned non-zero for %lu images\n", failed_runs);
        status = 1;
    }
    if (tolerance >= 0.0 && !(worst <= tolerance)) {
        printf("FAIL: logits differ from PyTorch's by more than %g\n", tolerance);
        status = 1;
    }
    if (min_agree >= 0.0 &&
        !(100.0 * (double)(ref ? agree_ref : agree_torch) / (double)t.n >= min_agree)) {
        printf("FAIL: top-1 agreement below %g%%\n", min_agree);
        status = 1;
    }
    if (save) {
        FILE *f = fopen(save, "wb");
        int ok = f != NULL;
        for (i = 0; ok && i < t.n * t.classes; i++) {
            uint32_t u;
            unsigned char b[4];
            memcpy(&u, &out[i], 4);
            b[0] = (unsigned char)(u & 0xff);
            b[1] = (unsigned char)(u >> 8 & 0xff);
            b[2] = (unsigned char)(u >> 16 & 0xff);
            b[3] = (unsigned char)(u >> 24 & 0xff);
            ok = fwrite(b, 1, 4, f) == 4;
        }
        if (f && fclose(f) != 0)
            ok = 0;
        if (!ok) {
            fprintf(stderr, "cnn: cannot write %s\n", save);
            status = 2;
        }
    }
    if (status == 0)
        printf("OK\n");
    free(out);
    free(ref);
    free(t.logits);
    free(t.file);
    return status;
}
