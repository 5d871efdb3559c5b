//! The sweep's bookkeeping, free of threads and files: which trial runs next and with what
//! params, what early termination says after each epoch, and the finished trials. A runner
//! (the native thread pool, or the browser worker one trial at a time) calls [`Sweep::next_trial`],
//! trains, calls [`Sweep::report`] after each epoch and [`Sweep::finish`] at the end.

use super::asha::{Asha, Decision};
use super::sampler::{Observation, Sampler};
use super::space;
use super::spec::{Goal, Method, Metric, SweepSpec};
use super::trial::{TrialRecord, TrialStatus};
use super::Params;
use crate::config::Config;
use serde::Serialize;
use std::collections::BTreeMap;

/// A trial to run: its params and the config they make (or why they make none).
#[derive(Clone, Debug)]
pub struct TrialPlan {
    pub id: usize,
    pub params: Params,
    pub config: Result<Config, String>,
}

pub struct Sweep {
    spec: SweepSpec,
    sampler: Sampler,
    asha: Option<Asha>,
    finished: BTreeMap<usize, TrialRecord>,
    running: BTreeMap<usize, Params>,
    /// The next id to hand out (ids of finished trials are skipped as they come up), so no list
    /// of every id is built however large `max_trials` is.
    next_id: usize,
    /// One past the last trial id.
    limit: usize,
}

/// One trial in the final summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrialSummary {
    pub id: usize,
    pub params: Params,
    pub metric: Option<f64>,
    pub status: TrialStatus,
    pub epochs: usize,
    pub seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Best {
    pub id: usize,
    pub params: Params,
    pub metric: f64,
}

/// The sweep's result: the CLI's last stdout line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub method: Method,
    pub metric: Metric,
    pub goal: Goal,
    pub trials: Vec<TrialSummary>,
    pub best: Option<Best>,
}

impl Sweep {
    /// A sweep over `spec`, resuming from `finished` trials (which are kept, and whose ids are
    /// not run again; their learning curves re-seed early termination's rungs).
    pub fn new(spec: SweepSpec, finished: Vec<TrialRecord>) -> Sweep {
        let sampler = Sampler::from_spec(&spec);
        let mut asha = spec
            .early_termination
            .map(|et| Asha::new(et.min_epochs, et.reduction_factor, spec.goal));
        let finished: BTreeMap<usize, TrialRecord> =
            finished.into_iter().map(|r| (r.id, r)).collect();
        if let Some(a) = &mut asha {
            for r in finished.values() {
                for (e, v) in r.curve.iter().enumerate() {
                    a.report(r.id, e + 1, v.unwrap_or(f64::NAN));
                }
            }
        }
        let limit = match spec.method {
            Method::Grid => sampler.grid().len(),
            _ => spec.max_trials,
        };
        Sweep {
            spec,
            sampler,
            asha,
            finished,
            running: BTreeMap::new(),
            next_id: 0,
            limit,
        }
    }

    pub fn spec(&self) -> &SweepSpec {
        &self.spec
    }

    pub fn sampler(&self) -> &Sampler {
        &self.sampler
    }

    /// Trials still to hand out.
    pub fn remaining(&self) -> usize {
        if self.next_id >= self.limit {
            return 0;
        }
        let ahead = self.limit - self.next_id;
        ahead - self.finished.range(self.next_id..self.limit).count()
    }

    pub fn running(&self) -> usize {
        self.running.len()
    }

    pub fn finished(&self) -> impl Iterator<Item = &TrialRecord> {
        self.finished.values()
    }

    /// The next trial, or `None` when every trial has been handed out.
    pub fn next_trial(&mut self) -> Option<TrialPlan> {
        while self.next_id < self.limit && self.finished.contains_key(&self.next_id) {
            self.next_id += 1;
        }
        if self.next_id >= self.limit {
            return None;
        }
        let id = self.next_id;
        self.next_id += 1;
        let observations: Vec<Observation> = self
            .finished
            .values()
            .map(|r| Observation {
                params: r.params.clone(),
                value: r.metric,
            })
            .collect();
        let pending: Vec<Params> = self.running.values().cloned().collect();
        let Some(params) = self.sampler.suggest(id, &observations, &pending) else {
            self.next_id = self.limit;
            return None;
        };
        let config =
            space::build_config(&self.spec.base, &params).map_err(|e| format!("config: {e}"));
        self.running.insert(id, params.clone());
        Some(TrialPlan { id, params, config })
    }

    /// Trial `id`'s metric after `epoch` epochs: whether it should go on.
    pub fn report(&mut self, id: usize, epoch: usize, value: f64) -> Decision {
        match &mut self.asha {
            Some(a) => a.report(id, epoch, value),
            None => Decision::Continue,
        }
    }

    pub fn finish(&mut self, record: TrialRecord) {
        self.running.remove(&record.id);
        self.finished.insert(record.id, record);
    }

    /// The best trial: the best metric among completed trials, or among stopped-early ones if
    /// none completed (ties go to the lower id).
    pub fn best(&self) -> Option<Best> {
        let goal = self.spec.goal;
        let pick = |status: TrialStatus| {
            let mut best: Option<&TrialRecord> = None;
            for r in self.finished.values().filter(|r| r.status == status) {
                let Some(v) = r.metric else { continue };
                if best.is_none_or(|b| {
                    goal.better(v, b.metric.unwrap_or(f64::NAN)) || b.metric.is_none()
                }) {
                    best = Some(r);
                }
            }
            best
        };
        let r = pick(TrialStatus::Completed).or_else(|| pick(TrialStatus::StoppedEarly))?;
        Some(Best {
            id: r.id,
            params: r.params.clone(),
            metric: r.metric?,
        })
    }

    pub fn summary(&self) -> Summary {
        Summary {
            method: self.spec.method,
            metric: self.spec.metric,
            goal: self.spec.goal,
            trials: self
                .finished
                .values()
                .map(|r| TrialSummary {
                    id: r.id,
                    params: r.params.clone(),
                    metric: r.metric,
                    status: r.status,
                    epochs: r.epochs,
                    seconds: r.seconds,
                    message: r.message.clone(),
                })
                .collect(),
            best: self.best(),
        }
    }
}
