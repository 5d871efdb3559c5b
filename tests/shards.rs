//! Shards make a batch's gradient independent of the thread count: a batch is cut by its size
//! alone (`train::shard`), each shard's gradient is computed on its own and the batch's is their
//! left fold in shard order. So any number of threads — or replicas in page workers sharing
//! the shards — train byte-identical weights, a checkpoint made with 2 threads resumes with 1,
//! and the folded gradient is the batch's gradient up to float rounding.

// `x as f64` on a `Real` converts in the f32 build and is the same type in the f64 build.
#![cfg_attr(
    feature = "f64",
    allow(clippy::unnecessary_cast, clippy::useless_conversion)
)]

mod common;

use mlp_lab::config::Config;
use mlp_lab::data::{Dataset, Targets};
use mlp_lab::nn::{AsInput, Input, Loss, Network, ShardInput, ShardPos};
use mlp_lab::train::shard::{shards, ShardWork};
use mlp_lab::train::{History, TrainError, Trainer};
use mlp_lab::{Matrix, Real};

/// 1,000 rows of 100 features: every batch size below leaves a short last batch.
const ROWS: usize = 1000;
const FEATURES: usize = 100;

fn config(json: &str) -> Config {
    Config::from_json(json).unwrap_or_else(|e| panic!("test config is invalid: {e}"))
}

/// A mixed network (tanh, ReLU/sigmoid runs, softmax) with Adam, L2 and norm clipping, large
/// enough (115,000 parameters) that shards go to threads and Adam steps in up to 3 parts.
fn classifier(batch: usize, epochs: usize) -> Config {
    let mixed: Vec<&str> = (0..256)
        .map(|i| ["relu", "relu", "sigmoid", "leaky_relu"][i % 4])
        .collect();
    config(&format!(
        r#"{{"seed":11,"layers":[{{"units":320,"activation":"tanh"}},
             {{"units":256,"activation":{mixed:?}}},
             {{"units":3,"activation":"softmax"}}],
            "loss":"cross_entropy","optimizer":{{"name":"adam","lr":0.01}},
            "regularization":{{"kind":"l2","lambda":0.001}},"clip":{{"kind":"norm","max_norm":1.0}},
            "batch_size":{batch},"epochs":{epochs},"shuffle":true}}"#
    ))
}

/// Learnable synthetic classes: the label is the argmax of three fixed projections.
fn data(rows: usize) -> Dataset {
    let features = common::xorshift_features(rows * FEATURES, 0x2545_F491);
    let labels = features
        .chunks(FEATURES)
        .map(|r| {
            let score = |k: usize| r.iter().skip(k).step_by(3).sum::<f32>();
            (0..3)
                .max_by(|a, b| score(*a).total_cmp(&score(*b)))
                .unwrap_or(0) as u32
        })
        .collect();
    common::classes(features, FEATURES, labels, 3)
}

fn trained(c: &Config, threads: usize) -> Trainer {
    let mut t = Trainer::new(c, data(ROWS), None, None).unwrap();
    t.set_threads(threads);
    t.run(|_| {}).unwrap();
    t
}

/// The weights' bits and every recorded loss and accuracy.
fn fingerprint(t: &Trainer) -> (Vec<u64>, Vec<(u64, Option<u64>)>) {
    let bits = t
        .network()
        .params()
        .iter()
        .flat_map(|p| p.iter().map(|v| f64::from(*v).to_bits()))
        .collect();
    let curve = t
        .history()
        .epochs
        .iter()
        .map(|r| (r.train_loss.to_bits(), r.train_accuracy.map(f64::to_bits)))
        .collect();
    (bits, curve)
}

#[test]
fn batch_sizes_are_cut_into_1_3_4_and_8_shards_with_short_last_batches() {
    for (batch, k, last_rows, last_k) in [
        (32, 1, 1000 % 32, 1),
        (192, 3, 1000 % 192, 1),
        (256, 4, 1000 % 256, 3),
        (512, 8, 1000 % 512, 7),
    ] {
        assert_eq!(shards(batch).len(), k, "batch {batch}");
        assert_eq!(shards(last_rows).len(), last_k, "last batch of {last_rows}");
    }
}

#[test]
fn weights_are_byte_identical_for_1_2_3_4_and_8_threads() {
    for batch in [32, 192, 256, 512] {
        let c = classifier(batch, 2);
        let one = fingerprint(&trained(&c, 1));
        for threads in [2, 3, 4, 8] {
            assert!(
                fingerprint(&trained(&c, threads)) == one,
                "batch {batch}: {threads} threads trained other weights than 1 thread"
            );
        }
    }
}

#[test]
fn regression_and_binary_losses_are_thread_count_independent_too() {
    let mut reg = data(ROWS);
    let values = reg
        .features
        .chunks(reg.d)
        .map(|r| r[0] * 2.0 - r[5])
        .collect();
    reg.targets = Targets::Values { values, k: 1 };
    let mut bin = data(ROWS);
    if let Targets::Classes { labels, n_classes } = &mut bin.targets {
        labels.iter_mut().for_each(|l| *l = u32::from(*l == 0));
        *n_classes = 2;
    }
    let mse = r#"{"seed":3,"layers":[{"units":512,"activation":"sigmoid"},{"units":1,"activation":"identity"}],
        "loss":"mse","task":"regression","optimizer":{"name":"momentum","lr":0.05},"batch_size":200,"epochs":2}"#;
    let bce = r#"{"seed":3,"layers":[{"units":512,"activation":"tanh"},{"units":1,"activation":"sigmoid"}],
        "loss":"binary_cross_entropy","task":"binary","optimizer":{"name":"rmsprop","lr":0.01},"batch_size":200,"epochs":2}"#;
    for (json, d) in [(mse, reg), (bce, bin)] {
        let c = config(json);
        let run = |threads: usize| {
            let mut t = Trainer::new(&c, d.clone(), None, None).unwrap();
            t.set_threads(threads);
            t.run(|_| {}).unwrap();
            fingerprint(&t)
        };
        let one = run(1);
        assert!(run(2) == one && run(4) == one, "{}", c.loss);
    }
}

#[test]
fn a_checkpoint_made_with_2_threads_resumes_with_1_and_ends_identical() {
    let c = classifier(256, 4);
    let whole = trained(&c, 2);

    let mut first = Trainer::new(&c, data(ROWS), None, None).unwrap();
    first.set_threads(2);
    first.step(first.batches_per_epoch() * 2 + 3).unwrap(); // into epoch 3
    let weights = first.last_epoch_network().clone();
    let optimizer = first.last_epoch_optimizer().clone();
    let history = History::from_epochs(first.history().epochs[..2].to_vec());

    let mut rest = Trainer::new(&c, data(ROWS), None, Some(weights)).unwrap();
    rest.set_threads(1);
    rest.continue_after(history).unwrap();
    rest.continue_with_optimizer(optimizer).unwrap();
    rest.run(|_| {}).unwrap();
    assert!(fingerprint(&rest) == fingerprint(&whole));
}

/// Replicas of one trainer, each computing some of every batch's shards and all applying
/// every shard in order, as page workers do.
#[test]
fn replicas_sharing_the_shards_through_the_api_train_what_step_trains() {
    let c = classifier(256, 2);
    let reference = trained(&c, 1);
    let mut replicas: Vec<Trainer> = (0..2)
        .map(|_| Trainer::new(&c, data(ROWS), None, None).unwrap())
        .collect();
    let n = replicas[0].param_count();
    let mut work: Vec<ShardWork> = (0..2).map(|_| ShardWork::new()).collect();
    let mut finished = 0;
    while let Some(batch) = replicas[0].next_batch() {
        assert_eq!(replicas[1].next_batch(), Some(batch));
        let mut grads = vec![vec![0.0 as Real; n]; batch.len()];
        let mut results = Vec::new();
        for (s, g) in grads.iter_mut().enumerate() {
            let r = s % 2; // replica r computes the shards s ≡ r (mod 2)
            results.push(replicas[r].compute_shard(s, &mut work[r], g).unwrap());
        }
        let views: Vec<&[Real]> = grads.iter().map(Vec::as_slice).collect();
        for t in &mut replicas {
            finished += usize::from(t.apply_batch(&results, &views).unwrap().is_some());
        }
    }
    assert_eq!(finished, 2 * 2);
    for t in &replicas {
        assert!(fingerprint(t) == fingerprint(&reference));
    }
}

#[test]
fn the_shard_api_refuses_calls_out_of_order_and_wrong_buffers() {
    let c = classifier(256, 1);
    let mut t = Trainer::new(&c, data(ROWS), None, None).unwrap();
    let n = t.param_count();
    let mut work = ShardWork::new();
    let mut g = vec![0.0 as Real; n];
    let early = t.compute_shard(0, &mut work, &mut g).unwrap_err();
    assert!(
        early.to_string().contains("call next_batch first"),
        "{early}"
    );
    let batch = t.next_batch().unwrap();
    assert_eq!(batch.len(), 4);
    let Err(TrainError::Data(m)) = t.compute_shard(4, &mut work, &mut g) else {
        panic!("shard 4 of 4 was accepted");
    };
    assert_eq!(m, "shard 4: this batch has 4 shard(s)");
    let Err(TrainError::Data(m)) = t.compute_shard(0, &mut work, &mut g[1..]) else {
        panic!("a short buffer was accepted");
    };
    assert_eq!(
        m,
        format!(
            "the gradient buffer holds {} numbers but the network has {n} parameters",
            n - 1
        )
    );
    let r = t.compute_shard(0, &mut work, &mut g).unwrap();
    let Err(TrainError::Data(m)) = t.apply_batch(&[r], &[&g]) else {
        panic!("one shard of four was applied");
    };
    assert_eq!(
        m,
        "the batch has 4 shards but 1 results and 1 gradient buffers were given"
    );
}

/// The fold of per-shard gradients against one product over the whole batch, for every loss
/// and both output paths: equal up to the rounding of the reordered sums.
#[test]
fn the_folded_shard_gradients_equal_the_whole_batch_gradient() {
    let d = data(512);
    let cases = [
        (Loss::CrossEntropy, "softmax", 3, true),
        (Loss::CrossEntropy, "softmax", 3, false),
        (Loss::BinaryCrossEntropy, "sigmoid", 3, true),
        (Loss::BinaryCrossEntropy, "sigmoid", 3, false),
        (Loss::Mse, "tanh", 3, false),
    ];
    for (loss, out, units, fused) in cases {
        let c = config(&format!(
            r#"{{"seed":4,"layers":[{{"units":20,"activation":"tanh"}},{{"units":{units},"activation":"{out}"}}],
                "loss":"{loss}","task":"multiclass"}}"#
        ));
        let net = Network::new(
            d.d,
            &c.layer_specs(),
            &mut mlp_lab::train::trainer::rng(4, 0),
        );
        let x = Matrix::from_fn(d.n, d.d, |i, j| d.row(i)[j] as Real);
        let y = Matrix::from_fn(d.n, units, |i, j| {
            let Targets::Classes { labels, .. } = &d.targets else {
                unreachable!()
            };
            Real::from(u8::from(labels[i] as usize == j))
        });
        let mut ws = net.workspace(d.n);
        let mut whole = net.zero_gradients();
        let mean = net.loss_and_gradients(&x, &y, loss, fused, &mut ws, &mut whole);

        let divisor = loss.divisor(d.n, units);
        let mut folded = net.zero_gradients();
        let mut part = net.zero_gradients();
        let mut sum = 0.0;
        for (s, r) in shards(d.n).iter().enumerate() {
            let (xs, ys) = (
                x.rows(r.start, r.len()).into_owned(),
                y.rows(r.start, r.len()).into_owned(),
            );
            let mut ws = net.workspace(r.len());
            let input = ShardInput {
                x: Input::of(&xs),
                y: &ys,
                loss,
                fused,
                divisor,
                at: ShardPos::default(),
                dropout: mlp_lab::nn::Dropout::Off,
            };
            let target = if s == 0 {
                folded.as_mut_slice()
            } else {
                part.as_mut_slice()
            };
            sum += net.shard_gradients(&input, &mut ws, target);
            if s > 0 {
                let p = part.as_slice().to_vec();
                folded
                    .as_mut_slice()
                    .iter_mut()
                    .zip(&p)
                    .for_each(|(a, b)| *a += b);
            }
        }
        assert_eq!(shards(d.n).len(), 8);
        let tol = if cfg!(feature = "f64") { 1e-12 } else { 2e-5 };
        assert!(
            ((sum / divisor) - mean).abs() <= tol * mean.abs(),
            "{loss}: loss {sum} vs {mean}"
        );
        let scale = whole
            .as_slice()
            .iter()
            .fold(0.0 as Real, |m, v| m.max(v.abs())) as f64;
        for (i, (a, b)) in folded.as_slice().iter().zip(whole.as_slice()).enumerate() {
            let err = (*a as f64 - *b as f64).abs();
            assert!(
                err <= tol * scale,
                "{loss} fused={fused}: gradient[{i}] {a} vs {b}"
            );
        }
        assert_ne!(folded, net.zero_gradients());
    }
}
