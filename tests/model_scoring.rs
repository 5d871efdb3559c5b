//! How a model file is scored on data (`model_io::score`), the one rule `mlp-lab eval` and the
//! page's imported models share: its task and loss come from the file, else from its loss, else
//! from its output layer; the data's classes are matched to the model's by name; its input
//! scaling is applied; and data that does not fit is refused with the reason.

use mlp_lab::config::Task;
use mlp_lab::data::Dataset;
use mlp_lab::model_io::{Model, ScoreError};
use mlp_lab::nn::{Activation, Dense, Loss, Network};
use mlp_lab::train::Metrics;
use mlp_lab::Matrix;

mod common;

/// One layer from 2 inputs: unit j sees input j (so input 0 high means class 0).
fn model(units: usize, activation: Activation) -> Model {
    let w = Matrix::from_fn(units, 2, |j, i| if i == j % 2 { 4.0 } else { -4.0 });
    let layer = Dense::new(w, vec![0.0; units], &vec![activation; units]);
    Model::new(Network {
        input: 2,
        layers: vec![layer],
    })
}

/// Rows (1, 0) labelled `a` and (0, 1) labelled `b`, the names in the given order.
fn two_classes(names: [&str; 2]) -> Dataset {
    let a = names.iter().position(|n| *n == "a").unwrap() as u32;
    let mut d = common::classes(vec![1.0, 0.0, 0.0, 1.0, 1.0, 0.0], 2, vec![a, 1 - a, a], 2);
    d.class_names = names.map(String::from).to_vec();
    d
}

#[test]
fn a_file_without_task_or_loss_is_scored_as_its_output_layer_says() {
    let (softmax, sigmoid1, identity) = (
        model(2, Activation::Softmax),
        model(1, Activation::Sigmoid),
        model(2, Activation::Identity),
    );
    assert_eq!(
        softmax.scoring(None),
        (Task::Multiclass, Loss::CrossEntropy)
    );
    assert_eq!(
        sigmoid1.scoring(None),
        (Task::Binary, Loss::BinaryCrossEntropy)
    );
    assert_eq!(identity.scoring(None), (Task::Regression, Loss::Mse));
    // A loss names the task when the file does not; the file's own task wins over both.
    let mut with_loss = model(2, Activation::Sigmoid);
    with_loss.loss = Some(Loss::BinaryCrossEntropy);
    assert_eq!(with_loss.implied_task(), Task::Binary);
    with_loss.task = Some(Task::Regression);
    assert_eq!(
        with_loss.scoring(None),
        (Task::Regression, Loss::BinaryCrossEntropy)
    );
    // An asked-for task overrides the file's; the loss follows the output layer.
    assert_eq!(
        softmax.scoring(Some(Task::Regression)),
        (Task::Regression, Loss::Mse)
    );
}

#[test]
fn labels_numbered_in_another_order_are_scored_against_the_right_units() {
    let mut m = model(2, Activation::Softmax);
    m.class_names = vec!["a".into(), "b".into()];
    let same = m.score(two_classes(["a", "b"]), None).unwrap();
    let swapped = m.score(two_classes(["b", "a"]), None).unwrap();
    assert_eq!(same.accuracy(), Some(1.0));
    assert_eq!(
        swapped, same,
        "a file numbering b before a is matched by name"
    );
}

#[test]
fn a_class_the_model_does_not_know_and_a_wrong_width_are_refused() {
    let mut m = model(2, Activation::Softmax);
    m.class_names = vec!["a".into(), "c".into()];
    let e = m.score(two_classes(["a", "b"]), None).unwrap_err();
    assert!(matches!(e, ScoreError::Classes(_)), "{e:?}");
    assert!(e.to_string().contains("\"b\""), "{e}");
    let wide = common::classes(vec![0.0; 6], 3, vec![0, 1], 2);
    let e = m.score(wide, None).unwrap_err();
    assert_eq!(e, ScoreError::Width { model: 2, data: 3 });
    let values = common::values(vec![0.5, 0.5], 2, vec![1.0]);
    let e = model(2, Activation::Softmax)
        .score(values, None)
        .unwrap_err();
    assert!(matches!(e, ScoreError::Targets(_)), "{e:?}");
}

#[test]
fn the_model_input_scaling_is_applied_to_raw_rows() {
    let mut m = model(2, Activation::Softmax);
    m.input_scaling = Some(mlp_lab::data::split::Standardizer {
        mean: vec![10.0, 10.0],
        std: vec![2.0, 2.0],
    });
    // (12, 10) standardises to (1, 0): class 0.
    let raw = m.predict(&[12.0, 10.0]).unwrap();
    let plain = model(2, Activation::Softmax).predict(&[1.0, 0.0]).unwrap();
    assert_eq!(raw, plain);
    let data = common::classes(vec![12.0, 10.0, 10.0, 12.0], 2, vec![0, 1], 2);
    let Metrics::Classification { accuracy, .. } = m.score(data, None).unwrap() else {
        panic!("classification metrics");
    };
    assert_eq!(accuracy, 1.0);
    let e = m.predict(&[1.0]).unwrap_err();
    assert!(e.to_string().contains("whole rows of 2 features"), "{e}");
}

#[test]
fn task_names_are_read_in_one_place() {
    assert_eq!(Task::from_name("binary"), Ok(Task::Binary));
    let e = Task::from_name("clustering").unwrap_err();
    assert!(
        e.contains("`clustering`") && e.contains("regression, binary or multiclass"),
        "{e}"
    );
}
