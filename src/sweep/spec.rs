//! The sweep spec: parsed with the JSON path of whatever is wrong, then validated rule by rule
//! with errors naming the field (`parameters.optimizer.lr.min`, `base.layers[0].units`, …).

use super::domain::{check_param, RawParam};
pub use super::domain::{Domain, NumType, Param, Scale};
use super::sampler::Sampler;
use super::space;
use super::Params;
use crate::config::check::either;
use crate::config::fields::{Fallback, Field, FieldType};
use crate::config::names::NameSet;
use crate::config::range::Range;
use crate::config::{Config, ConfigError, Task};
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
    pub(super) fn new(field: impl Into<String>, message: impl Into<String>) -> SpecError {
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

impl Method {
    pub const ALL: [Method; 3] = [Method::Grid, Method::Random, Method::Bayes];

    pub fn name(self) -> &'static str {
        match self {
            Method::Grid => "grid",
            Method::Random => "random",
            Method::Bayes => "bayes",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    Maximize,
    Minimize,
}

impl Goal {
    pub const ALL: [Goal; 2] = [Goal::Maximize, Goal::Minimize];

    pub fn name(self) -> &'static str {
        match self {
            Goal::Maximize => "maximize",
            Goal::Minimize => "minimize",
        }
    }

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
    pub const ALL: [Metric; 7] = [
        Metric::ValAccuracy,
        Metric::ValLoss,
        Metric::ValR2,
        Metric::ValMse,
        Metric::ValMae,
        Metric::TrainLoss,
        Metric::TrainAccuracy,
    ];

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

impl TerminationKind {
    pub const ALL: [TerminationKind; 1] = [TerminationKind::Asha];

    pub fn name(self) -> &'static str {
        match self {
            TerminationKind::Asha => "asha",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlyTermination {
    pub kind: TerminationKind,
    /// The first rung, in epochs.
    #[serde(default = "default_min_epochs")]
    pub min_epochs: usize,
    /// η: rungs at min_epochs·η^k, and the top 1/η at a rung go on.
    #[serde(default = "default_reduction_factor")]
    pub reduction_factor: usize,
}

/// ASHA's first rung when the spec gives none.
pub const DEFAULT_MIN_EPOCHS: usize = 1;
/// ASHA's η when the spec gives none.
pub const DEFAULT_REDUCTION_FACTOR: usize = 3;

fn default_min_epochs() -> usize {
    DEFAULT_MIN_EPOCHS
}

fn default_reduction_factor() -> usize {
    DEFAULT_REDUCTION_FACTOR
}

use FieldType::{Array, Integer, Name, Number, Object};

/// The spec's own fields, in the order they are checked.
pub static SPEC_FIELDS: &[Field] = &[
    Field::new("method", Name, "Method", "how trials are proposed")
        .names(NameSet::SweepMethods)
        .required(),
    Field::new(
        "metric",
        Name,
        "Metric",
        "what a trial is judged by, from its last epoch",
    )
    .names(NameSet::Metrics)
    .required(),
    Field::new("goal", Name, "Goal", "follows from the metric when absent")
        .names(NameSet::Goals)
        .default_by("metric"),
    Field::new("max_trials", Integer, "Trials", "how many trials to run")
        .range(Range::at_least(1.0).up_to(MAX_TRIALS as f64))
        .counts("trials")
        .required(),
    Field::new("seed", Integer, "Seed", "seeds the proposals")
        .range(Range::at_least(0.0))
        .default(Fallback::Count(0)),
    Field::new(
        "workers",
        Integer,
        "Workers",
        "trials trained at once (by default one per core)",
    )
    .range(Range::at_least(1.0).up_to(MAX_WORKERS as f64)),
    Field::new(
        "dataset",
        FieldType::String,
        "Data set",
        "a named data set, when the command line names none",
    ),
    Field::new(
        "base",
        Object,
        "Base config",
        "the fixed part of every trial's config",
    )
    .required(),
    Field::new(
        "parameters",
        Object,
        "Parameters",
        "each swept path with its domain (see domain)",
    )
    .required(),
    Field::new(
        "early_termination.kind",
        Name,
        "Early termination",
        "stops the trials that trail at a rung",
    )
    .names(NameSet::EarlyTerminations)
    .required(),
    Field::new(
        "early_termination.min_epochs",
        Integer,
        "First rung",
        "epochs before the first comparison",
    )
    .range(Range::at_least(1.0))
    .default(Fallback::Count(DEFAULT_MIN_EPOCHS as u64)),
    Field::new(
        "early_termination.reduction_factor",
        Integer,
        "η",
        "rungs at min_epochs·η^k; the top 1/η at a rung go on",
    )
    .range(Range::at_least(2.0))
    .default(Fallback::Count(DEFAULT_REDUCTION_FACTOR as u64)),
];

/// The fields of a swept parameter's domain in `parameters`.
pub static DOMAIN_FIELDS: &[Field] = &[
    Field::new(
        "values",
        Array,
        "Values",
        "the choices; grid tries every one",
    ),
    Field::new(
        "min",
        Number,
        "Min",
        "the low end of a range (random and bayes; grid for whole numbers)",
    ),
    Field::new("max", Number, "Max", "the high end of a range"),
    Field::new("scale", Name, "Scale", "how a range is drawn")
        .names(NameSet::Scales)
        .default(Fallback::Name("linear")),
    Field::new(
        "type",
        Name,
        "Type",
        "whole numbers or any; counts are always whole",
    )
    .names(NameSet::NumberTypes)
    .default(Fallback::Name("float")),
];

/// A whole-number spec field against its range in [`SPEC_FIELDS`].
fn check_count(path: &str, v: u64) -> Result<(), SpecError> {
    match SPEC_FIELDS.iter().find(|f| f.path == path) {
        Some(f) => f.check(v as f64).map_err(|m| SpecError::new(path, m)),
        None => Ok(()),
    }
}

/// A config error under `base.`.
fn base_error(e: &ConfigError) -> SpecError {
    let field = match e.field() {
        "" | "." => "base".to_string(),
        f => format!("base.{f}"),
    };
    SpecError::new(field, e.message())
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
        check_count("max_trials", raw.max_trials)?;
        if let Some(w) = raw.workers {
            check_count("workers", w)?;
        }
        if !raw.base.is_object() {
            return Err(SpecError::new(
                "base",
                "must be a config object ({\"layers\": [...], ...})",
            ));
        }
        let base = Config::parse_json(&raw.base.to_string()).map_err(|e| base_error(&e))?;
        base.validate().map_err(|e| base_error(&e))?;
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
            check_count("early_termination.min_epochs", et.min_epochs as u64)?;
            check_count(
                "early_termination.reduction_factor",
                et.reduction_factor as u64,
            )?;
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
                return Err(SpecError::new(
                    field,
                    format!(
                        "{} (in a trial with {})",
                        e.message(),
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

/// A value as a message shows it: strings bare, anything else as JSON.
fn bare(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
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
        None => {
            let fits: Vec<String> = fits.iter().map(bare).collect();
            let fits: Vec<&str> = fits.iter().map(String::as_str).collect();
            format!("{d} is {}", either(&fits))
        }
    };
    format!("{held}; {path} applies only when {rule}")
}
