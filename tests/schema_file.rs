//! The wasm `schema()` returns src/schema.json as committed (so the trainer's wasm does not carry
//! the schema writer): the file must be exactly what `schema_json()` writes.

#[test]
fn the_committed_schema_file_is_what_the_engine_writes() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/schema.json");
    let committed = std::fs::read_to_string(path).expect("src/schema.json is readable");
    let written = mlp_lab::schema::schema_json() + "\n";
    let first_difference = committed
        .bytes()
        .zip(written.bytes())
        .position(|(a, b)| a != b)
        .unwrap_or(committed.len().min(written.len()));
    assert!(
        committed == written,
        "src/schema.json is out of date (first difference at byte {first_difference}: file has \
         {:?}, the engine writes {:?}); regenerate it with `make schema` \
         (or `cargo run -- schema --compact > src/schema.json`) and commit it",
        excerpt(&committed, first_difference),
        excerpt(&written, first_difference),
    );
}

fn excerpt(text: &str, at: usize) -> String {
    let bytes = &text.as_bytes()[at.min(text.len())..];
    String::from_utf8_lossy(&bytes[..bytes.len().min(60)]).into_owned()
}
