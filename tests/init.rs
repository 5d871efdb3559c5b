//! The initialisers draw from the distributions `torch.nn.init` defines for a layer's shape:
//! bounds and standard deviations from fan-in/fan-out (checked on 120,000 draws per case),
//! the ±0.05 / 0.05 defaults and `scale` of the random ones, zero biases, and a seeded,
//! reproducible stream.

// `x as f64` on a `Real` converts in the f32 build and is the same type in the f64 build.
#![cfg_attr(
    feature = "f64",
    allow(clippy::unnecessary_cast, clippy::useless_conversion)
)]

use mlp_lab::nn::init::{Draw, DEFAULT_SCALE};
use mlp_lab::nn::network::LayerSpec;
use mlp_lab::nn::{Activation, Init, Network};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const UNITS: usize = 400;
const INPUTS: usize = 300;

fn stats(init: Init, scale: Option<f64>) -> (f64, f64, f64) {
    let w = init.weights(UNITS, INPUTS, scale, &mut ChaCha8Rng::seed_from_u64(5));
    let n = w.len() as f64;
    let mean = w.iter().map(|&v| v as f64).sum::<f64>() / n;
    let var = w.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
    let max = w.iter().map(|v| v.abs() as f64).fold(0.0, f64::max);
    (mean, var.sqrt(), max)
}

#[test]
fn each_initialiser_uses_the_torch_formula_for_its_fans() {
    let (fi, fo) = (INPUTS as f64, UNITS as f64);
    let expected = [
        (Init::XavierUniform, Draw::Uniform((6.0 / (fi + fo)).sqrt())),
        (Init::XavierNormal, Draw::Normal((2.0 / (fi + fo)).sqrt())),
        (Init::HeUniform, Draw::Uniform((6.0 / fi).sqrt())),
        (Init::HeNormal, Draw::Normal((2.0 / fi).sqrt())),
        (Init::RandomUniform, Draw::Uniform(DEFAULT_SCALE)),
        (Init::RandomNormal, Draw::Normal(DEFAULT_SCALE)),
    ];
    assert_eq!(DEFAULT_SCALE, 0.05);
    for (init, draw) in expected {
        assert_eq!(init.draw(INPUTS, UNITS, None), draw, "{init}");
        let (mean, sd, max) = stats(init, None);
        match draw {
            Draw::Uniform(b) => {
                assert!(
                    max <= b && max > 0.999 * b,
                    "{init}: max |w| {max} for U(-{b}, {b})"
                );
                let want = b / 3f64.sqrt();
                assert!(
                    (sd / want - 1.0).abs() < 0.01,
                    "{init}: sd {sd}, want {want}"
                );
                assert!(mean.abs() < 0.01 * b, "{init}: mean {mean}");
            }
            Draw::Normal(s) => {
                assert!((sd / s - 1.0).abs() < 0.01, "{init}: sd {sd}, want {s}");
                assert!(mean.abs() < 0.01 * s, "{init}: mean {mean}");
                // About 0.27% of draws lie beyond 3 sd: a normal, not a clipped one.
                assert!(max > 3.5 * s, "{init}: max |w| {max} for N(0, {s}²)");
            }
        }
    }
}

#[test]
fn scale_sets_the_random_initialisers_width() {
    let (_, sd, max) = stats(Init::RandomUniform, Some(0.3));
    assert!(max <= 0.3 && max > 0.299, "max {max}");
    assert!((sd / (0.3 / 3f64.sqrt()) - 1.0).abs() < 0.01, "sd {sd}");
    let (_, sd, _) = stats(Init::RandomNormal, Some(0.3));
    assert!((sd / 0.3 - 1.0).abs() < 0.01, "sd {sd}");
}

#[test]
fn biases_start_at_zero_and_a_seed_reproduces_the_weights() {
    let specs: Vec<LayerSpec> = Init::ALL
        .iter()
        .map(|&init| LayerSpec {
            units: 7,
            activations: vec![Activation::Tanh; 7],
            init,
            scale: None,
        })
        .collect();
    let a = Network::new(5, &specs, &mut ChaCha8Rng::seed_from_u64(11));
    let b = Network::new(5, &specs, &mut ChaCha8Rng::seed_from_u64(11));
    let c = Network::new(5, &specs, &mut ChaCha8Rng::seed_from_u64(12));
    assert_eq!(a, b, "same seed, same weights");
    assert_ne!(a, c, "another seed, other weights");
    for l in &a.layers {
        assert!(l.bias.iter().all(|&v| v == 0.0), "biases are zero");
        assert!(l.weights.iter().any(|&v| v != 0.0));
    }
}
