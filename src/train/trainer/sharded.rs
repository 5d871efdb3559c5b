//! A batch at the level of its shards (`train::shard`): the API that [`Trainer::step`] uses
//! and that anything sharing a batch among threads or page workers uses the same way.
//!
//! 1. [`Trainer::next_batch`] — the shards of the batch to train (beginning its epoch when due).
//! 2. [`Trainer::compute_shard`] — shard `s`'s gradient into a caller-owned flat buffer of
//!    [`Trainer::param_count`] numbers, with the caller's [`ShardWork`]; `&self`, so any number
//!    of threads, or replicas of the trainer in other workers, compute shards at once.
//! 3. [`Trainer::apply_batch`] — every shard's result and buffer, in shard order: the batch
//!    gradient is their left fold, then the regulariser, norms, clipping, the optimiser step.
//!
//! Replicas that apply the same shard results in the same order stay byte-identical.

use super::{TrainError, Trainer};
use crate::data::{Dataset, Targets};
use crate::nn::{AsInput, Dropout, Input, Loss, Network, ShardInput, ShardPos};
use crate::train::augment::Augment;
use crate::train::batch::{gather_rows, gather_targets};
use crate::train::history::EpochRecord;
use crate::train::metrics::predicted_class;
use crate::train::shard::{add_in_order, shards, ShardResult, ShardWork, Shards};
use crate::Real;

impl Trainer {
    /// The shards of the batch the next step trains, beginning its epoch if one is due
    /// (shuffling, the scheduled learning rate); `None` once training is over (finished or
    /// diverged). Asking again before the batch is applied gives the same batch.
    pub fn next_batch(&mut self) -> Option<Shards> {
        if self.is_done() {
            return None;
        }
        if !self.epoch_begun {
            self.start_epoch();
        }
        Some(shards(self.batch_rows()))
    }

    /// How many numbers a gradient buffer holds: every weight and bias, in
    /// [`crate::nn::Gradients`]' order.
    pub fn param_count(&self) -> usize {
        self.network.param_count()
    }

    /// Computes shard `s` of the current batch (after [`Trainer::next_batch`]): its gradient
    /// into `grads`, its summed loss and correct count into the result. `work` holds the
    /// caller's buffers; give each thread or worker its own.
    pub fn compute_shard(
        &self,
        s: usize,
        work: &mut ShardWork,
        grads: &mut [Real],
    ) -> Result<ShardResult, TrainError> {
        let Some(shards) = self.pending_batch() else {
            return Err(TrainError::Data(
                "there is no batch to compute: call next_batch first (or training is over)".into(),
            ));
        };
        if s >= shards.len() {
            return Err(TrainError::Data(format!(
                "shard {s}: this batch has {} shard(s)",
                shards.len()
            )));
        }
        if grads.len() != self.param_count() {
            return Err(TrainError::Data(format!(
                "the gradient buffer holds {} numbers but the network has {} parameters",
                grads.len(),
                self.param_count()
            )));
        }
        Ok(self.shard_into(shards, s, work, grads))
    }

    /// Trains the current batch from its shards' results and gradient buffers, both in shard
    /// order: the batch's gradient is `grads[0] + grads[1] + …` added left to right, then
    /// everything [`Trainer::step`] does after. Returns the epoch's record when the batch
    /// ended one.
    pub fn apply_batch(
        &mut self,
        results: &[ShardResult],
        grads: &[&[Real]],
    ) -> Result<Option<EpochRecord>, TrainError> {
        self.check_batch(results, grads, 0)?;
        let acc = self.grads.as_mut_slice();
        acc.copy_from_slice(grads[0]);
        add_in_order(acc, &grads[1..]);
        let total = results[1..].iter().fold(results[0], |t, r| t.then(*r));
        self.finish_batch(total)
    }

    /// The checks on a batch's shard results and gradient buffers before they are applied
    /// (`folded` shards after the first already added into the first buffer).
    pub(super) fn check_batch(
        &self,
        results: &[ShardResult],
        grads: &[&[Real]],
        folded: usize,
    ) -> Result<(), TrainError> {
        let Some(shards) = self.pending_batch() else {
            return Err(TrainError::Data(
                "there is no batch to apply: call next_batch first (or training is over)".into(),
            ));
        };
        let n = self.param_count();
        if results.len() != shards.len() || grads.len() + folded != shards.len() {
            return Err(TrainError::Data(format!(
                "the batch has {} shards but {} results and {} gradient buffers were given",
                shards.len(),
                results.len(),
                grads.len()
            )));
        }
        if let Some((i, g)) = grads.iter().enumerate().find(|(_, g)| g.len() != n) {
            return Err(TrainError::Data(format!(
                "gradient buffer {i} holds {} numbers but the network has {n} parameters",
                g.len()
            )));
        }
        if let Some((i, r)) = results
            .iter()
            .enumerate()
            .find(|(i, r)| r.rows != shards.range(*i).len())
        {
            return Err(TrainError::Data(format!(
                "shard {i}'s result has {} rows but the shard has {}",
                r.rows,
                shards.range(i).len()
            )));
        }
        Ok(())
    }

    /// The shards of the batch under way, if one is.
    fn pending_batch(&self) -> Option<Shards> {
        (self.epoch_begun && self.failure.is_none() && self.cursor < self.train.n)
            .then(|| shards(self.batch_rows()))
    }

    /// Rows in the batch at the cursor (the last of an epoch may be short).
    pub(super) fn batch_rows(&self) -> usize {
        self.config.batch_size.min(self.train.n - self.cursor)
    }

    /// What computing the current batch's shards reads.
    pub(super) fn batch_job(&self, shards: Shards) -> BatchJob<'_> {
        BatchJob {
            network: &self.network,
            train: &self.train,
            rows: &self.order[self.cursor..self.cursor + shards.rows()],
            shards,
            loss: self.loss,
            fused: self.config.fused,
            classes: self.task.is_classification(),
            epoch: self.epoch,
            batch: self.cursor / self.config.batch_size,
            dropout: if self.dropout.is_empty() {
                Dropout::Off
            } else {
                Dropout::Drawn {
                    rates: &self.dropout,
                    seed: self.config.seed,
                }
            },
            augment: self.augment.as_ref(),
        }
    }

    /// Shard `s` of `shards` (the current batch), unchecked.
    pub(super) fn shard_into(
        &self,
        shards: Shards,
        s: usize,
        work: &mut ShardWork,
        grads: &mut [Real],
    ) -> ShardResult {
        self.batch_job(shards).shard(s, work, grads)
    }

    /// The batch's shards computed one after another on this thread, folded as they come:
    /// shard 0 straight into the batch gradient, each later one into a spare buffer and added.
    pub(super) fn compute_in_order(&mut self, shards: Shards) -> ShardResult {
        let mut grads = std::mem::take(&mut self.grads);
        let mut work = std::mem::take(&mut self.work[0]);
        let mut spare = self.take_spares(usize::from(shards.len() > 1));
        let job = self.batch_job(shards);
        let mut total = job.shard(0, &mut work, grads.as_mut_slice());
        if let Some(buf) = spare.first_mut() {
            for s in 1..shards.len() {
                let r = job.shard(s, &mut work, buf);
                add_in_order(grads.as_mut_slice(), &[buf]);
                total = total.then(r);
            }
        }
        self.grads = grads;
        self.work[0] = work;
        self.spare.append(&mut spare);
        total
    }

    /// The batch's shards on this trainer's threads (or in order on one).
    pub(super) fn compute_batch(&mut self, shards: Shards) -> ShardResult {
        #[cfg(not(target_arch = "wasm32"))]
        if self.worth_sharing(shards) {
            return self.compute_threaded(shards);
        }
        self.compute_in_order(shards)
    }

    /// WebAssembly has no threads here: a trainer computes its shards in order (pages share
    /// a batch among workers through [`Trainer::compute_shard`] instead).
    #[cfg(target_arch = "wasm32")]
    pub fn set_threads(&mut self, _n: usize) {}

    #[cfg(target_arch = "wasm32")]
    pub fn threads(&self) -> usize {
        1
    }

    /// `n` gradient buffers of the network's size, taken out of the spares (made when short).
    pub(super) fn take_spares(&mut self, n: usize) -> Vec<Vec<Real>> {
        let len = self.param_count();
        while self.spare.len() < n {
            self.spare.push(vec![0.0; len]);
        }
        self.spare.split_off(self.spare.len() - n)
    }
}

/// Everything computing one of a batch's shards reads, borrowed from the trainer (and
/// shareable between threads).
pub(super) struct BatchJob<'a> {
    network: &'a Network,
    train: &'a Dataset,
    /// The batch's rows of the training set, in order.
    rows: &'a [usize],
    shards: Shards,
    loss: Loss,
    fused: bool,
    classes: bool,
    epoch: usize,
    batch: usize,
    dropout: Dropout<'a>,
    augment: Option<&'a Augment>,
}

impl BatchJob<'_> {
    /// Shard `s`: gathers its rows, runs forward and backward into `grads`, counts hits.
    pub(super) fn shard(&self, s: usize, work: &mut ShardWork, grads: &mut [Real]) -> ShardResult {
        let range = self.shards.range(s);
        let rows = &self.rows[range.clone()];
        let buf = work.for_rows(self.network, self.train, rows.len());
        match self.augment {
            None => gather_rows(self.train, rows, &mut buf.x),
            Some(aug) => {
                let d = self.train.d.max(1);
                for (i, (out, &r)) in buf.x.chunks_exact_mut(d).zip(rows).enumerate() {
                    let m = aug.moves(self.epoch, self.batch, range.start + i);
                    aug.apply(self.train.row(r), m, out);
                }
            }
        }
        gather_targets(self.train, rows, &mut buf.y);
        let outputs = self.network.output_units();
        let input = ShardInput {
            x: Input::row_major(&buf.x, rows.len(), self.train.d),
            y: &buf.y,
            loss: self.loss,
            fused: self.fused,
            divisor: self.loss.divisor(self.shards.rows(), outputs),
            at: ShardPos {
                epoch: self.epoch,
                batch: self.batch,
                first_row: range.start,
            },
            dropout: self.dropout,
        };
        let loss_sum = self.network.shard_gradients(&input, &mut buf.ws, grads);
        let mut correct = 0;
        if let (true, Targets::Classes { labels, .. }) = (self.classes, &self.train.targets) {
            let out = buf.ws.output();
            correct = rows
                .iter()
                .enumerate()
                .filter(|(i, r)| labels[**r] as usize == predicted_class(out, *i))
                .count();
        }
        ShardResult {
            rows: rows.len(),
            loss_sum,
            correct,
        }
    }
}
