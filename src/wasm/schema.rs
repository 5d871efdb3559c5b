//! The wasm export of the engine's schema (see [`crate::schema`]): the JSON text `mlp-lab
//! schema` prints, for the page to build its forms from.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn schema() -> String {
    crate::schema::schema_json()
}
