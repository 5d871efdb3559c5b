//! A CSV target whose task is not known yet (`TargetKind::Auto`, what the page reads a dropped
//! file with): a numeric column of at most 20 distinct whole numbers ≥ 0 is classes, another
//! numeric column values, anything else class names — and the result, data or error, is exactly
//! what reading it as values, then as classes when that fits better, gives.

use mlp_lab::data::csv::{load_csv_bytes, Column, TargetKind, TargetSpec, MAX_AUTO_CLASSES};
use mlp_lab::data::{DataError, Dataset, Targets};

fn auto(text: &str) -> Result<Dataset, DataError> {
    load_csv_bytes("t.csv", text.as_bytes(), TargetSpec::auto("t"))
}

fn csv_of_targets(cells: &[String]) -> String {
    let mut text = "a,t\n".to_string();
    for (i, c) in cells.iter().enumerate() {
        text.push_str(&format!("{i},{c}\n"));
    }
    text
}

fn whole_numbers(range: std::ops::Range<u32>) -> Vec<String> {
    range.map(|i| i.to_string()).collect()
}

#[test]
fn few_distinct_whole_numbers_are_class_indices() {
    let ds = auto("a,t\n1,2\n2,0\n3,2\n4,1\n").unwrap();
    assert_eq!(
        ds.targets,
        Targets::Classes {
            labels: vec![2, 0, 2, 1],
            n_classes: 3
        }
    );
    assert_eq!(ds.class_names, ["0", "1", "2"]);
}

#[test]
fn twenty_distinct_whole_numbers_are_classes_and_twenty_one_are_values() {
    assert_eq!(MAX_AUTO_CLASSES, 20);
    let twenty = auto(&csv_of_targets(&whole_numbers(0..20))).unwrap();
    assert_eq!(twenty.n_classes(), Some(20));
    let twenty_one = auto(&csv_of_targets(&whole_numbers(0..21))).unwrap();
    assert_eq!(twenty_one.n_classes(), None);
    let Targets::Values { values, k: 1 } = &twenty_one.targets else {
        panic!("expected values, got {:?}", twenty_one.targets);
    };
    assert_eq!(values[20], 20.0);
}

#[test]
fn repeated_whole_numbers_count_once_towards_the_limit() {
    let cells: Vec<String> = (0..200).map(|i| (i % 5).to_string()).collect();
    let ds = auto(&csv_of_targets(&cells)).unwrap();
    assert_eq!(ds.n_classes(), Some(5));
    assert_eq!(ds.n, 200);
}

#[test]
fn fractional_or_negative_numbers_are_values() {
    for (text, expected) in [
        ("a,t\n1,0.5\n2,1\n", vec![0.5, 1.0]),
        ("a,t\n1,-1\n2,1\n", vec![-1.0, 1.0]),
        ("a,t\n1,1e2\n2,-3.25\n", vec![100.0, -3.25]),
    ] {
        let ds = auto(text).unwrap();
        assert_eq!(
            ds.targets,
            Targets::Values {
                values: expected,
                k: 1
            },
            "{text:?}"
        );
        assert!(ds.class_names.is_empty());
    }
}

#[test]
fn text_targets_and_numbers_mixed_with_text_are_class_names_in_sorted_order() {
    let ds = auto("a,t\n1,dog\n2,cat\n3,dog\n").unwrap();
    assert_eq!(ds.class_names, ["cat", "dog"]);
    assert_eq!(
        ds.targets,
        Targets::Classes {
            labels: vec![1, 0, 1],
            n_classes: 2
        }
    );
    let ds = auto("a,t\n1,2.5\n2,x\n3,10\n").unwrap();
    assert_eq!(ds.class_names, ["10", "2.5", "x"]);
}

#[test]
fn an_empty_target_cell_is_refused_as_a_missing_class() {
    let err = auto("a,t\n1,0.5\n2,\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "t.csv: line 3, column 2 (t): empty target cell \"\"; every row needs a class"
    );
}

#[test]
fn a_bad_feature_cell_is_refused_as_with_a_known_task() {
    let err = auto("a,t\n1,0.5\nx,2\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "t.csv: line 3, column 1 (a): not a number \"x\"; feature cells must be numbers"
    );
}

#[test]
fn a_scikit_learn_file_keeps_its_class_names() {
    let ds = load_csv_bytes(
        "iris.csv",
        b"3,2,setosa,versicolor,virginica\n1,2,0\n3,4,2\n5,6,1\n",
        TargetSpec::auto(Column::Last),
    )
    .unwrap();
    assert_eq!(ds.class_names, ["setosa", "versicolor", "virginica"]);
    assert_eq!(ds.n_classes(), Some(3));
}

/// What the page did before the engine had `Auto`: read the target as values; read it again as
/// classes when that failed on a cell, or when the values looked like few class indices.
fn values_then_classes(text: &str, column: &Column) -> Result<Dataset, DataError> {
    let read = |kind| {
        let spec = TargetSpec {
            kind,
            ..TargetSpec::classes(column.clone())
        };
        load_csv_bytes("t.csv", text.as_bytes(), spec)
    };
    match read(TargetKind::Values) {
        Ok(ds) if few_whole_numbers(&ds) => read(TargetKind::Classes),
        Ok(ds) => Ok(ds),
        Err(DataError::BadCell { .. }) => read(TargetKind::Classes),
        Err(e) => Err(e),
    }
}

fn few_whole_numbers(ds: &Dataset) -> bool {
    let Targets::Values { values, .. } = &ds.targets else {
        return false;
    };
    let mut distinct: Vec<f32> = Vec::new();
    for &v in values {
        if v.fract() != 0.0 || v < 0.0 {
            return false;
        }
        if !distinct.contains(&v) {
            distinct.push(v);
        }
    }
    distinct.len() <= MAX_AUTO_CLASSES
}

#[test]
fn auto_gives_the_same_data_or_message_as_values_then_classes() {
    let many = csv_of_targets(&whole_numbers(0..30));
    let mut cases: Vec<&str> = vec![
        "a,t\n1,0\n2,1\n",
        "a,t\n1,0.5\n2,1\n",
        "a,t\n1,NaN\n2,1\n",
        "a,t\n1,inf\n2,x\n",
        "a,t\n1,1.0\n2,1\n",
        "a,t\n1,-0\n2,1\n",
        "a,t\n1,-1\n2,1\n",
        "a,t\n1,1e1\n2,1\n",
        "a,t\n1,70000\n2,0\n",
        "a,t\n1,x\n2,\n",
        "a,t\n1,\n2,x\n",
        "a,t\n1,x\nq,1\n",
        "a,t\nq,x\n2,1\n",
        "a,t\n1,1\n2,2,3\n",
        "a,t\n1,x\n2,2,3\n",
        "a,t\n",
        "a,b\n1,2\n",
        "t\n1\n",
    ];
    cases.push(&many);
    let sklearn = [
        "2,1,no,yes\n1,1\n2,0\n",
        "2,1,no,yes\n1,1\n2,5\n",
        "2,1,no,yes\n1,1\n2,0.5\n",
        "3,1,no,yes\n1,1\n2,0\n",
        "2,1\n1,1.5\n2,0\n",
    ];
    let cases = cases
        .into_iter()
        .map(|t| (t, Column::from("t")))
        .chain(sklearn.into_iter().map(|t| (t, Column::Last)));
    for (text, column) in cases {
        let message = |r: Result<Dataset, DataError>| r.map_err(|e| e.to_string());
        let want = message(values_then_classes(text, &column));
        let got = message(load_csv_bytes(
            "t.csv",
            text.as_bytes(),
            TargetSpec::auto(column),
        ));
        assert_eq!(got, want, "{text:?}");
    }
}
