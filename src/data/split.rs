//! Seeded train/validation/test splits, first-N subsets, and feature standardization.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::{DataError, Dataset, Targets};

/// Row indices of each part, each part in shuffled order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitIndices {
    pub train: Vec<usize>,
    pub validation: Vec<usize>,
    pub test: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pub train: Dataset,
    pub validation: Dataset,
    pub test: Dataset,
}

/// Rows of each class, in row order; refuses labels that contradict `n_classes`.
fn rows_by_class(ds: &Dataset) -> Result<Option<Vec<Vec<usize>>>, DataError> {
    let Targets::Classes { labels, n_classes } = &ds.targets else {
        return Ok(None);
    };
    if labels.len() != ds.n {
        return Err(DataError::Request(format!(
            "the data set has {} rows but {} labels",
            ds.n,
            labels.len()
        )));
    }
    let mut rows = vec![Vec::new(); *n_classes];
    for (i, &label) in labels.iter().enumerate() {
        match rows.get_mut(label as usize) {
            Some(class) => class.push(i),
            None => {
                return Err(DataError::Request(format!(
                    "row {i} has label {label} but the data set has {n_classes} classes"
                )))
            }
        }
    }
    Ok(Some(rows))
}

/// Splits `total` among classes in proportion to `counts` (largest remainders get the leftover
/// units), never giving a class more than `room[c]`. Exact totals matter more than per-class
/// rounding: a 10% test set of 569 rows should have 57 rows, not 56 or 58.
fn apportion(total: usize, counts: &[usize], room: &[usize]) -> Vec<usize> {
    let n: usize = counts.iter().sum();
    if n == 0 {
        return vec![0; counts.len()];
    }
    let exact: Vec<f64> = counts
        .iter()
        .map(|&c| c as f64 * total as f64 / n as f64)
        .collect();
    let mut share: Vec<usize> = exact
        .iter()
        .zip(room)
        .map(|(&e, &r)| (e.floor() as usize).min(r))
        .collect();
    let mut order: Vec<usize> = (0..counts.len()).collect();
    // A total order (ties broken by index), so the unstable sort gives the stable one's result.
    order.sort_unstable_by(|&a, &b| {
        let fa = exact[a] - exact[a].floor();
        let fb = exact[b] - exact[b].floor();
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    let mut left = total.saturating_sub(share.iter().sum());
    // Usually one pass suffices; a second covers classes that hit their room limit.
    for _ in 0..2 {
        for &c in &order {
            if left > 0 && share[c] < room[c] {
                share[c] += 1;
                left -= 1;
            }
        }
    }
    share
}

fn check_fractions(validation: f64, test: f64) -> Result<(), DataError> {
    let ok = |f: f64| f.is_finite() && (0.0..1.0).contains(&f);
    if !ok(validation) || !ok(test) || validation + test >= 1.0 {
        return Err(DataError::Request(format!(
            "validation fraction {validation} and test fraction {test} must each be in [0, 1) and sum to less than 1"
        )));
    }
    Ok(())
}

/// Seeded split (ChaCha8 from `seed`, so the same seed gives the same split on every platform).
///
/// Classification data is stratified: each class contributes to each part in proportion to its
/// size, with the part sizes `round(n × fraction)` exactly. Regression data is shuffled and cut.
pub fn split_indices(
    ds: &Dataset,
    validation: f64,
    test: f64,
    seed: u64,
) -> Result<SplitIndices, DataError> {
    check_fractions(validation, test)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n_test = (ds.n as f64 * test).round() as usize;
    let n_val = (ds.n as f64 * validation).round() as usize;
    let mut parts = SplitIndices {
        train: Vec::new(),
        validation: Vec::new(),
        test: Vec::new(),
    };
    match rows_by_class(ds)? {
        None => {
            let mut rows: Vec<usize> = (0..ds.n).collect();
            rows.shuffle(&mut rng);
            let n_test = n_test.min(rows.len());
            let n_val = n_val.min(rows.len() - n_test);
            parts.test = rows[..n_test].to_vec();
            parts.validation = rows[n_test..n_test + n_val].to_vec();
            parts.train = rows[n_test + n_val..].to_vec();
        }
        Some(mut classes) => {
            let counts: Vec<usize> = classes.iter().map(Vec::len).collect();
            let test_share = apportion(n_test, &counts, &counts);
            let room: Vec<usize> = counts.iter().zip(&test_share).map(|(c, t)| c - t).collect();
            let val_share = apportion(n_val, &counts, &room);
            for ((rows, t), v) in classes.iter_mut().zip(test_share).zip(val_share) {
                rows.shuffle(&mut rng);
                parts.test.extend_from_slice(&rows[..t]);
                parts.validation.extend_from_slice(&rows[t..t + v]);
                parts.train.extend_from_slice(&rows[t + v..]);
            }
            // Otherwise each part would be sorted by class.
            parts.train.shuffle(&mut rng);
            parts.validation.shuffle(&mut rng);
            parts.test.shuffle(&mut rng);
        }
    }
    Ok(parts)
}

/// [`split_indices`], materialised as three data sets.
pub fn split(ds: &Dataset, validation: f64, test: f64, seed: u64) -> Result<Split, DataError> {
    check_shape(ds)?;
    let parts = split_indices(ds, validation, test, seed)?;
    Ok(Split {
        train: ds.subset(&parts.train),
        validation: ds.subset(&parts.validation),
        test: ds.subset(&parts.test),
    })
}

/// The first `limit` rows, but for classification the first rows *of each class*, in proportion
/// to the class sizes (so a class-sorted file still yields every class); the result is in file
/// order. Deterministic, no randomness.
pub fn stratified_head(ds: &Dataset, limit: usize) -> Result<Vec<usize>, DataError> {
    let limit = limit.min(ds.n);
    match rows_by_class(ds)? {
        None => Ok((0..limit).collect()),
        Some(classes) => {
            let counts: Vec<usize> = classes.iter().map(Vec::len).collect();
            let share = apportion(limit, &counts, &counts);
            let mut rows: Vec<usize> = classes
                .iter()
                .zip(share)
                .flat_map(|(rows, k)| rows[..k].iter().copied())
                .collect();
            rows.sort_unstable();
            Ok(rows)
        }
    }
}

fn check_shape(ds: &Dataset) -> Result<(), DataError> {
    let targets = match &ds.targets {
        Targets::Classes { labels, .. } => labels.len(),
        Targets::Values { values, k } => values.len().checked_div(*k).unwrap_or(0),
    };
    if ds.features.len() != ds.n.saturating_mul(ds.d) || targets != ds.n {
        return Err(DataError::Request(format!(
            "inconsistent data set: n = {}, d = {}, {} feature values, {} targets",
            ds.n,
            ds.d,
            ds.features.len(),
            targets
        )));
    }
    Ok(())
}

/// Per-feature `(x - mean) / std`, fitted on training data only and then applied unchanged to
/// validation and test data so no information leaks from them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standardizer {
    pub mean: Vec<f32>,
    pub std: Vec<f32>,
}

impl Standardizer {
    /// Population mean and standard deviation per column, accumulated in f64. A constant column
    /// gets std 1, so it maps to 0 rather than NaN.
    pub fn fit(ds: &Dataset) -> Result<Standardizer, DataError> {
        check_shape(ds)?;
        let d = ds.d;
        let mut sum = vec![0f64; d];
        for row in ds.features.chunks_exact(d.max(1)) {
            for (s, &x) in sum.iter_mut().zip(row) {
                *s += f64::from(x);
            }
        }
        let n = ds.n.max(1) as f64;
        let mean: Vec<f64> = sum.iter().map(|s| s / n).collect();
        let mut sq = vec![0f64; d];
        for row in ds.features.chunks_exact(d.max(1)) {
            for ((s, &x), m) in sq.iter_mut().zip(row).zip(&mean) {
                *s += (f64::from(x) - m).powi(2);
            }
        }
        let std = sq
            .iter()
            .zip(&mean)
            .map(|(s, m)| {
                let sd = (s / n).sqrt();
                // Relative threshold: the mean of identical values can differ from them by an
                // ulp, leaving a variance of ~1e-34 instead of exactly 0.
                if sd <= 1e-10 * m.abs() || sd == 0.0 {
                    1.0
                } else {
                    sd as f32
                }
            })
            .collect();
        Ok(Standardizer {
            mean: mean.iter().map(|&m| m as f32).collect(),
            std,
        })
    }

    pub fn apply_row(&self, row: &mut [f32]) {
        for ((x, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
            *x = (*x - m) / s;
        }
    }

    /// Undoes [`Standardizer::apply_row`]: the raw feature values of a standardised row.
    pub fn invert_row(&self, row: &mut [f32]) {
        for ((x, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
            *x = *x * s + m;
        }
    }

    pub fn apply(&self, ds: &mut Dataset) -> Result<(), DataError> {
        check_shape(ds)?;
        if ds.d != self.mean.len() || ds.d != self.std.len() {
            return Err(DataError::Request(format!(
                "the standardizer was fitted on {} features but the data set has {}",
                self.mean.len(),
                ds.d
            )));
        }
        for row in ds.features.chunks_exact_mut(ds.d.max(1)) {
            self.apply_row(row);
        }
        Ok(())
    }
}

/// Row-major `n × n_classes` one-hot targets of a classification data set.
pub fn one_hot(ds: &Dataset) -> Result<Vec<f32>, DataError> {
    let Targets::Classes { labels, n_classes } = &ds.targets else {
        return Err(DataError::Request(
            "one-hot targets need class labels, but this data set has real-valued targets"
                .to_string(),
        ));
    };
    let mut out = vec![0f32; labels.len() * n_classes];
    for (i, &label) in labels.iter().enumerate() {
        match out.get_mut(i * n_classes + label as usize) {
            Some(cell) if (label as usize) < *n_classes => *cell = 1.0,
            _ => {
                return Err(DataError::Request(format!(
                    "row {i} has label {label} but the data set has {n_classes} classes"
                )))
            }
        }
    }
    Ok(out)
}
