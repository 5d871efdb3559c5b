//! Every way a file of new rows can fail to fit a model gets an error naming the place: the
//! line and column (1-based), the column's name, what was found and what was expected.

#[path = "common/models.rs"]
mod models;

use mlp_lab::model_io::Model;
use mlp_lab::nn::Activation::*;
use mlp_lab::predict::predict_csv;
use models::random_model;

/// A 3-input model, with feature names `a, b, c` and target `label` when `named`.
fn model(named: bool) -> Model {
    let mut m = random_model(1, 3, &[vec![Tanh; 4], vec![Identity]], true);
    if named {
        m.feature_names = vec!["a".into(), "b".into(), "c".into()];
        m.target = Some("label".into());
    }
    m
}

#[track_caller]
fn refused(model: &Model, text: &str, message: &str) {
    let err = predict_csv(model, "new.csv", text.as_bytes())
        .expect_err("the file should be refused")
        .to_string();
    assert_eq!(err, message);
}

#[test]
fn a_row_with_too_few_or_too_many_cells_names_its_line() {
    let text = "a,b,c\n1,2,3\n4,5\n";
    refused(
        &model(true),
        text,
        "new.csv: line 3 has 2 fields but 3 were expected (the header row names 3 columns)",
    );
    let text = "a,b,c\n1,2,3\n4,5,6\n\n7,8,9,10\n";
    refused(
        &model(false),
        text,
        "new.csv: line 5 has 4 fields but 3 were expected (the header row names 3 columns)",
    );
}

#[test]
fn a_cell_that_is_not_a_number_names_its_line_column_and_name() {
    refused(
        &model(true),
        "a,b,c\n1,2,3\n4,five,6\n",
        "new.csv: line 3, column 2 (b): not a number \"five\"; feature cells must be numbers",
    );
    refused(
        &model(true),
        "a,b,c\n1,,3\n",
        "new.csv: line 2, column 2 (b): empty cell \"\"; feature cells must be numbers",
    );
    refused(
        &model(true),
        "a,b,c\n1,2,NaN\n",
        "new.csv: line 2, column 3 (c): not a finite number \"NaN\"; feature cells must be \
         finite (NaN and infinities are refused)",
    );
}

#[test]
fn positions_count_from_the_file_as_written() {
    // The column of a cell after the (ignored) target column is its column in the file.
    refused(
        &model(true),
        "a,label,b,c\n1,x,2,3\n1,y,2,z\n",
        "new.csv: line 3, column 4 (c): not a number \"z\"; feature cells must be numbers",
    );
    // CRLF line ends count as one line each, blank lines count, and a quoted cell's line
    // break is a line of the file.
    refused(
        &model(true),
        "a,b,c\r\n1,2,3\r\n\r\n1,2,3\r\n1,2,x\r\n",
        "new.csv: line 5, column 3 (c): not a number \"x\"; feature cells must be numbers",
    );
    refused(
        &model(true),
        "a,label,b,c\n1,\"two\nlines\",2,3\n\n1,x,2,\n",
        "new.csv: line 5, column 4 (c): empty cell \"\"; feature cells must be numbers",
    );
}

#[test]
fn a_column_the_model_does_not_know_is_named_with_its_position() {
    refused(
        &model(true),
        "id,a,b,c\n1,1,2,3\n",
        "new.csv: line 1, column 1 (\"id\"): \"id\" is not one of the model's features; the \
         model's features, in training order: a, b, c",
    );
    refused(
        &model(true),
        "a,label,b,c,d\n1,x,2,3,4\n",
        "new.csv: line 1, column 5 (\"d\"): \"d\" is not one of the model's features (besides \
         the target column \"label\", which is ignored); the model's features, in training \
         order: a, b, c",
    );
}

#[test]
fn a_missing_feature_column_is_named() {
    refused(
        &model(true),
        "a,c,label\n1,3,x\n",
        "new.csv: line 1 (the header): no column \"b\"; the model's features, in training \
         order: a, b, c",
    );
}

#[test]
fn columns_out_of_training_order_are_refused_saying_which_belongs_where() {
    refused(
        &model(true),
        "a,c,b\n1,3,2\n",
        "new.csv: line 1, column 2 (\"c\"): found \"c\" where feature 2 \"b\" belongs; columns \
         must come in the order the model was trained on: a, b, c",
    );
}

#[test]
fn a_repeated_column_is_refused() {
    refused(
        &model(true),
        "a,b,b,c\n1,2,2,3\n",
        "new.csv: line 1, column 3 (\"b\"): \"b\" appears twice",
    );
}

#[test]
fn without_feature_names_the_column_count_must_match() {
    refused(
        &model(false),
        "a,b,c,d\n1,2,3,4\n",
        "new.csv: line 1 (the header): the model takes 3 features but there are 4 columns",
    );
    let mut m = model(false);
    m.target = Some("y".into());
    refused(
        &m,
        "a,b,y\n1,2,3\n",
        "new.csv: line 1 (the header): the model takes 3 features but there are 2 columns \
         (besides the target column \"y\", which is ignored)",
    );
}

#[test]
fn a_file_without_a_header_row_is_refused() {
    refused(
        &model(false),
        "1.5,2,3\n4,5,6\n",
        "new.csv: line 1 holds numbers, not column names: the first row must be a header naming \
         the columns",
    );
    // With feature names the header check says which names it expected.
    refused(
        &model(true),
        "1.5,2,3\n4,5,6\n",
        "new.csv: line 1 (the header): no column \"a\", \"b\", \"c\"; the model's features, in \
         training order: a, b, c",
    );
}

#[test]
fn an_empty_file_or_one_without_data_rows_is_refused() {
    refused(&model(true), "", "new.csv: the file is empty");
    refused(&model(true), " \n\n", "new.csv: the file is empty");
    refused(
        &model(true),
        "a,b,c\n",
        "new.csv: the file is empty of data: there is a header line but no data rows",
    );
}

#[test]
fn a_corrupt_gzip_file_is_refused() {
    let err = predict_csv(&model(true), "new.csv.gz", &[0x1f, 0x8b, 8, 0, 1, 2, 3])
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("new.csv.gz: the gzip stream is corrupt"),
        "{err}"
    );
}
