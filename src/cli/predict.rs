//! `mlp-lab predict`: a saved model over the rows of a CSV file or a named data set; writes the
//! predictions as CSV (to `--out`, else stdout).

use super::args::PredictArgs;
use super::files::{read_text, write_atomically};
use crate::data::named::{canonical, load_named, resolve_data_dir};
use crate::model_io::Model;
use crate::predict::{predict_csv, predict_dataset, Predictions};
use std::io::Write;
use std::path::Path;

pub fn run(args: PredictArgs) -> Result<(), String> {
    args.kernel.apply();
    let mut model = Model::from_json(&read_text(&args.model, "model")?)
        .map_err(|e| format!("{}: {e}", args.model.display()))?;
    if args.target.is_some() {
        model.target = args.target.clone();
    }
    let predictions = predict(&model, &args)?;
    let text = predictions.to_csv();
    match &args.out {
        Some(path) => write_atomically(path, &text),
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|e| format!("cannot write the predictions to stdout: {e}")),
    }
}

fn predict(model: &Model, args: &PredictArgs) -> Result<Predictions, String> {
    let path = Path::new(&args.data);
    if canonical(&args.data).is_none() || path.is_file() {
        let bytes = crate::data::read_file(path).map_err(|e| e.to_string())?;
        return predict_csv(model, &args.data, &bytes).map_err(|e| e.to_string());
    }
    let dir = resolve_data_dir(args.data_dir.as_deref()).map_err(|e| e.to_string())?;
    let named = load_named(&args.data, &dir).map_err(|e| e.to_string())?;
    let (data, which) = match named.test {
        Some(test) => (test, "its official test split"),
        None => (named.train, "every row"),
    };
    eprintln!("predicting {} rows of {} ({which})", data.n, named.name);
    predict_dataset(model, &named.name, &data).map_err(|e| e.to_string())
}
