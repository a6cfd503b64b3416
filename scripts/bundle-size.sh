#!/usr/bin/env bash
# Prints the size of the release WASM bundle (raw, gzip and brotli): the main module with its JS
# glue and the CSS, then what the first load of each page fetches (the main module plus the chunks
# of the islands on that page, from the split manifest; PAGES below says which islands each page
# has) and the sum of every chunk. Fails when the main module, which every page loads first, is over
# the budget of 250 KB brotli (BUDGET_KB overrides it), when any page's first load is over it, or
# when an island of the manifest is on no page in PAGES (README, "Bundle size").
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PKG=$ROOT/target/site/pkg
[ -f "$PKG/vip-manager.wasm" ] || { echo "no release bundle: run cargo leptos build --release --split" >&2; exit 1; }
node - "$PKG" "${BUDGET_KB:-250}" <<'JS'
const fs = require("fs"), zlib = require("zlib"), path = require("path");
const [dir, budgetKb] = [process.argv[2], Number(process.argv[3])];
const kb = (n) => (n / 1024).toFixed(1).padStart(8) + " KB";
const size = (f) => {
  const data = fs.readFileSync(path.join(dir, f));
  return [
    data.length,
    zlib.gzipSync(data, { level: 9 }).length,
    zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  ];
};
const sum = (files) => files.map(size).reduce((a, b) => a.map((x, i) => x + b[i]), [0, 0, 0]);
const row = (name, [raw, gz, br]) => console.log(name.padEnd(40) + kb(raw) + kb(gz) + kb(br));
console.log("file".padEnd(40) + "raw".padStart(11) + "gzip".padStart(11) + "brotli".padStart(11));
const files = fs.readdirSync(dir);
const over = [];
const splitJs = files.filter((f) => f.startsWith("__wasm_split") && f.endsWith(".js"));
for (const f of ["vip-manager.wasm", "vip-manager.js", ...splitJs, "vip-manager.css"]) row(f, size(f));
const manifestFile = files.find((f) => f.startsWith("__wasm_split_manifest"));
if (manifestFile) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, manifestFile), "utf8"));
  const chunks = files.filter((f) => f.endsWith(".wasm") && f !== "vip-manager.wasm");
  console.log(`\nfirst load of a page: vip-manager.wasm + its islands' chunks (${chunks.length} chunks in all)`);
  // The lazily loaded islands each page renders (an island's manifest key is its function's name
  // in snake case, then `_loader_` and a hash).
  const PAGES = {
    home: ["planner_island", "server_status_card"],
    dashboard: ["live_refresh", "countdowns"],
    activity: ["live_refresh"],
    analytics: [],
    settings: ["chat_previews", "live_refresh"],
    account: [],
    public_channel: ["public_channel_island"],
  };
  const island = (key) => key.replace(/^__/, "").replace(/_loader_\d+$/, "");
  const unplaced = Object.keys(manifest).map(island).filter((i) => !Object.values(PAGES).flat().includes(i));
  if (unplaced.length) {
    console.error(`islands on no page of PAGES (scripts/bundle-size.sh): ${unplaced.join(", ")}`);
    process.exit(1);
  }
  for (const [page, islands] of Object.entries(PAGES)) {
    const deps = new Set(Object.entries(manifest).filter(([k]) => islands.includes(island(k))).flatMap(([, d]) => d));
    const total = sum(["vip-manager.wasm", ...[...deps].map((d) => `${d}.wasm`)]);
    row(`  ${page} (${deps.size} chunks)`, total);
    if (total[2] / 1024 > budgetKb) over.push(`${page} ${(total[2] / 1024).toFixed(1)} KB`);
  }
  row("all chunks (without main)", sum(chunks));
  row("main + all chunks", sum(["vip-manager.wasm", ...chunks]));
}
const mainKb = size("vip-manager.wasm")[2] / 1024;
const mainOver = mainKb > budgetKb;
if (mainOver) over.unshift(`main module ${mainKb.toFixed(1)} KB`);
console.log(`\nmain module: ${mainKb.toFixed(1)} KB brotli; budget per first load: ${budgetKb} KB`);
if (over.length) console.log(`OVER the budget: ${over.join(", ")}`);
else console.log("every page's first load is within the budget");
process.exit(over.length ? 1 : 0);
JS
