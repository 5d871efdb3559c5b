//! One training run, from loaded data to a saved model: the data cut and standardised as the
//! config says ([`prepare`]), the [`Trainer`] stepping through it, and what a user asks of the
//! run — metrics and the confusion matrix of a split, predictions for raw features, the model
//! to save, a checkpoint to continue from. `mlp-lab train`, the page's worker and sweep trials
//! all drive this one type, so a config gives the same numbers and the same model file wherever
//! it runs.

use super::history::History;
use super::metrics::Metrics;
use super::predict::{activations_raw, predict_raw, QueryError};
use super::prepare::{prepare, Prepared};
use super::targets::check_targets;
use super::trainer::{Progress, TrainError, Trainer};
use super::EpochRecord;
use crate::config::Config;
use crate::data::split::Standardizer;
use crate::data::Dataset;
use crate::model_io::{DataSplit, Model};
use crate::nn::Network;
use crate::optim::OptimizerState;

/// Training rows in the fixed sample whose loss [`Run::probe_loss`] reads.
const PROBE_ROWS: usize = 512;

/// Loaded data for a run: every row it may cut validation and test parts from, a named set's
/// official test split, and an extra test set reported beside it (CIFAR-10's partial official
/// test set, when `test` is data_batch_5).
#[derive(Clone, Debug)]
pub struct RunData {
    pub data: Dataset,
    pub test: Option<Dataset>,
    pub extra_test: Option<Dataset>,
}

impl RunData {
    /// Data with its official test split, if it has one, and no extra test set.
    pub fn of(data: Dataset, test: Option<Dataset>) -> RunData {
        RunData {
            data,
            test,
            extra_test: None,
        }
    }
}

/// A part of a run's data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    Train,
    Validation,
    Test,
    /// A named set's extra official test set ([`RunData::extra_test`]).
    OfficialTest,
}

impl Split {
    /// `train`, `val` (or `validation`), `test` or `official_test`.
    pub fn from_name(name: &str) -> Result<Split, QueryError> {
        match name {
            "train" => Ok(Split::Train),
            "val" | "validation" => Ok(Split::Validation),
            "test" => Ok(Split::Test),
            "official_test" => Ok(Split::OfficialTest),
            other => Err(QueryError(format!(
                "unknown split {other:?}, expected train, val or test"
            ))),
        }
    }
}

/// What a checkpoint saves: the weights and the optimizer's state at the end of the last
/// completed epoch, and the history up to it. [`Run::resume`] continues from it exactly.
pub struct Checkpoint<'a> {
    pub model: Model,
    pub optimizer: &'a OptimizerState,
    pub history: &'a History,
}

pub struct Run {
    trainer: Trainer,
    test: Option<Dataset>,
    extra_test: Option<Dataset>,
    scaling: Option<Standardizer>,
    split: Option<DataSplit>,
    class_names: Vec<String>,
    /// The data's column names (kept in the model so `predict` can match a file's columns).
    feature_names: Vec<String>,
    /// The first training rows, for [`Run::probe_loss`].
    probe: Dataset,
}

impl Run {
    /// Cuts and standardises `data` as `config` says and builds the trainer, from `init`'s
    /// weights when given. Every part's targets must suit the config's task and output layer.
    pub fn new(config: &Config, data: RunData, init: Option<Network>) -> Result<Run, TrainError> {
        let class_names = data.data.class_names.clone();
        let feature_names = data.data.feature_names.clone();
        let prepared = prepare(config, data.data, data.test)?;
        let extra_test = match (data.extra_test, &prepared.scaling) {
            (Some(mut extra), Some(s)) => {
                s.apply(&mut extra)
                    .map_err(|e| TrainError::Data(e.to_string()))?;
                Some(extra)
            }
            (extra, _) => extra,
        };
        let mut run = Run::from_prepared(config, prepared, class_names, init)?;
        if let Some(extra) = &extra_test {
            check_targets(extra, config.task(), run.outputs(), "official test")?;
        }
        run.extra_test = extra_test;
        run.feature_names = feature_names;
        Ok(run)
    }

    /// A run on data already cut and standardised (a sweep shares one cut among its trials).
    pub fn from_prepared(
        config: &Config,
        prepared: Prepared,
        class_names: Vec<String>,
        init: Option<Network>,
    ) -> Result<Run, TrainError> {
        if let Some(t) = &prepared.test {
            let outputs = init.as_ref().map_or_else(
                || config.layers.last().map_or(0, |l| l.units),
                Network::output_units,
            );
            check_targets(t, config.task(), outputs, "test")?;
        }
        let trainer = Trainer::new(config, prepared.train, prepared.val, init)?;
        let train = trainer.train_set();
        let probe = train.subset(&(0..train.n.min(PROBE_ROWS)).collect::<Vec<_>>());
        Ok(Run {
            trainer,
            test: prepared.test,
            extra_test: None,
            scaling: prepared.scaling,
            split: prepared.split,
            class_names,
            feature_names: Vec::new(),
            probe,
        })
    }

    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    /// The trainer, for driving a batch shard by shard (`Trainer::next_batch`, …).
    pub fn trainer_mut(&mut self) -> &mut Trainer {
        &mut self.trainer
    }

    pub fn config(&self) -> &Config {
        self.trainer.config()
    }

    pub fn history(&self) -> &History {
        self.trainer.history()
    }

    pub fn network(&self) -> &Network {
        self.trainer.network()
    }

    fn outputs(&self) -> usize {
        self.network().output_units()
    }

    /// Trains up to `n_batches` mini-batches (see [`Trainer::step`]).
    pub fn step(&mut self, n_batches: usize) -> Result<Progress, TrainError> {
        self.trainer.step(n_batches)
    }

    /// Trains to the end, calling `on_epoch` after each epoch (see [`Trainer::run`]).
    pub fn run(&mut self, on_epoch: impl FnMut(&EpochRecord)) -> Result<(), TrainError> {
        self.trainer.run(on_epoch)
    }

    /// A part of the data as the run cut it, standardised as the network sees it.
    pub fn part(&self, split: Split) -> Result<&Dataset, QueryError> {
        let missing = |m: &str| QueryError(m.to_string());
        match split {
            Split::Train => Ok(self.trainer.train_set()),
            Split::Validation => self.trainer.val_set().ok_or_else(|| {
                missing("there is no validation split (the config's validation_split is 0)")
            }),
            Split::Test => self.test.as_ref().ok_or_else(|| {
                missing("there is no test split (the data has no official test set and test_split is 0)")
            }),
            Split::OfficialTest => self
                .extra_test
                .as_ref()
                .ok_or_else(|| missing("the data has no extra official test set")),
        }
    }

    /// Metrics of the current weights on a part.
    pub fn evaluate(&self, split: Split) -> Result<Metrics, QueryError> {
        Ok(self.trainer.evaluate(self.part(split)?))
    }

    /// `confusion[true][predicted]` of the current weights on a part (classification only).
    pub fn confusion_matrix(&self, split: Split) -> Result<Vec<Vec<u64>>, QueryError> {
        confusion_of(self.evaluate(split)?)
    }

    /// The loss of the current weights on a fixed sample of (up to 512) training rows: a live
    /// reading between epochs for the cost of one forward pass over the sample.
    pub fn probe_loss(&self) -> f64 {
        self.trainer.evaluate(&self.probe).loss()
    }

    /// Outputs for rows of raw features (standardised here as the training data was).
    pub fn predict(&self, features: &[f32]) -> Result<Vec<f32>, QueryError> {
        predict_raw(self.network(), self.scaling.as_ref(), features)
    }

    /// Each neuron's gradient norm on the probe rows (see [`Trainer::neuron_grad_norms`]).
    pub fn probe_grad_norms(&self) -> Vec<Vec<f64>> {
        self.trainer.neuron_grad_norms(&self.probe)
    }

    /// Every layer's activations for rows of raw features (see [`activations_raw`]).
    pub fn activations(&self, features: &[f32]) -> Result<Vec<f32>, QueryError> {
        activations_raw(self.network(), self.scaling.as_ref(), features)
    }

    /// The raw (unstandardised) features of a part's first `rows` rows, row-major.
    pub fn raw_features(&self, split: Split, rows: usize) -> Result<Vec<f32>, QueryError> {
        let data = self.part(split)?;
        let mut raw = data.features[..rows.min(data.n) * data.d].to_vec();
        if let Some(s) = &self.scaling {
            raw.chunks_exact_mut(data.d.max(1))
                .for_each(|row| s.invert_row(row));
        }
        Ok(raw)
    }

    /// The current weights as a model file: with the task, loss, class names, the input
    /// standardisation and how the data was split.
    pub fn model(&self) -> Model {
        self.model_of(self.network().clone())
    }

    fn model_of(&self, network: Network) -> Model {
        let config = self.config();
        let mut model = Model::new(network);
        model.task = Some(config.task());
        model.loss = Some(config.loss);
        model.class_names = self.class_names.clone();
        model.input_scaling = self.scaling.clone();
        model.split = self.split.clone();
        if self.feature_names.len() == model.network.input {
            model.feature_names = self.feature_names.clone();
        }
        model
    }

    /// The weights, optimizer state and history at the end of the last completed epoch (the
    /// start, before any), even while the next epoch is under way.
    pub fn checkpoint(&self) -> Checkpoint<'_> {
        Checkpoint {
            model: self.model_of(self.trainer.last_epoch_network().clone()),
            optimizer: self.trainer.last_epoch_optimizer(),
            history: self.history(),
        }
    }

    /// Continues a checkpoint: this run was built from its weights (`init`), `history` holds
    /// its epochs 1..=K, and `optimizer` its optimizer state (without it the moments restart
    /// from zero). The next step trains epoch K+1 as the uninterrupted run would.
    pub fn resume(
        &mut self,
        history: History,
        optimizer: Option<OptimizerState>,
    ) -> Result<(), TrainError> {
        self.trainer.continue_after(history)?;
        match optimizer {
            Some(state) => self.trainer.continue_with_optimizer(state),
            None => Ok(()),
        }
    }
}

/// The confusion matrix of classification metrics.
pub fn confusion_of(metrics: Metrics) -> Result<Vec<Vec<u64>>, QueryError> {
    match metrics {
        Metrics::Classification {
            confusion_matrix, ..
        } => Ok(confusion_matrix),
        Metrics::Regression { .. } => Err(QueryError(
            "a confusion matrix needs a classification task; this one is regression".into(),
        )),
    }
}
