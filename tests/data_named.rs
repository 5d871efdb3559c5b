//! Named data sets and the data directory: unknown names and missing files are refused naming
//! what to fetch, small written copies of the real files load, and the directory is found from the
//! argument, the environment or the working directory.

use mlp_lab::data::named::{is_named_set, load_named, resolve_data_dir_from};

#[path = "common/data_files.rs"]
mod data_files;
use data_files::{assert_mentions, class_labels, gz, idx_images, idx_labels, message, temp_dir};

#[test]
fn unknown_named_set_is_refused_listing_the_known_names() {
    let msg = message(load_named("imagenet", &std::env::temp_dir()));
    assert_eq!(
        msg,
        "unknown data set \"imagenet\"; known data sets: mnist, fashion-mnist, cifar10, breast-cancer, diabetes, digits, iris, wine"
    );
    assert!(is_named_set("Fashion_MNIST") && is_named_set("cifar-10") && !is_named_set("imagenet"));
}

#[test]
fn named_set_with_missing_files_names_them_the_directory_and_the_official_source() {
    let dir = temp_dir("named-missing");
    let msg = message(load_named("mnist", &dir));
    assert_mentions(
        &msg,
        &[
            "\"mnist\"",
            "train-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz",
            "yann.lecun.com",
        ],
    );
    assert!(msg.contains(&dir.join("mnist").display().to_string()));
    let msg = message(load_named("cifar10", &dir));
    assert_mentions(
        &msg,
        &[
            "data_batch_1.bin",
            "batches.meta.txt",
            "cifar-10-binary.tar.gz",
        ],
    );
    let msg = message(load_named("breast-cancer", &dir));
    assert_mentions(
        &msg,
        &[
            "wdbc.data",
            "sklearn/breast_cancer.csv",
            "archive.ics.uci.edu",
        ],
    );
}

#[test]
fn named_sets_load_from_a_directory_of_small_written_files() {
    let dir = temp_dir("named-small");
    std::fs::create_dir_all(dir.join("mnist")).unwrap();
    std::fs::write(
        dir.join("mnist/train-images-idx3-ubyte.gz"),
        gz(&idx_images(2, 1, 1, &[0, 255])),
    )
    .unwrap();
    std::fs::write(
        dir.join("mnist/train-labels-idx1-ubyte.gz"),
        gz(&idx_labels(&[4, 2])),
    )
    .unwrap();
    // Uncompressed test files are found too.
    std::fs::write(
        dir.join("mnist/t10k-images-idx3-ubyte"),
        idx_images(1, 1, 1, &[51]),
    )
    .unwrap();
    std::fs::write(dir.join("mnist/t10k-labels-idx1-ubyte"), idx_labels(&[1])).unwrap();
    let mnist = load_named("mnist", &dir).unwrap();
    assert_eq!(
        (mnist.train.n, mnist.test.as_ref().map(|t| t.n)),
        (2, Some(1))
    );

    std::fs::create_dir_all(dir.join("breast-cancer")).unwrap();
    let row = |id: u32, diag: &str| format!("{id},{diag},{}\n", vec!["1.5"; 30].join(","));
    std::fs::write(
        dir.join("breast-cancer/wdbc.data"),
        row(1, "M") + &row(2, "B") + &row(3, "B"),
    )
    .unwrap();
    let bc = load_named("breast-cancer", &dir).unwrap();
    assert_eq!(bc.train.class_names, ["malignant", "benign"]);
    assert_eq!(class_labels(&bc.train).0, &[0, 1, 1]);
    assert_eq!(
        (bc.train.d, bc.train.feature_names[0].as_str()),
        (30, "mean radius")
    );

    std::fs::create_dir_all(dir.join("sklearn")).unwrap();
    let digits_row = |label: u32| format!("{},{label}\n", vec!["16"; 64].join(","));
    std::fs::write(
        dir.join("sklearn/digits.csv.gz"),
        gz((digits_row(3) + &digits_row(0)).as_bytes()),
    )
    .unwrap();
    let digits = load_named("digits", &dir).unwrap();
    assert_eq!(
        (digits.train.n, digits.train.d, digits.train.image_shape),
        (2, 64, Some([8, 8, 1]))
    );
    assert!(digits.train.features.iter().all(|&x| x == 1.0));
    assert_eq!(digits.train.n_classes(), Some(4));
}

#[test]
fn data_directory_prefers_the_argument_then_the_environment_then_the_current_directory() {
    let root = temp_dir("resolve");
    let explicit = root.join("explicit");
    let from_env = root.join("env");
    let cwd = root.join("work/main");
    for d in [&explicit, &from_env, &cwd, &root.join("work/shared/data")] {
        std::fs::create_dir_all(d).unwrap();
    }
    let env = Some(from_env.clone().into_os_string());
    assert_eq!(
        resolve_data_dir_from(Some(&explicit), env.clone(), Some(cwd.clone())).unwrap(),
        explicit
    );
    assert_eq!(
        resolve_data_dir_from(None, env, Some(cwd.clone())).unwrap(),
        from_env
    );
    assert_eq!(
        resolve_data_dir_from(None, None, Some(cwd.clone())).unwrap(),
        cwd.join("../shared/data")
    );
    let msg = message(resolve_data_dir_from(Some(&root.join("nope")), None, None));
    assert_mentions(&msg, &["nope", "--data-dir", "does not exist"]);
    let msg = message(resolve_data_dir_from(
        None,
        Some(root.join("nope-env").into_os_string()),
        None,
    ));
    assert_mentions(&msg, &["nope-env", "MLP_LAB_DATA"]);
}
