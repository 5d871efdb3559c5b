"""Checks of the PyTorch side's own rules (no data files needed):
    python -m unittest discover -s scripts/mlp_torch -p 'test_*.py' -t scripts
The split's agreement with the mlp-lab binary itself: scripts/torch_presets.py --check-split."""

import unittest

import torch

from mlp_torch.augment import Augment
from mlp_torch.rand_rs import ChaCha8Rng, chacha_blocks
from mlp_torch.split import apportion, split_indices
from mlp_torch.train import EarlyStopping


class ChaChaMatchesReferenceVectors(unittest.TestCase):
    def test_chacha8_zero_key_block_matches_the_published_vector(self):
        # ChaCha8, key 0, nonce 0, block 0: first bytes 3e 00 ef 2f 89 5f 40 d6 (Strombergson's
        # test vectors, TC1 with 8 rounds), as little-endian u32 words.
        words = chacha_blocks([0] * 8, 0, 0, 1)
        self.assertEqual([int(w) for w in words[:2]], [0x2FEF003E, 0xD6405F89])

    def test_a_seeded_stream_is_the_same_across_refills(self):
        a, b = ChaCha8Rng(7), ChaCha8Rng(7)
        first = [a.next_u32() for _ in range(5000)]
        self.assertEqual(first, [b.next_u32() for _ in range(5000)])


class SplitIsStratifiedAndExact(unittest.TestCase):
    def test_apportion_gives_exact_totals_by_largest_remainder(self):
        self.assertEqual(sum(apportion(57, [212, 357], [212, 357])), 57)
        self.assertEqual(apportion(3, [1, 1, 1, 1], [1, 1, 1, 1]), [1, 1, 1, 0])

    def test_parts_are_disjoint_cover_every_row_and_keep_class_shares(self):
        labels = [i % 3 for i in range(300)]
        tr, va, te = split_indices(labels, 3, 0.1, 0.2, 5)
        self.assertEqual(sorted(tr + va + te), list(range(300)))
        self.assertEqual((len(va), len(te)), (30, 60))
        self.assertEqual([sum(labels[i] == c for i in va) for c in range(3)], [10, 10, 10])


class AugmentIsAPaddedRandomCrop(unittest.TestCase):
    def test_every_output_is_the_image_moved_by_at_most_k_with_zero_fill(self):
        aug = Augment({"shift": 2}, (1, 5, 6), "mnist")
        x = torch.arange(1, 31, dtype=torch.float32).repeat(64, 1)
        out = aug(x, torch.Generator().manual_seed(1)).view(64, 5, 6)
        img = x[0].view(5, 6)
        seen = set()
        for o in out:
            matches = [(dx, dy) for dx in range(-2, 3) for dy in range(-2, 3)
                       if torch.equal(o, shifted(img, dx, dy))]
            self.assertEqual(len(matches), 1)
            seen.add(matches[0])
        self.assertGreater(len(seen), 10)

    def test_flip_mirrors_rows_of_every_channel_and_is_refused_outside_cifar(self):
        aug = Augment({"shift": 0, "flip": True}, (3, 2, 4), "cifar10")
        x = torch.arange(24, dtype=torch.float32).repeat(200, 1)
        out = aug(x, torch.Generator().manual_seed(2)).view(200, 3, 2, 4)
        flipped = torch.tensor([torch.equal(o, x[0].view(3, 2, 4).flip(2)) for o in out])
        same = torch.tensor([torch.equal(o, x[0].view(3, 2, 4)) for o in out])
        self.assertTrue(bool((flipped | same).all()))
        self.assertTrue(70 < int(flipped.sum()) < 130)
        with self.assertRaises(SystemExit):
            Augment({"flip": True}, (1, 28, 28), "mnist")


def shifted(img, dx, dy):
    out = torch.zeros_like(img)
    h, w = img.shape
    for y in range(h):
        for x in range(w):
            if 0 <= y - dy < h and 0 <= x - dx < w:
                out[y, x] = img[y - dy, x - dx]
    return out


class EarlyStoppingFollowsKeras(unittest.TestCase):
    def test_stops_after_patience_epochs_without_an_improvement_above_min_delta(self):
        es = EarlyStopping({"metric": "val_accuracy", "patience": 2, "min_delta": 0.01})
        seq = [0.50, 0.55, 0.555, 0.558, 0.60]
        stops = [es.update(e + 1, {"val_accuracy": v, "val_loss": 0})[1] for e, v in enumerate(seq[:4])]
        self.assertEqual(stops, [False, False, False, True])
        self.assertEqual(es.best_epoch, 2)

    def test_val_loss_improves_downwards_and_ties_do_not_count(self):
        es = EarlyStopping({"metric": "val_loss", "patience": 1})
        self.assertEqual(es.update(1, {"val_loss": 1.0, "val_accuracy": 0}), (True, False))
        self.assertEqual(es.update(2, {"val_loss": 0.9, "val_accuracy": 0}), (True, False))
        self.assertEqual(es.update(3, {"val_loss": 0.9, "val_accuracy": 0}), (False, True))


if __name__ == "__main__":
    unittest.main()
