//! Finite-difference checks of `Network::loss_and_gradients` through every activation, alone
//! and in mixed per-neuron layers (softmax runs among other activations, non-contiguous softmax
//! units), hidden and at the output.
//!
//! Run under both builds: `cargo test --test gradient_check_layers` and
//! `cargo test --features f64 --test gradient_check_layers` (the tolerances and why:
//! `Tolerance` in `tests/common/gradient_check.rs`).

mod common;
#[path = "common/gradient_check.rs"]
mod gradient_check;

use gradient_check::*;
use mlp_lab::nn::{Activation, Loss};

use Activation::{Identity, LeakyRelu, Relu, Sigmoid, Softmax, Tanh};

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
