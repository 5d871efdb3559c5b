//! Helpers for the data-loader tests: IDX files, gzip, a scratch directory, a small two-class
//! set, and checks that an error message names what it should.
//!
//! Pulled in with `#[path = "common/data_files.rs"] mod data_files;`.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;

use mlp_lab::data::{DataError, Dataset, Targets};

pub fn idx_images(n: u32, rows: u32, cols: u32, pixels: &[u8]) -> Vec<u8> {
    let mut b = 0x0000_0803u32.to_be_bytes().to_vec();
    for v in [n, rows, cols] {
        b.extend_from_slice(&v.to_be_bytes());
    }
    b.extend_from_slice(pixels);
    b
}

pub fn idx_labels(labels: &[u8]) -> Vec<u8> {
    let mut b = 0x0000_0801u32.to_be_bytes().to_vec();
    b.extend_from_slice(&(labels.len() as u32).to_be_bytes());
    b.extend_from_slice(labels);
    b
}

pub fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A fresh directory under the system temp dir, unique to this process and test.
pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mlp-lab-data-tests-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn error_of<T: std::fmt::Debug>(r: Result<T, DataError>) -> DataError {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

pub fn message<T: std::fmt::Debug>(r: Result<T, DataError>) -> String {
    error_of(r).to_string()
}

pub fn assert_mentions(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "message {msg:?} should mention {p:?}");
    }
}

pub fn class_labels(ds: &Dataset) -> (&[u32], usize) {
    match &ds.targets {
        Targets::Classes { labels, n_classes } => (labels, *n_classes),
        other => panic!("expected classes, got {other:?}"),
    }
}

pub fn two_class_set(n0: usize, n1: usize) -> Dataset {
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
