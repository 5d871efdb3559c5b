//! The checks every field of the table gets: given only where it applies, present where it is
//! required, inside its range (and below the field it must stay under).

use super::fields::{fields_with, Field, When};
use super::{Config, ConfigError};

/// The problems the table's rules find in field `f` (of layer `layer` for `layers[].…`): given
/// where it does not apply, missing where it is required, or out of its range.
pub(super) fn check_field(c: &Config, f: &Field, layer: usize, out: &mut Vec<ConfigError>) {
    if !f.is_numeric() {
        return;
    }
    let at = || match f.path.strip_prefix("layers[].") {
        Some(rest) => format!("layers[{layer}].{rest}"),
        None => f.path.to_string(),
    };
    let value = c.number_at(f.path, layer);
    if let Some(w) = f.when {
        let now = c.name_at(w.field, layer).unwrap_or_default();
        let applies = w.is.contains(&now);
        if value.is_some() && !applies {
            return out.push(ConfigError::invalid(at(), stray(w, now)));
        }
        if value.is_none() && applies && f.is_required() {
            let example = f.example.map_or(String::new(), |e| format!(" (e.g. {e})"));
            let message = format!(
                "is required with {} {}{example}",
                noun(w.field),
                either(w.is)
            );
            return out.push(ConfigError::invalid(at(), message));
        }
    }
    let Some(v) = value else { return };
    if let Err(m) = f.check(v) {
        return out.push(ConfigError::invalid(at(), m));
    }
    if let Some((other, words)) = f.below {
        let limit = c.resolved_number(other).unwrap_or(f64::INFINITY);
        if v >= limit {
            out.push(ConfigError::invalid(
                at(),
                format!("must be below {words} {limit}, found {v}"),
            ));
        }
    }
}

/// "applies only with optimizer adam or adamw, not sgd (sgd takes lr, weight_decay)".
fn stray(w: When, now: &str) -> String {
    let mut m = format!(
        "applies only with {} {}, not {now}",
        noun(w.field),
        either(w.is)
    );
    if w.field.ends_with(".name") {
        let takes: Vec<&str> = fields_with(w.field, now)
            .iter()
            .map(|f| f.path.rsplit('.').next().unwrap_or(f.path))
            .collect();
        m.push_str(&format!(" ({now} takes {})", takes.join(", ")));
    }
    m
}

/// How a message names a name field: `kind` for `clip.kind`, `optimizer` for `optimizer.name`.
fn noun(selector: &str) -> &str {
    match selector.rsplit_once('.') {
        Some((parent, "name")) => parent,
        Some((_, last)) => last,
        None => selector,
    }
}

/// "a", "a or b", "a, b or c".
pub(crate) fn either(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
