//! `mlp-lab predict` and `mlp-lab export` from the command line: a model trained by `train`
//! predicts a CSV (its target column ignored) or a named set, to stdout or `--out`; a bad file
//! exits non-zero naming the line and column; `export --format onnx` writes a file that decodes.

mod common;

use mlp_lab::onnx::proto::ModelProto;
use prost::Message;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn temp_dir(tag: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("mlp-lab-cli-predict-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn mlp_lab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mlp-lab"))
        .args(args)
        .output()
        .expect("the mlp-lab binary runs")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[track_caller]
fn ok(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "mlp-lab failed: {err}");
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[track_caller]
fn failed(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "expected exit code 1");
    assert!(out.stdout.is_empty(), "nothing on stdout on failure");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Blobs labelled `no` (x < 0) and `yes` (x > 0) with a noise column `y`; the label in the middle.
fn blobs(path: &Path) {
    let mut text = String::from("x,label,y\n");
    for i in 0..60 {
        let (x, label) = match i % 2 {
            0 => (-2.0 - (i % 7) as f64 * 0.1, "no"),
            _ => (2.0 + (i % 5) as f64 * 0.1, "yes"),
        };
        text += &format!("{x},{label},{}\n", (i % 3) as f64 * 0.1);
    }
    std::fs::write(path, text).unwrap();
}

/// A softmax classifier trained on `blobs`, saved in `dir/model.json`.
fn trained(dir: &Path) -> PathBuf {
    let (config, data, model) = (
        dir.join("c.json"),
        dir.join("d.csv"),
        dir.join("model.json"),
    );
    std::fs::write(
        &config,
        r#"{"seed": 3, "layers": [{"units": 2, "activation": "softmax"}],
            "optimizer": {"name": "adam", "lr": 0.05}, "batch_size": 8, "epochs": 40,
            "standardize": true}"#,
    )
    .unwrap();
    blobs(&data);
    let args = ["train", "-q", "--config", s(&config), "--data", s(&data)];
    ok(&mlp_lab(
        &[&args[..], &["--target", "label", "--save", s(&model)]].concat(),
    ));
    model
}

#[test]
fn a_trained_model_predicts_its_own_csv_ignoring_the_target_column() {
    let dir = temp_dir("own");
    let model = trained(&dir);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(saved["target"], "label");
    assert_eq!(saved["feature_names"], serde_json::json!(["x", "y"]));
    let text = ok(&mlp_lab(&[
        "predict",
        "--model",
        s(&model),
        "--data",
        s(&dir.join("d.csv")),
    ]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "prediction,p_no,p_yes");
    assert_eq!(lines.len(), 61);
    let data = std::fs::read_to_string(dir.join("d.csv")).unwrap();
    for (pred, row) in lines[1..].iter().zip(data.lines().skip(1)) {
        let label = row.split(',').nth(1).unwrap();
        let cells: Vec<&str> = pred.split(',').collect();
        assert_eq!(cells[0], label, "{pred} for {row}");
        let p: f32 = cells[1].parse::<f32>().unwrap() + cells[2].parse::<f32>().unwrap();
        assert!((p - 1.0).abs() < 1e-6, "{pred}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn out_writes_the_file_and_leaves_stdout_empty() {
    let dir = temp_dir("out");
    let model = trained(&dir);
    let new = dir.join("new.csv");
    std::fs::write(&new, "x,y\n-3,0\n3,0.2\n").unwrap();
    let out_path = dir.join("p.csv");
    let args = ["predict", "--model", s(&model), "--data", s(&new)];
    let stdout = ok(&mlp_lab(&[&args[..], &["--out", s(&out_path)]].concat()));
    assert_eq!(stdout, "");
    let text = std::fs::read_to_string(&out_path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[1].starts_with("no,") && lines[2].starts_with("yes,"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_file_exits_with_1_naming_the_line_and_column() {
    let dir = temp_dir("bad");
    let model = trained(&dir);
    let cases = [
        (
            "x,y\n1,2\n3,oops\n",
            "line 3, column 2 (y): not a number \"oops\"",
        ),
        ("x,y\n1,2\n3\n", "line 3 has 1 fields but 2 were expected"),
        (
            "y,x\n1,2\n",
            "line 1, column 1 (\"y\"): found \"y\" where feature 1 \"x\" belongs",
        ),
        ("x,z\n1,2\n", "line 1 (the header): no column \"y\""),
    ];
    for (text, message) in cases {
        std::fs::write(dir.join("new.csv"), text).unwrap();
        let out = mlp_lab(&[
            "predict",
            "--model",
            s(&model),
            "--data",
            s(&dir.join("new.csv")),
        ]);
        let err = failed(&out);
        assert!(err.starts_with("mlp-lab: "), "{err}");
        assert!(err.contains(message), "{err} lacks {message}");
    }
    let missing = failed(&mlp_lab(&[
        "predict",
        "--model",
        s(&model),
        "--data",
        "nope.csv",
    ]));
    assert!(missing.contains("nope.csv: cannot read"), "{missing}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn target_names_another_column_to_ignore() {
    let dir = temp_dir("target");
    let model = trained(&dir);
    let new = dir.join("new.csv");
    std::fs::write(&new, "id,x,y\n7,-3,0\n").unwrap();
    let args = ["predict", "--model", s(&model), "--data", s(&new)];
    let text = ok(&mlp_lab(&[&args[..], &["--target", "id"]].concat()));
    assert!(text.lines().nth(1).unwrap().starts_with("no,"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn export_writes_an_onnx_file_and_refuses_unknown_formats() {
    let dir = temp_dir("export");
    let model = trained(&dir);
    let onnx = dir.join("m.onnx");
    let args = [
        "export",
        "--model",
        s(&model),
        "--format",
        "onnx",
        "--out",
        s(&onnx),
    ];
    let out = mlp_lab(&args);
    assert_eq!(ok(&out), "");
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(
        note.contains("input `input` float32 [N, 2] → output `output` [N, 2]"),
        "{note}"
    );
    let m = ModelProto::decode(std::fs::read(&onnx).unwrap().as_slice()).unwrap();
    assert_eq!(m.opset_import[0].version, 17);
    let names = m
        .graph
        .unwrap()
        .node
        .into_iter()
        .map(|n| n.op_type)
        .collect::<Vec<_>>();
    assert_eq!(names, ["Sub", "Div", "Gemm", "Softmax"]);
    let out = mlp_lab(&[
        "export",
        "--model",
        s(&model),
        "--format",
        "pmml",
        "--out",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("possible values: onnx"));
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\"format\": \"mlp-lab-model\"}").unwrap();
    let args = ["export", "--model", s(&broken), "--format", "onnx"];
    let err = failed(&mlp_lab(&[&args[..], &["--out", s(&onnx)]].concat()));
    assert!(err.contains("broken.json: model file"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_named_set_is_predicted_by_name() {
    let data = common::data_dir();
    if !data.join("sklearn").is_dir() {
        eprintln!(
            "skipped: no scikit-learn data in {} (set MLP_LAB_DATA)",
            data.display()
        );
        return;
    }
    let dir = temp_dir("named");
    let model = dir.join("iris.json");
    let preset = concat!(env!("CARGO_MANIFEST_DIR"), "/www/presets/iris.json");
    let dd = ["--data-dir", s(&data)];
    ok(&mlp_lab(
        &[
            &["train", "-q", "--config", preset, "--save", s(&model)][..],
            &dd,
        ]
        .concat(),
    ));
    let out = mlp_lab(
        &[
            &["predict", "--model", s(&model), "--data", "iris"][..],
            &dd,
        ]
        .concat(),
    );
    let text = ok(&out);
    assert_eq!(
        text.lines().next(),
        Some("prediction,p_setosa,p_versicolor,p_virginica")
    );
    assert_eq!(text.lines().count(), 151);
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(
        note.contains("predicting 150 rows of iris (every row)"),
        "{note}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
