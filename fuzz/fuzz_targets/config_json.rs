//! The training config as the CLI, the worker and the page read it: parse, every validation
//! rule, and for a valid config, a round trip and a trainer on a tiny data set that must build
//! and take one step without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlp_lab::config::{Config, Task};
use mlp_lab::data::{Dataset, Targets};
use mlp_lab::train::prepare::prepare;
use mlp_lab::train::Trainer;

/// Input width of the tiny data set.
const D: usize = 3;
/// Rows of the tiny data set.
const N: usize = 10;
/// Bigger networks are valid but too slow to build on every fuzz input.
const MAX_BUILT_PARAMETERS: usize = 200_000;

fn tiny_data(config: &Config) -> Dataset {
    let outputs = config.layers.last().map_or(1, |l| l.units);
    let features = (0..N * D).map(|i| (i % 7) as f32 * 0.3 - 1.0).collect();
    let (targets, class_names) = match config.task() {
        Task::Regression => (
            Targets::Values {
                values: (0..N * outputs).map(|i| (i % 5) as f32).collect(),
                k: outputs,
            },
            Vec::new(),
        ),
        task => {
            let k = match (task, outputs) {
                (Task::Binary, 1) => 2,
                (_, o) => o,
            };
            (
                Targets::Classes {
                    labels: (0..N).map(|i| (i % k) as u32).collect(),
                    n_classes: k,
                },
                (0..k).map(|i| i.to_string()).collect(),
            )
        }
    };
    Dataset {
        features,
        n: N,
        d: D,
        targets,
        class_names,
        feature_names: Vec::new(),
        image_shape: None,
    }
}

fn parameters(config: &Config) -> usize {
    let mut fan_in = D;
    let mut total = 0usize;
    for l in &config.layers {
        total = total.saturating_add(l.units.saturating_mul(fan_in + 1));
        fan_in = l.units;
    }
    total
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The page's path: parse, then list every problem.
    if let Ok(c) = Config::parse_json(text) {
        for p in c.problems() {
            assert!(!p.field().is_empty() || !p.to_string().is_empty());
        }
    }
    let config = match Config::from_json(text) {
        Ok(c) => c,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    let again = Config::from_json(&config.to_json_pretty()).expect("a written config loads");
    assert_eq!(again, config, "to_json ∘ from_json is not the identity");

    if parameters(&config) > MAX_BUILT_PARAMETERS {
        return;
    }
    let Ok(prepared) = prepare(&config, tiny_data(&config), None) else {
        return;
    };
    let mut trainer = Trainer::new(&config, prepared.train, prepared.val, None)
        .expect("a valid config trains on data that fits its output layer");
    let _ = trainer.step(1);
});
