//! The IDX loader (MNIST's format, raw or gzip) on small files written by the tests: good files,
//! and each kind of broken file, with messages that name what was found, where, and what was
//! expected.

use std::io::Write;
use std::time::{Duration, Instant};

use mlp_lab::data::idx::{idx_dataset, load_idx_pair, parse_idx, IdxFile, MNIST_CLASSES};
use mlp_lab::data::DataError;

#[path = "common/data_files.rs"]
mod data_files;
use data_files::{
    assert_mentions, class_labels, error_of, gz, idx_images, idx_labels, message, temp_dir,
};

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
