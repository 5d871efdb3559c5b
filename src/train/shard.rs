//! Shards: how a batch is cut so that its gradient does not depend on how many threads or
//! workers compute it.
//!
//! A batch of `rows` rows is cut into K = clamp(rows / 64, 1, 8) shards at the boundaries
//! ⌊s·rows/K⌋ — set by the batch alone, never by the number of threads or workers. Each shard's
//! gradient is computed on its own (its loss divided by the whole batch's divisor), and the
//! batch's gradient is their left fold in shard order: shard 0's, then + shard 1's, + shard
//! 2's, … So 1, 2, 3, 4 or 8 threads (or page workers) add the same numbers in the same order
//! and train byte-identical weights.
//!
//! Why these numbers (README, "Threads and shards"): on one thread, shards of 64 rows train
//! faster than the whole batch at once (MNIST at batch 512: 1.4×, the blocks stay in cache) and
//! than shards of 32 (batch 128: 1.12×; the wide net 1.35×, whose products lose speed at 32
//! rows and whose 1.9 M-number gradient costs a pass to add per extra shard). Batch 128 still
//! gives 2 shards, one per thread on two cores; 8 shards let up to 8 threads share a batch.

use crate::data::Dataset;
use crate::nn::{Network, Workspace};
use crate::{Matrix, Real};
use std::ops::Range;

/// Rows per shard below which a batch is not cut further.
pub const SHARD_ROWS: usize = 64;
/// The most shards a batch is cut into.
pub const MAX_SHARDS: usize = 8;

/// The shards of a batch of `rows` rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Shards {
    rows: usize,
    count: usize,
}

/// The shards of a batch of `rows` rows: K = clamp(rows / 64, 1, 8) row ranges.
pub fn shards(rows: usize) -> Shards {
    Shards {
        rows,
        count: (rows / SHARD_ROWS).clamp(1, MAX_SHARDS),
    }
}

impl Shards {
    /// The batch's rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// How many shards.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Shard `s`'s rows within the batch: ⌊s·rows/K⌋ .. ⌊(s+1)·rows/K⌋.
    pub fn range(&self, s: usize) -> Range<usize> {
        assert!(s < self.count, "shard {s} of {}", self.count);
        let at = |i: usize| i * self.rows / self.count;
        at(s)..at(s + 1)
    }

    pub fn iter(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        (0..self.count).map(|s| self.range(s))
    }

    /// The shards thread `t` of `threads` computes: a contiguous run, so thread 0's are the
    /// fold's prefix and it can add them up as it goes.
    pub fn for_thread(&self, t: usize, threads: usize) -> Range<usize> {
        let threads = threads.clamp(1, self.count);
        (t * self.count / threads)..((t + 1) * self.count / threads)
    }
}

/// What computing one shard gives besides its gradient.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ShardResult {
    /// The shard's rows.
    pub rows: usize,
    /// Its summed data loss (the batch's loss is the sum over shards, in shard order, divided
    /// by the batch's divisor).
    pub loss_sum: f64,
    /// Rows whose predicted class was the label (classification; 0 otherwise).
    pub correct: usize,
}

impl ShardResult {
    /// This result followed by `next`'s: the sums in shard order.
    pub fn then(self, next: ShardResult) -> ShardResult {
        ShardResult {
            rows: self.rows + next.rows,
            loss_sum: self.loss_sum + next.loss_sum,
            correct: self.correct + next.correct,
        }
    }
}

/// One thread's (or page worker's) buffers for computing shards: a workspace and the gathered
/// features and targets, per shard size met (a batch's shards differ by at most one row, and
/// the last batch of an epoch may be smaller), so after the first epoch nothing is allocated.
#[derive(Default)]
pub struct ShardWork {
    sizes: Vec<ShardBuffers>,
}

pub(crate) struct ShardBuffers {
    pub ws: Workspace,
    /// The shard's features, row after row (copied from the data set a row at a time).
    pub x: Vec<Real>,
    pub y: Matrix,
}

impl ShardWork {
    pub fn new() -> ShardWork {
        ShardWork::default()
    }

    /// The buffers for `rows` rows of `data` through `net`, made on first use.
    pub(crate) fn for_rows(
        &mut self,
        net: &Network,
        data: &Dataset,
        rows: usize,
    ) -> &mut ShardBuffers {
        let i = match self.sizes.iter().position(|b| b.ws.batch() == rows) {
            Some(i) => i,
            None => {
                self.sizes.push(ShardBuffers {
                    ws: net.workspace(rows),
                    x: vec![0.0; rows * data.d],
                    y: Matrix::zeros(rows, net.output_units()),
                });
                self.sizes.len() - 1
            }
        };
        &mut self.sizes[i]
    }

    /// Whether any shard has been computed with these buffers.
    pub fn is_unused(&self) -> bool {
        self.sizes.is_empty()
    }
}

/// `acc += each of rest`, element by element in the order given: the fold's later steps in one
/// pass over memory (the same sums as one pass per buffer).
pub fn add_in_order(acc: &mut [Real], rest: &[&[Real]]) {
    match rest {
        [] => {}
        [a] => acc.iter_mut().zip(*a).for_each(|(x, a)| *x += a),
        [a, b] => acc
            .iter_mut()
            .zip(a.iter().zip(*b))
            .for_each(|(x, (a, b))| *x = *x + a + b),
        _ => rest.chunks(2).for_each(|pair| add_in_order(acc, pair)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_count_follows_the_batch_size_only() {
        let counts: Vec<usize> = [1, 32, 63, 64, 127, 128, 192, 256, 400, 511, 512, 4096]
            .iter()
            .map(|&r| shards(r).len())
            .collect();
        assert_eq!(counts, [1, 1, 1, 1, 1, 2, 3, 4, 6, 7, 8, 8]);
    }

    #[test]
    fn shards_cover_the_batch_in_order_and_differ_by_at_most_one_row() {
        for rows in [1, 33, 100, 127, 128, 129, 513, 1000] {
            let s = shards(rows);
            let ranges: Vec<_> = s.iter().collect();
            assert_eq!(ranges[0].start, 0);
            assert_eq!(ranges.last().map(|r| r.end), Some(rows));
            assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
            let lens: Vec<usize> = ranges.iter().map(|r| r.len()).collect();
            let (lo, hi) = (lens.iter().min(), lens.iter().max());
            assert!(
                hi.zip(lo).is_some_and(|(h, l)| h - l <= 1),
                "{rows}: {lens:?}"
            );
        }
    }

    #[test]
    fn threads_take_contiguous_runs_of_shards_covering_all_of_them() {
        let s = shards(512);
        for threads in 1..=10 {
            let runs: Vec<_> = (0..threads.min(8))
                .map(|t| s.for_thread(t, threads))
                .collect();
            assert_eq!(runs[0].start, 0);
            assert_eq!(runs.last().map(|r| r.end), Some(8));
            assert!(runs.windows(2).all(|w| w[0].end == w[1].start));
            assert!(runs.iter().all(|r| !r.is_empty()));
        }
    }

    #[test]
    fn adding_in_one_pass_equals_adding_one_buffer_at_a_time() {
        let bufs: Vec<Vec<Real>> = (0..5)
            .map(|k| {
                (0..50)
                    .map(|i| ((i * 7 + k * 13) as Real).sin() * 1e3)
                    .collect()
            })
            .collect();
        let mut one_pass = bufs[0].clone();
        let rest: Vec<&[Real]> = bufs[1..].iter().map(Vec::as_slice).collect();
        add_in_order(&mut one_pass, &rest);
        let mut stepwise = bufs[0].clone();
        for b in &bufs[1..] {
            stepwise.iter_mut().zip(b).for_each(|(x, b)| *x += b);
        }
        assert_eq!(one_pass, stepwise);
    }
}
