"""MLP Lab's seeded, stratified train/validation/test split (src/data/split.rs and
src/train/prepare.rs), reproduced row for row so PyTorch trains on exactly MLP Lab's rows."""

import math

from .rand_rs import M64, ChaCha8Rng, shuffle

SPLIT_STREAM = 2


def split_seed(seed):
    """prepare.rs `split_seed`: the config seed mixed so the split shares no stream with init."""
    return (seed * 0x9E3779B97F4A7C15 + SPLIT_STREAM) & M64


def apportion(total, counts, room):
    """split.rs `apportion`: largest remainders, never more than `room[c]` for class c."""
    n = sum(counts)
    if n == 0:
        return [0] * len(counts)
    exact = [c * total / n for c in counts]
    share = [min(math.floor(e), r) for e, r in zip(exact, room)]
    order = sorted(range(len(counts)), key=lambda c: (-(exact[c] - math.floor(exact[c])), c))
    left = max(total - sum(share), 0)
    for _ in range(2):
        for c in order:
            if left > 0 and share[c] < room[c]:
                share[c] += 1
                left -= 1
    return share


def rust_round(x):
    """f64::round: halves away from zero (Python's round() goes to even)."""
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


def split_indices(labels, n_classes, validation, test, seed):
    """Rows of (train, validation, test) for class `labels`, as MLP Lab's `split_indices` with
    the already-mixed `seed` (use `split_seed(config_seed)`)."""
    if not (0 <= validation < 1 and 0 <= test < 1 and validation + test < 1):
        raise ValueError(f"validation {validation} and test {test} must be in [0, 1), sum < 1")
    rng = ChaCha8Rng(seed)
    n = len(labels)
    n_test = rust_round(n * test)
    n_val = rust_round(n * validation)
    classes = [[] for _ in range(n_classes)]
    for i, label in enumerate(labels):
        classes[int(label)].append(i)
    counts = [len(c) for c in classes]
    test_share = apportion(n_test, counts, counts)
    room = [c - t for c, t in zip(counts, test_share)]
    val_share = apportion(n_val, counts, room)
    train, val, tst = [], [], []
    for rows, t, v in zip(classes, test_share, val_share):
        shuffle(rows, rng)
        tst += rows[:t]
        val += rows[t : t + v]
        train += rows[t + v :]
    for part in (train, val, tst):
        shuffle(part, rng)
    return train, val, tst


def config_split(labels, n_classes, config, has_official_test):
    """The split an MLP Lab run with `config` makes (prepare.rs `prepare`): no test share when
    the data set has an official test part."""
    validation = config.get("validation_split", 0.0)
    test = 0.0 if has_official_test else config.get("test_split", 0.0)
    if validation <= 0 and test <= 0:
        return list(range(len(labels))), [], []
    return split_indices(labels, n_classes, validation, test, split_seed(config.get("seed", 42)))
