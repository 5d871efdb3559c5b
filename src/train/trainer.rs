//! The mini-batch loop as a resumable state machine: [`Trainer::step`] runs a given number of
//! batches and returns, so a web worker can train a slice, post progress and yield, and the CLI
//! can simply call it until it is done.

use super::batch::{all_features, all_targets};
use super::clock::now_seconds;
use super::histogram::Histogram;
use super::history::{EpochRecord, History};
use super::metrics::{self, Metrics};
use super::shard::{ShardResult, ShardWork};
use super::split_optimizer::SplitOptimizer;
use super::targets::check_targets;
use crate::config::{Config, Task};
use crate::data::{Dataset, Targets};
use crate::nn::{Gradients, Loss, Network};
use crate::optim::clip::all_finite;
use crate::optim::Clip;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// RNG streams derived from the config seed, one per purpose, so that (for example) starting
/// from saved weights does not change the shuffling order.
pub const INIT_STREAM: u64 = 0;
pub const SHUFFLE_STREAM: u64 = 1;
pub const SPLIT_STREAM: u64 = 2;

/// Rows per chunk when evaluating a whole data set.
const EVAL_CHUNK: usize = 1024;
const HISTOGRAM_BINS: usize = 30;

mod parts;
mod resume;
mod sharded;
mod stopping;
#[cfg(not(target_arch = "wasm32"))]
mod threads;
#[cfg(not(target_arch = "wasm32"))]
pub use threads::{default_threads, set_default_threads};

/// A seeded RNG for one purpose.
pub fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(stream);
    r
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TrainError {
    #[error("{0}")]
    Data(String),
    #[error("{what} became {value} at epoch {epoch} batch {batch}: {hint}")]
    Diverged {
        what: String,
        value: String,
        epoch: usize,
        batch: usize,
        hint: String,
    },
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Progress {
    /// Epochs completed so far.
    pub epoch: usize,
    pub epochs: usize,
    /// Batches done in the current epoch.
    pub batch: usize,
    pub batches_per_epoch: usize,
    /// Training examples processed since the start.
    pub examples: u64,
    pub done: bool,
    /// Records of the epochs this call completed.
    pub finished: Vec<EpochRecord>,
}

#[derive(Default)]
struct EpochSums {
    loss: f64,
    rows: usize,
    correct: usize,
    batches: usize,
    grad_norms: Vec<f64>,
    started: f64,
}

pub struct Trainer {
    config: Config,
    task: Task,
    loss: Loss,
    clip: Clip,
    network: Network,
    optimizer: SplitOptimizer,
    train: Dataset,
    val: Option<Dataset>,
    order: Vec<usize>,
    shuffle_rng: ChaCha8Rng,
    epoch: usize,
    cursor: usize,
    examples: u64,
    /// Whether the current epoch has begun (shuffled, learning rate set).
    epoch_begun: bool,
    /// Whether any batch has been trained by this trainer.
    stepped: bool,
    /// Threads computing a batch's shards (1: the caller alone).
    #[cfg(not(target_arch = "wasm32"))]
    threads: usize,
    /// The threads beyond the caller's, made when a batch first needs them.
    #[cfg(not(target_arch = "wasm32"))]
    pool: Option<super::pool::Pool>,
    /// Per thread: its buffers for computing shards.
    work: Vec<ShardWork>,
    /// The batch's gradient: the fold of its shards' gradients.
    grads: Gradients,
    /// Gradient buffers for shards that are not folded as they are computed.
    spare: Vec<Vec<crate::Real>>,
    sums: EpochSums,
    history: History,
    /// Weights at the end of the last completed epoch (or the start), kept in case training
    /// diverges mid-epoch.
    last_good: Network,
    /// The optimizer's state at the same moment, for checkpoints.
    last_good_optimizer: crate::optim::OptimizerState,
    failure: Option<TrainError>,
    /// Each layer's dropout rate (empty without dropout).
    dropout: Vec<f32>,
    augment: Option<super::augment::Augment>,
    stopping: Option<stopping::Stopping>,
    /// This replica's part of the parameters, when page workers each step one.
    parts: Option<Box<parts::Parts>>,
}

impl Trainer {
    /// A trainer for `config` on already-split data. With `init`, training starts from those
    /// weights; otherwise the network is drawn from the config's seed.
    pub fn new(
        config: &Config,
        train: Dataset,
        val: Option<Dataset>,
        init: Option<Network>,
    ) -> Result<Trainer, TrainError> {
        config
            .validate()
            .map_err(|e| TrainError::Data(format!("config: {e}")))?;
        if train.n == 0 {
            return Err(TrainError::Data("the training set is empty".into()));
        }
        let network = match init {
            Some(net) => {
                check_same_shape(&net, config, train.d)?;
                net
            }
            None => Network::new(
                train.d,
                &config.layer_specs(),
                &mut rng(config.seed, INIT_STREAM),
            ),
        };
        let task = config.task();
        check_targets(&train, task, network.output_units(), "training")?;
        config
            .check_augment(train.image_shape)
            .and_then(|()| config.check_stopping_data(val.is_some()))
            .map_err(|e| TrainError::Data(format!("config: {e}")))?;
        if let Some(v) = &val {
            check_targets(v, task, network.output_units(), "validation")?;
            if v.d != train.d {
                return Err(TrainError::Data(format!(
                    "the validation set has {} features but the training set has {}",
                    v.d, train.d
                )));
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        let threads = default_threads();
        #[cfg(target_arch = "wasm32")]
        let threads = 1;
        Ok(Trainer {
            task,
            loss: config.loss,
            clip: config.clip(),
            optimizer: SplitOptimizer::new(
                &config.hyper(),
                network.params().iter().map(|p| p.len()).collect(),
                threads,
            ),
            grads: network.zero_gradients(),
            last_good: network.clone(),
            last_good_optimizer: Default::default(),
            order: (0..train.n).collect(),
            shuffle_rng: rng(config.seed, SHUFFLE_STREAM),
            epoch: 0,
            cursor: 0,
            examples: 0,
            epoch_begun: false,
            stepped: false,
            #[cfg(not(target_arch = "wasm32"))]
            threads,
            #[cfg(not(target_arch = "wasm32"))]
            pool: None,
            work: vec![ShardWork::new()],
            spare: Vec::new(),
            sums: EpochSums::default(),
            history: History::default(),
            failure: None,
            dropout: if config.has_dropout() {
                config.dropout_rates()
            } else {
                Vec::new()
            },
            augment: super::augment::Augment::new(config, train.image_shape),
            stopping: config.early_stopping.as_ref().map(stopping::Stopping::new),
            parts: None,
            network,
            train,
            val,
            config: config.clone(),
        })
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn task(&self) -> Task {
        self.task
    }

    pub fn train_set(&self) -> &Dataset {
        &self.train
    }

    pub fn val_set(&self) -> Option<&Dataset> {
        self.val.as_ref()
    }

    pub fn is_done(&self) -> bool {
        self.epoch >= self.config.epochs || self.failure.is_some() || self.stopped_early()
    }

    pub fn failure(&self) -> Option<&TrainError> {
        self.failure.as_ref()
    }

    pub fn batches_per_epoch(&self) -> usize {
        self.train.n.div_ceil(self.config.batch_size)
    }

    /// The latest per-layer gradient norms (mean over the current or last epoch's batches).
    pub fn grad_norms(&self) -> Vec<f64> {
        if self.sums.batches > 0 {
            self.sums
                .grad_norms
                .iter()
                .map(|s| s / self.sums.batches as f64)
                .collect()
        } else {
            self.history
                .epochs
                .last()
                .map_or(Vec::new(), |r| r.grad_norms.clone())
        }
    }

    /// Each layer's weight histogram now.
    pub fn weight_histograms(&self, bins: usize) -> Vec<Histogram> {
        self.network
            .layers
            .iter()
            .map(|l| Histogram::of(l.weights.iter(), bins))
            .collect()
    }

    /// Where training stands, with `finished` as the records of the epochs just completed.
    pub fn progress(&self, finished: Vec<EpochRecord>) -> Progress {
        Progress {
            epoch: self.epoch,
            epochs: self.config.epochs,
            batch: self.cursor.div_ceil(self.config.batch_size),
            batches_per_epoch: self.batches_per_epoch(),
            examples: self.examples,
            done: self.is_done(),
            finished,
        }
    }

    /// Runs up to `n_batches` mini-batches (fewer when training ends) and reports progress.
    /// After divergence it keeps returning the same error; the weights are the last finite ones.
    pub fn step(&mut self, n_batches: usize) -> Result<Progress, TrainError> {
        let mut finished = Vec::new();
        for _ in 0..n_batches {
            if let Some(e) = &self.failure {
                return Err(e.clone());
            }
            let Some(shards) = self.next_batch() else {
                break;
            };
            let total = self.compute_batch(shards);
            if let Some(rec) = self.finish_batch(total)? {
                finished.push(rec);
            }
        }
        Ok(self.progress(finished))
    }

    /// Trains to the end, calling `on_epoch` after each epoch.
    pub fn run(&mut self, mut on_epoch: impl FnMut(&EpochRecord)) -> Result<(), TrainError> {
        while !self.is_done() {
            let p = self.step(self.batches_per_epoch())?;
            p.finished.iter().for_each(&mut on_epoch);
        }
        match &self.failure {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    fn start_epoch(&mut self) {
        self.epoch_begun = true;
        if self.config.lr_schedule.kind != crate::optim::schedule::ScheduleKind::None {
            let base = self.config.hyper().lr;
            let lr = self
                .config
                .lr_schedule
                .lr(base, self.epoch, self.config.epochs);
            self.optimizer.set_lr(lr);
        }
        if self.config.shuffle {
            self.order.shuffle(&mut self.shuffle_rng);
        }
        self.sums = EpochSums {
            grad_norms: vec![0.0; self.network.layers.len()],
            started: now_seconds(),
            ..EpochSums::default()
        };
    }

    /// Everything after the shards' gradients are folded into `self.grads`: the batch's loss
    /// (the shards' sums in order, over the batch's divisor), the regulariser's gradient, the
    /// norms, clipping, the optimiser step and the bookkeeping. Returns the epoch's record when
    /// the batch ended one.
    fn finish_batch(&mut self, total: ShardResult) -> Result<Option<EpochRecord>, TrainError> {
        let loss = self.batch_loss(total)?;
        self.config
            .regularization()
            .add_gradient(&self.network, &mut self.grads);
        let norm = self.grads.add_layer_norms(&mut self.sums.grad_norms);
        self.clip
            .apply_with_norm(&mut self.grads.slices_mut(), norm);
        self.check_norm(norm)?;
        self.sums.correct += total.correct;
        self.step_optimizer();
        self.end_batch(total, loss)
    }

    /// The batch's loss (its shards' sums over the batch's divisor); diverges when not finite.
    fn batch_loss(&mut self, total: ShardResult) -> Result<f64, TrainError> {
        let loss = total.loss_sum / self.loss.divisor(total.rows, self.network.output_units());
        self.stepped = true;
        if !loss.is_finite() {
            return Err(self.diverge("the loss", loss, self.batch_no()));
        }
        Ok(loss)
    }

    /// The batch's number within its epoch, from 1 (for messages).
    fn batch_no(&self) -> usize {
        self.cursor / self.config.batch_size + 1
    }

    fn check_norm(&mut self, norm: f64) -> Result<(), TrainError> {
        if norm.is_finite() {
            return Ok(());
        }
        Err(self.diverge("the gradient norm", norm, self.batch_no()))
    }

    /// After the optimiser's step: the weights' check and the epoch's bookkeeping.
    fn end_batch(
        &mut self,
        total: ShardResult,
        loss: f64,
    ) -> Result<Option<EpochRecord>, TrainError> {
        let b = total.rows;
        if !self.network.params().iter().all(|p| all_finite(p)) {
            return Err(self.diverge("a weight", f64::INFINITY, self.batch_no()));
        }
        self.sums.loss += loss * b as f64;
        self.sums.rows += b;
        self.sums.batches += 1;
        self.cursor += b;
        self.examples += b as u64;
        Ok((self.cursor == self.train.n).then(|| self.end_epoch()))
    }

    /// The optimiser's step, its parts on the threads where it has several.
    fn step_optimizer(&mut self) {
        #[cfg(not(target_arch = "wasm32"))]
        self.pool_for(self.optimizer.parts());
        #[cfg(not(target_arch = "wasm32"))]
        let pool = self.pool.as_ref().filter(|_| self.optimizer.parts() > 1);
        #[cfg(target_arch = "wasm32")]
        let pool: Option<&()> = None;
        let (params, grads) = (self.network.params_mut(), self.grads.slices());
        self.optimizer.step(params, grads, |n, f| match pool {
            #[cfg(not(target_arch = "wasm32"))]
            Some(p) => p.run(n, f),
            _ => (0..n).for_each(f),
        });
    }

    fn diverge(&mut self, what: &str, value: f64, batch: usize) -> TrainError {
        // Weights that produced a non-finite number are not trustworthy even where finite: go
        // back to the end of the last completed epoch, as the message says.
        self.network = self.last_good.clone();
        let lr = self.optimizer.lr();
        let kept = format!(
            "(the weights from the end of epoch {} are kept)",
            self.epoch
        );
        let lambda = match self.config.regularization() {
            crate::nn::Regularization::L1(l) | crate::nn::Regularization::L2(l) => l,
            crate::nn::Regularization::None => 0.0,
        };
        // Name the likeliest cause: before any update the learning rate cannot be it; a
        // weight decay step lr·λ ≥ 1 overshoots zero on its own.
        let cause = if self.epoch == 0 && self.cursor == 0 && what != "a weight" {
            "it happened before any update, so the initial weights (a large init scale) or the \
             data (huge or non-finite feature values) are the cause, not the learning rate"
                .to_string()
        } else if lr * lambda >= 1.0 {
            format!(
                "regularization.lambda {lambda} with learning rate {lr} is probably too high \
                 (lr·λ ≥ 1 overshoots on the penalty alone)"
            )
        } else {
            format!("learning rate {lr} is probably too high")
        };
        let err = TrainError::Diverged {
            what: what.to_string(),
            value: if value.is_nan() {
                "NaN".into()
            } else {
                format!("{value}")
            },
            epoch: self.epoch + 1,
            batch,
            hint: format!("{cause} {kept}"),
        };
        self.failure = Some(err.clone());
        err
    }

    fn end_epoch(&mut self) -> EpochRecord {
        let s = &self.sums;
        let mut rec = EpochRecord {
            epoch: self.epoch + 1,
            train_loss: s.loss / s.rows.max(1) as f64,
            train_accuracy: self
                .task
                .is_classification()
                .then(|| s.correct as f64 / s.rows.max(1) as f64),
            lr: self.optimizer.lr(),
            grad_norms: s
                .grad_norms
                .iter()
                .map(|g| g / s.batches.max(1) as f64)
                .collect(),
            weight_histograms: self.weight_histograms(HISTOGRAM_BINS),
            grad_histograms: self
                .grads
                .layers()
                .map(|(g, _)| Histogram::of(g.iter(), HISTOGRAM_BINS))
                .collect(),
            ..EpochRecord::default()
        };
        if let Some(val) = &self.val {
            match self.evaluate(val) {
                Metrics::Classification { loss, accuracy, .. } => {
                    rec.val_loss = Some(loss);
                    rec.val_accuracy = Some(accuracy);
                }
                Metrics::Regression { loss, mse, mae, r2 } => {
                    rec.val_loss = Some(loss);
                    rec.val_mse = Some(mse);
                    rec.val_mae = Some(mae);
                    rec.val_r2 = Some(r2);
                }
            }
        }
        rec.seconds = now_seconds() - s.started;
        self.epoch += 1;
        self.cursor = 0;
        self.epoch_begun = false;
        self.last_good = self.network.clone();
        self.last_good_optimizer = self.optimizer.state();
        self.history.push(rec.clone());
        self.after_epoch(&rec);
        rec
    }

    /// Metrics of the current network on a data set with this trainer's task.
    pub fn evaluate(&self, data: &Dataset) -> Metrics {
        evaluate(&self.network, data, self.task, self.loss)
    }

    /// Each neuron's gradient norm ‖(∂L/∂w_u, ∂L/∂b_u)‖ for the loss on `data` under the
    /// current weights, layer after layer (the page's neuron inspector; one forward and backward
    /// pass, asked for on demand, never per batch).
    #[allow(clippy::unnecessary_cast)] // Real is f32, or f64 with the `f64` feature
    pub fn neuron_grad_norms(&self, data: &Dataset) -> Vec<Vec<f64>> {
        let x = all_features(data);
        let y = all_targets(data, self.network.output_units());
        let mut ws = self.network.workspace(x.nrows());
        let mut grads = self.network.zero_gradients();
        let fused = self.config.fused;
        (self.network).loss_and_gradients(&x, &y, self.loss, fused, &mut ws, &mut grads);
        (0..self.network.layers.len())
            .map(|l| {
                let (w, b) = (grads.weights(l), grads.bias(l));
                let norm = |u: usize| (w.row(u).norm_squared() + b[u] * b[u]) as f64;
                (0..w.nrows()).map(|u| norm(u).sqrt()).collect()
            })
            .collect()
    }
}

/// Metrics of `net` on `data`: loss (through the general path, from the outputs) plus accuracy,
/// confusion matrix and per-class scores, or MSE/MAE/R².
pub fn evaluate(net: &Network, data: &Dataset, task: Task, loss: Loss) -> Metrics {
    let out = net.predict(&all_features(data), EVAL_CHUNK);
    let y = all_targets(data, net.output_units());
    let value = loss.value(&out, &y);
    match (&data.targets, task.is_classification()) {
        (Targets::Classes { labels, n_classes }, true) => {
            let predicted = metrics::predicted_classes(&out);
            let k = (*n_classes).max(if out.ncols() == 1 { 2 } else { out.ncols() });
            let confusion = metrics::confusion_matrix(labels, &predicted, k);
            Metrics::Classification {
                loss: value,
                accuracy: metrics::accuracy(labels, &predicted),
                per_class: metrics::per_class(&confusion),
                confusion_matrix: confusion,
            }
        }
        _ => {
            let (mse, mae, r2) = metrics::regression(&out, &y);
            Metrics::Regression {
                loss: value,
                mse,
                mae,
                r2,
            }
        }
    }
}

fn check_same_shape(net: &Network, config: &Config, d: usize) -> Result<(), TrainError> {
    if net.input != d {
        return Err(TrainError::Data(format!(
            "the initial model takes {} inputs but the data has {d} features",
            net.input
        )));
    }
    let specs = config.layer_specs();
    if net.layers.len() != specs.len() {
        return Err(TrainError::Data(format!(
            "the initial model has {} layers but the config has {}",
            net.layers.len(),
            specs.len()
        )));
    }
    for (i, (l, s)) in net.layers.iter().zip(&specs).enumerate() {
        if l.units() != s.units || l.activations() != s.activations {
            return Err(TrainError::Data(format!(
                "layers[{i}]: the initial model has {} units ({}) but the config asks for {} ({})",
                l.units(),
                summary(&l.activations()),
                s.units,
                summary(&s.activations)
            )));
        }
    }
    Ok(())
}

fn summary(acts: &[crate::nn::Activation]) -> String {
    let mut names: Vec<&str> = acts.iter().map(|a| a.name()).collect();
    names.dedup();
    names.join("/")
}
