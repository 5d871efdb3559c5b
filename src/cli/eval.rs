//! `mlp-lab eval`: a saved model on a data set; prints one JSON object with the loss and
//! accuracy and confusion matrix (classification) or MSE, MAE and R² (regression).

use super::args::EvalArgs;
use super::files::read_text;
use super::load::load_data;
use crate::config::Task;
use crate::model_io::Model;
use crate::nn::{Activation, Loss};
use crate::train::metrics::Metrics;
use crate::train::prepare::held_out;
use crate::train::targets::check_targets;
use crate::train::trainer::evaluate;
use serde_json::{json, Value};

pub fn run(args: EvalArgs) -> Result<(), String> {
    args.kernel.apply();
    let model = Model::from_json(&read_text(&args.model, "model")?)
        .map_err(|e| format!("{}: {e}", args.model.display()))?;
    let task = match args.task.as_deref() {
        Some("regression") => Task::Regression,
        Some("binary") => Task::Binary,
        Some("multiclass") => Task::Multiclass,
        Some(other) => {
            return Err(format!(
                "--task: unknown task `{other}`, expected regression, binary or multiclass"
            ))
        }
        None => model.task.unwrap_or_else(|| implied_task(&model)),
    };
    let loss = model.loss.unwrap_or(match task {
        Task::Regression => Loss::Mse,
        Task::Binary if out_is(&model, Activation::Sigmoid) => Loss::BinaryCrossEntropy,
        Task::Multiclass if out_is(&model, Activation::Softmax) => Loss::CrossEntropy,
        _ => Loss::Mse,
    });
    let loaded = load_data(&args.data, task)?;
    // A named set with an official test split is evaluated on that split; other data on the
    // rows the model was not trained on, when it is the data it was trained on.
    let (mut data, rows) = match (loaded.test, &model.split) {
        (Some(test), _) => (test, "test"),
        (None, _) if args.all_rows => (loaded.data, "all"),
        (None, Some(split)) => match held_out(&loaded.data, split).map_err(|e| e.to_string())? {
            Some((part, which)) => (part, which),
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
    };
    if data.d != model.network.input {
        return Err(format!(
            "the model takes {} inputs but the data has {} features",
            model.network.input, data.d
        ));
    }
    // Labels are numbered per file (sorted names); the model's own names say which output
    // unit is which class.
    data.align_classes(&model.class_names)
        .map_err(|e| format!("{}: {e}", args.data.data))?;
    if let Some(s) = &model.input_scaling {
        s.apply(&mut data)
            .map_err(|e| format!("{}: input_scaling: {e}", args.model.display()))?;
    }
    check_targets(&data, task, model.network.output_units(), "evaluation")
        .map_err(|e| e.to_string())?;
    let out: Value = match evaluate(&model.network, &data, task, loss) {
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
            "n": data.n,
            "rows": rows,
        }),
        Metrics::Regression { loss, mse, mae, r2 } => json!({
            "loss": loss, "mse": mse, "mae": mae, "r2": r2, "n": data.n, "rows": rows,
        }),
    };
    println!("{out}");
    Ok(())
}

fn out_is(model: &Model, a: Activation) -> bool {
    model
        .network
        .layers
        .last()
        .and_then(|l| l.uniform_activation())
        == Some(a)
}

/// A model saved without its task: softmax outputs classify, one sigmoid output is binary,
/// anything else is regression.
fn implied_task(model: &Model) -> Task {
    if out_is(model, Activation::Softmax) {
        Task::Multiclass
    } else if out_is(model, Activation::Sigmoid) && model.network.output_units() == 1 {
        Task::Binary
    } else {
        Task::Regression
    }
}
