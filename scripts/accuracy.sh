#!/usr/bin/env bash
# Full-data accuracy of every preset, natively: each preset trained with 3 seeds on its named
# set (the official test split where one exists, else the preset's held-out test split), with
# mean ± sd of the test metric. Too long for `make test`; run it with `make accuracy`.
#   scripts/accuracy.sh [PRESET...]      (default: every data-set preset with a "-full" twin or
#                                         a tabular set)
# Writes bench/accuracy.json and bench/ACCURACY.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS="${SEEDS:-1 2 3}"
BIN=target/release/mlp-lab
cargo build --release --quiet
presets=("$@")
if [ ${#presets[@]} -eq 0 ]; then
  presets=(mnist-full fashion-mnist-full cifar10-full breast-cancer breast-cancer-area diabetes digits)
fi
out=bench/accuracy.jsonl
: > "$out"
for p in "${presets[@]}"; do
  file="www/presets/$p.json"
  [ -f "$file" ] || { echo "no preset $file" >&2; exit 1; }
  for s in $SEEDS; do
    echo "== $p seed $s" >&2
    line=$("$BIN" train --config "$file" --seed "$s" -q | tail -n 1)
    printf '{"preset": "%s", "seed": %s, "result": %s}\n' "$p" "$s" "$line" >> "$out"
  done
done
python3 scripts/accuracy_table.py "$out" > bench/ACCURACY.md
cat bench/ACCURACY.md
