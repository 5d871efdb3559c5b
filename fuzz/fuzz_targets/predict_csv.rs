//! A CSV of new rows through `mlp-lab predict` (and the page's "Predict a CSV"): header matching
//! by name or count, the target column skipped, every cell read, gzip. The first byte picks the
//! model (input width 1–4, with or without feature names `a, b, c, d` and target `y`, classifier
//! or regression); the rest is the file. A file that predicts must give a table of its rows
//! whose CSV text reads back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlp_lab::config::Task;
use mlp_lab::model_io::Model;
use mlp_lab::nn::{Activation, Dense, Network};
use mlp_lab::predict::predict_csv;
use mlp_lab::Matrix;

fn model(mode: u8) -> Model {
    let input = usize::from(mode & 3) + 1;
    let classes = mode & 4 != 0;
    let (units, act) = if classes {
        (3, Activation::Softmax)
    } else {
        (1, Activation::Identity)
    };
    let w = Matrix::from_fn(units, input, |j, k| (j as f32 - k as f32) * 0.5);
    let mut m = Model::new(Network {
        input,
        layers: vec![Dense::new(w, vec![0.1; units], &vec![act; units])],
    });
    if classes {
        m.task = Some(Task::Multiclass);
        m.class_names = vec!["x".into(), "y, z".into(), "\"w\"".into()];
    }
    if mode & 8 != 0 {
        m.feature_names = ["a", "b", "c", "d"][..input]
            .iter()
            .map(|s| s.to_string())
            .collect();
    }
    if mode & 16 != 0 {
        m.target = Some("y".into());
    }
    m
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let m = model(mode);
    match predict_csv(&m, "fuzz.csv", body) {
        Ok(p) => {
            assert!(p.n >= 1);
            let width = p.columns.len() - usize::from(!p.labels.is_empty());
            assert_eq!(p.numbers.len(), p.n * width);
            let text = p.to_csv();
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            assert_eq!(reader.headers().unwrap().len(), p.columns.len());
            assert_eq!(reader.records().map(|r| r.unwrap()).count(), p.n);
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
