/* test_codegen.c - code generation, output writing, targets and reports on
 * small graphs built with the IR builder. (The golden files of whole models
 * are in tests/golden/.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "unit.h"
#include "edgec.h"
#include "codegen.h"
#include <dirent.h>
#include <math.h>

static ec_options opts(void)
{
    ec_options o;
    memset(&o, 0, sizeof o);
    o.name = "m";
    o.cmdline = "edgec m.onnx -o out";
    o.root = ".";
    o.model = "m.onnx";
    return o;
}

/* y = Relu(Relu(x) + w); extra: names of input and output */
static ec_graph *small_graph(const char *in, const char *out)
{
    ec_graph *g = ec_graph_new("g");
    int64_t d[2] = { 2, 3 };
    ec_shape s = ec_shape_make(2, d);
    ec_tensor *t = ec_alloc(sizeof *t);
    float *w = ec_alloc(6 * sizeof(float));
    const char *n1i[1] = { in }, *n1o[1] = { "r1" };
    const char *n2i[2] = { "r1", "w" }, *n2o[1] = { "s" };
    const char *n3i[1] = { "s" }, *n3o[1] = { out };
    int i;
    for (i = 0; i < 6; i++) w[i] = (float)i * 0.5f - 1.0f;
    w[5] = 0.1f;
    t->dtype = EC_DT_FLOAT;
    t->shape = s;
    t->data = w;
    t->nbytes = 6 * sizeof(float);
    t->name = ec_strdup("w");
    ec_add_input(g, in, EC_DT_FLOAT, &s);
    ec_add_initializer(g, t);
    ec_add_node(g, "Relu", "", "relu1", n1i, 1, n1o, 1);
    ec_add_node(g, "Add", "", "add", n2i, 2, n2o, 1);
    ec_add_node(g, "Relu", "", "relu2", n3i, 1, n3o, 1);
    ec_add_output(g, out, EC_DT_UNDEFINED, NULL);
    return g;
}

static void compile(ec_graph *g, ec_program *p)
{
    ec_diag_set_file("m.onnx");
    ec_verify(g);
    ec_toposort(g);
    ec_infer_and_fold(g);
    ec_eliminate_dead(g);
    ec_lower_graph(g, p);
    ec_plan_memory(p);
}

static const ec_outfile *find_out(const ec_output *o, const char *name)
{
    int i;
    for (i = 0; i < o->files.n; i++)
        if (!strcmp(o->files.a[i].name, name)) return &o->files.a[i];
    return NULL;
}

static void test_codegen_basic(void **state)
{
    ec_graph *g = small_graph("in.put", "y");
    ec_program p;
    ec_output out = { 0 };
    ec_options o = opts();
    ec_target *t;
    const ec_outfile *h, *c, *w;
    char why[256];
    (void)state;
    compile(g, &p);
    assert_true(ec_plan_check(&p, why, sizeof why));
    t = ec_target_load(".", "generic");
    ec_codegen_c(&p, t, &o, &out);
    h = find_out(&out, "m.h");
    c = find_out(&out, "m.c");
    w = find_out(&out, "m_weights.c");
    assert_non_null(h);
    assert_non_null(c);
    assert_non_null(w);
    assert_non_null(find_out(&out, "ec_rt.h"));
    assert_non_null(find_out(&out, "ec_rt.c"));
    assert_non_null(strstr(h->data, "#define M_ARENA_BYTES "));
    assert_non_null(strstr(h->data, "int m_run(void *arena, const float *in_put, float *y);"));
    assert_non_null(strstr(h->data, "edgec " EDGEC_VERSION));
    assert_non_null(strstr(h->data, "command: edgec m.onnx -o out"));
    assert_non_null(strstr(c->data, "/* node 0 'relu1' (Relu): in.put float[2,3] -> r1 float[2,3] */"));
    assert_non_null(strstr(c->data, "(float *)(A + 0)"));
    assert_non_null(strstr(c->data, "return 0;"));
    /* 0.1f exactly, and the weight symbol is aligned */
    assert_non_null(strstr(w->data, "0x1.99999ap-4f"));
    assert_non_null(strstr(w->data, "aligned(64)"));
    ec_free_all();
}

/* The hex-float writer agrees with the C library's "%a" (the reference) on
 * special values and on a million random doubles and floats. */
static void test_hexfloat(void **state)
{
    static const double special[] = { 0.0, -0.0, 1.0, -1.0, 0.1, 2.0, 0.5, 1e300, -1e-300,
                                      4.9406564584124654e-324, 2.2250738585072009e-308,
                                      1.17549435e-38, 1.4e-45, 3.4028234663852886e38 };
    uint64_t x = 0x9e3779b97f4a7c15ull;
    char a[64], b[64];
    int i;
    (void)state;
    for (i = 0; i < (int)(sizeof special / sizeof special[0]) + 1000000; i++) {
        double d;
        size_t n;
        if (i < (int)(sizeof special / sizeof special[0])) {
            d = special[i];
        } else {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            if (i & 1) { float f; uint32_t u = (uint32_t)x; memcpy(&f, &u, 4); d = f; }
            else memcpy(&d, &x, 8);
            if (!isfinite(d)) continue;
        }
        n = ec_cg_hexfloat(a, d);
        a[n] = '\0';
        snprintf(b, sizeof b, "%a", d);
        if (strcmp(a, b) != 0) fail_msg("hexfloat(%s) gave %s", b, a);
    }
}

/* Large weights are streamed to a hidden file in the output directory and
 * renamed at the end: the result is the same bytes as the in-memory path, and
 * no temporary file is left. */
static void test_streamed_weights(void **state)
{
    const int64_t n = (5 << 20) / 4 + 7; /* > 4 MiB of floats */
    char dir[] = "/tmp/edgec-unit-XXXXXX";
    ec_output mem = { 0 }, disk = { 0 };
    const ec_outfile *wm;
    ec_options o = opts();
    ec_program p1, p2;
    char *path, *buf;
    FILE *f;
    long len;
    DIR *d;
    struct dirent *e;
    int pass;
    (void)state;
    assert_non_null(mkdtemp(dir));
    for (pass = 0; pass < 2; pass++) {
        ec_graph *g = ec_graph_new("g");
        ec_shape s = ec_shape_make(1, &n);
        ec_tensor *t = ec_alloc(sizeof *t);
        float *w = ec_alloc((size_t)n * sizeof(float));
        const char *ni[2] = { "x", "w" }, *no[1] = { "y" };
        int64_t i;
        for (i = 0; i < n; i++) w[i] = (float)(i % 1000) * 0.37f - 5.0f;
        t->dtype = EC_DT_FLOAT;
        t->shape = s;
        t->data = w;
        t->nbytes = (size_t)n * sizeof(float);
        t->name = ec_strdup("w");
        ec_add_input(g, "x", EC_DT_FLOAT, &s);
        ec_add_initializer(g, t);
        ec_add_node(g, "Add", "", "add", ni, 2, no, 1);
        ec_add_output(g, "y", EC_DT_UNDEFINED, NULL);
        if (pass == 0) {
            compile(g, &p1);
            ec_codegen_c(&p1, NULL, &o, &mem);
        } else {
            compile(g, &p2);
            disk.dir = dir;
            ec_codegen_c(&p2, NULL, &o, &disk);
        }
    }
    wm = find_out(&mem, "m_weights.c");
    assert_non_null(wm);
    assert_true(wm->len > ((size_t)4 << 20));
    assert_non_null(find_out(&disk, "m_weights.c")->tmp);
    ec_output_write(&disk, dir);
    path = ec_fmt("%s/m_weights.c", dir);
    f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    assert_int_equal((size_t)len, wm->len);
    buf = ec_alloc((size_t)len);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    assert_memory_equal(buf, wm->data, wm->len);
    d = opendir(dir);
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        char *q = ec_fmt("%s/%s", dir, e->d_name);
        if (strstr(e->d_name, ".tmp")) fail_msg("temporary file '%s' left behind", e->d_name);
        if (e->d_name[0] != '.') remove(q);
    }
    closedir(d);
    rmdir(dir);
    ec_free_all();
}

static void test_name_clash(void **state)
{
    ec_graph *g = small_graph("a.b", "a_b");
    ec_program p;
    ec_output out = { 0 };
    ec_options o = opts();
    (void)state;
    compile(g, &p);
    EXPECT_FAIL_MSG(ec_codegen_c(&p, NULL, &o, &out), "'a.b' and output 'a_b' both become the C identifier 'a_b'");
    ec_free_all();
}

static void test_reserved_names(void **state)
{
    ec_graph *g = small_graph("int", "9out");
    ec_program p;
    ec_output out = { 0 };
    ec_options o = opts();
    (void)state;
    compile(g, &p);
    ec_codegen_c(&p, NULL, &o, &out);
    assert_non_null(strstr(find_out(&out, "m.h")->data, "int m_run(void *arena, const float *v_int, float *v_9out);"));
    ec_free_all();
}

static void test_budget(void **state)
{
    ec_graph *g = small_graph("x", "y");
    ec_program p;
    ec_output out = { 0 };
    ec_options o = opts();
    ec_target t;
    (void)state;
    compile(g, &p);
    memset(&t, 0, sizeof t);
    t.name = "tiny";
    t.alignment = 64;
    t.ram_bytes = 16;
    EXPECT_FAIL_MSG(ec_codegen_c(&p, &t, &o, &out), "bytes of arena (RAM) but target 'tiny' has 16");
    t.ram_bytes = 0;
    t.flash_bytes = 8;
    EXPECT_FAIL_MSG(ec_codegen_c(&p, &t, &o, &out), "24 bytes of weights (flash) but target 'tiny' has 8");
    ec_free_all();
}

static void test_output_write(void **state)
{
    ec_output out = { 0 };
    char dir[] = "/tmp/ec_test_out_XXXXXX";
    char *sub, *path, *blocker;
    struct stat st;
    FILE *f;
    char buf[16] = { 0 };
    (void)state;
    assert_non_null(mkdtemp(dir));
    ec_output_add(&out, "a.txt", ec_strdup("hello"), 5);
    ec_output_add(&out, "b.txt", ec_strdup(""), 0);
    sub = ec_fmt("%s/x/y", dir);
    ec_output_write(&out, sub);
    path = ec_fmt("%s/a.txt", sub);
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fread(buf, 1, sizeof buf, f), 5);
    fclose(f);
    assert_string_equal(buf, "hello");
    /* a file in the way: fails, writes nothing */
    blocker = ec_fmt("%s/file", dir);
    f = fopen(blocker, "wb");
    fclose(f);
    EXPECT_FAIL_MSG(ec_output_write(&out, blocker), "file");
    assert_int_equal(stat(blocker, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    remove(path);
    remove(ec_fmt("%s/b.txt", sub));
    rmdir(sub);
    rmdir(ec_fmt("%s/x", dir));
    remove(blocker);
    rmdir(dir);
    ec_free_all();
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_targets(void **state)
{
    ec_target *t;
    char path[] = "/tmp/ec_test_target_XXXXXX";
    char *xml;
    int fd;
    (void)state;
    t = ec_target_load(".", "generic");
    assert_string_equal(t->name, "generic");
    assert_string_equal(t->isa, "generic");
    assert_int_equal(t->alignment, 64);
    assert_int_equal(t->ram_bytes, 0);
    assert_int_equal(t->flash_bytes, 0);
    assert_string_equal(t->cflags, "-std=c99 -O2");
    EXPECT_FAIL_MSG(ec_target_load(".", "no-such-board"), "unknown target 'no-such-board' (known: generic)");
    EXPECT_FAIL_MSG(ec_target_load(".", "../etc/passwd"), "unknown target");

    fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    xml = ec_fmt("%s.xml", path);
    write_text(xml, "<?xml version=\"1.0\"?>\n<target name=\"b\">\n  <description>d</description>\n"
                    "  <isa>generic</isa>\n  <alignment>48</alignment>\n  <ram_bytes>1</ram_bytes>\n"
                    "  <flash_bytes>0</flash_bytes>\n  <cc>cc</cc>\n  <cflags></cflags>\n</target>\n");
    EXPECT_FAIL_MSG(ec_target_load(".", xml), ".xml:5: ");
    write_text(xml, "<?xml version=\"1.0\"?>\n<target name=\"b\">\n  <isa>generic</isa>\n</target>\n");
    EXPECT_FAIL_MSG(ec_target_load(".", xml), ".xml:3: ");
    write_text(xml, "<?xml version=\"1.0\"?>\n<target name=\"b\">\n\n  <isa>generic</is>\n</target>\n");
    EXPECT_FAIL_MSG(ec_target_load(".", xml), ".xml:4: ");
    write_text(xml, "<?xml version=\"1.0\"?>\n<target name=\"board\">\n  <description>d</description>\n"
                    "  <isa>armv7e-m-dsp</isa>\n  <alignment>16</alignment>\n  <ram_bytes>65536</ram_bytes>\n"
                    "  <flash_bytes>262144</flash_bytes>\n  <cc>arm-none-eabi-gcc</cc>\n  <cflags>-O2</cflags>\n</target>\n");
    t = ec_target_load(".", xml);
    assert_string_equal(t->name, "board");
    assert_int_equal(t->alignment, 16);
    assert_int_equal(t->ram_bytes, 65536);
    assert_int_equal(t->flash_bytes, 262144);
    remove(xml);
    remove(path);
    ec_free_all();
}

static void test_report_json(void **state)
{
    ec_graph *g = small_graph("x", "y");
    ec_program p;
    ec_options o = opts();
    char *j;
    (void)state;
    compile(g, &p);
    j = ec_report_json(&p, NULL, &o);
    assert_non_null(strstr(j, "\"arena_bytes\": "));
    assert_non_null(strstr(j, "\"weights_bytes\": 24"));
    assert_non_null(strstr(j, "\"op\": \"Add\""));
    assert_non_null(strstr(j, "\"lower_bound\": "));
    ec_free_all();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codegen_basic),
        cmocka_unit_test(test_hexfloat),
        cmocka_unit_test(test_streamed_weights),
        cmocka_unit_test(test_name_clash),
        cmocka_unit_test(test_reserved_names),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_output_write),
        cmocka_unit_test(test_targets),
        cmocka_unit_test(test_report_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
