/* report.c - --report (a table on stdout) and --report-json (the same as JSON).
 *
 * Per step: index, op, node name, output shapes, MACs, weight bytes read, and
 * the arena placement of the outputs. MACs are counted for Conv,
 * ConvTranspose, Gemm and MatMul from shapes; every other op counts 0.
 * Totals: weights (flash), arena (RAM), the lower bound (the largest sum of
 * buffers live at one step) and the arena / lower bound ratio.
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

static double ratio(const ec_program *p)
{
    if (p->lower_bound <= 0) return p->arena_bytes > 0 ? 0.0 : 1.0;
    return (double)p->arena_bytes / (double)p->lower_bound;
}

void ec_report_print(const ec_program *p, const ec_target *t, const ec_options *o)
{
    const ec_graph *g = p->g;
    int64_t macs = 0, wread = 0;
    int s, k;
    printf("edgec %s report: model '%s', target '%s'\n", EDGEC_VERSION,
           o && o->model ? o->model : (g->name ? g->name : "?"), t && t->name ? t->name : "generic");
    printf("MACs are counted for Conv, ConvTranspose, Gemm and MatMul; other ops count 0.\n\n");
    printf("%5s  %-18s %-24s %14s %12s  %s\n", "step", "op", "node", "MACs", "weight B", "outputs (placement)");
    for (s = 0; s < p->steps.n; s++) {
        const ec_node *n = &g->nodes.a[p->steps.a[s].node];
        int64_t m = ec_cg_step_macs(p, s), w = ec_cg_step_weight_bytes(p, s);
        int shown = 0;
        macs += m;
        wread += w;
        printf("%5d  %-18s %-24s %14lld %12lld  ", s, n->op, n->name && n->name[0] ? n->name : "-",
               (long long)m, (long long)w);
        for (k = 0; k < n->nout; k++) {
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
    printf("  steps              %d\n", p->steps.n);
    printf("  MACs               %lld\n", (long long)macs);
    printf("  weights (flash)    %lld bytes\n", (long long)ec_cg_weights_bytes(p));
    printf("  arena (RAM)        %lld bytes\n", (long long)p->arena_bytes);
    printf("  lower bound        %lld bytes\n", (long long)p->lower_bound);
    printf("  arena/lower bound  %.3f\n", ratio(p));
    if (t && t->ram_bytes > 0) printf("  target RAM         %lld bytes\n", (long long)t->ram_bytes);
    if (t && t->flash_bytes > 0) printf("  target flash       %lld bytes\n", (long long)t->flash_bytes);
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
    ec_buf_printf(&b, "{\n  \"edgec\": ");
    json_str(&b, EDGEC_VERSION);
    ec_buf_printf(&b, ",\n  \"model\": ");
    json_str(&b, o && o->model ? o->model : (g->name ? g->name : ""));
    ec_buf_printf(&b, ",\n  \"target\": ");
    json_str(&b, t && t->name ? t->name : "generic");
    ec_buf_printf(&b, ",\n  \"macs_counted_for\": [\"Conv\", \"ConvTranspose\", \"Gemm\", \"MatMul\"],\n  \"steps\": [");
    for (s = 0; s < p->steps.n; s++) {
        const ec_node *n = &g->nodes.a[p->steps.a[s].node];
        int64_t m = ec_cg_step_macs(p, s);
        int shown = 0;
        macs += m;
        ec_buf_printf(&b, "%s\n    {\"step\": %d, \"node\": %d, \"op\": ", s ? "," : "", s, n->index);
        json_str(&b, n->op);
        ec_buf_printf(&b, ", \"name\": ");
        json_str(&b, n->name);
        ec_buf_printf(&b, ", \"macs\": %lld, \"weight_bytes\": %lld, \"view\": %s, \"in_place\": %s, \"outputs\": [",
                      (long long)m, (long long)ec_cg_step_weight_bytes(p, s),
                      ec_cg_step_is_view(p, s) ? "true" : "false", ec_cg_step_is_inplace(p, s) ? "true" : "false");
        for (k = 0; k < n->nout; k++) {
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
                      "\"target_ram_bytes\": %lld, \"target_flash_bytes\": %lld}\n}\n",
                  p->steps.n, (long long)macs, (long long)ec_cg_weights_bytes(p), (long long)p->arena_bytes,
                  (long long)p->lower_bound, ratio(p), (long long)(t ? t->ram_bytes : 0),
                  (long long)(t ? t->flash_bytes : 0));
    return b.s;
}
