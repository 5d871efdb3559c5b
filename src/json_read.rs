//! Reading a parsed JSON value into a typed struct, as configs and sweep specs are read: an
//! error keeps the path of the field, and for a non-string where a name belongs it lists the
//! names accepted there.

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::{Path, Segment};

/// "an array", "a string", … for a message about what was found.
pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `value` as a `T`, or the path of the first wrong field (`.` for the whole value) and what
/// is wrong there. serde says only "expected string or map" for a number where a name
/// belongs; the message then lists the names (`expected one of `mse`, …`).
pub(crate) fn read_typed<T: DeserializeOwned>(value: &Value) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().clone();
        let message = strip_position(&e.into_inner().to_string());
        let message = match message.strip_suffix(", expected string or map") {
            Some(head) => match accepted_names::<T>(value, &path) {
                Some(names) => format!("{head}, {names}"),
                None => message,
            },
            None => message,
        };
        (path.to_string(), message)
    })
}

/// The names accepted at `path`: serde lists them for an unknown name, so a string is put in
/// its place and the value read again.
fn accepted_names<T: DeserializeOwned>(value: &Value, path: &Path) -> Option<String> {
    let mut probe = value.clone();
    *pointer_mut(&mut probe, path)? = Value::String(String::new());
    let again = serde_path_to_error::deserialize::<_, T>(&probe).err()?;
    if again.path().to_string() != path.to_string() {
        return None;
    }
    // "unknown variant ``, expected one of `a`, `b`, `c`" (or "expected `a` or `b`")
    let names = again.inner().to_string();
    let listed = names.strip_prefix("unknown variant ``, ")?;
    Some(strip_position(listed))
}

/// The value at a serde_path_to_error path, for rewriting it.
fn pointer_mut<'a>(v: &'a mut Value, path: &Path) -> Option<&'a mut Value> {
    let mut at = v;
    for seg in path.iter() {
        at = match seg {
            Segment::Seq { index } => at.get_mut(*index)?,
            Segment::Map { key } => at.get_mut(key.as_str())?,
            Segment::Enum { .. } | Segment::Unknown => return None,
        };
    }
    Some(at)
}

/// serde_json appends " at line L column C"; the path already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
