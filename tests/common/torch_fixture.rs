//! Shared helpers for the PyTorch reference tests: loading the fixtures that
//! `tests/fixtures/gen.py` writes, turning their JSON into engine values, and comparing a
//! network's parameters against PyTorch's with a relative tolerance.

#![allow(dead_code)]

use mlp_lab::config::Config;
use mlp_lab::data::{Dataset, Targets};
use mlp_lab::model_io::Model;
use mlp_lab::nn::Network;
use serde_json::Value;

/// A fixture file from `tests/fixtures`, parsed.
pub fn load(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (regenerate with `python tests/fixtures/gen.py`)"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// An mlp-lab model JSON object as a network.
pub fn network(model: &Value) -> Network {
    Model::from_json(&model.to_string())
        .expect("fixture model loads")
        .network
}

/// An mlp-lab config JSON object, parsed and validated.
pub fn config(config: &Value) -> Config {
    Config::from_json(&config.to_string()).expect("fixture config is valid")
}

pub fn f32s(v: &Value) -> Vec<f32> {
    v.as_array()
        .expect("an array of numbers")
        .iter()
        .map(|x| x.as_f64().expect("a number") as f32)
        .collect()
}

/// A data set in memory: row-major features and class labels or real-valued targets.
pub fn dataset(features: Vec<f32>, d: usize, targets: Targets) -> Dataset {
    let n = features.len() / d;
    let class_names = match &targets {
        Targets::Classes { n_classes, .. } => (0..*n_classes).map(|c| c.to_string()).collect(),
        Targets::Values { .. } => Vec::new(),
    };
    Dataset {
        features,
        n,
        d,
        targets,
        class_names,
        feature_names: (0..d).map(|i| format!("f{i}")).collect(),
        image_shape: None,
    }
}

/// The running worst case of a comparison: the largest relative difference
/// |a − b| / max(|a|, |b|) and where it was, and the largest amount by which a difference
/// exceeded the relative part of the tolerance (what the absolute floor had to absorb).
#[derive(Clone, Debug, Default)]
pub struct Worst {
    pub rel: f64,
    pub at: String,
    pub compared: usize,
    pub excess: f64,
    pub excess_at: String,
    /// The largest relative difference among values of magnitude ≥ [`SIZEABLE`].
    pub rel_sizeable: f64,
}

/// Below this magnitude a parameter has usually been carried near zero by cancelling updates,
/// and its relative difference says more about the cancellation than about the engine.
pub const SIZEABLE: f64 = 1e-2;

impl Worst {
    pub fn merge(&mut self, other: &Worst) {
        if other.rel > self.rel {
            self.rel = other.rel;
            self.at = other.at.clone();
        }
        if other.excess > self.excess {
            self.excess = other.excess;
            self.excess_at = other.excess_at.clone();
        }
        self.rel_sizeable = self.rel_sizeable.max(other.rel_sizeable);
        self.compared += other.compared;
    }

    /// Records one comparison of `ours` against `theirs` at `at`, under relative tolerance `rel`.
    pub fn record(&mut self, ours: f64, theirs: f64, rel: f64, at: impl FnOnce() -> String) {
        self.compared += 1;
        let r = relative(ours, theirs);
        let excess = (ours - theirs).abs() - rel * ours.abs().max(theirs.abs());
        if ours.abs().max(theirs.abs()) >= SIZEABLE {
            self.rel_sizeable = self.rel_sizeable.max(r);
        }
        if r > self.rel || excess > self.excess {
            let at = at();
            if r > self.rel {
                self.rel = r;
                self.at = at.clone();
            }
            if excess > self.excess {
                self.excess = excess;
                self.excess_at = at;
            }
        }
    }

    pub fn report(&self, what: &str) {
        println!(
            "{what}: largest relative difference from PyTorch {:.3e} over {} values (at {}); \
             {:.3e} among values ≥ {SIZEABLE:e} in magnitude; largest difference beyond the \
             relative tolerance {:.3e}{}",
            self.rel,
            self.compared,
            self.at,
            self.rel_sizeable,
            self.excess,
            if self.excess > 0.0 {
                format!(" (at {})", self.excess_at)
            } else {
                String::new()
            }
        );
    }
}

/// Whether `a` and `b` agree: |a − b| ≤ rel·max(|a|, |b|) + abs.
pub fn close(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()) + abs
}

pub fn relative(a: f64, b: f64) -> f64 {
    let m = a.abs().max(b.abs());
    if a == b {
        0.0
    } else {
        (a - b).abs() / m
    }
}

/// Compares every weight and bias of `net` with PyTorch's snapshot `expected` (a list of
/// `{"weights": [[..]], "bias": [..]}` per layer). Returns the worst relative difference, or a
/// message naming `context`, the layer, the index and both values at the first mismatch.
pub fn compare_network(
    net: &Network,
    expected: &Value,
    rel: f64,
    abs: f64,
    context: &str,
) -> Result<Worst, String> {
    let layers = expected.as_array().expect("a list of layers");
    assert_eq!(layers.len(), net.layers.len(), "{context}: layer count");
    let mut worst = Worst::default();
    for (l, (layer, exp)) in net.layers.iter().zip(layers).enumerate() {
        let rows = exp["weights"].as_array().expect("weights rows");
        assert_eq!(rows.len(), layer.units(), "{context}: layer {l} units");
        let mut check = |what: String, ours: f32, theirs: f64| -> Result<(), String> {
            let ours = ours as f64;
            let r = relative(ours, theirs);
            worst.record(ours, theirs, rel, || format!("{context}, {what}"));
            if close(ours, theirs, rel, abs) && ours.is_finite() {
                Ok(())
            } else {
                Err(format!(
                    "{context}: {what}: engine {ours:e} vs PyTorch {theirs:e} (difference {:.3e}, \
                     relative {r:.3e})",
                    (ours - theirs).abs()
                ))
            }
        };
        for (j, row) in rows.iter().enumerate() {
            let row = f32s(row);
            assert_eq!(row.len(), layer.inputs(), "{context}: layer {l} inputs");
            for (i, w) in row.iter().enumerate() {
                check(
                    format!("layer {l} weight[{j}][{i}]"),
                    layer.weights[(j, i)],
                    *w as f64,
                )?;
            }
        }
        let bias = f32s(&exp["bias"]);
        for (j, b) in bias.iter().enumerate() {
            check(format!("layer {l} bias[{j}]"), layer.bias[j], *b as f64)?;
        }
    }
    Ok(worst)
}

/// Panics with every collected failure (the first few in full) if there are any.
pub fn fail_if_any(failures: &[String], total: usize, what: &str) {
    if failures.is_empty() {
        return;
    }
    let shown: Vec<&str> = failures.iter().take(20).map(String::as_str).collect();
    panic!(
        "{} of {total} {what} differ from PyTorch:\n  {}{}",
        failures.len(),
        shown.join("\n  "),
        if failures.len() > shown.len() {
            "\n  ..."
        } else {
            ""
        }
    );
}
