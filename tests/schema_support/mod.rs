//! Reading the schema and building configs and specs from it, for the schema tests.

#![allow(dead_code)]

use mlp_lab::config::{Config, ConfigError};
use mlp_lab::sweep::{SpecError, SweepSpec};
use serde_json::{json, Value};

pub fn schema() -> Value {
    serde_json::from_str(&mlp_lab::schema::schema_json()).expect("the schema is JSON")
}

/// The entries of a list in the schema (`config.fields`, `names.optimizers`, …).
pub fn list<'a>(schema: &'a Value, pointer: &str) -> &'a [Value] {
    schema
        .pointer(pointer)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("the schema has no list at {pointer}"))
}

pub fn config_field<'a>(schema: &'a Value, path: &str) -> &'a Value {
    list(schema, "/config/fields")
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("no config field {path}"))
}

/// The names of a set: `names.<key>[].name`.
pub fn names(schema: &Value, key: &str) -> Vec<String> {
    list(schema, &format!("/names/{key}"))
        .iter()
        .map(|n| n["name"].as_str().expect("a name").to_string())
        .collect()
}

pub fn name_entry<'a>(schema: &'a Value, key: &str, name: &str) -> &'a Value {
    list(schema, &format!("/names/{key}"))
        .iter()
        .find(|n| n["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in names.{key}"))
}

/// A small valid config: one hidden layer and a softmax output.
pub fn base_config() -> Value {
    json!({
        "layers": [
            {"units": 4, "activation": "relu"},
            {"units": 3, "activation": "softmax"}
        ],
        "epochs": 2
    })
}

/// Sets a schema path in a config or spec (`layers[]` is the first layer), creating objects
/// on the way.
pub fn set(v: &mut Value, path: &str, x: Value) {
    let mut at = v;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i == parts.len() - 1;
        at = match part.strip_suffix("[]") {
            Some(list) => &mut at[list][0],
            None if last => {
                at[*part] = x;
                return;
            }
            None => {
                if !at[*part].is_object() {
                    at[*part] = json!({});
                }
                &mut at[*part]
            }
        };
    }
    *at = x;
}

/// The concrete path validation names for a schema path (`layers[].units` → `layers[0].units`).
pub fn concrete(path: &str) -> String {
    path.replace("[]", "[0]")
}

/// `base` with `field` made to apply: its `when` name field set to the first name it applies
/// with, and any field that name then requires set to its example.
pub fn applying(schema: &Value, base: Value, field: &Value) -> Value {
    let mut v = base;
    let Some(when) = field.get("when") else {
        return v;
    };
    let selector = when["field"].as_str().unwrap();
    if selector == "hidden_layers" {
        return v; // the base config has a hidden layer
    }
    let name = &when["is"][0];
    set(&mut v, selector, name.clone());
    for other in list(schema, "/config/fields") {
        let required = other["required"] == true;
        if required && other["when"]["field"] == selector && is_listed(&other["when"]["is"], name) {
            let example = other["example"].clone();
            set(&mut v, other["path"].as_str().unwrap(), example);
        }
    }
    v
}

fn is_listed(list: &Value, name: &Value) -> bool {
    list.as_array().is_some_and(|l| l.contains(name))
}

/// The config's error, parsing or validating.
pub fn config_error(v: &Value) -> Option<ConfigError> {
    Config::from_json(&v.to_string()).err()
}

pub fn spec_error(v: &Value) -> Option<SpecError> {
    SweepSpec::from_json(&v.to_string()).err()
}

/// A random sweep of `parameters` on `base`, judged by the training loss.
pub fn spec(base: Value, parameters: Value) -> Value {
    json!({
        "method": "random",
        "metric": "train_loss",
        "max_trials": 2,
        "base": base,
        "parameters": parameters
    })
}

/// (value just inside, value just outside) a bound of a field: 1 apart for whole numbers,
/// a millionth of the bound's size for others.
pub fn edges(bound: &Value, is_min: bool, integer: bool) -> (Value, Value) {
    let b = bound["value"].as_f64().expect("a bound value");
    let open = bound["open"].as_bool().expect("a bound's openness");
    let step = if integer {
        1.0
    } else {
        b.abs().max(1.0) * 1e-6
    };
    let toward_inside = if is_min { step } else { -step };
    let (inside, outside) = if open {
        (b + toward_inside, b)
    } else {
        (b, b - toward_inside)
    };
    let num = |x: f64| {
        if integer {
            json!(x as i64)
        } else {
            json!(x)
        }
    };
    (num(inside), num(outside))
}
