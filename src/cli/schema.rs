//! `mlp-lab schema`: prints the engine's schema (indented; with `--compact`, the exact text the
//! wasm `schema()` returns).

use super::args::SchemaArgs;
use std::io::Write;

pub fn run(args: SchemaArgs) -> Result<(), String> {
    let text = crate::schema::schema_json();
    let text = if args.compact {
        text
    } else {
        let schema: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("the schema is not JSON: {e}"))?;
        format!("{schema:#}")
    };
    // Written, not println!'d: a reader that stops early (`mlp-lab schema | head`) closes the
    // pipe, which println! would turn into a panic.
    match writeln!(std::io::stdout().lock(), "{text}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the schema to stdout: {e}"))
        }
        _ => Ok(()),
    }
}
