//! `target_problem`: what the page shows before Start about a config against the loaded targets,
//! with the field to change. Its message is Start's own refusal (`check_targets`).

use mlp_lab::config::Config;
use mlp_lab::data::{Dataset, Targets};
use mlp_lab::train::targets::{check_targets, target_problem};

fn data(targets: Targets, n: usize) -> Dataset {
    Dataset {
        features: vec![0.5; n * 2],
        n,
        d: 2,
        targets,
        class_names: Vec::new(),
        feature_names: Vec::new(),
        image_shape: None,
    }
}

fn classes(n_classes: usize) -> Dataset {
    let labels = (0..12).map(|i| (i % n_classes) as u32).collect();
    data(Targets::Classes { labels, n_classes }, 12)
}

fn values(k: usize) -> Dataset {
    data(
        Targets::Values {
            values: vec![0.25; 12 * k],
            k,
        },
        12,
    )
}

/// Two layers, the last with `units`, the given loss and (optionally) an explicit task.
fn config(units: usize, loss: &str, task: Option<&str>) -> Config {
    let output = match loss {
        "cross_entropy" => "softmax",
        "binary_cross_entropy" => "sigmoid",
        _ => "identity",
    };
    let task = task.map_or(String::new(), |t| format!(r#","task":"{t}""#));
    Config::from_json(&format!(
        r#"{{"layers":[{{"units":4,"activation":"tanh"}},{{"units":{units},"activation":"{output}"}}],"loss":"{loss}"{task}}}"#
    ))
    .expect("a valid config")
}

fn problem(c: &Config, d: &Dataset, rereads: bool) -> Option<(String, String)> {
    target_problem(c, d, rereads)
}

#[test]
fn a_fitting_config_has_no_problem() {
    assert_eq!(
        problem(&config(3, "cross_entropy", None), &classes(3), false),
        None
    );
    assert_eq!(problem(&config(2, "mse", None), &values(2), false), None);
    assert_eq!(
        problem(&config(1, "binary_cross_entropy", None), &classes(2), false),
        None
    );
}

#[test]
fn the_wrong_number_of_output_units_is_on_the_units_field_with_starts_message() {
    let c = config(5, "cross_entropy", None);
    let d = classes(3);
    let (field, message) = problem(&c, &d, false).expect("5 units for 3 classes");
    assert_eq!(field, "layers[1].units");
    assert!(
        message.contains("3 classes but the output layer has 5 units"),
        "{message}"
    );
    let start = check_targets(&d, c.task(), 5, "the loaded")
        .unwrap_err()
        .to_string();
    assert_eq!(message, start);

    let (field, message) =
        problem(&config(1, "mse", None), &values(2), false).expect("1 unit, 2 columns");
    assert_eq!(field, "layers[1].units");
    assert!(
        message.contains("2 target column(s) but the output layer has 1 unit(s)"),
        "{message}"
    );

    let (field, message) = problem(&config(1, "binary_cross_entropy", None), &classes(3), false)
        .expect("one unit for 3 classes");
    assert_eq!(field, "layers[1].units");
    assert!(message.contains("needs 2 classes, found 3"), "{message}");
}

#[test]
fn a_task_the_targets_cannot_serve_is_on_the_loss_or_on_an_explicit_task() {
    let (field, message) =
        problem(&config(1, "mse", None), &classes(3), false).expect("mse on classes");
    assert_eq!(field, "loss");
    assert!(
        message.contains("the task is regression but the targets are classes"),
        "{message}"
    );

    let (field, _) =
        problem(&config(3, "cross_entropy", None), &values(1), false).expect("classes on values");
    assert_eq!(field, "loss");

    let (field, message) = problem(
        &config(3, "cross_entropy", Some("multiclass")),
        &values(1),
        false,
    )
    .expect("explicit task");
    assert_eq!(field, "task");
    assert!(
        message.contains("the task is multiclass but the targets are real values"),
        "{message}"
    );
}

#[test]
fn a_csv_read_again_is_judged_only_on_what_is_known() {
    // classes read as one value column for a regression config: one unit fits, three do not
    assert_eq!(problem(&config(1, "mse", None), &classes(3), true), None);
    let (field, message) =
        problem(&config(3, "mse", None), &classes(3), true).expect("3 units for one column");
    assert_eq!(field, "layers[1].units");
    assert!(
        message.contains("one target but the output layer has 3 units"),
        "{message}"
    );
    // values read as classes: how many is not known until it is read
    assert_eq!(
        problem(&config(7, "cross_entropy", None), &values(1), true),
        None
    );
    // no re-reading needed: judged as any other data
    assert!(problem(&config(5, "cross_entropy", None), &classes(3), true).is_some());
}
