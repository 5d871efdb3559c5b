//! Data sets from arrays (the npm package's `{features, targets}`): class names numbered in
//! sorted order as the CSV reader numbers them, class indices, values, and every bad input named.

use mlp_lab::config::Task;
use mlp_lab::data::arrays::{from_arrays, ArrayTargets};
use mlp_lab::data::Targets;

fn names(v: &[&str]) -> ArrayTargets {
    ArrayTargets::Names(v.iter().map(|s| s.to_string()).collect())
}

fn error(features: Vec<f32>, d: usize, targets: ArrayTargets, task: Task) -> String {
    from_arrays("rows", features, d, targets, task)
        .expect_err("refused")
        .to_string()
}

#[test]
fn class_names_are_numbered_in_sorted_order() {
    let t = names(&["pear", "apple", "pear", "fig"]);
    let data = from_arrays("rows", vec![0.0; 8], 2, t, Task::Multiclass).unwrap();
    assert_eq!((data.n, data.d), (4, 2));
    assert_eq!(data.class_names, ["apple", "fig", "pear"]);
    let labels = vec![2, 0, 2, 1];
    assert_eq!(
        data.targets,
        Targets::Classes {
            labels,
            n_classes: 3
        }
    );
}

#[test]
fn numbers_are_class_indices_for_classifiers_and_values_for_regression() {
    let t = ArrayTargets::Numbers(vec![1.0, 0.0, 1.0]);
    let data = from_arrays("rows", vec![1.0; 3], 1, t, Task::Binary).unwrap();
    assert_eq!(data.class_names, ["0", "1"]);
    let t = ArrayTargets::Numbers(vec![0.5, -1.0, 2.0, 3.0]);
    let data = from_arrays("rows", vec![1.0; 4], 2, t, Task::Regression).unwrap();
    let values = vec![0.5, -1.0, 2.0, 3.0];
    assert_eq!(data.targets, Targets::Values { values, k: 2 });
}

#[test]
fn bad_arrays_are_refused_with_the_place_named() {
    let two = || ArrayTargets::Numbers(vec![0.0, 1.0]);
    let cases = [
        (
            error(vec![1.0; 3], 2, two(), Task::Binary),
            "rows: 3 feature values are not whole rows of 2 features",
        ),
        (
            error(vec![1.0, 2.0, f32::NAN, 4.0], 2, two(), Task::Binary),
            "rows: row 2, feature 1: NaN is not a finite number",
        ),
        (
            error(
                vec![1.0; 4],
                2,
                ArrayTargets::Numbers(vec![0.0, 1.5]),
                Task::Multiclass,
            ),
            "rows: targets[1] = 1.5 is not a class index (a whole number ≥ 0)",
        ),
        (
            error(
                vec![1.0; 4],
                2,
                ArrayTargets::Numbers(vec![0.0]),
                Task::Binary,
            ),
            "rows: 1 class labels for 2 rows",
        ),
        (
            error(vec![1.0; 4], 2, names(&["a", "b"]), Task::Regression),
            "rows: class names as targets need a classification task",
        ),
        (
            error(
                vec![1.0; 4],
                2,
                ArrayTargets::Numbers(vec![1.0, 2.0, 3.0]),
                Task::Regression,
            ),
            "rows: 3 target values for 2 rows (expected the same number for every row)",
        ),
        (
            error(
                vec![1.0; 4],
                2,
                ArrayTargets::Numbers(vec![1.0, f64::INFINITY]),
                Task::Regression,
            ),
            "rows: targets[1] = inf is not a finite number",
        ),
    ];
    for (got, want) in cases {
        assert!(
            got.ends_with(want.trim_start_matches("rows: ")),
            "{got:?} should be {want:?}"
        );
    }
}
