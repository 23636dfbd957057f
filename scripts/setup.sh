#!/usr/bin/env bash
# Brings a machine to a working toolchain; quiet and quick when everything is already there.
#   1. a Rust that can rebuild std for wasm32 (rustup nightly + rust-src, else Debian's rustc-web)
#   2. wasm-bindgen-cli of exactly the version in Cargo.lock
#   3. node_modules (binaryen's wasm-opt, acorn) from package-lock.json
#   4. the engine shells tests/js/engines.test.js runs the built package in: JavaScriptCore's jsc
#      and SpiderMonkey's js102 (Debian's libjavascriptcoregtk-4.0-bin and libmozjs-102-dev)
#   5. with --bench: twiggy, for the per-crate size breakdown
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS_DIR="${MP_LOGIN_TOOLS:-$HOME/.cache/mp-login}"
mkdir -p "$TOOLS_DIR"
say() { echo "setup: $*" >&2; }

have_toolchain() {
  [ -f "$TOOLS_DIR/toolchain" ] || return 1
  ( . "$TOOLS_DIR/toolchain" && "$CARGO" --version >/dev/null 2>&1 && [ -d "$RUST_SRC" ] \
    && { [ -z "${WASM_LINKER:-}" ] || command -v "$WASM_LINKER" >/dev/null; } )
}

try_rustup() {
  command -v rustup >/dev/null || return 1
  local sysroot
  if ! sysroot=$(rustc +nightly --print sysroot 2>/dev/null) \
      || [ ! -d "$sysroot/lib/rustlib/src/rust/library" ]; then
    # Where rustup's download host is unreachable its manifest may still answer while downloads
    # hang, so the install itself is the probe: rust-src is small, 45 s is plenty when it works.
    say "trying rustup nightly with rust-src (45 s at most)"
    timeout 45 rustup toolchain install nightly --profile minimal --component rust-src \
      >/dev/null 2>&1 || return 1
    sysroot=$(rustc +nightly --print sysroot) || return 1
  fi
  # The proxy's `+nightly` does not reach build scripts' rustc, so name the binaries outright.
  cat > "$TOOLS_DIR/toolchain" <<TC
CARGO="$sysroot/bin/cargo"
RUSTC="$sysroot/bin/rustc"
RUSTDOC="$sysroot/bin/rustdoc"
RUST_SRC="$sysroot/lib/rustlib/src/rust/library"
WASM_LINKER=
TC
}

install_debian() {
  say "installing Debian's rustc-web, rust-web-src and lld (about 30 s)"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq rustc-web cargo-web rust-web-src lld-22 >/dev/null
  use_debian
}

use_debian() {
  cat > "$TOOLS_DIR/toolchain" <<TC
CARGO=/usr/bin/cargo
RUSTC=/usr/bin/rustc
RUSTDOC=/usr/bin/rustdoc
RUST_SRC=/usr/lib/rustlib/src/rust/library
WASM_LINKER=wasm-ld-22
TC
}

debian_present() {
  [ -x /usr/bin/cargo ] && [ -d /usr/lib/rustlib/src/rust/library ] && command -v wasm-ld-22 >/dev/null
}

# MP_LOGIN_TOOLCHAIN=debian skips rustup (reproducible builds on this machine kind).
if ! have_toolchain; then
  if debian_present; then
    use_debian
  elif [ "${MP_LOGIN_TOOLCHAIN:-}" = debian ] || ! try_rustup; then
    install_debian
  fi
  have_toolchain || { say "no usable Rust toolchain after install"; exit 1; }
fi

WASM_BINDGEN_VERSION=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p}' Cargo.lock)
[ -n "$WASM_BINDGEN_VERSION" ] || { say "Cargo.lock names no wasm-bindgen version"; exit 1; }
bindgen_root="$TOOLS_DIR/wasm-bindgen-$WASM_BINDGEN_VERSION"
install_bindgen() { # $1: the cargo to build it with (a host tool: any working cargo will do)
  "$1" install -q wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --root "$bindgen_root"
}
if ! "$bindgen_root/bin/wasm-bindgen" --version 2>/dev/null | grep -qF " $WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes, once)"
  # Not --locked: the registry here lacks one of the CLI's pinned transitive versions. The
  # default cargo goes first: rustup's nightly cargo of 2026-05 fails to resolve the CLI's
  # dependencies against this registry, where stable and Debian's cargo succeed.
  if ! { command -v cargo >/dev/null && install_bindgen cargo; }; then
    ( . "$TOOLS_DIR/toolchain" && export RUSTC RUSTDOC && install_bindgen "$CARGO" )
  fi
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing node_modules"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi

# Debian's jsc: /usr/bin/jsc (WebKitGTK 2.50 on bookworm), or under webkit2gtk-4.0/ in some releases.
have_jsc() {
  command -v jsc >/dev/null && return 0
  local candidate
  for candidate in /usr/lib/*-linux-gnu/webkit2gtk-4.0/jsc /usr/libexec/webkit2gtk-4.0/jsc; do
    [ -x "$candidate" ] && return 0
  done
  return 1
}
engines_missing=()
have_jsc || engines_missing+=(libjavascriptcoregtk-4.0-bin)
command -v js102 >/dev/null || engines_missing+=(libmozjs-102-dev)
if [ ${#engines_missing[@]} -gt 0 ]; then
  say "installing ${engines_missing[*]} (the engine tests' jsc and js102; about 30 s, once)"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if ! { command -v apt-get >/dev/null && $sudo apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${engines_missing[@]}"; } >"$TOOLS_DIR/engines-apt.log" 2>&1; then
    tail -n 5 "$TOOLS_DIR/engines-apt.log" >&2 || true
    # Not fatal for building; tests/js/engines.test.js fails (never skips) without the shells.
    say "BLOCKED: could not install ${engines_missing[*]} with apt-get (log: $TOOLS_DIR/engines-apt.log);" \
      "the engine tests will fail until jsc and js102 are installed"
  fi
fi

TWIGGY_VERSION=0.8.0
if [ "${1:-}" = "--bench" ] && ! "$TOOLS_DIR/twiggy-$TWIGGY_VERSION/bin/twiggy" --version >/dev/null 2>&1; then
  say "installing twiggy $TWIGGY_VERSION (about 2 minutes, once)"
  cargo install -q twiggy --version "=$TWIGGY_VERSION" --root "$TOOLS_DIR/twiggy-$TWIGGY_VERSION"
fi
