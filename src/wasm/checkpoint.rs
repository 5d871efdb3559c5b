//! An optimizer's state as the page's run store keeps it: `{steps, lengths: [[tensor length, …]
//! per buffer], data: Float32Array}`, every buffer's tensors back to back in one typed array
//! (structured-cloned cheaply, unlike nested arrays of numbers).

use super::convert::{set, to_js, Failure};
use crate::optim::OptimizerState;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub fn optimizer_to_js(state: &OptimizerState) -> Result<JsValue, JsValue> {
    let lengths: Vec<Vec<usize>> = state
        .buffers
        .iter()
        .map(|b| b.iter().map(Vec::len).collect())
        .collect();
    let data: Vec<f32> = state.buffers.iter().flatten().flatten().copied().collect();
    let o = js_sys::Object::new();
    set(&o, "steps", JsValue::from_f64(state.steps as f64))?;
    set(&o, "lengths", to_js(&lengths)?)?;
    set(&o, "data", js_sys::Float32Array::from(&data[..]).into())?;
    Ok(o.into())
}

fn bad(field: &str, detail: impl Into<String>) -> JsValue {
    let detail = detail.into();
    let message = format!("{field}: {detail}");
    Failure::at("train", "optimizer", &message, &message).into()
}

pub fn optimizer_from_js(state: &JsValue) -> Result<OptimizerState, JsValue> {
    let get = |key: &str| {
        js_sys::Reflect::get(state, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    };
    let steps = get("steps")
        .as_f64()
        .filter(|s| s.is_finite() && *s >= 0.0 && s.fract() == 0.0)
        .ok_or_else(|| bad("optimizer.steps", "expected a whole number ≥ 0"))?;
    let lengths: Vec<Vec<usize>> = serde_wasm_bindgen::from_value(get("lengths"))
        .map_err(|e| bad("optimizer.lengths", e.to_string()))?;
    let data: Vec<f32> = get("data")
        .dyn_into::<js_sys::Float32Array>()
        .map_err(|_| bad("optimizer.data", "expected a Float32Array"))?
        .to_vec();
    let total: usize = lengths.iter().flatten().sum();
    if total != data.len() {
        return Err(bad(
            "optimizer.data",
            format!(
                "the lengths add up to {total} numbers but the data has {}",
                data.len()
            ),
        ));
    }
    let mut rest = &data[..];
    let mut take = |n: usize| {
        let (t, r) = rest.split_at(n);
        rest = r;
        t.to_vec()
    };
    let buffers = lengths
        .iter()
        .map(|b| b.iter().map(|&n| take(n)).collect())
        .collect();
    Ok(OptimizerState {
        steps: steps as u64,
        buffers,
    })
}
