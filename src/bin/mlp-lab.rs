//! The native command line: `train`, `eval`, `prepare-data` (and later `sweep`, `bench`).
//! The commands themselves live in `mlp_lab::cli`; this file only parses arguments.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    mlp_lab::cli::main()
}

// The binary has no meaning in a browser; this keeps `cargo test --target wasm32-…` building.
#[cfg(target_arch = "wasm32")]
fn main() {}
