#!/usr/bin/env bash
# npm run bench: builds what ships, optimizes the wasm once more keeping symbol names (so twiggy
# can say which crate costs what), then runs scripts/bench.js.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --bench
bash scripts/build.sh
. scripts/env.sh

named=target/mp_login.named.wasm
wasm-opt -Oz -g --mvp-features target/wasm32-unknown-unknown/release/mp_login.wasm -o $named

TWIGGY="$TOOLS_DIR/twiggy-0.8.0/bin/twiggy" node --expose-gc scripts/bench.js --names $named
