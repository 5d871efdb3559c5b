"""Summarises scripts/accuracy.sh's JSON lines as a Markdown table of mean ± sd per preset, with
scripts/torch_accuracy.sh's PyTorch runs of the same presets beside them when present."""
import datetime
import json
import os
import statistics
import sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()] if os.path.exists(sys.argv[1]) else []
by = {}
for r in rows:
    by.setdefault(r["preset"], []).append(r)
keys = ["test_accuracy", "official_test_accuracy", "test_r2", "val_accuracy", "train_accuracy", "seconds"]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"# Accuracy of the presets (native CLI, {os.cpu_count()} cores, {cpu})\n")
print(f"Written by scripts/accuracy.sh (scripts/accuracy_table.py) on {datetime.date.today()} from {os.path.basename(sys.argv[1])}.")
print("Each preset trained with the seeds listed (scripts/accuracy.sh: 1, 2, 3); mean ± sd; "
      "measured: the dates its runs recorded (runs from before the script recorded dates: not recorded).\n")
print("| preset | seeds | " + " | ".join(keys) + " | measured |")
print("|---" * (len(keys) + 3) + "|")
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
    seeds = ", ".join(str(r["seed"]) for r in rs)
    print(f"| {p} | {seeds} | " + " | ".join(cells) + " |")

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


def mean_sd(v):
    if not v:
        return "—"
    return f"{statistics.mean(v) * 100:.2f}% ± {(statistics.stdev(v) * 100 if len(v) > 1 else 0):.2f}"


# The same presets trained in PyTorch (scripts/torch_accuracy.sh), when present.
torch_rows = os.path.join(os.path.dirname(sys.argv[1]), "torch_accuracy.jsonl")
pt = {}
if os.path.exists(torch_rows):
    for l in open(torch_rows):
        if l.strip():
            r = json.loads(l)
            pt.setdefault(r["preset"], []).append(r)
if pt:
    print("\n## MLP Lab vs PyTorch, same presets\n")
    print("`PYTHON=… scripts/torch_accuracy.sh PRESET…` trains each preset in PyTorch CPU float32 "
          "(scripts/torch_presets.py: the same layers, init, dropout, augmentation, optimizer, "
          "regulariser, schedule, batch size and epochs, on exactly the rows MLP Lab trains and "
          "validates on) with the seeds listed. Test: the preset's test split (MNIST and "
          "Fashion-MNIST: the official test set; CIFAR-10: data_batch_5). Difference: MLP Lab's "
          "mean minus PyTorch's, in points. s/run: the wall seconds a run took, under whatever "
          "else the machine ran then (PyTorch's runs record their thread count from this version of "
          "scripts/torch_accuracy.sh on), so not a speed comparison: bench/NATIVE.md compares speeds in one run.\n")
    print("| preset | MLP Lab seeds | MLP Lab test | PyTorch seeds | PyTorch test | difference | MLP Lab validation | PyTorch validation | MLP Lab s/run | PyTorch s/run | measured |")
    print("|---" * 11 + "|")
    for p, ts in pt.items():
        ours = [r["result"] for r in by.get(p, [])]
        theirs = [r["result"] for r in ts]
        test = lambda rs: [r["test_accuracy"] for r in rs if "test_accuracy" in r]
        val = lambda rs: [r["val_accuracy"] for r in rs if "val_accuracy" in r]
        secs = lambda rs: f"{statistics.mean([r['seconds'] for r in rs]):.0f}" if rs else "—"
        diff = (f"{(statistics.mean(test(ours)) - statistics.mean(test(theirs))) * 100:+.2f}"
                if test(ours) and test(theirs) else "—")
        dates = sorted({r["date"] for r in ts})
        print(f"| {p} | {len(ours)} | {mean_sd(test(ours))} | {len(theirs)} | {mean_sd(test(theirs))} | {diff} | "
              f"{mean_sd(val(ours))} | {mean_sd(val(theirs))} | {secs(ours)} | {secs(theirs)} | {' – '.join(dates)} |")

# The presets trained in the page (bench/time-to-accuracy.mjs --out bench/page-accuracy), when present.
page_dir = os.path.join(os.path.dirname(sys.argv[1]), "page-accuracy")
page_runs = sorted(os.listdir(page_dir)) if os.path.isdir(page_dir) else []
if page_runs:
    print("\n## In the page\n")
    print("`node bench/time-to-accuracy.mjs --preset P.json --target T --out bench/page-accuracy` "
          "(then renamed to the preset's name): the preset trained in headless Chromium from Start, "
          "the test accuracy asked of the page's worker after every epoch. One run, the preset's seed.\n")
    print("| preset | data | epochs | test accuracy at the end | target | first epoch at the target | seconds | load (1 min) | date |")
    print("|---|---|---|---|---|---|---|---|---|")
    for f in page_runs:
        r = json.load(open(os.path.join(page_dir, f)))
        print(f"| {r['preset'].removesuffix('.json')} | {r['dataset']} | {r['epochs']} | {r['final_test_accuracy'] * 100:.2f}% | "
              f"{r['target'] * 100:.1f}% | {r['epoch_reached']} | {r['seconds_total']:.0f} | "
              f"{r['load_average']:.1f} on {r['cores']} cores | {r['date'][:10]} |")
