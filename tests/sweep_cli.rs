//! The `mlp-lab sweep` binary end to end on a generated CSV: two workers, a diverging trial
//! marked failed without stopping the sweep, the best trial's config written to `--out` and
//! trained again, and too many workers refused.

use std::process::Command;

use mlp_lab::sweep::{Params, Sampler};
use serde_json::{json, Value};

#[path = "common/sweeps.rs"]
mod sweeps;
use sweeps::{parse, spec, sweep, temp_dir, write_csv};

#[test]
fn a_sweep_on_a_generated_csv_runs_end_to_end_through_the_cli_with_two_workers() {
    let dir = temp_dir("e2e");
    let s = spec(
        "random",
        4,
        json!({
            "optimizer.lr": {"min": 1e-3, "max": 1e-1, "scale": "log"},
            "hidden_units": {"min": 2, "max": 12},
            "optimizer.name": {"values": ["sgd", "adam"]}
        }),
    );
    let run = sweep(&s, &dir, &["--target", "label", "--workers", "2"]);
    assert!(run.stderr.contains("2 worker(s)"), "{}", run.stderr);
    let last = &run.last;
    assert_eq!(last["method"], "random");
    assert_eq!(last["metric"], "val_accuracy");
    assert_eq!(last["goal"], "maximize");
    let trials = last["trials"].as_array().unwrap();
    assert_eq!(trials.len(), 4);
    let sampler = Sampler::from_spec(&parse(&s));
    for (i, t) in trials.iter().enumerate() {
        assert_eq!(t["id"], i);
        assert_eq!(t["status"], "completed", "{t}");
        let m = t["metric"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&m));
        assert_eq!(
            t["params"],
            json!(sampler.random(i)),
            "trial {i} ran the sampler's params"
        );
    }
    let best = &last["best"];
    let best_metric = trials
        .iter()
        .map(|t| t["metric"].as_f64().unwrap())
        .fold(0.0, f64::max);
    assert_eq!(best["metric"].as_f64().unwrap(), best_metric);
    assert_eq!(
        trials[best["id"].as_u64().unwrap() as usize]["params"],
        best["params"]
    );
    assert!(
        best_metric > 0.8,
        "some trial learns x + y > 0: {best_metric}"
    );
}

#[test]
fn a_diverging_trial_is_marked_failed_and_the_sweep_goes_on() {
    let dir = temp_dir("diverge");
    let mut s = spec(
        "grid",
        10,
        json!({"optimizer.lr": {"values": [1e30, 0.01]}, "optimizer.name": {"values": ["sgd"]}}),
    );
    s["metric"] = json!("val_loss");
    s["goal"] = json!("minimize");
    s["base"]["loss"] = json!("mse");
    s["base"]["task"] = json!("regression");
    s["base"]["layers"][1] = json!({"units": 1, "activation": "identity"});
    let run = sweep(&s, &dir, &["--target", "value", "--workers", "2"]);
    let trials = run.last["trials"].as_array().unwrap();
    assert_eq!(trials.len(), 2);
    assert_eq!(trials[0]["status"], "failed", "{}", trials[0]);
    assert!(
        trials[0]["message"]
            .as_str()
            .unwrap()
            .contains("learning rate"),
        "{}",
        trials[0]
    );
    assert_eq!(trials[0]["metric"], Value::Null);
    assert_eq!(trials[1]["status"], "completed");
    assert_eq!(run.last["best"]["id"], 1);
}

#[test]
fn the_best_trial_s_config_is_written_to_out_and_trains_again_to_the_same_metric() {
    let dir = temp_dir("best");
    let out = dir.join("out");
    let s = spec(
        "random",
        3,
        json!({
            "optimizer.lr": {"min": 1e-3, "max": 1e-1, "scale": "log"},
            "hidden_units": {"min": 2, "max": 12}
        }),
    );
    let run = sweep(
        &s,
        &dir,
        &[
            "--target",
            "label",
            "--workers",
            "1",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let best = &run.last["best"];
    let preset: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("best.json")).unwrap()).unwrap();
    let params: Params = serde_json::from_value(best["params"].clone()).unwrap();
    let expected = mlp_lab::sweep::space::build_config(&parse(&s).base, &params).unwrap();
    assert_eq!(preset["config"], serde_json::to_value(&expected).unwrap());
    let again = Command::new(env!("CARGO_BIN_EXE_mlp-lab"))
        .args(["train", "-q", "--config"])
        .arg(out.join("best.json"))
        .arg("--target")
        .arg("label")
        .output()
        .expect("the binary runs");
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let stdout = String::from_utf8_lossy(&again.stdout);
    let result: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(
        result["val_accuracy"], best["metric"],
        "same config, seed and data"
    );
}

#[test]
fn cli_workers_above_the_cap_are_refused() {
    let dir = temp_dir("workers-cap");
    let spec_path = dir.join("spec-in.json");
    std::fs::write(
        &spec_path,
        spec("random", 2, json!({"optimizer.lr": {"values": [0.01]}})).to_string(),
    )
    .unwrap();
    let csv = write_csv(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_mlp-lab"))
        .args(["sweep", "-q", "--spec"])
        .arg(&spec_path)
        .arg("--data")
        .arg(&csv)
        .args(["--target", "label", "--workers", "5000"])
        .output()
        .expect("the binary runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--workers: at most 1024 trials can train at once, found 5000"),
        "{stderr}"
    );
}
