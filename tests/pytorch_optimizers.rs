//! Every optimizer, step by step, against PyTorch.
//!
//! `tests/fixtures/pytorch_optimizers.json` (written by `tests/fixtures/gen.py`) holds, for each
//! optimizer × regularization × clip mode (cross-entropy), plus mse, binary cross-entropy,
//! unfused and softmax-in-a-hidden-layer cases, the initial model, the batches, the config, and
//! PyTorch's data loss and parameters after each of 5 steps (batches of 8, 8, 8, 8, 4 rows). The
//! tests run the engine's [`Trainer`] one batch at a time on the same data and compare every
//! weight and bias after every step.
//!
//! Tolerance for the network-level cases: |engine − torch| ≤ 1e-5·max(|engine|, |torch|) + 5e-7.
//! The relative part allows the differences in summation order between matrixmultiply and
//! PyTorch's kernels (a few f32 ulps per step) to grow over 5 steps. The absolute floor is for
//! parameters that an update carried close to zero, where w − lr·d cancels and leaves the
//! rounding of operands ~100× larger than the result: measured, not guessed — gen.py reruns
//! every case in float64 and finds PyTorch's own float32 result up to 1.3e-7 beyond the relative
//! part (`float32_noise` in the fixture; RMSprop with momentum on a bias whose gradients are
//! small differences, normalised by their own RMS, then cancelled to 5.7e-4). The engine carries
//! an independent error of the same kind, so ~2.6e-7 is expected; 5e-7 leaves room for other
//! SIMD paths (matrixmultiply picks its kernel by CPU feature). Because such a floor (and 1e-5
//! relative) would hide a small systematic error in an update formula, the optimizers' arithmetic
//! is also checked on its own, on given gradients, to 1e-6 of each parameter's scale
//! ([`every_optimizer_update_matches_pytorch_to_a_few_ulps_on_given_gradients`]).

// PyTorch's float32 goldens, at f32 tolerances: the f32 build's tests (the f64 build runs the
// gradient checks).
#![cfg(not(feature = "f64"))]

#[path = "common/torch_fixture.rs"]
mod torch_fixture;

use mlp_lab::data::Targets;
use mlp_lab::train::batch::{gather_features, gather_targets};
use mlp_lab::train::trainer::Trainer;
use mlp_lab::Matrix;
use serde_json::Value;
use torch_fixture::{
    close, compare_network, config, dataset, f32s, fail_if_any, load, network, Worst,
};

const REL: f64 = 1e-5;
const ABS: f64 = 5e-7;

/// The fixture's data set for one case: features of 4 columns and labels or 2-column values.
fn case_data(data: &Value, n_outputs: usize) -> mlp_lab::data::Dataset {
    let x: Vec<f32> = data["x"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(f32s)
        .collect();
    let d = data["x"][0].as_array().unwrap().len();
    let targets = &data["targets"];
    let t = if targets[0].is_array() {
        let values: Vec<f32> = targets.as_array().unwrap().iter().flat_map(f32s).collect();
        Targets::Values {
            values,
            k: n_outputs,
        }
    } else {
        let labels: Vec<u32> = targets
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        let n_classes = if n_outputs == 1 { 2 } else { n_outputs };
        Targets::Classes { labels, n_classes }
    };
    dataset(x, d, t)
}

/// Runs every case whose optimizer entry matches `select`, comparing the parameters after every
/// step and each step's data loss; prints the worst relative difference and panics listing
/// every mismatch.
fn check_cases(label: &str, select: impl Fn(&Value) -> bool) {
    let fixture = load("pytorch_optimizers.json");
    let cases: Vec<&Value> = fixture["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| select(c))
        .collect();
    assert!(!cases.is_empty(), "no fixture cases for {label}");
    let mut worst = Worst::default();
    let mut loss_worst = Worst::default();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let cfg = config(&case["config"]);
        let init = network(&fixture["models"][case["model"].as_str().unwrap()]);
        let train = case_data(
            &fixture["data"][case["data"].as_str().unwrap()],
            init.output_units(),
        );
        let mut trainer =
            Trainer::new(&cfg, train.clone(), None, Some(init)).expect("trainer starts");
        let steps = case["steps"].as_array().unwrap();
        let step_losses = f32s(&case["step_losses"]);
        assert_eq!(
            steps.len(),
            trainer.batches_per_epoch(),
            "{name}: one epoch of steps"
        );
        let mut start = 0;
        for (s, expected) in steps.iter().enumerate() {
            // The data loss of this batch before the update, from the same weights the trainer
            // is about to step (PyTorch computes it in f32).
            let b = cfg.batch_size.min(train.n - start);
            let rows: Vec<usize> = (start..start + b).collect();
            let net = trainer.network().clone();
            let (mut x, mut y) = (
                Matrix::zeros(b, train.d),
                Matrix::zeros(b, net.output_units()),
            );
            gather_features(&train, &rows, &mut x);
            gather_targets(&train, &rows, &mut y);
            let mut ws = net.workspace(b);
            let mut grads = net.zero_gradients();
            let loss = net.loss_and_gradients(&x, &y, cfg.loss, cfg.fused, &mut ws, &mut grads);
            let theirs = step_losses[s] as f64;
            loss_worst.record(loss, theirs, REL, || format!("{name}, step {}", s + 1));
            if !close(loss, theirs, REL, ABS) {
                failures.push(format!(
                    "{name}: step {}: loss: engine {loss:e} vs PyTorch {theirs:e}",
                    s + 1
                ));
                break;
            }
            trainer.step(1).expect("step succeeds");
            start += b;
            match compare_network(
                trainer.network(),
                expected,
                REL,
                ABS,
                &format!("{name}: step {}", s + 1),
            ) {
                Ok(w) => worst.merge(&w),
                Err(e) => {
                    failures.push(e);
                    break;
                }
            }
        }
        if let Some(epoch) = trainer.history().epochs.first() {
            let theirs = case["epoch_loss"].as_f64().unwrap();
            if !close(epoch.train_loss, theirs, REL, ABS) {
                failures.push(format!(
                    "{name}: epoch mean training loss: engine {:e} vs PyTorch {theirs:e}",
                    epoch.train_loss
                ));
            }
        }
    }
    let noise = &fixture["float32_noise"];
    println!(
        "{label}: (PyTorch float32 vs float64 on the whole fixture: up to {:.3e} beyond 1e-5 relative, in {})",
        noise["max_excess"].as_f64().unwrap(),
        noise["case"]
    );
    worst.report(&format!("{label} ({} cases), parameters", cases.len()));
    loss_worst.report(&format!("{label} ({} cases), step losses", cases.len()));
    fail_if_any(&failures, cases.len(), &format!("{label} cases"));
}

fn optimizer_is(case: &Value, name: &str, momentum: Option<bool>) -> bool {
    let opt = &case["config"]["optimizer"];
    opt["name"] == name && momentum.is_none_or(|m| opt.get("momentum").is_some() == m)
}

#[test]
fn plain_sgd_matches_pytorch_after_every_step() {
    check_cases("sgd", |c| optimizer_is(c, "sgd", None));
}

#[test]
fn sgd_with_momentum_matches_pytorch_after_every_step() {
    check_cases("momentum", |c| optimizer_is(c, "momentum", None));
}

#[test]
fn nesterov_momentum_matches_pytorch_after_every_step() {
    check_cases("nag", |c| optimizer_is(c, "nag", None));
}

#[test]
fn rmsprop_without_momentum_matches_pytorch_after_every_step() {
    check_cases("rmsprop", |c| optimizer_is(c, "rmsprop", Some(false)));
}

#[test]
fn rmsprop_with_momentum_matches_pytorch_after_every_step() {
    check_cases("rmsprop with momentum", |c| {
        optimizer_is(c, "rmsprop", Some(true))
    });
}

#[test]
fn adam_matches_pytorch_after_every_step() {
    check_cases("adam", |c| optimizer_is(c, "adam", None));
}

#[test]
fn adamw_matches_pytorch_after_every_step() {
    check_cases("adamw", |c| optimizer_is(c, "adamw", None));
}

/// Guards the fixture itself: every optimizer appears with every regularization and clip mode,
/// every loss appears with every optimizer, and unfused cases exist.
#[test]
fn the_optimizer_fixture_covers_every_optimizer_regularizer_clip_and_loss() {
    let fixture = load("pytorch_optimizers.json");
    let cases = fixture["cases"].as_array().unwrap();
    let key = |c: &Value| {
        let opt = &c["config"]["optimizer"];
        let mut name = opt["name"].as_str().unwrap().to_string();
        if name == "rmsprop" && opt.get("momentum").is_some() {
            name.push_str("+momentum");
        }
        name
    };
    let optimizers = [
        "sgd",
        "momentum",
        "nag",
        "rmsprop",
        "rmsprop+momentum",
        "adam",
        "adamw",
    ];
    for opt in optimizers {
        for reg in ["none", "l1", "l2"] {
            for clip in ["none", "value", "norm"] {
                assert!(
                    cases.iter().any(|c| key(c) == opt
                        && c["config"]["regularization"]["kind"] == reg
                        && c["config"]["clip"]["kind"] == clip),
                    "no case for {opt} reg={reg} clip={clip}"
                );
            }
        }
        for loss in ["cross_entropy", "mse", "binary_cross_entropy"] {
            assert!(
                cases
                    .iter()
                    .any(|c| key(c) == opt && c["config"]["loss"] == loss),
                "no case for {opt} with {loss}"
            );
        }
    }
    for loss in ["cross_entropy", "binary_cross_entropy"] {
        assert!(
            cases
                .iter()
                .any(|c| c["config"]["loss"] == loss && c["config"]["fused"] == false),
            "no unfused {loss} case"
        );
    }
    assert!(cases
        .iter()
        .all(|c| c["steps"].as_array().unwrap().len() >= 5));
}

/// The config's view of an optimizer or clip entry, resolved the way the trainer resolves it
/// (defaults filled in by `Config::hyper` / `Config::clip`).
fn minimal_config(extra: &[(&str, &Value)]) -> mlp_lab::config::Config {
    let mut cfg = serde_json::json!({
        "layers": [{"units": 1, "activation": "identity"}],
        "loss": "mse",
    });
    for (k, v) in extra {
        cfg[*k] = (*v).clone();
    }
    config(&cfg)
}

/// The optimizers' arithmetic alone: given parameters and gradients (no network, so no
/// summation order), every parameter after each of 8 steps, for every optimizer with PyTorch's
/// defaults and with other settings. Rounding may differ only in the order of a few float32
/// operations per step, so each parameter is held to 1e-6 of the scale of its trajectory so far
/// (the largest |p_before| + |p_after| of any step up to this one, which bounds the operands an
/// update rounds; a few f32 ulps are ~2e-7 of it). A formula or constant that differs from
/// PyTorch's by more than that fails here even when the network-level tests cannot see it (for
/// example 1 − β2 rounded from an f32 β2, which is 1.3e-5 off for β2 = 0.999).
#[test]
fn every_optimizer_update_matches_pytorch_to_a_few_ulps_on_given_gradients() {
    const STEP_REL: f64 = 1e-6;
    let fixture = load("pytorch_optimizer_steps.json");
    let cases = fixture["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    let (mut worst, mut worst_at, mut compared) = (0.0f64, String::new(), 0usize);
    for case in cases {
        let label = case["optimizer"].to_string();
        let cfg = minimal_config(&[("optimizer", &case["optimizer"])]);
        let mut opt = cfg.hyper().build();
        let mut params: Vec<Vec<f32>> = case["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(f32s)
            .collect();
        let mut scale: Vec<Vec<f64>> = params
            .iter()
            .map(|p| p.iter().map(|v| v.abs() as f64).collect())
            .collect();
        let mut prev: Vec<Vec<f64>> = params
            .iter()
            .map(|p| p.iter().map(|v| *v as f64).collect())
            .collect();
        'steps: for (s, (grads, after)) in case["grads"]
            .as_array()
            .unwrap()
            .iter()
            .zip(case["after"].as_array().unwrap())
            .enumerate()
        {
            let grads: Vec<Vec<f32>> = grads.as_array().unwrap().iter().map(f32s).collect();
            let grad_slices: Vec<&[f32]> = grads.iter().map(Vec::as_slice).collect();
            let mut slices: Vec<&mut [f32]> = params.iter_mut().map(Vec::as_mut_slice).collect();
            opt.step(&mut slices, &grad_slices);
            for (t, expected) in after.as_array().unwrap().iter().enumerate() {
                for (i, theirs) in expected.as_array().unwrap().iter().enumerate() {
                    let theirs = theirs.as_f64().unwrap();
                    let ours = params[t][i] as f64;
                    scale[t][i] = scale[t][i].max(prev[t][i].abs() + theirs.abs());
                    prev[t][i] = theirs;
                    let ratio = (ours - theirs).abs() / scale[t][i].max(f64::MIN_POSITIVE);
                    compared += 1;
                    if ratio > worst {
                        worst = ratio;
                        worst_at = format!("{label} step {} tensor {t} [{i}]", s + 1);
                    }
                    if ratio.is_nan() || ratio > STEP_REL {
                        failures.push(format!(
                            "{label}: step {}: tensor {t} [{i}]: engine {ours:e} vs PyTorch {theirs:e} \
                             ({ratio:.2e} of the trajectory scale {:.3e})",
                            s + 1,
                            scale[t][i]
                        ));
                        break 'steps;
                    }
                }
            }
        }
    }
    println!(
        "optimizer updates on given gradients ({} optimizers): largest difference {worst:.3e} of \
         the trajectory scale over {compared} values (at {worst_at})",
        cases.len()
    );
    fail_if_any(&failures, cases.len(), "optimizer settings");
}

/// `clip_grad_value_` and `clip_grad_norm_` (scaled down, and left alone below max_norm) on
/// given gradients, to 1e-6 relative: the norm is summed in another order but the scaling
/// coefficient is the same to a few ulps.
#[test]
fn value_and_norm_clipping_match_pytorch_on_given_gradients() {
    let fixture = load("pytorch_optimizer_steps.json");
    let clips = fixture["clips"].as_array().unwrap();
    let mut failures = Vec::new();
    let mut worst = Worst::default();
    for case in clips {
        let label = case["clip"].to_string();
        let clip = minimal_config(&[("clip", &case["clip"])]).clip();
        let mut grads: Vec<Vec<f32>> = case["grads"].as_array().unwrap().iter().map(f32s).collect();
        clip.apply(&mut grads.iter_mut().map(Vec::as_mut_slice).collect::<Vec<_>>());
        'tensors: for (t, expected) in case["clipped"].as_array().unwrap().iter().enumerate() {
            for (i, theirs) in f32s(expected).iter().enumerate() {
                let (ours, theirs) = (grads[t][i] as f64, *theirs as f64);
                worst.record(ours, theirs, 1e-6, || format!("{label} tensor {t} [{i}]"));
                if !close(ours, theirs, 1e-6, 0.0) {
                    failures.push(format!(
                        "{label}: tensor {t} [{i}]: engine {ours:e} vs PyTorch {theirs:e}"
                    ));
                    break 'tensors;
                }
            }
        }
    }
    worst.report(&format!("clipping ({} cases)", clips.len()));
    fail_if_any(&failures, clips.len(), "clip cases");
}
