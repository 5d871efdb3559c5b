#!/usr/bin/env bash
# Full-data accuracy of every preset, natively: each preset trained with 3 seeds on its named
# set (the official test split where one exists, else the preset's held-out test split), with
# mean ± sd of the test metric. Too long for `make test`; run it with `make accuracy`.
#   scripts/accuracy.sh [PRESET...]      (default: the full MNIST/Fashion-MNIST presets and the
#                                         tabular sets; CIFAR-10 takes long: name it explicitly)
# Writes bench/accuracy.jsonl and bench/ACCURACY.md (OUT_DIR=DIR: into DIR instead; make test
# runs `SEEDS="1 2" OUT_DIR=target/bench-quick/accuracy scripts/accuracy.sh iris wine`).
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS="${SEEDS:-1 2 3}"
OUT_DIR="${OUT_DIR:-bench}"
mkdir -p "$OUT_DIR"
BIN=target/release/mlp-lab
cargo build --release --quiet
presets=("$@")
if [ ${#presets[@]} -eq 0 ]; then
  presets=(mnist-full fashion-mnist-full breast-cancer breast-cancer-area diabetes digits)
fi
out="$OUT_DIR/accuracy.jsonl"
touch "$out"
# Each preset's three results replace its earlier ones only once all three are in, so an
# interrupted run loses nothing that was recorded before.
for p in "${presets[@]}"; do
  file="www/presets/$p.json"
  [ -f "$file" ] || { echo "no preset $file" >&2; exit 1; }
  fresh=$(mktemp)
  for s in $SEEDS; do
    echo "== $p seed $s" >&2
    line=$("$BIN" train --config "$file" --seed "$s" -q | tail -n 1)
    printf '{"preset": "%s", "seed": %s, "date": "%s", "result": %s}\n' "$p" "$s" "$(date -u +%F)" "$line" | tee -a "$fresh" >&2
  done
  python3 scripts/replace_runs.py "$out" "$p" "$fresh"
  rm -f "$fresh"
done
python3 scripts/accuracy_table.py "$out" > "$OUT_DIR/ACCURACY.md"
cat "$OUT_DIR/ACCURACY.md"
