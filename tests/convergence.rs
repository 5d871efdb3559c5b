//! End-to-end training with `Trainer`: small problems that a correct engine must solve,
//! reproducibility from the seed, divergence detection, and resuming in slices.
//!
//! Thresholds are set where a correct engine lands with a wide margin and a broken one (a wrong
//! gradient sign, a dead layer, an optimiser that does not step) cannot reach; each test stays
//! well under ~3 s in the dev profile (measured: see each test).

mod common;

use mlp_lab::config::Config;
use mlp_lab::data::Dataset;
use mlp_lab::train::{Metrics, TrainError, Trainer};
use std::time::Instant;

fn config(json: &str) -> Config {
    Config::from_json(json).unwrap_or_else(|e| panic!("test config is invalid: {e}"))
}

/// Trains to the end and returns the trainer, checking that `run` reports every epoch once.
fn train(config: &Config, data: Dataset, val: Option<Dataset>) -> Trainer {
    let mut trainer = Trainer::new(config, data, val, None).expect("trainer");
    let mut seen = Vec::new();
    trainer
        .run(|rec| seen.push(rec.epoch))
        .expect("training does not diverge");
    assert_eq!(seen, (1..=config.epochs).collect::<Vec<_>>());
    assert_eq!(trainer.history().epochs.len(), config.epochs);
    assert!(trainer.is_done());
    trainer
}

// ---------------------------------------------------------------------------------------------
// Problems a correct engine solves

#[test]
fn xor_is_learned_by_a_tanh_sigmoid_network_with_binary_cross_entropy() {
    // 2-8-1 on the four XOR points, full batch. Adam at lr 0.05 separates XOR in a few dozen
    // epochs and drives the loss towards 0 after that; 400 epochs leave the final loss far
    // below the 0.05 asked for (the loss of a chance-level guess is ln 2 ≈ 0.69).
    let start = Instant::now();
    let c = config(
        r#"{"seed":3,"layers":[{"units":8,"activation":"tanh"},{"units":1,"activation":"sigmoid"}],
            "loss":"binary_cross_entropy","optimizer":{"name":"adam","lr":0.05},
            "batch_size":4,"epochs":400}"#,
    );
    let data = common::xor();
    let trainer = train(&c, data.clone(), None);
    let m = trainer.evaluate(&data);
    assert!(m.loss() < 0.05, "final XOR loss {}", m.loss());
    assert_eq!(m.accuracy(), Some(1.0));
    let last = trainer.history().epochs.last().unwrap();
    assert!(
        last.train_loss < 0.05,
        "last epoch's training loss {}",
        last.train_loss
    );
    assert_eq!(last.train_accuracy, Some(1.0));
    eprintln!("xor (bce): {:?}, loss {:.5}", start.elapsed(), m.loss());
}

#[test]
fn xor_is_learned_by_a_softmax_network_with_cross_entropy() {
    // The same with two softmax outputs, one per class. (Tanh, not ReLU, hidden units: with
    // only 8 ReLUs and four points, some seeds leave XOR at 75 % behind dead units, which is
    // the known behaviour of ReLU on XOR and not what this test is about.)
    let start = Instant::now();
    let c = config(
        r#"{"seed":5,"layers":[{"units":8,"activation":"tanh"},{"units":2,"activation":"softmax"}],
            "loss":"cross_entropy","optimizer":{"name":"adam","lr":0.05},
            "batch_size":4,"epochs":400}"#,
    );
    let data = common::xor();
    let trainer = train(&c, data.clone(), None);
    let m = trainer.evaluate(&data);
    assert!(m.loss() < 0.05, "final XOR loss {}", m.loss());
    assert_eq!(m.accuracy(), Some(1.0));
    eprintln!("xor (ce): {:?}, loss {:.5}", start.elapsed(), m.loss());
}

#[test]
fn two_spirals_reach_95_percent_training_accuracy() {
    // 2 × 100 points on two arms of 1.25 turns each, lightly jittered. A linear model gets
    // ~51 % (loss ≈ 0.656). 2-32-32-2 tanh with Adam at lr 0.003, batches of 20, first passes
    // 95 % between epochs 78 and 167 and ends at 100 % for each of seeds 1-8 (measured), so
    // 400 epochs with a 95 % bar leave a wide margin.
    //
    // At lr 0.01 with batches of 20 the same network stalls at the linear solution (51 %);
    // PyTorch does exactly the same from the same initial weights and batches (checked: the
    // per-epoch losses agree to 6 digits), so that is the problem's dynamics, not an engine
    // bug, and the test uses the smaller rate.
    let start = Instant::now();
    let c = config(
        r#"{"seed":11,"layers":[{"units":32,"activation":"tanh"},{"units":32,"activation":"tanh"},
            {"units":2,"activation":"softmax"}],
            "loss":"cross_entropy","optimizer":{"name":"adam","lr":0.003},
            "batch_size":20,"epochs":400}"#,
    );
    let data = common::two_spirals(100, 1.25, 0.02, 7);
    assert_eq!(data.n, 200);
    let trainer = train(&c, data.clone(), None);
    let Metrics::Classification {
        accuracy,
        confusion_matrix,
        ..
    } = trainer.evaluate(&data)
    else {
        panic!("classification metrics expected");
    };
    assert!(
        accuracy >= 0.95,
        "spiral training accuracy {accuracy}, confusion {confusion_matrix:?}"
    );
    eprintln!("spirals: {:?}, accuracy {accuracy}", start.elapsed());
}

#[test]
fn noisy_regression_reaches_r2_of_0_95_on_held_out_data() {
    // y = sin(x1) + 0.5·x2² + N(0, 0.1²) on [−2, 2]². Var(y) ≈ 0.75 and the noise variance is
    // 0.01, so even the true function scores R² ≈ 0.987 on fresh noisy data; 0.95 asks the
    // network to capture ~96 % of the learnable variance, on points it never saw. A linear
    // model scores R² ≈ 0.5 here (it misses the bowl entirely). Measured: 0.965-0.987 over
    // seeds 1-8.
    let start = Instant::now();
    let c = config(
        r#"{"seed":2,"layers":[{"units":32,"activation":"tanh"},{"units":32,"activation":"tanh"},
            {"units":1,"activation":"identity"}],
            "loss":"mse","optimizer":{"name":"adam","lr":0.01},
            "batch_size":32,"epochs":200}"#,
    );
    let train_set = common::sine_bowl(400, 0.1, 21);
    let test_set = common::sine_bowl(400, 0.1, 22);
    let trainer = train(&c, train_set, Some(test_set.clone()));
    let Metrics::Regression { r2, mse, .. } = trainer.evaluate(&test_set) else {
        panic!("regression metrics expected");
    };
    assert!(r2 >= 0.95, "held-out R² {r2} (mse {mse})");
    // The history carries the same validation metric.
    let last = trainer.history().epochs.last().unwrap();
    assert_eq!(last.val_r2, Some(r2));
    assert!(last.train_accuracy.is_none());
    eprintln!("regression: {:?}, R² {r2:.4}", start.elapsed());
}

// ---------------------------------------------------------------------------------------------
// Reproducibility and resuming

fn spiral_config(seed: u64, epochs: usize) -> Config {
    config(&format!(
        r#"{{"seed":{seed},"layers":[{{"units":16,"activation":["tanh","relu","sigmoid","leaky_relu","tanh","tanh","relu","tanh","tanh","relu","sigmoid","leaky_relu","tanh","tanh","relu","tanh"]}},
            {{"units":2,"activation":"softmax"}}],
            "loss":"cross_entropy","optimizer":{{"name":"adam","lr":0.01}},
            "regularization":{{"kind":"l2","lambda":0.0001}},"clip":{{"kind":"norm","max_norm":5.0}},
            "batch_size":24,"epochs":{epochs},"shuffle":true}}"#
    ))
}

#[test]
fn the_same_seed_reproduces_bit_identical_weights() {
    let data = common::two_spirals(50, 1.0, 0.05, 3);
    let a = train(&spiral_config(9, 6), data.clone(), None);
    let b = train(&spiral_config(9, 6), data, None);
    assert_eq!(
        common::param_bits(a.network()),
        common::param_bits(b.network())
    );
    let losses = |t: &Trainer| {
        t.history()
            .epochs
            .iter()
            .map(|e| e.train_loss.to_bits())
            .collect::<Vec<_>>()
    };
    assert_eq!(losses(&a), losses(&b));
}

#[test]
fn a_different_seed_gives_different_weights() {
    let data = common::two_spirals(50, 1.0, 0.05, 3);
    let a = train(&spiral_config(9, 2), data.clone(), None);
    let b = train(&spiral_config(10, 2), data, None);
    let (wa, wb) = (
        common::param_bits(a.network()),
        common::param_bits(b.network()),
    );
    assert_eq!(wa.len(), wb.len());
    // Not just different somewhere: different nearly everywhere.
    let same = wa.iter().zip(&wb).filter(|(x, y)| x == y).count();
    assert!(
        same * 10 < wa.len(),
        "{same} of {} parameters coincide",
        wa.len()
    );
}

#[test]
fn stepping_in_slices_gives_the_same_weights_as_one_run() {
    // 7 batches per epoch (150 rows, batch 24 → 6 full + 1 of 6); slices of 3 and of 5 batches
    // cut epochs at every possible place, including across epoch boundaries.
    let data = common::two_spirals(75, 1.0, 0.05, 4);
    let val = common::two_spirals(20, 1.0, 0.05, 5);
    let c = spiral_config(13, 5);
    let whole = train(&c, data.clone(), Some(val.clone()));
    for slice in [1, 3, 5, 100] {
        let mut t = Trainer::new(&c, data.clone(), Some(val.clone()), None).unwrap();
        assert_eq!(t.batches_per_epoch(), 7);
        let mut calls = 0;
        let mut finished = Vec::new();
        while !t.is_done() {
            let p = t.step(slice).expect("no divergence");
            finished.extend(p.finished.iter().map(|r| r.epoch));
            calls += 1;
            assert!(p.batch <= p.batches_per_epoch);
            assert_eq!(p.done, t.is_done());
        }
        assert_eq!(finished, vec![1, 2, 3, 4, 5], "slice {slice}");
        assert_eq!(calls, 35usize.div_ceil(slice), "slice {slice}");
        assert_eq!(
            common::param_bits(t.network()),
            common::param_bits(whole.network()),
            "slice {slice}"
        );
        for (a, b) in t.history().epochs.iter().zip(&whole.history().epochs) {
            assert_eq!(
                a.train_loss.to_bits(),
                b.train_loss.to_bits(),
                "slice {slice}, epoch {}",
                a.epoch
            );
            assert_eq!(a.val_loss, b.val_loss, "slice {slice}, epoch {}", a.epoch);
            assert_eq!(a.train_accuracy, b.train_accuracy);
            assert_eq!(a.grad_norms, b.grad_norms);
        }
        // Once done, further steps do nothing.
        let before = common::param_bits(t.network());
        let p = t.step(4).unwrap();
        assert!(p.done && p.finished.is_empty());
        assert_eq!(common::param_bits(t.network()), before);
    }
}

// ---------------------------------------------------------------------------------------------
// Divergence

#[test]
fn a_huge_learning_rate_is_caught_as_divergence_with_epoch_batch_and_learning_rate() {
    // ReLU/identity with MSE and SGD at lr 1e6: every step multiplies the weights' size by a
    // huge factor, so they overflow within a few batches.
    let c = config(
        r#"{"seed":1,"layers":[{"units":16,"activation":"relu","init":"he_uniform"},{"units":1,"activation":"identity"}],
            "loss":"mse","optimizer":{"name":"sgd","lr":1e6},"batch_size":16,"epochs":20}"#,
    );
    let mut t = Trainer::new(&c, common::sine_bowl(64, 0.1, 1), None, None).unwrap();
    let mut epochs_seen = 0;
    let err = t
        .run(|_| epochs_seen += 1)
        .expect_err("lr 1e6 must diverge");
    let TrainError::Diverged {
        epoch,
        batch,
        ref what,
        ref value,
        ..
    } = err
    else {
        panic!("expected a divergence, got {err:?}");
    };
    let message = err.to_string();
    eprintln!("{message}");
    assert!(message.contains(&format!("epoch {epoch}")), "{message}");
    assert!(message.contains(&format!("batch {batch}")), "{message}");
    assert!(message.contains("learning rate 1000000"), "{message}");
    assert!(
        message.starts_with(what.as_str()) && message.contains(value.as_str()),
        "{message}"
    );
    assert!((1..=4).contains(&batch), "batch {batch} of 4");
    assert_eq!(
        epoch,
        epochs_seen + 1,
        "the error names the epoch in progress"
    );
    // The weights stay finite, and the failure sticks.
    assert!(
        common::all_finite(t.network()),
        "non-finite weights kept after divergence"
    );
    assert!(t.is_done());
    assert_eq!(t.failure(), Some(&err));
    assert_eq!(t.step(1).unwrap_err(), err);
}

/// SGD at lr 1e6 on a linear-ish 2-16-16-1 network, one batch per epoch: the last step of
/// epoch 2 overflows some weights to ±inf while its loss and gradient were still finite, and
/// epoch 3's first batch then reports a NaN loss.
fn overflow_at_an_epoch_boundary() -> Trainer {
    let c = config(
        r#"{"seed":0,"layers":[{"units":16,"activation":"leaky_relu"},{"units":16,"activation":"identity"},
            {"units":1,"activation":"identity"}],
            "loss":"mse","optimizer":{"name":"sgd","lr":1e6},"batch_size":64,"epochs":30}"#,
    );
    Trainer::new(&c, common::sine_bowl(64, 0.1, 1), None, None).unwrap()
}

#[test]
fn weights_stay_finite_when_the_divergence_shows_at_the_first_batch_of_an_epoch() {
    let mut t = overflow_at_an_epoch_boundary();
    let err = t.run(|_| {}).expect_err("lr 1e6 must diverge");
    assert!(
        matches!(err, TrainError::Diverged { batch: 1, .. }),
        "{err}"
    );
    let bad = t
        .network()
        .params()
        .iter()
        .flat_map(|p| p.iter())
        .filter(|v| !v.is_finite())
        .count();
    assert_eq!(bad, 0, "{bad} non-finite parameters kept after: {err}");
}

#[test]
fn after_divergence_the_weights_are_those_from_the_end_of_the_last_completed_epoch() {
    // lr 1e6, 4 batches per epoch: the loss overflows at epoch 1, batch 3, while the weights
    // (≈1e25 by then) are still finite. The message promises the weights from the end of
    // epoch 0, i.e. the initial ones.
    let c = config(
        r#"{"seed":1,"layers":[{"units":16,"activation":"relu","init":"he_uniform"},{"units":1,"activation":"identity"}],
            "loss":"mse","optimizer":{"name":"sgd","lr":1e6},"batch_size":16,"epochs":20}"#,
    );
    let mut t = Trainer::new(&c, common::sine_bowl(64, 0.1, 1), None, None).unwrap();
    let initial = common::param_bits(t.network());
    let err = t.run(|_| {}).expect_err("lr 1e6 must diverge");
    assert!(
        err.to_string()
            .contains("the weights from the end of epoch 0 are kept"),
        "{err}"
    );
    assert!(
        common::param_bits(t.network()) == initial,
        "weights changed although: {err}"
    );
}

#[test]
fn a_reasonable_learning_rate_does_not_diverge_on_the_same_problem() {
    // The control for the test above: the same network and data with lr 0.01 trains fine.
    let c = config(
        r#"{"seed":1,"layers":[{"units":16,"activation":"relu","init":"he_uniform"},{"units":1,"activation":"identity"}],
            "loss":"mse","optimizer":{"name":"sgd","lr":0.01},"batch_size":16,"epochs":20}"#,
    );
    let t = train(&c, common::sine_bowl(64, 0.1, 1), None);
    let h = &t.history().epochs;
    assert!(h.last().unwrap().train_loss < h[0].train_loss);
    assert!(common::all_finite(t.network()));
}

#[test]
fn the_divergence_message_names_the_likeliest_cause() {
    let message = |json: &str| {
        let c = config(json);
        let mut t = Trainer::new(&c, common::sine_bowl(64, 0.1, 1), None, None).unwrap();
        t.run(|_| {}).expect_err("must diverge").to_string()
    };
    // Weights of ±1000 on inputs of order 1 through twelve identity layers of 64 units grow
    // the activations about 8000-fold per layer: the first forward pass overflows f32, before
    // any update, so the learning rate is not to blame.
    let hidden = r#"{"units":64,"activation":"identity","init":"random_uniform","scale":1000},"#;
    let m = message(&format!(
        r#"{{"seed":1,"layers":[{}{{"units":1,"activation":"identity"}}],
            "loss":"mse","optimizer":{{"name":"sgd","lr":0.001}},"batch_size":16,"epochs":2}}"#,
        hidden.repeat(12)
    ));
    assert!(m.contains("epoch 1 batch 1"), "{m}");
    assert!(m.contains("before any update"), "{m}");
    assert!(
        !m.contains("learning rate 0.001 is probably too high"),
        "{m}"
    );
    // L2 with lr·λ = 1000: the penalty's own step overshoots.
    let m = message(
        r#"{"seed":1,"layers":[{"units":16,"activation":"relu"},{"units":1,"activation":"identity"}],
            "loss":"mse","optimizer":{"name":"sgd","lr":0.1},"regularization":{"kind":"l2","lambda":10000},
            "batch_size":16,"epochs":50}"#,
    );
    assert!(
        m.contains("regularization.lambda 10000 with learning rate 0.1"),
        "{m}"
    );
}

#[test]
fn integer_labels_that_skip_class_0_are_explained() {
    use mlp_lab::data::csv::{load_csv_bytes, TargetSpec};
    let text = "a,b,t\n0,1,1\n1,0,2\n1,1,3\n0,0,1\n";
    let data = load_csv_bytes("t.csv", text.as_bytes(), TargetSpec::classes("t")).unwrap();
    let c = config(r#"{"layers":[{"units":3,"activation":"softmax"}]}"#);
    let err = Trainer::new(&c, data, None, None)
        .err()
        .expect("4 classes, 3 units")
        .to_string();
    assert!(
        err.contains("4 classes but the output layer has 3 units"),
        "{err}"
    );
    assert!(
        err.contains("no row has class 0 (integer labels are class indices counted from 0"),
        "{err}"
    );
}
