//! Splits (stratified, seeded), stratified heads, one-hot targets and standardisation fitted on
//! the training rows only.

use mlp_lab::data::split::{one_hot, split, split_indices, stratified_head, Standardizer};
use mlp_lab::data::{Dataset, Targets};

#[path = "common/data_files.rs"]
mod data_files;
use data_files::{assert_mentions, class_labels, message, two_class_set};

fn count_class(ds: &Dataset, c: u32) -> usize {
    class_labels(ds).0.iter().filter(|&&l| l == c).count()
}

#[test]
fn stratified_split_keeps_class_proportions_in_every_part() {
    let ds = two_class_set(700, 300);
    let parts = split(&ds, 0.2, 0.1, 42).unwrap();
    assert_eq!(
        (parts.train.n, parts.validation.n, parts.test.n),
        (700, 200, 100)
    );
    assert_eq!(
        (count_class(&parts.test, 0), count_class(&parts.test, 1)),
        (70, 30)
    );
    assert_eq!(
        (
            count_class(&parts.validation, 0),
            count_class(&parts.validation, 1)
        ),
        (140, 60)
    );
    assert_eq!(
        (count_class(&parts.train, 0), count_class(&parts.train, 1)),
        (490, 210)
    );

    let idx = split_indices(&ds, 0.2, 0.1, 42).unwrap();
    let mut all: Vec<usize> =
        [idx.train.clone(), idx.validation.clone(), idx.test.clone()].concat();
    all.sort_unstable();
    assert_eq!(
        all,
        (0..1000).collect::<Vec<_>>(),
        "parts must partition the rows"
    );
    assert_eq!(
        split_indices(&ds, 0.2, 0.1, 42).unwrap(),
        idx,
        "same seed, same split"
    );
    assert_ne!(split_indices(&ds, 0.2, 0.1, 43).unwrap().test, idx.test);
    assert!(
        idx.test.windows(2).any(|w| w[0] > w[1]),
        "parts are shuffled, not class-sorted"
    );
}

#[test]
fn stratified_split_sizes_are_exact_even_when_classes_round_unevenly() {
    let ds = two_class_set(212, 357);
    let idx = split_indices(&ds, 0.0, 0.1, 7).unwrap();
    assert_eq!(idx.test.len(), 57);
    assert!(idx.validation.is_empty());
}

#[test]
fn regression_split_is_a_seeded_shuffled_cut() {
    let ds = Dataset {
        features: (0..10).map(|i| i as f32).collect(),
        n: 10,
        d: 1,
        targets: Targets::Values {
            values: (0..10).map(|i| i as f32 * 2.0).collect(),
            k: 1,
        },
        class_names: vec![],
        feature_names: vec![],
        image_shape: None,
    };
    let parts = split(&ds, 0.3, 0.2, 1).unwrap();
    assert_eq!((parts.train.n, parts.validation.n, parts.test.n), (5, 3, 2));
    for part in [&parts.train, &parts.validation, &parts.test] {
        let Targets::Values { values, .. } = &part.targets else {
            panic!()
        };
        for (x, y) in part.features.iter().zip(values) {
            assert_eq!(*y, x * 2.0, "features and targets stay paired");
        }
    }
    assert_eq!(split(&ds, 0.3, 0.2, 1).unwrap(), parts);
}

#[test]
fn split_fractions_outside_the_unit_interval_are_refused() {
    let ds = two_class_set(5, 5);
    for (v, t) in [(0.5, 0.5), (-0.1, 0.1), (f64::NAN, 0.1), (0.2, 1.0)] {
        let msg = message(split_indices(&ds, v, t, 0));
        assert_mentions(&msg, &["fraction", "sum to less than 1"]);
    }
}

#[test]
fn standardizer_is_fitted_on_training_rows_only_and_maps_constant_columns_to_zero() {
    let ds = two_class_set(70, 30);
    let mut parts = split(&ds, 0.0, 0.3, 5).unwrap();
    let scaler = Standardizer::fit(&parts.train).unwrap();
    let train_mean: f64 = parts
        .train
        .features
        .iter()
        .step_by(2)
        .map(|&x| f64::from(x))
        .sum::<f64>()
        / 70.0;
    assert!((f64::from(scaler.mean[0]) - train_mean).abs() < 1e-3);
    assert_eq!(
        (scaler.mean[1], scaler.std[1]),
        (3.0, 1.0),
        "constant column: std 1"
    );

    scaler.apply(&mut parts.train).unwrap();
    scaler.apply(&mut parts.test).unwrap();
    let col = |ds: &Dataset, j: usize| {
        ds.features
            .iter()
            .skip(j)
            .step_by(2)
            .map(|&x| f64::from(x))
            .collect::<Vec<_>>()
    };
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let std =
        |v: &[f64]| (v.iter().map(|x| (x - mean(v)).powi(2)).sum::<f64>() / v.len() as f64).sqrt();
    let train0 = col(&parts.train, 0);
    assert!(mean(&train0).abs() < 1e-5 && (std(&train0) - 1.0).abs() < 1e-5);
    assert!(col(&parts.train, 1)
        .iter()
        .chain(&col(&parts.test, 1))
        .all(|&x| x == 0.0));
    // The test part was scaled with the training statistics, so its own mean is not forced to 0.
    let refit = Standardizer::fit(&parts.test).unwrap();
    assert!(refit.mean[0].abs() > 1e-3 || (refit.std[0] - 1.0).abs() > 1e-3);
    assert!(parts.test.features.iter().all(|x| x.is_finite()));
}

#[test]
fn standardizer_refuses_data_of_another_width() {
    let scaler = Standardizer::fit(&two_class_set(3, 3)).unwrap();
    let mut other = two_class_set(2, 2);
    other.d = 1;
    other.features.truncate(4);
    let msg = message(scaler.apply(&mut other));
    assert_mentions(&msg, &["fitted on 2 features", "has 1"]);
}

#[test]
fn one_hot_targets_have_a_single_one_per_row() {
    let ds = two_class_set(1, 2);
    assert_eq!(one_hot(&ds).unwrap(), [1.0, 0.0, 0.0, 1.0, 0.0, 1.0]);
}

#[test]
fn stratified_head_takes_every_class_of_a_class_sorted_file() {
    let ds = two_class_set(60, 40);
    let rows = stratified_head(&ds, 10).unwrap();
    assert_eq!(rows, [0, 1, 2, 3, 4, 5, 60, 61, 62, 63]);
}

#[test]
fn training_standardises_with_statistics_of_its_training_rows_only() {
    use mlp_lab::config::Config;
    use mlp_lab::train::prepare::prepare;
    // Feature 0 is the row number: any held-out rows change its mean and sd, so statistics
    // that saw them would differ from the training rows' own.
    let n = 200;
    let ds = Dataset {
        features: (0..n).flat_map(|i| [i as f32, (i % 7) as f32]).collect(),
        n,
        d: 2,
        targets: Targets::Classes {
            labels: (0..n).map(|i| (i % 2) as u32).collect(),
            n_classes: 2,
        },
        class_names: vec!["a".into(), "b".into()],
        feature_names: vec![],
        image_shape: None,
    };
    let config = Config::from_json(
        r#"{"layers":[{"units":2,"activation":"softmax"}],"standardize":true,"validation_split":0.2,"test_split":0.25}"#,
    )
    .unwrap();
    let raw = |part: &Dataset, s: &Standardizer| -> Vec<f64> {
        (0..part.n)
            .map(|r| f64::from(part.features[r * 2]) * f64::from(s.std[0]) + f64::from(s.mean[0]))
            .collect()
    };
    let p = prepare(&config, ds, None).unwrap();
    let s = p
        .scaling
        .clone()
        .expect("standardize: true gives a scaling");
    let (val, test) = (p.val.as_ref().unwrap(), p.test.as_ref().unwrap());
    assert_eq!((p.train.n, val.n, test.n), (110, 40, 50));
    let train_raw = raw(&p.train, &s);
    let mean = train_raw.iter().sum::<f64>() / train_raw.len() as f64;
    let sd =
        (train_raw.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / train_raw.len() as f64).sqrt();
    assert!(
        (f64::from(s.mean[0]) - mean).abs() < 1e-3,
        "mean {} vs the training rows' {mean}",
        s.mean[0]
    );
    assert!(
        (f64::from(s.std[0]) - sd).abs() < 1e-3,
        "sd {} vs the training rows' {sd}",
        s.std[0]
    );
    // The held-out parts went through the same statistics (their raw values come back whole).
    for part in [val, test] {
        assert!(raw(part, &s)
            .iter()
            .all(|x| (x - x.round()).abs() < 1e-3 && (0.0..200.0).contains(x)));
    }
}
