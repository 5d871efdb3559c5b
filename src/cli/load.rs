//! Turns `--data NAME|FILE.csv [--target COL]` into data sets for the task at hand.

use super::args::DataArgs;
use crate::config::Task;
use crate::data::csv::{load_csv, TargetSpec};
use crate::data::named::{canonical, load_named, resolve_data_dir};
use crate::data::{Dataset, Targets};
use std::path::Path;

pub struct Loaded {
    pub data: Dataset,
    /// The set's official test split, when it has one.
    pub test: Option<Dataset>,
    /// CIFAR-10's partial official test set, reported beside the held-out batch.
    pub extra_test: Option<Dataset>,
}

pub fn load_data(args: &DataArgs, task: Task) -> Result<Loaded, String> {
    let path = Path::new(&args.data);
    if canonical(&args.data).is_some() && !path.is_file() {
        let dir = resolve_data_dir(args.data_dir.as_deref()).map_err(|e| e.to_string())?;
        let named = load_named(&args.data, &dir).map_err(|e| e.to_string())?;
        let mut loaded = Loaded {
            data: named.train,
            test: named.test,
            extra_test: named.extra_test,
        };
        if let Some(column) = &args.target {
            // A named set with --target: regress that feature column from the others.
            loaded.data = feature_as_target(&loaded.data, column)?;
            loaded.test = loaded
                .test
                .map(|t| feature_as_target(&t, column))
                .transpose()?;
            loaded.extra_test = None;
        }
        return Ok(loaded);
    }
    let target = args.target.as_deref().ok_or_else(|| {
        format!(
            "--target: a CSV file needs the name of its target column (`{}` is not a named data \
             set: {})",
            args.data,
            crate::data::named::NAMED_SETS.join(", ")
        )
    })?;
    let spec = if task.is_classification() {
        TargetSpec::classes(target)
    } else {
        TargetSpec::values(target)
    };
    let data = load_csv(path, spec).map_err(|e| e.to_string())?;
    Ok(Loaded {
        data,
        test: None,
        extra_test: None,
    })
}

/// The data set with feature `column` moved out of the features to be the (single, real) target.
pub fn feature_as_target(data: &Dataset, column: &str) -> Result<Dataset, String> {
    let c = data
        .feature_names
        .iter()
        .position(|n| n == column)
        .ok_or_else(|| {
            format!(
                "--target: `{column}` is not a feature of this data set; its features are: {}",
                data.feature_names.join(", ")
            )
        })?;
    let d = data.d - 1;
    let mut features = Vec::with_capacity(data.n * d);
    let mut values = Vec::with_capacity(data.n);
    for r in 0..data.n {
        let row = data.row(r);
        values.push(row[c]);
        features.extend(
            row.iter()
                .enumerate()
                .filter(|(i, _)| *i != c)
                .map(|(_, v)| *v),
        );
    }
    let mut names = data.feature_names.clone();
    names.remove(c);
    Ok(Dataset {
        features,
        n: data.n,
        d,
        targets: Targets::Values { values, k: 1 },
        class_names: Vec::new(),
        feature_names: names,
        image_shape: None,
    })
}
