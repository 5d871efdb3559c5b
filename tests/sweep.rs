//! Hyper-parameter sweeps: the grid covers its grid exactly once; random draws respect bounds,
//! log scales and conditional parameters; the Bayesian sampler beats random search on Branin;
//! ASHA stops exactly the trials a synthetic learning curve says it should; spec errors name the
//! field; and the `mlp-lab sweep` binary runs end to end on a generated CSV with two workers,
//! marks a diverging trial failed without stopping, and resumes from `--out` without rerunning
//! finished trials.

use mlp_lab::config::Config;
use mlp_lab::sweep::space::build_config;
use mlp_lab::sweep::{
    run_trial, Asha, Decision, Goal, Method, Observation, Param, Params, Sampler, Sweep, SweepSpec,
    TrialRun, TrialStatus,
};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A small valid base config (2 inputs → 8 tanh → 2-class softmax).
fn base() -> Value {
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

fn spec(method: &str, max_trials: usize, parameters: Value) -> Value {
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

fn parse(v: &Value) -> SweepSpec {
    SweepSpec::from_json(&v.to_string()).unwrap_or_else(|e| panic!("the spec should parse: {e}"))
}

fn key(p: &Params) -> String {
    Value::from(serde_json::Map::from_iter(p.clone())).to_string()
}

#[test]
fn grid_search_runs_every_combination_exactly_once_and_truncates_at_max_trials() {
    let parameters = json!({
        "optimizer.name": {"values": ["sgd", "adam"]},
        "optimizer.lr": {"values": [0.1, 0.01, 0.001]},
        "batch_size": {"values": [16, 32]},
        "hidden_units": {"min": 4, "max": 5}
    });
    let s = parse(&spec("grid", 1000, parameters.clone()));
    let sampler = Sampler::from_spec(&s);
    let mut expected = BTreeSet::new();
    for name in ["sgd", "adam"] {
        for lr in [0.1, 0.01, 0.001] {
            for bs in [16, 32] {
                for units in [4, 5] {
                    let p: Params = [
                        ("optimizer.name".to_string(), json!(name)),
                        ("optimizer.lr".to_string(), json!(lr)),
                        ("batch_size".to_string(), json!(bs)),
                        ("hidden_units".to_string(), json!(units)),
                    ]
                    .into_iter()
                    .collect();
                    expected.insert(key(&p));
                }
            }
        }
    }
    let got: Vec<String> = (0..1000)
        .map_while(|id| sampler.suggest(id, &[], &[]))
        .map(|p| key(&p))
        .collect();
    assert_eq!(
        got.len(),
        24,
        "2 × 3 × 2 × 2 trials, then the grid is exhausted"
    );
    assert_eq!(
        got.iter().cloned().collect::<BTreeSet<_>>(),
        expected,
        "exactly the grid, each point once"
    );

    // Conditional parameters: beta1 means nothing to sgd, so sgd's points are not doubled.
    let mut with_beta = parameters.clone();
    with_beta["optimizer.beta1"] = json!({"values": [0.9, 0.99]});
    let s = parse(&spec("grid", 1000, with_beta));
    let grid = Sampler::from_spec(&s).grid().to_vec();
    assert_eq!(grid.len(), 12 + 24, "sgd: 3·2·2 points; adam: 3·2·2·2");
    let mut sweep = Sweep::new(s.clone(), Vec::new());
    assert_eq!(
        sweep.remaining(),
        36,
        "a sweep hands out each grid point once"
    );
    let handed: Vec<Params> = std::iter::from_fn(|| sweep.next_trial().map(|t| t.params)).collect();
    assert_eq!(handed, grid);
    assert_eq!(
        grid.iter().map(key).collect::<BTreeSet<_>>().len(),
        grid.len(),
        "no point twice"
    );
    for p in &grid {
        let sgd = p["optimizer.name"] == "sgd";
        assert_eq!(
            p.contains_key("optimizer.beta1"),
            !sgd,
            "beta1 exactly on adam trials: {p:?}"
        );
        build_config(&s.base, p).unwrap_or_else(|e| panic!("{p:?} makes an invalid config: {e}"));
    }

    let s = parse(&spec("grid", 5, parameters));
    let first: Vec<String> = Sampler::from_spec(&s).grid().iter().map(key).collect();
    assert_eq!(
        first,
        got[..5].to_vec(),
        "max_trials keeps the first points, in order"
    );
}

#[test]
fn random_search_respects_bounds_log_scale_and_conditions() {
    let s = parse(&spec(
        "random",
        10,
        json!({
            "optimizer.name": {"values": ["sgd", "momentum", "adam"]},
            "optimizer.lr": {"min": 1e-4, "max": 1e-1, "scale": "log"},
            "optimizer.momentum": {"min": 0.5, "max": 0.99},
            "optimizer.beta1": {"min": 0.8, "max": 0.99},
            "hidden_units": {"min": 3, "max": 40, "type": "int"},
            "regularization.kind": {"values": ["none", "l2"]},
            "regularization.lambda": {"min": 1e-5, "max": 1e-2, "scale": "log"}
        }),
    ));
    let sampler = Sampler::from_spec(&s);
    let draws: Vec<Params> = (0..3000)
        .map(|id| {
            sampler
                .suggest(id, &[], &[])
                .expect("random never runs out")
        })
        .collect();
    for p in &draws {
        let text = serde_json::to_string(p).unwrap();
        let back: Params = serde_json::from_str(&text).unwrap();
        assert_eq!(&back, p, "a drawn trial reads back from JSON unchanged");
    }
    assert_eq!(
        sampler.random(17),
        draws[17],
        "trial 17's params depend on its id alone"
    );

    let mut log_lr = Vec::new();
    let mut momentum = Vec::new();
    let mut units = BTreeSet::new();
    for p in &draws {
        let lr = p["optimizer.lr"].as_f64().unwrap();
        assert!((1e-4..=1e-1).contains(&lr), "lr {lr} out of bounds");
        log_lr.push(lr.log10());
        let u = p["hidden_units"]
            .as_u64()
            .expect("an int range gives whole numbers");
        assert!((3..=40).contains(&u));
        units.insert(u);
        let name = p["optimizer.name"].as_str().unwrap();
        assert_eq!(
            p.contains_key("optimizer.beta1"),
            name == "adam",
            "beta1 only on adam trials: {p:?}"
        );
        assert_eq!(
            p.contains_key("optimizer.momentum"),
            name == "momentum",
            "momentum only where it applies: {p:?}"
        );
        if let Some(m) = p.get("optimizer.momentum") {
            let m = m.as_f64().unwrap();
            assert!((0.5..0.99).contains(&m));
            momentum.push(m);
        }
        let l2 = p["regularization.kind"] == "l2";
        assert_eq!(
            p.contains_key("regularization.lambda"),
            l2,
            "lambda only with l1/l2: {p:?}"
        );
        build_config(&s.base, p).unwrap_or_else(|e| panic!("{p:?} makes an invalid config: {e}"));
    }
    log_lr.sort_by(f64::total_cmp);
    let median = log_lr[log_lr.len() / 2];
    assert!(
        (median + 2.5).abs() < 0.1,
        "log-uniform on [1e-4, 1e-1] has median 10^-2.5; got 10^{median}"
    );
    let below = log_lr.iter().filter(|l| **l < -3.0).count() as f64 / log_lr.len() as f64;
    assert!(
        (below - 1.0 / 3.0).abs() < 0.04,
        "a third of the draws below 1e-3, got {below}"
    );
    let mean = momentum.iter().sum::<f64>() / momentum.len() as f64;
    assert!(
        (mean - 0.745).abs() < 0.02,
        "uniform momentum on [0.5, 0.99] averages 0.745, got {mean}"
    );
    assert_eq!(units.len(), 38, "every integer in [3, 40] is drawn");
}

#[test]
fn a_trial_on_another_optimizer_drops_the_base_fields_that_stop_applying() {
    let mut v = spec("random", 3, json!({"optimizer.name": {"values": ["sgd"]}}));
    v["base"]["optimizer"] = json!({"name": "adam", "lr": 0.01, "beta1": 0.8, "eps": 1e-7});
    v["base"]["regularization"] = json!({"kind": "l2", "lambda": 0.001});
    v["parameters"]["regularization.kind"] = json!({"values": ["none"]});
    let s = parse(&v);
    let p = Sampler::from_spec(&s).random(0);
    let c = build_config(&s.base, &p).expect("a valid config");
    assert_eq!(c.optimizer.beta1, None);
    assert_eq!(c.optimizer.eps, None);
    assert_eq!(c.regularization.lambda, None);
    assert_eq!(c.optimizer.lr, Some(0.01), "what still applies is kept");
}

/// Branin-Hoo on x1 ∈ [-5, 10], x2 ∈ [0, 15]; its minimum is 0.397887 (at three points).
fn branin(x1: f64, x2: f64) -> f64 {
    use std::f64::consts::PI;
    let (a, b, c, r, s, t) = (
        1.0,
        5.1 / (4.0 * PI * PI),
        5.0 / PI,
        6.0,
        10.0,
        1.0 / (8.0 * PI),
    );
    a * (x2 - b * x1 * x1 + c * x1 - r).powi(2) + s * (1.0 - t) * x1.cos() + s
}

/// A sampler of `method` over Branin's domain (x1 ∈ [-5, 10], x2 ∈ [0, 15]).
fn branin_sampler(method: Method, seed: u64, max_trials: usize) -> Sampler {
    let params = vec![
        Param::range("x1", -5.0, 10.0, false, false),
        Param::range("x2", 0.0, 15.0, false, false),
    ];
    Sampler::new(
        method,
        Goal::Minimize,
        seed,
        Config::default(),
        params,
        max_trials,
    )
}

/// The best Branin value minus the optimum after `budget` trials of `method`.
fn regret(method: Method, seed: u64, budget: usize) -> f64 {
    let sampler = branin_sampler(method, seed, budget);
    let mut seen: Vec<Observation> = Vec::new();
    for id in 0..budget {
        let p = sampler.suggest(id, &seen, &[]).expect("a suggestion");
        let (x1, x2) = (p["x1"].as_f64().unwrap(), p["x2"].as_f64().unwrap());
        assert!((-5.0..=10.0).contains(&x1) && (0.0..=15.0).contains(&x2));
        seen.push(Observation {
            params: p,
            value: Some(branin(x1, x2)),
        });
    }
    seen.iter()
        .filter_map(|o| o.value)
        .fold(f64::INFINITY, f64::min)
        - 0.397887
}

#[test]
fn bayes_finds_lower_branin_values_than_random_search_on_the_same_budget() {
    let seeds = 0..10u64;
    let n = seeds.clone().count() as f64;
    let random: f64 = seeds
        .clone()
        .map(|s| regret(Method::Random, s, 25))
        .sum::<f64>()
        / n;
    let bayes: f64 = seeds.map(|s| regret(Method::Bayes, s, 25)).sum::<f64>() / n;
    eprintln!("mean best regret over 25 trials: bayes {bayes:.4}, random {random:.4}");
    assert!(bayes < random, "bayes {bayes} should beat random {random}");
    assert!(
        bayes < 0.5 * random,
        "and clearly: bayes {bayes}, random {random}"
    );
}

#[test]
fn bayes_spreads_parallel_suggestions_away_from_running_trials() {
    let sampler = branin_sampler(Method::Bayes, 4, 30);
    let seen: Vec<Observation> = (0..8)
        .map(|id| {
            let p = sampler.random(id);
            let v = branin(p["x1"].as_f64().unwrap(), p["x2"].as_f64().unwrap());
            Observation {
                params: p,
                value: Some(v),
            }
        })
        .collect();
    let first = sampler.suggest(8, &seen, &[]).unwrap();
    let second = sampler
        .suggest(9, &seen, std::slice::from_ref(&first))
        .unwrap();
    assert_ne!(
        key(&first),
        key(&second),
        "a running trial's point is not proposed again"
    );
}

/// `q · (1 − e^(−epoch/3))`: a curve that rises to `q`; curves of different `q` never cross.
fn curve(q: f64, epoch: usize) -> f64 {
    q * (1.0 - (-(epoch as f64) / 3.0).exp())
}

/// Runs trials one after another for up to `epochs` epochs under ASHA; returns, per trial, the
/// epoch it was stopped at (None: ran to the end).
fn asha_run(qualities: &[f64], goal: Goal, epochs: usize) -> Vec<Option<usize>> {
    let mut asha = Asha::new(1, 3, goal);
    qualities
        .iter()
        .enumerate()
        .map(|(id, q)| {
            (1..=epochs).find(|&e| {
                let v = curve(*q, e);
                let v = if goal == Goal::Minimize { 1.0 - v } else { v };
                asha.report(id, e, v) == Decision::Stop && e < epochs
            })
        })
        .collect()
}

#[test]
fn asha_stops_exactly_the_trials_a_synthetic_learning_curve_says_it_should() {
    let asha = Asha::new(1, 3, Goal::Maximize);
    assert_eq!(
        asha.rungs_below(27),
        vec![1, 3, 9],
        "rungs at min_epochs · η^k"
    );
    assert!(asha.is_rung(9) && !asha.is_rung(6));

    // Each trial better than all before: nobody is stopped.
    let rising: Vec<f64> = (1..=9).map(|i| i as f64 / 10.0).collect();
    assert!(asha_run(&rising, Goal::Maximize, 27)
        .iter()
        .all(Option::is_none));
    // Each trial worse than all before: all but the first stop at the first rung.
    let falling: Vec<f64> = rising.iter().rev().copied().collect();
    let out = asha_run(&falling, Goal::Maximize, 27);
    assert_eq!(out[0], None);
    assert!(out[1..].iter().all(|s| *s == Some(1)), "{out:?}");

    // Mixed, worked by hand: at rung 1 the k-th arrival goes on only if among the best
    // max(1, ⌊k/3⌋); trial 8 (0.85) passes rung 1 (best 3 of 9) but not rung 3 (best 1 of 4).
    let mixed = [0.5, 0.9, 0.3, 0.7, 0.8, 0.95, 0.1, 0.6, 0.85];
    let expected = vec![
        None,
        None,
        Some(1),
        Some(1),
        Some(1),
        None,
        Some(1),
        Some(1),
        Some(3),
    ];
    assert_eq!(asha_run(&mixed, Goal::Maximize, 27), expected);
    assert_eq!(
        asha_run(&mixed, Goal::Minimize, 27),
        expected,
        "the same with losses to minimise"
    );
}

#[track_caller]
fn refused(v: &Value, field: &str, fragment: &str) {
    let err = SweepSpec::from_json(&v.to_string()).expect_err("the spec should be refused");
    assert_eq!(err.field, field, "wrong field in: {err}");
    assert!(
        err.to_string().contains(fragment),
        "{err:?} lacks {fragment:?}"
    );
}

#[test]
fn spec_validation_errors_name_the_field() {
    let ok = spec(
        "random",
        5,
        json!({"optimizer.lr": {"min": 1e-4, "max": 1e-1, "scale": "log"}}),
    );
    parse(&ok);
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut v = ok.clone();
        f(&mut v);
        v
    };
    let lr = |p: Value| edit(&|v| v["parameters"]["optimizer.lr"] = p.clone());
    refused(
        &lr(json!({"min": -1.0, "max": 0.1, "scale": "log"})),
        "parameters.optimizer.lr.min",
        "log scale needs min > 0",
    );
    refused(
        &lr(json!({"min": 0.0, "max": 0.1})),
        "parameters.optimizer.lr.min",
        "greater than 0",
    );
    refused(
        &lr(json!({"min": 0.1, "max": 0.01})),
        "parameters.optimizer.lr.max",
        "greater than min",
    );
    refused(
        &lr(json!({"min": 0.1})),
        "parameters.optimizer.lr.max",
        "required",
    );
    refused(
        &lr(json!({"values": [0.1], "min": 0.1})),
        "parameters.optimizer.lr.min",
        "not both",
    );
    refused(
        &lr(json!({"values": [0.1, "fast"]})),
        "parameters.optimizer.lr.values[1]",
        "must be a number",
    );
    refused(
        &lr(json!({"min": 0.1, "max": 1, "scale": "cubic"})),
        "parameters.optimizer.lr.scale",
        "unknown variant",
    );
    refused(
        &lr(json!({"min": 0.1, "max": 1, "step": 2})),
        "parameters.optimizer.lr.step",
        "unknown field `step`",
    );
    refused(
        &edit(&|v| v["parameters"]["optimizer.momentum"] = json!({"min": 0.5, "max": 1.5})),
        "parameters.optimizer.momentum.max",
        "[0, 1)",
    );
    refused(
        &edit(&|v| v["parameters"]["optimizer.name"] = json!({"values": ["adam", "adamm"]})),
        "parameters.optimizer.name.values[1]",
        "must be one of sgd",
    );
    refused(
        &edit(&|v| v["parameters"]["optimizer.learning_rate"] = json!({"values": [1]})),
        "parameters.optimizer.learning_rate",
        "unknown parameter",
    );
    refused(
        &edit(&|v| v["parameters"]["hidden_units"] = json!({"min": 4, "max": 9, "type": "float"})),
        "parameters.hidden_units.type",
        "whole numbers",
    );
    refused(
        &edit(&|v| v["parameters"]["hidden_activation"] = json!({"min": 0, "max": 1})),
        "parameters.hidden_activation.min",
        "list its choices",
    );
    refused(
        &edit(&|v| v["method"] = json!("grid")),
        "parameters.optimizer.lr",
        "grid search needs a values list",
    );
    refused(
        &edit(&|v| v["method"] = json!("anneal")),
        "method",
        "unknown variant",
    );
    refused(
        &edit(&|v| v["max_trials"] = json!(0)),
        "max_trials",
        "at least 1",
    );
    refused(
        &edit(&|v| v["metric"] = json!("val_acc")),
        "metric",
        "unknown variant",
    );
    refused(
        &edit(&|v| v["metric"] = json!("val_r2")),
        "metric",
        "does not fit",
    );
    refused(
        &edit(&|v| v["base"]["validation_split"] = json!(0.0)),
        "metric",
        "needs a validation set",
    );
    refused(
        &edit(&|v| v["base"]["layers"][0]["units"] = json!(0)),
        "base.layers[0].units",
        "at least 1",
    );
    refused(
        &edit(&|v| v["base"]["optimizer"]["lr"] = json!("big")),
        "base.optimizer.lr",
        "",
    );
    refused(
        &edit(&|v| v["early_termination"] = json!({"kind": "asha", "reduction_factor": 1})),
        "early_termination.reduction_factor",
        "at least 2",
    );
    refused(
        &edit(&|v| v["parameters"] = json!({})),
        "parameters",
        "at least one",
    );
    refused(
        &edit(&|v| v["parameters"]["regularization.kind"] = json!({"values": ["none", "l2"]})),
        "base.regularization.lambda",
        "required",
    );
}

// ---- the binary ----

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mlp-lab-sweep-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// 200 rows: two features, class 1 when x + y > 0 (with a little label noise); `value` is
/// 2x − y for regression.
fn write_csv(dir: &Path) -> PathBuf {
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

struct Run {
    stderr: String,
    last: Value,
}

fn sweep(spec: &Value, dir: &Path, extra: &[&str]) -> Run {
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
fn a_sweep_resumed_with_the_same_out_does_not_rerun_finished_trials() {
    let dir = temp_dir("resume");
    let out = dir.join("out");
    let out_arg = out.to_str().unwrap();
    let params = json!({
        "optimizer.lr": {"min": 1e-3, "max": 1e-1, "scale": "log"},
        "batch_size": {"values": [8, 16, 32]}
    });
    let first = sweep(
        &spec("random", 4, params.clone()),
        &dir,
        &["--target", "label", "--workers", "2", "--out", out_arg],
    );
    let log = out.join("trials.jsonl");
    let before = std::fs::read_to_string(&log).unwrap();
    assert_eq!(before.lines().count(), 4, "one line per finished trial");
    assert!(
        out.join("spec.json").is_file(),
        "the spec is kept beside the trials"
    );

    // An interrupted append leaves a torn last line: it is dropped, and the file repaired.
    std::fs::write(&log, format!("{before}{{\"id\": 5, \"params\": {{\"optim")).unwrap();

    let second = sweep(
        &spec("random", 6, params.clone()),
        &dir,
        &["--target", "label", "--workers", "2", "--out", out_arg],
    );
    assert!(
        second.stderr.contains("resuming: 4 finished trial(s)"),
        "{}",
        second.stderr
    );
    assert!(
        second.stderr.contains("2 trial(s) to run of 6"),
        "{}",
        second.stderr
    );
    let after = std::fs::read_to_string(&log).unwrap();
    assert!(
        after.starts_with(&before),
        "the first four records are untouched (and the torn line gone)"
    );
    assert_eq!(
        after.lines().count(),
        6,
        "only two trials were run the second time"
    );
    let ids: BTreeSet<u64> = after
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, (0..6).collect(), "every id once");
    let trials = second.last["trials"].as_array().unwrap();
    assert_eq!(trials.len(), 6);
    for (a, b) in first.last["trials"].as_array().unwrap().iter().zip(trials) {
        assert_eq!(a, b, "a resumed trial is reported as it finished");
    }

    // A third run has nothing left to do; a different spec is refused rather than mixed in.
    let third = sweep(
        &spec("random", 6, params.clone()),
        &dir,
        &["--target", "label", "--out", out_arg],
    );
    assert!(
        third.stderr.contains("0 trial(s) to run"),
        "{}",
        third.stderr
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap(), after);
    let mut other = spec("random", 6, params);
    other["seed"] = json!(99);
    std::fs::write(dir.join("other.json"), other.to_string()).unwrap();
    let refused = Command::new(env!("CARGO_BIN_EXE_mlp-lab"))
        .args(["sweep", "--spec"])
        .arg(dir.join("other.json"))
        .arg("--data")
        .arg(dir.join("data.csv"))
        .args(["--target", "label", "--out", out_arg])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("`seed` differs"));
}

#[test]
fn run_trial_stops_when_told_and_reports_the_metric_at_that_epoch() {
    let s = parse(&spec(
        "random",
        1,
        json!({"optimizer.lr": {"values": [0.01]}}),
    ));
    let p = Sampler::from_spec(&s).random(0);
    let config = build_config(&s.base, &p).unwrap();
    let (features, labels): (Vec<f32>, Vec<u32>) = (0..80)
        .map(|i| {
            let x = (i as f32 / 40.0) - 1.0;
            ([x, -x], u32::from(x > 0.0))
        })
        .fold((Vec::new(), Vec::new()), |(mut f, mut l), (x, y)| {
            f.extend(x);
            l.push(y);
            (f, l)
        });
    let data = mlp_lab::data::Dataset {
        features,
        n: 80,
        d: 2,
        targets: mlp_lab::data::Targets::Classes {
            labels,
            n_classes: 2,
        },
        class_names: vec![],
        feature_names: vec![],
        image_shape: None,
    };
    let mut seen = Vec::new();
    let record = run_trial(
        0,
        p,
        &config,
        data.clone(),
        Some(data.clone()),
        s.metric,
        |e, v| {
            seen.push((e, v));
            if e == 2 {
                Decision::Stop
            } else {
                Decision::Continue
            }
        },
    );
    assert_eq!(record.status, TrialStatus::StoppedEarly);
    assert_eq!(record.epochs, 2);
    assert_eq!(seen.len(), 2);
    assert_eq!(record.metric, Some(seen[1].1));
    assert_eq!(record.curve.len(), 2);

    // Stepped a few batches at a time (as a browser worker would), the trial learns the same.
    let whole = run_trial(
        1,
        Params::new(),
        &config,
        data.clone(),
        Some(data.clone()),
        s.metric,
        |_, _| Decision::Continue,
    );
    let mut sliced = TrialRun::new(
        1,
        Params::new(),
        &config,
        data.clone(),
        Some(data),
        s.metric,
    );
    let mut slices = 0;
    let record = loop {
        slices += 1;
        if let Some(r) = sliced.step(3, |_, _| Decision::Continue) {
            break r;
        }
    };
    assert_eq!(record.status, TrialStatus::Completed);
    assert_eq!(record.curve, whole.curve);
    assert!(slices > config.epochs, "several slices per epoch");
}

#[test]
fn a_sweep_killed_mid_run_resumes_without_losing_or_rerunning_a_finished_trial() {
    let dir = temp_dir("kill");
    let out = dir.join("out");
    let mut s = spec(
        "random",
        6,
        json!({"optimizer.lr": {"min": 1e-3, "max": 1e-1, "scale": "log"}}),
    );
    s["base"]["epochs"] = json!(1500);
    let spec_path = dir.join("spec-in.json");
    std::fs::write(&spec_path, s.to_string()).unwrap();
    let csv = write_csv(&dir);
    let mut child = Command::new(env!("CARGO_BIN_EXE_mlp-lab"))
        .args(["sweep", "--spec"])
        .arg(&spec_path)
        .arg("--data")
        .arg(&csv)
        .args(["--target", "label", "--workers", "2", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary starts");
    let log = out.join("trials.jsonl");
    let started = std::time::Instant::now();
    while std::fs::read_to_string(&log).map_or(0, |t| t.lines().count()) == 0 {
        assert!(
            started.elapsed().as_secs() < 60,
            "no trial finished within a minute"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().expect("the sweep can be killed");
    child.wait().unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    // Only whole lines count as finished (a kill mid-append may leave a torn one).
    let kept: Vec<&str> = text
        .split_inclusive('\n')
        .filter(|l| l.ends_with('\n'))
        .collect();
    let k = kept.len();
    assert!((1..6).contains(&k), "killed after {k} of 6 trials");

    let run = sweep(
        &s,
        &dir,
        &[
            "--target",
            "label",
            "--workers",
            "2",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(
        run.stderr
            .contains(&format!("resuming: {k} finished trial(s)")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(&format!("{} trial(s) to run of 6", 6 - k)),
        "{}",
        run.stderr
    );
    let after = std::fs::read_to_string(&log).unwrap();
    assert!(
        after.starts_with(&kept.concat()),
        "finished trials are kept as they were"
    );
    let ids: Vec<u64> = after
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids.len(), 6, "each trial recorded once: {ids:?}");
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 6);
    let trials = run.last["trials"].as_array().unwrap();
    let sampler = Sampler::from_spec(&parse(&s));
    for t in trials {
        let id = t["id"].as_u64().unwrap() as usize;
        assert_eq!(
            t["params"],
            json!(sampler.random(id)),
            "trial {id} kept its params"
        );
    }
}

#[test]
fn layer_shortcuts_reshape_the_network_and_apply_only_where_there_are_hidden_layers() {
    let mut v = spec(
        "grid",
        100,
        json!({
            "hidden_layers": {"values": [0, 3]},
            "hidden_units": {"values": [5, 7]},
            "hidden_activation": {"values": ["relu"]},
            "init": {"values": ["he_normal"]},
            "loss": {"values": ["binary_cross_entropy"]}
        }),
    );
    v["base"]["task"] = json!("binary");
    let s = parse(&v);
    let grid = Sampler::from_spec(&s).grid().to_vec();
    assert_eq!(
        grid.len(),
        3,
        "no hidden layer: units and activation do not apply: {grid:?}"
    );
    for p in &grid {
        let c = build_config(&s.base, p).unwrap();
        let hidden = p["hidden_layers"].as_u64().unwrap() as usize;
        assert_eq!(c.layers.len(), hidden + 1);
        assert_eq!(p.contains_key("hidden_units"), hidden > 0);
        for l in &c.layers[..hidden] {
            assert_eq!(json!(l.units), p["hidden_units"]);
            assert_eq!(serde_json::to_value(&l.activation).unwrap(), "relu");
        }
        assert!(c
            .layers
            .iter()
            .all(|l| serde_json::to_value(l.init).unwrap() == "he_normal"));
        let output = serde_json::to_value(&c.layers[hidden].activation).unwrap();
        assert_eq!(
            output, "sigmoid",
            "binary_cross_entropy brings a sigmoid output"
        );
    }
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

// ---- bounds, spec shape and parameters that never apply ----

#[test]
fn max_trials_is_capped_at_validation_and_the_coordinator_hands_out_ids_lazily() {
    // Once: a trillion trials passed validation, then Sweep::new listed every id and aborted.
    let mut v = spec(
        "random",
        5,
        json!({"optimizer.lr": {"min": 1e-4, "max": 1e-1, "scale": "log"}}),
    );
    v["max_trials"] = json!(1_000_000_000_000u64);
    refused(
        &v,
        "max_trials",
        "at most 100000 trials are supported, found 1000000000000",
    );
    v["method"] = json!("bayes");
    refused(&v, "max_trials", "at most 100000 trials are supported");

    v["method"] = json!("random");
    v["max_trials"] = json!(mlp_lab::sweep::spec::MAX_TRIALS);
    let s = parse(&v);
    let sampler = Sampler::from_spec(&s);
    let finished: Vec<_> = [0usize, 2]
        .iter()
        .map(|&id| mlp_lab::sweep::TrialRecord {
            id,
            params: sampler.random(id),
            metric: Some(0.5),
            status: TrialStatus::Completed,
            epochs: 1,
            seconds: 0.1,
            message: None,
            curve: vec![Some(0.5)],
        })
        .collect();
    let mut sweep = Sweep::new(s, finished);
    assert_eq!(sweep.remaining(), 100_000 - 2);
    let ids: Vec<usize> = (0..3).map(|_| sweep.next_trial().unwrap().id).collect();
    assert_eq!(ids, vec![1, 3, 4], "finished ids are skipped");
    assert_eq!(sweep.remaining(), 100_000 - 5);
}

fn sgd_spec(parameters: Value) -> Value {
    let mut v = spec("random", 5, parameters);
    v["base"]["optimizer"] = json!({"name": "sgd", "lr": 0.1});
    v
}

#[test]
fn a_swept_parameter_that_never_applies_is_refused_naming_why() {
    refused(
        &sgd_spec(json!({"optimizer.beta1": {"min": 0.8, "max": 0.99}})),
        "parameters.optimizer.beta1",
        "never applies: the base optimizer is sgd and optimizer.name is not swept; \
         optimizer.beta1 applies only when optimizer.name is adam or adamw",
    );
    refused(
        &sgd_spec(json!({
            "optimizer.name": {"values": ["sgd", "momentum"]},
            "optimizer.eps": {"values": [1e-8, 1e-6]}
        })),
        "parameters.optimizer.eps",
        "never applies: optimizer.name is swept over sgd, momentum only; optimizer.eps applies \
         only when optimizer.name is rmsprop, adam or adamw",
    );
    // The adam base of spec().
    for (path, only) in [
        ("optimizer.momentum", "momentum, nag or rmsprop"),
        ("optimizer.beta", "rmsprop"),
    ] {
        refused(
            &spec("random", 5, json!({path: {"min": 0.5, "max": 0.9}})),
            &format!("parameters.{path}"),
            &format!("the base optimizer is adam and optimizer.name is not swept; {path} applies only when optimizer.name is {only}"),
        );
    }
    refused(
        &spec(
            "random",
            5,
            json!({"regularization.lambda": {"min": 1e-5, "max": 1e-2}}),
        ),
        "parameters.regularization.lambda",
        "never applies: the base regularization is none and regularization.kind is not swept; \
         regularization.lambda applies only when regularization.kind is l1 or l2",
    );
    refused(
        &spec("random", 5, json!({"clip.value": {"min": 0.5, "max": 2.0}})),
        "parameters.clip.value",
        "the base clip kind is none and clip.kind is not swept; clip.value applies only when \
         clip.kind is value",
    );
    refused(
        &spec(
            "random",
            5,
            json!({"clip.kind": {"values": ["none", "value"]}, "clip.value": {"min": 0.5, "max": 2.0},
                   "clip.max_norm": {"min": 0.5, "max": 2.0}}),
        ),
        "parameters.clip.max_norm",
        "clip.kind is swept over none, value only; clip.max_norm applies only when clip.kind is norm",
    );
    let mut flat = spec("random", 5, json!({"hidden_units": {"min": 2, "max": 9}}));
    flat["base"]["layers"] = json!([{"units": 2, "activation": "softmax"}]);
    refused(
        &flat,
        "parameters.hidden_units",
        "never applies: the base network has 0 hidden layers and hidden_layers is not swept; \
         hidden_units applies only when hidden_layers is at least 1",
    );
    flat["parameters"] = json!({"hidden_layers": {"values": [0]}, "hidden_activation": {"values": ["relu", "tanh"]}});
    refused(
        &flat,
        "parameters.hidden_activation",
        "hidden_layers is swept over 0 only",
    );

    // Where some trial can use it, it stays.
    parse(&sgd_spec(json!({
        "optimizer.name": {"values": ["sgd", "adam"]},
        "optimizer.beta1": {"min": 0.8, "max": 0.99}
    })));
    flat["parameters"] =
        json!({"hidden_layers": {"min": 0, "max": 2}, "hidden_units": {"min": 2, "max": 9}});
    parse(&flat);
    parse(&spec(
        "grid",
        9,
        json!({"regularization.kind": {"values": ["none", "l1"]}, "regularization.lambda": {"values": [0.001]}}),
    ));
}

#[test]
fn a_spec_of_the_wrong_shape_names_the_field_and_only_bad_text_is_not_json() {
    let ok = spec(
        "random",
        5,
        json!({"optimizer.lr": {"min": 1e-4, "max": 1e-1, "scale": "log"}}),
    );
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut v = ok.clone();
        f(&mut v);
        v
    };
    refused(
        &edit(&|v| v["method"] = json!(5)),
        "method",
        "invalid type: integer `5`, expected one of `grid`, `random`, `bayes`",
    );
    refused(
        &edit(&|v| v["metric"] = json!(true)),
        "metric",
        "invalid type: boolean `true`, expected one of `val_accuracy`",
    );
    refused(
        &edit(&|v| v["goal"] = json!(1.5)),
        "goal",
        "invalid type: floating point `1.5`, expected `maximize` or `minimize`",
    );
    refused(
        &edit(&|v| v["parameters"]["optimizer.lr"]["scale"] = json!(2)),
        "parameters.optimizer.lr.scale",
        "invalid type: integer `2`, expected `linear` or `log`",
    );
    refused(
        &edit(&|v| v["early_termination"] = json!({"kind": 1})),
        "early_termination.kind",
        "invalid type: integer `1`, expected `asha`",
    );
    refused(
        &edit(&|v| v["max_trials"] = json!("many")),
        "max_trials",
        "invalid type: string \"many\"",
    );
    refused(
        &edit(&|v| v["parameters"] = json!([1])),
        "parameters",
        "invalid type: sequence, expected a map",
    );
    refused(&json!([1, 2]), "", "the spec must be a JSON object");
    refused(&json!("random"), "", "found a string");
    let e = SweepSpec::from_json(&format!("{ok} x")).unwrap_err();
    assert_eq!(e.field, "");
    assert!(
        e.message
            .starts_with("the spec is not valid JSON: trailing characters at line 1"),
        "{e}"
    );
}

#[test]
fn bayes_fits_a_bounded_set_of_trials_however_many_have_finished() {
    let sampler = branin_sampler(Method::Bayes, 2, 400);
    let point = |id: usize| {
        let p = sampler.random(id);
        let v = branin(p["x1"].as_f64().unwrap(), p["x2"].as_f64().unwrap());
        (p, v)
    };
    let mut seen: Vec<Observation> = (0..300)
        .map(|id| {
            let (params, v) = point(id);
            Observation {
                params,
                value: Some(v),
            }
        })
        .collect();
    seen[7].value = None; // a failed trial
    let limit = mlp_lab::sweep::sampler::BAYES_FIT_BEST + mlp_lab::sweep::sampler::BAYES_FIT_RECENT;
    assert_eq!(
        sampler.bayes_fit_points(&seen[..3], &[]),
        None,
        "still random"
    );
    assert_eq!(
        sampler.bayes_fit_points(&seen[..40], &[]),
        Some(40),
        "few trials: all fitted"
    );
    let n = sampler.bayes_fit_points(&seen, &[]).unwrap();
    // The best 50 and the latest 50, which may overlap.
    assert!(
        (mlp_lab::sweep::sampler::BAYES_FIT_BEST..=limit).contains(&n),
        "{n} points fitted of 300"
    );
    let pending: Vec<Params> = (300..600).map(|id| sampler.random(id)).collect();
    let with_pending = sampler.bayes_fit_points(&seen, &pending).unwrap();
    assert_eq!(
        with_pending,
        n + mlp_lab::sweep::sampler::BAYES_FIT_PENDING,
        "running trials are capped too"
    );
    let p = sampler.suggest(300, &seen, &pending).unwrap();
    assert!((-5.0..=10.0).contains(&p["x1"].as_f64().unwrap()));
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
