//! Predictions for new rows: a CSV text of feature rows (or a loaded data set) through a saved
//! model, to a table with the predicted class and a probability per class (classifiers) or the
//! predicted values (regression), and that table as CSV text. The CLI's `predict` and the page
//! share this; only reading and writing files is theirs.

mod columns;
mod rows;
mod table;

pub use columns::feature_columns;
pub use rows::read_feature_rows;
pub use table::{number_text, Predictions};

use crate::config::Task;
use crate::data::{DataError, Dataset};
use crate::model_io::Model;
use crate::nn::Activation;
use crate::{Matrix, Real};

/// Rows per forward pass, as the page's worker predicts.
const CHUNK: usize = 1024;

/// Predictions for the feature rows of a CSV file's bytes (raw or gzip); `name` labels errors.
pub fn predict_csv(model: &Model, name: &str, bytes: &[u8]) -> Result<Predictions, DataError> {
    let rows = read_feature_rows(name, bytes, model)?;
    Ok(predictions(model, rows))
}

/// Predictions for every row of a loaded data set, its columns matched to the model's features
/// by name when both have names (a column named like the model's target is left out).
pub fn predict_dataset(
    model: &Model,
    name: &str,
    data: &Dataset,
) -> Result<Predictions, DataError> {
    let columns: Vec<usize> = if data.feature_names.len() == data.d {
        feature_columns(&data.feature_names, model).map_err(|m| {
            let at = m
                .column
                .map_or(String::new(), |c| format!("feature column {}: ", c + 1));
            DataError::invalid(name, format!("{at}{}", m.message))
        })?
    } else if data.d == model.network.input {
        (0..data.d).collect()
    } else {
        return Err(DataError::invalid(
            name,
            format!(
                "the model takes {} inputs but the data has {} features",
                model.network.input, data.d
            ),
        ));
    };
    let mut features = Vec::with_capacity(data.n * columns.len());
    for r in 0..data.n {
        let row = data.row(r);
        features.extend(columns.iter().map(|&c| row[c]));
    }
    Ok(predictions(model, features))
}

/// The predictions table for raw feature rows in the model's input order (row-major).
pub fn predictions(model: &Model, features: Vec<f32>) -> Predictions {
    let out = outputs(model, features);
    Predictions::new(model, &out)
}

/// The output layer's activations for raw feature rows (row-major, whole rows of the model's
/// input width), standardised first as the model says: what the engine computes.
#[allow(clippy::unnecessary_cast)] // Real is f32, or f64 with the `f64` feature
pub fn outputs(model: &Model, mut features: Vec<f32>) -> Matrix {
    let d = model.network.input;
    if let Some(s) = &model.input_scaling {
        features
            .chunks_exact_mut(d)
            .for_each(|row| s.apply_row(row));
    }
    let n = features.len() / d;
    let x = Matrix::from_row_iterator(n, d, features.iter().map(|v| *v as Real));
    model.network.predict(&x, CHUNK)
}

/// The model's task; a model saved without one is judged by its output layer as `eval` does:
/// softmax outputs classify, one sigmoid output is binary, anything else is regression.
pub fn model_task(model: &Model) -> Task {
    if let Some(task) = model.task {
        return task;
    }
    let net = &model.network;
    match net.layers.last().and_then(|l| l.uniform_activation()) {
        Some(Activation::Softmax) => Task::Multiclass,
        Some(Activation::Sigmoid) if net.output_units() == 1 => Task::Binary,
        _ => Task::Regression,
    }
}

/// A classifier's class names in output order: the model's own, else `0`, `1`, … (one output
/// unit is two classes: the unit is the second class's probability).
pub fn class_names(model: &Model) -> Vec<String> {
    let n = model.network.output_units().max(2);
    if model.class_names.len() == n {
        model.class_names.clone()
    } else {
        (0..n).map(|c| c.to_string()).collect()
    }
}

/// What each column of the model's output is, by the predictions table's column names:
/// `p_<class>` per output unit of a classifier, `prediction` or `prediction_<j>` for regression.
pub fn output_columns(model: &Model) -> Vec<String> {
    let k = model.network.output_units();
    if model_task(model).is_classification() {
        let names = class_names(model);
        return names[names.len() - k..]
            .iter()
            .map(|c| format!("p_{c}"))
            .collect();
    }
    match k {
        1 => vec!["prediction".to_string()],
        _ => (0..k).map(|j| format!("prediction_{j}")).collect(),
    }
}
