//! Using a saved model on data: the task and loss it is scored with (the file's own, else what
//! its loss or output layer implies), the data's classes matched to the model's by name, and
//! the model's input scaling. `mlp-lab eval` and the page's imported models both go through
//! here, so a model file scores the same everywhere.

use super::Model;
use crate::config::Task;
use crate::data::Dataset;
use crate::nn::{Activation, Loss};
use crate::train::metrics::Metrics;
use crate::train::predict::{predict_raw, QueryError};
use crate::train::targets::check_targets;
use crate::train::trainer::evaluate;

/// Why a model cannot be scored on a data set.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ScoreError {
    #[error("the model takes {model} inputs but the data has {data} features")]
    Width { model: usize, data: usize },
    /// A class of the data that the model does not know.
    #[error("{0}")]
    Classes(String),
    /// The model's `input_scaling` does not fit the data.
    #[error("input_scaling: {0}")]
    Scaling(String),
    /// Targets that do not suit the task or the output layer.
    #[error("{0}")]
    Targets(String),
}

impl Model {
    fn output_is(&self, a: Activation) -> bool {
        self.network
            .layers
            .last()
            .and_then(|l| l.uniform_activation())
            == Some(a)
    }

    /// The task the model serves: the file's; else its loss's (cross-entropy is multiclass,
    /// binary cross-entropy binary); else its output layer's (softmax classifies, one sigmoid
    /// unit is binary, anything else regresses).
    pub fn implied_task(&self) -> Task {
        match (self.task, self.loss) {
            (Some(t), _) => t,
            (None, Some(Loss::CrossEntropy)) => Task::Multiclass,
            (None, Some(Loss::BinaryCrossEntropy)) => Task::Binary,
            _ if self.output_is(Activation::Softmax) => Task::Multiclass,
            _ if self.output_is(Activation::Sigmoid) && self.network.output_units() == 1 => {
                Task::Binary
            }
            _ => Task::Regression,
        }
    }

    /// The task and loss to score with: `task` when given, else [`Model::implied_task`]; the
    /// file's loss, else the task's own when the output layer suits it (softmax for
    /// cross-entropy, sigmoid for binary cross-entropy), else MSE.
    pub fn scoring(&self, task: Option<Task>) -> (Task, Loss) {
        let task = task.unwrap_or_else(|| self.implied_task());
        let loss = self.loss.unwrap_or(match task {
            Task::Binary if self.output_is(Activation::Sigmoid) => Loss::BinaryCrossEntropy,
            Task::Multiclass if self.output_is(Activation::Softmax) => Loss::CrossEntropy,
            _ => Loss::Mse,
        });
        (task, loss)
    }

    /// `data` ready for this model: as wide as its input, labels renumbered to its class names
    /// (a file numbers its labels by their sorted names), standardised as it was trained, and
    /// targets that suit `task` and its output layer.
    pub fn scoring_data(&self, mut data: Dataset, task: Task) -> Result<Dataset, ScoreError> {
        if data.d != self.network.input {
            return Err(ScoreError::Width {
                model: self.network.input,
                data: data.d,
            });
        }
        data.align_classes(&self.class_names)
            .map_err(ScoreError::Classes)?;
        if let Some(s) = &self.input_scaling {
            s.apply(&mut data)
                .map_err(|e| ScoreError::Scaling(e.to_string()))?;
        }
        check_targets(&data, task, self.network.output_units(), "evaluation")
            .map_err(|e| ScoreError::Targets(e.to_string()))?;
        Ok(data)
    }

    /// Metrics of the model on `data` (raw, as loaded), scored as [`Model::scoring`] says.
    pub fn score(&self, data: Dataset, task: Option<Task>) -> Result<Metrics, ScoreError> {
        let (task, loss) = self.scoring(task);
        let data = self.scoring_data(data, task)?;
        Ok(evaluate(&self.network, &data, task, loss))
    }

    /// Outputs for rows of raw features (standardised as the model says), row-major.
    pub fn predict(&self, features: &[f32]) -> Result<Vec<f32>, QueryError> {
        predict_raw(&self.network, self.input_scaling.as_ref(), features)
    }
}
