//! `mlp-lab schema`: prints the engine's schema (the same text as the wasm `schema()`).

pub fn run() -> Result<(), String> {
    let schema: serde_json::Value = serde_json::from_str(&crate::schema::schema_json())
        .map_err(|e| format!("the schema is not JSON: {e}"))?;
    println!("{schema:#}");
    Ok(())
}
