#!/usr/bin/env bash
# npm run build: Rust -> MVP-only wasm -> wasm-bindgen (bundler glue) -> wasm-opt -Oz ->
# miniprogram_dist/ (CommonJS glue, js/, .wasm, .wasm.br, index.d.ts). Incremental: cargo
# decides whether Rust changed, and the later steps run only when their input is newer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh

# Shipped builds abort on panic without formatting a message: smaller, and a panic is a bug
# either way. Tests keep messages (scripts/test.sh builds into its own target dir).
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$MVP_FLAGS -Zunstable-options -Cpanic=immediate-abort" \
  "$CARGO" build --quiet --release --lib "${WASM_CARGO_FLAGS[@]}"
raw=target/wasm32-unknown-unknown/release/mp_login.wasm
gen=target/bindgen
if [ ! -f "$gen/mp_login_bg.wasm" ] || [ "$raw" -nt "$gen/mp_login_bg.wasm" ]; then
  rm -rf "$gen"
  wasm-bindgen --target bundler --out-dir "$gen" --out-name mp_login "$raw"
  # --mvp-features makes wasm-opt reject any post-MVP instruction: the build fails rather
  # than ship a module that iOS WeChat refuses ("invalid wasm file").
  wasm-opt -Oz --mvp-features --strip-debug --strip-producers "$gen/mp_login_bg.wasm" -o "$gen/mp_login_bg.opt.wasm"
fi
node scripts/package.js "$gen" miniprogram_dist
