//! What a parameter path may name, what values it takes, when it applies, and how a trial's
//! parameters turn the base config into the trial's config.

use super::spec::MAX_HIDDEN_LAYERS;
use super::Params;
use crate::config::fields::{self, FieldType};
use crate::config::names::{self, NameSet};
use crate::config::range::Range;
use crate::config::{
    self as cfg, ActivationSpec, ClipKind, Config, ConfigError, RegularizationKind,
};
use crate::optim::OptimizerKind;
use serde_json::Value;

/// The values a path takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    Real(Range),
    /// Whole numbers in the range.
    Count(Range),
    Bool,
    Choice(NameSet),
}

/// A parameter a sweep may vary: a config field, or a shortcut over the layers that takes the
/// values of a layer field (`hidden_units` those of `layers[].units`).
#[derive(Clone, Copy, Debug)]
pub struct Sweepable {
    pub path: &'static str,
    /// The config field whose type, range and names its values take (`None`: `hidden_layers`,
    /// a count of its own).
    pub field: Option<&'static str>,
    /// Means something only in a network with hidden layers.
    pub hidden_only: bool,
    /// What it changes, where that is more than its field.
    pub description: &'static str,
}

impl Sweepable {
    const fn config(path: &'static str) -> Sweepable {
        Sweepable {
            path,
            field: Some(path),
            hidden_only: false,
            description: "",
        }
    }

    const fn layers(
        path: &'static str,
        field: &'static str,
        description: &'static str,
    ) -> Sweepable {
        Sweepable {
            path,
            field: Some(field),
            hidden_only: false,
            description,
        }
    }

    const fn hidden(self) -> Sweepable {
        Sweepable {
            hidden_only: true,
            ..self
        }
    }

    /// The values it takes: its field's.
    pub fn kind(&self) -> Kind {
        let Some(f) = self.field.and_then(fields::field) else {
            return Kind::Count(HIDDEN_LAYERS);
        };
        match (f.ty, f.names) {
            (FieldType::Integer, _) => Kind::Count(f.range),
            (FieldType::Number, _) => Kind::Real(f.range),
            (_, Some(names)) => Kind::Choice(names),
            _ => Kind::Bool,
        }
    }
}

/// How many hidden layers a trial may ask for.
pub const HIDDEN_LAYERS: Range = Range::at_least(0.0).up_to(MAX_HIDDEN_LAYERS as f64);

/// Every sweepable path, in the order a trial's values are applied (the choices other
/// parameters depend on come first, and `output_activation` after `loss`).
pub static PARAMETERS: &[Sweepable] = &[
    Sweepable::config("optimizer.name"),
    Sweepable::config("regularization.kind"),
    Sweepable::config("clip.kind"),
    Sweepable::config("task"),
    Sweepable::layers(
        "loss",
        "loss",
        "the loss; cross_entropy also makes the output layer softmax, binary_cross_entropy sigmoid",
    ),
    Sweepable {
        path: "hidden_layers",
        field: None,
        hidden_only: false,
        description: "how many hidden layers: added ones copy the last hidden layer, or are the \
                      new hidden layer when there is none",
    },
    Sweepable::layers(
        "hidden_units",
        "layers[].units",
        "the units of every hidden layer",
    )
    .hidden(),
    Sweepable::layers(
        "hidden_activation",
        "layers[].activation",
        "the activation of every hidden layer",
    )
    .hidden(),
    Sweepable::layers(
        "output_activation",
        "layers[].activation",
        "the output layer's activation (set after loss)",
    ),
    Sweepable::layers("init", "layers[].init", "the init of every layer"),
    Sweepable::layers(
        "input_dropout",
        "layers[].dropout",
        "dropout on the network's inputs (layers[0].dropout)",
    ),
    Sweepable::layers(
        "hidden_dropout",
        "layers[].dropout",
        "dropout on every hidden layer's outputs (the dropout of every layer after the first)",
    )
    .hidden(),
    Sweepable::config("seed"),
    Sweepable::config("epochs"),
    Sweepable::config("batch_size"),
    Sweepable::config("shuffle"),
    Sweepable::config("fused"),
    Sweepable::config("standardize"),
    Sweepable::config("validation_split"),
    Sweepable::config("test_split"),
    Sweepable::config("optimizer.lr"),
    Sweepable::config("optimizer.momentum"),
    Sweepable::config("optimizer.beta"),
    Sweepable::config("optimizer.beta1"),
    Sweepable::config("optimizer.beta2"),
    Sweepable::config("optimizer.eps"),
    Sweepable::config("optimizer.weight_decay"),
    Sweepable::config("regularization.lambda"),
    Sweepable::config("clip.value"),
    Sweepable::config("clip.max_norm"),
];

pub fn parameter(path: &str) -> Option<&'static Sweepable> {
    PARAMETERS.iter().find(|p| p.path == path)
}

/// The kind of a known path.
pub fn kind_of(path: &str) -> Option<Kind> {
    parameter(path).map(Sweepable::kind)
}

pub fn known_paths() -> String {
    PARAMETERS
        .iter()
        .map(|p| p.path)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Kind {
    /// The value in canonical form (reals as floats, counts as integers) or what is wrong.
    pub fn check(self, v: &Value) -> Result<Value, String> {
        match self {
            Kind::Real(range) => {
                let x = v
                    .as_f64()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| format!("must be a number, found {v}"))?;
                range.check(x, false, None)?;
                Ok(Value::from(x))
            }
            Kind::Count(range) => {
                let n = v
                    .as_u64()
                    .or_else(|| {
                        v.as_f64()
                            .filter(|x| x.fract() == 0.0 && *x >= 0.0 && *x < 9e15)
                            .map(|x| x as u64)
                    })
                    .ok_or_else(|| format!("must be {}, found {v}", range.rule(true)))?;
                range.check(n as f64, true, None)?;
                Ok(Value::from(n))
            }
            Kind::Bool => v
                .as_bool()
                .map(Value::from)
                .ok_or_else(|| format!("must be true or false, found {v}")),
            Kind::Choice(set) => {
                let names = set.names();
                match v.as_str() {
                    Some(s) if names.contains(&s) => Ok(v.clone()),
                    _ => Err(format!("must be one of {}, found {v}", names.join(", "))),
                }
            }
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, Kind::Real(_) | Kind::Count(_))
    }
}

/// The paths of the choices a [`Context`] is made of: those that decide which other parameters
/// apply.
pub const DECIDING: [&str; 4] = [
    "optimizer.name",
    "regularization.kind",
    "clip.kind",
    "hidden_layers",
];

/// Values of a deciding path that between them cover every way [`Context::applies`] can go:
/// each choice, or for `hidden_layers` none and one.
pub fn alternatives(path: &str) -> Vec<Value> {
    match kind_of(path) {
        Some(Kind::Choice(set)) => set.names().into_iter().map(Value::from).collect(),
        Some(Kind::Count(_)) => vec![Value::from(0u64), Value::from(1u64)],
        _ => Vec::new(),
    }
}

/// The choices that decide which other parameters apply.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Context {
    pub optimizer: OptimizerKind,
    pub regularization: RegularizationKind,
    pub clip: ClipKind,
    pub hidden_layers: usize,
}

impl Context {
    /// The trial's own choices where `params` has them, the base's otherwise.
    pub fn of(base: &Config, params: &Params) -> Context {
        fn pick<T: serde::de::DeserializeOwned>(params: &Params, path: &str, default: T) -> T {
            params
                .get(path)
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .unwrap_or(default)
        }
        Context {
            optimizer: pick(params, "optimizer.name", base.optimizer.name),
            regularization: pick(params, "regularization.kind", base.regularization.kind),
            clip: pick(params, "clip.kind", base.clip.kind),
            hidden_layers: params
                .get("hidden_layers")
                .and_then(Value::as_u64)
                .map_or(base.layers.len().saturating_sub(1), |n| n as usize),
        }
    }

    /// The value of a deciding path (one of [`DECIDING`]) in this context.
    pub fn value_of(&self, path: &str) -> Value {
        match (path, self.name_of(path)) {
            (_, Some(name)) => Value::from(name),
            ("hidden_layers", _) => Value::from(self.hidden_layers as u64),
            _ => Value::Null,
        }
    }

    /// The deciding path whose value decides whether `path` applies, if any: found by trying
    /// each one's [`alternatives`] in `base` and seeing whether [`Context::applies`] changes.
    pub fn decided_by(base: &Config, path: &str) -> Option<&'static str> {
        DECIDING.into_iter().find(|d| {
            let mut answers = alternatives(d)
                .into_iter()
                .map(|v| Context::of(base, &Params::from([(d.to_string(), v)])).applies(path));
            let first = answers.next();
            answers.any(|a| Some(a) != first)
        })
    }

    /// Whether `path` means something in a trial with these choices: its field's rule
    /// ([`fields::When`]), or for the hidden-layer shortcuts whether there are hidden layers
    /// (unknown paths always do).
    pub fn applies(&self, path: &str) -> bool {
        let Some(p) = parameter(path) else {
            return true;
        };
        if p.hidden_only {
            return self.hidden_layers > 0;
        }
        match p.field.and_then(fields::field).and_then(|f| f.when) {
            Some(w) => self.name_of(w.field).is_none_or(|now| w.is.contains(&now)),
            None => true,
        }
    }

    /// The name a deciding name field holds in this context.
    fn name_of(&self, field: &str) -> Option<&'static str> {
        match field {
            "optimizer.name" => Some(self.optimizer.name()),
            "regularization.kind" => Some(self.regularization.name()),
            "clip.kind" => Some(self.clip.name()),
            _ => None,
        }
    }
}

/// `params` without the parameters that do not apply.
pub fn active(base: &Config, mut params: Params) -> Params {
    let ctx = Context::of(base, &params);
    params.retain(|path, _| ctx.applies(path));
    params
}

/// The trial's config: `base` with `params` applied (in [`PARAMETERS`] order), base fields that
/// no longer apply dropped, and validated.
pub fn build_config(base: &Config, params: &Params) -> Result<Config, ConfigError> {
    let mut c = base.clone();
    for p in PARAMETERS {
        let path = p.path;
        if let Some(v) = params.get(path) {
            set(&mut c, path, v).map_err(|message| ConfigError::Invalid {
                field: path.to_string(),
                message,
            })?;
        }
    }
    c.drop_inapplicable();
    c.validate()?;
    Ok(c)
}

fn parse<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, String> {
    serde_json::from_value(v.clone()).map_err(|e| e.to_string())
}

fn real(v: &Value) -> Result<f64, String> {
    v.as_f64()
        .ok_or_else(|| format!("must be a number, found {v}"))
}

fn count(v: &Value) -> Result<usize, String> {
    v.as_u64()
        .map(|n| n as usize)
        .ok_or_else(|| format!("must be a whole number, found {v}"))
}

fn set(c: &mut Config, path: &str, v: &Value) -> Result<(), String> {
    let hidden = c.layers.len().saturating_sub(1);
    match path {
        "seed" => {
            c.seed = v
                .as_u64()
                .ok_or_else(|| format!("must be a whole number, found {v}"))?
        }
        "epochs" => c.epochs = count(v)?,
        "batch_size" => c.batch_size = count(v)?,
        "shuffle" => c.shuffle = parse(v)?,
        "fused" => c.fused = parse(v)?,
        "standardize" => c.standardize = parse(v)?,
        "validation_split" => c.validation_split = real(v)?,
        "test_split" => c.test_split = real(v)?,
        "task" => c.task = Some(parse(v)?),
        "loss" => {
            c.loss = parse(v)?;
            let output = names::loss_output(c.loss);
            if let (Some(a), Some(last)) = (output, c.layers.last_mut()) {
                last.activation = ActivationSpec::Layer(a);
            }
        }
        "optimizer.name" => c.optimizer.name = parse(v)?,
        "optimizer.lr" => c.optimizer.lr = Some(real(v)?),
        "optimizer.momentum" => c.optimizer.momentum = Some(real(v)?),
        "optimizer.beta" => c.optimizer.beta = Some(real(v)?),
        "optimizer.beta1" => c.optimizer.beta1 = Some(real(v)?),
        "optimizer.beta2" => c.optimizer.beta2 = Some(real(v)?),
        "optimizer.eps" => c.optimizer.eps = Some(real(v)?),
        "optimizer.weight_decay" => c.optimizer.weight_decay = Some(real(v)?),
        "regularization.kind" => c.regularization.kind = parse(v)?,
        "regularization.lambda" => c.regularization.lambda = Some(real(v)?),
        "clip.kind" => c.clip.kind = parse(v)?,
        "clip.value" => c.clip.value = Some(real(v)?),
        "clip.max_norm" => c.clip.max_norm = Some(real(v)?),
        "hidden_layers" => {
            let n = count(v)?;
            if c.layers.is_empty() {
                return Err(
                    "the base config has no layers (it needs at least the output layer)".into(),
                );
            }
            let template = match hidden {
                0 => cfg::new_hidden_layer(),
                h => c.layers[h - 1].clone(),
            };
            let output = c.layers.pop().expect("checked non-empty");
            c.layers.resize(n, template);
            c.layers.push(output);
        }
        "hidden_units" => {
            let n = count(v)?;
            for (i, l) in c.layers[..hidden].iter_mut().enumerate() {
                if let ActivationSpec::PerNeuron(list) = &l.activation {
                    match list.first() {
                        Some(a) if list.iter().all(|b| b == a) => l.activation = ActivationSpec::Layer(*a),
                        _ => {
                            return Err(format!(
                                "cannot resize layers[{i}], which has a different activation per unit; \
                                 give it one activation in the base"
                            ))
                        }
                    }
                }
                l.units = n;
            }
        }
        "hidden_activation" => {
            let a = parse(v)?;
            for l in &mut c.layers[..hidden] {
                l.activation = ActivationSpec::Layer(a);
            }
        }
        "output_activation" => {
            let a = parse(v)?;
            if let Some(last) = c.layers.last_mut() {
                last.activation = ActivationSpec::Layer(a);
            }
        }
        "input_dropout" => {
            let p = real(v)?;
            if let Some(first) = c.layers.first_mut() {
                first.dropout = Some(p);
            }
        }
        "hidden_dropout" => {
            let p = real(v)?;
            for l in c.layers.iter_mut().skip(1) {
                l.dropout = Some(p);
            }
        }
        "init" => {
            let init = parse(v)?;
            for l in &mut c.layers {
                l.init = init;
            }
        }
        other => {
            return Err(format!(
                "`{other}` is not a sweepable parameter (known: {})",
                known_paths()
            ))
        }
    }
    Ok(())
}
