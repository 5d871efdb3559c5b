//! The data loaders on small files written by the tests themselves: good files, and each kind of
//! broken file, checking that the message names what was found, where, and what was expected.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use mlp_lab::data::cifar::{load_cifar, parse_cifar, parse_cifar_meta, RECORD_BYTES};
use mlp_lab::data::csv::{load_csv, load_csv_bytes, Column, TargetSpec};
use mlp_lab::data::idx::{idx_dataset, load_idx_pair, parse_idx, IdxFile, MNIST_CLASSES};
use mlp_lab::data::named::{is_named_set, load_named, resolve_data_dir_from};
use mlp_lab::data::prepared::{
    encode_prepared, parse_manifest, parse_prepared, write_prepared, Provenance,
};
use mlp_lab::data::split::{one_hot, split, split_indices, stratified_head, Standardizer};
use mlp_lab::data::{DataError, Dataset, Targets};

// ---------------------------------------------------------------------------------------------
// helpers

fn idx_images(n: u32, rows: u32, cols: u32, pixels: &[u8]) -> Vec<u8> {
    let mut b = 0x0000_0803u32.to_be_bytes().to_vec();
    for v in [n, rows, cols] {
        b.extend_from_slice(&v.to_be_bytes());
    }
    b.extend_from_slice(pixels);
    b
}

fn idx_labels(labels: &[u8]) -> Vec<u8> {
    let mut b = 0x0000_0801u32.to_be_bytes().to_vec();
    b.extend_from_slice(&(labels.len() as u32).to_be_bytes());
    b.extend_from_slice(labels);
    b
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A fresh directory under the system temp dir, unique to this process and test.
fn temp_dir(tag: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("mlp-lab-data-parsers-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn error_of<T: std::fmt::Debug>(r: Result<T, DataError>) -> DataError {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

fn message<T: std::fmt::Debug>(r: Result<T, DataError>) -> String {
    error_of(r).to_string()
}

fn assert_mentions(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "message {msg:?} should mention {p:?}");
    }
}

fn images(r: Result<IdxFile, DataError>) -> mlp_lab::data::idx::IdxImages {
    match r.unwrap() {
        IdxFile::Images(i) => i,
        other => panic!("expected images, got {other:?}"),
    }
}

fn labels(r: Result<IdxFile, DataError>) -> mlp_lab::data::idx::IdxLabels {
    match r.unwrap() {
        IdxFile::Labels(l) => l,
        other => panic!("expected labels, got {other:?}"),
    }
}

fn class_labels(ds: &Dataset) -> (&[u32], usize) {
    match &ds.targets {
        Targets::Classes { labels, n_classes } => (labels, *n_classes),
        other => panic!("expected classes, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// IDX

#[test]
fn idx_images_and_labels_become_a_dataset_with_pixels_scaled_to_unit_range() {
    let pixels = [0u8, 255, 51, 102, 1, 2, 3, 4, 9, 8, 7, 6];
    let imgs = images(parse_idx("imgs", &idx_images(3, 2, 2, &pixels)));
    assert_eq!((imgs.n, imgs.rows, imgs.cols), (3, 2, 2));
    let labs = labels(parse_idx("labs", &idx_labels(&[7, 0, 9])));
    let ds = idx_dataset(imgs, labs, &MNIST_CLASSES).unwrap();
    assert_eq!((ds.n, ds.d), (3, 4));
    assert_eq!(ds.image_shape, Some([2, 2, 1]));
    assert_eq!(ds.row(0), &[0.0, 1.0, 0.2, 0.4]);
    assert_eq!(class_labels(&ds), (&[7, 0, 9][..], 10));
    assert_eq!(ds.class_names[9], "9");
}

#[test]
fn gzip_idx_is_recognised_by_its_magic_bytes_whatever_its_name() {
    let raw = idx_images(2, 1, 3, &[1, 2, 3, 4, 5, 6]);
    let from_gz = images(parse_idx("no-gz-in-this-name", &gz(&raw)));
    let from_raw = images(parse_idx("no-gz-in-this-name", &raw));
    assert_eq!(from_gz.pixels, from_raw.pixels);
    assert_eq!(from_gz.pixels, vec![1, 2, 3, 4, 5, 6]);
    let labs = labels(parse_idx("labels.gz", &gz(&idx_labels(&[1, 2]))));
    assert_eq!(labs.labels, vec![1, 2]);
}

#[test]
fn idx_with_wrong_magic_is_refused_naming_the_file() {
    let mut bytes = idx_images(1, 1, 1, &[0]);
    bytes[3] = 0x04;
    let msg = message(parse_idx("weird-idx3-ubyte", &bytes));
    assert_mentions(
        &msg,
        &["weird-idx3-ubyte", "0x00000804", "0x00000803", "0x00000801"],
    );
    assert!(matches!(
        error_of(parse_idx("x", &gz(&bytes))),
        DataError::BadMagic { .. }
    ));
}

#[test]
fn idx_too_short_for_its_header_is_refused() {
    let msg = message(parse_idx("tiny", &[0, 0]));
    assert_mentions(&msg, &["tiny", "2 bytes is too short", "magic", "4 bytes"]);
    let msg = message(parse_idx("short-header", &idx_images(1, 1, 1, &[])[..12]));
    assert_mentions(
        &msg,
        &["short-header", "12 bytes", "IDX images header", "16 bytes"],
    );
}

#[test]
fn truncated_idx_is_refused_with_the_header_claim_and_the_actual_length() {
    // A raw file (named .gz, but recognised as raw by content) with 1,000,000 of 47,040,000 pixels.
    let bytes = idx_images(60000, 28, 28, &vec![0u8; 1_000_000]);
    let msg = message(parse_idx("train-images-idx3-ubyte.gz", &bytes));
    assert_eq!(
        msg,
        "train-images-idx3-ubyte.gz: header says 60000 images of 28×28 (47040016 bytes) but the file has 1000016"
    );
}

#[test]
fn gzip_idx_shorter_or_longer_than_its_header_claim_is_refused() {
    let short = gz(&idx_images(10, 2, 2, &[0; 20]));
    let msg = message(parse_idx("short.gz", &short));
    assert_mentions(
        &msg,
        &[
            "short.gz",
            "10 images of 2×2 (56 bytes)",
            "decompresses to 36",
        ],
    );

    let long = gz(&idx_labels(&[1, 2, 3])
        .into_iter()
        .chain([4, 5])
        .collect::<Vec<_>>());
    let msg = message(parse_idx("long.gz", &long));
    assert_mentions(
        &msg,
        &[
            "long.gz",
            "3 labels (11 bytes)",
            "decompresses to more than 11",
        ],
    );
}

#[test]
fn idx_header_claiming_a_billion_images_on_a_tiny_file_fails_fast_without_allocating() {
    let start = Instant::now();
    let raw = idx_images(1_000_000_000, 28, 28, &[0; 16]);
    let msg = message(parse_idx("huge-raw", &raw));
    assert_mentions(
        &msg,
        &[
            "huge-raw",
            "1000000000 images of 28×28",
            "784000000016 bytes",
            "has 32",
        ],
    );

    let msg = message(parse_idx("huge.gz", &gz(&raw)));
    assert_mentions(
        &msg,
        &[
            "huge.gz",
            "1000000000 images",
            "784000000016 bytes",
            "limit",
        ],
    );

    let labels_claim = idx_labels(&[])
        .iter()
        .take(4)
        .copied()
        .chain(u32::MAX.to_be_bytes())
        .collect::<Vec<_>>();
    let msg = message(parse_idx("many-labels", &labels_claim));
    assert_mentions(&msg, &["4294967295 labels", "4294967303 bytes", "has 8"]);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn gzip_bomb_behind_an_idx_header_is_cut_off_at_the_claimed_length() {
    // One 28×28 image claimed, 64 MB of zeros supplied: decompression must stop at 801 bytes.
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&idx_images(1, 28, 28, &[])).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        e.write_all(&zeros).unwrap();
    }
    let bomb = e.finish().unwrap();
    assert!(bomb.len() < 200_000);
    let start = Instant::now();
    let msg = message(parse_idx("bomb.gz", &bomb));
    assert_mentions(
        &msg,
        &[
            "bomb.gz",
            "1 image of 28×28 (800 bytes)",
            "decompresses to more than 800",
        ],
    );
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn corrupt_gzip_stream_is_reported_with_how_far_it_got() {
    let mut bytes = gz(&idx_labels(&[1; 100]));
    bytes.truncate(bytes.len() / 2);
    let msg = message(parse_idx("cut.gz", &bytes));
    assert_mentions(&msg, &["cut.gz", "gzip stream is corrupt"]);
    let msg = message(parse_idx(
        "garbage.gz",
        &[0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    ));
    assert_mentions(&msg, &["garbage.gz", "gzip"]);
}

#[test]
fn idx_image_and_label_counts_must_agree() {
    let imgs = images(parse_idx("imgs-idx3", &idx_images(3, 1, 1, &[0, 1, 2])));
    let labs = labels(parse_idx("labs-idx1", &idx_labels(&[0, 1])));
    let msg = message(idx_dataset(imgs, labs, &MNIST_CLASSES));
    assert_eq!(
        msg,
        "imgs-idx3 holds 3 images but labs-idx1 holds 2 labels; they must match one to one"
    );
}

#[test]
fn idx_label_of_ten_is_refused_naming_the_item_and_offset() {
    let imgs = images(parse_idx("imgs", &idx_images(3, 1, 1, &[0, 1, 2])));
    let labs = labels(parse_idx("labs", &idx_labels(&[0, 10, 1])));
    let msg = message(idx_dataset(imgs, labs, &MNIST_CLASSES));
    assert_mentions(
        &msg,
        &["labs", "label 10 of item 1", "byte offset 9", "below 10"],
    );
}

#[test]
fn idx_images_with_a_zero_dimension_are_refused() {
    let msg = message(parse_idx("flat", &idx_images(5, 0, 28, &[])));
    assert_mentions(&msg, &["flat", "0×28", "at least 1"]);
}

#[test]
fn idx_pair_from_files_refuses_labels_where_images_belong() {
    let dir = temp_dir("idx-pair");
    let img = dir.join("a-idx3-ubyte.gz");
    let lab = dir.join("a-idx1-ubyte");
    std::fs::write(&img, gz(&idx_images(2, 2, 1, &[0, 255, 255, 0]))).unwrap();
    std::fs::write(&lab, idx_labels(&[3, 4])).unwrap();
    let ds = load_idx_pair(&img, &lab, &MNIST_CLASSES).unwrap();
    assert_eq!((ds.n, ds.d, ds.image_shape), (2, 2, Some([2, 1, 1])));
    let msg = message(load_idx_pair(&lab, &img, &MNIST_CLASSES));
    assert_mentions(
        &msg,
        &[
            "a-idx1-ubyte",
            "0x00000801 (IDX labels)",
            "0x00000803 (IDX images)",
        ],
    );
    let msg = message(load_idx_pair(&dir.join("absent"), &lab, &MNIST_CLASSES));
    assert_mentions(&msg, &["absent", "cannot read"]);
}

// ---------------------------------------------------------------------------------------------
// CIFAR-10

fn cifar_record(label: u8, r: u8, g: u8, b: u8) -> Vec<u8> {
    let mut rec = vec![label];
    rec.extend(std::iter::repeat_n(r, 1024));
    rec.extend(std::iter::repeat_n(g, 1024));
    rec.extend(std::iter::repeat_n(b, 1024));
    rec
}

fn cifar_names() -> Vec<String> {
    parse_cifar_meta(
        "batches.meta.txt",
        "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n",
    )
    .unwrap()
}

#[test]
fn cifar_records_keep_the_channel_planar_layout() {
    let mut bytes = cifar_record(3, 255, 0, 51);
    bytes.extend(cifar_record(9, 0, 102, 0));
    let ds = parse_cifar("batch.bin", &bytes, &cifar_names()).unwrap();
    assert_eq!((ds.n, ds.d, ds.image_shape), (2, 3072, Some([32, 32, 3])));
    assert_eq!(class_labels(&ds), (&[3, 9][..], 10));
    assert_eq!(
        (
            ds.row(0)[0],
            ds.row(0)[1023],
            ds.row(0)[1024],
            ds.row(0)[2048]
        ),
        (1.0, 1.0, 0.0, 0.2)
    );
    assert_eq!(ds.row(1)[1024], 0.4);
    assert_eq!(ds.class_names[3], "cat");
}

#[test]
fn cifar_batch_files_are_concatenated_in_order() {
    let dir = temp_dir("cifar");
    std::fs::write(dir.join("meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n").unwrap();
    std::fs::write(dir.join("one.bin"), cifar_record(1, 0, 0, 0)).unwrap();
    let two: Vec<u8> = [cifar_record(2, 0, 0, 0), cifar_record(0, 0, 0, 0)].concat();
    std::fs::write(dir.join("two.bin"), two).unwrap();
    let ds = load_cifar(
        &[dir.join("one.bin"), dir.join("two.bin")],
        &dir.join("meta.txt"),
    )
    .unwrap();
    assert_eq!(class_labels(&ds).0, &[1, 2, 0]);
    assert_eq!(ds.class_names[9], "j");
}

#[test]
fn cifar_file_with_a_partial_record_is_refused_with_the_numbers() {
    let mut bytes = [cifar_record(1, 0, 0, 0), cifar_record(2, 0, 0, 0)].concat();
    bytes.extend([0; 5]);
    let msg = message(parse_cifar("data_batch_9.bin", &bytes, &cifar_names()));
    assert_eq!(
        msg,
        "data_batch_9.bin: 6151 bytes is not a whole number of 3073-byte CIFAR-10 records (2 records and 5 bytes left over)"
    );
    assert_eq!(RECORD_BYTES, 3073);
}

#[test]
fn an_empty_cifar_batch_file_is_refused_not_read_as_no_images() {
    let msg = message(parse_cifar("data_batch_3.bin", &[], &cifar_names()));
    assert!(
        msg.starts_with(
            "data_batch_3.bin: the file is empty (a CIFAR-10 batch holds 3073-byte records"
        ),
        "{msg}"
    );
    let dir = temp_dir("cifar-empty");
    std::fs::write(dir.join("meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n").unwrap();
    std::fs::write(dir.join("one.bin"), cifar_record(1, 0, 0, 0)).unwrap();
    std::fs::write(dir.join("two.bin"), b"").unwrap();
    let msg = message(load_cifar(
        &[dir.join("one.bin"), dir.join("two.bin")],
        &dir.join("meta.txt"),
    ));
    assert!(msg.contains("two.bin: the file is empty"), "{msg}");
}

#[test]
fn cifar_label_above_nine_is_refused_naming_the_record() {
    let bytes = [cifar_record(1, 0, 0, 0), cifar_record(10, 0, 0, 0)].concat();
    let msg = message(parse_cifar("b.bin", &bytes, &cifar_names()));
    assert_mentions(
        &msg,
        &[
            "b.bin",
            "label 10 of record 1",
            "byte offset 3073",
            "below 10",
        ],
    );
}

#[test]
fn cifar_meta_needs_exactly_ten_names_one_per_line() {
    assert_eq!(cifar_names().len(), 10);
    let msg = message(parse_cifar_meta("m.txt", "a\nb\nc\n"));
    assert_mentions(&msg, &["m.txt", "found 3 class names", "a, b, c", "10"]);
    let msg = message(parse_cifar_meta("gap.txt", "a\n\nb\n"));
    assert_mentions(&msg, &["gap.txt", "line 2 is empty"]);
}

// ---------------------------------------------------------------------------------------------
// CSV

#[test]
fn csv_string_classes_are_numbered_in_sorted_order() {
    let text = "x,y,species\n1,2,virginica\n3,4,setosa\n5,6,virginica\n7,8,versicolor\n";
    let ds = load_csv_bytes(
        "flowers.csv",
        text.as_bytes(),
        TargetSpec::classes("species"),
    )
    .unwrap();
    assert_eq!((ds.n, ds.d), (4, 2));
    assert_eq!(ds.class_names, ["setosa", "versicolor", "virginica"]);
    assert_eq!(class_labels(&ds), (&[2, 0, 2, 1][..], 3));
    assert_eq!(ds.feature_names, ["x", "y"]);
    assert_eq!(ds.features, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);
}

#[test]
fn csv_integer_class_labels_are_used_as_indices() {
    let text = "label,a\n2,0.5\n0,1.5\n";
    let ds = load_csv_bytes("ints.csv", text.as_bytes(), TargetSpec::classes(0)).unwrap();
    assert_eq!(class_labels(&ds), (&[2, 0][..], 3));
    assert_eq!(ds.class_names, ["0", "1", "2"]);
    assert_eq!(ds.feature_names, ["a"]);
}

#[test]
fn csv_real_target_is_read_as_values_and_the_target_may_sit_in_the_middle() {
    let text = " a , price , b \n1, 10.5 ,2\n3,-1e2,4\n";
    let ds = load_csv_bytes("houses.csv", text.as_bytes(), TargetSpec::values("price")).unwrap();
    assert_eq!(
        ds.targets,
        Targets::Values {
            values: vec![10.5, -100.0],
            k: 1
        }
    );
    assert_eq!(ds.features, [1.0, 2.0, 3.0, 4.0]);
    assert_eq!(ds.feature_names, ["a", "b"]);
    assert!(ds.class_names.is_empty());
}

#[test]
fn csv_columns_can_be_skipped_such_as_a_row_id() {
    let text = "id,f,label\n1001,0.25,yes\n1002,0.75,no\n";
    let ds = load_csv_bytes(
        "ids.csv",
        text.as_bytes(),
        TargetSpec::classes(Column::Last).skipping("id"),
    )
    .unwrap();
    assert_eq!((ds.d, ds.features.as_slice()), (1, &[0.25, 0.75][..]));
    assert_eq!(ds.class_names, ["no", "yes"]);
    let msg = message(load_csv_bytes(
        "ids.csv",
        text.as_bytes(),
        TargetSpec::classes("label").skipping("row"),
    ));
    assert_eq!(
        msg,
        "ids.csv: there is no column to skip \"row\"; the columns are: id, f, label"
    );
}

#[test]
fn ragged_csv_row_is_refused_with_its_line_and_field_counts() {
    let text = "a,b,t\n1,2,0\n3,4\n";
    let msg = message(load_csv_bytes(
        "r.csv",
        text.as_bytes(),
        TargetSpec::classes("t"),
    ));
    assert_eq!(
        msg,
        "r.csv: line 3 has 2 fields but 3 were expected (the header row names 3 columns)"
    );
}

#[test]
fn crlf_line_endings_give_the_same_line_numbers_as_lf() {
    for (text, line) in [
        ("a,b,t\r\n1,2,0\r\n3,four,1\r\n", 3),
        ("a,b,t\r\n1,2,0\r\n3,4,1\r\n5,6,0\r\n7,x,1\r\n", 5),
    ] {
        let msg = message(load_csv_bytes(
            "w.csv",
            text.as_bytes(),
            TargetSpec::classes("t"),
        ));
        assert!(
            msg.starts_with(&format!("w.csv: line {line}, column 2 (b): not a number")),
            "{msg}"
        );
    }
    let text = "a,b,t\r\n1,2,0\r\n3,4\r\n";
    let msg = message(load_csv_bytes(
        "w.csv",
        text.as_bytes(),
        TargetSpec::classes("t"),
    ));
    assert!(msg.starts_with("w.csv: line 3 has 2 fields"), "{msg}");
    // The values themselves are unaffected by the line endings.
    let lf = load_csv_bytes("a.csv", b"a,b,t\n1,2,x\n3,4,y\n", TargetSpec::classes("t")).unwrap();
    let crlf = load_csv_bytes(
        "a.csv",
        b"a,b,t\r\n1,2,x\r\n3,4,y\r\n",
        TargetSpec::classes("t"),
    )
    .unwrap();
    assert_eq!(lf, crlf);
}

#[test]
fn non_numeric_csv_cell_is_refused_with_line_column_and_column_name() {
    let text = "a,b,t\n1,2,0\n3,four,1\n";
    let msg = message(load_csv_bytes(
        "n.csv",
        text.as_bytes(),
        TargetSpec::classes("t"),
    ));
    assert_eq!(
        msg,
        "n.csv: line 3, column 2 (b): not a number \"four\"; feature cells must be numbers"
    );
    let text = "a,b,t\n1,,0\n";
    let msg = message(load_csv_bytes(
        "e.csv",
        text.as_bytes(),
        TargetSpec::classes("t"),
    ));
    assert_mentions(&msg, &["e.csv", "line 2, column 2 (b)", "empty cell"]);
    let text = "a,t\n1,cheap\n";
    let msg = message(load_csv_bytes(
        "v.csv",
        text.as_bytes(),
        TargetSpec::values("t"),
    ));
    assert_mentions(
        &msg,
        &[
            "v.csv",
            "line 2, column 2 (t)",
            "not a number \"cheap\"",
            "target cells",
        ],
    );
}

#[test]
fn nan_and_infinite_csv_cells_are_refused() {
    for cell in ["NaN", "inf", "-infinity", "1e39"] {
        let text = format!("a,t\n1,0\n{cell},1\n");
        let msg = message(load_csv_bytes(
            "f.csv",
            text.as_bytes(),
            TargetSpec::classes("t"),
        ));
        assert_mentions(
            &msg,
            &[
                "f.csv",
                "line 3, column 1 (a)",
                "not a finite number",
                cell,
                "NaN and infinities",
            ],
        );
    }
}

#[test]
fn empty_csv_and_header_only_csv_are_refused() {
    let msg = message(load_csv_bytes("empty.csv", b"", TargetSpec::classes("t")));
    assert_eq!(msg, "empty.csv: the file is empty");
    let msg = message(load_csv_bytes(
        "blank.csv",
        b" \n\n",
        TargetSpec::classes("t"),
    ));
    assert_eq!(msg, "blank.csv: the file is empty");
    let msg = message(load_csv_bytes(
        "head.csv",
        b"a,t\n",
        TargetSpec::classes("t"),
    ));
    assert_mentions(&msg, &["head.csv", "header line but no data rows"]);
}

#[test]
fn missing_target_column_is_refused_listing_the_columns_that_exist() {
    let text = "sepal,petal,kind\n1,2,a\n";
    let msg = message(load_csv_bytes(
        "i.csv",
        text.as_bytes(),
        TargetSpec::classes("species"),
    ));
    assert_eq!(
        msg,
        "i.csv: there is no target column \"species\"; the columns are: sepal, petal, kind"
    );
    let msg = message(load_csv_bytes(
        "i.csv",
        text.as_bytes(),
        TargetSpec::classes(7),
    ));
    assert_mentions(&msg, &["at index 7", "sepal, petal, kind"]);
}

#[test]
fn sklearn_layout_is_detected_with_its_class_names_and_row_count() {
    let text = "3,2,setosa,versicolor,virginica\n5.1,3.5,0\n7.0,3.2,1\n6.3,3.3,2\n";
    // The layout fixes the target as the last column (another is refused: see
    // a_target_other_than_the_last_column_of_a_scikit_learn_file_is_refused).
    let ds = load_csv_bytes("iris.csv", text.as_bytes(), TargetSpec::classes("target")).unwrap();
    assert_eq!((ds.n, ds.d), (3, 2));
    assert_eq!(ds.class_names, ["setosa", "versicolor", "virginica"]);
    assert_eq!(class_labels(&ds), (&[0, 1, 2][..], 3));
    assert!(ds.feature_names.is_empty());

    // Fewer classes present than named: n_classes still comes from the names.
    let text = "2,1,a,b,c\n0.5,0\n0.25,0\n";
    let ds = load_csv_bytes("s.csv", text.as_bytes(), TargetSpec::classes(Column::Last)).unwrap();
    assert_eq!(class_labels(&ds), (&[0, 0][..], 3));

    // Without class names (scikit-learn's regression files): a real target.
    let text = "2,2\n1,2,150\n3,4,75.5\n";
    let ds = load_csv_bytes("d.csv", text.as_bytes(), TargetSpec::values(Column::Last)).unwrap();
    assert_eq!(
        ds.targets,
        Targets::Values {
            values: vec![150.0, 75.5],
            k: 1
        }
    );
}

#[test]
fn sklearn_layout_with_the_wrong_row_count_or_an_unnamed_class_is_refused() {
    let text = "4,2,a,b\n1,2,0\n3,4,1\n";
    let msg = message(load_csv_bytes(
        "rows.csv",
        text.as_bytes(),
        TargetSpec::classes(Column::Last),
    ));
    assert_eq!(
        msg,
        "rows.csv: the scikit-learn header line says 4 rows but the file has 2"
    );
    let text = "2,2,a,b\n1,2,0\n3,4,2\n";
    let msg = message(load_csv_bytes(
        "cls.csv",
        text.as_bytes(),
        TargetSpec::classes(Column::Last),
    ));
    assert_mentions(
        &msg,
        &[
            "cls.csv",
            "line 3, column 3 (target)",
            "class index out of range \"2\"",
            "names 2 classes (a, b)",
        ],
    );
    let text = "2,2,a,b\n1,2,0\n3,4\n";
    let msg = message(load_csv_bytes(
        "rag.csv",
        text.as_bytes(),
        TargetSpec::classes(Column::Last),
    ));
    assert_mentions(
        &msg,
        &[
            "rag.csv",
            "line 3 has 2 fields but 3",
            "scikit-learn header line says 2 features",
        ],
    );
}

#[test]
fn headerless_csv_reads_every_line_as_data() {
    let text = "0,16,8,1\n4,0,0,0\n";
    let ds = load_csv_bytes(
        "digits.csv",
        text.as_bytes(),
        TargetSpec::classes(Column::Last).without_header(),
    )
    .unwrap();
    assert_eq!((ds.n, ds.d), (2, 3));
    assert_eq!(class_labels(&ds), (&[1, 0][..], 2));
    let msg = message(load_csv_bytes(
        "digits.csv",
        b"0,x,1\n",
        TargetSpec::classes(Column::Last).without_header(),
    ));
    assert_mentions(&msg, &["line 1, column 2 (column 2)", "not a number \"x\""]);
}

#[test]
fn gzip_csv_is_accepted_from_bytes_and_from_a_csv_gz_path() {
    let text = b"a,t\n1,x\n2,y\n";
    let ds = load_csv_bytes("t.csv.gz", &gz(text), TargetSpec::classes("t")).unwrap();
    assert_eq!(ds.class_names, ["x", "y"]);
    let dir = temp_dir("csv-gz");
    let path = dir.join("t.csv.gz");
    std::fs::write(&path, gz(text)).unwrap();
    assert_eq!(load_csv(&path, TargetSpec::classes("t")).unwrap(), ds);
    let msg = message(load_csv_bytes(
        "bad.csv.gz",
        &gz(text)[..10],
        TargetSpec::classes("t"),
    ));
    assert_mentions(&msg, &["bad.csv.gz", "gzip"]);
}

#[test]
fn csv_integer_class_label_too_large_to_be_an_index_is_refused() {
    let text = "a,t\n1,0\n2,4000000000\n";
    let msg = message(load_csv_bytes(
        "big.csv",
        text.as_bytes(),
        TargetSpec::classes("t"),
    ));
    assert_mentions(
        &msg,
        &[
            "big.csv",
            "line 3, column 2 (t)",
            "4000000000",
            "below 65536",
            "real values",
        ],
    );
}

#[test]
fn csv_with_only_a_target_column_is_refused() {
    let msg = message(load_csv_bytes("t.csv", b"t\n1\n", TargetSpec::classes("t")));
    assert_mentions(&msg, &["t.csv", "no feature columns"]);
}

#[test]
fn csv_that_is_not_utf8_is_refused_with_its_line() {
    let msg = message(load_csv_bytes(
        "latin.csv",
        b"a,t\n1,caf\xe9\n",
        TargetSpec::classes("t"),
    ));
    assert_mentions(&msg, &["latin.csv", "line 2"]);
}

// ---------------------------------------------------------------------------------------------
// splits and scaling

fn two_class_set(n0: usize, n1: usize) -> Dataset {
    let n = n0 + n1;
    Dataset {
        features: (0..n).flat_map(|i| [i as f32, 3.0]).collect(),
        n,
        d: 2,
        targets: Targets::Classes {
            labels: (0..n).map(|i| u32::from(i >= n0)).collect(),
            n_classes: 2,
        },
        class_names: vec!["a".into(), "b".into()],
        feature_names: vec!["i".into(), "three".into()],
        image_shape: None,
    }
}

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

// ---------------------------------------------------------------------------------------------
// prepared subsets

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

    let json = std::fs::read_to_string(dir.join("tiny.json")).unwrap();
    let read_manifest = parse_manifest(&json).unwrap();
    assert_eq!(read_manifest, manifest);
    assert_eq!(read_manifest.note, "for tests");
    assert_eq!(read_manifest.class_names, ["x", "y", "z"]);

    let mut back = parse_prepared(&std::fs::read(dir.join("tiny.train.bin")).unwrap()).unwrap();
    read_manifest.describe(&mut back).unwrap();
    assert_eq!(
        back,
        train.subset(&[0, 1, 2]),
        "one row of each class, in file order"
    );
    let mut back_test = parse_prepared(&std::fs::read(dir.join("tiny.test.bin")).unwrap()).unwrap();
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

// ---------------------------------------------------------------------------------------------
// named sets and the data directory

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

#[test]
fn a_target_other_than_the_last_column_of_a_scikit_learn_file_is_refused() {
    let text = "3,2,a,b\n0.1,0.2,0\n0.3,0.4,1\n0.5,0.6,1\n";
    // The last column, by any name a reader of the file could give it, is the target.
    for target in [
        Column::Last,
        Column::Index(2),
        "target".into(),
        "column 3".into(),
        "b".into(),
    ] {
        let ds = load_csv_bytes(
            "s.csv",
            text.as_bytes(),
            TargetSpec::classes(target.clone()),
        )
        .unwrap_or_else(|e| panic!("{target:?}: {e}"));
        assert_eq!(class_labels(&ds).0, &[0, 1, 1]);
    }
    for (target, shown) in [
        (Column::from("nope"), "\"nope\""),
        (Column::Index(0), "column 1"),
        ("a".into(), "\"a\""),
    ] {
        let msg = message(load_csv_bytes(
            "s.csv",
            text.as_bytes(),
            TargetSpec::classes(target),
        ));
        assert!(
            msg.starts_with("s.csv: this file is in scikit-learn's layout"),
            "{msg}"
        );
        assert!(
            msg.contains(&format!("the target {shown} is not it")),
            "{msg}"
        );
    }
}
