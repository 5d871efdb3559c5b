//! Model files: the network's weights as JSON, in the `torch.nn.Linear` layout
//! (`weights[j][i]` is the weight from input i to unit j), plus what evaluating it later needs
//! (task, loss, class names, input standardisation). Loading checks every shape and name; how a
//! model is scored on data (its task, loss and classes) is decided in [`score`].

use crate::config::Task;
use crate::data::split::Standardizer;
use crate::nn::{Dense, Loss, Network};
use crate::{Matrix, Real};
use serde::{Deserialize, Serialize};

mod score;
pub use score::ScoreError;

pub const FORMAT: &str = "mlp-lab-model";
pub const VERSION: u32 = 1;

/// How the run that trained a model divided a data set without an official test split, so
/// evaluating the model on that data set again can score only the rows it did not train on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSplit {
    /// The config's seed (the split's own stream is derived from it).
    pub seed: u64,
    pub validation_split: f64,
    pub test_split: f64,
    /// Rows of the data set before the split: data with another count is other data.
    pub rows: usize,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ModelError {
    #[error("model file is not valid JSON: {0}")]
    Syntax(String),
    #[error("model file: {path}: {message}")]
    Field { path: String, message: String },
    #[error("model file: cannot be written: {0}")]
    Write(String),
}

fn field(path: impl Into<String>, message: impl Into<String>) -> ModelError {
    ModelError::Field {
        path: path.into(),
        message: message.into(),
    }
}

/// A trained network and what is needed to use it on new data.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub network: Network,
    pub task: Option<Task>,
    pub loss: Option<Loss>,
    pub class_names: Vec<String>,
    pub input_scaling: Option<Standardizer>,
    /// The split of its training data, when that data had no official test split.
    pub split: Option<DataSplit>,
    /// The training data's target column, so a file of new rows that still has it can be read.
    pub target: Option<String>,
    /// The training data's feature columns in input order (empty when the data named none).
    pub feature_names: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    format: String,
    version: u32,
    input: usize,
    layers: Vec<LayerFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    task: Option<Task>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    loss: Option<Loss>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    class_names: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    input_scaling: Option<Standardizer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    split: Option<DataSplit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    feature_names: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerFile {
    units: usize,
    activation: crate::config::ActivationSpec,
    weights: Vec<Vec<Real>>,
    bias: Vec<Real>,
}

impl Model {
    pub fn new(network: Network) -> Model {
        Model {
            network,
            task: None,
            loss: None,
            class_names: Vec::new(),
            input_scaling: None,
            split: None,
            target: None,
            feature_names: Vec::new(),
        }
    }

    pub fn to_json(&self) -> String {
        let layers = self
            .network
            .layers
            .iter()
            .map(|l| {
                let acts = l.activations();
                let activation = match l.uniform_activation() {
                    Some(a) => crate::config::ActivationSpec::Layer(a),
                    None => crate::config::ActivationSpec::PerNeuron(acts),
                };
                LayerFile {
                    units: l.units(),
                    activation,
                    weights: (0..l.units())
                        .map(|j| l.weights.row(j).iter().copied().collect())
                        .collect(),
                    bias: l.bias.clone(),
                }
            })
            .collect();
        let file = ModelFile {
            format: FORMAT.into(),
            version: VERSION,
            input: self.network.input,
            layers,
            task: self.task,
            loss: self.loss,
            class_names: self.class_names.clone(),
            input_scaling: self.input_scaling.clone(),
            split: self.split.clone(),
            target: self.target.clone(),
            feature_names: self.feature_names.clone(),
        };
        serde_json::to_string(&file).expect("a model always serialises")
    }

    pub fn from_json(text: &str) -> Result<Model, ModelError> {
        // A wrong type where a name belongs (`"activation": 3`) is a syntax error to serde_json;
        // only text that is not JSON at all should lose the path.
        let is_json = serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
        let mut de = serde_json::Deserializer::from_str(text);
        let file: ModelFile = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if !is_json && (inner.is_syntax() || inner.is_eof()) {
                ModelError::Syntax(inner.to_string())
            } else {
                field(path, inner.to_string())
            }
        })?;
        de.end().map_err(|e| ModelError::Syntax(e.to_string()))?;
        file.into_model()
    }
}

impl ModelFile {
    fn into_model(self) -> Result<Model, ModelError> {
        if self.format != FORMAT {
            return Err(field(
                "format",
                format!("expected \"{FORMAT}\", found \"{}\"", self.format),
            ));
        }
        if self.version != VERSION {
            return Err(field(
                "version",
                format!("this build reads version {VERSION}, found {}", self.version),
            ));
        }
        if self.input == 0 {
            return Err(field("input", "must be at least 1"));
        }
        if self.layers.is_empty() {
            return Err(field("layers", "a model needs at least one layer"));
        }
        let mut fan_in = self.input;
        let mut layers = Vec::with_capacity(self.layers.len());
        for (i, l) in self.layers.into_iter().enumerate() {
            layers.push(l.into_dense(i, fan_in)?);
            fan_in = layers[i].units();
        }
        if let Some(s) = &self.input_scaling {
            for (name, v) in [("mean", &s.mean), ("std", &s.std)] {
                if v.len() != self.input {
                    return Err(field(
                        format!("input_scaling.{name}"),
                        format!(
                            "expected {} values (one per input), found {}",
                            self.input,
                            v.len()
                        ),
                    ));
                }
            }
            if let Some(j) = s.std.iter().position(|v| !(v.is_finite() && *v > 0.0)) {
                return Err(field(
                    format!("input_scaling.std[{j}]"),
                    "must be a positive number",
                ));
            }
        }
        if !self.feature_names.is_empty() && self.feature_names.len() != self.input {
            return Err(field(
                "feature_names",
                format!(
                    "expected {} names (one per input), found {}",
                    self.input,
                    self.feature_names.len()
                ),
            ));
        }
        if let Some(s) = &self.split {
            for (name, v) in [
                ("validation_split", s.validation_split),
                ("test_split", s.test_split),
            ] {
                if !(v.is_finite() && (0.0..1.0).contains(&v)) {
                    return Err(field(
                        format!("split.{name}"),
                        format!("must be in [0, 1), found {v}"),
                    ));
                }
            }
        }
        Ok(Model {
            network: Network {
                input: self.input,
                layers,
            },
            task: self.task,
            loss: self.loss,
            class_names: self.class_names,
            input_scaling: self.input_scaling,
            split: self.split,
            target: self.target,
            feature_names: self.feature_names,
        })
    }
}

impl LayerFile {
    fn into_dense(self, i: usize, fan_in: usize) -> Result<Dense, ModelError> {
        let at = |f: &str| format!("layers[{i}].{f}");
        if self.units == 0 {
            return Err(field(at("units"), "must be at least 1"));
        }
        // `units` and `input` are only the file's word: every list is checked against them
        // before anything of their size is allocated, so `"units": 1e15` fails, not aborts.
        if let crate::config::ActivationSpec::PerNeuron(list) = &self.activation {
            if list.len() != self.units {
                return Err(field(
                    at("activation"),
                    format!(
                        "expected {} activations (one per unit), found {}",
                        self.units,
                        list.len()
                    ),
                ));
            }
        }
        if self.weights.len() != self.units {
            return Err(field(
                at("weights"),
                format!(
                    "expected {} rows (one per unit), found {}",
                    self.units,
                    self.weights.len()
                ),
            ));
        }
        if self.bias.len() != self.units {
            return Err(field(
                at("bias"),
                format!(
                    "expected {} values (one per unit), found {}",
                    self.units,
                    self.bias.len()
                ),
            ));
        }
        for (j, row) in self.weights.iter().enumerate() {
            if row.len() != fan_in {
                return Err(field(
                    format!("layers[{i}].weights[{j}]"),
                    format!(
                        "expected {fan_in} weights (one per input of this layer), found {}",
                        row.len()
                    ),
                ));
            }
            if let Some(k) = row.iter().position(|v| !v.is_finite()) {
                return Err(field(
                    format!("layers[{i}].weights[{j}][{k}]"),
                    "must be a finite number",
                ));
            }
        }
        let mut w = Matrix::zeros(self.units, fan_in);
        for (j, row) in self.weights.iter().enumerate() {
            for (k, v) in row.iter().enumerate() {
                w[(j, k)] = *v;
            }
        }
        if let Some(j) = self.bias.iter().position(|v| !v.is_finite()) {
            return Err(field(
                format!("layers[{i}].bias[{j}]"),
                "must be a finite number",
            ));
        }
        Ok(Dense::new(
            w,
            self.bias,
            &self.activation.expand(self.units),
        ))
    }
}
