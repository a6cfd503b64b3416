#!/usr/bin/env bash
# Builds wasm-bindgen-cli at the version in tool-versions with `cargo install --locked`.
#
# The published crate's lock file pins webpki-roots 1.0.11, which crates.io has since yanked, so
# `cargo install wasm-bindgen-cli --locked` cannot resolve it. This script downloads the crate,
# checks its SHA-256 against tool-versions, replaces that one lock entry by webpki-roots 1.0.10 (the
# release before, same dependencies, checksum from the crates.io index) and installs from the
# patched source with `--locked`: every other dependency stays exactly as published.
#
# Usage: scripts/install-wasm-bindgen.sh [cargo]   (the cargo to use; `cargo` by default)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../tool-versions
. "${TOOL_VERSIONS:-$here/../tool-versions}"
cargo=${1:-cargo}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

crate="$work/wasm-bindgen-cli.crate"
curl -sSfL -o "$crate" \
  "https://static.crates.io/crates/wasm-bindgen-cli/wasm-bindgen-cli-$WASM_BINDGEN_VERSION.crate"
echo "$WASM_BINDGEN_CLI_SHA256  $crate" | sha256sum -c --quiet -
tar xzf "$crate" -C "$work"
src="$work/wasm-bindgen-cli-$WASM_BINDGEN_VERSION"

python3 - "$src/Cargo.lock" <<'PY'
import sys
path = sys.argv[1]
lock = open(path).read()
yanked = ('name = "webpki-roots"\nversion = "1.0.11"\n'
          'source = "registry+https://github.com/rust-lang/crates.io-index"\n'
          'checksum = "f5f280bbb2b287bc8e7de7e3852945a0ff50d1bbcb5ed42b6c7a568c546df171"')
kept = ('name = "webpki-roots"\nversion = "1.0.10"\n'
        'source = "registry+https://github.com/rust-lang/crates.io-index"\n'
        'checksum = "1c1c8e20c8a38fc7d65abfe74eb7280e4aa667e8eec8bc84996d2874810748d9"')
if lock.count(yanked) != 1:
    sys.exit("wasm-bindgen-cli's lock file changed: review the webpki-roots entry in this script")
open(path, "w").write(lock.replace(yanked, kept))
PY

"$cargo" install --path "$src" --locked
