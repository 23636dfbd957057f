#!/usr/bin/env bash
# npm run build: Rust -> MVP-only wasm -> wasm-opt -Oz -> miniprogram_dist/ (one minified
# CommonJS file bundled from js/, the brotli wasm, index.d.ts). Incremental: cargo decides
# whether Rust changed, and the later steps run only when their input is newer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh

# Shipped builds abort on panic without formatting a message: smaller, and a panic is a bug
# either way. The core needs a few hundred bytes of stack, not Rust's default megabyte: with
# 16 KiB each session's instance fits in one 64 KiB page of memory.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$MVP_FLAGS -Zunstable-options -Cpanic=immediate-abort -Clink-arg=-zstack-size=16384" \
  "$CARGO" build --quiet --release --lib "${WASM_CARGO_FLAGS[@]}"
raw=target/wasm32-unknown-unknown/release/mp_login.wasm
opt=target/mp_login.opt.wasm
if [ ! -f "$opt" ] || [ "$raw" -nt "$opt" ]; then
  # --mvp-features makes wasm-opt reject any post-MVP instruction: the build fails rather
  # than ship a module that iOS WeChat refuses ("invalid wasm file").
  wasm-opt -Oz --mvp-features --strip-debug --strip-producers "$raw" -o "$opt"
fi
node scripts/package.js "$opt" miniprogram_dist
