//! A batch's shards on several native threads. Thread 0 (the caller) takes the first run of
//! shards and folds them as it goes — they are the fold's prefix; every other thread computes
//! its shards into buffers of their own, which are added afterwards in shard order. The sums
//! are the ones [`Trainer::compute_in_order`] makes, so any thread count trains the same weights.

use super::Trainer;
use crate::train::pool::Pool;
use crate::train::shard::{add_in_order, ShardResult, ShardWork, Shards};
use crate::Real;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

static DEFAULT_THREADS: AtomicUsize = AtomicUsize::new(1);

/// Work per thread and batch (floating-point operations of forward and backward, ≈ 6 · rows ·
/// parameters) below which a batch stays on one thread: waking a thread and adding its
/// gradient cost about as much as 8 million of them. Measured on two threads: a 100-100-10 net
/// at batch 128 (4 million each) trains 0.9× as fast shared, at batch 512 (17 million) 1.5×;
/// 784-64-10 at batch 128 (20 million) 1.2×. The 2-8-8-1 net never shares.
const MIN_THREAD_FLOPS: usize = 8_000_000;

/// The threads a new [`Trainer`] uses (1 unless changed): the command line sets it once from
/// `--threads`, so every trainer it makes — one per sweep trial too — gets it.
pub fn set_default_threads(n: usize) {
    DEFAULT_THREADS.store(n.max(1), Ordering::Relaxed);
}

pub fn default_threads() -> usize {
    DEFAULT_THREADS.load(Ordering::Relaxed)
}

impl Trainer {
    /// Threads for computing each batch's shards and stepping the optimiser: `n` ≥ 1 (1: the
    /// caller alone). Changes nothing in the numbers.
    pub fn set_threads(&mut self, n: usize) {
        self.threads = n.max(1);
        self.pool = None;
        self.optimizer = self.optimizer.resplit(&self.config.hyper(), self.threads);
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    /// The pool, made when first needed, when `calls` > 1 calls are to run at once.
    pub(super) fn pool_for(&mut self, calls: usize) -> Option<&Pool> {
        if calls <= 1 {
            return None;
        }
        if self.pool.as_ref().is_none_or(|p| p.threads() < calls) {
            self.pool = Some(Pool::new(self.threads.max(calls)));
        }
        self.pool.as_ref()
    }

    /// Whether this batch's shards are worth computing on several threads.
    pub(super) fn worth_sharing(&self, shards: Shards) -> bool {
        let threads = self.threads.min(shards.len());
        let rows = shards.rows() / threads;
        threads > 1 && 6 * rows * self.param_count() >= MIN_THREAD_FLOPS
    }

    pub(super) fn compute_threaded(&mut self, shards: Shards) -> ShardResult {
        let t = self.threads.min(shards.len());
        self.pool_for(t);
        let first = shards.for_thread(0, t);
        let mut grads = std::mem::take(&mut self.grads);
        let mut work = std::mem::take(&mut self.work);
        work.resize_with(t, ShardWork::new);
        let own = usize::from(first.len() > 1);
        let mut spare = self.take_spares(own + shards.len() - first.end);
        let (mine, later) = spare.split_at_mut(own);
        // Thread i's slot: its workspace, where its shards go, and their results. Thread 0's
        // first shard goes straight into the batch gradient, the rest of its run through
        // its own spare; every other thread's shards each into a buffer of their own.
        let mut later_bufs = later.iter_mut();
        let mut works = work.iter_mut();
        let mut own_out: Vec<&mut [Real]> = vec![grads.as_mut_slice()];
        own_out.extend(mine.iter_mut().map(Vec::as_mut_slice));
        let mut slots = vec![Mutex::new(Slot {
            work: works.next().expect("one workspace per thread"),
            out: own_out,
            results: Vec::new(),
        })];
        for (i, w) in (1..t).zip(works) {
            let n = shards.for_thread(i, t).len();
            slots.push(Mutex::new(Slot {
                work: w,
                out: later_bufs.by_ref().take(n).map(Vec::as_mut_slice).collect(),
                results: Vec::new(),
            }));
        }
        let job = self.batch_job(shards);
        let pool = self.pool.as_ref().expect("made above");
        pool.run(t, &|i| {
            let mut slot = slots[i].lock().unwrap_or_else(PoisonError::into_inner);
            let Slot { work, out, results } = &mut *slot;
            for s in shards.for_thread(i, t) {
                if i == 0 && s > 0 {
                    let (acc, spare) = out.split_at_mut(1);
                    let r = job.shard(s, work, spare[0]);
                    add_in_order(acc[0], &[spare[0]]);
                    results[0] = results[0].then(r);
                } else {
                    let g = &mut out[if i == 0 { 0 } else { results.len() }];
                    results.push(job.shard(s, work, g));
                }
            }
        });
        let results: Vec<ShardResult> = slots
            .into_iter()
            .flat_map(|m| {
                m.into_inner()
                    .unwrap_or_else(PoisonError::into_inner)
                    .results
            })
            .collect();
        let rest: Vec<&[Real]> = later.iter().map(Vec::as_slice).collect();
        fold_in_parallel(pool, t, grads.as_mut_slice(), &rest);
        self.grads = grads;
        self.work = work;
        self.spare.append(&mut spare);
        results[1..].iter().fold(results[0], |t, r| t.then(*r))
    }
}

struct Slot<'a> {
    work: &'a mut ShardWork,
    out: Vec<&'a mut [Real]>,
    results: Vec<ShardResult>,
}

/// `acc += rest[0] + rest[1] + …` element by element, each thread taking a range of elements:
/// every element gets the same additions in the same order as on one thread.
fn fold_in_parallel(pool: &Pool, t: usize, acc: &mut [Real], rest: &[&[Real]]) {
    if rest.is_empty() {
        return;
    }
    let chunk = acc.len().div_ceil(t).max(1);
    let parts: Vec<Mutex<(usize, &mut [Real])>> = acc
        .chunks_mut(chunk)
        .enumerate()
        .map(|(i, c)| Mutex::new((i * chunk, c)))
        .collect();
    pool.run(parts.len(), &|i| {
        let mut part = parts[i].lock().unwrap_or_else(PoisonError::into_inner);
        let (at, ref mut acc) = *part;
        let bufs: Vec<&[Real]> = rest.iter().map(|b| &b[at..at + acc.len()]).collect();
        add_in_order(acc, &bufs);
    });
}
