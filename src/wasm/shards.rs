//! A [`Trainer`]'s batches shard by shard, for one run shared among page workers
//! (`www/worker-shards.js`): every worker holds a replica of the run, computes its shards of
//! each batch into the gradient buffers here, copies the other workers' buffers in, and applies
//! the batch, so the replicas stay byte-identical (`train::trainer::sharded`).
//!
//! The buffers live in wasm memory; JavaScript reads and writes them through views at
//! [`Trainer::shard_grads_ptr`] and [`Trainer::shard_results_ptr`] (made again after the memory
//! grows).

use super::convert::{request, to_js};
use super::trainer::{Step, Trainer};
use crate::train::shard::{add_in_order, shards, ShardResult, ShardWork, MAX_SHARDS};
use crate::Real;
use wasm_bindgen::prelude::*;

/// Numbers per shard in the results buffer: rows, summed loss, correct rows.
const RESULT_LEN: usize = 3;

/// The run's shard buffers: one gradient buffer per shard of a batch and their results.
#[derive(Default)]
pub struct ShardBuffers {
    work: ShardWork,
    grads: Vec<Vec<Real>>,
    results: Vec<f64>,
}

#[wasm_bindgen]
impl Trainer {
    /// Shards of a full batch (`train::shard`: set by the batch size alone); 1 leaves nothing
    /// to share.
    pub fn batch_shards(&self) -> u32 {
        shards(self.run.config().batch_size).len() as u32
    }

    /// Numbers in a gradient buffer: every weight and bias.
    pub fn param_count(&self) -> u32 {
        self.run.trainer().param_count() as u32
    }

    /// Begins the next batch (its epoch too when due) and returns its shard count, 0 once
    /// training is over. Asking again before it is applied gives the same batch.
    pub fn next_batch(&mut self) -> u32 {
        let Some(batch) = self.run.trainer_mut().next_batch() else {
            return 0;
        };
        let n = self.run.trainer().param_count();
        let buffers = &mut self.shards;
        while buffers.grads.len() < batch.len() {
            buffers.grads.push(vec![0.0; n]);
        }
        buffers.results.resize(MAX_SHARDS * RESULT_LEN, 0.0);
        batch.len() as u32
    }

    /// Where shard `s`'s gradient buffer starts in wasm memory (`param_count()` floats).
    pub fn shard_grads_ptr(&self, s: u32) -> Result<u32, JsValue> {
        let buf = self
            .shards
            .grads
            .get(s as usize)
            .ok_or_else(|| no_buffer(s))?;
        Ok(buf.as_ptr() as u32)
    }

    /// Where the shards' results start in wasm memory: per shard `[rows, loss_sum, correct]`
    /// as f64, up to 8 shards.
    pub fn shard_results_ptr(&self) -> u32 {
        self.shards.results.as_ptr() as u32
    }

    /// Computes shard `s` of the current batch into its gradient buffer and result.
    pub fn compute_shard(&mut self, s: u32) -> Result<(), JsValue> {
        let s = s as usize;
        let buffers = &mut self.shards;
        let grads = buffers
            .grads
            .get_mut(s)
            .ok_or_else(|| no_buffer(s as u32))?;
        let r = self
            .run
            .trainer()
            .compute_shard(s, &mut buffers.work, grads)?;
        let at = s * RESULT_LEN;
        buffers.results[at..at + RESULT_LEN].copy_from_slice(&[
            r.rows as f64,
            r.loss_sum,
            r.correct as f64,
        ]);
        Ok(())
    }

    /// Trains the current batch from its `k` shards' buffers and results (all of them filled,
    /// here or copied in from other workers); true when the batch ended an epoch. Divergence
    /// throws as `step` does.
    pub fn apply_batch(&mut self, k: u32) -> Result<bool, JsValue> {
        let (results, grads) = self.shards.batch(k)?;
        let record = self.run.trainer_mut().apply_batch(&results, &grads)?;
        Ok(record.is_some())
    }

    /// Makes this trainer replica `me` of `count` that each step one part of the parameters
    /// (`train::trainer::parts`; shared memory between the workers).
    pub fn split_parts(&mut self, count: u32, me: u32) -> Result<(), JsValue> {
        Ok(self
            .run
            .trainer_mut()
            .split_parts(count as usize, me as usize)?)
    }

    /// Every part's first parameter (flat order), then the parameter count.
    pub fn part_bounds(&self) -> Vec<u32> {
        let b = self.run.trainer().part_bounds();
        b.into_iter().map(|x| x as u32).collect()
    }

    /// Every part's first norm block, then the block count.
    pub fn part_blocks(&self) -> Vec<u32> {
        let b = self.run.trainer().part_blocks();
        b.into_iter().map(|x| x as u32).collect()
    }

    /// Where the norm blocks' sums of squares start in wasm memory (f64, `part_blocks()`'s
    /// last number of them).
    pub fn norm_blocks_ptr(&mut self) -> u32 {
        self.run.trainer_mut().norm_blocks_mut().as_ptr() as u32
    }

    /// Whether the workers swap their block sums before `step_part` (norm clipping).
    pub fn needs_norm_first(&self) -> bool {
        self.run.trainer().needs_norm_first()
    }

    /// Folds the current batch's `k` shards (buffers and results filled, the other workers'
    /// over this part at least) over this part, with the regulariser and the part's block
    /// sums; buffer `first` holds the fold of shards 0..=first (`fold_prefix`), the ones before
    /// it are not read. Divergence of the loss throws as `step` does.
    pub fn fold_part(&mut self, k: u32, first: u32) -> Result<(), JsValue> {
        let (results, grads) = self.shards.batch(k)?;
        let first = (first as usize).min(grads.len() - 1);
        Ok(self
            .run
            .trainer_mut()
            .fold_part(&results, &grads[first..])?)
    }

    /// Adds shards `from..to`'s buffers up in order into the last of them (each buffer `s`
    /// becomes the fold of shards `from..=s`): the prefix of the batch's fold a worker owning
    /// the first shards hands over as one buffer.
    pub fn fold_prefix(&mut self, from: u32, to: u32) -> Result<(), JsValue> {
        let (from, to) = (from as usize, to as usize);
        if from >= to || to > self.shards.grads.len() {
            return Err(request(format!("fold_prefix: no shards {from}..{to}")));
        }
        for s in from + 1..to {
            let (done, rest) = self.shards.grads.split_at_mut(s);
            add_in_order(&mut rest[0], &[&done[s - 1]]);
        }
        Ok(())
    }

    /// Clips and steps the optimiser over this part.
    pub fn step_part(&mut self) -> Result<(), JsValue> {
        Ok(self.run.trainer_mut().step_part()?)
    }

    /// After every part's weights and block sums are copied in: the norms, checks and
    /// bookkeeping; true when the batch ended an epoch.
    pub fn finish_part(&mut self) -> Result<bool, JsValue> {
        Ok(self.run.trainer_mut().finish_part()?.is_some())
    }

    /// Whether the batch under way ends its epoch.
    pub fn batch_ends_epoch(&self) -> bool {
        self.run.trainer().batch_ends_epoch()
    }

    /// Where the batch's folded gradient starts in wasm memory (`param_count()` floats).
    pub fn batch_grads_ptr(&mut self) -> u32 {
        self.run.trainer_mut().batch_grads_mut().as_ptr() as u32
    }

    /// Where each weight and bias tensor starts in wasm memory, in flat order (made again
    /// each batch: a divergence replaces the network).
    pub fn param_ptrs(&mut self) -> Vec<u32> {
        let params = self.run.trainer_mut().params_mut();
        params.iter().map(|p| p.as_ptr() as u32).collect()
    }

    /// Each tensor's length, in flat order.
    pub fn param_lens(&mut self) -> Vec<u32> {
        let params = self.run.trainer_mut().params_mut();
        params.iter().map(|p| p.len() as u32).collect()
    }

    /// Part `i`'s optimizer state end to end.
    pub fn part_state(&self, i: u32) -> Vec<Real> {
        self.run.trainer().part_state(i as usize)
    }

    /// Puts back part `i`'s optimizer state from the worker that steps it.
    pub fn set_part_state(&mut self, i: u32, flat: &[Real]) -> Result<(), JsValue> {
        Ok(self.run.trainer_mut().set_part_state(i as usize, flat)?)
    }

    /// The run's progress as `step` returns it, with the last `finished` epochs of the history
    /// as the ones just completed.
    pub fn progress(&self, finished: u32) -> Result<JsValue, JsValue> {
        let p = self.run.trainer().progress(Vec::new());
        to_js(&Step::last(&p, self.run.history(), finished as usize))
    }
}

impl ShardBuffers {
    /// The first `k` shards' results and gradient buffers.
    fn batch(&self, k: u32) -> Result<(Vec<ShardResult>, Vec<&[Real]>), JsValue> {
        let k = k as usize;
        if k == 0 || k > self.grads.len() {
            return Err(request(format!(
                "{k} shards, but buffers exist for {}",
                self.grads.len()
            )));
        }
        let results = self.results[..k * RESULT_LEN]
            .chunks(RESULT_LEN)
            .map(|r| ShardResult {
                rows: r[0] as usize,
                loss_sum: r[1],
                correct: r[2] as usize,
            })
            .collect();
        Ok((results, self.grads[..k].iter().map(Vec::as_slice).collect()))
    }
}

fn no_buffer(s: u32) -> JsValue {
    request(format!(
        "shard {s}: the current batch has no such shard (call next_batch first)"
    ))
}
