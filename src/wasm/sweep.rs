//! The page's sweeps run the CLI's coordinator (`crate::sweep::Sweep`): the same samplers, the
//! same ASHA rungs, the same trial ids and params. The page trains each trial in one of its
//! workers (`TrialRun`) and reports back here; this wrapper only converts. Errors: a bad spec
//! throws with kind `spec` and `field` set to its JSON path (`parameters.optimizer.lr.min`);
//! bad trial records throw with kind `request`.
//!
//! Built only with the `sweep-wasm` feature, into www/pkg-sweep/ (`make wasm`): the sampler,
//! Gaussian process and spec parser are about a third of the engine's size, and the trial
//! workers, which are most of what a page downloads, never need them.

use super::convert::{json_text, request, to_js, Failure};
use crate::config::Config;
use crate::sweep::SpecError;
use serde::Serialize;
use wasm_bindgen::prelude::*;

impl From<SpecError> for JsValue {
    fn from(e: SpecError) -> JsValue {
        Failure::at("spec", &e.field, &e.message, &e).into()
    }
}

/// A sweep's coordinator on the page's main thread.
#[wasm_bindgen]
pub struct SweepCoordinator {
    inner: crate::sweep::Sweep,
    /// Trials the sweep runs in all (finished ones included).
    total: usize,
}

#[derive(Serialize)]
struct PlannedTrial<'a> {
    id: usize,
    params: &'a crate::sweep::Params,
    #[serde(skip_serializing_if = "Option::is_none")]
    config: Option<&'a Config>,
    /// Why the params make no usable config (the trial is then failed by the caller).
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct SpecInfo<'a> {
    method: crate::sweep::Method,
    metric: crate::sweep::Metric,
    goal: crate::sweep::Goal,
    max_trials: usize,
    seed: u64,
    workers: Option<usize>,
    dataset: Option<&'a str>,
    parameters: Vec<&'a str>,
    base: &'a Config,
    total: usize,
}

/// Trial records given as JSON text or plain objects, with the path of whatever is wrong.
fn trial_records(value: &JsValue, what: &str) -> Result<Vec<crate::sweep::TrialRecord>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    let text = json_text(value, what)?;
    let mut de = serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(&mut de)
        .map_err(|e| request(format!("{what}{}: {}", path_suffix(e.path()), e.inner())))
}

fn path_suffix(path: &serde_path_to_error::Path) -> String {
    let p = path.to_string();
    if p == "." {
        String::new()
    } else if p.starts_with('[') {
        p
    } else {
        format!(".{p}")
    }
}

#[wasm_bindgen]
impl SweepCoordinator {
    /// A sweep over `spec` (JSON text, as `mlp-lab sweep --spec` reads it), resuming from
    /// `finished` (an array of trial records, as in the CLI's trials.jsonl; may be omitted).
    #[wasm_bindgen(constructor)]
    pub fn new(spec: &str, finished: JsValue) -> Result<SweepCoordinator, JsValue> {
        let spec = crate::sweep::SweepSpec::from_json(spec)?;
        let finished = trial_records(&finished, "finished trials")?;
        for (i, r) in finished.iter().enumerate() {
            if finished[..i].iter().any(|q| q.id == r.id) {
                return Err(request(format!(
                    "finished trials[{i}]: trial {} is listed twice",
                    r.id
                )));
            }
        }
        let inner = crate::sweep::Sweep::new(spec, finished);
        let total = inner.finished().count() + inner.remaining();
        Ok(SweepCoordinator { inner, total })
    }

    /// The next trial as `{id, params, config}` (or `{id, params, error}` when its params make
    /// no valid config), or `null` once every trial has been handed out.
    pub fn next_trial(&mut self) -> Result<JsValue, JsValue> {
        let Some(plan) = self.inner.next_trial() else {
            return Ok(JsValue::NULL);
        };
        to_js(&PlannedTrial {
            id: plan.id,
            params: &plan.params,
            config: plan.config.as_ref().ok(),
            error: plan.config.as_ref().err().map(String::as_str),
        })
    }

    /// Trial `id`'s metric after `epoch` epochs: `"continue"` or `"stop"` (early termination).
    pub fn report(&mut self, id: usize, epoch: usize, value: f64) -> String {
        match self.inner.report(id, epoch, value) {
            crate::sweep::Decision::Continue => "continue".into(),
            crate::sweep::Decision::Stop => "stop".into(),
        }
    }

    /// Records a finished trial (`{id, params, metric, status, epochs, seconds, message?,
    /// curve}`, the CLI's trials.jsonl line).
    pub fn finish(&mut self, record: JsValue) -> Result<(), JsValue> {
        let record = match &record {
            v if v.is_undefined() || v.is_null() => {
                return Err(request("finish: no trial record was given"))
            }
            v if v.is_array() => {
                return Err(request(
                    "finish: expected one trial record object, found an array",
                ))
            }
            v => {
                let wrapped = js_sys::Array::of1(v);
                trial_records(&wrapped, "trial record")?.remove(0)
            }
        };
        if record.id >= self.total {
            return Err(request(format!(
                "trial record: id {} is outside this sweep's trials 0..{}",
                record.id, self.total
            )));
        }
        if self.inner.finished().any(|r| r.id == record.id) {
            return Err(request(format!(
                "trial record: trial {} is already finished",
                record.id
            )));
        }
        self.inner.finish(record);
        Ok(())
    }

    /// `{id, params, metric}` of the best finished trial, or `null`.
    pub fn best(&self) -> Result<JsValue, JsValue> {
        match self.inner.best() {
            Some(b) => to_js(&b),
            None => Ok(JsValue::NULL),
        }
    }

    /// The CLI's summary: `{method, metric, goal, trials: [...], best}`.
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.summary())
    }

    /// The validated spec: `{method, metric, goal, max_trials, seed, workers, dataset,
    /// parameters: [path], base, total}`.
    pub fn spec(&self) -> Result<JsValue, JsValue> {
        let s = self.inner.spec();
        to_js(&SpecInfo {
            method: s.method,
            metric: s.metric,
            goal: s.goal,
            max_trials: s.max_trials,
            seed: s.seed,
            workers: s.workers,
            dataset: s.dataset.as_deref(),
            parameters: s.parameters.iter().map(|p| p.path.as_str()).collect(),
            base: &s.base,
            total: self.total,
        })
    }

    /// Trials not yet handed out.
    #[wasm_bindgen(getter)]
    pub fn remaining(&self) -> usize {
        self.inner.remaining()
    }

    /// Trials handed out and not finished.
    #[wasm_bindgen(getter)]
    pub fn running(&self) -> usize {
        self.inner.running()
    }

    #[wasm_bindgen(getter)]
    pub fn finished(&self) -> usize {
        self.inner.finished().count()
    }

    #[wasm_bindgen(getter)]
    pub fn total(&self) -> usize {
        self.total
    }
}

/// The record of trial `id` (with `params`) failed before the engine could finish it (its
/// worker died, its data did not load): `{id, params, metric: null, status: 'failed',
/// epochs: 0, seconds: 0, message, curve: []}`, as the CLI writes such a trial.
#[wasm_bindgen]
pub fn failed_trial(id: usize, params: JsValue, message: &str) -> Result<JsValue, JsValue> {
    let params: crate::sweep::Params =
        serde_wasm_bindgen::from_value(params).map_err(|e| request(format!("params: {e}")))?;
    to_js(&crate::sweep::TrialRecord::failed(id, params, message))
}
