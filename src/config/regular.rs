//! The config's regularisers of training itself, beyond penalties on the weights: dropout
//! (`layers[i].dropout`, read by [`Config::dropout_rates`]), input augmentation (`augment`)
//! and early stopping (`early_stopping`). Their numeric rules are entries of the field table;
//! what needs the data (augmentation only on images) is [`Config::check_augment`].

use super::{Config, ConfigError};
use serde::{Deserialize, Serialize};

/// `augment: {"shift": k, "flip": bool}`: each training image of each batch moves by its own
/// (dx, dy), uniform on −k..k, with zero fill (a padded random crop), after a horizontal flip
/// with probability ½ when `flip` is on (colour images only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct AugmentConfig {
    pub shift: usize,
    pub flip: bool,
}

impl AugmentConfig {
    /// Whether it changes nothing (then it is left out of a serialised config).
    pub fn is_off(&self) -> bool {
        self.shift == 0 && !self.flip
    }
}

/// The validation metric early stopping watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StopMetric {
    #[default]
    ValLoss,
    ValAccuracy,
}

impl StopMetric {
    pub const ALL: [StopMetric; 2] = [StopMetric::ValLoss, StopMetric::ValAccuracy];

    pub fn name(self) -> &'static str {
        match self {
            StopMetric::ValLoss => "val_loss",
            StopMetric::ValAccuracy => "val_accuracy",
        }
    }

    /// +1 when higher is better, −1 when lower is.
    pub fn sign(self) -> f64 {
        match self {
            StopMetric::ValLoss => -1.0,
            StopMetric::ValAccuracy => 1.0,
        }
    }
}

/// Patience when the config gives none (Keras' default is 0; 5 is what users set first).
pub const DEFAULT_PATIENCE: usize = 5;

/// `early_stopping: {metric, patience, min_delta, restore_best}`, as Keras' `EarlyStopping`: an
/// epoch improves when its metric beats the best so far by more than `min_delta`; training
/// stops after `patience` epochs in a row without improvement; with `restore_best` the model
/// ends with the best epoch's weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EarlyStopping {
    #[serde(default)]
    pub metric: StopMetric,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patience: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_delta: Option<f64>,
    #[serde(default)]
    pub restore_best: bool,
}

impl EarlyStopping {
    pub fn patience(&self) -> usize {
        self.patience.unwrap_or(DEFAULT_PATIENCE)
    }

    pub fn min_delta(&self) -> f64 {
        self.min_delta.unwrap_or(0.0)
    }
}

impl Config {
    /// Each layer's dropout rate (0 where the config gives none).
    pub fn dropout_rates(&self) -> Vec<f32> {
        self.layers
            .iter()
            .map(|l| l.dropout.unwrap_or(0.0) as f32)
            .collect()
    }

    /// Whether any layer drops out.
    pub fn has_dropout(&self) -> bool {
        self.layers.iter().any(|l| l.dropout.unwrap_or(0.0) > 0.0)
    }

    /// Early stopping watches the validation split, so training with it needs one.
    pub fn check_stopping_data(&self, has_validation: bool) -> Result<(), ConfigError> {
        if self.early_stopping.is_some() && !has_validation {
            return Err(ConfigError::invalid(
                "early_stopping",
                "watches the validation split, and this run has none: set validation_split \
                 above 0 (e.g. 0.1)",
            ));
        }
        Ok(())
    }

    /// The rules of `augment` that need the data: images (`image_shape` as (height, width,
    /// channels)), a shift smaller than the image, flips of colour images only.
    pub fn check_augment(&self, image_shape: Option<[usize; 3]>) -> Result<(), ConfigError> {
        let a = &self.augment;
        if a.is_off() {
            return Ok(());
        }
        let Some([h, w, c]) = image_shape else {
            return Err(ConfigError::invalid(
                "augment",
                "shifts and flips apply to image data sets only (MNIST, Fashion-MNIST, \
                 CIFAR-10, digits); this data set has no image shape — remove `augment`",
            ));
        };
        if a.shift >= h.min(w) {
            return Err(ConfigError::invalid(
                "augment.shift",
                format!(
                    "{} pixels is not smaller than the {h}×{w} images (at most {})",
                    a.shift,
                    h.min(w) - 1
                ),
            ));
        }
        if a.flip && c != 3 {
            return Err(ConfigError::invalid(
                "augment.flip",
                format!(
                    "horizontal flips apply to colour images (CIFAR-10) only; these images \
                     have {c} channel(s), and a mirrored digit is another symbol"
                ),
            ));
        }
        Ok(())
    }
}

impl Config {
    /// Early stopping on accuracy needs classes. (That it needs a validation split is checked
    /// when training starts, where the split is known: [`Config::check_stopping_data`].)
    pub(super) fn check_early_stopping(&self, out: &mut Vec<super::ConfigError>) {
        let metric = self.early_stopping.as_ref().map(|e| e.metric);
        if metric == Some(StopMetric::ValAccuracy) && !self.task().is_classification() {
            out.push(super::ConfigError::invalid(
                "early_stopping.metric",
                "val_accuracy needs a classification task; a regression run can stop on val_loss",
            ));
        }
    }
}
