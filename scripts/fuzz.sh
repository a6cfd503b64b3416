#!/usr/bin/env bash
# Fuzzes the EventSub parsers and the webhook signature check (cargo-fuzz + libFuzzer, crate
# server/fuzz): installs cargo-fuzz if missing, builds the targets, seeds each corpus from the
# EventSub fixtures, runs each target for SECONDS and prints the executions per target.
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]     (default: 20 seconds, every target)
# FUZZ_SANITIZER=none builds without AddressSanitizer (the code under test is safe Rust).
# Exits non-zero when a target crashes; the input is kept in server/fuzz/artifacts/TARGET/ and
# `cargo fuzz run TARGET artifacts/TARGET/crash-…` (in server/fuzz) replays it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck disable=SC1091
[ -f .tools/env.sh ] && source .tools/env.sh

seconds=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(eventsub_ws_message eventsub_webhook_body webhook_verify)
sanitizer=${FUZZ_SANITIZER:-address}

# cargo-fuzz passes nightly-only flags to rustc (sanitizer, coverage instrumentation); this lets
# the stable toolchain accept them.
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

started=$(date +%s)
cd server/fuzz
triple=$(rustc -vV | sed -n 's/^host: //p')
cargo fuzz build --sanitizer "$sanitizer" --target "$triple"
built=$(date +%s)

# Seeds: the real and documented payloads the unit tests use.
fixtures=../sim/fixtures
seed() { # seed TARGET FILE...
  local target=$1; shift
  mkdir -p "corpus/$target"
  local file
  for file in "$@"; do cp "$fixtures/$file" "corpus/$target/seed-$file"; done
}
ws_seeds=()
webhook_seeds=()
for path in "$fixtures"/*.json; do
  name=$(basename "$path")
  case $name in
    ws_*|twitch_cli_ws_*) ws_seeds+=("$name") ;;
    eventsub_*|webhook_callback_verification.json|webhook_revocation.json) webhook_seeds+=("$name") ;;
  esac
done
seed eventsub_ws_message "${ws_seeds[@]}"
seed eventsub_webhook_body "${webhook_seeds[@]}"
seed webhook_verify webhook_signature_test_vector.COMPUTED.json \
  eventsub_redemption_add_notification.twitch_api_fixture.json webhook_callback_verification.json

mkdir -p logs
summary=()
failed=0
for target in "${targets[@]}"; do
  dict=()
  [ "$target" = webhook_verify ] || dict=(-dict=eventsub.dict)
  log="logs/$target.log"
  status=ok
  mkdir -p "artifacts/$target"
  # The binaries just built, run directly (`cargo fuzz run` would build again first).
  if ! ASAN_OPTIONS=detect_odr_violation=0 "target/$triple/release/$target" "corpus/$target" \
      -artifact_prefix="artifacts/$target/" -max_total_time="$seconds" -print_final_stats=1 \
      "${dict[@]}" >"$log" 2>&1; then
    status=CRASH
    failed=1
    tail -n 40 "$log"
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  corpus=$(find "corpus/$target" -type f | wc -l)
  summary+=("$(printf '%-24s %-6s %12s executions %7s corpus files' "$target" "$status" "${runs:-?}" "$corpus")")
done

echo
echo "fuzzing: build $((built - started))s, runs of ${seconds}s each (logs in server/fuzz/logs/)"
printf '  %s\n' "${summary[@]}"
exit "$failed"
