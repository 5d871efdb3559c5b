//! `Model`: a saved network the page imported, predicting and scored on loaded data as
//! `mlp-lab eval` scores it (`model_io`'s rule for its task, loss and classes).

use super::convert::to_js;
use super::data::DataSet;
use super::rows::rows_object;
use crate::model_io::{Model as SavedModel, ScoreError};
use crate::train::run::confusion_of;
use crate::train::Metrics;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A saved network with what using it needs (task, loss, class names, input standardisation).
#[wasm_bindgen]
pub struct Model {
    pub(crate) inner: SavedModel,
}

#[derive(Serialize)]
struct ModelSummary<'a> {
    input: usize,
    layers: Vec<usize>,
    outputs: usize,
    parameters: usize,
    task: Option<&'static str>,
    loss: Option<&'static str>,
    class_names: &'a [String],
    standardized: bool,
}

/// Parses engine model JSON; errors name the field (`layers[0].weights[3]`).
#[wasm_bindgen]
pub fn import_model(json: &str) -> Result<Model, JsValue> {
    Ok(Model {
        inner: SavedModel::from_json(json)?,
    })
}

#[wasm_bindgen]
impl Model {
    /// `{input, layers: [units], outputs, parameters, task, loss, class_names, standardized}`.
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        let m = &self.inner;
        to_js(&ModelSummary {
            input: m.network.input,
            layers: m.network.layers.iter().map(|l| l.units()).collect(),
            outputs: m.network.output_units(),
            parameters: m.network.param_count(),
            task: m.task.map(|t| t.name()),
            loss: m.loss.map(|l| l.name()),
            class_names: &m.class_names,
            standardized: m.input_scaling.is_some(),
        })
    }

    /// Outputs for rows of raw features (standardised as the model says), row-major.
    pub fn predict(&self, features: &[f32]) -> Result<Vec<f32>, JsValue> {
        Ok(self.inner.predict(features)?)
    }

    /// Metrics on a loaded data set: `train` is every loaded row, `test` its official test set.
    pub fn evaluate(&self, data: &DataSet, split: &str) -> Result<JsValue, JsValue> {
        to_js(&self.metrics(data, split)?)
    }

    /// `confusion[true][predicted]` on a loaded data set's `train` (all rows) or `test` part.
    pub fn confusion_matrix(&self, data: &DataSet, split: &str) -> Result<JsValue, JsValue> {
        to_js(&confusion_of(self.metrics(data, split)?)?)
    }

    /// `DataSet.split_rows` with this model's outputs.
    pub fn split_rows(
        &self,
        data: &DataSet,
        split: &str,
        limit: u32,
        with_features: bool,
    ) -> Result<JsValue, JsValue> {
        let part = data.part(split)?;
        let net = &self.inner.network;
        if part.d != net.input {
            let (model, data) = (net.input, part.d);
            return Err(ScoreError::Width { model, data }.into());
        }
        let rows = part.n.min(limit as usize);
        let raw = &part.features[..rows * part.d];
        let outputs = if rows > 0 {
            self.inner.predict(raw)?
        } else {
            Vec::new()
        };
        let features = with_features.then_some(raw);
        rows_object(part, rows, features, &outputs, net.output_units())
    }

    /// The model as engine model JSON.
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    fn metrics(&self, data: &DataSet, split: &str) -> Result<Metrics, JsValue> {
        Ok(self.inner.score(data.part(split)?.clone(), None)?)
    }
}
