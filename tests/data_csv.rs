//! The CSV loader on small files written by the tests: header rows, scikit-learn's layout,
//! header-less files, gzip, and each kind of broken file, with messages that name the line, the
//! column and what was expected.

use mlp_lab::data::csv::{load_csv, load_csv_bytes, Column, TargetSpec};
use mlp_lab::data::Targets;

#[path = "common/data_files.rs"]
mod data_files;
use data_files::{assert_mentions, class_labels, gz, message, temp_dir};

#[test]
fn csv_string_classes_are_numbered_in_sorted_order() {
    let text = "x,y,species\n1,2,virginica\n3,4,setosa\n5,6,virginica\n7,8,versicolor\n";
    let ds = load_csv_bytes(
        "flowers.csv",
        text.as_bytes(),
        TargetSpec::classes("species"),
    )
    .unwrap();
    assert_eq!((ds.n, ds.d), (4, 2));
    assert_eq!(ds.class_names, ["setosa", "versicolor", "virginica"]);
    assert_eq!(class_labels(&ds), (&[2, 0, 2, 1][..], 3));
    assert_eq!(ds.feature_names, ["x", "y"]);
    assert_eq!(ds.features, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);
}

#[test]
fn csv_integer_class_labels_are_used_as_indices() {
    let text = "label,a\n2,0.5\n0,1.5\n";
    let ds = load_csv_bytes("ints.csv", text.as_bytes(), TargetSpec::classes(0)).unwrap();
    assert_eq!(class_labels(&ds), (&[2, 0][..], 3));
    assert_eq!(ds.class_names, ["0", "1", "2"]);
    assert_eq!(ds.feature_names, ["a"]);
}

#[test]
fn csv_real_target_is_read_as_values_and_the_target_may_sit_in_the_middle() {
    let text = " a , price , b \n1, 10.5 ,2\n3,-1e2,4\n";
    let ds = load_csv_bytes("houses.csv", text.as_bytes(), TargetSpec::values("price")).unwrap();
    assert_eq!(
        ds.targets,
        Targets::Values {
            values: vec![10.5, -100.0],
            k: 1
        }
    );
    assert_eq!(ds.features, [1.0, 2.0, 3.0, 4.0]);
    assert_eq!(ds.feature_names, ["a", "b"]);
    assert!(ds.class_names.is_empty());
}

#[test]
fn csv_columns_can_be_skipped_such_as_a_row_id() {
    let text = "id,f,label\n1001,0.25,yes\n1002,0.75,no\n";
    let ds = load_csv_bytes(
        "ids.csv",
        text.as_bytes(),
        TargetSpec::classes(Column::Last).skipping("id"),
    )
    .unwrap();
    assert_eq!((ds.d, ds.features.as_slice()), (1, &[0.25, 0.75][..]));
    assert_eq!(ds.class_names, ["no", "yes"]);
    let msg = message(load_csv_bytes(
        "ids.csv",
        text.as_bytes(),
        TargetSpec::classes("label").skipping("row"),
    ));
    assert_eq!(
        msg,
        "ids.csv: there is no column to skip \"row\"; the columns are: id, f, label"
    );
}

#[test]
fn ragged_csv_row_is_refused_with_its_line_and_field_counts() {
    let text = "a,b,t\n1,2,0\n3,4\n";
    let msg = message(load_csv_bytes(
        "r.csv",
        text.as_bytes(),
        TargetSpec::classes("t"),
    ));
    assert_eq!(
        msg,
        "r.csv: line 3 has 2 fields but 3 were expected (the header row names 3 columns)"
    );
}

#[test]
fn crlf_line_endings_give_the_same_line_numbers_as_lf() {
    for (text, line) in [
        ("a,b,t\r\n1,2,0\r\n3,four,1\r\n", 3),
        ("a,b,t\r\n1,2,0\r\n3,4,1\r\n5,6,0\r\n7,x,1\r\n", 5),
    ] {
        let msg = message(load_csv_bytes(
            "w.csv",
            text.as_bytes(),
            TargetSpec::classes("t"),
        ));
        assert!(
            msg.starts_with(&format!("w.csv: line {line}, column 2 (b): not a number")),
            "{msg}"
        );
    }
    let text = "a,b,t\r\n1,2,0\r\n3,4\r\n";
    let msg = message(load_csv_bytes(
        "w.csv",
        text.as_bytes(),
        TargetSpec::classes("t"),
    ));
    assert!(msg.starts_with("w.csv: line 3 has 2 fields"), "{msg}");
    // The values themselves are unaffected by the line endings.
    let lf = load_csv_bytes("a.csv", b"a,b,t\n1,2,x\n3,4,y\n", TargetSpec::classes("t")).unwrap();
    let crlf = load_csv_bytes(
        "a.csv",
        b"a,b,t\r\n1,2,x\r\n3,4,y\r\n",
        TargetSpec::classes("t"),
    )
    .unwrap();
    assert_eq!(lf, crlf);
}

#[test]
fn non_numeric_csv_cell_is_refused_with_line_column_and_column_name() {
    let text = "a,b,t\n1,2,0\n3,four,1\n";
    let msg = message(load_csv_bytes(
        "n.csv",
        text.as_bytes(),
        TargetSpec::classes("t"),
    ));
    assert_eq!(
        msg,
        "n.csv: line 3, column 2 (b): not a number \"four\"; feature cells must be numbers"
    );
    let text = "a,b,t\n1,,0\n";
    let msg = message(load_csv_bytes(
        "e.csv",
        text.as_bytes(),
        TargetSpec::classes("t"),
    ));
    assert_mentions(&msg, &["e.csv", "line 2, column 2 (b)", "empty cell"]);
    let text = "a,t\n1,cheap\n";
    let msg = message(load_csv_bytes(
        "v.csv",
        text.as_bytes(),
        TargetSpec::values("t"),
    ));
    assert_mentions(
        &msg,
        &[
            "v.csv",
            "line 2, column 2 (t)",
            "not a number \"cheap\"",
            "target cells",
        ],
    );
}

#[test]
fn nan_and_infinite_csv_cells_are_refused() {
    for cell in ["NaN", "inf", "-infinity", "1e39"] {
        let text = format!("a,t\n1,0\n{cell},1\n");
        let msg = message(load_csv_bytes(
            "f.csv",
            text.as_bytes(),
            TargetSpec::classes("t"),
        ));
        assert_mentions(
            &msg,
            &[
                "f.csv",
                "line 3, column 1 (a)",
                "not a finite number",
                cell,
                "NaN and infinities",
            ],
        );
    }
}

#[test]
fn empty_csv_and_header_only_csv_are_refused() {
    let msg = message(load_csv_bytes("empty.csv", b"", TargetSpec::classes("t")));
    assert_eq!(msg, "empty.csv: the file is empty");
    let msg = message(load_csv_bytes(
        "blank.csv",
        b" \n\n",
        TargetSpec::classes("t"),
    ));
    assert_eq!(msg, "blank.csv: the file is empty");
    let msg = message(load_csv_bytes(
        "head.csv",
        b"a,t\n",
        TargetSpec::classes("t"),
    ));
    assert_mentions(&msg, &["head.csv", "header line but no data rows"]);
}

#[test]
fn missing_target_column_is_refused_listing_the_columns_that_exist() {
    let text = "sepal,petal,kind\n1,2,a\n";
    let msg = message(load_csv_bytes(
        "i.csv",
        text.as_bytes(),
        TargetSpec::classes("species"),
    ));
    assert_eq!(
        msg,
        "i.csv: there is no target column \"species\"; the columns are: sepal, petal, kind"
    );
    let msg = message(load_csv_bytes(
        "i.csv",
        text.as_bytes(),
        TargetSpec::classes(7),
    ));
    assert_mentions(&msg, &["at index 7", "sepal, petal, kind"]);
}

#[test]
fn sklearn_layout_is_detected_with_its_class_names_and_row_count() {
    let text = "3,2,setosa,versicolor,virginica\n5.1,3.5,0\n7.0,3.2,1\n6.3,3.3,2\n";
    // The layout fixes the target as the last column (another is refused: see
    // a_target_other_than_the_last_column_of_a_scikit_learn_file_is_refused).
    let ds = load_csv_bytes("iris.csv", text.as_bytes(), TargetSpec::classes("target")).unwrap();
    assert_eq!((ds.n, ds.d), (3, 2));
    assert_eq!(ds.class_names, ["setosa", "versicolor", "virginica"]);
    assert_eq!(class_labels(&ds), (&[0, 1, 2][..], 3));
    assert!(ds.feature_names.is_empty());

    // Fewer classes present than named: n_classes still comes from the names.
    let text = "2,1,a,b,c\n0.5,0\n0.25,0\n";
    let ds = load_csv_bytes("s.csv", text.as_bytes(), TargetSpec::classes(Column::Last)).unwrap();
    assert_eq!(class_labels(&ds), (&[0, 0][..], 3));

    // Without class names (scikit-learn's regression files): a real target.
    let text = "2,2\n1,2,150\n3,4,75.5\n";
    let ds = load_csv_bytes("d.csv", text.as_bytes(), TargetSpec::values(Column::Last)).unwrap();
    assert_eq!(
        ds.targets,
        Targets::Values {
            values: vec![150.0, 75.5],
            k: 1
        }
    );
}

#[test]
fn sklearn_layout_with_the_wrong_row_count_or_an_unnamed_class_is_refused() {
    let text = "4,2,a,b\n1,2,0\n3,4,1\n";
    let msg = message(load_csv_bytes(
        "rows.csv",
        text.as_bytes(),
        TargetSpec::classes(Column::Last),
    ));
    assert_eq!(
        msg,
        "rows.csv: the scikit-learn header line says 4 rows but the file has 2"
    );
    let text = "2,2,a,b\n1,2,0\n3,4,2\n";
    let msg = message(load_csv_bytes(
        "cls.csv",
        text.as_bytes(),
        TargetSpec::classes(Column::Last),
    ));
    assert_mentions(
        &msg,
        &[
            "cls.csv",
            "line 3, column 3 (target)",
            "class index out of range \"2\"",
            "names 2 classes (a, b)",
        ],
    );
    let text = "2,2,a,b\n1,2,0\n3,4\n";
    let msg = message(load_csv_bytes(
        "rag.csv",
        text.as_bytes(),
        TargetSpec::classes(Column::Last),
    ));
    assert_mentions(
        &msg,
        &[
            "rag.csv",
            "line 3 has 2 fields but 3",
            "scikit-learn header line says 2 features",
        ],
    );
}

#[test]
fn headerless_csv_reads_every_line_as_data() {
    let text = "0,16,8,1\n4,0,0,0\n";
    let ds = load_csv_bytes(
        "digits.csv",
        text.as_bytes(),
        TargetSpec::classes(Column::Last).without_header(),
    )
    .unwrap();
    assert_eq!((ds.n, ds.d), (2, 3));
    assert_eq!(class_labels(&ds), (&[1, 0][..], 2));
    let msg = message(load_csv_bytes(
        "digits.csv",
        b"0,x,1\n",
        TargetSpec::classes(Column::Last).without_header(),
    ));
    assert_mentions(&msg, &["line 1, column 2 (column 2)", "not a number \"x\""]);
}

#[test]
fn gzip_csv_is_accepted_from_bytes_and_from_a_csv_gz_path() {
    let text = b"a,t\n1,x\n2,y\n";
    let ds = load_csv_bytes("t.csv.gz", &gz(text), TargetSpec::classes("t")).unwrap();
    assert_eq!(ds.class_names, ["x", "y"]);
    let dir = temp_dir("csv-gz");
    let path = dir.join("t.csv.gz");
    std::fs::write(&path, gz(text)).unwrap();
    assert_eq!(load_csv(&path, TargetSpec::classes("t")).unwrap(), ds);
    let msg = message(load_csv_bytes(
        "bad.csv.gz",
        &gz(text)[..10],
        TargetSpec::classes("t"),
    ));
    assert_mentions(&msg, &["bad.csv.gz", "gzip"]);
}

#[test]
fn csv_integer_class_label_too_large_to_be_an_index_is_refused() {
    let text = "a,t\n1,0\n2,4000000000\n";
    let msg = message(load_csv_bytes(
        "big.csv",
        text.as_bytes(),
        TargetSpec::classes("t"),
    ));
    assert_mentions(
        &msg,
        &[
            "big.csv",
            "line 3, column 2 (t)",
            "4000000000",
            "below 65536",
            "real values",
        ],
    );
}

#[test]
fn csv_with_only_a_target_column_is_refused() {
    let msg = message(load_csv_bytes("t.csv", b"t\n1\n", TargetSpec::classes("t")));
    assert_mentions(&msg, &["t.csv", "no feature columns"]);
}

#[test]
fn csv_that_is_not_utf8_is_refused_with_its_line() {
    let msg = message(load_csv_bytes(
        "latin.csv",
        b"a,t\n1,caf\xe9\n",
        TargetSpec::classes("t"),
    ));
    assert_mentions(&msg, &["latin.csv", "line 2"]);
}

#[test]
fn a_target_other_than_the_last_column_of_a_scikit_learn_file_is_refused() {
    let text = "3,2,a,b\n0.1,0.2,0\n0.3,0.4,1\n0.5,0.6,1\n";
    // The last column, by any name a reader of the file could give it, is the target.
    for target in [
        Column::Last,
        Column::Index(2),
        "target".into(),
        "column 3".into(),
        "b".into(),
    ] {
        let ds = load_csv_bytes(
            "s.csv",
            text.as_bytes(),
            TargetSpec::classes(target.clone()),
        )
        .unwrap_or_else(|e| panic!("{target:?}: {e}"));
        assert_eq!(class_labels(&ds).0, &[0, 1, 1]);
    }
    for (target, shown) in [
        (Column::from("nope"), "\"nope\""),
        (Column::Index(0), "column 1"),
        ("a".into(), "\"a\""),
    ] {
        let msg = message(load_csv_bytes(
            "s.csv",
            text.as_bytes(),
            TargetSpec::classes(target),
        ));
        assert!(
            msg.starts_with("s.csv: this file is in scikit-learn's layout"),
            "{msg}"
        );
        assert!(
            msg.contains(&format!("the target {shown} is not it")),
            "{msg}"
        );
    }
}

#[test]
fn line_numbers_in_errors_count_blank_lines() {
    // Once: the csv crate's own line count put the bad cell on line 4 (it skips blank lines).
    let text = "a,b,label\n1,2,x\n\n\n3,oops,y\n";
    let msg = message(load_csv_bytes(
        "gaps.csv",
        text.as_bytes(),
        TargetSpec::classes("label"),
    ));
    assert_mentions(&msg, &["gaps.csv", "line 5", "column 2", "oops"]);
    let ragged = "a,b,label\n\n1,2,x\n3,y\n";
    let msg = message(load_csv_bytes(
        "ragged.csv",
        ragged.as_bytes(),
        TargetSpec::classes("label"),
    ));
    assert_mentions(&msg, &["ragged.csv", "line 4"]);
    let crlf = "a,b,label\r\n1,2,x\r\n\r\n3,,y\r\n";
    let msg = message(load_csv_bytes(
        "crlf.csv",
        crlf.as_bytes(),
        TargetSpec::classes("label"),
    ));
    assert_mentions(&msg, &["crlf.csv", "line 4", "empty cell"]);
}
