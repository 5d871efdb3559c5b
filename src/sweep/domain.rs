//! A swept parameter's domain as the spec gives it (a `values` list, or a `min`/`max` range with
//! a `scale` and `type`), checked against the parameter's kind: the values step and the range
//! step, each a few named checks.

use super::space::{self, Kind};
use super::spec::{Method, SpecError};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    Linear,
    Log,
}

impl Scale {
    pub const ALL: [Scale; 2] = [Scale::Linear, Scale::Log];

    pub fn name(self) -> &'static str {
        match self {
            Scale::Linear => "linear",
            Scale::Log => "log",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumType {
    Float,
    Int,
}

impl NumType {
    pub const ALL: [NumType; 2] = [NumType::Float, NumType::Int];

    pub fn name(self) -> &'static str {
        match self {
            NumType::Float => "float",
            NumType::Int => "int",
        }
    }
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

/// A parameter's domain as written in the spec.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawParam {
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

/// The field path of part `f` of parameter `path` (`parameters.optimizer.lr.min`).
struct At<'a>(&'a str);

impl At<'_> {
    fn of(&self, f: &str) -> String {
        if f.is_empty() {
            format!("parameters.{}", self.0)
        } else {
            format!("parameters.{}.{f}", self.0)
        }
    }

    fn error(&self, f: &str, message: impl Into<String>) -> SpecError {
        SpecError::new(self.of(f), message)
    }
}

/// The parameter at `path` with its domain checked against what the path takes.
pub(super) fn check_param(path: &str, p: &RawParam, method: Method) -> Result<Param, SpecError> {
    let at = At(path);
    let kind = space::kind_of(path).ok_or_else(|| {
        at.error(
            "",
            format!(
                "unknown parameter; sweepable paths are {}",
                space::known_paths()
            ),
        )
    })?;
    let domain =
        match (&p.values, p.min.is_some() || p.max.is_some()) {
            (Some(_), true) => {
                let f = if p.min.is_some() { "min" } else { "max" };
                return Err(at.error(f, "give either a values list or a min/max range, not both"));
            }
            (None, false) => return Err(at.error(
                "",
                "needs a values list ({\"values\": [...]}) or a range ({\"min\": a, \"max\": b})",
            )),
            (Some(values), false) => check_values(&at, kind, values, p)?,
            (None, true) => check_range(&at, kind, p, method)?,
        };
    Ok(Param {
        path: path.into(),
        domain,
    })
}

/// A values list: no range options, at least one value, each one the kind takes, none twice.
fn check_values(at: &At, kind: Kind, values: &[Value], p: &RawParam) -> Result<Domain, SpecError> {
    let options = [("scale", p.scale.is_some()), ("type", p.ty.is_some())];
    if let Some((f, _)) = options.iter().find(|(_, set)| *set) {
        return Err(at.error(f, "applies only to a min/max range, not to a values list"));
    }
    if values.is_empty() {
        return Err(at.error("values", "needs at least one value"));
    }
    let mut checked = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        let item = format!("values[{i}]");
        let v = kind.check(v).map_err(|m| at.error(&item, m))?;
        if checked.contains(&v) {
            return Err(at.error(&item, format!("{v} is listed twice")));
        }
        checked.push(v);
    }
    Ok(Domain::Values(checked))
}

/// A min/max range: a numeric kind, both ends finite, whole numbers for an int range, ordered,
/// positive for a log scale, inside what the kind takes; and for a grid, whole numbers.
fn check_range(at: &At, kind: Kind, p: &RawParam, method: Method) -> Result<Domain, SpecError> {
    let end = if p.min.is_some() { "min" } else { "max" };
    let range = match kind {
        Kind::Real(r) | Kind::Count(r) => r,
        Kind::Bool | Kind::Choice(_) => {
            return Err(at.error(
                end,
                format!(
                    "{} is not a number; list its choices instead: \"values\": [...]",
                    at.0
                ),
            ))
        }
    };
    let (min, max) = range_ends(at, p)?;
    let int = range_is_int(at, kind, p.ty)?;
    let log = p.scale == Some(Scale::Log);
    if int {
        for (f, v) in [("min", min), ("max", max)] {
            if v.fract() != 0.0 {
                return Err(at.error(
                    f,
                    format!("an int range needs whole-number bounds, found {v}"),
                ));
            }
        }
    }
    if min > max || (!int && min == max) {
        return Err(at.error(
            "max",
            format!("must be greater than min ({min}), found {max}"),
        ));
    }
    if log && min <= 0.0 {
        return Err(at.error("min", format!("a log scale needs min > 0, found {min}")));
    }
    let whole = matches!(kind, Kind::Count(_));
    range
        .check(min, whole, None)
        .map_err(|m| at.error("min", m))?;
    range
        .check(max, whole, None)
        .map_err(|m| at.error("max", m))?;
    if method == Method::Grid && !int {
        return Err(at.error(
            "",
            "grid search needs a values list for a float range (e.g. \"values\": [0.001, 0.01, 0.1]); \
             min/max ranges suit random and bayes",
        ));
    }
    Ok(Domain::Range { min, max, log, int })
}

/// Both ends, each finite.
fn range_ends(at: &At, p: &RawParam) -> Result<(f64, f64), SpecError> {
    let min = p
        .min
        .ok_or_else(|| at.error("min", "is required with max"))?;
    let max = p
        .max
        .ok_or_else(|| at.error("max", "is required with min"))?;
    for (f, v) in [("min", min), ("max", max)] {
        if !v.is_finite() {
            return Err(at.error(f, format!("must be a finite number, found {v}")));
        }
    }
    Ok((min, max))
}

/// Whether the range draws whole numbers: always for a count, else when `type` is int.
fn range_is_int(at: &At, kind: Kind, ty: Option<NumType>) -> Result<bool, SpecError> {
    match (kind, ty) {
        (Kind::Count(_), Some(NumType::Float)) => Err(at.error(
            "type",
            format!("{} takes whole numbers; use \"type\": \"int\"", at.0),
        )),
        (Kind::Count(_), _) => Ok(true),
        (_, ty) => Ok(ty == Some(NumType::Int)),
    }
}
