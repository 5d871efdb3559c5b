//! `DataSet`: a data set parsed from the bytes the page hands over (toy generator, CSV, IDX,
//! CIFAR-10, prepared subsets), kept in wasm memory with its official test split.

use super::config::{valid_config, Problem};
use super::convert::{bytes_of, concat_buffers, request, set, to_js};
use super::rows::rows_object;
use crate::config::Task;
use crate::data::csv::{load_csv_bytes, Column, TargetKind, TargetSpec};
use crate::data::idx::{default_class_names, parse_idx_pair};
use crate::data::prepared::{parse_manifest, parse_prepared_named};
use crate::data::toy::{self, ToyKind};
use crate::data::{cifar, DataError, Dataset, Targets};
use crate::train::targets::{start_problems, task_of};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A loaded data set (and its official test split, if the source has one), kept in wasm memory.
#[wasm_bindgen]
pub struct DataSet {
    pub(crate) name: String,
    pub(crate) data: Dataset,
    pub(crate) test: Option<Dataset>,
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

impl DataSet {
    pub(crate) fn new(
        name: &str,
        data: Dataset,
        test: Option<Dataset>,
    ) -> Result<DataSet, JsValue> {
        if let Some(t) = &test {
            if t.d != data.d {
                return Err(DataError::Request(format!(
                    "{name}: the test part has {} features but the training part has {}",
                    t.d, data.d
                ))
                .into());
            }
        }
        Ok(DataSet {
            name: name.to_string(),
            data,
            test,
        })
    }

    /// `train` (every loaded row) or `test` (the official test set), before any run divides them.
    pub(crate) fn part(&self, split: &str) -> Result<&Dataset, JsValue> {
        match split {
            "train" | "all" => Ok(&self.data),
            "test" => self.test.as_ref().ok_or_else(|| {
                request(format!(
                    "{} has no official test set; a run carves one out with test_split",
                    self.name
                ))
            }),
            other => Err(request(format!(
                "before a run divides the data there is only train (all loaded rows) or test, not {other:?}"
            ))),
        }
    }
}

#[wasm_bindgen]
impl DataSet {
    /// A synthetic two-class set in the plane: `kind` is `spirals` or `circles`.
    pub fn toy(kind: &str, n: u32, noise: f64, seed: f64) -> Result<DataSet, JsValue> {
        let k = ToyKind::from_name(kind).ok_or_else(|| {
            let known: Vec<&str> = ToyKind::ALL.iter().map(|k| k.name()).collect();
            request(format!(
                "unknown toy set {kind:?}; known: {}",
                known.join(", ")
            ))
        })?;
        if !(seed.is_finite() && seed >= 0.0 && seed.fract() == 0.0 && seed <= 2f64.powi(53)) {
            return Err(request(format!(
                "toy set {kind}: seed must be a whole number ≥ 0, found {seed}"
            )));
        }
        let data = toy::generate(k, n as usize, noise, seed as u64)?;
        DataSet::new(k.name(), data, None)
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
        let bytes = match text.as_string() {
            Some(s) => s.into_bytes(),
            None => bytes_of(&text).ok_or_else(|| {
                request(format!("{name}: the CSV must be given as text or bytes"))
            })?,
        };
        let (column, task) = csv_target(name, target, task.as_deref())?;
        let data = read_csv(name, &bytes, column, task)?;
        DataSet::new(name, data, None)
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
        let given = class_names_arg(&class_names, name)?;
        let names: Vec<&str> = match &given {
            Some(n) => n.iter().map(String::as_str).collect(),
            None => default_class_names(name).to_vec(),
        };
        let data = parse_idx_pair(&format!("{name} training"), images, labels, &names)?;
        let test = match (test_images, test_labels) {
            (Some(i), Some(l)) => Some(parse_idx_pair(&format!("{name} test"), &i, &l, &names)?),
            (None, None) => None,
            _ => {
                return Err(request(format!(
                    "{name}: test images and test labels come together"
                )))
            }
        };
        DataSet::new(name, data, test)
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
            Some(text) => cifar::parse_cifar_meta(&format!("{name} batches.meta.txt"), &text)?,
            None => cifar::CIFAR10_CLASSES.map(String::from).to_vec(),
        };
        let bytes = concat_buffers(&batches, "batches")?;
        let data = cifar::parse_cifar(&format!("{name} training batches"), &bytes, &names)?;
        let test = if test_batches.is_undefined() || test_batches.is_null() {
            None
        } else {
            let bytes = concat_buffers(&test_batches, "test_batches")?;
            Some(cifar::parse_cifar(
                &format!("{name} test batches"),
                &bytes,
                &names,
            )?)
        };
        DataSet::new(name, data, test)
    }

    /// The compact subsets `mlp-lab prepare-data` writes (`<name>.train.bin`, optionally
    /// `<name>.test.bin`), with the manifest `<name>.json` text supplying class names, feature
    /// names and the image shape.
    pub fn from_prepared(
        name: &str,
        train: &[u8],
        test: Option<Vec<u8>>,
        manifest: Option<String>,
    ) -> Result<DataSet, JsValue> {
        let mut data = parse_prepared_named(&format!("{name}.train.bin"), train)?;
        let mut test = match test {
            Some(bytes) => Some(parse_prepared_named(&format!("{name}.test.bin"), &bytes)?),
            None => None,
        };
        if let Some(text) = manifest {
            let m = parse_manifest(&text)?;
            m.describe(&mut data)?;
            if let Some(t) = test.as_mut() {
                m.describe(t)?;
            }
        }
        DataSet::new(name, data, test)
    }

    /// This set (test part too) with feature `column` as its one real-valued target, the
    /// other features as inputs, under the name `name` (`breast-cancer-area`).
    pub fn feature_as_target(&self, column: &str, name: &str) -> Result<DataSet, JsValue> {
        let test = match &self.test {
            Some(t) => Some(t.feature_as_target(column)?),
            None => None,
        };
        DataSet::new(name, self.data.feature_as_target(column)?, test)
    }

    /// `{name, n, d, task_hint, n_classes, class_names, feature_names, image_shape, test_n, k}`
    /// (`k`: target columns, for real-valued targets).
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        to_js(&DataSummary {
            name: &self.name,
            n: self.data.n,
            d: self.data.d,
            task_hint: task_of(&self.data).name(),
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

    /// Up to `count` images spread over the training rows, for a grid of samples:
    /// `{images: [{pixels (0–1), label}], shape: [h, w, c], layout: 'hwc'|'chw'}`, or `null`
    /// when the set is not images.
    pub fn sample_images(&self, count: u32) -> Result<JsValue, JsValue> {
        let (Some(shape), Some(layout)) = (self.data.image_shape, self.data.pixel_layout()) else {
            return Ok(JsValue::NULL);
        };
        let label = |r: usize| match &self.data.targets {
            Targets::Classes { labels, .. } => self.data.class_name(labels[r] as usize),
            Targets::Values { values, k } => format!("{}", values[r * k]),
        };
        let images = js_sys::Array::new();
        for r in self.data.spread_rows(count as usize) {
            let image = js_sys::Object::new();
            set(&image, "label", JsValue::from_str(&label(r)))?;
            set(
                &image,
                "pixels",
                js_sys::Float32Array::from(self.data.row(r)).into(),
            )?;
            images.push(&image);
        }
        let out = js_sys::Object::new();
        set(&out, "images", images.into())?;
        set(&out, "shape", to_js(&shape)?)?;
        set(&out, "layout", JsValue::from_str(layout))?;
        Ok(out.into())
    }

    /// What Start would refuse about `config` (an object or JSON text) against this data, as
    /// `[{field, message}]` (`start_problems`: targets, augmentation, early stopping); empty when
    /// it fits, or when the config does not parse (its own problems say why). `rereads`: a CSV,
    /// read again as the task needs.
    pub fn start_problems(&self, config: JsValue, rereads: bool) -> Result<JsValue, JsValue> {
        let list: Vec<Problem> = valid_config(&config)
            .map(|c| start_problems(&c, &self.data, rereads))
            .unwrap_or_default()
            .into_iter()
            .map(|(field, message)| Problem { field, message })
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
        let features = with_features.then(|| &data.features[..rows * data.d]);
        rows_object(data, rows, features, &[], 0)
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

fn class_names_arg(value: &JsValue, what: &str) -> Result<Option<Vec<String>>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    serde_wasm_bindgen::from_value::<Vec<String>>(value.clone())
        .map(Some)
        .map_err(|_| request(format!("{what}: class_names must be an array of strings")))
}

/// The target column (`target`, empty for the last) and the task named by a CSV request.
pub(super) fn csv_target(
    name: &str,
    target: &str,
    task: Option<&str>,
) -> Result<(Column, Option<Task>), JsValue> {
    let column = match target.trim() {
        "" => Column::Last,
        t => Column::Name(t.to_string()),
    };
    let task = match task {
        Some(t) => Some(Task::from_name(t).map_err(|e| request(format!("{name}: {e}")))?),
        None => None,
    };
    Ok((column, task))
}

/// A CSV's target column read as `task` needs, or its kind decided from its cells without one.
pub(crate) fn read_csv(
    name: &str,
    bytes: &[u8],
    column: Column,
    task: Option<Task>,
) -> Result<Dataset, DataError> {
    let kind = match task {
        Some(Task::Regression) => TargetKind::Values,
        Some(_) => TargetKind::Classes,
        None => TargetKind::Auto,
    };
    let spec = TargetSpec {
        kind,
        ..TargetSpec::classes(column)
    };
    load_csv_bytes(name, bytes, spec)
}
