#!/usr/bin/env bash
# Quick-start command 1: sets everything up, then builds and starts the app on the embedded default
# (SQLite file under data/, no Twitch credentials needed) and prints its address.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash scripts/setup.sh "$@"
# shellcheck disable=SC1091
source .tools/env.sh
cargo leptos build --release --split
ADDR=${LEPTOS_SITE_ADDR:-127.0.0.1:3000}
echo
echo "  VIP Manager is starting at http://$ADDR  (Ctrl-C stops it)"
echo
LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR=$ADDR exec target/release/server
