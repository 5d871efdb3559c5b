//! Model files: `Model::to_json` / `Model::from_json` round-trip the weights bit for bit and
//! keep per-neuron activations; malformed files are refused with a message naming the place.

mod common;

use mlp_lab::config::{Config, Task};
use mlp_lab::model_io::{Model, ModelError, FORMAT, VERSION};
use mlp_lab::nn::{Activation, Loss, Network};
use mlp_lab::{Matrix, Real};
use rand::Rng;
use serde_json::{json, Value};

/// A 2 → 3 (relu, sigmoid, tanh) → 4 (softmax, identity, softmax, leaky_relu) → 2 (softmax)
/// network with random weights and random (non-zero) biases.
fn network(seed: u64) -> Network {
    let config = Config::from_json(
        r#"{"layers":[
            {"units":3,"activation":["relu","sigmoid","tanh"],"init":"he_uniform"},
            {"units":4,"activation":["softmax","identity","softmax","leaky_relu"],"init":"xavier_normal"},
            {"units":2,"activation":"softmax","init":"random_normal","scale":0.7}],
            "loss":"cross_entropy"}"#,
    )
    .expect("valid config");
    let mut rng = common::rng(seed);
    let mut net = Network::new(2, &config.layer_specs(), &mut rng);
    for l in &mut net.layers {
        l.bias
            .iter_mut()
            .for_each(|b| *b = rng.random_range(-1.0..1.0));
    }
    net
}

fn model_json() -> Value {
    serde_json::from_str(&Model::new(network(1)).to_json()).expect("to_json writes JSON")
}

fn edited(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = model_json();
    edit(&mut v);
    v.to_string()
}

/// Asserts the file is refused with an error about `path` whose message holds every fragment.
#[track_caller]
fn refused(text: &str, path: &str, fragments: &[&str]) {
    let err = Model::from_json(text).expect_err("the model file should be refused");
    match &err {
        ModelError::Field { path: p, .. } => assert_eq!(p, path, "wrong path in: {err}"),
        other => panic!("expected an error about {path}, got {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("model file: {path}: ")),
        "{message}"
    );
    for f in fragments {
        assert!(message.contains(f), "message {message:?} lacks {f:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Round trip

#[test]
#[cfg_attr(
    feature = "f64",
    ignore = "f64 build: serde_json parses floats correctly rounded only with its `float_roundtrip` feature, which Cargo.toml does not enable"
)]
fn round_trip_gives_bit_identical_weights() {
    for seed in [1, 2, 3] {
        let net = network(seed);
        let text = Model::new(net.clone()).to_json();
        let back = Model::from_json(&text).expect("a written model reads back");
        assert_eq!(back.network.input, net.input);
        assert_eq!(
            common::param_bits(&back.network),
            common::param_bits(&net),
            "seed {seed}"
        );
        assert_eq!(back.network, net);
        // Writing again gives the same text.
        assert_eq!(back.to_json(), text);
        // The read-back network computes the same outputs, bit for bit.
        let x = Matrix::from_fn(7, 2, |r, c| (r as Real - 3.0) * 0.4 + c as Real * 0.1);
        let (a, b) = (net.predict(&x, 4), back.network.predict(&x, 4));
        assert!(a
            .iter()
            .zip(b.iter())
            .all(|(a, b)| common::bits(*a) == common::bits(*b)));
    }
}

#[test]
#[cfg_attr(
    feature = "f64",
    ignore = "f64 build: serde_json parses floats correctly rounded only with its `float_roundtrip` feature, which Cargo.toml does not enable"
)]
fn awkward_values_survive_the_round_trip_bit_for_bit() {
    // Shortest-representation printing must still read back to the same bits: extremes,
    // subnormals, negative zero, and values with no short decimal form.
    let awkward: [Real; 12] = [
        0.1,
        -0.0,
        1.0 / 3.0,
        Real::MAX,
        Real::MIN,
        Real::MIN_POSITIVE,
        Real::MIN_POSITIVE / 1024.0,
        Real::EPSILON,
        -Real::EPSILON / 3.0,
        16_777_217.0,
        std::f32::consts::PI as Real,
        1e-40,
    ];
    let mut net = network(4);
    let w = &mut net.layers[1].weights;
    for (v, a) in w.iter_mut().zip(awkward) {
        *v = a;
    }
    net.layers[2].bias[0] = -Real::MAX;
    let back = Model::from_json(&Model::new(net.clone()).to_json()).unwrap();
    assert_eq!(common::param_bits(&back.network), common::param_bits(&net));
}

#[test]
#[cfg_attr(
    feature = "f64",
    ignore = "f64 build: serde_json parses floats correctly rounded only with its `float_roundtrip` feature, which Cargo.toml does not enable"
)]
fn twenty_thousand_random_bit_patterns_survive_the_round_trip() {
    // Every finite value, not just typical weights: random bit patterns cover all exponents,
    // subnormals and both signs.
    let mut rng = common::rng(99);
    let mut net = network(8);
    let (units, inputs) = (100, 200);
    let w = Matrix::from_fn(units, inputs, |_, _| loop {
        let v = if std::mem::size_of::<Real>() == 4 {
            f32::from_bits(rng.random::<u32>()) as Real
        } else {
            f64::from_bits(rng.random::<u64>()) as Real
        };
        if v.is_finite() {
            break v;
        }
    });
    net.input = inputs;
    net.layers = vec![mlp_lab::nn::Dense::new(
        w,
        vec![0.5; units],
        &vec![Activation::Tanh; units],
    )];
    let back = Model::from_json(&Model::new(net.clone()).to_json()).unwrap();
    let (a, b) = (common::param_bits(&net), common::param_bits(&back.network));
    let differ = a.iter().zip(&b).filter(|(x, y)| x != y).count();
    assert_eq!(
        differ,
        0,
        "{differ} of {} values changed through JSON",
        a.len()
    );
}

#[test]
fn per_neuron_activations_are_preserved() {
    let net = network(5);
    let back = Model::from_json(&Model::new(net.clone()).to_json())
        .unwrap()
        .network;
    use Activation::*;
    assert_eq!(back.layers[0].activations(), vec![Relu, Sigmoid, Tanh]);
    assert_eq!(
        back.layers[1].activations(),
        vec![Softmax, Identity, Softmax, LeakyRelu]
    );
    assert_eq!(back.layers[2].activations(), vec![Softmax, Softmax]);
    assert_eq!(back.layers[2].uniform_activation(), Some(Softmax));
    // The file writes a uniform layer as one name and a mixed one as a list.
    let v = model_json();
    assert_eq!(v["layers"][2]["activation"], json!("softmax"));
    assert_eq!(
        v["layers"][1]["activation"],
        json!(["softmax", "identity", "softmax", "leaky_relu"])
    );
}

#[test]
fn the_file_is_in_the_torch_linear_layout() {
    // weights[j][i] is the weight from input i to unit j.
    let net = network(6);
    let v: Value = serde_json::from_str(&Model::new(net.clone()).to_json()).unwrap();
    assert_eq!(v["format"], json!(FORMAT));
    assert_eq!(v["version"], json!(VERSION));
    assert_eq!(v["input"], json!(2));
    let rows = v["layers"][1]["weights"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r.as_array().unwrap().len() == 3));
    let w = &net.layers[1].weights;
    assert_eq!(rows[2][1].as_f64().unwrap() as Real, w[(2, 1)]);
    assert_eq!(v["layers"][1]["bias"].as_array().unwrap().len(), 4);
}

#[test]
fn metadata_round_trips() {
    let mut m = Model::new(network(7));
    m.task = Some(Task::Multiclass);
    m.loss = Some(Loss::CrossEntropy);
    m.class_names = vec!["cat".into(), "dog".into()];
    let back = Model::from_json(&m.to_json()).unwrap();
    assert_eq!(
        (back.task, back.loss, &back.class_names),
        (m.task, m.loss, &m.class_names)
    );
    assert!(back.input_scaling.is_none());
    // Input standardisation too (written through JSON so this test does not depend on the
    // Rust type that holds it).
    let mut v: Value = serde_json::from_str(&m.to_json()).unwrap();
    v["input_scaling"] = json!({"mean": [0.5, -1.25], "std": [2.0, 0.1]});
    let scaled = Model::from_json(&v.to_string()).unwrap();
    assert!(scaled.input_scaling.is_some());
    let again: Value = serde_json::from_str(&scaled.to_json()).unwrap();
    assert_eq!(again["input_scaling"], v["input_scaling"]);
    assert_eq!(
        Model::from_json(&scaled.to_json()).unwrap().input_scaling,
        scaled.input_scaling
    );
    // Without metadata the optional fields stay out of the file.
    let bare: Value = serde_json::from_str(&Model::new(network(7)).to_json()).unwrap();
    for key in ["task", "loss", "class_names", "input_scaling"] {
        assert!(bare.get(key).is_none(), "{key} written although empty");
    }
}

// ---------------------------------------------------------------------------------------------
// Refusals

#[test]
fn wrong_number_of_weight_rows_is_refused() {
    let text = edited(|v| {
        v["layers"][1]["weights"].as_array_mut().unwrap().pop();
    });
    refused(
        &text,
        "layers[1].weights",
        &["expected 4 rows (one per unit), found 3"],
    );
}

#[test]
fn weight_row_of_the_wrong_length_is_refused() {
    let text = edited(|v| {
        v["layers"][1]["weights"][2]
            .as_array_mut()
            .unwrap()
            .push(json!(0.5));
    });
    refused(
        &text,
        "layers[1].weights[2]",
        &["expected 3 weights", "found 4"],
    );
    // The first layer's rows must match the input width.
    let text = edited(|v| {
        v["layers"][0]["weights"][0].as_array_mut().unwrap().pop();
    });
    refused(
        &text,
        "layers[0].weights[0]",
        &["expected 2 weights", "found 1"],
    );
    // A model whose input no longer matches its first layer.
    let text = edited(|v| v["input"] = json!(5));
    refused(
        &text,
        "layers[0].weights[0]",
        &["expected 5 weights", "found 2"],
    );
}

#[test]
fn bias_of_the_wrong_length_is_refused() {
    let text = edited(|v| {
        v["layers"][2]["bias"]
            .as_array_mut()
            .unwrap()
            .push(json!(0.0));
    });
    refused(
        &text,
        "layers[2].bias",
        &["expected 2 values (one per unit), found 3"],
    );
}

#[test]
fn unknown_activation_is_refused() {
    let text = edited(|v| v["layers"][2]["activation"] = json!("swish"));
    refused(
        &text,
        "layers[2].activation",
        &["unknown activation `swish`", "leaky_relu"],
    );
    let text = edited(|v| v["layers"][1]["activation"][3] = json!("gelu"));
    refused(
        &text,
        "layers[1].activation[3]",
        &["unknown variant `gelu`", "leaky_relu"],
    );
}

#[test]
fn per_neuron_activation_list_of_the_wrong_length_is_refused() {
    let text = edited(|v| v["layers"][1]["activation"] = json!(["tanh", "relu"]));
    refused(
        &text,
        "layers[1].activation",
        &["expected 4 activations (one per unit), found 2"],
    );
}

#[test]
fn units_disagreeing_with_the_arrays_are_refused() {
    let text = edited(|v| v["layers"][2]["units"] = json!(3));
    refused(&text, "layers[2].weights", &["expected 3 rows", "found 2"]);
    let text = edited(|v| v["layers"][0]["units"] = json!(0));
    refused(&text, "layers[0].units", &["at least 1"]);
}

#[test]
fn wrong_format_string_is_refused() {
    let text = edited(|v| v["format"] = json!("keras-h5"));
    refused(
        &text,
        "format",
        &["expected \"mlp-lab-model\"", "found \"keras-h5\""],
    );
}

#[test]
fn wrong_version_is_refused() {
    let text = edited(|v| v["version"] = json!(VERSION + 1));
    refused(
        &text,
        "version",
        &[
            &format!("reads version {VERSION}"),
            &format!("found {}", VERSION + 1),
        ],
    );
}

#[test]
fn truncated_json_is_refused_as_a_syntax_error() {
    let text = Model::new(network(1)).to_json();
    for cut in [text.len() / 2, text.len() - 1, 1] {
        let err = Model::from_json(&text[..cut]).expect_err("truncated");
        assert!(matches!(err, ModelError::Syntax(_)), "{err:?}");
        assert!(
            err.to_string()
                .starts_with("model file is not valid JSON: "),
            "{err}"
        );
    }
    let err = Model::from_json(&format!("{text}}}")).expect_err("trailing brace");
    assert!(matches!(err, ModelError::Syntax(_)), "{err:?}");
}

#[test]
fn non_numeric_weight_is_refused_with_its_position() {
    let text = edited(|v| v["layers"][1]["weights"][3][2] = json!("0.5"));
    refused(
        &text,
        "layers[1].weights[3][2]",
        &["invalid type", "\"0.5\""],
    );
    let text = edited(|v| v["layers"][0]["bias"][1] = json!(null));
    refused(&text, "layers[0].bias[1]", &["invalid type", "null"]);
}

#[cfg(not(feature = "f64"))]
#[test]
fn weight_beyond_f32_range_is_refused_as_not_finite() {
    // 1e39 is valid JSON but does not fit an f32; serde_json (with float_roundtrip) refuses it
    // as out of range rather than rounding it to infinity.
    let text = edited(|v| v["layers"][0]["weights"][1][0] = json!(1e39));
    refused(&text, "layers[0].weights[1][0]", &["out of range"]);
    let text = edited(|v| v["layers"][2]["bias"][1] = json!(-1e39));
    refused(&text, "layers[2].bias[1]", &["out of range"]);
}

#[test]
fn empty_layers_are_refused() {
    let text = edited(|v| v["layers"] = json!([]));
    refused(&text, "layers", &["at least one layer"]);
}

#[test]
fn zero_input_is_refused() {
    let text = edited(|v| v["input"] = json!(0));
    refused(&text, "input", &["at least 1"]);
}

#[test]
fn input_scaling_of_the_wrong_length_is_refused() {
    let text = edited(|v| v["input_scaling"] = json!({"mean": [0.0, 1.0, 2.0], "std": [1.0, 1.0]}));
    refused(
        &text,
        "input_scaling.mean",
        &["expected 2 values (one per input), found 3"],
    );
    let text = edited(|v| v["input_scaling"] = json!({"mean": [0.0, 1.0], "std": [1.0]}));
    refused(
        &text,
        "input_scaling.std",
        &["expected 2 values", "found 1"],
    );
    let text = edited(|v| v["input_scaling"] = json!({"mean": [0.0, 1.0], "std": [1.0, 0.0]}));
    refused(&text, "input_scaling.std[1]", &["positive"]);
}

#[test]
fn unknown_and_missing_fields_are_refused() {
    let text = edited(|v| v["optimizer_state"] = json!({}));
    refused(
        &text,
        "optimizer_state",
        &["unknown field `optimizer_state`"],
    );
    let text = edited(|v| v["layers"][0]["dropout"] = json!(0.1));
    refused(&text, "layers[0].dropout", &["unknown field `dropout`"]);
    let text = edited(|v| {
        v["layers"][1].as_object_mut().unwrap().remove("bias");
    });
    let err = Model::from_json(&text).expect_err("no bias");
    assert!(err.to_string().contains("missing field `bias`"), "{err}");
    assert!(err.to_string().contains("layers[1]"), "{err}");
}

#[test]
fn target_and_feature_names_round_trip_and_stay_out_when_absent() {
    let mut m = Model::new(network(3));
    m.target = Some("label".into());
    m.feature_names = vec!["x".into(), "y".into()];
    let back = Model::from_json(&m.to_json()).unwrap();
    assert_eq!(
        (back.target, back.feature_names),
        (m.target, m.feature_names)
    );
    let bare: Value = serde_json::from_str(&Model::new(network(3)).to_json()).unwrap();
    assert!(bare.get("target").is_none() && bare.get("feature_names").is_none());
}

#[test]
fn feature_names_of_the_wrong_length_are_refused() {
    let text = edited(|v| v["feature_names"] = json!(["x", "y", "z"]));
    refused(
        &text,
        "feature_names",
        &["expected 2 names (one per input), found 3"],
    );
}
