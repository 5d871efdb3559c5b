//! `TrialRun`: one sweep trial in a page's trial worker — the CLI's [`sweep::TrialRun`] (the
//! same metric per epoch, failure messages, stop rule and record) on a [`Run`] of the worker's
//! data. The page's coordinator decides on each epoch's metric over a message channel while
//! the worker trains on, so a stop arrives late and is applied with [`TrialRun::stop_at`].
//!
//! [`sweep::TrialRun`]: crate::sweep::TrialRun

use super::config::parse_config;
use super::convert::{request, set, to_js};
use super::data::DataSet;
use super::trainer::{sizes_of, split};
use crate::sweep::{Decision, Metric, Params, TrialRecord, TrialRun as Trial, TrialStatus};
use crate::train::{Progress, Run, RunData};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
pub struct TrialRun {
    inner: Trial,
    /// The params as the page gave them (JSON text), returned in the record as they came.
    params: String,
}

/// A step: the trial's progress (with its finished epochs) and the (epoch, metric) pairs the
/// coordinator is to judge.
#[derive(Serialize)]
struct TrialStep<'a> {
    progress: Option<&'a Progress>,
    judged: Vec<(usize, f64)>,
}

/// A trial record without its params. The params are the page's own JSON, passed through: the
/// engine has no use for them here, and reading and writing JSON values once more (serde's
/// generic code, for serde-wasm-bindgen) would cost the trainer build ~5 KB.
#[derive(Serialize)]
struct RecordView<'a> {
    id: usize,
    metric: Option<f64>,
    status: TrialStatus,
    epochs: usize,
    seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    curve: &'a [Option<f64>],
}

fn metric_of(name: &str) -> Result<Metric, JsValue> {
    serde_json::from_value(serde_json::Value::String(name.into()))
        .map_err(|e| request(format!("metric: {e}")))
}

impl TrialRun {
    /// The trial record `{id, params, metric, status, epochs, seconds, message?, curve}` as a
    /// JavaScript object (`null` for none).
    fn record_js(&self, record: Option<&TrialRecord>) -> Result<JsValue, JsValue> {
        let Some(r) = record else {
            return Ok(JsValue::NULL);
        };
        let object = to_js(&RecordView {
            id: r.id,
            metric: r.metric,
            status: r.status,
            epochs: r.epochs,
            seconds: r.seconds,
            message: r.message.as_deref(),
            curve: &r.curve,
        })?;
        set(
            object.unchecked_ref(),
            "params",
            js_sys::JSON::parse(&self.params)?,
        )?;
        Ok(object)
    }
}

#[wasm_bindgen]
impl TrialRun {
    /// Trial `id` (with `params`, JSON text, as the coordinator planned it) of `config` on
    /// `data`, judged by `metric` (`val_accuracy`, …). Data that does not fit the config makes
    /// a trial that is over at once, failed with the reason.
    #[wasm_bindgen(constructor)]
    pub fn new(
        config: JsValue,
        data: &DataSet,
        id: usize,
        params: &str,
        metric: &str,
    ) -> Result<TrialRun, JsValue> {
        let metric = metric_of(metric)?;
        js_sys::JSON::parse(params).map_err(|_| request("params: not JSON text"))?;
        let config = parse_config(&config)?;
        let data = RunData::of(data.data.clone(), data.test.clone());
        let run = Run::new(&config, data, None);
        Ok(TrialRun {
            inner: Trial::of(id, Params::new(), metric, run),
            params: params.to_string(),
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
        let step = to_js(&TrialStep {
            progress: self.inner.progress(),
            judged,
        })?;
        set(
            step.unchecked_ref(),
            "record",
            self.record_js(record.as_ref())?,
        )?;
        Ok(step)
    }

    /// The coordinator's stop for `epoch` (see `sweep::TrialRun::stop_at`): the final record
    /// when the trial is over now, else `null`.
    pub fn stop_at(&mut self, epoch: usize) -> Result<JsValue, JsValue> {
        let record = self.inner.stop_at(epoch);
        self.record_js(record.as_ref())
    }

    /// The record so far (final once `done`).
    pub fn record(&self) -> Result<JsValue, JsValue> {
        self.record_js(Some(self.inner.record()))
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
