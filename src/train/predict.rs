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
    let x = scaled_rows(net, scaling, features)?;
    let out = net.predict(&x, PREDICT_CHUNK);
    Ok(row_major(&out))
}

/// Every layer's activations for rows of raw features (as [`predict_raw`] takes them): layer
/// after layer, each a `rows × units` block, row-major. What the page's network view shows.
pub fn activations_raw(
    net: &Network,
    scaling: Option<&Standardizer>,
    features: &[f32],
) -> Result<Vec<f32>, QueryError> {
    let x = scaled_rows(net, scaling, features)?;
    let mut ws = net.workspace(x.nrows());
    net.forward(&x, &mut ws);
    Ok(ws.activations().iter().flat_map(row_major).collect())
}

/// Whole, finite rows of raw features, standardised, as a matrix.
#[allow(clippy::unnecessary_cast)]
fn scaled_rows(
    net: &Network,
    scaling: Option<&Standardizer>,
    features: &[f32],
) -> Result<Matrix, QueryError> {
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
    Ok(Matrix::from_row_iterator(
        n,
        d,
        rows.iter().map(|v| *v as Real),
    ))
}

#[allow(clippy::unnecessary_cast)]
fn row_major(m: &Matrix) -> Vec<f32> {
    let mut flat = Vec::with_capacity(m.len());
    for r in 0..m.nrows() {
        flat.extend(m.row(r).iter().map(|v| *v as f32));
    }
    flat
}
