//! `start_problems`: everything Start would refuse about a config against the loaded data, listed
//! before Start with the field to change — the targets, augmentation (images only, a shift
//! smaller than them, flips of colour images) and early stopping (it needs validation rows).

use mlp_lab::config::Config;
use mlp_lab::data::{Dataset, Targets};
use mlp_lab::train::targets::start_problems;

fn data(n: usize, image_shape: Option<[usize; 3]>) -> Dataset {
    let d = image_shape.map_or(2, |[h, w, c]| h * w * c);
    Dataset {
        features: vec![0.5; n * d],
        n,
        d,
        targets: Targets::Classes {
            labels: (0..n).map(|i| (i % 2) as u32).collect(),
            n_classes: 2,
        },
        class_names: Vec::new(),
        feature_names: Vec::new(),
        image_shape,
    }
}

/// A two-class softmax net with `extra` config fields (JSON members, leading comma included).
fn config(extra: &str) -> Config {
    Config::from_json(&format!(
        r#"{{"layers":[{{"units":4,"activation":"tanh"}},{{"units":2,"activation":"softmax"}}],"loss":"cross_entropy"{extra}}}"#
    ))
    .expect("a valid config")
}

fn fields(c: &Config, d: &Dataset) -> Vec<String> {
    start_problems(c, d, false)
        .into_iter()
        .map(|(f, _)| f)
        .collect()
}

#[test]
fn a_config_that_fits_the_data_has_no_problem() {
    let c = config(
        r#","validation_split":0.2,"early_stopping":{"metric":"val_loss"},"augment":{"shift":1}"#,
    );
    assert!(start_problems(&c, &data(20, Some([8, 8, 1])), false).is_empty());
}

#[test]
fn early_stopping_without_validation_rows_names_early_stopping() {
    let c = config(r#","validation_split":0.0,"early_stopping":{"metric":"val_loss"}"#);
    let problems = start_problems(&c, &data(20, None), false);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, "early_stopping");
    assert!(
        problems[0].1.contains("set validation_split above 0"),
        "{problems:?}"
    );
    // A split too small to give a single row of 20 is no validation split either.
    let tiny = config(r#","validation_split":0.02,"early_stopping":{"metric":"val_loss"}"#);
    assert_eq!(fields(&tiny, &data(20, None)), ["early_stopping"]);
    let enough = config(r#","validation_split":0.05,"early_stopping":{"metric":"val_loss"}"#);
    assert!(fields(&enough, &data(20, None)).is_empty());
}

#[test]
fn augmentation_problems_name_the_augment_field_at_fault() {
    let shift = config(r#","augment":{"shift":2}"#);
    assert_eq!(fields(&shift, &data(10, None)), ["augment"]);
    let (_, message) = &start_problems(&shift, &data(10, None), false)[0];
    assert!(message.contains("image data sets only"), "{message}");
    let too_far = config(r#","augment":{"shift":4}"#);
    assert_eq!(
        fields(&too_far, &data(10, Some([4, 4, 1]))),
        ["augment.shift"]
    );
    let flip = config(r#","augment":{"flip":true}"#);
    assert_eq!(fields(&flip, &data(10, Some([4, 4, 1]))), ["augment.flip"]);
    assert!(fields(&flip, &data(10, Some([4, 4, 3]))).is_empty());
}

#[test]
fn target_and_rule_problems_are_listed_together() {
    let c = Config::from_json(
        r#"{"layers":[{"units":3,"activation":"softmax"}],"loss":"cross_entropy","augment":{"shift":1}}"#,
    )
    .unwrap();
    assert_eq!(fields(&c, &data(10, None)), ["layers[0].units", "augment"]);
}
