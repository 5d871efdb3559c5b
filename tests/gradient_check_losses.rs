//! Finite-difference checks of every loss's gradient in both the fused and the Jacobian path,
//! the losses' PyTorch reductions, and the fused/Jacobian agreement (saturated logits too).
//!
//! Run under both builds: `cargo test --test gradient_check_losses` and
//! `cargo test --features f64 --test gradient_check_losses` (the tolerances and why:
//! `Tolerance` in `tests/common/gradient_check.rs`).

mod common;
#[path = "common/gradient_check.rs"]
mod gradient_check;

use gradient_check::*;
use mlp_lab::nn::{Activation, Dense, Loss, Network};
use mlp_lab::Matrix;

use Activation::{Identity, LeakyRelu, Relu, Sigmoid, Softmax, Tanh};

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

#[track_caller]
fn assert_fused_matches_jacobian(case: &mut Case, seed: u64) {
    let (lf, lj, f, j) = fused_and_jacobian(case);
    assert!(
        (lf - lj).abs() <= 1e-5 * lf.abs(),
        "seed {seed}: losses: fused {lf}, jacobian {lj}"
    );
    let worst = agreement(&f, &j);
    assert!(
        worst <= 1.0,
        "seed {seed}: fused and Jacobian gradients differ (worst ratio {worst})"
    );
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
        assert_fused_matches_jacobian(&mut case, seed);
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
        assert_fused_matches_jacobian(&mut case, seed);
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
