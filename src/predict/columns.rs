//! Which columns of a table of new rows are the model's features, in the model's input order.

use crate::model_io::Model;

/// Why a table's columns do not fit the model: the 0-based column at fault, when one is.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnMismatch {
    pub column: Option<usize>,
    pub message: String,
}

fn mismatch(column: Option<usize>, message: String) -> ColumnMismatch {
    ColumnMismatch { column, message }
}

/// The positions in `header` of the model's features, in input order. A column named like the
/// model's training target is left out. With the model's feature names the rest must be
/// exactly those names in training order; without them, exactly as many columns as inputs.
pub fn feature_columns(header: &[String], model: &Model) -> Result<Vec<usize>, ColumnMismatch> {
    let target = model.target.as_deref();
    let columns: Vec<usize> = (0..header.len())
        .filter(|&i| Some(header[i].as_str()) != target)
        .collect();
    let names = &model.feature_names;
    let skipped = match (target, columns.len() < header.len()) {
        (Some(t), true) => format!(" (besides the target column {t:?}, which is ignored)"),
        _ => String::new(),
    };
    if names.is_empty() {
        if columns.len() != model.network.input {
            return Err(mismatch(
                None,
                format!(
                    "the model takes {} features but there are {} columns{skipped}",
                    model.network.input,
                    columns.len()
                ),
            ));
        }
        return Ok(columns);
    }
    let training_order = format!(
        "the model's features, in training order: {}",
        names.join(", ")
    );
    let missing: Vec<&str> = names
        .iter()
        .filter(|n| !columns.iter().any(|&c| header[c] == **n))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(mismatch(
            None,
            format!("no column {}; {training_order}", quoted(&missing)),
        ));
    }
    for (pos, &c) in columns.iter().enumerate() {
        let found = &header[c];
        let message = if !names.contains(found) {
            format!("{found:?} is not one of the model's features{skipped}; {training_order}")
        } else if columns[..pos].iter().any(|&p| header[p] == *found) {
            format!("{found:?} appears twice")
        } else if names[pos] != *found {
            format!(
                "found {found:?} where feature {} {:?} belongs; columns must come in the order \
                 the model was trained on: {}",
                pos + 1,
                names[pos],
                names.join(", ")
            )
        } else {
            continue;
        };
        return Err(mismatch(Some(c), message));
    }
    Ok(columns)
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}
