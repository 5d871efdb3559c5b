"""The CIFAR-10 preset trained in PyTorch on the same split, for the comparison issue #4 asks for.

Reads an MLP Lab preset (www/presets/cifar10-full.json by default) and trains the same
architecture, initialisation, loss, optimizer, L2 (weights only, as MLP Lab), cosine schedule,
batch size and epochs on CIFAR-10 data_batch_1..4 (a seeded 10% validation split held out, as
the preset's `validation_split`), standardised with the training part's statistics; reports
accuracy on data_batch_5 and on the official test images that are present (test_batch.bin).
Prints one JSON line per seed.

    /path/to/venv/bin/python scripts/cifar_torch.py [--preset FILE] [--data DIR] [--seeds 1 2 3]

Needs torch and numpy (pip install torch numpy); float32 on the CPU.
"""

import argparse
import json
import os
import time

import numpy as np
import torch

RECORD = 1 + 3072


def load_batches(paths):
    raw = b"".join(open(p, "rb").read() for p in paths)
    if len(raw) % RECORD:
        raise SystemExit(f"{paths}: length {len(raw)} is not a multiple of {RECORD}")
    arr = np.frombuffer(raw, dtype=np.uint8).reshape(-1, RECORD)
    return arr[:, 1:].astype(np.float32) / 255.0, arr[:, 0].astype(np.int64)


def init_layer(layer, kind):
    w = layer.weight
    if kind == "he_uniform":
        torch.nn.init.kaiming_uniform_(w, nonlinearity="relu")
    elif kind == "he_normal":
        torch.nn.init.kaiming_normal_(w, nonlinearity="relu")
    elif kind == "xavier_uniform":
        torch.nn.init.xavier_uniform_(w)
    elif kind == "xavier_normal":
        torch.nn.init.xavier_normal_(w)
    else:
        raise SystemExit(f"init {kind!r} is not handled by this script")
    torch.nn.init.zeros_(layer.bias)


def build(cfg, n_in):
    mods, linears = [], []
    width = n_in
    for i, spec in enumerate(cfg["layers"]):
        lin = torch.nn.Linear(width, spec["units"])
        init_layer(lin, spec.get("init", "xavier_uniform"))
        mods.append(lin)
        linears.append(lin)
        act = spec["activation"]
        last = i == len(cfg["layers"]) - 1
        if last:
            if act != "softmax":
                raise SystemExit("this script expects a softmax output (fused with cross-entropy)")
        elif act == "relu":
            mods.append(torch.nn.ReLU())
        elif act == "tanh":
            mods.append(torch.nn.Tanh())
        else:
            raise SystemExit(f"activation {act!r} is not handled by this script")
        width = spec["units"]
    return torch.nn.Sequential(*mods), linears


def accuracy(model, x, y):
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


def run(cfg, data, seed):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    x, y, x5, y5, xt, yt = data
    idx = rng.permutation(len(x))
    n_val = int(round(cfg.get("validation_split", 0.0) * len(x)))
    val, tr = idx[:n_val], idx[n_val:]
    mean = x[tr].mean(0)
    sd = x[tr].std(0)
    sd[sd == 0] = 1.0
    t = lambda a: torch.from_numpy((a - mean) / sd)
    xtr, ytr = t(x[tr]), torch.from_numpy(y[tr])
    xval, yval = t(x[val]), torch.from_numpy(y[val])
    model, linears = build(cfg, x.shape[1])
    opt_cfg = cfg["optimizer"]
    lam = cfg.get("regularization", {}).get("lambda", 0.0) if cfg.get("regularization", {}).get("kind") == "l2" else 0.0
    weights = [l.weight for l in linears]
    biases = [l.bias for l in linears]
    groups = [{"params": weights, "weight_decay": lam}, {"params": biases, "weight_decay": 0.0}]
    name = opt_cfg["name"]
    if name in ("momentum", "nag", "sgd"):
        opt = torch.optim.SGD(groups, lr=opt_cfg["lr"], momentum=opt_cfg.get("momentum", 0.9) if name != "sgd" else 0.0, nesterov=name == "nag")
    elif name == "adam":
        opt = torch.optim.Adam(groups, lr=opt_cfg["lr"])
    else:
        raise SystemExit(f"optimizer {name!r} is not handled by this script")
    epochs = cfg["epochs"]
    sched = None
    if cfg.get("lr_schedule", {}).get("kind") == "cosine":
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    loss_fn = torch.nn.CrossEntropyLoss()
    bs = cfg["batch_size"]
    start = time.time()
    for _ in range(epochs):
        perm = torch.randperm(len(xtr))
        for b in range(0, len(xtr), bs):
            sel = perm[b : b + bs]
            opt.zero_grad()
            loss_fn(model(xtr[sel]), ytr[sel]).backward()
            opt.step()
        if sched:
            sched.step()
    out = {
        "seed": seed,
        "epochs": epochs,
        "seconds": round(time.time() - start, 1),
        "val_accuracy": accuracy(model, xval, yval) if n_val else None,
        "test_accuracy": accuracy(model, t(x5), torch.from_numpy(y5)),
    }
    if xt is not None:
        out["official_test_accuracy"] = accuracy(model, t(xt), torch.from_numpy(yt))
        out["official_test_images"] = int(len(yt))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="www/presets/cifar10-full.json")
    ap.add_argument("--data", default=os.environ.get("MLP_LAB_DATA", "../shared/data"))
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    a = ap.parse_args()
    cfg = json.load(open(a.preset))["config"]
    d = os.path.join(a.data, "cifar10")
    x, y = load_batches([os.path.join(d, f"data_batch_{i}.bin") for i in range(1, 5)])
    x5, y5 = load_batches([os.path.join(d, "data_batch_5.bin")])
    test = os.path.join(d, "test_batch.bin")
    xt, yt = load_batches([test]) if os.path.exists(test) else (None, None)
    for s in a.seeds:
        print(json.dumps(run(cfg, (x, y, x5, y5, xt, yt), s)), flush=True)


if __name__ == "__main__":
    main()
