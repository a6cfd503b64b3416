#!/usr/bin/env bash
# Prints the size of the release WASM bundle, its JS glue and CSS: raw, gzip and brotli.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PKG=$ROOT/target/site/pkg
[ -f "$PKG/vip-manager.wasm" ] || { echo "no release bundle: run cargo leptos build --release" >&2; exit 1; }
node - "$PKG" <<'JS'
const fs = require("fs"), zlib = require("zlib"), path = require("path");
const dir = process.argv[2];
const kb = (n) => (n / 1024).toFixed(1).padStart(8) + " KB";
console.log("file".padEnd(22) + "raw".padStart(11) + "gzip".padStart(11) + "brotli".padStart(11));
for (const f of ["vip-manager.wasm", "vip-manager.js", "vip-manager.css"]) {
  const data = fs.readFileSync(path.join(dir, f));
  const gz = zlib.gzipSync(data, { level: 9 }).length;
  const br = zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(f.padEnd(22) + kb(data.length) + kb(gz) + kb(br));
}
JS
