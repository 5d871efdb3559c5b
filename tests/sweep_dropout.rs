//! Dropout as a sweep parameter: `input_dropout` sets layers[0].dropout, `hidden_dropout` the
//! dropout of every layer after the first; out-of-range rates are refused naming the field, and
//! `hidden_dropout` on a network without hidden layers is refused as never applying.

use mlp_lab::sweep::{Sweep, SweepSpec};
use serde_json::{json, Value};

#[path = "common/sweeps.rs"]
mod sweeps;
use sweeps::{parse, spec};

/// The config of every trial of a grid over `parameters` on a base with two hidden layers.
fn trial_configs(parameters: Value) -> Vec<mlp_lab::config::Config> {
    let mut v = spec("grid", 10, parameters);
    v["base"]["layers"] = json!([
        {"units": 8, "activation": "relu"},
        {"units": 6, "activation": "relu"},
        {"units": 2, "activation": "softmax"}
    ]);
    let mut sweep = Sweep::new(parse(&v), Vec::new());
    std::iter::from_fn(|| sweep.next_trial())
        .map(|t| {
            t.config
                .unwrap_or_else(|e| panic!("trial {} refused: {e}", t.id))
        })
        .collect()
}

fn rates(c: &mlp_lab::config::Config) -> Vec<Option<f64>> {
    c.layers.iter().map(|l| l.dropout).collect()
}

#[test]
fn hidden_dropout_sets_every_layer_after_the_first_and_leaves_the_inputs_alone() {
    let configs = trial_configs(json!({"hidden_dropout": {"values": [0.0, 0.3]}}));
    let mut seen: Vec<_> = configs.iter().map(rates).collect();
    seen.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(
        seen,
        vec![
            vec![None, Some(0.0), Some(0.0)],
            vec![None, Some(0.3), Some(0.3)]
        ]
    );
}

#[test]
fn input_dropout_sets_only_the_first_layer() {
    let configs = trial_configs(json!({"input_dropout": {"values": [0.2]}}));
    assert_eq!(configs.len(), 1);
    assert_eq!(rates(&configs[0]), vec![Some(0.2), None, None]);
}

#[test]
fn a_dropout_rate_of_one_or_more_is_refused_naming_the_parameter() {
    let v = spec("grid", 4, json!({"hidden_dropout": {"values": [0.5, 1.0]}}));
    let err = SweepSpec::from_json(&v.to_string()).expect_err("p = 1 drops every input");
    assert!(err.field.starts_with("parameters.hidden_dropout"), "{err}");
    assert!(err.to_string().contains("1"), "{err}");
    let v = spec(
        "random",
        4,
        json!({"input_dropout": {"min": 0.0, "max": 1.5}}),
    );
    let err = SweepSpec::from_json(&v.to_string()).expect_err("1.5 is no rate");
    assert!(err.field.starts_with("parameters.input_dropout"), "{err}");
}

#[test]
fn hidden_dropout_without_hidden_layers_is_refused_as_never_applying() {
    // common/sweeps.rs's base has one hidden layer; with hidden_layers fixed at 0 there is none.
    let v = spec(
        "grid",
        4,
        json!({"hidden_layers": {"values": [0]}, "hidden_dropout": {"values": [0.1]}}),
    );
    let err = SweepSpec::from_json(&v.to_string()).expect_err("no hidden layer to drop from");
    assert!(err.to_string().contains("hidden_dropout"), "{err}");
}
