/* main.c - the edgec driver: options, then the pipeline as straight-line code.
 * Output is generated in memory and written only when everything succeeded. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "edgec.h"
#include "codegen.h"
#include "text_frontend.h"
#include "file.h"
#include "version.h"   /* EDGEC_COMMIT: build/gen/version.h, written by the Makefile */

static const char usage[] =
    "usage: edgec MODEL -o DIR [options]\n"
    "       edgec MODEL --emit-ir [--after PASS]\n"
    "\n"
    "Compile an ONNX model (.onnx, or .onnxtxt in the ONNX text syntax) into\n"
    "standalone C99: DIR/NAME.h, DIR/NAME.c, DIR/NAME_weights.c and the\n"
    "runtime-min kernels it uses.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR         directory to write (created if needed); nothing is\n"
    "                           written if compilation fails\n"
    "  --name NAME              C name prefix: NAME_run, NAME_ARENA_BYTES (default: model)\n"
    "  --target T               target name (targets/T.xml) or an XML file (default: generic)\n"
    "  --bind INPUT=FILE.pb     fix graph input INPUT to the TensorProto in FILE.pb at\n"
    "                           compile time; it leaves NAME_run's signature\n"
    "  --dim DIM=VALUE          give symbolic dimension DIM a fixed value\n"
    "  --dim DIM=MIN..MAX       keep DIM a run-time value from MIN to MAX (..MAX: from\n"
    "                           1): an int64_t argument of NAME_run after the outputs\n"
    "                           (dims in the order the graph inputs first use them);\n"
    "                           the arena is sized for MAX\n"
    "  --seq NAME=N             sequence graph input NAME has N elements, each of its\n"
    "                           declared element shape; it becomes the arguments\n"
    "                           NAME_0 ... NAME_<N-1>\n"
    "  --seq NAME=[d,..],[d,..] the same, with each element's shape given ([] a scalar)\n"
    "  --optional NAME=present|none\n"
    "                           optional graph input NAME is given (an argument named\n"
    "                           NAME, or NAME_0 ... for a sequence) or absent (none)\n"
    "  --quantize MODE          int8: static post-training quantization (int8 weights\n"
    "                           per output channel, int8 activations, integer\n"
    "                           kernels); needs --calib. w8 or w4: weight-only\n"
    "                           quantization of the constant weights of MatMul, Gemm\n"
    "                           and Gather into blocks of int8 or int4 with a float16\n"
    "                           scale per block; w4 keeps embedding tables and the\n"
    "                           layer that computes an output at int8 (activations\n"
    "                           stay float; see docs/KERNELS.md)\n"
    "  --block N                weights per block for w8/w4, even, 2..4096 (default 32)\n"
    "  --calib DIR              calibration inputs: DIR/set_N/input_K.pb or\n"
    "                           DIR/input_K.pb (TensorProto, K in graph input order)\n"
    "  --calib-method M         activation ranges: minmax (default), percentile[=P]\n"
    "                           (P default 99.99) or entropy\n"
    "  --keep-float NODE,...    leave these nodes (by name) in float\n"
    "  --max-layer-error E      leave in float every layer whose own quantization\n"
    "                           error on the calibration sets exceeds E (max abs\n"
    "                           error relative to the layer's max abs float output)\n"
    "  --max-string-bytes N     every string graph input holds strings of at most N\n"
    "                           bytes (UTF-8, NUL not counted); NAME_run checks it\n"
    "  --max-string-bytes NAME=N\n"
    "                           the same for string graph input NAME only\n"
    "  --report                 print per-node MACs, weights and arena placement, and\n"
    "                           the arena size against its lower bound\n"
    "  --report-json FILE       write the same report as JSON\n"
    "  -MD                      also write a depfile (make syntax, as gcc -MD): the\n"
    "                           files written depend on the model, its external\n"
    "                           data, the target XML, --bind and --calib files\n"
    "  -MF FILE                 the depfile's name (default DIR/NAME.d); implies -MD\n"
    "  -MT TARGET               the depfile's rule target, may be repeated (default:\n"
    "                           every file written to DIR)\n"
    "  -MP                      add an empty rule for each dependency, so a deleted\n"
    "                           input does not stop make\n"
    "  --weights-file           put the constants in DIR/NAME_weights.bin (loaded at\n"
    "                           run time, e.g. with NAME_weights_map from\n"
    "                           NAME_weights_posix.c) instead of NAME_weights.c;\n"
    "                           NAME_run then takes the blob after the arena\n"
    "  --emit-ir                print the IR in the ONNX text syntax to stdout (shapes\n"
    "                           and dtypes as value infos) and stop; -o is not needed\n"
    "                           and nothing is written\n"
    "  --after PASS             with --emit-ir: print after PASS, one of read, verify,\n"
    "                           toposort, infer (inference and folding), dce (default),\n"
    "                           quantize (with --quantize)\n"
    "  --list-shape-inputs      print the graph inputs (one name a line) that decide a\n"
    "                           shape and so must be bound with --bind, as far as\n"
    "                           inference gets with the binds given; -o is not needed\n"
    "  -h, --help               show this help\n"
    "  --version                show the version and the git commit it was built from\n"
    "\n"
    "The generated NAME_run(void *arena, inputs..., outputs..., dims...) needs an\n"
    "arena of NAME_ARENA_BYTES bytes aligned to 64 bytes; it uses no malloc, no\n"
    "stdio and no mutable globals. It returns 0, or NAME_ERR_DIM (-1) when a dim\n"
    "is outside its range.\n";

/* -MD, -MF FILE, -MT TARGET, -MP: the depfile (see write_depfile) */
static bool dep_md, dep_mp;
static const char *dep_mf;
static EC_VEC(const char *) dep_mt;

/* --emit-ir [--after PASS]: print the IR after a pass and stop. */
static bool emit_ir;
/* --list-shape-inputs: print the shape-deciding graph inputs and stop. */
static bool list_shape_inputs;
static const char *emit_after = "dce";

static void maybe_emit(const ec_graph *g, const char *pass)
{
    size_t n;
    char *text;
    if (!emit_ir || strcmp(emit_after, pass) != 0) return;
    text = ec_print_ir(g, &n);
    if (fwrite(text, 1, n, stdout) != n || fflush(stdout) != 0)
        ec_fail_plain("cannot write the IR to stdout: %s", strerror(errno));
    ec_free_all();
    exit(0);
}

static char *join_cmdline(int argc, char **argv)
{
    ec_buf b = { 0 };
    int i;
    ec_buf_put(&b, "edgec", 5);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool quote;
        /* The command line goes into a comment: it must not close it. */
        if (strstr(a, "*/")) a = "<arg>";
        quote = a[0] == '\0' || strpbrk(a, " \t\"'") != NULL;
        ec_buf_printf(&b, quote ? " '%s'" : " %s", a);
    }
    ec_buf_put(&b, "", 1);
    return b.s;
}

/* Where runtime-min/ and targets/ live: $EDGEC_ROOT, or the folder above
 * the executable's folder (build/edgec), or the executable's folder. */
static const char *find_root(const char *argv0)
{
    const char *env = getenv("EDGEC_ROOT");
    char exe[PATH_MAX];
    ssize_t n;
    char *slash;
    struct stat st;
    if (env && *env) return env;
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        snprintf(exe, sizeof exe, "%s", argv0);
    } else {
        exe[n] = '\0';
    }
    for (;;) {
        char probe[PATH_MAX + 32];
        slash = strrchr(exe, '/');
        if (!slash) return ".";
        *slash = '\0';
        snprintf(probe, sizeof probe, "%s/runtime-min/include/ec_rt.h", exe);
        if (stat(probe, &st) == 0) return ec_strdup(exe);
        if (exe[0] == '\0') return ".";
    }
}

static void apply_bind(ec_graph *g, const ec_bind *b)
{
    int v = ec_value_find(g, b->input);
    ec_value *val;
    ec_tensor *t;
    int d;
    char s1[128], s2[128];
    if (v < 0 || !g->values.a[v].is_input)
        ec_fail("--bind %s: the model has no graph input '%s'", b->input, b->input);
    t = ec_read_tensor_pb(b->file);
    val = &g->values.a[v];
    if (t->dtype != val->dtype)
        ec_fail("--bind %s: %s holds %s data, the input is %s", b->input, b->file,
                ec_dtype_name(t->dtype), ec_dtype_name(val->dtype));
    if (val->shape.rank >= 0) {
        bool ok = val->shape.rank == t->shape.rank;
        for (d = 0; ok && d < t->shape.rank; d++)
            if (val->shape.dim[d] >= 0 && val->shape.dim[d] != t->shape.dim[d]) ok = false;
        if (!ok)
            ec_fail("--bind %s: %s has shape %s, the input is declared %s", b->input, b->file,
                    ec_shape_str(&t->shape, s1, sizeof s1), ec_shape_str(&val->shape, s2, sizeof s2));
    }
    ec_value_set_const(g, v, t->dtype, &t->shape, t->data);
    g->values.a[v].is_initializer = true;
}

static void apply_dim(ec_graph *g, const ec_dimopt *o, int64_t value)
{
    int i, d;
    bool found = false;
    for (i = 0; i < g->inputs.n; i++) {
        ec_value *v = &g->values.a[g->inputs.a[i]];
        for (d = 0; d < v->shape.rank; d++)
            if (v->shape.dim[d] < 0 && v->shape.sym[d] && strcmp(v->shape.sym[d], o->name) == 0) {
                v->shape.dim[d] = value;
                found = true;
            }
    }
    if (!found) ec_fail("--dim %s: no graph input has a symbolic dim '%s'", o->name, o->name);
}

/* --max-string-bytes: the bound of each string graph input. */
static void apply_string_bounds(ec_graph *g, const ec_options *o)
{
    int i, k;
    for (k = 0; k < o->string_bounds.n; k++) {
        const ec_dimopt *d = &o->string_bounds.a[k];
        int v = ec_value_find(g, d->name);
        if (v < 0 || !g->values.a[v].is_input)
            ec_fail("--max-string-bytes %s: the model has no graph input '%s'", d->name, d->name);
        if (g->values.a[v].dtype != EC_DT_STRING)
            ec_fail("--max-string-bytes %s: graph input '%s' is %s, not string", d->name, d->name,
                    ec_dtype_name(g->values.a[v].dtype));
        g->values.a[v].str_max = d->value;
    }
    for (i = 0; i < g->inputs.n; i++) {
        ec_value *v = &g->values.a[g->inputs.a[i]];
        if (v->dtype == EC_DT_STRING && v->str_max < 0) v->str_max = o->max_string_bytes;
    }
}

/* --seq VALUE: "N" or "[d,...],[d,...]" ("[]" a scalar). */
static void parse_seq(ec_seqopt *o, const char *val)
{
    const char *p = val;
    char *end;
    EC_VEC(ec_shape) shapes = { 0 };
    if (*p != '[') {
        long long n;
        errno = 0;
        n = strtoll(p, &end, 10);
        if (errno || *end || end == p || n < 0 || n > 1000000)
            ec_fail_plain("--seq %s: '%s' is neither a length nor a list of shapes like [2,3],[4]", o->name, val);
        o->len = (int)n;
        o->shapes = NULL;
        return;
    }
    for (;;) {
        ec_shape s;
        memset(&s, 0, sizeof s);
        if (*p != '[') ec_fail_plain("--seq %s: expected '[' at '%s'", o->name, p);
        p++;
        while (*p != ']') {
            long long d;
            if (s.rank == EC_MAX_RANK) ec_fail_plain("--seq %s: rank exceeds the maximum %d", o->name, EC_MAX_RANK);
            errno = 0;
            d = strtoll(p, &end, 10);
            if (errno || end == p || d < 0 || *p == '+' || *p == ' ')
                ec_fail_plain("--seq %s: expected a dimension at '%s'", o->name, p);
            s.dim[s.rank++] = d;
            p = end;
            if (*p == ',') p++;
            else if (*p != ']') ec_fail_plain("--seq %s: expected ',' or ']' at '%s'", o->name, p);
        }
        p++;
        EC_PUSH(shapes, s);
        if (shapes.n > 1000000) ec_fail_plain("--seq %s: too many elements", o->name);
        if (!*p) break;
        if (*p != ',') ec_fail_plain("--seq %s: expected ',' between shapes at '%s'", o->name, p);
        p++;
    }
    o->len = shapes.n;
    o->shapes = shapes.a;
}

/* --quantize MODE: every mode in this one table. */
static const struct {
    const char *name;
    ec_quant_mode mode;
} quant_modes[] = {
    { "int8", EC_QUANT_INT8 },
    { "w8", EC_QUANT_W8 },
    { "w4", EC_QUANT_W4 },
};

static ec_quant_mode parse_quantize(const char *arg)
{
    ec_buf names = { 0 };
    size_t k;
    for (k = 0; k < sizeof quant_modes / sizeof quant_modes[0]; k++) {
        if (!strcmp(arg, quant_modes[k].name)) return quant_modes[k].mode;
        ec_buf_printf(&names, "%s%s", k ? ", " : "", quant_modes[k].name);
    }
    ec_fail_plain("--quantize %s: unknown mode (one of %s)", arg, names.s);
}

/* --dim VALUE, MIN..MAX or ..MAX (MIN 1) */
static void parse_dim(ec_dimopt *d, const char *val)
{
    const char *dots = strstr(val, "..");
    char *end;
    errno = 0;
    d->range = dots != NULL;
    if (!dots) {
        d->value = strtoll(val, &end, 10);
        if (errno || *end || end == val || d->value < 0)
            ec_fail_plain("--dim %s: '%s' is not a non-negative integer, MIN..MAX or ..MAX", d->name, val);
        d->min = d->value;
        return;
    }
    if (dots == val) {
        d->min = 1;
    } else {
        d->min = strtoll(val, &end, 10);
        if (errno || end != dots || d->min < 0 || !(*val >= '0' && *val <= '9'))
            ec_fail_plain("--dim %s: '%s': MIN is not a non-negative integer", d->name, val);
    }
    d->value = strtoll(dots + 2, &end, 10);
    if (errno || *end || end == dots + 2 || d->value < 0 || !(dots[2] >= '0' && dots[2] <= '9'))
        ec_fail_plain("--dim %s: '%s': MAX is not a non-negative integer", d->name, val);
    if (d->min > d->value)
        ec_fail_plain("--dim %s: '%s': MIN is larger than MAX", d->name, val);
    if (d->value > INT32_MAX)
        ec_fail_plain("--dim %s: '%s': MAX is larger than %d", d->name, val, INT32_MAX);
}

static const char *split_eq(const char *opt, const char *arg, const char **rhs)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1]) ec_fail_plain("%s expects NAME=VALUE, got '%s'", opt, arg);
    *rhs = eq + 1;
    return ec_strndup(arg, (size_t)(eq - arg));
}

static void parse_calib_method(const char *arg, ec_options *o)
{
    char *end;
    if (!strcmp(arg, "minmax")) {
        o->calib_method = EC_CALIB_MINMAX;
    } else if (!strcmp(arg, "entropy")) {
        o->calib_method = EC_CALIB_ENTROPY;
    } else if (!strcmp(arg, "percentile")) {
        o->calib_method = EC_CALIB_PERCENTILE;
    } else if (!strncmp(arg, "percentile=", 11)) {
        o->calib_method = EC_CALIB_PERCENTILE;
        errno = 0;
        o->calib_percentile = strtod(arg + 11, &end);
        if (errno || end == arg + 11 || *end || !(o->calib_percentile > 50) ||
            !(o->calib_percentile <= 100))
            ec_fail_plain("--calib-method %s: the percentile must be a number in (50, 100]", arg);
    } else {
        ec_fail_plain("--calib-method %s: unknown method (minmax, percentile[=P] or entropy)", arg);
    }
}

static void parse_args(int argc, char **argv, ec_options *o)
{
    int i;
    bool calib_method_given = false;
    memset(o, 0, sizeof *o);
    o->name = "model";
    o->target = "generic";
    o->calib_percentile = 99.99;
    o->max_layer_error = -1;
    o->max_string_bytes = -1;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
#define NEED_ARG() do { if (i + 1 >= argc) ec_fail_plain("option %s needs an argument (see edgec --help)", a); } while (0)
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            exit(0);
        } else if (!strcmp(a, "--version")) {
            printf("edgec %s (git %s)\n", EDGEC_VERSION, EDGEC_COMMIT);
            exit(0);
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            NEED_ARG();
            o->outdir = argv[++i];
        } else if (!strcmp(a, "--name")) {
            NEED_ARG();
            o->name = argv[++i];
        } else if (!strcmp(a, "--target")) {
            NEED_ARG();
            o->target = argv[++i];
        } else if (!strcmp(a, "--bind")) {
            ec_bind b;
            NEED_ARG();
            b.input = split_eq(a, argv[++i], &b.file);
            EC_PUSH(o->binds, b);
        } else if (!strcmp(a, "--dim")) {
            ec_dimopt d;
            const char *val;
            int k;
            NEED_ARG();
            d.name = split_eq(a, argv[++i], &val);
            parse_dim(&d, val);
            for (k = 0; k < o->dims.n; k++)
                if (!strcmp(o->dims.a[k].name, d.name)) ec_fail_plain("--dim %s is given twice", d.name);
            EC_PUSH(o->dims, d);
        } else if (!strcmp(a, "--seq")) {
            ec_seqopt so;
            const char *val;
            int k;
            NEED_ARG();
            so.name = split_eq(a, argv[++i], &val);
            for (k = 0; k < o->seqs.n; k++)
                if (!strcmp(o->seqs.a[k].name, so.name)) ec_fail_plain("--seq %s is given twice", so.name);
            parse_seq(&so, val);
            EC_PUSH(o->seqs, so);
        } else if (!strcmp(a, "--optional")) {
            ec_optopt oo;
            const char *val;
            int k;
            NEED_ARG();
            oo.name = split_eq(a, argv[++i], &val);
            for (k = 0; k < o->opts.n; k++)
                if (!strcmp(o->opts.a[k].name, oo.name)) ec_fail_plain("--optional %s is given twice", oo.name);
            if (!strcmp(val, "present")) oo.present = true;
            else if (!strcmp(val, "none")) oo.present = false;
            else ec_fail_plain("--optional %s: '%s' is neither 'present' nor 'none'", oo.name, val);
            EC_PUSH(o->opts, oo);
        } else if (!strcmp(a, "--quantize")) {
            NEED_ARG();
            o->quantize = parse_quantize(argv[++i]);
        } else if (!strcmp(a, "--calib")) {
            NEED_ARG();
            o->calib = argv[++i];
        } else if (!strcmp(a, "--calib-method")) {
            NEED_ARG();
            parse_calib_method(argv[++i], o);
            calib_method_given = true;
        } else if (!strcmp(a, "--keep-float")) {
            char *list, *tok, *save = NULL;
            NEED_ARG();
            list = ec_strdup(argv[++i]);
            for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
                EC_PUSH(o->keep_float, (const char *)tok);
        } else if (!strcmp(a, "--max-layer-error")) {
            char *end;
            NEED_ARG();
            errno = 0;
            o->max_layer_error = strtod(argv[++i], &end);
            if (errno || end == argv[i] || *end || !(o->max_layer_error >= 0))
                ec_fail_plain("--max-layer-error %s: expected a non-negative number", argv[i]);
        } else if (!strcmp(a, "--max-string-bytes")) {
            const char *val = NULL, *arg;
            char *end;
            long long n;
            ec_dimopt d;
            NEED_ARG();
            arg = argv[++i];
            if (strchr(arg, '=')) {
                d.name = split_eq(a, arg, &val);
            } else {
                d.name = NULL;
                val = arg;
            }
            errno = 0;
            n = strtoll(val, &end, 10);
            if (errno || *end || end == val || n < 0 || n > 1000000 || *val == '+' || *val == ' ')
                ec_fail_plain("--max-string-bytes: '%s' is not a byte count from 0 to 1000000", val);
            if (!d.name) {
                if (o->max_string_bytes >= 0) ec_fail_plain("--max-string-bytes N is given twice");
                o->max_string_bytes = n;
            } else {
                int k;
                for (k = 0; k < o->string_bounds.n; k++)
                    if (!strcmp(o->string_bounds.a[k].name, d.name))
                        ec_fail_plain("--max-string-bytes %s is given twice", d.name);
                d.value = n;
                EC_PUSH(o->string_bounds, d);
            }
        } else if (!strcmp(a, "--report")) {
            o->report = true;
        } else if (!strcmp(a, "--weights-file")) {
            o->weights_file = true;
        } else if (!strcmp(a, "-MD")) {
            dep_md = true;
        } else if (!strcmp(a, "-MP")) {
            dep_mp = true;
        } else if (!strcmp(a, "-MF")) {
            NEED_ARG();
            dep_mf = argv[++i];
            dep_md = true;
            if (!dep_mf[0]) ec_fail_plain("-MF: the file name is empty");
        } else if (!strcmp(a, "-MT")) {
            NEED_ARG();
            if (!argv[i + 1][0]) ec_fail_plain("-MT: the target is empty");
            EC_PUSH(dep_mt, argv[++i]);
        } else if (!strcmp(a, "--report-json")) {
            NEED_ARG();
            o->report_json = argv[++i];
        } else if (!strcmp(a, "--block")) {
            const char *val;
            char *end;
            long v;
            NEED_ARG();
            val = argv[++i];
            errno = 0;
            v = strtol(val, &end, 10);
            if (errno || *end || !*val || v < 2 || v > 4096 || v % 2)
                ec_fail_plain("--block %s: expected an even number of weights from 2 to 4096", val);
            o->quant_block = (int)v;
        } else if (!strcmp(a, "--emit-ir")) {
            emit_ir = true;
        } else if (!strcmp(a, "--list-shape-inputs")) {
            list_shape_inputs = true;
        } else if (!strcmp(a, "--after")) {
            static const char *passes[] = { "read", "verify", "toposort", "infer", "dce", "quantize" };
            bool ok = false;
            NEED_ARG();
            emit_after = argv[++i];
            for (size_t k = 0; k < sizeof passes / sizeof passes[0]; k++) ok |= !strcmp(emit_after, passes[k]);
            if (!ok)
                ec_fail_plain("--after %s: unknown pass (one of read, verify, toposort, infer, dce, quantize)", emit_after);
        } else if (a[0] == '-' && a[1]) {
            ec_fail_plain("unknown option '%s' (see edgec --help)", a);
        } else if (!o->model) {
            o->model = a;
        } else {
            ec_fail_plain("more than one model given ('%s' and '%s')", o->model, a);
        }
#undef NEED_ARG
    }
    if (!o->model) ec_fail_plain("no model given (see edgec --help)");
    if (o->quant_block && o->quantize != EC_QUANT_W8 && o->quantize != EC_QUANT_W4)
        ec_fail_plain("--block needs --quantize w8 or --quantize w4");
    if (!o->quant_block) o->quant_block = 32;
    if (!emit_ir && strcmp(emit_after, "dce") != 0) ec_fail_plain("--after needs --emit-ir");
    if (!strcmp(emit_after, "quantize") && !o->quantize) ec_fail_plain("--after quantize needs --quantize");
    if (o->quantize == EC_QUANT_INT8 && !o->calib)
        ec_fail_plain("--quantize int8 needs calibration data: add --calib DIR (DIR/set_N/input_K.pb)");
    if (o->quantize != EC_QUANT_INT8 &&
        (o->calib || calib_method_given || o->keep_float.n || o->max_layer_error >= 0))
        ec_fail_plain("--calib, --calib-method, --keep-float and --max-layer-error need --quantize int8");
    if (emit_ir && list_shape_inputs) ec_fail_plain("--emit-ir and --list-shape-inputs exclude each other");
    if (!o->outdir && !emit_ir && !list_shape_inputs) ec_fail_plain("no output directory given: use -o DIR (see edgec --help)");
    if (o->outdir) {
        struct stat st;
        if (!o->outdir[0]) ec_fail_plain("-o: the output directory name is empty");
        if (stat(o->outdir, &st) == 0 && !S_ISDIR(st.st_mode))
            ec_fail_plain("%s: -o names an existing file, not a directory", o->outdir);
    }
    if (dep_md && !o->outdir) ec_fail_plain("-MD, -MF and -MT need -o DIR");
    if (dep_mt.n && !dep_md) ec_fail_plain("-MT needs -MD or -MF");
    if (dep_mp && !dep_md) ec_fail_plain("-MP needs -MD or -MF");
    if (o->report_json) {
        struct stat st;
        if (!o->report_json[0]) ec_fail_plain("--report-json: the file name is empty");
        if (stat(o->report_json, &st) == 0 && !S_ISREG(st.st_mode))
            ec_fail_plain("%s: --report-json names a directory or special file, not a file", o->report_json);
    }
    o->cmdline = join_cmdline(argc, argv);
}

/* Mark the run-time graph inputs of top that value v of g depends on,
 * through the producers of g and outer values of enclosing graphs (by
 * name). seen[] has one array per graph, found by graph in graphs[]. */
typedef struct trace_ctx {
    const ec_graph *top;
    bool *mark;
    EC_VEC(const ec_graph *) graphs;
    EC_VEC(bool *) seen;
} trace_ctx;

static void trace_inputs(trace_ctx *c, const ec_graph *g, int v)
{
    const ec_value *val = &g->values.a[v];
    bool *seen = NULL;
    int i;
    for (i = 0; i < c->graphs.n; i++)
        if (c->graphs.a[i] == g) seen = c->seen.a[i];
    if (!seen) {
        seen = ec_alloc((size_t)g->values.n * sizeof *seen);
        EC_PUSH(c->graphs, g);
        EC_PUSH(c->seen, seen);
    }
    if (seen[v] || val->data) return;
    seen[v] = true;
    if (val->producer >= 0) {
        const ec_node *n = &g->nodes.a[val->producer];
        for (i = 0; i < n->nin; i++)
            if (n->in[i] >= 0) trace_inputs(c, g, n->in[i]);
    } else if (g == c->top) {
        if (val->is_input) c->mark[v] = true;
    } else if (g->parent) {
        int pv = ec_value_find(g->parent, val->name);
        if (pv >= 0) trace_inputs(c, g->parent, pv);
    }
}

/* --list-shape-inputs: run inference until it stops; if it stopped because a
 * value that decides a shape is not a compile-time constant, print the graph
 * inputs that value depends on, one name a line, in graph order. Nothing is
 * printed when inference completes or stops for another reason (compiling
 * then reports that). Exit status 0 either way. */
static void list_shape_inputs_and_exit(ec_graph *g)
{
    jmp_buf jb;
    const ec_graph *ng = NULL;
    int nv, i;
    bool *mark;
    ec_diag_quiet(true);
    ec_diag_catch(&jb);
    if (setjmp(jb) == 0) {
        ec_verify(g);
        ec_toposort(g);
        ec_infer_and_fold(g);
        ec_diag_catch(NULL);
        ec_free_all();
        exit(0);
    }
    ec_diag_catch(NULL);
    ec_diag_quiet(false);
    nv = ec_diag_needed(&ng);
    if (nv >= 0 && ng) {
        trace_ctx c = { 0 };
        c.top = g;
        c.mark = mark = ec_alloc((size_t)g->values.n * sizeof *mark);
        trace_inputs(&c, ng, nv);
        for (i = 0; i < g->inputs.n; i++)
            if (mark[g->inputs.a[i]]) printf("%s\n", g->values.a[g->inputs.a[i]].name);
    }
    if (fflush(stdout) != 0) ec_fail_plain("cannot write to stdout: %s", strerror(errno));
    ec_free_all();
    exit(0);
}

static void sanitize_name(const char *name)
{
    const char *p;
    if (!name[0] || !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z') || name[0] == '_'))
        ec_fail_plain("--name '%s' is not a C identifier", name);
    for (p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            ec_fail_plain("--name '%s' is not a C identifier", name);
    /* C reserves identifiers that start with '_' and a capital or a second '_' (C99 7.1.3);
     * ec_ is runtime-min's prefix, so NAME_... could clash with a kernel */
    if (name[0] == '_' && (name[1] == '_' || (name[1] >= 'A' && name[1] <= 'Z')))
        ec_fail_plain("--name '%s': names that start with '_' and a capital letter or '__' are reserved in C", name);
    if (!strcmp(name, "ec") || !strncmp(name, "ec_", 3))
        ec_fail_plain("--name '%s': the prefix ec_ belongs to the runtime-min kernels", name);
    if (strlen(name) > 40)
        ec_fail_plain("--name '%s': longer than 40 characters (NAME_ARENA_BYTES and the other names must stay distinct within 63)", name);
}

static ec_graph *read_model(const ec_options *o)
{
    size_t n = strlen(o->model);
    ec_diag_set_file(o->model);
    return n > 8 && !strcmp(o->model + n - 8, ".onnxtxt") ? ec_read_onnx_text(o->model) : ec_read_onnx(o->model);
}

/* Read, bind, fix the dims (run-time dims at `values`, by name, or at their
 * maximum when names is NULL) and run the passes up to dead-node
 * elimination. `where` names the sample in diagnostics ("model.onnx (with
 * past=3): ..."). */
static ec_graph *load_graph_at(const ec_options *o, const char *const *names, const int64_t *values, int nvals,
                               const char *where)
{
    ec_graph *g = read_model(o);
    int i, k;
    bool ranges = false;
    for (i = 0; i < o->binds.n; i++) apply_bind(g, &o->binds.a[i]);
    ec_diag_set_file(where ? ec_fmt("%s (with %s)", o->model, where) : o->model);
    for (i = 0; i < o->dims.n; i++) {
        const ec_dimopt *d = &o->dims.a[i];
        int64_t v = d->value;
        ranges |= d->range;
        for (k = 0; d->range && names && k < nvals; k++)
            if (!strcmp(names[k], d->name)) v = values[k];
        apply_dim(g, d, v);
    }
    apply_string_bounds(g, o);
    ec_seq_bind_inputs(g, o->seqs.a, o->seqs.n, o->opts.a, o->opts.n);
    g->runtime_dims = ranges && !emit_ir;
    if (list_shape_inputs) list_shape_inputs_and_exit(g);
    /* the pipeline */
    maybe_emit(g, "read");
    ec_verify(g);
    maybe_emit(g, "verify");
    ec_toposort(g);
    maybe_emit(g, "toposort");
    ec_infer_and_fold(g);
    maybe_emit(g, "infer");
    ec_eliminate_dead(g);
    ec_qdq_import(g);
    ec_dedupe_constants(g);
    maybe_emit(g, "dce");
    return g;
}

/* The float graph as read (for --max-layer-error's trial plans). */
static ec_graph *load_graph(const ec_options *o)
{
    return load_graph_at(o, NULL, NULL, 0, NULL);
}

/* load_graph_at, then quantization and lowering into p (the sample builder
 * of run-time dims, compiler/symdim.c). */
static void build(void *ctx, const char *const *names, const int64_t *values, int nvals, const char *where,
                  const bool *rt_dim, ec_program *p)
{
    const ec_options *o = ctx;
    ec_graph *g = load_graph_at(o, names, values, nvals, where);
    struct ec_qreport *quant = NULL;
    if (o->quantize == EC_QUANT_INT8) {
        if (g->runtime_dims) ec_fail_plain("--quantize int8 with run-time dims (--dim NAME=MIN..MAX) is not supported");
        quant = ec_quantize_int8(&g, o, load_graph);
        maybe_emit(g, "quantize");
    }
    if (rt_dim) {
        g->rt_dim = rt_dim;
        g->rt_dim_values = g->values.n;
    }
    if (o->quantize == EC_QUANT_W8 || o->quantize == EC_QUANT_W4) {
        ec_wq_info *wq = ec_alloc(sizeof *wq);
        ec_quantize_weights(g, o->quantize == EC_QUANT_W8 ? 8 : 4, o->quant_block, wq);
        ec_lower_graph(g, p);
        p->wq = wq;
    } else {
        ec_lower_graph(g, p);
    }
    p->quant = quant;
}

/* The range dims in the order they are first met in the graph inputs. */
static void collect_rtdims(const ec_options *o, ec_program *p)
{
    const ec_graph *g = p->g;
    int i, d, k, j;
    for (i = 0; i < g->inputs.n; i++) {
        const ec_value *v = &g->values.a[g->inputs.a[i]];
        for (d = 0; d < v->shape.rank; d++) {
            const char *s = v->shape.sym[d];
            if (!s) continue;
            for (k = 0; k < o->dims.n; k++) {
                ec_rtdim r;
                bool have = false;
                if (!o->dims.a[k].range || strcmp(o->dims.a[k].name, s)) continue;
                for (j = 0; j < p->rtdims.n; j++) have |= !strcmp(p->rtdims.a[j].name, s);
                if (have) continue;
                r.name = o->dims.a[k].name;
                r.min = o->dims.a[k].min;
                r.max = o->dims.a[k].value;
                EC_PUSH(p->rtdims, r);
            }
        }
    }
}

/* Files written beside -o DIR (the JSON report, an -MF depfile): each goes to a temporary
 * name before DIR is written and is renamed after it, so a report or depfile that cannot be
 * written fails the compile with nothing in DIR, and a failure writing DIR leaves neither. */
typedef struct side_file {
    const char *path, *what;
    char *tmp;                      /* NULL once renamed */
} side_file;
static side_file side[2];
static int nside;

static void remove_side_tmp(void)
{
    int i;
    for (i = 0; i < nside; i++)
        if (side[i].tmp) remove(side[i].tmp);
}

static void side_write(const char *path, const char *what, const char *data, size_t n)
{
    side_file *s = &side[nside];
    FILE *f;
    if (nside == 0) atexit(remove_side_tmp);
    s->path = path;
    s->what = what;
    s->tmp = ec_fmt("%s.tmp%ld", path, (long)getpid());
    nside++;
    f = fopen(s->tmp, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0)
        ec_fail_plain("%s: cannot write the %s: %s", path, what, strerror(errno));
}

static void side_commit(void)
{
    int i;
    for (i = 0; i < nside; i++) {
        if (rename(side[i].tmp, side[i].path) != 0)
            ec_fail_plain("%s: cannot write the %s: %s", side[i].path, side[i].what, strerror(errno));
        side[i].tmp = NULL;
    }
}

/* A path in a make rule: spaces, '#' and ':' escaped with a backslash, '$' doubled. */
static void dep_path(ec_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '$') ec_buf_put(b, "$$", 2);
        else {
            if (*s == ' ' || *s == '#' || *s == ':' || *s == '\\') ec_buf_put(b, "\\", 1);
            ec_buf_put(b, s, 1);
        }
    }
}

/* The depfile, as gcc -MD writes one: TARGETS: INPUTS, one input a line: DIR/NAME.d with
 * the files of DIR, or the -MF file beside them (side_write). */
static void write_depfile(const ec_options *o, ec_output *out)
{
    ec_buf b = { 0 };
    int i;
    if (dep_mt.n)
        for (i = 0; i < dep_mt.n; i++) {
            if (i) ec_buf_put(&b, " ", 1);
            dep_path(&b, dep_mt.a[i]);
        }
    else
        for (i = 0; i < out->files.n; i++) {
            if (i) ec_buf_put(&b, " \\\n ", 4);
            dep_path(&b, ec_fmt("%s/%s", o->outdir, out->files.a[i].name));
        }
    ec_buf_put(&b, ":", 1);
    for (i = 0; i < ec_input_file_count(); i++) {
        ec_buf_put(&b, " \\\n ", 4);
        dep_path(&b, ec_input_file(i));
    }
    ec_buf_put(&b, "\n", 1);
    if (dep_mp)
        for (i = 0; i < ec_input_file_count(); i++) {
            ec_buf_put(&b, "\n", 1);
            dep_path(&b, ec_input_file(i));
            ec_buf_put(&b, ":\n", 2);
        }
    if (dep_mf) {
        side_write(dep_mf, "depfile", b.s, b.len);
        ec_free(b.s);
    } else {
        ec_output_add(out, ec_fmt("%s.d", o->name), b.s, b.len);
    }
}

int main(int argc, char **argv)
{
    ec_options o;
    ec_target *t;
    ec_program p;
    ec_output out = { 0 };

    parse_args(argc, argv, &o);
    sanitize_name(o.name);
    o.root = find_root(argv[0]);
    t = ec_target_load(o.root, o.target);

    build(&o, NULL, NULL, 0, NULL, NULL, &p);
    collect_rtdims(&o, &p);
    ec_symdim_fit(&p, build, &o);
    ec_diag_set_file(o.model);
    ec_plan_memory(&p);
    out.dir = o.outdir;
    ec_codegen_c(&p, t, &o, &out);

    if (o.report_json) {
        char *json = ec_report_json(&p, t, &o);
        side_write(o.report_json, "JSON report", json, strlen(json));
    }
    if (dep_md) write_depfile(&o, &out);
    ec_output_write(&out, o.outdir);
    side_commit();
    if (o.report) ec_report_print(&p, t, &o);
    ec_free_all();
    return 0;
}
