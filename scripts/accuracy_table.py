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
print(f"# Accuracy of the presets (native CLI, {datetime.date.today()}, {os.cpu_count()} cores, {cpu})\n")
print("Each preset trained with seeds " + ", ".join(str(r["seed"]) for r in next(iter(by.values()))) + "; mean ± sd.\n")
print("| preset | " + " | ".join(keys) + " |")
print("|---" * (len(keys) + 1) + "|")
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
    print(f"| {p} | " + " | ".join(cells) + " |")
