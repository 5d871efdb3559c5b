# MLP Lab — build, serve and test.
#
#   make serve   install what is missing, build the wasm engine, prepare the data subsets (when
#                the data directory exists), and serve www/ on http://127.0.0.1:$(PORT)/
#   make wasm    build the engine into www/pkg/ (wasm-pack --release --target web), with the
#                sweep coordinator into www/pkg-sweep/ (the Sweeps panel's), with the shard-by-shard
#                trainer into www/pkg-shards/ (runs on several workers), and with ONNX export
#                and batch predictions into www/pkg-export/
#   make package the npm package `mlp-lab` (package/ + www/pkg-export) → target/mlp-lab-VERSION.tgz
#   make data    (re)write the page's data subsets into www/data/ from $(DATA_DIR)
#                (FULL=1 also writes all of MNIST and Fashion-MNIST, and the 50k CIFAR-10)
#   make site    a static copy of the page in dist/ (page, wasm, prepared data; relative paths)
#   make test    formatting, clippy, native tests, f64 gradient check, wasm tests in headless
#                Chromium, the end-to-end browser tests, then every benchmark script in its
#                quick mode (make test-bench)
#   make tools   only install the tools (scripts/install-tools.sh; fast when all are present)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# The project's wasm-opt (npm binaryen) comes first; never Debian's binaryen.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

PORT ?= 8080
DATA_DIR ?= $(if $(MLP_LAB_DATA),$(MLP_LAB_DATA),../shared/data)
PKG := www/pkg
SWEEP_PKG := www/pkg-sweep
SHARDS_PKG := www/pkg-shards
EXPORT_PKG := www/pkg-export
WASM := $(PKG)/mlp_lab_bg.wasm
RUST_SOURCES := $(shell find src -name '*.rs' 2>/dev/null) src/schema.json Cargo.toml Cargo.lock .cargo/config.toml

.PHONY: help tools wasm package data data-if-missing serve site test test-rust test-wasm test-e2e test-bench size schema

help:
	@sed -n '3,17p' Makefile | sed 's/^# \{0,1\}//'

tools:
	@bash scripts/install-tools.sh

wasm: tools $(WASM) $(SWEEP_PKG)/mlp_lab_bg.wasm $(SHARDS_PKG)/mlp_lab_bg.wasm $(EXPORT_PKG)/mlp_lab_bg.wasm

$(WASM): $(RUST_SOURCES)
	wasm-pack build --release --target web --out-dir $(PKG)
	@rm -f $(PKG)/README.md $(PKG)/package.json
	@$(MAKE) --no-print-directory size

# The sweep coordinator (sampler, Gaussian process, spec parser) is a third of the engine's size;
# only the page's Sweeps panel loads it, so the trainer in www/pkg/ stays small.
$(SWEEP_PKG)/mlp_lab_bg.wasm: $(RUST_SOURCES)
	wasm-pack build --release --target web --out-dir $(SWEEP_PKG) --features sweep-wasm
	@rm -f $(SWEEP_PKG)/README.md $(SWEEP_PKG)/package.json

# The trainer with its shard-by-shard API (src/wasm/shards.rs): only a run trained across
# several page workers loads it (www/worker-shards.js), so www/pkg/ stays small.
$(SHARDS_PKG)/mlp_lab_bg.wasm: $(RUST_SOURCES)
	wasm-pack build --release --target web --out-dir $(SHARDS_PKG) --features shards-wasm
	@rm -f $(SHARDS_PKG)/README.md $(SHARDS_PKG)/package.json

# ONNX export and batch predictions (the `export-wasm` feature): loaded only when the page's user
# downloads ONNX or predicts a CSV, so the ONNX writer never grows the trainer; the npm package's
# one engine (it trains too).
$(EXPORT_PKG)/mlp_lab_bg.wasm: $(RUST_SOURCES)
	wasm-pack build --release --target web --out-dir $(EXPORT_PKG) --features export-wasm
	@rm -f $(EXPORT_PKG)/README.md $(EXPORT_PKG)/package.json

# The npm package: package/'s sources with www/pkg-export's engine, packed by `npm pack`.
package: tools $(EXPORT_PKG)/mlp_lab_bg.wasm
	node package/build.mjs

# The trainer's wasm returns src/schema.json (tests/schema_file.rs checks it is what the engine
# writes); rewrite it after changing a config field, a name or a sweep parameter.
schema:
	cargo run --quiet -- schema --compact > src/schema.json

# The trainer's limit (the page's first load): 300 KB gzip -9, read as 300,000 bytes (the
# stricter of the two readings); `make size` fails above it.
SIZE_LIMIT := 300000
size:
	@raw=$$(stat -c %s $(WASM)); gz=$$(gzip -9c $(WASM) | wc -c); \
	  printf 'wasm: %s bytes raw, %s bytes gzip -9 (%s; limit %s)\n' "$$raw" "$$gz" "$(WASM)" "$(SIZE_LIMIT)"; \
	  if [ "$$gz" -gt $(SIZE_LIMIT) ]; then \
	    echo "size: $(WASM) is $$gz bytes gzip -9, over the $(SIZE_LIMIT)-byte limit" >&2; exit 1; fi

# The subsets come from `mlp-lab prepare-data`; without the data directory (or if preparing
# fails) the page still works with the toy sets and the user's own files.
data:
	@if [ -d "$(DATA_DIR)" ]; then \
	  MLP_LAB_DATA="$$(cd "$(DATA_DIR)" && pwd)" cargo run --release --quiet -- prepare-data --out www/data $(if $(FULL),--full) \
	    || echo "note: preparing the data subsets failed (see above); the page still has the toy sets and your own files"; \
	else \
	  echo "note: no data directory at $(DATA_DIR) (set DATA_DIR or MLP_LAB_DATA); skipping the data subsets"; \
	fi

# Sets prepared before the files were gzip-compressed (no "compression" in their manifest) are
# written again, so the page's first load stays small.
data-if-missing:
	@if ! ls www/data/*.json >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory data; \
	elif grep -L '"compression"' www/data/*.json | grep -q .; then \
	  echo "data: www/data/ holds uncompressed sets from before prepare-data gzipped them; rewriting"; \
	  $(MAKE) --no-print-directory data $(if $(wildcard www/data/mnist-full.json),FULL=1); \
	else echo "data: www/data/ already prepared (make data to rewrite it)"; fi

serve: wasm data-if-missing
	@node scripts/serve.mjs www --port $(PORT)

site: wasm data-if-missing
	rm -rf dist
	mkdir -p dist
	cp -r www/. dist/
	rm -f dist/pkg/.gitignore dist/pkg/*.d.ts dist/pkg-sweep/.gitignore dist/pkg-sweep/*.d.ts dist/pkg-shards/.gitignore dist/pkg-shards/*.d.ts dist/pkg-export/.gitignore dist/pkg-export/*.d.ts
	bash scripts/check-site.sh dist
	@echo "dist/: $$(du -sh dist | cut -f1) — serve it from any static host (application/wasm for .wasm), e.g. node scripts/serve.mjs dist"

test: tools wasm data-if-missing test-rust test-wasm test-e2e test-bench
	@echo "make test: all passed"

test-rust:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --features f64 --all-targets -- -D warnings
	cargo test
	cargo test --features f64 --test gradient_check_layers --test gradient_check_losses --test gradient_check_regularisation --test dropout_gradients

# In a dedicated worker of headless Chromium: the Trainer API (tests/wasm_trainer.rs) and the
# wasm SIMD matrix product it trains with (tests/wasm_gemm.rs). The wasm-only code is linted
# for its own target too.
WASM_TESTS := --test wasm_trainer --test wasm_sweep $(if $(wildcard tests/wasm_gemm.rs),--test wasm_gemm)
test-wasm: tools
	cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --features sweep-wasm $(WASM_TESTS) -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --features shards-wasm -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --features export-wasm -- -D warnings
	wasm-pack test --headless --chrome -- --features sweep-wasm $(WASM_TESTS)

# One file at a time: run side by side, the page's timed runs and the worker tests would share
# the two cores and make each other's timings flaky.
test-e2e: wasm
	@failed=0; for f in tests/e2e/*.test.mjs; do \
	  echo "node --test $$f"; node --test "$$f" || failed=1; \
	done; exit $$failed

# Benchmarks that cannot rot: every script that writes figures (bench/run.mjs,
# bench/time-to-accuracy.mjs, bench/native.mjs, scripts/sweep-speedup.mjs, sweep-reports.mjs,
# accuracy.sh, torch_accuracy.sh) in its quick mode, into target/bench-quick/ (never over the committed results),
# checking that each produces all its figures — never how fast (bench/check.mjs). The PyTorch
# parts need a Python with torch: TORCH_PYTHON=/path/to/python, or .venv/; else they skip and
# say why. About 3 minutes.
test-bench: wasm data-if-missing
	cargo build --release --quiet
	node bench/check.mjs

# --- bench (performance) ---------------------------------------------------------------------
# MLP Lab vs TensorFlow.js (wasm backend with SIMD, one thread and threaded; and cpu) in
# headless Chromium workers of a cross-origin isolated page: training examples/s, matrix-product
# GFLOP/s, memory over a 50-epoch MNIST-sized run and the wasm size. Builds the release wasm
# first; writes bench/results.json and bench/RESULTS.md. Measure on an otherwise idle machine.
# RELAXED=1 also builds and measures the engine with relaxed SIMD (bench/build-relaxed.sh).
# bench-native: `mlp-lab bench` vs PyTorch CPU at 1 and 2 threads (bench/native.json, NATIVE.md);
# PYTHON=path/to/python with torch, else bench/native.mjs creates .venv/ with torch.
.PHONY: bench bench-native
bench: wasm
	@if [ -n "$(RELAXED)" ]; then bash bench/build-relaxed.sh; fi
	node bench/run.mjs --pkg $(PKG) $(if $(RELAXED),--relaxed-pkg target/bench/pkg-relaxed)

bench-native:
	cargo build --release --quiet
	node bench/native.mjs $(if $(PYTHON),--python $(PYTHON))

# Full-data accuracy of the presets, 3 seeds each (long; not part of `make test`).
accuracy:
	bash scripts/accuracy.sh

# --- fuzz (reliability) ----------------------------------------------------------------------
# Every parser under libFuzzer (fuzz/: IDX, CIFAR, CSV, prepared, model JSON, config JSON, sweep
# spec; nightly Rust only there) and the URL-hash parser (fuzz/hash.fuzz.mjs), one at a time for
# FUZZ_SECONDS each; prints target, seconds, executions, crashes. Crash inputs: fuzz/artifacts/.
FUZZ_SECONDS ?= 120
.PHONY: fuzz
fuzz:
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

# Soak test (opt-in, a few minutes; not part of `make test`): 50 epochs of the MNIST subset in the
# page in headless Chromium — wasm memory and JS heap at epochs 1/10/50, longest frame gap, a
# background period mid-run. Writes bench/SOAK.md and bench/soak.json.
.PHONY: soak
soak: wasm data-if-missing
	node scripts/soak.mjs
