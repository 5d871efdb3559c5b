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

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{maybe_gunzip, read_file, DataError, Dataset, Targets};

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

enum Layout {
    Header(Vec<String>),
    Sklearn {
        n_rows: usize,
        n_features: usize,
        class_names: Vec<String>,
    },
    Absent(usize),
}

impl Layout {
    fn width(&self) -> usize {
        match self {
            Layout::Header(names) => names.len(),
            Layout::Sklearn { n_features, .. } => n_features + 1,
            Layout::Absent(width) => *width,
        }
    }

    fn column_name(&self, i: usize) -> String {
        match self {
            Layout::Header(names) => names.get(i).cloned().unwrap_or_default(),
            Layout::Sklearn { n_features, .. } if i == *n_features => "target".to_string(),
            _ => format!("column {}", i + 1),
        }
    }

    fn why_width(&self) -> String {
        match self {
            Layout::Header(names) => format!("the header row names {} columns", names.len()),
            Layout::Sklearn { n_features, .. } => {
                format!("the scikit-learn header line says {n_features} features, plus the target")
            }
            Layout::Absent(w) => format!("the first line has {w}"),
        }
    }

    fn resolve(&self, file: &str, column: &Column, role: &'static str) -> Result<usize, DataError> {
        let width = self.width();
        let found = match column {
            Column::Name(name) => match self {
                Layout::Header(names) => names.iter().position(|n| n == name),
                _ => None,
            },
            Column::Index(i) => Some(*i).filter(|&i| i < width),
            Column::Last => width.checked_sub(1),
        };
        found.ok_or_else(|| DataError::MissingColumn {
            file: file.to_string(),
            role,
            wanted: match column {
                Column::Name(name) => format!("{name:?}"),
                Column::Index(i) => format!("at index {i}"),
                Column::Last => "(the file has no columns)".to_string(),
            },
            available: (0..width).map(|i| self.column_name(i)).collect(),
        })
    }
}

fn line_of(record: &::csv::StringRecord) -> u64 {
    record.position().map_or(0, |p| p.line())
}

fn next_record(
    file: &str,
    records: &mut ::csv::StringRecordsIntoIter<&[u8]>,
) -> Result<Option<::csv::StringRecord>, DataError> {
    match records.next() {
        None => Ok(None),
        Some(Ok(r)) => Ok(Some(r)),
        Some(Err(e)) => Err(DataError::CsvSyntax {
            file: file.to_string(),
            line: e.position().map_or(0, |p| p.line()),
            detail: e.to_string(),
        }),
    }
}

/// `n_rows,n_features,<names…>` followed by a data row of `n_features + 1` fields — the second
/// condition keeps a header-less numeric file from passing as this layout, and bounds
/// `n_features` by a row that exists, since the width sizes per-column buffers. (Without a data
/// row the line reads as a header row, and the file is refused for having no data rows.)
fn sklearn_layout(
    first: &::csv::StringRecord,
    second: Option<&::csv::StringRecord>,
) -> Option<Layout> {
    let n_rows = first.get(0)?.parse::<usize>().ok()?;
    let n_features = first.get(1)?.parse::<usize>().ok()?;
    if n_features == 0 || Some(second?.len()) != n_features.checked_add(1) {
        return None;
    }
    Some(Layout::Sklearn {
        n_rows,
        n_features,
        class_names: first.iter().skip(2).map(str::to_string).collect(),
    })
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

/// Loads a CSV file's bytes (gzip detected by its magic bytes); `name` labels the messages.
pub fn load_csv_bytes(name: &str, bytes: &[u8], target: TargetSpec) -> Result<Dataset, DataError> {
    let data = maybe_gunzip(name, bytes)?;
    // The csv crate counts a CRLF line ending as two lines in the positions it reports (an
    // open bug upstream), so messages would name the wrong line; plain LF counts right.
    let data = if data.windows(2).any(|w| w == b"\r\n") {
        std::borrow::Cow::Owned(crlf_to_lf(&data))
    } else {
        data
    };
    if data.iter().all(u8::is_ascii_whitespace) {
        return Err(DataError::Empty {
            file: name.to_string(),
            detail: String::new(),
        });
    }
    let mut records = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(&data[..])
        .into_records();
    let Some(first) = next_record(name, &mut records)? else {
        return Err(DataError::Empty {
            file: name.to_string(),
            detail: String::new(),
        });
    };
    let (layout, pending) = match target.header {
        HeaderMode::Absent => (Layout::Absent(first.len()), vec![first]),
        HeaderMode::Auto => {
            let second = next_record(name, &mut records)?;
            match sklearn_layout(&first, second.as_ref()) {
                Some(layout) => (layout, second.into_iter().collect()),
                None => (
                    Layout::Header(first.iter().map(str::to_string).collect()),
                    second.into_iter().collect(),
                ),
            }
        }
    };

    let width = layout.width();
    let target_col = match &layout {
        // The layout names no columns; its class names belong to the last one.
        Layout::Sklearn {
            n_features,
            class_names,
            ..
        } => {
            let last = *n_features;
            // A tool that reads the first line as a header (the page does) offers its last
            // cell for the last column.
            let first_line_last = class_names
                .last()
                .cloned()
                .unwrap_or_else(|| n_features.to_string());
            let is_last = match &target.column {
                Column::Last => true,
                Column::Index(i) => *i == last,
                Column::Name(n) => {
                    *n == layout.column_name(last)
                        || *n == format!("column {}", last + 1)
                        || *n == first_line_last
                }
            };
            if !is_last {
                let wanted = match &target.column {
                    Column::Name(n) => format!("{n:?}"),
                    Column::Index(i) => format!("column {}", i + 1),
                    Column::Last => unreachable!("the last column is the target"),
                };
                return Err(DataError::invalid(
                    name,
                    format!(
                        "this file is in scikit-learn's layout (first line `n_rows,n_features,class \
                         names…`, no column names): its target is the last column, \"target\"; \
                         the target {wanted} is not it (use \"target\", or give the file a header row \
                         to choose another column)"
                    ),
                ));
            }
            last
        }
        _ => layout.resolve(name, &target.column, "target column")?,
    };
    let mut skipped = vec![false; width];
    if !matches!(layout, Layout::Sklearn { .. }) {
        for column in &target.skip {
            let i = layout.resolve(name, column, "column to skip")?;
            skipped[i] = true;
        }
    }
    let feature_cols: Vec<usize> = (0..width)
        .filter(|&i| i != target_col && !skipped[i])
        .collect();
    if feature_cols.is_empty() {
        return Err(DataError::invalid(
            name,
            format!(
                "no feature columns are left besides the target {:?}",
                layout.column_name(target_col)
            ),
        ));
    }

    let cell_error = |line: u64, col: usize, cell: &str, problem: &'static str, expected: &str| {
        DataError::BadCell {
            file: name.to_string(),
            line,
            column: col + 1,
            name: layout.column_name(col),
            problem,
            cell: cell.to_string(),
            expected: expected.into(),
        }
    };
    let number = |record: &::csv::StringRecord, col: usize, what: &str| -> Result<f32, DataError> {
        let cell = record.get(col).unwrap_or_default();
        let fail = |problem: &'static str, expected: String| {
            cell_error(line_of(record), col, cell, problem, &expected)
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
    };

    let mut features = Vec::new();
    let mut values = Vec::new();
    // Class targets stay text (with the row they came from) until every row is seen, because
    // whether they are indices or names (and, for `Auto`, classes or values) depends on all of
    // them.
    let mut class_cells: Vec<(u64, String)> = Vec::new();
    let mut n = 0usize;
    let mut next = pending.into_iter();
    loop {
        let record = match next.next() {
            Some(r) => r,
            None => match next_record(name, &mut records)? {
                Some(r) => r,
                None => break,
            },
        };
        if record.len() != width {
            return Err(DataError::Ragged {
                file: name.to_string(),
                line: line_of(&record),
                found: record.len(),
                expected: width,
                why: layout.why_width(),
            });
        }
        for &col in &feature_cols {
            features.push(number(&record, col, "feature cells")?);
        }
        match target.kind {
            TargetKind::Values => values.push(number(&record, target_col, "target cells")?),
            TargetKind::Classes | TargetKind::Auto => {
                let cell = record.get(target_col).unwrap_or_default().to_string();
                if cell.is_empty() {
                    let line = line_of(&record);
                    return Err(cell_error(
                        line,
                        target_col,
                        "",
                        "empty target cell",
                        "every row needs a class",
                    ));
                }
                class_cells.push((line_of(&record), cell));
            }
        }
        n += 1;
    }

    if n == 0 {
        return Err(DataError::Empty {
            file: name.to_string(),
            detail: " of data: there is a header line but no data rows".to_string(),
        });
    }
    if let Layout::Sklearn { n_rows, .. } = layout {
        if n_rows != n {
            return Err(DataError::RowCount {
                file: name.to_string(),
                claimed: n_rows,
                found: n,
            });
        }
    }

    let header_names = match &layout {
        Layout::Sklearn { class_names, .. } => class_names.clone(),
        _ => Vec::new(),
    };
    let (targets, class_names) = match target.kind {
        TargetKind::Values => (Targets::Values { values, k: 1 }, Vec::new()),
        TargetKind::Classes => classes(&class_cells, target_col, header_names, &cell_error)?,
        TargetKind::Auto => match auto_values(&class_cells) {
            Some(values) => (Targets::Values { values, k: 1 }, Vec::new()),
            None => classes(&class_cells, target_col, header_names, &cell_error)?,
        },
    };
    let feature_names = match &layout {
        Layout::Header(names) => feature_cols
            .iter()
            .filter_map(|&i| names.get(i).cloned())
            .collect(),
        _ => Vec::new(),
    };
    Ok(Dataset {
        features,
        n,
        d: feature_cols.len(),
        targets,
        class_names,
        feature_names,
        image_shape: None,
    })
}

/// The target cells as values when [`TargetKind::Auto`] reads them so: every cell a finite
/// number, and not few distinct whole numbers ≥ 0 (those are class indices).
fn auto_values(cells: &[(u64, String)]) -> Option<Vec<f32>> {
    let values: Vec<f32> = cells
        .iter()
        .map(|(_, c)| c.parse::<f32>().ok().filter(|v| v.is_finite()))
        .collect::<Option<_>>()?;
    (!looks_like_class_indices(&values)).then_some(values)
}

/// Whole numbers ≥ 0 only, and at most [`MAX_AUTO_CLASSES`] distinct ones.
fn looks_like_class_indices(values: &[f32]) -> bool {
    let mut distinct: Vec<f32> = Vec::new();
    for v in values {
        if v.fract() != 0.0 || *v < 0.0 {
            return false;
        }
        if !distinct.contains(v) {
            if distinct.len() == MAX_AUTO_CLASSES {
                return false;
            }
            distinct.push(*v);
        }
    }
    true
}

type CellError<'a> = dyn Fn(u64, usize, &str, &'static str, &str) -> DataError + 'a;

/// Turns target cells (with their line numbers) into class labels and names.
fn classes(
    cells: &[(u64, String)],
    col: usize,
    header_names: Vec<String>,
    cell_error: &CellError,
) -> Result<(Targets, Vec<String>), DataError> {
    let indices: Option<Vec<u64>> = cells.iter().map(|(_, c)| c.parse::<u64>().ok()).collect();
    if let Some(indices) = indices {
        let limit = if header_names.is_empty() {
            MAX_CLASSES
        } else {
            header_names.len() as u64
        };
        if let Some((line, cell)) = indices
            .iter()
            .zip(cells)
            .find(|(&i, _)| i >= limit)
            .map(|(_, (line, cell))| (*line, cell))
        {
            let expected = if header_names.is_empty() {
                format!("integer class labels must be below {MAX_CLASSES}; load this column as real values instead")
            } else {
                format!(
                    "the scikit-learn header names {} classes ({}), so labels must be 0..{}",
                    header_names.len(),
                    header_names.join(", "),
                    header_names.len() - 1
                )
            };
            return Err(cell_error(
                line,
                col,
                cell,
                "class index out of range",
                &expected,
            ));
        }
        let n_classes = if header_names.is_empty() {
            indices.iter().max().map_or(0, |&m| m as usize + 1)
        } else {
            header_names.len()
        };
        let class_names = if header_names.is_empty() {
            (0..n_classes).map(|i| i.to_string()).collect()
        } else {
            header_names
        };
        let labels = indices.into_iter().map(|i| i as u32).collect();
        return Ok((Targets::Classes { labels, n_classes }, class_names));
    }
    if !header_names.is_empty() {
        if let Some((line, cell)) = cells.iter().find(|(_, c)| c.parse::<u64>().is_err()) {
            return Err(cell_error(
                *line,
                col,
                cell,
                "not a class index",
                "the scikit-learn header names the classes, so targets must be their indices 0, 1, …",
            ));
        }
    }
    let distinct: BTreeSet<&str> = cells.iter().map(|(_, c)| c.as_str()).collect();
    let index: BTreeMap<&str, u32> = distinct
        .iter()
        .enumerate()
        .map(|(i, &c)| (c, i as u32))
        .collect();
    let labels = cells
        .iter()
        .map(|(_, c)| index.get(c.as_str()).copied().unwrap_or(0))
        .collect();
    Ok((
        Targets::Classes {
            labels,
            n_classes: distinct.len(),
        },
        distinct.into_iter().map(str::to_string).collect(),
    ))
}

/// Loads a CSV file (`.csv` or `.csv.gz`); messages name the path.
pub fn load_csv(path: &Path, target: TargetSpec) -> Result<Dataset, DataError> {
    let bytes = read_file(path)?;
    load_csv_bytes(&path.display().to_string(), &bytes, target)
}
