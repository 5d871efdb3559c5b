//! Synthetic two-class data sets in the plane, for watching a small network learn a non-linear
//! boundary in seconds: two interleaved spirals and two concentric circles.
//!
//! Both are deterministic functions of `(n, noise, seed)` (ChaCha8 seeded with `seed`), with the
//! classes alternating row by row so any prefix is balanced. Coordinates lie roughly in [-1, 1]
//! before noise; `noise` is the standard deviation of Gaussian noise added to each coordinate,
//! in the same units.

use super::{DataError, Dataset, Targets};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use std::f64::consts::PI;

/// More rows than any in-browser demo needs; the cap keeps a typo from allocating gigabytes.
pub const MAX_ROWS: usize = 1_000_000;

/// Turns each spiral makes from the centre outwards.
const SPIRAL_TURNS: f64 = 1.5;
/// The inner circle's radius relative to the outer one (scikit-learn's `make_circles` default).
const CIRCLES_FACTOR: f64 = 0.5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToyKind {
    Spirals,
    Circles,
}

impl ToyKind {
    pub const ALL: [ToyKind; 2] = [ToyKind::Spirals, ToyKind::Circles];

    pub fn name(self) -> &'static str {
        match self {
            ToyKind::Spirals => "spirals",
            ToyKind::Circles => "circles",
        }
    }

    pub fn from_name(name: &str) -> Option<ToyKind> {
        ToyKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// `n` rows of the named toy set, after checking the arguments.
pub fn generate(kind: ToyKind, n: usize, noise: f64, seed: u64) -> Result<Dataset, DataError> {
    let set = kind.name();
    if !(2..=MAX_ROWS).contains(&n) {
        return Err(DataError::Request(format!(
            "toy set {set}: n must be between 2 and {MAX_ROWS}, found {n}"
        )));
    }
    if !(noise.is_finite() && noise >= 0.0) {
        return Err(DataError::Request(format!(
            "toy set {set}: noise must be a number ≥ 0, found {noise}"
        )));
    }
    Ok(match kind {
        ToyKind::Spirals => spirals(n, noise, seed),
        ToyKind::Circles => circles(n, noise, seed),
    })
}

/// Two interleaved spirals (class 0 and class 1, the second the first turned by half a turn).
/// Points are spread evenly along each arm (the radius grows with the square root of a uniform
/// draw), so the centre is not oversampled.
pub fn spirals(n: usize, noise: f64, seed: u64) -> Dataset {
    build(n, noise, seed, ["spiral 0", "spiral 1"], |class, rng| {
        let t = rng.random::<f64>().sqrt();
        let angle = t * SPIRAL_TURNS * 2.0 * PI + class as f64 * PI;
        (t * angle.cos(), t * angle.sin())
    })
}

/// Two concentric circles: class 0 on the outer one (radius 1), class 1 on the inner one
/// (radius 0.5), at uniformly random angles.
pub fn circles(n: usize, noise: f64, seed: u64) -> Dataset {
    build(n, noise, seed, ["outer", "inner"], |class, rng| {
        let r = if class == 0 { 1.0 } else { CIRCLES_FACTOR };
        let angle = rng.random::<f64>() * 2.0 * PI;
        (r * angle.cos(), r * angle.sin())
    })
}

fn build(
    n: usize,
    noise: f64,
    seed: u64,
    class_names: [&str; 2],
    mut point: impl FnMut(usize, &mut ChaCha8Rng) -> (f64, f64),
) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut features = Vec::with_capacity(2 * n);
    let mut labels = Vec::with_capacity(n);
    for i in 0..n {
        let class = i % 2;
        let (x, y) = point(class, &mut rng);
        let nx: f64 = StandardNormal.sample(&mut rng);
        let ny: f64 = StandardNormal.sample(&mut rng);
        features.push((x + noise * nx) as f32);
        features.push((y + noise * ny) as f32);
        labels.push(class as u32);
    }
    Dataset {
        features,
        n,
        d: 2,
        targets: Targets::Classes {
            labels,
            n_classes: 2,
        },
        class_names: class_names.iter().map(|s| s.to_string()).collect(),
        feature_names: vec!["x".into(), "y".into()],
        image_shape: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(d: &Dataset) -> &[u32] {
        match &d.targets {
            Targets::Classes { labels, .. } => labels,
            Targets::Values { .. } => panic!("toy sets have classes"),
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_balanced_rows_and_another_seed_other_rows() {
        for kind in ToyKind::ALL {
            let a = generate(kind, 200, 0.1, 7).unwrap();
            assert_eq!(a, generate(kind, 200, 0.1, 7).unwrap());
            assert_ne!(a.features, generate(kind, 200, 0.1, 8).unwrap().features);
            assert_eq!((a.n, a.d, a.features.len()), (200, 2, 400));
            assert_eq!(labels(&a).iter().filter(|&&l| l == 1).count(), 100);
            assert!(a.features.iter().all(|v| v.is_finite()));
        }
    }

    #[test]
    fn without_noise_circle_points_sit_on_their_radius_and_spiral_points_on_their_arm() {
        let c = circles(100, 0.0, 1);
        for (i, &l) in labels(&c).iter().enumerate() {
            let r = (c.row(i)[0].powi(2) + c.row(i)[1].powi(2)).sqrt();
            let want = if l == 0 { 1.0 } else { CIRCLES_FACTOR as f32 };
            assert!((r - want).abs() < 1e-5, "row {i}: radius {r}, class {l}");
        }
        let s = spirals(100, 0.0, 1);
        for (i, &l) in labels(&s).iter().enumerate() {
            let (x, y) = (s.row(i)[0] as f64, s.row(i)[1] as f64);
            let r = x.hypot(y);
            assert!(r <= 1.0 + 1e-6, "row {i}: radius {r}");
            // On arm `l`, the angle is fixed by the radius: r·turns·2π + l·π (mod 2π).
            let want = r * SPIRAL_TURNS * 2.0 * PI + l as f64 * PI;
            let (wx, wy) = (r * want.cos(), r * want.sin());
            assert!(
                (x - wx).abs() < 1e-4 && (y - wy).abs() < 1e-4,
                "row {i}: ({x}, {y}) vs ({wx}, {wy})"
            );
        }
    }

    #[test]
    fn bad_arguments_are_refused_naming_the_set_and_names_round_trip() {
        let e = generate(ToyKind::Spirals, 1, 0.1, 0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("spirals") && e.contains("n must be"), "{e}");
        let e = generate(ToyKind::Circles, 10, -1.0, 0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("circles") && e.contains("noise"), "{e}");
        assert_eq!(ToyKind::from_name("circles"), Some(ToyKind::Circles));
        assert_eq!(ToyKind::from_name("moons"), None);
    }
}
