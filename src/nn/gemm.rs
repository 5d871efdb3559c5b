//! The one matrix product the engine uses: C ← α·op(A)·op(B) + β·C on nalgebra matrices or
//! views, where op is the identity or the transpose. A transpose is only a swap of strides
//! here, so backpropagation's two transposed products cost no copies.
//!
//! Natively the product is the `gemm` crate's (AVX-512 or AVX2/FMA kernels chosen at run time)
//! or, with [`Kernel::Portable`], the page's. In WebAssembly, where neither has a SIMD kernel,
//! it is [`packed::sgemm`], a packed, register-blocked kernel written for wasm SIMD that
//! allocates nothing once warmed up.

#[allow(unused_imports)]
use super::kernel::{kernel, Kernel};
use crate::Real;
use nalgebra::{Dyn, Matrix, RawStorage, RawStorageMut};

#[path = "gemm_wasm.rs"]
pub mod packed;

/// C ← α·op(A)·op(B) + β·C. C's rows must be contiguous (row stride 1: a matrix, a view of
/// whole columns, or a view over a slice). Panics only on a shape mismatch, which is a bug in
/// the caller.
pub fn gemm<SA, SB, SC>(
    alpha: Real,
    a: &Matrix<Real, Dyn, Dyn, SA>,
    ta: bool,
    b: &Matrix<Real, Dyn, Dyn, SB>,
    tb: bool,
    beta: Real,
    c: &mut Matrix<Real, Dyn, Dyn, SC>,
) where
    SA: RawStorage<Real, Dyn, Dyn>,
    SB: RawStorage<Real, Dyn, Dyn>,
    SC: RawStorageMut<Real, Dyn, Dyn>,
{
    let (m, k) = if ta {
        (a.ncols(), a.nrows())
    } else {
        (a.nrows(), a.ncols())
    };
    let (kb, n) = if tb {
        (b.ncols(), b.nrows())
    } else {
        (b.nrows(), b.ncols())
    };
    assert!(
        k == kb && c.nrows() == m && c.ncols() == n,
        "gemm shapes: op(A) {m}×{k}, op(B) {kb}×{n}, C {}×{}",
        c.nrows(),
        c.ncols()
    );
    let (c_rs, ldc) = c.strides();
    assert!(c_rs == 1 || m <= 1, "gemm: C's rows must be contiguous");
    // (row stride, column stride) of op(M): a transpose swaps them.
    let strides = |(rs, cs): (usize, usize), t: bool| {
        let (rs, cs) = (rs as isize, cs as isize);
        if t {
            (cs, rs)
        } else {
            (rs, cs)
        }
    };
    let (rsa, csa) = strides(a.strides(), ta);
    let (rsb, csb) = strides(b.strides(), tb);
    if m == 0 || n == 0 {
        return;
    }
    // SAFETY: the pointers come from live matrices whose shapes were checked above against
    // m, k, n and the strides are their own; C is borrowed mutably, so it overlaps neither A
    // nor B.
    unsafe {
        kernel_product(
            m,
            k,
            n,
            alpha,
            (a.as_ptr(), rsa, csa),
            (b.as_ptr(), rsb, csb),
            beta,
            c.as_mut_ptr(),
            ldc,
        )
    }
}

/// A strided operand: pointer, row stride, column stride (in elements).
type Operand = (*const Real, isize, isize);

/// The wasm SIMD kernel (f32 builds for wasm32 with simd128).
#[cfg(all(
    target_arch = "wasm32",
    target_feature = "simd128",
    not(feature = "f64")
))]
#[allow(clippy::too_many_arguments)]
#[inline]
unsafe fn kernel_product(
    m: usize,
    k: usize,
    n: usize,
    alpha: Real,
    (a, rsa, csa): Operand,
    (b, rsb, csb): Operand,
    beta: Real,
    c: *mut Real,
    ldc: usize,
) {
    packed::sgemm(m, k, n, alpha, a, rsa, csa, b, rsb, csb, beta, c, ldc)
}

/// matrixmultiply for a wasm build without SIMD.
#[cfg(all(
    target_arch = "wasm32",
    not(all(target_feature = "simd128", not(feature = "f64")))
))]
#[allow(clippy::too_many_arguments)]
#[inline]
unsafe fn kernel_product(
    m: usize,
    k: usize,
    n: usize,
    alpha: Real,
    (a, rsa, csa): Operand,
    (b, rsb, csb): Operand,
    beta: Real,
    c: *mut Real,
    ldc: usize,
) {
    #[cfg(feature = "f64")]
    use matrixmultiply::dgemm as mm;
    #[cfg(not(feature = "f64"))]
    use matrixmultiply::sgemm as mm;
    mm(
        m,
        k,
        n,
        alpha,
        a,
        rsa,
        csa,
        b,
        rsb,
        csb,
        beta,
        c,
        1,
        ldc as isize,
    )
}

/// Natively: the `gemm` crate, or the page's packed product with [`Kernel::Portable`] (f32
/// only: the page has no f64 build to imitate).
#[cfg(not(target_arch = "wasm32"))]
#[allow(clippy::too_many_arguments)]
#[inline]
unsafe fn kernel_product(
    m: usize,
    k: usize,
    n: usize,
    alpha: Real,
    (a, rsa, csa): Operand,
    (b, rsb, csb): Operand,
    beta: Real,
    c: *mut Real,
    ldc: usize,
) {
    #[cfg(not(feature = "f64"))]
    if kernel() == Kernel::Portable {
        return packed::sgemm(m, k, n, alpha, a, rsa, csa, b, rsb, csb, beta, c, ldc);
    }
    if k == 0 {
        for j in 0..n {
            let col = std::slice::from_raw_parts_mut(c.add(j * ldc), m);
            col.iter_mut()
                .for_each(|v| *v = if beta == 0.0 { 0.0 } else { beta * *v });
        }
        return;
    }
    // The crate's convention is dst ← α·dst + β·lhs·rhs, with (column, row) stride pairs.
    gemm::gemm(
        m,
        n,
        k,
        c,
        ldc as isize,
        1,
        beta != 0.0,
        a,
        csa,
        rsa,
        b,
        csb,
        rsb,
        beta,
        alpha,
        false,
        false,
        false,
        gemm::Parallelism::None,
    )
}

/// The three products of a dense layer's training step at a given size, for measuring the
/// kernel (the browser bench page and `mlp-lab bench`).
pub mod bench {
    use super::gemm;
    use crate::{Matrix, Real};

    /// Operands and outputs of X·Wᵀ (forward), dZᵀ·X (weight gradient) and dZ·W (input
    /// gradient) for a `batch × inputs` input and a `units × inputs` weight matrix.
    pub struct Products {
        x: Matrix,
        w: Matrix,
        dz: Matrix,
        z: Matrix,
        dw: Matrix,
        dx: Matrix,
    }

    /// What each product computes, in [`Products::run`]'s numbering.
    pub const NAMES: [&str; 3] = [
        "forward X·Wᵀ",
        "weight gradient dZᵀ·X",
        "input gradient dZ·W",
    ];

    impl Products {
        pub fn new(batch: usize, inputs: usize, units: usize) -> Products {
            let mut s = 0x9E37_79B9u32;
            let mut fill = |r: usize, c: usize| {
                Matrix::from_fn(r, c, |_, _| {
                    s ^= s << 13;
                    s ^= s >> 17;
                    s ^= s << 5;
                    (s as Real / u32::MAX as Real) * 2.0 - 1.0
                })
            };
            Products {
                x: fill(batch, inputs),
                w: fill(units, inputs),
                dz: fill(batch, units),
                z: Matrix::zeros(batch, units),
                dw: Matrix::zeros(units, inputs),
                dx: Matrix::zeros(batch, inputs),
            }
        }

        /// Floating-point operations of one product (all three have the same count).
        pub fn flops(&self) -> f64 {
            2.0 * (self.x.nrows() * self.x.ncols() * self.w.nrows()) as f64
        }

        /// Runs product `which` (0 forward, 1 weight gradient, 2 input gradient) `times` times.
        pub fn run(&mut self, which: u32, times: u32) {
            let p = self;
            for _ in 0..times {
                match which {
                    0 => gemm(1.0, &p.x, false, &p.w, true, 0.0, &mut p.z),
                    1 => gemm(1.0, &p.dz, true, &p.x, false, 0.0, &mut p.dw),
                    _ => gemm(1.0, &p.dz, false, &p.w, false, 0.0, &mut p.dx),
                }
            }
        }

        /// A checksum of the outputs, so the work cannot be optimised away.
        pub fn checksum(&self) -> f64 {
            [&self.z, &self.dw, &self.dx]
                .iter()
                .map(|m| m.iter().map(|v| *v as f64).sum::<f64>())
                .sum()
        }
    }
}
