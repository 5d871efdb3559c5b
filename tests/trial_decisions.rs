//! A sweep trial's early-termination decisions when they arrive late, as the page's
//! coordinator's do (it answers over a message channel while the trial worker trains on):
//! `TrialRun::stop_at` ends the trial exactly as a stop right after that epoch would have, and
//! a decision that cannot apply (the last epoch, an epoch the trial failed at) changes nothing.

use mlp_lab::config::Config;
use mlp_lab::data::toy;
use mlp_lab::sweep::{run_trial, Decision, Metric, Params, TrialRun, TrialStatus};

mod common;

fn config(lr: f64) -> Config {
    Config::from_json(&format!(
        r#"{{"seed": 2, "layers": [{{"units": 6, "activation": "tanh"}},
              {{"units": 2, "activation": "softmax"}}],
            "optimizer": {{"name": "sgd", "lr": {lr}}}, "batch_size": 20, "epochs": 8}}"#
    ))
    .unwrap()
}

fn trial(lr: f64) -> TrialRun {
    let data = toy::circles(120, 0.1, 4);
    let val = toy::circles(40, 0.1, 5);
    TrialRun::new(
        3,
        Params::new(),
        &config(lr),
        data,
        Some(val),
        Metric::ValLoss,
    )
}

/// Steps the trial to its end with every decision 'continue'.
fn train_through(t: &mut TrialRun) -> mlp_lab::sweep::TrialRecord {
    loop {
        if let Some(r) = t.step(7, |_, _| Decision::Continue) {
            return r;
        }
    }
}

#[test]
fn a_late_stop_ends_the_trial_at_its_epoch_as_an_immediate_stop_would() {
    let data = toy::circles(120, 0.1, 4);
    let val = toy::circles(40, 0.1, 5);
    let at_once = run_trial(
        3,
        Params::new(),
        &config(0.1),
        data,
        Some(val),
        Metric::ValLoss,
        |e, _| {
            if e == 3 {
                Decision::Stop
            } else {
                Decision::Continue
            }
        },
    );
    assert_eq!(
        (at_once.status, at_once.epochs),
        (TrialStatus::StoppedEarly, 3)
    );

    // The same trial trained to its end before the stop for epoch 3 arrives.
    let mut late = trial(0.1);
    let completed = train_through(&mut late);
    assert_eq!(
        (completed.status, completed.epochs),
        (TrialStatus::Completed, 8)
    );
    let stopped = late.stop_at(3).expect("the trial is over");
    assert_eq!(stopped.status, TrialStatus::StoppedEarly);
    assert_eq!(
        (stopped.epochs, stopped.metric, &stopped.curve),
        (at_once.epochs, at_once.metric, &at_once.curve)
    );
    assert!(stopped.message.is_none());
    // A later stop cannot move it past the epoch it stopped at.
    assert_eq!(late.stop_at(5).unwrap().epochs, 3);
}

#[test]
fn a_stop_mid_run_ends_a_trial_that_is_still_training() {
    let mut t = trial(0.1);
    while t.record().curve.len() < 4 {
        assert!(t.step(3, |_, _| Decision::Continue).is_none());
    }
    let r = t.stop_at(2).expect("stopped");
    assert_eq!(
        (r.status, r.epochs, r.curve.len()),
        (TrialStatus::StoppedEarly, 2, 2)
    );
    assert!(t.is_done());
    assert_eq!(
        t.step(5, |_, _| Decision::Continue),
        Some(r),
        "a stopped trial stays over"
    );
}

#[test]
fn a_stop_for_the_last_epoch_or_an_epoch_not_yet_trained_changes_nothing() {
    let mut t = trial(0.1);
    assert_eq!(t.stop_at(1), None, "no epoch trained yet");
    assert!(!t.is_done());
    let completed = train_through(&mut t);
    assert_eq!(
        t.stop_at(8),
        Some(completed.clone()),
        "the last epoch is completion"
    );
    assert_eq!(t.stop_at(0), Some(completed));
}

/// A linear regression by full-batch SGD with a learning rate far past the stable one: the
/// error grows about 40-fold an epoch, so the trial trains several epochs, then overflows.
fn diverging_trial() -> TrialRun {
    let c = Config::from_json(
        r#"{"seed": 2, "layers": [{"units": 1, "activation": "identity"}], "loss": "mse",
            "optimizer": {"name": "sgd", "lr": 10}, "batch_size": 20, "epochs": 100}"#,
    )
    .unwrap();
    let x: Vec<f32> = (0..20).map(|i| i as f32 / 10.0).collect();
    let data = common::values(x.clone(), 1, x);
    TrialRun::new(
        4,
        Params::new(),
        &c,
        data.clone(),
        Some(data),
        Metric::ValLoss,
    )
}

#[test]
fn a_stop_for_an_epoch_before_a_failure_wins_and_one_at_or_after_it_does_not() {
    let mut t = diverging_trial();
    let failed = train_through(&mut t);
    let judged = failed.curve.iter().take_while(|v| v.is_some()).count();
    assert_eq!(failed.status, TrialStatus::Failed, "{failed:?}");
    assert!(
        (2..50).contains(&judged),
        "the trial failed after {judged} judged epochs"
    );
    assert_eq!(t.stop_at(judged + 1).unwrap().status, TrialStatus::Failed);
    let r = t.stop_at(judged - 1).unwrap();
    assert_eq!(
        (r.status, r.epochs),
        (TrialStatus::StoppedEarly, judged - 1)
    );
    assert_eq!(r.metric, failed.curve[judged - 2]);
}
