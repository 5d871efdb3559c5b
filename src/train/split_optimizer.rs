//! The run's optimiser cut into one instance per thread, each over a contiguous range of the
//! parameters (weights then bias of each layer, end to end), so that threads step their ranges
//! at once. Every optimiser the engine has (SGD, momentum, Nesterov, RMSprop, Adam, AdamW)
//! updates each parameter from its own gradient and its own state with scalars shared by all
//! (learning rate, step count), so the parts take exactly the steps one instance would
//! (tests/shards.rs trains each with 1–8 threads and compares bytes). Their state is shown
//! and restored in the one-instance layout, whatever the number of parts, so checkpoints do not
//! depend on the thread count.

use crate::optim::{Hyper, Optimizer, OptimizerState};
use crate::Real;

/// WebAssembly without the shard API: one instance, the parts' code left out.
const PARTS_LEFT_OUT: bool = cfg!(all(target_arch = "wasm32", not(feature = "shards-wasm")));

/// Parameters per part below which a step is not worth sharing (waking a thread costs about
/// what Adam takes for 10,000 parameters).
pub const MIN_PART: usize = 32_768;

pub struct SplitOptimizer {
    parts: Vec<Box<dyn Optimizer + Send>>,
    /// Part i steps the parameters bounds[i]..bounds[i + 1] of the flat order.
    bounds: Vec<usize>,
    /// Each parameter tensor's length, in order.
    lens: Vec<usize>,
}

impl SplitOptimizer {
    /// Up to `threads` instances (at least [`MIN_PART`] parameters each) of the optimiser
    /// `hyper` builds, over tensors of these lengths.
    pub fn new(hyper: &Hyper, lens: Vec<usize>, threads: usize) -> SplitOptimizer {
        let total: usize = lens.iter().sum();
        SplitOptimizer::with_parts(hyper, lens, threads.min(total / MIN_PART))
    }

    /// Exactly `parts` instances (at least 1, at most one per parameter).
    pub fn with_parts(hyper: &Hyper, lens: Vec<usize>, parts: usize) -> SplitOptimizer {
        let total: usize = lens.iter().sum();
        let parts = if PARTS_LEFT_OUT {
            1
        } else {
            parts.clamp(1, total.max(1))
        };
        let bounds = (0..=parts).map(|i| i * total / parts).collect();
        SplitOptimizer::with_bounds(hyper, lens, bounds)
    }

    /// One instance per range `bounds[i]..bounds[i + 1]` of the flat order (`bounds` starts
    /// at 0, ends at the parameter count and does not decrease).
    pub fn with_bounds(hyper: &Hyper, lens: Vec<usize>, bounds: Vec<usize>) -> SplitOptimizer {
        SplitOptimizer {
            parts: (1..bounds.len().max(2)).map(|_| hyper.build()).collect(),
            bounds,
            lens,
        }
    }

    /// The flat range part `i` steps.
    pub fn bounds(&self) -> &[usize] {
        &self.bounds
    }

    pub fn parts(&self) -> usize {
        self.parts.len()
    }

    /// One instance: always in the page's engine (no threads there), so the parts' code is
    /// left out of it; the trainer of several page workers (`shards-wasm`) has them.
    fn single(&self) -> bool {
        PARTS_LEFT_OUT || self.parts.len() == 1
    }

    /// The same optimiser cut for `threads`, with this one's state and learning rate.
    pub fn resplit(&self, hyper: &Hyper, threads: usize) -> SplitOptimizer {
        let mut next = SplitOptimizer::new(hyper, self.lens.clone(), threads);
        next.set_lr(self.lr());
        next.set_state(self.state())
            .expect("a state taken from the same optimiser fits it");
        next
    }

    pub fn lr(&self) -> f64 {
        self.parts[0].lr()
    }

    pub fn set_lr(&mut self, lr: f64) {
        self.parts.iter_mut().for_each(|p| p.set_lr(lr));
    }

    /// One step of every part; `run(n, f)` calls `f(0..n)`, at once where it can.
    pub fn step(
        &mut self,
        params: Vec<&mut [Real]>,
        grads: Vec<&[Real]>,
        run: impl FnOnce(usize, &(dyn Fn(usize) + Sync)),
    ) {
        if self.single() {
            let mut params = params;
            return self.parts[0].step(&mut params, &grads);
        }
        let params = cut(params, &self.bounds);
        let grads = cut(grads, &self.bounds);
        let jobs: Vec<_> = self
            .parts
            .iter_mut()
            .zip(params.into_iter().zip(grads))
            .map(std::sync::Mutex::new)
            .collect();
        run(jobs.len(), &|i| {
            let mut job = jobs[i]
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let (opt, (p, g)) = &mut *job;
            opt.step(p, g);
        });
    }

    /// One step of part `i` alone (a page worker's part; the other parts are other workers').
    pub fn step_part(&mut self, i: usize, params: Vec<&mut [Real]>, grads: Vec<&[Real]>) {
        if self.single() {
            let mut params = params;
            return self.parts[0].step(&mut params, &grads);
        }
        let (Some(mut p), Some(g)) = (
            cut(params, &self.bounds).into_iter().nth(i),
            cut(grads, &self.bounds).into_iter().nth(i),
        ) else {
            return;
        };
        self.parts[i].step(&mut p, &g);
    }

    /// Part `i`'s state buffers end to end (the buffers in use, each its tensors' pieces in
    /// order): what a page worker hands over so that one replica holds the whole state.
    pub fn part_state(&self, i: usize) -> Vec<Real> {
        let state = self.parts[i].state();
        state.buffers.into_iter().flatten().flatten().collect()
    }

    /// Puts back part `i`'s buffers from [`SplitOptimizer::part_state`] of a replica that took
    /// the same steps as part `like` here (whose step count and buffers in use they share).
    pub fn set_part_state(&mut self, i: usize, like: usize, flat: &[Real]) -> Result<(), String> {
        let template = self.parts[like].state();
        let lens = self.part_lens(i);
        let mut rest = flat;
        let mut take = |n: usize| -> Result<Vec<Real>, String> {
            if rest.len() < n {
                return Err(format!("part {i}'s optimizer state is short"));
            }
            let (t, tail) = rest.split_at(n);
            rest = tail;
            Ok(t.to_vec())
        };
        let mut buffers = Vec::new();
        for b in &template.buffers {
            let pieces = if b.is_empty() {
                Vec::new()
            } else {
                lens.iter().map(|&n| take(n)).collect::<Result<_, _>>()?
            };
            buffers.push(pieces);
        }
        if !rest.is_empty() {
            return Err(format!(
                "part {i}'s optimizer state is {} numbers too long",
                rest.len()
            ));
        }
        self.parts[i].set_state(OptimizerState {
            steps: template.steps,
            buffers,
        })
    }

    /// The lengths of part `i`'s pieces of the tensors.
    fn part_lens(&self, i: usize) -> Vec<usize> {
        let sized: Vec<Len> = self.lens.iter().map(|&n| Len(n)).collect();
        cut(sized, &self.bounds)
            .into_iter()
            .nth(i)
            .map_or(Vec::new(), |p| p.into_iter().map(|s| s.0).collect())
    }

    /// The state in the layout of one instance over every tensor.
    pub fn state(&self) -> OptimizerState {
        if self.single() {
            return self.parts[0].state();
        }
        let states: Vec<OptimizerState> = self.parts.iter().map(|p| p.state()).collect();
        let buffers = (0..states[0].buffers.len())
            .map(|b| {
                if states[0].buffers[b].is_empty() {
                    return Vec::new();
                }
                let flat: Vec<Real> = states
                    .iter()
                    .flat_map(|s| s.buffers[b].iter().flatten().copied())
                    .collect();
                let mut rest = flat.as_slice();
                self.lens
                    .iter()
                    .map(|&n| {
                        let (t, tail) = rest.split_at(n);
                        rest = tail;
                        t.to_vec()
                    })
                    .collect()
            })
            .collect();
        OptimizerState {
            steps: states[0].steps,
            buffers,
        }
    }

    /// Puts back a state in the one-instance layout (its shapes checked by the caller).
    pub fn set_state(&mut self, state: OptimizerState) -> Result<(), String> {
        if self.single() {
            return self.parts[0].set_state(state);
        }
        let mut per_part: Vec<OptimizerState> = (0..self.parts.len())
            .map(|_| OptimizerState {
                steps: state.steps,
                buffers: Vec::new(),
            })
            .collect();
        for tensors in &state.buffers {
            let slices: Vec<&[Real]> = tensors.iter().map(Vec::as_slice).collect();
            let cut = if slices.is_empty() {
                vec![Vec::new(); self.parts.len()]
            } else {
                cut(slices, &self.bounds)
            };
            for (part, pieces) in per_part.iter_mut().zip(cut) {
                part.buffers
                    .push(pieces.into_iter().map(<[Real]>::to_vec).collect());
            }
        }
        self.parts
            .iter_mut()
            .zip(per_part)
            .try_for_each(|(p, s)| p.set_state(s))
    }
}

/// A slice that can be cut in two (shared or exclusive).
trait Cut: Sized {
    fn size(&self) -> usize;
    fn cut_at(self, at: usize) -> (Self, Self);
}

impl Cut for &[Real] {
    fn size(&self) -> usize {
        self.len()
    }
    fn cut_at(self, at: usize) -> (Self, Self) {
        self.split_at(at)
    }
}

impl Cut for &mut [Real] {
    fn size(&self) -> usize {
        self.len()
    }
    fn cut_at(self, at: usize) -> (Self, Self) {
        self.split_at_mut(at)
    }
}

/// A tensor's length alone, cut as the tensor would be.
struct Len(usize);

impl Cut for Len {
    fn size(&self) -> usize {
        self.0
    }
    fn cut_at(self, at: usize) -> (Self, Self) {
        (Len(at), Len(self.0 - at))
    }
}

/// The tensors, end to end, cut at `bounds` (positions in that flat order): each part's pieces.
fn cut<C: Cut>(tensors: Vec<C>, bounds: &[usize]) -> Vec<Vec<C>> {
    let parts = bounds.len() - 1;
    let mut out: Vec<Vec<C>> = (0..parts).map(|_| Vec::new()).collect();
    let (mut part, mut pos) = (0, 0);
    for mut t in tensors {
        while t.size() > 0 {
            while part + 1 < parts && pos == bounds[part + 1] {
                part += 1;
            }
            let room = if part + 1 < parts {
                bounds[part + 1] - pos
            } else {
                t.size()
            };
            let take = room.min(t.size());
            let (piece, rest) = t.cut_at(take);
            out[part].push(piece);
            pos += take;
            t = rest;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::OptimizerKind;

    /// Every optimiser, with weight decay and momentum where it has them, stepped as one
    /// instance and as 2, 3 and 7 parts: the same parameters and the same state to the bit.
    #[test]
    fn every_optimizer_in_parts_steps_exactly_as_one_instance() {
        let lens = vec![13, 5, 40, 1, 9];
        for kind in OptimizerKind::ALL {
            let mut hyper = Hyper::defaults(kind);
            hyper.weight_decay = 0.01;
            if kind == OptimizerKind::Rmsprop {
                hyper.momentum = 0.5;
            }
            let run = |parts: usize| {
                let mut opt = SplitOptimizer::with_parts(&hyper, lens.clone(), parts);
                let mut params: Vec<Vec<Real>> = lens
                    .iter()
                    .map(|&n| (0..n).map(|i| (i as Real * 0.37).sin()).collect())
                    .collect();
                for step in 0..4 {
                    let grads: Vec<Vec<Real>> = lens
                        .iter()
                        .map(|&n| {
                            (0..n)
                                .map(|i| ((i * 7 + step) as Real * 0.11).cos())
                                .collect()
                        })
                        .collect();
                    let p: Vec<&mut [Real]> = params.iter_mut().map(Vec::as_mut_slice).collect();
                    let g: Vec<&[Real]> = grads.iter().map(Vec::as_slice).collect();
                    opt.step(p, g, |n, f| (0..n).for_each(f));
                }
                (params, opt.state())
            };
            let one = run(1);
            for parts in [2, 3, 7] {
                assert!(run(parts) == one, "{kind} in {parts} parts");
            }
            let mut back = SplitOptimizer::with_parts(&hyper, lens.clone(), 3);
            back.set_state(one.1.clone()).unwrap();
            assert_eq!(
                back.state(),
                one.1,
                "{kind}: state through 3 parts and back"
            );
        }
    }

    #[test]
    fn tensors_are_cut_end_to_end_at_the_bounds() {
        let a = [1.0, 2.0, 3.0];
        let b = [4.0, 5.0];
        let c = [6.0, 7.0, 8.0, 9.0];
        let parts = cut(vec![&a[..], &b[..], &c[..]], &[0, 2, 6, 9]);
        let lens: Vec<Vec<usize>> = parts
            .iter()
            .map(|p| p.iter().map(|s| s.len()).collect())
            .collect();
        assert_eq!(lens, [vec![2], vec![1, 2, 1], vec![3]]);
        assert_eq!(parts[1][2], &[6.0]);
    }
}
