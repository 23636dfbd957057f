#!/usr/bin/env bash
# npm run bench: builds what ships, plus a copy of the wasm that keeps symbol names (so twiggy
# can say which crate costs what), then runs scripts/bench.js.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --bench
bash scripts/build.sh
. scripts/env.sh

names=target/bench-names
CARGO_PROFILE_RELEASE_STRIP=none CARGO_TARGET_DIR=$names \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$MVP_FLAGS -Zunstable-options -Cpanic=immediate-abort" \
  "$CARGO" build --quiet --release --lib "${WASM_CARGO_FLAGS[@]}"
wasm-bindgen --target bundler --out-dir $names/bindgen --out-name mp_login $names/wasm32-unknown-unknown/release/mp_login.wasm
wasm-opt -Oz -g --mvp-features $names/bindgen/mp_login_bg.wasm -o $names/named.wasm

TWIGGY="$TOOLS_DIR/twiggy-0.8.0/bin/twiggy" node --expose-gc scripts/bench.js --names $names/named.wasm
