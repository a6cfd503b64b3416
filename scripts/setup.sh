#!/usr/bin/env bash
# Installs everything the project needs to build, run and test; idempotent (a second run takes seconds).
#
#   scripts/setup.sh [--prebuilt DIR]
#
# Rust for the browser bundle: tries `rustup target add wasm32-unknown-unknown` (with a short timeout)
# first. Where that cannot work (no internet for rustup), it falls back to Debian's Rust 1.96
# (bookworm-security) and compiles a wasm32 standard library once from Debian's Rust sources.
# cargo-leptos and wasm-bindgen-cli are taken from DIR when given and of the right version, else built.
# wasm-opt and Tailwind come from npm, the browser for end-to-end tests is Debian's Chromium.
#
# Writes .tools/env.sh; the other scripts source it. Knobs: FORCE_ROUTE=rustup|debian,
# RUSTUP_TIMEOUT (seconds, default 30), PREBUILT_TOOLS_DIR (same as --prebuilt).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=$ROOT/.tools
PREBUILT=${PREBUILT_TOOLS_DIR:-}
while [ $# -gt 0 ]; do
  case $1 in
    --prebuilt) PREBUILT=${2:?--prebuilt needs a directory}; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

if [ -n "$PREBUILT" ]; then
  if [ -d "$PREBUILT" ]; then PREBUILT=$(cd "$PREBUILT" && pwd); else echo "[setup] no folder $PREBUILT; building tools" >&2; PREBUILT=""; fi
fi

# shellcheck source=../tool-versions
. "$ROOT/tool-versions"
RUSTUP_TIMEOUT=${RUSTUP_TIMEOUT:-30}
export CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
export DEBIAN_FRONTEND=noninteractive
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup]\033[0m %s\n' "$*" >&2; exit 1; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
apt_has() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
apt_install() { # apt_install [-t release] pkg...
  local release=()
  if [ "$1" = "-t" ]; then release=(-t "$2"); shift 2; fi
  local missing=()
  for p in "$@"; do apt_has "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "please install: ${missing[*]}"
  log "apt-get install ${missing[*]}"
  if [ -z "${APT_UPDATED:-}" ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
  $SUDO apt-get install -y -qq "${release[@]}" "${missing[@]}" >/dev/null
}
version_of() { "$@" --version 2>/dev/null | awk '{print $2}'; }
mkdir -p "$TOOLS"
pinned=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' "$ROOT/Cargo.toml")
[ "$pinned" = "$WASM_BINDGEN_VERSION" ] \
  || die "tool-versions says wasm-bindgen $WASM_BINDGEN_VERSION but Cargo.toml pins $pinned: make them equal"

# 1. System packages: a C toolchain for native crates, the browser for end-to-end tests.
if command -v dpkg-query >/dev/null; then
  apt_install gcc libc6-dev ca-certificates curl chromium
fi
command -v node >/dev/null && command -v npm >/dev/null || die "please install Node.js 20+ with npm"
[ -x /usr/bin/wasm-opt ] && log "note: /usr/bin/wasm-opt (Debian binaryen) is shadowed by npm's wasm-opt; the old one breaks hydration"

# 2. Rust for wasm32: rustup when it can, Debian's toolchain otherwise.
ROUTE=${FORCE_ROUTE:-}
if [ -z "$ROUTE" ]; then
  if command -v rustup >/dev/null && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    ROUTE=rustup
  elif command -v rustup >/dev/null && timeout -k 5 "$RUSTUP_TIMEOUT" rustup target add wasm32-unknown-unknown; then
    ROUTE=rustup
  else
    log "rustup cannot provide wasm32 here; using Debian's Rust"
    ROUTE=debian
  fi
fi
log "Rust route: $ROUTE"
RUST_PATH=""
if [ "$ROUTE" = debian ]; then
  apt_install -t bookworm-security rustc-web cargo-web rust-web-src rust-web-llvm lld-22 rust-web-clippy rustfmt-web
  [ -x /usr/bin/rust-lld ] || die "/usr/bin/rust-lld is missing (package lld-22 provides it)"
  RUST_PATH=/usr/bin
fi
export PATH="$TOOLS/npm/node_modules/.bin${RUST_PATH:+:$RUST_PATH}:$CARGO_HOME/bin:$PATH"

if [ "$ROUTE" = debian ]; then
  SYSROOT=$TOOLS/wasm-sysroot
  stamp=$(rustc -vV | tr '\n' ' ')
  if [ "$(cat "$SYSROOT/.stamp" 2>/dev/null)" != "$stamp" ]; then
    log "building the wasm32 standard library once (about a minute)"
    seed=$TOOLS/wasm-sysroot-build
    rm -rf "$seed" "$SYSROOT"; mkdir -p "$seed/src" "$SYSROOT/lib/rustlib/wasm32-unknown-unknown/lib"
    printf '[package]\nname = "sysroot-seed"\nversion = "0.0.0"\nedition = "2021"\n[profile.release]\npanic = "abort"\n' > "$seed/Cargo.toml"
    echo '#![no_std]' > "$seed/src/lib.rs"
    # Bitcode is kept so that LTO profiles can use this std.
    ( cd "$seed" && RUSTC_BOOTSTRAP=1 RUSTFLAGS=-Cembed-bitcode=yes cargo build -q --release \
        --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort,panic_unwind,proc_macro,test )
    cp "$seed"/target/wasm32-unknown-unknown/release/deps/lib*.rlib \
       "$seed"/target/wasm32-unknown-unknown/release/deps/lib*.rmeta "$SYSROOT/lib/rustlib/wasm32-unknown-unknown/lib/"
    rm -f "$SYSROOT"/lib/rustlib/wasm32-unknown-unknown/lib/libsysroot_seed-*
    rm -rf "$seed"
    echo "$stamp" > "$SYSROOT/.stamp"
  fi
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--sysroot=$SYSROOT"
fi

# 3. cargo-leptos, wasm-bindgen-cli, cargo-deny and leptosfmt: prebuilt when the versions match, else built
#    from crates.io, every one with `--locked`.
have_tool() { # have_tool NAME VERSION: installed already, or copied from the prebuilt folder
  local name=$1 version=$2
  [ "$(version_of "$CARGO_HOME/bin/$name")" = "$version" ] && return 0
  for candidate in "$PREBUILT/$name-$version" "$PREBUILT/$name"; do
    if [ -n "$PREBUILT" ] && [ -x "$candidate" ] && [ "$(version_of "$candidate")" = "$version" ]; then
      log "$name $version from $PREBUILT"
      mkdir -p "$CARGO_HOME/bin"; cp "$candidate" "$CARGO_HOME/bin/$name"; return 0
    fi
  done
  log "building $name $version from crates.io (cargo-leptos takes about 30 minutes on 2 cores)"
  return 1
}
# cargo-leptos' lock file needs rustc >= 1.96. use_rust_196 picks such a cargo for `cargo install`
# (CARGO_196): the one on PATH, else Debian's, with Debian's rustc (rustup's proxy on PATH would
# otherwise compile with the older toolchain).
at_least_196() { [ "$(printf '%s\n1.96.0\n' "$1" | sort -V | head -1)" = 1.96.0 ]; }
use_rust_196() {
  if at_least_196 "$(rustc --version | awk '{print $2}' | sed 's/-.*//')"; then CARGO_196=cargo; return; fi
  apt_install -t bookworm-security rustc-web cargo-web
  CARGO_196=/usr/bin/cargo
  export RUSTC=/usr/bin/rustc
}
have_tool cargo-leptos "$CARGO_LEPTOS_VERSION" \
  || { use_rust_196; "$CARGO_196" install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads; }
# wasm-bindgen-cli's published lock file pins a yanked crate: the script builds it with `--locked`
# from the checksummed crate with that one lock entry replaced (see the script).
have_tool wasm-bindgen "$WASM_BINDGEN_VERSION" \
  || { use_rust_196; "$ROOT/scripts/install-wasm-bindgen.sh" "$CARGO_196"; }
unset RUSTC
# cargo-deny checks the dependency graph in scripts/test.sh; any cargo >= 1.88 builds it. A debug
# build: it compiles in a fraction of a release build's time, and checking one lock file is quick.
have_tool cargo-deny "$CARGO_DENY_VERSION" \
  || cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked --debug
# leptosfmt formats the `view!` macros that rustfmt leaves alone; scripts/test.sh checks them.
have_tool leptosfmt "$LEPTOSFMT_VERSION" || cargo install leptosfmt --version "$LEPTOSFMT_VERSION" --locked

# 4. npm tools: wasm-opt (binaryen) and the Tailwind CLI, then the end-to-end suite's packages.
if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ] \
   || [ ! -x "$TOOLS/npm/node_modules/.bin/tailwindcss" ]; then
  mkdir -p "$TOOLS/npm"
  [ -f "$TOOLS/npm/package.json" ] || echo '{"name":"build-tools","private":true}' > "$TOOLS/npm/package.json"
  ( cd "$TOOLS/npm" && npm install --silent --no-audit --no-fund \
      "binaryen@$BINARYEN_VERSION" "@tailwindcss/cli@$TAILWIND_VERSION" "tailwindcss@$TAILWIND_VERSION" )
fi
if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ] \
   || [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
  ( cd "$ROOT/end2end" && npm ci --silent --no-audit --no-fund )
fi

# 5. The Firestore emulator, which the store contract suite runs against (Java and Google's emulator).
EMULATOR=${FIRESTORE_EMULATOR_BIN:-/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator}
if [ -z "${FIRESTORE_EMULATOR_HOST:-}" ]; then
  command -v java >/dev/null \
    || die "Java is missing (the Firestore emulator needs Java 17+): apt-get install openjdk-17-jre-headless"
  [ -x "$EMULATOR" ] \
    || die "Google's Firestore emulator is missing: apt-get install google-cloud-cli-firestore-emulator (Google Cloud's apt repository), or set FIRESTORE_EMULATOR_BIN to its cloud_firestore_emulator script, or FIRESTORE_EMULATOR_HOST to a running emulator"
fi

# 6. The environment every other script sources.
{
  echo "# Written by scripts/setup.sh (route: $ROUTE)."
  echo "export CARGO_HOME=\"$CARGO_HOME\""
  echo "export PATH=\"$TOOLS/npm/node_modules/.bin${RUST_PATH:+:$RUST_PATH}:$CARGO_HOME/bin:\$PATH\""
  echo "export NODE_PATH=\"$TOOLS/npm/node_modules\""
  [ "$ROUTE" = debian ] && echo "export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS=\"--sysroot=$SYSROOT\""
  echo "export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1"
  echo "export CHROMIUM_PATH=/usr/bin/chromium"
} > "$TOOLS/env.sh"
log "ready: $(cargo --version), cargo-leptos $(version_of cargo-leptos), wasm-bindgen $(version_of wasm-bindgen)"
