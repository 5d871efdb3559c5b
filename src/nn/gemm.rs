//! The one matrix product the engine uses: C ← α·op(A)·op(B) + β·C on column-major nalgebra
//! matrices, where op is the identity or the transpose. A transpose is only a swap of strides
//! here, so backpropagation's two transposed products cost no copies.

use crate::{Matrix, Real};

/// C ← α·op(A)·op(B) + β·C. Panics only on a shape mismatch, which is a bug in the caller.
pub fn gemm(alpha: Real, a: &Matrix, ta: bool, b: &Matrix, tb: bool, beta: Real, c: &mut Matrix) {
    let (m, k) = if ta { (a.ncols(), a.nrows()) } else { (a.nrows(), a.ncols()) };
    let (kb, n) = if tb { (b.ncols(), b.nrows()) } else { (b.nrows(), b.ncols()) };
    assert!(
        k == kb && c.nrows() == m && c.ncols() == n,
        "gemm shapes: op(A) {m}×{k}, op(B) {kb}×{n}, C {}×{}",
        c.nrows(),
        c.ncols()
    );
    // Column-major: element (i, j) sits at i + j·nrows, so row stride 1, column stride nrows.
    let strides = |mat: &Matrix, t: bool| {
        let (rs, cs) = (1isize, mat.nrows() as isize);
        if t {
            (cs, rs)
        } else {
            (rs, cs)
        }
    };
    let (rsa, csa) = strides(a, ta);
    let (rsb, csb) = strides(b, tb);
    let (rsc, csc) = (1isize, m as isize);
    if m == 0 || n == 0 {
        return;
    }
    // SAFETY: the pointers come from live matrices whose shapes were checked above against
    // m, k, n and the strides describe their column-major layout exactly.
    unsafe {
        kernel(
            m,
            k,
            n,
            alpha,
            a.as_ptr(),
            rsa,
            csa,
            b.as_ptr(),
            rsb,
            csb,
            beta,
            c.as_mut_ptr(),
            rsc,
            csc,
        )
    }
}

#[cfg(not(feature = "f64"))]
use matrixmultiply::sgemm as kernel;
#[cfg(feature = "f64")]
use matrixmultiply::dgemm as kernel;
