//! Shared helpers for the integration tests: small synthetic data sets as
//! `mlp_lab::data::Dataset`, a seeded RNG, and bit-level comparison of networks.
//!
//! Every test file pulls this in with `mod common;` and uses only part of it.

// `x as f64` on a `Real` converts in the f32 build and is the same type in the f64 build.
#![cfg_attr(
    feature = "f64",
    allow(clippy::unnecessary_cast, clippy::useless_conversion)
)]
#![allow(dead_code)]

use mlp_lab::data::{Dataset, Targets};
use mlp_lab::nn::Network;
use mlp_lab::Real;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// A seeded RNG for test data (independent of the engine's own streams).
pub fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// A standard normal draw.
pub fn normal(rng: &mut ChaCha8Rng) -> f64 {
    StandardNormal.sample(rng)
}

/// `count` numbers in [−1, 1] from a 32-bit xorshift seeded with `seed` (non-zero): cheap,
/// fixed test features that need no RNG crate's stream to stay the same.
pub fn xorshift_features(count: usize, seed: u32) -> Vec<f32> {
    assert_ne!(seed, 0, "xorshift needs a non-zero seed");
    let mut s = seed;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        s as f32 / u32::MAX as f32 * 2.0 - 1.0
    };
    (0..count).map(|_| next()).collect()
}

/// A classification set from row-major features and labels.
pub fn classes(features: Vec<f32>, d: usize, labels: Vec<u32>, n_classes: usize) -> Dataset {
    let n = labels.len();
    assert_eq!(features.len(), n * d, "one row of {d} features per label");
    Dataset {
        features,
        n,
        d,
        targets: Targets::Classes { labels, n_classes },
        class_names: (0..n_classes).map(|c| format!("class {c}")).collect(),
        feature_names: Vec::new(),
        image_shape: None,
    }
}

/// A regression set with one target column.
pub fn values(features: Vec<f32>, d: usize, targets: Vec<f32>) -> Dataset {
    let n = targets.len();
    assert_eq!(features.len(), n * d, "one row of {d} features per target");
    Dataset {
        features,
        n,
        d,
        targets: Targets::Values {
            values: targets,
            k: 1,
        },
        class_names: Vec::new(),
        feature_names: Vec::new(),
        image_shape: None,
    }
}

/// The four XOR points, labels 0/1, inputs in {0, 1}².
pub fn xor() -> Dataset {
    classes(
        vec![0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
        2,
        vec![0, 1, 1, 0],
        2,
    )
}

/// The classic two interleaved spirals: `per_class` points per arm, each arm turning
/// `turns` times around the origin, class 1 being class 0 rotated by π. Coordinates are
/// scaled to roughly [−1, 1] and jittered by Gaussian noise of standard deviation `noise`.
pub fn two_spirals(per_class: usize, turns: f64, noise: f64, seed: u64) -> Dataset {
    let mut r = rng(seed);
    let mut features = Vec::with_capacity(4 * per_class);
    let mut labels = Vec::with_capacity(2 * per_class);
    for i in 0..per_class {
        // Start a little away from the centre, where the two arms would touch.
        let t = 0.15 + 0.85 * i as f64 / (per_class - 1).max(1) as f64;
        let angle = t * turns * 2.0 * std::f64::consts::PI;
        let (x, y) = (t * angle.cos(), t * angle.sin());
        for (class, sign) in [(0u32, 1.0), (1u32, -1.0)] {
            features.push((sign * x + noise * normal(&mut r)) as f32);
            features.push((sign * y + noise * normal(&mut r)) as f32);
            labels.push(class);
        }
    }
    classes(features, 2, labels, 2)
}

/// y = sin(x1) + 0.5·x2² + N(0, noise²), with x uniform on [−2, 2]².
pub fn sine_bowl(n: usize, noise: f64, seed: u64) -> Dataset {
    let mut r = rng(seed);
    let mut features = Vec::with_capacity(2 * n);
    let mut targets = Vec::with_capacity(n);
    for _ in 0..n {
        let x1: f64 = r.random_range(-2.0..2.0);
        let x2: f64 = r.random_range(-2.0..2.0);
        features.push(x1 as f32);
        features.push(x2 as f32);
        targets.push((x1.sin() + 0.5 * x2 * x2 + noise * normal(&mut r)) as f32);
    }
    values(features, 2, targets)
}

/// Every parameter of a network (weights then bias, layer by layer) as raw bits, so two
/// networks can be compared for exact equality (and a NaN would not compare equal to itself).
pub fn param_bits(net: &Network) -> Vec<u64> {
    net.params()
        .iter()
        .flat_map(|p| p.iter().map(|v| bits(*v)))
        .collect()
}

/// The bits of one parameter, widened to f64 (exactly) so the same helper serves the f32 and
/// f64 builds: two values have the same bits here iff they had the same bits as `Real`.
pub fn bits(v: Real) -> u64 {
    f64::from(v).to_bits()
}

/// Whether every parameter of the network is finite.
pub fn all_finite(net: &Network) -> bool {
    net.params().iter().all(|p| p.iter().all(|v| v.is_finite()))
}

/// The real data sets: `$MLP_LAB_DATA` when set (as the CLI reads it), else `../shared/data`
/// beside this crate.
pub fn data_dir() -> std::path::PathBuf {
    match std::env::var_os("MLP_LAB_DATA") {
        Some(d) if !d.is_empty() => std::path::PathBuf::from(d),
        _ => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"),
    }
}
