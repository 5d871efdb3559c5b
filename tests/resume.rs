//! Continuing a run from a checkpoint (the page's crash/reload recovery): the weights saved at
//! the end of epoch K plus the history of epochs 1..=K put the trainer where the uninterrupted
//! run stood. Plain SGD has no optimizer state, so there the continued run must match the
//! uninterrupted one exactly; with the optimizer state saved at the same moment, so must
//! momentum, RMSprop and Adam runs. Bad histories and states are refused with the field at fault.

use mlp_lab::config::Config;
use mlp_lab::data::toy;
use mlp_lab::optim::OptimizerState;
use mlp_lab::train::{History, TrainError, Trainer};

fn config(json: &str) -> Config {
    Config::from_json(json).unwrap_or_else(|e| panic!("test config is invalid: {e}"))
}

fn sgd_config() -> Config {
    config(
        r#"{"seed":5,"layers":[{"units":8,"activation":"tanh"},{"units":2,"activation":"softmax"}],
            "optimizer":{"name":"sgd","lr":0.1},"batch_size":16,"epochs":5,"shuffle":true,
            "lr_schedule":{"kind":"step","step_epochs":2,"gamma":0.5}}"#,
    )
}

#[test]
fn sgd_continued_after_epoch_two_ends_with_the_uninterrupted_weights_and_history() {
    let c = sgd_config();
    let data = toy::circles(200, 0.1, 1);
    let mut full = Trainer::new(&c, data.clone(), None, None).unwrap();
    full.run(|_| {}).unwrap();

    let mut first = Trainer::new(&c, data.clone(), None, None).unwrap();
    let p = first.step(first.batches_per_epoch() * 2 + 3).unwrap(); // into epoch 3
    assert_eq!(p.epoch, 2);
    let checkpoint = first.last_epoch_network().clone();
    let history = History::from_epochs(first.history().epochs[..2].to_vec());

    let mut rest = Trainer::new(&c, data, None, Some(checkpoint)).unwrap();
    rest.continue_after(history).unwrap();
    assert_eq!(rest.step(0).unwrap().examples, 400);
    rest.run(|_| {}).unwrap();

    assert_eq!(rest.network(), full.network());
    let epochs = |t: &Trainer| {
        t.history()
            .epochs
            .iter()
            .map(|r| (r.epoch, r.lr, r.train_loss))
            .collect::<Vec<_>>()
    };
    assert_eq!(epochs(&rest), epochs(&full));
}

#[test]
fn a_history_with_a_gap_is_refused_naming_the_record() {
    let c = sgd_config();
    let data = toy::circles(100, 0.1, 1);
    let mut t = Trainer::new(&c, data.clone(), None, None).unwrap();
    t.run(|_| {}).unwrap();
    let mut epochs = t.history().epochs[..3].to_vec();
    epochs.remove(1);
    let mut fresh = Trainer::new(&c, data, None, None).unwrap();
    let err = fresh
        .continue_after(History::from_epochs(epochs))
        .unwrap_err();
    assert_eq!(
        err,
        TrainError::Data(
            "history.epochs[1].epoch: expected 2 (epochs must run 1, 2, 3, … without gaps), found 3"
                .into()
        )
    );
}

#[test]
fn more_saved_epochs_than_the_config_trains_are_refused() {
    let c = sgd_config();
    let data = toy::circles(100, 0.1, 1);
    let mut t = Trainer::new(&c, data.clone(), None, None).unwrap();
    t.run(|_| {}).unwrap();
    let mut shorter = c.clone();
    shorter.epochs = 3;
    let mut fresh = Trainer::new(&shorter, data, None, None).unwrap();
    let err = fresh.continue_after(t.history().clone()).unwrap_err();
    assert!(
        err.to_string()
            .contains("5 epochs were saved but the config trains only 3"),
        "{err}"
    );
}

#[test]
fn a_trainer_that_has_already_trained_cannot_continue_from_a_checkpoint() {
    let c = sgd_config();
    let mut t = Trainer::new(&c, toy::circles(100, 0.1, 1), None, None).unwrap();
    t.step(1).unwrap();
    let err = t.continue_after(History::default()).unwrap_err();
    assert!(err.to_string().contains("before it has trained"), "{err}");
}

/// Trains `config` to the end in one go, and again interrupted after epoch 2 (mid-epoch 3) and
/// continued from the checkpoint with the optimizer state; returns both trainers.
fn interrupted_and_whole(config: &Config) -> (Trainer, Trainer) {
    let data = toy::spirals(150, 0.1, 2);
    let mut whole = Trainer::new(config, data.clone(), None, None).unwrap();
    whole.run(|_| {}).unwrap();
    let mut first = Trainer::new(config, data.clone(), None, None).unwrap();
    first.step(first.batches_per_epoch() * 2 + 2).unwrap();
    let mut rest =
        Trainer::new(config, data, None, Some(first.last_epoch_network().clone())).unwrap();
    rest.continue_after(History::from_epochs(first.history().epochs.clone()))
        .unwrap();
    rest.continue_with_optimizer(first.last_epoch_optimizer().clone())
        .unwrap();
    rest.run(|_| {}).unwrap();
    (whole, rest)
}

#[test]
fn momentum_rmsprop_and_adam_continued_with_their_state_end_with_the_uninterrupted_weights() {
    for opt in [
        r#"{"name":"momentum","lr":0.05}"#,
        r#"{"name":"nag","lr":0.05}"#,
        r#"{"name":"rmsprop","lr":0.005,"momentum":0.5}"#,
        r#"{"name":"adam","lr":0.01}"#,
        r#"{"name":"adamw","lr":0.01}"#,
    ] {
        let c = config(&format!(
            r#"{{"seed":9,"layers":[{{"units":8,"activation":"tanh"}},{{"units":2,"activation":"softmax"}}],
                "optimizer":{opt},"batch_size":20,"epochs":4}}"#
        ));
        let (whole, rest) = interrupted_and_whole(&c);
        assert_eq!(rest.network(), whole.network(), "{opt}");
        assert_eq!(rest.history().epochs.len(), 4);
    }
}

#[test]
fn without_the_optimizer_state_adam_continues_but_not_identically() {
    // The other side of the test above: the state is what makes the difference.
    let c = config(
        r#"{"seed":9,"layers":[{"units":8,"activation":"tanh"},{"units":2,"activation":"softmax"}],
            "optimizer":{"name":"adam","lr":0.01},"batch_size":20,"epochs":4}"#,
    );
    let data = toy::spirals(150, 0.1, 2);
    let mut whole = Trainer::new(&c, data.clone(), None, None).unwrap();
    whole.run(|_| {}).unwrap();
    let mut first = Trainer::new(&c, data.clone(), None, None).unwrap();
    first.step(first.batches_per_epoch() * 2).unwrap();
    let mut rest = Trainer::new(&c, data, None, Some(first.last_epoch_network().clone())).unwrap();
    rest.continue_after(first.history().clone()).unwrap();
    rest.run(|_| {}).unwrap();
    assert_ne!(rest.network(), whole.network());
}

#[test]
fn an_optimizer_state_of_the_wrong_shape_or_kind_is_refused() {
    let c = config(
        r#"{"seed":9,"layers":[{"units":8,"activation":"tanh"},{"units":2,"activation":"softmax"}],
            "optimizer":{"name":"adam","lr":0.01},"batch_size":20,"epochs":4}"#,
    );
    let data = toy::spirals(150, 0.1, 2);
    let mut t = Trainer::new(&c, data.clone(), None, None).unwrap();
    t.step(t.batches_per_epoch()).unwrap();
    let good = t.last_epoch_optimizer().clone();

    let mut short = good.clone();
    short.buffers[1][2].pop();
    let mut fresh = Trainer::new(&c, data.clone(), None, None).unwrap();
    assert_eq!(
        fresh.continue_with_optimizer(short).unwrap_err(),
        TrainError::Data("optimizer.buffers[1][2]: expected 16 numbers, found 15".into())
    );
    let sgd_like = OptimizerState {
        steps: 1,
        buffers: vec![good.buffers[0].clone()],
    };
    assert_eq!(
        fresh.continue_with_optimizer(sgd_like).unwrap_err(),
        TrainError::Data("optimizer.buffers: Adam keeps 2 buffer(s), found 1".into())
    );
    t.step(1).unwrap();
    assert!(t
        .continue_with_optimizer(good)
        .unwrap_err()
        .to_string()
        .contains("before training starts"));
}
