//! The WebAssembly face of the engine, for the page's workers (`www/worker.js`) and its sweep
//! coordinator. This is the only module that knows wasm-bindgen, and it holds no engine rule:
//! each file converts JavaScript values to the engine's types and back.
//!
//! From JavaScript (`import init, {DataSet, Trainer, ...} from './pkg/mlp_lab.js'`):
//!
//! - [`DataSet`] (`data.rs`): `toy / from_csv / from_idx / from_cifar / from_prepared(...)` parse
//!   bytes into a data set kept in wasm memory; `feature_as_target` regresses one of its
//!   columns; `summary()` describes it and `sample_images` draws from it.
//! - [`Trainer`] (`trainer.rs`): `new Trainer(config, dataSet, initModelJson?)` is the engine's
//!   `Run` of the data as the config says; `step(nBatches)` trains a slice; `evaluate`,
//!   `confusion_matrix`, `predict`, `weight_histograms`, `grad_norms`, `history`,
//!   `export_model`, checkpoints and `resume` read and continue it; `next_batch`,
//!   `compute_shard`, `apply_batch` (`shards.rs`, with the `shards-wasm` feature: www/pkg-shards/)
//!   train a batch shard by shard, for a run shared among page workers.
//! - `TrialRun` (`trial.rs`, with the `sweep-wasm` feature: a sweep's trial workers load
//!   www/pkg-sweep/ as `worker.js?engine=sweep`): one sweep trial, as the CLI runs it.
//! - [`import_model`] (`model.rs`) gives a [`Model`] that predicts and is scored alone.
//! - [`validate_config`] (`config.rs`) lists every problem of a config as `{field, message}`.
//! - `SweepCoordinator` (`sweep.rs`, with the `sweep-wasm` feature) for the Sweeps panel and
//!   `GemmBench` (`bench.rs`, with `bench-wasm`, which `shards-wasm` turns on) for the bench page.
//! - `model_onnx`, `model_predictions`, `model_predict_csv`, `csv_data_set` and
//!   `array_data_set` (`export.rs`, with the `export-wasm` feature: www/pkg-export/ and the
//!   npm package).
//!
//! Errors are thrown as `Error` objects with `kind` and, when one field is at fault, `field`
//! and `detail` (`convert.rs`). Nothing panics on bad input; should an internal bug panic
//! anyway, the message is kept for [`last_panic`] and logged to the console.

#[cfg(feature = "bench-wasm")]
mod bench;
mod checkpoint;
mod config;
mod convert;
mod data;
#[cfg(feature = "export-wasm")]
mod export;
mod model;
mod rows;
mod schema;
#[cfg(feature = "shards-wasm")]
mod shards;
#[cfg(feature = "sweep-wasm")]
mod sweep;
mod trainer;
#[cfg(feature = "sweep-wasm")]
mod trial;

#[cfg(feature = "bench-wasm")]
pub use bench::GemmBench;
pub use config::{config_task, validate_config};
pub use data::DataSet;
#[cfg(feature = "export-wasm")]
pub use export::{array_data_set, csv_data_set, model_onnx, model_predict_csv, model_predictions};
pub use model::{import_model, Model};
#[cfg(feature = "sweep-wasm")]
pub use sweep::{failed_trial, SweepCoordinator};
pub use trainer::Trainer;
#[cfg(feature = "sweep-wasm")]
pub use trial::TrialRun;

use std::sync::Mutex;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Installs a panic hook when the module is instantiated: a panic (an engine bug, never bad
/// input) aborts the wasm call with a bare "unreachable" trap, so the message is logged and
/// kept for [`last_panic`] to let the worker report what happened.
#[wasm_bindgen(start)]
pub fn on_load() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("internal error (please report it): {info}");
        console_error(&message);
        if let Ok(mut slot) = LAST_PANIC.lock() {
            *slot = Some(message);
        }
    }));
}

/// The message of the last panic, if one happened; the module must be reloaded after one.
#[wasm_bindgen]
pub fn last_panic() -> Option<String> {
    LAST_PANIC.lock().ok().and_then(|slot| slot.clone())
}

/// Whether this build uses WebAssembly SIMD (it always does when built with the repository's
/// `.cargo/config.toml`).
#[wasm_bindgen]
pub fn simd_enabled() -> bool {
    cfg!(target_feature = "simd128")
}

/// Which vector code the wasm matrix product runs (`wasm simd128` or with `relaxed-simd`).
#[wasm_bindgen]
pub fn gemm_backend() -> String {
    crate::nn::gemm::packed::VECTOR_BACKEND.to_string()
}

/// The crate version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
