//! Every layer's activations for raw rows (the page's network view): the last layer's block is
//! the prediction, each earlier block is what the next layer reads, and per-neuron activation
//! runs show in their own columns.

use mlp_lab::config::Config;
use mlp_lab::nn::Network;
use mlp_lab::train::predict::{activations_raw, predict_raw};

fn network() -> Network {
    let config: Config = serde_json::from_str(
        r#"{"seed":3,"layers":[{"units":4,"activation":["relu","sigmoid","tanh","identity"]},
            {"units":3,"activation":"softmax"}],"loss":"cross_entropy","task":"multiclass"}"#,
    )
    .unwrap();
    Network::new(
        2,
        &config.layer_specs(),
        &mut mlp_lab::train::trainer::rng(3, 0),
    )
}

const ROWS: [f32; 6] = [0.5, -1.0, 2.0, 0.25, -3.0, 1.5];

#[test]
fn the_last_layers_activations_are_the_predictions() {
    let net = network();
    let all = activations_raw(&net, None, &ROWS).unwrap();
    assert_eq!(
        all.len(),
        3 * 4 + 3 * 3,
        "3 rows × (4 hidden + 3 output units)"
    );
    let predicted = predict_raw(&net, None, &ROWS).unwrap();
    assert_eq!(&all[12..], &predicted[..]);
}

#[test]
fn each_neuron_shows_its_own_activation_function() {
    let all = activations_raw(&network(), None, &ROWS).unwrap();
    for row in all[..12].chunks(4) {
        assert!(row[0] >= 0.0, "relu is never negative: {row:?}");
        assert!(
            row[1] > 0.0 && row[1] < 1.0,
            "sigmoid is in (0, 1): {row:?}"
        );
        assert!(row[2] > -1.0 && row[2] < 1.0, "tanh is in (-1, 1): {row:?}");
    }
    assert!(
        all[..12].chunks(4).any(|r| r[3] < 0.0),
        "identity lets a negative through somewhere"
    );
}

#[test]
fn rows_that_are_not_whole_are_refused_naming_the_width() {
    let e = activations_raw(&network(), None, &ROWS[..5]).unwrap_err();
    assert!(e.0.contains("whole rows of 2 features, found 5"), "{e}");
}
