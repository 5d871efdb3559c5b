//! Saved models with seeded random weights, and rows of features for them, for the predict and
//! ONNX tests (`#[path = "common/models.rs"] mod models;`).

#![allow(dead_code)]

use mlp_lab::config::Task;
use mlp_lab::data::split::Standardizer;
use mlp_lab::model_io::Model;
use mlp_lab::nn::{Activation, Dense, Network};
use mlp_lab::{Matrix, Real};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A model of `input` inputs and the given layers (one activation per unit), weights uniform in
/// ±1/√fan_in (torch.nn.Linear's default range) and biases in ±0.5; with `scaling`, a
/// standardisation of random means (±3) and deviations (0.5–4).
pub fn random_model(seed: u64, input: usize, layers: &[Vec<Activation>], scaling: bool) -> Model {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut fan_in = input;
    let mut dense = Vec::new();
    for acts in layers {
        let bound = 1.0 / (fan_in as f64).sqrt();
        let w = Matrix::from_fn(acts.len(), fan_in, |_, _| {
            rng.random_range(-bound..bound) as Real
        });
        let b = (0..acts.len())
            .map(|_| rng.random_range(-0.5..0.5) as Real)
            .collect();
        dense.push(Dense::new(w, b, acts));
        fan_in = acts.len();
    }
    let mut model = Model::new(Network {
        input,
        layers: dense,
    });
    if scaling {
        model.input_scaling = Some(Standardizer {
            mean: (0..input).map(|_| rng.random_range(-3.0..3.0)).collect(),
            std: (0..input).map(|_| rng.random_range(0.5..4.0)).collect(),
        });
    }
    model
}

/// `model` as a classifier with the given class names.
pub fn classifier(mut model: Model, task: Task, names: &[&str]) -> Model {
    model.task = Some(task);
    model.class_names = names.iter().map(|s| s.to_string()).collect();
    model
}

/// `n` rows of `d` features around the model's scaling (normal-ish, spread ±3 std), row-major.
pub fn rows(seed: u64, n: usize, d: usize) -> Vec<f32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9e37_79b9);
    (0..n * d)
        .map(|i| {
            let centre = (i % d) as f32 - d as f32 / 2.0;
            centre + rng.random_range(-6.0f32..6.0)
        })
        .collect()
}

/// A CSV text: the header, then the rows (`{}` formatting, which reads back exactly).
pub fn csv_text(header: &[&str], rows: &[f32]) -> String {
    let d = header.len();
    let mut text = header.join(",") + "\n";
    for row in rows.chunks(d) {
        let cells: Vec<String> = row.iter().map(|v| v.to_string()).collect();
        text += &(cells.join(",") + "\n");
    }
    text
}

/// The engine's outputs for raw rows: standardised with the model's scaling, one forward pass.
#[allow(clippy::unnecessary_cast)]
pub fn engine_outputs(model: &Model, rows: &[f32]) -> Matrix {
    let d = model.network.input;
    let n = rows.len() / d;
    let mut scaled = rows.to_vec();
    if let Some(s) = &model.input_scaling {
        scaled.chunks_mut(d).for_each(|r| s.apply_row(r));
    }
    let x = Matrix::from_row_iterator(n, d, scaled.iter().map(|v| *v as Real));
    let mut ws = model.network.workspace(n);
    model.network.forward(&x, &mut ws);
    ws.output().clone()
}
