//! A batch's shards on several native threads. Thread 0 (the caller) takes the first run of
//! shards and folds them as it goes — they are the fold's prefix; every other thread computes
//! its shards into buffers of their own, which are added afterwards in shard order. The sums
//! are the ones [`Trainer::compute_in_order`] makes, so any thread count trains the same weights.

use super::Trainer;
use crate::train::shard::{add_in_order, ShardResult, ShardWork, Shards};
use crate::Real;
use std::panic::resume_unwind;
use std::sync::atomic::{AtomicUsize, Ordering};

static DEFAULT_THREADS: AtomicUsize = AtomicUsize::new(1);

/// The threads a new [`Trainer`] uses (1 unless changed): the command line sets it once from
/// `--threads`, so every trainer it makes — one per sweep trial too — gets it.
pub fn set_default_threads(n: usize) {
    DEFAULT_THREADS.store(n.max(1), Ordering::Relaxed);
}

pub fn default_threads() -> usize {
    DEFAULT_THREADS.load(Ordering::Relaxed)
}

impl Trainer {
    /// Threads for computing each batch's shards: `n` ≥ 1 (1: the caller alone). A batch uses at
    /// most as many as it has shards. Changes nothing in the numbers.
    pub fn set_threads(&mut self, n: usize) {
        self.threads = n.max(1);
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    pub(super) fn compute_threaded(&mut self, shards: Shards) -> ShardResult {
        let t = self.threads.min(shards.len());
        let first = shards.for_thread(0, t);
        let mut grads = std::mem::take(&mut self.grads);
        let mut work = std::mem::take(&mut self.work);
        work.resize_with(t, ShardWork::new);
        let own = usize::from(first.len() > 1);
        let mut spare = self.take_spares(own + shards.len() - first.end);
        let job = self.batch_job(shards);
        let job = &job;
        let (mine, later) = spare.split_at_mut(own);
        let (w0, others) = work.split_first_mut().expect("one workspace per thread");
        let results: Vec<ShardResult> = std::thread::scope(|scope| {
            let mut bufs = later.iter_mut();
            let handles: Vec<_> = (1..t)
                .zip(others.iter_mut())
                .map(|(i, w)| {
                    let run = shards.for_thread(i, t);
                    let out: Vec<&mut Vec<Real>> = bufs.by_ref().take(run.len()).collect();
                    scope.spawn(move || {
                        run.zip(out)
                            .map(|(s, g)| job.shard(s, w, g))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            let mut prefix = job.shard(0, w0, grads.as_mut_slice());
            for s in 1..first.end {
                let r = job.shard(s, w0, &mut mine[0]);
                add_in_order(grads.as_mut_slice(), &[&mine[0]]);
                prefix = prefix.then(r);
            }
            let mut all = vec![prefix];
            for h in handles {
                all.extend(h.join().unwrap_or_else(|p| resume_unwind(p)));
            }
            all
        });
        let rest: Vec<&[Real]> = later.iter().map(Vec::as_slice).collect();
        add_in_order(grads.as_mut_slice(), &rest);
        self.grads = grads;
        self.work = work;
        self.spare.append(&mut spare);
        results[1..].iter().fold(results[0], |t, r| t.then(*r))
    }
}
