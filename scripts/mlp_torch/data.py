"""The image sets as MLP Lab reads them (src/data/idx.rs, cifar.rs, named.rs): pixels are
byte/255 in file order (CIFAR-10 channel-planar: 1024 red, 1024 green, 1024 blue, rows of 32),
labels are class indices. `load(name, dir)` gives the training part, the test part and the
image shape (channels, height, width) that augmentation needs."""

import gzip
import os
import struct

import numpy as np

CIFAR_RECORD = 1 + 3072
SETS = {
    "mnist": "mnist",
    "mnist-full": "mnist",
    "fashion-mnist": "fashion-mnist",
    "fashion-mnist-full": "fashion-mnist",
    "cifar10": "cifar10",
    "cifar10-full": "cifar10",
}


class Data:
    def __init__(self, name, x, y, x_test, y_test, shape, x_extra=None, y_extra=None):
        self.name, self.x, self.y = name, x, y
        self.x_test, self.y_test = x_test, y_test
        self.shape = shape
        self.x_extra, self.y_extra = x_extra, y_extra  # CIFAR-10: official test images present
        self.n_classes = 10


def _idx(path, dims):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        raw = f.read()
    magic, count = struct.unpack(">II", raw[:8])
    if magic != 0x800 + dims:
        raise SystemExit(f"{path}: magic {magic:#x}, expected {0x800 + dims:#x}")
    shape = struct.unpack(f">{dims - 1}I", raw[8 : 4 + 4 * dims]) if dims > 1 else ()
    body = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims)
    if body.size != count * int(np.prod(shape, dtype=np.int64)):
        raise SystemExit(f"{path}: header says {count} items of {shape} but has {body.size} bytes")
    return body.reshape((count,) + tuple(shape))


def _first(d, names):
    for n in names:
        if os.path.isfile(os.path.join(d, n)):
            return os.path.join(d, n)
    raise SystemExit(f"{d}: none of {names} found")


def _mnist_part(d, prefix):
    images = _idx(_first(d, [f"{prefix}-images-idx3-ubyte.gz", f"{prefix}-images-idx3-ubyte"]), 3)
    labels = _idx(_first(d, [f"{prefix}-labels-idx1-ubyte.gz", f"{prefix}-labels-idx1-ubyte"]), 1)
    if len(images) != len(labels):
        raise SystemExit(f"{d}: {len(images)} {prefix} images but {len(labels)} labels")
    return images.reshape(len(images), -1).astype(np.float32) / 255.0, labels.astype(np.int64)


def _cifar(paths):
    raw = b"".join(open(p, "rb").read() for p in paths)
    if len(raw) % CIFAR_RECORD:
        raise SystemExit(f"{paths}: length {len(raw)} is not a multiple of {CIFAR_RECORD}")
    arr = np.frombuffer(raw, dtype=np.uint8).reshape(-1, CIFAR_RECORD)
    return arr[:, 1:].astype(np.float32) / 255.0, arr[:, 0].astype(np.int64)


def load(name, data_dir):
    key = SETS.get(name)
    if key is None:
        raise SystemExit(f"data set {name!r}: this script reads {sorted(SETS)}")
    d = os.path.join(data_dir, key)
    if key == "cifar10":
        x, y = _cifar([os.path.join(d, f"data_batch_{i}.bin") for i in range(1, 5)])
        xt, yt = _cifar([os.path.join(d, "data_batch_5.bin")])
        extra = os.path.join(d, "test_batch.bin")
        xe, ye = _cifar([extra]) if os.path.exists(extra) else (None, None)
        return Data(key, x, y, xt, yt, (3, 32, 32), xe, ye)
    x, y = _mnist_part(d, "train")
    xt, yt = _mnist_part(d, "t10k")
    return Data(key, x, y, xt, yt, (1, 28, 28))


def standardizer(x):
    """split.rs `Standardizer::fit`: population mean and sd per column in f64; sd 1 where the
    column is constant."""
    x64 = x.astype(np.float64)
    mean = x64.mean(0)
    sd = np.sqrt(((x64 - mean) ** 2).mean(0))
    sd[(sd == 0) | (sd <= 1e-10 * np.abs(mean))] = 1.0
    return mean.astype(np.float32), sd.astype(np.float32)
