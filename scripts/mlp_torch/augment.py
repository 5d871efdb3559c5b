"""`augment: {"shift": k, "flip": bool}` on a batch of flattened images, in torch.

Each image of the batch draws its own (dx, dy), each uniform on the integers −k..k, and is
translated: out[c, y, x] = in[c, y − dy, x − dx] where that pixel exists, else 0 (the value 0
of the data the network sees — after standardisation when the config standardises). That is a
padded random crop: pad k zeros on every side, crop back at offset (k − dy, k − dx).
`flip` first mirrors each image horizontally with probability 1/2: out[c, y, x] = in[c, y, W−1−x].
Every channel plane of an image moves together. Fresh draws for every batch of every epoch."""

import torch


class Augment:
    def __init__(self, spec, shape, dataset):
        self.k = int(spec.get("shift", 0))
        self.flip = bool(spec.get("flip", False))
        unknown = set(spec) - {"shift", "flip"}
        if unknown:
            raise SystemExit(f"augment: unknown field(s) {sorted(unknown)}; expected shift, flip")
        if shape is None:
            raise SystemExit(f"augment: {dataset} is not an image data set")
        c, h, w = shape
        if not 0 <= self.k < min(h, w):
            raise SystemExit(f"augment.shift: {self.k} is not in 0..{min(h, w) - 1}")
        if self.flip and dataset != "cifar10":
            raise SystemExit(f"augment.flip: horizontal flips apply to CIFAR-10 only, not {dataset}")
        self.shape = shape
        self.rows = torch.arange(h)
        self.cols = torch.arange(w)

    def active(self):
        return self.k > 0 or self.flip

    def __call__(self, xb, gen):
        b = xb.shape[0]
        c, h, w = self.shape
        img = xb.view(b, c, h, w)
        if self.flip:
            flip = torch.rand(b, generator=gen) < 0.5
            img = torch.where(flip[:, None, None, None], img.flip(3), img)
        if self.k == 0:
            return img.reshape(b, -1)
        k = self.k
        dx = torch.randint(-k, k + 1, (b,), generator=gen)
        dy = torch.randint(-k, k + 1, (b,), generator=gen)
        padded = torch.nn.functional.pad(img, (k, k, k, k))
        rows = (k - dy)[:, None] + self.rows[None, :]  # (b, h)
        cols = (k - dx)[:, None] + self.cols[None, :]  # (b, w)
        bi = torch.arange(b)[:, None, None, None]
        ci = torch.arange(c)[None, :, None, None]
        out = padded[bi, ci, rows[:, None, :, None], cols[:, None, None, :]]
        return out.reshape(b, -1)
