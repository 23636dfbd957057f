#!/usr/bin/env bash
# npm test: the whole suite. Sets up and builds first (quick when nothing changed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
. scripts/env.sh

echo "== cargo test (native)"
"$CARGO" test --quiet
echo "== cargo test (wasm32 under wasm-bindgen-test, in Node)"
# Its own target dir: the shipped build's panic flags differ, and sharing one dir would rebuild
# std each time the flags switch.
CARGO_TARGET_DIR=target/wasm-test "$CARGO" test "${WASM_CARGO_FLAGS[@]}"
echo "== node --test"
node scripts/demo-npm.js   # the demo story tests load the package from miniprogram_npm/
node --test tests/js/
