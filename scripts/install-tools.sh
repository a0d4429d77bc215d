#!/usr/bin/env bash
# Installs what pipescope's build and tests need, skipping every tool that is already present at
# the right version, so a second run is quick and installs nothing.
#
#   scripts/install-tools.sh            # = rust wasm-bindgen npm (what `make test/dist/run` need)
#   scripts/install-tools.sh chromium   # Debian's chromium + chromedriver, for browser tests only
#   scripts/install-tools.sh rust npm   # any subset, in the order given
#
# Only package registries are used (rustup's own components, crates.io, npm, Debian apt): no
# prebuilt binaries are downloaded, so no trunk, no wasm-pack, no `playwright install`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in *":$CARGO_BIN:"*) ;; *) export PATH="$CARGO_BIN:$PATH" ;; esac

WASM_TARGET=wasm32-unknown-unknown
# The CLI must match the `wasm-bindgen` crate exactly; read its version from Cargo.lock.
WASM_BINDGEN_VERSION="${WASM_BINDGEN_VERSION:-$(awk '
    $0 == "name = \"wasm-bindgen\"" { found = 1; next }
    found && /^version = / { gsub(/"/, "", $3); print $3; exit }' Cargo.lock 2>/dev/null || true)}"
WASM_BINDGEN_VERSION="${WASM_BINDGEN_VERSION:-0.2.130}"
BINARYEN_VERSION=132

log() { printf '[install-tools] %s\n' "$*"; }
die() { printf '[install-tools] error: %s\n' "$*" >&2; exit 1; }
timed() { # timed LABEL CMD...: runs CMD and logs how long it took
    local label="$1" start=$SECONDS
    shift
    "$@"
    log "$label took $((SECONDS - start))s"
}
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_rust() {
    command -v cargo >/dev/null || die "cargo not found: install Rust stable with rustup first"
    if ! command -v rustup >/dev/null; then
        # Not a rustup toolchain: we cannot add anything, only check.
        cargo fmt --version >/dev/null 2>&1 || die "rustfmt missing and no rustup to add it"
        cargo clippy --version >/dev/null 2>&1 || die "clippy missing and no rustup to add it"
        rustc --print target-libdir --target "$WASM_TARGET" >/dev/null 2>&1 &&
            [ -d "$(rustc --print target-libdir --target "$WASM_TARGET")" ] ||
            die "the $WASM_TARGET target is missing and there is no rustup to add it"
        log "rust: ok (no rustup; $WASM_TARGET, rustfmt and clippy present)"
        return
    fi
    if rustup target list --installed | grep -qx "$WASM_TARGET"; then
        log "rust: target $WASM_TARGET already installed"
    else
        timed "rustup target add $WASM_TARGET" rustup target add "$WASM_TARGET"
    fi
    local installed missing=()
    installed="$(rustup component list --installed)"
    for c in rustfmt clippy; do
        grep -q "^$c" <<<"$installed" || missing+=("$c")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        log "rust: rustfmt and clippy already installed"
    else
        timed "rustup component add ${missing[*]}" rustup component add "${missing[@]}"
    fi
}

install_wasm_bindgen() {
    local want="wasm-bindgen $WASM_BINDGEN_VERSION" have
    have="$(wasm-bindgen --version 2>/dev/null || true)"
    if [ "$have" = "$want" ]; then
        log "wasm-bindgen: $WASM_BINDGEN_VERSION already installed ($(command -v wasm-bindgen))"
        return
    fi
    log "wasm-bindgen: want $WASM_BINDGEN_VERSION, have '${have:-none}': cargo install (a few minutes)"
    # No --locked: the CLI's own lockfile pins a crate version that crates.io no longer serves.
    timed "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION" \
        cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
    have="$("$CARGO_BIN/wasm-bindgen" --version)"
    [ "$have" = "$want" ] || die "installed wasm-bindgen says '$have', expected '$want'"
    [ "$(wasm-bindgen --version)" = "$want" ] ||
        die "another wasm-bindgen shadows $CARGO_BIN/wasm-bindgen on PATH: $(command -v wasm-bindgen)"
}

install_npm() {
    command -v npm >/dev/null || die "npm not found: install Node.js 20+ with npm"
    [ -f package-lock.json ] || die "package-lock.json missing"
    local stamp=node_modules/.pipescope-lock.sha256 want
    want="$(sha256sum package.json package-lock.json | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x node_modules/.bin/wasm-opt ] &&
        node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION\b"; then
        log "npm: node_modules matches package-lock.json (wasm-opt $BINARYEN_VERSION)"
        return
    fi
    timed "npm ci" npm ci --no-audit --no-fund
    node_modules/.bin/wasm-opt --version | grep -q "version $BINARYEN_VERSION\b" ||
        die "node_modules/.bin/wasm-opt is not binaryen $BINARYEN_VERSION"
    printf '%s\n' "$want" >"$stamp"
}

install_chromium() {
    if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
        log "chromium: already installed ($(chromium --version 2>/dev/null | head -n1))"
        return
    fi
    command -v apt-get >/dev/null || die "chromium missing and no apt-get to install it"
    export DEBIAN_FRONTEND=noninteractive
    timed "apt-get update" as_root apt-get update -q
    timed "apt-get install chromium chromium-driver" \
        as_root apt-get install -y -q chromium chromium-driver
    log "chromium: $(chromium --version 2>/dev/null | head -n1)"
}

[ $# -gt 0 ] || set -- rust wasm-bindgen npm
for tool in "$@"; do
    case "$tool" in
        rust) install_rust ;;
        wasm-bindgen) install_wasm_bindgen ;;
        npm) install_npm ;;
        chromium) install_chromium ;;
        *) die "unknown tool '$tool' (rust, wasm-bindgen, npm, chromium)" ;;
    esac
done
