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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct History {
    pub epochs: Vec<EpochRecord>,
}
