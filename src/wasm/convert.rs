//! Engine values and errors to JavaScript and back.
//!
//! Every engine error reaches JavaScript as one kind of object: an `Error` whose `message` is
//! the engine's own, with `kind` (`config`, `data`, `model`, `train`, `request` or `spec`) and,
//! when the problem is in one field of a config, model file or spec, `field` (its path,
//! `layers[1].activation`) and `detail` (the message without the path it starts with). The
//! `From` conversions below let the wrappers use `?` on any engine result.

use crate::config::ConfigError;
use crate::data::DataError;
use crate::model_io::{ModelError, ScoreError};
use crate::train::{QueryError, TrainError};
use serde::Serialize;
use std::fmt::Display;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// An engine error on its way to JavaScript.
pub struct Failure {
    pub kind: &'static str,
    /// The JSON path at fault, if the error is about one field.
    pub field: Option<String>,
    /// The message without the field it starts with.
    pub detail: String,
    pub message: String,
}

impl Failure {
    pub fn plain(kind: &'static str, message: impl Display) -> Failure {
        let message = message.to_string();
        Failure {
            kind,
            field: None,
            detail: message.clone(),
            message,
        }
    }

    pub fn at(kind: &'static str, field: &str, detail: &str, message: impl Display) -> Failure {
        Failure {
            kind,
            field: (!field.is_empty()).then(|| field.to_string()),
            detail: detail.to_string(),
            message: message.to_string(),
        }
    }
}

/// A request the wrappers refuse themselves (a wrong argument type, an unknown name).
pub fn request(message: impl Display) -> JsValue {
    Failure::plain("request", message).into()
}

impl From<Failure> for JsValue {
    fn from(f: Failure) -> JsValue {
        let e = js_sys::Error::new(&f.message);
        let set = |k: &str, v: &str| {
            js_sys::Reflect::set(&e, &JsValue::from_str(k), &JsValue::from_str(v))
        };
        let _ = set("kind", f.kind);
        if let Some(field) = &f.field {
            let _ = set("field", field);
            let _ = set("detail", &f.detail);
        }
        e.into()
    }
}

impl From<&ConfigError> for Failure {
    fn from(e: &ConfigError) -> Failure {
        match e {
            ConfigError::Syntax { .. } => Failure::plain("config", e),
            ConfigError::Parse { path, message } => Failure::at("config", path, message, e),
            ConfigError::Invalid { field, message } => Failure::at("config", field, message, e),
        }
    }
}

impl From<&ModelError> for Failure {
    fn from(e: &ModelError) -> Failure {
        match e {
            ModelError::Field { path, message } => Failure::at("model", path, message, e),
            _ => Failure::plain("model", e),
        }
    }
}

impl From<&ScoreError> for Failure {
    fn from(e: &ScoreError) -> Failure {
        let kind = match e {
            ScoreError::Width { .. } => "request",
            ScoreError::Classes(_) | ScoreError::Scaling(_) => "data",
            ScoreError::Targets(_) => "train",
        };
        Failure::plain(kind, e)
    }
}

/// `impl From<E> for JsValue` through [`Failure`], so `?` converts engine errors.
macro_rules! to_js_error {
    ($($error:ty => $how:expr),* $(,)?) => {$(
        impl From<$error> for JsValue {
            fn from(e: $error) -> JsValue {
                let failure: Failure = ($how)(&e);
                failure.into()
            }
        }
    )*};
}

to_js_error! {
    ConfigError => Failure::from,
    ModelError => Failure::from,
    ScoreError => Failure::from,
    DataError => |e| Failure::plain("data", e),
    TrainError => |e| Failure::plain("train", e),
    QueryError => |e| Failure::plain("request", e),
}

/// Plain JavaScript objects and arrays (maps as objects, `None` as `null`, 64-bit integers as
/// numbers).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| request(format!("cannot convert a result to JavaScript: {e}")))
}

/// A plain JavaScript value (or JSON text) as JSON text; `what` names it in errors.
pub fn json_text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| request(format!("{what}: cannot be written as JSON")))
}

/// The bytes of a `Uint8Array` or `ArrayBuffer`, or `None` for any other value.
pub fn bytes_of(value: &JsValue) -> Option<Vec<u8>> {
    if let Some(u8s) = value.dyn_ref::<js_sys::Uint8Array>() {
        Some(u8s.to_vec())
    } else if value.is_instance_of::<js_sys::ArrayBuffer>() {
        Some(js_sys::Uint8Array::new(value).to_vec())
    } else {
        None
    }
}

/// The bytes of every `Uint8Array` (or `ArrayBuffer`) in a JavaScript array, back to back.
pub fn concat_buffers(list: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    let array: &js_sys::Array = list.dyn_ref().ok_or_else(|| {
        request(format!(
            "{what} must be an array of ArrayBuffers or Uint8Arrays"
        ))
    })?;
    let mut out = Vec::new();
    for (i, item) in array.iter().enumerate() {
        let bytes = bytes_of(&item)
            .ok_or_else(|| request(format!("{what}[{i}] is not an ArrayBuffer or Uint8Array")))?;
        out.extend_from_slice(&bytes);
    }
    Ok(out)
}

/// Sets `key` on a JavaScript object (typed arrays stay typed arrays, unlike through serde).
pub fn set(object: &js_sys::Object, key: &str, value: JsValue) -> Result<(), JsValue> {
    js_sys::Reflect::set(object, &JsValue::from_str(key), &value).map(|_| ())
}
