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
use crate::train::shard::{shards, ShardResult, ShardWork, MAX_SHARDS};
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
        let k = k as usize;
        if k == 0 || k > self.shards.grads.len() {
            return Err(request(format!(
                "apply_batch: {k} shards, but buffers exist for {}",
                self.shards.grads.len()
            )));
        }
        let results: Vec<ShardResult> = self.shards.results[..k * RESULT_LEN]
            .chunks(RESULT_LEN)
            .map(|r| ShardResult {
                rows: r[0] as usize,
                loss_sum: r[1],
                correct: r[2] as usize,
            })
            .collect();
        let grads: Vec<&[Real]> = self.shards.grads[..k].iter().map(Vec::as_slice).collect();
        let record = self.run.trainer_mut().apply_batch(&results, &grads)?;
        Ok(record.is_some())
    }

    /// The run's progress as `step` returns it, with the last `finished` epochs of the history
    /// as the ones just completed.
    pub fn progress(&self, finished: u32) -> Result<JsValue, JsValue> {
        let p = self.run.trainer().progress(Vec::new());
        to_js(&Step::last(&p, self.run.history(), finished as usize))
    }
}

fn no_buffer(s: u32) -> JsValue {
    request(format!(
        "shard {s}: the current batch has no such shard (call next_batch first)"
    ))
}
