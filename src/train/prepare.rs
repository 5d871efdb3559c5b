//! From a loaded data set to what the trainer needs: the validation (and, without an official
//! test split, test) parts cut off by seed, stratified for classes, and standardisation fitted
//! on the training part alone and applied to the others.

use super::trainer::{TrainError, SPLIT_STREAM};
use crate::config::Config;
use crate::data::split::{split_indices, Standardizer};
use crate::data::Dataset;
use crate::model_io::DataSplit;

#[derive(Clone)]
pub struct Prepared {
    pub train: Dataset,
    pub val: Option<Dataset>,
    pub test: Option<Dataset>,
    /// The standardisation applied to every part, to be saved with the model.
    pub scaling: Option<Standardizer>,
    /// How `data` was divided, to be saved with the model; none with an official test set.
    pub split: Option<DataSplit>,
}

/// The split's seed, derived from the config seed without sharing a stream with init/shuffle.
fn split_seed(seed: u64) -> u64 {
    seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(SPLIT_STREAM)
}

/// The rows of `data` a model saved with `split` was not trained on, as that run cut them: its
/// test part when it had one, else its validation part; `None` when it trained on every row or
/// when `data` has another number of rows than the data it was trained on.
pub fn held_out(
    data: &Dataset,
    split: &DataSplit,
) -> Result<Option<(Dataset, &'static str)>, TrainError> {
    if data.n != split.rows || (split.validation_split <= 0.0 && split.test_split <= 0.0) {
        return Ok(None);
    }
    let parts = split_indices(
        data,
        split.validation_split,
        split.test_split,
        split_seed(split.seed),
    )
    .map_err(|e| TrainError::Data(e.to_string()))?;
    Ok(if !parts.test.is_empty() {
        Some((data.subset(&parts.test), "test"))
    } else if !parts.validation.is_empty() {
        Some((data.subset(&parts.validation), "validation"))
    } else {
        None
    })
}

/// Splits and scales `data` as `config` says. An official `test` set is kept as the test part
/// (and `test_split` is then not applied).
pub fn prepare(
    config: &Config,
    data: Dataset,
    test: Option<Dataset>,
) -> Result<Prepared, TrainError> {
    let err = |e: crate::data::DataError| TrainError::Data(e.to_string());
    let test_share = if test.is_some() {
        0.0
    } else {
        config.test_split
    };
    let seed = split_seed(config.seed);
    let split = test.is_none().then_some(DataSplit {
        seed: config.seed,
        validation_split: config.validation_split,
        test_split: config.test_split,
        rows: data.n,
    });
    let (mut train, mut val, mut test) = if config.validation_split > 0.0 || test_share > 0.0 {
        let parts = split_indices(&data, config.validation_split, test_share, seed).map_err(err)?;
        let part = |rows: &[usize]| (!rows.is_empty()).then(|| data.subset(rows));
        (
            data.subset(&parts.train),
            part(&parts.validation),
            test.or_else(|| part(&parts.test)),
        )
    } else {
        (data, None, test)
    };
    if train.n == 0 {
        return Err(TrainError::Data(
            "no rows are left to train on after the validation/test split".into(),
        ));
    }
    let scaling = if config.standardize {
        let s = Standardizer::fit(&train).map_err(err)?;
        s.apply(&mut train).map_err(err)?;
        for part in [val.as_mut(), test.as_mut()].into_iter().flatten() {
            s.apply(part).map_err(err)?;
        }
        Some(s)
    } else {
        None
    };
    Ok(Prepared {
        train,
        val,
        test,
        scaling,
        split,
    })
}
