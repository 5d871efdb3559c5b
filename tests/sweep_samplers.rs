//! Sweep samplers: the grid covers its grid exactly once; random draws respect bounds, log
//! scales and conditional parameters; layer shortcuts reshape the network; and the Bayesian
//! sampler beats random search on Branin, spreads parallel suggestions and fits a bounded set.

use std::collections::BTreeSet;

use mlp_lab::config::Config;
use mlp_lab::sweep::space::build_config;
use mlp_lab::sweep::{Goal, Method, Observation, Param, Params, Sampler, Sweep};
use serde_json::{json, Value};

#[path = "common/sweeps.rs"]
mod sweeps;
use sweeps::{parse, spec};

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
