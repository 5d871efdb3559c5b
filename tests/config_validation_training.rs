//! `Config::validate` and `Config::problems` refuse bad training settings with an error naming
//! the field: the optimizer's hyper-parameters, regularization, clipping, batch size, epochs
//! and the validation split.

#[path = "common/config_errors.rs"]
mod config_errors;

use config_errors::*;
use mlp_lab::config::Config;
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// Optimizer

#[test]
fn zero_or_negative_learning_rate_is_refused() {
    for lr in [0.0, -0.01] {
        let v = edited(|v| v["optimizer"]["lr"] = json!(lr));
        invalid(
            &v,
            "optimizer.lr",
            &["greater than 0", &format!("found {lr}")],
        );
    }
}

#[test]
fn momentum_of_one_or_more_is_refused() {
    for (name, m) in [
        ("momentum", 1.0),
        ("nag", 1.5),
        ("rmsprop", 1.0),
        ("momentum", -0.1),
    ] {
        let v = edited(|v| v["optimizer"] = json!({"name": name, "momentum": m}));
        invalid(&v, "optimizer.momentum", &["[0, 1)", &format!("found {m}")]);
    }
    let v = edited(|v| v["optimizer"] = json!({"name": "momentum", "momentum": 0.99}));
    assert!(Config::from_json(&v.to_string()).is_ok());
}

#[test]
fn betas_out_of_range_are_refused() {
    for b in [1.0, -0.1, 2.0] {
        let v = edited(|v| v["optimizer"]["beta1"] = json!(b));
        invalid(&v, "optimizer.beta1", &["[0, 1)", &format!("found {b}")]);
        let v = edited(|v| v["optimizer"]["beta2"] = json!(b));
        invalid(&v, "optimizer.beta2", &["[0, 1)"]);
        let v = edited(|v| v["optimizer"] = json!({"name": "rmsprop", "beta": b}));
        invalid(&v, "optimizer.beta", &["[0, 1)"]);
    }
    // 0 is allowed (no averaging), as in PyTorch.
    let v = edited(|v| v["optimizer"]["beta1"] = json!(0.0));
    assert!(Config::from_json(&v.to_string()).is_ok());
}

#[test]
fn zero_or_negative_eps_is_refused() {
    for eps in [0.0, -1e-8] {
        let v = edited(|v| v["optimizer"]["eps"] = json!(eps));
        invalid(&v, "optimizer.eps", &["greater than 0"]);
    }
}

#[test]
fn negative_weight_decay_is_refused() {
    let v = edited(|v| v["optimizer"]["weight_decay"] = json!(-0.01));
    invalid(&v, "optimizer.weight_decay", &["≥ 0", "found -0.01"]);
    let v = edited(|v| v["optimizer"]["weight_decay"] = json!(0.0));
    assert!(Config::from_json(&v.to_string()).is_ok());
}

#[test]
fn optimizer_field_that_does_not_apply_is_refused() {
    let v = edited(|v| v["optimizer"] = json!({"name": "sgd", "lr": 0.1, "beta1": 0.9}));
    invalid(
        &v,
        "optimizer.beta1",
        &[
            "applies only with optimizer adam or adamw, not sgd",
            "lr, weight_decay",
        ],
    );
    let v = edited(|v| v["optimizer"]["momentum"] = json!(0.9));
    invalid(
        &v,
        "optimizer.momentum",
        &["not adam", "beta1, beta2, eps, weight_decay"],
    );
    let v = edited(|v| v["optimizer"] = json!({"name": "rmsprop", "beta2": 0.9}));
    invalid(&v, "optimizer.beta2", &["not rmsprop"]);
    let v = edited(|v| v["optimizer"] = json!({"name": "nag", "eps": 1e-8}));
    invalid(&v, "optimizer.eps", &["not nag"]);
    // A stray field is reported even when its value would be out of range.
    let v = edited(|v| v["optimizer"] = json!({"name": "sgd", "momentum": 5.0}));
    invalid(&v, "optimizer.momentum", &["not sgd"]);
}

// ---------------------------------------------------------------------------------------------
// Regularization

#[test]
fn l1_or_l2_without_lambda_is_refused() {
    for kind in ["l1", "l2"] {
        let v = edited(|v| v["regularization"] = json!({ "kind": kind }));
        invalid(
            &v,
            "regularization.lambda",
            &["is required with kind l1 or l2"],
        );
    }
}

#[test]
fn lambda_with_kind_none_is_refused() {
    let v = edited(|v| v["regularization"] = json!({"kind": "none", "lambda": 0.01}));
    invalid(
        &v,
        "regularization.lambda",
        &["applies only with kind l1 or l2"],
    );
    // kind defaults to none.
    let v = edited(|v| v["regularization"] = json!({"lambda": 0.01}));
    invalid(&v, "regularization.lambda", &["not none"]);
}

#[test]
fn negative_lambda_is_refused() {
    let v = edited(|v| v["regularization"]["lambda"] = json!(-0.001));
    invalid(&v, "regularization.lambda", &["≥ 0", "found -0.001"]);
}

// ---------------------------------------------------------------------------------------------
// Clipping

#[test]
fn clip_value_missing_or_not_positive_is_refused() {
    let v = edited(|v| v["clip"] = json!({"kind": "value"}));
    invalid(&v, "clip.value", &["is required with kind value"]);
    for value in [0.0, -1.0] {
        let v = edited(|v| v["clip"]["value"] = json!(value));
        invalid(
            &v,
            "clip.value",
            &["greater than 0", &format!("found {value}")],
        );
    }
}

#[test]
fn clip_max_norm_missing_or_not_positive_is_refused() {
    let v = edited(|v| v["clip"] = json!({"kind": "norm"}));
    invalid(&v, "clip.max_norm", &["is required with kind norm"]);
    let v = edited(|v| v["clip"] = json!({"kind": "norm", "max_norm": 0.0}));
    invalid(&v, "clip.max_norm", &["greater than 0"]);
}

#[test]
fn max_norm_with_kind_value_is_refused() {
    let v = edited(|v| v["clip"]["max_norm"] = json!(1.0));
    invalid(
        &v,
        "clip.max_norm",
        &["applies only with kind norm, not value"],
    );
    let v = edited(|v| v["clip"] = json!({"kind": "norm", "max_norm": 1.0, "value": 1.0}));
    invalid(
        &v,
        "clip.value",
        &["applies only with kind value, not norm"],
    );
    let v = edited(|v| v["clip"] = json!({"value": 1.0}));
    invalid(&v, "clip.value", &["not none"]);
}

// ---------------------------------------------------------------------------------------------
// Schedule

#[test]
fn zero_batch_size_is_refused() {
    let v = edited(|v| v["batch_size"] = json!(0));
    invalid(&v, "batch_size", &["at least 1", "found 0"]);
}

#[test]
fn zero_epochs_are_refused() {
    let v = edited(|v| v["epochs"] = json!(0));
    invalid(&v, "epochs", &["at least 1", "found 0"]);
}

#[test]
fn validation_split_outside_zero_to_one_is_refused() {
    for split in [1.0, 1.5, -0.1] {
        let v = edited(|v| v["validation_split"] = json!(split));
        invalid(
            &v,
            "validation_split",
            &["[0, 1)", &format!("found {split}")],
        );
    }
    let v = edited(|v| v["test_split"] = json!(1.0));
    invalid(&v, "test_split", &["[0, 1)"]);
    // Each share is fine alone but together they leave nothing to train on.
    let v = edited(|v| {
        v["validation_split"] = json!(0.5);
        v["test_split"] = json!(0.5);
    });
    invalid(
        &v,
        "validation_split",
        &["validation_split + test_split", "found 1"],
    );
    let v = edited(|v| v["validation_split"] = json!(0.0));
    assert!(Config::from_json(&v.to_string()).is_ok());
}
