//! CIFAR-10 binary batches (raw or gzip) and the class-name file `batches.meta.txt`.
#![no_main]

#[path = "../common/invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;
use mlp_lab::data::cifar::{parse_cifar, parse_cifar_meta, N_CLASSES, RECORD_BYTES};

fuzz_target!(|data: &[u8]| {
    let names: Vec<String> = (0..N_CLASSES).map(|i| format!("class {i}")).collect();
    match parse_cifar("fuzz.bin", data, &names) {
        Ok(ds) => {
            invariants::check_dataset(&ds);
            assert_eq!(ds.d, RECORD_BYTES - 1);
            assert!(ds.features.iter().all(|x| (0.0..=1.0).contains(x)));
            if !data.starts_with(&[0x1f, 0x8b]) {
                assert_eq!(ds.n * RECORD_BYTES, data.len());
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    let text = String::from_utf8_lossy(data);
    if let Ok(names) = parse_cifar_meta("batches.meta.txt", &text) {
        assert_eq!(names.len(), N_CLASSES);
        assert!(names.iter().all(|n| !n.is_empty()));
    }
});
