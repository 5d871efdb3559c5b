//! CSV data sets: numeric feature columns and one target column, raw or gzip-compressed.
//!
//! Two layouts are understood:
//! - a header row of column names, then data rows; the target is picked by name or position;
//! - scikit-learn's bundled layout, whose first line is `n_rows,n_features,<class names…>`
//!   (two integers, then optional class names) and whose data rows are `n_features` feature
//!   values followed by the target. There are no column names; the file itself fixes the target
//!   as the last column, so the spec's column (and skipped columns) are not consulted.
//!
//! Files without any header line (e.g. scikit-learn's `digits.csv.gz`) are read with
//! [`HeaderMode::Absent`].

mod layout;
mod rows;
mod target;

use std::borrow::Cow;
use std::path::Path;

use super::{maybe_gunzip, read_file, DataError, Dataset};
use layout::{detect_layout, syntax_error};
use rows::{read_rows, Table};
use target::targets;

/// Integer class labels are used as class indices, so a stray huge integer would otherwise
/// create that many empty classes.
pub const MAX_CLASSES: u64 = 65_536;

/// [`TargetKind::Auto`] reads a numeric column of at most this many distinct whole numbers as
/// class indices.
pub const MAX_AUTO_CLASSES: usize = 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Column {
    /// The column whose header cell is exactly this (after trimming spaces).
    Name(String),
    /// 0-based position.
    Index(usize),
    Last,
}

impl From<&str> for Column {
    fn from(name: &str) -> Self {
        Column::Name(name.to_string())
    }
}

impl From<usize> for Column {
    fn from(index: usize) -> Self {
        Column::Index(index)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetKind {
    /// Class labels: non-negative integers are used as class indices (n_classes = max + 1, or the
    /// number of class names a scikit-learn header gives); anything else is mapped to classes in
    /// sorted string order.
    Classes,
    /// One real value per row (regression).
    Values,
    /// For a target whose task is not known yet, decided from the whole column: a numeric column
    /// of at most [`MAX_AUTO_CLASSES`] distinct whole numbers ≥ 0 is read as
    /// [`TargetKind::Classes`], any other numeric column as [`TargetKind::Values`], and anything
    /// else as class names. Errors are those of the reading chosen (an empty target cell is
    /// refused as a missing class).
    Auto,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderMode {
    /// The scikit-learn layout when the first line looks like one, else a header row of names.
    Auto,
    /// Every line is data; columns are known only by position.
    Absent,
}

/// Which column is the target, what kind of values it holds, and how the file starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetSpec {
    pub column: Column,
    pub kind: TargetKind,
    pub header: HeaderMode,
    /// Columns that are neither features nor target (e.g. a row id).
    pub skip: Vec<Column>,
}

impl TargetSpec {
    pub fn classes(column: impl Into<Column>) -> Self {
        TargetSpec {
            column: column.into(),
            kind: TargetKind::Classes,
            header: HeaderMode::Auto,
            skip: Vec::new(),
        }
    }

    pub fn values(column: impl Into<Column>) -> Self {
        TargetSpec {
            kind: TargetKind::Values,
            ..TargetSpec::classes(column)
        }
    }

    /// The target's kind decided from its cells ([`TargetKind::Auto`]).
    pub fn auto(column: impl Into<Column>) -> Self {
        TargetSpec {
            kind: TargetKind::Auto,
            ..TargetSpec::classes(column)
        }
    }

    pub fn without_header(mut self) -> Self {
        self.header = HeaderMode::Absent;
        self
    }

    pub fn skipping(mut self, column: impl Into<Column>) -> Self {
        self.skip.push(column.into());
        self
    }
}

fn crlf_to_lf(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    for (i, &b) in data.iter().enumerate() {
        if !(b == b'\r' && data.get(i + 1) == Some(&b'\n')) {
            out.push(b);
        }
    }
    out
}

/// The file's text: gunzipped when it is gzip, with LF line endings, and not blank.
fn decode<'a>(name: &str, bytes: &'a [u8]) -> Result<Cow<'a, [u8]>, DataError> {
    let data = maybe_gunzip(name, bytes)?;
    // The csv crate counts a CRLF line ending as two lines in the positions it reports (an
    // open bug upstream), so messages would name the wrong line; plain LF counts right.
    let data = if data.windows(2).any(|w| w == b"\r\n") {
        Cow::Owned(crlf_to_lf(&data))
    } else {
        data
    };
    if data.iter().all(u8::is_ascii_whitespace) {
        return Err(DataError::Empty {
            file: name.to_string(),
            detail: String::new(),
        });
    }
    Ok(data)
}

/// The records of CSV text as MLP Lab reads every CSV file: no header row assumed (the caller
/// decides), rows of any length (the caller names a short one), cells trimmed.
pub(crate) fn records(data: &[u8]) -> ::csv::StringRecordsIntoIter<&[u8]> {
    ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(data)
        .into_records()
}

/// The 1-based line a record (or an error) starts on. The csv crate's own count is off after blank lines
/// (its position is where the skipped blank lines begin) and with CRLF line ends (counted
/// twice), so this counts line feeds up to the record's first byte instead.
pub(crate) fn line_at(data: &[u8], position: Option<&::csv::Position>) -> u64 {
    let Some(p) = position else {
        return 0;
    };
    let mut start = (p.byte() as usize).min(data.len());
    while matches!(data.get(start), Some(b'\r' | b'\n')) {
        start += 1;
    }
    1 + data[..start].iter().filter(|&&b| b == b'\n').count() as u64
}

/// Loads a CSV file's bytes (gzip detected by its magic bytes); `name` labels the messages.
pub fn load_csv_bytes(name: &str, bytes: &[u8], target: TargetSpec) -> Result<Dataset, DataError> {
    let data = decode(name, bytes)?;
    let mut records = records(&data);
    let (layout, data_lines) = detect_layout(name, &mut records, target.header)?;
    let table = Table::new(name, &data, layout, &target)?;
    let records = data_lines
        .into_iter()
        .map(Ok)
        .chain(records.map(|r| r.map_err(|e| syntax_error(name, e))));
    let rows = read_rows(&table, target.kind, records)?;
    let (targets, class_names) = targets(&table, target.kind, rows.targets)?;
    Ok(Dataset {
        features: rows.features,
        n: rows.n,
        d: table.features.len(),
        targets,
        class_names,
        feature_names: table.feature_names(),
        image_shape: None,
    })
}

/// Loads a CSV file (`.csv` or `.csv.gz`); messages name the path.
pub fn load_csv(path: &Path, target: TargetSpec) -> Result<Dataset, DataError> {
    let bytes = read_file(path)?;
    load_csv_bytes(&path.display().to_string(), &bytes, target)
}
