//! The one training configuration, shared by the CLI, the web worker and the page. Parsing keeps
//! the JSON path of whatever is wrong (`layers[1].activation[3]`), and [`Config::validate`]
//! checks every rule with an error naming the field and what it accepts. Each field's type,
//! default, range and names are one entry of [`fields::CONFIG_FIELDS`], which validation and
//! the schema both read.

mod access;
pub(crate) mod check;
pub mod fields;
pub mod names;
pub mod range;
pub mod regular;

use crate::json_read::{json_kind, read_typed};
use crate::nn::network::LayerSpec;
use crate::nn::{Activation, Init, Loss, Regularization};
use crate::optim::schedule::LrSchedule;
use crate::optim::{Clip, Hyper, OptimizerKind};
use range::Range;
pub use regular::{AugmentConfig, EarlyStopping, StopMetric};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// Networks past this size would not fit a browser tab's memory; refusing them early beats an
/// out-of-memory crash mid-run.
pub const MAX_PARAMETERS: usize = 50_000_000;
/// The largest `scale` of the random initialisers: beyond it the first forward pass overflows
/// f32 for any real input, and U(−s, s) itself stops being representable near f32::MAX.
pub const MAX_INIT_SCALE: f64 = 1000.0;
/// More epochs than anyone trains for; a bound so a mistyped value (or a sweep range) cannot
/// start a run that never ends, and so the history (every epoch's scalars, with histograms on
/// at most `MAX_HISTOGRAM_EPOCHS` of them) stays small.
pub const MAX_EPOCHS: usize = 100_000;
/// The largest `augment.shift`: wider than any image the engine reads (CIFAR-10's 32 pixels);
/// the data set's own size is checked when training starts.
pub const MAX_SHIFT: usize = 64;
/// Nesterov momentum needs a momentum above 0 (`torch.optim.SGD(nesterov=True)` refuses 0).
pub const NAG_MOMENTUM: Range = Range::above(0.0).below(1.0);
/// A hidden layer added where there was none: the designer's "add layer" and a sweep's
/// `hidden_layers` over a base without hidden layers.
pub fn new_hidden_layer() -> LayerConfig {
    LayerConfig {
        units: 32,
        activation: ActivationSpec::Layer(Activation::Relu),
        init: Init::HeUniform,
        scale: None,
        dropout: None,
    }
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error("config is not valid JSON: {message}")]
    Syntax { message: String },
    #[error("{}", at_path(path, message))]
    Parse { path: String, message: String },
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
}

impl ConfigError {
    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The JSON path the error is about ("" for a syntax error).
    pub fn field(&self) -> &str {
        match self {
            ConfigError::Syntax { .. } => "",
            ConfigError::Parse { path, .. } => path,
            ConfigError::Invalid { field, .. } => field,
        }
    }

    /// What is wrong, without the path (for a caller that shows the path itself, or puts it
    /// under another, as a sweep spec's `base.`).
    pub fn message(&self) -> Cow<'_, str> {
        match self {
            ConfigError::Syntax { .. } => Cow::Owned(self.to_string()),
            ConfigError::Parse { message, .. } | ConfigError::Invalid { message, .. } => {
                Cow::Borrowed(message)
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    Regression,
    Binary,
    Multiclass,
}

impl Task {
    pub const ALL: [Task; 3] = [Task::Regression, Task::Binary, Task::Multiclass];

    pub fn name(self) -> &'static str {
        match self {
            Task::Regression => "regression",
            Task::Binary => "binary",
            Task::Multiclass => "multiclass",
        }
    }

    pub fn is_classification(self) -> bool {
        self != Task::Regression
    }

    /// The task named `name` (`regression`, `binary`, `multiclass`), or an error listing them.
    pub fn from_name(name: &str) -> Result<Task, String> {
        [Task::Regression, Task::Binary, Task::Multiclass]
            .into_iter()
            .find(|t| t.name() == name)
            .ok_or_else(|| {
                format!("unknown task `{name}`, expected regression, binary or multiclass")
            })
    }
}

/// One activation for the whole layer, or one per unit.
#[derive(Clone, Debug, PartialEq)]
pub enum ActivationSpec {
    Layer(Activation),
    PerNeuron(Vec<Activation>),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerConfig {
    pub units: usize,
    pub activation: ActivationSpec,
    #[serde(default)]
    pub init: Init,
    /// Half-width (`random_uniform`) or standard deviation (`random_normal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// Inverted dropout on this layer's inputs while training (`torch.nn.Dropout(p)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropout: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptimizerConfig {
    /// Adam when left out, as when the whole optimizer is (the schema's default).
    #[serde(default = "default_optimizer")]
    pub name: OptimizerKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lr: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub momentum: Option<f64>,
    /// RMSprop's smoothing constant (PyTorch's `alpha`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beta: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beta1: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beta2: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eps: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_decay: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RegularizationKind {
    #[default]
    None,
    L1,
    L2,
}

impl RegularizationKind {
    pub const ALL: [RegularizationKind; 3] = [
        RegularizationKind::None,
        RegularizationKind::L1,
        RegularizationKind::L2,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RegularizationKind::None => "none",
            RegularizationKind::L1 => "l1",
            RegularizationKind::L2 => "l2",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RegularizationConfig {
    #[serde(default)]
    pub kind: RegularizationKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ClipKind {
    #[default]
    None,
    Value,
    Norm,
}

impl ClipKind {
    pub const ALL: [ClipKind; 3] = [ClipKind::None, ClipKind::Value, ClipKind::Norm];

    pub fn name(self) -> &'static str {
        match self {
            ClipKind::None => "none",
            ClipKind::Value => "value",
            ClipKind::Norm => "norm",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ClipConfig {
    #[serde(default)]
    pub kind: ClipKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_norm: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub seed: u64,
    /// Hidden layers then the output layer; the input width comes from the data.
    pub layers: Vec<LayerConfig>,
    pub loss: Loss,
    /// Take the fused softmax+CE / sigmoid+BCE gradient where the output allows it.
    pub fused: bool,
    /// Follows from the loss when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<Task>,
    pub optimizer: OptimizerConfig,
    pub regularization: RegularizationConfig,
    pub clip: ClipConfig,
    /// Learning-rate schedule over epochs (none by default).
    #[serde(skip_serializing_if = "is_default_schedule")]
    pub lr_schedule: LrSchedule,
    pub batch_size: usize,
    pub epochs: usize,
    pub shuffle: bool,
    pub validation_split: f64,
    /// Share held out for testing when the data set has no official test split.
    pub test_split: f64,
    pub standardize: bool,
    /// Random shifts and flips of image rows, drawn per batch (none by default).
    #[serde(skip_serializing_if = "AugmentConfig::is_off")]
    pub augment: AugmentConfig,
    /// Stop when the validation metric stops improving (absent: train every epoch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub early_stopping: Option<EarlyStopping>,
}

fn default_optimizer() -> OptimizerKind {
    OptimizerKind::Adam
}

impl Default for OptimizerConfig {
    fn default() -> Self {
        OptimizerConfig {
            name: default_optimizer(),
            lr: None,
            momentum: None,
            beta: None,
            beta1: None,
            beta2: None,
            eps: None,
            weight_decay: None,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 42,
            layers: Vec::new(),
            loss: Loss::CrossEntropy,
            fused: true,
            task: None,
            optimizer: OptimizerConfig::default(),
            regularization: RegularizationConfig::default(),
            clip: ClipConfig::default(),
            lr_schedule: LrSchedule::default(),
            batch_size: 32,
            epochs: 10,
            shuffle: true,
            validation_split: 0.0,
            test_split: 0.0,
            standardize: false,
            augment: AugmentConfig::default(),
            early_stopping: None,
        }
    }
}

impl Config {
    /// Parses and validates a JSON config.
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        let config = Config::parse_json(text)?;
        config.validate()?;
        Ok(config)
    }

    /// Parses without validating (the page shows every problem at once through [`problems`]).
    ///
    /// [`problems`]: Config::problems
    pub fn parse_json(text: &str) -> Result<Config, ConfigError> {
        // Only a failure to read JSON at all is a syntax error; everything after that is read
        // from the value, so a wrong type (`"loss": 3`) keeps its path.
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ConfigError::Syntax {
                message: e.to_string(),
            })?;
        if !value.is_object() {
            return Err(ConfigError::Parse {
                path: String::new(),
                message: format!(
                    "a config is a JSON object ({{\"layers\": [...], ...}}), found {}",
                    json_kind(&value)
                ),
            });
        }
        Config::from_value(&value)
    }

    fn from_value(value: &serde_json::Value) -> Result<Config, ConfigError> {
        read_typed(value).map_err(|(path, message)| ConfigError::Parse { path, message })
    }

    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a config always serialises")
    }

    /// The task, explicit or implied by the loss.
    pub fn task(&self) -> Task {
        self.task.unwrap_or(names::loss_task(self.loss))
    }

    pub fn layer_specs(&self) -> Vec<LayerSpec> {
        self.layers
            .iter()
            .map(|l| LayerSpec {
                units: l.units,
                activations: l.activation.expand(l.units),
                init: l.init,
                scale: l.scale,
            })
            .collect()
    }

    pub fn hyper(&self) -> Hyper {
        let o = &self.optimizer;
        let d = Hyper::defaults(o.name);
        Hyper {
            kind: o.name,
            lr: o.lr.unwrap_or(d.lr),
            momentum: o.momentum.unwrap_or(d.momentum),
            beta: o.beta.unwrap_or(d.beta),
            beta1: o.beta1.unwrap_or(d.beta1),
            beta2: o.beta2.unwrap_or(d.beta2),
            eps: o.eps.unwrap_or(d.eps),
            weight_decay: o.weight_decay.unwrap_or(d.weight_decay),
        }
    }

    pub fn regularization(&self) -> Regularization {
        let lambda = self.regularization.lambda.unwrap_or(0.0);
        match self.regularization.kind {
            RegularizationKind::None => Regularization::None,
            RegularizationKind::L1 => Regularization::L1(lambda),
            RegularizationKind::L2 => Regularization::L2(lambda),
        }
    }

    pub fn clip(&self) -> Clip {
        match self.clip.kind {
            ClipKind::None => Clip::None,
            ClipKind::Value => Clip::Value(self.clip.value.unwrap_or(f64::INFINITY)),
            ClipKind::Norm => Clip::Norm(self.clip.max_norm.unwrap_or(f64::INFINITY)),
        }
    }

    /// The first problem, if any.
    pub fn validate(&self) -> Result<(), ConfigError> {
        match self.problems().into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every rule the config breaks, in the order of the field table (layer by layer), each
    /// rule that ties fields together with the field it is reported on.
    pub fn problems(&self) -> Vec<ConfigError> {
        let mut out = Vec::new();
        for f in fields::CONFIG_FIELDS {
            match f.path {
                "layers" => self.check_layers(&mut out),
                "loss" => self.check_loss(&mut out),
                "optimizer.momentum" => {
                    check::check_field(self, f, 0, &mut out);
                    self.check_nag(&mut out);
                }
                "test_split" => {
                    check::check_field(self, f, 0, &mut out);
                    self.check_splits(&mut out);
                }
                "early_stopping.metric" => self.check_early_stopping(&mut out),
                p if p.starts_with("early_stopping.") && self.early_stopping.is_none() => {}
                // Checked with their layer.
                p if p.starts_with("layers[].") => {}
                _ => check::check_field(self, f, 0, &mut out),
            }
        }
        out
    }

    /// Each layer's fields, then the rules about the layers as a whole.
    fn check_layers(&self, out: &mut Vec<ConfigError>) {
        if self.layers.is_empty() {
            out.push(ConfigError::invalid(
                "layers",
                "the network needs at least one layer (the last one is the output layer)",
            ));
        }
        let mut params: usize = 0;
        let mut fan_in: usize = 1;
        for (i, l) in self.layers.iter().enumerate() {
            for f in fields::CONFIG_FIELDS
                .iter()
                .filter(|f| f.path.starts_with("layers[]."))
            {
                check::check_field(self, f, i, out);
            }
            if let ActivationSpec::PerNeuron(list) = &l.activation {
                if list.len() != l.units {
                    out.push(ConfigError::invalid(
                        format!("layers[{i}].activation"),
                        format!(
                            "a per-neuron list needs one activation per unit: {} units, found {} entries",
                            l.units,
                            list.len()
                        ),
                    ));
                }
            }
            params = params.saturating_add(l.units.saturating_mul(fan_in.saturating_add(1)));
            fan_in = l.units.max(1);
        }
        if params > MAX_PARAMETERS {
            out.push(ConfigError::invalid(
                "layers",
                format!(
                    "the layers hold at least {params} parameters (not counting the input layer's \
                     weights); at most {MAX_PARAMETERS} are supported"
                ),
            ));
        }
    }

    /// The output layer's activations: a per-unit list as given, a layer-wide one once (not
    /// `units` copies: `units` is unchecked input here, and a claimed 10¹⁵ must reach the
    /// parameter-count error rather than a 10¹⁵-element vector).
    fn output_activations(&self) -> Vec<Activation> {
        match self.layers.last().map(|l| (l.units, &l.activation)) {
            None | Some((0, ActivationSpec::Layer(_))) => Vec::new(),
            Some((_, ActivationSpec::Layer(a))) => vec![*a],
            Some((_, ActivationSpec::PerNeuron(list))) => list.clone(),
        }
    }

    fn check_loss(&self, out: &mut Vec<ConfigError>) {
        let outputs = self.output_activations();
        if outputs.is_empty() {
            return;
        }
        let last = format!("layers[{}].activation", self.layers.len() - 1);
        let all = |a: Activation| outputs.iter().all(|o| *o == a);
        match (self.loss, names::loss_output(self.loss)) {
            (Loss::CrossEntropy, Some(a)) if !all(a) => out.push(ConfigError::invalid(
                "loss",
                format!(
                    "cross_entropy needs a softmax output layer (probabilities that sum to 1), \
                     but {last} is {}; use softmax there, or binary_cross_entropy with sigmoid, or mse",
                    describe(&outputs)
                ),
            )),
            (Loss::BinaryCrossEntropy, Some(a)) if !all(a) => out.push(ConfigError::invalid(
                "loss",
                format!(
                    "binary_cross_entropy needs sigmoid outputs (one probability in (0, 1) per \
                     unit), but {last} is {}; use sigmoid there, or cross_entropy with softmax",
                    describe(&outputs)
                ),
            )),
            _ => {}
        }
        let (regression_loss, ..) = names::task_output(Task::Regression);
        if self.task() == Task::Regression && self.loss != regression_loss {
            out.push(ConfigError::invalid(
                "task",
                format!(
                    "regression trains with the {regression_loss} loss, not {}",
                    self.loss
                ),
            ));
        }
    }

    /// Nesterov needs momentum: [`NAG_MOMENTUM`], narrower than the field's range.
    fn check_nag(&self, out: &mut Vec<ConfigError>) {
        if let (OptimizerKind::Nag, Some(m)) = (self.optimizer.name, self.optimizer.momentum) {
            if Range::unit().contains(m) && !NAG_MOMENTUM.contains(m) {
                // torch.optim.SGD(nesterov=True) refuses this too.
                out.push(ConfigError::invalid(
                    "optimizer.momentum",
                    format!(
                        "nag (Nesterov momentum) needs a momentum above 0, found {m}; use sgd \
                         for plain SGD"
                    ),
                ));
            }
        }
    }

    /// The held-out shares must leave rows to train on (each one out of range is reported
    /// alone).
    fn check_splits(&self, out: &mut Vec<ConfigError>) {
        let (v, t) = (self.validation_split, self.test_split);
        let both = v + t;
        let unit = Range::unit();
        if unit.contains(v) && unit.contains(t) && v > 0.0 && t > 0.0 && both >= 1.0 {
            out.push(ConfigError::invalid(
                "validation_split",
                format!("validation_split + test_split must leave data to train on, found {both}"),
            ));
        }
    }
}

impl ActivationSpec {
    /// One activation per unit.
    pub fn expand(&self, units: usize) -> Vec<Activation> {
        match self {
            ActivationSpec::Layer(a) => vec![*a; units],
            ActivationSpec::PerNeuron(list) => list.clone(),
        }
    }
}

fn is_default_schedule(s: &LrSchedule) -> bool {
    *s == LrSchedule::default()
}

/// "softmax", or the distinct activations of a mixed layer.
fn describe(acts: &[Activation]) -> String {
    let mut names: Vec<&str> = acts.iter().map(|a| a.name()).collect();
    names.dedup();
    if names.len() == 1 {
        names[0].to_string()
    } else {
        format!("a mix of {}", names.join(", "))
    }
}

fn at_path(path: &str, message: &str) -> String {
    if path.is_empty() || path == "." {
        message.to_string()
    } else {
        format!("{path}: {message}")
    }
}

impl Serialize for ActivationSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ActivationSpec::Layer(a) => a.serialize(s),
            ActivationSpec::PerNeuron(list) => list.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for ActivationSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ActivationSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(
                    f,
                    "an activation name ({}) or a list of one per unit",
                    Activation::allowed()
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ActivationSpec, E> {
                parse_activation(v).map(ActivationSpec::Layer)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ActivationSpec, A::Error> {
                let mut list = Vec::new();
                while let Some(a) = seq.next_element::<Activation>()? {
                    list.push(a);
                }
                Ok(ActivationSpec::PerNeuron(list))
            }
        }
        d.deserialize_any(V)
    }
}

fn parse_activation<E: de::Error>(v: &str) -> Result<Activation, E> {
    Activation::from_name(v).ok_or_else(|| {
        E::custom(format!(
            "unknown activation `{v}`, expected one of {}",
            Activation::allowed()
        ))
    })
}
