//! IDX images/labels, raw and gzip. The first byte picks the path: odd → the rest is gzipped
//! here first (so the fuzzer reaches the gzip path with valid streams), even → the rest as is
//! (which may itself be gzip from the seed corpus).
#![no_main]

#[path = "../common/invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;
use mlp_lab::data::idx::{idx_dataset, parse_idx, IdxFile, IdxLabels, MNIST_CLASSES};
use std::io::Write;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("in-memory gzip");
    e.finish().expect("in-memory gzip")
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let zipped;
    let input = if mode & 1 == 1 {
        zipped = gzip(body);
        &zipped[..]
    } else {
        body
    };
    let parsed = parse_idx("fuzz.idx", input);
    if mode & 1 == 1 && !body.starts_with(&[0x1f, 0x8b]) {
        // Compression must not change what the file means (unless the body is gzip already:
        // then one layer is peeled here and two there).
        let raw = parse_idx("fuzz.idx", body);
        assert_eq!(
            parsed.as_ref().ok(),
            raw.as_ref().ok(),
            "gzip and raw disagree"
        );
        assert_eq!(parsed.is_ok(), raw.is_ok(), "gzip and raw disagree");
    }
    match parsed {
        Ok(IdxFile::Images(images)) => {
            assert_eq!(images.pixels.len(), images.n * images.rows * images.cols);
            let labels = IdxLabels {
                file: "fuzz-labels".into(),
                labels: (0..images.n).map(|i| (i % 10) as u8).collect(),
            };
            let ds =
                idx_dataset(images, labels, &MNIST_CLASSES).expect("labels 0..9 fit 10 classes");
            invariants::check_dataset(&ds);
        }
        Ok(IdxFile::Labels(labels)) => {
            let n = labels.labels.len();
            let images = mlp_lab::data::idx::IdxImages {
                file: "fuzz-images".into(),
                n,
                rows: 1,
                cols: 1,
                pixels: vec![0; n],
            };
            if let Ok(ds) = idx_dataset(images, labels, &MNIST_CLASSES) {
                invariants::check_dataset(&ds);
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
