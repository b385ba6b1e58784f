/* string.c - the string family: StringNormalizer, and the kernels of string
 * tensors (Cast and CastLike to and from string lower in elementwise.c).
 *
 * How string tensors are stored is described at ec_value.str_max (ir.h) and
 * in runtime-min/include/ec_string.h. */
#include <string.h>
#include "ir.h"
#include "ec_string.h"

/* ---- StringNormalizer ---------------------------------------------------- */

/* case_change_action -> the kernel's code (0 none, 1 lower, 2 upper) */
static int case_action(ec_graph *g, int node)
{
    const char *a = ec_attr_string(&g->nodes.a[node], "case_change_action", "NONE");
    if (!strcmp(a, "NONE")) return 0;
    if (!strcmp(a, "LOWER")) return 1;
    if (!strcmp(a, "UPPER")) return 2;
    ec_fail_node(g, node, "case_change_action '%s' is not one of LOWER, UPPER, NONE", a);
}

static int stopwords(ec_graph *g, int node, char ***out)
{
    const ec_attr *a = ec_attr_find(&g->nodes.a[node], "stopwords");
    if (!a) {
        *out = NULL;
        return 0;
    }
    if (a->type != EC_ATTR_STRINGS) ec_fail_node(g, node, "attribute 'stopwords' must be a list of strings");
    *out = a->strings;
    return a->n;
}

static void infer_strnorm(ec_graph *g, int node)
{
    ec_value *x = ec_in(g, node, 0);
    const ec_node *n = &g->nodes.a[node];
    const char *loc = ec_attr_string(n, "locale", "");
    char **stop;
    int nstop = stopwords(g, node, &stop), r;
    ec_shape s;
    if (x->dtype != EC_DT_STRING)
        ec_fail_node(g, node, "input 0 '%s' is %s; StringNormalizer reads strings", x->name, ec_dtype_name(x->dtype));
    if (!(x->shape.rank == 1 || (x->shape.rank == 2 && x->shape.dim[0] == 1))) {
        char b[128];
        ec_fail_node(g, node, "input 0 '%s' has shape %s; StringNormalizer takes [C] or [1,C]", x->name,
                     ec_shape_str(&x->shape, b, sizeof b));
    }
    if (x->str_max < 0) ec_fail_node(g, node, "input 0 '%s': the length of its strings is not known", x->name);
    if (loc[0] && strcmp(loc, "en_US") && strcmp(loc, "en_US.UTF-8") && strcmp(loc, "C"))
        ec_fail_node(g, node, "locale '%s' is not supported (en_US: ASCII and Latin-1 case folding)", loc);
    (void)case_action(g, node);
    r = x->shape.rank;
    s = x->shape;
    if (s.dim[r - 1] == 0) s.dim[r - 1] = 1;   /* nothing kept: one empty string */
    /* stopwords make the count of kept strings depend on the data: s is its
     * upper bound, the kernel reports the actual count */
    if (nstop > 0) ec_set_out_data_dep(g, node, 0, EC_DT_STRING, &s, r - 1);
    else ec_set_out(g, node, 0, EC_DT_STRING, &s);
    ec_out(g, node, 0)->str_max = x->str_max;
}

static void lower_strnorm(ec_graph *g, int node, ec_lowering *L)
{
    int y = ec_out_id(g, node, 0), x = ec_in_id(g, node, 0);
    const ec_value *xv = &g->values.a[x];
    char **stop;
    int nstop = stopwords(g, node, &stop);
    ec_call *c = ec_emit(L, "ec_strnorm");
    ec_arg_out(c, "y", y);
    ec_arg_pool(c, "pool", g, y);
    ec_arg_extent(c, "kept", nstop > 0 ? y : -1);
    ec_arg_in(c, "x", x);
    ec_arg_int(c, "n", ec_shape_numel(&xv->shape));
    ec_arg_int(c, "stride", xv->str_max + 1);
    ec_arg_int(c, "case_action", case_action(g, node));
    ec_arg_int(c, "case_sensitive", ec_attr_int(&g->nodes.a[node], "is_case_sensitive", 0) != 0);
    ec_arg_int(c, "nstop", nstop);
    ec_arg_strs(c, "stopwords", stop, nstop);
}

/* ---- kernel table ---------------------------------------------------------- */

static void th_cast_f32_str(const ec_karg *a) { ec_cast_f32_str(a[0].p, a[1].p, a[2].p, a[3].i); }
static void th_cast_str_f32(const ec_karg *a) { ec_cast_str_f32(a[0].p, a[1].p, a[2].i); }
static void th_strnorm(const ec_karg *a)
{
    ec_strnorm(a[0].p, a[1].p, a[2].p, a[3].p, a[4].i, a[5].i, a[6].i, a[7].i, a[8].i, a[9].sp);
}

const ec_opdef ec_ops_string[] = {
    { EC_OP("StringNormalizer", "", 1, 1, 1, 1, EC_OPF_STRINGS, infer_strnorm, lower_strnorm) },
    { 0 }
};

const ec_kernel ec_kernels_string[] = {
    { "ec_cast_f32_str", "pppi", th_cast_f32_str, "ec_string.h" },
    { "ec_cast_str_f32", "ppi", th_cast_str_f32, "ec_string.h" },
    { "ec_strnorm", "ppppiiiiiS", th_strnorm, "ec_string.h" },
    { 0 }
};
