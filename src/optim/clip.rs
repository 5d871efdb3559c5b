//! Gradient clipping, applied after the regulariser's gradient and before the optimiser step:
//! by value (`clip_grad_value_`) or by one global L2 norm over every weight and bias
//! (`clip_grad_norm_`).

use crate::Real;

#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum Clip {
    #[default]
    None,
    /// Clamp every element to [−v, v].
    Value(f64),
    /// Scale all gradients by max_norm/(norm + 1e-6) when the global norm exceeds max_norm.
    Norm(f64),
}

impl Clip {
    /// Clips in place and returns the global gradient norm measured before clipping.
    pub fn apply(self, grads: &mut [&mut [Real]]) -> f64 {
        let norm = global_norm(grads);
        self.apply_with_norm(grads, norm);
        norm
    }

    /// Clips in place given the global norm the caller has already measured (the trainer
    /// sums the squares once for the per-layer norms and this).
    pub fn apply_with_norm(self, grads: &mut [&mut [Real]], norm: f64) {
        match self {
            Clip::None => {}
            Clip::Value(v) => {
                let v = v as Real;
                grads
                    .iter_mut()
                    .for_each(|g| g.iter_mut().for_each(|x| *x = x.clamp(-v, v)));
            }
            Clip::Norm(max) => {
                // PyTorch computes the norm in the gradients' dtype; so does this, by rounding
                // the f64 sum back, so the coefficient matches its rounding.
                let norm = norm as Real;
                let coef = (max as Real / (norm + 1e-6)).min(1.0);
                if coef < 1.0 {
                    grads
                        .iter_mut()
                        .for_each(|g| g.iter_mut().for_each(|x| *x *= coef));
                }
            }
        }
    }
}

pub fn global_norm(grads: &[&mut [Real]]) -> f64 {
    grads
        .iter()
        .map(|g| blocked_sum_squares(g))
        .sum::<f64>()
        .sqrt()
}

/// Σx² in f64. Eight independent accumulators keep the adds from forming one long dependency
/// chain, so the pass runs at memory speed rather than add latency; the grouping differs from a left-to-right sum only in the last bits of the f64.
pub fn sum_squares(x: &[Real]) -> f64 {
    let mut acc = [0.0f64; 8];
    let chunks = x.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for (a, v) in acc.iter_mut().zip(c) {
            *a += (*v as f64) * (*v as f64);
        }
    }
    let tail: f64 = rest.iter().map(|v| (*v as f64) * (*v as f64)).sum();
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}

/// Numbers per block of a norm's sum of squares: a tensor's Σx² is its blocks' sums (each
/// [`sum_squares`]) added in order, so workers that each own whole blocks of the parameters
/// (page workers stepping their part of the optimiser) measure exactly the norm one pass does.
pub const NORM_BLOCK: usize = 4096;

/// Σx² of a tensor by [`NORM_BLOCK`]s: the blocks' sums added in order.
pub fn blocked_sum_squares(x: &[Real]) -> f64 {
    fold_blocks(x.chunks(NORM_BLOCK).map(sum_squares))
}

/// Block sums added in order (how [`blocked_sum_squares`] combines them).
pub fn fold_blocks(blocks: impl IntoIterator<Item = f64>) -> f64 {
    blocks.into_iter().fold(0.0, |a, s| a + s)
}

/// Whether every element is finite, without an early exit so the loop vectorises (the
/// trainer checks every weight after every step).
pub fn all_finite(x: &[Real]) -> bool {
    !x.iter().fold(false, |bad, v| bad | !v.is_finite())
}
