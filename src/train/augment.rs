//! `augment`: random shifts (a padded random crop) and horizontal flips of training images,
//! applied to each row as a shard gathers it — the data set itself is never copied or changed.
//!
//! Row r of batch b in epoch e draws, keyed by (seed, AUGMENT_STREAM, e, b, r) through
//! [`crate::nn::keyed`]: a flip with probability ½ (when `flip` is on), then dx and dy, each
//! uniform on −k..k. The image is mirrored first, then moved: out[c, y, x] = in[c, y − dy,
//! x − dx] (x − dx read mirrored, W − 1 − (x − dx), when flipped), and 0 where that pixel is
//! outside the image — the value 0 of the features the network sees, after standardisation
//! when the config standardises, as `scripts/mlp_torch/augment.py` pads. Every channel plane
//! moves together (rows hold one plane after another: `Dataset::pixel_layout`).

use crate::config::Config;
use crate::nn::keyed;
use crate::Real;

/// The RNG stream of augmentation draws (after init 0, shuffle 1, split 2, dropout 3).
pub const AUGMENT_STREAM: u64 = 4;

#[derive(Clone, Debug, PartialEq)]
pub struct Augment {
    shift: usize,
    flip: bool,
    /// (height, width, channels).
    shape: [usize; 3],
    seed: u64,
}

/// What one row drew.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moves {
    pub flip: bool,
    pub dx: isize,
    pub dy: isize,
}

impl Augment {
    /// The config's augmentation for images of `shape`; `None` when it changes nothing. The
    /// config must have passed [`Config::check_augment`] for this shape.
    pub fn new(config: &Config, shape: Option<[usize; 3]>) -> Option<Augment> {
        let a = &config.augment;
        (!a.is_off()).then_some(())?;
        Some(Augment {
            shift: a.shift,
            flip: a.flip,
            shape: shape?,
            seed: config.seed,
        })
    }

    /// The draws of row `row` of batch `batch` in epoch `epoch` (0-based).
    pub fn moves(&self, epoch: usize, batch: usize, row: usize) -> Moves {
        let k = keyed::key(
            self.seed,
            AUGMENT_STREAM,
            &[epoch as u64, batch as u64, row as u64],
        );
        let span = 2 * self.shift as u32 + 1;
        let offset = |i| keyed::below(k, i, span) as isize - self.shift as isize;
        Moves {
            flip: self.flip && keyed::draw(k, 0) >> 31 == 1,
            dx: offset(1),
            dy: offset(2),
        }
    }

    /// Writes image `src` after `m` into `out` (both one row of features).
    pub fn apply(&self, src: &[f32], m: Moves, out: &mut [Real]) {
        let [h, w, c] = self.shape;
        for (plane_in, plane_out) in src
            .chunks_exact(h * w)
            .zip(out.chunks_exact_mut(h * w))
            .take(c)
        {
            for (y, line) in plane_out.chunks_exact_mut(w).enumerate() {
                let sy = y as isize - m.dy;
                if sy < 0 || sy >= h as isize {
                    line.fill(0.0);
                    continue;
                }
                let from = &plane_in[sy as usize * w..(sy as usize + 1) * w];
                for (x, o) in line.iter_mut().enumerate() {
                    let sx = x as isize - m.dx;
                    *o = if sx < 0 || sx >= w as isize {
                        0.0
                    } else if m.flip {
                        from[w - 1 - sx as usize] as Real
                    } else {
                        from[sx as usize] as Real
                    };
                }
            }
        }
    }
}
