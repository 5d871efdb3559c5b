//! The page's prepared subsets (MLPD binary files and their JSON manifest): round trips, and
//! corrupted or contradictory files refused with specific messages.

use mlp_lab::data::prepared::{
    encode_prepared, parse_manifest, parse_prepared, write_prepared, Provenance,
};
use mlp_lab::data::{Dataset, Targets};

#[path = "common/data_files.rs"]
mod data_files;
use data_files::{assert_mentions, message, temp_dir, two_class_set};

fn tiny_images() -> Dataset {
    Dataset {
        features: (0..24u8).map(|b| f32::from(b * 10) / 255.0).collect(),
        n: 6,
        d: 4,
        targets: Targets::Classes {
            labels: vec![0, 1, 2, 0, 1, 2],
            n_classes: 3,
        },
        class_names: vec!["x".into(), "y".into(), "z".into()],
        feature_names: vec![],
        image_shape: Some([2, 2, 1]),
    }
}

#[test]
fn prepared_images_round_trip_through_files_as_bytes() {
    let dir = temp_dir("prepared-images");
    let train = tiny_images();
    let test = train.subset(&[5, 4]);
    let about = Provenance {
        source: "made up",
        licence: "CC0",
        note: "for tests",
    };
    let manifest =
        write_prepared(&dir, "tiny", &train, Some(&test), Some(3), None, &about).unwrap();
    assert_eq!((manifest.train.n, manifest.train.of), (3, 6));
    assert_eq!(manifest.train.feature_encoding, "u8");
    assert_eq!(manifest.train.bytes, 16 + 3 * 4 + 3);
    let stored = std::fs::read(dir.join("tiny.train.bin.gz")).unwrap();
    assert_eq!(manifest.train.compression.as_deref(), Some("gzip"));
    assert_eq!(manifest.train.file_bytes, Some(stored.len() as u64));
    assert_eq!(&stored[..2], &[0x1f, 0x8b], "the file is gzip");

    let json = std::fs::read_to_string(dir.join("tiny.json")).unwrap();
    let read_manifest = parse_manifest(&json).unwrap();
    assert_eq!(read_manifest, manifest);
    assert_eq!(read_manifest.note, "for tests");
    assert_eq!(read_manifest.class_names, ["x", "y", "z"]);

    let mut back = parse_prepared(&std::fs::read(dir.join("tiny.train.bin.gz")).unwrap()).unwrap();
    read_manifest.describe(&mut back).unwrap();
    assert_eq!(
        back,
        train.subset(&[0, 1, 2]),
        "one row of each class, in file order"
    );
    let mut back_test =
        parse_prepared(&std::fs::read(dir.join("tiny.test.bin.gz")).unwrap()).unwrap();
    read_manifest.describe(&mut back_test).unwrap();
    assert_eq!(back_test, test);
}

#[test]
fn prepared_tabular_and_regression_data_round_trip_as_f32() {
    let tab = Dataset {
        features: vec![0.1, -2.5, 1e6, 0.0],
        n: 2,
        d: 2,
        targets: Targets::Values {
            values: vec![1.5, -3.25],
            k: 1,
        },
        class_names: vec![],
        feature_names: vec!["a".into(), "b".into()],
        image_shape: None,
    };
    let bytes = encode_prepared(&tab).unwrap();
    assert_eq!(&bytes[..6], b"MLPD\x01\x03");
    assert_eq!(bytes.len(), 16 + 4 * 4 + 2 * 4);
    let back = parse_prepared(&bytes).unwrap();
    assert_eq!(back.features, tab.features);
    assert_eq!(back.targets, tab.targets);

    let mut classes = tab.clone();
    classes.targets = Targets::Classes {
        labels: vec![299, 3],
        n_classes: 300,
    };
    classes.class_names = (0..300).map(|i| i.to_string()).collect();
    let bytes = encode_prepared(&classes).unwrap();
    assert_eq!(
        bytes.len(),
        16 + 16 + 2 * 4,
        "more than 256 classes: u32 labels"
    );
    assert_eq!(parse_prepared(&bytes).unwrap().targets, classes.targets);

    let mut nan = tab.clone();
    nan.features[3] = f32::NAN;
    assert_mentions(
        &message(encode_prepared(&nan)),
        &["feature 1 of row 1", "not finite"],
    );
}

#[test]
fn corrupted_prepared_files_are_refused_with_specific_messages() {
    let good = encode_prepared(&tiny_images()).unwrap();

    let msg = message(parse_prepared(&good[..10]));
    assert_mentions(&msg, &["10 bytes is too short", "MLPD header", "16 bytes"]);

    let mut bad = good.clone();
    bad[0] = b'X';
    assert_mentions(&message(parse_prepared(&bad)), &["\"XLPD\"", "\"MLPD\""]);

    let mut bad = good.clone();
    bad[4] = 9;
    assert_mentions(
        &message(parse_prepared(&bad)),
        &["version 9", "byte offset 4"],
    );

    let mut bad = good.clone();
    bad[5] = 0x80;
    assert_mentions(
        &message(parse_prepared(&bad)),
        &["0x80", "byte offset 5", "unknown bits"],
    );

    let msg = message(parse_prepared(&good[..good.len() - 1]));
    assert_mentions(&msg, &["6 rows of 4 u8 features", "(46 bytes)", "has 45"]);

    let mut bad = good.clone();
    bad[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_mentions(
        &message(parse_prepared(&bad)),
        &["4294967295 rows", "has 46"],
    );

    let mut bad = good.clone();
    let last = bad.len() - 1;
    bad[last] = 3;
    assert_mentions(
        &message(parse_prepared(&bad)),
        &["label 3 of row 5", "byte offset 45", "below 3"],
    );

    let mut bad = good.clone();
    bad[6..8].copy_from_slice(&0u16.to_le_bytes());
    assert_mentions(
        &message(parse_prepared(&bad)),
        &["number of classes", "is 0"],
    );
}

#[test]
fn prepared_manifest_that_contradicts_the_data_is_refused() {
    let dir = temp_dir("prepared-mismatch");
    let manifest = write_prepared(
        &dir,
        "m",
        &tiny_images(),
        None,
        None,
        None,
        &Provenance::default(),
    )
    .unwrap();
    let mut other = parse_prepared(&encode_prepared(&two_class_set(2, 2)).unwrap()).unwrap();
    let msg = message(manifest.describe(&mut other));
    assert_mentions(&msg, &["m.json", "4 features", "has 2"]);
}

#[test]
fn prepared_name_that_is_not_a_plain_file_name_is_refused() {
    let dir = temp_dir("prepared-name");
    let msg = message(write_prepared(
        &dir,
        "../escape",
        &tiny_images(),
        None,
        None,
        None,
        &Provenance::default(),
    ));
    assert_mentions(&msg, &["\"../escape\"", "file name"]);
}
