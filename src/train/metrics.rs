//! Evaluation metrics: accuracy, the confusion matrix and per-class precision/recall/F1 for
//! classification; MSE, MAE and R² for regression.

use crate::Matrix;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassMetrics {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Metrics {
    Classification {
        loss: f64,
        accuracy: f64,
        /// `confusion_matrix[true][predicted]`
        confusion_matrix: Vec<Vec<u64>>,
        per_class: Vec<ClassMetrics>,
    },
    Regression {
        loss: f64,
        mse: f64,
        mae: f64,
        r2: f64,
    },
}

impl Metrics {
    pub fn loss(&self) -> f64 {
        match self {
            Metrics::Classification { loss, .. } | Metrics::Regression { loss, .. } => *loss,
        }
    }

    pub fn accuracy(&self) -> Option<f64> {
        match self {
            Metrics::Classification { accuracy, .. } => Some(*accuracy),
            Metrics::Regression { .. } => None,
        }
    }
}

/// The predicted class of each row: argmax over the outputs, or output > 0.5 for a single
/// output (a sigmoid probability, or a regression-style score against 0/1 targets).
pub fn predicted_classes(out: &Matrix) -> Vec<usize> {
    (0..out.nrows()).map(|r| predicted_class(out, r)).collect()
}

/// The class predicted for row `r` of the outputs: the first largest output, or for a single
/// output whether it exceeds 0.5.
pub fn predicted_class(out: &Matrix, r: usize) -> usize {
    if out.ncols() == 1 {
        usize::from(out[(r, 0)] > 0.5)
    } else {
        let row = out.row(r);
        let mut best = 0;
        for c in 1..row.len() {
            if row[c] > row[best] {
                best = c;
            }
        }
        best
    }
}

pub fn confusion_matrix(truth: &[u32], predicted: &[usize], n_classes: usize) -> Vec<Vec<u64>> {
    let mut m = vec![vec![0u64; n_classes]; n_classes];
    for (t, p) in truth.iter().zip(predicted) {
        if (*t as usize) < n_classes && *p < n_classes {
            m[*t as usize][*p] += 1;
        }
    }
    m
}

pub fn accuracy(truth: &[u32], predicted: &[usize]) -> f64 {
    if truth.is_empty() {
        return 0.0;
    }
    let right = truth
        .iter()
        .zip(predicted)
        .filter(|(t, p)| **t as usize == **p)
        .count();
    right as f64 / truth.len() as f64
}

/// Precision, recall and F1 of every class from a confusion matrix; a class never predicted (or
/// never present) gets 0 for the undefined ratio, as scikit-learn's `zero_division=0`.
pub fn per_class(confusion: &[Vec<u64>]) -> Vec<ClassMetrics> {
    let k = confusion.len();
    (0..k)
        .map(|c| {
            let tp = confusion[c][c] as f64;
            let predicted: u64 = (0..k).map(|t| confusion[t][c]).sum();
            let support: u64 = confusion[c].iter().sum();
            let ratio = |a: f64, b: u64| if b == 0 { 0.0 } else { a / b as f64 };
            let (precision, recall) = (ratio(tp, predicted), ratio(tp, support));
            let f1 = if precision + recall == 0.0 {
                0.0
            } else {
                2.0 * precision * recall / (precision + recall)
            };
            ClassMetrics {
                precision,
                recall,
                f1,
                support,
            }
        })
        .collect()
}

/// (MSE, MAE, R²) over all outputs; R² is averaged over output columns with equal weight, as
/// scikit-learn's `r2_score` default, and is 0 for a constant target column.
pub fn regression(out: &Matrix, y: &Matrix) -> (f64, f64, f64) {
    let n = (out.nrows() * out.ncols()).max(1) as f64;
    let mse = out
        .iter()
        .zip(y.iter())
        .map(|(a, b)| ((a - b) as f64).powi(2))
        .sum::<f64>()
        / n;
    let mae = out
        .iter()
        .zip(y.iter())
        .map(|(a, b)| ((a - b) as f64).abs())
        .sum::<f64>()
        / n;
    let cols = out.ncols().max(1);
    let r2 = (0..out.ncols())
        .map(|c| {
            let (yc, oc) = (y.column(c), out.column(c));
            let mean = yc.iter().map(|v| *v as f64).sum::<f64>() / yc.len().max(1) as f64;
            let ss_tot: f64 = yc.iter().map(|v| (*v as f64 - mean).powi(2)).sum();
            let ss_res: f64 = yc
                .iter()
                .zip(oc.iter())
                .map(|(a, b)| ((a - b) as f64).powi(2))
                .sum();
            if ss_tot == 0.0 {
                0.0
            } else {
                1.0 - ss_res / ss_tot
            }
        })
        .sum::<f64>()
        / cols as f64;
    (mse, mae, r2)
}
