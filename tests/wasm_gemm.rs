//! The matrix product against a naive f64 reference, in every orientation, at sizes that are
//! and are not multiples of the kernel's blocks, with α and β ≠ 0 and 1.
//!
//! Run in WebAssembly (`wasm-pack test --headless --chrome -- --test wasm_gemm`, in a dedicated
//! worker of headless Chromium), [`gemm`] is the wasm SIMD kernel. Natively it is
//! matrixmultiply, and the packed kernel runs on its portable `[f32; 4]` vectors, so its
//! blocking and packing are checked by `cargo test` too.

// `as Real` / `as f32` casts are no-ops in the default build and real under `--features f64`.
#![allow(clippy::unnecessary_cast)]

use mlp_lab::nn::gemm::{gemm, packed};
use mlp_lab::{Matrix, Real};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

// In a Web Worker, where the engine trains (`wasm-pack test --headless --chrome`).
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// (m, k, n): op(A) is m×k, op(B) k×n.
const SIZES: &[(usize, usize, usize)] = &[
    (1, 1, 1),
    (7, 13, 5),
    (8, 4, 4),
    (9, 5, 3),
    (3, 17, 11),
    (16, 1, 8),
    (33, 2, 8),
    (10, 128, 1),
    (17, 300, 33),
    (130, 257, 515),
    (32, 784, 256),
    (256, 128, 784),
    (129, 513, 6),
];

/// A deterministic fill in [-1, 1).
fn fill(len: usize, seed: u64) -> Vec<f32> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

/// The stored shape of an operand whose op is `rows × cols`.
fn stored(rows: usize, cols: usize, t: bool) -> (usize, usize) {
    if t {
        (cols, rows)
    } else {
        (rows, cols)
    }
}

/// Element (i, j) of op(M) for a column-major M with `r` rows.
fn at(m: &[f32], r: usize, t: bool, i: usize, j: usize) -> f64 {
    (if t { m[j + i * r] } else { m[i + j * r] }) as f64
}

struct Case {
    m: usize,
    k: usize,
    n: usize,
    ta: bool,
    tb: bool,
    a: Vec<f32>,
    ar: usize,
    b: Vec<f32>,
    br: usize,
    c0: Vec<f32>,
}

impl Case {
    fn new(m: usize, k: usize, n: usize, ta: bool, tb: bool) -> Case {
        let (ar, ac) = stored(m, k, ta);
        let (br, bc) = stored(k, n, tb);
        let seed = (m * 1_000_003 + k * 1009 + n) as u64 * 4 + ta as u64 * 2 + tb as u64;
        Case {
            m,
            k,
            n,
            ta,
            tb,
            a: fill(ar * ac, seed),
            ar,
            b: fill(br * bc, seed + 1),
            br,
            c0: fill(m * n, seed + 2),
        }
    }

    /// Checks `c` against α·op(A)·op(B) + β·C0 (C0 ignored when β = 0).
    fn check(&self, c: &[f32], alpha: f32, beta: f32, what: &str) {
        for j in 0..self.n {
            for i in 0..self.m {
                let (mut dot, mut mag) = (0.0f64, 0.0f64);
                for p in 0..self.k {
                    let x =
                        at(&self.a, self.ar, self.ta, i, p) * at(&self.b, self.br, self.tb, p, j);
                    dot += x;
                    mag += x.abs();
                }
                let c0 = if beta == 0.0 {
                    0.0
                } else {
                    self.c0[i + j * self.m] as f64
                };
                let want = alpha as f64 * dot + beta as f64 * c0;
                let scale = alpha.abs() as f64 * mag + (beta as f64 * c0).abs();
                let tol = 4.0 * f32::EPSILON as f64 * (self.k as f64 + 2.0) * scale + 1e-30;
                let got = c[i + j * self.m] as f64;
                assert!(
                    (got - want).abs() <= tol,
                    "{what}: {}×{}·{}×{} ta={} tb={} α={alpha} β={beta}: C[{i},{j}] = {got}, want {want} (tol {tol})",
                    self.m,
                    self.k,
                    self.k,
                    self.n,
                    self.ta,
                    self.tb
                );
            }
        }
    }

    /// The product through the engine's `gemm` on nalgebra matrices.
    fn run_gemm(&self, alpha: f32, beta: f32) -> Vec<f32> {
        let to = |v: &[f32], r: usize| {
            Matrix::from_iterator(r, v.len() / r.max(1), v.iter().map(|x| *x as Real))
        };
        let a = if self.a.is_empty() {
            Matrix::zeros(self.ar, stored(self.m, self.k, self.ta).1)
        } else {
            to(&self.a, self.ar)
        };
        let b = if self.b.is_empty() {
            Matrix::zeros(self.br, stored(self.k, self.n, self.tb).1)
        } else {
            to(&self.b, self.br)
        };
        let mut c = if beta == 0.0 {
            Matrix::from_element(self.m, self.n, Real::NAN)
        } else {
            Matrix::from_iterator(self.m, self.n, self.c0.iter().map(|x| *x as Real))
        };
        gemm(
            alpha as Real,
            &a,
            self.ta,
            &b,
            self.tb,
            beta as Real,
            &mut c,
        );
        c.iter().map(|x| *x as f32).collect()
    }

    /// The product through the packed kernel directly.
    fn run_packed(&self, alpha: f32, beta: f32) -> Vec<f32> {
        let strides = |r: usize, t: bool| if t { (r as isize, 1) } else { (1, r as isize) };
        let (rsa, csa) = strides(self.ar, self.ta);
        let (rsb, csb) = strides(self.br, self.tb);
        let mut c = if beta == 0.0 {
            vec![f32::NAN; self.m * self.n]
        } else {
            self.c0.clone()
        };
        // SAFETY: the strides describe the column-major operands exactly.
        unsafe {
            packed::sgemm(
                self.m,
                self.k,
                self.n,
                alpha,
                self.a.as_ptr(),
                rsa,
                csa,
                self.b.as_ptr(),
                rsb,
                csb,
                beta,
                c.as_mut_ptr(),
                self.m,
            )
        };
        c
    }
}

const SCALARS: &[(f32, f32)] = &[(1.0, 0.0), (1.0, 1.0), (-0.5, 0.75), (2.0, -1.0)];

fn every_case(f: impl Fn(&Case, f32, f32)) {
    for &(m, k, n) in SIZES {
        for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
            let case = Case::new(m, k, n, ta, tb);
            // Every (α, β) on the small sizes; two on the large ones, whose naive reference is slow.
            let scalars = if m * k * n <= 100_000 {
                SCALARS
            } else {
                &SCALARS[1..3]
            };
            for &(alpha, beta) in scalars {
                f(&case, alpha, beta);
            }
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn gemm_matches_reference_in_every_orientation() {
    every_case(|case, alpha, beta| case.check(&case.run_gemm(alpha, beta), alpha, beta, "gemm"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn packed_kernel_matches_reference_in_every_orientation() {
    every_case(|case, alpha, beta| {
        case.check(
            &case.run_packed(alpha, beta),
            alpha,
            beta,
            packed::VECTOR_BACKEND,
        )
    });
}

/// β = 0 overwrites C even where it held NaN, and an empty depth gives β·C.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn beta_zero_ignores_c_and_empty_depth_scales_c() {
    let case = Case::new(5, 3, 4, false, true);
    let c = case.run_packed(1.0, 0.0);
    assert!(c.iter().all(|v| v.is_finite()));
    let empty = Case::new(6, 0, 7, true, false);
    let c = empty.run_packed(1.0, 0.5);
    for (got, c0) in c.iter().zip(&empty.c0) {
        assert_eq!(*got, 0.5 * c0);
    }
    assert!(empty.run_packed(1.0, 0.0).iter().all(|v| *v == 0.0));
    // Zero rows or columns: nothing to do, nothing touched.
    Case::new(0, 5, 3, false, false).run_packed(1.0, 0.0);
    Case::new(4, 5, 0, true, true).run_packed(1.0, 0.0);
}

/// Operands with strides other than a whole column (every other element of a larger buffer),
/// which take the kernel's general packing path.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn general_strides() {
    let (m, k, n) = (11, 37, 9);
    let a = fill(2 * m * k * 2, 3);
    let b = fill(3 * k * n, 4);
    let mut c = vec![0.0f32; m * n];
    // op(A)(i, p) = a[2i + 2m·p + 1]; op(B)(p, j) = b[3p + 3k·j].
    unsafe {
        packed::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr().add(1),
            2,
            2 * m as isize,
            b.as_ptr(),
            3,
            3 * k as isize,
            0.0,
            c.as_mut_ptr(),
            m,
        )
    };
    for j in 0..n {
        for i in 0..m {
            let want: f64 = (0..k)
                .map(|p| a[2 * i + 2 * m * p + 1] as f64 * b[3 * p + 3 * k * j] as f64)
                .sum();
            assert!(
                (c[i + j * m] as f64 - want).abs() < 1e-4,
                "C[{i},{j}] = {} want {want}",
                c[i + j * m]
            );
        }
    }
}

/// Once the largest shape has run, products of any shape reuse the workspace.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn workspace_stops_growing() {
    let big = Case::new(600, 700, 800, true, false);
    big.run_packed(1.0, 0.0);
    let cap = packed::workspace_capacity();
    for &(m, k, n) in SIZES {
        Case::new(m, k, n, false, true).run_packed(1.0, 0.0);
    }
    assert_eq!(packed::workspace_capacity(), cap);
}
