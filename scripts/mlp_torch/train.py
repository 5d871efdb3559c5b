"""One MLP Lab config trained in torch on MLP Lab's split: the mini-batch loop with
augmentation, the per-epoch validation, early stopping and the kept epoch."""

import copy
import time

import numpy as np
import torch

from .augment import Augment
from .data import standardizer
from .model import Mlp
from .optim import add_regularizer_grad, clip, lr_at, optimizer
from .split import config_split

EVAL_CHUNK = 2048


class EarlyStopping:
    """`early_stopping: {metric, patience, min_delta, restore_best}` as Keras defines it: an
    epoch improves when its metric beats the best so far by more than min_delta (higher for
    val_accuracy, lower for val_loss); it then becomes the best epoch. Training stops after
    `patience` epochs in a row without improvement. The first epoch is always an improvement."""

    def __init__(self, spec):
        unknown = set(spec) - {"metric", "patience", "min_delta", "restore_best"}
        if unknown:
            raise SystemExit(f"early_stopping: unknown field(s) {sorted(unknown)}")
        self.metric = spec.get("metric", "val_loss")
        if self.metric not in ("val_accuracy", "val_loss"):
            raise SystemExit(f"early_stopping.metric {self.metric!r}: expected val_accuracy or val_loss")
        self.patience = int(spec.get("patience", 5))
        self.min_delta = float(spec.get("min_delta", 0.0))
        self.restore_best = bool(spec.get("restore_best", False))
        self.best, self.best_epoch, self.wait = None, 0, 0

    def update(self, epoch, metrics):
        """Records epoch `epoch` (1-based); returns (improved, stop)."""
        v = metrics[self.metric]
        sign = 1.0 if self.metric == "val_accuracy" else -1.0
        improved = self.best is None or sign * (v - self.best) > self.min_delta
        if improved:
            self.best, self.best_epoch, self.wait = v, epoch, 0
        else:
            self.wait += 1
        return improved, self.wait >= self.patience


def evaluate(model, x, y):
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(x), EVAL_CHUNK):
            logits = model(x[i : i + EVAL_CHUNK])
            yb = y[i : i + EVAL_CHUNK]
            loss += float(torch.nn.functional.cross_entropy(logits, yb, reduction="sum"))
            correct += int((logits.argmax(1) == yb).sum())
    return loss / len(x), correct / len(x)


def prepare(cfg, data):
    """Split and (optionally) standardise as src/train/prepare.rs; returns torch tensors."""
    tr, va, _ = config_split(data.y, data.n_classes, cfg, has_official_test=True)
    x = data.x
    if cfg.get("standardize", False):
        mean, sd = standardizer(x[tr])
        scale = lambda a: (a - mean) / sd
    else:
        scale = lambda a: a
    t = lambda a: torch.from_numpy(np.ascontiguousarray(scale(a), dtype=np.float32))
    parts = {"train": (t(x[tr]), torch.from_numpy(data.y[tr]))}
    if va:
        parts["val"] = (t(x[va]), torch.from_numpy(data.y[va]))
    parts["test"] = (t(data.x_test), torch.from_numpy(data.y_test))
    if data.x_extra is not None:
        parts["official_test"] = (t(data.x_extra), torch.from_numpy(data.y_extra))
    return parts


def train_epoch(model, opt, cfg, xtr, ytr, aug, gen):
    model.train()
    bs = cfg.get("batch_size", 32)
    perm = torch.randperm(len(xtr), generator=gen) if cfg.get("shuffle", True) else torch.arange(len(xtr))
    params = list(model.parameters())
    total = torch.zeros(())
    correct = torch.zeros((), dtype=torch.long)
    for b in range(0, len(xtr), bs):
        sel = perm[b : b + bs]
        xb, yb = xtr[sel], ytr[sel]
        if aug is not None:
            xb = aug(xb, gen)
        opt.zero_grad(set_to_none=False)
        logits = model(xb)
        loss = torch.nn.functional.cross_entropy(logits, yb)
        loss.backward()
        add_regularizer_grad(cfg.get("regularization"), model.weights())
        clip(cfg.get("clip"), params)
        opt.step()
        total += loss.detach() * len(sel)
        correct += (logits.detach().argmax(1) == yb).sum()
    return float(total) / len(xtr), int(correct) / len(xtr)


def run(cfg, data, seed, want_test=True, log=None):
    """Trains `cfg` with `seed` (as `mlp-lab train --seed`); returns the result record."""
    cfg = dict(cfg, seed=seed)
    if cfg.get("loss", "cross_entropy") != "cross_entropy":
        raise SystemExit("loss: this script trains cross_entropy with a softmax output")
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    parts = prepare(cfg, data)
    xtr, ytr = parts["train"]
    aug_spec = cfg.get("augment")
    aug = Augment(aug_spec, data.shape, data.name) if aug_spec else None
    aug = aug if aug is not None and aug.active() else None
    es = EarlyStopping(cfg["early_stopping"]) if cfg.get("early_stopping") else None
    if es and "val" not in parts:
        raise SystemExit("early_stopping needs a validation_split above 0")
    model = Mlp(cfg["layers"], xtr.shape[1])
    opt_spec = cfg.get("optimizer", {"name": "adam"})
    opt = optimizer(opt_spec, model.parameters())
    base_lr = opt.param_groups[0]["lr"]
    epochs = cfg.get("epochs", 10)
    hist = {"train_loss": [], "train_accuracy": [], "val_loss": [], "val_accuracy": []}
    best_state, kept = None, None
    start, cpu0 = time.time(), time.process_time()
    for e in range(epochs):
        for g in opt.param_groups:
            g["lr"] = lr_at(cfg.get("lr_schedule"), base_lr, e, epochs)
        tl, ta = train_epoch(model, opt, cfg, xtr, ytr, aug, gen)
        hist["train_loss"].append(round(tl, 5))
        hist["train_accuracy"].append(round(ta, 5))
        if "val" in parts:
            vl, va = evaluate(model, *parts["val"])
            hist["val_loss"].append(round(vl, 5))
            hist["val_accuracy"].append(round(va, 5))
        if log:
            log(f"epoch {e + 1}/{epochs} lr {opt.param_groups[0]['lr']:.5g} train {tl:.4f} {ta:.4f}"
                + (f" val {vl:.4f} {va:.4f}" if "val" in parts else "")
                + f" {time.time() - start:.0f}s")
        if es:
            improved, stop = es.update(e + 1, {"val_loss": vl, "val_accuracy": va})
            if improved and es.restore_best:
                best_state = copy.deepcopy(model.state_dict())
            if stop:
                break
    seconds, cpu = time.time() - start, time.process_time() - cpu0
    ran = len(hist["train_loss"])
    out = {"seed": seed, "epochs": epochs, "epochs_run": ran, "seconds": round(seconds, 1),
           "cpu_seconds": round(cpu, 1)}
    if "val" in parts:
        out["val_accuracy_last"] = hist["val_accuracy"][-1]
    if want_test:
        out["test_accuracy_last"] = evaluate(model, *parts["test"])[1]
    kept = ran
    if best_state is not None:
        kept = es.best_epoch
        model.load_state_dict(best_state)
    out["kept_epoch"] = kept
    if "val" in parts:
        out["val_accuracy"] = hist["val_accuracy"][kept - 1]
        out["val_loss"] = hist["val_loss"][kept - 1]
        out["best_val_accuracy"] = max(hist["val_accuracy"])
    if want_test:
        out["test_accuracy"] = evaluate(model, *parts["test"])[1]
        if "official_test" in parts:
            out["official_test_accuracy"] = evaluate(model, *parts["official_test"])[1]
    out["history"] = hist
    return out
