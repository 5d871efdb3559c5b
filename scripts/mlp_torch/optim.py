"""MLP Lab's optimizer, regulariser, clipping and learning-rate schedule (src/optim,
src/nn/regularization.rs) in torch terms."""

import math

import torch


def optimizer(spec, params):
    name = spec.get("name", "adam")
    wd = spec.get("weight_decay", 0.01 if name == "adamw" else 0.0)
    lr = spec.get("lr", 1e-2 if name == "rmsprop" else 1e-3)
    if name in ("sgd", "momentum", "nag"):
        momentum = 0.0 if name == "sgd" else spec.get("momentum", 0.9)
        return torch.optim.SGD(params, lr=lr, momentum=momentum, dampening=0.0,
                               nesterov=name == "nag", weight_decay=wd)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=spec.get("beta", 0.99),
                                   eps=spec.get("eps", 1e-8), momentum=spec.get("momentum", 0.0),
                                   weight_decay=wd)
    if name in ("adam", "adamw"):
        cls = torch.optim.Adam if name == "adam" else torch.optim.AdamW
        return cls(params, lr=lr, betas=(spec.get("beta1", 0.9), spec.get("beta2", 0.999)),
                   eps=spec.get("eps", 1e-8), weight_decay=wd)
    raise SystemExit(f"optimizer.name {name!r}: expected sgd, momentum, nag, rmsprop, adam, adamw")


def add_regularizer_grad(spec, weights):
    """λ·sign(w) (l1) or λ·w (l2, the gradient of λ/2·Σw²) on weights only, before clipping."""
    kind = (spec or {}).get("kind", "none")
    if kind == "none":
        return
    lam = spec["lambda"]
    with torch.no_grad():
        for w in weights:
            w.grad.add_(torch.sign(w) if kind == "l1" else w, alpha=lam)


def clip(spec, params):
    kind = (spec or {}).get("kind", "none")
    if kind == "value":
        torch.nn.utils.clip_grad_value_(params, spec["value"])
    elif kind == "norm":
        torch.nn.utils.clip_grad_norm_(params, spec["max_norm"])


def lr_at(spec, base, done, epochs):
    """schedule.rs `LrSchedule::lr`: the rate for the epoch after `done` finished epochs."""
    kind = (spec or {}).get("kind", "none")
    if kind == "cosine":
        lo = spec.get("min_lr") or 0.0
        return lo + (base - lo) * (1 + math.cos(math.pi * done / max(epochs, 1))) / 2
    if kind == "step":
        return base * spec.get("gamma", 0.1) ** (done // max(spec.get("step_epochs", 1), 1))
    return base
