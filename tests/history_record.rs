//! What each epoch record holds beyond the losses: one weight histogram and one weight-gradient
//! histogram per layer (the page's run store keeps both), each counting every weight.

use mlp_lab::config::Config;
use mlp_lab::data::toy;
use mlp_lab::train::Trainer;

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
        let counts = |h: &[mlp_lab::train::histogram::Histogram]| {
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
