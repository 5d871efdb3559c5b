//! MLP Lab: a multilayer-perceptron trainer on nalgebra that runs natively and as WebAssembly.
//!
//! The engine is written once against [`Real`], which is `f32` (PyTorch's default dtype, and what
//! the browser trains in) unless the `f64` feature is on; the f64 build exists so gradient checks
//! can use tight tolerances on exactly the same code.

// `x as f64` on a `Real` is the conversion the f32 build needs; in the f64 build it is the same
// type, which clippy would otherwise refuse there.
#![cfg_attr(feature = "f64", allow(clippy::unnecessary_cast))]

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod config;
pub mod data;
mod json_read;
pub mod model_io;
pub mod nn;
pub mod onnx;
pub mod optim;
pub mod predict;
pub mod schema;
pub mod sweep;
pub mod train;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

#[cfg(not(feature = "f64"))]
pub type Real = f32;
#[cfg(feature = "f64")]
pub type Real = f64;

/// Column-major matrix of [`Real`]; a batch is `batch × features`, so each feature (and each
/// neuron's pre-activation) is one contiguous column.
pub type Matrix = nalgebra::DMatrix<Real>;
