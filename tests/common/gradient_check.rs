//! The finite-difference checker shared by the gradient checks (`tests/gradient_check_*.rs`):
//! small networks with seeded weights, targets that suit each loss, a `Case` (network, batch,
//! loss, path, regulariser) and `check`, which compares every coordinate of the analytic
//! gradient with a fourth-order central difference. The tolerances and why they are what they
//! are: [`Tolerance`].

// `x as f64` on a `Real` converts in the f32 build and is the same type in the f64 build.
#![cfg_attr(
    feature = "f64",
    allow(clippy::unnecessary_cast, clippy::useless_conversion)
)]
#![allow(dead_code)]

use crate::common;
use mlp_lab::nn::{Activation, Dense, Gradients, Loss, Network, Regularization};
use mlp_lab::{Matrix, Real};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use Activation::{LeakyRelu, Relu};

pub const F64_BUILD: bool = std::mem::size_of::<Real>() == 8;

/// Step size and tolerances of the finite-difference check.
///
/// The derivative is estimated with the fourth-order central stencil
/// `(8·(L(w+h) − L(w−h)) − (L(w+2h) − L(w−2h))) / 12h`, from loss values the engine returns
/// in f64. Its truncation error is O(h⁴); its rounding error is about 10·δ/h where δ is the
/// noise of one loss evaluation. A coordinate passes when
/// |analytic − numeric| ≤ atol·max(1, |L|) + rtol·max(|analytic|, |numeric|): δ is relative
/// to the loss L, so the absolute floor is too.
///
/// - f64 build: δ ≈ 1e-16·L, so h = 1e-4 gives a rounding error near 1e-11 and a truncation
///   error near 1e-16. rtol = 1e-6 is tight; the measured worst case is still ~500× below it.
/// - f32 build: the forward pass runs in f32, so δ is at worst ~1e-7·L (a few ulps); the
///   four evaluations share most of their rounding, so the noise actually seen is smaller.
///   A large step keeps δ/h small: at h = 2e-2 the rounding error is a few 1e-6·L, and the
///   O(h⁴) truncation error stays below 1e-6 for these small networks (h = 1e-2 with the
///   plain two-point difference was measurably noisier). rtol = 5e-4 with atol = 1e-5 is
///   about 3× the measured worst case (an error/tolerance ratio of 0.31), yet far below the
///   error of any real bug: a wrong sign, a missing factor, a dropped term or even a 1 %
///   scaling error fails it (`the_checker_rejects_a_gradient_off_by_one_percent` keeps that
///   true).
pub struct Tolerance {
    pub h: f64,
    pub rtol: f64,
    pub atol: f64,
}

pub fn tolerance() -> Tolerance {
    if F64_BUILD {
        Tolerance {
            h: 1e-4,
            rtol: 1e-6,
            atol: 1e-9,
        }
    } else {
        Tolerance {
            h: 2e-2,
            rtol: 5e-4,
            atol: 1e-5,
        }
    }
}

pub const BATCH: usize = 5;

/// A network whose layers carry the given per-unit activations, with weights N(0, 1.2²/fan_in)
/// and biases N(0, 0.3²) (non-zero, so the bias gradients are exercised too).
pub fn network(input: usize, layers: &[Vec<Activation>], seed: u64) -> Network {
    let mut rng = common::rng(seed);
    let mut fan_in = input;
    let layers = layers
        .iter()
        .map(|acts| {
            let units = acts.len();
            let scale = 1.2 / (fan_in as f64).sqrt();
            let w = Matrix::from_fn(units, fan_in, |_, _| {
                (scale * common::normal(&mut rng)) as Real
            });
            let b = (0..units)
                .map(|_| (0.3 * common::normal(&mut rng)) as Real)
                .collect();
            fan_in = units;
            Dense::new(w, b, acts)
        })
        .collect();
    Network { input, layers }
}

pub fn uniform(act: Activation, units: usize) -> Vec<Activation> {
    vec![act; units]
}

pub fn inputs(rows: usize, cols: usize, rng: &mut ChaCha8Rng) -> Matrix {
    Matrix::from_fn(rows, cols, |_, _| common::normal(rng) as Real)
}

/// Targets that suit the loss: N(0, 1) for mse, one-hot rows for cross-entropy and values in
/// (0, 1) (soft labels, which `nn.BCELoss` accepts) for binary cross-entropy.
pub fn targets(loss: Loss, rows: usize, cols: usize, rng: &mut ChaCha8Rng) -> Matrix {
    match loss {
        Loss::Mse => Matrix::from_fn(rows, cols, |_, _| common::normal(rng) as Real),
        Loss::CrossEntropy => {
            let mut y = Matrix::zeros(rows, cols);
            for r in 0..rows {
                y[(r, rng.random_range(0..cols))] = 1.0;
            }
            y
        }
        Loss::BinaryCrossEntropy => {
            Matrix::from_fn(rows, cols, |_, _| rng.random_range(0.05..0.95) as Real)
        }
    }
}

pub struct Case {
    pub net: Network,
    pub x: Matrix,
    pub y: Matrix,
    pub loss: Loss,
    pub fused: bool,
    pub reg: Regularization,
}

impl Case {
    /// A case drawn from `seed`; when the network has ReLU/LeakyReLU units, the first seed
    /// from `seed` on whose pre-activations all keep clear of the kink at 0 by `4·h`, so the
    /// stencil (which moves one parameter by up to 2h) rarely crosses one. `numeric` skips
    /// the coordinates for which it still does.
    pub fn new(
        input: usize,
        layers: &[Vec<Activation>],
        loss: Loss,
        fused: bool,
        seed: u64,
    ) -> Case {
        let margin = 4.0 * tolerance().h;
        for tries in 0..1000 {
            let case = Case::drawn(input, layers, loss, fused, seed + 1000 * tries);
            if case.kink_distance() >= margin {
                return case;
            }
        }
        panic!("no seed keeps the ReLU pre-activations {margin} away from 0");
    }

    /// A case drawn from exactly `seed`.
    pub fn drawn(
        input: usize,
        layers: &[Vec<Activation>],
        loss: Loss,
        fused: bool,
        seed: u64,
    ) -> Case {
        let net = network(input, layers, seed);
        let mut rng = common::rng(seed ^ 0x5eed);
        let x = inputs(BATCH, input, &mut rng);
        let y = targets(loss, BATCH, net.output_units(), &mut rng);
        Case {
            net,
            x,
            y,
            loss,
            fused,
            reg: Regularization::None,
        }
    }

    pub fn with_reg(mut self, reg: Regularization) -> Case {
        self.reg = reg;
        self
    }

    /// The objective whose gradient is checked: data loss plus penalty.
    pub fn objective(&self, net: &Network) -> f64 {
        let mut ws = net.workspace(self.x.nrows());
        let mut grads = net.zero_gradients();
        let data =
            net.loss_and_gradients(&self.x, &self.y, self.loss, self.fused, &mut ws, &mut grads);
        data + self.reg.penalty(net)
    }

    /// The engine's gradient of the objective, flattened in `params()` order.
    pub fn analytic(&self) -> Vec<f64> {
        let mut ws = self.net.workspace(self.x.nrows());
        let mut grads = self.net.zero_gradients();
        self.net
            .loss_and_gradients(&self.x, &self.y, self.loss, self.fused, &mut ws, &mut grads);
        self.reg.add_gradient(&self.net, &mut grads);
        flatten(&grads)
    }

    /// Whether every ReLU/LeakyReLU pre-activation (in every layer) is positive, unit by unit
    /// and row by row: the linear piece the network sits on.
    pub fn kink_side(&self, net: &Network) -> Vec<bool> {
        let mut side = Vec::new();
        for l in 0..net.layers.len() {
            let prefix = Network {
                input: net.input,
                layers: net.layers[..=l].to_vec(),
            };
            let mut ws = prefix.workspace(self.x.nrows());
            prefix.forward(&self.x, &mut ws);
            for (j, act) in net.layers[l].activations().into_iter().enumerate() {
                if matches!(act, Relu | LeakyRelu) {
                    side.extend(ws.logits().column(j).iter().map(|z| *z > 0.0));
                }
            }
        }
        side
    }

    /// The smallest |z| over every ReLU/LeakyReLU pre-activation (infinite without any).
    pub fn kink_distance(&self) -> f64 {
        let mut least = f64::INFINITY;
        for l in 0..self.net.layers.len() {
            let prefix = Network {
                input: self.net.input,
                layers: self.net.layers[..=l].to_vec(),
            };
            let mut ws = prefix.workspace(self.x.nrows());
            prefix.forward(&self.x, &mut ws);
            for (j, act) in self.net.layers[l].activations().into_iter().enumerate() {
                if matches!(act, Relu | LeakyRelu) {
                    least = ws
                        .logits()
                        .column(j)
                        .iter()
                        .fold(least, |m, z| m.min((*z as f64).abs()));
                }
            }
        }
        least
    }

    pub fn has_kinks(&self) -> bool {
        self.net.layers.iter().any(|l| {
            l.activations()
                .iter()
                .any(|a| matches!(a, Relu | LeakyRelu))
        })
    }

    /// Central-difference estimate of every coordinate of the gradient, or `None` where the
    /// stencil straddles a kink (a ReLU/LeakyReLU pre-activation or, with L1, a weight
    /// crossing 0), where the derivative is not defined.
    pub fn numeric(&self, h: f64) -> Vec<Option<f64>> {
        let base_side = if self.has_kinks() {
            self.kink_side(&self.net)
        } else {
            Vec::new()
        };
        let mut out = Vec::new();
        let shapes: Vec<usize> = self.net.params().iter().map(|p| p.len()).collect();
        for (s, len) in shapes.into_iter().enumerate() {
            let is_weight = s % 2 == 0;
            for k in 0..len {
                let w0 = self.net.params()[s][k];
                let at = |steps: f64| -> (f64, bool) {
                    let mut net = self.net.clone();
                    net.params_mut()[s][k] = w0 + (steps * h) as Real;
                    let crosses_kink = (self.has_kinks() && self.kink_side(&net) != base_side)
                        || (matches!(self.reg, Regularization::L1(_))
                            && is_weight
                            && (w0 + (steps * h) as Real).signum() != w0.signum());
                    (self.objective(&net), crosses_kink)
                };
                let (p1, k1) = at(1.0);
                let (m1, k2) = at(-1.0);
                let (p2, k3) = at(2.0);
                let (m2, k4) = at(-2.0);
                if k1 || k2 || k3 || k4 {
                    out.push(None);
                    continue;
                }
                // The step actually taken after rounding w0 ± h to Real.
                let h_eff = ((w0 + h as Real) - (w0 - h as Real)) as f64 / 2.0;
                out.push(Some((8.0 * (p1 - m1) - (p2 - m2)) / (12.0 * h_eff)));
            }
        }
        out
    }
}

pub fn flatten(grads: &Gradients) -> Vec<f64> {
    grads
        .slices()
        .iter()
        .flat_map(|s| s.iter().map(|v| *v as f64))
        .collect()
}

/// Checks every coordinate of the analytic gradient against central differences, allowing at
/// most a tenth of the coordinates to be skipped as kinks, and returns the worst
/// error/tolerance ratio.
pub fn check(case: &Case, what: &str) -> f64 {
    let tol = tolerance();
    let analytic = case.analytic();
    let numeric = case.numeric(tol.h);
    assert_eq!(analytic.len(), numeric.len());
    assert_eq!(analytic.len(), case.net.param_count());
    let skipped = numeric.iter().filter(|n| n.is_none()).count();
    assert!(
        skipped * 10 <= numeric.len(),
        "{what}: {skipped} of {} coordinates sit on a kink; pick other data",
        numeric.len()
    );
    // The rounding noise of the loss scales with the loss, so the absolute floor does too.
    let atol = tol.atol * case.objective(&case.net).abs().max(1.0);
    let mut worst = 0.0f64;
    let mut failures = Vec::new();
    for (i, (a, n)) in analytic.iter().zip(&numeric).enumerate() {
        let Some(n) = n else { continue };
        assert!(
            a.is_finite() && n.is_finite(),
            "{what}: coordinate {i}: analytic {a}, numeric {n}"
        );
        let ratio = (a - n).abs() / (atol + tol.rtol * a.abs().max(n.abs()));
        worst = worst.max(ratio);
        if ratio > 1.0 {
            failures.push(format!("  #{i}: analytic {a:.9e}, numeric {n:.9e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{what}: {} of {} coordinates disagree with central differences (h = {}, rtol = {}, atol = {}):\n{}",
        failures.len(),
        analytic.len(),
        tol.h,
        tol.rtol,
        atol,
        failures.join("\n")
    );
    // The gradient must not be trivially zero, or the check above would prove nothing.
    assert!(
        analytic.iter().any(|a| a.abs() > 1e-3),
        "{what}: the gradient is all but zero"
    );
    eprintln!("{what}: worst error/tolerance {worst:.3}, {skipped} kinks skipped");
    worst
}
