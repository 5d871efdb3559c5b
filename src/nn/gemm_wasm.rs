//! A packed, register-blocked single-precision GEMM for WebAssembly SIMD, the engine's matrix
//! product in the browser (matrixmultiply has no SIMD kernel on wasm32).
//!
//! C ← α·op(A)·op(B) + β·C with C column-major (`ldc` between columns) and op(A), op(B) given by
//! element strides, so the three orientations of a dense layer (X·Wᵀ, dZᵀ·X, dZ·W) are read in
//! place, never transposed into new matrices. The structure is the usual one (Goto/BLIS):
//!
//! - op(B) is cut into KC×NC blocks, each packed into `NR`-column slivers laid out `[p][NR]`;
//! - op(A) is cut into MC×KC blocks, each packed into `MR`-row slivers laid out `[p][MR]`;
//! - a micro-kernel multiplies one A sliver by one B sliver into an MR×NR tile held in
//!   `MR/4 × NR` four-lane accumulators, and writes the tile into C (α, β applied there).
//!
//! Packing pads partial slivers with zeros, so the micro-kernel always runs full tiles and only
//! the write-back of edge tiles is partial. The packing buffers live in a thread-local
//! workspace that only grows (to at most (MC + NC)·KC floats), so a product allocates nothing
//! once the largest shape has been seen.
//!
//! On `wasm32` with `simd128` the four-lane vector is `v128` (and with `relaxed-simd` the
//! multiply-add is `f32x4.relaxed_madd`, a fused multiply-add where the CPU has one); elsewhere
//! it is a plain `[f32; 4]`, so the blocking and packing logic is tested natively as well.
// The micro-kernel indexes its register tile by (vector, column) on purpose: with constant bounds
// the loops unroll into straight-line code over named accumulators.
#![allow(clippy::needless_range_loop)]

use std::cell::RefCell;

/// Rows of a micro-tile (a multiple of 4: the tile is `MR/4` vectors tall).
pub const MR: usize = 8;
/// Columns of a micro-tile.
pub const NR: usize = 4;
const MV: usize = MR / 4;
/// Depth of a packed block.
const KC: usize = 256;
/// Rows of a packed A block (a multiple of MR).
const MC: usize = 128;
/// Columns of a packed B block (a multiple of NR).
const NC: usize = 512;

pub use v4::NAME as VECTOR_BACKEND;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod v4 {
    use core::arch::wasm32::*;

    #[cfg(target_feature = "relaxed-simd")]
    pub const NAME: &str = "wasm simd128 + relaxed-simd";
    #[cfg(not(target_feature = "relaxed-simd"))]
    pub const NAME: &str = "wasm simd128";

    pub type V = v128;

    #[inline(always)]
    pub fn zero() -> V {
        f32x4_splat(0.0)
    }
    #[inline(always)]
    pub fn splat(x: f32) -> V {
        f32x4_splat(x)
    }
    /// Four floats from `p` (no alignment needed).
    #[inline(always)]
    pub unsafe fn load(p: *const f32) -> V {
        v128_load(p as *const v128)
    }
    #[inline(always)]
    pub unsafe fn load_splat(p: *const f32) -> V {
        v128_load32_splat(p as *const u32)
    }
    #[inline(always)]
    pub unsafe fn store(p: *mut f32, v: V) {
        v128_store(p as *mut v128, v)
    }
    #[inline(always)]
    pub fn add(a: V, b: V) -> V {
        f32x4_add(a, b)
    }
    #[inline(always)]
    pub fn mul(a: V, b: V) -> V {
        f32x4_mul(a, b)
    }
    /// acc + a·b.
    #[cfg(target_feature = "relaxed-simd")]
    #[inline(always)]
    pub fn madd(acc: V, a: V, b: V) -> V {
        f32x4_relaxed_madd(a, b, acc)
    }
    #[cfg(not(target_feature = "relaxed-simd"))]
    #[inline(always)]
    pub fn madd(acc: V, a: V, b: V) -> V {
        f32x4_add(acc, f32x4_mul(a, b))
    }
    /// The 4×4 transpose of four rows.
    #[inline(always)]
    pub fn transpose(r0: V, r1: V, r2: V, r3: V) -> [V; 4] {
        let t0 = i32x4_shuffle::<0, 4, 1, 5>(r0, r1); // r0[0] r1[0] r0[1] r1[1]
        let t1 = i32x4_shuffle::<2, 6, 3, 7>(r0, r1); // r0[2] r1[2] r0[3] r1[3]
        let t2 = i32x4_shuffle::<0, 4, 1, 5>(r2, r3);
        let t3 = i32x4_shuffle::<2, 6, 3, 7>(r2, r3);
        [
            i64x2_shuffle::<0, 2>(t0, t2),
            i64x2_shuffle::<1, 3>(t0, t2),
            i64x2_shuffle::<0, 2>(t1, t3),
            i64x2_shuffle::<1, 3>(t1, t3),
        ]
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod v4 {
    pub const NAME: &str = "portable [f32; 4]";

    pub type V = [f32; 4];

    #[inline(always)]
    pub fn zero() -> V {
        [0.0; 4]
    }
    #[inline(always)]
    pub fn splat(x: f32) -> V {
        [x; 4]
    }
    #[inline(always)]
    pub unsafe fn load(p: *const f32) -> V {
        (p as *const V).read_unaligned()
    }
    #[inline(always)]
    pub unsafe fn load_splat(p: *const f32) -> V {
        [*p; 4]
    }
    #[inline(always)]
    pub unsafe fn store(p: *mut f32, v: V) {
        (p as *mut V).write_unaligned(v)
    }
    #[inline(always)]
    pub fn add(a: V, b: V) -> V {
        [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]]
    }
    #[inline(always)]
    pub fn mul(a: V, b: V) -> V {
        [a[0] * b[0], a[1] * b[1], a[2] * b[2], a[3] * b[3]]
    }
    #[inline(always)]
    pub fn madd(acc: V, a: V, b: V) -> V {
        add(acc, mul(a, b))
    }
    #[inline(always)]
    pub fn transpose(r0: V, r1: V, r2: V, r3: V) -> [V; 4] {
        let r = [r0, r1, r2, r3];
        std::array::from_fn(|c| std::array::from_fn(|i| r[i][c]))
    }
}

use v4::V;

thread_local! {
    /// Packed A block then packed B block; grows to the largest shape seen, never shrinks.
    static WORKSPACE: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Floats of packing workspace the product of these sizes needs.
fn workspace_len(m: usize, k: usize, n: usize) -> usize {
    let kc = KC.min(k);
    let mc = MC.min(m.next_multiple_of(MR));
    let nc = NC.min(n.next_multiple_of(NR));
    kc * (mc + nc)
}

/// The capacity (in floats) of this thread's packing workspace: constant once the largest
/// product has run, which is what keeps training from allocating.
pub fn workspace_capacity() -> usize {
    WORKSPACE.with(|w| w.borrow().capacity())
}

/// C ← α·op(A)·op(B) + β·C, where op(A) is m×k with element (i, p) at `a[i·rsa + p·csa]`, op(B)
/// is k×n with element (p, j) at `b[p·rsb + j·csb]` and C is column-major with element (i, j)
/// at `c[i + j·ldc]`. With β = 0, C is only written (its old contents may be anything).
///
/// # Safety
/// Every element address the strides describe must lie in its live allocation, and C must not
/// overlap A or B.
#[allow(clippy::too_many_arguments)]
pub unsafe fn sgemm(
    m: usize,
    k: usize,
    n: usize,
    alpha: f32,
    a: *const f32,
    rsa: isize,
    csa: isize,
    b: *const f32,
    rsb: isize,
    csb: isize,
    beta: f32,
    c: *mut f32,
    ldc: usize,
) {
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 || alpha == 0.0 {
        for j in 0..n {
            let col = std::slice::from_raw_parts_mut(c.add(j * ldc), m);
            if beta == 0.0 {
                col.fill(0.0);
            } else {
                col.iter_mut().for_each(|v| *v *= beta);
            }
        }
        return;
    }
    WORKSPACE.with(|w| {
        let mut w = w.borrow_mut();
        let need = workspace_len(m, k, n);
        if w.len() < need {
            w.resize(need, 0.0);
        }
        let (apack, bpack) = w.split_at_mut(KC.min(k) * MC.min(m.next_multiple_of(MR)));
        blocked(
            m, k, n, alpha, a, rsa, csa, b, rsb, csb, beta, c, ldc, apack, bpack,
        );
    });
}

#[allow(clippy::too_many_arguments)]
unsafe fn blocked(
    m: usize,
    k: usize,
    n: usize,
    alpha: f32,
    a: *const f32,
    rsa: isize,
    csa: isize,
    b: *const f32,
    rsb: isize,
    csb: isize,
    beta: f32,
    c: *mut f32,
    ldc: usize,
    apack: &mut [f32],
    bpack: &mut [f32],
) {
    // Equal-sized depth blocks (784 = 4 × 196 rather than 3 × 256 + 16).
    let k_blocks = k.div_ceil(KC);
    let kc_max = k.div_ceil(k_blocks);
    let (ap, bp) = (apack.as_mut_ptr(), bpack.as_mut_ptr());
    let mut jc = 0;
    while jc < n {
        let nc = NC.min(n - jc);
        let mut pc = 0;
        while pc < k {
            let kc = kc_max.min(k - pc);
            let beta_block = if pc == 0 { beta } else { 1.0 };
            let b_block = b.offset(pc as isize * rsb + jc as isize * csb);
            for s in 0..nc.div_ceil(NR) {
                let cols = NR.min(nc - s * NR);
                let src = b_block.offset((s * NR) as isize * csb);
                pack::<NR>(bp.add(s * NR * kc), src, csb, rsb, cols, kc);
            }
            let mut ic = 0;
            while ic < m {
                let mc = MC.min(m - ic);
                let a_block = a.offset(ic as isize * rsa + pc as isize * csa);
                for s in 0..mc.div_ceil(MR) {
                    let rows = MR.min(mc - s * MR);
                    let src = a_block.offset((s * MR) as isize * rsa);
                    pack::<MR>(ap.add(s * MR * kc), src, rsa, csa, rows, kc);
                }
                for js in 0..nc.div_ceil(NR) {
                    let cols = NR.min(nc - js * NR);
                    let bs = bp.add(js * NR * kc);
                    for is in 0..mc.div_ceil(MR) {
                        let rows = MR.min(mc - is * MR);
                        let acc = micro(kc, ap.add(is * MR * kc), bs);
                        let ct = c.add(ic + is * MR + (jc + js * NR) * ldc);
                        write_tile(&acc, ct, ldc, rows, cols, alpha, beta_block);
                    }
                }
                ic += mc;
            }
            pc += kc;
        }
        jc += nc;
    }
}

/// Packs `len` (≤ R) strided lines × `kc` into `dst[p·R + i] = src[i·rs + p·cs]`, zero-padding
/// lines `len..R`. A sliver of op(A) is packed with (rs, cs) = (rsa, csa); a sliver of op(B)
/// with (csb, rsb), its columns being the lines.
#[inline(always)]
unsafe fn pack<const R: usize>(
    dst: *mut f32,
    src: *const f32,
    rs: isize,
    cs: isize,
    len: usize,
    kc: usize,
) {
    if len == R && rs == 1 {
        // Each depth step is R contiguous floats.
        for p in 0..kc {
            let s = src.offset(p as isize * cs);
            let d = dst.add(p * R);
            for v in 0..R / 4 {
                v4::store(d.add(4 * v), v4::load(s.add(4 * v)));
            }
        }
    } else if len == R && cs == 1 {
        // Each line is contiguous along the depth: 4×4 transposes.
        let k4 = kc / 4 * 4;
        for g in 0..R / 4 {
            let s = src.offset((4 * g) as isize * rs);
            let (s0, s1, s2, s3) = (s, s.offset(rs), s.offset(2 * rs), s.offset(3 * rs));
            let mut p = 0;
            while p < k4 {
                let t = v4::transpose(
                    v4::load(s0.add(p)),
                    v4::load(s1.add(p)),
                    v4::load(s2.add(p)),
                    v4::load(s3.add(p)),
                );
                for (q, v) in t.into_iter().enumerate() {
                    v4::store(dst.add((p + q) * R + 4 * g), v);
                }
                p += 4;
            }
            for p in k4..kc {
                for i in 0..4 {
                    *dst.add(p * R + 4 * g + i) = *s.offset(i as isize * rs + p as isize);
                }
            }
        }
    } else {
        for p in 0..kc {
            let d = dst.add(p * R);
            for i in 0..len {
                *d.add(i) = *src.offset(i as isize * rs + p as isize * cs);
            }
            for i in len..R {
                *d.add(i) = 0.0;
            }
        }
    }
}

/// The MR×NR tile of a packed A sliver (`[p][MR]`) times a packed B sliver (`[p][NR]`).
#[inline(always)]
unsafe fn micro(kc: usize, a: *const f32, b: *const f32) -> [[V; NR]; MV] {
    let mut acc = [[v4::zero(); NR]; MV];
    let (mut a, mut b) = (a, b);
    for _ in 0..kc {
        let av: [V; MV] = std::array::from_fn(|v| v4::load(a.add(4 * v)));
        for j in 0..NR {
            let bj = v4::load_splat(b.add(j));
            for v in 0..MV {
                acc[v][j] = v4::madd(acc[v][j], av[v], bj);
            }
        }
        a = a.add(MR);
        b = b.add(NR);
    }
    acc
}

/// C tile ← α·acc + β·C tile (β = 0: C is not read), for the top-left `rows × cols` of the tile.
#[inline(always)]
unsafe fn write_tile(
    acc: &[[V; NR]; MV],
    c: *mut f32,
    ldc: usize,
    rows: usize,
    cols: usize,
    alpha: f32,
    beta: f32,
) {
    let scale = |x: V| {
        if alpha == 1.0 {
            x
        } else {
            v4::mul(x, v4::splat(alpha))
        }
    };
    if rows == MR && cols == NR {
        for j in 0..NR {
            let col = c.add(j * ldc);
            for v in 0..MV {
                let p = col.add(4 * v);
                let x = scale(acc[v][j]);
                let out = if beta == 0.0 {
                    x
                } else if beta == 1.0 {
                    v4::add(v4::load(p), x)
                } else {
                    v4::madd(x, v4::load(p), v4::splat(beta))
                };
                v4::store(p, out);
            }
        }
    } else {
        let mut tile = [0.0f32; MR * NR];
        for j in 0..NR {
            for v in 0..MV {
                v4::store(tile.as_mut_ptr().add(j * MR + 4 * v), scale(acc[v][j]));
            }
        }
        for j in 0..cols {
            let col = c.add(j * ldc);
            for i in 0..rows {
                let x = tile[j * MR + i];
                let p = col.add(i);
                *p = if beta == 0.0 { x } else { x + beta * *p };
            }
        }
    }
}
