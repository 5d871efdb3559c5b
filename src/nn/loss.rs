//! Losses with PyTorch's reductions: `mse` is the mean over every element (`nn.MSELoss`),
//! `cross_entropy` the batch mean of −Σ y·log p, `binary_cross_entropy` the mean over every
//! element (`nn.BCELoss`).
//!
//! Two paths lead to the gradient at the output layer's pre-activations. The fused path (softmax
//! with cross-entropy, sigmoid with binary cross-entropy) goes straight from the logits:
//! dL/dz = (p − y)/N, and computes the loss from the logits with log-sum-exp, so it never takes
//! the log of a rounded-to-zero probability. The general path computes dL/dp here and lets the
//! activation's Jacobian carry it to dL/dz.

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

    /// The divisor of the reduction for a `batch × outputs` block.
    fn denominator(self, out: &Matrix) -> f64 {
        match self {
            Loss::CrossEntropy => out.nrows() as f64,
            Loss::Mse | Loss::BinaryCrossEntropy => (out.nrows() * out.ncols()) as f64,
        }
    }

    /// The loss from the output activations `a` (general path). Accumulates in f64 so the mean
    /// of a large batch does not lose digits.
    pub fn value(self, a: &Matrix, y: &Matrix) -> f64 {
        let sum: f64 = match self {
            Loss::Mse => a
                .iter()
                .zip(y.iter())
                .map(|(a, y)| ((a - y) as f64).powi(2))
                .sum(),
            Loss::CrossEntropy => a
                .iter()
                .zip(y.iter())
                .filter(|(_, y)| **y != 0.0)
                .map(|(p, y)| -(*y as f64) * clamped_ln(*p as f64))
                .sum(),
            Loss::BinaryCrossEntropy => a
                .iter()
                .zip(y.iter())
                .map(|(p, y)| {
                    let (p, y) = (*p as f64, *y as f64);
                    -(y * clamped_ln(p) + (1.0 - y) * clamped_ln(1.0 - p))
                })
                .sum(),
        };
        sum / self.denominator(a)
    }

    /// The loss from the output layer's logits `z` (fused path: softmax + cross-entropy or
    /// sigmoid + binary cross-entropy), stable for any logit size.
    pub fn value_from_logits(self, z: &Matrix, y: &Matrix) -> f64 {
        let sum: f64 = match self {
            Loss::CrossEntropy => (0..z.nrows())
                .map(|r| {
                    let row = z.row(r);
                    let max = row.iter().fold(f64::NEG_INFINITY, |m, v| m.max(*v as f64));
                    let lse = max
                        + row
                            .iter()
                            .map(|v| (*v as f64 - max).exp())
                            .sum::<f64>()
                            .ln();
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
                    z.max(0.0) - z * y + (-z.abs()).exp().ln_1p()
                })
                .sum(),
            Loss::Mse => return self.value(z, y),
        };
        sum / self.denominator(z)
    }

    /// dL/da for the general path, written into `g`.
    pub fn output_grad(self, a: &Matrix, y: &Matrix, g: &mut Matrix) {
        let n = self.denominator(a) as Real;
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

    /// dL/dz for the fused path: (p − y)/N, written into `g`.
    pub fn fused_grad(self, a: &Matrix, y: &Matrix, g: &mut Matrix) {
        let n = self.denominator(a) as Real;
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

fn clamped_ln(p: f64) -> f64 {
    p.ln().max(LOG_FLOOR)
}

/// Keeps 1/p finite for a probability that rounded to zero.
fn clamped_p(p: Real) -> Real {
    p.max(Real::MIN_POSITIVE)
}

/// PyTorch's floor on p(1 − p) in the BCE gradient.
const BCE_EPS: Real = 1e-12;
