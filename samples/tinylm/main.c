/* main.c - run the C that edgec generated for samples/tinylm, a character-level GPT.
 *
 *   tinylm DIR generate N       greedy text from the prompt of DIR/ref/decode.txt, N characters,
 *                               one decode step (tinylm_step.onnx) per character, KV cache
 *   tinylm DIR sample N         the same, each character drawn from the softmax of the logits
 *                               (temperature 1) with a fixed-seed generator (xorshift32)
 *   tinylm DIR generate-full N  the same with the full-sequence model (tinylm.onnx), the whole
 *                               window recomputed per character (no cache)
 *   tinylm DIR ppl TOL          perplexity of DIR/heldout.txt with the full model, next to
 *                               PyTorch's (DIR/ref/ppl.txt); fails if the relative difference > TOL
 *   tinylm DIR check-full TOL   the full model's logits on the first window of heldout.txt
 *                               against PyTorch's (DIR/ref/full_logits.txt): max abs difference
 *   tinylm DIR check-decode TOL [MIN_AGREE]
 *                               the decode steps of DIR/ref/decode.txt (the prompt, then 64
 *                               greedy steps), fed PyTorch's tokens, against PyTorch's logits:
 *                               max abs difference, and the greedy token equal to PyTorch's at
 *                               a fraction MIN_AGREE of the steps at least (default 1: all)
 *
 * DIR is samples/tinylm (vocabulary, held-out text, references). Exits 0 on success, 1 when a
 * check fails or the generated code returns non-zero, 2 on bad usage or unreadable files.
 *
 * Without TINYLM_STEP (the decode step not compiled in), generate and check-decode are absent.
 * The decode step's past length is a run-time argument of step_run (edgec --dim past=0..127).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinylm.h"
#ifdef TINYLM_STEP
#include "step.h"
#if STEP_PAST_MIN != 0
#error "the decode step must take every past length from 0 (edgec --dim past=0..127)"
#endif
#endif

#define CTX 128         /* context length: tokens [1,CTX] */
#define VOCAB_MAX 256
#define N_LAYER 4
#define N_HEAD 4
#define HEAD_DIM 32
#define CACHE_FLOATS (N_LAYER * N_HEAD * CTX * HEAD_DIM)
#define HELD_MAX 65536
#define DECODE_MAX CTX

/* The arena: the largest of the models' arenas, 64-byte aligned (C99 has no _Alignas, so
 * over-allocate by 64 bytes and round the start up). */
#define MAX_(a, b) ((a) > (b) ? (a) : (b))
#if defined TINYLM_STEP
#define ARENA_BYTES MAX_(TINYLM_ARENA_BYTES, STEP_ARENA_BYTES)
#else
#define ARENA_BYTES TINYLM_ARENA_BYTES
#endif
static unsigned char arena_raw[ARENA_BYTES + 64];

static void *aligned_arena(void)
{
    uintptr_t addr = (uintptr_t)(void *)arena_raw;
    return arena_raw + (64 - addr % 64) % 64;
}

static char vocab[VOCAB_MAX];
static int n_vocab;
static float logits_full[CTX * VOCAB_MAX];

static int read_file(const char *dir, const char *name, char *buf, long max, long *n)
{
    char path[1024];
    FILE *f;
    sprintf(path, "%.900s/%s", dir, name);
    f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "tinylm: cannot open %s\n", path);
        return -1;
    }
    *n = (long)fread(buf, 1, (size_t)max, f);
    fclose(f);
    if (*n >= max) {
        fprintf(stderr, "tinylm: %s is larger than %ld bytes\n", path, max - 1);
        return -1;
    }
    return 0;
}

static FILE *open_in(const char *dir, const char *name)
{
    char path[1024];
    FILE *f;
    sprintf(path, "%.900s/%s", dir, name);
    f = fopen(path, "r");
    if (!f)
        fprintf(stderr, "tinylm: cannot open %s\n", path);
    return f;
}

static int token_of(char c)
{
    int i;
    for (i = 0; i < n_vocab; i++)
        if (vocab[i] == c)
            return i;
    return -1;
}

static int argmax(const float *v, int n)
{
    int i, best = 0;
    for (i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

/* -log softmax(v)[k], in double */
static double nll(const float *v, int n, int k)
{
    double m = v[argmax(v, n)], s = 0.0;
    int i;
    for (i = 0; i < n; i++)
        s += exp((double)v[i] - m);
    return m + log(s) - (double)v[k];
}

static void put_char(char c)
{
    if (c == '\f')
        c = '\n';
    putchar(c);
}

/* Runs the full-sequence model on the first n of toks, padded with token 0 to CTX (the causal
 * mask keeps the padding out of positions < n); logits into logits_full. */
static int full_run(const int64_t *toks, int n)
{
    int64_t window[CTX];
    int i;
    for (i = 0; i < CTX; i++)
        window[i] = i < n ? toks[i] : 0;
    return tinylm_run(aligned_arena(), window, logits_full);
}

/* The decode reference: prompt tokens, then per step: position, input token, PyTorch's
 * greedy next token, logits. */
static int ref_prompt[DECODE_MAX], ref_nprompt;
static int ref_in[DECODE_MAX], ref_next[DECODE_MAX], ref_nsteps;
static float ref_logits[DECODE_MAX][VOCAB_MAX];

static int read_decode_ref(const char *dir)
{
    FILE *f = open_in(dir, "ref/decode.txt");
    char line[256];
    int i, j, pos;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f) && line[0] == '#') /* header comments */
        ;
    /* line holds the start of the prompt line: its length, then the tokens */
    {
        char *p = line, *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > DECODE_MAX)
            goto bad;
        ref_nprompt = (int)v;
        for (i = 0; i < ref_nprompt; i++) {
            p = end;
            v = strtol(p, &end, 10);
            if (end == p || v < 0 || v >= n_vocab)
                goto bad;
            ref_prompt[i] = (int)v;
        }
    }
    for (i = 0; i < DECODE_MAX; i++) {
        int r = fscanf(f, "%d %d %d", &pos, &ref_in[i], &ref_next[i]);
        if (r == EOF)
            break;
        if (r != 3 || pos != i || ref_in[i] < 0 || ref_in[i] >= n_vocab || ref_next[i] < 0
            || ref_next[i] >= n_vocab)
            goto bad;
        for (j = 0; j < n_vocab; j++)
            if (fscanf(f, "%f", &ref_logits[i][j]) != 1)
                goto bad;
    }
    ref_nsteps = i;
    fclose(f);
    return 0;
bad:
    fprintf(stderr, "tinylm: %s/ref/decode.txt: bad format\n", dir);
    fclose(f);
    return -1;
}

static int cmd_generate_full(int n)
{
    int64_t toks[CTX];
    int i, len = ref_nprompt;
    for (i = 0; i < len; i++) {
        toks[i] = ref_prompt[i];
        put_char(vocab[ref_prompt[i]]);
    }
    for (i = 0; i < n && len < CTX; i++) {
        int next;
        if (full_run(toks, len) != 0) {
            fprintf(stderr, "tinylm: tinylm_run failed\n");
            return 1;
        }
        next = argmax(logits_full + (len - 1) * n_vocab, n_vocab);
        toks[len++] = next;
        put_char(vocab[next]);
        fflush(stdout);
    }
    putchar('\n');
    return 0;
}

#ifdef TINYLM_STEP
/* The KV cache: two buffers per tensor, past and present, swapped after every step. The layout
 * is the models': [N_LAYER,1,N_HEAD,past,HEAD_DIM], past growing by one per step. */
static float cache_k[2][CACHE_FLOATS], cache_v[2][CACHE_FLOATS];

/* One decode step at position pos (= past length): logits of the next token. */
static int step(int token, int pos, float *logits)
{
    int64_t t = token, p = pos;
    int cur = pos % 2;
    return step_run(aligned_arena(), &t, &p, cache_k[cur], cache_v[cur], logits,
                    cache_k[1 - cur], cache_v[1 - cur], (int64_t)pos);
}

/* A token drawn from softmax(v) with the fixed-seed xorshift32 generator *state. */
static int sample(const float *v, int n, uint32_t *state)
{
    double m = v[argmax(v, n)], s = 0.0, u;
    int i;
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    for (i = 0; i < n; i++)
        s += exp((double)v[i] - m);
    u = (double)*state / 4294967296.0 * s;
    for (i = 0; i < n - 1; i++) {
        u -= exp((double)v[i] - m);
        if (u < 0.0)
            break;
    }
    return i;
}

/* Greedy (sampling == 0) or sampled text from the reference prompt. */
static int cmd_generate(int n, int sampling)
{
    float logits[VOCAB_MAX];
    uint32_t rng = 2463534242u;
    int pos, tok = ref_prompt[0];
    put_char(vocab[tok]);
    for (pos = 0; pos < CTX && pos < ref_nprompt - 1 + n; pos++) {
        if (step(tok, pos, logits) != 0) {
            fprintf(stderr, "tinylm: step_run failed at position %d\n", pos);
            return 1;
        }
        if (pos + 1 < ref_nprompt)
            tok = ref_prompt[pos + 1];
        else
            tok = sampling ? sample(logits, n_vocab, &rng) : argmax(logits, n_vocab);
        put_char(vocab[tok]);
        fflush(stdout);
    }
    putchar('\n');
    return 0;
}

static int cmd_check_decode(double tol, double min_agree)
{
    float logits[VOCAB_MAX];
    double worst = 0.0;
    int i, j, agree = 0, worst_step = 0;
    for (i = 0; i < ref_nsteps; i++) {
        double d = 0.0;
        if (step(ref_in[i], i, logits) != 0) {
            fprintf(stderr, "tinylm: step_run failed at position %d\n", i);
            return 1;
        }
        for (j = 0; j < n_vocab; j++) {
            double e = fabs((double)logits[j] - (double)ref_logits[i][j]);
            if (e > d || e != e)
                d = e;
        }
        if (d > worst || d != d) {
            worst = d;
            worst_step = i;
        }
        agree += argmax(logits, n_vocab) == ref_next[i];
    }
    printf("decode: %d steps (prompt %d, then %d greedy), KV cache, past 0..%d\n", ref_nsteps,
           ref_nprompt, ref_nsteps - ref_nprompt + 1, ref_nsteps - 1);
    printf("decode: max abs logit difference from PyTorch %.3g (step %d), tolerance %g\n",
           worst, worst_step, tol);
    printf("decode: greedy token equal to PyTorch's at %d of %d steps (at least %g%% needed)\n", agree,
           ref_nsteps, 100.0 * min_agree);
    return (worst <= tol && agree >= min_agree * ref_nsteps) ? 0 : 1;
}
#endif

static int cmd_check_full(const char *dir, const char *held, double tol)
{
    int64_t toks[CTX];
    FILE *f = open_in(dir, "ref/full_logits.txt");
    double worst = 0.0, d;
    int i, j, t = 0;
    float r;
    if (!f)
        return 2;
    for (i = 0; i < CTX; i++)
        toks[i] = token_of(held[i]);
    if (full_run(toks, CTX) != 0) {
        fprintf(stderr, "tinylm: tinylm_run failed\n");
        fclose(f);
        return 1;
    }
    for (i = 0; i < CTX * n_vocab; i++) {
        if (fscanf(f, "%f", &r) != 1) {
            fprintf(stderr, "tinylm: %s/ref/full_logits.txt: %d numbers, expected %d\n", dir, i,
                    CTX * n_vocab);
            fclose(f);
            return 2;
        }
        d = fabs((double)logits_full[i] - (double)r);
        if (d > worst || d != d) {
            worst = d;
            t = i / n_vocab;
        }
    }
    fclose(f);
    for (i = 0, j = 0; i < CTX; i++)
        j += argmax(logits_full + i * n_vocab, n_vocab) == token_of(held[i + 1]);
    printf("full model: logits [1,%d,%d] on held-out window 0, max abs difference from PyTorch "
           "%.3g (position %d), tolerance %g; next character right at %d of %d positions\n",
           CTX, n_vocab, worst, t, tol, j, CTX);
    return worst <= tol ? 0 : 1;
}

static int cmd_ppl(const char *dir, const char *held, long n_held, double tol)
{
    int64_t toks[CTX];
    FILE *f = open_in(dir, "ref/ppl.txt");
    double ref, sum = 0.0, ppl, rel;
    long w, n_win = (n_held - 1) / CTX;
    int i;
    if (!f)
        return 2;
    if (fscanf(f, "%lf", &ref) != 1) {
        fprintf(stderr, "tinylm: %s/ref/ppl.txt: no number\n", dir);
        fclose(f);
        return 2;
    }
    fclose(f);
    for (w = 0; w < n_win; w++) {
        const char *s = held + w * CTX;
        for (i = 0; i < CTX; i++)
            toks[i] = token_of(s[i]);
        if (full_run(toks, CTX) != 0) {
            fprintf(stderr, "tinylm: tinylm_run failed\n");
            return 1;
        }
        for (i = 0; i < CTX; i++)
            sum += nll(logits_full + i * n_vocab, n_vocab, token_of(s[i + 1]));
    }
    ppl = exp(sum / (double)(n_win * CTX));
    rel = fabs(ppl - ref) / ref;
    printf("held-out perplexity (%ld windows of %d characters): generated C %.6f, PyTorch %.6f, "
           "relative difference %.3g, tolerance %g\n", n_win, CTX, ppl, ref, rel, tol);
    return rel <= tol ? 0 : 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: tinylm DIR (generate N | sample N | generate-full N | ppl TOL"
                    " | check-full TOL | check-decode TOL [MIN_AGREE])\n");
    return 2;
}

static char held[HELD_MAX];

int main(int argc, char **argv)
{
    const char *dir, *cmd;
    long n, n_held;
    double arg;
    int i;

    if (argc != 4 && !(argc == 5 && !strcmp(argv[2], "check-decode")))
        return usage();
    dir = argv[1];
    cmd = argv[2];
    arg = atof(argv[3]);
    if (read_file(dir, "vocab.txt", vocab, VOCAB_MAX, &n) != 0)
        return 2;
    n_vocab = (int)n;
    if (read_file(dir, "heldout.txt", held, HELD_MAX, &n_held) != 0)
        return 2;
    for (i = 0; i < n_held; i++)
        if (token_of(held[i]) < 0) {
            fprintf(stderr, "tinylm: heldout.txt: character %d is not in vocab.txt\n", i);
            return 2;
        }
    if (n_held < CTX + 1)
        return usage();
    if (read_decode_ref(dir) != 0)
        return 2;

    if (!strcmp(cmd, "generate-full"))
        return cmd_generate_full((int)arg);
    if (!strcmp(cmd, "check-full"))
        return cmd_check_full(dir, held, arg);
    if (!strcmp(cmd, "ppl"))
        return cmd_ppl(dir, held, n_held, arg);
#ifdef TINYLM_STEP
    if (!strcmp(cmd, "generate"))
        return cmd_generate((int)arg, 0);
    if (!strcmp(cmd, "sample"))
        return cmd_generate((int)arg, 1);
    if (!strcmp(cmd, "check-decode"))
        return cmd_check_decode(arg, argc == 5 ? atof(argv[4]) : 1.0);
#endif
    return usage();
}
