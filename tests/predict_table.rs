//! `mlp_lab::predict`: a CSV of feature rows through a saved model gives a table with the
//! predicted class and a probability per class (or the predicted values), whose numbers are the
//! engine's outputs exactly.

// Real is f32, or f64 with the `f64` feature: the casts are needed in one build or the other.
#![allow(clippy::unnecessary_cast)]

#[path = "common/models.rs"]
mod models;

use mlp_lab::config::Task;
use mlp_lab::data::{Dataset, Targets};
use mlp_lab::nn::Activation::{self, *};
use mlp_lab::predict::{number_text, predict_csv, predict_dataset, Predictions};
use models::{classifier, csv_text, engine_outputs, random_model, rows};

/// The CSV text parsed back: header and rows of cells.
fn parse(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn predict(model: &mlp_lab::model_io::Model, header: &[&str], data: &[f32]) -> Predictions {
    predict_csv(model, "rows.csv", csv_text(header, data).as_bytes()).expect("predicts")
}

fn numbers(cells: &[String]) -> Vec<f32> {
    cells.iter().map(|c| c.parse().unwrap()).collect()
}

const MIXED: [Activation; 8] = [
    Softmax, Relu, Tanh, Softmax, Sigmoid, LeakyRelu, Identity, Softmax,
];

#[test]
fn a_multiclass_model_writes_the_class_then_a_probability_per_class() {
    let model = random_model(1, 3, &[MIXED.to_vec(), vec![Softmax; 3]], true);
    let model = classifier(
        model,
        Task::Multiclass,
        &["setosa", "versicolor", "virginica"],
    );
    let data = rows(1, 50, 3);
    let (header, table) = parse(&predict(&model, &["a", "b", "c"], &data).to_csv());
    assert_eq!(
        header,
        ["prediction", "p_setosa", "p_versicolor", "p_virginica"]
    );
    assert_eq!(table.len(), 50);
    for row in &table {
        let p = numbers(&row[1..]);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5, "{row:?}");
        let best = (0..3).fold(0, |b, c| if p[c] > p[b] { c } else { b });
        assert_eq!(row[0], header[best + 1]["p_".len()..], "{row:?}");
    }
}

#[test]
fn one_sigmoid_unit_gives_both_classes_with_the_unit_as_the_second() {
    let model = random_model(2, 2, &[vec![Tanh; 4], vec![Sigmoid]], false);
    let model = classifier(model, Task::Binary, &["no", "yes"]);
    let data = rows(2, 200, 2);
    let out = engine_outputs(&model, &data);
    let (header, table) = parse(&predict(&model, &["x", "y"], &data).to_csv());
    assert_eq!(header, ["prediction", "p_no", "p_yes"]);
    let mut seen = [false; 2];
    for (r, row) in table.iter().enumerate() {
        let p = out[(r, 0)] as f32;
        assert_eq!(numbers(&row[1..]), [1.0 - p, p]);
        assert_eq!(row[0], if p > 0.5 { "yes" } else { "no" });
        seen[usize::from(p > 0.5)] = true;
    }
    assert_eq!(
        seen,
        [true, true],
        "both classes should be predicted somewhere"
    );
}

#[test]
fn a_model_saved_without_class_names_names_the_classes_by_index() {
    let model = random_model(3, 2, &[vec![Softmax; 3]], false);
    let model = classifier(model, Task::Multiclass, &[]);
    let (header, table) = parse(&predict(&model, &["x", "y"], &rows(3, 5, 2)).to_csv());
    assert_eq!(header, ["prediction", "p_0", "p_1", "p_2"]);
    assert!(table
        .iter()
        .all(|r| ["0", "1", "2"].contains(&r[0].as_str())));
}

#[test]
fn regression_writes_one_prediction_column_or_one_per_output() {
    let one = random_model(4, 2, &[vec![Relu; 5], vec![Identity]], true);
    let (header, _) = parse(&predict(&one, &["x", "y"], &rows(4, 5, 2)).to_csv());
    assert_eq!(header, ["prediction"]);
    let three = random_model(4, 2, &[vec![Relu; 5], vec![Identity; 3]], true);
    let (header, table) = parse(&predict(&three, &["x", "y"], &rows(4, 5, 2)).to_csv());
    assert_eq!(header, ["prediction_0", "prediction_1", "prediction_2"]);
    assert_eq!(table[0].len(), 3);
}

#[test]
fn a_saved_model_without_a_task_is_judged_by_its_output_layer() {
    let softmax = random_model(5, 2, &[vec![Softmax; 2]], false);
    let sigmoid = random_model(5, 2, &[vec![Sigmoid]], false);
    let identity = random_model(5, 2, &[vec![Identity]], false);
    let header = |m| parse(&predict(&m, &["x", "y"], &rows(5, 3, 2)).to_csv()).0;
    assert_eq!(header(softmax), ["prediction", "p_0", "p_1"]);
    assert_eq!(header(sigmoid), ["prediction", "p_0", "p_1"]);
    assert_eq!(header(identity), ["prediction"]);
}

/// Every number in the CSV is the engine's output to the bit: the same standardisation and
/// forward pass, and the shortest decimal that reads back as the same f32.
#[test]
fn predictions_equal_the_engine_bit_for_bit_on_a_thousand_rows() {
    let hidden = [
        MIXED.to_vec(),
        vec![Tanh, Softmax, LeakyRelu, Softmax, Sigmoid],
    ];
    let cases = [
        (Task::Regression, vec![Identity, Softmax, Sigmoid, Softmax]),
        (Task::Multiclass, vec![Softmax; 4]),
        (Task::Binary, vec![Sigmoid]),
    ];
    for (i, (task, out)) in cases.into_iter().enumerate() {
        let layers = [hidden[0].clone(), hidden[1].clone(), out];
        let mut model = random_model(10 + i as u64, 4, &layers, true);
        model.task = Some(task);
        let data = rows(10 + i as u64, 1000, 4);
        let expected = engine_outputs(&model, &data);
        let (_, table) = parse(&predict(&model, &["a", "b", "c", "d"], &data).to_csv());
        let skip = usize::from(task.is_classification()) + usize::from(task == Task::Binary);
        for (r, row) in table.iter().enumerate() {
            let got = numbers(&row[skip..]);
            let want: Vec<f32> = expected.row(r).iter().map(|v| *v as f32).collect();
            assert_eq!(
                got.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                want.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                "{task:?} row {r}"
            );
        }
    }
}

#[test]
fn the_training_target_column_is_ignored_wherever_it_sits() {
    let mut model = random_model(6, 3, &[vec![Tanh; 3], vec![Identity]], true);
    model.target = Some("price".into());
    model.feature_names = vec!["a".into(), "b".into(), "c".into()];
    let data = rows(6, 20, 3);
    let plain = predict(&model, &["a", "b", "c"], &data).to_csv();
    let mut text = String::from("a,price,b,c\n");
    for row in data.chunks(3) {
        text += &format!("{},expensive,{},{}\n", row[0], row[1], row[2]);
    }
    let with_target = predict_csv(&model, "rows.csv", text.as_bytes()).unwrap();
    assert_eq!(with_target.to_csv(), plain);
}

#[test]
fn class_names_with_commas_and_quotes_are_quoted_in_the_csv() {
    let model = random_model(7, 2, &[vec![Softmax; 2]], false);
    let model = classifier(model, Task::Multiclass, &["a, b", "say \"hi\""]);
    let text = predict(&model, &["x", "y"], &rows(7, 3, 2)).to_csv();
    assert!(
        text.starts_with("prediction,\"p_a, b\",\"p_say \"\"hi\"\"\"\n"),
        "{text}"
    );
    let (header, table) = parse(&text);
    assert_eq!(header[1..], ["p_a, b", "p_say \"hi\""]);
    assert!(table.iter().all(|r| r[0] == "a, b" || r[0] == "say \"hi\""));
}

#[test]
fn numbers_read_back_exactly_and_tiny_or_huge_ones_use_an_exponent() {
    for v in [
        0.1f32,
        1.0 / 3.0,
        7.6662e-12,
        1e-4,
        9.99e-5,
        123456.79,
        3e9,
        -2.5e-8,
        0.0,
    ] {
        let text = number_text(v);
        assert_eq!(
            text.parse::<f32>().unwrap().to_bits(),
            v.to_bits(),
            "{text}"
        );
        assert!(text.len() <= 15, "{v}: {text}");
    }
    assert_eq!(number_text(0.25), "0.25");
    assert_eq!(number_text(7.6662e-12), "7.6662e-12");
}

#[test]
fn a_gzipped_csv_is_read_like_the_plain_one() {
    use std::io::Write;
    let model = random_model(8, 2, &[vec![Relu; 3], vec![Identity]], false);
    let text = csv_text(&["x", "y"], &rows(8, 10, 2));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    let zipped = predict_csv(&model, "rows.csv.gz", &gz.finish().unwrap()).unwrap();
    assert_eq!(
        zipped,
        predict_csv(&model, "rows.csv", text.as_bytes()).unwrap()
    );
}

fn named_set(names: &[&str], data: Vec<f32>) -> Dataset {
    let d = names.len();
    let n = data.len() / d;
    Dataset {
        features: data,
        n,
        d,
        targets: Targets::Classes {
            labels: vec![0; n],
            n_classes: 1,
        },
        class_names: vec!["only".into()],
        feature_names: names.iter().map(|s| s.to_string()).collect(),
        image_shape: None,
    }
}

#[test]
fn a_data_set_is_matched_by_name_with_the_target_feature_left_out() {
    // As a model trained on `--data breast-cancer --target "mean area"` sees breast-cancer.
    let mut model = random_model(9, 2, &[vec![Identity]], false);
    model.target = Some("area".into());
    model.feature_names = vec!["radius".into(), "texture".into()];
    let data = rows(9, 10, 3);
    let set = named_set(&["radius", "area", "texture"], data.clone());
    let got = predict_dataset(&model, "set", &set).unwrap();
    let without: Vec<f32> = data.chunks(3).flat_map(|r| [r[0], r[2]]).collect();
    assert_eq!(got, predict(&model, &["radius", "texture"], &without));
}

#[test]
fn a_data_set_without_names_must_have_the_model_input_width() {
    let model = random_model(9, 2, &[vec![Identity]], false);
    let mut set = named_set(&["a", "b", "c"], rows(9, 4, 3));
    set.feature_names.clear();
    let err = predict_dataset(&model, "set", &set)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "set: the model takes 2 inputs but the data has 3 features"
    );
    let set = named_set(&["a", "b"], rows(9, 4, 2));
    assert_eq!(predict_dataset(&model, "set", &set).unwrap().n, 4);
}
