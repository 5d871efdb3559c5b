#!/usr/bin/env bash
# Full-data accuracy of every preset, natively: each preset trained with 3 seeds on its named
# set (the official test split where one exists, else the preset's held-out test split), with
# mean ± sd of the test metric. Too long for `make test`; run it with `make accuracy`.
#   scripts/accuracy.sh [PRESET...]      (default: the full MNIST/Fashion-MNIST presets and the
#                                         tabular sets; CIFAR-10 takes long: name it explicitly)
# Writes bench/accuracy.json and bench/ACCURACY.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS="${SEEDS:-1 2 3}"
BIN=target/release/mlp-lab
cargo build --release --quiet
presets=("$@")
if [ ${#presets[@]} -eq 0 ]; then
  presets=(mnist-full fashion-mnist-full breast-cancer breast-cancer-area diabetes digits)
fi
out=bench/accuracy.jsonl
touch "$out"
# Earlier results of other presets are kept; the presets run now are replaced.
python3 - "$out" "${presets[@]}" <<'PY'
import json, sys
path, names = sys.argv[1], set(sys.argv[2:])
keep = [l for l in open(path) if l.strip() and json.loads(l)["preset"] not in names]
open(path, "w").writelines(keep)
PY
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
