# tests/tests.mk - included by the top Makefile.
#
# Unit tests: every tests/unit/test_*.c is a cmocka program linked with
# build/asan/libedgec.a (AddressSanitizer + UBSan).

UNIT_SRCS = $(wildcard tests/unit/test_*.c)
ASAN_B    = build/asan
ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
UNIT_BINS = $(patsubst tests/unit/%.c,$(ASAN_B)/unit/%,$(UNIT_SRCS))

# Only the outer make delegates: inside the sub-make (B=$(ASAN_B)) the top
# Makefile's $(B)/libedgec.a rule must apply, or make recurses forever.
ifneq ($(B),$(ASAN_B))
$(ASAN_B)/libedgec.a:
	$(MAKE) B=$(ASAN_B) CFLAGS="$(ASAN_FLAGS)" $(ASAN_B)/libedgec.a $(ASAN_B)/edgec
.PHONY: $(ASAN_B)/libedgec.a
endif

$(ASAN_B)/unit/%: tests/unit/%.c $(ASAN_B)/libedgec.a tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L $(ASAN_FLAGS) -Wall -Wextra $(XML_CFLAGS) -Iir -Icompiler -Ifrontend -Icodegen -Iruntime-min/include -I$(ASAN_B)/gen -Itests/unit \
	  -o $@ $< $(ASAN_B)/libedgec.a -lcmocka $(LDLIBS)

unit: $(UNIT_BINS) check-kbind
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

# Kernel bindings (tests/kbind/check.py): every kernel row's signature string against the
# prototype in runtime-min/include, its thunk and the runtime-min/generic file that defines it.
check-kbind:
	$(CONF_PYTHON) tests/kbind/check.py --cc $(CC)
.PHONY: check-kbind

test-all: unit

# Conformance (tests/conformance/run.py, libonnx test data): the whole suite,
# and the regression subset of `make test` (tests/conformance/expected_pass.txt).
CONF_PYTHON ?= /usr/bin/python3
CONF_JOBS   ?= 2
conformance: $(B)/edgec
	$(CONF_PYTHON) tests/conformance/run.py --edgec $(B)/edgec --jobs $(CONF_JOBS) --out $(B)/conformance -q
check-conformance: $(B)/edgec
	$(CONF_PYTHON) tests/conformance/run.py --edgec $(B)/edgec --jobs $(CONF_JOBS) --out $(B)/conformance-check -q \
	  --list tests/conformance/expected_pass.txt --check
.PHONY: check-conformance
test-all: check-conformance

# Golden files of code generation, and same-input-same-bytes (tests/golden/).
# GOLDEN_UPDATE=1 make golden rewrites the expected files.
golden: $(B)/edgec
	sh tests/golden/run.sh $(B)/edgec
	sh tests/isa/run.sh $(B)/edgec
# The kernel folder chain of a target (tests/isa/run.sh): an override is copied, an unknown ISA fails.
check-isa: $(B)/edgec
	sh tests/isa/run.sh $(B)/edgec
.PHONY: check-isa
determinism: $(B)/edgec
	sh tests/golden/determinism.sh $(B)/edgec
test-all: golden determinism

# Bad-input tests (tests/bad/, models from make_models.py): one diagnostic line,
# exit status 1, no output files, no sanitizer report.
check-bad: asan
	sh tests/bad/run.sh $(ASAN_B)/edgec
test-all: check-bad

# ONNX text syntax (tests/text/run.py): print -> parse -> print over the conformance
# models, onnx.parser (python3-onnx 1.12) on the printed text, error texts under ASan.
check-text: $(B)/edgec asan
	$(CONF_PYTHON) tests/text/run.py --edgec $(B)/edgec --edgec-errors $(ASAN_B)/edgec
.PHONY: check-text
test-all: check-text

# Fuzz the text frontend with libFuzzer (not part of make test): make fuzz-text FUZZ_SECONDS=300
FUZZ_B = build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
fuzz-text:
	$(MAKE) B=$(FUZZ_B) CC=clang CFLAGS="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" $(FUZZ_B)/libedgec.a
	clang -std=c11 $(FUZZ_FLAGS) -fsanitize=fuzzer -Iir -Ifrontend -Iruntime-min/include \
	  -o $(FUZZ_B)/fuzz_text tests/fuzz/fuzz_text.c $(FUZZ_B)/libedgec.a $(LDLIBS)
	mkdir -p $(FUZZ_B)/corpus && cp tests/text/errors/*.onnxtxt tests/fuzz/seeds/*.onnxtxt $(FUZZ_B)/corpus/
	$(FUZZ_B)/fuzz_text -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -dict=tests/fuzz/onnx_text.dict \
	  $(FUZZ_B)/corpus
.PHONY: fuzz-text

# Shape and type inference in the ONNX text syntax (tests/infer/): expectations
# worked out by hand from the op specs, written as comments in each model.
check-infer: $(B)/edgec
	$(CONF_PYTHON) tests/infer/run.py $(B)/edgec
.PHONY: check-infer
test-all: check-infer

# Weight-only block quantization end to end (tests/wquant/run.py): edgec --quantize w8/w4 on
# tests/wquant/lm.onnx, the generated C built with ASan/UBSan and compared with numpy
# (packed bytes, outputs on dequantized weights, the float model, the report's figures).
check-wquant: $(B)/edgec
	$(CONF_PYTHON) tests/wquant/run.py --edgec $(B)/edgec
.PHONY: check-wquant
test-all: check-wquant
# --weights-file: samples/mlp with its constants in a .bin mapped by the generated POSIX
# loader, under ASan/UBSan; a corrupted, truncated or foreign file is rejected.
check-weights-file: $(B)/edgec
	@bash tests/weights_file/run.sh $(B)/edgec $(B)/check-weights-file
.PHONY: check-weights-file
test-all: check-weights-file

# float16 through the float32-only kernels (ir/infer.c widening): one-node models with
# float16 inputs, expected outputs computed with numpy (tests/f16/make_cases.py), run by
# the conformance runner (ASan/UBSan, same tolerance).
check-f16: $(B)/edgec
	@rm -rf $(B)/check-f16 && $(CONF_PYTHON) tests/f16/make_cases.py $(B)/check-f16/data
	@$(CONF_PYTHON) tests/conformance/run.py --edgec $(B)/edgec --data $(B)/check-f16/data \
	  --out $(B)/check-f16/out --check > $(B)/check-f16/log || { cat $(B)/check-f16/log; exit 1; }
	@tail -1 $(B)/check-f16/log
.PHONY: check-f16
test-all: check-f16

# Static int8 post-training quantization (tests/quant/run.py): a small CNN
# quantized with its calibration sets, the generated C built with ASan/UBSan
# and compared with a numpy float reference; the report's figures recomputed
# with numpy. edgec itself runs under ASan/UBSan (its interpreter runs the kernels).
check-quant: asan
	$(CONF_PYTHON) tests/quant/run.py $(ASAN_B)/edgec
.PHONY: check-quant
test-all: check-quant

# Run-time symbolic dims (tests/symdim/): a decode step with a KV cache compiled with
# --dim past=MIN..MAX by the ASan edgec, its C built with ASan + UBSan and compared with numpy.
check-symdim: asan
	$(CONF_PYTHON) tests/symdim/run.py $(ASAN_B)/edgec
.PHONY: check-symdim
test-all: check-symdim
# Control flow (tests/control/): the golden control model run with its If
# condition flipping between runs, against numpy's values, under ASan/UBSan.
check-control: $(B)/edgec
	sh tests/control/run.sh $(B)/edgec
.PHONY: check-control
test-all: check-control
# String tensors end to end (tests/strings/): a model with string inputs and outputs built
# with a caller under ASan/UBSan; values against numpy's, the run-time string bound check.
check-strings: $(B)/edgec
	sh tests/strings/run.sh $(B)/edgec
.PHONY: check-strings
test-all: check-strings

# Other targets (tests/cross/): the generated C of the samples compiled warning-free for
# Cortex-M4F, Cortex-M0 and aarch64, and the CNN run under qemu-aarch64 (float within 1e-4 of
# PyTorch, int8 logits identical to this machine's).
check-cross: $(B)/edgec
	bash tests/cross/run.sh $(B)/edgec
.PHONY: check-cross
test-all: check-cross

# A microcontroller (tests/cortexm/): samples/cnn's int8 build on a Cortex-M4F, bare metal under
# qemu-system-arm, its logits bit-identical to the same build on this machine.
check-cortexm: $(B)/edgec
	bash tests/cortexm/run.sh $(B)/edgec
.PHONY: check-cortexm
test-all: check-cortexm

# Everything edgec generates for the conformance models, the samples and the test models, in
# one folder (tests/snapshot/run.sh), to compare two versions byte for byte:
#   make snapshot SNAP=/tmp/after; tests/snapshot/run.sh --compare /tmp/before /tmp/after
SNAP ?= $(B)/snapshot
snapshot: $(B)/edgec
	bash tests/snapshot/run.sh $(B)/edgec $(SNAP)
.PHONY: snapshot
# Depfiles (tests/depfile/): -MD/-MF/-MT/-MP read by make: outputs rebuilt when the model,
# the target XML, an external-data, --bind or --calib file changes, and not otherwise.
check-depfile: asan
	bash tests/depfile/run.sh $(ASAN_B)/edgec
.PHONY: check-depfile
test-all: check-depfile

# One-way layering (tests/layers/run.sh): each layer's include list (Makefile) lets a
# header of the same or a lower layer compile and a higher one fail; no source includes
# a header of a higher layer.
check-layers: $(B)/gen/onnx.pb-c.h
	@sh tests/layers/run.sh "$(CC)" "$(B)/gen" "$(RT_INC)" "$(IR_INC)" "$(FRONTEND_INC)" "$(COMPILER_INC)" "$(CODEGEN_INC)"
.PHONY: check-layers
test-all: check-layers
