//! The sweep spec: parsed with the JSON path of whatever is wrong, then validated rule by rule
//! with errors naming the field (`parameters.optimizer.lr.min`, `base.layers[0].units`, …).

use super::sampler::Sampler;
use super::space::{self, Kind};
use super::Params;
use crate::config::{Config, Task};
use crate::json_read::{json_kind, read_typed};
use crate::train::EpochRecord;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// Random trials tried when checking that the spec's trials make valid configs.
const DRY_RUN_SAMPLES: usize = 64;
/// The most combinations a grid may have. Enumerating a grid walks every combination until
/// `max_trials` distinct ones are found, so without a cap a huge int range of a parameter that
/// never applies would spin (and a huge one that does would fill memory) before any trial runs.
pub const MAX_GRID_POINTS: u128 = MAX_TRIALS as u128;
/// The most trials a sweep may ask for (`max_trials`), the grid's cap too: the coordinator keeps
/// a record of every finished trial, and the page a row.
pub const MAX_TRIALS: usize = 100_000;
/// The most hidden layers a trial may ask for: each becomes a layer config before validation
/// can count its parameters, so the count itself needs a bound.
pub const MAX_HIDDEN_LAYERS: u64 = 1_000;
/// The most trials trained at once (one thread each natively).
pub const MAX_WORKERS: usize = 1_024;

/// Displays as `field: message`, or just the message when no field applies (text that is not
/// JSON), so a caller's "spec.json: {e}" never reads "spec.json: : …".
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", if field.is_empty() { String::new() } else { format!("{field}: ") })]
pub struct SpecError {
    /// The JSON path of the offending field ("" when the text is not JSON).
    pub field: String,
    pub message: String,
}

impl SpecError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> SpecError {
        SpecError {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Grid,
    Random,
    Bayes,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    Maximize,
    Minimize,
}

impl Goal {
    /// Whether `a` is strictly better than `b` (NaN is never better).
    pub fn better(self, a: f64, b: f64) -> bool {
        match self {
            Goal::Maximize => a > b,
            Goal::Minimize => a < b,
        }
    }

    /// `value` oriented so that smaller is better.
    pub fn as_loss(self, value: f64) -> f64 {
        match self {
            Goal::Maximize => -value,
            Goal::Minimize => value,
        }
    }
}

/// What a trial is judged by: a field of the epoch record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    ValAccuracy,
    ValLoss,
    ValR2,
    ValMse,
    ValMae,
    TrainLoss,
    TrainAccuracy,
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::ValAccuracy => "val_accuracy",
            Metric::ValLoss => "val_loss",
            Metric::ValR2 => "val_r2",
            Metric::ValMse => "val_mse",
            Metric::ValMae => "val_mae",
            Metric::TrainLoss => "train_loss",
            Metric::TrainAccuracy => "train_accuracy",
        }
    }

    pub fn default_goal(self) -> Goal {
        match self {
            Metric::ValAccuracy | Metric::ValR2 | Metric::TrainAccuracy => Goal::Maximize,
            _ => Goal::Minimize,
        }
    }

    pub fn needs_validation(self) -> bool {
        !matches!(self, Metric::TrainLoss | Metric::TrainAccuracy)
    }

    /// Some(true) for classification-only metrics, Some(false) for regression-only ones.
    pub fn classification(self) -> Option<bool> {
        match self {
            Metric::ValAccuracy | Metric::TrainAccuracy => Some(true),
            Metric::ValR2 | Metric::ValMse | Metric::ValMae => Some(false),
            Metric::ValLoss | Metric::TrainLoss => None,
        }
    }

    /// The metric's value in an epoch record, if the record has it.
    pub fn of(self, r: &EpochRecord) -> Option<f64> {
        match self {
            Metric::ValAccuracy => r.val_accuracy,
            Metric::ValLoss => r.val_loss,
            Metric::ValR2 => r.val_r2,
            Metric::ValMse => r.val_mse,
            Metric::ValMae => r.val_mae,
            Metric::TrainLoss => Some(r.train_loss),
            Metric::TrainAccuracy => r.train_accuracy,
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TerminationKind {
    Asha,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlyTermination {
    pub kind: TerminationKind,
    /// The first rung, in epochs.
    #[serde(default = "one")]
    pub min_epochs: usize,
    /// η: rungs at min_epochs·η^k, and the top 1/η at a rung go on.
    #[serde(default = "three")]
    pub reduction_factor: usize,
}

fn one() -> usize {
    1
}

fn three() -> usize {
    3
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    Linear,
    Log,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumType {
    Float,
    Int,
}

/// Where a parameter's values come from.
#[derive(Clone, Debug, PartialEq)]
pub enum Domain {
    /// One of these (already checked against the field).
    Values(Vec<Value>),
    /// A number in [min, max] (integers when `int`; log-uniform when `log`).
    Range {
        min: f64,
        max: f64,
        log: bool,
        int: bool,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub path: String,
    pub domain: Domain,
}

impl Param {
    pub fn values(path: &str, values: Vec<Value>) -> Param {
        Param {
            path: path.into(),
            domain: Domain::Values(values),
        }
    }

    pub fn range(path: &str, min: f64, max: f64, log: bool, int: bool) -> Param {
        Param {
            path: path.into(),
            domain: Domain::Range { min, max, log, int },
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParam {
    #[serde(default)]
    values: Option<Vec<Value>>,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
    #[serde(default)]
    scale: Option<Scale>,
    #[serde(default, rename = "type")]
    ty: Option<NumType>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    method: Method,
    metric: Metric,
    #[serde(default)]
    goal: Option<Goal>,
    // u64, not usize, so that a count too big for a 32-bit (wasm) usize gets the same message.
    max_trials: u64,
    #[serde(default)]
    seed: u64,
    #[serde(default)]
    workers: Option<u64>,
    #[serde(default)]
    dataset: Option<String>,
    base: Value,
    parameters: BTreeMap<String, RawParam>,
    #[serde(default)]
    early_termination: Option<EarlyTermination>,
}

/// A validated sweep spec.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepSpec {
    pub method: Method,
    pub metric: Metric,
    pub goal: Goal,
    pub max_trials: usize,
    pub seed: u64,
    pub workers: Option<usize>,
    /// A named data set (`digits`, …) to sweep on when the command line names none.
    pub dataset: Option<String>,
    /// The fixed part of every trial's config.
    pub base: Config,
    /// In path order.
    pub parameters: Vec<Param>,
    pub early_termination: Option<EarlyTermination>,
}

impl SweepSpec {
    /// Parses and validates a spec. Text that is not JSON at all is reported with the line and
    /// column of the first bad character; JSON of the wrong shape with the path of the field.
    pub fn from_json(text: &str) -> Result<SweepSpec, SpecError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| SpecError::new("", format!("the spec is not valid JSON: {e}")))?;
        if !value.is_object() {
            return Err(SpecError::new(
                "",
                format!(
                    "the spec must be a JSON object ({{\"method\": ..., \"metric\": ..., \
                     \"parameters\": {{...}}, ...}}), found {}",
                    json_kind(&value)
                ),
            ));
        }
        let raw: RawSpec = read_typed(&value).map_err(|(path, message)| {
            SpecError::new(if path == "." { String::new() } else { path }, message)
        })?;
        SweepSpec::from_raw(raw)
    }

    fn from_raw(raw: RawSpec) -> Result<SweepSpec, SpecError> {
        if raw.max_trials == 0 {
            return Err(SpecError::new("max_trials", "must be at least 1, found 0"));
        }
        if raw.max_trials > MAX_TRIALS as u64 {
            return Err(SpecError::new(
                "max_trials",
                format!(
                    "at most {MAX_TRIALS} trials are supported, found {}",
                    raw.max_trials
                ),
            ));
        }
        if raw.workers == Some(0) {
            return Err(SpecError::new("workers", "must be at least 1, found 0"));
        }
        if let Some(w) = raw.workers.filter(|&w| w > MAX_WORKERS as u64) {
            return Err(SpecError::new(
                "workers",
                format!("must be at most {MAX_WORKERS}, found {w}"),
            ));
        }
        if !raw.base.is_object() {
            return Err(SpecError::new(
                "base",
                "must be a config object ({\"layers\": [...], ...})",
            ));
        }
        let base = Config::parse_json(&raw.base.to_string()).map_err(|e| {
            let field = if e.field().is_empty() || e.field() == "." {
                "base".to_string()
            } else {
                format!("base.{}", e.field())
            };
            let message = e.to_string();
            let message = message
                .strip_prefix(&format!("{}: ", e.field()))
                .unwrap_or(&message)
                .to_string();
            SpecError::new(field, message)
        })?;
        if let Err(e) = base.validate() {
            let message = e.to_string();
            let message = message
                .strip_prefix(&format!("{}: ", e.field()))
                .unwrap_or(&message)
                .to_string();
            return Err(SpecError::new(format!("base.{}", e.field()), message));
        }
        if raw.parameters.is_empty() {
            return Err(SpecError::new(
                "parameters",
                "name at least one parameter to sweep",
            ));
        }
        let mut parameters = Vec::new();
        for (path, p) in &raw.parameters {
            parameters.push(check_param(path, p, raw.method)?);
        }
        if raw.method == Method::Grid {
            check_grid_size(&parameters)?;
        }
        check_applies(&base, &parameters)?;
        if let Some(et) = &raw.early_termination {
            if et.min_epochs == 0 {
                return Err(SpecError::new(
                    "early_termination.min_epochs",
                    "must be at least 1, found 0",
                ));
            }
            if et.reduction_factor < 2 {
                return Err(SpecError::new(
                    "early_termination.reduction_factor",
                    format!("must be at least 2, found {}", et.reduction_factor),
                ));
            }
        }
        let spec = SweepSpec {
            method: raw.method,
            metric: raw.metric,
            goal: raw.goal.unwrap_or(raw.metric.default_goal()),
            // Both checked above: at most MAX_TRIALS and MAX_WORKERS.
            max_trials: raw.max_trials as usize,
            seed: raw.seed,
            workers: raw.workers.map(|w| w as usize),
            dataset: raw.dataset,
            base,
            parameters,
            early_termination: raw.early_termination,
        };
        spec.check_metric()?;
        spec.dry_run()?;
        Ok(spec)
    }

    fn param(&self, path: &str) -> Option<&Param> {
        self.parameters.iter().find(|p| p.path == path)
    }

    fn check_metric(&self) -> Result<(), SpecError> {
        let m = self.metric;
        if m.needs_validation() {
            match self.param("validation_split").map(|p| &p.domain) {
                None if self.base.validation_split <= 0.0 => {
                    return Err(SpecError::new(
                        "metric",
                        format!(
                            "{m} needs a validation set: set base.validation_split above 0 (e.g. 0.2), \
                             or judge trials by train_loss"
                        ),
                    ))
                }
                Some(Domain::Values(vs)) if vs.iter().any(|v| v.as_f64() == Some(0.0)) => {
                    return Err(SpecError::new(
                        "parameters.validation_split.values",
                        format!("{m} needs a validation set in every trial, so 0 is not allowed"),
                    ))
                }
                Some(Domain::Range { min, .. }) if *min <= 0.0 => {
                    return Err(SpecError::new(
                        "parameters.validation_split.min",
                        format!("{m} needs a validation set in every trial, so min must be above 0"),
                    ))
                }
                _ => {}
            }
        }
        let task_swept = self.param("loss").is_some() || self.param("task").is_some();
        if let (Some(classification), false) = (m.classification(), task_swept) {
            let task = self.base.task();
            if classification != task.is_classification() {
                let fits = if task == Task::Regression {
                    "val_loss, val_mse, val_mae, val_r2 or train_loss"
                } else {
                    "val_accuracy, val_loss, train_accuracy or train_loss"
                };
                return Err(SpecError::new(
                    "metric",
                    format!(
                        "{m} does not fit the base config's task ({}); use {fits}",
                        task.name()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Builds the configs of the first trials (every grid point up to `max_trials`, or a few
    /// dozen random draws) so a combination that cannot work is reported before any training.
    fn dry_run(&self) -> Result<(), SpecError> {
        let sampler = Sampler::from_spec(self);
        let samples: Vec<Params> = match self.method {
            Method::Grid => sampler.grid().to_vec(),
            _ => (0..DRY_RUN_SAMPLES).map(|i| sampler.random(i)).collect(),
        };
        for params in samples {
            if let Err(e) = space::build_config(&self.base, &params) {
                let f = e.field();
                let field = if self.param(f).is_some() {
                    format!("parameters.{f}")
                } else {
                    format!("base.{f}")
                };
                let message = e.to_string();
                let message = message
                    .strip_prefix(&format!("{f}: "))
                    .unwrap_or(&message)
                    .to_string();
                return Err(SpecError::new(
                    field,
                    format!(
                        "{message} (in a trial with {})",
                        Value::from(serde_json::Map::from_iter(params))
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Whether `other` describes the same sweep (everything but `max_trials` and `workers`
    /// equal); otherwise the name of the first field that differs.
    pub fn same_sweep(&self, other: &SweepSpec) -> Result<(), &'static str> {
        let checks: [(&'static str, bool); 8] = [
            ("method", self.method == other.method),
            ("metric", self.metric == other.metric),
            ("goal", self.goal == other.goal),
            ("seed", self.seed == other.seed),
            ("dataset", self.dataset == other.dataset),
            ("base", self.base == other.base),
            ("parameters", self.parameters == other.parameters),
            (
                "early_termination",
                self.early_termination == other.early_termination,
            ),
        ];
        match checks.into_iter().find(|(_, same)| !same) {
            Some((field, _)) => Err(field),
            None => Ok(()),
        }
    }
}

/// Refuses a grid with more than [`MAX_GRID_POINTS`] combinations (before inactive parameters
/// are dropped), naming each axis's size.
fn check_grid_size(parameters: &[Param]) -> Result<(), SpecError> {
    let sizes: Vec<(String, u128)> = parameters
        .iter()
        .map(|p| {
            let n = match &p.domain {
                Domain::Values(v) => v.len() as u128,
                // Grid ranges are int ranges with finite, ordered bounds (check_param).
                Domain::Range { min, max, .. } => (max - min) as u128 + 1,
            };
            (p.path.clone(), n)
        })
        .collect();
    let total = sizes.iter().fold(1u128, |t, (_, n)| t.saturating_mul(*n));
    if total <= MAX_GRID_POINTS {
        return Ok(());
    }
    let product = sizes
        .iter()
        .map(|(path, n)| format!("{path} {n}"))
        .collect::<Vec<_>>()
        .join(" × ");
    Err(SpecError::new(
        "parameters",
        format!(
            "the grid has {total} combinations ({product}); at most {MAX_GRID_POINTS} are \
             supported: shorten the lists or ranges, or use random or bayes"
        ),
    ))
}

/// `hidden_layers` values must stay at most [`MAX_HIDDEN_LAYERS`].
fn check_hidden_layers(at: &dyn Fn(&str) -> String, p: &Param) -> Result<(), SpecError> {
    let too_many = |field: String, v: String| {
        SpecError::new(
            field,
            format!("at most {MAX_HIDDEN_LAYERS} hidden layers are supported, found {v}"),
        )
    };
    match &p.domain {
        Domain::Values(vs) => match vs
            .iter()
            .enumerate()
            .find(|(_, v)| v.as_u64().is_none_or(|n| n > MAX_HIDDEN_LAYERS))
        {
            Some((i, v)) => Err(too_many(at(&format!("values[{i}]")), v.to_string())),
            None => Ok(()),
        },
        Domain::Range { max, .. } if *max > MAX_HIDDEN_LAYERS as f64 => {
            Err(too_many(at("max"), max.to_string()))
        }
        Domain::Range { .. } => Ok(()),
    }
}

fn check_param(path: &str, p: &RawParam, method: Method) -> Result<Param, SpecError> {
    let param = check_param_domain(path, p, method)?;
    if path == "hidden_layers" {
        check_hidden_layers(&|f| format!("parameters.{path}.{f}"), &param)?;
    }
    Ok(param)
}

fn check_param_domain(path: &str, p: &RawParam, method: Method) -> Result<Param, SpecError> {
    let at = |f: &str| {
        if f.is_empty() {
            format!("parameters.{path}")
        } else {
            format!("parameters.{path}.{f}")
        }
    };
    let kind = space::kind_of(path).ok_or_else(|| {
        SpecError::new(
            at(""),
            format!(
                "unknown parameter; sweepable paths are {}",
                space::known_paths()
            ),
        )
    })?;
    match (&p.values, p.min.is_some() || p.max.is_some()) {
        (Some(_), true) => {
            let f = if p.min.is_some() { "min" } else { "max" };
            return Err(SpecError::new(
                at(f),
                "give either a values list or a min/max range, not both",
            ));
        }
        (None, false) => {
            return Err(SpecError::new(
                at(""),
                "needs a values list ({\"values\": [...]}) or a range ({\"min\": a, \"max\": b})",
            ))
        }
        _ => {}
    }
    if let Some(values) = &p.values {
        if let Some(f) = [("scale", p.scale.is_some()), ("type", p.ty.is_some())]
            .iter()
            .find(|(_, set)| *set)
        {
            return Err(SpecError::new(
                at(f.0),
                "applies only to a min/max range, not to a values list",
            ));
        }
        if values.is_empty() {
            return Err(SpecError::new(at("values"), "needs at least one value"));
        }
        let mut checked = Vec::with_capacity(values.len());
        for (i, v) in values.iter().enumerate() {
            let v = kind
                .check(v)
                .map_err(|m| SpecError::new(at(&format!("values[{i}]")), m))?;
            if checked.contains(&v) {
                return Err(SpecError::new(
                    at(&format!("values[{i}]")),
                    format!("{v} is listed twice"),
                ));
            }
            checked.push(v);
        }
        return Ok(Param {
            path: path.into(),
            domain: Domain::Values(checked),
        });
    }
    if !kind.is_numeric() {
        return Err(SpecError::new(
            at(if p.min.is_some() { "min" } else { "max" }),
            format!("{path} is not a number; list its choices instead: \"values\": [...]"),
        ));
    }
    let min = p
        .min
        .ok_or_else(|| SpecError::new(at("min"), "is required with max"))?;
    let max = p
        .max
        .ok_or_else(|| SpecError::new(at("max"), "is required with min"))?;
    for (f, v) in [("min", min), ("max", max)] {
        if !v.is_finite() {
            return Err(SpecError::new(
                at(f),
                format!("must be a finite number, found {v}"),
            ));
        }
    }
    let int = match (kind, p.ty) {
        (Kind::Count(_), Some(NumType::Float)) => {
            return Err(SpecError::new(
                at("type"),
                format!("{path} takes whole numbers; use \"type\": \"int\""),
            ))
        }
        (Kind::Count(_), _) => true,
        (_, ty) => ty == Some(NumType::Int),
    };
    let log = p.scale == Some(Scale::Log);
    if int {
        for (f, v) in [("min", min), ("max", max)] {
            if v.fract() != 0.0 {
                return Err(SpecError::new(
                    at(f),
                    format!("an int range needs whole-number bounds, found {v}"),
                ));
            }
        }
    }
    if min > max || (!int && min == max) {
        return Err(SpecError::new(
            at("max"),
            format!("must be greater than min ({min}), found {max}"),
        ));
    }
    if log && min <= 0.0 {
        return Err(SpecError::new(
            at("min"),
            format!("a log scale needs min > 0, found {min}"),
        ));
    }
    match kind {
        Kind::Real(b) => {
            b.check(min).map_err(|m| SpecError::new(at("min"), m))?;
            b.check(max).map_err(|m| SpecError::new(at("max"), m))?;
        }
        Kind::Count(lo) if min < lo as f64 => {
            return Err(SpecError::new(
                at("min"),
                format!("must be a whole number ≥ {lo}, found {min}"),
            ));
        }
        _ => {}
    }
    if method == Method::Grid && !int {
        return Err(SpecError::new(
            at(""),
            "grid search needs a values list for a float range (e.g. \"values\": [0.001, 0.01, 0.1]); \
             min/max ranges suit random and bayes",
        ));
    }
    Ok(Param {
        path: path.into(),
        domain: Domain::Range { min, max, log, int },
    })
}

/// A value as a message shows it: strings bare, anything else as JSON.
fn bare(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// "a", "a or b", "a, b or c".
fn either(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Refuses a swept parameter that applies in no trial at all (its trials would all drop it, and
/// run the same). Every combination of the values the deciding choices can take (their swept
/// values, the base's where they are not swept) is put to [`space::Context::applies`], the same
/// rule that drops inactive parameters from a trial. A swept `hidden_layers` range counts by its
/// ends, which cover both "no hidden layer" and "some".
fn check_applies(base: &Config, parameters: &[Param]) -> Result<(), SpecError> {
    let mut combos: Vec<Params> = vec![Params::new()];
    for d in space::DECIDING {
        let Some(p) = parameters.iter().find(|p| p.path == d) else {
            continue;
        };
        let options = match &p.domain {
            Domain::Values(vs) => vs.clone(),
            Domain::Range { min, max, .. } => {
                vec![Value::from(*min as u64), Value::from(*max as u64)]
            }
        };
        combos = combos
            .iter()
            .flat_map(|c| {
                options.iter().map(move |v| {
                    let mut c = c.clone();
                    c.insert(d.to_string(), v.clone());
                    c
                })
            })
            .collect();
    }
    let contexts: Vec<space::Context> =
        combos.iter().map(|c| space::Context::of(base, c)).collect();
    for p in parameters {
        if !contexts.iter().any(|c| c.applies(&p.path)) {
            return Err(SpecError::new(
                format!("parameters.{}", p.path),
                format!(
                    "never applies: {}",
                    never_applies(base, parameters, &p.path)
                ),
            ));
        }
    }
    Ok(())
}

/// Why `path` applies in no trial: what its deciding choice is held to, and where it applies.
fn never_applies(base: &Config, parameters: &[Param], path: &str) -> String {
    let Some(d) = space::Context::decided_by(base, path) else {
        return "it applies in no combination of the spec's choices".to_string();
    };
    let held = match parameters.iter().find(|p| p.path == d).map(|p| &p.domain) {
        Some(Domain::Values(vs)) => {
            let vs: Vec<String> = vs.iter().map(bare).collect();
            format!("{d} is swept over {} only", vs.join(", "))
        }
        Some(Domain::Range { min, max, .. }) => format!("{d} is swept over {min}..={max} only"),
        None => {
            let now = bare(&space::Context::of(base, &Params::new()).value_of(d));
            let what = match d {
                "optimizer.name" => format!("the base optimizer is {now}"),
                "regularization.kind" => format!("the base regularization is {now}"),
                "clip.kind" => format!("the base clip kind is {now}"),
                "hidden_layers" => format!("the base network has {now} hidden layers"),
                other => format!("the base {other} is {now}"),
            };
            format!("{what} and {d} is not swept")
        }
    };
    let fits: Vec<Value> = space::alternatives(d)
        .into_iter()
        .filter(|v| {
            let choice = Params::from([(d.to_string(), v.clone())]);
            space::Context::of(base, &choice).applies(path)
        })
        .collect();
    let rule = match fits.first().and_then(Value::as_u64) {
        Some(n) => format!("{d} is at least {n}"),
        None => format!(
            "{d} is {}",
            either(&fits.iter().map(bare).collect::<Vec<_>>())
        ),
    };
    format!("{held}; {path} applies only when {rule}")
}
