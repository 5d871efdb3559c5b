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
    let (c_shape, c_strides) = (c.shape(), c.strides());
    // SAFETY: each pointer comes with its matrix's own shape and strides, and C is borrowed
    // mutably, so it overlaps neither A nor B.
    unsafe {
        product(
            alpha,
            Strided::of(a, ta),
            Strided::of(b, tb),
            beta,
            c.as_mut_ptr(),
            c_shape,
            c_strides,
        )
    }
}

/// op(M) of a matrix: pointer, shape and (row, column) strides, a transpose swapping both.
#[derive(Clone, Copy)]
struct Strided {
    ptr: *const Real,
    rows: usize,
    cols: usize,
    rs: isize,
    cs: isize,
}

impl Strided {
    fn of<S: RawStorage<Real, Dyn, Dyn>>(m: &Matrix<Real, Dyn, Dyn, S>, t: bool) -> Strided {
        let ((r, c), (rs, cs)) = (m.shape(), m.strides());
        let (rs, cs) = (rs as isize, cs as isize);
        let ptr = m.as_ptr();
        if t {
            Strided {
                ptr,
                rows: c,
                cols: r,
                rs: cs,
                cs: rs,
            }
        } else {
            Strided {
                ptr,
                rows: r,
                cols: c,
                rs,
                cs,
            }
        }
    }
}

/// The shape checks and the kernel call, once for every kind of matrix and view.
///
/// # Safety
/// `a`, `b` and `c` must describe live, non-overlapping (C with neither) matrices.
unsafe fn product(
    alpha: Real,
    a: Strided,
    b: Strided,
    beta: Real,
    c: *mut Real,
    (c_rows, c_cols): (usize, usize),
    (c_rs, ldc): (usize, usize),
) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    assert!(
        k == b.rows && c_rows == m && c_cols == n,
        "gemm shapes: op(A) {m}×{k}, op(B) {}×{n}, C {c_rows}×{c_cols}",
        b.rows
    );
    assert!(c_rs == 1 || m <= 1, "gemm: C's rows must be contiguous");
    if m == 0 || n == 0 {
        return;
    }
    kernel_product(
        m,
        k,
        n,
        alpha,
        (a.ptr, a.rs, a.cs),
        (b.ptr, b.rs, b.cs),
        beta,
        c,
        ldc,
    )
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
