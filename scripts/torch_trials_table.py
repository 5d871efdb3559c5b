"""Markdown tables of the PyTorch tuning log (scripts/torch_presets.py --log): one row per
validation-only trial, and mean ± sd over seeds of the confirmation runs (those with a test
accuracy), grouped by trial name.

    python scripts/torch_trials_table.py bench/tuning/best-presets.jsonl
"""

import json
import statistics
import sys


def arch(cfg):
    widths = "-".join(str(l["units"]) for l in cfg["layers"])
    drops = [l.get("dropout", 0.0) for l in cfg["layers"]]
    return widths, "/".join(f"{d:g}" for d in drops) if any(drops) else "–"


def augment(cfg):
    a = cfg.get("augment") or {}
    parts = ([f"shift {a['shift']}"] if a.get("shift") else []) + (["flip"] if a.get("flip") else [])
    return ", ".join(parts) or "–"


def training(cfg):
    o = cfg["optimizer"]
    reg = cfg.get("regularization") or {}
    sched = (cfg.get("lr_schedule") or {}).get("kind", "none")
    s = f"{o['name']} {o['lr']:g}, bs {cfg['batch_size']}, {cfg['epochs']} ep, {sched}"
    if reg.get("kind", "none") != "none":
        s += f", {reg['kind']} {reg['lambda']:g}"
    if o.get("weight_decay"):
        s += f", wd {o['weight_decay']:g}"
    if cfg.get("standardize"):
        s += ", std"
    es = cfg.get("early_stopping")
    if es:
        s += f", stop {es['metric']} p{es['patience']}" + (" best" if es.get("restore_best") else "")
    return s


def pct(x):
    return f"{100 * x:.2f}"


def mean_sd(xs):
    return f"{100 * statistics.mean(xs):.2f} ± {100 * (statistics.stdev(xs) if len(xs) > 1 else 0):.2f}"


def main(path):
    rows = [json.loads(l) for l in open(path) if l.strip()]
    trials = [r for r in rows if "test_accuracy" not in r]
    confirm = [r for r in rows if "test_accuracy" in r]
    print("| trial | layers | dropout (inputs of layer 0/1/…) | augment | training | val % (kept epoch) | best val % @ epoch | s | CPU s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in trials:
        c = r["config"]
        h = r["history"]["val_accuracy"]
        best = max(h)
        print(f"| {r['trial']} | {arch(c)[0]} | {arch(c)[1]} | {augment(c)} | {training(c)} | "
              f"{pct(r['val_accuracy'])} ({r['kept_epoch']}) | {pct(best)} @ {h.index(best) + 1} | "
              f"{r['seconds']:.0f} | {r.get('cpu_seconds', 0):.0f} |")
    if not confirm:
        return
    print()
    print("| confirmed | seeds | val % | test % | test % at last epoch | s (mean) | CPU s (mean) |")
    print("|---|---|---|---|---|---|---|")
    groups = {}
    for r in confirm:
        groups.setdefault(r["trial"], []).append(r)
    for name, rs in groups.items():
        print(f"| {name} | {', '.join(str(r['seed']) for r in rs)} | "
              f"{mean_sd([r['val_accuracy'] for r in rs])} | {mean_sd([r['test_accuracy'] for r in rs])} | "
              f"{mean_sd([r['test_accuracy_last'] for r in rs])} | "
              f"{statistics.mean(r['seconds'] for r in rs):.0f} | {statistics.mean(r['cpu_seconds'] for r in rs):.0f} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench/tuning/best-presets.jsonl")
