//! A data set from values a program already holds (the npm package's `{features, targets}`):
//! rows of features and one target per row — class names, class indices, or values.

use super::{DataError, Dataset, Targets};
use crate::config::Task;

/// The targets as given: class names (numbered in sorted order, as the CSV reader numbers them)
/// or numbers (class indices 0, 1, … for a classification task; `k` values per row otherwise).
pub enum ArrayTargets {
    Names(Vec<String>),
    Numbers(Vec<f64>),
}

/// `features` row-major, `d` per row. Errors name the row and feature, or the target, at fault.
pub fn from_arrays(
    name: &str,
    features: Vec<f32>,
    d: usize,
    targets: ArrayTargets,
    task: Task,
) -> Result<Dataset, DataError> {
    let bad = |m: String| DataError::invalid(name, m);
    if d == 0 || features.is_empty() || features.len() % d != 0 {
        return Err(bad(format!(
            "{} feature values are not whole rows of {d} features",
            features.len()
        )));
    }
    if let Some(i) = features.iter().position(|v| !v.is_finite()) {
        return Err(bad(format!(
            "row {}, feature {}: {} is not a finite number",
            i / d + 1,
            i % d + 1,
            features[i]
        )));
    }
    let n = features.len() / d;
    let (targets, class_names) = match targets {
        ArrayTargets::Names(names) => named_classes(names, n, task),
        ArrayTargets::Numbers(values) if task.is_classification() => class_indices(values, n),
        ArrayTargets::Numbers(values) => target_values(values, n),
    }
    .map_err(bad)?;
    Ok(Dataset {
        features,
        n,
        d,
        targets,
        class_names,
        feature_names: Vec::new(),
        image_shape: None,
    })
}

type Parts = (Targets, Vec<String>);

fn named_classes(names: Vec<String>, n: usize, task: Task) -> Result<Parts, String> {
    if !task.is_classification() {
        return Err("class names as targets need a classification task".into());
    }
    if names.len() != n {
        return Err(format!("{} class names for {n} rows", names.len()));
    }
    let mut classes = names.clone();
    classes.sort();
    classes.dedup();
    let labels = names
        .iter()
        .map(|c| classes.binary_search(c).unwrap_or(0) as u32)
        .collect();
    let n_classes = classes.len();
    Ok((Targets::Classes { labels, n_classes }, classes))
}

fn class_indices(values: Vec<f64>, n: usize) -> Result<Parts, String> {
    if values.len() != n {
        return Err(format!("{} class labels for {n} rows", values.len()));
    }
    let bad = |v: &f64| !(v.is_finite() && *v >= 0.0 && v.fract() == 0.0 && *v <= 1e6);
    if let Some(i) = values.iter().position(bad) {
        return Err(format!(
            "targets[{i}] = {} is not a class index (a whole number ≥ 0)",
            values[i]
        ));
    }
    let labels: Vec<u32> = values.iter().map(|&v| v as u32).collect();
    let n_classes = (labels.iter().max().copied().unwrap_or(0) as usize + 1).max(2);
    let names = (0..n_classes).map(|c| c.to_string()).collect();
    Ok((Targets::Classes { labels, n_classes }, names))
}

fn target_values(values: Vec<f64>, n: usize) -> Result<Parts, String> {
    if values.is_empty() || values.len() % n != 0 {
        return Err(format!(
            "{} target values for {n} rows (expected the same number for every row)",
            values.len()
        ));
    }
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        return Err(format!(
            "targets[{i}] = {} is not a finite number",
            values[i]
        ));
    }
    let k = values.len() / n;
    let values = values.iter().map(|&v| v as f32).collect();
    Ok((Targets::Values { values, k }, Vec::new()))
}
