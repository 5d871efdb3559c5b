//! Configs from the page: checked field by field, with every problem listed at once.

use super::convert::{json_text, to_js, Failure};
use crate::config::{Config, ConfigError};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A config given as a JavaScript object or as JSON text, as JSON text.
fn config_text(config: &JsValue) -> Result<String, JsValue> {
    if config.is_undefined() || config.is_null() {
        return Err(Failure::plain("config", "no config was given").into());
    }
    json_text(config, "config").map_err(|_| {
        Failure::plain(
            "config",
            "the config cannot be written as JSON (it must be a plain object)",
        )
        .into()
    })
}

/// A valid config, or the first of its problems as an error.
pub fn parse_config(config: &JsValue) -> Result<Config, JsValue> {
    Ok(Config::from_json(&config_text(config)?)?)
}

/// A config the page may still be editing: `None` unless it is valid.
pub fn valid_config(config: &JsValue) -> Option<Config> {
    Config::from_json(&config_text(config).ok()?).ok()
}

/// A problem as the page lists it: the field and the message without it.
#[derive(Serialize)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

impl From<&ConfigError> for Problem {
    fn from(e: &ConfigError) -> Problem {
        let f = Failure::from(e);
        Problem {
            field: f.field.unwrap_or_default(),
            message: f.detail,
        }
    }
}

/// Every problem of a config (a JavaScript object or JSON text) as `[{field, message}]`; empty
/// when the config is valid. A config that does not even parse gives its one parse error.
#[wasm_bindgen]
pub fn validate_config(config: JsValue) -> Result<JsValue, JsValue> {
    let problems = match Config::parse_json(&config_text(&config)?) {
        Ok(c) => c.problems(),
        Err(e) => vec![e],
    };
    to_js(&problems.iter().map(Problem::from).collect::<Vec<_>>())
}

/// The task a valid config trains for (`regression`, `binary` or `multiclass`), or `undefined`
/// when the config is not valid.
#[wasm_bindgen]
pub fn config_task(config: JsValue) -> Option<String> {
    valid_config(&config).map(|c| c.task().name().to_string())
}
