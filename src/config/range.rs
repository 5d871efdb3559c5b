//! A numeric field's allowed interval: validation checks a value against it and the schema
//! states it, so the two cannot disagree.

use serde::Serialize;

/// One end of a [`Range`]; `open` leaves the value itself out.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Bound {
    pub value: f64,
    pub open: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize)]
pub struct Range {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<Bound>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<Bound>,
}

impl Range {
    pub const ANY: Range = Range {
        min: None,
        max: None,
    };

    /// [min, ∞)
    pub const fn at_least(min: f64) -> Range {
        Range {
            min: Some(Bound {
                value: min,
                open: false,
            }),
            max: None,
        }
    }

    /// (min, ∞)
    pub const fn above(min: f64) -> Range {
        Range {
            min: Some(Bound {
                value: min,
                open: true,
            }),
            max: None,
        }
    }

    /// [0, 1): shares and decay rates.
    pub const fn unit() -> Range {
        Range::at_least(0.0).below(1.0)
    }

    /// This range with an open upper end.
    pub const fn below(self, max: f64) -> Range {
        Range {
            max: Some(Bound {
                value: max,
                open: true,
            }),
            ..self
        }
    }

    /// This range with a closed upper end.
    pub const fn up_to(self, max: f64) -> Range {
        Range {
            max: Some(Bound {
                value: max,
                open: false,
            }),
            ..self
        }
    }

    pub fn contains(&self, x: f64) -> bool {
        x.is_finite()
            && self.min.is_none_or(|b| b.min_allows(x))
            && self.max.is_none_or(|b| b.max_allows(x))
    }

    /// What the range asks for, as a message says it: "a number in [0, 1)", "a number greater
    /// than 0", "a whole number ≥ 1".
    pub fn rule(&self, integer: bool) -> String {
        let what = if integer {
            "a whole number"
        } else {
            "a number"
        };
        match (self.min, self.max) {
            (None, None) => what.to_string(),
            (Some(b), None) if b.open => format!("{what} greater than {}", b.value),
            (Some(b), None) => format!("{what} ≥ {}", b.value),
            (None, Some(b)) if b.open => format!("{what} below {}", b.value),
            (None, Some(b)) => format!("{what} ≤ {}", b.value),
            (Some(lo), Some(hi)) if integer && !lo.open && !hi.open => {
                format!("{what} from {} to {}", lo.value, hi.value)
            }
            (Some(lo), Some(hi)) => format!(
                "{what} in {}{}, {}{}",
                if lo.open { '(' } else { '[' },
                lo.value,
                hi.value,
                if hi.open { ')' } else { ']' }
            ),
        }
    }

    /// Nothing inside the range; otherwise what is wrong: "must be a number in [0, 1), found 2",
    /// or for a whole number the end it passed ("must be at least 1, found 0"). `note` says why
    /// the range is what it is.
    pub fn check(&self, x: f64, integer: bool, note: Option<&str>) -> Result<(), String> {
        if self.contains(x) {
            return Ok(());
        }
        let why = note.map_or(String::new(), |n| format!(" ({n})"));
        let side = match (self.min, self.max) {
            (Some(b), _) if integer && x.is_finite() && !b.min_allows(x) => Some(("at least", b)),
            (_, Some(b)) if integer && x.is_finite() && !b.max_allows(x) => Some(("at most", b)),
            _ => None,
        };
        Err(match side {
            Some((end, b)) => format!("must be {end} {}{why}, found {x}", b.value),
            None => format!("must be {}{why}, found {x}", self.rule(integer)),
        })
    }
}

impl Bound {
    /// Whether `x` is on the allowed side of this bound as a minimum.
    fn min_allows(self, x: f64) -> bool {
        if self.open {
            x > self.value
        } else {
            x >= self.value
        }
    }

    /// Whether `x` is on the allowed side of this bound as a maximum.
    fn max_allows(self, x: f64) -> bool {
        if self.open {
            x < self.value
        } else {
            x <= self.value
        }
    }
}
