//! ASHA-style early termination: stopping rungs at `min_epochs · η^k` epochs. A trial reaching a
//! rung goes on only if its metric is among the best `max(1, ⌊n/η⌋)` of the `n` values recorded
//! at that rung so far (its own included). Decisions are taken as trials arrive, without waiting
//! for the rung to fill, so the first trials at a rung always go on.

use super::spec::Goal;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Continue,
    Stop,
}

#[derive(Clone, Debug)]
pub struct Asha {
    pub min_epochs: usize,
    pub eta: usize,
    pub goal: Goal,
    /// Rung epoch → (trial id, metric) in arrival order.
    rungs: BTreeMap<usize, Vec<(usize, f64)>>,
}

impl Asha {
    pub fn new(min_epochs: usize, eta: usize, goal: Goal) -> Asha {
        assert!(
            min_epochs >= 1 && eta >= 2,
            "ASHA needs min_epochs ≥ 1 and η ≥ 2"
        );
        Asha {
            min_epochs,
            eta,
            goal,
            rungs: BTreeMap::new(),
        }
    }

    /// Whether a decision is taken after `epoch` epochs.
    pub fn is_rung(&self, epoch: usize) -> bool {
        if epoch < self.min_epochs || epoch % self.min_epochs != 0 {
            return false;
        }
        let mut k = epoch / self.min_epochs;
        while k % self.eta == 0 {
            k /= self.eta;
        }
        k == 1
    }

    /// The rungs below `epochs` (where a trial of that length can be stopped).
    pub fn rungs_below(&self, epochs: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut r = self.min_epochs;
        while r < epochs {
            out.push(r);
            r = r.saturating_mul(self.eta);
        }
        out
    }

    /// Records trial `id`'s metric after `epoch` epochs and says whether it should go on.
    /// A value that is not a number is worst of all.
    pub fn report(&mut self, id: usize, epoch: usize, value: f64) -> Decision {
        if !self.is_rung(epoch) {
            return Decision::Continue;
        }
        let rung = self.rungs.entry(epoch).or_default();
        match rung.iter_mut().find(|(t, _)| *t == id) {
            Some(slot) => slot.1 = value,
            None => rung.push((id, value)),
        }
        let goal = self.goal;
        let key = |v: f64| {
            if v.is_nan() {
                f64::INFINITY
            } else {
                goal.as_loss(v)
            }
        };
        let mut sorted: Vec<f64> = rung.iter().map(|(_, v)| key(*v)).collect();
        sorted.sort_by(|a, b| a.total_cmp(b));
        let keep = (sorted.len() / self.eta).max(1);
        let threshold = sorted[keep - 1];
        if !value.is_nan() && key(value) <= threshold {
            Decision::Continue
        } else {
            Decision::Stop
        }
    }

    /// How many trials have reported at each rung.
    pub fn rung_sizes(&self) -> Vec<(usize, usize)> {
        self.rungs.iter().map(|(e, v)| (*e, v.len())).collect()
    }
}
