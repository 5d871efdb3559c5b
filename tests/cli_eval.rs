//! `mlp-lab eval` scores a saved model on the right classes and the right rows: labels are
//! matched to the model's class names (a file's own sorted numbering is not the model's), and a
//! model evaluated on the data it was trained on is scored on the rows its run held out.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mlp-lab-cli-eval-{}-{tag}", std::process::id()));
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

fn last_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "mlp-lab failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.lines().last().unwrap()).unwrap()
}

/// Two well separated blobs labelled `no` (x < 0) and `yes` (x > 0); `keep` picks rows.
fn blobs(path: &Path, keep: impl Fn(&str) -> bool) {
    let mut text = String::from("x,y,label\n");
    for i in 0..60 {
        let (x, label) = if i % 2 == 0 {
            (-2.0 - (i % 7) as f64 * 0.1, "no")
        } else {
            (2.0 + (i % 5) as f64 * 0.1, "yes")
        };
        if keep(label) {
            text += &format!("{x},{},{label}\n", (i % 3) as f64 * 0.1);
        }
    }
    std::fs::write(path, text).unwrap();
}

fn write_config(dir: &Path, extra: &str) -> PathBuf {
    let path = dir.join("config.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"seed": 3, "layers": [{{"units": 2, "activation": "softmax"}}],
                "optimizer": {{"name": "adam", "lr": 0.05}}, "batch_size": 8, "epochs": 40{extra}}}"#
        ),
    )
    .unwrap();
    path
}

#[test]
fn eval_matches_labels_to_the_model_class_names() {
    let dir = temp_dir("classes");
    let (all, yes, other) = (
        dir.join("all.csv"),
        dir.join("yes.csv"),
        dir.join("other.csv"),
    );
    blobs(&all, |_| true);
    blobs(&yes, |l| l == "yes");
    std::fs::write(&other, "x,y,label\n2.1,0,yes\n-2.1,0,maybe\n").unwrap();
    let model = dir.join("model.json");
    let trained = train(&write_config(&dir, ""), &all, &model);
    assert_eq!(trained["train_accuracy"], 1.0, "{trained}");
    // A file of `yes` rows alone numbers `yes` as its class 0; the model's class 0 is `no`.
    let out = last_json(&eval(&model, &yes, &[]));
    assert_eq!(out["accuracy"], 1.0, "{out}");
    assert_eq!(
        out["confusion_matrix"],
        serde_json::json!([[0, 0], [0, 30]]),
        "{out}"
    );
    assert_eq!(out["n"], 30);
    // A label the model never saw is refused by name, not scored as some other class.
    let out = eval(&model, &other, &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "the data's class \"maybe\" (1 row) is not one of the model's classes (no, yes)"
        ),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `mlp-lab train` on a CSV with a `label` target, saving the model.
fn train(config: &Path, data: &Path, model: &Path) -> Value {
    let s = |p: &Path| p.to_str().unwrap().to_string();
    last_json(&mlp_lab(&[
        "train",
        "-q",
        "--config",
        &s(config),
        "--data",
        &s(data),
        "--target",
        "label",
        "--save",
        &s(model),
    ]))
}

/// `mlp-lab eval` of `model` on a CSV with a `label` target, plus `extra` flags.
fn eval(model: &Path, data: &Path, extra: &[&str]) -> Output {
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let mut args = vec![
        "eval".to_string(),
        "--model".into(),
        s(model),
        "--data".into(),
        s(data),
        "--target".into(),
        "label".into(),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    mlp_lab(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Which rows eval scored, and how many.
fn scored(out: &Output) -> (String, u64) {
    let v = last_json(out);
    (
        v["rows"].as_str().unwrap_or("").to_string(),
        v["n"].as_u64().unwrap_or(0),
    )
}

#[test]
fn eval_on_the_training_data_scores_the_rows_its_run_held_out() {
    let dir = temp_dir("held-out");
    let all = dir.join("all.csv");
    blobs(&all, |_| true);
    let model = dir.join("model.json");
    train(
        &write_config(&dir, r#", "test_split": 0.25, "validation_split": 0.2"#),
        &all,
        &model,
    );
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(saved["split"]["rows"], 60, "{}", saved["split"]);
    assert_eq!(scored(&eval(&model, &all, &[])), ("test".into(), 15));
    assert_eq!(
        scored(&eval(&model, &all, &["--all-rows"])),
        ("all".into(), 60)
    );
    // Without a test split the validation rows are the held-out ones.
    train(
        &write_config(&dir, r#", "validation_split": 0.2"#),
        &all,
        &model,
    );
    assert_eq!(scored(&eval(&model, &all, &[])), ("validation".into(), 12));
    // Trained on every row: all rows are scored, and stderr says it is no held-out estimate.
    train(&write_config(&dir, ""), &all, &model);
    let out = eval(&model, &all, &[]);
    assert_eq!(scored(&out), ("all".into(), 60));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a held-out estimate"));
    // Other data (another row count) is scored whole, silently.
    let half = dir.join("half.csv");
    let text = std::fs::read_to_string(&all).unwrap();
    std::fs::write(&half, text.lines().take(31).collect::<Vec<_>>().join("\n")).unwrap();
    let out = eval(&model, &half, &[]);
    assert_eq!(scored(&out), ("all".into(), 30));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
