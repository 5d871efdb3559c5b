"""Time to a test accuracy in PyTorch (CPU, float32), for the page's figure from
bench/time-to-accuracy.mjs: the same preset (layers, initialisers, loss, optimizer, L2 on weights
only, cosine or step schedule, batch size, epochs, validation split) on the same prepared files
the page trains on (www/data/<set>.train.bin[.gz] / .test.bin[.gz], MLPD v1, gzip-compressed as
`mlp-lab prepare-data` writes them), with `--threads` threads.

The clock starts when training starts (the data already in memory, as in the page after its
data set has loaded) and stops at the end of the first epoch whose test accuracy reaches the
target; the test evaluation after each epoch is inside the timed run, as in the page. Prints one
JSON object.

    python bench/torch_time_to_accuracy.py --preset www/presets/mnist-full.json [--data www/data]
        [--threads 2] [--target 0.98] [--epochs N]
"""

import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import torch


def read_mlpd(path):
    """Features (u8 → /255, or f32) and class labels of a prepared MLPD v1 file (`path`, or
    `path`.gz as prepare-data writes it)."""
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if raw[:4] != b"MLPD" or raw[4] != 1:
        raise SystemExit(f"{path}: not an MLPD v1 file (magic {raw[:4]!r}, version {raw[4]})")
    kind, classes, n, d = raw[5], *struct.unpack_from("<HII", raw, 6)
    if kind & 2:
        raise SystemExit(f"{path}: real-valued targets; this script trains classifiers")
    off = 16
    if kind & 1:
        x = np.frombuffer(raw, dtype="<f4", count=n * d, offset=off).reshape(n, d)
        off += 4 * n * d
    else:
        x = np.frombuffer(raw, dtype=np.uint8, count=n * d, offset=off).reshape(n, d).astype(np.float32) / 255.0
        off += n * d
    y = np.frombuffer(raw, dtype=np.uint8 if classes <= 256 else "<u4", count=n, offset=off).astype(np.int64)
    return x, y


INITS = {
    "he_uniform": lambda w: torch.nn.init.kaiming_uniform_(w, nonlinearity="relu"),
    "he_normal": lambda w: torch.nn.init.kaiming_normal_(w, nonlinearity="relu"),
    "xavier_uniform": torch.nn.init.xavier_uniform_,
    "xavier_normal": torch.nn.init.xavier_normal_,
}
ACTS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid, "leaky_relu": torch.nn.LeakyReLU}


def build(cfg, n_in):
    mods, linears, width = [], [], n_in
    for i, spec in enumerate(cfg["layers"]):
        lin = torch.nn.Linear(width, spec["units"])
        init = spec.get("init", "xavier_uniform")
        if init not in INITS:
            raise SystemExit(f"layers[{i}].init {init!r} is not handled by this script")
        INITS[init](lin.weight)
        torch.nn.init.zeros_(lin.bias)
        mods.append(lin)
        linears.append(lin)
        act = spec["activation"]
        if i == len(cfg["layers"]) - 1:
            if act != "softmax" or cfg.get("loss", "cross_entropy") != "cross_entropy":
                raise SystemExit("this script expects a softmax output with cross-entropy (fused, as MLP Lab's default)")
        elif act in ACTS:
            mods.append(ACTS[act]())
        else:
            raise SystemExit(f"layers[{i}].activation {act!r} is not handled by this script")
        width = spec["units"]
    return torch.nn.Sequential(*mods), linears


def optimizer(cfg, linears):
    o = cfg.get("optimizer", {"name": "adam"})
    reg = cfg.get("regularization", {"kind": "none"})
    if reg.get("kind", "none") not in ("none", "l2"):
        raise SystemExit(f"regularization {reg['kind']!r} is not handled by this script")
    # MLP Lab's L2 adds λ/2·Σw² over weights only: gradient λw, PyTorch's weight_decay on weights.
    lam = reg.get("lambda", 0.0) if reg.get("kind") == "l2" else 0.0
    groups = [{"params": [l.weight for l in linears], "weight_decay": lam}, {"params": [l.bias for l in linears], "weight_decay": 0.0}]
    name = o["name"]
    if name in ("sgd", "momentum", "nag"):
        momentum = 0.0 if name == "sgd" else o.get("momentum", 0.9)
        return torch.optim.SGD(groups, lr=o.get("lr", 1e-3), momentum=momentum, nesterov=name == "nag")
    if name == "adam":
        return torch.optim.Adam(groups, lr=o.get("lr", 1e-3), betas=(o.get("beta1", 0.9), o.get("beta2", 0.999)), eps=o.get("eps", 1e-8))
    raise SystemExit(f"optimizer {name!r} is not handled by this script")


def schedule(cfg, opt, epochs):
    s = cfg.get("lr_schedule", {"kind": "none"})
    if s.get("kind") == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs, eta_min=s.get("min_lr", 0.0))
    if s.get("kind") == "step":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=s["step_epochs"], gamma=s["gamma"])
    return None


def accuracy(model, x, y):
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", default="www/presets/mnist-full.json")
    ap.add_argument("--data", default="www/data")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--target", type=float, default=0.98)
    ap.add_argument("--epochs", type=int, help="override the preset's epochs")
    a = ap.parse_args()
    preset = json.load(open(a.preset))
    cfg, name = preset["config"], preset["dataset"]
    epochs = a.epochs or cfg["epochs"]
    torch.set_num_threads(a.threads)
    torch.manual_seed(cfg.get("seed", 42))
    x, y = read_mlpd(os.path.join(a.data, f"{name}.train.bin"))
    xt, yt = read_mlpd(os.path.join(a.data, f"{name}.test.bin"))
    if cfg.get("standardize"):
        raise SystemExit("standardize is not handled by this script")
    rng = np.random.default_rng(cfg.get("seed", 42))
    n_val = int(round(cfg.get("validation_split", 0.0) * len(x)))
    train = rng.permutation(len(x))[n_val:]
    xtr, ytr = torch.from_numpy(x[train]), torch.from_numpy(y[train])
    xt, yt = torch.from_numpy(xt), torch.from_numpy(yt)
    model, linears = build(cfg, x.shape[1])
    opt = optimizer(cfg, linears)
    sched = schedule(cfg, opt, epochs)
    loss_fn = torch.nn.CrossEntropyLoss()
    bs = cfg.get("batch_size", 32)
    per_epoch, reached = [], None
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        perm = torch.randperm(len(xtr)) if cfg.get("shuffle", True) else torch.arange(len(xtr))
        for b in range(0, len(xtr), bs):
            sel = perm[b : b + bs]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(xtr[sel]), ytr[sel]).backward()
            opt.step()
        if sched:
            sched.step()
        acc = accuracy(model, xt, yt)
        per_epoch.append(round(acc, 4))
        if reached is None and acc >= a.target:
            reached = {"seconds": round(time.perf_counter() - start, 1), "epoch": epoch}
    out = {
        "engine": "pytorch",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "preset": os.path.basename(a.preset),
        "dataset": name,
        "target": a.target,
        "epochs": epochs,
        "seconds_to_target": reached and reached["seconds"],
        "epoch_reached": reached and reached["epoch"],
        "seconds_total": round(time.perf_counter() - start, 1),
        "final_test_accuracy": per_epoch[-1],
        "test_accuracy_per_epoch": per_epoch,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
