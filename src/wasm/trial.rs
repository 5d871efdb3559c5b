//! `TrialRun`: one sweep trial in a page's trial worker — the CLI's [`sweep::TrialRun`] (the
//! same metric per epoch, failure messages, stop rule and record) on a [`Run`] of the worker's
//! data. The page's coordinator decides on each epoch's metric over a message channel while
//! the worker trains on, so a stop arrives late and is applied with [`TrialRun::stop_at`].
//!
//! [`sweep::TrialRun`]: crate::sweep::TrialRun

use super::config::parse_config;
use super::convert::{request, to_js};
use super::data::DataSet;
use super::trainer::{sizes_of, split};
use crate::sweep::{Decision, Metric, Params, TrialRecord, TrialRun as Trial};
use crate::train::{Progress, Run, RunData};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct TrialRun {
    inner: Trial,
}

/// A step: the trial's progress (with its finished epochs), the (epoch, metric) pairs the
/// coordinator is to judge, and the record once the trial is over.
#[derive(Serialize)]
struct TrialStep<'a> {
    progress: Option<&'a Progress>,
    judged: Vec<(usize, f64)>,
    record: Option<TrialRecord>,
}

fn arg<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value).map_err(|e| request(format!("{what}: {e}")))
}

#[wasm_bindgen]
impl TrialRun {
    /// Trial `id` (with `params`, as the coordinator planned it) of `config` on `data`, judged
    /// by `metric` (`val_accuracy`, …). Data that does not fit the config makes a trial that
    /// is over at once, failed with the reason.
    #[wasm_bindgen(constructor)]
    pub fn new(
        config: JsValue,
        data: &DataSet,
        id: usize,
        params: JsValue,
        metric: JsValue,
    ) -> Result<TrialRun, JsValue> {
        let params: Params = arg(params, "params")?;
        let metric: Metric = arg(metric, "metric")?;
        let config = parse_config(&config)?;
        let data = RunData::of(data.data.clone(), data.test.clone());
        let run = Run::new(&config, data, None);
        Ok(TrialRun {
            inner: Trial::of(id, params, metric, run),
        })
    }

    /// Trains up to `n_batches` mini-batches: `{progress: {epoch, epochs, batch,
    /// batches_per_epoch, examples, done, finished: [EpochRecord]}, judged: [[epoch, metric]],
    /// record}` — `progress` `null` when the step failed, `record` the trial's final record
    /// once it is over (completed or failed), else `null`.
    pub fn step(&mut self, n_batches: u32) -> Result<JsValue, JsValue> {
        let mut judged = Vec::new();
        let record = self.inner.step(n_batches as usize, |epoch, value| {
            judged.push((epoch, value));
            Decision::Continue
        });
        to_js(&TrialStep {
            progress: self.inner.progress(),
            judged,
            record,
        })
    }

    /// The coordinator's stop for `epoch` (see `sweep::TrialRun::stop_at`): the final record
    /// when the trial is over now, else `null`.
    pub fn stop_at(&mut self, epoch: usize) -> Result<JsValue, JsValue> {
        to_js(&self.inner.stop_at(epoch))
    }

    /// The record so far (final once `done`).
    pub fn record(&self) -> Result<JsValue, JsValue> {
        to_js(self.inner.record())
    }

    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.inner.is_done()
    }

    /// Metrics of the trial's current weights on `train`, `val` or `test`.
    pub fn evaluate(&self, split_name: &str) -> Result<JsValue, JsValue> {
        let run = self
            .inner
            .run()
            .ok_or_else(|| request("the trial never started"))?;
        to_js(&run.evaluate(split(split_name)?)?)
    }

    /// `{batches_per_epoch, epochs, train_n, val_n, test_n, parameters}` (`null` when the trial
    /// never started).
    pub fn sizes(&self) -> Result<JsValue, JsValue> {
        match self.inner.run() {
            Some(run) => to_js(&sizes_of(run)),
            None => Ok(JsValue::NULL),
        }
    }
}
