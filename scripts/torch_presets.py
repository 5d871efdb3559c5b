"""Any MLP Lab preset on MNIST, Fashion-MNIST or CIFAR-10, trained in PyTorch (CPU, float32).

The same architecture, initialisation, optimizer, regulariser, clipping, schedule, batch size,
epochs, standardisation, dropout (`layers[i].dropout`), augmentation (`augment`) and early
stopping (`early_stopping`) as the config says, on exactly the rows MLP Lab trains and
validates on (its seeded stratified split is reproduced bit for bit: scripts/mlp_torch/split.py;
`--check-split` compares it with a run of the mlp-lab binary). Definitions of the three newer
fields: scripts/mlp_torch/model.py, augment.py, train.py (EarlyStopping).

Prints one JSON line per seed: validation accuracy (and loss) per epoch, the kept epoch, test
accuracy of the kept model and of the last epoch's, seconds. `--no-test` leaves the test set
alone (for tuning); `--log FILE` also appends each line, with the config, to FILE.

    python scripts/torch_presets.py --preset www/presets/mnist-best.json [--seeds 1 2 3]
        [--data DIR] [--set epochs=1 --set 'layers[0].dropout=0.2' ...] [--no-test]
        [--log FILE --trial NAME] [--threads 2]
    python scripts/torch_presets.py --check-split --preset P.json [--mlp-lab target/release/mlp-lab]

`--set epochs=1` is the quick mode. Needs torch and numpy.
"""

import argparse
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from mlp_torch import data as datasets  # noqa: E402
from mlp_torch.split import config_split  # noqa: E402
from mlp_torch.train import run  # noqa: E402


def set_path(cfg, path, value):
    """`a.b[2].c=JSON` into a nested config (a missing last key is created)."""
    keys = [k for k in re.split(r"\.|\[(\d+)\]", path) if k]
    node = cfg
    for k in keys[:-1]:
        node = node[int(k)] if k.isdigit() else node.setdefault(k, {})
    last = keys[-1]
    if last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value


def apply_sets(cfg, sets):
    cfg = copy.deepcopy(cfg)
    for s in sets:
        path, _, raw = s.partition("=")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        set_path(cfg, path, value)
    return cfg


def check_split(preset, cfg, data, binary):
    """Trains one epoch of a linear softmax with mlp-lab on the preset's data and seed, then
    compares the saved standardiser (the training part's statistics) and the validation
    accuracy with those of this script's split."""
    probe = {"seed": cfg.get("seed", 42), "layers": [{"units": 10, "activation": "softmax"}],
             "optimizer": {"name": "adam"}, "batch_size": 256, "epochs": 1,
             "validation_split": cfg.get("validation_split", 0.1), "standardize": True}
    with tempfile.TemporaryDirectory() as tmp:
        cfile, mfile = os.path.join(tmp, "c.json"), os.path.join(tmp, "m.json")
        json.dump({"dataset": preset["dataset"], "config": probe}, open(cfile, "w"))
        line = subprocess.run([binary, "train", "--config", cfile, "--save", mfile, "-q"],
                              check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        model = json.load(open(mfile))
    tr, va, _ = config_split(data.y, data.n_classes, probe, has_official_test=True)
    mean, sd = datasets.standardizer(data.x[tr])
    w = np.array(model["layers"][0]["weights"], np.float32)
    b = np.array(model["layers"][0]["bias"], np.float32)
    xv = (data.x[va] - mean) / sd
    ours = float(((xv @ w.T + b).argmax(1) == data.y[va]).mean())
    out = {
        "check_split": preset["dataset"], "seed": probe["seed"], "train_rows": len(tr), "val_rows": len(va),
        "mean_max_diff": float(np.abs(mean - np.array(model["input_scaling"]["mean"], np.float32)).max()),
        "std_max_diff": float(np.abs(sd - np.array(model["input_scaling"]["std"], np.float32)).max()),
        "val_accuracy_mlp_lab": json.loads(line)["val_accuracy"], "val_accuracy_here": ours,
    }
    out["identical"] = out["mean_max_diff"] == 0 and out["std_max_diff"] == 0 and abs(ours - out["val_accuracy_mlp_lab"]) < 1e-12
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", required=True)
    ap.add_argument("--data", default=os.environ.get("MLP_LAB_DATA", "../shared/data"))
    ap.add_argument("--seeds", type=int, nargs="+")
    ap.add_argument("--set", action="append", default=[], metavar="PATH=JSON")
    ap.add_argument("--no-test", action="store_true", help="never evaluate the test set")
    ap.add_argument("--log", help="append each result line with its config to this JSONL file")
    ap.add_argument("--trial", default="", help="a name for the line in --log")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quiet", "-q", action="store_true")
    ap.add_argument("--check-split", action="store_true")
    ap.add_argument("--mlp-lab", default="target/release/mlp-lab")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    preset = json.load(open(a.preset))
    cfg = apply_sets(preset["config"], a.set)
    data = datasets.load(preset["dataset"], a.data)
    if a.check_split:
        print(json.dumps(check_split(preset, cfg, data, a.mlp_lab)))
        return
    log = None if a.quiet else (lambda m: print(m, file=sys.stderr, flush=True))
    for seed in a.seeds or [cfg.get("seed", 42)]:
        out = run(cfg, data, seed, want_test=not a.no_test, log=log)
        out = {"preset": os.path.basename(a.preset), "dataset": preset["dataset"], **out}
        print(json.dumps(out), flush=True)
        if a.log:
            with open(a.log, "a") as f:
                f.write(json.dumps({"trial": a.trial, **out, "config": dict(cfg, seed=seed)}) + "\n")


if __name__ == "__main__":
    main()
