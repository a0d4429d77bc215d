# pipescope's build, run and test entry points. On a fresh machine (Rust via rustup, Node 20 + npm,
# Python 3) these install whatever is missing first (scripts/install-tools.sh, idempotent):
#
#   make run     build the web bundle into dist/ and serve it on http://127.0.0.1:$(PORT)/
#   make test    everything CI checks: fmt, clippy (native + wasm32), cargo test, the web bundle,
#                and the browser tests (components in headless Chromium, end-to-end with Playwright)
#   make dist    the release web bundle only
#
# Tools come from package registries only: the wasm32 target and rustfmt/clippy from rustup,
# wasm-bindgen-cli from crates.io (cargo install), wasm-opt from npm's `binaryen` (pinned in
# package-lock.json, run from node_modules/.bin; Debian's binaryen is too old), and, for browser
# tests only, Debian's chromium + chromium-driver. No trunk, no wasm-pack: they download binaries.

.DEFAULT_GOAL := help
.NOTPARALLEL:
SHELL := bash
.SHELLFLAGS := -euo pipefail -c

# cargo-installed tools (wasm-bindgen) live here; put them first so they win over any other copy.
export PATH := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)

PORT ?= 8080
HOST ?= 127.0.0.1
DIST ?= dist
WASM_TARGET := wasm32-unknown-unknown
WASM_PROFILE := wasm-release
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
WASM_IN := $(TARGET_DIR)/$(WASM_TARGET)/$(WASM_PROFILE)/pipescope.wasm
WASM_OUT := $(DIST)/pipescope_bg.wasm
# The worker's module: the core without the app (no `app` feature), optimised for speed; the
# worker loads it after the page's first paint (static/worker.js).
WORKER_PROFILE := wasm-worker
WORKER_IN := $(TARGET_DIR)/$(WASM_TARGET)/$(WORKER_PROFILE)/pipescope.wasm
WORKER_OUT := $(DIST)/pipescope_worker_bg.wasm
WASM_OPT := node_modules/.bin/wasm-opt
# wasm-opt takes the wasm features to allow from the module's target_features section (rustc's
# defaults: bulk memory, reference types, multivalue, ...), so no --enable-* flags are needed.
WASM_OPT_FLAGS := -Oz
WORKER_OPT_FLAGS := -O3

# The steps of `make test`, in order.
TEST_STEPS := fmt-check clippy clippy-wasm test-native dist check-dist test-browser

.PHONY: help tools tools-browser run serve dist check-dist test fmt fmt-check clippy clippy-wasm \
	test-native test-browser test-wasm test-e2e measure screenshots clean

help:
	@echo "make run           build the web bundle and serve it on http://$(HOST):$(PORT)/ (PORT=...)"
	@echo "make test          fmt check, clippy (native + wasm32), cargo test, web bundle + smoke check"
	@echo "make dist          release web bundle into $(DIST)/"
	@echo "make serve         serve the existing $(DIST)/ without rebuilding"
	@echo "make tools         install missing tools (rust target/components, wasm-bindgen, npm deps)"
	@echo "make test-browser  browser tests: test-wasm and test-e2e (installs Debian's chromium first)"
	@echo "make test-wasm     component tests (wasm-bindgen-test) in headless Chromium"
	@echo "make test-e2e      end-to-end tests (Playwright) against dist/, then the speed figures"
	@echo "make measure       only the speed figures (test-results/measurements.json)"
	@echo "make screenshots   screenshots of the app (test-results/screens/)"
	@echo "make fmt           cargo fmt"
	@echo "make clean         remove $(DIST)/"

tools:
	@scripts/install-tools.sh rust wasm-bindgen npm

# Only browser tests need Chromium (a large apt install), so only test-browser asks for it.
tools-browser:
	@scripts/install-tools.sh chromium

fmt:
	cargo fmt

fmt-check: tools
	cargo fmt --check

clippy: tools
	cargo clippy --all-targets -- -D warnings

clippy-wasm: tools
	cargo clippy --lib --test web --target $(WASM_TARGET) -- -D warnings
	cargo clippy --lib --target $(WASM_TARGET) --no-default-features -- -D warnings

test-native: tools
	cargo test --no-fail-fast

dist: tools
	rm -rf $(DIST)
	cargo build --lib --target $(WASM_TARGET) --profile $(WASM_PROFILE)
	wasm-bindgen --target web --no-typescript --out-dir $(DIST) $(WASM_IN)
	@echo "dist: wasm-bindgen output $$(wc -c < $(WASM_OUT)) bytes"
	$(WASM_OPT) $(WASM_OPT_FLAGS) -o $(WASM_OUT) $(WASM_OUT)
	cargo build --lib --target $(WASM_TARGET) --profile $(WORKER_PROFILE) --no-default-features
	wasm-bindgen --target web --no-typescript --out-name pipescope_worker --out-dir $(DIST) $(WORKER_IN)
	$(WASM_OPT) $(WORKER_OPT_FLAGS) -o $(WORKER_OUT) $(WORKER_OUT)
	cp index.html $(DIST)/
	cp -R static $(DIST)/static
	@test -f $(DIST)/static/worker.js || { echo "dist: static/worker.js (the Web Worker) is missing" >&2; exit 1; }
	@raw=$$(wc -c < $(WASM_OUT)); gz=$$(gzip -9 -c $(WASM_OUT) | wc -c); \
	 js=$$(wc -c < $(DIST)/pipescope.js); jsgz=$$(gzip -9 -c $(DIST)/pipescope.js | wc -c); \
	 wraw=$$(wc -c < $(WORKER_OUT)); wgz=$$(gzip -9 -c $(WORKER_OUT) | wc -c); \
	 echo "dist: pipescope_bg.wasm $$raw bytes raw, $$gz bytes gzipped;" \
	      "pipescope.js $$js bytes raw, $$jsgz bytes gzipped;" \
	      "pipescope_worker_bg.wasm (loaded by the worker) $$wraw bytes raw, $$wgz bytes gzipped"

# Smoke check of the bundle: files present, page wired up, the example pipeline runs in the wasm.
check-dist:
	node scripts/check-dist.mjs $(DIST)

test: tools $(TEST_STEPS)
	@echo "make test: all steps passed ($(TEST_STEPS))"

# Browser tests. Components: wasm-bindgen-test in headless Chromium through chromedriver
# (.cargo/config.toml makes wasm-bindgen-test-runner the wasm32 runner; only tests/web.rs is
# built for wasm32, the other integration tests are native). End to end: Playwright
# (playwright-core, Debian's /usr/bin/chromium) against dist/ served on 127.0.0.1, then the
# speed figures (not timed assertions: they are reported).
test-browser: test-wasm test-e2e

test-wasm: tools tools-browser
	CHROMEDRIVER=$${CHROMEDRIVER:-/usr/bin/chromedriver} WASM_BINDGEN_TEST_TIMEOUT=$${WASM_BINDGEN_TEST_TIMEOUT:-120} \
		cargo test --target $(WASM_TARGET) --test web

test-e2e: tools tools-browser dist
	mkdir -p test-results
	node --test --test-reporter=spec tests/browser/app.test.mjs
	node tests/browser/measure.mjs

measure: tools tools-browser dist
	node tests/browser/measure.mjs

# Screenshots to look at: test-results/screens/*.png (1280×800 and 420×900, light and dark).
screenshots: tools tools-browser dist
	node tests/browser/screens.mjs

run: dist
	@echo "pipescope: serving $(DIST)/ at http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	python3 -m http.server $(PORT) --bind $(HOST) --directory $(DIST)

serve:
	@test -f $(WASM_OUT) || { echo "no $(WASM_OUT): run 'make dist' (or 'make run')" >&2; exit 1; }
	@echo "pipescope: serving $(DIST)/ at http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	python3 -m http.server $(PORT) --bind $(HOST) --directory $(DIST)

clean:
	rm -rf $(DIST)
