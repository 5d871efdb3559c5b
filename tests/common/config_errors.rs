//! The config-validation tests' helpers (`tests/config_validation_*.rs`): the issue's example
//! config, an edited copy of it, and assertions that a config is refused with an error naming
//! the field (`refused`), by `validate` (`invalid`) or by the parser (`unparsable`).

#![allow(dead_code)]

use mlp_lab::config::{Config, ConfigError};
use serde_json::Value;

/// The example config from the issue.
pub const EXAMPLE: &str = r#"{"seed":7,"layers":[{"units":8,"activation":"tanh","init":"xavier_uniform"},{"units":4,"activation":["relu","sigmoid","tanh","leaky_relu"],"init":"he_normal"},{"units":3,"activation":"softmax","init":"xavier_normal"}],"loss":"cross_entropy","fused":true,"task":"multiclass","optimizer":{"name":"adam","lr":0.01,"beta1":0.9,"beta2":0.999,"eps":1e-8},"regularization":{"kind":"l2","lambda":0.001},"clip":{"kind":"value","value":1.0},"batch_size":16,"epochs":3,"shuffle":true,"validation_split":0.1,"standardize":true}"#;

pub fn example() -> Value {
    serde_json::from_str(EXAMPLE).expect("the example is valid JSON")
}

/// The example with one edit applied.
pub fn edited(edit: impl FnOnce(&mut Value)) -> Value {
    let mut v = example();
    edit(&mut v);
    v
}

/// Asserts that `from_json` refuses the config, with `field` as the error's field and every
/// fragment in the message; returns the error.
#[track_caller]
pub fn refused(config: &Value, field: &str, fragments: &[&str]) -> ConfigError {
    let text = config.to_string();
    let err = Config::from_json(&text).expect_err("the config should be refused");
    assert_eq!(err.field(), field, "wrong field in: {err}");
    let message = err.to_string();
    for f in fragments {
        assert!(message.contains(f), "message {message:?} lacks {f:?}");
    }
    if !field.is_empty() {
        assert!(
            message.starts_with(&format!("{field}: ")),
            "the message names the field: {message}"
        );
    }
    err
}

/// Like [`refused`], for a rule of `validate`: the config parses, `validate` refuses it, and
/// `problems` lists the same error.
#[track_caller]
pub fn invalid(config: &Value, field: &str, fragments: &[&str]) -> ConfigError {
    let parsed = Config::parse_json(&config.to_string())
        .expect("the config parses; only validation refuses it");
    let err = refused(config, field, fragments);
    assert!(matches!(err, ConfigError::Invalid { .. }), "{err:?}");
    assert_eq!(parsed.validate(), Err(err.clone()));
    assert!(parsed.problems().contains(&err));
    err
}

/// Like [`refused`], for a serde error: the path comes from the parser.
#[track_caller]
pub fn unparsable(config: &Value, field: &str, fragments: &[&str]) -> ConfigError {
    let err = refused(config, field, fragments);
    assert!(matches!(err, ConfigError::Parse { .. }), "{err:?}");
    assert_eq!(Config::parse_json(&config.to_string()), Err(err.clone()));
    assert!(
        !err.to_string().contains(" at line "),
        "the path replaces the position: {err}"
    );
    err
}
