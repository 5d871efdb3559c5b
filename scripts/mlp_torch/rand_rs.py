"""The few pieces of Rust's `rand` 0.9 / `rand_chacha` 0.9 that MLP Lab's split uses, bit for bit.

MLP Lab draws its validation split with `ChaCha8Rng::seed_from_u64` and `SliceRandom::shuffle`
(src/data/split.rs). Reproducing them here lets a PyTorch run hold out exactly the rows an
MLP Lab run holds out. Only 32-bit draws are needed: `shuffle` of a slice shorter than 2^32
uses `IncreasingUniform`, which draws `u32`s with `random_range(..bound)`.
"""

import numpy as np

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF
SIGMA = np.array([0x61707865, 0x3320646E, 0x79622D32, 0x6B206574], dtype=np.uint32)
BLOCKS_PER_REFILL = 256  # any multiple of 4 gives the same stream; larger is faster here


def pcg32_seed(state):
    """rand_core 0.9 `SeedableRng::seed_from_u64`: eight PCG32 outputs as the 32-byte key."""
    words = []
    for _ in range(8):
        state = (state * 6364136223846793005 + 11634580027462260723) & M64
        xorshifted = (((state >> 18) ^ state) >> 27) & M32
        rot = state >> 59
        words.append(((xorshifted >> rot) | (xorshifted << ((32 - rot) & 31))) & M32)
    return words


def _rotl(x, n):
    return (x << np.uint32(n)) | (x >> np.uint32(32 - n))


def _quarter(s, a, b, c, d):
    s[a] += s[b]
    s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] += s[d]
    s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] += s[b]
    s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] += s[d]
    s[b] = _rotl(s[b] ^ s[c], 7)


def chacha_blocks(key, counter, nonce, n_blocks, double_rounds=4):
    """`n_blocks` ChaCha blocks (64-bit counter in words 12–13, 64-bit nonce in 14–15) as one
    array of u32 words in output order."""
    ctr = np.arange(counter, counter + n_blocks, dtype=np.uint64)
    init = np.empty((16, n_blocks), dtype=np.uint32)
    init[0:4] = SIGMA[:, None]
    init[4:12] = np.array(key, dtype=np.uint32)[:, None]
    init[12] = (ctr & np.uint64(M32)).astype(np.uint32)
    init[13] = (ctr >> np.uint64(32)).astype(np.uint32)
    init[14] = nonce & M32
    init[15] = nonce >> 32
    s = init.copy()
    with np.errstate(over="ignore"):
        for _ in range(double_rounds):
            _quarter(s, 0, 4, 8, 12)
            _quarter(s, 1, 5, 9, 13)
            _quarter(s, 2, 6, 10, 14)
            _quarter(s, 3, 7, 11, 15)
            _quarter(s, 0, 5, 10, 15)
            _quarter(s, 1, 6, 11, 12)
            _quarter(s, 2, 7, 8, 13)
            _quarter(s, 3, 4, 9, 14)
        s += init
    return s.T.reshape(-1)


class ChaCha8Rng:
    """`rand_chacha::ChaCha8Rng` seeded with `seed_from_u64`, optionally on another stream."""

    def __init__(self, seed, stream=0):
        self.key = pcg32_seed(seed & M64)
        self.nonce = stream & M64
        self.block = 0
        self.words = np.empty(0, dtype=np.uint32)
        self.pos = 0

    def next_u32(self):
        if self.pos >= len(self.words):
            self.words = chacha_blocks(self.key, self.block, self.nonce, BLOCKS_PER_REFILL).tolist()
            self.block += BLOCKS_PER_REFILL
            self.pos = 0
        w = self.words[self.pos]
        self.pos += 1
        return w

    def below_u32(self, bound):
        """`random_range(..bound)` for u32 (rand 0.9's biased-by-2^-96 widening multiply)."""
        rng_ = bound & M32  # sample_single_inclusive(0, bound - 1): range = bound
        prod = self.next_u32() * rng_
        result, lo = prod >> 32, prod & M32
        if lo > ((-rng_) & M32):
            new_hi = (self.next_u32() * rng_) >> 32
            if lo + new_hi > M32:
                result += 1
        return result


def _bound_u32(m):
    """`calculate_bound_u32`: the product m·(m+1)·… that still fits in u32, and its length."""
    product, current = m, m + 1
    while product * current <= M32:
        product *= current
        current += 1
    return product, current - m


def shuffle(items, rng):
    """`SliceRandom::shuffle` of rand 0.9 (in place), for lists shorter than 2^32."""
    if len(items) <= 1:
        return
    n, chunk, remaining = 0, 0, 1  # IncreasingUniform::new(rng, 0)
    for i in range(len(items)):
        next_n = n + 1
        if remaining == 0:
            bound, count = _bound_u32(next_n)
            chunk = rng.below_u32(bound)
            remaining = count
        remaining -= 1
        if remaining == 0:
            j = chunk
        else:
            j = chunk % next_n
            chunk //= next_n
        n = next_n
        items[i], items[j] = items[j], items[i]
