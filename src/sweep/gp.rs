//! A small Gaussian-process regressor for the Bayesian sampler: zero mean, Matérn-5/2 kernel
//! with one length-scale per coordinate, amplitude profiled out of the marginal likelihood, and
//! the length-scales and noise fitted by that likelihood: a grid over a shared length-scale and
//! the noise, then per-coordinate refinement. Inputs live in [0, 1]^d.

use nalgebra::{Cholesky, DMatrix, DVector, Dyn};

const LENGTH_SCALES: [f64; 10] = [0.03, 0.06, 0.1, 0.17, 0.3, 0.5, 0.8, 1.3, 2.0, 3.0];
/// Noise variance relative to the signal's.
const NOISES: [f64; 4] = [1e-6, 1e-4, 1e-2, 1e-1];
/// Rounds of per-coordinate length-scale refinement, and the factors tried in each.
const ARD_ROUNDS: usize = 2;
const ARD_STEPS: [f64; 4] = [0.5, 0.7, 1.4, 2.0];

/// The Matérn-5/2 correlation at distance `r`.
pub fn matern52(r: f64, length_scale: f64) -> f64 {
    let s = 5f64.sqrt() * r / length_scale;
    (1.0 + s + s * s / 3.0) * (-s).exp()
}

/// Distance with each coordinate divided by its length-scale.
fn scaled_distance(a: &[f64], b: &[f64], ls: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .zip(ls)
        .map(|((x, y), l)| ((x - y) / l).powi(2))
        .sum::<f64>()
        .sqrt()
}

pub struct Gp {
    x: Vec<Vec<f64>>,
    l: DMatrix<f64>,
    alpha: DVector<f64>,
    /// One length-scale per coordinate.
    pub length_scales: Vec<f64>,
    pub noise: f64,
    pub amplitude: f64,
}

/// Log marginal likelihood (amplitude profiled out) and the fitted GP, if the kernel matrix is
/// positive definite.
fn fit_one(x: &[Vec<f64>], y: &DVector<f64>, ls: &[f64], noise: f64) -> Option<(f64, Gp)> {
    let n = y.len();
    let c = DMatrix::from_fn(n, n, |i, j| {
        matern52(scaled_distance(&x[i], &x[j], ls), 1.0) + if i == j { noise + 1e-10 } else { 0.0 }
    });
    let chol = Cholesky::<f64, Dyn>::new(c)?;
    let alpha = chol.solve(y);
    let amplitude = (y.dot(&alpha) / n as f64).max(1e-12);
    let l = chol.unpack();
    let log_det: f64 = (0..n).map(|i| l[(i, i)].ln()).sum();
    let ll = -0.5 * n as f64 * amplitude.ln() - log_det;
    Some((
        ll,
        Gp {
            x: x.to_vec(),
            l,
            alpha,
            length_scales: ls.to_vec(),
            noise,
            amplitude,
        },
    ))
}

impl Gp {
    /// Fits `y` (best standardised) at points `x`: the best shared length-scale and noise from
    /// a grid, then each coordinate's length-scale refined by a few multiplicative steps
    /// (coordinate ascent on the marginal likelihood). `None` only if no setting gives a
    /// positive-definite kernel matrix.
    pub fn fit(x: Vec<Vec<f64>>, y: &[f64]) -> Option<Gp> {
        let n = y.len();
        assert_eq!(x.len(), n, "one point per value");
        let d = x.first().map_or(0, Vec::len);
        let yv = DVector::from_column_slice(y);
        let mut best: Option<(f64, Gp)> = None;
        let consider = |ls: &[f64], g: f64, best: &mut Option<(f64, Gp)>| {
            if let Some((ll, gp)) = fit_one(&x, &yv, ls, g) {
                if best.as_ref().is_none_or(|(b, _)| ll > *b) {
                    *best = Some((ll, gp));
                }
            }
        };
        for &ls in &LENGTH_SCALES {
            for &g in &NOISES {
                consider(&vec![ls; d], g, &mut best);
            }
        }
        for _ in 0..ARD_ROUNDS {
            for k in 0..d {
                for f in ARD_STEPS {
                    let Some((_, gp)) = &best else { return None };
                    let mut ls = gp.length_scales.clone();
                    ls[k] = (ls[k] * f).clamp(
                        LENGTH_SCALES[0],
                        2.0 * LENGTH_SCALES[LENGTH_SCALES.len() - 1],
                    );
                    let g = gp.noise;
                    consider(&ls, g, &mut best);
                }
            }
        }
        best.map(|(_, gp)| gp)
    }

    /// Posterior mean and standard deviation of the latent function at `q`.
    pub fn predict(&self, q: &[f64]) -> (f64, f64) {
        let k = DVector::from_iterator(
            self.x.len(),
            self.x
                .iter()
                .map(|p| matern52(scaled_distance(p, q, &self.length_scales), 1.0)),
        );
        let mean = k.dot(&self.alpha);
        let v = self
            .l
            .solve_lower_triangular(&k)
            .unwrap_or_else(|| DVector::zeros(k.len()));
        let var = self.amplitude * (1.0 - v.norm_squared()).max(1e-12);
        (mean, var.sqrt())
    }
}

/// Expected improvement below `best` (minimisation) of a normal N(mean, sd²), with margin `xi`.
pub fn expected_improvement(mean: f64, sd: f64, best: f64, xi: f64) -> f64 {
    let gain = best - mean - xi;
    if sd <= 0.0 {
        return gain.max(0.0);
    }
    let z = gain / sd;
    gain * normal_cdf(z) + sd * normal_pdf(z)
}

pub fn normal_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// Complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7).
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}
