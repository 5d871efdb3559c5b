//! Sweep spec validation: errors name the field; max_trials is bounded; a swept parameter that
//! never applies is refused saying why; a spec of the wrong shape names the field, and only bad
//! text is reported as not JSON.

use mlp_lab::sweep::{Sampler, Sweep, SweepSpec, TrialStatus};
use serde_json::{json, Value};

#[path = "common/sweeps.rs"]
mod sweeps;
use sweeps::{parse, spec};

#[track_caller]
fn refused(v: &Value, field: &str, fragment: &str) {
    let err = SweepSpec::from_json(&v.to_string()).expect_err("the spec should be refused");
    assert_eq!(err.field, field, "wrong field in: {err}");
    assert!(
        err.to_string().contains(fragment),
        "{err:?} lacks {fragment:?}"
    );
}

#[test]
fn spec_validation_errors_name_the_field() {
    let ok = spec(
        "random",
        5,
        json!({"optimizer.lr": {"min": 1e-4, "max": 1e-1, "scale": "log"}}),
    );
    parse(&ok);
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut v = ok.clone();
        f(&mut v);
        v
    };
    let lr = |p: Value| edit(&|v| v["parameters"]["optimizer.lr"] = p.clone());
    refused(
        &lr(json!({"min": -1.0, "max": 0.1, "scale": "log"})),
        "parameters.optimizer.lr.min",
        "log scale needs min > 0",
    );
    refused(
        &lr(json!({"min": 0.0, "max": 0.1})),
        "parameters.optimizer.lr.min",
        "greater than 0",
    );
    refused(
        &lr(json!({"min": 0.1, "max": 0.01})),
        "parameters.optimizer.lr.max",
        "greater than min",
    );
    refused(
        &lr(json!({"min": 0.1})),
        "parameters.optimizer.lr.max",
        "required",
    );
    refused(
        &lr(json!({"values": [0.1], "min": 0.1})),
        "parameters.optimizer.lr.min",
        "not both",
    );
    refused(
        &lr(json!({"values": [0.1, "fast"]})),
        "parameters.optimizer.lr.values[1]",
        "must be a number",
    );
    refused(
        &lr(json!({"min": 0.1, "max": 1, "scale": "cubic"})),
        "parameters.optimizer.lr.scale",
        "unknown variant",
    );
    refused(
        &lr(json!({"min": 0.1, "max": 1, "step": 2})),
        "parameters.optimizer.lr.step",
        "unknown field `step`",
    );
    refused(
        &edit(&|v| v["parameters"]["optimizer.momentum"] = json!({"min": 0.5, "max": 1.5})),
        "parameters.optimizer.momentum.max",
        "[0, 1)",
    );
    refused(
        &edit(&|v| v["parameters"]["optimizer.name"] = json!({"values": ["adam", "adamm"]})),
        "parameters.optimizer.name.values[1]",
        "must be one of sgd",
    );
    refused(
        &edit(&|v| v["parameters"]["optimizer.learning_rate"] = json!({"values": [1]})),
        "parameters.optimizer.learning_rate",
        "unknown parameter",
    );
    refused(
        &edit(&|v| v["parameters"]["hidden_units"] = json!({"min": 4, "max": 9, "type": "float"})),
        "parameters.hidden_units.type",
        "whole numbers",
    );
    refused(
        &edit(&|v| v["parameters"]["hidden_activation"] = json!({"min": 0, "max": 1})),
        "parameters.hidden_activation.min",
        "list its choices",
    );
    refused(
        &edit(&|v| v["method"] = json!("grid")),
        "parameters.optimizer.lr",
        "grid search needs a values list",
    );
    refused(
        &edit(&|v| v["method"] = json!("anneal")),
        "method",
        "unknown variant",
    );
    refused(
        &edit(&|v| v["max_trials"] = json!(0)),
        "max_trials",
        "at least 1",
    );
    refused(
        &edit(&|v| v["metric"] = json!("val_acc")),
        "metric",
        "unknown variant",
    );
    refused(
        &edit(&|v| v["metric"] = json!("val_r2")),
        "metric",
        "does not fit",
    );
    refused(
        &edit(&|v| v["base"]["validation_split"] = json!(0.0)),
        "metric",
        "needs a validation set",
    );
    refused(
        &edit(&|v| v["base"]["layers"][0]["units"] = json!(0)),
        "base.layers[0].units",
        "at least 1",
    );
    refused(
        &edit(&|v| v["base"]["optimizer"]["lr"] = json!("big")),
        "base.optimizer.lr",
        "",
    );
    refused(
        &edit(&|v| v["early_termination"] = json!({"kind": "asha", "reduction_factor": 1})),
        "early_termination.reduction_factor",
        "at least 2",
    );
    refused(
        &edit(&|v| v["parameters"] = json!({})),
        "parameters",
        "at least one",
    );
    refused(
        &edit(&|v| v["parameters"]["regularization.kind"] = json!({"values": ["none", "l2"]})),
        "base.regularization.lambda",
        "required",
    );
}

#[test]
fn max_trials_is_capped_at_validation_and_the_coordinator_hands_out_ids_lazily() {
    // Once: a trillion trials passed validation, then Sweep::new listed every id and aborted.
    let mut v = spec(
        "random",
        5,
        json!({"optimizer.lr": {"min": 1e-4, "max": 1e-1, "scale": "log"}}),
    );
    v["max_trials"] = json!(1_000_000_000_000u64);
    refused(
        &v,
        "max_trials",
        "at most 100000 trials are supported, found 1000000000000",
    );
    v["method"] = json!("bayes");
    refused(&v, "max_trials", "at most 100000 trials are supported");

    v["method"] = json!("random");
    v["max_trials"] = json!(mlp_lab::sweep::spec::MAX_TRIALS);
    let s = parse(&v);
    let sampler = Sampler::from_spec(&s);
    let finished: Vec<_> = [0usize, 2]
        .iter()
        .map(|&id| mlp_lab::sweep::TrialRecord {
            id,
            params: sampler.random(id),
            metric: Some(0.5),
            status: TrialStatus::Completed,
            epochs: 1,
            seconds: 0.1,
            message: None,
            curve: vec![Some(0.5)],
        })
        .collect();
    let mut sweep = Sweep::new(s, finished);
    assert_eq!(sweep.remaining(), 100_000 - 2);
    let ids: Vec<usize> = (0..3).map(|_| sweep.next_trial().unwrap().id).collect();
    assert_eq!(ids, vec![1, 3, 4], "finished ids are skipped");
    assert_eq!(sweep.remaining(), 100_000 - 5);
}

fn sgd_spec(parameters: Value) -> Value {
    let mut v = spec("random", 5, parameters);
    v["base"]["optimizer"] = json!({"name": "sgd", "lr": 0.1});
    v
}

#[test]
fn a_swept_parameter_that_never_applies_is_refused_naming_why() {
    refused(
        &sgd_spec(json!({"optimizer.beta1": {"min": 0.8, "max": 0.99}})),
        "parameters.optimizer.beta1",
        "never applies: the base optimizer is sgd and optimizer.name is not swept; \
         optimizer.beta1 applies only when optimizer.name is adam or adamw",
    );
    refused(
        &sgd_spec(json!({
            "optimizer.name": {"values": ["sgd", "momentum"]},
            "optimizer.eps": {"values": [1e-8, 1e-6]}
        })),
        "parameters.optimizer.eps",
        "never applies: optimizer.name is swept over sgd, momentum only; optimizer.eps applies \
         only when optimizer.name is rmsprop, adam or adamw",
    );
    // The adam base of spec().
    for (path, only) in [
        ("optimizer.momentum", "momentum, nag or rmsprop"),
        ("optimizer.beta", "rmsprop"),
    ] {
        refused(
            &spec("random", 5, json!({path: {"min": 0.5, "max": 0.9}})),
            &format!("parameters.{path}"),
            &format!("the base optimizer is adam and optimizer.name is not swept; {path} applies only when optimizer.name is {only}"),
        );
    }
    refused(
        &spec(
            "random",
            5,
            json!({"regularization.lambda": {"min": 1e-5, "max": 1e-2}}),
        ),
        "parameters.regularization.lambda",
        "never applies: the base regularization is none and regularization.kind is not swept; \
         regularization.lambda applies only when regularization.kind is l1 or l2",
    );
    refused(
        &spec("random", 5, json!({"clip.value": {"min": 0.5, "max": 2.0}})),
        "parameters.clip.value",
        "the base clip kind is none and clip.kind is not swept; clip.value applies only when \
         clip.kind is value",
    );
    refused(
        &spec(
            "random",
            5,
            json!({"clip.kind": {"values": ["none", "value"]}, "clip.value": {"min": 0.5, "max": 2.0},
                   "clip.max_norm": {"min": 0.5, "max": 2.0}}),
        ),
        "parameters.clip.max_norm",
        "clip.kind is swept over none, value only; clip.max_norm applies only when clip.kind is norm",
    );
    let mut flat = spec("random", 5, json!({"hidden_units": {"min": 2, "max": 9}}));
    flat["base"]["layers"] = json!([{"units": 2, "activation": "softmax"}]);
    refused(
        &flat,
        "parameters.hidden_units",
        "never applies: the base network has 0 hidden layers and hidden_layers is not swept; \
         hidden_units applies only when hidden_layers is at least 1",
    );
    flat["parameters"] = json!({"hidden_layers": {"values": [0]}, "hidden_activation": {"values": ["relu", "tanh"]}});
    refused(
        &flat,
        "parameters.hidden_activation",
        "hidden_layers is swept over 0 only",
    );

    // Where some trial can use it, it stays.
    parse(&sgd_spec(json!({
        "optimizer.name": {"values": ["sgd", "adam"]},
        "optimizer.beta1": {"min": 0.8, "max": 0.99}
    })));
    flat["parameters"] =
        json!({"hidden_layers": {"min": 0, "max": 2}, "hidden_units": {"min": 2, "max": 9}});
    parse(&flat);
    parse(&spec(
        "grid",
        9,
        json!({"regularization.kind": {"values": ["none", "l1"]}, "regularization.lambda": {"values": [0.001]}}),
    ));
}

#[test]
fn a_spec_of_the_wrong_shape_names_the_field_and_only_bad_text_is_not_json() {
    let ok = spec(
        "random",
        5,
        json!({"optimizer.lr": {"min": 1e-4, "max": 1e-1, "scale": "log"}}),
    );
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut v = ok.clone();
        f(&mut v);
        v
    };
    refused(
        &edit(&|v| v["method"] = json!(5)),
        "method",
        "invalid type: integer `5`, expected one of `grid`, `random`, `bayes`",
    );
    refused(
        &edit(&|v| v["metric"] = json!(true)),
        "metric",
        "invalid type: boolean `true`, expected one of `val_accuracy`",
    );
    refused(
        &edit(&|v| v["goal"] = json!(1.5)),
        "goal",
        "invalid type: floating point `1.5`, expected `maximize` or `minimize`",
    );
    refused(
        &edit(&|v| v["parameters"]["optimizer.lr"]["scale"] = json!(2)),
        "parameters.optimizer.lr.scale",
        "invalid type: integer `2`, expected `linear` or `log`",
    );
    refused(
        &edit(&|v| v["early_termination"] = json!({"kind": 1})),
        "early_termination.kind",
        "invalid type: integer `1`, expected `asha`",
    );
    refused(
        &edit(&|v| v["max_trials"] = json!("many")),
        "max_trials",
        "invalid type: string \"many\"",
    );
    refused(
        &edit(&|v| v["parameters"] = json!([1])),
        "parameters",
        "invalid type: sequence, expected a map",
    );
    refused(&json!([1, 2]), "", "the spec must be a JSON object");
    refused(&json!("random"), "", "found a string");
    let e = SweepSpec::from_json(&format!("{ok} x")).unwrap_err();
    assert_eq!(e.field, "");
    assert!(
        e.message
            .starts_with("the spec is not valid JSON: trailing characters at line 1"),
        "{e}"
    );
}
