//! The predictions table and its CSV text.

use super::{class_names, model_task};
use crate::model_io::Model;
use crate::train::metrics::predicted_classes;
use crate::Matrix;

/// One row per input row. Classifiers: `prediction` (the class name), then `p_<class>` for every
/// class (one sigmoid unit is two classes: `1 − p`, `p`). Regression: `prediction`, or
/// `prediction_<j>` for each of several outputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Predictions {
    pub columns: Vec<String>,
    /// The predicted class of each row (classifiers; empty for regression).
    pub labels: Vec<String>,
    /// The numeric columns (every column after `prediction` for classifiers, every column for
    /// regression), row-major.
    pub numbers: Vec<f32>,
    pub n: usize,
}

impl Predictions {
    /// The table of a model's outputs (`n × k`, as [`super::outputs`] gives them).
    #[allow(clippy::unnecessary_cast)] // Real is f32, or f64 with the `f64` feature
    pub fn new(model: &Model, out: &Matrix) -> Predictions {
        let n = out.nrows();
        let k = out.ncols();
        let cell = |r: usize, j: usize| out[(r, j)] as f32;
        if !model_task(model).is_classification() {
            let columns = match k {
                1 => vec!["prediction".to_string()],
                _ => (0..k).map(|j| format!("prediction_{j}")).collect(),
            };
            let numbers = (0..n)
                .flat_map(|r| (0..k).map(move |j| cell(r, j)))
                .collect();
            return Predictions {
                columns,
                labels: Vec::new(),
                numbers,
                n,
            };
        }
        let names = class_names(model);
        let mut columns = vec!["prediction".to_string()];
        columns.extend(names.iter().map(|c| format!("p_{c}")));
        let labels = predicted_classes(out)
            .into_iter()
            .map(|c| names[c].clone())
            .collect();
        let mut numbers = Vec::with_capacity(n * names.len());
        for r in 0..n {
            if k == 1 {
                numbers.extend([1.0 - cell(r, 0), cell(r, 0)]);
            } else {
                numbers.extend((0..k).map(|j| cell(r, j)));
            }
        }
        Predictions {
            columns,
            labels,
            numbers,
            n,
        }
    }

    /// Row `r`'s cells as text, as the CSV holds them.
    pub fn row(&self, r: usize) -> Vec<String> {
        let width = self.numbers.len() / self.n.max(1);
        let mut cells: Vec<String> = self.labels.get(r).cloned().into_iter().collect();
        cells.extend(
            self.numbers[r * width..(r + 1) * width]
                .iter()
                .map(|v| number_text(*v)),
        );
        cells
    }

    /// The table as CSV text: a header row, then one line per row (RFC 4180: a cell holding a
    /// comma, quote or line break is quoted, its quotes doubled).
    pub fn to_csv(&self) -> String {
        let mut text = String::new();
        let mut line = |cells: &mut dyn Iterator<Item = &str>| {
            for (i, cell) in cells.enumerate() {
                if i > 0 {
                    text.push(',');
                }
                push_cell(&mut text, cell);
            }
            text.push('\n');
        };
        line(&mut self.columns.iter().map(String::as_str));
        for r in 0..self.n {
            let cells = self.row(r);
            line(&mut cells.iter().map(String::as_str));
        }
        text
    }
}

fn push_cell(text: &mut String, cell: &str) {
    if cell.contains([',', '"', '\n', '\r']) {
        text.push('"');
        text.push_str(&cell.replace('"', "\"\""));
        text.push('"');
    } else {
        text.push_str(cell);
    }
}

/// The shortest text that reads back as the same f32: plain decimals for ordinary magnitudes, an
/// exponent for very small or large ones (where plain decimals run to dozens of digits). Core's
/// formatting, not `ryu`: the page's wasm has the former already, and ryu's f32 tables cost 12 KB.
pub fn number_text(v: f32) -> String {
    let a = v.abs();
    if a == 0.0 || (1e-4..1e9).contains(&a) || !a.is_finite() {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}
