//! `early_stopping`: Keras' rule (an improvement beats the best by more than min_delta;
//! `patience` epochs without one stop the run), the kept epoch in the history, `restore_best`
//! ending with the best epoch's weights, and a checkpoint resumed to the same end.

mod common;

use mlp_lab::config::Config;
use mlp_lab::data::Dataset;
use mlp_lab::train::{History, Trainer};

fn config(json: &str) -> Config {
    Config::from_json(json).unwrap_or_else(|e| panic!("test config is invalid: {e}"))
}

/// A network that overfits noise: its validation loss falls, then rises.
fn overfitting(stopping: &str, epochs: usize) -> Config {
    config(&format!(
        r#"{{"seed":2,"layers":[{{"units":64,"activation":"tanh"}},{{"units":2,"activation":"softmax"}}],
            "optimizer":{{"name":"adam","lr":0.02}},"batch_size":8,"epochs":{epochs},
            "validation_split":0.5{stopping}}}"#
    ))
}

/// 80 rows: a weak signal in feature 0 plus noise features that invite overfitting.
fn noisy() -> Dataset {
    let mut rng = common::rng(9);
    let mut features = Vec::new();
    let mut labels = Vec::new();
    for i in 0..80 {
        let label = (i % 2) as u32;
        features.push(label as f32 * 0.6 + common::normal(&mut rng) as f32);
        for _ in 0..19 {
            features.push(common::normal(&mut rng) as f32);
        }
        labels.push(label);
    }
    common::classes(features, 20, labels, 2)
}

fn train(c: &Config) -> Trainer {
    let p = mlp_lab::train::prepare::prepare(c, noisy(), None).unwrap();
    let mut t = Trainer::new(c, p.train, p.val, None).unwrap();
    t.run(|_| {}).unwrap();
    t
}

fn val_losses(h: &History) -> Vec<f64> {
    h.epochs.iter().map(|r| r.val_loss.unwrap()).collect()
}

#[test]
fn training_stops_after_patience_epochs_without_improvement() {
    let full = train(&overfitting("", 40));
    let losses = val_losses(full.history());
    // Keras' rule replayed by hand on the uninterrupted run's curve.
    let (mut best, mut wait, mut stop) = (f64::INFINITY, 0, None);
    for (e, v) in losses.iter().enumerate() {
        if *v < best - 0.0 {
            best = *v;
            wait = 0;
        } else {
            wait += 1;
        }
        if wait >= 3 {
            stop = Some(e + 1);
            break;
        }
    }
    let stop = stop.expect("the noisy set overfits within 40 epochs");
    let t = train(&overfitting(
        r#","early_stopping":{"metric":"val_loss","patience":3}"#,
        40,
    ));
    let h = t.history();
    assert_eq!(h.epochs.len(), stop);
    assert_eq!(h.stopped_at, Some(stop));
    assert_eq!(
        h.kept_epoch,
        Some(stop),
        "without restore_best the last epoch is kept"
    );
    assert_eq!(
        val_losses(h),
        losses[..stop].to_vec(),
        "the same run up to the stop"
    );
    assert!(t.is_done());
}

#[test]
fn restore_best_ends_with_the_best_validation_epochs_weights() {
    let es = r#","early_stopping":{"metric":"val_loss","patience":4,"restore_best":true}"#;
    let t = train(&overfitting(es, 40));
    let h = t.history();
    let losses = val_losses(h);
    let best = losses
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .map(|(i, _)| i + 1)
        .unwrap();
    assert!(best < losses.len(), "the best epoch is not the last");
    assert_eq!(h.kept_epoch, Some(best));
    // The final weights are that epoch's: a run of exactly `best` epochs ends with them.
    let short = train(&overfitting("", best));
    assert_eq!(
        common::param_bits(t.network()),
        common::param_bits(short.network())
    );
    let val = t.val_set().unwrap();
    let v = t.evaluate(val).loss();
    assert!(
        (v - losses[best - 1]).abs() < 1e-12,
        "{v} vs {}",
        losses[best - 1]
    );
}

#[test]
fn min_delta_ignores_improvements_that_are_too_small() {
    let loose = train(&overfitting(r#","early_stopping":{"patience":2}"#, 40));
    let strict = train(&overfitting(
        r#","early_stopping":{"patience":2,"min_delta":0.05}"#,
        40,
    ));
    assert!(strict.history().epochs.len() <= loose.history().epochs.len());
    // Each epoch the strict run counted as improving beat the best before it by over 0.05.
    let losses = val_losses(strict.history());
    let mut best = f64::INFINITY;
    let mut improved = 0;
    for v in &losses {
        if best - v > 0.05 {
            best = *v;
            improved += 1;
        }
    }
    assert!(improved >= 1);
}

#[test]
fn a_checkpoint_resumed_mid_run_stops_at_the_same_epoch() {
    let c = overfitting(
        r#","early_stopping":{"patience":3,"metric":"val_accuracy"}"#,
        40,
    );
    let whole = train(&c);
    let k = 2;
    let p = mlp_lab::train::prepare::prepare(&c, noisy(), None).unwrap();
    let mut first = Trainer::new(&c, p.train.clone(), p.val.clone(), None).unwrap();
    first.step(first.batches_per_epoch() * k).unwrap();
    let net = first.last_epoch_network().clone();
    let mut rest = Trainer::new(&c, p.train, p.val, Some(net)).unwrap();
    rest.continue_after(first.history().clone()).unwrap();
    rest.continue_with_optimizer(first.last_epoch_optimizer().clone())
        .unwrap();
    rest.run(|_| {}).unwrap();
    let (a, b) = (rest.history(), whole.history());
    assert_eq!(val_losses(a), val_losses(b));
    assert_eq!((a.kept_epoch, a.stopped_at), (b.kept_epoch, b.stopped_at));
    assert!(b.stopped_at.is_some_and(|s| s > k), "{:?}", b.stopped_at);
    assert_eq!(
        common::param_bits(rest.network()),
        common::param_bits(whole.network())
    );
}

#[test]
fn early_stopping_without_a_validation_split_is_refused_naming_the_field() {
    let c = config(
        r#"{"layers":[{"units":2,"activation":"softmax"}],"early_stopping":{"patience":2}}"#,
    );
    let e = Trainer::new(&c, noisy(), None, None)
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.starts_with("config: early_stopping:") && e.contains("validation_split"),
        "{e}"
    );
}
