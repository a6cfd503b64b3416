#!/usr/bin/env bash
# The browser suite (Playwright in Chromium, JavaScript off and hydrated) against the server the
# integration tests run, with the release WASM bundle that is deployed. Used by scripts/test.sh; run
# it alone after `source .tools/env.sh`.
#
# The server is the debug build that `cargo test` makes for the integration tests (their
# `CARGO_BIN_EXE_server`), with the same features, so no second build of the dependency tree is
# needed: a release build of the server for this suite was most of the test command's time. The
# bundle keeps its own profile (`wasm-release`), so the bundle-size check measures what is deployed;
# the Dockerfile and the benchmarks build the server with LTO.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ADDR=127.0.0.1:3000

# The same command as the test step: nothing is rebuilt when that step ran.
# shellcheck source=scripts/packages.sh
source scripts/packages.sh
cargo test "${NATIVE_PACKAGES[@]}" --locked --no-run
cargo leptos build --release --split --frontend-only --cargo-locked

# A fresh database for every run (demo mode: the bundled simulated Twitch). The simulated audience
# stays quiet so that what the tests see is what they did.
mkdir -p target/e2e
if curl -fsS "http://$ADDR/api/health" >/dev/null 2>&1; then
  echo "something already serves $ADDR: stop it first" >&2; exit 1
fi
log=target/e2e/server.log
DEMO_REDEEM_EVERY_SECS=86400 DATABASE_URL="sqlite://target/e2e/vip-$(date +%s).db" \
  LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR=$ADDR target/debug/server >"$log" 2>&1 &
server=$!
stop() { kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true; }
trap stop EXIT
for _ in $(seq 1 300); do
  curl -fsS "http://$ADDR/api/health" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "the server stopped before it was healthy:" >&2; tail -40 "$log" >&2; exit 1; }
  sleep 0.1
done
curl -fsS "http://$ADDR/api/health" >/dev/null || { echo "the server is not healthy after 30 s:" >&2; tail -40 "$log" >&2; exit 1; }

# Only Playwright's own report says the suite ran.
rm -f end2end/test-results/report.json
status=0
(cd end2end && BASE_URL="http://$ADDR" timeout --signal=INT --kill-after=30 1800 npx playwright test) || status=$?
stop
trap - EXIT
[ "$status" -eq 0 ] || { echo "the server's last lines:" >&2; tail -40 "$log" >&2; }
node -e '
  const r = require("./end2end/test-results/report.json").stats;
  console.log(`browser tests: ${r.expected} passed, ${r.unexpected} failed, ${r.skipped} skipped, ${r.flaky} flaky`);
  process.exit(r.expected > 0 && r.unexpected === 0 && r.flaky === 0 ? 0 : 1);'
exit "$status"
