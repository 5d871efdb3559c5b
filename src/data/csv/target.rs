//! A CSV target column's cells made into targets: values, class indices, class names, or (for
//! [`TargetKind::Auto`]) whichever of these the cells look like.

use super::rows::{Table, TargetCells};
use super::{TargetKind, MAX_AUTO_CLASSES, MAX_CLASSES};
use crate::data::{DataError, Targets};

/// The targets and class names (none for values).
pub(super) fn targets(
    table: &Table,
    kind: TargetKind,
    cells: TargetCells,
) -> Result<(Targets, Vec<String>), DataError> {
    let cells = match cells {
        TargetCells::Values(values) => return Ok((Targets::Values { values, k: 1 }, Vec::new())),
        TargetCells::Text(cells) => cells,
    };
    if kind == TargetKind::Auto {
        if let Some(values) = auto_values(&cells) {
            return Ok((Targets::Values { values, k: 1 }, Vec::new()));
        }
    }
    classes(table, &cells)
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

/// Class labels and names from target cells (with their line numbers): indices when every cell
/// is a non-negative integer, else names numbered in sorted order.
fn classes(table: &Table, cells: &[(u64, String)]) -> Result<(Targets, Vec<String>), DataError> {
    let header_names = table.layout.class_names();
    let indices: Option<Vec<u64>> = cells.iter().map(|(_, c)| c.parse::<u64>().ok()).collect();
    if let Some(indices) = indices {
        return indexed_classes(table, cells, indices, header_names);
    }
    if !header_names.is_empty() {
        if let Some((line, cell)) = cells.iter().find(|(_, c)| c.parse::<u64>().is_err()) {
            return Err(table.cell_error(
                *line,
                table.target,
                cell,
                "not a class index",
                "the scikit-learn header names the classes, so targets must be their indices 0, 1, …",
            ));
        }
    }
    Ok(named_classes(cells))
}

/// Integer labels used as indices: `0..=max`, or the classes a scikit-learn header names.
fn indexed_classes(
    table: &Table,
    cells: &[(u64, String)],
    indices: Vec<u64>,
    header_names: &[String],
) -> Result<(Targets, Vec<String>), DataError> {
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
        return Err(table.cell_error(
            line,
            table.target,
            cell,
            "class index out of range",
            &expected,
        ));
    }
    let (n_classes, class_names) = if header_names.is_empty() {
        let n_classes = indices.iter().max().map_or(0, |&m| m as usize + 1);
        (n_classes, (0..n_classes).map(|i| i.to_string()).collect())
    } else {
        (header_names.len(), header_names.to_vec())
    };
    let labels = indices.into_iter().map(|i| i as u32).collect();
    Ok((Targets::Classes { labels, n_classes }, class_names))
}

/// Labels that are not all indices: each distinct cell a class, numbered in sorted order.
fn named_classes(cells: &[(u64, String)]) -> (Targets, Vec<String>) {
    // A sorted, deduplicated list rather than a BTreeSet/BTreeMap: the same numbering with
    // less code in the size-limited wasm trainer.
    let mut distinct: Vec<&str> = cells.iter().map(|(_, c)| c.as_str()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let labels = cells
        .iter()
        .map(|(_, c)| distinct.binary_search(&c.as_str()).map_or(0, |i| i as u32))
        .collect();
    (
        Targets::Classes {
            labels,
            n_classes: distinct.len(),
        },
        distinct.into_iter().map(str::to_string).collect(),
    )
}
