//! Stopping trials early: ASHA stops exactly the trials a synthetic learning curve says it
//! should, and a trial stops at the epoch it is told to (also when stepped a few batches at a
//! time, as a browser worker does).

use mlp_lab::sweep::space::build_config;
use mlp_lab::sweep::{run_trial, Asha, Decision, Goal, Params, Sampler, TrialRun, TrialStatus};
use serde_json::json;

#[path = "common/sweeps.rs"]
mod sweeps;
use sweeps::{parse, spec};

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
