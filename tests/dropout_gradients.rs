//! Finite-difference checks of the training step's gradients with dropout on the inputs of
//! every layer (the features too), under fixed masks: with the mask held, the loss is a smooth
//! function of the weights (up to ReLU kinks, which these inputs stay away from), and
//! backpropagation through the mask must match its central differences.
//!
//! Run under both builds: `cargo test --test dropout_gradients` and
//! `cargo test --features f64 --test dropout_gradients`. The tolerances and the stencil are
//! those of `tests/common/gradient_check.rs` (its `Tolerance` says why): in f64 h = 1e-4, rtol 1e-6; in
//! f32 h = 2e-2, rtol 5e-4, atol 1e-5.

// `x as f64` on a `Real` converts in the f32 build and is the same type in the f64 build.
#![cfg_attr(
    feature = "f64",
    allow(clippy::unnecessary_cast, clippy::useless_conversion)
)]

mod common;

use mlp_lab::nn::{
    Activation, AsInput, Dense, Dropout, Input, Loss, Network, ShardInput, ShardPos,
};
use mlp_lab::{Matrix, Real};

const F64_BUILD: bool = std::mem::size_of::<Real>() == 8;
const ROWS: usize = 6;

fn tolerance() -> (f64, f64, f64) {
    if F64_BUILD {
        (1e-4, 1e-6, 1e-9)
    } else {
        (2e-2, 5e-4, 1e-5)
    }
}

fn network(input: usize, layers: &[Vec<Activation>], seed: u64) -> Network {
    let mut rng = common::rng(seed);
    let mut fan_in = input;
    let layers = layers
        .iter()
        .map(|acts| {
            let scale = 1.2 / (fan_in as f64).sqrt();
            let w = Matrix::from_fn(acts.len(), fan_in, |_, _| {
                (scale * common::normal(&mut rng)) as Real
            });
            let b = (0..acts.len())
                .map(|_| (0.3 * common::normal(&mut rng)) as Real)
                .collect();
            fan_in = acts.len();
            Dense::new(w, b, acts)
        })
        .collect();
    Network { input, layers }
}

/// The summed loss (over the batch's divisor) and the analytic gradient under `dropout`.
fn loss_and_grad(
    net: &Network,
    x: &Matrix,
    y: &Matrix,
    loss: Loss,
    dropout: Dropout,
) -> (f64, Vec<f64>) {
    let divisor = loss.divisor(x.nrows(), y.ncols());
    let shard = ShardInput {
        x: Input::of(x),
        y,
        loss,
        fused: true,
        divisor,
        at: ShardPos::default(),
        dropout,
    };
    let mut ws = net.workspace(x.nrows());
    let mut g = vec![0.0; net.param_count()];
    let value = net.shard_gradients(&shard, &mut ws, &mut g) / divisor;
    (value, g.iter().map(|&v| v as f64).collect())
}

/// Every parameter's analytic gradient against the fourth-order central difference; returns
/// the worst error/tolerance ratio.
fn check(net: &Network, x: &Matrix, y: &Matrix, loss: Loss, dropout: Dropout) -> f64 {
    let (h, rtol, atol) = tolerance();
    let (base, analytic) = loss_and_grad(net, x, y, loss, dropout);
    let mut worst: f64 = 0.0;
    let mut k = 0;
    for l in 0..net.layers.len() {
        for which in 0..2 {
            let len = if which == 0 {
                net.layers[l].weights.len()
            } else {
                net.layers[l].bias.len()
            };
            for i in 0..len {
                let at = |d: f64| {
                    let mut n = net.clone();
                    let p = if which == 0 {
                        n.layers[l].weights.as_mut_slice()
                    } else {
                        n.layers[l].bias.as_mut_slice()
                    };
                    p[i] += d as Real;
                    loss_and_grad(&n, x, y, loss, dropout).0
                };
                let numeric = (8.0 * (at(h) - at(-h)) - (at(2.0 * h) - at(-2.0 * h))) / (12.0 * h);
                let a = analytic[k];
                let tol = atol * base.abs().max(1.0) + rtol * a.abs().max(numeric.abs());
                let ratio = (a - numeric).abs() / tol;
                assert!(
                    ratio <= 1.0,
                    "layer {l} {} {i}: analytic {a} numeric {numeric}",
                    ["w", "b"][which]
                );
                worst = worst.max(ratio);
                k += 1;
            }
        }
    }
    worst
}

fn inputs(rows: usize, cols: usize, seed: u64) -> Matrix {
    let mut rng = common::rng(seed);
    Matrix::from_fn(rows, cols, |_, _| common::normal(&mut rng) as Real)
}

fn one_hot(rows: usize, k: usize) -> Matrix {
    Matrix::from_fn(rows, k, |r, c| Real::from(u8::from((r * 7 + 3) % k == c)))
}

/// Keep flags with about a share `p` dropped, from a fixed pattern.
fn keep(rows: usize, cols: usize, p: f64, salt: usize) -> Matrix {
    Matrix::from_fn(rows, cols, |r, c| {
        let u = ((r * 31 + c * 17 + salt * 7) % 97) as f64 / 97.0;
        Real::from(u8::from(u >= p))
    })
}

#[test]
fn dropout_gradients_match_central_differences_under_given_masks() {
    use Activation::{Softmax, Tanh};
    let layers = vec![vec![Tanh; 5], vec![Tanh; 4], vec![Softmax; 3]];
    let net = network(4, &layers, 3);
    let x = inputs(ROWS, 4, 5);
    let y = one_hot(ROWS, 3);
    let rates = [0.3f32, 0.5, 0.25];
    let masks = [
        keep(ROWS, 4, 0.3, 1),
        keep(ROWS, 5, 0.5, 2),
        keep(ROWS, 4, 0.25, 3),
    ];
    assert!(
        masks.iter().all(|m| m.iter().any(|&v| v == 0.0)),
        "every mask drops something"
    );
    let dropout = Dropout::Given {
        rates: &rates,
        keep: &masks,
    };
    let worst = check(&net, &x, &y, Loss::CrossEntropy, dropout);
    println!("worst error/tolerance: {worst:.3}");
}

#[test]
fn dropout_gradients_match_central_differences_with_drawn_masks_and_mse() {
    use Activation::{Identity, Sigmoid};
    let layers = vec![vec![Sigmoid; 6], vec![Identity; 2]];
    let net = network(3, &layers, 8);
    let x = inputs(ROWS, 3, 9);
    let y = inputs(ROWS, 2, 10);
    let rates = [0.0f32, 0.4];
    // Drawn masks are a function of the position alone, so every evaluation sees the same.
    let dropout = Dropout::Drawn {
        rates: &rates,
        seed: 77,
    };
    check(&net, &x, &y, Loss::Mse, dropout);
}

#[test]
fn a_dropped_input_gets_no_gradient_and_a_kept_one_is_scaled() {
    use Activation::{Identity, Softmax};
    // One input feature dropped in every row: its weights must get exactly zero gradient.
    let net = network(3, &[vec![Identity; 4], vec![Softmax; 2]], 4);
    let x = inputs(ROWS, 3, 6);
    let y = one_hot(ROWS, 2);
    let mut k0 = Matrix::from_element(ROWS, 3, 1.0);
    k0.column_mut(1).fill(0.0);
    let masks = [k0, Matrix::from_element(ROWS, 4, 1.0)];
    let rates = [0.5f32, 0.0];
    let (_, g) = loss_and_grad(
        &net,
        &x,
        &y,
        Loss::CrossEntropy,
        Dropout::Given {
            rates: &rates,
            keep: &masks,
        },
    );
    // Layer 0's weights are column-major 4 × 3: column 1 is input feature 1.
    assert!(g[4..8].iter().all(|&v| v == 0.0), "{:?}", &g[..12]);
    assert!(g[0..4].iter().any(|&v| v != 0.0));
}
