"""Summarises scripts/accuracy.sh's JSON lines as a Markdown table of mean ± sd per preset."""
import datetime
import json
import os
import statistics
import sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in rows:
    by.setdefault(r["preset"], []).append(r)
keys = ["test_accuracy", "official_test_accuracy", "test_r2", "val_accuracy", "train_accuracy", "seconds"]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"# Accuracy of the presets (native CLI, {os.cpu_count()} cores, {cpu})\n")
print(f"Written by scripts/accuracy.sh (scripts/accuracy_table.py) on {datetime.date.today()} from {os.path.basename(sys.argv[1])}.")
print("Each preset trained with seeds " + ", ".join(str(r["seed"]) for r in next(iter(by.values()))) + "; mean ± sd; "
      "measured: the dates its runs recorded (runs from before the script recorded dates: not recorded).\n")
print("| preset | " + " | ".join(keys) + " | measured |")
print("|---" * (len(keys) + 2) + "|")
for p, rs in by.items():
    cells = []
    for k in keys:
        v = [r["result"][k] for r in rs if k in r["result"]]
        if not v:
            cells.append("")
        elif k == "seconds":
            cells.append(f"{statistics.mean(v):.0f} s")
        elif k.endswith("accuracy"):
            sd = statistics.stdev(v) * 100 if len(v) > 1 else 0
            cells.append(f"{statistics.mean(v) * 100:.2f}% ± {sd:.2f}")
        else:
            sd = statistics.stdev(v) if len(v) > 1 else 0
            cells.append(f"{statistics.mean(v):.4f} ± {sd:.4f}")
    dates = sorted({r["date"] for r in rs if "date" in r})
    cells.append(" – ".join([dates[0], dates[-1]] if len(dates) > 1 else dates) if dates else "not recorded")
    print(f"| {p} | " + " | ".join(cells) + " |")

# The CIFAR-10 preset trained in PyTorch on the same split (scripts/cifar_torch.py), when present.
torch_file = os.path.join(os.path.dirname(sys.argv[1]), "cifar_torch.jsonl")
if os.path.exists(torch_file) and "cifar10-full" in by:
    t = [json.loads(l) for l in open(torch_file) if l.strip()]
    ours = [r["result"] for r in by["cifar10-full"]]

    def ms(v):
        return f"{statistics.mean(v) * 100:.2f}% ± {(statistics.stdev(v) * 100 if len(v) > 1 else 0):.2f}"

    print("\n## CIFAR-10: MLP Lab vs PyTorch, same preset and split\n")
    print("`python scripts/cifar_torch.py --seeds 1 2 3` (PyTorch CPU float32: same layers, init, L2 on weights only, SGD momentum, cosine schedule, batch, epochs; its own seeded 10% validation rows).\n")
    print("| engine | seeds | data_batch_5 (test) | official test images present | validation |")
    print("|---|---|---|---|---|")
    print(f"| MLP Lab | {len(ours)} | {ms([r['test_accuracy'] for r in ours])} | {ms([r['official_test_accuracy'] for r in ours])} | {ms([r['val_accuracy'] for r in ours])} |")
    print(f"| PyTorch | {len(t)} | {ms([r['test_accuracy'] for r in t])} | {ms([r['official_test_accuracy'] for r in t])} | {ms([r['val_accuracy'] for r in t])} |")
