#!/usr/bin/env bash
# Builds the engine with relaxed SIMD (f32x4.relaxed_madd in the matrix product) into
# target/bench/pkg-relaxed, for `node bench/run.mjs --relaxed-pkg target/bench/pkg-relaxed`
# (`make bench RELAXED=1`). A separate target directory keeps the main build's cache intact
# (RUSTFLAGS differ). The page itself ships the simd128 build (www/pkg).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd" CARGO_TARGET_DIR=target/relaxed \
  wasm-pack build --release --target web --out-dir target/bench/pkg-relaxed --features bench-wasm
rm -f target/bench/pkg-relaxed/README.md target/bench/pkg-relaxed/package.json
