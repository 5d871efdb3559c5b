#!/usr/bin/env bash
# The PyTorch column of bench/ACCURACY.md: each image preset trained in PyTorch (CPU, float32)
# by scripts/torch_presets.py — same layers, init, dropout, augmentation, optimizer, schedule,
# split and epochs as the preset says — with the same seeds as scripts/accuracy.sh.
#   PYTHON=/path/to/python scripts/torch_accuracy.sh PRESET...     (e.g. mnist-best cifar10-best)
# PYTHON: a Python that imports torch and numpy (default .venv/bin/python). SEEDS (default
# "1 2 3"), THREADS (torch threads, default 2), OUT_DIR (default bench), QUICK=1: one epoch of a
# 32-32 net per run (make test-bench's check that the script still produces its figures).
# Writes OUT_DIR/torch_accuracy.jsonl (a preset's runs replace its earlier ones once all are in)
# and rewrites OUT_DIR/ACCURACY.md with scripts/accuracy_table.py.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
SEEDS="${SEEDS:-1 2 3}"
THREADS="${THREADS:-2}"
OUT_DIR="${OUT_DIR:-bench}"
[ $# -gt 0 ] || { echo "usage: scripts/torch_accuracy.sh PRESET..." >&2; exit 2; }
"$PYTHON" -c 'import torch, numpy' 2>/dev/null || { echo "$PYTHON cannot import torch and numpy (set PYTHON=...)" >&2; exit 1; }
mkdir -p "$OUT_DIR"
out="$OUT_DIR/torch_accuracy.jsonl"
touch "$out" "$OUT_DIR/accuracy.jsonl"
quick=()
[ -n "${QUICK:-}" ] && quick=(--set epochs=1 --set 'layers[0].units=32' --set 'layers[1].units=32')
for p in "$@"; do
  file="www/presets/$p.json"
  [ -f "$file" ] || { echo "no preset $file" >&2; exit 1; }
  fresh=$(mktemp)
  # shellcheck disable=SC2086
  "$PYTHON" scripts/torch_presets.py --preset "$file" --seeds $SEEDS --threads "$THREADS" "${quick[@]}" \
    | "$PYTHON" -c '
import json, sys, datetime
for line in sys.stdin:
    r = json.loads(line)
    r.pop("history", None)
    name = sys.argv[1]
    print(json.dumps({"preset": name, "seed": r["seed"], "date": str(datetime.date.today()),
                      "threads": int(sys.argv[2]), "result": r}), flush=True)
' "$p" "$THREADS" | tee -a "$fresh" >&2
  python3 scripts/replace_runs.py "$out" "$p" "$fresh"
  rm -f "$fresh"
done
python3 scripts/accuracy_table.py "$OUT_DIR/accuracy.jsonl" > "$OUT_DIR/ACCURACY.md"
cat "$OUT_DIR/ACCURACY.md"
