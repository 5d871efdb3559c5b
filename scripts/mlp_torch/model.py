"""An MLP Lab network (src/nn) as a torch module: dense layers, one activation per layer or one
per unit, the `torch.nn.init` formulas with zero biases, softmax output fused with
cross-entropy, and `layers[i].dropout` — inverted dropout on the INPUTS of layer i while
training (layer 0 drops input features, layer i > 0 the previous layer's activations)."""

import torch

HIDDEN = {
    "identity": lambda z: z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
}


def init_weight(w, kind, scale):
    fan_out, fan_in = w.shape
    if kind == "random_uniform":
        torch.nn.init.uniform_(w, -scale, scale)
    elif kind == "random_normal":
        torch.nn.init.normal_(w, 0.0, scale)
    elif kind == "xavier_uniform":
        torch.nn.init.xavier_uniform_(w)
    elif kind == "xavier_normal":
        torch.nn.init.xavier_normal_(w)
    elif kind == "he_uniform":
        torch.nn.init.kaiming_uniform_(w, nonlinearity="relu")
    elif kind == "he_normal":
        torch.nn.init.kaiming_normal_(w, nonlinearity="relu")
    else:
        raise SystemExit(f"init {kind!r}: expected one of random_uniform, random_normal, "
                         "xavier_uniform, xavier_normal, he_uniform, he_normal")


def activation_fn(spec, where):
    """One function for a layer: a name, or a list of names (one per unit) applied by mask."""
    if isinstance(spec, str):
        if spec not in HIDDEN:
            raise SystemExit(f"{where}: activation {spec!r} is not one of {sorted(HIDDEN)}")
        return HIDDEN[spec]
    names = list(spec)
    for n in names:
        if n not in HIDDEN:
            raise SystemExit(f"{where}: activation {n!r} is not one of {sorted(HIDDEN)}")
    if len(set(names)) == 1:
        return HIDDEN[names[0]]
    masks = {n: torch.tensor([m == n for m in names]) for n in set(names)}

    def mixed(z):
        out = torch.zeros_like(z)
        for n, mask in masks.items():
            out = torch.where(mask, HIDDEN[n](z), out)
        return out

    return mixed


class Mlp(torch.nn.Module):
    def __init__(self, layers, n_in):
        super().__init__()
        self.linears = torch.nn.ModuleList()
        self.drops = torch.nn.ModuleList()
        self.acts = []
        width = n_in
        for i, spec in enumerate(layers):
            where = f"layers[{i}]"
            lin = torch.nn.Linear(width, spec["units"])
            init_weight(lin.weight, spec.get("init", "xavier_uniform"), spec.get("scale", 0.05))
            torch.nn.init.zeros_(lin.bias)
            p = spec.get("dropout", 0.0)
            if not 0.0 <= p < 1.0:
                raise SystemExit(f"{where}.dropout: {p} is not in [0, 1)")
            self.linears.append(lin)
            self.drops.append(torch.nn.Dropout(p) if p > 0 else torch.nn.Identity())
            last = i == len(layers) - 1
            act = spec["activation"]
            if last:
                if act != "softmax":
                    raise SystemExit(f"{where}.activation: this script trains a softmax output "
                                     f"with cross-entropy, found {act!r}")
                self.acts.append(None)
            else:
                self.acts.append(activation_fn(act, f"{where}.activation"))
            width = spec["units"]

    def forward(self, x):
        """Logits (softmax is fused into the loss)."""
        for lin, drop, act in zip(self.linears, self.drops, self.acts):
            x = lin(drop(x))
            if act is not None:
                x = act(x)
        return x

    def weights(self):
        return [l.weight for l in self.linears]
