//! Checks every parsed data set must pass, whatever the parser: a loader that returns `Ok` has
//! promised a consistent data set, and the trainer indexes it without further checks.

use mlp_lab::data::{Dataset, Targets};

pub fn check_dataset(ds: &Dataset) {
    assert_eq!(
        ds.features.len(),
        ds.n.checked_mul(ds.d).expect("n × d overflows"),
        "features must hold n × d values"
    );
    assert!(
        ds.features.iter().all(|x| x.is_finite()),
        "a parsed feature is not finite"
    );
    match &ds.targets {
        Targets::Classes { labels, n_classes } => {
            assert_eq!(labels.len(), ds.n, "one label per row");
            assert!(*n_classes >= 1, "a class target needs at least one class");
            assert!(
                labels.iter().all(|&l| (l as usize) < *n_classes),
                "a label is not below n_classes"
            );
            assert_eq!(ds.class_names.len(), *n_classes, "one name per class");
        }
        Targets::Values { values, k } => {
            assert!(*k >= 1, "real targets need at least one value per row");
            assert_eq!(values.len(), ds.n * k, "k values per row");
            assert!(
                values.iter().all(|v| v.is_finite()),
                "a parsed target is not finite"
            );
        }
    }
    assert!(
        ds.feature_names.is_empty() || ds.feature_names.len() == ds.d,
        "feature names are absent or one per feature"
    );
    if let Some([h, w, c]) = ds.image_shape {
        assert_eq!(h * w * c, ds.d, "an image shape covers every feature");
    }
}
