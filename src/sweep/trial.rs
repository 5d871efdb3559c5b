//! One trial: its record, and its training loop (epoch by epoch through [`Trainer::step`], so
//! early termination can act between epochs).

use super::asha::Decision;
use super::spec::Metric;
use super::Params;
use crate::config::Config;
use crate::data::Dataset;
use crate::train::clock::now_seconds;
use crate::train::Trainer;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrialStatus {
    /// Trained for all its epochs.
    Completed,
    /// Stopped at an ASHA rung.
    StoppedEarly,
    /// Diverged, or its config or data could not be used.
    Failed,
}

impl TrialStatus {
    pub fn name(self) -> &'static str {
        match self {
            TrialStatus::Completed => "completed",
            TrialStatus::StoppedEarly => "stopped_early",
            TrialStatus::Failed => "failed",
        }
    }
}

/// A finished trial, as appended to `trials.jsonl`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrialRecord {
    pub id: usize,
    pub params: Params,
    /// The metric after the last epoch trained (`None` when the trial failed).
    pub metric: Option<f64>,
    pub status: TrialStatus,
    /// Epochs trained.
    pub epochs: usize,
    pub seconds: f64,
    /// Why the trial failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The metric after each epoch (`null` where it was not a number).
    #[serde(default)]
    pub curve: Vec<Option<f64>>,
}

impl TrialRecord {
    pub fn failed(id: usize, params: Params, message: impl Into<String>) -> TrialRecord {
        TrialRecord {
            id,
            params,
            metric: None,
            status: TrialStatus::Failed,
            epochs: 0,
            seconds: 0.0,
            message: Some(message.into()),
            curve: Vec::new(),
        }
    }
}

/// A trial in progress, advanced a slice of batches at a time (what a browser worker needs to
/// yield between slices); [`run_trial`] drives it to the end in one call.
pub struct TrialRun {
    metric: Metric,
    trainer: Option<Trainer>,
    record: TrialRecord,
    started: f64,
    done: bool,
}

impl TrialRun {
    /// A trial of `config` on `train`, judged on `val`. If the trainer cannot be built (data that
    /// does not fit the config), the trial is already over, failed.
    pub fn new(
        id: usize,
        params: Params,
        config: &Config,
        train: Dataset,
        val: Option<Dataset>,
        metric: Metric,
    ) -> TrialRun {
        let started = now_seconds();
        let mut run = TrialRun {
            metric,
            trainer: None,
            record: TrialRecord::failed(id, params, ""),
            started,
            done: false,
        };
        match Trainer::new(config, train, val, None) {
            Ok(t) => run.trainer = Some(t),
            Err(e) => {
                run.end(Err(e.to_string()));
            }
        }
        run
    }

    pub fn trainer(&self) -> Option<&Trainer> {
        self.trainer.as_ref()
    }

    /// The record so far (final once [`TrialRun::is_done`]).
    pub fn record(&self) -> &TrialRecord {
        &self.record
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Trains up to `n_batches` mini-batches; after each epoch that completes, `on_epoch` gets
    /// (epochs done, metric) and may stop the trial. Returns the final record once the trial is
    /// over (completed, stopped early or failed), `None` while it goes on.
    pub fn step(
        &mut self,
        n_batches: usize,
        mut on_epoch: impl FnMut(usize, f64) -> Decision,
    ) -> Option<TrialRecord> {
        if self.done {
            return Some(self.record.clone());
        }
        let trainer = self
            .trainer
            .as_mut()
            .expect("a running trial has a trainer");
        let progress = match trainer.step(n_batches.max(1)) {
            Ok(p) => p,
            Err(e) => return Some(self.end(Err(e.to_string()))),
        };
        let metric = self.metric;
        for rec in &progress.finished {
            let value = metric.of(rec).filter(|v| v.is_finite());
            self.record.curve.push(value);
            self.record.epochs = rec.epoch;
            let Some(v) = value else {
                let what = metric
                    .of(rec)
                    .map_or("is not available".to_string(), |v| format!("became {v}"));
                let hint = if metric.of(rec).is_none() && metric.needs_validation() {
                    " (the trial has no validation set)"
                } else {
                    ""
                };
                let message = format!("{metric} {what} at epoch {}{hint}", rec.epoch);
                return Some(self.end(Err(message)));
            };
            self.record.metric = Some(v);
            if on_epoch(rec.epoch, v) == Decision::Stop && !progress.done {
                return Some(self.end(Ok(TrialStatus::StoppedEarly)));
            }
        }
        if progress.done {
            return Some(self.end(Ok(TrialStatus::Completed)));
        }
        None
    }

    fn end(&mut self, outcome: Result<TrialStatus, String>) -> TrialRecord {
        let r = &mut self.record;
        r.seconds = ((now_seconds() - self.started) * 1000.0).round() / 1000.0;
        match outcome {
            Ok(status) => {
                r.status = status;
                r.message = None;
            }
            Err(m) => {
                r.status = TrialStatus::Failed;
                r.metric = None;
                r.message = Some(m);
            }
        }
        self.done = true;
        r.clone()
    }
}

/// Trains `config` on `train` (judged on `val`) epoch by epoch. After each epoch `on_epoch`
/// gets (epochs done, metric) and may stop the trial. Divergence and unusable data make a
/// `failed` record; nothing panics out of here for a bad trial.
pub fn run_trial(
    id: usize,
    params: Params,
    config: &Config,
    train: Dataset,
    val: Option<Dataset>,
    metric: Metric,
    mut on_epoch: impl FnMut(usize, f64) -> Decision,
) -> TrialRecord {
    let mut run = TrialRun::new(id, params, config, train, val, metric);
    loop {
        let batches = run.trainer().map_or(1, Trainer::batches_per_epoch);
        if let Some(record) = run.step(batches, &mut on_epoch) {
            return record;
        }
    }
}
