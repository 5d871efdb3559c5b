//! Turns `--data NAME|FILE.csv [--target COL]` into data sets for the task at hand.

use super::args::DataArgs;
use crate::config::Task;
use crate::data::csv::{load_csv, TargetSpec};
use crate::data::named::{canonical, load_named, resolve_data_dir};
use crate::data::Dataset;
use crate::train::RunData;
use std::path::Path;

/// The data, a named set's official test split, and CIFAR-10's partial official test set
/// (reported beside the held-out batch).
pub fn load_data(args: &DataArgs, task: Task) -> Result<RunData, String> {
    let path = Path::new(&args.data);
    if canonical(&args.data).is_some() && !path.is_file() {
        let dir = resolve_data_dir(args.data_dir.as_deref()).map_err(|e| e.to_string())?;
        let named = load_named(&args.data, &dir).map_err(|e| e.to_string())?;
        let mut loaded = RunData {
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
    Ok(RunData {
        data,
        test: None,
        extra_test: None,
    })
}

/// The data set with feature `column` as its target (see [`Dataset::feature_as_target`]).
fn feature_as_target(data: &Dataset, column: &str) -> Result<Dataset, String> {
    data.feature_as_target(column)
        .map_err(|e| format!("--target: {e}"))
}
