//! `mlp-lab eval`: a saved model on a data set; prints one JSON object with the loss and
//! accuracy and confusion matrix (classification) or MSE, MAE and R² (regression). How the
//! model is scored (task, loss, classes) is the model file's rule (`model_io`), shared with the
//! page.

use super::args::EvalArgs;
use super::files::read_text;
use super::load::load_data;
use crate::config::Task;
use crate::data::Dataset;
use crate::model_io::{Model, ScoreError};
use crate::train::metrics::Metrics;
use crate::train::prepare::held_out;
use crate::train::RunData;
use serde_json::{json, Value};

pub fn run(args: EvalArgs) -> Result<(), String> {
    args.kernel.apply();
    let model = Model::from_json(&read_text(&args.model, "model")?)
        .map_err(|e| format!("{}: {e}", args.model.display()))?;
    let task = match args.task.as_deref() {
        Some(name) => Task::from_name(name).map_err(|e| format!("--task: {e}"))?,
        None => model.implied_task(),
    };
    let loaded = load_data(&args.data, task)?;
    let (data, rows) = rows_to_score(loaded, &model, args.all_rows)?;
    let n = data.n;
    let metrics = model.score(data, Some(task)).map_err(|e| match e {
        ScoreError::Classes(m) => format!("{}: {m}", args.data.data),
        ScoreError::Scaling(_) => format!("{}: {e}", args.model.display()),
        e => e.to_string(),
    })?;
    let out: Value = match metrics {
        Metrics::Classification {
            loss,
            accuracy,
            confusion_matrix,
            per_class,
        } => json!({
            "loss": loss,
            "accuracy": accuracy,
            "confusion_matrix": confusion_matrix,
            "per_class": per_class,
            "n": n,
            "rows": rows,
        }),
        Metrics::Regression { loss, mse, mae, r2 } => json!({
            "loss": loss, "mse": mse, "mae": mae, "r2": r2, "n": n, "rows": rows,
        }),
    };
    println!("{out}");
    Ok(())
}

/// A named set with an official test split is evaluated on that split; other data on the rows
/// the model was not trained on, when it is the data it was trained on (`all_rows`: every row).
fn rows_to_score(
    loaded: RunData,
    model: &Model,
    all_rows: bool,
) -> Result<(Dataset, &'static str), String> {
    Ok(match (loaded.test, &model.split) {
        (Some(test), _) => (test, "test"),
        (None, _) if all_rows => (loaded.data, "all"),
        (None, Some(split)) => match held_out(&loaded.data, split).map_err(|e| e.to_string())? {
            Some(part) => part,
            None => {
                // The data it was trained on, with nothing held out.
                if split.rows == loaded.data.n {
                    eprintln!(
                        "note: the model was trained on every row of this data (no validation \
                         or test split), so these figures are not a held-out estimate"
                    );
                }
                (loaded.data, "all")
            }
        },
        (None, None) => (loaded.data, "all"),
    })
}
