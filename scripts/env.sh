# Sourced by the other scripts: picks the toolchain that scripts/setup.sh installed and exports
# the variables every cargo call for wasm needs. Kept apart so build, test and bench agree.
WASM_BINDGEN_VERSION=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p}' Cargo.lock)
TOOLS_DIR="${MP_LOGIN_TOOLS:-$HOME/.cache/mp-login}"
export PATH="$TOOLS_DIR/wasm-bindgen-$WASM_BINDGEN_VERSION/bin:$PWD/node_modules/.bin:$PATH"

if [ -f "$TOOLS_DIR/toolchain" ]; then
  . "$TOOLS_DIR/toolchain"
fi
# What a toolchain file defines: CARGO (the cargo to call), and for Debian's toolchain RUSTC,
# RUSTDOC and the wasm linker. rlibs from two compilers must never mix (error E0514).
CARGO="${CARGO:-cargo}"
[ -n "${RUSTC:-}" ] && export RUSTC
[ -n "${RUSTDOC:-}" ] && export RUSTDOC
[ -n "${WASM_LINKER:-}" ] && export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$WASM_LINKER"

# build-std is the only way to an MVP-only std: the prebuilt one has post-MVP features baked in.
export RUSTC_BOOTSTRAP=1
# MP_LOGIN_CPU_FLAGS exists to prove the MVP check works: set it to "" and the build must fail.
MVP_FLAGS="${MP_LOGIN_CPU_FLAGS--C target-cpu=mvp}"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$MVP_FLAGS"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
WASM_CARGO_FLAGS=(--target wasm32-unknown-unknown -Zbuild-std=std,panic_abort)
