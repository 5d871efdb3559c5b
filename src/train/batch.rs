//! Cutting batches out of a [`Dataset`]: features become a column-major `batch × d` block and
//! targets a `batch × outputs` block (one-hot for classes, except a single-output binary model,
//! whose target is the label itself).

use crate::data::{Dataset, Targets};
use crate::{Matrix, Real};

/// Copies the given rows' features into `x` (already `rows.len() × d`).
pub fn gather_features(data: &Dataset, rows: &[usize], x: &mut Matrix) {
    let b = rows.len();
    let xs = x.as_mut_slice();
    for (i, &r) in rows.iter().enumerate() {
        for (f, v) in data.row(r).iter().enumerate() {
            xs[f * b + i] = *v as Real;
        }
    }
}

/// Copies the given rows' features into `x` row after row (`rows.len() × d`, row-major).
pub fn gather_rows(data: &Dataset, rows: &[usize], x: &mut [Real]) {
    for (out, &r) in x.chunks_exact_mut(data.d.max(1)).zip(rows) {
        out.iter_mut()
            .zip(data.row(r))
            .for_each(|(o, v)| *o = *v as Real);
    }
}

/// Writes the given rows' targets into `y` (already `rows.len() × outputs`).
pub fn gather_targets(data: &Dataset, rows: &[usize], y: &mut Matrix) {
    let (b, outputs) = (rows.len(), y.ncols());
    let ys = y.as_mut_slice();
    match &data.targets {
        Targets::Classes { labels, .. } if outputs == 1 => {
            for (i, &r) in rows.iter().enumerate() {
                ys[i] = labels[r] as Real;
            }
        }
        Targets::Classes { labels, .. } => {
            ys.fill(0.0);
            for (i, &r) in rows.iter().enumerate() {
                ys[labels[r] as usize * b + i] = 1.0;
            }
        }
        Targets::Values { values, k } => {
            for (i, &r) in rows.iter().enumerate() {
                for c in 0..*k {
                    ys[c * b + i] = values[r * k + c] as Real;
                }
            }
        }
    }
}

/// The whole data set as one feature block (for evaluation).
pub fn all_features(data: &Dataset) -> Matrix {
    let rows: Vec<usize> = (0..data.n).collect();
    let mut x = Matrix::zeros(data.n, data.d);
    gather_features(data, &rows, &mut x);
    x
}

/// The whole data set's targets as one block with `outputs` columns.
pub fn all_targets(data: &Dataset, outputs: usize) -> Matrix {
    let rows: Vec<usize> = (0..data.n).collect();
    let mut y = Matrix::zeros(data.n, outputs);
    gather_targets(data, &rows, &mut y);
    y
}
