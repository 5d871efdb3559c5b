//! Whether a data set's targets suit a config: the task they can serve and the output layer's
//! width. Start refuses a mismatch ([`check_targets`]); the page shows it beforehand, next to
//! the field to change ([`target_problem`]).

use crate::config::{Config, ConfigError, Task};
use crate::data::{Dataset, Targets};
use crate::train::TrainError;

/// A note on classes no row has — integer labels are class indices, so a column of 1…K
/// makes K+1 classes, class 0 empty — or nothing when every class has rows.
fn empty_classes(data: &Dataset) -> String {
    let Some(rows) = data.class_counts() else {
        return String::new();
    };
    let empty: Vec<String> = (0..rows.len())
        .filter(|&c| rows[c] == 0)
        .map(|c| data.class_name(c))
        .collect();
    if empty.is_empty() {
        return String::new();
    }
    let integers = data
        .class_names
        .iter()
        .enumerate()
        .all(|(i, n)| *n == i.to_string());
    format!(
        "; no row has class {}{}",
        empty.join(", "),
        if integers {
            " (integer labels are class indices counted from 0: renumber the labels 0, 1, …, or \
             size the output layer to the largest label + 1)"
        } else {
            ""
        }
    )
}

/// The task a data set's targets suggest: real values regress, two classes (or one) are binary,
/// more are multiclass.
pub fn task_of(data: &Dataset) -> Task {
    match data.targets {
        Targets::Values { .. } => Task::Regression,
        Targets::Classes { n_classes, .. } if n_classes <= 2 => Task::Binary,
        Targets::Classes { .. } => Task::Multiclass,
    }
}

/// Checks that the data's targets suit the task and the output layer's width.
pub fn check_targets(
    data: &Dataset,
    task: Task,
    outputs: usize,
    which: &str,
) -> Result<(), TrainError> {
    let fail = |m: String| Err(TrainError::Data(format!("{which} data: {m}")));
    match (&data.targets, task) {
        (Targets::Values { k, .. }, Task::Regression) if *k != outputs => fail(format!(
            "{k} target column(s) but the output layer has {outputs} unit(s)"
        )),
        (Targets::Values { .. }, Task::Regression) => Ok(()),
        (Targets::Values { .. }, t) => fail(format!(
            "the task is {} but the targets are real values, not classes",
            t.name()
        )),
        (Targets::Classes { .. }, Task::Regression) => fail(
            "the task is regression but the targets are classes; use a classification loss or \
             a numeric target column"
                .into(),
        ),
        (Targets::Classes { n_classes, .. }, Task::Binary) if outputs == 1 && *n_classes > 2 => {
            fail(format!(
                "binary classification with one output unit needs 2 classes, found {n_classes}"
            ))
        }
        (Targets::Classes { n_classes, .. }, _) if outputs != 1 && outputs != *n_classes => {
            fail(format!(
                "{n_classes} classes but the output layer has {outputs} units (it needs one per \
                 class){}",
                empty_classes(data)
            ))
        }
        (Targets::Classes { n_classes, .. }, Task::Multiclass)
            if outputs == 1 && *n_classes != 1 =>
        {
            fail(format!(
                "{n_classes} classes but the output layer has 1 unit (it needs one per class){}",
                empty_classes(data)
            ))
        }
        _ => Ok(()),
    }
}

/// Everything Start would refuse about `config` against `data`, as (field, message): the
/// targets ([`target_problem`]), augmentation of data that is not images or a shift too large
/// for them ([`Config::check_augment`]), early stopping with no validation rows
/// ([`Config::check_stopping_data`]; the split gives round(n × validation_split) rows).
pub fn start_problems(config: &Config, data: &Dataset, rereads: bool) -> Vec<(String, String)> {
    let has_validation = (data.n as f64 * config.validation_split).round() >= 1.0;
    let checks = [
        config.check_augment(data.image_shape),
        config.check_stopping_data(has_validation),
    ];
    let rules = checks.into_iter().filter_map(|c| match c {
        Err(ConfigError::Invalid { field, message }) => Some((field, message)),
        Err(e) => Some((e.field().to_string(), e.to_string())),
        Ok(()) => None,
    });
    target_problem(config, data, rereads)
        .into_iter()
        .chain(rules)
        .collect()
}

/// What Start would refuse about `config` against `data`'s targets, as (field, message): the
/// output layer's width (`layers[i].units`), or a task the targets cannot serve (`task`, or
/// `loss` when the task follows from it). A CSV (`rereads`) is read again as values or classes
/// when the task needs it, so then only what is known now is judged: a column read as values is
/// one target, and the classes it would hold are not known yet.
pub fn target_problem(config: &Config, data: &Dataset, rereads: bool) -> Option<(String, String)> {
    let last = config.layers.len().checked_sub(1)?;
    let outputs = config.layers[last].units;
    let units_field = format!("layers[{last}].units");
    let task = config.task();
    let values = matches!(data.targets, Targets::Values { .. });
    let kind_mismatch = values != (task == Task::Regression);
    if rereads && kind_mismatch {
        return (task == Task::Regression && outputs != 1).then(|| {
            (
                units_field,
                format!(
                    "the target column, read as values, is one target but the output layer has \
                     {outputs} units"
                ),
            )
        });
    }
    let field = if !kind_mismatch {
        units_field
    } else if config.task.is_some() {
        "task".to_string()
    } else {
        "loss".to_string()
    };
    check_targets(data, task, outputs, "the loaded")
        .err()
        .map(|e| (field, e.to_string()))
}
