#!/usr/bin/env bash
# Quick-start command 2: sets everything up, then runs every check: format (rustfmt, leptosfmt), dependency licences and
# sources (cargo deny), clippy (server and WASM
# builds separately), unit and integration tests (SQLite and the Firestore emulator), and the browser
# suite (JavaScript off and hydrated). Prints the time of each step and the WASM bundle size.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
started=$(date +%s)
summary=()
step() { # step NAME command...
  local name=$1; shift
  printf '\n\033[1;35m==> %s\033[0m\n' "$name"
  local t0; t0=$(date +%s)
  "$@"
  summary+=("$(printf '%-28s %5ss' "$name" $(( $(date +%s) - t0 )))")
}

step "set-up" bash scripts/setup.sh "$@"
# shellcheck disable=SC1091
source .tools/env.sh
# shellcheck source=scripts/packages.sh
source scripts/packages.sh
step "format" cargo fmt --all --check
# rustfmt leaves macros alone: leptosfmt formats the `view!` markup (defaults: 100 columns, 4 spaces).
step "format (view! macros)" leptosfmt --check --quiet app/src frontend/src
# Licences, banned crates and sources of every dependency, from Cargo.lock (see deny.toml; the
# advisory database is not fetched, so the result depends on nothing outside the repository).
step "dependencies (cargo deny)" cargo deny --locked check bans licenses sources
step "clippy (server, ssr)" cargo clippy "${NATIVE_PACKAGES[@]}" --all-targets --locked -- -D warnings
step "clippy (browser, wasm32)" cargo clippy -p app -p frontend --target wasm32-unknown-unknown --locked -- -D warnings
# A hung test fails the run with its name on screen instead of holding CI until its own limit.
step "unit + integration tests" timeout --signal=INT --kill-after=30 2400 cargo test "${NATIVE_PACKAGES[@]}" --locked
step "browser tests" bash scripts/browser-tests.sh
step "bundle size" bash scripts/bundle-size.sh

printf '\n\033[1;32mAll checks passed\033[0m in %ss:\n' $(( $(date +%s) - started ))
printf '  %s\n' "${summary[@]}"
