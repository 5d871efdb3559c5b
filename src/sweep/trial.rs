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
    let started = now_seconds();
    let mut record = TrialRecord::failed(id, params, "");
    let mut trainer = match Trainer::new(config, train, val, None) {
        Ok(t) => t,
        Err(e) => {
            record.message = Some(e.to_string());
            return record;
        }
    };
    let outcome = loop {
        if trainer.is_done() {
            break Ok(TrialStatus::Completed);
        }
        let progress = match trainer.step(trainer.batches_per_epoch()) {
            Ok(p) => p,
            Err(e) => break Err(e.to_string()),
        };
        let mut stop = false;
        for rec in &progress.finished {
            let value = metric.of(rec);
            record.curve.push(value.filter(|v| v.is_finite()));
            record.epochs = rec.epoch;
            let Some(v) = value.filter(|v| v.is_finite()) else {
                let what = value.map_or("is not available".to_string(), |v| format!("became {v}"));
                let hint = if value.is_none() && metric.needs_validation() {
                    " (the trial has no validation set)"
                } else {
                    ""
                };
                return finish(
                    record,
                    started,
                    Err(format!("{metric} {what} at epoch {}{hint}", rec.epoch)),
                );
            };
            record.metric = Some(v);
            if on_epoch(rec.epoch, v) == Decision::Stop && !progress.done {
                stop = true;
            }
        }
        if stop {
            break Ok(TrialStatus::StoppedEarly);
        }
    };
    finish(record, started, outcome)
}

fn finish(
    mut record: TrialRecord,
    started: f64,
    outcome: Result<TrialStatus, String>,
) -> TrialRecord {
    record.seconds = ((now_seconds() - started) * 1000.0).round() / 1000.0;
    match outcome {
        Ok(status) => {
            record.status = status;
            record.message = None;
        }
        Err(m) => {
            record.status = TrialStatus::Failed;
            record.metric = None;
            record.message = Some(m);
        }
    }
    record
}
