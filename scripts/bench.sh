#!/usr/bin/env bash
# Benchmarks (not part of CI): builds the release server and the benchmark, runs the benchmark
# (server as a separate process, simulated Twitch on loopback), prints the results table and, for
# a complete run, writes it into BENCHMARKS.md between the results markers.
#
#   scripts/bench.sh                               every scenario on SQLite at full size (~20 min)
#   scripts/bench.sh --backend both                also on the Firestore emulator
#   scripts/bench.sh --quick                       small sizes, a few minutes
#   scripts/bench.sh --only latency --rate 200     one scenario, another size
#   scripts/bench.sh --write | --no-write          force or skip updating BENCHMARKS.md
#
# Everything else is passed to the benchmark; `scripts/bench.sh --help` lists its options.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck disable=SC1091
[ -f .tools/env.sh ] && source .tools/env.sh

WRITE=auto
ARGS=()
for arg in "$@"; do
  case "$arg" in
    --write) WRITE=yes ;;
    --no-write) WRITE=no ;;
    --only | --quick) [ "$WRITE" = auto ] && WRITE=no; ARGS+=("$arg") ;;
    -h | --help) WRITE=no; ARGS+=("$arg") ;;
    *) ARGS+=("$arg") ;;
  esac
done
[ "$WRITE" = auto ] && WRITE=yes

# Ten thousand live-update streams need that many sockets in the server and in the benchmark.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 12000 ]; then
  echo "warning: only $(ulimit -n) open files allowed; the SSE scenario needs about 11000" >&2
fi

# The server and the site exactly as they are deployed (the WASM scenario measures this bundle).
cargo leptos build --release --split
cargo build --release --locked -p vip-bench

TABLE=$(mktemp)
trap 'rm -f "$TABLE"' EXIT
target/release/vip-bench "${ARGS[@]}" | tee "$TABLE"

if [ "$WRITE" = yes ]; then
  START='<!-- results:start -->'
  END='<!-- results:end -->'
  if grep -qF "$START" BENCHMARKS.md && grep -qF "$END" BENCHMARKS.md; then
    awk -v start="$START" -v end="$END" -v table="$TABLE" '
      $0 == start { print; while ((getline line < table) > 0) print line; skip = 1; next }
      $0 == end { skip = 0 }
      !skip { print }
    ' BENCHMARKS.md >BENCHMARKS.md.new
    mv BENCHMARKS.md.new BENCHMARKS.md
    echo "BENCHMARKS.md updated" >&2
  else
    echo "BENCHMARKS.md has no results markers; table not written" >&2
  fi
fi
