//! A batch applied by replicas that each own a part of the parameters (page workers sharing
//! memory, `www/worker-shards.js`): every replica folds all the batch's shards over its part
//! only, steps the optimiser on its part only, and the replicas then swap their parts' new
//! weights. The numbers are exactly [`Trainer::apply_batch`]'s: the fold adds the same shard
//! values in the same order per parameter, the optimisers update each parameter from its own
//! gradient and state (`split_optimizer`), and the norms are sums over fixed blocks of each
//! tensor ([`NORM_BLOCK`]) that the parts' bounds never cut, added in the same order.
//!
//! Per batch, after [`Trainer::next_batch`] and the shards' [`Trainer::compute_shard`]:
//! 1. [`Trainer::fold_part`] — the part's fold and regulariser, its blocks' sums of squares;
//! 2. (only when [`Trainer::needs_norm_first`]: clipping by the global norm) every replica's
//!    block sums into [`Trainer::norm_blocks_mut`];
//! 3. [`Trainer::step_part`] — clipping and the optimiser on the part;
//! 4. every other part's new weights, and every block sum, copied in;
//! 5. [`Trainer::finish_part`] — the norms, checks and bookkeeping `apply_batch` does. A
//!    replica that records the epoch (the run's) also copies in, at an epoch's last batch, the
//!    other parts' final gradients and optimiser state first ([`Trainer::set_part_state`]).

use super::{TrainError, Trainer};
use crate::optim::clip::{fold_blocks, sum_squares, NORM_BLOCK};
use crate::train::history::EpochRecord;
use crate::train::shard::ShardResult;
use crate::train::split_optimizer::SplitOptimizer;
use crate::Real;
use std::ops::Range;

/// How the parameters are cut among the replicas, and this one's part.
pub(crate) struct Parts {
    me: usize,
    /// Part i owns the flat range bounds[i]..bounds[i + 1], a run of whole norm blocks.
    bounds: Vec<usize>,
    /// The norm blocks in flat order: each tensor cut every [`NORM_BLOCK`] numbers.
    blocks: Vec<Range<usize>>,
    /// Each block's sum of squares of the batch's gradient (this part's filled by
    /// `fold_part`, the others' copied in).
    block_sums: Vec<f64>,
    /// The batch's summed shard results (from `fold_part`).
    total: Option<ShardResult>,
    loss: f64,
}

/// The norm blocks of tensors of these lengths, in flat order.
fn norm_blocks(lens: &[usize]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    for &n in lens {
        let mut b = 0;
        while b < n {
            let end = (b + NORM_BLOCK).min(n);
            out.push(at + b..at + end);
            b = end;
        }
        at += n;
    }
    out
}

/// `count` runs of whole blocks, as even in size as the blocks allow: part i ends at the
/// block end nearest to (i + 1)/count of the parameters.
fn part_bounds(blocks: &[Range<usize>], count: usize) -> Vec<usize> {
    let total = blocks.last().map_or(0, |b| b.end);
    let mut bounds = vec![0];
    for i in 1..count {
        let want = i * total / count;
        let at = blocks
            .iter()
            .map(|b| b.end)
            .min_by_key(|&e| e.abs_diff(want))
            .unwrap_or(total);
        bounds.push(at.max(*bounds.last().unwrap_or(&0)));
    }
    bounds.push(total);
    bounds
}

impl Trainer {
    /// Makes this trainer replica `me` of `count` that each step one part of the parameters
    /// (the optimiser cut at the parts' bounds, its state kept); `count` 1 undoes it.
    pub fn split_parts(&mut self, count: usize, me: usize) -> Result<(), TrainError> {
        if count == 0 || me >= count {
            return Err(TrainError::Data(format!(
                "part {me} of {count}: there is no such part"
            )));
        }
        let lens: Vec<usize> = self.network.params().iter().map(|p| p.len()).collect();
        let blocks = norm_blocks(&lens);
        let bounds = part_bounds(&blocks, count);
        let mut next = SplitOptimizer::with_bounds(&self.config.hyper(), lens, bounds.clone());
        next.set_lr(self.optimizer.lr());
        next.set_state(self.optimizer.state())
            .map_err(TrainError::Data)?;
        self.optimizer = next;
        self.parts = (count > 1).then(|| {
            Box::new(Parts {
                me,
                bounds,
                block_sums: vec![0.0; blocks.len()],
                blocks,
                total: None,
                loss: 0.0,
            })
        });
        Ok(())
    }

    /// Every part's flat range start, then the parameter count (`[0, P]` unsplit).
    pub fn part_bounds(&self) -> Vec<usize> {
        self.parts
            .as_ref()
            .map_or_else(|| vec![0, self.param_count()], |p| p.bounds.clone())
    }

    /// Whether the replicas must swap their block sums before [`Trainer::step_part`]
    /// (clipping by the global norm needs it; otherwise they go with the weights).
    pub fn needs_norm_first(&self) -> bool {
        matches!(self.clip, crate::optim::Clip::Norm(_))
    }

    /// Each norm block's sum of squares (block `i` is the i-th [`NORM_BLOCK`] run of a
    /// tensor, in flat order), for copying between replicas.
    pub fn norm_blocks_mut(&mut self) -> &mut [f64] {
        self.parts.as_mut().map_or(&mut [], |p| &mut p.block_sums)
    }

    /// Each part's first and last block: part i's sums are `norm_blocks_mut()[r[i]..r[i+1]]`.
    pub fn part_blocks(&self) -> Vec<usize> {
        let Some(p) = &self.parts else {
            return Vec::new();
        };
        let first = |at: usize| p.blocks.iter().position(|b| b.start >= at);
        let n = p.blocks.len();
        p.bounds.iter().map(|&at| first(at).unwrap_or(n)).collect()
    }

    /// Step 1: folds the shards' gradients (full-length buffers; only this part's range is
    /// read) into the batch gradient over the part, adds the regulariser's gradient there and
    /// sums the part's norm blocks. The loss diverges here as `apply_batch`'s does. With fewer
    /// buffers than results, the first buffer holds the fold of the first shards already
    /// (results.len() − grads.len() + 1 of them: the fold's prefix, as one worker adds up its
    /// run of shards).
    pub fn fold_part(
        &mut self,
        results: &[ShardResult],
        grads: &[&[Real]],
    ) -> Result<(), TrainError> {
        self.check_batch(results, grads, results.len().saturating_sub(grads.len()))?;
        let total = results[1..].iter().fold(results[0], |t, r| t.then(*r));
        let loss = self.batch_loss(total)?;
        let range = self.part_range()?;
        let acc = &mut self.grads.as_mut_slice()[range.clone()];
        acc.copy_from_slice(&grads[0][range.clone()]);
        let rest: Vec<&[Real]> = grads[1..].iter().map(|g| &g[range.clone()]).collect();
        crate::train::shard::add_in_order(acc, &rest);
        self.regularize_part(range);
        let grads = self.grads.as_slice();
        let p = self.parts.as_mut().expect("part_range checked the parts");
        let (lo, hi) = (p.bounds[p.me], p.bounds[p.me + 1]);
        for (b, sum) in p.blocks.iter().zip(&mut p.block_sums) {
            if b.start >= lo && b.end <= hi {
                *sum = sum_squares(&grads[b.clone()]);
            }
        }
        p.total = Some(total);
        p.loss = loss;
        Ok(())
    }

    /// Step 3: clipping and the optimiser's step over this part (every block sum present
    /// first when [`Trainer::needs_norm_first`]).
    pub fn step_part(&mut self) -> Result<(), TrainError> {
        let range = self.part_range()?;
        let norm = self.parts_norm(&mut []);
        let part = &mut self.grads.as_mut_slice()[range];
        self.clip.apply_with_norm(&mut [part], norm);
        let me = self.parts.as_ref().map_or(0, |p| p.me);
        let (params, grads) = (self.network.params_mut(), self.grads.slices());
        self.optimizer.step_part(me, params, grads);
        Ok(())
    }

    /// Step 5 (every part's weights and block sums copied in): the norms, the checks and the
    /// epoch's bookkeeping; the epoch's record when the batch ended one.
    pub fn finish_part(&mut self) -> Result<Option<EpochRecord>, TrainError> {
        let p = self.parts.as_mut().ok_or_else(no_parts)?;
        let total = p.total.take().ok_or_else(|| {
            TrainError::Data("there is no folded batch to finish: call fold_part first".into())
        })?;
        let loss = p.loss;
        let mut sums = std::mem::take(&mut self.sums.grad_norms);
        let norm = self.parts_norm(&mut sums);
        self.sums.grad_norms = sums;
        self.check_norm(norm)?;
        self.sums.correct += total.correct;
        self.end_batch(total, loss)
    }

    /// The flat gradient of the batch (this part's range final after `step_part`), for the
    /// run's replica to copy the other parts' in before an epoch's record.
    pub fn batch_grads_mut(&mut self) -> &mut [Real] {
        self.grads.as_mut_slice()
    }

    /// The weights, tensor by tensor in flat order, for copying the other parts' new
    /// weights in (step 4).
    pub fn params_mut(&mut self) -> Vec<&mut [Real]> {
        self.network.params_mut()
    }

    /// Whether the batch under way is its epoch's last (the run's replica then needs the
    /// other parts' gradients and optimiser state before `finish_part`).
    pub fn batch_ends_epoch(&self) -> bool {
        self.epoch_begun && self.cursor + self.batch_rows() >= self.train.n
    }

    /// Part `i`'s optimiser state end to end (`SplitOptimizer::part_state`).
    pub fn part_state(&self, i: usize) -> Vec<Real> {
        self.optimizer.part_state(i)
    }

    /// Puts back part `i`'s optimiser state from the replica that steps it.
    pub fn set_part_state(&mut self, i: usize, flat: &[Real]) -> Result<(), TrainError> {
        let me = self.parts.as_ref().ok_or_else(no_parts)?.me;
        self.optimizer
            .set_part_state(i, me, flat)
            .map_err(TrainError::Data)
    }

    fn part_range(&self) -> Result<Range<usize>, TrainError> {
        let p = self.parts.as_ref().ok_or_else(no_parts)?;
        Ok(p.bounds[p.me]..p.bounds[p.me + 1])
    }

    /// The global norm from the block sums, adding each layer's to `layer_sums` — the sums
    /// `Gradients::add_layer_norms` makes (each tensor's blocks in order, weights + bias).
    fn parts_norm(&self, layer_sums: &mut [f64]) -> f64 {
        let Some(p) = &self.parts else {
            return 0.0;
        };
        let mut blocks = p.block_sums.iter().copied();
        let mut tensor = |n: usize| fold_blocks(blocks.by_ref().take(n.div_ceil(NORM_BLOCK)));
        let mut total = 0.0;
        let mut sums = layer_sums.iter_mut();
        for l in &self.network.layers {
            let sq = tensor(l.weights.len()) + tensor(l.bias.len());
            if let Some(s) = sums.next() {
                *s += sq.sqrt();
            }
            total += sq;
        }
        total.sqrt()
    }

    /// The regulariser's gradient over the flat `range` (its weight tensors' runs in it).
    fn regularize_part(&mut self, range: Range<usize>) {
        let reg = self.config.regularization();
        let grads = self.grads.as_mut_slice();
        let mut at = 0;
        for l in &self.network.layers {
            let w = l.weights.as_slice();
            let (lo, hi) = (range.start.max(at), range.end.min(at + w.len()));
            if lo < hi {
                reg.add_to(&w[lo - at..hi - at], &mut grads[lo..hi]);
            }
            at += w.len() + l.bias.len();
        }
    }
}

fn no_parts() -> TrainError {
    TrainError::Data("this trainer is not split into parts: call split_parts first".into())
}
