//! The WebAssembly face of the engine, for the page's training worker (`www/worker.js`). This
//! is the only module that knows wasm-bindgen, and it holds no training logic: it converts
//! JavaScript values to engine types and back, and turns every error into a JavaScript `Error`.
//!
//! From JavaScript (`import init, {DataSet, Trainer, ...} from './pkg/mlp_lab.js'`):
//!
//! - `DataSet.toy / from_csv / from_idx / from_cifar / from_prepared(...)` parse bytes into a
//!   data set kept in wasm memory; `summary()` describes it.
//! - `new Trainer(config, dataSet, initModelJson?)` splits and standardises the data as the
//!   config says and builds the network; `step(nBatches)` trains a slice and returns the progress
//!   with the epoch records it finished; `evaluate`, `confusion_matrix`, `predict`,
//!   `weight_histograms`, `grad_norms`, `history`, `export_model` read it.
//! - `import_model(json)` gives a `Model` (a saved network) that predicts and evaluates alone.
//! - `validate_config(config)` lists every problem of a config as `{field, message}`.
//!
//! Errors are thrown as `Error` objects with a `kind` property (`config`, `data`, `model`,
//! `train` or `request`) and, when the problem is in one field of a config or model file, a
//! `field` property holding its path (`layers[1].activation`), which the message also starts with.
//! Nothing panics on bad input; should an internal bug panic anyway, the message is kept for
//! [`last_panic`] and logged to the console.

use crate::config::{Config, ConfigError};
use crate::data::csv::{load_csv_bytes, Column, TargetKind, TargetSpec};
use crate::data::idx::{idx_dataset, parse_idx, IdxFile, FASHION_MNIST_CLASSES, MNIST_CLASSES};
use crate::data::prepared::{parse_manifest, parse_prepared_named};
use crate::data::split::Standardizer;
use crate::data::toy::{self, ToyKind};
use crate::data::{cifar, named, DataError, Dataset, Targets};
use crate::model_io::{Model as SavedModel, ModelError};
use crate::nn::Loss;
use crate::train::metrics::Metrics;
use crate::train::prepare::prepare;
use crate::train::targets::{check_targets, target_problem};
use crate::train::trainer::evaluate;
use crate::train::{TrainError, Trainer as Engine};
use crate::{Matrix, Real};
use serde::Serialize;
use std::fmt::Display;
use std::sync::Mutex;
use wasm_bindgen::prelude::*;

/// The CIFAR-10 class names in label order, as `batches.meta.txt` lists them; used when the page
/// sends batches without the meta file.
pub const CIFAR10_CLASSES: [&str; 10] = [
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
];

/// Integer-valued CSV targets with at most this many distinct values are taken as classes when
/// the caller does not say which task the data is for.
const MAX_AUTO_CLASSES: usize = 20;

/// Rows per chunk when predicting.
const PREDICT_CHUNK: usize = 1024;

/// Training rows in the fixed sample whose loss the worker reports between epochs.
const PROBE_ROWS: usize = 512;

// ---------------------------------------------------------------------------------------------
// Errors and conversions

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Installs a panic hook when the module is instantiated: a panic (an engine bug, never bad
/// input) aborts the wasm call with a bare "unreachable" trap, so the message is logged and
/// kept for [`last_panic`] to let the worker report what happened.
#[wasm_bindgen(start)]
pub fn on_load() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("internal error (please report it): {info}");
        console_error(&message);
        if let Ok(mut slot) = LAST_PANIC.lock() {
            *slot = Some(message);
        }
    }));
}

/// The message of the last panic, if one happened; the module must be reloaded after one.
#[wasm_bindgen]
pub fn last_panic() -> Option<String> {
    LAST_PANIC.lock().ok().and_then(|slot| slot.clone())
}

/// Whether this build uses WebAssembly SIMD (it always does when built with the repository's
/// `.cargo/config.toml`).
#[wasm_bindgen]
pub fn simd_enabled() -> bool {
    cfg!(target_feature = "simd128")
}

/// The crate version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A JavaScript `Error` with `kind` and, when given, `field` properties.
fn js_error(kind: &str, field: Option<&str>, message: impl Display) -> JsValue {
    let e = js_sys::Error::new(&message.to_string());
    let set =
        |k: &str, v: &str| js_sys::Reflect::set(&e, &JsValue::from_str(k), &JsValue::from_str(v));
    let _ = set("kind", kind);
    if let Some(f) = field.filter(|f| !f.is_empty()) {
        let _ = set("field", f);
    }
    e.into()
}

fn request_error(message: impl Display) -> JsValue {
    js_error("request", None, message)
}

fn config_error(e: &ConfigError) -> JsValue {
    js_error("config", Some(e.field()), e)
}

fn data_error(e: DataError) -> JsValue {
    js_error("data", None, e)
}

fn model_error(e: &ModelError) -> JsValue {
    let field = match e {
        ModelError::Field { path, .. } => Some(path.as_str()),
        _ => None,
    };
    js_error("model", field, e)
}

fn train_error(e: &TrainError) -> JsValue {
    js_error("train", None, e)
}

/// Plain JavaScript objects and arrays (maps as objects, `None` as `null`, 64-bit integers as
/// numbers).
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| request_error(format!("cannot convert a result to JavaScript: {e}")))
}

/// A config given as a JavaScript object or as JSON text, as JSON text.
fn config_text(config: &JsValue) -> Result<String, JsValue> {
    if let Some(text) = config.as_string() {
        return Ok(text);
    }
    if config.is_undefined() || config.is_null() {
        return Err(js_error("config", None, "no config was given"));
    }
    js_sys::JSON::stringify(config)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| {
            js_error(
                "config",
                None,
                "the config cannot be written as JSON (it must be a plain object)",
            )
        })
}

/// `(field, message)` of a config error, the message without the field prefix.
fn config_problem(e: &ConfigError) -> (String, String) {
    match e {
        ConfigError::Syntax { message } => (
            String::new(),
            format!("config is not valid JSON: {message}"),
        ),
        ConfigError::Parse { path, message } => (path.clone(), message.clone()),
        ConfigError::Invalid { field, message } => (field.clone(), message.clone()),
    }
}

#[derive(Serialize)]
struct Problem {
    field: String,
    message: String,
}

/// Every problem of a config (a JavaScript object or JSON text) as `[{field, message}]`; empty
/// when the config is valid. A config that does not even parse gives its one parse error.
#[wasm_bindgen]
pub fn validate_config(config: JsValue) -> Result<JsValue, JsValue> {
    let problems: Vec<ConfigError> = match Config::parse_json(&config_text(&config)?) {
        Ok(c) => c.problems(),
        Err(e) => vec![e],
    };
    let list: Vec<Problem> = problems
        .iter()
        .map(|e| {
            let (field, message) = config_problem(e);
            Problem { field, message }
        })
        .collect();
    to_js(&list)
}

/// The task a valid config trains for (`regression`, `binary` or `multiclass`), or `undefined`
/// when the config is not valid.
#[wasm_bindgen]
pub fn config_task(config: JsValue) -> Option<String> {
    let text = config_text(&config).ok()?;
    Config::from_json(&text)
        .ok()
        .map(|c| c.task().name().to_string())
}

fn parse_config(config: &JsValue) -> Result<Config, JsValue> {
    Config::from_json(&config_text(config)?).map_err(|e| config_error(&e))
}

// ---------------------------------------------------------------------------------------------
// Data sets

/// A loaded data set (and its official test split, if the source has one), kept in wasm memory.
#[wasm_bindgen]
pub struct DataSet {
    name: String,
    data: Dataset,
    test: Option<Dataset>,
}

#[derive(Serialize)]
struct DataSummary<'a> {
    name: &'a str,
    n: usize,
    d: usize,
    /// `regression`, `binary` or `multiclass`, from the targets.
    task_hint: &'static str,
    n_classes: Option<usize>,
    class_names: &'a [String],
    feature_names: &'a [String],
    image_shape: Option<[usize; 3]>,
    test_n: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    k: Option<usize>,
}

fn task_hint(data: &Dataset) -> &'static str {
    match data.targets {
        Targets::Values { .. } => "regression",
        Targets::Classes { n_classes, .. } if n_classes <= 2 => "binary",
        Targets::Classes { .. } => "multiclass",
    }
}

fn class_names_arg(value: &JsValue, what: &str) -> Result<Option<Vec<String>>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    serde_wasm_bindgen::from_value::<Vec<String>>(value.clone())
        .map(Some)
        .map_err(|_| request_error(format!("{what}: class_names must be an array of strings")))
}

/// The bytes of every `Uint8Array` (or `ArrayBuffer`) in a JavaScript array, back to back.
fn concat_buffers(list: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    let array: &js_sys::Array = list.dyn_ref().ok_or_else(|| {
        request_error(format!(
            "{what} must be an array of ArrayBuffers or Uint8Arrays"
        ))
    })?;
    let mut out = Vec::new();
    for (i, item) in array.iter().enumerate() {
        let bytes = if let Some(u8s) = item.dyn_ref::<js_sys::Uint8Array>() {
            u8s.to_vec()
        } else if item.is_instance_of::<js_sys::ArrayBuffer>() {
            js_sys::Uint8Array::new(&item).to_vec()
        } else {
            return Err(request_error(format!(
                "{what}[{i}] is not an ArrayBuffer or Uint8Array"
            )));
        };
        out.extend_from_slice(&bytes);
    }
    Ok(out)
}

fn with_test(name: &str, data: Dataset, test: Option<Dataset>) -> Result<DataSet, JsValue> {
    if let Some(t) = &test {
        if t.d != data.d {
            return Err(data_error(DataError::Request(format!(
                "{name}: the test part has {} features but the training part has {}",
                t.d, data.d
            ))));
        }
    }
    Ok(DataSet {
        name: name.to_string(),
        data,
        test,
    })
}

#[wasm_bindgen]
impl DataSet {
    /// A synthetic two-class set in the plane: `kind` is `spirals` or `circles`.
    pub fn toy(kind: &str, n: u32, noise: f64, seed: f64) -> Result<DataSet, JsValue> {
        let k = ToyKind::from_name(kind).ok_or_else(|| {
            let known: Vec<&str> = ToyKind::ALL.iter().map(|k| k.name()).collect();
            request_error(format!(
                "unknown toy set {kind:?}; known: {}",
                known.join(", ")
            ))
        })?;
        if !(seed.is_finite() && seed >= 0.0 && seed.fract() == 0.0 && seed <= 2f64.powi(53)) {
            return Err(request_error(format!(
                "toy set {kind}: seed must be a whole number ≥ 0, found {seed}"
            )));
        }
        let data = toy::generate(k, n as usize, noise, seed as u64).map_err(data_error)?;
        Ok(DataSet {
            name: k.name().to_string(),
            data,
            test: None,
        })
    }

    /// CSV text (or gzip bytes as a Uint8Array) with a header row or in scikit-learn's layout.
    /// `target` names the target column (empty: the last column). `task` decides whether the
    /// target holds classes (`binary`, `multiclass`) or values (`regression`); when absent,
    /// a numeric column of at most 20 distinct whole numbers is taken as classes, any other
    /// numeric column as values, and anything else as class names.
    pub fn from_csv(
        name: &str,
        text: JsValue,
        target: &str,
        task: Option<String>,
    ) -> Result<DataSet, JsValue> {
        let bytes: Vec<u8> = if let Some(s) = text.as_string() {
            s.into_bytes()
        } else if let Some(u8s) = text.dyn_ref::<js_sys::Uint8Array>() {
            u8s.to_vec()
        } else if text.is_instance_of::<js_sys::ArrayBuffer>() {
            js_sys::Uint8Array::new(&text).to_vec()
        } else {
            return Err(request_error(format!(
                "{name}: the CSV must be given as text or bytes"
            )));
        };
        let column = if target.trim().is_empty() {
            Column::Last
        } else {
            Column::Name(target.trim().to_string())
        };
        let spec = |kind| TargetSpec {
            kind,
            ..TargetSpec::classes(column.clone())
        };
        let data = match task.as_deref() {
            Some("regression") => load_csv_bytes(name, &bytes, spec(TargetKind::Values)),
            Some("binary" | "multiclass") => {
                load_csv_bytes(name, &bytes, spec(TargetKind::Classes))
            }
            Some(other) => {
                return Err(request_error(format!(
                    "{name}: unknown task {other:?}, expected regression, binary or multiclass"
                )))
            }
            None => match load_csv_bytes(name, &bytes, spec(TargetKind::Values)) {
                Ok(values) if looks_like_classes(&values) => {
                    load_csv_bytes(name, &bytes, spec(TargetKind::Classes))
                }
                Ok(values) => Ok(values),
                // A target that is not numeric is read as class names; other problems
                // (ragged rows, a missing column) are reported as they are.
                Err(DataError::BadCell { .. }) => {
                    load_csv_bytes(name, &bytes, spec(TargetKind::Classes))
                }
                Err(e) => Err(e),
            },
        }
        .map_err(data_error)?;
        Ok(DataSet {
            name: name.to_string(),
            data,
            test: None,
        })
    }

    /// MNIST-style IDX images and labels (raw or gzip), optionally with the official test pair.
    /// Class names default to Fashion-MNIST's for a name such as `fashion-mnist`, else the
    /// digits 0–9.
    pub fn from_idx(
        name: &str,
        images: &[u8],
        labels: &[u8],
        test_images: Option<Vec<u8>>,
        test_labels: Option<Vec<u8>>,
        class_names: JsValue,
    ) -> Result<DataSet, JsValue> {
        let names: Vec<String> = match class_names_arg(&class_names, name)? {
            Some(n) => n,
            None => {
                let default: &[&str] = match named::canonical(name) {
                    Some("fashion-mnist") => &FASHION_MNIST_CLASSES,
                    _ => &MNIST_CLASSES,
                };
                default.iter().map(|s| s.to_string()).collect()
            }
        };
        let pair = |what: &str, images: &[u8], labels: &[u8]| -> Result<Dataset, JsValue> {
            let images =
                match parse_idx(&format!("{name} {what} images"), images).map_err(data_error)? {
                    IdxFile::Images(i) => i,
                    IdxFile::Labels(l) => {
                        return Err(request_error(format!(
                            "{}: this is a labels file, expected images",
                            l.file
                        )))
                    }
                };
            let labels =
                match parse_idx(&format!("{name} {what} labels"), labels).map_err(data_error)? {
                    IdxFile::Labels(l) => l,
                    IdxFile::Images(i) => {
                        return Err(request_error(format!(
                            "{}: this is an images file, expected labels",
                            i.file
                        )))
                    }
                };
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            idx_dataset(images, labels, &refs).map_err(data_error)
        };
        let data = pair("training", images, labels)?;
        let test = match (test_images, test_labels) {
            (Some(i), Some(l)) => Some(pair("test", &i, &l)?),
            (None, None) => None,
            _ => {
                return Err(request_error(format!(
                    "{name}: test images and test labels come together"
                )))
            }
        };
        with_test(name, data, test)
    }

    /// CIFAR-10 binary batches (each an ArrayBuffer or Uint8Array), optionally with test
    /// batches; class names come from `meta` (the text of `batches.meta.txt`) or default to
    /// CIFAR-10's.
    pub fn from_cifar(
        name: &str,
        batches: JsValue,
        test_batches: JsValue,
        meta: Option<String>,
    ) -> Result<DataSet, JsValue> {
        let names: Vec<String> = match meta {
            Some(text) => cifar::parse_cifar_meta(&format!("{name} batches.meta.txt"), &text)
                .map_err(data_error)?,
            None => CIFAR10_CLASSES.iter().map(|s| s.to_string()).collect(),
        };
        let bytes = concat_buffers(&batches, "batches")?;
        let data = cifar::parse_cifar(&format!("{name} training batches"), &bytes, &names)
            .map_err(data_error)?;
        let test = if test_batches.is_undefined() || test_batches.is_null() {
            None
        } else {
            let bytes = concat_buffers(&test_batches, "test_batches")?;
            Some(
                cifar::parse_cifar(&format!("{name} test batches"), &bytes, &names)
                    .map_err(data_error)?,
            )
        };
        with_test(name, data, test)
    }

    /// The compact subsets `mlp-lab prepare-data` writes (`<name>.train.bin`, optionally
    /// `<name>.test.bin`), with the manifest `<name>.json` text supplying class names and the
    /// image shape.
    pub fn from_prepared(
        name: &str,
        train: &[u8],
        test: Option<Vec<u8>>,
        manifest: Option<String>,
    ) -> Result<DataSet, JsValue> {
        let mut data =
            parse_prepared_named(&format!("{name}.train.bin"), train).map_err(data_error)?;
        let mut test = match test {
            Some(bytes) => Some(
                parse_prepared_named(&format!("{name}.test.bin"), &bytes).map_err(data_error)?,
            ),
            None => None,
        };
        if let Some(text) = manifest {
            let m = parse_manifest(&text).map_err(data_error)?;
            m.describe(&mut data).map_err(data_error)?;
            if let Some(t) = test.as_mut() {
                m.describe(t).map_err(data_error)?;
            }
        }
        with_test(name, data, test)
    }

    /// `{name, n, d, task_hint, n_classes, class_names, feature_names, image_shape, test_n, k}`
    /// (`k`: target columns, for real-valued targets).
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        to_js(&DataSummary {
            name: &self.name,
            n: self.data.n,
            d: self.data.d,
            task_hint: task_hint(&self.data),
            n_classes: self.data.n_classes(),
            class_names: &self.data.class_names,
            feature_names: &self.data.feature_names,
            image_shape: self.data.image_shape,
            test_n: self.test.as_ref().map(|t| t.n),
            k: match self.data.targets {
                Targets::Values { k, .. } => Some(k),
                Targets::Classes { .. } => None,
            },
        })
    }

    /// What Start would refuse about `config` (an object or JSON text) against these targets, as
    /// `[{field, message}]` (`target_problem`); empty when they fit, or when the config does not
    /// parse (its own problems say why). `rereads`: a CSV, read again as the task needs.
    pub fn target_problems(&self, config: JsValue, rereads: bool) -> Result<JsValue, JsValue> {
        let config = Config::from_json(&config_text(&config)?).ok();
        let list: Vec<Problem> = config
            .and_then(|c| target_problem(&c, &self.data, rereads))
            .map(|(field, message)| Problem { field, message })
            .into_iter()
            .collect();
        to_js(&list)
    }

    /// The first `limit` rows of the loaded data (`train`: every loaded row; `test`: the
    /// official test set) before any run divides it, shaped as `Trainer.split_rows` gives them,
    /// with no outputs (`outputs` empty, `cols` 0).
    pub fn split_rows(
        &self,
        split: &str,
        limit: u32,
        with_features: bool,
    ) -> Result<JsValue, JsValue> {
        let data = self.part(split)?;
        let rows = data.n.min(limit as usize);
        rows_object(
            data,
            rows,
            with_features.then(|| &data.features[..rows * data.d]),
            &[],
            0,
        )
    }

    #[wasm_bindgen(getter)]
    pub fn n(&self) -> usize {
        self.data.n
    }

    #[wasm_bindgen(getter)]
    pub fn d(&self) -> usize {
        self.data.d
    }
}

impl DataSet {
    /// `train` (every loaded row) or `test` (the official test set), before any run divides them.
    fn part(&self, split: &str) -> Result<&Dataset, JsValue> {
        match split {
            "train" | "all" => Ok(&self.data),
            "test" => self.test.as_ref().ok_or_else(|| {
                request_error(format!(
                    "{} has no official test set; a run carves one out with test_split",
                    self.name
                ))
            }),
            other => Err(request_error(format!(
                "before a run divides the data there is only train (all loaded rows) or test, not {other:?}"
            ))),
        }
    }
}

/// Whole numbers only, and few distinct ones.
fn looks_like_classes(data: &Dataset) -> bool {
    let Targets::Values { values, k: 1 } = &data.targets else {
        return false;
    };
    let mut distinct: Vec<f32> = Vec::new();
    for v in values {
        if v.fract() != 0.0 || *v < 0.0 {
            return false;
        }
        if !distinct.contains(v) {
            if distinct.len() == MAX_AUTO_CLASSES {
                return false;
            }
            distinct.push(*v);
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Shared by Trainer and Model

/// Outputs for raw (unscaled) features, row-major: `features` holds whole rows of `d` values.
#[allow(clippy::unnecessary_cast)] // Real is f32, or f64 with the `f64` feature
fn predict_rows(
    net: &crate::nn::Network,
    scaling: Option<&Standardizer>,
    features: &[f32],
) -> Result<Vec<f32>, JsValue> {
    let d = net.input;
    if features.is_empty() || features.len() % d != 0 {
        return Err(request_error(format!(
            "predict takes whole rows of {d} features, found {} values",
            features.len()
        )));
    }
    if let Some(i) = features.iter().position(|v| !v.is_finite()) {
        return Err(request_error(format!(
            "feature {i} is {}, not a finite number",
            features[i]
        )));
    }
    let mut rows = features.to_vec();
    if let Some(s) = scaling {
        for row in rows.chunks_exact_mut(d) {
            s.apply_row(row);
        }
    }
    let n = rows.len() / d;
    let x = Matrix::from_row_iterator(n, d, rows.iter().map(|v| *v as Real));
    let out = net.predict(&x, PREDICT_CHUNK);
    let mut flat = Vec::with_capacity(out.len());
    for r in 0..out.nrows() {
        flat.extend(out.row(r).iter().map(|v| *v as f32));
    }
    Ok(flat)
}

/// `{rows, d, features?, targets, k, outputs, cols}` for the first `rows` rows of `data`.
fn rows_object(
    data: &Dataset,
    rows: usize,
    features: Option<&[f32]>,
    outputs: &[f32],
    cols: usize,
) -> Result<JsValue, JsValue> {
    let (targets, k): (Vec<f32>, usize) = match &data.targets {
        Targets::Classes { labels, .. } => (labels[..rows].iter().map(|&l| l as f32).collect(), 1),
        Targets::Values { values, k } => (values[..rows * k].to_vec(), *k),
    };
    let o = js_sys::Object::new();
    let set = |key: &str, value: JsValue| {
        js_sys::Reflect::set(&o, &JsValue::from_str(key), &value).map(|_| ())
    };
    set("rows", rows.into())?;
    set("d", data.d.into())?;
    if let Some(f) = features {
        set("features", js_sys::Float32Array::from(f).into())?;
    }
    set("targets", js_sys::Float32Array::from(&targets[..]).into())?;
    set("k", k.into())?;
    set("outputs", js_sys::Float32Array::from(outputs).into())?;
    set("cols", cols.into())?;
    Ok(o.into())
}

fn confusion_of(metrics: &Metrics) -> Result<JsValue, JsValue> {
    match metrics {
        Metrics::Classification {
            confusion_matrix, ..
        } => to_js(confusion_matrix),
        Metrics::Regression { .. } => Err(request_error(
            "a confusion matrix needs a classification task; this one is regression",
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Training

/// A training run: the config, the prepared data and the engine's resumable trainer.
#[wasm_bindgen]
pub struct Trainer {
    engine: Engine,
    test: Option<Dataset>,
    scaling: Option<Standardizer>,
    split: Option<crate::model_io::DataSplit>,
    class_names: Vec<String>,
    /// The first training rows, for [`Trainer::probe_loss`].
    probe: Dataset,
}

#[derive(Serialize)]
struct Sizes {
    batches_per_epoch: usize,
    epochs: usize,
    train_n: usize,
    val_n: usize,
    test_n: usize,
    parameters: usize,
}

#[wasm_bindgen]
impl Trainer {
    /// Validates `config` (an object or JSON text), splits and standardises a copy of `data` as
    /// it says, and builds the network, from `init_model` (engine model JSON) when given.
    #[wasm_bindgen(constructor)]
    pub fn new(
        config: JsValue,
        data: &DataSet,
        init_model: Option<String>,
    ) -> Result<Trainer, JsValue> {
        let config = parse_config(&config)?;
        let init = match init_model {
            Some(json) => Some(
                SavedModel::from_json(&json)
                    .map_err(|e| model_error(&e))?
                    .network,
            ),
            None => None,
        };
        let prepared =
            prepare(&config, data.data.clone(), data.test.clone()).map_err(|e| train_error(&e))?;
        if let Some(t) = &prepared.test {
            let outputs = init.as_ref().map_or_else(
                || config.layers.last().map_or(0, |l| l.units),
                crate::nn::Network::output_units,
            );
            check_targets(t, config.task(), outputs, "test").map_err(|e| train_error(&e))?;
        }
        let engine = Engine::new(&config, prepared.train, prepared.val, init)
            .map_err(|e| train_error(&e))?;
        let train = engine.train_set();
        let probe = train.subset(&(0..train.n.min(PROBE_ROWS)).collect::<Vec<_>>());
        Ok(Trainer {
            engine,
            test: prepared.test,
            scaling: prepared.scaling,
            split: prepared.split,
            class_names: data.data.class_names.clone(),
            probe,
        })
    }

    /// The loss of the current weights on a fixed sample of (up to 512) training rows: a live
    /// training-loss reading between epochs, which cost a forward pass over the sample.
    pub fn probe_loss(&self) -> f64 {
        self.engine.evaluate(&self.probe).loss()
    }

    /// The first `limit` rows of `train`, `val` or `test` as this run divided them:
    /// `{rows, d, features?: Float32Array (raw, unscaled; only when asked), targets:
    /// Float32Array (rows × k; the class index when classes), k, outputs: Float32Array,
    /// cols}`.
    pub fn split_rows(
        &self,
        split: &str,
        limit: u32,
        with_features: bool,
    ) -> Result<JsValue, JsValue> {
        let data = self.split(split)?;
        let rows = data.n.min(limit as usize);
        let scaled = &data.features[..rows * data.d];
        let outputs = if rows > 0 {
            predict_rows(self.engine.network(), None, scaled)?
        } else {
            Vec::new()
        };
        let features = with_features.then(|| {
            let mut raw = scaled.to_vec();
            if let Some(s) = &self.scaling {
                for row in raw.chunks_exact_mut(data.d.max(1)) {
                    for ((x, m), sd) in row.iter_mut().zip(&s.mean).zip(&s.std) {
                        *x = *x * sd + m;
                    }
                }
            }
            raw
        });
        rows_object(
            data,
            rows,
            features.as_deref(),
            &outputs,
            self.engine.network().output_units(),
        )
    }

    /// Trains up to `n_batches` mini-batches and returns the engine's progress:
    /// `{epoch, epochs, batch, batches_per_epoch, examples, done, finished: [EpochRecord]}`.
    /// Divergence throws (kind `train`); the weights stay the last finite ones and `history()`
    /// still holds every finished epoch.
    pub fn step(&mut self, n_batches: u32) -> Result<JsValue, JsValue> {
        let progress = self
            .engine
            .step(n_batches as usize)
            .map_err(|e| train_error(&e))?;
        to_js(&progress)
    }

    /// `{batches_per_epoch, epochs, train_n, val_n, test_n, parameters}`.
    pub fn sizes(&self) -> Result<JsValue, JsValue> {
        to_js(&Sizes {
            batches_per_epoch: self.engine.batches_per_epoch(),
            epochs: self.engine.config().epochs,
            train_n: self.engine.train_set().n,
            val_n: self.engine.val_set().map_or(0, |v| v.n),
            test_n: self.test.as_ref().map_or(0, |t| t.n),
            parameters: self.engine.network().param_count(),
        })
    }

    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.engine.is_done()
    }

    /// Why training stopped early (divergence), if it did.
    #[wasm_bindgen(getter)]
    pub fn failure(&self) -> Option<String> {
        self.engine.failure().map(|e| e.to_string())
    }

    fn split(&self, split: &str) -> Result<&Dataset, JsValue> {
        match split {
            "train" => Ok(self.engine.train_set()),
            "val" | "validation" => self
                .engine
                .val_set()
                .ok_or_else(|| request_error("there is no validation split (the config's validation_split is 0)")),
            "test" => self.test.as_ref().ok_or_else(|| {
                request_error("there is no test split (the data has no official test set and test_split is 0)")
            }),
            other => Err(request_error(format!("unknown split {other:?}, expected train, val or test"))),
        }
    }

    fn metrics(&self, split: &str) -> Result<Metrics, JsValue> {
        Ok(self.engine.evaluate(self.split(split)?))
    }

    /// Metrics of the current weights on `train`, `val` or `test`, as the engine serialises
    /// them: `{loss, accuracy, confusion_matrix, per_class}` or `{loss, mse, mae, r2}`.
    pub fn evaluate(&self, split: &str) -> Result<JsValue, JsValue> {
        to_js(&self.metrics(split)?)
    }

    /// `confusion[true][predicted]` on a split (classification only).
    pub fn confusion_matrix(&self, split: &str) -> Result<JsValue, JsValue> {
        confusion_of(&self.metrics(split)?)
    }

    /// Outputs for rows of raw features (standardised here as the training data was), row-major.
    pub fn predict(&self, features: &[f32]) -> Result<Vec<f32>, JsValue> {
        predict_rows(self.engine.network(), self.scaling.as_ref(), features)
    }

    /// Each layer's weight histogram now: `[{min, max, counts}]`.
    pub fn weight_histograms(&self, bins: u32) -> Result<JsValue, JsValue> {
        to_js(&self.engine.weight_histograms(bins.clamp(1, 1000) as usize))
    }

    /// Each layer's mean gradient L2 norm over the current (or last) epoch.
    pub fn grad_norms(&self) -> Vec<f64> {
        self.engine.grad_norms()
    }

    /// `{epochs: [EpochRecord]}` so far.
    pub fn history(&self) -> Result<JsValue, JsValue> {
        to_js(self.engine.history())
    }

    /// The current weights as engine model JSON (with task, loss, class names and the input
    /// standardisation), loadable by `import_model` and by the CLI.
    pub fn export_model(&self) -> String {
        self.saved_model().to_json()
    }

    fn saved_model(&self) -> SavedModel {
        let config = self.engine.config();
        let mut model = SavedModel::new(self.engine.network().clone());
        model.task = Some(config.task());
        model.loss = Some(config.loss);
        model.class_names = self.class_names.clone();
        model.input_scaling = self.scaling.clone();
        model.split = self.split.clone();
        model
    }

    /// This run's current weights as a standalone `Model`.
    pub fn model(&self) -> Model {
        Model {
            inner: self.saved_model(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Checkpoints and continuing a run (the page's run store and crash/reload recovery)

#[wasm_bindgen]
impl Trainer {
    /// Continues a run saved after epoch K: this trainer was built from the checkpoint's
    /// weights, and `history` (`{epochs: [EpochRecord]}` of epochs 1..=K, as `history()` gave
    /// it) is taken as already trained, so the next `step` trains epoch K+1 with the schedule
    /// and shuffling of the uninterrupted run. The optimizer's moments restart from zero unless
    /// `continue_with_optimizer` puts back the ones saved with the checkpoint.
    pub fn continue_after(&mut self, history: JsValue) -> Result<(), JsValue> {
        let history: crate::train::History = serde_wasm_bindgen::from_value(history)
            .map_err(|e| js_error("train", Some("history"), format!("history: {e}")))?;
        self.engine
            .continue_after(history)
            .map_err(|e| train_error(&e))
    }

    /// Engine model JSON of the weights at the end of the last completed epoch (the initial
    /// weights before any), even while the next epoch is under way: what a checkpoint saves.
    pub fn checkpoint_model(&self) -> String {
        let mut model = self.saved_model();
        model.network = self.engine.last_epoch_network().clone();
        model.to_json()
    }

    /// The optimizer's state at the end of the last completed epoch: `{steps, lengths:
    /// [[tensor length, …] per buffer], data: Float32Array}` (every buffer's tensors back to
    /// back), what a checkpoint saves beside the weights.
    pub fn checkpoint_optimizer(&self) -> Result<JsValue, JsValue> {
        let state = self.engine.last_epoch_optimizer();
        let lengths: Vec<Vec<usize>> = state
            .buffers
            .iter()
            .map(|b| b.iter().map(Vec::len).collect())
            .collect();
        let data: Vec<f32> = state.buffers.iter().flatten().flatten().copied().collect();
        let o = js_sys::Object::new();
        let set = |key: &str, value: JsValue| {
            js_sys::Reflect::set(&o, &JsValue::from_str(key), &value).map(|_| ())
        };
        set("steps", JsValue::from_f64(state.steps as f64))?;
        set("lengths", to_js(&lengths)?)?;
        set("data", js_sys::Float32Array::from(&data[..]).into())?;
        Ok(o.into())
    }

    /// Puts back an optimizer state from `checkpoint_optimizer` (after `continue_after`, before
    /// the first `step`), so the continued run matches the uninterrupted one exactly.
    pub fn continue_with_optimizer(&mut self, state: JsValue) -> Result<(), JsValue> {
        let bad = |m: String| js_error("train", Some("optimizer"), m);
        let get = |key: &str| {
            js_sys::Reflect::get(&state, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
        };
        let steps = get("steps")
            .as_f64()
            .filter(|s| s.is_finite() && *s >= 0.0 && s.fract() == 0.0)
            .ok_or_else(|| bad("optimizer.steps: expected a whole number ≥ 0".into()))?;
        let lengths: Vec<Vec<usize>> = serde_wasm_bindgen::from_value(get("lengths"))
            .map_err(|e| bad(format!("optimizer.lengths: {e}")))?;
        let data: Vec<f32> = get("data")
            .dyn_into::<js_sys::Float32Array>()
            .map_err(|_| bad("optimizer.data: expected a Float32Array".into()))?
            .to_vec();
        let total: usize = lengths.iter().flatten().sum();
        if total != data.len() {
            return Err(bad(format!(
                "optimizer.data: the lengths add up to {total} numbers but the data has {}",
                data.len()
            )));
        }
        let mut rest = &data[..];
        let buffers = lengths
            .iter()
            .map(|b| {
                b.iter()
                    .map(|&n| {
                        let (t, r) = rest.split_at(n);
                        rest = r;
                        t.to_vec()
                    })
                    .collect()
            })
            .collect();
        self.engine
            .continue_with_optimizer(crate::optim::OptimizerState {
                steps: steps as u64,
                buffers,
            })
            .map_err(|e| train_error(&e))
    }
}

// ---------------------------------------------------------------------------------------------
// Saved models

/// A saved network with what using it needs (task, loss, class names, input standardisation).
#[wasm_bindgen]
pub struct Model {
    inner: SavedModel,
}

#[derive(Serialize)]
struct ModelSummary<'a> {
    input: usize,
    layers: Vec<usize>,
    outputs: usize,
    parameters: usize,
    task: Option<&'static str>,
    loss: Option<&'static str>,
    class_names: &'a [String],
    standardized: bool,
}

/// Parses engine model JSON; errors name the field (`layers[0].weights[3]`).
#[wasm_bindgen]
pub fn import_model(json: &str) -> Result<Model, JsValue> {
    SavedModel::from_json(json)
        .map(|inner| Model { inner })
        .map_err(|e| model_error(&e))
}

#[wasm_bindgen]
impl Model {
    /// `{input, layers: [units], outputs, parameters, task, loss, class_names, standardized}`.
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        let m = &self.inner;
        to_js(&ModelSummary {
            input: m.network.input,
            layers: m.network.layers.iter().map(|l| l.units()).collect(),
            outputs: m.network.output_units(),
            parameters: m.network.param_count(),
            task: m.task.map(|t| t.name()),
            loss: m.loss.map(|l| l.name()),
            class_names: &m.class_names,
            standardized: m.input_scaling.is_some(),
        })
    }

    /// Outputs for rows of raw features (standardised as the model says), row-major.
    pub fn predict(&self, features: &[f32]) -> Result<Vec<f32>, JsValue> {
        predict_rows(
            &self.inner.network,
            self.inner.input_scaling.as_ref(),
            features,
        )
    }

    /// Metrics on a loaded data set: `train` is every loaded row, `test` its official test set.
    pub fn evaluate(&self, data: &DataSet, split: &str) -> Result<JsValue, JsValue> {
        to_js(&self.metrics(data.part(split)?)?)
    }

    /// `confusion[true][predicted]` on a loaded data set's `train` (all rows) or `test` part.
    pub fn confusion_matrix(&self, data: &DataSet, split: &str) -> Result<JsValue, JsValue> {
        confusion_of(&self.metrics(data.part(split)?)?)
    }

    /// `DataSet.split_rows` with this model's outputs.
    pub fn split_rows(
        &self,
        data: &DataSet,
        split: &str,
        limit: u32,
        with_features: bool,
    ) -> Result<JsValue, JsValue> {
        let part = data.part(split)?;
        let rows = part.n.min(limit as usize);
        let raw = &part.features[..rows * part.d];
        if part.d != self.inner.network.input {
            return Err(request_error(format!(
                "the model takes {} inputs but the data has {} features",
                self.inner.network.input, part.d
            )));
        }
        let outputs = if rows > 0 {
            predict_rows(&self.inner.network, self.inner.input_scaling.as_ref(), raw)?
        } else {
            Vec::new()
        };
        rows_object(
            part,
            rows,
            with_features.then_some(raw),
            &outputs,
            self.inner.network.output_units(),
        )
    }

    /// The model as engine model JSON.
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    fn metrics(&self, data: &Dataset) -> Result<Metrics, JsValue> {
        let m = &self.inner;
        let (task, loss) = match (m.task, m.loss) {
            (Some(t), Some(l)) => (t, l),
            (Some(t), None) => (
                t,
                match t {
                    crate::config::Task::Regression => Loss::Mse,
                    crate::config::Task::Binary => Loss::BinaryCrossEntropy,
                    crate::config::Task::Multiclass => Loss::CrossEntropy,
                },
            ),
            (None, Some(l)) => {
                let c = Config { loss: l, ..Config::default() };
                (c.task(), l)
            }
            (None, None) => {
                return Err(js_error(
                    "model",
                    Some("task"),
                    "task: the model file names neither its task nor its loss, so it cannot be evaluated",
                ))
            }
        };
        if data.d != m.network.input {
            return Err(request_error(format!(
                "the model takes {} inputs but the data has {} features",
                m.network.input, data.d
            )));
        }
        let mut scaled = data.clone();
        if let Some(s) = &m.input_scaling {
            s.apply(&mut scaled).map_err(data_error)?;
        }
        check_targets(&scaled, task, m.network.output_units(), "evaluation")
            .map_err(|e| train_error(&e))?;
        Ok(evaluate(&m.network, &scaled, task, loss))
    }
}

// --- benchmarks -------------------------------------------------------------------------------
// For the bench page (bench/): the kernel speed of a dense layer's three matrix products in the
// worker. JavaScript times `run` with performance.now().

/// The three products of a dense layer (see `nn::gemm::bench::Products`).
#[wasm_bindgen]
pub struct GemmBench(crate::nn::gemm::bench::Products);

#[wasm_bindgen]
impl GemmBench {
    #[wasm_bindgen(constructor)]
    pub fn new(batch: usize, inputs: usize, units: usize) -> GemmBench {
        GemmBench(crate::nn::gemm::bench::Products::new(batch, inputs, units))
    }

    /// Runs product `which` (0 forward X·Wᵀ, 1 weight gradient dZᵀ·X, 2 input gradient dZ·W)
    /// `times` times.
    pub fn run(&mut self, which: u32, times: u32) {
        self.0.run(which, times)
    }

    /// Floating-point operations of one product.
    pub fn flops(&self) -> f64 {
        self.0.flops()
    }

    pub fn checksum(&self) -> f64 {
        self.0.checksum()
    }
}

/// Which vector code the wasm matrix product runs (`wasm simd128` or with `relaxed-simd`).
#[wasm_bindgen]
pub fn gemm_backend() -> String {
    crate::nn::gemm::packed::VECTOR_BACKEND.to_string()
}

// --- sweeps (www/sweep/) ----------------------------------------------------------------------
// The page's sweeps run the CLI's coordinator (`crate::sweep::Sweep`): the same samplers, the
// same ASHA rungs, the same trial ids and params. The page trains each trial in one of its
// workers and reports back here; this wrapper only converts. Errors: a bad spec throws with
// kind `spec` and `field` set to its JSON path (`parameters.optimizer.lr.min`); bad trial
// records throw with kind `request`.
//
// Built only with the `sweep-wasm` feature, into www/pkg-sweep/ (`make wasm`): the sampler,
// Gaussian process and spec parser are about a third of the engine's size, and the trial
// workers, which are most of what a page downloads, never need them.
#[cfg(feature = "sweep-wasm")]
pub use sweeps::SweepCoordinator;

#[cfg(feature = "sweep-wasm")]
mod sweeps {
    use super::*;

    /// A sweep's coordinator on the page's main thread.
    #[wasm_bindgen]
    pub struct SweepCoordinator {
        inner: crate::sweep::Sweep,
        /// Trials the sweep runs in all (finished ones included).
        total: usize,
    }

    #[derive(Serialize)]
    struct PlannedTrial<'a> {
        id: usize,
        params: &'a crate::sweep::Params,
        #[serde(skip_serializing_if = "Option::is_none")]
        config: Option<&'a Config>,
        /// Why the params make no usable config (the trial is then failed by the caller).
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<&'a str>,
    }

    #[derive(Serialize)]
    struct SpecInfo<'a> {
        method: crate::sweep::Method,
        metric: crate::sweep::Metric,
        goal: crate::sweep::Goal,
        max_trials: usize,
        seed: u64,
        workers: Option<usize>,
        dataset: Option<&'a str>,
        parameters: Vec<&'a str>,
        base: &'a Config,
        total: usize,
    }

    /// Trial records given as JSON text or plain objects, with the path of whatever is wrong.
    fn trial_records(
        value: &JsValue,
        what: &str,
    ) -> Result<Vec<crate::sweep::TrialRecord>, JsValue> {
        if value.is_undefined() || value.is_null() {
            return Ok(Vec::new());
        }
        let text = match value.as_string() {
            Some(t) => t,
            None => js_sys::JSON::stringify(value)
                .ok()
                .and_then(|s| s.as_string())
                .ok_or_else(|| request_error(format!("{what}: cannot be written as JSON")))?,
        };
        let mut de = serde_json::Deserializer::from_str(&text);
        serde_path_to_error::deserialize(&mut de)
            .map_err(|e| request_error(format!("{what}{}: {}", path_suffix(e.path()), e.inner())))
    }

    fn path_suffix(path: &serde_path_to_error::Path) -> String {
        let p = path.to_string();
        if p == "." {
            String::new()
        } else if p.starts_with('[') {
            p
        } else {
            format!(".{p}")
        }
    }

    #[wasm_bindgen]
    impl SweepCoordinator {
        /// A sweep over `spec` (JSON text, as `mlp-lab sweep --spec` reads it), resuming from
        /// `finished` (an array of trial records, as in the CLI's trials.jsonl; may be omitted).
        #[wasm_bindgen(constructor)]
        pub fn new(spec: &str, finished: JsValue) -> Result<SweepCoordinator, JsValue> {
            let spec = crate::sweep::SweepSpec::from_json(spec)
                .map_err(|e| js_error("spec", Some(&e.field), &e))?;
            let finished = trial_records(&finished, "finished trials")?;
            for (i, r) in finished.iter().enumerate() {
                if finished[..i].iter().any(|q| q.id == r.id) {
                    return Err(request_error(format!(
                        "finished trials[{i}]: trial {} is listed twice",
                        r.id
                    )));
                }
            }
            let inner = crate::sweep::Sweep::new(spec, finished);
            let total = inner.finished().count() + inner.remaining();
            Ok(SweepCoordinator { inner, total })
        }

        /// The next trial as `{id, params, config}` (or `{id, params, error}` when its params make
        /// no valid config), or `null` once every trial has been handed out.
        pub fn next_trial(&mut self) -> Result<JsValue, JsValue> {
            let Some(plan) = self.inner.next_trial() else {
                return Ok(JsValue::NULL);
            };
            to_js(&PlannedTrial {
                id: plan.id,
                params: &plan.params,
                config: plan.config.as_ref().ok(),
                error: plan.config.as_ref().err().map(String::as_str),
            })
        }

        /// Trial `id`'s metric after `epoch` epochs: `"continue"` or `"stop"` (early termination).
        pub fn report(&mut self, id: usize, epoch: usize, value: f64) -> String {
            match self.inner.report(id, epoch, value) {
                crate::sweep::Decision::Continue => "continue".into(),
                crate::sweep::Decision::Stop => "stop".into(),
            }
        }

        /// Records a finished trial (`{id, params, metric, status, epochs, seconds, message?,
        /// curve}`, the CLI's trials.jsonl line).
        pub fn finish(&mut self, record: JsValue) -> Result<(), JsValue> {
            let record = match &record {
                v if v.is_undefined() || v.is_null() => {
                    return Err(request_error("finish: no trial record was given"))
                }
                v if v.is_array() => {
                    return Err(request_error(
                        "finish: expected one trial record object, found an array",
                    ))
                }
                v => {
                    let wrapped = js_sys::Array::of1(v);
                    trial_records(&wrapped, "trial record")?.remove(0)
                }
            };
            if record.id >= self.total {
                return Err(request_error(format!(
                    "trial record: id {} is outside this sweep's trials 0..{}",
                    record.id, self.total
                )));
            }
            if self.inner.finished().any(|r| r.id == record.id) {
                return Err(request_error(format!(
                    "trial record: trial {} is already finished",
                    record.id
                )));
            }
            self.inner.finish(record);
            Ok(())
        }

        /// `{id, params, metric}` of the best finished trial, or `null`.
        pub fn best(&self) -> Result<JsValue, JsValue> {
            match self.inner.best() {
                Some(b) => to_js(&b),
                None => Ok(JsValue::NULL),
            }
        }

        /// The CLI's summary: `{method, metric, goal, trials: [...], best}`.
        pub fn summary(&self) -> Result<JsValue, JsValue> {
            to_js(&self.inner.summary())
        }

        /// The validated spec: `{method, metric, goal, max_trials, seed, workers, dataset,
        /// parameters: [path], base, total}`.
        pub fn spec(&self) -> Result<JsValue, JsValue> {
            let s = self.inner.spec();
            to_js(&SpecInfo {
                method: s.method,
                metric: s.metric,
                goal: s.goal,
                max_trials: s.max_trials,
                seed: s.seed,
                workers: s.workers,
                dataset: s.dataset.as_deref(),
                parameters: s.parameters.iter().map(|p| p.path.as_str()).collect(),
                base: &s.base,
                total: self.total,
            })
        }

        /// Trials not yet handed out.
        #[wasm_bindgen(getter)]
        pub fn remaining(&self) -> usize {
            self.inner.remaining()
        }

        /// Trials handed out and not finished.
        #[wasm_bindgen(getter)]
        pub fn running(&self) -> usize {
            self.inner.running()
        }

        #[wasm_bindgen(getter)]
        pub fn finished(&self) -> usize {
            self.inner.finished().count()
        }

        #[wasm_bindgen(getter)]
        pub fn total(&self) -> usize {
            self.total
        }
    }
}
