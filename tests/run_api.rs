//! The run API (`train::Run`) that `mlp-lab train`, the page's worker and sweep trials drive: it
//! cuts and standardises the data as the config says, predicts from raw features, saves one
//! model (task, loss, classes, scaling, split), answers for the parts it has and refuses the
//! others by name, and continues a checkpoint exactly as the uninterrupted run.

// `x as f64` on a `Real` converts in the f32 build and is the same type in the f64 build.
#![cfg_attr(
    feature = "f64",
    allow(clippy::unnecessary_cast, clippy::useless_conversion)
)]

use mlp_lab::config::{Config, Task};
use mlp_lab::data::toy;
use mlp_lab::model_io::Model;
use mlp_lab::nn::Loss;
use mlp_lab::train::{Metrics, Run, RunData, Split};

mod common;

fn config(extra: &str) -> Config {
    let json = format!(
        r#"{{"seed": 4, "layers": [{{"units": 8, "activation": "tanh"}},
              {{"units": 2, "activation": "softmax"}}],
            "optimizer": {{"name": "adam", "lr": 0.02}}, "batch_size": 16, "epochs": 6{extra}}}"#
    );
    Config::from_json(&json).unwrap_or_else(|e| panic!("test config is invalid: {e}"))
}

fn circles_run(extra: &str) -> Run {
    let data = RunData::of(toy::circles(200, 0.1, 2), None);
    Run::new(&config(extra), data, None).expect("a run")
}

#[test]
fn the_saved_model_carries_task_loss_classes_scaling_and_the_split() {
    let mut run =
        circles_run(r#", "validation_split": 0.2, "test_split": 0.1, "standardize": true"#);
    run.run(|_| {}).unwrap();
    let model = run.model();
    assert_eq!(
        (model.task, model.loss),
        (Some(Task::Multiclass), Some(Loss::CrossEntropy))
    );
    assert_eq!(model.class_names, ["outer", "inner"]);
    assert!(model.input_scaling.is_some());
    let split = model.split.clone().expect("a split record");
    assert_eq!((split.seed, split.rows), (4, 200));
    assert_eq!(&model.network, run.network());
    // The file reads back as the same model.
    assert_eq!(Model::from_json(&model.to_json()).unwrap(), model);
}

#[test]
fn predict_takes_raw_features_and_raw_rows_undo_the_standardisation() {
    let mut run = circles_run(r#", "validation_split": 0.25, "standardize": true"#);
    run.run(|_| {}).unwrap();
    let raw = run.raw_features(Split::Validation, 5).unwrap();
    assert_eq!(raw.len(), 10);
    let val = run.part(Split::Validation).unwrap();
    assert!(
        raw.iter().all(|v| v.abs() < 1.5),
        "raw circle coordinates: {raw:?}"
    );
    assert_ne!(
        &raw[..],
        &val.features[..10],
        "the part itself is standardised"
    );
    // Outputs for raw rows through predict equal the model file's on the same rows.
    let from_run = run.predict(&raw).unwrap();
    assert_eq!(from_run, run.model().predict(&raw).unwrap());
    assert_eq!(from_run.len(), 10);
}

#[test]
fn parts_the_run_lacks_and_bad_rows_are_refused_by_name() {
    let run = circles_run("");
    let missing = |s| run.evaluate(s).unwrap_err().to_string();
    assert!(missing(Split::Validation).contains("no validation split"));
    assert!(missing(Split::Test).contains("no test split"));
    assert!(missing(Split::OfficialTest).contains("no extra official test set"));
    assert!(Split::from_name("everything")
        .unwrap_err()
        .to_string()
        .contains("unknown split"));
    assert!(run
        .predict(&[1.0, 2.0, 3.0])
        .unwrap_err()
        .to_string()
        .contains("whole rows of 2"));
    assert!(run
        .predict(&[f32::NAN, 0.0])
        .unwrap_err()
        .to_string()
        .contains("not a finite number"));
    let mut regression = Run::new(
        &Config::from_json(
            r#"{"layers": [{"units": 1, "activation": "identity"}], "loss": "mse", "epochs": 1}"#,
        )
        .unwrap(),
        RunData::of(common::sine_bowl(40, 0.1, 1), None),
        None,
    )
    .unwrap();
    regression.run(|_| {}).unwrap();
    let e = regression.confusion_matrix(Split::Train).unwrap_err();
    assert!(e.to_string().contains("regression"), "{e}");
}

#[test]
fn an_extra_official_test_set_is_standardised_and_scored_like_the_others() {
    let data = toy::circles(200, 0.1, 2);
    let extra = toy::circles(40, 0.1, 9);
    let run_data = RunData {
        data,
        test: None,
        extra_test: Some(extra.clone()),
    };
    let mut run = Run::new(&config(r#", "standardize": true"#), run_data, None).unwrap();
    run.run(|_| {}).unwrap();
    let scored = run.evaluate(Split::OfficialTest).unwrap();
    // The same rows through the saved model (raw, standardised by it) score the same.
    let by_model = run.model().score(extra, None).unwrap();
    assert_eq!(scored, by_model);
    assert!(matches!(scored, Metrics::Classification { .. }));
}

#[test]
fn a_test_part_that_does_not_fit_the_output_layer_is_refused_before_training() {
    let data = toy::circles(100, 0.1, 2);
    let mut test = toy::circles(20, 0.1, 3);
    if let mlp_lab::data::Targets::Classes { n_classes, .. } = &mut test.targets {
        *n_classes = 3;
    }
    let e = Run::new(&config(""), RunData::of(data, Some(test)), None)
        .err()
        .expect("refused");
    assert!(e.to_string().starts_with("test data: 3 classes"), "{e}");
}

#[test]
fn a_run_resumed_from_its_checkpoint_ends_with_the_uninterrupted_weights() {
    let extra = r#", "validation_split": 0.2, "standardize": true"#;
    let mut whole = circles_run(extra);
    whole.run(|_| {}).unwrap();

    let mut first = circles_run(extra);
    let per_epoch = first.trainer().batches_per_epoch();
    first.step(per_epoch * 3 + 2).unwrap(); // into epoch 4
    let checkpoint = first.checkpoint();
    assert_eq!(checkpoint.history.epochs.len(), 3);
    let model_json = checkpoint.model.to_json();
    let (history, optimizer) = (checkpoint.history.clone(), checkpoint.optimizer.clone());

    let init = Model::from_json(&model_json).unwrap().network;
    let data = RunData::of(toy::circles(200, 0.1, 2), None);
    let mut rest = Run::new(&config(extra), data, Some(init)).unwrap();
    rest.resume(history, Some(optimizer)).unwrap();
    rest.run(|_| {}).unwrap();
    assert_eq!(rest.network(), whole.network());
    assert_eq!(rest.model().to_json(), whole.model().to_json());
}

#[test]
fn each_neurons_gradient_norm_squares_add_up_to_its_layers_gradient_norm_on_the_probe_rows() {
    let run = circles_run("");
    let norms = run.probe_grad_norms();
    assert_eq!(norms.iter().map(Vec::len).collect::<Vec<_>>(), [8, 2]);
    // the same gradient computed directly on the same (first 200 ≤ 512) training rows
    let net = run.network();
    let data = run.part(Split::Train).unwrap();
    let probe = data.subset(&(0..data.n.min(512)).collect::<Vec<_>>());
    let x = mlp_lab::train::batch::all_features(&probe);
    let y = mlp_lab::train::batch::all_targets(&probe, 2);
    let mut ws = net.workspace(x.nrows());
    let mut grads = net.zero_gradients();
    net.loss_and_gradients(
        &x,
        &y,
        Loss::CrossEntropy,
        run.config().fused,
        &mut ws,
        &mut grads,
    );
    for (l, layer) in norms.iter().enumerate() {
        let whole: f64 = grads
            .weights(l)
            .iter()
            .chain(grads.bias(l))
            .map(|g| (*g as f64).powi(2))
            .sum();
        let parts: f64 = layer.iter().map(|n| n * n).sum();
        assert!(
            (whole - parts).abs() <= 1e-6 * whole.max(1e-12),
            "layer {l}: {whole} vs {parts}"
        );
        assert!(layer.iter().all(|n| n.is_finite() && *n >= 0.0));
    }
}
