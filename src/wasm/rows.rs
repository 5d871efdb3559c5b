//! Rows of a data set with a model's outputs, as the page's views draw them.

use super::convert::set;
use crate::data::{Dataset, Targets};
use wasm_bindgen::prelude::*;

/// `{rows, d, features?, targets, k, outputs, cols}` for the first `rows` rows of `data`:
/// targets are rows × k (the class index when classes), outputs rows × cols.
pub fn rows_object(
    data: &Dataset,
    rows: usize,
    features: Option<&[f32]>,
    outputs: &[f32],
    cols: usize,
) -> Result<JsValue, JsValue> {
    let (targets, k): (Vec<f32>, usize) = match &data.targets {
        Targets::Classes { labels, .. } => (labels[..rows].iter().map(|&l| l as f32).collect(), 1),
        Targets::Values { values, k } => (values[..rows * k].to_vec(), *k),
    };
    let o = js_sys::Object::new();
    set(&o, "rows", rows.into())?;
    set(&o, "d", data.d.into())?;
    if let Some(f) = features {
        set(&o, "features", js_sys::Float32Array::from(f).into())?;
    }
    set(
        &o,
        "targets",
        js_sys::Float32Array::from(&targets[..]).into(),
    )?;
    set(&o, "k", k.into())?;
    set(&o, "outputs", js_sys::Float32Array::from(outputs).into())?;
    set(&o, "cols", cols.into())?;
    Ok(o.into())
}
