//! The regularisers' `penalty`/`add_gradient` against finite differences (L1, L2; biases
//! left alone), gradient clipping against PyTorch's documented behaviour, and the checker
//! itself: it rejects a gradient 1 % off, and gradients are overwritten, not accumulated.
//!
//! Run under both builds: `cargo test --test gradient_check_regularisation` and
//! `cargo test --features f64 --test gradient_check_regularisation` (the tolerances and why:
//! `Tolerance` in `tests/common/gradient_check.rs`).

// `x as f64` on a `Real` converts in the f32 build and is the same type in the f64 build.
#![cfg_attr(
    feature = "f64",
    allow(clippy::unnecessary_cast, clippy::useless_conversion)
)]

mod common;
#[path = "common/gradient_check.rs"]
mod gradient_check;

use gradient_check::*;
use mlp_lab::nn::{Activation, Loss, Regularization};
use mlp_lab::optim::clip::global_norm;
use mlp_lab::optim::Clip;
use mlp_lab::Real;

use Activation::{Identity, Sigmoid, Softmax, Tanh};

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
