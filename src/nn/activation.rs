//! Activation functions. All but softmax act element by element; softmax couples the neurons of
//! a layer that carry it, so its forward and backward take the whole set of softmax columns
//! (see [`softmax_forward`] and [`softmax_backward`]).

use super::kernel::{kernel, Kernel, Math, PlatformMath, PortableMath};
use crate::Real;
use serde::{Deserialize, Serialize};
use std::fmt;

/// PyTorch's default `negative_slope` for `nn.LeakyReLU`.
pub const LEAKY_SLOPE: Real = 0.01;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    Identity,
    Sigmoid,
    Tanh,
    Relu,
    LeakyRelu,
    Softmax,
}

impl Activation {
    pub const ALL: [Activation; 6] = [
        Activation::Identity,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Softmax,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Activation::Identity => "identity",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky_relu",
            Activation::Softmax => "softmax",
        }
    }

    pub fn from_name(name: &str) -> Option<Activation> {
        Activation::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Comma-separated list of every accepted name, for error messages.
    pub fn allowed() -> String {
        Activation::ALL.map(|a| a.name()).join(", ")
    }

    /// Applies an element-wise activation in place. Softmax is not element-wise and is rejected
    /// here in debug builds; callers route it through [`softmax_forward`].
    pub fn apply(self, z: &mut [Real]) {
        match kernel() {
            Kernel::Native => self.apply_with::<PlatformMath>(z),
            Kernel::Portable => self.apply_with::<PortableMath>(z),
        }
    }

    fn apply_with<M: Math>(self, z: &mut [Real]) {
        match self {
            Activation::Identity => {}
            Activation::Sigmoid => z.iter_mut().for_each(|v| *v = sigmoid_with::<M>(*v)),
            Activation::Tanh => z.iter_mut().for_each(|v| *v = M::tanh(*v)),
            Activation::Relu => z.iter_mut().for_each(|v| *v = v.max(0.0)),
            Activation::LeakyRelu => z.iter_mut().for_each(|v| {
                if *v < 0.0 {
                    *v *= LEAKY_SLOPE
                }
            }),
            Activation::Softmax => debug_assert!(false, "softmax is applied per layer"),
        }
    }

    /// Multiplies the upstream gradient `g` (dL/da) by f'(z) in place, giving dL/dz. Uses the
    /// output `a` where the derivative is cheaper from it (sigmoid, tanh) and the input `z`
    /// where the kink matters (ReLU's derivative at 0 is 0, LeakyReLU's is the slope, as in
    /// PyTorch).
    pub fn backprop(self, z: &[Real], a: &[Real], g: &mut [Real]) {
        match self {
            Activation::Identity => {}
            Activation::Sigmoid => g.iter_mut().zip(a).for_each(|(g, a)| *g *= a * (1.0 - a)),
            Activation::Tanh => g.iter_mut().zip(a).for_each(|(g, a)| *g *= 1.0 - a * a),
            // A select, not a branch: the sign of z is data-dependent and a mispredicted
            // branch per element is costly where the network is tiny (same numbers either way).
            Activation::Relu => g
                .iter_mut()
                .zip(z)
                .for_each(|(g, z)| *g = if *z <= 0.0 { 0.0 } else { *g }),
            Activation::LeakyRelu => g
                .iter_mut()
                .zip(z)
                .for_each(|(g, z)| *g = if *z <= 0.0 { *g * LEAKY_SLOPE } else { *g }),
            Activation::Softmax => debug_assert!(false, "softmax is differentiated per layer"),
        }
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// 1 / (1 + e^−z) with the kernel's `exp`.
pub fn sigmoid(z: Real) -> Real {
    match kernel() {
        Kernel::Native => sigmoid_with::<PlatformMath>(z),
        Kernel::Portable => sigmoid_with::<PortableMath>(z),
    }
}

#[inline(always)]
fn sigmoid_with<M: Math>(z: Real) -> Real {
    1.0 / (1.0 + M::exp(-z))
}

/// Softmax across the given columns of a column-major `rows × cols` block, row by row: every
/// row's entries in `cols` are replaced by exp(z - max) / Σ exp(z - max). `cols` may be split
/// into several runs; softmax normalises over all of them together. `scratch` holds two
/// row-length buffers so this allocates nothing.
pub fn softmax_forward(
    data: &mut [Real],
    rows: usize,
    cols: &[std::ops::Range<usize>],
    scratch: &mut [Real],
) {
    match kernel() {
        Kernel::Native => softmax_with::<PlatformMath>(data, rows, cols, scratch),
        Kernel::Portable => softmax_with::<PortableMath>(data, rows, cols, scratch),
    }
}

fn softmax_with<M: Math>(
    data: &mut [Real],
    rows: usize,
    cols: &[std::ops::Range<usize>],
    scratch: &mut [Real],
) {
    let (max, sum) = scratch[..2 * rows].split_at_mut(rows);
    max.fill(Real::NEG_INFINITY);
    for c in cols.iter().cloned().flatten() {
        let col = &data[c * rows..(c + 1) * rows];
        max.iter_mut().zip(col).for_each(|(m, v)| *m = m.max(*v));
    }
    sum.fill(0.0);
    for c in cols.iter().cloned().flatten() {
        let col = &mut data[c * rows..(c + 1) * rows];
        for ((v, m), s) in col.iter_mut().zip(max.iter()).zip(sum.iter_mut()) {
            *v = M::exp(*v - m);
            *s += *v;
        }
    }
    for c in cols.iter().cloned().flatten() {
        let col = &mut data[c * rows..(c + 1) * rows];
        col.iter_mut().zip(sum.iter()).for_each(|(v, s)| *v /= s);
    }
}

/// The softmax Jacobian applied to an upstream gradient: dz_i = p_i (g_i - Σ_j g_j p_j), row by
/// row over the softmax columns. `g` holds dL/dp on entry and dL/dz on return.
pub fn softmax_backward(
    p: &[Real],
    g: &mut [Real],
    rows: usize,
    cols: &[std::ops::Range<usize>],
    scratch: &mut [Real],
) {
    let dot = &mut scratch[..rows];
    dot.fill(0.0);
    for c in cols.iter().cloned().flatten() {
        let (pc, gc) = (&p[c * rows..(c + 1) * rows], &g[c * rows..(c + 1) * rows]);
        for ((d, p), g) in dot.iter_mut().zip(pc).zip(gc) {
            *d += p * g;
        }
    }
    for c in cols.iter().cloned().flatten() {
        let pc = &p[c * rows..(c + 1) * rows];
        let gc = &mut g[c * rows..(c + 1) * rows];
        for ((g, p), d) in gc.iter_mut().zip(pc).zip(dot.iter()) {
            *g = p * (*g - d);
        }
    }
}
