//! The gzip reader (src/data/gzip.rs) against flate2's writer and reader: the same bytes for
//! one or several members, every compression level and header option, the output limit, and a
//! specific error for each way a file can be damaged.

use flate2::write::GzEncoder;
use flate2::{Compression, GzBuilder};
use mlp_lab::data::gzip::{crc32, gunzip};
use std::io::{Read, Write};

fn gz(data: &[u8], level: u32) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::new(level));
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Bytes that compress somewhat: a pseudo-random walk, like image rows.
fn sample(n: usize) -> Vec<u8> {
    let mut x: u32 = 7;
    (0..n)
        .map(|i| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            ((x >> 24) as u8 / 16).wrapping_add((i / 97) as u8)
        })
        .collect()
}

#[test]
fn the_crc_is_the_standard_crc32() {
    assert_eq!(crc32(b""), 0);
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
}

#[test]
fn members_at_every_level_read_back_as_flate2_reads_them() {
    for n in [0, 1, 100, 70_000, 300_000] {
        let data = sample(n);
        for level in [0, 1, 6, 9] {
            let file = gz(&data, level);
            assert_eq!(
                gunzip(&file, usize::MAX).unwrap(),
                data,
                "n {n} level {level}"
            );
            let mut theirs = Vec::new();
            flate2::read::MultiGzDecoder::new(&file[..])
                .read_to_end(&mut theirs)
                .unwrap();
            assert_eq!(theirs, data);
        }
    }
}

#[test]
fn several_members_and_header_fields_are_read() {
    let (a, b) = (sample(5000), sample(123));
    let mut e = GzBuilder::new()
        .filename("a.bin")
        .comment("two members")
        .extra(vec![1, 2, 3, 4])
        .write(Vec::new(), Compression::best());
    e.write_all(&a).unwrap();
    let mut file = e.finish().unwrap();
    file.extend(gz(&b, 6));
    assert_eq!(gunzip(&file, usize::MAX).unwrap(), [a, b].concat());
}

#[test]
fn the_limit_stops_reading_early() {
    let data = sample(200_000);
    let out = gunzip(&gz(&data, 6), 1001).unwrap();
    assert_eq!(out, data[..1001]);
}

#[test]
fn damaged_files_are_refused_saying_how() {
    let data = sample(50_000);
    let file = gz(&data, 6);
    let err = |bytes: &[u8]| gunzip(bytes, usize::MAX).expect_err("damaged").1;
    assert!(err(&file[..file.len() / 2]).contains("ends inside the compressed data"));
    assert!(err(&file[..file.len() - 3]).contains("ends inside a gzip member's trailer"));
    assert!(err(&file[..6]).contains("invalid gzip header"));
    let mut crc = file.clone();
    let at = crc.len() - 8;
    crc[at] ^= 1;
    assert!(err(&crc).contains("CRC-32"));
    let mut len = file.clone();
    let at = len.len() - 1;
    len[at] ^= 1;
    assert!(err(&len).contains("length"));
    let mut method = file.clone();
    method[2] = 7;
    assert!(err(&method).contains("compression method"));
    let mut garbage = file.clone();
    garbage.extend_from_slice(b"trailing text");
    assert!(err(&garbage).contains("not another gzip member"));
    let mut body = file.clone();
    for b in &mut body[20..60] {
        *b = 0xff;
    }
    let (so_far, why) = gunzip(&body, usize::MAX).expect_err("corrupt");
    assert!(
        why.contains("corrupt") || why.contains("CRC") || why.contains("ends inside"),
        "{why}"
    );
    assert!(so_far < data.len());
}
