//! `mlp-lab train`: config + data (+ optional starting weights) → trained model, history, and a
//! last stdout line with the final metrics as one JSON object.

use super::args::TrainArgs;
use super::files::{read_text, write_atomically};
use super::load::load_data;
use crate::config::{Config, ConfigError};
use crate::model_io::Model;
use crate::train::clock::now_seconds;
use crate::train::metrics::Metrics;
use crate::train::{EpochRecord, Run, Split};
use serde_json::{Map, Value};

pub fn run(args: TrainArgs) -> Result<(), String> {
    let started = now_seconds();
    args.compute.apply(super::args::cores())?;
    let config_path = args.config.display().to_string();
    let (mut config, preset_data, preset_target) = read_config(&read_text(&args.config, "config")?)
        .map_err(|e| format!("config {config_path}: {e}"))?;
    if let Some(seed) = args.seed {
        config.seed = seed;
    }
    let data_args = args.source.or(preset_data, preset_target, || {
        format!("--data: missing (the config {config_path} names no data set)")
    })?;
    let init = match &args.init {
        Some(p) => Some(
            Model::from_json(&read_text(p, "initial model")?)
                .map_err(|e| format!("{}: {e}", p.display()))?,
        ),
        None => None,
    };
    let loaded = load_data(&data_args, config.task())?;
    let mut run = Run::new(&config, loaded, init.map(|m| m.network)).map_err(|e| e.to_string())?;
    if !args.quiet {
        eprintln!(
            "training {} parameters on {} rows ({} per batch, {} epochs)",
            run.network().param_count(),
            run.trainer().train_set().n,
            config.batch_size,
            config.epochs
        );
    }
    let quiet = args.quiet;
    let outcome = run.run(|rec| {
        if !quiet {
            eprintln!("{}", epoch_line(rec, config.epochs));
        }
    });
    // Whatever happened, the model (the last good weights) and the history are written first.
    save(&run, &args, data_args.target.clone())?;
    outcome.map_err(|e| {
        let kept = match &args.save {
            Some(p) => format!(" (the last good weights were saved to {})", p.display()),
            None => String::new(),
        };
        format!("training stopped: {e}{kept}")
    })?;
    let mut summary = final_metrics(&run);
    let history = run.history();
    summary.insert("epochs".into(), Value::from(history.epochs.len()));
    // Which epoch's weights the metrics above (and --save) are of; where early stopping ended.
    if let Some(k) = history.kept_epoch {
        summary.insert("kept_epoch".into(), Value::from(k));
    }
    if let Some(s) = history.stopped_at {
        summary.insert("stopped_at".into(), Value::from(s));
    }
    summary.insert(
        "seconds".into(),
        Value::from(round(now_seconds() - started, 3)),
    );
    println!("{}", Value::Object(summary));
    Ok(())
}

/// Writes `--save` (the model) and `--history`.
fn save(run: &Run, args: &TrainArgs, target: Option<String>) -> Result<(), String> {
    if let Some(path) = &args.save {
        let mut model = run.model();
        // The target's name lets `predict` skip that column of a file.
        model.target = target;
        write_atomically(path, &model.to_json())?;
    }
    if let Some(path) = &args.history {
        let text = serde_json::to_string_pretty(run.history()).map_err(|e| e.to_string())?;
        write_atomically(path, &text)?;
    }
    Ok(())
}

/// `train_…`, `val_…`, `test_…` and `official_test_…` metrics of the parts the run has.
fn final_metrics(run: &Run) -> Map<String, Value> {
    let mut summary = Map::new();
    let parts = [
        ("train", Split::Train),
        ("val", Split::Validation),
        ("test", Split::Test),
        ("official_test", Split::OfficialTest),
    ];
    for (prefix, split) in parts {
        if let Ok(m) = run.evaluate(split) {
            add_metrics(&mut summary, prefix, &m);
        }
    }
    summary
}

fn epoch_line(rec: &EpochRecord, epochs: usize) -> String {
    let mut s = format!(
        "epoch {}/{epochs}  train_loss {:.5}",
        rec.epoch, rec.train_loss
    );
    if let Some(a) = rec.train_accuracy {
        s += &format!("  train_acc {:.2}%", 100.0 * a);
    }
    if let Some(l) = rec.val_loss {
        s += &format!("  val_loss {l:.5}");
    }
    if let Some(a) = rec.val_accuracy {
        s += &format!("  val_acc {:.2}%", 100.0 * a);
    }
    if let Some(r2) = rec.val_r2 {
        s += &format!("  val_r2 {r2:.4}");
    }
    s + &format!("  ({:.2} s)", rec.seconds)
}

/// Adds `<prefix>_loss`, `<prefix>_accuracy` (or `_mse`, `_mae`, `_r2`) to the summary.
pub fn add_metrics(out: &mut Map<String, Value>, prefix: &str, m: &Metrics) {
    match m {
        Metrics::Classification { loss, accuracy, .. } => {
            out.insert(format!("{prefix}_loss"), Value::from(*loss));
            out.insert(format!("{prefix}_accuracy"), Value::from(*accuracy));
        }
        Metrics::Regression { loss, mse, mae, r2 } => {
            out.insert(format!("{prefix}_loss"), Value::from(*loss));
            out.insert(format!("{prefix}_mse"), Value::from(*mse));
            out.insert(format!("{prefix}_mae"), Value::from(*mae));
            out.insert(format!("{prefix}_r2"), Value::from(*r2));
        }
    }
}

fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

/// The config, and the preset's data set and target column when it is a preset.
pub type PresetConfig = (Config, Option<String>, Option<String>);

/// A bare config, or a page preset `{"dataset", "title", "note", "config"}` whose config is
/// used and whose data set becomes the default `--data`. A page-only data set name such as
/// `mnist-full` (every row of the prepared set) is the whole named set here.
pub fn read_config(text: &str) -> Result<PresetConfig, ConfigError> {
    if let Ok(Value::Object(mut obj)) = serde_json::from_str::<Value>(text) {
        if obj.contains_key("config") && !obj.contains_key("layers") {
            // `named_set` (+ `target`) say how the CLI loads a page-only data set such as
            // `breast-cancer-area`.
            let text = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_string);
            let data = text("named_set")
                .or_else(|| text("dataset").map(|d| d.trim_end_matches("-full").to_string()));
            let target = text("target");
            let inner = obj.remove("config").unwrap_or(Value::Null).to_string();
            let config = Config::from_json(&inner).map_err(|e| match e {
                ConfigError::Parse { path, message } => ConfigError::Parse {
                    path: format!("config.{path}"),
                    message,
                },
                ConfigError::Invalid { field, message } => ConfigError::Invalid {
                    field: format!("config.{field}"),
                    message,
                },
                other => other,
            })?;
            return Ok((config, data, target));
        }
    }
    Ok((Config::from_json(text)?, None, None))
}
