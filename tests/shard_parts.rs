//! Page workers sharing memory each own a part of the parameters: every replica folds all the
//! batch's shards over its part only, steps the optimiser on its part only, and the replicas
//! swap their parts' new weights (`train::trainer::parts`). These tests run that protocol with
//! 2, 3 and 8 replicas in one process and check it trains exactly what `Trainer::step` trains:
//! the weights, every epoch's record (losses, norms, histograms) and the checkpoint's optimizer
//! state, to the bit — for several optimizers, regularisers and clippings.

mod common;

use mlp_lab::config::Config;
use mlp_lab::data::Dataset;
use mlp_lab::train::shard::ShardWork;
use mlp_lab::train::Trainer;
use mlp_lab::Real;

const ROWS: usize = 700;
const FEATURES: usize = 60;

fn config(optimizer: &str, extra: &str, batch: usize) -> Config {
    Config::from_json(&format!(
        r#"{{"seed":5,"layers":[{{"units":200,"activation":"relu"}},{{"units":64,"activation":"tanh"}},
            {{"units":3,"activation":"softmax"}}],"loss":"cross_entropy","optimizer":{optimizer},
            {extra}"batch_size":{batch},"epochs":2,"shuffle":true}}"#
    ))
    .unwrap_or_else(|e| panic!("test config is invalid: {e}"))
}

/// The configs: Adam with L2 and norm clipping, momentum with L1 and value clipping, RMSprop
/// with momentum, AdamW without either.
fn configs(batch: usize) -> Vec<Config> {
    vec![
        config(
            r#"{"name":"adam","lr":0.01}"#,
            r#""regularization":{"kind":"l2","lambda":0.001},"clip":{"kind":"norm","max_norm":0.5},"#,
            batch,
        ),
        config(
            r#"{"name":"momentum","lr":0.05}"#,
            r#""regularization":{"kind":"l1","lambda":0.0001},"clip":{"kind":"value","value":0.01},"#,
            batch,
        ),
        config(r#"{"name":"rmsprop","lr":0.001,"momentum":0.5}"#, "", batch),
        config(r#"{"name":"adamw","lr":0.003}"#, "", batch),
    ]
}

fn data() -> Dataset {
    let features = common::xorshift_features(ROWS * FEATURES, 0x1234_5678);
    let labels = features
        .chunks(FEATURES)
        .map(|r| u32::from(r[0] + r[7] > 0.0) + u32::from(r[3] > 0.5))
        .collect();
    common::classes(features, FEATURES, labels, 3)
}

fn trainer(c: &Config) -> Trainer {
    let parts = mlp_lab::data::split::split(&data(), 0.1, 0.0, 9).unwrap_or_else(|e| panic!("{e}"));
    Trainer::new(c, parts.train, Some(parts.validation), None).unwrap()
}

/// Everything a run leaves: weights, the history without timings, the checkpoint's optimizer
/// state.
fn fingerprint(t: &Trainer) -> String {
    let mut history = t.history().epochs.clone();
    history.iter_mut().for_each(|r| r.seconds = 0.0);
    let bits = |v: &[Real]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let weights: Vec<_> = t.network().params().iter().map(|p| bits(p)).collect();
    let state = t.last_epoch_optimizer();
    let moments: Vec<Vec<_>> = state.buffers.iter().flatten().map(|b| bits(b)).collect();
    serde_json::to_string(&(weights, history, state.steps, moments)).unwrap()
}

/// Copies part `i`'s flat range of `from`'s weights into `to`.
fn copy_weights(from: &mut Trainer, to: &mut Trainer, lo: usize, hi: usize) {
    let src: Vec<Real> = from.params_mut().iter().flat_map(|p| p.to_vec()).collect();
    let mut at = 0;
    for p in to.params_mut() {
        for (j, w) in p.iter_mut().enumerate() {
            if (lo..hi).contains(&(at + j)) {
                *w = src[at + j];
            }
        }
        at += p.len();
    }
}

/// Copies the norm blocks of part `i` (per `part_blocks`) from replica `i` to every other.
fn share_blocks(replicas: &mut [Trainer]) {
    let ranges = replicas[0].part_blocks();
    for i in 0..replicas.len() {
        let sums = replicas[i].norm_blocks_mut().to_vec();
        for (j, r) in replicas.iter_mut().enumerate() {
            if j != i {
                let (lo, hi) = (ranges[i], ranges[i + 1]);
                r.norm_blocks_mut()[lo..hi].copy_from_slice(&sums[lo..hi]);
            }
        }
    }
}

/// One run on `count` replicas through the parts protocol; replica 0 is the run's.
fn trained_in_parts(c: &Config, count: usize) -> Trainer {
    let mut replicas: Vec<Trainer> = (0..count).map(|_| trainer(c)).collect();
    for (i, r) in replicas.iter_mut().enumerate() {
        r.split_parts(count, i).unwrap();
    }
    let bounds = replicas[0].part_bounds();
    let n = replicas[0].param_count();
    let mut work: Vec<ShardWork> = (0..count).map(|_| ShardWork::new()).collect();
    while let Some(batch) = replicas[0].next_batch() {
        for r in &mut replicas[1..] {
            assert_eq!(r.next_batch(), Some(batch));
        }
        let mut grads = vec![vec![0.0 as Real; n]; batch.len()];
        let mut results = Vec::new();
        for (s, g) in grads.iter_mut().enumerate() {
            let r = s * count / batch.len(); // contiguous runs, as the workers take them
            results.push(replicas[r].compute_shard(s, &mut work[r], g).unwrap());
        }
        // replica 0 hands over its run of shards added up (the fold's prefix), as one buffer
        let first = (0..batch.len())
            .filter(|s| s * count / batch.len() == 0)
            .count()
            - 1;
        for s in 1..=first {
            let (done, rest) = grads.split_at_mut(s);
            rest[0]
                .iter_mut()
                .zip(&done[s - 1])
                .for_each(|(x, p)| *x += p);
        }
        let views: Vec<&[Real]> = grads[first..].iter().map(Vec::as_slice).collect();
        for r in &mut replicas {
            r.fold_part(&results, &views).unwrap();
        }
        if replicas[0].needs_norm_first() {
            share_blocks(&mut replicas);
        }
        for r in &mut replicas {
            r.step_part().unwrap();
        }
        share_blocks(&mut replicas);
        for i in 0..count {
            for j in 0..count {
                if i != j {
                    let (from, to) = pair(&mut replicas, i, j);
                    copy_weights(from, to, bounds[i], bounds[i + 1]);
                }
            }
        }
        if replicas[0].batch_ends_epoch() {
            for i in 1..count {
                let (lo, hi) = (bounds[i], bounds[i + 1]);
                let g = replicas[i].batch_grads_mut()[lo..hi].to_vec();
                replicas[0].batch_grads_mut()[lo..hi].copy_from_slice(&g);
                let state = replicas[i].part_state(i);
                replicas[0].set_part_state(i, &state).unwrap();
            }
        }
        for r in &mut replicas {
            r.finish_part().unwrap();
        }
    }
    replicas.swap_remove(0)
}

fn pair(v: &mut [Trainer], i: usize, j: usize) -> (&mut Trainer, &mut Trainer) {
    if i < j {
        let (a, b) = v.split_at_mut(j);
        (&mut a[i], &mut b[0])
    } else {
        let (a, b) = v.split_at_mut(i);
        (&mut b[0], &mut a[j])
    }
}

#[test]
fn replicas_stepping_their_parts_train_exactly_what_step_trains() {
    for batch in [128, 256] {
        for c in configs(batch) {
            let mut one = trainer(&c);
            one.run(|_| {}).unwrap();
            let want = fingerprint(&one);
            for count in [2, 3] {
                let got = fingerprint(&trained_in_parts(&c, count));
                assert!(
                    got == want,
                    "{} at batch {batch} on {count} parts",
                    c.optimizer.name
                );
            }
        }
    }
}

#[test]
fn eight_parts_of_eight_shards_train_what_one_trains() {
    let c = &configs(512)[0];
    let mut one = trainer(c);
    one.run(|_| {}).unwrap();
    assert!(fingerprint(&trained_in_parts(c, 8)) == fingerprint(&one));
}

#[test]
fn parts_are_runs_of_whole_norm_blocks_covering_every_parameter() {
    let c = &configs(128)[0];
    let mut t = trainer(c);
    let n = t.param_count();
    for count in 1..=8 {
        t.split_parts(count, 0).unwrap();
        let b = t.part_bounds();
        assert_eq!((b[0], b[b.len() - 1]), (0, n), "{count} parts");
        assert!(b.windows(2).all(|w| w[0] <= w[1]));
        let blocks = t.part_blocks();
        if count > 1 {
            assert_eq!(blocks.len(), count + 1);
        }
    }
    assert!(t.split_parts(2, 2).is_err());
}
