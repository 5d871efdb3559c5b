//! What each epoch record holds beyond the losses: one weight histogram and one weight-gradient
//! histogram per layer (the page's run store keeps both), each counting every weight.

use mlp_lab::config::Config;
use mlp_lab::data::toy;
use mlp_lab::train::histogram::Histogram;
use mlp_lab::train::history::MAX_HISTOGRAM_EPOCHS;
use mlp_lab::train::{EpochRecord, History, Trainer};

#[test]
fn each_epoch_records_a_weight_and_a_gradient_histogram_per_layer_counting_every_weight() {
    let c = Config::from_json(
        r#"{"seed":1,"layers":[{"units":6,"activation":"relu"},{"units":2,"activation":"softmax"}],
            "optimizer":{"name":"adam","lr":0.01},"batch_size":10,"epochs":2}"#,
    )
    .unwrap();
    let mut t = Trainer::new(&c, toy::spirals(50, 0.1, 3), None, None).unwrap();
    t.run(|_| {}).unwrap();
    for rec in &t.history().epochs {
        let counts = |h: &[Histogram]| {
            h.iter()
                .map(|h| h.counts.iter().sum::<u32>())
                .collect::<Vec<_>>()
        };
        assert_eq!(counts(&rec.weight_histograms), vec![2 * 6, 6 * 2]);
        assert_eq!(counts(&rec.grad_histograms), vec![2 * 6, 6 * 2]);
        let spread = &rec.grad_histograms[0];
        assert!(
            spread.max > spread.min,
            "gradients of a training batch are not all equal: {spread:?}"
        );
    }
}

fn holds_histograms(r: &EpochRecord) -> bool {
    !r.weight_histograms.is_empty()
}

/// Indices of the epochs that still hold histograms.
fn with_histograms(h: &History) -> Vec<usize> {
    (0..h.epochs.len())
        .filter(|&e| holds_histograms(&h.epochs[e]))
        .collect()
}

#[test]
fn a_long_run_keeps_every_epoch_but_the_histograms_of_at_most_a_thousand_spread_evenly() {
    let c = Config::from_json(
        r#"{"seed":1,"layers":[{"units":3,"activation":"tanh"},{"units":2,"activation":"softmax"}],
            "optimizer":{"name":"sgd","lr":0.01},"batch_size":40,"epochs":2300,"validation_split":0}"#,
    )
    .unwrap();
    let mut t = Trainer::new(&c, toy::spirals(40, 0.1, 3), None, None).unwrap();
    t.run(|_| {}).unwrap();
    let h = t.history();
    assert_eq!(h.epochs.len(), 2300, "every epoch's scalars stay");
    assert!(h
        .epochs
        .iter()
        .all(|r| r.grad_norms.len() == 2 && r.train_loss.is_finite()));
    let kept = with_histograms(h);
    assert!(
        kept.len() <= MAX_HISTOGRAM_EPOCHS && kept.len() > MAX_HISTOGRAM_EPOCHS / 2,
        "{} epochs with histograms",
        kept.len()
    );
    assert_eq!(kept.last(), Some(&2299), "the latest keeps them");
    assert!(
        kept.iter()
            .all(|&e| !h.epochs[e].grad_histograms.is_empty()),
        "weight and gradient histograms go together"
    );
    // evenly: one stride between all but the latest
    let gaps: Vec<usize> = kept[..kept.len() - 1]
        .windows(2)
        .map(|w| w[1] - w[0])
        .collect();
    assert!(gaps.iter().all(|&g| g == gaps[0]), "uneven gaps {gaps:?}");
    assert_eq!(kept[0], 0);
    // What a copy elsewhere (the page's run) is told to keep is exactly these epochs.
    let numbers: Vec<usize> = kept.iter().map(|&e| e + 1).collect();
    assert_eq!(h.histogram_epochs(), numbers);
}

#[test]
fn a_history_read_back_thins_as_the_run_would_have() {
    let rec = |epoch: usize| EpochRecord {
        epoch,
        weight_histograms: vec![Histogram {
            min: 0.0,
            max: 1.0,
            counts: vec![1],
        }],
        grad_histograms: vec![Histogram {
            min: 0.0,
            max: 1.0,
            counts: vec![1],
        }],
        ..EpochRecord::default()
    };
    let mut whole = History::default();
    for e in 1..=5000 {
        whole.push(rec(e));
    }
    for cut in [1, 999, 1001, 1700, 2048, 3333] {
        let mut first = History::default();
        for e in 1..=cut {
            first.push(rec(e));
        }
        let mut resumed = History::from_epochs(first.epochs.clone());
        assert_eq!(
            with_histograms(&resumed),
            with_histograms(&first),
            "read back at {cut}"
        );
        for e in cut + 1..=5000 {
            resumed.push(rec(e));
        }
        assert_eq!(
            with_histograms(&resumed),
            with_histograms(&whole),
            "continued from {cut}"
        );
    }
    // a history with every epoch's histograms (another program's) is thinned on reading
    let full: Vec<EpochRecord> = (1..=5000).map(rec).collect();
    assert_eq!(
        with_histograms(&History::from_epochs(full)),
        with_histograms(&whole)
    );
}
