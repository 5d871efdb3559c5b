//! What a parameter path may name, what values it takes, when it applies, and how a trial's
//! parameters turn the base config into the trial's config.

use super::Params;
use crate::config::{
    ActivationSpec, ClipKind, Config, ConfigError, LayerConfig, RegularizationKind,
};
use crate::nn::{Activation, Init, Loss};
use crate::optim::OptimizerKind;
use serde_json::Value;

/// The values a path takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Real(Bounds),
    /// A whole number ≥ the given minimum.
    Count(u64),
    Bool,
    Choice(Choices),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bounds {
    /// > 0
    Positive,
    /// ≥ 0
    NonNegative,
    /// [0, 1)
    Unit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choices {
    Optimizer,
    Regularization,
    Clip,
    Activation,
    Init,
    Loss,
    Task,
}

impl Choices {
    pub fn names(self) -> Vec<&'static str> {
        match self {
            Choices::Optimizer => OptimizerKind::ALL.iter().map(|k| k.name()).collect(),
            Choices::Regularization => vec!["none", "l1", "l2"],
            Choices::Clip => vec!["none", "value", "norm"],
            Choices::Activation => Activation::ALL.iter().map(|a| a.name()).collect(),
            Choices::Init => Init::ALL.iter().map(|i| i.name()).collect(),
            Choices::Loss => Loss::ALL.iter().map(|l| l.name()).collect(),
            Choices::Task => vec!["regression", "binary", "multiclass"],
        }
    }
}

/// Every sweepable path with its kind, in the order a trial's values are applied (the choices
/// other parameters depend on come first, and `output_activation` after `loss`).
pub const FIELDS: &[(&str, Kind)] = &[
    ("optimizer.name", Kind::Choice(Choices::Optimizer)),
    ("regularization.kind", Kind::Choice(Choices::Regularization)),
    ("clip.kind", Kind::Choice(Choices::Clip)),
    ("task", Kind::Choice(Choices::Task)),
    ("loss", Kind::Choice(Choices::Loss)),
    ("hidden_layers", Kind::Count(0)),
    ("hidden_units", Kind::Count(1)),
    ("hidden_activation", Kind::Choice(Choices::Activation)),
    ("output_activation", Kind::Choice(Choices::Activation)),
    ("init", Kind::Choice(Choices::Init)),
    ("seed", Kind::Count(0)),
    ("epochs", Kind::Count(1)),
    ("batch_size", Kind::Count(1)),
    ("shuffle", Kind::Bool),
    ("fused", Kind::Bool),
    ("standardize", Kind::Bool),
    ("validation_split", Kind::Real(Bounds::Unit)),
    ("test_split", Kind::Real(Bounds::Unit)),
    ("optimizer.lr", Kind::Real(Bounds::Positive)),
    ("optimizer.momentum", Kind::Real(Bounds::Unit)),
    ("optimizer.beta", Kind::Real(Bounds::Unit)),
    ("optimizer.beta1", Kind::Real(Bounds::Unit)),
    ("optimizer.beta2", Kind::Real(Bounds::Unit)),
    ("optimizer.eps", Kind::Real(Bounds::Positive)),
    ("optimizer.weight_decay", Kind::Real(Bounds::NonNegative)),
    ("regularization.lambda", Kind::Real(Bounds::NonNegative)),
    ("clip.value", Kind::Real(Bounds::Positive)),
    ("clip.max_norm", Kind::Real(Bounds::Positive)),
];

/// The kind of a known path.
pub fn kind_of(path: &str) -> Option<Kind> {
    FIELDS.iter().find(|(p, _)| *p == path).map(|(_, k)| *k)
}

pub fn known_paths() -> String {
    FIELDS
        .iter()
        .map(|(p, _)| *p)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Kind {
    /// The value in canonical form (reals as floats, counts as integers) or what is wrong.
    pub fn check(self, v: &Value) -> Result<Value, String> {
        match self {
            Kind::Real(b) => {
                let x = v
                    .as_f64()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| format!("must be a number, found {v}"))?;
                b.check(x)?;
                Ok(Value::from(x))
            }
            Kind::Count(min) => {
                let n = v
                    .as_u64()
                    .or_else(|| {
                        v.as_f64()
                            .filter(|x| x.fract() == 0.0 && *x >= 0.0 && *x < 9e15)
                            .map(|x| x as u64)
                    })
                    .ok_or_else(|| format!("must be a whole number ≥ {min}, found {v}"))?;
                if n < min {
                    return Err(format!("must be a whole number ≥ {min}, found {n}"));
                }
                Ok(Value::from(n))
            }
            Kind::Bool => v
                .as_bool()
                .map(Value::from)
                .ok_or_else(|| format!("must be true or false, found {v}")),
            Kind::Choice(c) => {
                let names = c.names();
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

impl Bounds {
    pub fn check(self, x: f64) -> Result<(), String> {
        let (ok, rule) = match self {
            Bounds::Positive => (x > 0.0, "a number greater than 0"),
            Bounds::NonNegative => (x >= 0.0, "a number ≥ 0"),
            Bounds::Unit => ((0.0..1.0).contains(&x), "a number in [0, 1)"),
        };
        if ok {
            Ok(())
        } else {
            Err(format!("must be {rule}, found {x}"))
        }
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
        Some(Kind::Choice(c)) => c.names().into_iter().map(Value::from).collect(),
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
        let json = |v: Result<Value, serde_json::Error>| v.unwrap_or(Value::Null);
        match path {
            "optimizer.name" => Value::from(self.optimizer.name()),
            "regularization.kind" => json(serde_json::to_value(self.regularization)),
            "clip.kind" => json(serde_json::to_value(self.clip)),
            "hidden_layers" => Value::from(self.hidden_layers as u64),
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

    /// Whether `path` means something in a trial with these choices (unknown paths always do).
    pub fn applies(&self, path: &str) -> bool {
        match path {
            "optimizer.momentum" | "optimizer.beta" | "optimizer.beta1" | "optimizer.beta2"
            | "optimizer.eps" => self
                .optimizer
                .fields()
                .contains(&&path["optimizer.".len()..]),
            "regularization.lambda" => self.regularization != RegularizationKind::None,
            "clip.value" => self.clip == ClipKind::Value,
            "clip.max_norm" => self.clip == ClipKind::Norm,
            "hidden_units" | "hidden_activation" => self.hidden_layers > 0,
            _ => true,
        }
    }
}

/// `params` without the parameters that do not apply.
pub fn active(base: &Config, mut params: Params) -> Params {
    let ctx = Context::of(base, &params);
    params.retain(|path, _| ctx.applies(path));
    params
}

/// The trial's config: `base` with `params` applied (in [`FIELDS`] order), base fields that no
/// longer apply dropped, and validated.
pub fn build_config(base: &Config, params: &Params) -> Result<Config, ConfigError> {
    let mut c = base.clone();
    for (path, _) in FIELDS {
        if let Some(v) = params.get(*path) {
            set(&mut c, path, v).map_err(|message| ConfigError::Invalid {
                field: path.to_string(),
                message,
            })?;
        }
    }
    tidy(&mut c);
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
            let output = match c.loss {
                Loss::CrossEntropy => Some(Activation::Softmax),
                Loss::BinaryCrossEntropy => Some(Activation::Sigmoid),
                Loss::Mse => None,
            };
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
                0 => LayerConfig {
                    units: 32,
                    activation: ActivationSpec::Layer(Activation::Relu),
                    init: Init::HeUniform,
                    scale: None,
                },
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

/// Drops what no longer applies after the trial's choices.
fn tidy(c: &mut Config) {
    let fields = c.optimizer.name.fields();
    let o = &mut c.optimizer;
    for (name, slot) in [
        ("momentum", &mut o.momentum),
        ("beta", &mut o.beta),
        ("beta1", &mut o.beta1),
        ("beta2", &mut o.beta2),
        ("eps", &mut o.eps),
        ("weight_decay", &mut o.weight_decay),
    ] {
        if !fields.contains(&name) {
            *slot = None;
        }
    }
    if c.regularization.kind == RegularizationKind::None {
        c.regularization.lambda = None;
    }
    match c.clip.kind {
        ClipKind::None => {
            c.clip.value = None;
            c.clip.max_norm = None;
        }
        ClipKind::Value => c.clip.max_norm = None,
        ClipKind::Norm => c.clip.value = None,
    }
    for l in &mut c.layers {
        if !l.init.takes_scale() {
            l.scale = None;
        }
    }
}
