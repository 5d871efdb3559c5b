//! What a run records per epoch, serialised as the CLI's `--history` file and sent to the page.

use super::histogram::Histogram;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct EpochRecord {
    pub epoch: usize,
    /// Mean data loss (without the regulariser) over the epoch's batches, before each update.
    pub train_loss: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub train_accuracy: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub val_loss: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub val_accuracy: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub val_mse: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub val_mae: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub val_r2: Option<f64>,
    pub lr: f64,
    /// Mean over the epoch's batches of each layer's gradient L2 norm (before clipping).
    pub grad_norms: Vec<f64>,
    /// Each layer's weight histogram at the end of the epoch.
    pub weight_histograms: Vec<Histogram>,
    /// Each layer's weight-gradient histogram of the epoch's last batch, as applied (after the
    /// regulariser and clipping).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grad_histograms: Vec<Histogram>,
    pub seconds: f64,
}

/// A long run keeps every epoch's scalars but the weight and gradient histograms of at most
/// this many epochs (the page keeps the same ones: [`History::histogram_epochs`]).
pub const MAX_HISTOGRAM_EPOCHS: usize = 1000;

#[derive(Clone, Debug, Serialize, Deserialize, Default)]
pub struct History {
    pub epochs: Vec<EpochRecord>,
    /// The epoch whose weights the final model holds (set when training ends): the last one,
    /// or with `early_stopping.restore_best` the best validation epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept_epoch: Option<usize>,
    /// The epoch after which early stopping ended the run, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_at: Option<usize>,
    /// The epochs (indices into `epochs`) that still hold histograms, oldest first: the first of
    /// each run of `stride` epochs, and the latest.
    #[serde(skip)]
    kept: Vec<usize>,
    #[serde(skip)]
    stride: usize,
}

impl PartialEq for History {
    fn eq(&self, other: &Self) -> bool {
        self.epochs == other.epochs
            && self.kept_epoch == other.kept_epoch
            && self.stopped_at == other.stopped_at
    }
}

fn has_histograms(r: &EpochRecord) -> bool {
    !r.weight_histograms.is_empty() || !r.grad_histograms.is_empty()
}

/// Whether `kept[i]` keeps its histograms at `stride`: it is the first of its run of `stride`
/// epochs, or the latest.
fn survives(kept: &[usize], i: usize, stride: usize) -> bool {
    i == 0 || i + 1 == kept.len() || kept[i - 1] / stride != kept[i] / stride
}

fn strip(r: &mut EpochRecord) {
    r.weight_histograms = Vec::new();
    r.grad_histograms = Vec::new();
}

impl History {
    /// Appends an epoch. Its histograms stay if it is the first of its run of `stride` epochs
    /// (or until the next epoch comes, as the latest); past [`MAX_HISTOGRAM_EPOCHS`] epochs with
    /// histograms the stride doubles. So they stay spread evenly over the run, and 100,000
    /// epochs hold about 1.5 MB of them, not 150 MB.
    pub fn push(&mut self, rec: EpochRecord) {
        let e = self.epochs.len();
        let stride = self.stride.max(1);
        if has_histograms(&rec) {
            // the latest, kept only for being the latest, gives way
            if let [.., a, b] = self.kept[..] {
                if a / stride == b / stride {
                    strip(&mut self.epochs[b]);
                    self.kept.pop();
                }
            }
            self.kept.push(e);
        }
        self.epochs.push(rec);
        if self.kept.len() > MAX_HISTOGRAM_EPOCHS {
            self.stride = stride * 2;
            self.thin();
        }
    }

    /// Keeps the histograms of the first epoch of each run of `stride` and of the latest.
    fn thin(&mut self) {
        let stride = self.stride.max(1);
        let kept = std::mem::take(&mut self.kept);
        for (i, &e) in kept.iter().enumerate() {
            if survives(&kept, i, stride) {
                self.kept.push(e);
            } else {
                strip(&mut self.epochs[e]);
            }
        }
    }

    /// The epochs (numbers, oldest first) whose records still hold histograms: what a copy of
    /// the history kept elsewhere (the page's run) keeps too, so it stays as bounded.
    pub fn histogram_epochs(&self) -> Vec<usize> {
        self.kept.iter().map(|&i| self.epochs[i].epoch).collect()
    }

    /// A history read from a file or the page, thinned as [`History::push`] would have left
    /// it (the smallest stride that keeps at most [`MAX_HISTOGRAM_EPOCHS`]), so a continued run
    /// goes on as an uninterrupted one.
    pub fn from_epochs(epochs: Vec<EpochRecord>) -> Self {
        let kept: Vec<usize> = (0..epochs.len())
            .filter(|&e| has_histograms(&epochs[e]))
            .collect();
        let count = |stride| {
            (0..kept.len())
                .filter(|&i| survives(&kept, i, stride))
                .count()
        };
        let mut stride = 1;
        while count(stride) > MAX_HISTOGRAM_EPOCHS {
            stride *= 2;
        }
        let mut h = History {
            epochs,
            kept,
            stride,
            ..History::default()
        };
        h.thin();
        h
    }
}
