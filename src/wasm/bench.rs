//! For the bench page (bench/): the kernel speed of a dense layer's three matrix products in
//! the worker. JavaScript times `run` with performance.now(). Only in builds with the
//! `bench-wasm` feature (www/pkg-shards/, the relaxed-SIMD bench build), not the trainer.

use crate::nn::gemm::bench::Products;
use wasm_bindgen::prelude::*;

/// The three products of a dense layer (see `nn::gemm::bench::Products`).
#[wasm_bindgen]
pub struct GemmBench(Products);

#[wasm_bindgen]
impl GemmBench {
    #[wasm_bindgen(constructor)]
    pub fn new(batch: usize, inputs: usize, units: usize) -> GemmBench {
        GemmBench(Products::new(batch, inputs, units))
    }

    /// Runs product `which` (0 forward X·Wᵀ, 1 weight gradient dZᵀ·X, 2 input gradient dZ·W)
    /// `times` times.
    pub fn run(&mut self, which: u32, times: u32) {
        self.0.run(which, times)
    }

    /// Floating-point operations of one product.
    pub fn flops(&self) -> f64 {
        self.0.flops()
    }

    pub fn checksum(&self) -> f64 {
        self.0.checksum()
    }
}
