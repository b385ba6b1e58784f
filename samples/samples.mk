# samples/samples.mk - included by the top Makefile.
#
#   make deps    check (and, as root, install) the Debian packages: scripts/deps.sh
#   make demo    deps for the build, build/edgec, then samples/mlp end to end (scripts/demo.sh)
#                and samples/cnn on its held-out set (samples/cnn/Makefile)
#   check-sample (part of make test) the same end-to-end run with gcc and with clang
#   check-readme (part of make test) README.md quotes `edgec --help` as it is
#   check-tinylm-quant (part of make test) samples/tinylm built with --quantize w8 and w4:
#                logits and held-out perplexity within the variant's tolerances
#   check-tinylm (part of make test) samples/tinylm: the full model's logits on one held-out
#                window and (once edgec has run-time dims) 87 decode steps against PyTorch's,
#                under AddressSanitizer + UBSan

deps:
	@bash scripts/deps.sh

# deps first, then a fresh make for edgec, so that a machine missing packages gets them
# before anything is built.
demo:
	@bash scripts/deps.sh build
	@$(MAKE) --no-print-directory $(B)/edgec
	@B=$(B) CC="$(CC)" bash scripts/demo.sh
	@printf '\n== samples/cnn: a CNN that tells 10 kinds of shapes apart (28x28 images), compiled\n'
	@printf '   with edgec and run on 500 held-out images (see samples/cnn/Makefile)\n'
	@$(MAKE) --no-print-directory -C samples/cnn run B=$(abspath $(B)) CC="$(CC)"

check-sample: $(B)/edgec
	@set -e; for cc in gcc clang; do \
	  echo "== samples/mlp with $$cc"; \
	  mkdir -p $(B)/check-sample; \
	  B=$(B) CC=$$cc OUT=$(B)/check-sample/mlp-$$cc bash scripts/demo.sh > $(B)/check-sample/$$cc.log 2>&1 \
	    || { cat $(B)/check-sample/$$cc.log; exit 1; }; \
	  grep -E '^(max abs difference|demo: )' $(B)/check-sample/$$cc.log; \
	done

# samples/cnn (a CNN image classifier, see samples/cnn/Makefile): the generated C built with
# AddressSanitizer + UBSan on the 500 held-out images, logits within 1e-4 of PyTorch's; then the
# int8 build (--quantize int8 --calib): top-1 agreement with the float build at least 99%,
# weight bytes at most 0.27x of float.
CNN_SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
check-cnn: $(B)/edgec
	@$(MAKE) --no-print-directory -C samples/cnn run-int8 B=$(abspath $(B)) OUT=$(abspath $(B))/check-cnn \
	  CC="$(CC)" CFLAGS="$(CNN_SAN_FLAGS)"

check-readme: $(B)/edgec
	@bash scripts/check-readme.sh $(B)/edgec

.PHONY: check-sample check-cnn check-readme
test-all: check-sample check-cnn check-readme

check-tinylm: $(B)/edgec
	@$(MAKE) --no-print-directory -C samples/tinylm check-quick B=$(abspath $(B))
.PHONY: check-tinylm
test-all: check-tinylm

# samples/tinylm with weight-only quantization (--quantize w8, w4): logits and the held-out
# perplexity against PyTorch's float model, within the variant's tolerances (its Makefile)
check-tinylm-quant: $(B)/edgec
	@set -e; for q in w8 w4; do \
	  $(MAKE) --no-print-directory -C samples/tinylm check QUANT=$$q B=$(abspath $(B)); done
.PHONY: check-tinylm-quant
test-all: check-tinylm-quant
