//! Finite-difference checks of `Network::loss_and_gradients` and of the regularisers'
//! `penalty`/`add_gradient`, for every activation, mixed per-neuron layers, every loss in both
//! the fused and the Jacobian path, and L1/L2; plus the fused/Jacobian agreement and gradient
//! clipping against PyTorch's documented behaviour.
//!
//! Run under both builds:
//! `cargo test --test gradient_check` and `cargo test --features f64 --test gradient_check`.

mod common;

use mlp_lab::nn::{Activation, Dense, Gradients, Loss, Network, Regularization};
use mlp_lab::optim::clip::global_norm;
use mlp_lab::optim::Clip;
use mlp_lab::{Matrix, Real};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use Activation::{Identity, LeakyRelu, Relu, Sigmoid, Softmax, Tanh};

const F64_BUILD: bool = std::mem::size_of::<Real>() == 8;

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
struct Tolerance {
    h: f64,
    rtol: f64,
    atol: f64,
}

fn tolerance() -> Tolerance {
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

const BATCH: usize = 5;

/// A network whose layers carry the given per-unit activations, with weights N(0, 1.2²/fan_in)
/// and biases N(0, 0.3²) (non-zero, so the bias gradients are exercised too).
fn network(input: usize, layers: &[Vec<Activation>], seed: u64) -> Network {
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

fn uniform(act: Activation, units: usize) -> Vec<Activation> {
    vec![act; units]
}

fn inputs(rows: usize, cols: usize, rng: &mut ChaCha8Rng) -> Matrix {
    Matrix::from_fn(rows, cols, |_, _| common::normal(rng) as Real)
}

/// Targets that suit the loss: N(0, 1) for mse, one-hot rows for cross-entropy and values in
/// (0, 1) (soft labels, which `nn.BCELoss` accepts) for binary cross-entropy.
fn targets(loss: Loss, rows: usize, cols: usize, rng: &mut ChaCha8Rng) -> Matrix {
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

struct Case {
    net: Network,
    x: Matrix,
    y: Matrix,
    loss: Loss,
    fused: bool,
    reg: Regularization,
}

impl Case {
    /// A case drawn from `seed`; when the network has ReLU/LeakyReLU units, the first seed
    /// from `seed` on whose pre-activations all keep clear of the kink at 0 by `4·h`, so the
    /// stencil (which moves one parameter by up to 2h) rarely crosses one. `numeric` skips
    /// the coordinates for which it still does.
    fn new(input: usize, layers: &[Vec<Activation>], loss: Loss, fused: bool, seed: u64) -> Case {
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
    fn drawn(input: usize, layers: &[Vec<Activation>], loss: Loss, fused: bool, seed: u64) -> Case {
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

    fn with_reg(mut self, reg: Regularization) -> Case {
        self.reg = reg;
        self
    }

    /// The objective whose gradient is checked: data loss plus penalty.
    fn objective(&self, net: &Network) -> f64 {
        let mut ws = net.workspace(self.x.nrows());
        let mut grads = net.zero_gradients();
        let data =
            net.loss_and_gradients(&self.x, &self.y, self.loss, self.fused, &mut ws, &mut grads);
        data + self.reg.penalty(net)
    }

    /// The engine's gradient of the objective, flattened in `params()` order.
    fn analytic(&self) -> Vec<f64> {
        let mut ws = self.net.workspace(self.x.nrows());
        let mut grads = self.net.zero_gradients();
        self.net
            .loss_and_gradients(&self.x, &self.y, self.loss, self.fused, &mut ws, &mut grads);
        self.reg.add_gradient(&self.net, &mut grads);
        flatten(&grads)
    }

    /// Whether every ReLU/LeakyReLU pre-activation (in every layer) is positive, unit by unit
    /// and row by row: the linear piece the network sits on.
    fn kink_side(&self, net: &Network) -> Vec<bool> {
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
    fn kink_distance(&self) -> f64 {
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

    fn has_kinks(&self) -> bool {
        self.net.layers.iter().any(|l| {
            l.activations()
                .iter()
                .any(|a| matches!(a, Relu | LeakyRelu))
        })
    }

    /// Central-difference estimate of every coordinate of the gradient, or `None` where the
    /// stencil straddles a kink (a ReLU/LeakyReLU pre-activation or, with L1, a weight
    /// crossing 0), where the derivative is not defined.
    fn numeric(&self, h: f64) -> Vec<Option<f64>> {
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

fn flatten(grads: &Gradients) -> Vec<f64> {
    grads
        .slices()
        .iter()
        .flat_map(|s| s.iter().map(|v| *v as f64))
        .collect()
}

/// Checks every coordinate of the analytic gradient against central differences, allowing at
/// most a tenth of the coordinates to be skipped as kinks, and returns the worst
/// error/tolerance ratio.
fn check(case: &Case, what: &str) -> f64 {
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

// ---------------------------------------------------------------------------------------------
// One activation at a time

fn check_hidden(act: Activation) {
    for fused in [true, false] {
        let case = Case::new(
            3,
            &[uniform(act, 4), uniform(Identity, 2)],
            Loss::Mse,
            fused,
            11,
        );
        check(&case, &format!("{act} hidden layer"));
    }
    // And under a deeper stack, where the activation's derivative multiplies another's.
    let case = Case::new(
        3,
        &[uniform(Tanh, 4), uniform(act, 5), uniform(Sigmoid, 2)],
        Loss::Mse,
        false,
        12,
    );
    check(&case, &format!("{act} in the middle of three layers"));
}

fn check_output(act: Activation) {
    for (loss, fused) in [(Loss::Mse, true), (Loss::Mse, false)] {
        let case = Case::new(3, &[uniform(Tanh, 4), uniform(act, 3)], loss, fused, 21);
        check(&case, &format!("{act} output layer with {loss}"));
    }
}

#[test]
fn identity_gradient_matches_central_differences() {
    check_hidden(Identity);
    check_output(Identity);
}

#[test]
fn sigmoid_gradient_matches_central_differences() {
    check_hidden(Sigmoid);
    check_output(Sigmoid);
}

#[test]
fn tanh_gradient_matches_central_differences() {
    check_hidden(Tanh);
    check_output(Tanh);
}

#[test]
fn relu_gradient_matches_central_differences() {
    check_hidden(Relu);
    check_output(Relu);
}

#[test]
fn leaky_relu_gradient_matches_central_differences() {
    check_hidden(LeakyRelu);
    check_output(LeakyRelu);
}

#[test]
fn softmax_gradient_matches_central_differences() {
    check_hidden(Softmax);
    check_output(Softmax);
}

#[test]
fn relu_layers_really_have_negative_pre_activations_in_these_checks() {
    // A ReLU check in which every unit is active would test nothing but the identity.
    let case = Case::new(
        3,
        &[uniform(Relu, 4), uniform(Identity, 2)],
        Loss::Mse,
        false,
        11,
    );
    let side = case.kink_side(&case.net);
    assert!(
        side.iter().any(|s| *s) && side.iter().any(|s| !*s),
        "{side:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Mixed per-neuron layers

#[test]
fn mixed_hidden_layer_gradient_matches_central_differences() {
    let mixed = vec![Relu, Sigmoid, Tanh, LeakyRelu, Identity, Tanh];
    let case = Case::new(
        3,
        &[mixed, uniform(Softmax, 3)],
        Loss::CrossEntropy,
        true,
        31,
    );
    check(&case, "relu/sigmoid/tanh/leaky_relu/identity hidden layer");
}

#[test]
fn hidden_layer_mixing_softmax_with_other_activations_matches_central_differences() {
    let mixed = vec![Softmax, Softmax, Softmax, Tanh, Relu];
    for (loss, out) in [
        (Loss::Mse, Identity),
        (Loss::CrossEntropy, Softmax),
        (Loss::BinaryCrossEntropy, Sigmoid),
    ] {
        let case = Case::new(3, &[mixed.clone(), uniform(out, 3)], loss, true, 32);
        check(
            &case,
            &format!("softmax×3 + tanh + relu hidden layer, {loss}"),
        );
    }
}

#[test]
fn non_contiguous_softmax_units_normalise_together_and_match_central_differences() {
    for (layer, seed) in [
        (vec![Softmax, Relu, Softmax], 33),
        (vec![Softmax, Tanh, Softmax, Sigmoid, Softmax], 34),
        (
            vec![Identity, Softmax, LeakyRelu, Softmax, Softmax, Tanh],
            35,
        ),
    ] {
        // The softmax units of one row form one distribution, however they are interleaved.
        let net = network(3, std::slice::from_ref(&layer), seed);
        let x = inputs(BATCH, 3, &mut common::rng(seed));
        let out = net.predict(&x, BATCH);
        for r in 0..BATCH {
            let sum: f64 = (0..layer.len())
                .filter(|j| layer[*j] == Softmax)
                .map(|j| out[(r, j)] as f64)
                .sum();
            assert!(
                (sum - 1.0).abs() < 1e-6,
                "{layer:?}: row {r} softmax units sum to {sum}"
            );
        }
        for (position, layers) in [
            ("hidden", vec![layer.clone(), uniform(Tanh, 2)]),
            ("output", vec![uniform(Tanh, 4), layer.clone()]),
        ] {
            let case = Case::new(3, &layers, Loss::Mse, true, seed);
            check(&case, &format!("{layer:?} as the {position} layer"));
        }
    }
}

#[test]
fn mixed_softmax_and_sigmoid_output_takes_the_jacobian_path_even_when_fused_is_on() {
    // Both are in (0, 1), so binary cross-entropy is defined on every unit; but the output is
    // not uniformly sigmoid, so the fused (p − y)/N shortcut would be wrong here.
    let mixed = vec![Sigmoid, Softmax, Sigmoid, Softmax];
    for fused in [true, false] {
        let case = Case::new(
            3,
            &[uniform(Tanh, 4), mixed.clone()],
            Loss::BinaryCrossEntropy,
            fused,
            36,
        );
        assert!(!case.net.fuses(Loss::BinaryCrossEntropy));
        check(
            &case,
            &format!("sigmoid/softmax output with BCE, fused = {fused}"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Losses, fused and Jacobian paths

#[test]
fn mse_gradient_matches_central_differences_in_both_paths() {
    for fused in [true, false] {
        for seed in [41, 42] {
            let case = Case::new(
                4,
                &[uniform(Tanh, 5), uniform(Identity, 3)],
                Loss::Mse,
                fused,
                seed,
            );
            check(&case, &format!("tanh → identity, mse, fused = {fused}"));
        }
    }
}

#[test]
fn cross_entropy_gradient_matches_central_differences_in_both_paths() {
    for fused in [true, false] {
        let case = Case::new(
            4,
            &[uniform(Tanh, 5), uniform(Softmax, 3)],
            Loss::CrossEntropy,
            fused,
            43,
        );
        assert!(case.net.fuses(Loss::CrossEntropy));
        check(
            &case,
            &format!("tanh → softmax, cross_entropy, fused = {fused}"),
        );
        let case = Case::new(
            4,
            &[uniform(LeakyRelu, 6), uniform(Relu, 5), uniform(Softmax, 4)],
            Loss::CrossEntropy,
            fused,
            44,
        );
        check(
            &case,
            &format!("leaky_relu → relu → softmax, cross_entropy, fused = {fused}"),
        );
    }
}

#[test]
fn cross_entropy_gradient_with_soft_targets_matches_central_differences_in_both_paths() {
    // Label-smoothed rows (each sums to 1): the fused (p − y)/N holds for any such row.
    for fused in [true, false] {
        let mut case = Case::new(
            4,
            &[uniform(Tanh, 5), uniform(Softmax, 3)],
            Loss::CrossEntropy,
            fused,
            45,
        );
        case.y = case.y.map(|v| 0.8 * v + 0.2 / 3.0);
        check(
            &case,
            &format!("softmax, smoothed targets, fused = {fused}"),
        );
    }
}

#[test]
fn binary_cross_entropy_gradient_matches_central_differences_in_both_paths() {
    for fused in [true, false] {
        let case = Case::new(
            4,
            &[uniform(Tanh, 5), uniform(Sigmoid, 3)],
            Loss::BinaryCrossEntropy,
            fused,
            46,
        );
        assert!(case.net.fuses(Loss::BinaryCrossEntropy));
        check(&case, &format!("tanh → sigmoid×3, bce, fused = {fused}"));
        // One output unit with hard 0/1 labels: the usual binary classifier.
        let mut case = Case::new(
            2,
            &[uniform(Relu, 6), uniform(Sigmoid, 1)],
            Loss::BinaryCrossEntropy,
            fused,
            47,
        );
        case.y = case.y.map(|v| if v > 0.5 { 1.0 } else { 0.0 });
        check(
            &case,
            &format!("relu → sigmoid×1, bce with hard labels, fused = {fused}"),
        );
    }
}

#[test]
fn loss_values_follow_pytorch_reductions() {
    // A 2×2 block worked by hand.
    let a = Matrix::from_row_slice(2, 2, &[0.2, 0.8, 0.6, 0.4]);
    let y = Matrix::from_row_slice(2, 2, &[0.0, 1.0, 1.0, 0.0]);
    let close = |got: f64, want: f64| (got - want).abs() <= 1e-6 * want.abs().max(1.0);
    // MSELoss: mean over all 4 elements.
    let mse = (0.04 + 0.04 + 0.16 + 0.16) / 4.0;
    assert!(close(Loss::Mse.value(&a, &y), mse));
    // Cross-entropy: batch mean (2 rows) of −Σ y log p.
    let ce = -(0.8f64.ln() + 0.6f64.ln()) / 2.0;
    assert!(close(Loss::CrossEntropy.value(&a, &y), ce));
    // BCELoss: mean over all 4 elements.
    let bce = -(0.8f64.ln() + 0.8f64.ln() + 0.6f64.ln() + 0.6f64.ln()) / 4.0;
    assert!(close(Loss::BinaryCrossEntropy.value(&a, &y), bce));
}

// ---------------------------------------------------------------------------------------------
// Regularisation

#[test]
fn l2_penalty_and_gradient_match_central_differences() {
    let lambda = 0.05;
    let net = network(3, &[uniform(Tanh, 4), uniform(Softmax, 3)], 51);
    let sum_sq: f64 = net
        .layers
        .iter()
        .flat_map(|l| l.weights.iter())
        .map(|w| (*w as f64).powi(2))
        .sum();
    let penalty = Regularization::L2(lambda).penalty(&net);
    assert!(
        (penalty - 0.5 * lambda * sum_sq).abs() <= 1e-9 * penalty,
        "(λ/2)·Σw² over weights only"
    );
    for fused in [true, false] {
        let case = Case::new(
            3,
            &[uniform(Tanh, 4), uniform(Softmax, 3)],
            Loss::CrossEntropy,
            fused,
            51,
        )
        .with_reg(Regularization::L2(lambda));
        check(&case, &format!("l2, fused = {fused}"));
    }
}

#[test]
fn l1_penalty_and_gradient_match_central_differences() {
    let lambda = 0.05;
    let net = network(3, &[uniform(Tanh, 4), uniform(Sigmoid, 2)], 52);
    let sum_abs: f64 = net
        .layers
        .iter()
        .flat_map(|l| l.weights.iter())
        .map(|w| (*w as f64).abs())
        .sum();
    let penalty = Regularization::L1(lambda).penalty(&net);
    assert!(
        (penalty - lambda * sum_abs).abs() <= 1e-9 * penalty,
        "λ·Σ|w| over weights only"
    );
    for fused in [true, false] {
        let case = Case::new(
            3,
            &[uniform(Tanh, 4), uniform(Sigmoid, 2)],
            Loss::BinaryCrossEntropy,
            fused,
            52,
        )
        .with_reg(Regularization::L1(lambda));
        check(&case, &format!("l1, fused = {fused}"));
    }
}

#[test]
fn regularisers_leave_bias_gradients_alone() {
    let case = Case::new(
        3,
        &[uniform(Tanh, 4), uniform(Identity, 2)],
        Loss::Mse,
        false,
        53,
    );
    let mut ws = case.net.workspace(BATCH);
    let mut plain = case.net.zero_gradients();
    case.net
        .loss_and_gradients(&case.x, &case.y, case.loss, false, &mut ws, &mut plain);
    for reg in [Regularization::L1(0.3), Regularization::L2(0.3)] {
        let mut g = plain.clone();
        reg.add_gradient(&case.net, &mut g);
        let (layers, plain_layers): (Vec<_>, Vec<_>) =
            (g.layers().collect(), plain.layers().collect());
        for ((w, b), (pw, pb)) in layers.iter().zip(&plain_layers) {
            assert_eq!(b, pb, "{reg:?} touched a bias gradient");
            assert_ne!(w, pw, "{reg:?} did not touch the weight gradients");
        }
    }
    // Penalties ignore biases entirely.
    let mut shifted = case.net.clone();
    shifted
        .layers
        .iter_mut()
        .for_each(|l| l.bias.iter_mut().for_each(|b| *b += 10.0));
    for reg in [Regularization::L1(0.3), Regularization::L2(0.3)] {
        assert_eq!(reg.penalty(&case.net), reg.penalty(&shifted));
    }
    // L1's subgradient at exactly 0 is 0, as torch.sign.
    let mut zeroed = case.net.clone();
    zeroed.layers[0].weights[(0, 0)] = 0.0;
    let mut g = zeroed.zero_gradients();
    Regularization::L1(0.3).add_gradient(&zeroed, &mut g);
    assert_eq!(g.weights(0)[(0, 0)], 0.0);
    assert_eq!(
        g.weights(0)[(1, 0)],
        0.3 * zeroed.layers[0].weights[(1, 0)].signum()
    );
}

// ---------------------------------------------------------------------------------------------
// The checker itself, and properties of the gradient call

#[test]
fn the_checker_rejects_a_gradient_off_by_one_percent() {
    // Keeps the tolerances honest: a gradient 1 % too large must not pass, in either build.
    let case = Case::new(
        3,
        &[uniform(Tanh, 4), uniform(Softmax, 3)],
        Loss::CrossEntropy,
        true,
        61,
    );
    let tol = tolerance();
    let numeric = case.numeric(tol.h);
    let analytic = case.analytic();
    let atol = tol.atol * case.objective(&case.net).abs().max(1.0);
    let caught = analytic.iter().zip(&numeric).any(|(a, n)| {
        let (a, n) = (1.01 * a, n.expect("no kinks in a tanh network"));
        (a - n).abs() > atol + tol.rtol * a.abs().max(n.abs())
    });
    assert!(caught, "a 1 % error in the gradient went unnoticed");
}

#[test]
fn gradients_are_overwritten_not_accumulated() {
    let case = Case::new(
        3,
        &[uniform(Tanh, 4), uniform(Softmax, 3)],
        Loss::CrossEntropy,
        true,
        62,
    );
    let mut ws = case.net.workspace(BATCH);
    let mut grads = case.net.zero_gradients();
    let first = case
        .net
        .loss_and_gradients(&case.x, &case.y, case.loss, true, &mut ws, &mut grads);
    let once = grads.clone();
    let second = case
        .net
        .loss_and_gradients(&case.x, &case.y, case.loss, true, &mut ws, &mut grads);
    assert_eq!(first, second);
    assert_eq!(grads, once);
}

// ---------------------------------------------------------------------------------------------
// Fused against Jacobian

/// Largest |a − b| / (1e-5·max(|a|, |b|) + 1e-7·scale), over all coordinates, where `scale` is
/// the largest gradient component (so the absolute floor is relative to the gradient's size).
fn agreement(a: &[f64], b: &[f64]) -> f64 {
    let scale = a.iter().chain(b).fold(0.0f64, |m, v| m.max(v.abs()));
    a.iter()
        .zip(b)
        .map(|(a, b)| (a - b).abs() / (1e-5 * a.abs().max(b.abs()) + 1e-7 * scale))
        .fold(0.0, f64::max)
}

fn fused_and_jacobian(case: &mut Case) -> (f64, f64, Vec<f64>, Vec<f64>) {
    let mut ws = case.net.workspace(BATCH);
    let mut g = case.net.zero_gradients();
    let lf = case
        .net
        .loss_and_gradients(&case.x, &case.y, case.loss, true, &mut ws, &mut g);
    let fused = flatten(&g);
    let lj = case
        .net
        .loss_and_gradients(&case.x, &case.y, case.loss, false, &mut ws, &mut g);
    (lf, lj, fused, flatten(&g))
}

#[test]
fn fused_and_jacobian_paths_agree_for_softmax_cross_entropy() {
    for seed in [71, 72, 73] {
        let mut case = Case::drawn(
            4,
            &[uniform(Relu, 8), uniform(Tanh, 6), uniform(Softmax, 5)],
            Loss::CrossEntropy,
            true,
            seed,
        );
        let (lf, lj, f, j) = fused_and_jacobian(&mut case);
        assert!(
            (lf - lj).abs() <= 1e-5 * lf.abs(),
            "losses: fused {lf}, jacobian {lj}"
        );
        let worst = agreement(&f, &j);
        assert!(
            worst <= 1.0,
            "seed {seed}: fused and Jacobian gradients differ (worst ratio {worst})"
        );
    }
}

#[test]
fn fused_and_jacobian_paths_agree_for_sigmoid_binary_cross_entropy() {
    for seed in [74, 75, 76] {
        let mut case = Case::drawn(
            4,
            &[
                uniform(LeakyRelu, 8),
                uniform(Sigmoid, 6),
                uniform(Sigmoid, 3),
            ],
            Loss::BinaryCrossEntropy,
            true,
            seed,
        );
        let (lf, lj, f, j) = fused_and_jacobian(&mut case);
        assert!(
            (lf - lj).abs() <= 1e-5 * lf.abs(),
            "losses: fused {lf}, jacobian {lj}"
        );
        let worst = agreement(&f, &j);
        assert!(
            worst <= 1.0,
            "seed {seed}: fused and Jacobian gradients differ (worst ratio {worst})"
        );
    }
}

#[test]
fn fused_losses_stay_finite_and_exact_for_saturated_logits() {
    // Logits of ±60: in f32, softmax and sigmoid round to exactly 0 or 1 here. The fused path
    // works from the logits, so it still gives the exact loss (≈ 60 per wrong unit) and the
    // bounded gradient (p − y)/N.
    let w = Matrix::from_row_slice(2, 1, &[60.0, -60.0]);
    let ce = Network {
        input: 1,
        layers: vec![Dense::new(w.clone(), vec![0.0; 2], &[Softmax; 2])],
    };
    let x = Matrix::from_element(1, 1, 1.0);
    let y = Matrix::from_row_slice(1, 2, &[0.0, 1.0]);
    let mut ws = ce.workspace(1);
    let mut g = ce.zero_gradients();
    let loss = ce.loss_and_gradients(&x, &y, Loss::CrossEntropy, true, &mut ws, &mut g);
    assert!((loss - 120.0).abs() < 1e-6, "log-sum-exp loss {loss}");
    assert!(flatten(&g)
        .iter()
        .all(|v| v.is_finite() && v.abs() <= 1.0 + 1e-6));

    let bce = Network {
        input: 1,
        layers: vec![Dense::new(w, vec![0.0; 2], &[Sigmoid; 2])],
    };
    let y = Matrix::from_row_slice(1, 2, &[0.0, 1.0]);
    let mut g = bce.zero_gradients();
    let loss = bce.loss_and_gradients(&x, &y, Loss::BinaryCrossEntropy, true, &mut ws, &mut g);
    assert!((loss - 60.0).abs() < 1e-6, "softplus loss {loss}");
    assert!(flatten(&g)
        .iter()
        .all(|v| v.is_finite() && v.abs() <= 0.5 + 1e-6));
}

// ---------------------------------------------------------------------------------------------
// Clipping, against the torch documentation

#[test]
fn clip_norm_scales_all_gradients_by_max_norm_over_global_norm_as_torch() {
    // torch.nn.utils.clip_grad_norm_: total_norm over all parameters together, then every
    // gradient is multiplied by min(max_norm / (total_norm + 1e-6), 1); returns total_norm.
    let mut w = vec![3.0 as Real, 4.0];
    let mut b = vec![12.0 as Real];
    let norm = Clip::Norm(6.5).apply(&mut [w.as_mut_slice(), b.as_mut_slice()]);
    assert_eq!(norm, 13.0, "returns the norm before clipping");
    let coef = 6.5 as Real / (13.0 as Real + 1e-6);
    assert_eq!(w, vec![3.0 * coef, 4.0 * coef]);
    assert_eq!(b, vec![12.0 * coef]);
    let after = global_norm(&[w.as_mut_slice(), b.as_mut_slice()]);
    assert!((after - 6.5).abs() < 1e-5, "clipped norm {after}");

    // Below max_norm (coefficient ≥ 1): untouched.
    let mut g = vec![0.3 as Real, -0.4];
    assert!((Clip::Norm(1.0).apply(&mut [g.as_mut_slice()]) - 0.5).abs() < 1e-7);
    assert_eq!(g, vec![0.3 as Real, -0.4]);
    // Exactly at max_norm: coef = 5 / (5 + 1e-6) < 1, so torch scales (very slightly) too.
    let mut g = vec![3.0 as Real, 4.0];
    Clip::Norm(5.0).apply(&mut [g.as_mut_slice()]);
    let coef = 5.0 as Real / (5.0 as Real + 1e-6);
    assert_eq!(g, vec![3.0 * coef, 4.0 * coef]);
}

#[test]
fn clip_value_clamps_each_element_as_torch() {
    // torch.nn.utils.clip_grad_value_: clamp every element to [−clip_value, clip_value].
    let mut w = vec![0.5 as Real, -3.0, 2.0, -1.0, 1.0];
    let mut b = vec![-0.25 as Real, 7.0];
    let norm = Clip::Value(1.0).apply(&mut [w.as_mut_slice(), b.as_mut_slice()]);
    assert_eq!(w, vec![0.5, -1.0, 1.0, -1.0, 1.0]);
    assert_eq!(b, vec![-0.25, 1.0]);
    let before = (0.25f64 + 9.0 + 4.0 + 1.0 + 1.0 + 0.0625 + 49.0).sqrt();
    assert!(
        (norm - before).abs() < 1e-9,
        "returns the norm before clipping: {norm}"
    );
}

#[test]
fn clip_none_changes_nothing() {
    let mut g = vec![100.0 as Real, -100.0];
    let norm = Clip::None.apply(&mut [g.as_mut_slice()]);
    assert_eq!(g, vec![100.0, -100.0]);
    assert!((norm - 20000f64.sqrt()).abs() < 1e-9);
}
