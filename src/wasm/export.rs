//! Taking a model elsewhere, in the export build only (`export-wasm` feature, www/pkg-export/,
//! loaded when the page's user asks for ONNX or predictions, and by the npm package): ONNX
//! bytes, the predictions table `mlp-lab predict` writes, and data sets from plain arrays. The
//! trainer build (www/pkg/) has none of this, so the ONNX writer and the CSV table never grow it.
//!
//! Errors are the usual `Failure` objects; a CSV error also carries `line` (and `column` when
//! one cell is at fault), 1-based as the message says.

use super::convert::{request, set, to_js, Failure};
use super::data::{csv_target, read_csv, DataSet};
use super::model::Model;
use crate::config::Task;
use crate::data::arrays::{from_arrays, ArrayTargets};
use crate::data::DataError;
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
    if features.is_empty() || features.len() % d != 0 {
        return Err(request(format!(
            "{} feature values are not whole rows (at least one) of the model's {d} inputs",
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
    let bytes = csv_bytes(name, &data)?;
    let table = predict_csv(&model.inner, name, &bytes).map_err(csv_failure)?;
    table_object(&table, Some(preview as usize))
}

fn csv_bytes(name: &str, data: &JsValue) -> Result<Vec<u8>, JsValue> {
    match data.as_string() {
        Some(s) => Ok(s.into_bytes()),
        None => super::convert::bytes_of(data)
            .ok_or_else(|| request(format!("{name}: the CSV must be given as text or bytes"))),
    }
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

/// `DataSet.from_csv` whose errors carry `line` and `column` (see [`csv_failure`]); `task` (the
/// config's, when it is valid) decides whether the target holds classes or values. (Not named
/// `dataset_from_csv`: wasm-bindgen exports that method under that symbol.)
#[wasm_bindgen]
pub fn csv_data_set(
    name: &str,
    text: JsValue,
    target: &str,
    task: Option<String>,
) -> Result<DataSet, JsValue> {
    let bytes = csv_bytes(name, &text)?;
    let (column, task) = csv_target(name, target, task.as_deref())?;
    let data = read_csv(name, &bytes, column, task).map_err(csv_failure)?;
    DataSet::new(name, data, None)
}

/// A data set from plain arrays (`crate::data::arrays`): `features` row-major with `d` per row;
/// `targets` an array of class names (strings) or of numbers (class indices, or values when
/// `task` is `regression`; `k` per row for several outputs).
#[wasm_bindgen]
pub fn array_data_set(
    name: &str,
    features: Vec<f32>,
    d: usize,
    targets: JsValue,
    task: &str,
) -> Result<DataSet, JsValue> {
    let task = Task::from_name(task).map_err(|e| request(format!("{name}: {e}")))?;
    let data = from_arrays(name, features, d, array_targets(name, &targets)?, task)?;
    DataSet::new(name, data, None)
}

/// Strings are class names; anything else must be numbers.
fn array_targets(name: &str, targets: &JsValue) -> Result<ArrayTargets, JsValue> {
    let array: &js_sys::Array = targets.dyn_ref().ok_or_else(|| {
        request(format!(
            "{name}: targets must be an array (numbers, or class names as strings)"
        ))
    })?;
    if array.length() > 0 && array.iter().all(|v| v.is_string()) {
        return Ok(ArrayTargets::Names(
            array.iter().filter_map(|v| v.as_string()).collect(),
        ));
    }
    let mut values = Vec::with_capacity(array.length() as usize);
    for (i, v) in array.iter().enumerate() {
        let x = v.as_f64().ok_or_else(|| {
            request(format!(
                "{name}: targets[{i}] is neither a number nor (with all the others) a class name"
            ))
        })?;
        values.push(x);
    }
    Ok(ArrayTargets::Numbers(values))
}
