//! The data rows of a CSV file, once its layout and columns are known: numeric features, and
//! the target cells as numbers or (for classes, or a kind still to decide) as text.

use ::csv::StringRecord;

use super::layout::{feature_columns, resolve_target, Layout};
use super::{TargetKind, TargetSpec};
use crate::data::DataError;

/// A file's layout, its target column and its feature columns.
pub(super) struct Table<'a> {
    pub file: &'a str,
    /// The file's text, for the line numbers of its records.
    pub data: &'a [u8],
    pub layout: Layout,
    pub target: usize,
    pub features: Vec<usize>,
}

/// What the rows held: features row-major, and the target cells.
pub(super) struct Rows {
    pub features: Vec<f32>,
    pub n: usize,
    pub targets: TargetCells,
}

pub(super) enum TargetCells {
    Values(Vec<f32>),
    /// Class targets stay text (with the line they came from) until every row is seen, because
    /// whether they are indices or names (and, for `Auto`, classes or values) depends on all
    /// of them.
    Text(Vec<(u64, String)>),
}

impl<'a> Table<'a> {
    pub(super) fn new(
        file: &'a str,
        data: &'a [u8],
        layout: Layout,
        spec: &TargetSpec,
    ) -> Result<Self, DataError> {
        let target = resolve_target(file, &layout, &spec.column)?;
        let features = feature_columns(file, &layout, target, &spec.skip)?;
        Ok(Table {
            file,
            data,
            layout,
            target,
            features,
        })
    }

    /// The 1-based line `record` starts on (the csv crate's own count is off after blank lines).
    fn line_of(&self, record: &StringRecord) -> u64 {
        super::line_at(self.data, record.position())
    }

    /// The header row's names of the feature columns (none without a header row).
    pub(super) fn feature_names(&self) -> Vec<String> {
        match &self.layout {
            Layout::Header(names) => self
                .features
                .iter()
                .filter_map(|&i| names.get(i).cloned())
                .collect(),
            _ => Vec::new(),
        }
    }

    pub(super) fn cell_error(
        &self,
        line: u64,
        col: usize,
        cell: &str,
        problem: &'static str,
        expected: &str,
    ) -> DataError {
        DataError::BadCell {
            file: self.file.to_string(),
            line,
            column: col + 1,
            name: self.layout.column_name(col),
            problem,
            cell: cell.to_string(),
            expected: expected.into(),
        }
    }

    fn number(&self, record: &StringRecord, col: usize, what: &str) -> Result<f32, DataError> {
        let cell = record.get(col).unwrap_or_default();
        let fail = |problem: &'static str, expected: String| {
            self.cell_error(self.line_of(record), col, cell, problem, &expected)
        };
        if cell.is_empty() {
            return Err(fail("empty cell", format!("{what} must be numbers")));
        }
        match cell.parse::<f32>() {
            Ok(v) if v.is_finite() => Ok(v),
            Ok(_) => Err(fail(
                "not a finite number",
                format!("{what} must be finite (NaN and infinities are refused; fill in or drop the row)"),
            )),
            Err(_) => Err(fail("not a number", format!("{what} must be numbers"))),
        }
    }

    fn class_cell(&self, record: &StringRecord) -> Result<(u64, String), DataError> {
        let cell = record.get(self.target).unwrap_or_default();
        if cell.is_empty() {
            return Err(self.cell_error(
                self.line_of(record),
                self.target,
                "",
                "empty target cell",
                "every row needs a class",
            ));
        }
        Ok((self.line_of(record), cell.to_string()))
    }

    fn check_width(&self, record: &StringRecord) -> Result<(), DataError> {
        let width = self.layout.width();
        if record.len() == width {
            return Ok(());
        }
        Err(DataError::Ragged {
            file: self.file.to_string(),
            line: self.line_of(record),
            found: record.len(),
            expected: width,
            why: self.layout.why_width(),
        })
    }

    /// At least one row, and as many as a scikit-learn first line says.
    fn check_row_count(&self, n: usize) -> Result<(), DataError> {
        if n == 0 {
            return Err(DataError::Empty {
                file: self.file.to_string(),
                detail: " of data: there is a header line but no data rows".to_string(),
            });
        }
        match self.layout {
            Layout::Sklearn { n_rows, .. } if n_rows != n => Err(DataError::RowCount {
                file: self.file.to_string(),
                claimed: n_rows,
                found: n,
            }),
            _ => Ok(()),
        }
    }
}

/// Reads every data row, refusing the first bad one.
pub(super) fn read_rows(
    table: &Table,
    kind: TargetKind,
    records: impl Iterator<Item = Result<StringRecord, DataError>>,
) -> Result<Rows, DataError> {
    let mut features = Vec::new();
    let mut targets = match kind {
        TargetKind::Values => TargetCells::Values(Vec::new()),
        TargetKind::Classes | TargetKind::Auto => TargetCells::Text(Vec::new()),
    };
    let mut n = 0usize;
    for record in records {
        let record = record?;
        table.check_width(&record)?;
        for &col in &table.features {
            features.push(table.number(&record, col, "feature cells")?);
        }
        match &mut targets {
            TargetCells::Values(values) => {
                values.push(table.number(&record, table.target, "target cells")?)
            }
            TargetCells::Text(cells) => cells.push(table.class_cell(&record)?),
        }
        n += 1;
    }
    table.check_row_count(n)?;
    Ok(Rows {
        features,
        n,
        targets,
    })
}
