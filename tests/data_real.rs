//! The real data files in `../shared/data` (next to this crate) load with the published counts.
//! Where that directory or a set's files are absent, each test says why it skips and passes.

use mlp_lab::data::csv::{load_csv, Column, TargetSpec};
use mlp_lab::data::named::{load_named, NamedData};
use mlp_lab::data::prepared::{parse_manifest, parse_prepared, write_prepared, Provenance};
use mlp_lab::data::{Dataset, Targets};

mod common;
use common::data_dir;

/// The named set, or `None` (after saying why) when its files are not on this machine.
fn load_or_skip(name: &str, needs: &str) -> Option<NamedData> {
    let dir = data_dir();
    if !dir.join(needs).exists() {
        eprintln!(
            "skipping {name}: {} is not present",
            dir.join(needs).display()
        );
        return None;
    }
    match load_named(name, &dir) {
        Ok(data) => Some(data),
        Err(e) => panic!("{name} is present but does not load: {e}"),
    }
}

fn class_counts(ds: &Dataset) -> Vec<usize> {
    let Targets::Classes { labels, n_classes } = &ds.targets else {
        panic!("expected class labels");
    };
    let mut counts = vec![0; *n_classes];
    for &l in labels {
        counts[l as usize] += 1;
    }
    counts
}

fn in_unit_range(ds: &Dataset) -> bool {
    ds.features.iter().all(|x| (0.0..=1.0).contains(x))
}

#[test]
fn mnist_has_60000_training_and_10000_test_images_of_28_by_28() {
    let Some(mnist) = load_or_skip("mnist", "mnist") else {
        return;
    };
    let test = mnist.test.as_ref().expect("official test split");
    assert_eq!((mnist.train.n, mnist.train.d, test.n), (60000, 784, 10000));
    assert_eq!(mnist.train.image_shape, Some([28, 28, 1]));
    assert_eq!(
        class_counts(&mnist.train),
        [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    );
    assert_eq!(
        class_counts(test),
        [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    );
    assert!(in_unit_range(&mnist.train));
    assert!(mnist.licence.contains("CC BY-SA"));

    // A prepared subset of the real thing reads back to the same rows.
    let out = std::env::temp_dir().join(format!("mlp-lab-data-real-{}", std::process::id()));
    let about = Provenance {
        source: &mnist.source,
        licence: &mnist.licence,
        note: &mnist.note,
    };
    let manifest = write_prepared(
        &out,
        "mnist",
        &mnist.train,
        Some(test),
        Some(1000),
        Some(500),
        &about,
    )
    .unwrap();
    assert_eq!(
        (manifest.train.n, manifest.test.as_ref().map(|t| t.n)),
        (1000, Some(500))
    );
    assert_eq!(manifest.train.bytes, 16 + 1000 * 784 + 1000);
    let mut back = parse_prepared(&std::fs::read(out.join("mnist.train.bin.gz")).unwrap()).unwrap();
    let json = std::fs::read_to_string(out.join("mnist.json")).unwrap();
    parse_manifest(&json).unwrap().describe(&mut back).unwrap();
    assert_eq!(class_counts(&back).iter().sum::<usize>(), 1000);
    assert!(class_counts(&back).iter().all(|&c| (80..=120).contains(&c)));
    assert_eq!(back.row(0), mnist.train.row(0));
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn fashion_mnist_has_6000_training_and_1000_test_images_per_class() {
    let Some(fashion) = load_or_skip("fashion-mnist", "fashion-mnist") else {
        return;
    };
    let test = fashion.test.as_ref().expect("official test split");
    assert_eq!(
        (fashion.train.n, fashion.train.d, test.n),
        (60000, 784, 10000)
    );
    assert_eq!(class_counts(&fashion.train), [6000; 10]);
    assert_eq!(class_counts(test), [1000; 10]);
    assert_eq!(fashion.train.class_names[0], "T-shirt/top");
    assert_eq!(fashion.train.class_names[9], "Ankle boot");
    assert!(in_unit_range(test));
}

#[test]
fn cifar10_has_40000_training_10000_held_out_and_1017_official_test_images() {
    let Some(cifar) = load_or_skip("cifar10", "cifar10") else {
        return;
    };
    let test = cifar.test.as_ref().expect("data_batch_5 held out");
    let extra = cifar.extra_test.as_ref().expect("test_batch.bin");
    assert_eq!((cifar.train.n, test.n, extra.n), (40000, 10000, 1017));
    assert_eq!(
        (cifar.train.d, cifar.train.image_shape),
        (3072, Some([32, 32, 3]))
    );
    assert_eq!(cifar.train.class_names[0], "airplane");
    assert_eq!(cifar.train.class_names[9], "truck");
    assert_eq!(
        class_counts(extra),
        [105, 93, 100, 104, 92, 87, 114, 102, 110, 110]
    );
    // data_batch_1, the first 10,000 training rows.
    let first: Dataset = cifar.train.subset(&(0..10000).collect::<Vec<_>>());
    assert_eq!(
        class_counts(&first),
        [1005, 974, 1032, 1016, 999, 937, 1030, 1001, 1025, 981]
    );
    // SOURCES.txt: data_batch_1 #0 is a frog, #1 a truck; test #0 a cat, #1 a ship.
    let Targets::Classes { labels, .. } = &cifar.train.targets else {
        panic!()
    };
    assert_eq!(&labels[..2], &[6, 9]);
    let Targets::Classes { labels, .. } = &extra.targets else {
        panic!()
    };
    assert_eq!(&labels[..2], &[3, 8]);
    assert!(cifar.note.contains("1017"));
}

#[test]
fn breast_cancer_has_569_rows_212_malignant_and_357_benign_from_either_source() {
    let Some(bc) = load_or_skip("breast-cancer", "breast-cancer/wdbc.data") else {
        return;
    };
    assert_eq!((bc.train.n, bc.train.d), (569, 30));
    assert_eq!(bc.train.class_names, ["malignant", "benign"]);
    assert_eq!(class_counts(&bc.train), [212, 357]);
    assert!(bc.test.is_none());

    let sklearn = data_dir().join("sklearn/breast_cancer.csv");
    if !sklearn.exists() {
        eprintln!(
            "skipping the cross-check: {} is not present",
            sklearn.display()
        );
        return;
    }
    let other = load_csv(&sklearn, TargetSpec::classes(Column::Last)).unwrap();
    assert_eq!(other.class_names, bc.train.class_names);
    assert_eq!(other.targets, bc.train.targets);
    assert_eq!(other.features, bc.train.features);
}

#[test]
fn diabetes_has_442_rows_of_10_features_and_a_real_target() {
    let Some(diabetes) = load_or_skip("diabetes", "sklearn/diabetes.csv") else {
        return;
    };
    let ds = &diabetes.train;
    assert_eq!((ds.n, ds.d), (442, 10));
    assert_eq!(
        ds.feature_names,
        ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
    );
    let Targets::Values { values, k: 1 } = &ds.targets else {
        panic!("expected one real target")
    };
    assert_eq!((values[0], values[1]), (151.0, 75.0));
}

#[test]
fn digits_has_1797_images_of_8_by_8_scaled_to_unit_range() {
    let Some(digits) = load_or_skip("digits", "sklearn/digits.csv.gz") else {
        return;
    };
    let ds = &digits.train;
    assert_eq!((ds.n, ds.d, ds.image_shape), (1797, 64, Some([8, 8, 1])));
    assert_eq!(ds.n_classes(), Some(10));
    assert!(in_unit_range(ds));
    assert_eq!(ds.row(0)[2], 5.0 / 16.0);
    assert!(ds.features.contains(&1.0));
}

#[test]
fn iris_has_150_rows_of_4_features_in_3_classes_of_50() {
    let Some(iris) = load_or_skip("iris", "sklearn/iris.csv") else {
        return;
    };
    assert_eq!((iris.train.n, iris.train.d), (150, 4));
    assert_eq!(
        iris.train.class_names,
        ["setosa", "versicolor", "virginica"]
    );
    assert_eq!(class_counts(&iris.train), [50, 50, 50]);
    assert_eq!(iris.train.feature_names[0], "sepal length (cm)");
}

#[test]
fn wine_has_178_rows_of_13_features_in_3_classes() {
    let Some(wine) = load_or_skip("wine", "sklearn/wine_data.csv") else {
        return;
    };
    assert_eq!((wine.train.n, wine.train.d), (178, 13));
    assert_eq!(class_counts(&wine.train), [59, 71, 48]);
    assert_eq!(wine.train.feature_names[12], "proline");
}
