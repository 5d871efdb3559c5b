"""PyTorch (CPU, float32) on the cases `mlp-lab bench` measures, the same way it measures them.

Each case: hidden ReLU layers (He-uniform), a softmax output with cross-entropy (sigmoid with
binary cross-entropy for one output, both fused on the logits), Adam (lr 1e-3), n =
max(20·batch, 2048) synthetic rows (uniform [0, 1) features, uniform labels). One repeat is one
epoch-sized slice of n / batch batches: a fresh shuffle, each batch gathered from the data,
forward, loss, backward, step — as the engine's Trainer.step does. One untimed slice first (warm-
up), then the median of `--repeats` timed slices. Prints one JSON object shaped like the
`training` part of `mlp-lab bench`'s output:

    {"engine": "pytorch", "torch": "2.x", "threads": N, "training": [{"case", "batch", "examples_per_second"}]}

    python bench/torch_bench.py [--threads N] [--repeats 5] [--cases "mnist 784-256-128-10:32" ...]
        [--max-batches K]

--max-batches K shortens every slice to at most K batches (bench/native.mjs --quick: a check
that every figure is produced, not a measurement).

bench/native.mjs runs it beside `mlp-lab bench`, interleaved.
"""

import argparse
import json
import statistics
import time

import torch

# (name, widths, batches): the same table as src/cli/bench.rs.
CASES = [
    ("mnist 784-256-128-10", [784, 256, 128, 10], [32, 128, 512]),
    ("wide 784-1024-1024-10", [784, 1024, 1024, 10], [128]),
    ("tiny 2-8-8-1", [2, 8, 8, 1], [32]),
]


def build(widths):
    mods = []
    for i, (a, b) in enumerate(zip(widths, widths[1:])):
        lin = torch.nn.Linear(a, b)
        if i < len(widths) - 2:
            torch.nn.init.kaiming_uniform_(lin.weight, nonlinearity="relu")
            mods += [lin, torch.nn.ReLU()]
        else:
            torch.nn.init.xavier_uniform_(lin.weight)
            mods.append(lin)
        torch.nn.init.zeros_(lin.bias)
    return torch.nn.Sequential(*mods)


def examples_per_second(widths, batch, repeats, max_batches=None):
    gen = torch.Generator().manual_seed(3)
    n = max(batch * 20, 2048)
    outputs = widths[-1]
    x = torch.rand(n, widths[0], generator=gen)
    if outputs == 1:
        y = torch.randint(0, 2, (n, 1), generator=gen).float()
        loss_fn = torch.nn.BCEWithLogitsLoss()
    else:
        y = torch.randint(0, outputs, (n,), generator=gen)
        loss_fn = torch.nn.CrossEntropyLoss()
    model = build(widths)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = min(n // batch, max_batches or n)

    def slice_():
        perm = torch.randperm(n, generator=gen)
        total = torch.zeros(())
        for b in range(batches):
            sel = perm[b * batch : (b + 1) * batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[sel]), y[sel])
            loss.backward()
            opt.step()
            total += loss.detach()
        return float(total)

    slice_()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        slice_()
        times.append(time.perf_counter() - t)
    return batches * batch / statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--cases", nargs="*", help='"name:batch" entries, e.g. "tiny 2-8-8-1:32" (default: all)')
    ap.add_argument("--max-batches", type=int, help="at most this many batches per slice (quick checks)")
    a = ap.parse_args()
    if a.threads < 1 or a.repeats < 1:
        raise SystemExit(f"--threads and --repeats must be ≥ 1, found {a.threads} and {a.repeats}")
    torch.set_num_threads(a.threads)
    wanted = [(name, widths, b) for name, widths, batches in CASES for b in batches]
    if a.cases:
        known = {f"{name}:{b}" for name, _, b in wanted}
        unknown = [c for c in a.cases if c not in known]
        if unknown:
            raise SystemExit(f"--cases: unknown {unknown}; known: {sorted(known)}")
        wanted = [w for w in wanted if f"{w[0]}:{w[2]}" in a.cases]
    training = []
    for name, widths, batch in wanted:
        eps = examples_per_second(widths, batch, a.repeats, a.max_batches)
        training.append({"case": name, "batch": batch, "examples_per_second": eps})
    out = {"engine": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(), "repeats": a.repeats, "max_batches": a.max_batches, "training": training}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
