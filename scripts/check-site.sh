#!/usr/bin/env bash
# Checks that a built site directory (default dist/) works from any directory of any static host:
# no root-absolute URLs in its HTML and JavaScript, and the files the page needs are present.
set -euo pipefail
dir="${1:-dist}"
status=0
pattern='(src|href|action)="/[^/]|(from|import\(|fetch\(|new URL\(|new Worker\() *['"'"'"`]/[^/]'
if grep -rnE "$pattern" "$dir" --include='*.html' --include='*.js' --include='*.mjs' --include='*.css'; then
  echo "check-site: $dir has root-absolute paths (above); use relative ones" >&2
  status=1
fi
for f in index.html main.js worker.js protocol.js pkg/mlp_lab.js pkg/mlp_lab_bg.wasm pkg-sweep/mlp_lab.js pkg-sweep/mlp_lab_bg.wasm pkg-shards/mlp_lab.js pkg-shards/mlp_lab_bg.wasm pkg-export/mlp_lab.js pkg-export/mlp_lab_bg.wasm; do
  if [ ! -f "$dir/$f" ]; then
    echo "check-site: $dir/$f is missing" >&2
    status=1
  fi
done
exit $status
