/* test_reader.c - frontend/onnx_pb.c: ModelProto messages built in C with
 * protobuf-c, packed to a temp file, read back, and checked in the IR. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edgec.h"
#include "onnx.pb-c.h"

static char tmpdir[64];

/* ---- message builders (ec_alloc: released by ec_free_all) ------------------ */

typedef struct mb {
    Onnx__ModelProto m;
    Onnx__GraphProto g;
    Onnx__OperatorSetIdProto op;
    Onnx__OperatorSetIdProto *ops[4];
    Onnx__NodeProto *nodes[16];
    Onnx__TensorProto *inits[16];
    Onnx__ValueInfoProto *ins[16], *outs[16];
} mb;

static mb *mb_new(void)
{
    mb *b = ec_alloc(sizeof *b);
    Onnx__ModelProto m = ONNX__MODEL_PROTO__INIT;
    Onnx__GraphProto g = ONNX__GRAPH_PROTO__INIT;
    Onnx__OperatorSetIdProto op = ONNX__OPERATOR_SET_ID_PROTO__INIT;
    b->m = m;
    b->g = g;
    b->op = op;
    b->op.domain = "";
    b->op.has_version = 1;
    b->op.version = 17;
    b->ops[0] = &b->op;
    b->m.has_ir_version = 1;
    b->m.ir_version = 8;
    b->m.n_opset_import = 1;
    b->m.opset_import = b->ops;
    b->m.graph = &b->g;
    b->g.name = "g";
    b->g.node = b->nodes;
    b->g.initializer = b->inits;
    b->g.input = b->ins;
    b->g.output = b->outs;
    return b;
}

static Onnx__TensorProto *tensor(const char *name, int dt, int rank, const int64_t *dims)
{
    Onnx__TensorProto *t = ec_alloc(sizeof *t);
    Onnx__TensorProto init = ONNX__TENSOR_PROTO__INIT;
    *t = init;
    t->name = (char *)name;
    t->has_data_type = 1;
    t->data_type = dt;
    t->n_dims = (size_t)rank;
    t->dims = ec_alloc(sizeof(int64_t) * (size_t)(rank > 8 ? rank : 8));
    memcpy(t->dims, dims, sizeof(int64_t) * (size_t)rank);
    return t;
}

static void set_raw(Onnx__TensorProto *t, const void *p, size_t n)
{
    t->has_raw_data = 1;
    t->raw_data.len = n;
    t->raw_data.data = ec_alloc(n ? n : 1);
    memcpy(t->raw_data.data, p, n);
}

/* Value info; syms[i] non-NULL makes dim i symbolic. */
static Onnx__ValueInfoProto *vinfo(const char *name, int dt, int rank, const int64_t *dims,
                                   const char *const *syms)
{
    Onnx__ValueInfoProto *v = ec_alloc(sizeof *v);
    Onnx__ValueInfoProto vi = ONNX__VALUE_INFO_PROTO__INIT;
    Onnx__TypeProto tp = ONNX__TYPE_PROTO__INIT;
    Onnx__TypeProto__Tensor tt = ONNX__TYPE_PROTO__TENSOR__INIT;
    Onnx__TensorShapeProto sp = ONNX__TENSOR_SHAPE_PROTO__INIT;
    *v = vi;
    v->name = (char *)name;
    v->type = ec_alloc(sizeof *v->type);
    *v->type = tp;
    v->type->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    v->type->tensor_type = ec_alloc(sizeof tt);
    *v->type->tensor_type = tt;
    v->type->tensor_type->has_elem_type = 1;
    v->type->tensor_type->elem_type = dt;
    if (rank >= 0) {
        Onnx__TensorShapeProto *s = ec_alloc(sizeof *s);
        *s = sp;
        s->n_dim = (size_t)rank;
        s->dim = ec_alloc(sizeof(*s->dim) * 8);
        for (int i = 0; i < rank; i++) {
            Onnx__TensorShapeProto__Dimension di = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT;
            s->dim[i] = ec_alloc(sizeof di);
            *s->dim[i] = di;
            if (syms && syms[i]) {
                s->dim[i]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
                s->dim[i]->dim_param = (char *)syms[i];
            } else {
                s->dim[i]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
                s->dim[i]->dim_value = dims[i];
            }
        }
        v->type->tensor_type->shape = s;
    }
    return v;
}

static Onnx__NodeProto *node(const char *op, const char *name, const char *in0, const char *in1,
                             const char *out0)
{
    Onnx__NodeProto *n = ec_alloc(sizeof *n);
    Onnx__NodeProto init = ONNX__NODE_PROTO__INIT;
    *n = init;
    n->op_type = (char *)op;
    n->name = (char *)name;
    n->input = ec_alloc(sizeof(char *) * 2);
    if (in0) n->input[n->n_input++] = (char *)in0;
    if (in1) n->input[n->n_input++] = (char *)in1;
    n->output = ec_alloc(sizeof(char *));
    n->output[n->n_output++] = (char *)out0;
    n->attribute = ec_alloc(sizeof(*n->attribute) * 16);
    return n;
}

static Onnx__AttributeProto *attr(Onnx__NodeProto *n, const char *name, int type)
{
    Onnx__AttributeProto *a = ec_alloc(sizeof *a);
    Onnx__AttributeProto init = ONNX__ATTRIBUTE_PROTO__INIT;
    *a = init;
    a->name = (char *)name;
    a->has_type = 1;
    a->type = type;
    n->attribute[n->n_attribute++] = a;
    return a;
}

/* A graph X -> Relu -> Y, for sub-graph attributes. */
static Onnx__GraphProto *relu_graph(const char *name)
{
    Onnx__GraphProto *g = ec_alloc(sizeof *g);
    Onnx__GraphProto init = ONNX__GRAPH_PROTO__INIT;
    int64_t d[1] = { 4 };
    *g = init;
    g->name = (char *)name;
    g->node = ec_alloc(sizeof(*g->node));
    g->node[g->n_node++] = node("Relu", "inner", "sx", NULL, "sy");
    g->input = ec_alloc(sizeof(*g->input));
    g->input[g->n_input++] = vinfo("sx", EC_DT_FLOAT, 1, d, NULL);
    g->output = ec_alloc(sizeof(*g->output));
    g->output[g->n_output++] = vinfo("sy", EC_DT_FLOAT, 1, d, NULL);
    return g;
}

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (n) assert_int_equal(fwrite(p, 1, n, f), n);
    fclose(f);
}

static const char *write_msg(const ProtobufCMessage *m, const char *file)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = ec_alloc(n ? n : 1);
    const char *path = ec_fmt("%s/%s", tmpdir, file);
    assert_int_equal(protobuf_c_message_pack(m, buf), n);
    write_bytes(path, buf, n);
    ec_free(buf);
    return path;
}

static const char *write_model(mb *b, const char *file)
{
    return write_msg(&b->m.base, file);
}

/* Simple model: input X float [2,3] (+ optional initializer W), Add -> Y. */
static mb *add_model(Onnx__TensorProto *w)
{
    mb *b = mb_new();
    int64_t d[2] = { 2, 3 };
    b->g.input[b->g.n_input++] = vinfo("X", EC_DT_FLOAT, 2, d, NULL);
    if (w) b->g.initializer[b->g.n_initializer++] = w;
    b->g.node[b->g.n_node++] = node("Add", "add0", "X", w ? w->name : "X", "Y");
    b->g.output[b->g.n_output++] = vinfo("Y", EC_DT_FLOAT, 2, d, NULL);
    return b;
}

/* Expect `expr` to fail with a message containing `sub`. */
#define EXPECT_READ_FAIL(expr, sub) do { \
        jmp_buf jb_; \
        ec_diag_quiet(true); \
        ec_diag_catch(&jb_); \
        if (setjmp(jb_) == 0) { \
            (void)(expr); \
            ec_diag_catch(NULL); \
            fail_msg("expected a failure containing '%s'", (sub)); \
        } \
        ec_diag_catch(NULL); \
        ec_diag_quiet(false); \
        if (!strstr(ec_diag_last(), (sub))) \
            fail_msg("message '%s' lacks '%s'", ec_diag_last(), (sub)); \
        if (strncmp(ec_diag_last(), "edgec: ", 7) != 0) \
            fail_msg("message '%s' lacks the 'edgec: ' prefix", ec_diag_last()); \
    } while (0)

static const ec_value *val(const ec_graph *g, const char *name)
{
    int v = ec_value_find(g, name);
    if (v < 0) fail_msg("no value '%s'", name);
    return &g->values.a[v];
}

/* ---- tests ---------------------------------------------------------------- */

static void test_raw_vs_typed(void **state)
{
    (void)state;
    static const struct { int dt; size_t esz; } cases[] = {
        { EC_DT_FLOAT, 4 }, { EC_DT_DOUBLE, 8 }, { EC_DT_INT64, 8 }, { EC_DT_INT32, 4 },
        { EC_DT_INT8, 1 }, { EC_DT_UINT8, 1 }, { EC_DT_INT16, 2 }, { EC_DT_UINT16, 2 },
        { EC_DT_BOOL, 1 }, { EC_DT_FLOAT16, 2 }, { EC_DT_BFLOAT16, 2 }, { EC_DT_UINT32, 4 },
        { EC_DT_UINT64, 8 },
    };
    int64_t d[2] = { 2, 3 };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        int dt = cases[c].dt;
        size_t esz = cases[c].esz;
        Onnx__TensorProto *raw = tensor("R", dt, 2, d), *typed = tensor("T", dt, 2, d);
        uint8_t bytes[6 * 8];
        mb *b = mb_new();
        ec_graph *g;
        int64_t o[1] = { 1 };
        for (int i = 0; i < 6; i++) {
            int32_t v32 = i == 1 ? -3 : i * 7;
            if (dt == EC_DT_UINT8 || dt == EC_DT_UINT16 || dt == EC_DT_UINT32 || dt == EC_DT_UINT64)
                v32 = i * 7;
            if (dt == EC_DT_BOOL) v32 = i & 1;
            if (dt == EC_DT_FLOAT16) v32 = ec_f32_to_f16((float)i * 0.5f);
            if (dt == EC_DT_BFLOAT16) v32 = ec_f32_to_bf16((float)i * -1.5f);
            switch (dt) {
            case EC_DT_FLOAT: {
                float f = (float)v32 * 0.25f;
                memcpy(bytes + 4 * i, &f, 4);
                if (!typed->float_data) typed->float_data = ec_alloc(6 * sizeof(float));
                typed->float_data[typed->n_float_data++] = f;
                break;
            }
            case EC_DT_DOUBLE: {
                double f = (double)v32 * 0.125;
                memcpy(bytes + 8 * i, &f, 8);
                if (!typed->double_data) typed->double_data = ec_alloc(6 * sizeof(double));
                typed->double_data[typed->n_double_data++] = f;
                break;
            }
            case EC_DT_INT64: {
                int64_t v = (int64_t)v32 * 1000000000000LL;
                memcpy(bytes + 8 * i, &v, 8);
                if (!typed->int64_data) typed->int64_data = ec_alloc(6 * sizeof(int64_t));
                typed->int64_data[typed->n_int64_data++] = v;
                break;
            }
            case EC_DT_UINT32: case EC_DT_UINT64: {
                uint64_t v = (uint64_t)v32 * (dt == EC_DT_UINT32 ? 100000000u : 10000000000ull);
                if (dt == EC_DT_UINT32) { uint32_t x = (uint32_t)v; memcpy(bytes + 4 * i, &x, 4); }
                else memcpy(bytes + 8 * i, &v, 8);
                if (!typed->uint64_data) typed->uint64_data = ec_alloc(6 * sizeof(uint64_t));
                typed->uint64_data[typed->n_uint64_data++] = v;
                break;
            }
            default: {
                if (esz == 1) bytes[i] = (uint8_t)v32;
                else if (esz == 2) { uint16_t x = (uint16_t)v32; memcpy(bytes + 2 * i, &x, 2); }
                else memcpy(bytes + 4 * i, &v32, 4);
                if (!typed->int32_data) typed->int32_data = ec_alloc(6 * sizeof(int32_t));
                typed->int32_data[typed->n_int32_data++] = v32;
                break;
            }
            }
        }
        set_raw(raw, bytes, 6 * esz);
        b->g.initializer[b->g.n_initializer++] = raw;
        b->g.initializer[b->g.n_initializer++] = typed;
        b->g.node[b->g.n_node++] = node("Add", "a", "R", "T", "Y");
        b->g.output[b->g.n_output++] = vinfo("Y", dt, 2, d, NULL);
        g = ec_read_onnx(write_model(b, "raw_typed.onnx"));
        {
            const ec_value *r = val(g, "R"), *t = val(g, "T");
            assert_true(r->is_initializer && t->is_initializer);
            assert_int_equal(r->dtype, dt);
            assert_int_equal(t->dtype, dt);
            assert_int_equal(r->shape.rank, 2);
            assert_int_equal(r->shape.dim[1], 3);
            assert_int_equal(r->nbytes, 6 * esz);
            assert_int_equal(t->nbytes, 6 * esz);
            assert_memory_equal(r->data, bytes, 6 * esz);
            assert_memory_equal(t->data, bytes, 6 * esz);
        }
        (void)o;
    }
}

static void test_bool_normalized(void **state)
{
    (void)state;
    int64_t d[1] = { 3 };
    Onnx__TensorProto *raw = tensor("B", EC_DT_BOOL, 1, d);
    uint8_t bytes[3] = { 0, 7, 255 };
    mb *b;
    ec_graph *g;
    set_raw(raw, bytes, 3);
    b = add_model(NULL);
    b->g.initializer[b->g.n_initializer++] = raw;
    g = ec_read_onnx(write_model(b, "bool.onnx"));
    const uint8_t *p = val(g, "B")->data;
    assert_int_equal(p[0], 0);
    assert_int_equal(p[1], 1);
    assert_int_equal(p[2], 1);
}

static void test_external_data(void **state)
{
    (void)state;
    float w[6] = { 1, 2, 3, 4, 5, 6 };
    uint8_t file[8 + sizeof w];
    int64_t d[2] = { 2, 3 };
    Onnx__TensorProto *t = tensor("W", EC_DT_FLOAT, 2, d);
    Onnx__StringStringEntryProto kv[3] = {
        ONNX__STRING_STRING_ENTRY_PROTO__INIT, ONNX__STRING_STRING_ENTRY_PROTO__INIT,
        ONNX__STRING_STRING_ENTRY_PROTO__INIT
    };
    Onnx__StringStringEntryProto *kvp[3] = { &kv[0], &kv[1], &kv[2] };
    ec_graph *g;
    memset(file, 0xee, 8);
    memcpy(file + 8, w, sizeof w);
    assert_int_equal(system(ec_fmt("mkdir -p %s/sub", tmpdir)), 0);
    write_bytes(ec_fmt("%s/sub/weights.bin", tmpdir), file, sizeof file);
    kv[0].key = "location"; kv[0].value = "sub/weights.bin";
    kv[1].key = "offset"; kv[1].value = "8";
    kv[2].key = "length"; kv[2].value = "24";
    t->has_data_location = 1;
    t->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    t->n_external_data = 3;
    t->external_data = kvp;
    g = ec_read_onnx(write_model(add_model(t), "ext.onnx"));
    assert_memory_equal(val(g, "W")->data, w, sizeof w);
    assert_int_equal(g->inputs.n, 1);

    /* escaping the model's folder */
    kv[0].value = "../weights.bin";
    EXPECT_READ_FAIL(ec_read_onnx(write_model(add_model(t), "ext_up.onnx")), "leaves the model's folder");
    kv[0].value = "sub/../../x.bin";
    EXPECT_READ_FAIL(ec_read_onnx(write_model(add_model(t), "ext_up2.onnx")), "leaves the model's folder");
    kv[0].value = "/etc/passwd";
    EXPECT_READ_FAIL(ec_read_onnx(write_model(add_model(t), "ext_abs.onnx")), "is absolute");
    /* a symlink inside the folder that points outside */
    unlink(ec_fmt("%s/link.bin", tmpdir));
    assert_int_equal(symlink("/etc/hostname", ec_fmt("%s/link.bin", tmpdir)), 0);
    kv[0].value = "link.bin";
    kv[2].value = "";
    t->n_external_data = 1;
    EXPECT_READ_FAIL(ec_read_onnx(write_model(add_model(t), "ext_link.onnx")), "leaves the model's folder");
    /* missing file, wrong length, file too short */
    kv[0].value = "nope.bin";
    EXPECT_READ_FAIL(ec_read_onnx(write_model(add_model(t), "ext_missing.onnx")), "cannot open external data file 'nope.bin'");
    kv[0].value = "sub/weights.bin";
    kv[2].value = "20";
    t->n_external_data = 3;
    EXPECT_READ_FAIL(ec_read_onnx(write_model(add_model(t), "ext_len.onnx")), "external data length 20");
    kv[1].value = "16";
    kv[2].value = "24";
    EXPECT_READ_FAIL(ec_read_onnx(write_model(add_model(t), "ext_short.onnx")), "offset 16 + 24 needed");
    kv[1].value = "-1";
    EXPECT_READ_FAIL(ec_read_onnx(write_model(add_model(t), "ext_neg.onnx")), "bad external data offset");
}

static void test_symbolic_dims(void **state)
{
    (void)state;
    mb *b = mb_new();
    int64_t d[3] = { 0, 3, 0 };
    const char *syms[3] = { "N", NULL, "seq" };
    ec_graph *g;
    const ec_value *x;
    b->g.input[b->g.n_input++] = vinfo("X", EC_DT_FLOAT, 3, d, syms);
    b->g.node[b->g.n_node++] = node("Relu", "r", "X", NULL, "Y");
    b->g.output[b->g.n_output++] = vinfo("Y", EC_DT_FLOAT, -1, NULL, NULL);
    g = ec_read_onnx(write_model(b, "sym.onnx"));
    x = val(g, "X");
    assert_true(x->is_input);
    assert_int_equal(g->inputs.n, 1);
    assert_int_equal(g->inputs.a[0], ec_value_find(g, "X"));
    assert_int_equal(x->dtype, EC_DT_FLOAT);
    assert_int_equal(x->shape.rank, 3);
    assert_int_equal(x->shape.dim[0], -1);
    assert_string_equal(x->shape.sym[0], "N");
    assert_int_equal(x->shape.dim[1], 3);
    assert_null(x->shape.sym[1]);
    assert_int_equal(x->shape.dim[2], -1);
    assert_string_equal(x->shape.sym[2], "seq");
    assert_int_equal(g->outputs.n, 1);
    assert_true(val(g, "Y")->is_output);
    assert_int_equal(g->ir_version, 8);
    assert_int_equal(g->opset, 17);
}

static void test_attributes(void **state)
{
    (void)state;
    mb *b = add_model(NULL);
    Onnx__NodeProto *n = b->g.node[0];
    Onnx__AttributeProto *a;
    int64_t td[1] = { 2 };
    float tf[2] = { 1.5f, -2.5f };
    ec_graph *g;
    const ec_node *en;
    const ec_attr *ea;
    int64_t ints[3] = { 1, -2, 3 };
    float floats[2] = { 0.5f, 0.25f };
    ProtobufCBinaryData strs[2] = { { 2, (uint8_t *)"ab" }, { 3, (uint8_t *)"cde" } };

    n->domain = "ai.onnx";
    a = attr(n, "f", EC_ATTR_FLOAT);
    a->has_f = 1; a->f = 0.75f;
    a = attr(n, "i", EC_ATTR_INT);
    a->has_i = 1; a->i = -42;
    a = attr(n, "s", EC_ATTR_STRING);
    a->has_s = 1; a->s.len = 3; a->s.data = (uint8_t *)"a\0b";
    a = attr(n, "t", EC_ATTR_TENSOR);
    a->t = tensor("", EC_DT_FLOAT, 1, td);
    set_raw(a->t, tf, sizeof tf);
    a = attr(n, "g", EC_ATTR_GRAPH);
    a->g = relu_graph("body");
    a = attr(n, "fs", EC_ATTR_FLOATS);
    a->n_floats = 2; a->floats = floats;
    a = attr(n, "is", EC_ATTR_INTS);
    a->n_ints = 3; a->ints = ints;
    a = attr(n, "ss", EC_ATTR_STRINGS);
    a->n_strings = 2; a->strings = strs;
    a = attr(n, "ts", EC_ATTR_TENSORS);
    a->n_tensors = 2;
    a->tensors = ec_alloc(sizeof(*a->tensors) * 2);
    a->tensors[0] = tensor("t0", EC_DT_INT64, 1, td);
    a->tensors[0]->n_int64_data = 2;
    a->tensors[0]->int64_data = ints;
    a->tensors[1] = tensor("t1", EC_DT_FLOAT, 0, td);
    a->tensors[1]->n_float_data = 1;
    a->tensors[1]->float_data = floats;
    a = attr(n, "gs", EC_ATTR_GRAPHS);
    a->n_graphs = 2;
    a->graphs = ec_alloc(sizeof(*a->graphs) * 2);
    a->graphs[0] = relu_graph("g0");
    a->graphs[1] = relu_graph("g1");
    attr(n, "tp", EC_ATTR_TYPE_PROTO);
    attr(n, "sp", EC_ATTR_SPARSE_TENSOR);
    /* IR < 3 style: no type field, inferred from the value */
    a = attr(n, "old", EC_ATTR_UNDEFINED);
    a->has_type = 0;
    a->has_i = 1; a->i = 5;

    g = ec_read_onnx(write_model(b, "attrs.onnx"));
    assert_int_equal(g->nodes.n, 1);
    en = &g->nodes.a[0];
    assert_string_equal(en->op, "Add");
    assert_string_equal(en->name, "add0");
    assert_string_equal(en->domain, "");
    assert_int_equal(en->index, 0);
    assert_int_equal(en->nattrs, 13);
    assert_true(ec_attr_float(en, "f", 0) == 0.75f);
    assert_int_equal(ec_attr_int(en, "i", 0), -42);
    ea = ec_attr_find(en, "s");
    assert_int_equal(ea->type, EC_ATTR_STRING);
    assert_int_equal(ea->slen, 3);
    assert_memory_equal(ea->s, "a\0b", 3);
    ea = ec_attr_find(en, "t");
    assert_int_equal(ea->type, EC_ATTR_TENSOR);
    assert_int_equal(ea->t->dtype, EC_DT_FLOAT);
    assert_int_equal(ea->t->shape.rank, 1);
    assert_int_equal(ea->t->nbytes, sizeof tf);
    assert_memory_equal(ea->t->data, tf, sizeof tf);
    ea = ec_attr_find(en, "g");
    assert_int_equal(ea->type, EC_ATTR_GRAPH);
    assert_non_null(ea->g);
    assert_ptr_equal(ea->g->parent, g);
    assert_string_equal(ea->g->name, "body");
    assert_int_equal(ea->g->nodes.n, 1);
    assert_string_equal(ea->g->nodes.a[0].op, "Relu");
    assert_int_equal(ea->g->inputs.n, 1);
    assert_int_equal(ea->g->outputs.n, 1);
    assert_int_equal(ea->g->opset, 17);
    {
        const float *fs;
        const int64_t *is;
        assert_int_equal(ec_attr_floats(en, "fs", &fs), 2);
        assert_true(fs[1] == 0.25f);
        assert_int_equal(ec_attr_ints(en, "is", &is), 3);
        assert_int_equal(is[1], -2);
    }
    ea = ec_attr_find(en, "ss");
    assert_int_equal(ea->type, EC_ATTR_STRINGS);
    assert_int_equal(ea->n, 2);
    assert_string_equal(ea->strings[1], "cde");
    ea = ec_attr_find(en, "ts");
    assert_int_equal(ea->type, EC_ATTR_TENSORS);
    assert_int_equal(ea->n, 2);
    assert_int_equal(((int64_t *)ea->tensors[0]->data)[0], 1);
    assert_int_equal(ea->tensors[1]->shape.rank, 0);
    assert_true(*(float *)ea->tensors[1]->data == 0.5f);
    ea = ec_attr_find(en, "gs");
    assert_int_equal(ea->type, EC_ATTR_GRAPHS);
    assert_int_equal(ea->n, 2);
    assert_string_equal(ea->graphs[1]->name, "g1");
    assert_ptr_equal(ea->graphs[1]->parent, g);
    assert_int_equal(ec_attr_find(en, "tp")->type, EC_ATTR_TYPE_PROTO);
    assert_int_equal(ec_attr_find(en, "sp")->type, EC_ATTR_SPARSE_TENSOR);
    assert_int_equal(ec_attr_find(en, "old")->type, EC_ATTR_INT);
    assert_int_equal(ec_attr_int(en, "old", 0), 5);

    /* duplicates and bad types */
    a = attr(n, "i", EC_ATTR_INT);
    EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "attr_dup.onnx")), "node 0 'add0' (Add): duplicate attribute 'i'");
    a->name = "weird";
    a->type = 99;
    EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "attr_type.onnx")), "attribute 'weird' has unknown type 99");
}

static void test_ir3_input_initializers(void **state)
{
    (void)state;
    int64_t d[2] = { 2, 3 };
    float w[6] = { 1, 2, 3, 4, 5, 6 };
    Onnx__TensorProto *t = tensor("W", EC_DT_FLOAT, 2, d);
    mb *b;
    ec_graph *g;
    set_raw(t, w, sizeof w);
    b = add_model(t);
    b->m.ir_version = 3;
    b->op.version = 8;
    b->g.input[b->g.n_input++] = vinfo("W", EC_DT_FLOAT, 2, d, NULL);
    g = ec_read_onnx(write_model(b, "ir3.onnx"));
    assert_int_equal(g->ir_version, 3);
    assert_int_equal(g->opset, 8);
    assert_int_equal(g->inputs.n, 1);
    assert_int_equal(g->inputs.a[0], ec_value_find(g, "X"));
    assert_true(val(g, "W")->is_initializer);
    assert_false(val(g, "W")->is_input);
    assert_memory_equal(val(g, "W")->data, w, sizeof w);
    /* declared type disagrees with the initializer */
    b->g.input[1] = vinfo("W", EC_DT_INT64, 2, d, NULL);
    EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "ir3_bad.onnx")), "input 'W' is declared int64 but its initializer is float");
}

static void test_node_index_and_domain(void **state)
{
    (void)state;
    mb *b = add_model(NULL);
    Onnx__OperatorSetIdProto ml = ONNX__OPERATOR_SET_ID_PROTO__INIT;
    ec_graph *g;
    ml.domain = "ai.onnx.ml";
    ml.has_version = 1;
    ml.version = 3;
    b->ops[1] = &ml;
    b->m.n_opset_import = 2;
    b->g.node[b->g.n_node++] = node("Relu", "", "Y", NULL, "Z");
    b->g.node[b->g.n_node++] = node("Normalizer", "norm", "Z", NULL, "Q");
    b->g.node[2]->domain = "ai.onnx.ml";
    g = ec_read_onnx(write_model(b, "idx.onnx"));
    assert_int_equal(g->nodes.n, 3);
    assert_int_equal(g->nodes.a[1].index, 1);
    assert_string_equal(g->nodes.a[1].name, "");
    assert_int_equal(g->nodes.a[2].index, 2);
    assert_string_equal(g->nodes.a[2].domain, "ai.onnx.ml");
    assert_int_equal(g->nodes.a[2].in[0], ec_value_find(g, "Z"));
    /* a domain the model does not import */
    b->g.node[2]->domain = "com.example";
    EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "dom.onnx")), "node 2 'norm' (Normalizer): domain 'com.example' is not in the model's opset_import");
}

static void test_tensor_pb(void **state)
{
    (void)state;
    int64_t d[3] = { 1, 2, 2 };
    int32_t v[4] = { 1, -2, 3, -4 };
    Onnx__TensorProto *t = tensor("input_0", EC_DT_INT32, 3, d);
    ec_tensor *et;
    t->n_int32_data = 4;
    t->int32_data = v;
    ec_diag_set_file("model.onnx");
    et = ec_read_tensor_pb(write_msg(&t->base, "input_0.pb"));
    assert_string_equal(et->name, "input_0");
    assert_int_equal(et->dtype, EC_DT_INT32);
    assert_int_equal(et->shape.rank, 3);
    assert_int_equal(et->nbytes, sizeof v);
    assert_memory_equal(et->data, v, sizeof v);
    assert_string_equal(ec_diag_file(), "model.onnx");
    t->n_int32_data = 3;
    EXPECT_READ_FAIL(ec_read_tensor_pb(write_msg(&t->base, "short.pb")), "tensor has 3 values, dims [1,2,2] need 4");
    assert_non_null(strstr(ec_diag_last(), "short.pb: "));
    write_bytes(ec_fmt("%s/junk.pb", tmpdir), "\xff\xff\xff", 3);
    EXPECT_READ_FAIL(ec_read_tensor_pb(ec_fmt("%s/junk.pb", tmpdir)), "not a valid ONNX tensor (protobuf parse failed)");
}

/* Large initializers (raw_data >= 64 KiB) are read straight into place by
 * the wire walk: the data, the small initializers around them and their
 * order must come out as written; a truncated file and a tensor with two
 * raw_data fields fall back to the plain reader (same diagnostics, protobuf's
 * last-one-wins rule). */
static void test_large_initializers(void **state)
{
    const size_t n = 40000; /* 160000 bytes */
    int64_t d1 = (int64_t)n, d6[2] = { 2, 3 };
    float *big = ec_alloc(n * sizeof(float)), small[6] = { 1, 2, 3, 4, 5, 6 };
    Onnx__TensorProto *a = tensor("A", EC_DT_FLOAT, 1, &d1), *w = tensor("W", EC_DT_FLOAT, 2, d6);
    Onnx__TensorProto *c = tensor("C", EC_DT_FLOAT, 1, &d1);
    mb *b;
    ec_graph *g;
    const char *path;
    uint8_t *buf;
    size_t len, i;
    FILE *f;
    (void)state;
    for (i = 0; i < n; i++) big[i] = (float)i * 0.25f - 7.0f;
    set_raw(a, big, n * sizeof(float));
    set_raw(w, small, sizeof small);
    for (i = 0; i < n; i++) big[i] = -(float)i;
    set_raw(c, big, n * sizeof(float));
    b = add_model(w);
    b->g.initializer[b->g.n_initializer++] = a;
    b->g.initializer[b->g.n_initializer++] = c;
    path = write_model(b, "large.onnx");
    g = ec_read_onnx(path);
    assert_memory_equal(val(g, "W")->data, small, sizeof small);
    assert_int_equal(val(g, "A")->nbytes, n * sizeof(float));
    for (i = 0; i < n; i++) {
        float x, y;
        memcpy(&x, (const uint8_t *)val(g, "A")->data + i * 4, 4);
        memcpy(&y, (const uint8_t *)val(g, "C")->data + i * 4, 4);
        if (x != (float)i * 0.25f - 7.0f || y != -(float)i) fail_msg("element %zu differs", i);
    }

    /* truncated in the middle of A's payload: the plain reader's message */
    f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = ec_alloc(len);
    assert_int_equal(fread(buf, 1, len, f), len);
    fclose(f);
    write_bytes(path, buf, len - n * 2);
    EXPECT_READ_FAIL(ec_read_onnx(path), "not a valid ONNX model (protobuf parse failed)");

    /* A's TensorProto followed by a second raw_data field (24 bytes for [2,3]
     * after the dims are changed): protobuf keeps the last one */
    {
        Onnx__TensorProto *t2 = tensor("A", EC_DT_FLOAT, 2, d6);
        mb *b2;
        set_raw(t2, big, n * sizeof(float));
        /* the same tensor with raw_data given twice, packed by hand */
        {
            Onnx__TensorProto only_dims = *t2;
            size_t tn, k = 0;
            uint8_t *tb, *tensor_bytes;
            only_dims.has_raw_data = 0;
            tn = protobuf_c_message_get_packed_size(&only_dims.base);
            tb = ec_alloc(tn);
            protobuf_c_message_pack(&only_dims.base, tb);
            tensor_bytes = ec_alloc(tn + n * 4 + 64);
            memcpy(tensor_bytes, tb, tn);
            k = tn;
            /* field 9, wire type 2: big raw_data, then 24 bytes */
            tensor_bytes[k++] = 0x4a;
            { size_t v = n * 4; while (v >= 0x80) { tensor_bytes[k++] = (uint8_t)(v | 0x80); v >>= 7; } tensor_bytes[k++] = (uint8_t)v; }
            memcpy(tensor_bytes + k, big, n * 4);
            k += n * 4;
            tensor_bytes[k++] = 0x4a;
            tensor_bytes[k++] = 24;
            memcpy(tensor_bytes + k, small, 24);
            k += 24;
            t2 = onnx__tensor_proto__unpack(NULL, k, tensor_bytes);
            assert_non_null(t2);
            assert_int_equal(t2->raw_data.len, 24);
            b2 = add_model(NULL);
            /* the walk sees the hand-packed bytes only if we write them: splice
             * the TensorProto bytes in as graph field 5 */
            {
                size_t gn = protobuf_c_message_get_packed_size(&b2->g.base), mn, q = 0, v;
                uint8_t *gb = ec_alloc(gn + k + 16), *mbytes;
                Onnx__ModelProto mm = b2->m;
                protobuf_c_message_pack(&b2->g.base, gb);
                gb[gn++] = 0x2a; /* field 5, wire type 2 */
                v = k;
                while (v >= 0x80) { gb[gn++] = (uint8_t)(v | 0x80); v >>= 7; }
                gb[gn++] = (uint8_t)v;
                memcpy(gb + gn, tensor_bytes, k);
                gn += k;
                mm.graph = NULL;
                mn = protobuf_c_message_get_packed_size(&mm.base);
                mbytes = ec_alloc(mn + gn + 16);
                protobuf_c_message_pack(&mm.base, mbytes);
                q = mn;
                mbytes[q++] = 0x3a; /* field 7, wire type 2 */
                v = gn;
                while (v >= 0x80) { mbytes[q++] = (uint8_t)(v | 0x80); v >>= 7; }
                mbytes[q++] = (uint8_t)v;
                memcpy(mbytes + q, gb, gn);
                q += gn;
                write_bytes(path, mbytes, q);
            }
            onnx__tensor_proto__free_unpacked(t2, NULL);
            g = ec_read_onnx(path);
            assert_memory_equal(val(g, "A")->data, small, sizeof small);
        }
    }
}

static void test_file_errors(void **state)
{
    (void)state;
    const char *p = ec_fmt("%s/empty.onnx", tmpdir);
    EXPECT_READ_FAIL(ec_read_onnx(ec_fmt("%s/missing.onnx", tmpdir)), "missing.onnx: cannot open file: No such file or directory");
    write_bytes(p, "", 0);
    EXPECT_READ_FAIL(ec_read_onnx(p), "empty.onnx: file is empty");
    EXPECT_READ_FAIL(ec_read_onnx(tmpdir), "is a directory");
    p = ec_fmt("%s/junk.onnx", tmpdir);
    write_bytes(p, "\x0a\xff\xff\xff\xff\x0f", 6);
    EXPECT_READ_FAIL(ec_read_onnx(p), "not a valid ONNX model (protobuf parse failed)");
}

static void test_version_errors(void **state)
{
    (void)state;
    mb *b = add_model(NULL);
    b->m.ir_version = 9;
    EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "ir9.onnx")), "unsupported IR version 9");
    b->m.ir_version = 2;
    EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "ir2.onnx")), "unsupported IR version 2");
    b->m.has_ir_version = 0;
    EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "irnone.onnx")), "model has no ir_version");
    b->m.has_ir_version = 1;
    b->m.ir_version = 7;
    b->op.version = 18;
    EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "op18.onnx")), "unsupported opset version 18");
    b->op.version = 13;
    b->op.domain = "ai.onnx";
    assert_int_equal(ec_read_onnx(write_model(b, "aionnx.onnx"))->opset, 13);
    b->op.domain = "ai.onnx.ml";
    EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "noop.onnx")), "does not import the default ONNX opset");
    b->op.domain = "";
    b->m.graph = NULL;
    EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "nograph.onnx")), "model has no graph");
}

static void test_tensor_errors(void **state)
{
    (void)state;
    int64_t d[2] = { 2, 3 };
    int64_t big[2] = { 4294967296LL, 4294967296LL };
    int64_t neg[2] = { 2, -3 };
    int64_t d9[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    float w[6] = { 0 };
    Onnx__TensorProto *t = tensor("W", EC_DT_FLOAT, 2, d);
    set_raw(t, w, 20);
    EXPECT_READ_FAIL(ec_read_onnx(write_model(add_model(t), "short.onnx")), "initializer 'W': raw_data has 20 bytes, dims [2,3] need 24");
    t = tensor("W", EC_DT_FLOAT, 2, big);
    set_raw(t, w, 24);
    EXPECT_READ_FAIL(ec_read_onnx(write_model(add_model(t), "ovf.onnx")), "initializer 'W': dim product overflows int64 in [4294967296,4294967296]");
    t = tensor("W", EC_DT_FLOAT, 2, neg);
    EXPECT_READ_FAIL(ec_read_onnx(write_model(add_model(t), "neg.onnx")), "initializer 'W': negative dim -3");
    t = tensor("W", EC_DT_FLOAT, 9, d9);
    EXPECT_READ_FAIL(ec_read_onnx(write_model(add_model(t), "rank9.onnx")), "rank 9 exceeds the maximum 8");
    t = tensor("W", 42, 2, d);
    EXPECT_READ_FAIL(ec_read_onnx(write_model(add_model(t), "dt42.onnx")), "unsupported tensor data type 42");
    t = tensor("W", EC_DT_FLOAT, 2, d);
    EXPECT_READ_FAIL(ec_read_onnx(write_model(add_model(t), "nodata.onnx")), "tensor has no data");
    t = tensor("W", EC_DT_INT8, 2, d);
    t->n_int32_data = 6;
    t->int32_data = ec_alloc(6 * sizeof(int32_t));
    t->int32_data[4] = 300;
    EXPECT_READ_FAIL(ec_read_onnx(write_model(add_model(t), "range.onnx")), "int32_data value 300 out of range for int8");
    t->n_int64_data = 1;
    t->int64_data = d;
    EXPECT_READ_FAIL(ec_read_onnx(write_model(add_model(t), "wrongfield.onnx")), "int8 tensor has data in a field for another type");
    t = tensor("W", EC_DT_FLOAT, 2, d);
    set_raw(t, w, 24);
    t->n_float_data = 1;
    t->float_data = w;
    EXPECT_READ_FAIL(ec_read_onnx(write_model(add_model(t), "both.onnx")), "both raw_data and typed data");
    /* duplicate initializer */
    {
        mb *b;
        t = tensor("W", EC_DT_FLOAT, 2, d);
        set_raw(t, w, 24);
        b = add_model(t);
        b->g.initializer[b->g.n_initializer++] = t;
        EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "dupinit.onnx")), "initializer 'W' is defined twice");
    }
    /* an input whose static dims overflow */
    {
        mb *b = mb_new();
        b->g.input[b->g.n_input++] = vinfo("X", EC_DT_FLOAT, 2, big, NULL);
        b->g.node[b->g.n_node++] = node("Relu", "r", "X", NULL, "Y");
        b->g.output[b->g.n_output++] = vinfo("Y", EC_DT_FLOAT, -1, NULL, NULL);
        EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "inovf.onnx")), "input 'X': dim product overflows int64");
        b->g.input[0] = vinfo("X", EC_DT_FLOAT, 2, neg, NULL);
        EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "inneg.onnx")), "input 'X': negative dim -3 at axis 1");
        {
            Onnx__TypeProto__Sequence seq = ONNX__TYPE_PROTO__SEQUENCE__INIT;
            b->g.input[0]->type->value_case = ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE;
            b->g.input[0]->type->sequence_type = ec_alloc(sizeof seq);
            *b->g.input[0]->type->sequence_type = seq;
        }
        EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "inseq.onnx")), "input 'X': sequence type without an element type");
        b->g.input[0]->type = NULL;
        EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "innotype.onnx")), "input 'X' has no type");
    }
}

static void test_string_tensor(void **state)
{
    (void)state;
    int64_t d[1] = { 2 };
    ProtobufCBinaryData strs[2] = { { 2, (uint8_t *)"ab" }, { 1, (uint8_t *)"c" } };
    Onnx__TensorProto *t = tensor("S", EC_DT_STRING, 1, d);
    ec_graph *g;
    t->n_string_data = 2;
    t->string_data = strs;
    g = ec_read_onnx(write_model(add_model(t), "str.onnx"));
    assert_int_equal(val(g, "S")->dtype, EC_DT_STRING);
    t->n_string_data = 1;
    EXPECT_READ_FAIL(ec_read_onnx(write_model(add_model(t), "str_bad.onnx")), "string tensor has 1 elements, its dims need 2");
}

static void test_sparse_initializer(void **state)
{
    (void)state;
    int64_t d[2] = { 2, 3 }, nnz[1] = { 2 }, idx2[2] = { 2, 2 };
    float v[2] = { 7, 9 };
    int64_t lin[2] = { 1, 5 }, coo[4] = { 0, 1, 1, 2 };
    float want[6] = { 0, 7, 0, 0, 0, 9 };
    Onnx__SparseTensorProto sp = ONNX__SPARSE_TENSOR_PROTO__INIT;
    Onnx__SparseTensorProto *spp[1] = { &sp };
    mb *b = add_model(NULL);
    ec_graph *g;
    b->g.node[0]->input[1] = "W";
    sp.values = tensor("W", EC_DT_FLOAT, 1, nnz);
    set_raw(sp.values, v, sizeof v);
    sp.indices = tensor("", EC_DT_INT64, 1, nnz);
    set_raw(sp.indices, lin, sizeof lin);
    sp.n_dims = 2;
    sp.dims = d;
    b->g.n_sparse_initializer = 1;
    b->g.sparse_initializer = spp;
    g = ec_read_onnx(write_model(b, "sparse.onnx"));
    assert_memory_equal(val(g, "W")->data, want, sizeof want);
    sp.indices = tensor("", EC_DT_INT64, 2, idx2);
    set_raw(sp.indices, coo, sizeof coo);
    g = ec_read_onnx(write_model(b, "sparse2.onnx"));
    assert_memory_equal(val(g, "W")->data, want, sizeof want);
    coo[3] = 3;
    set_raw(sp.indices, coo, sizeof coo);
    EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "sparse3.onnx")), "index out of range");
}

/* GraphProto nested n levels deep through If-style GRAPH attributes. */
static Onnx__GraphProto *nested(int n)
{
    Onnx__GraphProto *g = relu_graph("lvl");
    if (n > 0) attr(g->node[0], "body", EC_ATTR_GRAPH)->g = nested(n - 1);
    return g;
}

static void test_nesting_limits(void **state)
{
    (void)state;
    mb *b = add_model(NULL);
    ec_graph *g;
    const ec_graph *c;
    attr(b->g.node[0], "body", EC_ATTR_GRAPH)->g = nested(10);
    g = ec_read_onnx(write_model(b, "nest10.onnx"));
    c = ec_attr_find(&g->nodes.a[0], "body")->g;
    for (int i = 0; i < 10; i++) c = ec_attr_find(&c->nodes.a[0], "body")->g;
    assert_int_equal(c->nodes.n, 1);
    b->g.node[0]->attribute[0]->g = nested(20);
    EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "nest20.onnx")), "sub-graphs nested more than 16 deep");
    /* much deeper than the message limit: rejected before unpacking */
    b->g.node[0]->attribute[0]->g = nested(400);
    EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "nest400.onnx")), "messages nested more than 100 deep");
}

static void test_function_call(void **state)
{
    (void)state;
    mb *b = add_model(NULL);
    Onnx__FunctionProto f = ONNX__FUNCTION_PROTO__INIT;
    Onnx__FunctionProto *fp[1] = { &f };
    Onnx__OperatorSetIdProto lo = ONNX__OPERATOR_SET_ID_PROTO__INIT;
    f.name = "MyFn";
    f.domain = "local";
    lo.domain = "local";
    lo.has_version = 1;
    lo.version = 1;
    b->ops[1] = &lo;
    b->m.n_opset_import = 2;
    b->m.n_functions = 1;
    b->m.functions = fp;
    b->g.node[0]->op_type = "MyFn";
    b->g.node[0]->domain = "local";
    EXPECT_READ_FAIL(ec_read_onnx(write_model(b, "fn.onnx")), "node 0 'add0' (MyFn): calls model-local function 'MyFn'");
}

static int setup(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/edgec_reader_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ec_free_all();
    return system(ec_fmt("rm -rf '%s'", tmpdir)) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raw_vs_typed),
        cmocka_unit_test(test_bool_normalized),
        cmocka_unit_test(test_external_data),
        cmocka_unit_test(test_symbolic_dims),
        cmocka_unit_test(test_attributes),
        cmocka_unit_test(test_ir3_input_initializers),
        cmocka_unit_test(test_node_index_and_domain),
        cmocka_unit_test(test_tensor_pb),
        cmocka_unit_test(test_large_initializers),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_version_errors),
        cmocka_unit_test(test_tensor_errors),
        cmocka_unit_test(test_string_tensor),
        cmocka_unit_test(test_sparse_initializer),
        cmocka_unit_test(test_nesting_limits),
        cmocka_unit_test(test_function_call),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
