//! `Trainer`: one training run in the page's worker — the engine's [`Run`], stepped a slice
//! of batches at a time.

use super::checkpoint::{optimizer_from_js, optimizer_to_js};
use super::config::parse_config;
use super::convert::{to_js, Failure};
use super::data::DataSet;
use super::model::Model;
use super::rows::rows_object;
use crate::model_io::Model as SavedModel;
use crate::train::{EpochRecord, History, Progress, Run, RunData, Split};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A training run: the config, the prepared data and the engine's resumable trainer.
#[wasm_bindgen]
pub struct Trainer {
    pub(super) run: Run,
    /// Buffers for computing the run's batches shard by shard (`shards.rs`).
    #[cfg(feature = "shards-wasm")]
    pub(super) shards: super::shards::ShardBuffers,
}

#[derive(Serialize)]
struct Sizes {
    batches_per_epoch: usize,
    epochs: usize,
    train_n: usize,
    val_n: usize,
    test_n: usize,
    parameters: usize,
}

/// A step's progress, its epochs as the run's history now holds them, and which epochs of the
/// history still hold histograms.
#[derive(Serialize)]
pub(super) struct Step<'a> {
    epoch: usize,
    epochs: usize,
    batch: usize,
    batches_per_epoch: usize,
    examples: u64,
    done: bool,
    finished: &'a [EpochRecord],
    histogram_epochs: Vec<usize>,
}

impl<'a> Step<'a> {
    /// `p`'s epochs are the last of `history`, read back from it: the engine may already have
    /// dropped the histograms of some of them.
    pub fn of(p: &Progress, history: &'a History) -> Step<'a> {
        Step::last(p, history, p.finished.len())
    }

    /// `p` with the last `finished` epochs of `history` as the ones it completed.
    pub fn last(p: &Progress, history: &'a History, finished: usize) -> Step<'a> {
        Step {
            epoch: p.epoch,
            epochs: p.epochs,
            batch: p.batch,
            batches_per_epoch: p.batches_per_epoch,
            examples: p.examples,
            done: p.done,
            finished: &history.epochs[history.epochs.len() - finished.min(history.epochs.len())..],
            histogram_epochs: history.histogram_epochs(),
        }
    }
}

pub(crate) fn split(name: &str) -> Result<Split, JsValue> {
    Ok(Split::from_name(name)?)
}

#[wasm_bindgen]
impl Trainer {
    /// Validates `config` (an object or JSON text), splits and standardises a copy of `data` as
    /// it says, and builds the network, from `init_model` (engine model JSON) when given.
    #[wasm_bindgen(constructor)]
    pub fn new(
        config: JsValue,
        data: &DataSet,
        init_model: Option<String>,
    ) -> Result<Trainer, JsValue> {
        let config = parse_config(&config)?;
        let init = match init_model {
            Some(json) => Some(SavedModel::from_json(&json)?.network),
            None => None,
        };
        let data = RunData::of(data.data.clone(), data.test.clone());
        let run = Run::new(&config, data, init)?;
        Ok(Trainer {
            run,
            #[cfg(feature = "shards-wasm")]
            shards: Default::default(),
        })
    }

    /// The loss of the current weights on a fixed sample of (up to 512) training rows.
    pub fn probe_loss(&self) -> f64 {
        self.run.probe_loss()
    }

    /// The first `limit` rows of `train`, `val` or `test` as this run divided them:
    /// `{rows, d, features?: Float32Array (raw, unscaled; only when asked), targets:
    /// Float32Array (rows × k; the class index when classes), k, outputs: Float32Array,
    /// cols}`.
    pub fn split_rows(
        &self,
        split_name: &str,
        limit: u32,
        with_features: bool,
    ) -> Result<JsValue, JsValue> {
        let which = split(split_name)?;
        let data = self.run.part(which)?;
        let rows = data.n.min(limit as usize);
        let outputs = if rows > 0 {
            let scaled = &data.features[..rows * data.d];
            crate::train::predict::predict_raw(self.run.network(), None, scaled)?
        } else {
            Vec::new()
        };
        let features = match with_features {
            true => Some(self.run.raw_features(which, rows)?),
            false => None,
        };
        let cols = self.run.network().output_units();
        rows_object(data, rows, features.as_deref(), &outputs, cols)
    }

    /// Trains up to `n_batches` mini-batches and returns the engine's progress:
    /// `{epoch, epochs, batch, batches_per_epoch, examples, done, finished: [EpochRecord],
    /// histogram_epochs: [epoch]}` — the records as the history holds them now, and every
    /// epoch whose record still holds histograms. Divergence throws (kind `train`); the
    /// weights stay the last finite ones and `history()` still holds every finished epoch.
    pub fn step(&mut self, n_batches: u32) -> Result<JsValue, JsValue> {
        let progress = self.run.step(n_batches as usize)?;
        to_js(&Step::of(&progress, self.run.history()))
    }

    /// `{batches_per_epoch, epochs, train_n, val_n, test_n, parameters}`.
    pub fn sizes(&self) -> Result<JsValue, JsValue> {
        to_js(&sizes_of(&self.run))
    }

    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.run.trainer().is_done()
    }

    /// The epoch whose weights the model holds once training ends (the best validation epoch
    /// with `early_stopping.restore_best`, else the last); undefined before.
    #[wasm_bindgen(getter)]
    pub fn kept_epoch(&self) -> Option<u32> {
        self.run.history().kept_epoch.map(|e| e as u32)
    }

    /// The epoch after which early stopping ended the run, if it did.
    #[wasm_bindgen(getter)]
    pub fn stopped_at(&self) -> Option<u32> {
        self.run.history().stopped_at.map(|e| e as u32)
    }

    /// Why training stopped early (divergence), if it did.
    #[wasm_bindgen(getter)]
    pub fn failure(&self) -> Option<String> {
        self.run.trainer().failure().map(|e| e.to_string())
    }

    /// Metrics of the current weights on `train`, `val` or `test`, as the engine serialises
    /// them: `{loss, accuracy, confusion_matrix, per_class}` or `{loss, mse, mae, r2}`.
    pub fn evaluate(&self, split_name: &str) -> Result<JsValue, JsValue> {
        to_js(&self.run.evaluate(split(split_name)?)?)
    }

    /// `confusion[true][predicted]` on a split (classification only).
    pub fn confusion_matrix(&self, split_name: &str) -> Result<JsValue, JsValue> {
        to_js(&self.run.confusion_matrix(split(split_name)?)?)
    }

    /// Outputs for rows of raw features (standardised here as the training data was), row-major.
    pub fn predict(&self, features: &[f32]) -> Result<Vec<f32>, JsValue> {
        Ok(self.run.predict(features)?)
    }

    /// Each layer's weight histogram now: `[{min, max, counts}]`.
    pub fn weight_histograms(&self, bins: u32) -> Result<JsValue, JsValue> {
        to_js(
            &self
                .run
                .trainer()
                .weight_histograms(bins.clamp(1, 1000) as usize),
        )
    }

    /// Every layer's weights then bias, back to back, as `params` orders them (weights
    /// column-major `units × inputs`): the page's network view reads them live.
    #[allow(clippy::unnecessary_cast)]
    pub fn weights(&self) -> Vec<f32> {
        let params = self.run.network().params();
        params
            .iter()
            .flat_map(|p| p.iter().map(|v| *v as f32))
            .collect()
    }

    /// Every layer's activations for rows of raw features: layer after layer, each `rows ×
    /// units` row-major.
    pub fn activations(&self, features: &[f32]) -> Result<Vec<f32>, JsValue> {
        Ok(self.run.activations(features)?)
    }

    /// Each neuron's gradient norm on a fixed sample of (up to 512) training rows under the
    /// current weights: every layer's units in turn, back to back.
    pub fn neuron_grad_norms(&self) -> Vec<f32> {
        let norms = self.run.probe_grad_norms();
        norms.iter().flatten().map(|v| *v as f32).collect()
    }

    /// Each layer's mean gradient L2 norm over the current (or last) epoch.
    pub fn grad_norms(&self) -> Vec<f64> {
        self.run.trainer().grad_norms()
    }

    /// `{epochs: [EpochRecord]}` so far.
    pub fn history(&self) -> Result<JsValue, JsValue> {
        to_js(self.run.history())
    }

    /// The current weights as engine model JSON (with task, loss, class names and the input
    /// standardisation), loadable by `import_model` and by the CLI.
    pub fn export_model(&self) -> String {
        self.run.model().to_json()
    }

    /// This run's current weights as a standalone `Model`.
    pub fn model(&self) -> Model {
        Model {
            inner: self.run.model(),
        }
    }

    /// Engine model JSON of the weights at the end of the last completed epoch (the initial
    /// weights before any), even while the next epoch is under way: what a checkpoint saves.
    pub fn checkpoint_model(&self) -> String {
        self.run.checkpoint().model.to_json()
    }

    /// The optimizer's state at the end of the last completed epoch: `{steps, lengths:
    /// [[tensor length, …] per buffer], data: Float32Array}` (every buffer's tensors back to
    /// back), what a checkpoint saves beside the weights.
    pub fn checkpoint_optimizer(&self) -> Result<JsValue, JsValue> {
        optimizer_to_js(self.run.checkpoint().optimizer)
    }

    /// Continues a run saved after epoch K: this trainer was built from the checkpoint's
    /// weights, `history` (`{epochs: [EpochRecord]}` of epochs 1..=K, as `history()` gave it)
    /// is taken as already trained, and `optimizer` (from `checkpoint_optimizer`; the moments
    /// restart from zero without it) is put back, so the next `step` trains epoch K+1 as the
    /// uninterrupted run would.
    pub fn resume(&mut self, history: JsValue, optimizer: JsValue) -> Result<(), JsValue> {
        let history: History = serde_wasm_bindgen::from_value(history).map_err(|e| {
            Failure::at("train", "history", &e.to_string(), format!("history: {e}"))
        })?;
        let optimizer = if optimizer.is_undefined() || optimizer.is_null() {
            None
        } else {
            Some(optimizer_from_js(&optimizer)?)
        };
        Ok(self.run.resume(history, optimizer)?)
    }
}

pub(crate) fn sizes_of(run: &Run) -> impl Serialize {
    let part = |s| run.part(s).map_or(0, |d| d.n);
    Sizes {
        batches_per_epoch: run.trainer().batches_per_epoch(),
        epochs: run.config().epochs,
        train_n: part(Split::Train),
        val_n: part(Split::Validation),
        test_n: part(Split::Test),
        parameters: run.network().param_count(),
    }
}
