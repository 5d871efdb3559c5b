//! Three epochs of training from given initial weights equal PyTorch's.
//!
//! `tests/fixtures/pytorch_training.json` (written by `tests/fixtures/gen.py`) holds, per loss, a
//! 40-row × 3-feature data set as CSV text (a `target` column of classes for cross_entropy and
//! binary_cross_entropy, of real values for mse) and an initial model, and 162 runs — every loss ×
//! optimizer × regularization × clip mode — each with its config (batch_size 16, so batches of
//! 16, 16 and 8; no shuffling, no validation split, no standardization; 3 epochs), PyTorch's
//! final weights and its per-epoch mean training loss.
//!
//! The library tests run every run through [`Trainer`] — the classification runs on both output
//! paths, fused and through the Jacobian, against the same PyTorch result; the CLI test runs
//! every run through `mlp-lab train --init` on temp files.
//!
//! Tolerance: |engine − torch| ≤ 1e-4·max(|engine|, |torch|) + 1e-7. Nine steps with the
//! training learning rates let summation-order differences (a few f32 ulps per step) grow more
//! than in the 5-step optimizer tests, hence 1e-4 relative. The absolute floor covers parameters
//! that end near zero, where only the absolute error of the updates that carried them there
//! means anything: gen.py reruns every run in float64 and finds PyTorch's own float32 result at
//! most 7e-9 beyond 1e-4 relative (`float32_noise` in the fixture), and the engine's largest
//! such excess is of the same order (printed by the tests), so 1e-7 (about one f32 ulp of an
//! O(1) weight) leaves a wide margin without hiding anything larger. The optimizers' own
//! arithmetic is held to a few ulps separately, in `tests/pytorch_optimizers.rs`.

// PyTorch's float32 goldens, at f32 tolerances: the f32 build's tests (the f64 build runs the
// gradient checks).
#![cfg(not(feature = "f64"))]

#[path = "common/torch_fixture.rs"]
mod torch_fixture;

use mlp_lab::data::{Dataset, Targets};
use mlp_lab::model_io::Model;
use mlp_lab::train::trainer::Trainer;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;
use torch_fixture::{close, compare_network, config, dataset, fail_if_any, load, network, Worst};

const REL: f64 = 1e-4;
const ABS: f64 = 1e-7;

/// The CSV text of a fixture data set (`f0,f1,f2,target`) as a data set: class labels for the
/// classification losses, values for mse.
fn parse_csv(data: &Value) -> Dataset {
    let text = data["csv"].as_str().unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let target = header
        .iter()
        .position(|h| *h == data["target"].as_str().unwrap())
        .unwrap();
    let (mut features, mut raw) = (Vec::new(), Vec::new());
    for line in lines {
        for (i, cell) in line.split(',').enumerate() {
            if i == target {
                raw.push(cell.to_string());
            } else {
                features.push(cell.parse::<f32>().unwrap());
            }
        }
    }
    let targets = match data["n_classes"].as_u64() {
        Some(n_classes) => Targets::Classes {
            labels: raw.iter().map(|c| c.parse().unwrap()).collect(),
            n_classes: n_classes as usize,
        },
        None => Targets::Values {
            values: raw.iter().map(|c| c.parse().unwrap()).collect(),
            k: 1,
        },
    };
    dataset(features, header.len() - 1, targets)
}

fn check_epoch_losses(
    name: &str,
    ours: &[f64],
    theirs: &Value,
    failures: &mut Vec<String>,
    worst: &mut Worst,
) {
    let theirs = theirs.as_array().unwrap();
    if ours.len() != theirs.len() {
        failures.push(format!(
            "{name}: {} epochs recorded, PyTorch has {}",
            ours.len(),
            theirs.len()
        ));
        return;
    }
    for (e, (a, b)) in ours.iter().zip(theirs).enumerate() {
        let b = b.as_f64().unwrap();
        worst.record(*a, b, REL, || format!("{name}, epoch {}", e + 1));
        if !close(*a, b, REL, ABS) {
            failures.push(format!(
                "{name}: epoch {} mean training loss: engine {a:e} vs PyTorch {b:e}",
                e + 1
            ));
        }
    }
}

/// Trains every run with `loss` through the library and compares the final weights and the
/// per-epoch training losses.
fn check_loss(loss: &str) {
    let fixture = load("pytorch_training.json");
    let runs: Vec<&Value> = fixture["runs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["config"]["loss"] == loss)
        .collect();
    assert_eq!(
        runs.len(),
        54,
        "6 optimizers × 3 regularizations × 3 clip modes"
    );
    let data = parse_csv(&fixture["data"][loss]);
    let init = network(&fixture["models"][loss]);
    let (mut worst, mut loss_worst, mut failures) =
        (Worst::default(), Worst::default(), Vec::new());
    let mut compared = 0;
    for run in &runs {
        let name = run["name"].as_str().unwrap();
        let cfg = config(&run["config"]);
        // PyTorch's result is the same mathematics whichever way the engine differentiates
        // the output, so a classification run is held to it on both paths.
        if loss != "mse" {
            let mut other = cfg.clone();
            other.fused = !cfg.fused;
            let mut trainer = Trainer::new(&other, data.clone(), None, Some(init.clone()))
                .expect("trainer starts");
            trainer.run(|_| {}).expect("training succeeds");
            let label = format!("{name} (run with fused={})", other.fused);
            compared += 1;
            match compare_network(trainer.network(), &run["final"], REL, ABS, &label) {
                Ok(w) => worst.merge(&w),
                Err(e) => failures.push(e),
            }
        }
        let mut trainer =
            Trainer::new(&cfg, data.clone(), None, Some(init.clone())).expect("trainer starts");
        trainer.run(|_| {}).expect("training succeeds");
        compared += 1;
        match compare_network(trainer.network(), &run["final"], REL, ABS, name) {
            Ok(w) => worst.merge(&w),
            Err(e) => failures.push(e),
        }
        let ours: Vec<f64> = trainer
            .history()
            .epochs
            .iter()
            .map(|e| e.train_loss)
            .collect();
        check_epoch_losses(
            name,
            &ours,
            &run["epoch_losses"],
            &mut failures,
            &mut loss_worst,
        );
    }
    worst.report(&format!(
        "{loss} training ({} runs, {compared} trainings), final weights",
        runs.len()
    ));
    loss_worst.report(&format!(
        "{loss} training ({} runs), epoch losses",
        runs.len()
    ));
    fail_if_any(&failures, compared, &format!("{loss} trainings"));
}

#[test]
fn three_epochs_of_cross_entropy_training_match_pytorch_for_every_optimizer_regularizer_and_clip() {
    check_loss("cross_entropy");
}

#[test]
fn three_epochs_of_binary_cross_entropy_training_match_pytorch_for_every_optimizer_regularizer_and_clip(
) {
    check_loss("binary_cross_entropy");
}

#[test]
fn three_epochs_of_mse_training_match_pytorch_for_every_optimizer_regularizer_and_clip() {
    check_loss("mse");
}

#[test]
fn the_training_fixture_has_every_loss_optimizer_regularizer_and_clip_combination() {
    let fixture = load("pytorch_training.json");
    let runs = fixture["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 162);
    for loss in ["cross_entropy", "binary_cross_entropy", "mse"] {
        let data = parse_csv(&fixture["data"][loss]);
        assert_eq!((data.n, data.d), (40, 3), "{loss} data shape");
        for opt in ["sgd", "momentum", "nag", "rmsprop", "adam", "adamw"] {
            for reg in ["none", "l1", "l2"] {
                for clip in ["none", "value", "norm"] {
                    let n = runs
                        .iter()
                        .filter(|r| {
                            let c = &r["config"];
                            c["loss"] == loss
                                && c["optimizer"]["name"] == opt
                                && c["regularization"]["kind"] == reg
                                && c["clip"]["kind"] == clip
                        })
                        .count();
                    assert_eq!(n, 1, "{loss} {opt} reg={reg} clip={clip}");
                }
            }
        }
    }
}

/// A fresh directory under the system temp dir for one test's files.
fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mlp-lab-pytorch-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every run of the fixture (loss × optimizer × regularization × clip, with the fused and the
/// Jacobian paths where the fixture has both) through `mlp-lab train --config --data --target
/// --init --save`.
#[test]
fn the_cli_train_command_from_init_weights_matches_pytorch_for_every_combination() {
    let fixture = load("pytorch_training.json");
    let runs = fixture["runs"].as_array().unwrap();
    let dir = temp_dir("cli");
    let (mut worst, mut failures, mut total) = (Worst::default(), Vec::new(), 0);
    for loss in ["cross_entropy", "binary_cross_entropy", "mse"] {
        let data_path = dir.join(format!("{loss}.csv"));
        std::fs::write(&data_path, fixture["data"][loss]["csv"].as_str().unwrap()).unwrap();
        let init_path = dir.join(format!("{loss}-init.json"));
        std::fs::write(&init_path, fixture["models"][loss].to_string()).unwrap();
        for (ri, run) in runs
            .iter()
            .enumerate()
            .filter(|(_, r)| r["config"]["loss"] == loss)
        {
            let name = run["name"].as_str().unwrap();
            total += 1;
            let stem = format!("run{ri}");
            let config_path = dir.join(format!("{stem}-config.json"));
            let save_path = dir.join(format!("{stem}-out.json"));
            std::fs::write(&config_path, run["config"].to_string()).unwrap();
            let out = Command::new(env!("CARGO_BIN_EXE_mlp-lab"))
                .arg("train")
                .arg("--config")
                .arg(&config_path)
                .arg("--data")
                .arg(&data_path)
                .arg("--target")
                .arg(fixture["data"][loss]["target"].as_str().unwrap())
                .arg("--init")
                .arg(&init_path)
                .arg("--save")
                .arg(&save_path)
                .output()
                .expect("the mlp-lab binary runs");
            if !out.status.success() {
                failures.push(format!(
                    "{name}: `mlp-lab train` failed ({}): {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
                continue;
            }
            let saved = match std::fs::read_to_string(&save_path) {
                Ok(text) => text,
                Err(e) => {
                    failures.push(format!(
                        "{name}: `mlp-lab train` wrote no model to --save: {e}"
                    ));
                    continue;
                }
            };
            let model = match Model::from_json(&saved) {
                Ok(m) => m,
                Err(e) => {
                    failures.push(format!("{name}: the saved model does not load: {e}"));
                    continue;
                }
            };
            match compare_network(
                &model.network,
                &run["final"],
                REL,
                ABS,
                &format!("CLI {name}"),
            ) {
                Ok(w) => worst.merge(&w),
                Err(e) => failures.push(e),
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    worst.report(&format!("CLI training ({total} runs), final weights"));
    fail_if_any(&failures, total, "CLI training runs");
}
