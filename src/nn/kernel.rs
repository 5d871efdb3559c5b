//! Which arithmetic the engine runs on natively.
//!
//! - [`Kernel::Native`] (the default): the `gemm` crate's matrix product, with the AVX-512 or
//!   AVX2/FMA kernels the CPU has (asked at run time), and the platform's `exp`/`tanh`/`ln`.
//! - [`Kernel::Portable`]: the page's arithmetic. The packed product of `gemm_wasm.rs`, run on
//!   `[f32; 4]` lanes in the same summation order as the wasm SIMD one and without fused
//!   multiply-adds (Rust never contracts `a * b + c`), and the elementary functions of Rust's
//!   port of musl's libm, which is what wasm32's std calls for them. A native run with it
//!   reproduces the page's numbers bit for bit (tests/e2e/portable-kernel.test.mjs).
//!
//! The choice is per process, as choosing a BLAS is: every thread of a run must compute alike.
//! In WebAssembly there is nothing to choose; the engine is always what `Portable` imitates.

use crate::Real;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Kernel {
    #[default]
    Native,
    Portable,
}

impl Kernel {
    pub const ALL: [Kernel; 2] = [Kernel::Native, Kernel::Portable];

    pub fn name(self) -> &'static str {
        match self {
            Kernel::Native => "native",
            Kernel::Portable => "portable",
        }
    }

    pub fn from_name(name: &str) -> Option<Kernel> {
        Kernel::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl std::fmt::Display for Kernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

static PORTABLE: AtomicBool = AtomicBool::new(false);

/// Chooses the kernel for the whole process (before training starts).
pub fn set_kernel(k: Kernel) {
    PORTABLE.store(k == Kernel::Portable, Ordering::Relaxed);
}

/// The kernel in force: always `Portable` in WebAssembly.
pub fn kernel() -> Kernel {
    if cfg!(target_arch = "wasm32") || PORTABLE.load(Ordering::Relaxed) {
        Kernel::Portable
    } else {
        Kernel::Native
    }
}

/// The elementary functions the engine uses, as a type, so a loop is compiled once per set
/// and the choice is made once per call rather than once per element.
pub trait Math {
    fn exp(x: Real) -> Real;
    fn tanh(x: Real) -> Real;
    fn exp64(x: f64) -> f64;
    fn ln64(x: f64) -> f64;
    fn ln_1p64(x: f64) -> f64;
}

/// The platform's functions (glibc's natively: faster, e.g. `expf` 2.5×, and differing from
/// libm's in the last bit for about one input in ten).
pub struct PlatformMath;

impl Math for PlatformMath {
    #[inline(always)]
    fn exp(x: Real) -> Real {
        x.exp()
    }
    #[inline(always)]
    fn tanh(x: Real) -> Real {
        x.tanh()
    }
    #[inline(always)]
    fn exp64(x: f64) -> f64 {
        x.exp()
    }
    #[inline(always)]
    fn ln64(x: f64) -> f64 {
        x.ln()
    }
    #[inline(always)]
    fn ln_1p64(x: f64) -> f64 {
        x.ln_1p()
    }
}

/// The page's functions: the `libm` crate natively; std's in WebAssembly, which are the same
/// code (compiler-builtins bundles that libm for wasm32; tests/e2e/portable-kernel.test.mjs
/// compares whole training runs bit for bit).
pub struct PortableMath;

#[cfg(not(target_arch = "wasm32"))]
impl Math for PortableMath {
    #[inline(always)]
    fn exp(x: Real) -> Real {
        #[cfg(not(feature = "f64"))]
        return libm::expf(x);
        #[cfg(feature = "f64")]
        return libm::exp(x);
    }
    #[inline(always)]
    fn tanh(x: Real) -> Real {
        #[cfg(not(feature = "f64"))]
        return libm::tanhf(x);
        #[cfg(feature = "f64")]
        return libm::tanh(x);
    }
    #[inline(always)]
    fn exp64(x: f64) -> f64 {
        libm::exp(x)
    }
    #[inline(always)]
    fn ln64(x: f64) -> f64 {
        libm::log(x)
    }
    #[inline(always)]
    fn ln_1p64(x: f64) -> f64 {
        libm::log1p(x)
    }
}

#[cfg(target_arch = "wasm32")]
impl Math for PortableMath {
    #[inline(always)]
    fn exp(x: Real) -> Real {
        PlatformMath::exp(x)
    }
    #[inline(always)]
    fn tanh(x: Real) -> Real {
        PlatformMath::tanh(x)
    }
    #[inline(always)]
    fn exp64(x: f64) -> f64 {
        PlatformMath::exp64(x)
    }
    #[inline(always)]
    fn ln64(x: f64) -> f64 {
        PlatformMath::ln64(x)
    }
    #[inline(always)]
    fn ln_1p64(x: f64) -> f64 {
        PlatformMath::ln_1p64(x)
    }
}
