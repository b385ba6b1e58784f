/* report.c - --report (a table on stdout) and --report-json (the same as JSON).
 *
 * Per step: index, op, node name, output shapes, MACs, weight bytes read, and
 * the arena placement of the outputs. MACs are counted from shapes by the
 * macs hook of an op's ec_opdef row (Conv, ConvTranspose, Gemm, MatMul and
 * their integer forms, Einsum); every other op counts 0.
 * Totals: weights (flash), arena (RAM), the lower bound (the largest sum of
 * buffers live at one step) and the arena / lower bound ratio.
 * With --quantize w8/w4: one line per constant weight tensor of a MatMul,
 * Gemm or Gather (quantized, or left float and why), the weight bytes of
 * the program before and after, and bits per weight, all from the bytes
 * the generated code holds (scales and padding included).
 */
#include <stdio.h>
#include <string.h>
#include "codegen.h"

/* Where an output lives: "arena" (offset >= 0), "output", "view of input", ... */
static const char *placement(const ec_graph *g, int v, int64_t *off)
{
    const ec_value *x = &g->values.a[v];
    int r = ec_cg_root(g, v);
    *off = -1;
    if (x->is_output) return "output";
    if (x->data) return "constant";
    if (g->values.a[r].is_input) return "input";
    if (g->values.a[r].is_output) return "output";
    if (g->values.a[r].data) return "constant";
    *off = g->values.a[r].offset;
    return "arena";
}

/* Weight-quantization figures, from the constants the generated code holds. */
typedef struct wq_sum {
    int64_t after;                  /* bytes of every emitted constant */
    int64_t before;                 /* the same without quantization */
    int64_t qweights, qbytes;       /* quantized tensors: float weights, packed bytes */
} wq_sum;

static bool first_use(const ec_wq_info *wq, int i, bool blob)
{
    int j;
    for (j = 0; j < i; j++)
        if (blob ? wq->t.a[j].blob == wq->t.a[i].blob : wq->t.a[j].source == wq->t.a[i].source) return false;
    return true;
}

static wq_sum wq_figures(const ec_program *p)
{
    const ec_graph *g = p->g;
    const ec_wq_info *wq = p->wq;
    bool *used = ec_alloc(sizeof(bool) * (size_t)(g->values.n + 1));
    wq_sum r;
    int i;
    memset(&r, 0, sizeof r);
    ec_cg_used_consts(p, used);
    r.after = r.before = ec_cg_weights_bytes(p);
    for (i = 0; i < wq->t.n; i++) {
        const ec_wq_tensor *t = &wq->t.a[i];
        if (t->blob < 0) continue;
        if (first_use(wq, i, true)) {
            int64_t nb = ec_cg_value_bytes(g, t->blob);
            r.before -= nb;
            if (t->bits >= 4) {         /* weights in blocks; not the bool constants stored as bits */
                r.qbytes += nb;
                r.qweights += t->rows * t->cols;
            }
        }
        /* the float source is gone from the program unless something else reads it */
        if (first_use(wq, i, false) && !used[t->source]) r.before += ec_cg_value_bytes(g, t->source);
    }
    ec_free(used);
    return r;
}

static double bits_per_weight(int64_t bytes, int64_t weights)
{
    return weights > 0 ? 8.0 * (double)bytes / (double)weights : 0.0;
}

static void wq_print(const ec_program *p)
{
    const ec_graph *g = p->g;
    const ec_wq_info *wq = p->wq;
    wq_sum r = wq_figures(p);
    int i;
    printf("\nweight-only quantization: w%d, %d weights per block along the reduction axis, one float16 scale\n"
           "per block, int%d symmetric; a row whose length is not a multiple of the block has its last block\n"
           "padded with zeros; tensors of fewer than %d weights stay float. Constants that only elementwise\n"
           "ops read are expanded into the arena on every run: float ones of at least %d weights from int8\n"
           "blocks along their last axis (w8), bool ones of at least %d elements from bits (bits).\n",
           wq->bits, wq->block, wq->bits, EC_WQ_MIN_WEIGHTS, EC_WQ_MIN_EXPAND, EC_WQ_MIN_WEIGHTS);
    printf("  %-28s %-14s %-22s %12s %12s %9s  %s\n", "tensor", "R x K", "node", "bytes float", "bytes now",
           "bits/w", "");
    for (i = 0; i < wq->t.n; i++) {
        const ec_wq_tensor *t = &wq->t.a[i];
        const ec_node *n = &g->nodes.a[t->node];
        char rk[48];
        int64_t fb = ec_cg_value_bytes(g, t->source), qb = t->blob >= 0 ? ec_cg_value_bytes(g, t->blob) : fb;
        snprintf(rk, sizeof rk, "%lldx%lld", (long long)t->rows, (long long)t->cols);
        printf("  %-28s %-14s %-22s %12lld %12lld %9.3f  ", g->values.a[t->source].name, rk,
               n->name && n->name[0] ? n->name : "-", (long long)fb, (long long)qb,
               bits_per_weight(qb, t->rows * t->cols));
        if (t->blob < 0) {
            printf("left float: %s\n", t->why);
        } else {
            int64_t pad = t->bits == 1 ? 0 : (t->cols + wq->block - 1) / wq->block * wq->block - t->cols;
            if (t->bits == 1) printf("bits");
            else printf("w%d", t->bits);
            if (pad) printf(", last block of each row padded with %lld zeros", (long long)pad);
            if (!first_use(wq, i, true)) printf(", shares the blocks above");
            printf("\n");
        }
    }
    printf("  quantized tensors  %lld weights in %lld bytes: %.3f bits per weight (scales and padding included)\n",
           (long long)r.qweights, (long long)r.qbytes, bits_per_weight(r.qbytes, r.qweights));
    printf("  weights (flash)    %lld bytes before, %lld bytes after (%.4fx)\n", (long long)r.before,
           (long long)r.after, r.before > 0 ? (double)r.after / (double)r.before : 0.0);
}

static double ratio(const ec_program *p)
{
    if (p->lower_bound <= 0) return p->arena_bytes > 0 ? 0.0 : 1.0;
    return (double)p->arena_bytes / (double)p->lower_bound;
}

/* The op column: the op, and for control flow which part of it. */
static char *step_op(const ec_program *p, int s)
{
    static const char *const part[] = { "", " (if)", " (else)", " (for)", " (iteration)", " (end)", " (after)" };
    const ec_step *st = &p->steps.a[s];
    const char *op = p->g->nodes.a[st->node].op;
    if (st->kind == EC_STEP_END && p->steps.a[st->open].kind == EC_STEP_IF) return ec_fmt("%s (end if)", op);
    return ec_fmt("%*s%s%s", 2 * st->depth, "", op, part[st->kind]);
}

/* Outputs are listed once per node: at its NODE, IF or LOOP step. */
static bool shows_outputs(const ec_program *p, int s)
{
    ec_stepkind k = p->steps.a[s].kind;
    return k == EC_STEP_NODE || k == EC_STEP_IF || k == EC_STEP_LOOP;
}

/* The ops MACs are counted for, after the first: the ones every report names,
 * BlockQuantGemm with --quantize w8/w4, then every other op with a macs hook
 * that the program runs (QLinearConv, ConvInteger, MatMulInteger, Einsum), in
 * step order; quoted for JSON. */
static char *macs_ops(const ec_program *p, bool json)
{
    static const char *const named[] = { "ConvTranspose", "Gemm", "MatMul", "QConv", "QFC", "BlockQuantGemm" };
    EC_VEC(const char *) ops = { 0 };
    ec_buf b = { 0 };
    int s, k;
    size_t i;
    for (i = 0; i < sizeof named / sizeof named[0]; i++)
        if (i + 1 < sizeof named / sizeof named[0] || p->wq) EC_PUSH(ops, named[i]);
    for (s = 0; s < p->steps.n; s++) {
        const ec_node *n = &p->g->nodes.a[p->steps.a[s].node];
        const ec_opdef *d = ec_op_find(n->op, n->domain);
        if (!d || !d->macs || !strcmp(n->op, "Conv") || !strcmp(n->op, "BlockQuantGemm")) continue;
        for (k = 0; k < ops.n && strcmp(ops.a[k], n->op); k++) {}
        if (k == ops.n) EC_PUSH(ops, n->op);
    }
    ec_buf_printf(&b, "%s", "");
    for (k = 0; k < ops.n; k++) ec_buf_printf(&b, json ? ", \"%s\"" : ", %s", ops.a[k]);
    ec_free(ops.a);
    return b.s;
}

void ec_report_print(const ec_program *p, const ec_target *t, const ec_options *o)
{
    const ec_graph *g = p->g;
    int64_t macs = 0, wread = 0;
    int s, k, i;
    char *mops;
    printf("edgec %s report: model '%s', target '%s'\n", EDGEC_VERSION,
           o && o->model ? o->model : (g->name ? g->name : "?"), t && t->name ? t->name : "generic");
    mops = macs_ops(p, false);
    printf("MACs are counted for Conv%s; other ops count 0.\n\n", mops);
    ec_free(mops);
    printf("%5s  %-18s %-24s %14s %12s  %s\n", "step", "op", "node", "MACs", "weight B", "outputs (placement)");
    for (s = 0; s < p->steps.n; s++) {
        const ec_node *n = &g->nodes.a[p->steps.a[s].node];
        int64_t m = ec_cg_step_macs(p, s), w = ec_cg_step_weight_bytes(p, s);
        int shown = 0, nin, nout;
        char *op = step_op(p, s);
        ec_cg_node_io(g, n, &nin, &nout);
        if (!shows_outputs(p, s)) nout = 0;
        macs += m;
        wread += w;
        printf("%5d  %-18s %-24s %14lld %12lld  ", s, op, n->name && n->name[0] ? n->name : "-",
               (long long)m, (long long)w);
        ec_free(op);
        for (k = 0; k < nout; k++) {
            int v = n->out[k];
            char sh[256];
            int64_t off;
            const char *where;
            if (v < 0) continue;
            where = placement(g, v, &off);
            printf("%s%s %s%s ", shown++ ? "; " : "", g->values.a[v].name, ec_dtype_name(g->values.a[v].dtype),
                   ec_shape_str(&g->values.a[v].shape, sh, sizeof sh));
            if (off >= 0)
                printf("@%lld+%lld", (long long)off, (long long)ec_cg_value_bytes(g, v));
            else
                printf("(%s)", where);
        }
        if (ec_cg_step_is_view(p, s)) printf(" [view, no code]");
        else if (ec_cg_step_is_inplace(p, s)) printf(" [in place]");
        printf("\n");
    }
    printf("\ntotals:\n");
    for (i = 0; i < p->rtdims.n; i++)
        printf("  run-time dim       %s = %lld..%lld (figures at %lld)\n", p->rtdims.a[i].name,
               (long long)p->rtdims.a[i].min, (long long)p->rtdims.a[i].max, (long long)p->rtdims.a[i].max);
    printf("  steps              %d\n", p->steps.n);
    printf("  MACs               %lld\n", (long long)macs);
    printf("  weights (flash)    %lld bytes\n", (long long)ec_cg_weights_bytes(p));
    printf("  arena (RAM)        %lld bytes\n", (long long)p->arena_bytes);
    printf("  lower bound        %lld bytes\n", (long long)p->lower_bound);
    printf("  arena/lower bound  %.3f\n", ratio(p));
    if (t && t->ram_bytes > 0) printf("  target RAM         %lld bytes\n", (long long)t->ram_bytes);
    if (t && t->flash_bytes > 0) printf("  target flash       %lld bytes\n", (long long)t->flash_bytes);
    if (p->wq) wq_print(p);
    if (p->quant) ec_qreport_print(p->quant);
    fflush(stdout);
}

static void json_str(ec_buf *b, const char *s)
{
    ec_buf_put(b, "\"", 1);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') ec_buf_printf(b, "\\%c", c);
        else if (c < 0x20) ec_buf_printf(b, "\\u%04x", c);
        else ec_buf_put(b, (const char *)&c, 1);
    }
    ec_buf_put(b, "\"", 1);
}

char *ec_report_json(const ec_program *p, const ec_target *t, const ec_options *o)
{
    const ec_graph *g = p->g;
    ec_buf b = { 0 };
    int64_t macs = 0;
    int s, k, d;
    char *ops;
    ec_buf_printf(&b, "{\n  \"edgec\": ");
    json_str(&b, EDGEC_VERSION);
    ec_buf_printf(&b, ",\n  \"model\": ");
    json_str(&b, o && o->model ? o->model : (g->name ? g->name : ""));
    ec_buf_printf(&b, ",\n  \"target\": ");
    json_str(&b, t && t->name ? t->name : "generic");
    ops = macs_ops(p, true);
    ec_buf_printf(&b, ",\n  \"macs_counted_for\": [\"Conv\"%s],\n  \"steps\": [", ops);
    ec_free(ops);
    for (s = 0; s < p->steps.n; s++) {
        const ec_node *n = &g->nodes.a[p->steps.a[s].node];
        int64_t m = ec_cg_step_macs(p, s);
        int shown = 0, nin, nout;
        static const char *const kinds[] = { "node", "if", "else", "loop", "iteration", "end", "after" };
        ec_cg_node_io(g, n, &nin, &nout);
        if (!shows_outputs(p, s)) nout = 0;
        macs += m;
        ec_buf_printf(&b, "%s\n    {\"step\": %d, \"node\": %d, \"kind\": \"%s\", \"depth\": %d, \"op\": ",
                      s ? "," : "", s, n->index, kinds[p->steps.a[s].kind], p->steps.a[s].depth);
        json_str(&b, n->op);
        ec_buf_printf(&b, ", \"name\": ");
        json_str(&b, n->name);
        ec_buf_printf(&b, ", \"macs\": %lld, \"weight_bytes\": %lld, \"view\": %s, \"in_place\": %s, \"outputs\": [",
                      (long long)m, (long long)ec_cg_step_weight_bytes(p, s),
                      ec_cg_step_is_view(p, s) ? "true" : "false", ec_cg_step_is_inplace(p, s) ? "true" : "false");
        for (k = 0; k < nout; k++) {
            int v = n->out[k];
            const ec_value *x;
            int64_t off;
            const char *where;
            if (v < 0) continue;
            x = &g->values.a[v];
            where = placement(g, v, &off);
            ec_buf_printf(&b, "%s{\"name\": ", shown++ ? ", " : "");
            json_str(&b, x->name);
            ec_buf_printf(&b, ", \"dtype\": ");
            json_str(&b, ec_dtype_name(x->dtype));
            ec_buf_printf(&b, ", \"shape\": [");
            for (d = 0; d < x->shape.rank; d++) ec_buf_printf(&b, "%s%lld", d ? ", " : "", (long long)x->shape.dim[d]);
            ec_buf_printf(&b, "], \"bytes\": %lld, \"placement\": \"%s\", \"offset\": %lld}",
                          (long long)ec_cg_value_bytes(g, v), where, (long long)off);
        }
        ec_buf_printf(&b, "]}");
    }
    ec_buf_printf(&b, "\n  ],\n  \"totals\": {\"steps\": %d, \"macs\": %lld, \"weights_bytes\": %lld, "
                      "\"arena_bytes\": %lld, \"lower_bound\": %lld, \"ratio\": %.6f, "
                      "\"target_ram_bytes\": %lld, \"target_flash_bytes\": %lld}",
                  p->steps.n, (long long)macs, (long long)ec_cg_weights_bytes(p), (long long)p->arena_bytes,
                  (long long)p->lower_bound, ratio(p), (long long)(t ? t->ram_bytes : 0),
                  (long long)(t ? t->flash_bytes : 0));
    if (p->quant) {
        ec_buf_printf(&b, ",\n  \"quantization\": ");
        ec_qreport_json(&b, p->quant);
    }
    if (p->wq) {
        const ec_wq_info *wq = p->wq;
        wq_sum r = wq_figures(p);
        ec_buf_printf(&b, ",\n  \"weight_quantization\": {\"mode\": \"w%d\", \"block\": %d, \"scale\": \"float16\", "
                          "\"min_weights\": %d, \"weights_bytes_before\": %lld, \"weights_bytes_after\": %lld, "
                          "\"quantized_weights\": %lld, \"quantized_bytes\": %lld, \"bits_per_weight\": %.6f, \"tensors\": [",
                      wq->bits, wq->block, EC_WQ_MIN_WEIGHTS, (long long)r.before, (long long)r.after,
                      (long long)r.qweights, (long long)r.qbytes, bits_per_weight(r.qbytes, r.qweights));
        for (k = 0; k < wq->t.n; k++) {
            const ec_wq_tensor *q = &wq->t.a[k];
            int64_t fb = ec_cg_value_bytes(g, q->source), qb = q->blob >= 0 ? ec_cg_value_bytes(g, q->blob) : fb;
            ec_buf_printf(&b, "%s\n    {\"tensor\": ", k ? "," : "");
            json_str(&b, g->values.a[q->source].name);
            ec_buf_printf(&b, ", \"node\": ");
            json_str(&b, g->nodes.a[q->node].name);
            ec_buf_printf(&b, ", \"format\": \"%s\"", q->blob < 0 ? "float" : q->bits == 1 ? "bits" : q->bits == 8 ? "w8" : "w4");
            ec_buf_printf(&b, ", \"rows\": %lld, \"cols\": %lld, \"quantized\": %s, \"bytes_float\": %lld, "
                              "\"bytes\": %lld, \"bits_per_weight\": %.6f, \"padding\": %lld, \"why_float\": ",
                          (long long)q->rows, (long long)q->cols, q->blob >= 0 ? "true" : "false", (long long)fb,
                          (long long)qb, bits_per_weight(qb, q->rows * q->cols),
                          (long long)(q->blob >= 0 && q->bits != 1
                                          ? (q->cols + wq->block - 1) / wq->block * wq->block - q->cols : 0));
            if (q->why) json_str(&b, q->why);
            else ec_buf_printf(&b, "null");
            ec_buf_printf(&b, "}");
        }
        ec_buf_printf(&b, "\n  ]}");
    }
    ec_buf_printf(&b, "\n}\n");
    return b.s;
}
