//! `mlp-lab schema`: prints the engine's schema (the same text as the wasm `schema()`).

use std::io::Write;

pub fn run() -> Result<(), String> {
    let schema: serde_json::Value = serde_json::from_str(&crate::schema::schema_json())
        .map_err(|e| format!("the schema is not JSON: {e}"))?;
    // Written, not println!'d: a reader that stops early (`mlp-lab schema | head`) closes the
    // pipe, which println! would turn into a panic.
    match writeln!(std::io::stdout().lock(), "{schema:#}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the schema to stdout: {e}"))
        }
        _ => Ok(()),
    }
}
