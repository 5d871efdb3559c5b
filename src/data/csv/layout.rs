//! How a CSV file starts (a header row, scikit-learn's first line, or data at once) and which of
//! its columns are the target and the features.

use ::csv::{StringRecord, StringRecordsIntoIter};

use super::{Column, HeaderMode};
use crate::data::DataError;

pub(super) type Records<'a> = StringRecordsIntoIter<&'a [u8]>;

pub(super) enum Layout {
    Header(Vec<String>),
    Sklearn {
        n_rows: usize,
        n_features: usize,
        class_names: Vec<String>,
    },
    Absent(usize),
}

impl Layout {
    pub(super) fn width(&self) -> usize {
        match self {
            Layout::Header(names) => names.len(),
            Layout::Sklearn { n_features, .. } => n_features + 1,
            Layout::Absent(width) => *width,
        }
    }

    pub(super) fn column_name(&self, i: usize) -> String {
        match self {
            Layout::Header(names) => names.get(i).cloned().unwrap_or_default(),
            Layout::Sklearn { n_features, .. } if i == *n_features => "target".to_string(),
            _ => format!("column {}", i + 1),
        }
    }

    pub(super) fn why_width(&self) -> String {
        match self {
            Layout::Header(names) => format!("the header row names {} columns", names.len()),
            Layout::Sklearn { n_features, .. } => {
                format!("the scikit-learn header line says {n_features} features, plus the target")
            }
            Layout::Absent(w) => format!("the first line has {w}"),
        }
    }

    /// The class names a scikit-learn first line gives (none in other layouts).
    pub(super) fn class_names(&self) -> &[String] {
        match self {
            Layout::Sklearn { class_names, .. } => class_names,
            _ => &[],
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

pub(super) fn syntax_error(file: &str, e: ::csv::Error) -> DataError {
    DataError::CsvSyntax {
        file: file.to_string(),
        line: e.position().map_or(0, |p| p.line()),
        detail: e.to_string(),
    }
}

fn next_record(file: &str, records: &mut Records) -> Result<Option<StringRecord>, DataError> {
    records
        .next()
        .transpose()
        .map_err(|e| syntax_error(file, e))
}

/// Reads the first line (and, to tell scikit-learn's layout, the second) and returns the layout
/// with the lines read that hold data.
pub(super) fn detect_layout(
    file: &str,
    records: &mut Records,
    header: HeaderMode,
) -> Result<(Layout, Vec<StringRecord>), DataError> {
    let Some(first) = next_record(file, records)? else {
        return Err(DataError::Empty {
            file: file.to_string(),
            detail: String::new(),
        });
    };
    Ok(match header {
        HeaderMode::Absent => (Layout::Absent(first.len()), vec![first]),
        HeaderMode::Auto => {
            let second = next_record(file, records)?;
            let layout = sklearn_layout(&first, second.as_ref())
                .unwrap_or_else(|| Layout::Header(first.iter().map(str::to_string).collect()));
            (layout, second.into_iter().collect())
        }
    })
}

/// `n_rows,n_features,<names…>` followed by a data row of `n_features + 1` fields — the second
/// condition keeps a header-less numeric file from passing as this layout, and bounds
/// `n_features` by a row that exists, since the width sizes per-column buffers. (Without a data
/// row the line reads as a header row, and the file is refused for having no data rows.)
fn sklearn_layout(first: &StringRecord, second: Option<&StringRecord>) -> Option<Layout> {
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

/// The target column's position.
pub(super) fn resolve_target(
    file: &str,
    layout: &Layout,
    column: &Column,
) -> Result<usize, DataError> {
    match layout {
        Layout::Sklearn { n_features, .. } => sklearn_target(file, layout, *n_features, column),
        _ => layout.resolve(file, column, "target column"),
    }
}

/// The scikit-learn layout names no columns; its class names belong to the last one, so the
/// target must be that one.
fn sklearn_target(
    file: &str,
    layout: &Layout,
    last: usize,
    column: &Column,
) -> Result<usize, DataError> {
    // A tool that reads the first line as a header (the page does) offers its last cell for the
    // last column.
    let first_line_last = layout
        .class_names()
        .last()
        .cloned()
        .unwrap_or_else(|| last.to_string());
    let is_last = match column {
        Column::Last => true,
        Column::Index(i) => *i == last,
        Column::Name(n) => {
            *n == layout.column_name(last)
                || *n == format!("column {}", last + 1)
                || *n == first_line_last
        }
    };
    if is_last {
        return Ok(last);
    }
    let wanted = match column {
        Column::Name(n) => format!("{n:?}"),
        Column::Index(i) => format!("column {}", i + 1),
        Column::Last => unreachable!("the last column is the target"),
    };
    Err(DataError::invalid(
        file,
        format!(
            "this file is in scikit-learn's layout (first line `n_rows,n_features,class \
             names…`, no column names): its target is the last column, \"target\"; \
             the target {wanted} is not it (use \"target\", or give the file a header row \
             to choose another column)"
        ),
    ))
}

/// Every column that is neither the target nor skipped (the scikit-learn layout skips none).
pub(super) fn feature_columns(
    file: &str,
    layout: &Layout,
    target: usize,
    skip: &[Column],
) -> Result<Vec<usize>, DataError> {
    let width = layout.width();
    let mut skipped = vec![false; width];
    if !matches!(layout, Layout::Sklearn { .. }) {
        for column in skip {
            let i = layout.resolve(file, column, "column to skip")?;
            skipped[i] = true;
        }
    }
    let features: Vec<usize> = (0..width).filter(|&i| i != target && !skipped[i]).collect();
    if features.is_empty() {
        return Err(DataError::invalid(
            file,
            format!(
                "no feature columns are left besides the target {:?}",
                layout.column_name(target)
            ),
        ));
    }
    Ok(features)
}
