# samples/samples.mk - included by the top Makefile.
#
#   make deps    check (and, as root, install) the Debian packages: scripts/deps.sh
#   make demo    deps for the build, build/edgec, then samples/mlp end to end: scripts/demo.sh
#   check-sample (part of make test) the same end-to-end run with gcc and with clang
#   check-readme (part of make test) README.md quotes `edgec --help` as it is
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

check-sample: $(B)/edgec
	@set -e; for cc in gcc clang; do \
	  echo "== samples/mlp with $$cc"; \
	  mkdir -p $(B)/check-sample; \
	  B=$(B) CC=$$cc OUT=$(B)/check-sample/mlp-$$cc bash scripts/demo.sh > $(B)/check-sample/$$cc.log 2>&1 \
	    || { cat $(B)/check-sample/$$cc.log; exit 1; }; \
	  grep -E '^(max abs difference|demo: )' $(B)/check-sample/$$cc.log; \
	done

check-readme: $(B)/edgec
	@bash scripts/check-readme.sh $(B)/edgec

.PHONY: check-sample check-readme
test: check-sample check-readme

check-tinylm: $(B)/edgec
	@$(MAKE) --no-print-directory -C samples/tinylm check-quick B=$(abspath $(B))
.PHONY: check-tinylm
test: check-tinylm
