//! Taking a model elsewhere, in the export build only (`export-wasm` feature, www/pkg-export/,
//! loaded when the page's user asks for ONNX or predictions, and by the npm package): ONNX
//! bytes, the predictions table `mlp-lab predict` writes, and data sets from plain arrays. The
//! trainer build (www/pkg/) has none of this, so the ONNX writer and the CSV table never grow it.
//!
//! Errors are the usual `Failure` objects; a CSV error also carries `line` (and `column` when
//! one cell is at fault), 1-based as the message says.

use super::convert::{request, set, to_js, Failure};
use super::data::DataSet;
use super::model::Model;
use crate::config::Task;
use crate::data::{DataError, Dataset, Targets};
use crate::predict::{predict_csv, predictions, Predictions};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// `{columns, n, labels: [class name] | null, numbers: Float32Array}`: the numeric columns
/// row-major (every column after `prediction` for a classifier, every column for regression).
#[derive(Serialize)]
struct Table<'a> {
    columns: &'a [String],
    n: usize,
    labels: Option<&'a [String]>,
}

/// The model as the bytes of an `.onnx` file (what `mlp-lab export --format onnx` writes).
#[wasm_bindgen]
pub fn model_onnx(model: &Model) -> Vec<u8> {
    crate::onnx::export(&model.inner)
}

/// The predictions table for rows of raw features (row-major, the model's input width each):
/// `{columns, n, labels, numbers}` as [`Table`] says, the same numbers `mlp-lab predict` writes.
#[wasm_bindgen]
pub fn model_predictions(model: &Model, features: &[f32]) -> Result<JsValue, JsValue> {
    let d = model.inner.network.input;
    if features.len() % d != 0 {
        return Err(request(format!(
            "{} feature values are not whole rows of the model's {d} inputs",
            features.len()
        )));
    }
    table_object(&predictions(&model.inner, features.to_vec()), None)
}

/// A CSV file of feature rows (text, or raw/gzip bytes) through the model, as `mlp-lab predict
/// --data FILE` reads it: `{columns, n, labels, numbers, preview: [[cell text]] (the first
/// `preview` rows as the CSV writes them), csv}` — `csv` is byte for byte the CLI's output.
#[wasm_bindgen]
pub fn model_predict_csv(
    model: &Model,
    name: &str,
    data: JsValue,
    preview: u32,
) -> Result<JsValue, JsValue> {
    let bytes = match data.as_string() {
        Some(s) => s.into_bytes(),
        None => super::convert::bytes_of(&data)
            .ok_or_else(|| request(format!("{name}: the CSV must be given as text or bytes")))?,
    };
    let table = predict_csv(&model.inner, name, &bytes).map_err(csv_failure)?;
    table_object(&table, Some(preview as usize))
}

fn table_object(table: &Predictions, preview: Option<usize>) -> Result<JsValue, JsValue> {
    let labels = (!table.labels.is_empty()).then_some(&table.labels[..]);
    let o = to_js(&Table {
        columns: &table.columns,
        n: table.n,
        labels,
    })?;
    let o: js_sys::Object = o.into();
    let numbers = js_sys::Float32Array::from(&table.numbers[..]);
    set(&o, "numbers", numbers.into())?;
    if let Some(rows) = preview {
        let shown: Vec<Vec<String>> = (0..table.n.min(rows)).map(|r| table.row(r)).collect();
        set(&o, "preview", to_js(&shown)?)?;
        set(&o, "csv", JsValue::from_str(&table.to_csv()))?;
    }
    Ok(o.into())
}

/// A data error as a `Failure` (kind `data`), with `line` and `column` when the CSV says where.
fn csv_failure(e: DataError) -> JsValue {
    let at = match &e {
        DataError::BadCell { line, column, .. } => Some((*line, Some(*column))),
        DataError::Ragged { line, .. } | DataError::CsvSyntax { line, .. } => Some((*line, None)),
        _ => None,
    };
    let js: JsValue = Failure::plain("data", &e).into();
    if let (Some((line, column)), Some(o)) = (at, js.dyn_ref::<js_sys::Object>()) {
        let _ = set(o, "line", JsValue::from_f64(line as f64));
        if let Some(c) = column {
            let _ = set(o, "column", JsValue::from_f64(c as f64));
        }
    }
    js
}

/// A data set from plain arrays: `features` row-major with `d` per row; `targets` one per row
/// (or `k` per row for regression) as numbers, or class names as strings (numbered in sorted
/// order, as the CSV reader numbers them). `task` decides what numeric targets are: values for
/// `regression`, class indices 0, 1, … otherwise.
#[wasm_bindgen]
pub fn dataset_from_arrays(
    name: &str,
    features: &[f32],
    d: usize,
    targets: JsValue,
    task: &str,
) -> Result<DataSet, JsValue> {
    let task = Task::from_name(task).map_err(|e| request(format!("{name}: {e}")))?;
    let bad = |m: String| -> JsValue { DataError::invalid(name, m).into() };
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
    let (targets, class_names) = array_targets(&targets, n, task).map_err(bad)?;
    let data = Dataset {
        features: features.to_vec(),
        n,
        d,
        targets,
        class_names,
        feature_names: Vec::new(),
        image_shape: None,
    };
    DataSet::new(name, data, None)
}

fn array_targets(
    targets: &JsValue,
    n: usize,
    task: Task,
) -> Result<(Targets, Vec<String>), String> {
    let array: &js_sys::Array = targets
        .dyn_ref()
        .ok_or("targets must be an array (numbers, or class names as strings)")?;
    if array.length() as usize == n && array.iter().all(|v| v.is_string()) {
        let names: Vec<String> = array.iter().filter_map(|v| v.as_string()).collect();
        if !task.is_classification() {
            return Err("class names as targets need a classification task".into());
        }
        let mut classes = names.clone();
        classes.sort();
        classes.dedup();
        let labels = names
            .iter()
            .map(|c| classes.binary_search(c).unwrap_or(0) as u32)
            .collect();
        let n_classes = classes.len();
        return Ok((Targets::Classes { labels, n_classes }, classes));
    }
    let mut values = Vec::with_capacity(array.length() as usize);
    for (i, v) in array.iter().enumerate() {
        match v.as_f64() {
            Some(x) if x.is_finite() => values.push(x),
            _ => return Err(format!("targets[{i}] is not a finite number: {v:?}")),
        }
    }
    if values.is_empty() || values.len() % n != 0 {
        return Err(format!("{} targets for {n} rows", values.len()));
    }
    if !task.is_classification() {
        let k = values.len() / n;
        let values = values.iter().map(|&v| v as f32).collect();
        return Ok((Targets::Values { values, k }, Vec::new()));
    }
    if values.len() != n {
        return Err(format!("{} class labels for {n} rows", values.len()));
    }
    if let Some(i) = values
        .iter()
        .position(|v| *v < 0.0 || v.fract() != 0.0 || *v > 1e6)
    {
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
