//! What the wasm tests (`wasm_trainer.rs`, `wasm_sweep.rs`) share: reading the errors the
//! wrappers throw.

use wasm_bindgen::{JsCast, JsValue};

/// (message, kind, field) of a thrown JavaScript `Error`.
pub fn parts(e: JsValue) -> (String, String, Option<String>) {
    let err: js_sys::Error = e.dyn_into().expect("errors are JavaScript Error objects");
    let get = |k: &str| {
        js_sys::Reflect::get(&err, &JsValue::from_str(k))
            .ok()
            .and_then(|v| v.as_string())
    };
    (
        err.message().into(),
        get("kind").expect("errors carry a kind"),
        get("field"),
    )
}
