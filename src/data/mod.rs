//! Data sets: the in-memory [`Dataset`] and the loaders that fill it.

pub mod dataset;

pub use dataset::{Dataset, Targets};
