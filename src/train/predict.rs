//! Predictions for rows of raw features, as a user (the page, a model file's reader) gives
//! them: whole rows, finite numbers, standardised as the training data was before the network
//! sees them.

use crate::data::split::Standardizer;
use crate::nn::Network;
use crate::{Matrix, Real};

/// Rows per chunk when predicting.
const PREDICT_CHUNK: usize = 1024;

/// A question a run or a model cannot answer as asked: a split it does not have, features that
/// are not whole rows, a confusion matrix of a regression.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

/// Outputs for rows of raw features, row-major: `features` holds whole rows of the network's
/// input width, standardised with `scaling` (when given) first.
#[allow(clippy::unnecessary_cast)] // Real is f32, or f64 with the `f64` feature
pub fn predict_raw(
    net: &Network,
    scaling: Option<&Standardizer>,
    features: &[f32],
) -> Result<Vec<f32>, QueryError> {
    let d = net.input;
    if features.is_empty() || features.len() % d != 0 {
        return Err(QueryError(format!(
            "predict takes whole rows of {d} features, found {} values",
            features.len()
        )));
    }
    if let Some(i) = features.iter().position(|v| !v.is_finite()) {
        return Err(QueryError(format!(
            "feature {i} is {}, not a finite number",
            features[i]
        )));
    }
    let mut rows = features.to_vec();
    if let Some(s) = scaling {
        rows.chunks_exact_mut(d).for_each(|row| s.apply_row(row));
    }
    let n = rows.len() / d;
    let x = Matrix::from_row_iterator(n, d, rows.iter().map(|v| *v as Real));
    let out = net.predict(&x, PREDICT_CHUNK);
    let mut flat = Vec::with_capacity(out.len());
    for r in 0..out.nrows() {
        flat.extend(out.row(r).iter().map(|v| *v as f32));
    }
    Ok(flat)
}
