//! Random draws keyed by where they are used, not by the order they are drawn in: a draw is a
//! hash of (seed, stream, epoch, batch, row in the batch, layer) and an index. So a dropout mask
//! or an image shift is the same whichever thread, worker or shard computes its row, and a run
//! resumed at an epoch draws what the uninterrupted run drew. The hash is SplitMix64's finaliser
//! (Steele, Lea & Flood 2014), which passes BigCrush as a counter-based generator.

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The key of one row's draws: each part hashed in turn, so no two positions share a key
/// unless their 64-bit hashes collide.
pub fn key(seed: u64, stream: u64, parts: &[u64]) -> u64 {
    let mut k = mix(seed.wrapping_add(GOLDEN));
    for &p in std::iter::once(&stream).chain(parts) {
        k = mix(k ^ mix(p.wrapping_add(GOLDEN)));
    }
    k
}

/// Draw `i` of a key: a uniform 32-bit number (SplitMix64's `i`-th output from state `key`).
pub fn draw(key: u64, i: u64) -> u32 {
    (mix(key.wrapping_add(i.wrapping_add(1).wrapping_mul(GOLDEN))) >> 32) as u32
}

/// Draw `i` of a key as an integer uniform on `0..n` (Lemire's multiply-shift; its bias,
/// below n/2³², is far under anything a shift of a few pixels could show).
pub fn below(key: u64, i: u64, n: u32) -> u32 {
    ((u64::from(draw(key, i)) * u64::from(n)) >> 32) as u32
}
