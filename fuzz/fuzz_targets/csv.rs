//! CSV data sets: header row, scikit-learn layout detection, header-less files, gzip. The first
//! byte picks the target spec (column, kind, header mode, a skipped column), the rest is the file.
#![no_main]

#[path = "../common/invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;
use mlp_lab::data::csv::{load_csv_bytes, Column, TargetSpec};
use mlp_lab::data::Targets;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let column = match mode & 3 {
        0 => Column::Last,
        1 => Column::Index(usize::from(mode >> 4)),
        2 => Column::Name("target".into()),
        _ => Column::Index(0),
    };
    let mut spec = if mode & 4 == 0 {
        TargetSpec::classes(column)
    } else {
        TargetSpec::values(column)
    };
    if mode & 8 != 0 {
        spec = spec.without_header();
    }
    if mode & 0x80 != 0 {
        spec = spec.skipping(Column::Index(usize::from((mode >> 4) & 3)));
    }
    let values = mode & 4 != 0;
    match load_csv_bytes("fuzz.csv", body, spec) {
        Ok(ds) => {
            invariants::check_dataset(&ds);
            assert!(ds.n >= 1 && ds.d >= 1);
            assert_eq!(values, matches!(ds.targets, Targets::Values { .. }));
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
