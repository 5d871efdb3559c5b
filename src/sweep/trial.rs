//! One trial: its record, and its training loop (a [`Run`] stepped epoch by epoch, or a slice of
//! batches at a time, so early termination can act between epochs).

use super::asha::Decision;
use super::spec::Metric;
use super::Params;
use crate::config::Config;
use crate::data::Dataset;
use crate::train::clock::now_seconds;
use crate::train::prepare::Prepared;
use crate::train::{Progress, Run, TrainError, Trainer};
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
    run: Option<Run>,
    record: TrialRecord,
    /// The last step's progress.
    progress: Option<Progress>,
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
        let prepared = Prepared {
            train,
            val,
            test: None,
            scaling: None,
            split: None,
        };
        let run = Run::from_prepared(config, prepared, Vec::new(), None);
        TrialRun::of(id, params, metric, run)
    }

    /// A trial judging `run`; when the run could not be set up, the trial is already over,
    /// failed with the reason.
    pub fn of(id: usize, params: Params, metric: Metric, run: Result<Run, TrainError>) -> TrialRun {
        let mut trial = TrialRun {
            metric,
            run: None,
            record: TrialRecord::failed(id, params, ""),
            progress: None,
            started: now_seconds(),
            done: false,
        };
        match run {
            Ok(r) => trial.run = Some(r),
            Err(e) => {
                trial.end(Err(e.to_string()));
            }
        }
        trial
    }

    pub fn trainer(&self) -> Option<&Trainer> {
        self.run.as_ref().map(Run::trainer)
    }

    /// The run being judged (`None` when it could not be set up).
    pub fn run(&self) -> Option<&Run> {
        self.run.as_ref()
    }

    /// The last step's progress (its `finished` epochs included).
    pub fn progress(&self) -> Option<&Progress> {
        self.progress.as_ref()
    }

    /// The record so far (final once [`TrialRun::is_done`]).
    pub fn record(&self) -> &TrialRecord {
        &self.record
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Trains up to `n_batches` mini-batches; after each epoch that completes, `on_epoch` gets
    /// (epochs done, metric) and may stop the trial before its last epoch. Returns the final
    /// record once the trial is over (completed, stopped early or failed), `None` while it goes
    /// on. Epochs finished in a step that then diverges are judged too, before the failure.
    pub fn step(
        &mut self,
        n_batches: usize,
        mut on_epoch: impl FnMut(usize, f64) -> Decision,
    ) -> Option<TrialRecord> {
        if self.done {
            return Some(self.record.clone());
        }
        let run = self.run.as_mut().expect("a running trial has a run");
        let epochs = run.config().epochs;
        let outcome = run.step(n_batches.max(1));
        let metric = self.metric;
        let fresh: Vec<(usize, Option<f64>)> = run.history().epochs[self.record.curve.len()..]
            .iter()
            .map(|r| (r.epoch, metric.of(r)))
            .collect();
        let (done, failure) = match &outcome {
            Ok(p) => (p.done, None),
            Err(e) => (false, Some(e.to_string())),
        };
        self.progress = outcome.ok();
        for (epoch, value) in fresh {
            let v = match self.judge(epoch, value) {
                Ok(v) => v,
                Err(message) => return Some(self.end(Err(message))),
            };
            if on_epoch(epoch, v) == Decision::Stop && epoch < epochs {
                return Some(self.end(Ok(TrialStatus::StoppedEarly)));
            }
        }
        if let Some(message) = failure {
            return Some(self.end(Err(message)));
        }
        done.then(|| self.end(Ok(TrialStatus::Completed)))
    }

    /// Adds an epoch's metric (`value` as the record has it) to the curve: the value, or why
    /// the trial fails there.
    fn judge(&mut self, epoch: usize, value: Option<f64>) -> Result<f64, String> {
        let metric = self.metric;
        let finite = value.filter(|v| v.is_finite());
        self.record.curve.push(finite);
        self.record.epochs = epoch;
        let Some(v) = finite else {
            let what = value.map_or("is not available".to_string(), |v| format!("became {v}"));
            let hint = if value.is_none() && metric.needs_validation() {
                " (the trial has no validation set)"
            } else {
                ""
            };
            return Err(format!("{metric} {what} at epoch {epoch}{hint}"));
        };
        self.record.metric = Some(v);
        Ok(v)
    }

    /// A stop decision for `epoch` that arrives after later epochs were trained (the page's
    /// coordinator answers over a message channel while the worker trains on): the trial ends
    /// as if stopped right after `epoch`, and the epochs after it are not the trial's. A
    /// decision for the last epoch, or for an epoch without a metric (the trial failed there
    /// or before), changes nothing. Returns the final record when the trial is over.
    pub fn stop_at(&mut self, epoch: usize) -> Option<TrialRecord> {
        let epochs = self.run.as_ref().map_or(0, |r| r.config().epochs);
        let judged = epoch >= 1
            && self
                .record
                .curve
                .get(epoch - 1)
                .is_some_and(Option::is_some);
        if judged && epoch < epochs {
            self.record.curve.truncate(epoch);
            self.record.epochs = epoch;
            self.record.metric = self.record.curve[epoch - 1];
            self.end(Ok(TrialStatus::StoppedEarly));
        }
        self.done.then(|| self.record.clone())
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
    on_epoch: impl FnMut(usize, f64) -> Decision,
) -> TrialRecord {
    run_to_end(
        TrialRun::new(id, params, config, train, val, metric),
        on_epoch,
    )
}

/// Steps `trial` an epoch at a time until it is over.
pub fn run_to_end(
    mut trial: TrialRun,
    mut on_epoch: impl FnMut(usize, f64) -> Decision,
) -> TrialRecord {
    loop {
        let batches = trial.trainer().map_or(1, Trainer::batches_per_epoch);
        if let Some(record) = trial.step(batches, &mut on_epoch) {
            return record;
        }
    }
}
