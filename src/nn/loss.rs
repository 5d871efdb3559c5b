//! Losses with PyTorch's reductions: `mse` is the mean over every element (`nn.MSELoss`),
//! `cross_entropy` the batch mean of −Σ y·log p, `binary_cross_entropy` the mean over every
//! element (`nn.BCELoss`).
//!
//! Two paths lead to the gradient at the output layer's pre-activations. The fused path (softmax
//! with cross-entropy, sigmoid with binary cross-entropy) goes straight from the logits:
//! dL/dz = (p − y)/N, and computes the loss from the logits with log-sum-exp, so it never takes
//! the log of a rounded-to-zero probability. The general path computes dL/dp here and lets the
//! activation's Jacobian carry it to dL/dz.

use super::kernel::{kernel, Kernel, Math, PlatformMath, PortableMath};
use crate::{Matrix, Real};
use serde::{Deserialize, Serialize};

/// `nn.BCELoss` clamps each log term at −100 so a saturated probability gives a large finite
/// loss rather than infinity; the general cross-entropy path does the same.
const LOG_FLOOR: f64 = -100.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    Mse,
    CrossEntropy,
    BinaryCrossEntropy,
}

impl Loss {
    pub const ALL: [Loss; 3] = [Loss::Mse, Loss::CrossEntropy, Loss::BinaryCrossEntropy];

    pub fn name(self) -> &'static str {
        match self {
            Loss::Mse => "mse",
            Loss::CrossEntropy => "cross_entropy",
            Loss::BinaryCrossEntropy => "binary_cross_entropy",
        }
    }

    /// The divisor of the reduction over a `rows × outputs` block: the rows for
    /// cross-entropy, every element for MSE and BCE. A shard of a batch divides by its batch's
    /// divisor, so the shards' gradients sum to the batch's gradient.
    pub fn divisor(self, rows: usize, outputs: usize) -> f64 {
        match self {
            Loss::CrossEntropy => rows as f64,
            Loss::Mse | Loss::BinaryCrossEntropy => (rows * outputs) as f64,
        }
    }

    fn divisor_of(self, out: &Matrix) -> f64 {
        self.divisor(out.nrows(), out.ncols())
    }

    /// The loss from the output activations `a` (general path): the mean as PyTorch reduces.
    pub fn value(self, a: &Matrix, y: &Matrix) -> f64 {
        self.sum(a, y) / self.divisor_of(a)
    }

    /// The loss from the output layer's logits `z` (fused path: softmax + cross-entropy or
    /// sigmoid + binary cross-entropy), stable for any logit size.
    pub fn value_from_logits(self, z: &Matrix, y: &Matrix) -> f64 {
        self.sum_from_logits(z, y) / self.divisor_of(z)
    }

    /// The general path's per-element losses summed, before the reduction's division.
    /// Accumulates in f64 so the sum of a large batch does not lose digits.
    pub fn sum(self, a: &Matrix, y: &Matrix) -> f64 {
        match kernel() {
            Kernel::Native => self.sum_with::<PlatformMath>(a, y),
            Kernel::Portable => self.sum_with::<PortableMath>(a, y),
        }
    }

    /// The fused path's per-element losses summed, before the reduction's division.
    pub fn sum_from_logits(self, z: &Matrix, y: &Matrix) -> f64 {
        match kernel() {
            Kernel::Native => self.sum_from_logits_with::<PlatformMath>(z, y),
            Kernel::Portable => self.sum_from_logits_with::<PortableMath>(z, y),
        }
    }

    fn sum_with<M: Math>(self, a: &Matrix, y: &Matrix) -> f64 {
        match self {
            Loss::Mse => a
                .iter()
                .zip(y.iter())
                .map(|(a, y)| ((a - y) as f64).powi(2))
                .sum(),
            Loss::CrossEntropy => a
                .iter()
                .zip(y.iter())
                .filter(|(_, y)| **y != 0.0)
                .map(|(p, y)| -(*y as f64) * clamped_ln::<M>(*p as f64))
                .sum(),
            Loss::BinaryCrossEntropy => a
                .iter()
                .zip(y.iter())
                .map(|(p, y)| {
                    let (p, y) = (*p as f64, *y as f64);
                    -(y * clamped_ln::<M>(p) + (1.0 - y) * clamped_ln::<M>(1.0 - p))
                })
                .sum(),
        }
    }

    fn sum_from_logits_with<M: Math>(self, z: &Matrix, y: &Matrix) -> f64 {
        match self {
            Loss::CrossEntropy => (0..z.nrows())
                .map(|r| {
                    let row = z.row(r);
                    let max = row.iter().fold(f64::NEG_INFINITY, |m, v| m.max(*v as f64));
                    let sum_exp: f64 = row.iter().map(|v| M::exp64(*v as f64 - max)).sum();
                    let lse = max + M::ln64(sum_exp);
                    row.iter()
                        .zip(y.row(r).iter())
                        .map(|(z, y)| -(*y as f64) * (*z as f64 - lse))
                        .sum::<f64>()
                })
                .sum(),
            Loss::BinaryCrossEntropy => z
                .iter()
                .zip(y.iter())
                .map(|(z, y)| {
                    let (z, y) = (*z as f64, *y as f64);
                    z.max(0.0) - z * y + M::ln_1p64(M::exp64(-z.abs()))
                })
                .sum(),
            Loss::Mse => self.sum_with::<M>(z, y),
        }
    }

    /// dL/da for the general path, written into `g`, for a loss divided by `divisor`
    /// ([`Loss::divisor`] of the whole batch).
    pub fn output_grad(self, a: &Matrix, y: &Matrix, g: &mut Matrix, divisor: f64) {
        let n = divisor as Real;
        let it = g.iter_mut().zip(a.iter().zip(y.iter()));
        match self {
            Loss::Mse => it.for_each(|(g, (a, y))| *g = 2.0 * (a - y) / n),
            Loss::CrossEntropy => it.for_each(|(g, (p, y))| {
                *g = if *y == 0.0 {
                    0.0
                } else {
                    -y / clamped_p(*p) / n
                }
            }),
            // As `binary_cross_entropy_backward`: (p − y) / max(p(1 − p), 1e-12).
            Loss::BinaryCrossEntropy => {
                it.for_each(|(g, (p, y))| *g = (p - y) / (p * (1.0 - p)).max(BCE_EPS) / n)
            }
        }
    }

    /// dL/dz for the fused path: (p − y)/N with N = `divisor`, written into `g`.
    pub fn fused_grad(self, a: &Matrix, y: &Matrix, g: &mut Matrix, divisor: f64) {
        let n = divisor as Real;
        g.iter_mut()
            .zip(a.iter().zip(y.iter()))
            .for_each(|(g, (p, y))| *g = (p - y) / n);
    }
}

impl std::fmt::Display for Loss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

fn clamped_ln<M: Math>(p: f64) -> f64 {
    M::ln64(p).max(LOG_FLOOR)
}

/// Keeps 1/p finite for a probability that rounded to zero.
fn clamped_p(p: Real) -> Real {
    p.max(Real::MIN_POSITIVE)
}

/// PyTorch's floor on p(1 − p) in the BCE gradient.
const BCE_EPS: Real = 1e-12;
