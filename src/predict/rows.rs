//! Reading a CSV file of new rows: a header row of column names, then rows whose feature cells
//! are numbers (read as training reads them: trimmed, parsed as f32, finite).

use super::columns::feature_columns;
use crate::data::csv::line_at;
use crate::data::{maybe_gunzip, DataError};
use crate::model_io::Model;

/// The features of every data row, in the model's input order (row-major, the model's input
/// width per row). Errors name the line and column (1-based) and what was found.
pub fn read_feature_rows(file: &str, bytes: &[u8], model: &Model) -> Result<Vec<f32>, DataError> {
    let data = maybe_gunzip(file, bytes)?;
    let empty = || DataError::Empty {
        file: file.to_string(),
        detail: String::new(),
    };
    if data.iter().all(u8::is_ascii_whitespace) {
        return Err(empty());
    }
    let mut records = crate::data::csv::records(&data);
    let mut next = || match records.next() {
        None => Ok(None),
        Some(Ok(r)) => Ok(Some(r)),
        Some(Err(e)) => Err(DataError::CsvSyntax {
            file: file.to_string(),
            line: line_at(&data, e.position()),
            detail: e.to_string(),
        }),
    };
    let header: Vec<String> = match next()? {
        Some(r) => r.iter().map(str::to_string).collect(),
        None => return Err(empty()),
    };
    let columns = header_columns(file, &header, model)?;
    let mut features = Vec::new();
    let mut n = 0usize;
    while let Some(record) = next()? {
        if record.len() != header.len() {
            return Err(DataError::Ragged {
                file: file.to_string(),
                line: line_at(&data, record.position()),
                found: record.len(),
                expected: header.len(),
                why: format!("the header row names {} columns", header.len()),
            });
        }
        for &c in &columns {
            let cell = record.get(c).unwrap_or_default();
            features.push(
                number(cell).map_err(|(problem, expected)| DataError::BadCell {
                    file: file.to_string(),
                    line: line_at(&data, record.position()),
                    column: c + 1,
                    name: header[c].clone(),
                    problem,
                    cell: cell.to_string(),
                    expected: expected.into(),
                })?,
            );
        }
        n += 1;
    }
    if n == 0 {
        return Err(DataError::Empty {
            file: file.to_string(),
            detail: " of data: there is a header line but no data rows".to_string(),
        });
    }
    Ok(features)
}

/// The header's feature columns, or why they do not fit the model (at line 1).
fn header_columns(file: &str, header: &[String], model: &Model) -> Result<Vec<usize>, DataError> {
    if model.feature_names.is_empty() && looks_like_data(header) {
        return Err(DataError::invalid(
            file,
            "line 1 holds numbers, not column names: the first row must be a header naming the \
             columns",
        ));
    }
    feature_columns(header, model).map_err(|m| {
        let at = match m.column {
            Some(c) => format!("line 1, column {} ({:?})", c + 1, header[c]),
            None => "line 1 (the header)".to_string(),
        };
        DataError::invalid(file, format!("{at}: {}", m.message))
    })
}

/// A first row of numbers with a fraction or exponent somewhere: data, not column names
/// (integers alone may be names, as pixel columns `0,1,2,…` are).
fn looks_like_data(header: &[String]) -> bool {
    header.iter().all(|c| c.parse::<f32>().is_ok())
        && header.iter().any(|c| c.contains(['.', 'e', 'E']))
}

/// A feature cell as training reads it, or the problem and what was expected.
fn number(cell: &str) -> Result<f32, (&'static str, &'static str)> {
    match cell.parse::<f32>() {
        _ if cell.is_empty() => Err(("empty cell", "feature cells must be numbers")),
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err((
            "not a finite number",
            "feature cells must be finite (NaN and infinities are refused)",
        )),
        Err(_) => Err(("not a number", "feature cells must be numbers")),
    }
}
