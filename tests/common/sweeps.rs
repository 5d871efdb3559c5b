//! Helpers for the sweep tests: a small base config and spec, and running the `mlp-lab sweep`
//! binary on a generated CSV.
//!
//! Pulled in with `#[path = "common/sweeps.rs"] mod sweeps;`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use mlp_lab::sweep::SweepSpec;
use serde_json::{json, Value};

/// A small valid base config (2 inputs → 8 tanh → 2-class softmax).
pub fn base() -> Value {
    json!({
        "seed": 3,
        "layers": [
            {"units": 8, "activation": "tanh", "init": "xavier_uniform"},
            {"units": 2, "activation": "softmax", "init": "xavier_uniform"}
        ],
        "loss": "cross_entropy",
        "optimizer": {"name": "adam", "lr": 0.01},
        "batch_size": 16,
        "epochs": 4,
        "validation_split": 0.25,
        "standardize": true
    })
}

pub fn spec(method: &str, max_trials: usize, parameters: Value) -> Value {
    json!({
        "method": method,
        "metric": "val_accuracy",
        "goal": "maximize",
        "max_trials": max_trials,
        "seed": 11,
        "base": base(),
        "parameters": parameters
    })
}

pub fn parse(v: &Value) -> SweepSpec {
    SweepSpec::from_json(&v.to_string()).unwrap_or_else(|e| panic!("the spec should parse: {e}"))
}

pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mlp-lab-sweep-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// 200 rows: two features, class 1 when x + y > 0 (with a little label noise); `value` is
/// 2x − y for regression.
pub fn write_csv(dir: &Path) -> PathBuf {
    let mut text = String::from("x,y,value,label\n");
    let mut state: u64 = 12345;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    };
    for i in 0..200 {
        let (x, y) = (next(), next());
        let label = u8::from(x + y > 0.0) ^ u8::from(i % 29 == 0);
        text += &format!("{x:.5},{y:.5},{:.5},{label}\n", 2.0 * x - y);
    }
    let path = dir.join("data.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// What a sweep run printed: its stderr, and the last stdout line as JSON.
pub struct Run {
    pub stderr: String,
    pub last: Value,
}

pub fn sweep(spec: &Value, dir: &Path, extra: &[&str]) -> Run {
    let spec_path = dir.join("spec-in.json");
    std::fs::write(&spec_path, spec.to_string()).unwrap();
    let csv = write_csv(dir);
    let out = Command::new(env!("CARGO_BIN_EXE_mlp-lab"))
        .args(["sweep", "--spec"])
        .arg(&spec_path)
        .arg("--data")
        .arg(&csv)
        .args(extra)
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "sweep failed:\n{stderr}");
    let line = stdout.lines().last().expect("a last stdout line");
    let last = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("the last line is JSON ({e}): {line}"));
    Run { stderr, last }
}
