//! Inverted dropout on the inputs of a layer, as `torch.nn.Dropout(p)` in training mode: each
//! input is zeroed with probability p and the others are scaled by 1/(1−p), so evaluating
//! (where nothing is dropped) needs no rescaling. Only the training step applies it
//! ([`crate::nn::Network::shard_gradients`]); `forward`, `predict` and evaluation never do.
//!
//! Masks are drawn per (seed, epoch, batch, row in the batch, layer) and input unit through
//! [`super::keyed`], so they do not depend on how a batch is cut into shards or shared among
//! threads. A test (or a comparison with PyTorch) can supply its own masks instead.

use super::keyed;
use super::network::ShardPos;
use crate::{Matrix, Real};

/// The RNG stream of dropout masks (after init 0, shuffle 1, split 2).
pub const DROPOUT_STREAM: u64 = 3;

/// Where a training step's dropout masks come from.
#[derive(Clone, Copy, Debug, Default)]
pub enum Dropout<'a> {
    /// No dropout.
    #[default]
    Off,
    /// Layer `l` drops its inputs with probability `rates[l]`, masks drawn from `seed`.
    Drawn { rates: &'a [f32], seed: u64 },
    /// Layer `l` keeps input (r, i) of the shard where `keep[l][(r, i)]` is 1 and drops it
    /// where 0; kept inputs are scaled by 1/(1 − `rates[l]`). Layers with rate 0 are not read.
    Given {
        rates: &'a [f32],
        keep: &'a [Matrix],
    },
}

impl Dropout<'_> {
    /// Layer `l`'s rate (0 when off).
    pub fn rate(&self, l: usize) -> f32 {
        match self {
            Dropout::Off => 0.0,
            Dropout::Drawn { rates, .. } | Dropout::Given { rates, .. } => {
                rates.get(l).copied().unwrap_or(0.0)
            }
        }
    }

    /// Whether layer `l` drops anything.
    pub fn active(&self, l: usize) -> bool {
        self.rate(l) > 0.0
    }

    /// Writes layer `l`'s mask for a shard at `at` into `mask` (`rows × inputs`): 0 for a
    /// dropped input, 1/(1−p) for a kept one.
    pub fn fill_mask(&self, l: usize, at: ShardPos, mask: &mut Matrix) {
        let p = self.rate(l);
        let scale = (1.0 / (1.0 - f64::from(p))) as Real;
        let rows = mask.nrows();
        if let Dropout::Given { keep, .. } = self {
            debug_assert_eq!(
                keep[l].shape(),
                mask.shape(),
                "layer {l}'s given mask shape"
            );
        }
        let m = mask.as_mut_slice();
        match self {
            Dropout::Off => m.fill(1.0),
            Dropout::Given { keep, .. } => {
                for (o, k) in m.iter_mut().zip(keep[l].as_slice()) {
                    *o = if *k != 0.0 { scale } else { 0.0 };
                }
            }
            Dropout::Drawn { seed, .. } => {
                // Drop when a uniform 32-bit draw falls below p·2³².
                let threshold = (f64::from(p) * 4_294_967_296.0) as u64;
                for r in 0..rows {
                    let row = (at.first_row + r) as u64;
                    let k = keyed::key(
                        *seed,
                        DROPOUT_STREAM,
                        &[at.epoch as u64, at.batch as u64, row, l as u64],
                    );
                    for (i, o) in m.iter_mut().skip(r).step_by(rows.max(1)).enumerate() {
                        let drop = u64::from(keyed::draw(k, i as u64)) < threshold;
                        *o = if drop { 0.0 } else { scale };
                    }
                }
            }
        }
    }
}
