//! `Config::validate` and `Config::problems` refuse a bad network with an error naming the
//! field: layers (units, per-neuron lists, init scales, the limits on size, epochs and NAG
//! momentum), and the loss and task against the output layer.

#[path = "common/config_errors.rs"]
mod config_errors;

use config_errors::*;
use mlp_lab::config::{Config, MAX_EPOCHS, MAX_INIT_SCALE, MAX_PARAMETERS};
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// Layers

#[test]
fn empty_layers_are_refused() {
    let v = edited(|v| v["layers"] = json!([]));
    invalid(&v, "layers", &["at least one layer"]);
    // A config with no layers at all gets the same answer.
    let err = Config::from_json("{}").unwrap_err();
    assert_eq!(err.field(), "layers");
}

#[test]
fn zero_units_are_refused() {
    let v = edited(|v| v["layers"][0]["units"] = json!(0));
    invalid(&v, "layers[0].units", &["at least 1", "found 0"]);
}

#[test]
fn per_neuron_list_of_the_wrong_length_is_refused() {
    let v = edited(|v| v["layers"][1]["activation"] = json!(["relu", "tanh", "sigmoid"]));
    invalid(
        &v,
        "layers[1].activation",
        &["one activation per unit", "4 units", "3 entries"],
    );
    let v = edited(|v| {
        v["layers"][1]["activation"] = json!(["relu", "tanh", "sigmoid", "relu", "tanh"])
    });
    invalid(&v, "layers[1].activation", &["4 units", "5 entries"]);
}

#[test]
fn scale_with_a_non_random_init_is_refused() {
    let v = edited(|v| v["layers"][0]["scale"] = json!(0.1));
    invalid(
        &v,
        "layers[0].scale",
        &["random_uniform", "random_normal", "not xavier_uniform"],
    );
    // The default init (xavier_uniform) does not take a scale either.
    let v = edited(|v| {
        v["layers"][0].as_object_mut().unwrap().remove("init");
        v["layers"][0]["scale"] = json!(0.1);
    });
    invalid(&v, "layers[0].scale", &["not xavier_uniform"]);
}

#[test]
fn non_positive_scale_is_refused() {
    for scale in [0.0, -0.5] {
        let v = edited(|v| {
            v["layers"][1]["init"] = json!("random_normal");
            v["layers"][1]["scale"] = json!(scale);
        });
        invalid(
            &v,
            "layers[1].scale",
            &["(0, 1000]", &format!("found {scale}")],
        );
    }
    // A positive scale with a random init is fine.
    let v = edited(|v| {
        v["layers"][1]["init"] = json!("random_uniform");
        v["layers"][1]["scale"] = json!(0.3);
    });
    assert!(Config::from_json(&v.to_string()).is_ok());
}

#[test]
fn a_scale_above_the_limit_is_refused_before_it_can_overflow_the_initialiser() {
    // 1e308 once made U(−s, s) non-finite and panicked in the initialiser.
    for init in ["random_uniform", "random_normal"] {
        for scale in [1e308, 1001.0] {
            let v = edited(|v| {
                v["layers"][0]["init"] = json!(init);
                v["layers"][0]["scale"] = json!(scale);
            });
            invalid(
                &v,
                "layers[0].scale",
                &[&format!("(0, {MAX_INIT_SCALE}]"), &format!("found {scale}")],
            );
        }
    }
    let v = edited(|v| {
        v["layers"][0]["init"] = json!("random_uniform");
        v["layers"][0]["scale"] = json!(MAX_INIT_SCALE);
    });
    assert!(Config::from_json(&v.to_string()).is_ok());
}

#[test]
fn more_epochs_than_the_limit_are_refused() {
    let v = edited(|v| v["epochs"] = json!(MAX_EPOCHS + 1));
    invalid(
        &v,
        "epochs",
        &[
            &format!("at most {MAX_EPOCHS}"),
            &format!("found {}", MAX_EPOCHS + 1),
        ],
    );
    let v = edited(|v| v["epochs"] = json!(MAX_EPOCHS));
    assert!(Config::from_json(&v.to_string()).is_ok());
}

#[test]
fn nag_with_zero_momentum_is_refused_as_pytorch_does() {
    let v = edited(|v| v["optimizer"] = json!({"name": "nag", "lr": 0.1, "momentum": 0.0}));
    invalid(&v, "optimizer.momentum", &["nag", "above 0", "found 0"]);
    // Plain momentum SGD may have momentum 0 (it is then plain SGD), as in PyTorch.
    let v = edited(|v| v["optimizer"] = json!({"name": "momentum", "lr": 0.1, "momentum": 0.0}));
    assert!(Config::from_json(&v.to_string()).is_ok());
}

#[test]
fn too_many_parameters_are_refused() {
    let v = edited(|v| {
        v["layers"][0]["units"] = json!(8000);
        v["layers"][1] = json!({"units": 8000, "activation": "relu"});
    });
    let err = invalid(&v, "layers", &[&MAX_PARAMETERS.to_string(), "parameters"]);
    // 8000·(1 + 1) + 8000·(8000 + 1) + 3·(8000 + 1), not counting the input layer's weights.
    let expected = 8000 * 2 + 8000 * 8001 + 3 * 8001;
    assert!(err.to_string().contains(&expected.to_string()), "{err}");
    // Just under the limit is accepted.
    let v = edited(|v| {
        v["layers"][0]["units"] = json!(1000);
        v["layers"][1] = json!({"units": 1000, "activation": "relu"});
    });
    assert!(Config::from_json(&v.to_string()).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Loss and task

#[test]
fn softmax_output_with_binary_cross_entropy_is_refused() {
    let v = edited(|v| {
        v["loss"] = json!("binary_cross_entropy");
        v.as_object_mut().unwrap().remove("task");
    });
    invalid(
        &v,
        "loss",
        &[
            "binary_cross_entropy needs sigmoid",
            "layers[2].activation is softmax",
        ],
    );
}

#[test]
fn cross_entropy_without_softmax_output_is_refused() {
    let v = edited(|v| v["layers"][2]["activation"] = json!("sigmoid"));
    invalid(
        &v,
        "loss",
        &[
            "cross_entropy needs a softmax output layer",
            "layers[2].activation is sigmoid",
        ],
    );
    // A softmax that covers only part of the output layer is not enough.
    let v = edited(|v| v["layers"][2]["activation"] = json!(["softmax", "softmax", "identity"]));
    invalid(
        &v,
        "loss",
        &[
            "cross_entropy needs a softmax",
            "a mix of softmax, identity",
        ],
    );
}

#[test]
fn regression_task_with_cross_entropy_is_refused() {
    let v = edited(|v| v["task"] = json!("regression"));
    invalid(
        &v,
        "task",
        &["regression trains with the mse loss, not cross_entropy"],
    );
    let v = edited(|v| {
        v["task"] = json!("regression");
        v["loss"] = json!("binary_cross_entropy");
        v["layers"][2]["activation"] = json!("sigmoid");
    });
    invalid(&v, "task", &["not binary_cross_entropy"]);
}
