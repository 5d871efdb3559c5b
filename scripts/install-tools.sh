#!/usr/bin/env bash
# Installs what building and testing MLP Lab needs, skipping everything already present at the
# right version, so it takes about a second on a machine that has it all:
#
#   - Debian packages: chromium + chromium-driver (headless tests), firefox-esr, webkit2gtk-driver
#     with xvfb and xauth (the cross-browser tests), make, a C toolchain, Node.js
#   - Rust: rustfmt, clippy, the wasm32-unknown-unknown target
#   - wasm-bindgen-cli at the version Cargo.lock pins for wasm-bindgen, and wasm-pack 0.15.1
#   - npm packages from package-lock.json (npm ci): playwright-core, puppeteer-core,
#     selenium-webdriver, binaryen (wasm-opt), ...
#
# Non-interactive (CI=true, no stdin). Browsers are never downloaded: tests use /usr/bin/chromium, firefox-esr, MiniBrowser.
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export DEBIAN_FRONTEND=noninteractive

WASM_PACK_VERSION=0.15.1

say() { printf 'install-tools: %s\n' "$*"; }
die() { printf 'install-tools: error: %s\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
fi

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "missing $*, and there is no apt-get to install them with; install them by hand"
  if [ "$APT_UPDATED" = 0 ]; then
    say "apt-get update"
    $SUDO apt-get update -qq </dev/null
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  $SUDO apt-get install -y -qq --no-install-recommends "$@" </dev/null
}

# --- system packages -------------------------------------------------------------------------
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v cc >/dev/null 2>&1 || missing+=(build-essential)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v curl >/dev/null 2>&1 || missing+=(curl ca-certificates)
# The core e2e also runs in Firefox ESR (puppeteer-core, WebDriver BiDi) and WebKitGTK
# (WebKitWebDriver + selenium-webdriver, MiniBrowser under xvfb-run).
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
[ -x /usr/bin/WebKitWebDriver ] || missing+=(webkit2gtk-driver)
command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb)
command -v xauth >/dev/null 2>&1 || missing+=(xauth)
if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi

# --- Rust --------------------------------------------------------------------------------------
command -v cargo >/dev/null 2>&1 || die "cargo is missing: install Rust with rustup (https://rustup.rs), then rerun"
if command -v rustup >/dev/null 2>&1; then
  components=()
  cargo fmt --version >/dev/null 2>&1 || components+=(rustfmt)
  cargo clippy --version >/dev/null 2>&1 || components+=(clippy)
  if [ ${#components[@]} -gt 0 ]; then
    say "rustup component add ${components[*]}"
    rustup component add "${components[@]}"
  fi
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
else
  rustc --print target-libdir --target wasm32-unknown-unknown >/dev/null 2>&1 \
    || die "the wasm32-unknown-unknown target is missing and rustup is not available to add it"
fi

# wasm-bindgen-cli must match the wasm-bindgen crate exactly; read the version from Cargo.lock.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)"
[ -n "$WASM_BINDGEN_VERSION" ] || die "cannot find the wasm-bindgen version in Cargo.lock"
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
if [ "$(wasm-pack --version 2>/dev/null || true)" != "wasm-pack $WASM_PACK_VERSION" ]; then
  say "cargo install wasm-pack $WASM_PACK_VERSION (a few minutes)"
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked --force
fi

# --- npm -----------------------------------------------------------------------------------------
stamp=node_modules/.mlp-lab-package-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/puppeteer-core ] \
  || [ ! -d node_modules/selenium-webdriver ] \
  || [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  say "npm ci"
  # playwright-core and puppeteer-core never download browsers; the variable keeps any other package from trying.
  # onnxruntime-node bundles its CPU binaries; skipping its install step skips only a CUDA
  # download from nuget.org (also said in .npmrc, for a plain `npm ci`).
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error </dev/null
  echo "$want" >"$stamp"
fi

say "ok: $(wasm-pack --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | awk '{print $3}'), node $(node --version), $(/usr/bin/chromium --version 2>/dev/null | head -n1)"
