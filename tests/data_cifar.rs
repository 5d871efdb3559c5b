//! The CIFAR-10 binary loader and its class-name file on small files written by the tests.

use mlp_lab::data::cifar::{load_cifar, parse_cifar, parse_cifar_meta, RECORD_BYTES};

#[path = "common/data_files.rs"]
mod data_files;
use data_files::{assert_mentions, class_labels, message, temp_dir};

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
