//! The wasm export of the engine's schema (see [`crate::schema`]): the JSON text `mlp-lab
//! schema` prints, for the page to build its forms from.
//!
//! The text is src/schema.json, committed and included here rather than written by
//! `schema_json()` at run time: the writer and the sweep tables it reads would otherwise ship in
//! the trainer's wasm (about 9 KB). `tests/schema_file.rs` checks that the file is what
//! `schema_json()` writes, byte for byte (`make schema` rewrites it).

use wasm_bindgen::prelude::wasm_bindgen;

/// src/schema.json holds the text and a final newline (it is what `mlp-lab schema --compact`
/// prints).
const SCHEMA: &str = include_str!("../schema.json");

#[wasm_bindgen]
pub fn schema() -> String {
    SCHEMA.trim_end().to_string()
}
