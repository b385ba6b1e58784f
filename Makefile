# edgec - ONNX to standalone C for edge devices.
#
#   make              build build/edgec
#   make demo         install missing Debian packages (as root), build, compile samples/mlp, run it
#   make test         every test: unit (cmocka), bad input, golden, determinism, conformance subset
#   make conformance  the whole ONNX conformance suite, table in build/conformance/
#   make asan         build build/asan/edgec with AddressSanitizer + UBSan

CC      ?= cc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -Wall -Wextra -D_POSIX_C_SOURCE=200809L
XML_CFLAGS := $(shell pkg-config --cflags libxml-2.0 2>/dev/null || echo -I/usr/include/libxml2)
XML_LIBS   := $(shell pkg-config --libs libxml-2.0 2>/dev/null || echo -lxml2)
# Layers, lowest first; a file sees its own layer's headers and those of the layers
# below, never above (an upward #include does not compile; make check-layers):
#   runtime-min/include  the kernel library's headers (also copied into generated code)
#   ir/                  the IR, op table, lowering, the program (ir/program.h), ec_buf
#   frontend/            the readers (.onnx, .onnxtxt) into the IR; build/gen
#   compiler/            the passes: planner, quantization, run-time dims (edgec.h)
#   codegen/             C emission, targets, reports: reads the passes' output
#   compiler/main.c      the driver, on top: options and the pipeline
RT_INC       = -Iruntime-min/include
IR_INC       = -Iir $(RT_INC)
FRONTEND_INC = -Ifrontend -I$(B)/gen $(IR_INC)
COMPILER_INC = -Icompiler $(FRONTEND_INC)
CODEGEN_INC  = -Icodegen $(COMPILER_INC)
DRIVER_INC   = $(CODEGEN_INC)
INCLUDES     = $(DRIVER_INC)
LDLIBS   = -lprotobuf-c $(XML_LIBS) -lm

B ?= build
ONNX_PROTO ?= /usr/include/onnx/onnx.proto

GEN_C   = $(B)/gen/onnx.pb-c.c $(TEXT_GEN) $(B)/gen/ec_rt_index.c
# the ONNX text syntax reader: flex and bison output (frontend/onnx_text.l, .y)
TEXT_GEN = $(B)/gen/onnx_text.tab.c $(B)/gen/onnx_text.lex.c
SRCS    = $(wildcard compiler/*.c frontend/*.c ir/*.c ir/ops/*.c codegen/*.c) \
          $(wildcard runtime-min/generic/*.c) $(GEN_C)
# the driver's main() is left out of the library the unit tests link
LIB_SRCS = $(filter-out compiler/main.c,$(SRCS))
OBJS     = $(patsubst %.c,$(B)/obj/%.o,$(patsubst $(B)/%,%,$(SRCS)))
LIB_OBJS = $(patsubst %.c,$(B)/obj/%.o,$(patsubst $(B)/%,%,$(LIB_SRCS)))

.PHONY: all clean test unit demo conformance asan deps check-bad golden determinism
all: $(B)/edgec

$(B)/gen/onnx.pb-c.c $(B)/gen/onnx.pb-c.h: $(ONNX_PROTO)
	@mkdir -p $(B)/gen
	protoc-c --proto_path=$(dir $(ONNX_PROTO)) --c_out=$(B)/gen $(ONNX_PROTO)

# which runtime-min/generic file defines and calls which ec_* symbols (codegen copies by it)
RT_OBJS = $(patsubst %.c,$(B)/obj/%.o,$(wildcard runtime-min/generic/*.c))
$(B)/gen/ec_rt_index.c: $(RT_OBJS) scripts/rt_index.sh
	@mkdir -p $(B)/gen
	sh scripts/rt_index.sh $@ $(RT_OBJS)

$(B)/obj/gen/ec_rt_index.o: $(B)/gen/ec_rt_index.c codegen/codegen.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INCLUDES) -c $< -o $@

$(B)/gen/onnx_text.tab.c $(B)/gen/onnx_text.tab.h &: frontend/onnx_text.y
	@mkdir -p $(B)/gen
	bison -Wall -Werror --defines=$(B)/gen/onnx_text.tab.h -o $(B)/gen/onnx_text.tab.c $<

$(B)/gen/onnx_text.lex.c $(B)/gen/onnx_text.lex.h &: frontend/onnx_text.l
	@mkdir -p $(B)/gen
	flex --header-file=$(B)/gen/onnx_text.lex.h -o $(B)/gen/onnx_text.lex.c $<

# flex and bison output builds warning-free: no -w for these two
$(B)/obj/gen/onnx_text.%.o: $(B)/gen/onnx_text.%.c $(B)/gen/onnx_text.tab.h $(B)/gen/onnx_text.lex.h frontend/text_ast.h frontend/text_lex.h ir/ir.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LAYER_INC) -c $< -o $@

$(B)/obj/gen/%.o: $(B)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -w $(LAYER_INC) -c $< -o $@

# each layer's include list (the driver, compiler/main.c, sees every layer)
$(B)/obj/runtime-min/%.o: LAYER_INC = $(RT_INC)
$(B)/obj/ir/%.o: LAYER_INC = $(IR_INC)
$(B)/obj/frontend/%.o: LAYER_INC = $(FRONTEND_INC)
$(B)/obj/gen/%.o: LAYER_INC = $(FRONTEND_INC)
$(B)/obj/compiler/%.o: LAYER_INC = $(COMPILER_INC)
$(B)/obj/codegen/%.o: LAYER_INC = $(CODEGEN_INC)
$(B)/obj/compiler/main.o: LAYER_INC = $(DRIVER_INC)

$(B)/obj/%.o: %.c $(B)/gen/onnx.pb-c.h $(wildcard ir/*.h compiler/*.h frontend/*.h codegen/*.h runtime-min/include/*.h runtime-min/generic/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XML_CFLAGS) $(LAYER_INC) -c $< -o $@

# The git commit edgec --version prints (not in the generated C, which stays the same across
# commits that do not change it); the header is rewritten only when the commit changes.
EDGEC_COMMIT := $(shell git -C $(CURDIR) describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
$(B)/gen/version.h: FORCE
	@mkdir -p $(B)/gen
	@printf '#define EDGEC_COMMIT "%s"\n' '$(EDGEC_COMMIT)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi
$(B)/obj/compiler/main.o: $(B)/gen/version.h
.PHONY: FORCE
FORCE:

$(B)/edgec: $(OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/libedgec.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

asan:
	$(MAKE) B=build/asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" build/asan/edgec

clean:
	rm -rf build

# `make test` checks (and, as root, installs) every package the tests need first, as `make demo`
# does for the build, so the README's two commands work on a fresh machine in either order; then
# a fresh make runs test-all, whose prerequisites the included files add (test-all: check-...).
test:
	@bash scripts/deps.sh
	@$(MAKE) --no-print-directory test-all
.PHONY: test test-all

include tests/tests.mk
include samples/samples.mk
